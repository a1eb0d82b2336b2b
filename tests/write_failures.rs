//! A book that cannot be written is named by its output, in plain words:
//! `error: cannot write out.pdf (no space left on device)`, never a list of
//! its inputs; the previous output stays. Writes are made to fail with a file
//! size limit (`ulimit -f`, which any user may set: `file too large`) and,
//! where this test may mount one, a full tmpfs (`no space left on device`).

mod common;

use std::path::Path;
use std::process::{Command, Output};

/// Twenty inputs, as a magazine issue has.
fn issue(dir: &Path) -> Vec<String> {
    std::fs::copy(
        common::seed("images/20230325_IRD001.jpg"),
        dir.join("photo.jpg"),
    )
    .unwrap();
    (1..=20)
        .map(|n| {
            let name = format!("{n:04}-article.md");
            let text = format!(
                "---\nlanguage: en\n---\n# Article {n}\n\n![A photo](photo.jpg)\n\n{}\n",
                "Words enough to set a page of text with. ".repeat(60)
            );
            std::fs::write(dir.join(&name), text).unwrap();
            name
        })
        .collect()
}

/// Runs bindery in `dir` under a file size limit of `blocks` (512 bytes
/// each in POSIX `sh`), with SIGXFSZ ignored so a write past it fails with
/// `EFBIG` instead of killing the process.
fn run_limited(dir: &Path, blocks: u32, args: &[String]) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg(format!(
            "trap '' XFSZ; ulimit -f {blocks} && exec \"$0\" \"$@\""
        ))
        .arg(env!("CARGO_BIN_EXE_bindery"))
        .args(args)
        .current_dir(dir)
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("run bindery under sh")
}

fn args(list: &[&str], inputs: &[String]) -> Vec<String> {
    let mut v: Vec<String> = list.iter().map(|s| s.to_string()).collect();
    v.splice(1..1, inputs.iter().cloned());
    v
}

#[test]
fn a_failed_write_names_the_output_and_keeps_the_old_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let inputs = issue(d);
    std::fs::write(d.join("out.pdf"), "the old book").unwrap();
    let out = run_limited(
        d,
        64,
        &args(&["build", "-o", "out.pdf", "--pdf-min-dpi", "150"], &inputs),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("error: cannot write out.pdf (file too large)\n"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("0001-article.md"),
        "inputs listed: {stderr}"
    );
    assert!(!stderr.contains("os error"), "{stderr}");
    assert_eq!(std::fs::read(d.join("out.pdf")).unwrap(), b"the old book");
    let leftovers: Vec<_> = std::fs::read_dir(d)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");

    // The EPUB, as a batch of one book per input, and as JSON.
    let out = run_limited(
        d,
        16,
        &args(
            &[
                "build",
                "--each",
                "-f",
                "epub",
                "--out-dir",
                "out",
                "--json",
            ],
            &inputs[..2],
        ),
    );
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let books: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|v: &serde_json::Value| v["type"] == "book")
        .collect();
    assert_eq!(books.len(), 2, "{stdout}");
    for (book, name) in books.iter().zip(["0001-article", "0002-article"]) {
        assert_eq!(book["status"], "failed");
        assert_eq!(
            book["error"],
            format!("cannot write out/{name}.epub (file too large)")
        );
    }
    let out = run_limited(
        d,
        16,
        &args(
            &["build", "--each", "-f", "epub", "--out-dir", "out"],
            &inputs[..2],
        ),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("error: cannot write out/0001-article.epub (file too large)\n")
            && stderr.contains("error: cannot write out/0002-article.epub (file too large)\n"),
        "{stderr}"
    );
    // Nothing else: no library's own report of the failed write.
    assert_eq!(
        stderr.lines().filter(|l| !l.is_empty()).count(),
        3,
        "{stderr}"
    );
}

#[test]
fn a_book_that_fails_for_its_input_is_named_by_its_output_too() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut inputs = issue(d);
    std::fs::write(
        d.join("0021-broken.md"),
        "---\ntitle: [unclosed\n---\n# Broken\n",
    )
    .unwrap();
    inputs.push("0021-broken.md".into());
    let out = run_limited(
        d,
        1 << 20,
        &args(&["build", "-o", "issue.epub", "-o", "issue.pdf"], &inputs),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("error: cannot build issue.epub and issue.pdf (1 error(s) in the input)\n"),
        "{stderr}"
    );
    assert!(!stderr.contains("0001-article.md"), "{stderr}");
}

/// A real full disk: a small tmpfs, where this test may mount one (as root);
/// elsewhere a notice (the file size limit above covers the same path).
#[test]
fn a_full_disk_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let inputs = issue(d);
    let disk = d.join("disk");
    std::fs::create_dir(&disk).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=32k", "tmpfs"])
        .arg(&disk)
        .output()
        .is_ok_and(|o| o.status.success());
    if !mounted {
        eprintln!(
            "notice: cannot mount a tmpfs here; the full-disk case is covered by the file size limit"
        );
        return;
    }
    struct Unmount<'a>(&'a Path);
    impl Drop for Unmount<'_> {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg(self.0).output();
        }
    }
    let _unmount = Unmount(&disk);
    std::fs::write(disk.join("out.pdf"), "the old book").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_bindery"))
        .args(args(&["build", "-o", "disk/out.pdf"], &inputs))
        .current_dir(d)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("error: cannot write disk/out.pdf (no space left on device)\n"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read(disk.join("out.pdf")).unwrap(),
        b"the old book"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_bindery"))
        .args(args(&["build", "-o", "disk/out.epub"], &inputs))
        .current_dir(d)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("error: cannot write disk/out.epub (no space left on device)\n"),
        "{stderr}"
    );
}

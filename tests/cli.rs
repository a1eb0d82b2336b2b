//! The command line as scripts see it: exit codes, messages, JSON, projects,
//! `--each` over many books. Snapshots are of normalised stderr/stdout.

mod common;

use std::path::Path;
use std::process::{Command, Output};

/// Runs bindery in `dir`.
fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bindery"))
        .args(args)
        .current_dir(dir)
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("run bindery")
}

/// Exit code, stdout and stderr with durations and sizes masked.
fn transcript(out: &Output) -> String {
    let mask = |s: &[u8]| {
        let text = String::from_utf8_lossy(s).into_owned();
        let mut masked = String::new();
        for line in text.lines() {
            let mut l = line.to_string();
            if let Some(i) = l.find(" in ").filter(|_| l.ends_with(" s")) {
                l.truncate(i);
                l.push_str(" in <time>");
            }
            if let (Some(a), Some(b)) = (l.find(" ("), l.find(" KB"))
                && l.starts_with("wrote ")
                && a < b
            {
                l.replace_range(a + 2..b, "<size>");
            }
            masked.push_str(&l);
            masked.push('\n');
        }
        masked
    };
    format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        out.status.code().unwrap_or(-1),
        mask(&out.stdout),
        mask(&out.stderr)
    )
}

fn write(path: &Path, text: &str) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).unwrap();
    }
    std::fs::write(path, text).unwrap();
}

#[test]
fn help_lists_commands_and_exit_codes() {
    let out = run_in(Path::new("."), &["--help"]);
    insta::assert_snapshot!(transcript(&out));
}

#[test]
fn usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("a.md"), "# A\n\nText.\n");
    write(
        &dir.path().join("x.pdf"),
        "# Markdown in a file named .pdf\n",
    );
    let cases: [(&str, &[&str]); 5] = [
        ("unknown flag", &["build", "a.md", "--bogus"]),
        ("no output", &["build", "a.md"]),
        ("unknown extension", &["build", "a.md", "-o", "a.docx"]),
        ("output is an input", &["build", "x.pdf", "-o", "x.pdf"]),
        ("no markdown", &["build", "empty"]),
    ];
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    std::fs::create_dir(dir.path().join("a.epub")).unwrap();
    let mut all = String::new();
    for (name, args) in cases {
        let out = run_in(dir.path(), args);
        assert_eq!(out.status.code(), Some(2), "{name}: {}", transcript(&out));
        all.push_str(&format!("## {name}\n{}", transcript(&out)));
    }
    let out = run_in(dir.path(), &["build", "a.md", "-o", "a.epub"]);
    assert_eq!(out.status.code(), Some(2), "output is a folder");
    insta::assert_snapshot!(all);
}

#[test]
fn failed_book_exits_1_and_strict_exits_3() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.md"), b"# Bad\n\n\xff\xfe not UTF-8\n").unwrap();
    write(&dir.path().join("warn.md"), "# W\n\n![x](missing.png)\n");
    let out = run_in(dir.path(), &["build", "bad.md", "-o", "bad.epub"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!dir.path().join("bad.epub").exists());
    let out2 = run_in(
        dir.path(),
        &["build", "warn.md", "-o", "warn.epub", "--strict"],
    );
    assert_eq!(out2.status.code(), Some(3));
    assert!(!dir.path().join("warn.epub").exists());
    let out3 = run_in(dir.path(), &["check", "warn.md"]);
    assert_eq!(out3.status.code(), Some(0));
    let out4 = run_in(dir.path(), &["check", "warn.md", "--strict"]);
    assert_eq!(out4.status.code(), Some(3));
    insta::assert_snapshot!(format!(
        "{}{}{}{}",
        transcript(&out),
        transcript(&out2),
        transcript(&out3),
        transcript(&out4)
    ));
}

#[test]
fn project_file_init_and_templates() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(dir.path(), &["init"]);
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    assert!(dir.path().join("bindery.toml").exists());
    let again = run_in(dir.path(), &["init"]);
    assert_eq!(again.status.code(), Some(2));
    // `bindery build` with no arguments builds the project here.
    let built = run_in(dir.path(), &["build"]);
    assert_eq!(built.status.code(), Some(0), "{}", transcript(&built));
    assert!(dir.path().join("out/my-book.epub").exists());
    assert!(dir.path().join("out/my-book.pdf").exists());
    common::epubcheck(&dir.path().join("out/my-book.epub"));
    insta::assert_snapshot!(transcript(&built));

    // A typo in the project file: an error with file, line and a hint.
    let toml = std::fs::read_to_string(dir.path().join("bindery.toml")).unwrap();
    write(
        &dir.path().join("bindery.toml"),
        &toml.replace("title = \"My Book\"", "titel = \"My Book\""),
    );
    let bad = run_in(dir.path(), &["build"]);
    assert_eq!(bad.status.code(), Some(2));
    insta::assert_snapshot!("bad_project_file", transcript(&bad));
}

#[test]
fn json_reports_are_valid_and_complete() {
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("a.md"),
        "---\ntitle: A\nlang: en\n---\n# A\n\n![x](gone.png)\n",
    );
    write(
        &dir.path().join("b.md"),
        "---\nlanguage: en\n---\n# B\n\nFine.\n",
    );
    let out = run_in(
        dir.path(),
        &[
            "build",
            "a.md",
            "b.md",
            "--each",
            "-f",
            "epub,pdf",
            "--out-dir",
            "out",
            "--json",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let objects: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("every stdout line is JSON"))
        .collect();
    assert_eq!(objects.len(), 3);
    let a = &objects[0];
    assert_eq!(a["type"], "book");
    assert_eq!(a["status"], "ok");
    assert_eq!(a["inputs"][0], "a.md");
    assert_eq!(a["outputs"].as_array().unwrap().len(), 2);
    for output in a["outputs"].as_array().unwrap() {
        let path = dir.path().join(output["path"].as_str().unwrap());
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(output["bytes"].as_u64().unwrap(), bytes.len() as u64);
        use sha2::Digest;
        let sha: String = sha2::Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(output["sha256"], sha);
    }
    assert!(a["outputs"][1]["pages"].as_u64().unwrap() >= 1);
    let d = &a["diagnostics"][0];
    assert_eq!(d["severity"], "warning");
    assert_eq!(d["file"], "a.md");
    assert_eq!(d["line"], 7);
    assert_eq!(d["column"], 1);
    assert_eq!(d["message"], "image not found (gone.png)");
    assert!(a["duration_ms"].is_u64());
    let summary = &objects[2];
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["books"], 2);
    assert_eq!(summary["failed"], 0);
    assert_eq!(summary["warnings"], 1);
}

/// An article in the seed's dialect.
fn article(n: usize) -> String {
    let mut s = format!(
        "###### Dispatch {n}\n# Report number {n} from the field\n##### A standfirst for article {n}\n> Mar {}th 2024\n",
        n % 27 + 1
    );
    for p in 0..6 {
        s.push_str(&format!(
            "Paragraph {p} of article {n} carries enough ordinary prose to fill a few lines in print, with commas, clauses and the occasional longer word such as internationalisation or responsibility, so that the typesetter has real work to do.\n"
        ));
        if p == 2 {
            s.push_str("A crosshead here\n");
        }
    }
    s
}

#[test]
fn fifty_articles_each_with_one_broken() {
    let dir = tempfile::tempdir().unwrap();
    for n in 1..=50 {
        write(&dir.path().join(format!("articles/{n}.md")), &article(n));
    }
    // The broken one: malformed front matter.
    write(
        &dir.path().join("articles/51.md"),
        "---\ntitle: [unclosed\n---\n# Broken\n",
    );
    let out = run_in(
        dir.path(),
        &[
            "build",
            "articles",
            "--each",
            "-f",
            "epub",
            "--out-dir",
            "out",
            "-j",
            "2",
            "--meta",
            "language=en",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("articles/51.md:2:"), "{stderr}");
    assert!(
        stderr.contains("error: cannot build out/51.epub (1 error(s) in the input)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("51 books, 1 failed, 0 warnings"),
        "{stderr}"
    );
    let written: Vec<_> = (1..=50)
        .map(|n| dir.path().join(format!("out/{n}.epub")))
        .collect();
    assert!(written.iter().all(|p| p.exists()));
    assert!(!dir.path().join("out/51.epub").exists());
    // Every EPUB is valid: epubcheck runs two at a time.
    let chunks: Vec<Vec<std::path::PathBuf>> = written.chunks(25).map(<[_]>::to_vec).collect();
    std::thread::scope(|s| {
        for chunk in &chunks {
            s.spawn(move || {
                for p in chunk {
                    common::epubcheck(p);
                }
            });
        }
    });
}

#[test]
fn completions_and_man_page() {
    let out = run_in(Path::new("."), &["completions", "bash"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("_bindery"));
    let out = run_in(Path::new("."), &["man"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains(".TH bindery"));
}

#[test]
fn watch_rebuilds_on_change() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("w.md"), "# Watch\n\nFirst.\n");
    let out = dir.path().join("w.epub");
    let mut child = Command::new(env!("CARGO_BIN_EXE_bindery"))
        .args(["build", "w.md", "-o", "w.epub", "--watch", "-q"])
        .current_dir(dir.path())
        .spawn()
        .unwrap();
    let wait_for = |pred: &dyn Fn() -> bool| {
        for _ in 0..100 {
            if pred() {
                return true;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        false
    };
    assert!(wait_for(&|| out.exists()), "first build");
    let first = std::fs::read(&out).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    write(
        &dir.path().join("w.md"),
        "# Watch\n\nSecond, longer text.\n",
    );
    let changed = wait_for(&|| std::fs::read(&out).is_ok_and(|b| b != first));
    let _ = child.kill();
    let _ = child.wait();
    assert!(changed, "rebuilt after the change");
}

#[test]
fn watch_rebuilds_when_a_font_file_changes_and_reads_it_again() {
    let fallback = Path::new("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf");
    if !fallback.exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "{} is missing (apt-get install fonts-droid-fallback)",
            fallback.display()
        );
        eprintln!("notice: {} missing; skipping", fallback.display());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("w.md"),
        "---\nlanguage: zh\n---\n# 东\n\n文字。\n",
    );
    // First a font without the CJK characters, then one with them.
    std::fs::copy(
        "fonts/LiberationMono-Regular.ttf",
        dir.path().join("extra.ttf"),
    )
    .unwrap();
    let out = dir.path().join("w.pdf");
    let mut child = Command::new(env!("CARGO_BIN_EXE_bindery"))
        .args([
            "build",
            "w.md",
            "-o",
            "w.pdf",
            "--font",
            "extra.ttf",
            "--watch",
            "-q",
        ])
        .current_dir(dir.path())
        .spawn()
        .unwrap();
    let wait_for = |pred: &dyn Fn() -> bool| {
        for _ in 0..150 {
            if pred() {
                return true;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        false
    };
    let has_droid = || std::fs::read(&out).is_ok_and(|b| b.windows(9).any(|w| w == b"DroidSans"));
    assert!(wait_for(&|| out.exists()), "first build");
    assert!(!has_droid());
    std::thread::sleep(std::time::Duration::from_millis(1100));
    std::fs::copy(fallback, dir.path().join("extra.ttf")).unwrap();
    let changed = wait_for(&has_droid);
    let _ = child.kill();
    let _ = child.wait();
    assert!(changed, "rebuilt with the changed font file");
}

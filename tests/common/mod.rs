//! Helpers shared by the end-to-end tests: building with the real binary and
//! running external validators (skipped with a notice when absent, a failure
//! under `CI=true`).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The project folder.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A seed file's path.
pub fn seed(name: &str) -> PathBuf {
    root().join("seeds").join(name)
}

/// Runs the `bindery` binary with `args`.
pub fn bindery(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bindery"))
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("run bindery")
}

/// Builds `inputs` into `out` with the binary, asserting success.
pub fn build(inputs: &[&Path], out: &Path, extra: &[&str]) -> Output {
    let mut args: Vec<String> = vec!["build".into()];
    args.extend(inputs.iter().map(|p| p.display().to_string()));
    args.push("-o".into());
    args.push(out.display().to_string());
    args.extend(extra.iter().map(|s| s.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = bindery(&args);
    assert!(
        output.status.success(),
        "bindery {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Whether an external tool can be run; under `CI=true` a missing tool fails the test.
pub fn have(tool: &str, probe: &[&str]) -> bool {
    let ok = Command::new(tool)
        .args(probe)
        .output()
        .is_ok_and(|o| o.status.success() || !o.stdout.is_empty() || !o.stderr.is_empty());
    if !ok {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{tool} is required under CI=true but is not installed");
        }
        eprintln!("notice: {tool} not installed; skipping the check that needs it");
    }
    ok
}

/// Path of Debian's epubcheck jar.
pub const EPUBCHECK_JAR: &str = "/usr/share/java/epubcheck.jar";

/// Runs epubcheck on a file and asserts 0 errors and 0 warnings.
/// Returns false (after a notice) when epubcheck is not installed.
pub fn epubcheck(epub: &Path) -> bool {
    let installed = Path::new(EPUBCHECK_JAR).exists() && have("java", &["-version"]);
    if !installed {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("epubcheck is required under CI=true but {EPUBCHECK_JAR} is missing");
        }
        eprintln!(
            "notice: epubcheck not installed; skipping validation of {}",
            epub.display()
        );
        return false;
    }
    // C1-only JIT and the serial collector: epubcheck is a short run, and
    // these flags halve its CPU time.
    let out = Command::new("java")
        .args([
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-Xshare:auto",
            "-jar",
            EPUBCHECK_JAR,
            "--quiet",
        ])
        .arg(epub)
        .output()
        .expect("run epubcheck");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success() && !text.contains("WARNING") && !text.contains("ERROR"),
        "epubcheck failed on {}:\n{text}",
        epub.display()
    );
    true
}

/// Runs a command and returns its stdout, or None (with a notice) when the tool is missing.
pub fn tool_output(tool: &str, args: &[&str]) -> Option<String> {
    if !have(tool, &["-v"]) {
        return None;
    }
    let out = Command::new(tool).args(args).output().expect("run tool");
    assert!(
        out.status.success(),
        "{tool} {args:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// A word `pdftotext -bbox` finds: page (from 1), xMin, yMin, xMax, yMax,
/// text.
pub type Word = (usize, f64, f64, f64, f64, String);

/// The words of `pdf` with their boxes (`pdftotext -bbox`, `extra` options
/// such as `-f 1 -l 2` first); `None` when pdftotext is not installed.
#[allow(dead_code, reason = "not every test file reads word boxes")]
pub fn pdf_words(pdf: &Path, extra: &[&str]) -> Option<Vec<Word>> {
    let mut args = vec!["-bbox"];
    args.extend_from_slice(extra);
    args.extend([pdf.to_str().unwrap(), "-"]);
    let html = tool_output("pdftotext", &args)?;
    let mut out = Vec::new();
    let mut page = 0;
    for line in html.lines() {
        let line = line.trim();
        if line.starts_with("<page") {
            page += 1;
        }
        if let Some(rest) = line.strip_prefix("<word ") {
            let num = |key: &str| -> f64 {
                let start = rest.find(&format!("{key}=\"")).unwrap() + key.len() + 2;
                rest[start..].split('"').next().unwrap().parse().unwrap()
            };
            let word = rest
                .split('>')
                .nth(1)
                .unwrap_or("")
                .split('<')
                .next()
                .unwrap_or("");
            out.push((
                page,
                num("xMin"),
                num("yMin"),
                num("xMax"),
                num("yMax"),
                // The words are XHTML text: entities read back.
                word.replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&quot;", "\"")
                    .replace("&#39;", "'")
                    .replace("&amp;", "&"),
            ));
        }
    }
    Some(out)
}

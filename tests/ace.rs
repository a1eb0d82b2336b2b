//! Ace by DAISY, the accessibility checker distributors run, on the test
//! books: no violation may be reported.
//!
//! Ace (npm `@daisy/ace`) runs its checks in a browser through puppeteer;
//! `ace-puppeteer` is pointed at Debian's `chromium` (no browser can be
//! downloaded here). Without Ace the test prints a notice, and fails under
//! `CI=true`.

mod common;

use std::path::Path;
use std::process::Command;

/// The violations Ace reports for `epub`, one line each.
fn violations(epub: &Path, report: &Path) -> Vec<String> {
    let chromium = std::env::var("PUPPETEER_EXECUTABLE_PATH")
        .unwrap_or_else(|_| "/usr/bin/chromium".to_string());
    let out = Command::new("ace-puppeteer")
        .args(["--force", "--silent", "--outdir"])
        .arg(report)
        .arg(epub)
        .env("PUPPETEER_EXECUTABLE_PATH", chromium)
        .output()
        .expect("run ace-puppeteer");
    let json = std::fs::read_to_string(report.join("report.json")).unwrap_or_else(|e| {
        panic!(
            "Ace wrote no report for {} ({e}): {}{}",
            epub.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let report: serde_json::Value = serde_json::from_str(&json).expect("Ace's report is JSON");
    let mut found = Vec::new();
    for document in report["assertions"].as_array().into_iter().flatten() {
        let url = document["earl:testSubject"]["url"].as_str().unwrap_or("?");
        for a in document["assertions"].as_array().into_iter().flatten() {
            if a["earl:result"]["earl:outcome"] == "fail" {
                found.push(format!(
                    "{url}: {} ({}): {}",
                    a["earl:test"]["dct:title"].as_str().unwrap_or("?"),
                    a["earl:test"]["earl:impact"].as_str().unwrap_or("?"),
                    a["earl:result"]["dct:description"].as_str().unwrap_or("")
                ));
            }
        }
    }
    found
}

#[test]
fn test_books_have_no_accessibility_violations() {
    if !common::have("ace-puppeteer", &["--version"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = common::root();
    let books: [(&str, Vec<std::path::PathBuf>, &[&str]); 4] = [
        (
            "stress",
            vec![root.join("tests/data/stress")],
            &["--cover", "auto", "--toc-page"],
        ),
        (
            "seed",
            vec![common::seed("xi-putin.md")],
            &["--meta", "language=en"],
        ),
        (
            "constructs",
            vec![root.join("tests/data/constructs.md")],
            &["--allow-outside-root"],
        ),
        (
            "corpus",
            vec![
                root.join("tests/corpus/47-kitchen-sink.md"),
                root.join("tests/corpus/18-footnotes.md"),
                root.join("tests/corpus/16-tables-wide.md"),
                root.join("tests/corpus/20-inline-html.md"),
                root.join("tests/corpus/27-arabic-hebrew.md"),
                root.join("tests/corpus/51-glossary.md"),
            ],
            &["--meta", "language=en", "--split-level", "2"],
        ),
    ];
    let mut all = Vec::new();
    for (name, inputs, extra) in books {
        let epub = dir.path().join(format!("{name}.epub"));
        let inputs: Vec<&Path> = inputs.iter().map(|p| p.as_path()).collect();
        common::build(&inputs, &epub, extra);
        common::epubcheck(&epub);
        for v in violations(&epub, &dir.path().join(format!("{name}-ace"))) {
            all.push(format!("{name}: {v}"));
        }
    }
    assert!(all.is_empty(), "Ace reports:\n{}", all.join("\n"));
}

//! The test corpus (`tests/corpus/`, 56 documents covering every CommonMark
//! and GFM construct, raw and hostile HTML, many scripts): every document
//! builds into an EPUB that epubcheck accepts with 0 errors and 0 warnings,
//! whose XHTML parses as XML and whose manifest, spine and references hold,
//! and into a PDF.

mod common;

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};

fn corpus() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(common::root().join("tests/corpus"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    files
}

fn build(input: &Path, dir: &Path) -> (PathBuf, PathBuf) {
    let stem = input.file_stem().unwrap().to_string_lossy().into_owned();
    let epub = dir.join(format!("{stem}.epub"));
    let pdf = dir.join(format!("{stem}.pdf"));
    let options = bindery::BuildOptions {
        inputs: vec![input.to_path_buf()],
        outputs: vec![
            bindery::OutputSpec {
                path: epub.clone(),
                format: bindery::Format::Epub,
            },
            bindery::OutputSpec {
                path: pdf.clone(),
                format: bindery::Format::Pdf,
            },
        ],
        ..Default::default()
    };
    let (report, result) = bindery::build(&options);
    let outputs = result.unwrap_or_else(|e| {
        let diags: Vec<String> = report
            .diagnostics
            .iter()
            .map(|d| d.render(&report.sources))
            .collect();
        panic!("{} failed: {e}\n{}", input.display(), diags.join("\n"))
    });
    for mut o in outputs {
        o.commit().unwrap();
    }
    (epub, pdf)
}

fn well_formed(name: &str, xml: &str) {
    let mut reader = quick_xml::Reader::from_str(xml);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("{name} is not well-formed XML: {e}"),
        }
    }
}

/// Reads the EPUB back: mimetype first, every manifest item present, every
/// spine item in the manifest, every local href/src pointing at a file.
fn check_container(epub: &Path) {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(epub).unwrap()).unwrap();
    let mut files = Vec::new();
    for i in 0..archive.len() {
        let mut e = archive.by_index(i).unwrap();
        let mut bytes = Vec::new();
        e.read_to_end(&mut bytes).unwrap();
        files.push((e.name().unwrap().to_string(), bytes));
    }
    assert_eq!(files[0].0, "mimetype");
    let names: BTreeSet<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    let opf = files
        .iter()
        .find(|(n, _)| n == "OEBPS/content.opf")
        .expect("opf");
    let opf = String::from_utf8(opf.1.clone()).unwrap();
    well_formed("content.opf", &opf);
    let attr_values = |text: &str, key: &str| -> Vec<String> {
        text.split(&format!("{key}=\""))
            .skip(1)
            .map(|rest| rest.split('"').next().unwrap().to_string())
            .collect()
    };
    let hrefs = attr_values(&opf, "href");
    for href in &hrefs {
        assert!(
            names.contains(format!("OEBPS/{href}").as_str()),
            "manifest item {href} missing"
        );
    }
    let ids = attr_values(&opf, " id");
    for idref in attr_values(&opf, "idref") {
        assert!(
            ids.contains(&idref),
            "spine item {idref} not in the manifest"
        );
    }
    for (name, bytes) in &files {
        if !name.ends_with(".xhtml") {
            continue;
        }
        let text = std::str::from_utf8(bytes).unwrap();
        well_formed(name, text);
        for key in ["href", "src"] {
            for target in attr_values(text, key) {
                if target.contains(':') || target.starts_with('#') {
                    continue;
                }
                let file = target.split('#').next().unwrap();
                assert!(
                    names.contains(format!("OEBPS/{file}").as_str()),
                    "{name} points at missing {target}"
                );
            }
        }
    }
}

#[test]
fn corpus_builds_and_validates() {
    let dir = tempfile::tempdir().unwrap();
    let files = corpus();
    assert!(files.len() >= 50, "corpus has {} documents", files.len());
    let mut epubs = Vec::new();
    for input in &files {
        let (epub, pdf) = build(input, dir.path());
        check_container(&epub);
        assert!(std::fs::metadata(&pdf).unwrap().len() > 0);
        epubs.push(epub);
    }
    let half = epubs.len() / 2;
    let (a, b) = epubs.split_at(half);
    std::thread::scope(|s| {
        for part in [a, b] {
            s.spawn(move || {
                for epub in part {
                    common::epubcheck(epub);
                }
            });
        }
    });
}

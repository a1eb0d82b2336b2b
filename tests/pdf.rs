//! End-to-end tests of the PDF backend on the seed: qpdf, pdffonts, pdftotext,
//! page size, determinism.

mod common;

use common::{build, seed, tool_output};
use std::path::Path;

/// The words of the document in reading order, from the tree.
fn document_words(input: &Path) -> Vec<String> {
    use bindery::doc::{Block, plain_text};
    let options = bindery::BuildOptions {
        inputs: vec![input.to_path_buf()],
        ..Default::default()
    };
    let mut report = bindery::Report::default();
    let doc = bindery::load(&options, &mut report).unwrap().doc;
    let mut text = String::new();
    for block in &doc.chapters[0].blocks {
        match block {
            Block::Heading { content, .. }
            | Block::Kicker { content, .. }
            | Block::Standfirst { content, .. }
            | Block::Dateline { content, .. }
            | Block::Paragraph { content, .. } => {
                text.push_str(&plain_text(content));
                text.push(' ');
            }
            _ => {}
        }
    }
    text.split_whitespace().map(str::to_string).collect()
}

/// The words pdftotext finds in the text block (cropped so running heads and
/// folios stay out), hyphenated words rejoined.
fn pdf_words(pdf: &Path, furniture: &[&str]) -> Option<Vec<String>> {
    // A4 at 72 dpi: the text block runs from about 71 pt to 752 pt.
    let text = tool_output(
        "pdftotext",
        &[
            "-r",
            "72",
            "-x",
            "0",
            "-y",
            "64",
            "-W",
            "600",
            "-H",
            "694",
            pdf.to_str().unwrap(),
            "-",
        ],
    )?;
    let mut joined = String::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.chars().all(|c| c.is_ascii_digit()) || furniture.contains(&line)
        {
            continue;
        }
        if let Some(stem) = joined.strip_suffix('-')
            && stem.ends_with(char::is_alphabetic)
            && line.starts_with(char::is_alphabetic)
        {
            joined.truncate(stem.len());
            joined.push_str(line);
        } else {
            if !joined.is_empty() {
                joined.push(' ');
            }
            joined.push_str(line);
        }
    }
    Some(joined.split_whitespace().map(str::to_string).collect())
}

#[test]
fn seed_pdf_is_valid_with_embedded_subset_fonts_and_text_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("seed.pdf");
    build(&[&seed("xi-putin.md")], &out, &[]);
    let path = out.to_str().unwrap();

    if let Some(check) = tool_output("qpdf", &["--check", path]) {
        assert!(
            check.contains("No syntax or stream encoding errors"),
            "{check}"
        );
    }
    if let Some(fonts) = tool_output("pdffonts", &[path]) {
        let rows: Vec<&str> = fonts.lines().skip(2).collect();
        assert!(rows.len() >= 3, "{fonts}");
        for row in rows {
            let cols: Vec<&str> = row.split_whitespace().collect();
            let name = cols[0];
            assert!(
                name.len() > 7 && name.as_bytes()[6] == b'+',
                "subset tag: {row}"
            );
            let n = cols.len();
            // emb sub uni are the three columns before the object id.
            assert_eq!(&cols[n - 5..n - 2], ["yes", "yes", "yes"], "{row}");
        }
    }
    let title = "What does Xi Jinping want from Vladimir Putin?";
    if let Some(words) = pdf_words(&out, &[title]) {
        let expected = document_words(&seed("xi-putin.md"));
        assert_eq!(words.len(), expected.len(), "word count");
        for (i, (got, want)) in words.iter().zip(&expected).enumerate() {
            assert_eq!(got, want, "word {i}");
        }
    }
    if let Some(info) = tool_output("pdfinfo", &[path]) {
        assert!(
            info.contains("Page size:       595.276 x 841.89 pts (A4)"),
            "{info}"
        );
        assert!(info.contains(&format!("Title:           {title}")));
    }
}

#[test]
fn letter_paper_and_missing_image_placeholders() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("noimg.pdf");
    build(
        &[&seed("no-images/xi-putin.md")],
        &out,
        &["--paper", "letter"],
    );
    let path = out.to_str().unwrap();
    if let Some(info) = tool_output("pdfinfo", &[path]) {
        assert!(info.contains("612 x 792 pts (letter)"), "{info}");
    }
    if let Some(text) = tool_output("pdftotext", &[path, "-"]) {
        assert_eq!(text.matches("[image: image]").count(), 3, "{text}");
    }
}

#[test]
fn pdf_rebuilds_are_byte_identical_across_processes_and_within_one() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.pdf");
    let b = dir.path().join("b.pdf");
    build(&[&seed("xi-putin.md")], &a, &[]);
    build(&[&seed("xi-putin.md")], &b, &[]);
    let first = std::fs::read(&a).unwrap();
    assert_eq!(first, std::fs::read(&b).unwrap());

    // Twice in one process: printpdf's id counter must not leak into the bytes.
    let options = bindery::BuildOptions {
        inputs: vec![seed("xi-putin.md")],
        outputs: vec![bindery::OutputSpec {
            path: dir.path().join("x.pdf"),
            format: bindery::Format::Pdf,
        }],
        ..Default::default()
    };
    let one = bindery::build(&options)
        .1
        .unwrap()
        .remove(0)
        .file
        .read()
        .unwrap();
    let two = bindery::build(&options)
        .1
        .unwrap()
        .remove(0)
        .file
        .read()
        .unwrap();
    assert_eq!(one, two);
}

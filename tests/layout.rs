//! Snapshot of the PDF layout frames of the seed's first two pages: every
//! text run with its position (rounded to 0.1 pt) and text, every rule,
//! image and link, the furniture included, and the book's facts (page
//! labels, outline). These frames are exactly what the exporter writes, so a
//! change in line breaking, spacing, pagination or furniture shows up here
//! before it shows up in a PDF.

use std::fmt::Write;

#[test]
fn seed_first_page_frames() {
    let options = bindery::BuildOptions {
        inputs: vec!["seeds/xi-putin.md".into()],
        ..Default::default()
    };
    let mut report = bindery::Report::default();
    let book = bindery::load(&options, &mut report).unwrap();
    let layout = bindery::pdf::layout::layout(
        &book.doc,
        &bindery::text::FontSet::bundled(),
        &book.options.pdf,
        &mut report.diagnostics,
    );
    let mut out = String::new();
    let _ = writeln!(out, "pages: {}", layout.pages.len());
    let _ = writeln!(out, "labels: {:?}", layout.book.labels);
    for entry in &layout.book.outline {
        let _ = writeln!(out, "outline {} {}", entry.level, entry.title);
    }
    for (n, page) in layout.pages.iter().take(2).enumerate() {
        let _ = writeln!(
            out,
            "page {n}: {:.1} x {:.1}, bleed {:.1}, slug {:.1}",
            page.width.to_pt(),
            page.height.to_pt(),
            page.bleed.top.to_pt(),
            page.slug.to_pt()
        );
        for (p, item) in &page.items {
            match item {
                bindery::pdf::frame::Item::Text(run) => {
                    let _ = writeln!(
                        out,
                        "text {:>6.1} {:>6.1} {:?} {:.1}pt {:?}",
                        p.x.to_pt(),
                        p.y.to_pt(),
                        run.face,
                        run.size.to_pt(),
                        run.text()
                    );
                }
                other => {
                    let kind = match other {
                        bindery::pdf::frame::Item::Rect { .. } => "rect",
                        bindery::pdf::frame::Item::Line { .. } => "line",
                        bindery::pdf::frame::Item::Image { .. } => "image",
                        bindery::pdf::frame::Item::Link { .. } => "link",
                        bindery::pdf::frame::Item::Turned { .. } => "turned",
                        bindery::pdf::frame::Item::Text(_) => unreachable!(),
                    };
                    let _ = writeln!(out, "{kind} {:>6.1} {:>6.1}", p.x.to_pt(), p.y.to_pt());
                }
            }
        }
    }
    insta::assert_snapshot!(out);
}

/// Regression (found by `cargo fuzz run pdf`): a chapter title of hundreds of
/// replacement characters made the running head run off the page.
#[test]
fn regression_fuzz_long_running_head_stays_on_the_page() {
    let data = std::fs::read("tests/data/fuzz/pdf-long-running-head.bin").unwrap();
    let text = String::from_utf8_lossy(&data[1..]).into_owned();
    let source = bindery::diag::SourceFile::new("fuzz.md".into(), text);
    let mut doc = bindery::doc::Document::default();
    let mut diags = bindery::diag::Diagnostics::default();
    let options = bindery::parse::ParseOptions {
        dialect: Some(bindery::doc::Dialect::Article),
        ..Default::default()
    };
    bindery::parse::parse_file(
        &mut doc,
        &mut diags,
        bindery::diag::FileId(0),
        &source,
        &options,
    );
    bindery::resolve::resolve(&mut doc, &mut diags);
    let layout = bindery::pdf::layout::layout(
        &doc,
        &bindery::text::FontSet::bundled(),
        &Default::default(),
        &mut diags,
    );
    for page in &layout.pages {
        for (p, item) in &page.items {
            if let bindery::pdf::frame::Item::Text(run) = item {
                for g in &run.glyphs {
                    let x = (p.x + g.x).to_pt();
                    assert!(
                        x >= 0.0 && x <= page.width.to_pt(),
                        "glyph at x = {x}: run at {:?} {:?} size {:?} text {:?}",
                        p,
                        run.face,
                        run.size,
                        run.text().chars().take(40).collect::<String>()
                    );
                }
            }
        }
    }
}

//! Snapshot of the PDF layout frames of the seed's first page: every text run
//! with its position (rounded to 0.1 pt) and text. A change in line breaking,
//! spacing or pagination shows up here before it shows up in a PDF.

use std::fmt::Write;

#[test]
fn seed_first_page_frames() {
    let options = bindery::BuildOptions {
        inputs: vec!["seeds/xi-putin.md".into()],
        ..Default::default()
    };
    let mut report = bindery::Report::default();
    let doc = bindery::load(&options, &mut report).unwrap();
    let layout = bindery::pdf::layout::layout(&doc, &options.pdf, &mut report.diagnostics);
    let mut out = String::new();
    let _ = writeln!(out, "pages: {}", layout.pages.len());
    for (p, item) in &layout.pages[0].items {
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
                    bindery::pdf::frame::Item::Text(_) => unreachable!(),
                };
                let _ = writeln!(out, "{kind} {:>6.1} {:>6.1}", p.x.to_pt(), p.y.to_pt());
            }
        }
    }
    insta::assert_snapshot!(out);
}

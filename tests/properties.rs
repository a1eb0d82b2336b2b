//! Property tests: Markdown generated from the constructs bindery handles
//! never makes it panic, always gives well-formed XHTML, and never makes the
//! PDF layout place a glyph off the page.

use proptest::prelude::*;
use std::io::Read;

/// One line or block of Markdown.
fn block() -> impl Strategy<Value = String> {
    let word = prop::sample::select(vec![
        "alpha",
        "beta",
        "Ünïcödé",
        "日本語",
        "עברית",
        "العربية",
        "emoji🙂",
        "x",
        "supercalifragilisticexpialidocious",
        "https://example.com/a/very/long/path",
        "a&b",
        "<tag>",
        "\"quoted\"",
        "--",
        "fi",
        "ﬃ",
    ]);
    let text = prop::collection::vec(word, 1..12).prop_map(|w| w.join(" "));
    prop_oneof![
        text.clone().prop_map(|t| format!("{t}\n")),
        text.clone().prop_map(|t| format!("# {t}\n")),
        text.clone().prop_map(|t| format!("### {t}\n")),
        text.clone()
            .prop_map(|t| format!("*{t}* and **{t}** and `{t}`\n")),
        text.clone()
            .prop_map(|t| format!("[{t}](https://example.com) [{t}](#nowhere)\n")),
        text.clone()
            .prop_map(|t| format!("- {t}\n  - {t}\n- [x] {t}\n")),
        text.clone().prop_map(|t| format!("> {t}\n> > {t}\n")),
        text.clone()
            .prop_map(|t| format!("| a | b |\n|:--|--:|\n| {t} | {t} |\n")),
        text.clone().prop_map(|t| format!("```\n{t}\n\t{t}\n```\n")),
        text.clone()
            .prop_map(|t| format!("<div>{t} <b>{t}</b><script>x()</script></div>\n")),
        text.clone()
            .prop_map(|t| format!("Inline <span onclick=\"x\">{t}</span> <br> end\n")),
        text.clone().prop_map(|t| format!("![{t}](missing.png)\n")),
        text.clone().prop_map(|t| format!("{t}[^n]\n\n[^n]: {t}\n")),
        Just("***\n".to_string()),
        Just("\u{0}\u{1}\u{feff}\u{202e}\n".to_string()),
        text.prop_map(|t| format!("Term {t}\n: Definition {t}\n")),
    ]
}

fn document() -> impl Strategy<Value = String> {
    prop::collection::vec(block(), 1..14).prop_map(|blocks| {
        let mut s = String::from("---\nlanguage: en\n---\n");
        for b in blocks {
            s.push_str(&b);
            s.push('\n');
        }
        s
    })
}

fn load(
    dir: &std::path::Path,
    text: &str,
) -> (
    bindery::options::Options,
    bindery::Report,
    bindery::doc::Document,
) {
    let input = dir.join("doc.md");
    std::fs::write(&input, text).unwrap();
    let options = bindery::BuildOptions {
        inputs: vec![input],
        ..Default::default()
    };
    let mut report = bindery::Report::default();
    let book = bindery::load(&options, &mut report).unwrap();
    (book.options, report, book.doc)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn epub_xhtml_is_always_well_formed(text in document()) {
        let dir = tempfile::tempdir().unwrap();
        let (options, mut report, doc) = load(dir.path(), &text);
        let (bytes, _) = bindery::render(&doc, bindery::Format::Epub, &options, &bindery::text::FontSet::bundled(), &mut report.diagnostics).unwrap();
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        for i in 0..archive.len() {
            let mut entry = archive.by_index(i).unwrap();
            let name = entry.name().unwrap().to_string();
            if !(name.ends_with(".xhtml") || name.ends_with(".opf") || name.ends_with(".ncx")) {
                continue;
            }
            let mut xml = String::new();
            entry.read_to_string(&mut xml).unwrap();
            let mut reader = quick_xml::Reader::from_str(&xml);
            loop {
                match reader.read_event() {
                    Ok(quick_xml::events::Event::Eof) => break,
                    Ok(_) => {}
                    Err(e) => prop_assert!(false, "{name}: {e}\n{xml}"),
                }
            }
            prop_assert!(!xml.contains("<script"), "{name} has a script");
            prop_assert!(!xml.contains("onclick"), "{name} has an event handler");
        }
    }

    #[test]
    fn pdf_layout_keeps_glyphs_on_the_page(text in document()) {
        let dir = tempfile::tempdir().unwrap();
        let (options, mut report, doc) = load(dir.path(), &text);
        let layout = bindery::pdf::layout::layout(&doc, &bindery::text::FontSet::bundled(), &options.pdf, &mut report.diagnostics);
        for (n, page) in layout.pages.iter().enumerate() {
            for (p, item) in &page.items {
                if let bindery::pdf::frame::Item::Text(run) = item {
                    for g in &run.glyphs {
                        let x = (p.x + g.x).to_pt();
                        let y = p.y.to_pt();
                        prop_assert!(x >= 0.0 && x <= page.width.to_pt(), "page {n}: glyph at x={x}");
                        prop_assert!(y >= 0.0 && y <= page.height.to_pt(), "page {n}: glyph at y={y}");
                    }
                }
            }
        }
        let (pdf, _) = bindery::render(&doc, bindery::Format::Pdf, &options, &bindery::text::FontSet::bundled(), &mut report.diagnostics).unwrap();
        prop_assert!(pdf.starts_with(b"%PDF-"));
    }
}

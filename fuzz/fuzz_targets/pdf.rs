//! Tree → PDF layout: never panics, never places a glyph off the page.
#![no_main]

mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Some(doc) = common::document(data) {
        let mut diags = bindery::diag::Diagnostics::default();
        let layout = bindery::pdf::layout::layout(&doc, &bindery::text::FontSet::bundled(), &Default::default(), &mut diags);
        for page in &layout.pages {
            for (p, item) in &page.items {
                if let bindery::pdf::frame::Item::Text(run) = item {
                    for g in &run.glyphs {
                        let x = (p.x + g.x).to_pt();
                        assert!(x >= 0.0 && x <= page.width.to_pt());
                        assert!(p.y.to_pt() >= 0.0 && p.y.to_pt() <= page.height.to_pt());
                    }
                }
            }
        }
    }
});

//! Tree → PDF file through the streaming writer: never panics, always a
//! whole file (header, cross-reference table, trailer).
#![no_main]

mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Some(doc) = common::document(data) {
        let mut diags = bindery::diag::Diagnostics::default();
        let (pdf, pages) = bindery::pdf::export(&doc, &bindery::text::FontSet::bundled(), &Default::default(), &mut diags)
            .expect("a parsed document always renders");
        assert!(pages >= 1);
        assert!(pdf.starts_with(b"%PDF-1.7\n"));
        assert!(pdf.ends_with(b"%%EOF\n"));
    }
});

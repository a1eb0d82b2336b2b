//! Tree → EPUB: never panics, never fails on a parsed tree.
#![no_main]

mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Some(doc) = common::document(data) {
        let epub = bindery::epub::export(&doc, &bindery::epub::EpubOptions::default(), &bindery::text::FontSet::bundled());
        assert!(epub.is_ok(), "{:?}", epub.err());
    }
});

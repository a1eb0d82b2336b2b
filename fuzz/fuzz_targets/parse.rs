//! Markdown → tree: never panics; the tree dump always works.
#![no_main]

mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Some(doc) = common::document(data) {
        let _ = bindery::doc::dump(&doc);
    }
});

//! Shared by the fuzz targets: bytes → a resolved document, in memory.

use bindery::diag::{Diagnostics, FileId, SourceFile};
use bindery::doc::{Dialect, Document};
use bindery::parse::{ParseOptions, parse_file};

/// Parses fuzz input as one Markdown file (the first byte picks the dialect).
pub fn document(data: &[u8]) -> Option<Document> {
    let (dialect, rest) = match data.split_first() {
        Some((b, rest)) if b % 3 == 0 => (Some(Dialect::Article), rest),
        Some((b, rest)) if b % 3 == 1 => (Some(Dialect::CommonMark), rest),
        Some((_, rest)) => (None, rest),
        None => return None,
    };
    let text = String::from_utf8_lossy(rest).into_owned();
    let source = SourceFile::new("fuzz.md".into(), text);
    let mut doc = Document::default();
    let mut diags = Diagnostics::default();
    parse_file(
        &mut doc,
        &mut diags,
        FileId(0),
        &source,
        &ParseOptions { dialect },
    );
    bindery::resolve::resolve(&mut doc, &mut diags);
    doc.meta.language = Some("en".into());
    Some(doc)
}

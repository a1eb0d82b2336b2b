//! The package document (OPF), and the fixes applied to epub-builder's NCX and nav.
//!
//! Input: the document's metadata and the list of files. Output: XML text.

use super::Item;
use super::xhtml::{attr, escape};
use crate::date::{self, DateTime};
use crate::doc::Document;
use std::fmt::Write;

/// The book's identifier as written in the package: an ISBN or DOI URN when
/// one is given, the given text otherwise, or a UUIDv5 of title and authors.
pub fn identifier(doc: &Document) -> String {
    match doc.meta.identifier.as_deref() {
        Some(id) => {
            let digits: String = id.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
            let isbn = id
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '-' | ' ' | 'X' | 'x'))
                && matches!(digits.len(), 10 | 13);
            if isbn {
                format!("urn:isbn:{digits}")
            } else if id.starts_with("10.") && id.contains('/') {
                format!("urn:doi:{id}")
            } else if uuid::Uuid::parse_str(id).is_ok() {
                format!("urn:uuid:{}", id.to_ascii_lowercase())
            } else {
                id.to_string()
            }
        }
        None => format!("urn:uuid:{}", derived_uuid(doc)),
    }
}

/// A UUIDv5 of the title and authors: stable across builds of the same book.
pub fn derived_uuid(doc: &Document) -> uuid::Uuid {
    let mut name = String::from("bindery:");
    name.push_str(doc.meta.title.as_deref().unwrap_or(""));
    for author in &doc.meta.authors {
        name.push('\u{1f}');
        name.push_str(author);
    }
    uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, name.as_bytes())
}

/// The publication date, if the document has one that can be read.
pub fn publication_date(doc: &Document) -> Option<DateTime> {
    doc.meta.date.as_deref().and_then(date::parse)
}

/// `dcterms:modified`: `SOURCE_DATE_EPOCH`, else the publication date, else a
/// fixed date; never the clock.
pub fn modified(doc: &Document) -> DateTime {
    date::source_date_epoch()
        .or_else(|| publication_date(doc))
        .unwrap_or(DateTime::date(2000, 1, 1))
}

/// Writes the package document.
pub fn opf(doc: &Document, language: &str, items: &[Item]) -> String {
    let meta = &doc.meta;
    let mut m = String::new();
    let _ = writeln!(
        m,
        "    <dc:identifier id=\"pub-id\">{}</dc:identifier>",
        escape(&identifier(doc))
    );
    let title = meta.title.as_deref().unwrap_or("Untitled");
    let _ = writeln!(m, "    <dc:title id=\"title\">{}</dc:title>", escape(title));
    let _ = writeln!(
        m,
        "    <meta refines=\"#title\" property=\"title-type\">main</meta>"
    );
    if let Some(subtitle) = &meta.subtitle {
        let _ = writeln!(
            m,
            "    <dc:title id=\"subtitle\">{}</dc:title>\n    <meta refines=\"#subtitle\" property=\"title-type\">subtitle</meta>",
            escape(subtitle)
        );
    }
    let _ = writeln!(m, "    <dc:language>{}</dc:language>", escape(language));
    for (i, author) in meta.authors.iter().enumerate() {
        let _ = writeln!(
            m,
            "    <dc:creator id=\"creator-{n}\">{}</dc:creator>\n    <meta refines=\"#creator-{n}\" property=\"role\" scheme=\"marc:relators\">aut</meta>",
            escape(author),
            n = i + 1
        );
    }
    if let Some(date) = publication_date(doc) {
        let _ = writeln!(m, "    <dc:date>{}</dc:date>", date.ymd());
    }
    if let Some(publisher) = &meta.publisher {
        let _ = writeln!(m, "    <dc:publisher>{}</dc:publisher>", escape(publisher));
    }
    if let Some(description) = &meta.description {
        let _ = writeln!(
            m,
            "    <dc:description>{}</dc:description>",
            escape(description)
        );
    }
    let _ = writeln!(
        m,
        "    <meta property=\"dcterms:modified\">{}</meta>",
        modified(doc).w3c()
    );
    let _ = writeln!(
        m,
        "    <meta name=\"generator\" content=\"bindery {}\"/>",
        env!("CARGO_PKG_VERSION")
    );

    let mut manifest = String::new();
    manifest.push_str(
        "    <item id=\"nav\" href=\"nav.xhtml\" media-type=\"application/xhtml+xml\" properties=\"nav\"/>\n",
    );
    manifest.push_str(
        "    <item id=\"ncx\" href=\"toc.ncx\" media-type=\"application/x-dtbncx+xml\"/>\n",
    );
    let mut spine = String::new();
    for item in items {
        let props = item
            .properties
            .as_deref()
            .map(|p| format!(" properties=\"{}\"", attr(p)))
            .unwrap_or_default();
        let _ = writeln!(
            manifest,
            "    <item id=\"{}\" href=\"{}\" media-type=\"{}\"{props}/>",
            attr(&item.id),
            attr(&item.href),
            attr(&item.media_type)
        );
        if item.spine {
            let _ = writeln!(spine, "    <itemref idref=\"{}\"/>", attr(&item.id));
        }
    }
    let direction = if is_rtl(language) { "rtl" } else { "ltr" };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
<package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\" unique-identifier=\"pub-id\" xml:lang=\"{lang}\">\n\
  <metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n{m}  </metadata>\n\
  <manifest>\n{manifest}  </manifest>\n\
  <spine toc=\"ncx\" page-progression-direction=\"{direction}\">\n{spine}  </spine>\n\
</package>\n",
        lang = attr(language)
    )
}

/// Whether a language is written right to left.
pub fn is_rtl(language: &str) -> bool {
    let primary = language
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    matches!(
        primary.as_str(),
        "ar" | "he" | "fa" | "ur" | "yi" | "ps" | "sd" | "ug" | "dv" | "ku"
    )
}

/// Gives the NCX the book's identifier (`dtb:uid`) and title.
pub fn patch_ncx(ncx: &[u8], uid: &str, doc: &Document) -> String {
    let text = String::from_utf8_lossy(ncx);
    let title = doc.meta.title.as_deref().unwrap_or("Untitled");
    text.replacen(
        "<meta name=\"dtb:depth\" content=\"1\" />",
        &format!(
            "<meta name=\"dtb:uid\" content=\"{}\" />\n    <meta name=\"dtb:depth\" content=\"2\" />",
            attr(uid)
        ),
        1,
    )
    .replacen(
        "<docTitle>\n    <text>Contents</text>",
        &format!("<docTitle>\n    <text>{}</text>", escape(title)),
        1,
    )
}

/// Gives the nav document the book's language and drops an empty landmarks nav.
pub fn patch_nav(nav: &[u8], language: &str) -> String {
    let text = String::from_utf8_lossy(nav).into_owned();
    let lang = attr(language);
    let text = text.replacen(
        "xmlns:epub=\"http://www.idpf.org/2007/ops\">",
        &format!(
            "xmlns:epub=\"http://www.idpf.org/2007/ops\" lang=\"{lang}\" xml:lang=\"{lang}\">"
        ),
        1,
    );
    // An empty landmarks nav is invalid; epub-builder writes one when no
    // content has a reference type.
    let empty = "<nav epub:type = \"landmarks\">\n\n  </nav>";
    text.replacen(empty, "", 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        let mut doc = Document::default();
        doc.meta.title = Some("T".into());
        let derived = identifier(&doc);
        assert!(derived.starts_with("urn:uuid:"));
        assert_eq!(derived, identifier(&doc), "derived id is stable");
        doc.meta.identifier = Some("978-3-16-148410-0".into());
        assert_eq!(identifier(&doc), "urn:isbn:9783161484100");
        doc.meta.identifier = Some("10.1000/182".into());
        assert_eq!(identifier(&doc), "urn:doi:10.1000/182");
    }

    #[test]
    fn rtl_languages() {
        assert!(is_rtl("ar"));
        assert!(is_rtl("he-IL"));
        assert!(!is_rtl("en-GB"));
    }
}

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
/// `nav_in_spine` puts the navigation document in the reading order (not
/// linear), so that the `toc` landmark points at a spine item.
pub fn opf(doc: &Document, language: &str, items: &[Item], nav_in_spine: bool) -> String {
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
    for (i, c) in meta.contributors.iter().enumerate() {
        // Contributors use the relator scheme like creators.
        let _ = writeln!(
            m,
            "    <dc:contributor id=\"contributor-{n}\">{}</dc:contributor>\n    <meta refines=\"#contributor-{n}\" property=\"role\" scheme=\"marc:relators\">{}</meta>",
            escape(&c.name),
            escape(&c.role),
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
    for subject in &meta.subjects {
        let _ = writeln!(m, "    <dc:subject>{}</dc:subject>", escape(subject));
    }
    if let Some(rights) = &meta.rights {
        let _ = writeln!(m, "    <dc:rights>{}</dc:rights>", escape(rights));
    }
    if let Some(series) = &meta.series {
        let _ = writeln!(
            m,
            "    <meta property=\"belongs-to-collection\" id=\"series\">{}</meta>\n    <meta refines=\"#series\" property=\"collection-type\">series</meta>",
            escape(series)
        );
        if let Some(index) = &meta.series_index {
            let _ = writeln!(
                m,
                "    <meta refines=\"#series\" property=\"group-position\">{}</meta>",
                escape(index)
            );
        }
    }
    m.push_str(&accessibility(doc));
    // Kindle finds the cover through this EPUB 2 meta.
    if let Some(cover) = items
        .iter()
        .find(|i| i.properties.as_deref() == Some("cover-image"))
    {
        let _ = writeln!(
            m,
            "    <meta name=\"cover\" content=\"{}\"/>",
            attr(&cover.id)
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
    let mut nav_done = !nav_in_spine;
    for item in items {
        if !nav_done && item.spine && item.id != "cover" {
            spine.push_str("    <itemref idref=\"nav\" linear=\"no\"/>\n");
            nav_done = true;
        }
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
    if !nav_done {
        spine.push_str("    <itemref idref=\"nav\" linear=\"no\"/>\n");
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

/// Alt text that says nothing about the image.
fn is_placeholder_alt(alt: &str) -> bool {
    let a = alt.trim().to_lowercase();
    a.is_empty()
        || matches!(
            a.as_str(),
            "image" | "img" | "picture" | "photo" | "figure" | "graphic" | "chart" | "icon"
        )
        || a.ends_with(".jpg")
        || a.ends_with(".png")
}

/// EPUB Accessibility metadata derived from the content: images with real
/// alt text make `alternativeText` and the textual-only sufficiency claim;
/// without it the book claims neither (and no WCAG conformance).
fn accessibility(doc: &Document) -> String {
    use crate::doc::{Block, ImageStatus};
    fn figures<'a>(blocks: &'a [Block], out: &mut Vec<(&'a str, crate::doc::ResourceId)>) {
        for b in blocks {
            match b {
                Block::Figure { alt, image, .. } => out.push((alt.as_str(), *image)),
                Block::Quote { blocks, .. } => figures(blocks, out),
                Block::List { items, .. } => {
                    for item in items {
                        figures(&item.blocks, out);
                    }
                }
                _ => {}
            }
        }
    }
    let mut all = Vec::new();
    for chapter in &doc.chapters {
        figures(&chapter.blocks, &mut all);
    }
    for note in &doc.notes {
        figures(&note.blocks, &mut all);
    }
    let shown: Vec<&str> = all
        .iter()
        .filter(|(_, id)| matches!(doc.resources.get(*id).status, ImageStatus::Loaded(_)))
        .map(|(alt, _)| *alt)
        .collect();
    let has_images = !shown.is_empty();
    let alt_complete = shown.iter().all(|a| !is_placeholder_alt(a));
    let has_headings = doc
        .chapters
        .iter()
        .any(|c| c.blocks.iter().any(|b| matches!(b, Block::Heading { .. })));
    let has_tables = doc
        .chapters
        .iter()
        .any(|c| c.blocks.iter().any(|b| matches!(b, Block::Table { .. })));
    let mut out = String::new();
    let mut meta = |property: &str, value: &str| {
        let _ = writeln!(
            out,
            "    <meta property=\"schema:{property}\">{value}</meta>"
        );
    };
    meta("accessMode", "textual");
    if has_images {
        meta("accessMode", "visual");
    }
    if !has_images || alt_complete {
        meta("accessModeSufficient", "textual");
    }
    if has_images {
        meta("accessModeSufficient", "textual,visual");
    }
    meta("accessibilityFeature", "readingOrder");
    meta("accessibilityFeature", "tableOfContents");
    meta("accessibilityFeature", "displayTransformability");
    if has_headings {
        meta("accessibilityFeature", "structuralNavigation");
    }
    if has_tables {
        meta("accessibilityFeature", "table");
    }
    if has_images && alt_complete {
        meta("accessibilityFeature", "alternativeText");
    }
    meta("accessibilityHazard", "none");
    let summary = if !has_images {
        "Text only: reflowable text with a navigable table of contents and structural headings."
    } else if alt_complete {
        "Reflowable text with a navigable table of contents; every image has a text alternative."
    } else {
        "Reflowable text with a navigable table of contents. Some images lack a meaningful text alternative."
    };
    meta("accessibilitySummary", summary);
    if !has_images || alt_complete {
        let _ = writeln!(
            out,
            "    <meta property=\"dcterms:conformsTo\">EPUB Accessibility 1.1 - WCAG 2.1 Level AA</meta>"
        );
    }
    out
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

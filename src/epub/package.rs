//! The package metadata, given to epub-builder.
//!
//! Input: the document's metadata and content. Output: calls on the
//! [`EpubBuilder`]: its own fields where it has them, and
//! `add_metadata_opf` with its `MetadataOpf`/`MetadataOpfV3` for the rest
//! (roles, title types, series, accessibility); the three Dublin Core
//! elements it cannot write at all (publisher, contributors, subtitle) go
//! to the package fix ([`super::fixes`]); its `MetadataRenderer` trait,
//! which would let bindery write them, is private in 0.8.3. Dates come from the document or
//! `SOURCE_DATE_EPOCH`, never the clock; the identifier is an ISBN or DOI
//! URN when given, or a UUIDv5 of title and authors.

use super::xhtml::{attr, escape};
use crate::date::{self, DateTime};
use crate::doc::Document;
use epub_builder::{EpubBuilder, MetadataOpf, MetadataOpfV3, ZipLibrary};

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
            } else if let Ok(uuid) = uuid::Uuid::parse_str(id) {
                uuid::fmt::Urn::from_uuid(uuid).to_string()
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

/// A Dublin Core element epub-builder has no way to write (`dc:publisher`,
/// `dc:contributor`, a subtitle's `dc:title`), as XML for the package fix.
fn dc_element(name: &str, id: Option<&str>, value: &str) -> String {
    let id = id
        .map(|id| format!(" id=\"{}\"", attr(id)))
        .unwrap_or_default();
    format!("<dc:{name}{id}>{}</dc:{name}>", escape(value))
}

/// An EPUB 3 `meta` element. epub-builder's own `MetadataOpfV3` writes its
/// content unescaped, so the value is escaped here.
fn meta(property: &str, value: &str) -> MetadataOpfV3 {
    MetadataOpfV3::new(property.to_string(), escape(value))
}

/// A `meta` that refines the element with id `id`.
fn refine(id: &str, property: &str, value: &str, scheme: Option<&str>) -> MetadataOpfV3 {
    let mut m = meta(property, value);
    // `add_refines` of 0.8.3 sets the id instead; the field is public.
    m.refines = Some(format!("#{id}"));
    m.scheme = scheme.map(str::to_string);
    m
}

/// Text as XML allows it (controls other than tab and newlines dropped):
/// epub-builder escapes markup characters but passes controls through.
pub fn clean(text: &str) -> String {
    text.chars()
        .filter(|&c| super::xhtml::is_xml_char(c))
        .collect()
}

/// Gives epub-builder the book's metadata: its own fields (title, authors,
/// language, description, subjects, rights, dates, identifier, generator,
/// direction) and, through `add_metadata_opf`, the refinements and
/// properties it has no field for (roles, title type, series,
/// accessibility). Returns the Dublin Core elements it cannot write at all,
/// for the package fix.
pub fn fill(
    builder: &mut EpubBuilder<ZipLibrary>,
    doc: &Document,
    language: &str,
    contents: &str,
) -> Result<Vec<String>, epub_builder::Error> {
    let meta_ = &doc.meta;
    let mut elements = Vec::new();
    builder.set_title(clean(meta_.title.as_deref().unwrap_or("Untitled")));
    builder.set_authors(meta_.authors.iter().map(|a| clean(a)).collect());
    builder.set_languages(vec![clean(language)]);
    if let Some(description) = &meta_.description {
        builder.add_description(clean(description));
    }
    for subject in &meta_.subjects {
        builder.add_subject(clean(subject));
    }
    if let Some(rights) = &meta_.rights {
        builder.set_license(clean(rights));
    }
    if let Some(date) = publication_date(doc) {
        builder.set_publication_date(utc(&date));
    }
    builder.set_modified_date(utc(&modified(doc)));
    builder.set_uuid(package_uuid(doc));
    builder.set_generator(format!("bindery {}", env!("CARGO_PKG_VERSION")));
    builder.set_toc_name(clean(contents));
    if is_rtl(language) {
        builder.metadata("direction", "rtl")?;
    }
    if let Some(subtitle) = &meta_.subtitle {
        elements.push(dc_element("title", Some("subtitle"), &clean(subtitle)));
        builder.add_metadata_opf(Box::new(refine("subtitle", "title-type", "subtitle", None)));
    }
    for (i, c) in meta_.contributors.iter().enumerate() {
        let id = format!("contributor-{}", i + 1);
        elements.push(dc_element("contributor", Some(&id), &clean(&c.name)));
        builder.add_metadata_opf(Box::new(refine(
            &id,
            "role",
            &c.role,
            Some("marc:relators"),
        )));
    }
    if let Some(publisher) = &meta_.publisher {
        elements.push(dc_element("publisher", None, &clean(publisher)));
    }
    if let Some(series) = &meta_.series {
        let mut collection = meta("belongs-to-collection", &clean(series));
        collection.id = Some("series".into());
        builder.add_metadata_opf(Box::new(collection));
        builder.add_metadata_opf(Box::new(refine(
            "series",
            "collection-type",
            "series",
            None,
        )));
        if let Some(index) = &meta_.series_index {
            builder.add_metadata_opf(Box::new(refine(
                "series",
                "group-position",
                &clean(index),
                None,
            )));
        }
    }
    for (property, value) in accessibility(doc) {
        builder.add_metadata_opf(Box::new(meta(property, value)));
    }
    builder.add_metadata_opf(Box::new(MetadataOpf {
        name: "generator".into(),
        content: format!("bindery {}", env!("CARGO_PKG_VERSION")),
    }));
    Ok(elements)
}

/// The UUID epub-builder writes as the package identifier: the given one
/// when the identifier is a UUID, else the derived one (the package fix then
/// puts the real identifier in its place).
pub fn package_uuid(doc: &Document) -> uuid::Uuid {
    doc.meta
        .identifier
        .as_deref()
        .and_then(|id| uuid::Uuid::parse_str(id.trim_start_matches("urn:uuid:")).ok())
        .unwrap_or_else(|| derived_uuid(doc))
}

/// A date as chrono's UTC date and time (what epub-builder takes).
fn utc(date: &DateTime) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(date.unix(), 0).unwrap_or_default()
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

/// EPUB Accessibility metadata derived from the content, from the
/// schema.org vocabulary only: images with real alt text make
/// `alternativeText` and the textual-only sufficiency claim; without it
/// the book claims neither (and no WCAG conformance). Tables, lists and
/// the like are structure, not `accessibilityFeature` values.
pub fn accessibility(doc: &Document) -> Vec<(&'static str, &'static str)> {
    use crate::doc::{Block, ImageStatus};
    fn figures<'a>(blocks: &'a [Block], out: &mut Vec<(&'a str, crate::doc::ResourceId)>) {
        for b in blocks {
            match b {
                Block::Figure { alt, image, .. } => out.push((alt.as_str(), *image)),
                Block::Quote { blocks, .. }
                | Block::Details { blocks, .. }
                | Block::Callout { blocks, .. }
                | Block::Division { blocks, .. } => figures(blocks, out),
                Block::List { items, .. } => {
                    for item in items {
                        figures(&item.blocks, out);
                    }
                }
                Block::DefinitionList { items, .. } => {
                    for d in items.iter().flat_map(|i| i.details.iter()) {
                        figures(d, out);
                    }
                }
                Block::Heading { .. }
                | Block::Kicker { .. }
                | Block::Standfirst { .. }
                | Block::Dateline { .. }
                | Block::Paragraph { .. }
                | Block::Code { .. }
                | Block::Table { .. }
                | Block::Equation { .. }
                | Block::Bibliography { .. }
                | Block::Rule { .. } => {}
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
    let mut out = vec![("schema:accessMode", "textual")];
    if has_images {
        out.push(("schema:accessMode", "visual"));
    }
    if !has_images || alt_complete {
        out.push(("schema:accessModeSufficient", "textual"));
    }
    if has_images {
        out.push(("schema:accessModeSufficient", "textual,visual"));
    }
    out.push(("schema:accessibilityFeature", "readingOrder"));
    out.push(("schema:accessibilityFeature", "tableOfContents"));
    out.push(("schema:accessibilityFeature", "displayTransformability"));
    if has_headings {
        out.push(("schema:accessibilityFeature", "structuralNavigation"));
    }
    if has_images && alt_complete {
        out.push(("schema:accessibilityFeature", "alternativeText"));
    }
    out.push(("schema:accessibilityHazard", "none"));
    let summary = if !has_images {
        "Text only: reflowable text with a navigable table of contents and structural headings."
    } else if alt_complete {
        "Reflowable text with a navigable table of contents; every image has a text alternative."
    } else {
        "Reflowable text with a navigable table of contents. Some images lack a meaningful text alternative."
    };
    out.push(("schema:accessibilitySummary", summary));
    if !has_images || alt_complete {
        out.push((
            "dcterms:conformsTo",
            "EPUB Accessibility 1.1 - WCAG 2.1 Level AA",
        ));
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

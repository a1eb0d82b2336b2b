//! The EPUB backend: tree → EPUB 3 bytes. The only module that imports epub-builder.
//!
//! Input: a resolved [`Document`] with its images loaded. Output: the bytes of
//! an EPUB 3 file (with an NCX for EPUB 2 reading systems). epub-builder
//! assembles content documents, the nav and the NCX; the package document is
//! written here ([`package`]) because epub-builder's OPF has duplicate ids and
//! lacks metadata, and the container is written with fixed order and
//! timestamps ([`container`]) so rebuilds are byte-identical.

mod container;
pub mod package;
pub mod xhtml;

use crate::diag::{Error, Result};
use crate::doc::{Block, Document, ImageStatus, plain_text};
use epub_builder::{EpubBuilder, EpubContent, EpubVersion, ReferenceType, TocElement, ZipLibrary};

/// The default stylesheet, from `resources/`.
pub const DEFAULT_CSS: &str = include_str!("../../resources/epub.css");

/// Options of the EPUB backend.
#[derive(Debug, Clone, Default)]
pub struct EpubOptions {
    /// A stylesheet to use instead of the default one.
    pub stylesheet: Option<String>,
}

/// One file of the book as the package document lists it.
#[derive(Debug, Clone)]
pub struct Item {
    /// Manifest id.
    pub id: String,
    /// Path relative to the package document.
    pub href: String,
    /// Media type.
    pub media_type: String,
    /// Manifest `properties`, if any.
    pub properties: Option<String>,
    /// Whether it is in the spine (reading order).
    pub spine: bool,
}

/// Renders the book as an EPUB 3 file.
pub fn export(doc: &Document, options: &EpubOptions) -> Result<Vec<u8>> {
    let fail = |e: epub_builder::Error| Error::Backend(format!("epub assembly failed ({e})"));
    let language = doc.meta.language.clone().unwrap_or_else(|| "en".into());
    let chapter_files: Vec<String> = (0..doc.chapters.len())
        .map(|i| format!("chapter-{:03}.xhtml", i + 1))
        .collect();
    let image_hrefs = image_hrefs(doc);
    let links = xhtml::Links {
        chapter_files: &chapter_files,
        image_hrefs: &image_hrefs,
    };

    let mut builder = EpubBuilder::new(ZipLibrary::new().map_err(fail)?).map_err(fail)?;
    builder.epub_version(EpubVersion::V30);
    builder.set_toc_name("Contents");
    builder.set_title(doc.meta.title.clone().unwrap_or_default());
    let css = options.stylesheet.as_deref().unwrap_or(DEFAULT_CSS);
    builder.stylesheet(css.as_bytes()).map_err(fail)?;

    let mut items = vec![Item {
        id: "css".into(),
        href: "stylesheet.css".into(),
        media_type: "text/css".into(),
        properties: None,
        spine: false,
    }];
    let mut stored = std::collections::BTreeSet::new();
    for (i, href) in image_hrefs.iter().enumerate() {
        let (Some(href), Some(image)) = (href, &doc.resources.images[i].epub) else {
            continue;
        };
        // Identical images share one file.
        if !stored.insert(href.clone()) {
            continue;
        }
        builder
            .add_resource(href.as_str(), image.bytes.as_slice(), image.format.mime())
            .map_err(fail)?;
        items.push(Item {
            id: format!("img-{:03}", i + 1),
            href: href.clone(),
            media_type: image.format.mime().into(),
            properties: None,
            spine: false,
        });
    }
    for (i, file) in chapter_files.iter().enumerate() {
        let text = xhtml::chapter(doc, i, &links, &language);
        let mut content =
            EpubContent::new(file.as_str(), text.as_bytes()).title(xhtml::toc_title(doc, i));
        if i == 0 {
            content = content.reftype(ReferenceType::Text);
        }
        for block in &doc.chapters[i].blocks {
            if let Block::Heading {
                level,
                content: heading,
                anchor,
                ..
            } = block
                && *level >= 2
                && *level <= 3
            {
                let href = format!("{file}#{}", doc.anchors.get(*anchor).id);
                content = content
                    .child(TocElement::new(href, plain_text(heading)).level(i32::from(*level)));
            }
        }
        builder.add_content(content).map_err(fail)?;
        items.push(Item {
            id: format!("chapter-{:03}", i + 1),
            href: file.clone(),
            media_type: "application/xhtml+xml".into(),
            properties: None,
            spine: true,
        });
    }
    let mut assembled = Vec::new();
    builder.generate(&mut assembled).map_err(fail)?;
    let mut files = container::read(&assembled)
        .map_err(|e| Error::Backend(format!("cannot read back the EPUB container ({e})")))?;
    let opf = package::opf(doc, &language, &items);
    let ncx_uid = package::identifier(doc);
    for (name, bytes) in files.iter_mut() {
        match name.as_str() {
            "OEBPS/content.opf" => *bytes = opf.clone().into_bytes(),
            "OEBPS/toc.ncx" => *bytes = package::patch_ncx(bytes, &ncx_uid, doc).into_bytes(),
            "OEBPS/nav.xhtml" => *bytes = package::patch_nav(bytes, &language).into_bytes(),
            _ => {}
        }
    }
    container::write(&files)
        .map_err(|e| Error::Backend(format!("cannot write the EPUB container ({e})")))
}

/// The path of each usable image inside the EPUB; `None` for missing ones.
/// Images with identical content get the path of the first of them.
fn image_hrefs(doc: &Document) -> Vec<Option<String>> {
    let mut by_hash: std::collections::BTreeMap<&str, String> = Default::default();
    doc.resources
        .images
        .iter()
        .enumerate()
        .map(|(i, image)| match (&image.status, &image.epub) {
            (ImageStatus::Loaded(loaded), Some(epub)) => {
                if let Some(href) = by_hash.get(loaded.hash.as_str()) {
                    return Some(href.clone());
                }
                let stem = image
                    .path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let stem: String = stem
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
                    .take(48)
                    .collect();
                let href = format!("images/{:03}-{stem}.{}", i + 1, epub.format.extension());
                by_hash.insert(loaded.hash.as_str(), href.clone());
                Some(href)
            }
            _ => None,
        })
        .collect()
}

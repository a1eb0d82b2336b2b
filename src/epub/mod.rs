//! The EPUB backend: tree → EPUB 3 bytes. The only module that imports epub-builder.
//!
//! Input: a resolved [`Document`] with its images prepared. Output: the bytes
//! of an EPUB 3 file (with an NCX for EPUB 2 reading systems). epub-builder
//! assembles the container and the content documents; the package document
//! ([`package`]), the navigation document and NCX ([`nav`]) are written here
//! because epub-builder's have duplicate ids, no landmarks and lack metadata;
//! the ZIP is rewritten with fixed order and timestamps ([`container`]) so
//! rebuilds are byte-identical.

mod container;
pub mod cover;
pub mod nav;
pub mod notes;
pub mod package;
pub mod xhtml;

use crate::diag::{Error, Result};
use crate::doc::{Blob, Document, ImageFormat, ImageStatus};
use epub_builder::{EpubBuilder, EpubContent, EpubVersion, ZipLibrary};
use std::io::{Seek, Write};
use std::path::PathBuf;

/// The default stylesheet, from `resources/`.
pub const DEFAULT_CSS: &str = include_str!("../../resources/epub.css");

/// Where the cover comes from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Cover {
    /// No cover.
    #[default]
    None,
    /// This image file (JPEG or PNG).
    Image(PathBuf),
    /// A typographic cover made from title, subtitle and authors.
    Generated,
}

/// Options of the EPUB backend.
#[derive(Debug, Clone)]
pub struct EpubOptions {
    /// A stylesheet to use instead of the default one.
    pub stylesheet: Option<String>,
    /// Split chapters into separate files at headings of this level or higher.
    pub split_level: Option<u8>,
    /// Levels of the table of contents (1: chapters only).
    pub toc_depth: u8,
    /// Add a printed table of contents page after the cover.
    pub toc_page: bool,
    /// The cover.
    pub cover: Cover,
    /// Number footnotes from 1 in each chapter instead of through the book.
    pub notes_per_chapter: bool,
}

impl Default for EpubOptions {
    fn default() -> Self {
        EpubOptions {
            stylesheet: None,
            split_level: None,
            toc_depth: 2,
            toc_page: false,
            cover: Cover::None,
            notes_per_chapter: false,
        }
    }
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

/// Renders the book as an EPUB 3 file in memory.
pub fn export(doc: &Document, options: &EpubOptions) -> Result<Vec<u8>> {
    let mut sink = std::io::Cursor::new(Vec::new());
    export_to(doc, options, &mut sink)?;
    Ok(sink.into_inner())
}

/// Renders the book as an EPUB 3 file into `sink`. Images are streamed into
/// it from their files, one at a time, never all held in memory.
pub fn export_to<W: Write + Seek>(doc: &Document, options: &EpubOptions, sink: W) -> Result<()> {
    let fail = |e: epub_builder::Error| Error::Backend(format!("epub assembly failed ({e})"));
    let language = doc.meta.language.clone().unwrap_or_else(|| "en".into());
    let parts = nav::parts(doc, options.split_level);
    let part_files: Vec<String> = parts.iter().map(|p| p.file.clone()).collect();
    let anchor_parts = nav::anchor_parts(doc, &parts);
    let image_hrefs = image_hrefs(doc);
    let note_plan = notes::plan(doc, &parts, &anchor_parts, options.notes_per_chapter);
    let links = xhtml::Links {
        part_files: &part_files,
        anchor_parts: &anchor_parts,
        image_hrefs: &image_hrefs,
        notes: &note_plan,
    };
    let title = doc.meta.title.clone().unwrap_or_else(|| "Untitled".into());

    let css = options.stylesheet.as_deref().unwrap_or(DEFAULT_CSS);

    let mut items = vec![Item {
        id: "css".into(),
        href: "stylesheet.css".into(),
        media_type: "text/css".into(),
        properties: None,
        spine: false,
    }];
    // Content documents for epub-builder, in reading order.
    let mut contents: Vec<(String, String)> = Vec::new();
    // Images go straight into the container, streamed from their files.
    let mut media: Vec<(String, Blob)> = Vec::new();

    // The cover image and its page come first in the reading order.
    let cover = cover_image(doc, options)?;
    let mut cover_page = None;
    if let Some((bytes, format, width, height)) = cover {
        let href = format!("images/cover.{}", format.extension());
        media.push((format!("OEBPS/{href}"), Blob::memory(bytes)));
        items.push(Item {
            id: "cover-image".into(),
            href: href.clone(),
            media_type: format.mime().into(),
            properties: Some("cover-image".into()),
            spine: false,
        });
        let page = cover_xhtml(&href, width, height, &title, &language);
        contents.push(("cover.xhtml".into(), page));
        items.push(Item {
            id: "cover".into(),
            href: "cover.xhtml".into(),
            media_type: "application/xhtml+xml".into(),
            properties: Some("svg".into()),
            spine: true,
        });
        cover_page = Some("cover.xhtml".to_string());
    }

    let toc = nav::toc(doc, &parts, options.toc_depth.max(1));
    if options.toc_page {
        contents.push(("toc.xhtml".into(), nav::toc_page(&toc, &language)));
        items.push(Item {
            id: "toc-page".into(),
            href: "toc.xhtml".into(),
            media_type: "application/xhtml+xml".into(),
            properties: None,
            spine: true,
        });
    }

    let mut stored = std::collections::BTreeSet::new();
    for (i, href) in image_hrefs.iter().enumerate() {
        let (Some(href), Some(image)) = (href, &doc.resources.images[i].epub) else {
            continue;
        };
        // Identical images share one file.
        if !stored.insert(href.clone()) {
            continue;
        }
        media.push((format!("OEBPS/{href}"), image.bytes.clone()));
        items.push(Item {
            id: format!("img-{:03}", i + 1),
            href: href.clone(),
            media_type: image.format.mime().into(),
            properties: None,
            spine: false,
        });
    }
    for (i, part) in parts.iter().enumerate() {
        items.push(Item {
            id: format!("chapter-{:03}", i + 1),
            href: part.file.clone(),
            media_type: "application/xhtml+xml".into(),
            properties: None,
            spine: true,
        });
    }

    let uid = package::identifier(doc);
    let landmarks = nav::Landmarks {
        cover: cover_page,
        toc: if options.toc_page {
            "toc.xhtml".into()
        } else {
            "nav.xhtml#toc".into()
        },
        body: part_files
            .first()
            .cloned()
            .unwrap_or_else(|| "nav.xhtml".into()),
    };
    let opf = package::opf(doc, &language, &items, !options.toc_page);
    let nav_doc = nav::nav_document(&toc, &landmarks, &language, &title);
    let ncx = nav::ncx(&toc, &uid, &title);

    // The container (package, navigation, images: reading and copying them
    // is the longest single job) is written here while, on another core, the
    // chapters' XHTML is made and epub-builder assembles (and compresses)
    // the content documents.
    let mut assembled: Result<Vec<u8>> = Ok(Vec::new());
    let mut written: zip::result::ZipResult<container::Container<W>> =
        Err(zip::result::ZipError::FileNotFound);
    rayon::in_place_scope(|scope| {
        let (assembled, contents, links, language) =
            (&mut assembled, &mut contents, &links, &language);
        let (parts, title) = (&parts, &title);
        scope.spawn(move |_| {
            let chapters: Vec<String> = {
                use rayon::prelude::*;
                parts
                    .par_iter()
                    .enumerate()
                    .map(|(i, part)| xhtml::chapter(doc, i, part, links, language))
                    .collect()
            };
            for (part, text) in parts.iter().zip(chapters) {
                contents.push((part.file.clone(), text));
            }
            *assembled = (|| {
                let mut builder =
                    EpubBuilder::new(ZipLibrary::new().map_err(fail)?).map_err(fail)?;
                builder.epub_version(EpubVersion::V30);
                builder.set_toc_name("Contents");
                builder.set_title(title.clone());
                builder.stylesheet(css.as_bytes()).map_err(fail)?;
                for (file, text) in contents.iter() {
                    builder
                        .add_content(EpubContent::new(file.as_str(), text.as_bytes()))
                        .map_err(fail)?;
                }
                let mut bytes = Vec::new();
                builder.generate(&mut bytes).map_err(fail)?;
                Ok(bytes)
            })();
        });
        written = (|| {
            let mut c = container::Container::new(sink)?;
            c.text(container::PACKAGE, opf.as_bytes())?;
            c.text("OEBPS/nav.xhtml", nav_doc.as_bytes())?;
            c.text("OEBPS/toc.ncx", ncx.as_bytes())?;
            for (name, blob) in &media {
                c.media(name, blob)?;
            }
            Ok(c)
        })();
    });
    let container_error = |e| Error::Backend(format!("cannot write the EPUB container ({e})"));
    let mut c = written.map_err(container_error)?;
    c.copy(&assembled?).map_err(container_error)?;
    c.finish().map_err(container_error)?;
    Ok(())
}

type CoverImage = (Vec<u8>, ImageFormat, u32, u32);

/// The cover image: the given file, or a generated one.
fn cover_image(doc: &Document, options: &EpubOptions) -> Result<Option<CoverImage>> {
    match &options.cover {
        Cover::None => Ok(None),
        Cover::Generated => {
            let png = cover::render(&doc.meta)
                .ok_or_else(|| Error::Backend("cannot render the cover".into()))?;
            Ok(Some((png, ImageFormat::Png, 1600, 2560)))
        }
        Cover::Image(path) => {
            let bytes = std::fs::read(path).map_err(|source| Error::Read {
                path: path.clone(),
                source,
            })?;
            let format = match image::guess_format(&bytes) {
                Ok(image::ImageFormat::Jpeg) => ImageFormat::Jpeg,
                Ok(image::ImageFormat::Png) => ImageFormat::Png,
                _ => {
                    return Err(Error::Usage(format!(
                        "cover {} must be a JPEG or PNG image",
                        path.display()
                    )));
                }
            };
            let (w, h) = image::ImageReader::with_format(
                std::io::Cursor::new(&bytes),
                crate::resource::to_image(format),
            )
            .into_dimensions()
            .map_err(|e| Error::Usage(format!("cover {} is unreadable ({e})", path.display())))?;
            Ok(Some((bytes, format, w, h)))
        }
    }
}

/// The cover page: the image scaled to the screen with SVG, as readers expect.
fn cover_xhtml(href: &str, width: u32, height: u32, title: &str, language: &str) -> String {
    let lang = xhtml::attr(language);
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\" lang=\"{lang}\" xml:lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>Cover</title>\n<style type=\"text/css\">body{{margin:0;padding:0;text-align:center}}svg{{height:100%;width:100%}}</style>\n</head>\n<body epub:type=\"cover\">\n<section epub:type=\"cover\">\n<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" version=\"1.1\" viewBox=\"0 0 {width} {height}\" preserveAspectRatio=\"xMidYMid meet\" role=\"img\" aria-label=\"{}\">\n<image width=\"{width}\" height=\"{height}\" xlink:href=\"{}\"/>\n</svg>\n</section>\n</body>\n</html>\n",
        xhtml::attr(&format!("Cover of {title}")),
        xhtml::attr(href)
    )
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

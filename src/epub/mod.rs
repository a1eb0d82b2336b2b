//! The EPUB backend: tree → EPUB 3 bytes. The only module that imports epub-builder.
//!
//! Input: a resolved [`Document`] with its images prepared. Output: an EPUB 3
//! file (with an NCX for EPUB 2 reading systems) written into a sink.
//!
//! epub-builder assembles the book: it is given the metadata ([`package`]),
//! the stylesheet, the names of the cover image and the images, and the
//! content documents in reading order with their TOC entries ([`nav`]) and
//! landmark types; it writes the package document, the NCX and the
//! navigation document (with landmarks and the EPUB 2 guide) and compresses
//! the text, on the other cores, while [`container`] streams the images
//! from their files into the output; then it copies epub-builder's archive
//! after them in a fixed order with fixed timestamps, correcting on the way
//! what epub-builder 0.8.3 cannot write ([`fixes`]). bindery writes the content
//! documents themselves ([`xhtml`], [`notes`]), the cover page and the
//! printed contents page.

mod container;
pub mod cover;
mod fixes;
pub mod front;
pub mod nav;
pub mod notes;
pub mod package;
mod technical;
pub mod xhtml;

use crate::diag::{Error, Result};
use crate::doc::{Blob, Document, ImageFormat, ImageStatus};
use crate::labels::Label;
use crate::text::FontSet;
use epub_builder::{EpubBuilder, EpubContent, EpubVersion, ReferenceType, ZipLibrary};
use std::collections::BTreeMap;
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
    /// How code is highlighted.
    pub code: crate::highlight::CodeStyle,
    /// The words the EPUB writes (Contents, Cover, Landmarks…), in the
    /// book's language.
    pub labels: crate::labels::Labels,
    /// A title page and a copyright page from the metadata.
    pub front_matter: bool,
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
            code: crate::highlight::CodeStyle::default(),
            labels: crate::labels::Labels::default(),
            front_matter: false,
        }
    }
}

/// Renders the book as an EPUB 3 file in memory.
pub fn export(doc: &Document, options: &EpubOptions, fonts: &FontSet) -> Result<Vec<u8>> {
    let mut sink = std::io::Cursor::new(Vec::new());
    export_to(doc, options, fonts, &mut sink)?;
    Ok(sink.into_inner())
}

/// Renders the book as an EPUB 3 file into `sink`. epub-builder assembles
/// it (see [`container`] for how its archive becomes the output); images
/// are streamed into `sink` from their files, one at a time, never all held
/// in memory.
/// The font set draws a generated cover.
pub fn export_to<W: Write + Seek>(
    doc: &Document,
    options: &EpubOptions,
    fonts: &FontSet,
    sink: W,
) -> Result<()> {
    let language = doc.meta.language.clone().unwrap_or_else(|| "en".into());
    let parts = nav::parts(doc, options.split_level, &options.labels);
    let part_files: Vec<String> = parts.iter().map(|p| p.file.clone()).collect();
    let anchor_parts = nav::anchor_parts(doc, &parts);
    let image_hrefs = image_hrefs(doc);
    let note_plan = notes::plan(doc, &parts, &anchor_parts, options.notes_per_chapter);
    let links = xhtml::Links {
        part_files: &part_files,
        anchor_parts: &anchor_parts,
        image_hrefs: &image_hrefs,
        notes: &note_plan,
        code: &options.code,
        labels: &options.labels,
    };
    let title = doc.meta.title.clone().unwrap_or_else(|| "Untitled".into());
    let css = options.stylesheet.as_deref().unwrap_or(DEFAULT_CSS);
    let cover = cover_image(doc, options, fonts)?;
    let toc = nav::toc(doc, &parts, options.toc_depth.max(1));
    let elements_toc = nav::toc_elements(&toc, &parts);

    // The images, each stored once, by their name in the container.
    let mut media: BTreeMap<String, (Blob, &'static str)> = BTreeMap::new();
    if let Some((bytes, format, _, _)) = &cover {
        media.insert(
            format!("OEBPS/images/cover.{}", format.extension()),
            (Blob::memory(bytes.clone()), format.mime()),
        );
    }
    for (i, href) in image_hrefs.iter().enumerate() {
        if let (Some(href), Some(image)) = (href, &doc.resources.images[i].epub) {
            // Identical images share one file.
            media
                .entry(format!("OEBPS/{href}"))
                .or_insert_with(|| (image.bytes.clone(), image.format.mime()));
        }
    }

    // epub-builder assembles the book on the other cores while the images,
    // the longest single job, are streamed into the output here, right
    // after `mimetype`; its archive follows them (see `container`).
    let book = Book {
        doc,
        options,
        language: &language,
        title: &title,
        css,
        cover: cover.as_ref().map(|(_, format, w, h)| (*format, *w, *h)),
        media: &media,
        parts: &parts,
        links: &links,
        toc: &toc,
        elements: &elements_toc,
    };
    let container_error = |e| Error::Backend(format!("cannot write the EPUB container ({e})"));
    let mut assembled: Result<Assembled> = Ok(Default::default());
    let mut container: std::io::Result<container::Container<W>> =
        Err(std::io::Error::other("not started"));
    rayon::in_place_scope(|scope| {
        let (assembled, book) = (&mut assembled, &book);
        scope.spawn(move |_| *assembled = book.assemble());
        container = (|| {
            use rayon::prelude::*;
            let mut c = container::Container::new(sink)?;
            // Made ready a few at a time on the workers (see
            // `container::prepare`), so that no more than a batch of
            // images is held in memory, and written in order.
            let media: Vec<_> = media.iter().collect();
            for batch in media.chunks(16) {
                let prepared: Vec<std::io::Result<container::Prepared>> = batch
                    .par_iter()
                    .map(|(name, (blob, _))| container::prepare(name, blob))
                    .collect();
                for ((name, (blob, _)), prepared) in batch.iter().zip(prepared) {
                    c.media(name, blob, prepared?)?;
                }
            }
            Ok(c)
        })();
    });
    let mut c = container.map_err(container_error)?;
    let (assembled, elements, mathml) = assembled?;
    let fixes = fixes::Fixes {
        written_identifier: uuid::fmt::Urn::from_uuid(package::package_uuid(doc)).to_string(),
        identifier: package::identifier(doc),
        title: package::clean(&title),
        language: language.clone(),
        depth: nav::depth(&toc),
        svg: if cover.is_some() {
            vec!["cover.xhtml".into()]
        } else {
            Vec::new()
        },
        mathml,
        elements,
        landmarks: options.labels.get(Label::Landmarks).to_string(),
        start: options.labels.get(Label::StartOfContent).to_string(),
    };
    c.copy(&assembled, &fixes).map_err(container_error)?;
    c.finish().map_err(container_error)?;
    Ok(())
}

/// epub-builder's archive, the Dublin Core elements it cannot write, and
/// the content documents with MathML in them (for [`fixes`]).
type Assembled = (Vec<u8>, Vec<String>, Vec<String>);

/// What epub-builder is given.
struct Book<'a> {
    doc: &'a Document,
    options: &'a EpubOptions,
    language: &'a str,
    title: &'a str,
    css: &'a str,
    /// The cover image's format and size, when there is one.
    cover: Option<(ImageFormat, u32, u32)>,
    media: &'a BTreeMap<String, (Blob, &'static str)>,
    parts: &'a [nav::Part<'a>],
    links: &'a xhtml::Links<'a>,
    toc: &'a [nav::Entry],
    elements: &'a [Option<epub_builder::TocElement>],
}

impl Book<'_> {
    /// Has epub-builder assemble the book: metadata, stylesheet, the
    /// images' names (their bytes go into the output directly), and the
    /// content documents in reading order with their TOC entries and
    /// landmark types. Returns its archive and the Dublin Core elements it
    /// cannot write (for [`fixes`]).
    fn assemble(&self) -> Result<Assembled> {
        let fail = |e: epub_builder::Error| Error::Backend(format!("epub assembly failed ({e})"));
        let mut builder = EpubBuilder::new(ZipLibrary::new().map_err(fail)?).map_err(fail)?;
        builder.epub_version(EpubVersion::V30);
        let elements = package::fill(
            &mut builder,
            self.doc,
            self.language,
            self.options.labels.get(Label::Contents),
        )
        .map_err(fail)?;
        let chapters: Vec<String> = {
            use rayon::prelude::*;
            self.parts
                .par_iter()
                .enumerate()
                .map(|(i, part)| {
                    xhtml::chapter(
                        self.doc,
                        i,
                        part,
                        self.links,
                        self.language,
                        &self.options.labels,
                    )
                })
                .collect()
        };
        // The code palette goes with the stylesheet only when some code is
        // highlighted (a book without any pays nothing for it).
        if chapters.iter().any(|c| c.contains("<pre class=\"code")) {
            let css = format!(
                "{}\n{}",
                self.css,
                crate::highlight::css(&self.options.code.theme)
            );
            builder.stylesheet(css.as_bytes()).map_err(fail)?;
        } else {
            builder.stylesheet(self.css.as_bytes()).map_err(fail)?;
        }
        let mathml: Vec<String> = self
            .parts
            .iter()
            .zip(&chapters)
            .filter(|(_, text)| text.contains("<math "))
            .map(|(part, _)| part.file.clone())
            .collect();
        for (name, (_, mime)) in self.media {
            let href = name.strip_prefix("OEBPS/").unwrap_or(name);
            if href.starts_with("images/cover.") {
                builder
                    .add_cover_image(href, std::io::empty(), *mime)
                    .map_err(fail)?;
            } else {
                builder
                    .add_resource(href, std::io::empty(), *mime)
                    .map_err(fail)?;
            }
        }
        // The reading order: cover page, printed contents, chapters.
        if let Some((format, width, height)) = self.cover {
            let href = format!("images/cover.{}", format.extension());
            let page = cover_xhtml(&href, width, height, self.title, self.language);
            builder
                .add_content(
                    EpubContent::new("cover.xhtml", page.as_bytes())
                        .title(self.options.labels.get(Label::Cover))
                        .reftype(ReferenceType::Cover),
                )
                .map_err(fail)?;
        }
        if self.options.front_matter && self.doc.meta.title.is_some() {
            let labels = &self.options.labels;
            let page = front::title_page(&self.doc.meta, self.language);
            builder
                .add_content(
                    EpubContent::new("title.xhtml", page.as_bytes())
                        .title(labels.get(crate::labels::Label::TitlePage))
                        .reftype(ReferenceType::TitlePage),
                )
                .map_err(fail)?;
            let label = labels.get(crate::labels::Label::Copyright);
            if let Some(page) = front::copyright_page(&self.doc.meta, label, self.language) {
                builder
                    .add_content(
                        EpubContent::new("copyright.xhtml", page.as_bytes())
                            .title(label)
                            .reftype(ReferenceType::Copyright),
                    )
                    .map_err(fail)?;
            }
        }
        if self.options.toc_page {
            let page = nav::toc_page(
                self.toc,
                self.language,
                self.options.labels.get(Label::Contents),
            );
            builder
                .add_content(
                    EpubContent::new("toc.xhtml", page.as_bytes())
                        .title(self.options.labels.get(Label::Contents))
                        .reftype(ReferenceType::Toc),
                )
                .map_err(fail)?;
        }
        for (i, (part, text)) in self.parts.iter().zip(&chapters).enumerate() {
            let mut content = EpubContent::new(part.file.as_str(), text.as_bytes());
            if let Some(element) = &self.elements[i] {
                content = content.title(element.title.clone()).level(element.level);
                for child in &element.children {
                    content = content.child(child.clone());
                }
            }
            if i == 0 {
                content = content.reftype(ReferenceType::Text);
            }
            builder.add_content(content).map_err(fail)?;
        }
        let mut assembled = Vec::new();
        builder.generate(&mut assembled).map_err(fail)?;
        Ok((assembled, elements, mathml))
    }
}

type CoverImage = (Vec<u8>, ImageFormat, u32, u32);

/// The cover image: the given file, or a generated one.
fn cover_image(
    doc: &Document,
    options: &EpubOptions,
    fonts: &FontSet,
) -> Result<Option<CoverImage>> {
    match &options.cover {
        Cover::None => Ok(None),
        Cover::Generated => {
            let png = cover::render(&doc.meta, fonts)
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

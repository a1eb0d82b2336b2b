//! The PDF exporter: finished frames → a PDF file, streamed page by page.
//! The only pdf-writer importer, organised by PDF concept.
//!
//! Input: the pages layout hands over as it makes them ([`Exporter::pages`]),
//! the image table (for image data) and, at the end, the [`Book`]. Nothing
//! else: the exporter never reads the document tree. Each page's content
//! stream ([`content`]) is encoded and compressed on every core in batches
//! and written at once, with the images it places ([`images`]); what stays
//! in memory per page is its boxes, its links and one object number. At the
//! end come the fonts, subset to the glyphs used ([`fonts`]; emoji faces
//! as Type 3 fonts of images, [`bitmap`]), the page
//! objects with their link annotations, the outline and page labels
//! ([`navigation`]), the metadata ([`metadata`]) and the cross-reference
//! table ([`objects`]). One serialiser writes everything; rebuilds are
//! byte-identical.

pub mod bitmap;
pub mod content;
pub mod fonts;
pub mod images;
pub mod metadata;
pub mod navigation;
pub mod objects;
pub mod standards;

use crate::diag::Result;
use crate::doc::Resources;
use crate::pdf::Standard;
use crate::pdf::frame::{Book, Item, Page, Section};
use crate::text::FontSet;
use content::PageRecord;
use objects::Objects;
use pdf_writer::types::{PageLayout, PageMode};
use pdf_writer::{Filter, Finish, Name, Rect, Ref, TextStr};
use std::io::Write;

/// Pages encoded in parallel at a time.
const BATCH: usize = 32;

/// The zlib level of content streams: level 2 is within a few percent of
/// level 6 on text operators and about twice as fast.
const CONTENT_LEVEL: u32 = 2;

/// A page written to the file: its content stream and what its page object
/// needs at the end.
struct Written {
    content: Ref,
    record: PageRecord,
}

/// Writes a PDF as its pages come.
pub struct Exporter<'a, W: Write> {
    objects: Objects<W>,
    set: &'a FontSet,
    resources: &'a Resources,
    fonts: fonts::Fonts,
    images: images::Images,
    front: Vec<Written>,
    body: Vec<Written>,
    standard: Standard,
    profiles: standards::Profiles,
}

impl<'a, W: Write> Exporter<'a, W> {
    /// Starts a PDF in `sink` to `standard`; text is drawn in the faces of
    /// `set`, images come from `resources`.
    pub fn new(
        sink: W,
        set: &'a FontSet,
        resources: &'a Resources,
        standard: Standard,
    ) -> Result<Exporter<'a, W>> {
        Ok(Exporter {
            objects: Objects::with_header(sink, standards::header(standard))?,
            standard,
            profiles: standards::Profiles::default(),
            set,
            resources,
            fonts: fonts::Fonts::default(),
            images: images::Images::default(),
            front: Vec::new(),
            body: Vec::new(),
        })
    }

    /// Writes finished pages of a section, in order.
    pub fn pages(&mut self, section: Section, pages: Vec<Page>) -> Result<()> {
        for batch in pages.chunks(BATCH) {
            let written = self.batch(batch)?;
            match section {
                Section::Front => self.front.extend(written),
                Section::Body => self.body.extend(written),
            }
        }
        Ok(())
    }

    /// Encodes a batch of pages in parallel and writes their content streams.
    fn batch(&mut self, pages: &[Page]) -> Result<Vec<Written>> {
        use rayon::prelude::*;
        // In order: glyphs get their subset ids, images their XObjects.
        for page in pages {
            self.use_items(&page.items)?;
        }
        let (set, fonts, images) = (self.set, &self.fonts, &self.images);
        let colors = standards::colors(self.standard);
        let encoded: Vec<(Result<Vec<u8>>, PageRecord)> = pages
            .par_iter()
            .map(|page| {
                let (data, record) = content::encode(set, page, fonts, &|i| images.name(i), colors);
                // Compressed here, on every core.
                (objects::deflate(&data, CONTENT_LEVEL), record)
            })
            .collect();
        let mut written = Vec::with_capacity(encoded.len());
        for (data, record) in encoded {
            let data = data?;
            let id = self.objects.reserve();
            self.objects.write(id, |c, id| {
                c.stream(id, &data).filter(Filter::FlateDecode);
            })?;
            written.push(Written {
                content: id,
                record,
            });
        }
        Ok(written)
    }

    /// Notes the glyphs and writes the images of items (turned ones too).
    fn use_items(&mut self, items: &[(crate::text::Point, Item)]) -> Result<()> {
        for (_, item) in items {
            match item {
                Item::Text(run) => self.fonts.use_run(run),
                Item::Image { image, .. } => self.images.place(
                    &mut self.objects,
                    self.resources,
                    *image,
                    (self.standard, &mut self.profiles),
                )?,
                Item::Turned { items, .. } => self.use_items(items)?,
                Item::Rect { .. } | Item::Line { .. } | Item::Link { .. } => {}
            }
        }
        Ok(())
    }

    /// Writes what depends on the whole book and ends the file: fonts, page
    /// objects, outline, page labels, metadata, catalog and the
    /// cross-reference table. Returns the sink.
    pub fn finish(mut self, book: &Book) -> Result<W> {
        let objects = &mut self.objects;
        let font_refs = self
            .fonts
            .write(objects, self.set, (self.standard, &mut self.profiles))?;
        let resources = objects.reserve();
        objects.write(resources, |c, id| {
            let mut r = c.indirect(id).start::<pdf_writer::writers::Resources>();
            let mut f = r.fonts();
            for (name, id) in &font_refs {
                f.pair(Name(name.as_bytes()), *id);
            }
            f.finish();
            let mut x = r.x_objects();
            for (name, id) in &self.images.xobjects {
                x.pair(Name(name.as_bytes()), *id);
            }
            x.finish();
        })?;

        let mut written = std::mem::take(&mut self.front);
        written.append(&mut self.body);
        let tree = objects.reserve();
        let page_ids: Vec<Ref> = written.iter().map(|_| objects.reserve()).collect();
        let records: Vec<PageRecord> = written.iter().map(|w| w.record.clone()).collect();
        let targets = navigation::Targets {
            pages: &page_ids,
            records: &records,
            book,
        };
        for (index, w) in written.iter().enumerate() {
            let annots = if standards::links(self.standard) {
                navigation::links(
                    objects,
                    &targets,
                    index,
                    standards::link_flags(self.standard),
                )?
            } else {
                Vec::new()
            };
            let r = &w.record;
            let rect = |[x0, y0, x1, y1]: [f32; 4]| Rect::new(x0, y0, x1, y1);
            objects.write(page_ids[index], |c, id| {
                let mut page = c.page(id);
                page.parent(tree)
                    .media_box(Rect::new(0.0, 0.0, r.size.0, r.size.1))
                    .trim_box(rect(r.trim))
                    .bleed_box(rect(r.bleed))
                    .contents(w.content)
                    .pair(Name(b"Resources"), resources);
                if !annots.is_empty() {
                    page.annotations(annots.iter().copied());
                }
            })?;
        }
        objects.write(tree, |c, id| {
            c.pages(id)
                .kids(page_ids.iter().copied())
                .count(page_ids.len() as i32);
        })?;

        let outline = navigation::outline(objects, &targets)?;
        let labels = navigation::page_labels(objects, book)?;
        let xmp = metadata::metadata(objects, &book.info, self.standard)?;
        let info = metadata::info(objects, &book.info, self.standard)?;
        let intent = standards::output_intent(objects, &mut self.profiles, self.standard)?;
        let catalog = objects.reserve();
        objects.write(catalog, |c, id| {
            let mut cat = c.indirect(id).start::<pdf_writer::writers::Catalog>();
            cat.pages(tree)
                .page_layout(PageLayout::OneColumn)
                .lang(TextStr(&book.info.language))
                .metadata(xmp);
            if let Some(intent) = intent {
                cat.insert(Name(b"OutputIntents")).array().item(intent);
            }
            if let Some(root) = outline {
                cat.outlines(root).page_mode(PageMode::UseOutlines);
            }
            if !labels.is_empty() {
                let mut tree = cat.page_labels();
                let mut nums = tree.nums();
                for (start, label) in &labels {
                    nums.insert(*start, *label);
                }
            }
        })?;
        self.objects.finish(catalog, info)
    }
}

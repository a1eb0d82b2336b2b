//! The PDF writer: frames → PDF bytes, streamed page by page. The only
//! printpdf and pdf-writer importer.
//!
//! Each page's content stream is written with `pdf-writer` (printpdf's
//! operations went through lopdf objects and `fmt` and took half of the
//! PDF's time), compressed and written out at once, so a book is never held
//! whole: what stays in memory per page is
//! its size, its object numbers and its links. Pages are encoded in
//! parallel. Images are written when first placed, streamed from their files
//! (JPEG bytes pass through as `DCTDecode`, PNG data with its predictors,
//! everything else losslessly with Flate and its alpha as a soft mask).
//!
//! At the end come what depends on the whole book: the furniture (folios
//! and running heads, in a second content stream per page), the fonts —
//! subset with `subsetter` (glyphs renumbered in order of first use, so ids
//! are deterministic and the files small) and turned into font objects by
//! printpdf —, links, the nested outline, page boxes, XMP metadata, the Info
//! dictionary with UTF-16 text strings, and a document `/ID` hashed from
//! the bytes, so rebuilds are byte-identical.

use super::emit;
use super::frame::{Color as FrameColor, Item, LinkDest, Page};
use crate::diag::{Error, Result};
use crate::doc::{AnchorId, Document, ImageStatus, PdfImage, ResourceId};
use crate::text::units::Point as FramePoint;
use crate::text::{FaceId, FontSet};
use lopdf::{Dictionary, Object, StringFormat};
use pdf_writer::{Content, Name, Str};
use printpdf::{
    Codepoint, FontId, Op, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Pt,
    TextItem,
};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Write;

/// Where the trimmed page sits on the sheet: bleed and the slug for crop marks.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sheet {
    /// Bleed around the trimmed page, in points.
    pub bleed: f32,
    /// Extra margin beyond the bleed for crop marks, in points.
    pub slug: f32,
    /// Draw crop marks.
    pub crop_marks: bool,
}

impl Sheet {
    /// Offset of the trimmed page from the sheet's lower-left corner.
    pub fn offset(&self) -> f32 {
        self.bleed + self.slug
    }
}

/// Metadata for the Info dictionary and XMP.
pub struct Info {
    /// Title.
    pub title: String,
    /// Authors joined by `; `.
    pub author: String,
    /// Subject (the description).
    pub subject: String,
    /// Keywords joined by `, `.
    pub keywords: String,
    /// Creation date, seconds since the Unix epoch.
    pub created: i64,
    /// The document's language (BCP 47).
    pub language: String,
    /// The XMP packet.
    pub xmp: String,
}

/// A sink that counts and hashes what goes through it.
struct Out<W: Write> {
    inner: W,
    position: u64,
    hash: Sha256,
}

impl<W: Write> Out<W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.hash.update(bytes);
        self.write_unhashed(bytes)
    }

    /// Writes bytes the document /ID does not hash (image data, which is
    /// represented in the hash by its identity instead).
    fn write_unhashed(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.inner.write_all(bytes)?;
        self.position += bytes.len() as u64;
        Ok(())
    }
}

/// One face as the book uses it.
struct FontUse {
    /// Resource name (`F1`…).
    name: String,
    /// Original glyph id → id in the subset (in order of first use).
    remapper: subsetter::GlyphRemapper,
    /// The same map as a table indexed by original id (0: not used yet),
    /// for a lookup per glyph without hashing.
    table: Vec<u16>,
    /// Original glyph ids in subset order (index = new id).
    olds: Vec<u16>,
    /// The text each subset glyph stands for (first use wins), by new id.
    texts: Vec<String>,
}

/// The XObjects written so far, for the pages being encoded.
struct Images<'a> {
    placed: &'a BTreeMap<ResourceId, Option<usize>>,
    xobjects: &'a [(String, u32)],
}

impl Images<'_> {
    /// The resource name of an image, if it can be drawn.
    fn name(&self, image: ResourceId) -> Option<&str> {
        let x = (*self.placed.get(&image)?)?;
        self.xobjects.get(x).map(|(name, _)| name.as_str())
    }
}

/// What is kept of a written page until the end.
struct PageRecord {
    /// Sheet width and height, in points.
    size: (f32, f32),
    /// Trimmed page width and height, in points.
    trim: (f32, f32),
    /// Content streams, in drawing order.
    contents: Vec<u32>,
    /// Links: rectangle (x0, y0, x1, y1) and destination.
    links: Vec<([f32; 4], LinkDest)>,
}

/// The streaming writer.
pub struct Writer<'f, W: Write> {
    fonts_set: &'f FontSet,
    out: Out<W>,
    /// Byte offset of each object (index = number − 1); `None`: reserved.
    offsets: Vec<Option<u64>>,
    sheet: Sheet,
    fonts: BTreeMap<FaceId, FontUse>,
    /// XObject of each placed image (`None`: cannot be drawn).
    images: BTreeMap<ResourceId, Option<usize>>,
    /// Images by content identity, so identical files are embedded once.
    by_hash: BTreeMap<String, usize>,
    /// Written XObjects: resource name and object number.
    xobjects: Vec<(String, u32)>,
    /// Body pages written so far.
    body: Vec<PageRecord>,
}

/// Pages encoded in parallel at a time.
const BATCH: usize = 32;

impl<'f, W: Write> Writer<'f, W> {
    /// Starts a PDF in `sink`.
    pub fn new(sink: W, fonts: &'f FontSet, sheet: Sheet) -> Result<Writer<'f, W>> {
        let mut writer = Writer {
            fonts_set: fonts,
            out: Out {
                inner: sink,
                position: 0,
                hash: Sha256::new(),
            },
            offsets: Vec::new(),
            sheet,
            fonts: BTreeMap::new(),
            images: BTreeMap::new(),
            by_hash: BTreeMap::new(),
            xobjects: Vec::new(),
            body: Vec::new(),
        };
        // A binary comment marks the file as binary for transfer tools.
        writer.put(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n")?;
        Ok(writer)
    }

    fn put(&mut self, bytes: &[u8]) -> Result<()> {
        self.out
            .write(bytes)
            .map_err(|e| Error::Backend(format!("cannot write the PDF ({e})")))
    }

    /// Reserves an object number.
    fn reserve(&mut self) -> u32 {
        self.offsets.push(None);
        self.offsets.len() as u32
    }

    /// Writes object `id`.
    fn object(&mut self, id: u32, object: &Object) -> Result<()> {
        let mut bytes = format!("{id} 0 obj\n").into_bytes();
        emit::object(&mut bytes, object);
        bytes.extend_from_slice(b"\nendobj\n");
        self.offsets[id as usize - 1] = Some(self.out.position);
        self.put(&bytes)
    }

    /// Writes a new stream object with `content` as is (image data: not
    /// copied, not hashed; `identity` stands for it in the /ID hash).
    fn add_image(&mut self, dict: &Dictionary, content: &[u8], identity: &str) -> Result<u32> {
        let id = self.reserve();
        let mut dict = dict.clone();
        dict.set("Length", Object::Integer(content.len() as i64));
        let mut head = format!("{id} 0 obj\n").into_bytes();
        emit::dictionary(&mut head, &dict);
        head.extend_from_slice(b"\nstream\n");
        self.offsets[id as usize - 1] = Some(self.out.position);
        self.put(&head)?;
        self.out.hash.update(identity.as_bytes());
        self.out
            .write_unhashed(content)
            .map_err(|e| Error::Backend(format!("cannot write the PDF ({e})")))?;
        self.put(b"\nendstream\nendobj\n")?;
        Ok(id)
    }

    /// Writes a new object; returns its number.
    fn add(&mut self, object: &Object) -> Result<u32> {
        let id = self.reserve();
        self.object(id, object)?;
        Ok(id)
    }

    /// Writes body pages (without furniture), in order.
    pub fn body_pages(&mut self, doc: &Document, pages: Vec<Page>) -> Result<()> {
        for batch in pages.chunks(BATCH) {
            let records = self.pages(doc, batch, &[])?;
            self.body.extend(records);
        }
        Ok(())
    }

    /// Encodes and writes a batch of pages (plus `extra` items per page, if
    /// any); returns their records.
    fn pages(
        &mut self,
        doc: &Document,
        pages: &[Page],
        extra: &[Vec<(FramePoint, Item)>],
    ) -> Result<Vec<PageRecord>> {
        use rayon::prelude::*;
        // In order: glyphs get their subset ids, images their XObjects.
        for (i, page) in pages.iter().enumerate() {
            let items = page.items.iter().chain(extra.get(i).into_iter().flatten());
            for (_, item) in items {
                match item {
                    Item::Text(run) => self.use_glyphs(run),
                    Item::Image { image, .. } => self.use_image(doc, *image)?,
                    _ => {}
                }
            }
        }
        let images = Images {
            placed: &self.images,
            xobjects: &self.xobjects,
        };
        let (fonts, images, sheet, set) = (&self.fonts, &images, self.sheet, self.fonts_set);
        let encoded: Vec<(Object, PageRecord)> = pages
            .par_iter()
            .enumerate()
            .map(|(i, page)| {
                // A furniture pass (extra given) also draws the crop marks.
                let extra =
                    (!extra.is_empty()).then(|| extra.get(i).map_or(&[][..], Vec::as_slice));
                let (content, record) = encode(set, page, extra, fonts, images, &sheet);
                // Compressed here, on every core.
                (content_stream(content), record)
            })
            .collect();
        let mut records = Vec::with_capacity(encoded.len());
        for (content, mut record) in encoded {
            let id = self.add(&content)?;
            record.contents.push(id);
            records.push(record);
        }
        Ok(records)
    }

    fn use_glyphs(&mut self, run: &super::frame::TextRun) {
        let n = self.fonts.len();
        let font = self.fonts.entry(run.face).or_insert_with(|| {
            let mut remapper = subsetter::GlyphRemapper::new();
            remapper.remap(0);
            FontUse {
                name: format!("F{}", n + 1),
                remapper,
                table: vec![0; usize::from(u16::MAX) + 1],
                olds: vec![0],
                texts: vec![String::new()],
            }
        });
        for g in &run.glyphs {
            let new = match font.table[usize::from(g.id)] {
                0 if g.id != 0 => {
                    let new = font.remapper.remap(g.id);
                    font.table[usize::from(g.id)] = new;
                    font.olds.push(g.id);
                    font.texts.push(g.text.clone());
                    new
                }
                new => new,
            };
            if font.texts[usize::from(new)].is_empty() {
                font.texts[usize::from(new)].clone_from(&g.text);
            }
        }
    }

    fn use_image(&mut self, doc: &Document, image: ResourceId) -> Result<()> {
        if self.images.contains_key(&image) {
            return Ok(());
        }
        let resource = doc.resources.get(image);
        let hash = match &resource.status {
            ImageStatus::Loaded(l) => l.hash.clone(),
            _ => {
                self.images.insert(image, None);
                return Ok(());
            }
        };
        if let Some(&x) = self.by_hash.get(&hash) {
            self.images.insert(image, Some(x));
            return Ok(());
        }
        let stream = match &resource.pdf {
            Some(prepared) => image_stream(prepared).map_err(|e| {
                Error::Backend(format!("cannot read image {} ({e})", resource.written))
            })?,
            None => None,
        };
        let Some((dict, content, mask)) = stream else {
            self.images.insert(image, None);
            return Ok(());
        };
        let mut dict = dict;
        if let Some((mask_dict, mask_content)) = mask {
            let mask_id = self.add_image(&mask_dict, &mask_content, &format!("{hash} mask"))?;
            dict.set("SMask", Object::Reference((mask_id, 0)));
        }
        let id = self.add_image(&dict, &content, &hash)?;
        let x = self.xobjects.len();
        self.xobjects.push((format!("Im{}", x + 1), id));
        self.by_hash.insert(hash, x);
        self.images.insert(image, Some(x));
        Ok(())
    }

    /// Writes what depends on the whole book and ends the file: the front
    /// pages, every page's furniture, fonts, links, outline, page tree,
    /// metadata and cross-reference table. Returns the sink.
    pub fn finish(
        mut self,
        doc: &Document,
        book: &super::layout::Streamed,
        geometry: &super::layout::Geometry,
        info: &Info,
    ) -> Result<W> {
        use super::layout::pages::furniture;
        let front_len = book.front.len();
        // The front matter, with its furniture.
        let extra: Vec<_> = (0..front_len)
            .map(|i| furniture(doc, self.fonts_set, geometry, i, &book.infos[i]))
            .collect();
        let mut front = Vec::new();
        for (pages, extra) in book.front.chunks(BATCH).zip(extra.chunks(BATCH)) {
            front.extend(self.pages(doc, pages, extra)?);
        }
        // The body's furniture: a second content stream per page.
        let mut body = std::mem::take(&mut self.body);
        for start in (0..body.len()).step_by(BATCH) {
            let end = (start + BATCH).min(body.len());
            let blanks: Vec<Page> = body[start..end]
                .iter()
                .map(|r| Page {
                    width: crate::text::units::Abs::pt(f64::from(r.trim.0)),
                    height: crate::text::units::Abs::pt(f64::from(r.trim.1)),
                    items: Vec::new(),
                })
                .collect();
            let extra: Vec<_> = (start..end)
                .map(|i| {
                    let index = front_len + i;
                    match book.infos.get(index) {
                        Some(info) => furniture(doc, self.fonts_set, geometry, index, info),
                        None => Vec::new(),
                    }
                })
                .collect();
            let records = self.pages(doc, &blanks, &extra)?;
            for (record, furniture) in body[start..end].iter_mut().zip(records) {
                record.contents.extend(furniture.contents);
            }
        }
        let mut records = front;
        records.extend(body);

        // Fonts, made by printpdf from the subsets.
        let font_refs = self.fonts()?;
        let mut resources = Dictionary::new();
        let mut font_dict = Dictionary::new();
        for (name, id) in &font_refs {
            font_dict.set(name.as_bytes().to_vec(), Object::Reference((*id, 0)));
        }
        resources.set("Font", Object::Dictionary(font_dict));
        let mut xobject_dict = Dictionary::new();
        for (name, id) in &self.xobjects {
            xobject_dict.set(name.as_bytes().to_vec(), Object::Reference((*id, 0)));
        }
        resources.set("XObject", Object::Dictionary(xobject_dict));
        let resources_id = self.add(&Object::Dictionary(resources))?;

        // Page objects are numbered before links point at them.
        let pages_id = self.reserve();
        let page_ids: Vec<u32> = records.iter().map(|_| self.reserve()).collect();
        let off = self.sheet.offset();
        let bleed = self.sheet.bleed;
        let dest = |anchor: &AnchorId| -> Option<Object> {
            let (page, y) = book.anchors.get(anchor)?;
            let record = records.get(*page)?;
            let top = record.size.1 - off - y.to_pt() as f32;
            Some(xyz(page_ids[*page], top))
        };
        for (index, record) in records.iter().enumerate() {
            let mut annots = Vec::new();
            for (rect, target) in &record.links {
                let mut annot = Dictionary::new();
                annot.set("Type", name("Annot"));
                annot.set("Subtype", name("Link"));
                annot.set(
                    "Rect",
                    Object::Array(rect.iter().map(|v| Object::Real(*v)).collect()),
                );
                annot.set("Border", Object::Array(vec![Object::Integer(0); 3]));
                match target {
                    LinkDest::Uri(uri) => {
                        let mut action = Dictionary::new();
                        action.set("S", name("URI"));
                        action.set(
                            "URI",
                            Object::String(uri.as_bytes().to_vec(), StringFormat::Literal),
                        );
                        annot.set("A", Object::Dictionary(action));
                    }
                    LinkDest::Anchor(anchor) => match dest(anchor) {
                        Some(d) => annot.set("Dest", d),
                        None => continue,
                    },
                }
                annots.push(Object::Reference((
                    self.add(&Object::Dictionary(annot))?,
                    0,
                )));
            }
            let (w, h) = record.size;
            let (tw, th) = record.trim;
            let rect = |a: f32, b: f32, c: f32, d: f32| {
                Object::Array(vec![
                    Object::Real(a),
                    Object::Real(b),
                    Object::Real(c),
                    Object::Real(d),
                ])
            };
            let mut page = Dictionary::new();
            page.set("Type", name("Page"));
            page.set("Parent", Object::Reference((pages_id, 0)));
            page.set("MediaBox", rect(0.0, 0.0, w, h));
            page.set("CropBox", rect(0.0, 0.0, w, h));
            page.set("TrimBox", rect(off, off, off + tw, off + th));
            page.set(
                "BleedBox",
                rect(off - bleed, off - bleed, off + tw + bleed, off + th + bleed),
            );
            page.set("Resources", Object::Reference((resources_id, 0)));
            page.set(
                "Contents",
                Object::Array(
                    record
                        .contents
                        .iter()
                        .map(|c| Object::Reference((*c, 0)))
                        .collect(),
                ),
            );
            if !annots.is_empty() {
                page.set("Annots", Object::Array(annots));
            }
            self.object(page_ids[index], &Object::Dictionary(page))?;
        }
        let mut tree = Dictionary::new();
        tree.set("Type", name("Pages"));
        tree.set("Count", Object::Integer(page_ids.len() as i64));
        tree.set(
            "Kids",
            Object::Array(
                page_ids
                    .iter()
                    .map(|p| Object::Reference((*p, 0)))
                    .collect(),
            ),
        );
        self.object(pages_id, &Object::Dictionary(tree))?;

        let outline = self.outline(book, &dest)?;

        let mut xmp_dict = Dictionary::new();
        xmp_dict.set("Type", name("Metadata"));
        xmp_dict.set("Subtype", name("XML"));
        let xmp_id = self.add(&Object::Stream(lopdf::Stream::new(
            xmp_dict,
            info.xmp.as_bytes().to_vec(),
        )))?;

        let date = pdf_date(info.created);
        let mut info_dict = Dictionary::new();
        for (key, value) in [
            ("Title", &info.title),
            ("Author", &info.author),
            ("Subject", &info.subject),
            ("Keywords", &info.keywords),
        ] {
            if !value.is_empty() {
                info_dict.set(key, text_string(value));
            }
        }
        let tool = format!("bindery {}", env!("CARGO_PKG_VERSION"));
        info_dict.set("Creator", text_string(&tool));
        info_dict.set("Producer", text_string(&tool));
        info_dict.set(
            "CreationDate",
            Object::String(date.clone().into_bytes(), StringFormat::Literal),
        );
        info_dict.set(
            "ModDate",
            Object::String(date.into_bytes(), StringFormat::Literal),
        );
        let info_id = self.add(&Object::Dictionary(info_dict))?;

        let mut catalog = Dictionary::new();
        catalog.set("Type", name("Catalog"));
        catalog.set("Pages", Object::Reference((pages_id, 0)));
        catalog.set("PageLayout", name("OneColumn"));
        catalog.set("Lang", text_string(&info.language));
        catalog.set("Metadata", Object::Reference((xmp_id, 0)));
        if let Some(root) = outline {
            catalog.set("Outlines", Object::Reference((root, 0)));
            catalog.set("PageMode", name("UseOutlines"));
        }
        let catalog_id = self.add(&Object::Dictionary(catalog))?;

        // Cross-reference table and trailer; the /ID hashes everything before.
        let start = self.out.position;
        let mut xref = format!("xref\n0 {}\n0000000000 65535 f \n", self.offsets.len() + 1);
        for offset in &self.offsets {
            match offset {
                Some(o) => xref.push_str(&format!("{o:010} 00000 n \n")),
                None => {
                    return Err(Error::Backend(
                        "PDF object reserved but never written".into(),
                    ));
                }
            }
        }
        let digest = self.out.hash.clone().finalize();
        let id: String = digest.iter().take(16).map(|b| format!("{b:02X}")).collect();
        xref.push_str(&format!(
            "trailer\n<</Size {} /Root {catalog_id} 0 R /Info {info_id} 0 R /ID [<{id}> <{id}>]>>\nstartxref\n{start}\n%%EOF\n",
            self.offsets.len() + 1
        ));
        self.put(xref.as_bytes())?;
        let mut sink = self.out.inner;
        sink.flush()
            .map_err(|e| Error::Backend(format!("cannot write the PDF ({e})")))?;
        Ok(sink)
    }

    /// Subsets every used face and has printpdf make its font objects (from
    /// a page that shows every glyph once, so the widths and the ToUnicode
    /// map cover exactly the glyphs used); copies them into the file.
    /// Returns resource name → object number.
    fn fonts(&mut self) -> Result<Vec<(String, u32)>> {
        let book = self.fonts_set;
        let mut pdf = PdfDocument::new("");
        let mut ops = vec![Op::StartTextSection];
        let fonts = std::mem::take(&mut self.fonts);
        for (face, used) in &fonts {
            let font = book.font(*face);
            let subset = subsetter::subset(font.data(), 0, &used.remapper)
                .map_err(|e| Error::Backend(format!("cannot subset font {} ({e})", font.name)))?;
            let mut warnings = Vec::new();
            let mut parsed =
                ParsedFont::from_bytes(&subset, 0, &mut warnings).ok_or_else(|| {
                    Error::Backend(format!("cannot read the subset of font {}", font.name))
                })?;
            parsed.font_name = Some(format!(
                "{}+{}",
                subset_tag(&font.name, &used.olds),
                font.name
            ));
            let id = FontId(used.name.clone());
            pdf.resources
                .fonts
                .map
                .insert(id.clone(), printpdf::PdfFont::new(parsed));
            ops.push(Op::SetFont {
                font: PdfFontHandle::External(id),
                size: Pt(10.0),
            });
            let items = (0..used.olds.len())
                .map(|new| Codepoint {
                    gid: new as u16,
                    offset: 0.0,
                    cid: Some(used.texts[new].clone()),
                })
                .collect();
            ops.push(Op::ShowText {
                items: vec![TextItem::GlyphIds(items)],
            });
        }
        ops.push(Op::EndTextSection);
        pdf.with_pages(vec![PdfPage::new(
            printpdf::Mm(10.0),
            printpdf::Mm(10.0),
            ops,
        )]);
        let mut warnings = Vec::new();
        let lo = printpdf::serialize::to_lopdf_doc(&pdf, &save_options(), &mut warnings);
        // Font name → dictionary reference, from the page's resources.
        let page = lo.get_pages().values().next().copied();
        let font_dict = page
            .and_then(|p| lo.get_dictionary(p).ok())
            .and_then(|p| p.get(b"Resources").ok())
            .and_then(|r| resolve(&lo, r).as_dict().ok().cloned())
            .and_then(|r| r.get(b"Font").ok().map(|f| resolve(&lo, f).clone()))
            .and_then(|f| f.as_dict().ok().cloned())
            .unwrap_or_default();
        let mut copied = BTreeMap::new();
        let mut out = Vec::new();
        for used in fonts.values() {
            let Ok(reference) = font_dict.get(used.name.as_bytes()) else {
                return Err(Error::Backend(format!(
                    "printpdf made no font {}",
                    used.name
                )));
            };
            let copy = self.copy(&lo, reference, &mut copied)?;
            let Object::Reference((id, _)) = copy else {
                return Err(Error::Backend(format!(
                    "font {} is not an object",
                    used.name
                )));
            };
            out.push((used.name.clone(), id));
        }
        Ok(out)
    }

    /// Copies an object of `lo` and everything it references into the file,
    /// renumbered; returns the copy (references point at the new numbers).
    fn copy(
        &mut self,
        lo: &lopdf::Document,
        object: &Object,
        copied: &mut BTreeMap<lopdf::ObjectId, u32>,
    ) -> Result<Object> {
        Ok(match object {
            Object::Reference(old) => {
                if let Some(&new) = copied.get(old) {
                    return Ok(Object::Reference((new, 0)));
                }
                let new = self.reserve();
                copied.insert(*old, new);
                let target = lo.get_object(*old).cloned().unwrap_or(Object::Null);
                let target = self.copy(lo, &target, copied)?;
                self.object(new, &target)?;
                Object::Reference((new, 0))
            }
            Object::Array(items) => Object::Array(
                items
                    .iter()
                    .map(|i| self.copy(lo, i, copied))
                    .collect::<Result<_>>()?,
            ),
            Object::Dictionary(dict) => Object::Dictionary(self.copy_dict(lo, dict, copied)?),
            Object::Stream(stream) => {
                let dict = self.copy_dict(lo, &stream.dict, copied)?;
                let mut s = lopdf::Stream::new(dict, stream.content.clone());
                s.allows_compression = stream.allows_compression;
                if s.allows_compression && s.dict.get(b"Filter").is_err() {
                    let _ = s.compress();
                }
                Object::Stream(s)
            }
            other => other.clone(),
        })
    }

    fn copy_dict(
        &mut self,
        lo: &lopdf::Document,
        dict: &Dictionary,
        copied: &mut BTreeMap<lopdf::ObjectId, u32>,
    ) -> Result<Dictionary> {
        let mut out = Dictionary::new();
        for (key, value) in dict.iter() {
            out.set(key.clone(), self.copy(lo, value, copied)?);
        }
        Ok(out)
    }

    /// Writes the nested outline; returns its root.
    fn outline(
        &mut self,
        book: &super::layout::Streamed,
        dest: &dyn Fn(&AnchorId) -> Option<Object>,
    ) -> Result<Option<u32>> {
        struct Node {
            title: String,
            level: u8,
            dest: Object,
            children: Vec<usize>,
        }
        let mut nodes: Vec<Node> = Vec::new();
        let mut roots: Vec<usize> = Vec::new();
        let mut stack: Vec<usize> = Vec::new();
        for (title, level, anchor) in &book.outline {
            let Some(d) = dest(anchor) else {
                continue;
            };
            let index = nodes.len();
            nodes.push(Node {
                title: title.clone(),
                level: *level,
                dest: d,
                children: Vec::new(),
            });
            while stack.last().is_some_and(|&s| nodes[s].level >= *level) {
                stack.pop();
            }
            match stack.last() {
                Some(&parent) => nodes[parent].children.push(index),
                None => roots.push(index),
            }
            stack.push(index);
        }
        if roots.is_empty() {
            return Ok(None);
        }
        fn count(nodes: &[Node], i: usize) -> i64 {
            nodes[i].children.iter().map(|&c| 1 + count(nodes, c)).sum()
        }
        let root_id = self.reserve();
        let ids: Vec<u32> = nodes.iter().map(|_| self.reserve()).collect();
        let mut levels: Vec<(u32, Vec<usize>)> = vec![(root_id, roots.clone())];
        for (i, node) in nodes.iter().enumerate() {
            if !node.children.is_empty() {
                levels.push((ids[i], node.children.clone()));
            }
        }
        for (parent, items) in levels {
            for (k, &i) in items.iter().enumerate() {
                let mut d = Dictionary::new();
                d.set("Title", text_string(&nodes[i].title));
                d.set("Parent", Object::Reference((parent, 0)));
                d.set("Dest", nodes[i].dest.clone());
                if k > 0 {
                    d.set("Prev", Object::Reference((ids[items[k - 1]], 0)));
                }
                if k + 1 < items.len() {
                    d.set("Next", Object::Reference((ids[items[k + 1]], 0)));
                }
                if let (Some(&first), Some(&last)) =
                    (nodes[i].children.first(), nodes[i].children.last())
                {
                    d.set("First", Object::Reference((ids[first], 0)));
                    d.set("Last", Object::Reference((ids[last], 0)));
                    // Chapters open, deeper levels closed.
                    let n = count(&nodes, i);
                    d.set(
                        "Count",
                        Object::Integer(if nodes[i].level <= 1 { n } else { -n }),
                    );
                }
                self.object(ids[i], &Object::Dictionary(d))?;
            }
        }
        let mut root = Dictionary::new();
        root.set("Type", name("Outlines"));
        root.set("First", Object::Reference((ids[roots[0]], 0)));
        root.set("Last", Object::Reference((ids[roots[roots.len() - 1]], 0)));
        let visible: i64 = roots
            .iter()
            .map(|&r| {
                1 + if nodes[r].level <= 1 {
                    count(&nodes, r)
                } else {
                    0
                }
            })
            .sum();
        root.set("Count", Object::Integer(visible));
        self.object(root_id, &Object::Dictionary(root))?;
        Ok(Some(root_id))
    }
}

fn resolve<'a>(lo: &'a lopdf::Document, object: &'a Object) -> &'a Object {
    match object {
        Object::Reference(id) => lo.get_object(*id).unwrap_or(object),
        other => other,
    }
}

fn save_options() -> PdfSaveOptions {
    PdfSaveOptions {
        optimize: false,
        subset_fonts: false,
        secure: true,
        image_optimization: None,
    }
}

/// A compressed content stream.
fn content_stream(content: Vec<u8>) -> Object {
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(2));
    let compressed = encoder.write_all(&content).and_then(|()| encoder.finish());
    match compressed {
        Ok(bytes) => {
            let mut dict = Dictionary::new();
            dict.set("Filter", name("FlateDecode"));
            Object::Stream(lopdf::Stream::new(dict, bytes).with_compression(false))
        }
        Err(_) => Object::Stream(lopdf::Stream::new(Dictionary::new(), content)),
    }
}

/// Encodes one page's items (and `extra`) as a content stream with
/// `pdf-writer`; returns it with the page's record (links in sheet
/// coordinates).
fn encode(
    book: &FontSet,
    page: &Page,
    extra: Option<&[(FramePoint, Item)]>,
    fonts: &BTreeMap<FaceId, FontUse>,
    images: &Images<'_>,
    sheet: &Sheet,
) -> (Vec<u8>, PageRecord) {
    let off = sheet.offset();
    let (tw, th) = (page.width.to_pt() as f32, page.height.to_pt() as f32);
    let h = th + 2.0 * off;
    let w = tw + 2.0 * off;
    let mut record = PageRecord {
        size: (w, h),
        trim: (tw, th),
        contents: Vec::new(),
        links: Vec::new(),
    };
    let mut content = Content::new();
    let mut drawn = false;
    if sheet.crop_marks && extra.is_some() {
        crop_marks(&mut content, w, h, sheet);
        drawn = true;
    }
    let mut text = Text::default();
    for (p, item) in page.items.iter().chain(extra.unwrap_or_default()) {
        let x = p.x.to_pt() as f32 + off;
        let y = h - p.y.to_pt() as f32 - off;
        if !matches!(item, Item::Text(_) | Item::Link { .. }) {
            // Paths and images may not be drawn inside a text object.
            text.close(&mut content);
        }
        match item {
            Item::Text(run) => {
                let Some(used) = fonts.get(&run.face) else {
                    continue;
                };
                drawn = true;
                let size = run.size.to_pt() as f32;
                // Runs in the same face, size and colour share one text
                // object, and runs on one baseline one TJ array: the pen
                // advances by each glyph's /W width (integer thousandths of
                // an em, as the font's /W array gives them), and a kern
                // number moves it to where the layout put the next glyph
                // (across a word space too).
                let style = (run.face, size.to_bits(), run.color);
                if text.style != Some(style) {
                    text.close(&mut content);
                    content.begin_text();
                    content.set_font(Name(used.name.as_bytes()), size);
                    fill(&mut content, run.color);
                    text.style = Some(style);
                }
                let font = book.font(run.face);
                let scaled = |gid: u16| -> f32 {
                    let w = font
                        .face()
                        .glyph_hor_advance(rustybuzz::ttf_parser::GlyphId(gid))
                        .unwrap_or(0);
                    (f32::from(w) * 1000.0 / font.upem as f32).trunc() * size / 1000.0
                };
                let mut i = 0;
                while i < run.glyphs.len() {
                    let rise = run.glyphs[i].rise;
                    let baseline = round(y + rise.to_pt() as f32, 1000.0);
                    let first = x + run.glyphs[i].x.to_pt() as f32;
                    // A new baseline, or going back: a new text matrix.
                    if text.baseline != Some(baseline) || first < text.pen - 0.01 {
                        text.flush(&mut content);
                        let start = round(first, 1000.0);
                        content.set_text_matrix([1.0, 0.0, 0.0, 1.0, start, baseline]);
                        text.baseline = Some(baseline);
                        text.pen = start;
                    }
                    while i < run.glyphs.len() && run.glyphs[i].rise == rise {
                        let g = &run.glyphs[i];
                        let want = x + g.x.to_pt() as f32;
                        let d = want - text.pen;
                        if !text.bytes.is_empty() && d.abs() > 0.0005 {
                            // Kerns in hundredths of a thousandth of an em;
                            // the pen follows the rounded value, so rounding
                            // never accumulates along the line.
                            let adjust = round(-d * 1000.0 / size, 100.0);
                            text.cuts.push((text.bytes.len(), adjust));
                            text.pen -= adjust * size / 1000.0;
                        }
                        text.bytes
                            .extend_from_slice(&used.table[usize::from(g.id)].to_be_bytes());
                        text.pen += scaled(g.id);
                        i += 1;
                    }
                }
            }
            Item::Rect {
                width,
                height,
                fill: paint,
                stroke,
            } => {
                drawn = true;
                content.save_state();
                if let Some(c) = paint {
                    fill(&mut content, *c);
                }
                if let Some((c, t)) = stroke {
                    outline(&mut content, *c);
                    content.set_line_width(t.to_pt() as f32);
                }
                let hh = height.to_pt() as f32;
                content.rect(x, y - hh, width.to_pt() as f32, hh);
                match (paint, stroke) {
                    (Some(_), Some(_)) => content.fill_nonzero_and_stroke(),
                    (Some(_), None) => content.fill_nonzero(),
                    (None, _) => content.stroke(),
                };
                content.restore_state();
            }
            Item::Line {
                dx,
                dy,
                color: c,
                thickness,
            } => {
                drawn = true;
                content.save_state();
                outline(&mut content, *c);
                content.set_line_width(thickness.to_pt() as f32);
                content.move_to(x, y);
                content.line_to(x + dx.to_pt() as f32, y - dy.to_pt() as f32);
                content.stroke();
                content.restore_state();
            }
            Item::Image {
                image,
                width,
                height,
            } => {
                let Some(name) = images.name(*image) else {
                    continue;
                };
                drawn = true;
                let (iw, ih) = (width.to_pt() as f32, height.to_pt() as f32);
                content.save_state();
                content.transform([iw, 0.0, 0.0, ih, x, y - ih]);
                content.x_object(Name(name.as_bytes()));
                content.restore_state();
            }
            Item::Link {
                width,
                height,
                dest,
            } => {
                let (lw, lh) = (width.to_pt() as f32, height.to_pt() as f32);
                record.links.push(([x, y - lh, x + lw, y], dest.clone()));
            }
        }
    }
    text.close(&mut content);
    if !drawn {
        return (Vec::new(), record);
    }
    (content.finish().into_vec(), record)
}

/// The text being written on a page: the open text object's face, size and
/// colour, and the TJ array being filled for the current baseline (glyph
/// bytes, and where kern numbers go between them).
#[derive(Default)]
struct Text {
    style: Option<(FaceId, u32, FrameColor)>,
    baseline: Option<f32>,
    pen: f32,
    bytes: Vec<u8>,
    cuts: Vec<(usize, f32)>,
}

impl Text {
    /// Writes the pending TJ array.
    fn flush(&mut self, content: &mut Content) {
        if !self.bytes.is_empty() {
            let mut shown = content.show_positioned();
            let mut items = shown.items();
            let mut from = 0;
            for &(at, adjust) in &self.cuts {
                items.show(Str(&self.bytes[from..at]));
                items.adjust(adjust);
                from = at;
            }
            items.show(Str(&self.bytes[from..]));
        }
        self.bytes.clear();
        self.cuts.clear();
        self.baseline = None;
    }

    /// Ends the text object, if one is open.
    fn close(&mut self, content: &mut Content) {
        self.flush(content);
        if self.style.take().is_some() {
            content.end_text();
        }
    }
}

/// `v` rounded to a multiple of `1 / scale` (fewer digits in the stream).
fn round(v: f32, scale: f32) -> f32 {
    (v * scale).round() / scale
}

fn rgb(c: FrameColor) -> [f32; 3] {
    [c.0, c.1, c.2].map(|v| round(f32::from(v) / 255.0, 1000.0))
}

fn fill(content: &mut Content, c: FrameColor) {
    let [r, g, b] = rgb(c);
    content.set_fill_rgb(r, g, b);
}

fn outline(content: &mut Content, c: FrameColor) {
    let [r, g, b] = rgb(c);
    content.set_stroke_rgb(r, g, b);
}

fn xyz(page: u32, top: f32) -> Object {
    Object::Array(vec![
        Object::Reference((page, 0)),
        name("XYZ"),
        Object::Null,
        Object::Real(top),
        Object::Null,
    ])
}

fn name(s: &str) -> Object {
    Object::Name(s.as_bytes().to_vec())
}

/// A PDF text string: ASCII as is, anything else as UTF-16BE with a BOM.
pub fn text_string(s: &str) -> Object {
    if s.is_ascii() {
        Object::String(s.as_bytes().to_vec(), StringFormat::Literal)
    } else {
        let mut bytes = vec![0xFE, 0xFF];
        for unit in s.encode_utf16() {
            bytes.extend_from_slice(&unit.to_be_bytes());
        }
        Object::String(bytes, StringFormat::Hexadecimal)
    }
}

/// A PDF date string (`D:YYYYMMDDHHmmSSZ`) for seconds since the Unix epoch.
fn pdf_date(unix: i64) -> String {
    let t = chrono::DateTime::from_timestamp(unix, 0).unwrap_or_default();
    format!("D:{}Z", t.format("%Y%m%d%H%M%S"))
}

type ImageParts = (Dictionary, Vec<u8>, Option<(Dictionary, Vec<u8>)>);

/// The XObject of a prepared image (dictionary, data, soft mask), read from
/// its file: JPEG passed through, PNG data with its predictors, others
/// lossless.
fn image_stream(image: &PdfImage) -> std::io::Result<Option<ImageParts>> {
    let mut dict = Dictionary::new();
    dict.set("Type", name("XObject"));
    dict.set("Subtype", name("Image"));
    dict.set("BitsPerComponent", Object::Integer(8));
    let size = |dict: &mut Dictionary, w: u32, h: u32| {
        dict.set("Width", Object::Integer(i64::from(w)));
        dict.set("Height", Object::Integer(i64::from(h)));
    };
    Ok(Some(match image {
        PdfImage::Jpeg {
            bytes,
            components,
            inverted,
            width,
            height,
        } => {
            size(&mut dict, *width, *height);
            let space = match components {
                1 => "DeviceGray",
                4 => "DeviceCMYK",
                _ => "DeviceRGB",
            };
            dict.set("ColorSpace", name(space));
            dict.set("Filter", name("DCTDecode"));
            if *inverted {
                // Adobe CMYK JPEGs store inverted samples.
                let decode = [1, 0, 1, 0, 1, 0, 1, 0].map(Object::Integer).to_vec();
                dict.set("Decode", Object::Array(decode));
            }
            (dict, bytes.read()?.into_owned(), None)
        }
        PdfImage::Flate {
            rgb,
            alpha,
            width,
            height,
        } => {
            size(&mut dict, *width, *height);
            dict.set("ColorSpace", name("DeviceRGB"));
            dict.set("Filter", name("FlateDecode"));
            let mask = alpha.as_ref().map(|alpha| {
                let mut mask = Dictionary::new();
                mask.set("Type", name("XObject"));
                mask.set("Subtype", name("Image"));
                size(&mut mask, *width, *height);
                mask.set("ColorSpace", name("DeviceGray"));
                mask.set("BitsPerComponent", Object::Integer(8));
                mask.set("Filter", name("FlateDecode"));
                (mask, alpha.clone())
            });
            (dict, rgb.clone(), mask)
        }
        PdfImage::Png {
            file,
            colors,
            width,
            height,
        } => {
            size(&mut dict, *width, *height);
            let space = if *colors == 1 {
                "DeviceGray"
            } else {
                "DeviceRGB"
            };
            dict.set("ColorSpace", name(space));
            dict.set("Filter", name("FlateDecode"));
            let mut parms = Dictionary::new();
            parms.set("Predictor", Object::Integer(15));
            parms.set("Colors", Object::Integer(i64::from(*colors)));
            parms.set("BitsPerComponent", Object::Integer(8));
            parms.set("Columns", Object::Integer(i64::from(*width)));
            dict.set("DecodeParms", Object::Dictionary(parms));
            let bytes = file.read()?;
            let (data, _) = crate::resource::png::passthrough(&bytes).ok_or_else(|| {
                std::io::Error::other("the PNG changed while the book was being built")
            })?;
            (dict, data, None)
        }
        PdfImage::Unsupported => return Ok(None),
    }))
}

/// Crop marks at the four corners of the trimmed page, in the slug, kept
/// clear of the bleed.
fn crop_marks(content: &mut Content, w: f32, h: f32, sheet: &Sheet) {
    let off = sheet.offset();
    let gap = sheet.bleed + 2.0;
    let len = (sheet.slug - 2.0).max(4.0);
    let (x0, x1, y0, y1) = (off, w - off, off, h - off);
    let marks = [
        // Horizontal marks beside each corner.
        ((x0 - gap - len, y0), (x0 - gap, y0)),
        ((x1 + gap, y0), (x1 + gap + len, y0)),
        ((x0 - gap - len, y1), (x0 - gap, y1)),
        ((x1 + gap, y1), (x1 + gap + len, y1)),
        // Vertical marks above and below.
        ((x0, y0 - gap - len), (x0, y0 - gap)),
        ((x1, y0 - gap - len), (x1, y0 - gap)),
        ((x0, y1 + gap), (x0, y1 + gap + len)),
        ((x1, y1 + gap), (x1, y1 + gap + len)),
    ];
    content.save_state();
    outline(content, FrameColor::BLACK);
    content.set_line_width(0.3);
    for ((ax, ay), (bx, by)) in marks {
        content.move_to(ax, ay);
        content.line_to(bx, by);
        content.stroke();
    }
    content.restore_state();
}

/// Six capital letters derived from the font and its glyph set (deterministic).
fn subset_tag(name: &str, glyphs: &[u16]) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    hasher.update(name.as_bytes());
    for gid in glyphs {
        hasher.update(gid.to_be_bytes());
    }
    hasher
        .finalize()
        .iter()
        .take(6)
        .map(|b| char::from(b'A' + b % 26))
        .collect()
}

/// The number of colour components of a JPEG, from its SOF marker.
pub fn jpeg_components(bytes: &[u8]) -> Option<u8> {
    let mut i = 2;
    while i + 4 <= bytes.len() {
        if bytes[i] != 0xFF {
            return None;
        }
        let marker = bytes[i + 1];
        if marker == 0xFF {
            i += 1;
            continue;
        }
        let len = usize::from(u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]));
        let is_sof = matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if is_sof {
            return bytes.get(i + 9).copied();
        }
        i += 2 + len;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::frame::{PlacedGlyph, TextRun};
    use crate::text::units::Abs;

    /// Replays a content stream's text operators as a viewer would (the pen
    /// advances by each glyph's /W width and moves by each kern number) and
    /// returns every glyph's (subset id, x, y) on the sheet.
    fn replay(
        book: &FontSet,
        content: &[u8],
        fonts: &BTreeMap<FaceId, FontUse>,
    ) -> Vec<(u16, f32, f32)> {
        let ops = lopdf::content::Content::decode(content).expect("content decodes");
        let number = |o: &Object| o.as_float().expect("a number");
        let (mut face, mut size, mut pen, mut y) = (None, 0.0, 0.0, 0.0);
        let mut out = Vec::new();
        for op in ops.operations {
            match op.operator.as_str() {
                "Tf" => {
                    let name = op.operands[0].as_name().unwrap();
                    face = fonts
                        .iter()
                        .find(|(_, u)| u.name.as_bytes() == name)
                        .map(|(f, u)| (*f, u));
                    size = number(&op.operands[1]);
                }
                "Tm" => {
                    pen = number(&op.operands[4]);
                    y = number(&op.operands[5]);
                }
                "TJ" => {
                    let (face, used) = face.expect("a font is set");
                    let font = book.font(face);
                    for item in op.operands[0].as_array().unwrap() {
                        match item {
                            Object::String(bytes, _) => {
                                for pair in bytes.chunks(2) {
                                    let new = u16::from_be_bytes([pair[0], pair[1]]);
                                    out.push((new, pen, y));
                                    let old = used.olds[usize::from(new)];
                                    let w = font
                                        .face()
                                        .glyph_hor_advance(rustybuzz::ttf_parser::GlyphId(old))
                                        .unwrap_or(0);
                                    let w = (f32::from(w) * 1000.0 / font.upem as f32).trunc();
                                    pen += w * size / 1000.0;
                                }
                            }
                            other => pen -= number(other) * size / 1000.0,
                        }
                    }
                }
                _ => {}
            }
        }
        out
    }

    #[test]
    fn text_lands_where_the_layout_put_it() {
        let book = &FontSet::bundled();
        let size = Abs::pt(10.3);
        let run = |text: &str, face: FaceId, color: FrameColor| {
            let shaped = book.shape(face, size, text, false);
            TextRun {
                face,
                size,
                color,
                glyphs: PlacedGlyph::from_run(&shaped.runs[0], Abs::ZERO),
            }
        };
        // A justified line: words placed one by one with stretched spaces,
        // a superscript; then a rule, and a line in another colour.
        let mut first = run(
            "Justified text, with kerning: AVAWAY.",
            FaceId::Serif,
            FrameColor::BLACK,
        );
        let mut stretch = Abs::ZERO;
        for g in &mut first.glyphs {
            g.x += stretch;
            if g.text == " " {
                stretch += Abs::pt(1.37);
            }
        }
        let n = first.glyphs.len();
        for g in &mut first.glyphs[n - 6..] {
            g.rise = Abs::pt(3.1);
        }
        let at = |x: f64, y: f64| FramePoint {
            x: Abs::pt(x),
            y: Abs::pt(y),
        };
        let width = first.glyphs.last().unwrap().x + Abs::pt(8.0);
        let items = vec![
            (at(72.25, 100.5), Item::Text(first)),
            (
                at(72.25 + width.to_pt() + 3.3, 100.5),
                Item::Text(run("next", FaceId::Serif, FrameColor::BLACK)),
            ),
            (
                at(80.0, 103.0),
                Item::Line {
                    dx: Abs::pt(100.0),
                    dy: Abs::ZERO,
                    color: FrameColor::LIGHT,
                    thickness: Abs::pt(0.5),
                },
            ),
            (
                at(72.25, 113.0),
                Item::Text(run("Another line", FaceId::Serif, FrameColor::LINK)),
            ),
            (
                at(140.0, 113.0),
                Item::Text(run("in bold", FaceId::SerifBold, FrameColor::LINK)),
            ),
        ];
        let page = Page {
            width: Abs::pt(400.0),
            height: Abs::pt(600.0),
            items: items.clone(),
        };
        let mut writer = Writer::new(Vec::new(), book, Sheet::default()).unwrap();
        let mut want = Vec::new();
        for (origin, item) in &items {
            if let Item::Text(run) = item {
                writer.use_glyphs(run);
                for g in &run.glyphs {
                    want.push((
                        run.face,
                        g.id,
                        (origin.x + g.x).to_pt() as f32,
                        600.0 - (origin.y - g.rise).to_pt() as f32,
                    ));
                }
            }
        }
        let images = Images {
            placed: &BTreeMap::new(),
            xobjects: &[],
        };
        let (content, _) = encode(book, &page, None, &writer.fonts, &images, &Sheet::default());
        let shown = replay(book, &content, &writer.fonts);
        assert_eq!(shown.len(), want.len());
        for ((face, id, want_x, want_y), (new, x, y)) in want.into_iter().zip(shown) {
            assert_eq!(writer.fonts[&face].olds[usize::from(new)], id);
            assert!(
                (x - want_x).abs() < 0.002,
                "glyph {id}: x {x} want {want_x}"
            );
            assert!(
                (y - want_y).abs() < 0.002,
                "glyph {id}: y {y} want {want_y}"
            );
        }
        // One text object for the first line (the rule closes it), one per
        // style after it; a text matrix per baseline, not per word.
        let ops = lopdf::content::Content::decode(&content)
            .unwrap()
            .operations;
        let count = |name: &str| ops.iter().filter(|o| o.operator == name).count();
        assert_eq!(count("BT"), 3);
        assert_eq!(count("BT"), count("ET"));
        assert_eq!(count("Tm"), 5, "baseline, superscript, baseline, two lines");
    }
}

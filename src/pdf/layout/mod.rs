//! Layout: tree → pages of positioned frames.
//!
//! Input: the resolved document. Output: [`Layout`], the pages with every glyph,
//! rule and image placed, plus where each anchor landed (for links and the
//! outline). Three steps, one file each: [`inline`] (paragraphs into lines),
//! [`flow`] (blocks into a column of chunks), [`pages`] (chunks onto pages, with
//! folios and running heads).

pub mod flow;
pub mod inline;
pub mod linebreak;
pub mod pages;

use super::PdfOptions;
use super::frame::{Color, Page};
use crate::diag::{Diagnostics, Span};
use crate::doc::{AnchorId, Document, NoteId};
use crate::text::FaceId;
use crate::text::FontSet;
use crate::text::units::Abs;
use std::collections::{BTreeMap, BTreeSet};

/// The result of layout.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The pages, in order.
    pub pages: Vec<Page>,
    /// Where each anchor is: page index and distance from the page top.
    pub anchors: BTreeMap<AnchorId, (usize, Abs)>,
    /// Outline entries: title, level (1 = chapter), anchor.
    pub outline: Vec<(String, u8, AnchorId)>,
}

/// Horizontal alignment of lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextAlign {
    /// Flush left and right (all but the last line).
    Justify,
    /// Flush left, ragged right.
    Left,
    /// Centred.
    Center,
    /// Flush right.
    Right,
}

/// The style of a paragraph.
#[derive(Debug, Clone)]
pub struct ParStyle {
    /// Face of the text.
    pub face: FaceId,
    /// Font size.
    pub size: Abs,
    /// Baseline-to-baseline distance.
    pub leading: Abs,
    /// Text colour.
    pub color: Color,
    /// Alignment.
    pub align: TextAlign,
    /// Indent of the first line.
    pub first_indent: Abs,
    /// Small capitals.
    pub small_caps: bool,
}

impl ParStyle {
    /// A flush-left style without indent: `size` on `leading`, in `face` and `color`.
    pub fn left(face: FaceId, size: f64, leading: f64, color: Color) -> ParStyle {
        ParStyle {
            face,
            size: Abs::pt(size),
            leading: Abs::pt(leading),
            color,
            align: TextAlign::Left,
            first_indent: Abs::ZERO,
            small_caps: false,
        }
    }

    /// Body text: Libertine 11/14, justified.
    pub fn body() -> ParStyle {
        ParStyle {
            face: FaceId::Serif,
            size: Abs::pt(11.0),
            leading: Abs::pt(14.0),
            color: Color::BLACK,
            align: TextAlign::Justify,
            first_indent: Abs::ZERO,
            small_caps: false,
        }
    }
}

/// State shared by the layout steps.
pub struct Ctx<'a> {
    /// The document.
    pub doc: &'a Document,
    /// The faces text is set in.
    pub fonts: &'a FontSet,
    diags: &'a mut Diagnostics,
    /// Whether to hyphenate.
    pub hyphenate: bool,
    /// Set body text ragged-right instead of justified.
    pub ragged: bool,
    /// The hyphenation language.
    pub lang: hypher::Lang,
    /// Characters no font has, each with its first use (reported by the
    /// caller, once per book: chapters are set in parallel).
    pub(crate) missing: Vec<(char, Span)>,
    /// Notes referenced in the current chapter, in order.
    pub chapter_notes: Vec<NoteId>,
    pub(crate) overflows: usize,
}

impl<'a> Ctx<'a> {
    /// A context for laying out `doc`.
    pub fn new(doc: &'a Document, fonts: &'a FontSet, diags: &'a mut Diagnostics) -> Ctx<'a> {
        let language = doc.meta.language.as_deref().unwrap_or("en");
        let code = language
            .split(['-', '_'])
            .next()
            .unwrap_or("en")
            .to_ascii_lowercase();
        let lang = code
            .as_bytes()
            .try_into()
            .ok()
            .and_then(hypher::Lang::from_iso);
        Ctx {
            doc,
            fonts,
            diags,
            hyphenate: lang.is_some(),
            ragged: false,
            lang: lang.unwrap_or(hypher::Lang::English),
            missing: Vec::new(),
            chapter_notes: Vec::new(),
            overflows: 0,
        }
    }

    /// The number of a note in the current chapter (numbered on first reference).
    pub fn note_number(&mut self, id: NoteId) -> usize {
        match self.chapter_notes.iter().position(|n| *n == id) {
            Some(i) => i + 1,
            None => {
                self.chapter_notes.push(id);
                self.chapter_notes.len()
            }
        }
    }

    /// Notes a character no bundled font can draw, at its first use.
    pub fn missing_glyph(&mut self, c: char, span: Span) {
        if !self.missing.iter().any(|(m, _)| *m == c) {
            self.missing.push((c, span));
        }
    }

    /// Counts glyphs wider than the whole measure (they overflow alone).
    pub fn overflow(&mut self, _glyph: &str) {
        self.overflows += 1;
    }

    /// How many glyphs were wider than the measure.
    pub fn overflows(&self) -> usize {
        self.overflows
    }

    /// Reports glyphs that overflow the measure, once per document.
    fn report_overflows(&mut self) {
        if self.overflows > 0 {
            let at = Span::new(crate::diag::FileId(0), 0..0);
            self.diags.warn(
                at,
                format!(
                    "{} glyph(s) are wider than the whole measure and overflow it",
                    self.overflows
                ),
            );
            self.overflows = 0;
        }
    }
}

/// The page geometry: paper size and margins.
#[derive(Debug, Clone, Copy)]
pub struct Geometry {
    /// Page width.
    pub width: Abs,
    /// Page height.
    pub height: Abs,
    /// Top margin (to the top of the text block).
    pub top: Abs,
    /// Bottom margin (from the bottom of the text block).
    pub bottom: Abs,
    /// Inner margin (binding side).
    pub inner: Abs,
    /// Outer margin.
    pub outer: Abs,
}

impl Geometry {
    /// The geometry for the options' paper size.
    pub fn new(options: &PdfOptions) -> Geometry {
        let (width, height) = options.paper.size();
        // Margins in the classical proportions (inner : top : outer : bottom
        // ≈ 2 : 3 : 4 : 6 would waste A4; this is a moderate book page).
        let short = width.min(height);
        if let Some([top, inner, bottom, outer]) = options.margins {
            // Never less than a tenth of the page for text.
            let fits = inner + outer < width * 0.9 && top + bottom < height * 0.9;
            if fits {
                return Geometry {
                    width,
                    height,
                    top,
                    bottom,
                    inner,
                    outer,
                };
            }
        }
        Geometry {
            width,
            height,
            top: short * 0.12,
            bottom: short * 0.15,
            inner: short * 0.14,
            outer: short * 0.18,
        }
    }

    /// Width of the text block.
    pub fn measure(&self) -> Abs {
        self.width - self.inner - self.outer
    }

    /// Height of the text block.
    pub fn body_height(&self) -> Abs {
        self.height - self.top - self.bottom
    }

    /// Left edge of the text block on page `index` (0-based; odd indexes are
    /// left-hand pages, whose binding is on the right).
    pub fn left(&self, index: usize) -> Abs {
        if index % 2 == 1 {
            self.outer
        } else {
            self.inner
        }
    }
}

/// Lays out the whole document in memory (pages with their furniture).
/// The PDF backend streams with [`stream`] instead; this is the same layout.
pub fn layout(
    doc: &Document,
    fonts: &FontSet,
    options: &PdfOptions,
    diags: &mut Diagnostics,
) -> Layout {
    let geometry = Geometry::new(options);
    let mut body = Vec::new();
    let book = stream(doc, fonts, options, diags, &mut |pages| {
        body.extend(pages);
        Ok(())
    })
    .expect("collecting pages cannot fail");
    let mut pages = book.front;
    pages.extend(body);
    for (index, page) in pages.iter_mut().enumerate() {
        if let Some(info) = book.infos.get(index) {
            page.items
                .extend(pages::furniture(doc, fonts, &geometry, index, info));
        }
    }
    Layout {
        pages,
        anchors: book.anchors,
        outline: book.outline,
    }
}

/// What [`stream`] returns once every body page went to the sink.
#[derive(Debug, Clone)]
pub struct Streamed {
    /// The front matter (the contents), without furniture; it comes before
    /// the body pages and has an even number of pages (or none).
    pub front: Vec<Page>,
    /// Furniture facts of every page of the book, front matter first.
    pub infos: Vec<pages::PageInfo>,
    /// Where each anchor is: page index in the book and distance from the top.
    pub anchors: BTreeMap<AnchorId, (usize, Abs)>,
    /// Outline entries: title, level (1 = chapter), anchor.
    pub outline: Vec<(String, u8, AnchorId)>,
}

/// One chapter set into a column, before pagination.
struct Flowed {
    index: usize,
    chunks: Vec<flow::Chunk>,
    notes: flow::Notes,
    diags: Diagnostics,
    missing: Vec<(char, Span)>,
    overflows: usize,
}

/// Warns about characters no font has, once per book: `reported` holds
/// those warned about already.
fn warn_missing(diags: &mut Diagnostics, missing: &[(char, Span)], reported: &mut BTreeSet<char>) {
    for &(c, span) in missing {
        if reported.insert(c) {
            diags.warn(
                span,
                format!(
                    "no bundled font has a glyph for {c:?} (U+{:04X}); it is drawn as a box",
                    c as u32
                ),
            );
        }
    }
}

/// Sets the chapters of one window into columns, in parallel.
fn flow_window(
    doc: &Document,
    options: &PdfOptions,
    geometry: &Geometry,
    window: &[usize],
    fonts: &FontSet,
) -> Vec<Flowed> {
    use rayon::prelude::*;
    window
        .par_iter()
        .map(|&index| {
            let mut diags = Diagnostics::default();
            let mut ctx = Ctx::new(doc, fonts, &mut diags);
            ctx.ragged = options.ragged;
            let (chunks, notes) = flow::chapter(&mut ctx, index, geometry.measure());
            let missing = std::mem::take(&mut ctx.missing);
            let overflows = ctx.overflows;
            Flowed {
                index,
                chunks,
                notes,
                diags,
                missing,
                overflows,
            }
        })
        .collect()
}

/// Chapters laid out together, in parallel, before their pages are made.
const WINDOW: usize = 8;

/// Lays out the book chapter by chapter and hands the body pages (without
/// furniture) to `sink` as they are finished, so a long book is never in
/// memory whole. Chapters are set in parallel, a window at a time. The
/// contents, whose page numbers are known only at the end, are laid out last
/// and returned in [`Streamed::front`]; they are padded to an even number of
/// pages so the body's left and right pages do not depend on their length.
pub fn stream(
    doc: &Document,
    fonts: &FontSet,
    options: &PdfOptions,
    diags: &mut Diagnostics,
    sink: &mut dyn FnMut(Vec<Page>) -> crate::diag::Result<()>,
) -> crate::diag::Result<Streamed> {
    let geometry = Geometry::new(options);
    let page_options = pages::PageOptions {
        recto_chapters: options.recto_chapters,
    };
    let mut paginator = pages::Paginator::new(&geometry, &page_options);
    let mut entries = Vec::new();
    let mut missing_reported = BTreeSet::new();
    let mut overflows = 0;
    let indexes: Vec<usize> = (0..doc.chapters.len()).collect();
    let mut windows = indexes.chunks(WINDOW);
    let mut ready = windows
        .next()
        .map(|w| flow_window(doc, options, &geometry, w, fonts));
    while let Some(flowed) = ready.take() {
        // The next window is set on other cores while this one is paginated
        // and written here.
        let next = windows.next();
        let mut result = Ok(());
        rayon::in_place_scope(|scope| {
            if let Some(window) = next {
                let (geometry, ready) = (&geometry, &mut ready);
                scope.spawn(move |_| {
                    *ready = Some(flow_window(doc, options, geometry, window, fonts));
                });
            }
            for chapter in flowed {
                for d in chapter.diags.iter() {
                    diags.push(d.clone());
                }
                warn_missing(diags, &chapter.missing, &mut missing_reported);
                overflows += chapter.overflows;
                entries.extend(flow::toc_entries(&chapter.chunks));
                paginator.chapter(chapter.chunks, &chapter.notes, Some(chapter.index));
                if let Err(e) = sink(paginator.take()) {
                    result = Err(e);
                    break;
                }
            }
        });
        result?;
    }
    let mut last = paginator.take();
    let body = paginator.finish(&mut last);
    if !last.is_empty() {
        sink(last)?;
    }
    {
        let mut ctx = Ctx::new(doc, fonts, diags);
        ctx.overflows = overflows;
        ctx.report_overflows();
    }

    // The contents: their page numbers depend on their own length, so lay
    // them out until the length stops changing (it only grows, so this ends).
    let mut front = Vec::new();
    let mut front_infos = Vec::new();
    let mut offset = 0;
    if options.toc {
        let mut ctx = Ctx::new(doc, fonts, diags);
        ctx.ragged = options.ragged;
        for _ in 0..6 {
            let numbers: BTreeMap<AnchorId, usize> = entries
                .iter()
                .filter_map(|(_, _, a)| body.anchors.get(a).map(|(p, _)| (*a, p + offset + 1)))
                .collect();
            let toc = flow::toc(&mut ctx, &entries, &numbers, geometry.measure());
            let mut p = pages::Paginator::new(&geometry, &pages::PageOptions::default());
            p.chapter(toc, &flow::Notes::new(), None);
            p.pad_to_even();
            let mut made = p.take();
            let done = p.finish(&mut made);
            let settled = made.len() == offset;
            offset = made.len();
            front = made;
            front_infos = done.infos;
            if settled {
                break;
            }
        }
        let missing = std::mem::take(&mut ctx.missing);
        drop(ctx);
        warn_missing(diags, &missing, &mut missing_reported);
    }
    let mut infos = front_infos;
    infos.extend(body.infos);
    Ok(Streamed {
        front,
        infos,
        anchors: body
            .anchors
            .into_iter()
            .map(|(a, (p, y))| (a, (p + offset, y)))
            .collect(),
        outline: body.outline,
    })
}

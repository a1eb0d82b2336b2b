//! Layout: tree → finished pages.
//!
//! Input: the resolved document, the font set and the PDF options. Output: a
//! stream of finished [`Page`]s — body, footnotes, running heads, folios,
//! crop marks, the contents — and, at the end, the [`Book`]: where anchors
//! landed, the outline, page labels and metadata. The PDF exporter reads
//! nothing else; [`layout`] collects the same stream for tests, so the frame
//! snapshot is what ships.
//!
//! Steps, one file each: [`inline`] (paragraphs into lines, with
//! [`linebreak`]), [`flow`] (blocks into a column of chunks), [`pages`]
//! (chunks onto pages, footnotes at their foot), [`furniture`] (folios,
//! running heads, marks), [`contents`] (the contents page). Chapters are
//! cut into [`Piece`]s of at most [`PIECE_BLOCKS`] blocks, set in parallel a
//! window at a time and paginated in order, so memory stays bounded however
//! long a chapter is.

pub mod contents;
pub mod flow;
pub mod front;
pub mod furniture;
mod geometry;
pub mod inline;
pub mod linebreak;
pub mod math;
pub mod pages;
mod piece;
mod technical;
pub mod theme;

pub use geometry::Geometry;
pub use piece::{PIECE_BLOCKS, Piece, note_numbers, pieces};
pub use theme::Theme;

use super::PdfOptions;
use super::frame::{Book, Color, Info, Numbering, Page, PageLabel, Section};
use crate::diag::{Diagnostics, Span};
use crate::doc::{Direction, Document, NoteId};
use crate::labels::Labels;
use crate::text::{Abs, FaceId, FontSet, LangTag, missing::Missing};
use std::collections::BTreeMap;

/// The whole book laid out in memory (for tests and small tools; the PDF
/// backend streams with [`stream`]).
#[derive(Debug, Clone)]
pub struct Layout {
    /// The pages, in document order (front matter first).
    pub pages: Vec<Page>,
    /// The book-level facts.
    pub book: Book,
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
    /// Display text (headings, titles, standfirsts): never hyphenated, its
    /// lines balanced so none ends on a lone short word.
    pub display: bool,
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
            display: false,
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
            display: false,
        }
    }
}

/// State shared by the layout steps.
pub struct Ctx<'a> {
    /// The document.
    pub doc: &'a Document,
    /// The faces text is set in.
    pub fonts: &'a FontSet,
    /// The words bindery writes, in the book's language.
    pub labels: &'a Labels,
    /// Problems found while setting (reported by the caller, in order).
    pub diags: Diagnostics,
    /// Whether to hyphenate.
    pub hyphenate: bool,
    /// Set body text ragged-right instead of justified.
    pub ragged: bool,
    /// The hyphenation language.
    pub lang: hypher::Lang,
    /// The book's language.
    pub book_lang: Option<LangTag>,
    /// The patterns a Latin word without language markup is hyphenated
    /// with: the book's, when its language writes Latin and has them.
    pub latin_hyphenation: Option<hypher::Lang>,
    /// The book is written right to left (its language is).
    pub book_rtl: bool,
    /// The language markup gives the blocks being set (`<div lang>`).
    pub block_lang: Option<LangTag>,
    /// The direction markup gives the blocks being set (`<div dir>`).
    pub block_dir: Option<Direction>,
    /// Characters no font has, counted by script with their first use
    /// (reported by the caller, once per book: chapters are set in parallel).
    pub(crate) missing: Missing,
    /// The number of each note of the chapter being set.
    pub note_numbers: std::sync::Arc<BTreeMap<NoteId, usize>>,
    /// Notes referenced in the piece being set, in order of first reference.
    pub chapter_notes: Vec<NoteId>,
    /// Glyphs wider than the whole measure (each overflows alone).
    pub(crate) overflows: usize,
    /// The math face, parsed on the first formula (shared by the pieces).
    pub math: math::MathFaces<'a>,
    /// The page number (as printed) of each anchor, from an earlier layout,
    /// when references say on which page their target is.
    pub page_of: Option<std::sync::Arc<BTreeMap<crate::doc::AnchorId, String>>>,
    /// How code is highlighted, and whether colour turns to grey.
    pub code: std::sync::Arc<crate::highlight::CodeStyle>,
    /// Greys only (see [`PdfOptions::greyscale`]).
    pub greyscale: bool,
    /// The design.
    pub theme: Theme,
    /// Images printed under this resolution are warned about.
    pub min_dpi: f64,
    /// The tallest a figure may be (the text block, less room for a caption).
    pub max_figure: Abs,
    /// The measure of a turned (landscape) page: the text block's height
    /// (0: no turned pages).
    pub landscape: Abs,
}

impl<'a> Ctx<'a> {
    /// A context for laying out `doc`, with its labels.
    pub fn new(doc: &'a Document, fonts: &'a FontSet, labels: &'a Labels) -> Ctx<'a> {
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
            labels,
            diags: Diagnostics::default(),
            hyphenate: lang.is_some(),
            ragged: false,
            lang: lang.unwrap_or(hypher::Lang::English),
            book_lang: LangTag::new(language),
            latin_hyphenation: lang.filter(|_| {
                crate::text::script::scripts_of(language)
                    .contains(&crate::text::script::Script::Latin)
            }),
            book_rtl: crate::epub::package::is_rtl(language),
            block_lang: None,
            block_dir: None,
            missing: Missing::default(),
            note_numbers: Default::default(),
            chapter_notes: Vec::new(),
            overflows: 0,
            math: math::MathFaces::default(),
            page_of: None,
            code: Default::default(),
            greyscale: false,
            theme: Theme::default(),
            min_dpi: 0.0,
            max_figure: Abs::pt(400.0),
            landscape: Abs::ZERO,
        }
    }

    /// The number of a note in its chapter (see [`note_numbers`]); the
    /// note is set with the piece that references it first.
    pub fn note_number(&mut self, id: NoteId) -> usize {
        if !self.chapter_notes.contains(&id) {
            self.chapter_notes.push(id);
        }
        match self.note_numbers.get(&id) {
            Some(&n) => n,
            None => self.note_numbers.len() + self.chapter_notes.len(),
        }
    }

    /// Notes a character no font can draw (each use counts).
    pub fn missing_glyph(&mut self, c: char, span: Span) {
        self.missing.add(c, span);
    }

    /// Counts glyphs wider than the whole measure (they overflow alone).
    pub fn overflow(&mut self, _glyph: &str) {
        self.overflows += 1;
    }
}

/// Lays out the whole book in memory, pages in document order: the same
/// pages [`stream`] hands to the exporter.
pub fn layout(
    doc: &Document,
    fonts: &FontSet,
    options: &PdfOptions,
    diags: &mut Diagnostics,
) -> Layout {
    let mut body = Vec::new();
    let mut front = Vec::new();
    let book = stream(doc, fonts, options, diags, &mut |section, pages| {
        match section {
            Section::Front => front.extend(pages),
            Section::Body => body.extend(pages),
        }
        Ok(())
    })
    .expect("collecting pages cannot fail");
    front.extend(body);
    Layout { pages: front, book }
}

/// One piece set into a column, before pagination.
struct Flowed {
    piece: Piece,
    chunks: Vec<flow::Chunk>,
    notes: flow::Notes,
    diags: Diagnostics,
    missing: Missing,
    overflows: usize,
}

/// What every piece of a window needs to be set.
struct Setter<'a> {
    doc: &'a Document,
    fonts: &'a FontSet,
    options: &'a PdfOptions,
    geometry: Geometry,
    theme: Theme,
    /// Note numbers of every chapter (counted once, shared by its pieces).
    numbers: Vec<std::sync::Arc<BTreeMap<NoteId, usize>>>,
    /// What every piece shares: the math face (parsed once), the labels,
    /// the code style, the pages of anchors from an earlier layout.
    shared: Ctx<'a>,
}

impl Setter<'_> {
    /// A column's width: the measure, or with two columns their share of
    /// it less the gap.
    fn column(&self) -> Abs {
        if self.theme.columns >= 2 {
            (self.geometry.measure() - self.theme.gap) / 2.0
        } else {
            self.geometry.measure()
        }
    }

    /// Sets the pieces of one window into columns, in parallel.
    fn window(&self, window: &[Piece]) -> Vec<Flowed> {
        use rayon::prelude::*;
        window
            .par_iter()
            .map(|piece| {
                let mut ctx = Ctx::new(self.doc, self.fonts, &self.options.labels);
                ctx.ragged = self.options.ragged;
                ctx.theme = self.theme;
                ctx.min_dpi = self.options.min_dpi;
                ctx.max_figure = self.geometry.body_height() - Abs::pt(40.0);
                ctx.landscape = self.geometry.body_height();
                ctx.note_numbers = self.numbers[piece.chapter].clone();
                ctx.math = self.shared.math.clone();
                ctx.page_of = self.shared.page_of.clone();
                ctx.code = self.shared.code.clone();
                ctx.greyscale = self.shared.greyscale;
                let (chunks, notes) =
                    flow::piece(&mut ctx, piece, (self.column(), self.geometry.measure()));
                Flowed {
                    piece: piece.clone(),
                    chunks,
                    notes,
                    diags: ctx.diags,
                    missing: ctx.missing,
                    overflows: ctx.overflows,
                }
            })
            .collect()
    }
}

/// Pieces laid out together, in parallel, before their pages are made.
const WINDOW: usize = 8;

/// Lays out the book and hands its finished pages to `sink` as they are
/// made: the body first, piece by piece (so a long book is never in memory
/// whole), then the front matter (the contents, whose page numbers are known
/// only at the end; it is padded to an even number of pages so the body's
/// left and right pages do not depend on its length, and numbered in roman
/// numerals so the body's folios do not either). Pieces are set in
/// parallel, a window at a time, while the previous window is paginated.
pub fn stream(
    doc: &Document,
    fonts: &FontSet,
    options: &PdfOptions,
    diags: &mut Diagnostics,
    sink: &mut dyn FnMut(Section, Vec<Page>) -> crate::diag::Result<()>,
) -> crate::diag::Result<Book> {
    let mut shared = Ctx::new(doc, fonts, &options.labels);
    shared.code = std::sync::Arc::new(options.code.clone());
    shared.greyscale = options.greyscale;
    if options.page_refs && has_refs(doc) {
        shared.page_of = Some(std::sync::Arc::new(pages_of_anchors(
            doc, fonts, options, &shared,
        )));
    }
    stream_with(doc, fonts, options, shared, diags, sink)
}

/// Whether the book has labelled figures, tables or equations, the only
/// targets whose pages a reference prints (read from the chapters' id
/// lists, without walking the text).
fn has_refs(doc: &Document) -> bool {
    doc.chapters.iter().any(|c| {
        c.ids
            .iter()
            .any(|(id, _)| crate::doc::RefKind::of_label(id).is_some())
    })
}

/// The printed page number of every anchor, from layouts run without
/// writing a page, TeX's way: a first run with a placeholder number as
/// wide as the book's longest, then again with the numbers found, until
/// they no longer move (at most three runs).
fn pages_of_anchors<'a>(
    doc: &'a Document,
    fonts: &'a FontSet,
    options: &'a PdfOptions,
    shared: &Ctx<'a>,
) -> BTreeMap<crate::doc::AnchorId, String> {
    let mut guess: Option<BTreeMap<crate::doc::AnchorId, String>> = None;
    for _ in 0..3 {
        let mut ctx = Ctx::new(doc, fonts, &options.labels);
        ctx.math = shared.math.clone();
        ctx.code = shared.code.clone();
        ctx.greyscale = shared.greyscale;
        // The first run has no numbers: each reference gets a placeholder
        // of three digits.
        ctx.page_of = Some(std::sync::Arc::new(guess.clone().unwrap_or_else(|| {
            doc.anchors
                .iter()
                .map(|(a, _)| (a, "000".to_string()))
                .collect()
        })));
        let mut quiet = Diagnostics::default();
        let Ok(book) = stream_with(doc, fonts, options, ctx, &mut quiet, &mut |_, _| Ok(())) else {
            break;
        };
        let found: BTreeMap<_, _> = book
            .anchors
            .iter()
            .map(|(a, (page, _))| (*a, (page + 1 - book.front).to_string()))
            .collect();
        if guess.as_ref() == Some(&found) {
            break;
        }
        guess = Some(found);
    }
    guess.unwrap_or_default()
}

/// [`stream`] with what every piece shares already made.
fn stream_with<'a>(
    doc: &'a Document,
    fonts: &'a FontSet,
    options: &'a PdfOptions,
    shared: Ctx<'a>,
    diags: &mut Diagnostics,
    sink: &mut dyn FnMut(Section, Vec<Page>) -> crate::diag::Result<()>,
) -> crate::diag::Result<Book> {
    let geometry = Geometry::new(options);
    let setter = Setter {
        doc,
        fonts,
        options,
        geometry,
        theme: Theme::new(options, fonts),
        numbers: (0..doc.chapters.len())
            .map(|c| std::sync::Arc::new(note_numbers(doc, c)))
            .collect(),
        shared,
    };
    let contents_label = options.labels.get(crate::labels::Label::Contents);
    let body_furniture = furniture::Furniture::new(
        doc,
        fonts,
        &geometry,
        Numbering::Arabic,
        contents_label,
        &options.labels,
    );
    let page_options = pages::PageOptions {
        recto_chapters: options.recto_chapters,
        columns: (setter.theme.columns >= 2).then_some((setter.column(), setter.theme.gap)),
        // A sunk opening starts a sixth of the way down the text block.
        sink: match setter.theme.opening {
            crate::pdf::Opening::Sink if doc.chapters.len() > 1 || options.front_matter => {
                geometry.body_height() / 6.0
            }
            _ => Abs::ZERO,
        },
    };
    let mut paginator = pages::Paginator::new(&geometry, &page_options, &body_furniture);
    let mut missing = Missing::default();
    let mut overflows = 0;
    let all = pieces(doc, PIECE_BLOCKS);
    let mut windows = all.chunks(WINDOW);
    let mut ready = windows.next().map(|w| setter.window(w));
    while let Some(flowed) = ready.take() {
        // The next window is set on other cores while this one is paginated
        // and written here.
        let next = windows.next();
        let mut result = Ok(());
        rayon::in_place_scope(|scope| {
            if let Some(window) = next {
                let (setter, ready) = (&setter, &mut ready);
                scope.spawn(move |_| *ready = Some(setter.window(window)));
            }
            for flowed in flowed {
                diags.extend(flowed.diags);
                missing.merge(flowed.missing);
                overflows += flowed.overflows;
                if flowed.piece.blocks.start == 0 {
                    paginator.begin(Some(flowed.piece.chapter));
                }
                paginator.add(flowed.chunks, &flowed.notes);
                if flowed.piece.last {
                    paginator.end();
                }
                if let Err(e) = sink(Section::Body, paginator.take()) {
                    result = Err(e);
                    break;
                }
            }
        });
        result?;
    }
    let mut body = paginator.finish();
    let last = std::mem::take(&mut body.pages);
    if !last.is_empty() {
        sink(Section::Body, last)?;
    }
    for ((span, image, dpi), page) in std::mem::take(&mut body.low_dpi) {
        diags.warn(
            span,
            format!(
                "image {} prints at {dpi:.0} dpi on page {}, under {:.0} dpi",
                doc.resources.get(image).written,
                page + 1,
                options.min_dpi
            ),
        );
    }
    if overflows > 0 {
        diags.warn(
            Span::new(crate::diag::FileId(0), 0..0),
            format!("{overflows} glyph(s) are wider than the whole measure and overflow it"),
        );
    }

    // The front matter from the metadata, then the contents, numbered with
    // the body's folios; both in roman numerals.
    let mut front = 0;
    if options.front_matter {
        let mut ctx = Ctx::new(doc, fonts, &options.labels);
        ctx.theme = setter.theme;
        let mut pages = front::pages(&mut ctx, &geometry);
        missing.merge(ctx.missing);
        let marks =
            furniture::Furniture::new(doc, fonts, &geometry, Numbering::Roman, "", &options.labels);
        let blank = furniture::PageInfo {
            chapter: None,
            opener: true,
            blank: true,
        };
        for (i, page) in pages.iter_mut().enumerate() {
            page.items.extend(marks.items(i, &blank));
        }
        front = pages.len();
        sink(Section::Front, pages)?;
    }
    if options.toc {
        let pages = contents_pages(
            doc,
            fonts,
            options,
            (&geometry, front),
            &body,
            diags,
            &mut missing,
        );
        front += pages.len();
        sink(Section::Front, pages)?;
    }
    missing.warn(diags, fonts.uses_system_fonts());
    let mut labels = Vec::new();
    if front > 0 {
        labels.push(PageLabel {
            start: 0,
            style: Numbering::Roman,
            first: 1,
        });
    }
    labels.push(PageLabel {
        start: front,
        style: Numbering::Arabic,
        first: 1,
    });
    Ok(Book {
        front,
        body: body.count,
        anchors: body
            .anchors
            .into_iter()
            .map(|(a, (p, y))| (a, (p + front, y)))
            .collect(),
        outline: body.outline,
        labels,
        info: info(doc),
    })
}

/// The contents pages: the outline's entries to level 2 with the body's
/// folios, padded to an even number of pages and numbered in roman numerals.
fn contents_pages(
    doc: &Document,
    fonts: &FontSet,
    options: &PdfOptions,
    (geometry, before): (&Geometry, usize),
    body: &pages::Paginated,
    diags: &mut Diagnostics,
    missing: &mut Missing,
) -> Vec<Page> {
    let numbers: BTreeMap<_, _> = body
        .outline
        .iter()
        .filter_map(|e| body.anchors.get(&e.anchor).map(|(p, _)| (e.anchor, p + 1)))
        .collect();
    let entries: Vec<_> = body.outline.iter().filter(|e| e.level <= 2).collect();
    let mut ctx = Ctx::new(doc, fonts, &options.labels);
    ctx.ragged = options.ragged;
    ctx.theme = Theme::new(options, fonts);
    let chunks = contents::page(&mut ctx, &entries, &numbers, geometry.measure());
    diags.extend(ctx.diags);
    missing.merge(ctx.missing);
    let contents_label = options.labels.get(crate::labels::Label::Contents);
    let mut front_furniture = furniture::Furniture::new(
        doc,
        fonts,
        geometry,
        Numbering::Roman,
        contents_label,
        &options.labels,
    );
    front_furniture.first = before;
    let mut p = pages::Paginator::new(geometry, &pages::PageOptions::default(), &front_furniture);
    p.begin(None);
    p.add(chunks, &flow::Notes::new());
    p.end();
    p.pad_to_even();
    p.finish().pages
}

/// The document's metadata as the PDF states it.
fn info(doc: &Document) -> Info {
    let meta = &doc.meta;
    let created = crate::date::source_date_epoch()
        .or_else(|| meta.date.as_deref().and_then(crate::date::parse))
        .map_or(946_684_800, |d| d.unix());
    Info {
        title: meta.title.clone().unwrap_or_default(),
        authors: meta.authors.clone(),
        subject: meta.description.clone().unwrap_or_default(),
        keywords: meta.subjects.clone(),
        language: meta.language.clone().unwrap_or_else(|| "en".into()),
        created,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::FileId;
    use crate::doc::{Block, Chapter, Inline};

    fn span() -> Span {
        Span::new(FileId(0), 0..0)
    }

    fn paragraph(text: &str) -> Block {
        Block::Paragraph {
            content: vec![Inline::Text(text.into())],
            span: span(),
        }
    }

    fn heading(text: &str) -> Block {
        Block::Heading {
            level: 2,
            content: vec![Inline::Text(text.into())],
            anchor: crate::doc::AnchorId(0),
            span: span(),
        }
    }

    fn book(blocks: Vec<Block>) -> Document {
        let mut doc = Document::default();
        doc.chapters.push(Chapter {
            source: "test.md".into(),
            dialect: crate::doc::Dialect::CommonMark,
            title: None,
            section: None,
            anchor: crate::doc::AnchorId(0),
            blocks,
            ids: Vec::new(),
        });
        doc
    }

    #[test]
    fn pieces_cover_every_block_and_never_end_on_a_heading() {
        let mut blocks = Vec::new();
        for i in 0..40 {
            blocks.push(if i % 4 == 3 {
                heading("Section")
            } else {
                paragraph("Text.")
            });
        }
        let doc = book(blocks);
        let pieces = pieces(&doc, 7);
        assert!(pieces.len() > 4);
        let mut next = 0;
        for (i, piece) in pieces.iter().enumerate() {
            assert_eq!(piece.blocks.start, next, "pieces are contiguous");
            next = piece.blocks.end;
            assert_eq!(piece.last, i + 1 == pieces.len());
            let end = &doc.chapters[0].blocks[piece.blocks.end - 1];
            assert!(
                piece.last || !matches!(end, Block::Heading { .. }),
                "piece {i} ends on a heading"
            );
        }
        assert_eq!(next, 40);
    }

    #[test]
    fn a_long_chapter_is_handed_over_while_it_is_set() {
        let text = "A paragraph of ordinary prose that fills a few lines of the \
                    page with words, so that the chapter runs over many pages. "
            .repeat(3);
        let doc = book((0..3000).map(|_| paragraph(&text)).collect());
        let fonts = FontSet::bundled();
        let mut diags = Diagnostics::default();
        let mut handed = Vec::new();
        let book = stream(
            &doc,
            &fonts,
            &PdfOptions::default(),
            &mut diags,
            &mut |_, pages| {
                handed.push(pages.len());
                Ok(())
            },
        )
        .unwrap();
        let total: usize = handed.iter().sum();
        assert_eq!(total, book.pages());
        // One chapter of 3,000 paragraphs: its pages leave layout in many
        // batches, none holding more than a few pieces' worth.
        assert!(handed.len() >= 3000 / PIECE_BLOCKS, "{handed:?}");
        assert!(handed.iter().all(|&n| n < total / 2), "{handed:?}");
    }

    #[test]
    fn notes_are_numbered_in_order_of_first_reference() {
        let mut doc = book(vec![Block::Paragraph {
            content: vec![
                Inline::NoteRef(NoteId(1)),
                Inline::Text("x".into()),
                Inline::NoteRef(NoteId(0)),
                Inline::NoteRef(NoteId(1)),
            ],
            span: span(),
        }]);
        for blocks in [
            vec![paragraph("first note")],
            vec![Block::Paragraph {
                content: vec![Inline::NoteRef(NoteId(2))],
                span: span(),
            }],
            vec![paragraph("a note in a note")],
        ] {
            doc.notes.push(crate::doc::Note {
                label: String::new(),
                anchor: crate::doc::AnchorId(0),
                back: crate::doc::AnchorId(0),
                chapter: 0,
                blocks,
            });
        }
        let numbers = note_numbers(&doc, 0);
        assert_eq!(numbers[&NoteId(1)], 1);
        assert_eq!(numbers[&NoteId(0)], 2);
        assert_eq!(numbers[&NoteId(2)], 3, "referenced from note 1");
    }
}

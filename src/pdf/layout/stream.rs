//! The driver: pieces set in parallel a window at a time, paginated in order
//! and handed over as finished pages; then the front matter and the
//! contents, whose page numbers are known only at the end; the book's facts
//! (anchors, outline, page labels, metadata) last. With `pdf.page_refs`,
//! quiet runs first find the page of every labelled target.

use super::{
    Ctx, Geometry, PIECE_BLOCKS, Piece, Theme, contents, flow, front, furniture, note_numbers,
    pages, pieces,
};
use crate::diag::{Diagnostics, Span};
use crate::doc::{Document, NoteId};
use crate::pdf::PdfOptions;
use crate::pdf::frame::{Book, Info, Numbering, Page, PageLabel, Section};
use crate::text::{Abs, FontSet, missing::Missing};
use std::collections::BTreeMap;

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
                let (g, bleed) = (&self.geometry, self.geometry.bleed);
                ctx.plate = (g.width + bleed, g.height + bleed * 2.0);
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
    let setter = Setter {
        doc,
        fonts,
        options,
        geometry: Geometry::new(options),
        theme: Theme::new(options, fonts),
        numbers: (0..doc.chapters.len())
            .map(|c| std::sync::Arc::new(note_numbers(doc, c)))
            .collect(),
        shared,
    };
    let mut missing = Missing::default();
    let body = body(&setter, diags, &mut missing, sink)?;
    let front = front_matter(&setter, &body, diags, &mut missing, sink)?;
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

/// The body: pieces set a window at a time (the next window on other cores
/// while this one is paginated), pages handed to `sink` as they are
/// finished; images under the minimum resolution and glyphs wider than the
/// measure reported. Returns what pagination found.
fn body(
    setter: &Setter,
    diags: &mut Diagnostics,
    missing: &mut Missing,
    sink: &mut dyn FnMut(Section, Vec<Page>) -> crate::diag::Result<()>,
) -> crate::diag::Result<pages::Paginated> {
    let (doc, options, geometry) = (setter.doc, setter.options, &setter.geometry);
    let contents_label = options.labels.get(crate::labels::Label::Contents);
    let body_furniture = furniture::Furniture::new(
        doc,
        setter.fonts,
        geometry,
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
    let mut paginator = pages::Paginator::new(geometry, &page_options, &body_furniture);
    let mut overflows = 0;
    let all = pieces(doc, PIECE_BLOCKS);
    let mut windows = all.chunks(WINDOW);
    let mut ready = windows.next().map(|w| setter.window(w));
    while let Some(flowed) = ready.take() {
        let next = windows.next();
        let mut result = Ok(());
        rayon::in_place_scope(|scope| {
            if let Some(window) = next {
                let ready = &mut ready;
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
    // The front matter and the contents have even counts: a service that
    // prints only even counts gets a blank last page when the body's is odd.
    if let Some(service) = crate::pdf::service::wants_even_pages(options)
        && paginator.pad_to_even()
    {
        diags.note(format!(
            "a blank page ends the book: {service} prints only an even number of pages"
        ));
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
    Ok(body)
}

/// The front matter from the metadata, then the contents, numbered with the
/// body's folios; both in roman numerals. Returns their page count.
fn front_matter(
    setter: &Setter,
    body: &pages::Paginated,
    diags: &mut Diagnostics,
    missing: &mut Missing,
    sink: &mut dyn FnMut(Section, Vec<Page>) -> crate::diag::Result<()>,
) -> crate::diag::Result<usize> {
    let (doc, fonts, options, geometry) =
        (setter.doc, setter.fonts, setter.options, &setter.geometry);
    let mut front = 0;
    if options.front_matter {
        let mut ctx = Ctx::new(doc, fonts, &options.labels);
        ctx.theme = setter.theme;
        let mut pages = front::pages(&mut ctx, geometry);
        missing.merge(ctx.missing);
        let marks =
            furniture::Furniture::new(doc, fonts, geometry, Numbering::Roman, "", &options.labels);
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
        let pages = contents_pages(doc, fonts, options, (geometry, front), body, diags, missing);
        front += pages.len();
        sink(Section::Front, pages)?;
    }
    Ok(front)
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

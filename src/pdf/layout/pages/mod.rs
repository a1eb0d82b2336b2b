//! Pages: chunks → finished pages. Chapters start on a new page (on a
//! right-hand one with `recto_chapters`); content chunks that must stay
//! together (headings with their first lines, orphans and widows) move to
//! the next page as a group; footnotes go to the foot of the page that
//! references them, continuing on the next page when they do not fit; each
//! page gets its furniture ([`super::furniture`]) when it is finished.

use super::Geometry;
use super::flow::{Chunk, Notes};
use super::furniture::Furniture;
use crate::doc::AnchorId;
use crate::pdf::frame::{OutlineEntry, Page};
use crate::text::Abs;
use std::collections::{BTreeMap, BTreeSet};

mod pager;
use pager::Pager;

/// What pagination found besides the pages.
#[derive(Debug, Clone, Default)]
pub struct Paginated {
    /// The pages not taken yet.
    pub pages: Vec<Page>,
    /// Pages made, taken or not.
    pub count: usize,
    /// Where each anchor is: page index (from this paginator's first page)
    /// and distance from the top of the trimmed page.
    pub anchors: BTreeMap<AnchorId, (usize, Abs)>,
    /// Outline entries, in order.
    pub outline: Vec<OutlineEntry>,
    /// Images under the minimum resolution, with the page (index from this
    /// paginator's first page) they are on.
    pub low_dpi: Vec<(LowDpi, usize)>,
}

/// An image printed under the minimum resolution: its place in the source,
/// the image and its resolution.
pub type LowDpi = (crate::diag::Span, crate::doc::ResourceId, f64);

/// Puts chapters on pages, piece by piece; finished pages are taken out
/// with [`Paginator::take`] so a long book never holds all its pages. Page
/// indexes count from the first page this paginator made, which is a
/// right-hand page.
pub struct Paginator<'f> {
    pager: Pager<'f>,
    options: PageOptions,
}

impl<'f> Paginator<'f> {
    /// A paginator for pages of `geometry`, furnished by `furniture`.
    pub fn new(
        geometry: &Geometry,
        options: &PageOptions,
        furniture: &'f Furniture<'f>,
    ) -> Paginator<'f> {
        Paginator {
            pager: Pager {
                columns: options.columns,
                col: 0,
                col_top: Abs::ZERO,
                column_content: false,
                after_span: false,
                geometry: *geometry,
                furniture,
                pages: Vec::new(),
                taken: 0,
                y: Abs::ZERO,
                anchors: BTreeMap::new(),
                outline: Vec::new(),
                info: None,
                foot: Vec::new(),
                carry: Vec::new(),
                placed: BTreeSet::new(),
                low_dpi: Vec::new(),
                floats: Vec::new(),
                plates: Vec::new(),
                own_pages: Vec::new(),
                page_chunks: 0,
                prev_y: Abs::ZERO,
                prev_foot: false,
            },
            options: *options,
        }
    }

    /// Starts chapter `chapter` (`None`: front matter) on a new page.
    pub fn begin(&mut self, chapter: Option<usize>) {
        let pager = &mut self.pager;
        pager.finish_page();
        if self.options.recto_chapters && pager.count() % 2 == 1 {
            // Chapters open on a right-hand (odd) page: leave a blank verso.
            pager.new_page(chapter, true);
            pager.mark_blank();
        }
        pager.new_page(chapter, true);
        if chapter.is_some() {
            // A chapter opening sinks below the top of the text block.
            pager.y = self.options.sink;
        }
        pager.placed.clear();
    }

    /// Sets the next piece of the current chapter: its chunks and the
    /// footnotes they reference.
    pub fn add(&mut self, mut chunks: Vec<Chunk>, notes: &Notes) {
        let pager = &mut self.pager;
        let chapter = pager.info.and_then(|i| i.chapter);
        let n = chunks.len();
        for i in 0..n {
            match &chunks[i] {
                Chunk::Space(h) => {
                    if pager.after_span {
                        // Space under what spans the columns: they start
                        // below it.
                        pager.y += *h;
                        pager.col_top = pager.y;
                    } else if pager.y > pager.col_top {
                        pager.y += *h;
                    }
                }
                Chunk::Content(c) if c.plate.is_some() => {
                    // A full-bleed picture: a page of its own after this one.
                    if let Some(plate) = c.plate {
                        pager.plates.push((plate, c.low_dpi));
                    }
                }
                Chunk::Content(c) if c.own_page => {
                    // A turned table: pages of their own after this one.
                    if let Chunk::Content(c) =
                        std::mem::replace(&mut chunks[i], Chunk::Space(Abs::ZERO))
                    {
                        pager.own_pages.push(c);
                    }
                }
                Chunk::Content(c) => {
                    if c.span && (pager.column_content || pager.col > 0) {
                        // What spans the columns starts above both.
                        pager.new_page(chapter, false);
                    }
                    let group = group_height(&chunks[i..]);
                    let (ids, lines) = pager.note_lines(c, notes);
                    let first_note = lines.first().map_or(Abs::ZERO, |l| l.height + SEPARATOR);
                    let room = pager.room();
                    let fits_all = (group
                        + lines.iter().map(|l| l.height).sum::<Abs>()
                        + if lines.is_empty() {
                            Abs::ZERO
                        } else {
                            SEPARATOR
                        })
                    .fits_in(room);
                    let page_fits = group.fits_in(pager.geometry.body_height() / 2.0);
                    let fits_some = (c.height + first_note).fits_in(room);
                    if c.float
                        && pager.y > pager.col_top
                        && !fits_all
                        && c.height.fits_in(pager.geometry.body_height())
                    {
                        // A figure that does not fit floats to the top of
                        // the next page; the text after it goes on here.
                        if let Chunk::Content(c) =
                            std::mem::replace(&mut chunks[i], Chunk::Space(Abs::ZERO))
                        {
                            pager.floats.push(c);
                        }
                        continue;
                    }
                    // A long note may split across pages (its first two
                    // lines here, the rest continued on the next page)
                    // rather than push its reference over and leave a hole.
                    let some_notes: Abs = lines.iter().take(2).map(|l| l.height).sum();
                    let split_fits =
                        !lines.is_empty() && (group + some_notes + SEPARATOR).fits_in(room);
                    if pager.y > pager.col_top
                        && !fits_all
                        && !split_fits
                        && (page_fits || !fits_some)
                    {
                        pager.next_frame(chapter);
                    }
                    if pager.y == pager.col_top
                        && let Some(header) = &c.repeat
                    {
                        pager.place(header.as_ref().clone());
                    }
                    // Placed chunks are not looked at again: move, not copy.
                    let Chunk::Content(c) =
                        std::mem::replace(&mut chunks[i], Chunk::Space(Abs::ZERO))
                    else {
                        continue;
                    };
                    pager.place(c);
                    pager.add_notes(ids, lines);
                }
            }
        }
    }

    /// Ends the current chapter: notes that did not fit get pages of their
    /// own, and its last page is finished.
    pub fn end(&mut self) {
        let pager = &mut self.pager;
        let chapter = pager.info.and_then(|i| i.chapter);
        // Figures still floating, plates and turned pages, before the
        // chapter ends.
        let mut flushed = false;
        while !pager.floats.is_empty() || !pager.plates.is_empty() || !pager.own_pages.is_empty() {
            let before = pager.floats.len();
            pager.new_page(chapter, false);
            flushed = true;
            if !pager.floats.is_empty() && pager.floats.len() == before {
                pager.floats.clear();
            }
        }
        // The page opened after the last plate or turned page holds nothing:
        // the chapter ends on the plate, not on an empty page with a folio.
        if flushed
            && pager.carry.is_empty()
            && pager.foot.is_empty()
            && pager.pages.last().is_some_and(|p| p.items.is_empty())
        {
            pager.pages.pop();
            pager.info = None;
        }
        while !pager.carry.is_empty() {
            let before = pager.carry.len();
            pager.new_page(chapter, false);
            if pager.carry.len() == before {
                // Not even one line fits on an empty page: drop the rest.
                pager.carry.clear();
            }
        }
        pager.absorb_last_line();
        pager.finish_page();
    }

    /// Adds a blank page when the page count is odd, so what follows opens
    /// on a right-hand page; says whether it did.
    pub fn pad_to_even(&mut self) -> bool {
        if self.pager.count() % 2 == 1 {
            let chapter = self.pager.info.and_then(|i| i.chapter);
            self.pager.new_page(chapter, true);
            self.pager.mark_blank();
            self.pager.finish_page();
            return true;
        }
        false
    }

    /// The pages finished since the last call, in order.
    pub fn take(&mut self) -> Vec<Page> {
        let finished = if self.pager.info.is_some() {
            // The last page may still grow.
            self.pager.pages.len().saturating_sub(1)
        } else {
            self.pager.pages.len()
        };
        self.pager.taken += finished;
        self.pager.pages.drain(..finished).collect()
    }

    /// Ends pagination: finishes the last page (a book without pages gets
    /// one empty page) and returns the pages not taken yet with what was
    /// found.
    pub fn finish(mut self) -> Paginated {
        if self.pager.count() == 0 {
            self.pager.new_page(None, true);
        }
        self.pager.finish_page();
        let count = self.pager.count();
        Paginated {
            pages: std::mem::take(&mut self.pager.pages),
            count,
            anchors: self.pager.anchors,
            outline: self.pager.outline,
            low_dpi: self.pager.low_dpi,
        }
    }
}

/// Room kept between a long page's last line and the folio's baseline.
const FOLIO_CLEARANCE: Abs = Abs::pt_const(10.0);

/// Space between the text and the footnotes (the rule sits in it).
const SEPARATOR: Abs = Abs::pt_const(12.0);

/// Page-level options.
#[derive(Debug, Clone, Copy, Default)]
pub struct PageOptions {
    /// Start chapters on right-hand pages.
    pub recto_chapters: bool,
    /// How far below the top of the text block a chapter opens.
    pub sink: Abs,
    /// Two columns: a column's width and the gap between them.
    pub columns: Option<(Abs, Abs)>,
}

/// Height of a content chunk plus everything it must stay with.
fn group_height(chunks: &[Chunk]) -> Abs {
    let mut h = Abs::ZERO;
    for chunk in chunks {
        match chunk {
            Chunk::Space(s) => h += *s,
            Chunk::Content(c) => {
                h += c.height;
                if !c.keep_with_next {
                    return h;
                }
            }
        }
    }
    h
}

//! Pages: chunks → finished pages. Chapters start on a new page (on a
//! right-hand one with `recto_chapters`); content chunks that must stay
//! together (headings with their first lines, orphans and widows) move to
//! the next page as a group; footnotes go to the foot of the page that
//! references them, continuing on the next page when they do not fit; each
//! page gets its furniture ([`super::furniture`]) when it is finished.

use super::Geometry;
use super::flow::{Chunk, Content, Notes};
use super::furniture::{Furniture, PageInfo};
use crate::doc::{AnchorId, NoteId};
use crate::pdf::frame::{Color, Item, OutlineEntry, Page};
use crate::text::{Abs, Point};
use std::collections::{BTreeMap, BTreeSet};

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
        while !pager.floats.is_empty() || !pager.plates.is_empty() || !pager.own_pages.is_empty() {
            let before = pager.floats.len();
            pager.new_page(chapter, false);
            if !pager.floats.is_empty() && pager.floats.len() == before {
                pager.floats.clear();
            }
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

struct Pager<'f> {
    /// Two columns: a column's width and the gap.
    columns: Option<(Abs, Abs)>,
    /// The column being filled (0 or 1).
    col: usize,
    /// Where the columns start on this page (below what spans them).
    col_top: Abs,
    /// Column content was placed on this page.
    column_content: bool,
    /// The last chunk placed spans the columns.
    after_span: bool,
    geometry: Geometry,
    furniture: &'f Furniture<'f>,
    /// Pages not taken yet.
    pages: Vec<Page>,
    /// Pages taken before `pages[0]`.
    taken: usize,
    /// Used height of the current page's text block.
    y: Abs,
    anchors: BTreeMap<AnchorId, (usize, Abs)>,
    outline: Vec<OutlineEntry>,
    /// The facts of the page being filled (`None`: it is finished).
    info: Option<PageInfo>,
    /// Footnote lines of the current page.
    foot: Vec<Content>,
    /// Footnote lines waiting for the next page.
    carry: Vec<Content>,
    /// Notes already set in this chapter.
    placed: BTreeSet<NoteId>,
    /// Images under the minimum resolution and their pages.
    low_dpi: Vec<(LowDpi, usize)>,
    /// Figures waiting for the top of the next page.
    floats: Vec<Content>,
    /// Full-bleed pictures waiting for a page of their own.
    plates: Vec<((crate::doc::ResourceId, f64), Option<LowDpi>)>,
    /// Chunks that take a page of their own (turned tables).
    own_pages: Vec<Content>,
    /// Content chunks placed on the current page.
    page_chunks: usize,
    /// Used height of the previous page's text block, and whether it has
    /// footnotes.
    prev_y: Abs,
    prev_foot: bool,
}

impl Pager<'_> {
    /// Pages made so far.
    fn count(&self) -> usize {
        self.taken + self.pages.len()
    }

    /// Marks the current page as blank on purpose.
    fn mark_blank(&mut self) {
        if let Some(info) = &mut self.info {
            info.blank = true;
        }
    }

    fn foot_height(&self) -> Abs {
        if self.foot.is_empty() {
            Abs::ZERO
        } else {
            self.foot.iter().map(|l| l.height).sum::<Abs>() + SEPARATOR
        }
    }

    /// Height left for text on the current page.
    fn room(&self) -> Abs {
        self.geometry.body_height() - self.y - self.foot_height()
    }

    /// The lines of the notes a chunk references that are not set yet
    /// (and of notes those notes reference).
    fn note_lines(&self, c: &Content, notes: &Notes) -> (Vec<NoteId>, Vec<Content>) {
        let mut ids: Vec<NoteId> = Vec::new();
        let mut out = Vec::new();
        let mut queue: std::collections::VecDeque<NoteId> = c.notes.iter().copied().collect();
        while let Some(id) = queue.pop_front() {
            if self.placed.contains(&id) || ids.contains(&id) {
                continue;
            }
            ids.push(id);
            if let Some(lines) = notes.get(&id) {
                for line in lines {
                    queue.extend(line.notes.iter().copied());
                    out.push(line.clone());
                }
            }
        }
        (ids, out)
    }

    /// Sets note lines at the foot of the page, as many as fit; the rest
    /// continue on the next page.
    fn add_notes(&mut self, ids: Vec<NoteId>, lines: Vec<Content>) {
        self.placed.extend(ids);
        for line in lines {
            let sep = if self.foot.is_empty() {
                SEPARATOR
            } else {
                Abs::ZERO
            };
            if self.carry.is_empty() && (line.height + sep).fits_in(self.room()) {
                self.foot.push(line);
            } else {
                self.carry.push(line);
            }
        }
    }

    /// Left edge and width of the column being filled.
    fn frame(&self, index: usize) -> (Abs, Abs) {
        let left = self.geometry.left(index);
        match self.columns {
            Some((width, gap)) => (left + (width + gap) * self.col as f64, width),
            None => (left, self.geometry.measure()),
        }
    }

    /// Goes on in the next column, or on a new page after the last one.
    fn next_frame(&mut self, chapter: Option<usize>) {
        if self.columns.is_none() || self.col > 0 {
            self.new_page(chapter, false);
            return;
        }
        // The first column's notes at its foot; the second starts level
        // with it, under what spans both.
        self.set_foot();
        self.col = 1;
        self.y = self.col_top;
        self.take_carried();
    }

    fn new_page(&mut self, chapter: Option<usize>, opener: bool) {
        self.finish_page();
        self.col = 0;
        self.col_top = Abs::ZERO;
        self.column_content = false;
        self.after_span = false;
        for (plate, low_dpi) in std::mem::take(&mut self.plates) {
            if let Some(low) = low_dpi {
                self.low_dpi.push((low, self.count()));
            }
            self.plate(chapter, plate);
        }
        for c in std::mem::take(&mut self.own_pages) {
            let index = self.count();
            self.pages.push(self.geometry.page(index));
            self.info = Some(PageInfo {
                chapter,
                opener: false,
                blank: false,
            });
            self.y = Abs::ZERO;
            self.place(c);
            self.finish_page();
        }
        let index = self.count();
        self.pages.push(self.geometry.page(index));
        self.info = Some(PageInfo {
            chapter,
            opener,
            blank: false,
        });
        self.y = Abs::ZERO;
        self.page_chunks = 0;
        self.take_carried();
        // Figures that floated here come first, as many as fit.
        let floats = std::mem::take(&mut self.floats);
        for c in floats {
            if self.floats.is_empty() && c.height.fits_in(self.room()) {
                self.place(c);
                self.y += Abs::pt(8.0);
            } else {
                self.floats.push(c);
            }
        }
    }

    /// Notes carried over come first in a new page or column, up to half
    /// of it.
    fn take_carried(&mut self) {
        let limit = self.geometry.body_height() / 2.0;
        let carried = std::mem::take(&mut self.carry);
        for line in carried {
            if self.carry.is_empty()
                && (self.foot_height() + line.height + SEPARATOR).fits_in(limit)
            {
                self.foot.push(line);
            } else {
                self.carry.push(line);
            }
        }
    }

    /// A page holding only a full-bleed picture: the image covers the
    /// trimmed page and its bleed (cropped by the sheet, never distorted).
    fn plate(&mut self, chapter: Option<usize>, (image, ratio): (crate::doc::ResourceId, f64)) {
        let index = self.count();
        let mut page = self.geometry.page(index);
        let b = page.bleed;
        let (x0, y0) = (Abs::ZERO - b.left, Abs::ZERO - b.top);
        let w = page.width + b.left + b.right;
        let h = page.height + b.top + b.bottom;
        let iw = w.max(h / ratio);
        let ih = iw * ratio;
        page.items.push((
            Point::new(x0 + (w - iw) / 2.0, y0 + (h - ih) / 2.0),
            Item::Image {
                image,
                width: iw,
                height: ih,
            },
        ));
        self.pages.push(page);
        self.info = Some(PageInfo {
            chapter,
            opener: false,
            blank: true,
        });
        self.finish_page();
    }

    /// A chapter that would end on a page holding one line of text ends on
    /// the page before instead, which runs that line long (into the bottom
    /// margin, above the folio): the previous page absorbs it.
    fn absorb_last_line(&mut self) {
        let long = self.y;
        // The folio's baseline is 28 pt below the text block.
        let room = Abs::pt(28.0) - FOLIO_CLEARANCE;
        let (Some(info), true) = (self.info, self.pages.len() >= 2) else {
            return;
        };
        if info.opener
            || self.columns.is_some()
            || self.page_chunks != 1
            || self.prev_foot
            || !self.foot.is_empty()
            || !(self.prev_y + long).fits_in(self.geometry.body_height() + room)
            || long <= Abs::ZERO
        {
            return;
        }
        let Some(page) = self.pages.pop() else {
            return;
        };
        let index = self.count();
        let (from_left, to_left) = (self.geometry.left(index), self.geometry.left(index - 1));
        let shift = self.prev_y;
        if let Some(prev) = self.pages.last_mut() {
            for (p, item) in page.items {
                prev.items
                    .push((Point::new(p.x - from_left + to_left, p.y + shift), item));
            }
        }
        for (page, y) in self.anchors.values_mut() {
            if *page == index {
                *page = index - 1;
                *y += shift;
            }
        }
        for (_, page) in &mut self.low_dpi {
            if *page == index {
                *page = index - 1;
            }
        }
        // The previous page was finished already: its furniture is drawn.
        self.info = None;
    }

    /// Finishes the current page: its footnotes at the bottom of the text
    /// block, then its furniture.
    fn finish_page(&mut self) {
        let Some(info) = self.info.take() else {
            return;
        };
        self.prev_y = self.y;
        self.prev_foot = !self.foot.is_empty();
        self.set_foot();
        let index = self.count() - 1;
        let furniture = self.furniture.items(index, &info);
        if let Some(page) = self.pages.last_mut() {
            page.items.extend(furniture);
        }
    }

    /// Draws the current page's footnotes at the bottom of its text block.
    fn set_foot(&mut self) {
        if self.foot.is_empty() || self.pages.is_empty() {
            self.foot.clear();
            return;
        }
        let index = self.count() - 1;
        let (left, measure) = self.frame(index);
        let foot = std::mem::take(&mut self.foot);
        let total: Abs = foot.iter().map(|l| l.height).sum();
        let mut y = self.geometry.top + self.geometry.body_height() - total;
        let Some(page) = self.pages.last_mut() else {
            return;
        };
        page.items.push((
            Point::new(left, y - SEPARATOR / 2.0),
            Item::Line {
                dx: measure / 4.0,
                dy: Abs::ZERO,
                color: Color::GREY,
                thickness: Abs::pt(0.5),
            },
        ));
        for line in foot {
            for anchor in &line.anchors {
                self.anchors.insert(*anchor, (index, y));
            }
            for (p, item) in &line.items {
                page.items
                    .push((Point::new(left + p.x, y + p.y), item.clone()));
            }
            y += line.height;
        }
        if !self.carry.is_empty() {
            // The note goes on over the page: say so under it.
            let (run, w) = self.furniture.continued();
            page.items.push((
                Point::new(left + measure - w, y + Abs::pt(9.0)),
                Item::Text(run),
            ));
        }
    }

    fn place(&mut self, c: Content) {
        let index = self.count() - 1;
        let left = if c.span {
            self.geometry.left(index)
        } else {
            self.column_content = true;
            self.frame(index).0
        };
        self.after_span = c.span;
        let top = self.geometry.top + self.y;
        for anchor in &c.anchors {
            self.anchors.insert(*anchor, (index, top));
        }
        if let Some(low) = c.low_dpi {
            self.low_dpi.push((low, index));
        }
        if let (Some((title, level)), Some(&anchor)) = (&c.outline, c.anchors.first()) {
            self.outline.push(OutlineEntry {
                title: title.clone(),
                level: *level,
                anchor,
            });
        }
        let Some(page) = self.pages.last_mut() else {
            return;
        };
        page.items.extend(
            c.items
                .into_iter()
                .map(|(p, item)| (Point::new(left + p.x, top + p.y), item)),
        );
        self.y += c.height;
        self.page_chunks += 1;
        if self.after_span {
            self.col_top = self.y;
        }
    }
}

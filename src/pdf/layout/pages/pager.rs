//! The pager: the state of the page being filled (its columns, its foot of
//! notes, the notes, floats, plates and turned pages waiting for the next
//! page) and the moves [`super::Paginator`] makes with it: new pages and
//! frames, notes split across pages, a chapter's last line pulled back.

use super::super::Geometry;
use super::super::flow::{Content, Notes};
use super::super::furniture::{Furniture, PageInfo};
use super::{FOLIO_CLEARANCE, LowDpi, SEPARATOR};
use crate::doc::{AnchorId, NoteId};
use crate::pdf::frame::{Color, Item, OutlineEntry, Page};
use crate::text::{Abs, Point};
use std::collections::{BTreeMap, BTreeSet};

pub(super) struct Pager<'f> {
    /// Two columns: a column's width and the gap.
    pub(super) columns: Option<(Abs, Abs)>,
    /// The column being filled (0 or 1).
    pub(super) col: usize,
    /// Where the columns start on this page (below what spans them).
    pub(super) col_top: Abs,
    /// Column content was placed on this page.
    pub(super) column_content: bool,
    /// The last chunk placed spans the columns.
    pub(super) after_span: bool,
    pub(super) geometry: Geometry,
    pub(super) furniture: &'f Furniture<'f>,
    /// Pages not taken yet.
    pub(super) pages: Vec<Page>,
    /// Pages taken before `pages[0]`.
    pub(super) taken: usize,
    /// Used height of the current page's text block.
    pub(super) y: Abs,
    pub(super) anchors: BTreeMap<AnchorId, (usize, Abs)>,
    pub(super) outline: Vec<OutlineEntry>,
    /// The facts of the page being filled (`None`: it is finished).
    pub(super) info: Option<PageInfo>,
    /// Footnote lines of the current page.
    pub(super) foot: Vec<Content>,
    /// Footnote lines waiting for the next page.
    pub(super) carry: Vec<Content>,
    /// Notes already set in this chapter.
    pub(super) placed: BTreeSet<NoteId>,
    /// Images under the minimum resolution and their pages.
    pub(super) low_dpi: Vec<(LowDpi, usize)>,
    /// Figures waiting for the top of the next page.
    pub(super) floats: Vec<Content>,
    /// Full-bleed pictures waiting for a page of their own.
    pub(super) plates: Vec<((crate::doc::ResourceId, f64), Option<LowDpi>)>,
    /// Chunks that take a page of their own (turned tables).
    pub(super) own_pages: Vec<Content>,
    /// Content chunks placed on the current page.
    pub(super) page_chunks: usize,
    /// Used height of the previous page's text block, and whether it has
    /// footnotes.
    pub(super) prev_y: Abs,
    pub(super) prev_foot: bool,
}

impl Pager<'_> {
    /// Pages made so far.
    pub(super) fn count(&self) -> usize {
        self.taken + self.pages.len()
    }

    /// Marks the current page as blank on purpose.
    pub(super) fn mark_blank(&mut self) {
        if let Some(info) = &mut self.info {
            info.blank = true;
        }
    }

    pub(super) fn foot_height(&self) -> Abs {
        if self.foot.is_empty() {
            Abs::ZERO
        } else {
            self.foot.iter().map(|l| l.height).sum::<Abs>() + SEPARATOR
        }
    }

    /// Height left for text on the current page.
    pub(super) fn room(&self) -> Abs {
        self.geometry.body_height() - self.y - self.foot_height()
    }

    /// The lines of the notes a chunk references that are not set yet
    /// (and of notes those notes reference).
    pub(super) fn note_lines(&self, c: &Content, notes: &Notes) -> (Vec<NoteId>, Vec<Content>) {
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
    pub(super) fn add_notes(&mut self, ids: Vec<NoteId>, lines: Vec<Content>) {
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
    pub(super) fn frame(&self, index: usize) -> (Abs, Abs) {
        let left = self.geometry.left(index);
        match self.columns {
            Some((width, gap)) => (left + (width + gap) * self.col as f64, width),
            None => (left, self.geometry.measure()),
        }
    }

    /// Goes on in the next column, or on a new page after the last one.
    pub(super) fn next_frame(&mut self, chapter: Option<usize>) {
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

    pub(super) fn new_page(&mut self, chapter: Option<usize>, opener: bool) {
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
    pub(super) fn take_carried(&mut self) {
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
    pub(super) fn plate(
        &mut self,
        chapter: Option<usize>,
        (image, ratio): (crate::doc::ResourceId, f64),
    ) {
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
    pub(super) fn absorb_last_line(&mut self) {
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
    pub(super) fn finish_page(&mut self) {
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
    pub(super) fn set_foot(&mut self) {
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

    pub(super) fn place(&mut self, c: Content) {
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

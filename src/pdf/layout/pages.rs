//! Pages: chunks → pages. Chapters start on a new page; content chunks that
//! must stay together (headings with their first lines, orphans and widows)
//! move to the next page as a group; each page gets a folio and, except on
//! chapter openers, a running head.

use super::flow::{Chunk, Content, Notes};
use super::{Geometry, Layout};
use crate::doc::{AnchorId, Document, NoteId};
use crate::pdf::frame::{Color, Item, Page, PlacedGlyph, TextRun};
use crate::text::units::{Abs, Point};
use crate::text::{FaceId, FontSet};
use std::collections::{BTreeMap, BTreeSet};

/// Distributes the chapters' chunks onto pages, with their footnotes, and
/// adds the furniture (the whole book in memory: for tests and small books;
/// the PDF backend streams with [`Paginator`]).
pub fn paginate(
    doc: &Document,
    geometry: &Geometry,
    chapters: Vec<(Vec<Chunk>, Notes, Option<usize>)>,
    options: &PageOptions,
) -> Layout {
    let mut paginator = Paginator::new(geometry, options);
    for (chunks, notes, chapter) in chapters {
        paginator.chapter(chunks, &notes, chapter);
    }
    let mut pages = paginator.take();
    let done = paginator.finish(&mut pages);
    for (index, page) in pages.iter_mut().enumerate() {
        let items = furniture(
            doc,
            &FontSet::bundled(),
            geometry,
            index,
            &done.infos[index],
        );
        page.items.extend(items);
    }
    Layout {
        pages,
        anchors: done.anchors,
        outline: done.outline,
    }
}

/// What the furniture of a page depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageInfo {
    /// The chapter the page belongs to (`usize::MAX`: the contents).
    pub chapter: usize,
    /// The page opens a chapter (no running head).
    pub opener: bool,
    /// The page is left blank on purpose (no folio).
    pub blank: bool,
}

/// What pagination found besides the pages.
#[derive(Debug, Clone, Default)]
pub struct Paginated {
    /// Where each anchor is: page index and distance from the page top.
    pub anchors: BTreeMap<AnchorId, (usize, Abs)>,
    /// Outline entries: title, level, anchor.
    pub outline: Vec<(String, u8, AnchorId)>,
    /// One entry per page.
    pub infos: Vec<PageInfo>,
}

/// Puts chapters on pages one at a time; finished pages are taken out with
/// [`Paginator::take`] so a long book never holds all its pages. Page
/// indexes count from the first page this paginator made.
pub struct Paginator {
    pager: Pager,
    options: PageOptions,
}

impl Paginator {
    /// A paginator for pages of `geometry`.
    pub fn new(geometry: &Geometry, options: &PageOptions) -> Paginator {
        Paginator {
            pager: Pager {
                geometry: *geometry,
                pages: Vec::new(),
                taken: 0,
                y: Abs::ZERO,
                anchors: BTreeMap::new(),
                outline: Vec::new(),
                infos: Vec::new(),
                foot: Vec::new(),
                carry: Vec::new(),
                placed: BTreeSet::new(),
            },
            options: *options,
        }
    }

    /// The number of pages made so far.
    pub fn len(&self) -> usize {
        self.pager.count()
    }

    /// Whether no page was made yet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Sets one chapter (`None`: front matter) from a new page; all its
    /// pages are finished when this returns.
    pub fn chapter(&mut self, mut chunks: Vec<Chunk>, notes: &Notes, chapter: Option<usize>) {
        let pager = &mut self.pager;
        // Front matter (the contents) has no chapter: usize::MAX marks it.
        let index = chapter.unwrap_or(usize::MAX);
        pager.finish_page();
        if self.options.recto_chapters && pager.count() % 2 == 1 {
            // Chapters open on a right-hand (odd) page: leave a blank verso.
            pager.new_page(index, true);
            pager.mark_blank();
        }
        pager.new_page(index, true);
        pager.placed.clear();
        let n = chunks.len();
        for i in 0..n {
            match &chunks[i] {
                Chunk::Space(h) => {
                    if pager.y > Abs::ZERO {
                        pager.y += *h;
                    }
                }
                Chunk::Content(c) => {
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
                    if pager.y > Abs::ZERO && !fits_all && (page_fits || !fits_some) {
                        pager.new_page(index, false);
                    }
                    if pager.y == Abs::ZERO
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
        // Notes that did not fit get pages of their own.
        while !pager.carry.is_empty() {
            let before = pager.carry.len();
            pager.new_page(index, false);
            if pager.carry.len() == before {
                // Not even one line fits on an empty page: drop the rest.
                pager.carry.clear();
            }
        }
        pager.finish_page();
    }

    /// Adds a blank page when the page count is odd, so what follows opens
    /// on a right-hand page.
    pub fn pad_to_even(&mut self) {
        if self.pager.count() % 2 == 1 {
            let chapter = self.pager.infos.last().map_or(usize::MAX, |i| i.chapter);
            self.pager.new_page(chapter, true);
            self.pager.mark_blank();
            self.pager.finish_page();
        }
    }

    /// The pages finished since the last call, in order.
    pub fn take(&mut self) -> Vec<Page> {
        self.pager.finish_page();
        self.pager.taken += self.pager.pages.len();
        std::mem::take(&mut self.pager.pages)
    }

    /// Ends pagination; a book without pages gets one empty page, pushed
    /// onto `last` (the pages of the final [`Paginator::take`]).
    pub fn finish(mut self, last: &mut Vec<Page>) -> Paginated {
        if self.pager.count() == 0 {
            self.pager.new_page(0, true);
            last.extend(self.take());
        }
        Paginated {
            anchors: self.pager.anchors,
            outline: self.pager.outline,
            infos: self.pager.infos,
        }
    }
}

/// Space between the text and the footnotes (the rule sits in it).
const SEPARATOR: Abs = Abs::pt_const(12.0);

/// Page-level options.
#[derive(Debug, Clone, Copy, Default)]
pub struct PageOptions {
    /// Start chapters on right-hand pages.
    pub recto_chapters: bool,
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

struct Pager {
    geometry: Geometry,
    /// Pages not taken yet.
    pages: Vec<Page>,
    /// Pages taken before `pages[0]`.
    taken: usize,
    /// Used height of the current page's text block.
    y: Abs,
    anchors: BTreeMap<AnchorId, (usize, Abs)>,
    outline: Vec<(String, u8, AnchorId)>,
    /// One entry per page made.
    infos: Vec<PageInfo>,
    /// Footnote lines of the current page.
    foot: Vec<Content>,
    /// Footnote lines waiting for the next page.
    carry: Vec<Content>,
    /// Notes already set in this chapter.
    placed: BTreeSet<NoteId>,
}

impl Pager {
    /// Pages made so far.
    fn count(&self) -> usize {
        self.taken + self.pages.len()
    }

    /// Marks the current page as blank on purpose.
    fn mark_blank(&mut self) {
        if let Some(info) = self.infos.last_mut() {
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
        let mut ids = Vec::new();
        let mut out = Vec::new();
        let mut queue: Vec<NoteId> = c.notes.clone();
        let mut seen = self.placed.clone();
        while let Some(id) = queue.first().copied() {
            queue.remove(0);
            if !seen.insert(id) {
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

    fn new_page(&mut self, chapter: usize, opener: bool) {
        self.finish_page();
        self.pages.push(Page {
            width: self.geometry.width,
            height: self.geometry.height,
            items: Vec::new(),
        });
        self.infos.push(PageInfo {
            chapter,
            opener,
            blank: false,
        });
        self.y = Abs::ZERO;
        // Notes carried over come first, up to half the page.
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

    /// Draws the current page's footnotes at the bottom of its text block.
    fn finish_page(&mut self) {
        if self.foot.is_empty() || self.pages.is_empty() {
            self.foot.clear();
            return;
        }
        let index = self.count() - 1;
        let left = self.geometry.left(index);
        let foot = std::mem::take(&mut self.foot);
        let total: Abs = foot.iter().map(|l| l.height).sum();
        let mut y = self.geometry.top + self.geometry.body_height() - total;
        let Some(page) = self.pages.last_mut() else {
            return;
        };
        page.items.push((
            Point::new(left, y - SEPARATOR / 2.0),
            Item::Line {
                dx: self.geometry.measure() / 4.0,
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
    }

    fn place(&mut self, c: Content) {
        let index = self.count() - 1;
        let left = self.geometry.left(index);
        let top = self.geometry.top + self.y;
        for anchor in &c.anchors {
            self.anchors.insert(*anchor, (index, top));
        }
        if let Some((title, level)) = &c.outline {
            let anchor = c.anchors.first().copied();
            if let Some(anchor) = anchor {
                self.outline.push((title.clone(), *level, anchor));
            }
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
    }
}

/// The furniture of the page at `index` (counted from the first page of the
/// book): its folio and, except on chapter openers and blank pages, a running
/// head (book title on left-hand pages, chapter title on right-hand pages).
pub fn furniture(
    doc: &Document,
    book: &FontSet,
    g: &Geometry,
    index: usize,
    info: &PageInfo,
) -> Vec<(Point, Item)> {
    let mut items = Vec::new();
    if info.blank {
        return items;
    }
    let size = Abs::pt(8.5);
    let left = g.left(index);
    let measure = g.measure();
    let folio = (index + 1).to_string();
    let (run, w) = text_run(book, FaceId::Sans, size, &folio, measure);
    items.push((
        Point::new(
            left + (measure - w) / 2.0,
            g.height - g.bottom + Abs::pt(28.0),
        ),
        Item::Text(run),
    ));
    if info.opener {
        return items;
    }
    let book_title = doc.meta.title.clone().unwrap_or_default();
    let head = if index % 2 == 1 {
        book_title
    } else {
        match doc.chapters.get(info.chapter) {
            Some(chapter) => chapter.title.clone().unwrap_or(book_title),
            None => "Contents".to_string(),
        }
    };
    if head.is_empty() {
        return items;
    }
    let (run, w) = text_run(book, FaceId::Sans, size, &head, measure);
    let w = w.min(measure);
    let x = if index % 2 == 1 {
        left
    } else {
        left + measure - w
    };
    let baseline = g.top - Abs::pt(18.0);
    items.push((Point::new(x, baseline), Item::Text(run)));
    items.push((
        Point::new(left, baseline + Abs::pt(5.0)),
        Item::Line {
            dx: measure,
            dy: Abs::ZERO,
            color: Color::LIGHT,
            thickness: Abs::pt(0.4),
        },
    ));
    items
}

/// A single-face run of text (for page furniture), cut to fit a measure.
/// A long running head is cut at the measure and ends with an ellipsis.
fn text_run(book: &FontSet, face: FaceId, size: Abs, text: &str, max: Abs) -> (TextRun, Abs) {
    let shaped = book.shape(face, size, text, false);
    let ellipsis = book.shape(face, size, "…", false);
    let ellipsis_width = ellipsis.width();
    let mut glyphs = Vec::new();
    let mut pen = Abs::ZERO;
    let mut run_face = face;
    if let Some(run) = shaped.runs.first() {
        run_face = run.face;
        let fits_whole = run.width.fits_in(max);
        for g in &run.glyphs {
            if !fits_whole && !(pen + g.advance + ellipsis_width).fits_in(max) {
                if let Some(e) = ellipsis.runs.first().filter(|r| r.face == run.face) {
                    for eg in &e.glyphs {
                        glyphs.push(PlacedGlyph {
                            id: eg.id,
                            x: pen + eg.x_offset,
                            rise: eg.y_offset,
                            text: eg.text.clone(),
                        });
                        pen += eg.advance;
                    }
                }
                break;
            }
            glyphs.push(PlacedGlyph {
                id: g.id,
                x: pen + g.x_offset,
                rise: g.y_offset,
                text: g.text.clone(),
            });
            pen += g.advance;
        }
    }
    (
        TextRun {
            face: run_face,
            size,
            color: Color::GREY,
            glyphs,
        },
        pen,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::PdfOptions;
    use crate::text::units::Abs;

    fn line(height: f64, keep: bool) -> Chunk {
        Chunk::Content(Content {
            height: Abs::pt(height),
            keep_with_next: keep,
            ..Content::default()
        })
    }

    fn geometry() -> Geometry {
        Geometry::new(&PdfOptions::default())
    }

    fn pages_of(chunks: Vec<Chunk>, notes: Notes) -> Layout {
        paginate(
            &Document::default(),
            &geometry(),
            vec![(chunks, notes, None)],
            &PageOptions::default(),
        )
    }

    #[test]
    fn lines_fill_pages() {
        let body = geometry().body_height().to_pt();
        let per_page = (body / 14.0).floor() as usize;
        let layout = pages_of(
            (0..per_page * 3).map(|_| line(14.0, false)).collect(),
            Notes::new(),
        );
        assert_eq!(layout.pages.len(), 3);
    }

    #[test]
    fn kept_chunks_move_together() {
        let body = geometry().body_height().to_pt();
        let per_page = (body / 14.0).floor() as usize;
        let mut chunks: Vec<Chunk> = (0..per_page - 1).map(|_| line(14.0, false)).collect();
        // A heading kept with the next line: both go to page two.
        let mut heading = Content {
            height: Abs::pt(14.0),
            keep_with_next: true,
            ..Content::default()
        };
        heading.anchors.push(AnchorId(0));
        chunks.push(Chunk::Content(heading));
        chunks.push(line(14.0, false));
        let layout = pages_of(chunks, Notes::new());
        assert_eq!(layout.pages.len(), 2);
        assert_eq!(
            layout.anchors[&AnchorId(0)].0,
            1,
            "the heading starts page two"
        );
    }

    #[test]
    fn space_is_dropped_at_the_top_of_a_page() {
        let body = geometry().body_height().to_pt();
        let chunks = vec![
            line(body, false),
            Chunk::Space(Abs::pt(40.0)),
            line(14.0, false),
        ];
        let layout = pages_of(chunks, Notes::new());
        assert_eq!(layout.pages.len(), 2);
    }

    #[test]
    fn footnotes_go_to_the_foot_of_their_page() {
        let note = NoteId(0);
        let mut notes = Notes::new();
        let mut note_line = Content {
            height: Abs::pt(10.0),
            ..Content::default()
        };
        note_line.anchors.push(AnchorId(7));
        notes.insert(note, vec![note_line]);
        let mut with_ref = Content {
            height: Abs::pt(14.0),
            ..Content::default()
        };
        with_ref.notes.push(note);
        let layout = pages_of(vec![line(14.0, false), Chunk::Content(with_ref)], notes);
        let (page, y) = layout.anchors[&AnchorId(7)];
        assert_eq!(page, 0);
        let g = geometry();
        // The note's line sits at the bottom of the text block.
        assert!((y + Abs::pt(10.0) - g.top - g.body_height()).to_pt().abs() < 1e-6);
    }
}

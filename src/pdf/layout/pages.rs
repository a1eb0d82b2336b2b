//! Pages: chunks → pages. Chapters start on a new page; content chunks that
//! must stay together (headings with their first lines, orphans and widows)
//! move to the next page as a group; each page gets a folio and, except on
//! chapter openers, a running head.

use super::flow::{Chunk, Content};
use super::{Geometry, Layout};
use crate::doc::{AnchorId, Document};
use crate::pdf::fonts::{FaceId, FontBook};
use crate::pdf::frame::{Color, Item, Page, PlacedGlyph, TextRun};
use crate::pdf::units::{Abs, Point};
use std::collections::BTreeMap;

/// Distributes the chapters' chunks onto pages.
pub fn paginate(doc: &Document, geometry: &Geometry, chapters: Vec<Vec<Chunk>>) -> Layout {
    let mut pager = Pager {
        geometry: *geometry,
        pages: Vec::new(),
        y: Abs::ZERO,
        anchors: BTreeMap::new(),
        outline: Vec::new(),
        openers: Vec::new(),
        chapter_of_page: Vec::new(),
    };
    for (index, chunks) in chapters.into_iter().enumerate() {
        pager.new_page(index, true);
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
                    let room = pager.geometry.body_height() - pager.y;
                    let fits = group.fits_in(room);
                    let page_fits = group.fits_in(pager.geometry.body_height());
                    if pager.y > Abs::ZERO && (!fits && (page_fits || !c.height.fits_in(room))) {
                        pager.new_page(index, false);
                    }
                    pager.place(c);
                }
            }
        }
    }
    if pager.pages.is_empty() {
        pager.new_page(0, true);
    }
    pager.furniture(doc);
    Layout {
        pages: pager.pages,
        anchors: pager.anchors,
        outline: pager.outline,
    }
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
    pages: Vec<Page>,
    /// Used height of the current page's text block.
    y: Abs,
    anchors: BTreeMap<AnchorId, (usize, Abs)>,
    outline: Vec<(String, u8, AnchorId)>,
    /// Whether each page opens a chapter.
    openers: Vec<bool>,
    chapter_of_page: Vec<usize>,
}

impl Pager {
    fn new_page(&mut self, chapter: usize, opener: bool) {
        self.pages.push(Page {
            width: self.geometry.width,
            height: self.geometry.height,
            items: Vec::new(),
        });
        self.openers.push(opener);
        self.chapter_of_page.push(chapter);
        self.y = Abs::ZERO;
    }

    fn place(&mut self, c: &Content) {
        let index = self.pages.len() - 1;
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
        let page = &mut self.pages[index];
        for (p, item) in &c.items {
            page.items
                .push((Point::new(left + p.x, top + p.y), item.clone()));
        }
        self.y += c.height;
    }

    /// Folios on every page; running heads (book title on left-hand pages,
    /// chapter title on right-hand pages) on all but chapter openers.
    fn furniture(&mut self, doc: &Document) {
        let book = FontBook::get();
        let size = Abs::pt(8.5);
        let g = self.geometry;
        let book_title = doc.meta.title.clone().unwrap_or_default();
        for (index, page) in self.pages.iter_mut().enumerate() {
            let left = g.left(index);
            let measure = g.measure();
            let folio = (index + 1).to_string();
            let run = text_run(book, FaceId::Sans, size, &folio);
            let w = run.1;
            page.items.push((
                Point::new(
                    left + (measure - w) / 2.0,
                    g.height - g.bottom + Abs::pt(28.0),
                ),
                Item::Text(run.0),
            ));
            if self.openers[index] {
                continue;
            }
            let head = if index % 2 == 1 {
                book_title.clone()
            } else {
                let chapter = &doc.chapters[self.chapter_of_page[index]];
                chapter.title.clone().unwrap_or_else(|| book_title.clone())
            };
            if head.is_empty() {
                continue;
            }
            let (run, w) = text_run(book, FaceId::Sans, size, &head);
            let w = w.min(measure);
            let x = if index % 2 == 1 {
                left
            } else {
                left + measure - w
            };
            let baseline = g.top - Abs::pt(18.0);
            page.items.push((Point::new(x, baseline), Item::Text(run)));
            page.items.push((
                Point::new(left, baseline + Abs::pt(5.0)),
                Item::Line {
                    dx: measure,
                    dy: Abs::ZERO,
                    color: Color::LIGHT,
                    thickness: Abs::pt(0.4),
                },
            ));
        }
    }
}

/// A single-face run of text (for page furniture), cut to fit a measure.
fn text_run(book: &FontBook, face: FaceId, size: Abs, text: &str) -> (TextRun, Abs) {
    let shaped = book.shape(face, size, text, false);
    let mut glyphs = Vec::new();
    let mut pen = Abs::ZERO;
    let mut run_face = face;
    if let Some(run) = shaped.runs.first() {
        run_face = run.face;
        for g in &run.glyphs {
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

//! Furniture: what every page carries besides its text — the folio, the
//! running head (the book's title on left-hand pages, the chapter's on
//! right-hand pages; none on chapter openers and blank pages) and, when
//! asked for, crop marks in the slug.
//!
//! Input: a page's facts ([`PageInfo`]) and the book's titles. Output:
//! frame items, added to the page when the paginator finishes it, so the
//! frames are complete when they leave layout.

use super::Geometry;
use crate::doc::Document;
use crate::pdf::frame::{Bleed, Color, Item, Numbering, TextRun};
use crate::text::{Abs, FaceId, FontSet, Point};

/// What the furniture of a page depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageInfo {
    /// The chapter the page belongs to (`None`: the contents).
    pub chapter: Option<usize>,
    /// The page opens a chapter (no running head).
    pub opener: bool,
    /// The page is left blank on purpose (no folio, no head).
    pub blank: bool,
}

/// Draws the furniture of one section of the book.
pub struct Furniture<'a> {
    fonts: &'a FontSet,
    geometry: Geometry,
    book_title: String,
    chapter_titles: Vec<String>,
    /// The running head of pages outside any chapter (the contents).
    front_head: String,
    numbering: Numbering,
    crop_marks: bool,
    /// Pages before this section's first that its folios count (the front
    /// matter before the contents).
    pub first: usize,
    /// The book's title is one of its chapters' (taken from the first
    /// chapter): versos then carry the chapter's section or title, never
    /// another chapter's.
    title_is_a_chapter: bool,
    /// Each chapter's section (magazine issues).
    sections: Vec<Option<String>>,
    /// "continued", in the book's language or as `[labels]` says.
    continued: String,
}

impl<'a> Furniture<'a> {
    /// Furniture for `doc`'s pages, folios numbered `numbering`; `front_head`
    /// heads pages outside chapters; `labels` are the book's words (its
    /// language's, with the project's `[labels]`).
    pub fn new(
        doc: &Document,
        fonts: &'a FontSet,
        geometry: &Geometry,
        numbering: Numbering,
        front_head: &str,
        labels: &crate::labels::Labels,
    ) -> Furniture<'a> {
        let book_title = doc.meta.title.clone().unwrap_or_default();
        let chapter_titles: Vec<String> = doc
            .chapters
            .iter()
            .map(|c| c.title.clone().unwrap_or_else(|| book_title.clone()))
            .collect();
        let title_is_a_chapter = chapter_titles.len() > 1
            && doc
                .chapters
                .iter()
                .any(|c| c.title.as_deref() == Some(&book_title));
        Furniture {
            fonts,
            geometry: *geometry,
            book_title,
            chapter_titles,
            front_head: front_head.to_string(),
            numbering,
            crop_marks: geometry.slug > Abs::ZERO,
            first: 0,
            title_is_a_chapter,
            sections: doc.chapters.iter().map(|c| c.section.clone()).collect(),
            continued: format!("{} →", labels.get(crate::labels::Label::Continued)),
        }
    }

    /// The mark under a footnote that goes on over the page.
    pub fn continued(&self) -> (TextRun, Abs) {
        text_run(
            self.fonts,
            FaceId::SerifItalic,
            Abs::pt(7.5),
            &self.continued,
            self.geometry.measure(),
        )
    }

    /// The furniture of page `index` (counted from the section's first page,
    /// which is a right-hand page).
    pub fn items(&self, index: usize, info: &PageInfo) -> Vec<(Point, Item)> {
        let g = &self.geometry;
        let mut items = Vec::new();
        if self.crop_marks {
            items.extend(crop_marks(g, &Bleed::outer(g.bleed, index % 2 == 1)));
        }
        if info.blank {
            return items;
        }
        let size = Abs::pt(8.5);
        let left = g.left(index);
        let measure = g.measure();
        let folio = match self.numbering {
            Numbering::Arabic => (index + 1 + self.first).to_string(),
            Numbering::Roman => roman(index + 1 + self.first),
        };
        let (run, w) = text_run(self.fonts, FaceId::Sans, size, &folio, measure);
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
        let verso = index % 2 == 1;
        let chapter_title = |c: usize| {
            self.chapter_titles
                .get(c)
                .map_or(self.book_title.as_str(), String::as_str)
        };
        let head = if verso {
            match info.chapter {
                // The book's title is only the first article's: the verso
                // carries this article's section (or its own title).
                Some(c) if self.title_is_a_chapter => self
                    .sections
                    .get(c)
                    .and_then(|s| s.as_deref())
                    .unwrap_or_else(|| chapter_title(c)),
                _ => self.book_title.as_str(),
            }
        } else {
            match info.chapter {
                Some(chapter) => self
                    .chapter_titles
                    .get(chapter)
                    .map_or(self.book_title.as_str(), String::as_str),
                None => self.front_head.as_str(),
            }
        };
        if head.is_empty() {
            return items;
        }
        let (run, w) = text_run(self.fonts, FaceId::Sans, size, head, measure);
        let w = w.min(measure);
        let x = if verso { left } else { left + measure - w };
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
}

/// A number in lower-case roman numerals (front matter folios).
pub fn roman(mut n: usize) -> String {
    const DIGITS: [(usize, &str); 13] = [
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ];
    let mut out = String::new();
    for (value, digits) in DIGITS {
        while n >= value {
            out.push_str(digits);
            n -= value;
        }
    }
    out
}

/// Crop marks at the four corners of the trimmed page, in the slug, kept
/// clear of the bleed (so they never show on the trimmed sheet).
fn crop_marks(g: &Geometry, b: &Bleed) -> Vec<(Point, Item)> {
    // Each mark starts past its side's bleed and stays on the sheet.
    let gap = |bleed: Abs| bleed + Abs::pt(2.0);
    let len = (g.slug - Abs::pt(2.0)).max(Abs::pt(4.0));
    let (x0, x1, y0, y1) = (Abs::ZERO, g.width, Abs::ZERO, g.height);
    let mark = |at: Point, dx: Abs, dy: Abs| {
        (
            at,
            Item::Line {
                dx,
                dy,
                color: Color::BLACK,
                thickness: Abs::pt(0.3),
            },
        )
    };
    vec![
        // Horizontal marks beside each corner.
        mark(Point::new(x0 - gap(b.left) - len, y0), len, Abs::ZERO),
        mark(Point::new(x1 + gap(b.right), y0), len, Abs::ZERO),
        mark(Point::new(x0 - gap(b.left) - len, y1), len, Abs::ZERO),
        mark(Point::new(x1 + gap(b.right), y1), len, Abs::ZERO),
        // Vertical marks above and below.
        mark(Point::new(x0, y0 - gap(b.top) - len), Abs::ZERO, len),
        mark(Point::new(x1, y0 - gap(b.top) - len), Abs::ZERO, len),
        mark(Point::new(x0, y1 + gap(b.bottom)), Abs::ZERO, len),
        mark(Point::new(x1, y1 + gap(b.bottom)), Abs::ZERO, len),
    ]
}

/// A single-face run of text (for page furniture), cut to fit a measure.
/// A long running head is cut at the measure and ends with an ellipsis.
fn text_run(fonts: &FontSet, face: FaceId, size: Abs, text: &str, max: Abs) -> (TextRun, Abs) {
    let shaped = fonts.shape(face, size, text, false);
    let ellipsis = fonts.shape(face, size, "…", false);
    let ellipsis_width = ellipsis.width();
    let mut out = TextRun::new(face, size, Color::GREY);
    let mut pen = Abs::ZERO;
    if let Some(run) = shaped.runs.first() {
        out.face = run.face;
        let fits_whole = run.width.fits_in(max);
        for g in &run.glyphs {
            if !fits_whole && !(pen + g.advance + ellipsis_width).fits_in(max) {
                if let Some(e) = ellipsis.runs.first().filter(|r| r.face == run.face) {
                    for eg in &e.glyphs {
                        out.push(eg.id, pen + eg.x_offset, eg.y_offset, &eg.text);
                        pen += eg.advance;
                    }
                }
                break;
            }
            out.push(g.id, pen + g.x_offset, g.y_offset, &g.text);
            pen += g.advance;
        }
    }
    (out, pen)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roman_numerals() {
        let got: Vec<String> = [1, 2, 4, 9, 14, 40, 1994].map(roman).to_vec();
        assert_eq!(got, ["i", "ii", "iv", "ix", "xiv", "xl", "mcmxciv"]);
    }
}

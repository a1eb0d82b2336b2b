//! Frames: the output of layout, finished pages of positioned items, and
//! the facts about the whole book ([`Book`]) the exporter needs besides
//! them (where anchors landed, the outline, page labels, metadata).
//!
//! The PDF exporter reads only these (and the image table, for image
//! data), so layout is tested without writing a PDF. Positions are from the
//! trimmed page's top-left corner, y downwards; furniture in the bleed and
//! the slug (crop marks) has negative coordinates or lies past the trim.

use crate::doc::{AnchorId, ResourceId};
use crate::text::{Abs, FaceId, Point};

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Color(pub u8, pub u8, pub u8);

impl Color {
    /// Black.
    pub const BLACK: Color = Color(0, 0, 0);
    /// The grey of furniture (folios, running heads, datelines).
    pub const GREY: Color = Color(90, 90, 90);
    /// Light grey for rules and frames.
    pub const LIGHT: Color = Color(170, 170, 170);
    /// Very light grey for code backgrounds.
    pub const WASH: Color = Color(243, 243, 243);
    /// The dark red of kickers.
    pub const ACCENT: Color = Color(160, 20, 20);
    /// Link blue.
    pub const LINK: Color = Color(20, 60, 150);
}

/// Bleed on each side of the trimmed page.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Bleed {
    /// Above the top edge.
    pub top: Abs,
    /// Right of the right edge.
    pub right: Abs,
    /// Below the bottom edge.
    pub bottom: Abs,
    /// Left of the left edge.
    pub left: Abs,
}

impl Bleed {
    /// The same bleed on all four sides (a cover, a loose sheet).
    pub fn all(b: Abs) -> Bleed {
        Bleed {
            top: b,
            right: b,
            bottom: b,
            left: b,
        }
    }

    /// A book page's bleed: top, bottom and the outer edge, never the
    /// gutter (the right edge of a recto, the left of a verso), as
    /// print-on-demand services want interiors.
    pub fn outer(b: Abs, verso: bool) -> Bleed {
        Bleed {
            top: b,
            bottom: b,
            right: if verso { Abs::ZERO } else { b },
            left: if verso { b } else { Abs::ZERO },
        }
    }
}

/// One finished page: body, footnotes, running head, folio, marks.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// Trimmed page width.
    pub width: Abs,
    /// Trimmed page height.
    pub height: Abs,
    /// Bleed beyond each edge of the trimmed page.
    pub bleed: Bleed,
    /// Room beyond the bleed for crop marks (0 for none).
    pub slug: Abs,
    /// What is on it.
    pub items: Vec<(Point, Item)>,
}

impl Page {
    /// An empty page of the given trim size, without bleed.
    pub fn new(width: Abs, height: Abs) -> Page {
        Page {
            width,
            height,
            bleed: Bleed::default(),
            slug: Abs::ZERO,
            items: Vec::new(),
        }
    }
}

/// Where a page goes in the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// Front matter (the contents): placed before the body although laid
    /// out after it, numbered in roman numerals.
    Front,
    /// The body: chapters, numbered from 1.
    Body,
}

/// How a run of pages is numbered, for the PDF's page labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Numbering {
    /// i, ii, iii…
    Roman,
    /// 1, 2, 3…
    Arabic,
}

/// Pages from `start` (an index in the document) on are numbered `style`,
/// the first of them `first`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageLabel {
    /// First page of the run, counted from the document's first page.
    pub start: usize,
    /// The numbering.
    pub style: Numbering,
    /// The number of the first page of the run.
    pub first: u32,
}

/// One bookmark: a title, its depth (1 = chapter) and where it points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutlineEntry {
    /// The text shown.
    pub title: String,
    /// Depth: 1 for chapters, 2 for their sections…
    pub level: u8,
    /// The anchor it opens.
    pub anchor: AnchorId,
}

/// Metadata of the document, for the Info dictionary and XMP.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Info {
    /// Title.
    pub title: String,
    /// Authors, in order.
    pub authors: Vec<String>,
    /// Subject (the description).
    pub subject: String,
    /// Keywords.
    pub keywords: Vec<String>,
    /// The document's language (BCP 47).
    pub language: String,
    /// Creation date, seconds since the Unix epoch.
    pub created: i64,
}

/// What the exporter needs to know about the whole book, once every page
/// is laid out.
#[derive(Debug, Clone, Default)]
pub struct Book {
    /// Front pages (they come first in the document).
    pub front: usize,
    /// Body pages.
    pub body: usize,
    /// Where each anchor is: page index in the document and distance from
    /// the top of the trimmed page.
    pub anchors: std::collections::BTreeMap<AnchorId, (usize, Abs)>,
    /// The bookmarks, in order.
    pub outline: Vec<OutlineEntry>,
    /// How pages are numbered.
    pub labels: Vec<PageLabel>,
    /// Metadata.
    pub info: Info,
}

impl Book {
    /// Pages in the document.
    pub fn pages(&self) -> usize {
        self.front + self.body
    }
}

/// Where a link goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkDest {
    /// An external URL.
    Uri(String),
    /// An anchor in the book.
    Anchor(AnchorId),
}

/// A positioned thing on a page.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// Glyphs of one face; the point is the baseline origin.
    Text(TextRun),
    /// A rectangle; the point is its top-left corner.
    Rect {
        /// Width.
        width: Abs,
        /// Height.
        height: Abs,
        /// Fill colour.
        fill: Option<Color>,
        /// Stroke colour and thickness.
        stroke: Option<(Color, Abs)>,
    },
    /// A straight line from the point to the point plus (`dx`, `dy`).
    Line {
        /// Horizontal extent.
        dx: Abs,
        /// Vertical extent (downwards).
        dy: Abs,
        /// Colour.
        color: Color,
        /// Thickness.
        thickness: Abs,
    },
    /// An image; the point is its top-left corner.
    Image {
        /// The image.
        image: ResourceId,
        /// Placed width.
        width: Abs,
        /// Placed height.
        height: Abs,
    },
    /// Items laid out on a landscape frame `width` × `height` (x right, y
    /// down), turned a quarter to the left onto the page: the frame's top
    /// edge runs up the page's left side (a wide table read by turning the
    /// book clockwise). The point is the top-left corner of the area it
    /// takes on the page, `height` wide and `width` tall.
    Turned {
        /// The frame's width (the height it takes on the page).
        width: Abs,
        /// The frame's height (the width it takes on the page).
        height: Abs,
        /// Its items, in the frame's coordinates.
        items: Vec<(Point, Item)>,
    },
    /// A clickable area; the point is its top-left corner.
    Link {
        /// Width.
        width: Abs,
        /// Height.
        height: Abs,
        /// Destination.
        dest: LinkDest,
    },
}

/// Glyphs drawn in one face, size and colour, with the text they stand for
/// (kept once per run: a glyph points into it).
#[derive(Debug, Clone, PartialEq)]
pub struct TextRun {
    /// The face.
    pub face: FaceId,
    /// The size.
    pub size: Abs,
    /// The fill colour.
    pub color: Color,
    /// The glyphs, positioned relative to the run's origin.
    pub glyphs: Vec<PlacedGlyph>,
    /// The text of the glyphs, in order.
    pub text: String,
}

/// A glyph at an exact position.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedGlyph {
    /// Glyph id in the face.
    pub id: u16,
    /// Offset from the run's origin along the baseline.
    pub x: Abs,
    /// Offset upwards from the baseline (superscripts, marks).
    pub rise: Abs,
    /// The text the glyph stands for: a byte range of the run's text (empty
    /// for the second and later glyphs of a cluster).
    pub text: std::ops::Range<u32>,
}

impl TextRun {
    /// An empty run.
    pub fn new(face: FaceId, size: Abs, color: Color) -> TextRun {
        TextRun {
            face,
            size,
            color,
            glyphs: Vec::new(),
            text: String::new(),
        }
    }

    /// The glyphs of a shaped run at their pen positions, raised by `rise`.
    pub fn shaped(run: &crate::text::Run, rise: Abs, color: Color) -> TextRun {
        let mut out = TextRun::new(run.face, run.size, color);
        out.glyphs.reserve(run.glyphs.len());
        let mut pen = Abs::ZERO;
        for g in &run.glyphs {
            out.push(g.id, pen + g.x_offset, g.y_offset + rise, &g.text);
            pen += g.advance;
        }
        out
    }

    /// Adds a glyph standing for `text`.
    pub fn push(&mut self, id: u16, x: Abs, rise: Abs, text: &str) {
        let start = self.text.len() as u32;
        self.text.push_str(text);
        self.glyphs.push(PlacedGlyph {
            id,
            x,
            rise,
            text: start..self.text.len() as u32,
        });
    }

    /// The text glyph `glyph` of this run stands for.
    pub fn glyph_text(&self, glyph: &PlacedGlyph) -> &str {
        self.text
            .get(glyph.text.start as usize..glyph.text.end as usize)
            .unwrap_or("")
    }

    /// The run's text.
    pub fn text(&self) -> &str {
        &self.text
    }
}

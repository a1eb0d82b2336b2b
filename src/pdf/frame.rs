//! Frames: the output of layout, positioned items on pages.
//!
//! The PDF writer only ever sees frames, and tests can check layout without
//! writing a PDF. Positions are from the page's top-left corner, y downwards.

use crate::text::FaceId;
use crate::text::{Abs, Point};
use crate::doc::{AnchorId, ResourceId};

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

/// One laid-out page.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// Page width.
    pub width: Abs,
    /// Page height.
    pub height: Abs,
    /// What is on it.
    pub items: Vec<(Point, Item)>,
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

/// Glyphs drawn in one face, size and colour.
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
    /// The text the glyph stands for.
    pub text: String,
}

impl PlacedGlyph {
    /// The glyphs of a shaped run at their pen positions, raised by `rise`.
    pub fn from_run(run: &crate::text::Run, rise: Abs) -> Vec<PlacedGlyph> {
        let mut pen = Abs::ZERO;
        run.glyphs
            .iter()
            .map(|g| {
                let placed = PlacedGlyph {
                    id: g.id,
                    x: pen + g.x_offset,
                    rise: g.y_offset + rise,
                    text: g.text.clone(),
                };
                pen += g.advance;
                placed
            })
            .collect()
    }
}

impl TextRun {
    /// The run's text, for tests and dumps.
    pub fn text(&self) -> String {
        self.glyphs.iter().map(|g| g.text.as_str()).collect()
    }
}

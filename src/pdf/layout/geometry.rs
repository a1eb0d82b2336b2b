//! The page geometry: trim size, margins, bleed and the slug for crop marks,
//! from the PDF options.

use super::PdfOptions;
use crate::pdf::frame::{Bleed, Page};
use crate::text::Abs;

/// The page geometry: paper size and margins.
#[derive(Debug, Clone, Copy)]
pub struct Geometry {
    /// Page width.
    pub width: Abs,
    /// Page height.
    pub height: Abs,
    /// Top margin (to the top of the text block).
    pub top: Abs,
    /// Bottom margin (from the bottom of the text block).
    pub bottom: Abs,
    /// Inner margin (binding side).
    pub inner: Abs,
    /// Outer margin.
    pub outer: Abs,
    /// Bleed around the trimmed page.
    pub bleed: Abs,
    /// Room beyond the bleed for crop marks (0: no crop marks).
    pub slug: Abs,
}

impl Geometry {
    /// The geometry for the options' paper size.
    pub fn new(options: &PdfOptions) -> Geometry {
        let (width, height) = options.paper.size();
        // Margins in the classical proportions (inner : top : outer : bottom
        // ≈ 2 : 3 : 4 : 6 would waste A4; this is a moderate book page).
        let short = width.min(height);
        let bleed = options.bleed;
        // Crop marks need room beyond the bleed.
        let slug = if options.crop_marks {
            Abs::pt(18.0)
        } else {
            Abs::ZERO
        };
        if let Some([top, inner, bottom, outer]) = options.margins {
            // Never less than a tenth of the page for text.
            let fits = inner + outer < width * 0.9 && top + bottom < height * 0.9;
            if fits {
                return Geometry {
                    width,
                    height,
                    top,
                    bottom,
                    inner,
                    outer,
                    bleed,
                    slug,
                };
            }
        }
        Geometry {
            width,
            height,
            top: short * 0.12,
            bottom: short * 0.15,
            inner: short * 0.14,
            outer: short * 0.18,
            bleed,
            slug,
        }
    }

    /// Width of the text block.
    pub fn measure(&self) -> Abs {
        self.width - self.inner - self.outer
    }

    /// Height of the text block.
    pub fn body_height(&self) -> Abs {
        self.height - self.top - self.bottom
    }

    /// An empty page of this geometry at `index` (0-based; odd indexes
    /// are left-hand pages): its bleed is on the top, bottom and outer
    /// edges, never in the gutter.
    pub fn page(&self, index: usize) -> Page {
        Page {
            bleed: Bleed::outer(self.bleed, index % 2 == 1),
            slug: self.slug,
            ..Page::new(self.width, self.height)
        }
    }

    /// Left edge of the text block on page `index` (0-based; odd indexes are
    /// left-hand pages, whose binding is on the right).
    pub fn left(&self, index: usize) -> Abs {
        if index % 2 == 1 {
            self.outer
        } else {
            self.inner
        }
    }
}

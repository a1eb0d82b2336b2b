//! The PDF backend: tree → print-ready PDF bytes.
//!
//! Input: a resolved [`Document`] with its images loaded. Output: PDF bytes.
//! [`layout`] turns the tree into [`frame`]s (positioned glyphs, rules,
//! images, links) using the bundled [`fonts`]; [`writer`] hands the frames to
//! printpdf with subset fonts; [`postpass`] adds what printpdf cannot express.

pub mod fonts;
pub mod frame;
pub mod layout;
mod postpass;
pub mod units;
pub mod writer;

use crate::diag::{Diagnostics, Result};
use crate::doc::Document;
use units::Abs;

/// Paper sizes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PaperSize {
    /// 210 × 297 mm.
    #[default]
    A4,
    /// 8.5 × 11 in.
    Letter,
}

impl PaperSize {
    /// Width and height.
    pub fn size(self) -> (Abs, Abs) {
        match self {
            PaperSize::A4 => (Abs::mm(210.0), Abs::mm(297.0)),
            PaperSize::Letter => (Abs::inch(8.5), Abs::inch(11.0)),
        }
    }
}

/// Options of the PDF backend.
#[derive(Debug, Clone, Default)]
pub struct PdfOptions {
    /// The paper size.
    pub paper: PaperSize,
}

/// Renders the book as a PDF; problems found while setting it (characters no
/// font has) go to `diags`. Returns the bytes and the number of pages.
pub fn export(
    doc: &Document,
    options: &PdfOptions,
    diags: &mut Diagnostics,
) -> Result<(Vec<u8>, usize)> {
    let layout = layout::layout(doc, options, diags);
    let created = crate::date::source_date_epoch()
        .or_else(|| doc.meta.date.as_deref().and_then(crate::date::parse))
        .map_or(946_684_800, |d| d.unix());
    let info = writer::Info {
        title: doc.meta.title.clone().unwrap_or_default(),
        author: doc.meta.authors.join("; "),
        subject: doc.meta.description.clone().unwrap_or_default(),
        created,
    };
    let bytes = writer::write(doc, &layout.pages, &info)?;
    let language = doc.meta.language.as_deref().unwrap_or("en");
    let pages = layout.pages.len();
    postpass::finish(&bytes, doc, &layout, language).map(|b| (b, pages))
}

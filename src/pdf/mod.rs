//! The PDF backend (placeholder while the typesetter is written).

use crate::diag::{Error, Result};
use crate::doc::Document;

/// Paper sizes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PaperSize {
    /// 210 × 297 mm.
    #[default]
    A4,
    /// 8.5 × 11 in.
    Letter,
}

/// Options of the PDF backend.
#[derive(Debug, Clone, Default)]
pub struct PdfOptions {
    /// The paper size.
    pub paper: PaperSize,
}

/// Renders the book as a PDF.
pub fn export(_doc: &Document, _options: &PdfOptions) -> Result<Vec<u8>> {
    Err(Error::Backend("not yet".into()))
}

//! The PDF backend: tree → print-ready PDF bytes.
//!
//! Input: a resolved [`Document`] with its images prepared, and the font
//! set of the build. Output: PDF bytes. [`layout`] turns the tree into
//! finished pages ([`frame`]s: positioned glyphs, rules, images, links,
//! furniture) and the book's facts; [`export`] writes them, page by page as
//! they come, and reads nothing else.

pub mod cover;
pub mod export;
pub mod frame;
pub mod layout;
pub mod service;

use crate::diag::{Diagnostics, Result};
use crate::doc::Document;
use crate::text::{Abs, FontSet};

/// Paper sizes (the trimmed page).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub enum PaperSize {
    /// 210 × 297 mm.
    #[default]
    A4,
    /// 148 × 210 mm.
    A5,
    /// 176 × 250 mm.
    B5,
    /// 8.5 × 11 in.
    Letter,
    /// 5 × 8 in (trade paperback).
    Trade5x8,
    /// 5.5 × 8.5 in (digest).
    Digest,
    /// 6 × 9 in (US trade).
    Trade6x9,
    /// Any width and height.
    Custom(Abs, Abs),
}

impl PaperSize {
    /// Width and height.
    pub fn size(self) -> (Abs, Abs) {
        match self {
            PaperSize::A4 => (Abs::mm(210.0), Abs::mm(297.0)),
            PaperSize::A5 => (Abs::mm(148.0), Abs::mm(210.0)),
            PaperSize::B5 => (Abs::mm(176.0), Abs::mm(250.0)),
            PaperSize::Letter => (Abs::inch(8.5), Abs::inch(11.0)),
            PaperSize::Trade5x8 => (Abs::inch(5.0), Abs::inch(8.0)),
            PaperSize::Digest => (Abs::inch(5.5), Abs::inch(8.5)),
            PaperSize::Trade6x9 => (Abs::inch(6.0), Abs::inch(9.0)),
            PaperSize::Custom(w, h) => (w, h),
        }
    }

    /// Parses `a4`, `a5`, `b5`, `letter`, `5x8in`, `5.5x8.5in`, `6x9in`, or a
    /// custom `WIDTHxHEIGHT` with a unit (`mm`, `cm`, `in`, `pt`), such as
    /// `130x200mm`.
    pub fn parse(text: &str) -> Option<PaperSize> {
        let t = text.trim().to_ascii_lowercase();
        let named = match t.as_str() {
            "a4" => Some(PaperSize::A4),
            "a5" => Some(PaperSize::A5),
            "b5" => Some(PaperSize::B5),
            "letter" => Some(PaperSize::Letter),
            "5x8in" => Some(PaperSize::Trade5x8),
            "5.5x8.5in" => Some(PaperSize::Digest),
            "6x9in" => Some(PaperSize::Trade6x9),
            _ => None,
        };
        if named.is_some() {
            return named;
        }
        let (unit, factor): (&str, fn(f64) -> Abs) = if t.ends_with("mm") {
            ("mm", Abs::mm)
        } else if t.ends_with("cm") {
            ("cm", |v| Abs::mm(v * 10.0))
        } else if t.ends_with("in") {
            ("in", Abs::inch)
        } else if t.ends_with("pt") {
            ("pt", Abs::pt)
        } else {
            return None;
        };
        let (w, h) = t.strip_suffix(unit)?.split_once('x')?;
        let (w, h): (f64, f64) = (w.trim().parse().ok()?, h.trim().parse().ok()?);
        let (w, h) = (factor(w), factor(h));
        // Between a playing card and a broadsheet.
        let ok = |v: Abs| v.to_pt() >= 144.0 && v.to_pt() <= 3600.0;
        (ok(w) && ok(h)).then_some(PaperSize::Custom(w, h))
    }
}

/// Parses `TOP,INNER,BOTTOM,OUTER` lengths with units (`20mm,18mm,25mm,22mm`).
pub fn parse_margins(text: &str) -> Option<[Abs; 4]> {
    let parts: Vec<Abs> = text
        .split([',', ' '])
        .filter(|p| !p.trim().is_empty())
        .map(Abs::parse)
        .collect::<Option<_>>()?;
    <[Abs; 4]>::try_from(parts).ok()
}

/// A PDF standard the file is written to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Standard {
    /// Plain PDF 1.7.
    #[default]
    None,
    /// PDF/X-4 (ISO 15930-7:2010): colour-managed print exchange; RGB images
    /// kept with an sRGB profile, transparency allowed.
    X4,
    /// PDF/X-1a:2003 (ISO 15930-4): CMYK and grey only, no transparency.
    X1a,
    /// PDF/A-2b (ISO 19005-2): archiving, visual appearance preserved.
    A2b,
}

impl Standard {
    /// Whether this is a PDF/X level (print exchange, CMYK output intent).
    pub fn is_x(self) -> bool {
        matches!(self, Standard::X4 | Standard::X1a)
    }
}

/// A print-on-demand service whose published rules are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    /// Amazon KDP paperbacks.
    Kdp,
    /// IngramSpark (Lightning Source).
    IngramSpark,
}

/// A built-in design.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ThemeName {
    /// A book: Libertine 11/14, justified, indented paragraphs, chapters
    /// opening low on the page.
    #[default]
    Book,
    /// A report: Biolinum headings, spaced (not indented) paragraphs,
    /// ragged right, chapters at the top of the page.
    Report,
    /// A magazine: two columns under a kicker, title and standfirst that
    /// span both.
    Magazine,
}

/// A paper stock: its caliper gives the cover's spine width.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Stock {
    /// White paper.
    #[default]
    White,
    /// Cream paper (thicker).
    Cream,
}

/// How a chapter's first page begins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opening {
    /// At the top of the text block.
    Plain,
    /// Sunk: the title starts a sixth of the way down the text block (in a
    /// book of several chapters, or with front matter).
    Sink,
}

/// `[pdf.style]`: the theme and what the user changed of it.
#[derive(Debug, Clone, Default)]
pub struct StyleOptions {
    /// The built-in design the rest changes.
    pub theme: ThemeName,
    /// Body text face (regular), a font file.
    pub body_font: Option<std::path::PathBuf>,
    /// Body italic.
    pub italic_font: Option<std::path::PathBuf>,
    /// Body bold.
    pub bold_font: Option<std::path::PathBuf>,
    /// Body bold italic.
    pub bold_italic_font: Option<std::path::PathBuf>,
    /// Headings.
    pub heading_font: Option<std::path::PathBuf>,
    /// Code.
    pub mono_font: Option<std::path::PathBuf>,
    /// Body size.
    pub size: Option<Abs>,
    /// Body leading (baseline to baseline).
    pub leading: Option<Abs>,
    /// First-line indent of paragraphs after the first.
    pub indent: Option<Abs>,
    /// Space between paragraphs.
    pub spacing: Option<Abs>,
    /// Text columns.
    pub columns: Option<u8>,
    /// How chapters open.
    pub opening: Option<Opening>,
}

impl StyleOptions {
    /// The font files the style names, in a fixed order.
    pub fn font_files(&self) -> Vec<std::path::PathBuf> {
        [
            &self.body_font,
            &self.italic_font,
            &self.bold_font,
            &self.bold_italic_font,
            &self.heading_font,
            &self.mono_font,
        ]
        .into_iter()
        .flatten()
        .cloned()
        .collect()
    }
}

/// Options of the PDF backend.
#[derive(Debug, Clone)]
pub struct PdfOptions {
    /// The PDF standard written.
    pub standard: Standard,
    /// The print service whose rules are checked (`--profile kdp`).
    pub service: Option<Service>,
    /// Half-title, title, copyright (and dedication, epigraph) pages from
    /// the metadata.
    pub front_matter: bool,
    /// The design.
    pub style: StyleOptions,
    /// The paper stock (the cover's spine width).
    pub stock: Stock,
    /// Minimum resolution of placed images (warned about below it).
    pub min_dpi: f64,
    /// Made for screens (`--profile screen`): links in colour.
    pub screen: bool,
    /// The paper size.
    pub paper: PaperSize,
    /// Start every chapter on a right-hand page.
    pub recto_chapters: bool,
    /// Add a table of contents with page numbers at the start.
    pub toc: bool,
    /// Ragged-right text instead of justified.
    pub ragged: bool,
    /// Bleed around the trimmed page (0 for none).
    pub bleed: Abs,
    /// Draw crop marks (in the bleed and slug area).
    pub crop_marks: bool,
    /// Font files used for characters no bundled font has.
    pub fonts: Vec<std::path::PathBuf>,
    /// Installed fonts may draw what neither the bundled fonts nor `fonts`
    /// have (off: a hermetic build).
    pub system_fonts: bool,
    /// The words the PDF writes (the contents page's title, its running
    /// head), in the book's language.
    pub labels: crate::labels::Labels,
    /// Margins (top, inner, bottom, outer) instead of the default proportions.
    pub margins: Option<[Abs; 4]>,
    /// References add the page of their target ("Figure 3 on page 41"),
    /// known after a first layout.
    pub page_refs: bool,
    /// Greys only: highlighted code and other colour set in grey (for PDF
    /// standards that forbid colour, and black-and-white printing).
    pub greyscale: bool,
    /// How code is highlighted.
    pub code: crate::highlight::CodeStyle,
    /// Where the options a print service's rules read were set (for its
    /// warnings).
    pub origins: service::Origins,
}

impl Default for PdfOptions {
    fn default() -> Self {
        PdfOptions {
            standard: Standard::default(),
            service: None,
            front_matter: false,
            style: StyleOptions::default(),
            stock: Stock::default(),
            min_dpi: 0.0,
            screen: false,
            paper: PaperSize::default(),
            recto_chapters: false,
            toc: false,
            ragged: false,
            bleed: Abs::ZERO,
            crop_marks: false,
            fonts: Vec::new(),
            system_fonts: true,
            labels: crate::labels::Labels::default(),
            margins: None,
            page_refs: false,
            greyscale: false,
            code: crate::highlight::CodeStyle::default(),
            origins: service::Origins::default(),
        }
    }
}

/// Renders the book as a PDF into `sink`, page by page as they are set;
/// problems found while setting it (characters no font has) go to `diags`.
/// Returns the number of pages.
pub fn export_to<W: std::io::Write>(
    doc: &Document,
    fonts: &FontSet,
    options: &PdfOptions,
    diags: &mut Diagnostics,
    sink: W,
) -> Result<usize> {
    let mut exporter = export::Exporter::new(sink, fonts, &doc.resources, options.standard)?;
    let book = layout::stream(doc, fonts, options, diags, &mut |section, pages| {
        exporter.pages(section, pages)
    })?;
    exporter.finish(&book)?;
    service::warn(options, book.pages(), diags);
    Ok(book.pages())
}

/// The number of pages the book's interior has, laid out and not written
/// (for the cover's spine).
pub fn count_pages(
    doc: &Document,
    fonts: &FontSet,
    options: &PdfOptions,
    diags: &mut Diagnostics,
) -> Result<usize> {
    let book = layout::stream(doc, fonts, options, diags, &mut |_, _| Ok(()))?;
    Ok(book.pages())
}

/// Renders the book as a PDF in memory; problems found while setting it
/// (characters no font has) go to `diags`. Returns the bytes and the number
/// of pages.
pub fn export(
    doc: &Document,
    fonts: &FontSet,
    options: &PdfOptions,
    diags: &mut Diagnostics,
) -> Result<(Vec<u8>, usize)> {
    let mut bytes = Vec::new();
    let pages = export_to(doc, fonts, options, diags, &mut bytes)?;
    Ok((bytes, pages))
}

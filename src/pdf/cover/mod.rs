//! The print cover wrap: back, spine and front on one sheet with bleed on
//! every side, for print-on-demand services, built with printpdf's
//! document model.
//!
//! Input: the book's metadata, the font set, the PDF options (paper,
//! bleed, standard, stock, service) and the interior's page count. Output:
//! the PDF bytes of one page. printpdf holds the page (its operations:
//! filled rectangles, the front image, text given as glyph ids shaped by
//! [`crate::text::FontSet`], the bar code), its fonts (embedded by printpdf)
//! and its image XObjects, and serialises it to a `lopdf` document; bindery
//! then adds what printpdf does not write (the trim and bleed boxes, the
//! output intent and the standard's keys in Info and XMP, fixed dates and
//! `/ID` for byte-identical rebuilds) and saves it.
//!
//! The spine is the page count times the paper's caliper: the figures the
//! services publish per page (KDP: white 0.002252 in, cream 0.0025 in;
//! IngramSpark 50 lb: white 0.00212 in, cream 0.00229 in, from its cover
//! templates' spine widths).

pub mod barcode;
mod draw;
mod image;

use super::export::standards;
use super::{PdfOptions, Service, Standard, Stock};
use crate::diag::{Diagnostics, Error, FileId, Result, Span};
use crate::doc::Metadata;
use crate::options::CoverOptions;
use crate::text::{Abs, FontSet};

/// Paper thickness per page (one leaf is two pages).
///
/// KDP publishes 0.002252 in per page for white paper and 0.0025 in for
/// cream ("Paperback cover calculator", KDP help: spine width = page count ×
/// these); IngramSpark's 50 lb white and cream stocks come out at 0.00212 in
/// and 0.00229 in per page (10.77 mm and 11.63 mm for 200 pages in its cover
/// template generator). Without a service, KDP's figures.
pub fn caliper(service: Option<Service>, stock: Stock) -> Abs {
    let inches = match (service, stock) {
        (Some(Service::IngramSpark), Stock::White) => 0.00212,
        (Some(Service::IngramSpark), Stock::Cream) => 0.00229,
        (_, Stock::White) => 0.002252,
        (_, Stock::Cream) => 0.0025,
    };
    Abs::inch(inches)
}

/// The narrowest spine that carries text: KDP allows spine text only on
/// books of more than 79 pages, about 0.18 in on white paper; below that the
/// spine is left plain.
pub fn spine_text_min(service: Option<Service>, stock: Stock) -> Abs {
    caliper(service, stock) * 80.0
}

/// The flat cover: panels and bleed, in points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Wrap {
    /// Trimmed page width (each of back and front).
    pub trim_width: Abs,
    /// Trimmed page height.
    pub height: Abs,
    /// Bleed on every side.
    pub bleed: Abs,
    /// Spine width.
    pub spine: Abs,
}

impl Wrap {
    /// The wrap for `pages` interior pages: the trim size of the interior,
    /// bleed on all four sides (the services want 0.125 in; a larger bleed
    /// asked for is kept), the spine from the stock.
    pub fn new(options: &PdfOptions, pages: usize) -> Wrap {
        let (w, h) = options.paper.size();
        Wrap {
            trim_width: w,
            height: h,
            bleed: options.bleed.max(Abs::inch(0.125)),
            spine: caliper(options.service, options.stock) * pages as f64,
        }
    }

    /// Sheet width: bleed, back, spine, front, bleed.
    pub fn sheet_width(&self) -> Abs {
        self.bleed * 2.0 + self.trim_width * 2.0 + self.spine
    }

    /// Sheet height: bleed, page, bleed.
    pub fn sheet_height(&self) -> Abs {
        self.height + self.bleed * 2.0
    }

    /// Left edge of the spine on the sheet.
    pub fn spine_left(&self) -> Abs {
        self.bleed + self.trim_width
    }

    /// Left edge of the front panel on the sheet.
    pub fn front_left(&self) -> Abs {
        self.spine_left() + self.spine
    }
}

/// Renders the cover wrap for `pages` interior pages. Problems (no ISBN, a
/// spine too thin for text, a cover image that cannot be read or that
/// prints under `min_dpi`) are warnings in `diags`.
pub fn render(
    meta: &Metadata,
    fonts: &FontSet,
    options: &PdfOptions,
    cover: &CoverOptions,
    pages: usize,
    diags: &mut Diagnostics,
) -> Result<Vec<u8>> {
    let wrap = Wrap::new(options, pages);
    let nowhere = Span::new(FileId(0), 0..0);
    let isbn = meta.identifier.as_deref().and_then(barcode::isbn13);
    if isbn.is_none() {
        diags.warn(
            nowhere,
            "the book has no ISBN (`identifier`): the cover's back has no bar code",
        );
    }
    let spine_text = wrap.spine >= spine_text_min(options.service, options.stock);
    if !spine_text {
        diags.warn(
            nowhere,
            format!(
                "the spine is {:.3} in ({pages} pages): too thin for text, left plain (KDP allows spine text on books of more than 79 pages)",
                wrap.spine.to_pt() / 72.0
            ),
        );
    }
    let image = match &cover.image {
        Some(path) => match draw::CoverImage::read(path, options.standard) {
            Ok(image) => Some(image),
            Err(e) => {
                diags.warn(
                    nowhere,
                    format!(
                        "cannot use cover image {} ({e}); the front is typeset instead",
                        path.display()
                    ),
                );
                None
            }
        },
        None => None,
    };
    if let Some(image) = &image {
        let dpi = front_dpi(&wrap, image.pixels());
        if dpi + 0.5 < options.min_dpi {
            diags.warn(
                nowhere,
                format!(
                    "the cover image prints at {dpi:.0} dpi on the front, under {:.0} dpi",
                    options.min_dpi
                ),
            );
        }
    }
    let mut sheet = draw::Sheet::new(fonts, &wrap, options.standard);
    sheet.background();
    match &image {
        Some(image) => sheet.front_image(image),
        None => sheet.front_text(meta),
    }
    if spine_text {
        sheet.spine(meta);
    }
    sheet.back(meta, isbn.as_ref());
    if sheet.emoji_left_out > 0 {
        diags.warn(
            nowhere,
            format!(
                "the print cover cannot draw colour emoji yet: {} left out",
                sheet.emoji_left_out
            ),
        );
    }
    let doc = sheet.finish(meta, image).map_err(Error::Backend)?;
    finish(doc, &wrap, meta, options.standard)
}

/// The resolution of a cover image of `(width, height)` pixels scaled to
/// cover the front panel and its bleed (as `draw::Sheet::front_image`
/// places it: filling it, cropped, never distorted).
fn front_dpi(wrap: &Wrap, (width, height): (u32, u32)) -> f64 {
    let (w, h) = (wrap.trim_width + wrap.bleed, wrap.sheet_height());
    let scale = (w.to_pt() / f64::from(width.max(1))).max(h.to_pt() / f64::from(height.max(1)));
    72.0 / scale
}

/// printpdf's document as bytes, with what it does not write added to its
/// `lopdf` form: the trim and bleed boxes (printpdf writes its boxes as
/// x, y, width, height and has no bleed box), the output intent and version
/// keys of the standard, the XMP packet, fixed dates and a content-derived
/// `/ID`.
fn finish(
    doc: printpdf::PdfDocument,
    wrap: &Wrap,
    meta: &Metadata,
    standard: Standard,
) -> Result<Vec<u8>> {
    use lopdf::{Dictionary, Object, Stream, StringFormat};
    let failed = |what: &str, e: lopdf::Error| Error::Backend(format!("cannot {what} ({e})"));
    let mut warnings = Vec::new();
    let options = printpdf::PdfSaveOptions {
        optimize: true,
        subset_fonts: true,
        secure: true,
        image_optimization: None,
    };
    let mut pdf = doc.to_lopdf_document(&options, &mut warnings);
    pdf.version = match standard {
        Standard::X1a => "1.4",
        Standard::X4 => "1.6",
        Standard::None | Standard::A2b => "1.7",
    }
    .into();
    let pt = |a: Abs| Object::Real(a.to_pt() as f32);
    let (w, h) = (wrap.sheet_width(), wrap.sheet_height());
    let b = wrap.bleed;
    let boxes =
        |x0: Abs, y0: Abs, x1: Abs, y1: Abs| Object::Array(vec![pt(x0), pt(y0), pt(x1), pt(y1)]);
    let page_ids: Vec<_> = pdf.get_pages().into_values().collect();
    for id in page_ids {
        let page = pdf
            .get_object_mut(id)
            .and_then(Object::as_dict_mut)
            .map_err(|e| failed("finish the cover page", e))?;
        page.set("MediaBox", boxes(Abs::ZERO, Abs::ZERO, w, h));
        page.set("BleedBox", boxes(Abs::ZERO, Abs::ZERO, w, h));
        page.set("TrimBox", boxes(b, b, w - b, h - b));
        page.remove(b"CropBox");
    }
    // Info and XMP: the interior's keys, so the cover passes the same checks.
    let info = crate::pdf::frame::Info {
        title: meta.title.clone().unwrap_or_default(),
        authors: meta.authors.clone(),
        subject: meta.description.clone().unwrap_or_default(),
        keywords: meta.subjects.clone(),
        language: meta.language.clone().unwrap_or_else(|| "en".into()),
        created: crate::date::source_date_epoch()
            .or_else(|| meta.date.as_deref().and_then(crate::date::parse))
            .map_or(946_684_800, |d| d.unix()),
    };
    let date = {
        let t = chrono::DateTime::from_timestamp(info.created, 0).unwrap_or_default();
        format!("D:{}Z", t.format("%Y%m%d%H%M%S"))
    };
    let text = |s: &str| {
        let mut bytes = vec![0xFE, 0xFF];
        for u in s.encode_utf16() {
            bytes.extend(u.to_be_bytes());
        }
        Object::String(bytes, StringFormat::Hexadecimal)
    };
    let mut d = Dictionary::new();
    d.set("Title", text(&info.title));
    if !info.authors.is_empty() {
        d.set("Author", text(&info.authors.join("; ")));
    }
    let tool = format!("bindery {}", env!("CARGO_PKG_VERSION"));
    d.set("Creator", text(&tool));
    d.set("Producer", text(&format!("{tool} (printpdf)")));
    d.set("CreationDate", Object::string_literal(date.clone()));
    d.set("ModDate", Object::string_literal(date));
    if standard != Standard::None {
        d.set("Trapped", Object::Name(b"False".to_vec()));
    }
    if let Some(v) = super::export::standards::pdfx_version(standard) {
        d.set("GTS_PDFXVersion", Object::string_literal(v));
        if standard == Standard::X1a {
            d.set("GTS_PDFXConformance", Object::string_literal(v));
        }
    }
    let info_id = pdf.add_object(d);
    pdf.trailer.set("Info", Object::Reference(info_id));
    let packet = super::export::metadata::xmp(&info, standard);
    let mut xmp = Stream::new(
        Dictionary::from_iter(vec![
            ("Type", Object::Name(b"Metadata".to_vec())),
            ("Subtype", Object::Name(b"XML".to_vec())),
        ]),
        packet.into_bytes(),
    );
    xmp.allows_compression = false;
    let xmp_id = pdf.add_object(xmp);
    let intent = output_intent(&mut pdf, standard);
    if standards::colors(standard) == standards::Colors::CmykManagedImages {
        calibrate_rgb_images(&mut pdf);
    }
    let catalog = pdf
        .catalog_mut()
        .map_err(|e| failed("finish the cover's catalog", e))?;
    catalog.set("Metadata", Object::Reference(xmp_id));
    catalog.set("Lang", text(&info.language));
    if let Some(intent) = intent {
        catalog.set(
            "OutputIntents",
            Object::Array(vec![Object::Reference(intent)]),
        );
    }
    // A content-derived /ID: rebuilds are byte-identical.
    pdf.trailer.remove(b"ID");
    let mut bytes = Vec::new();
    pdf.save_to(&mut bytes)
        .map_err(|e| Error::Backend(format!("cannot write the cover ({e})")))?;
    use sha2::Digest;
    let digest = sha2::Sha256::digest(&bytes);
    let id = Object::String(digest[..16].to_vec(), StringFormat::Hexadecimal);
    pdf.trailer.set("ID", Object::Array(vec![id.clone(), id]));
    let mut bytes = Vec::new();
    pdf.save_to(&mut bytes)
        .map_err(|e| Error::Backend(format!("cannot write the cover ({e})")))?;
    Ok(bytes)
}

/// The output intent of a standard, as `lopdf` objects (the same profile
/// and condition as the interior's).
fn output_intent(pdf: &mut lopdf::Document, standard: Standard) -> Option<lopdf::ObjectId> {
    use super::export::standards::{FOGRA39, SRGB};
    use lopdf::{Dictionary, Object, Stream};
    let (subtype, data, n, alternate, identifier, info): (&[u8], &[u8], i64, &[u8], &str, &str) =
        match standard {
            Standard::None => return None,
            Standard::X4 | Standard::X1a => (
                b"GTS_PDFX",
                FOGRA39,
                4,
                b"DeviceCMYK",
                "FOGRA39",
                "Coated FOGRA39 (ISO 12647-2:2004/Amd 1, paper type 1 or 2)",
            ),
            Standard::A2b => (
                b"GTS_PDFA1",
                SRGB,
                3,
                b"DeviceRGB",
                "sRGB IEC61966-2.1",
                "sRGB IEC61966-2.1",
            ),
        };
    let mut profile = Stream::new(
        Dictionary::from_iter(vec![
            ("N", Object::Integer(n)),
            ("Alternate", Object::Name(alternate.to_vec())),
        ]),
        data.to_vec(),
    );
    let _ = profile.compress();
    let profile = pdf.add_object(profile);
    Some(pdf.add_object(Dictionary::from_iter(vec![
        ("Type", Object::Name(b"OutputIntent".to_vec())),
        ("S", Object::Name(subtype.to_vec())),
        (
            "OutputConditionIdentifier",
            Object::string_literal(identifier),
        ),
        ("OutputCondition", Object::string_literal(info)),
        (
            "RegistryName",
            Object::string_literal("http://www.color.org"),
        ),
        ("Info", Object::string_literal(info)),
        ("DestOutputProfile", Object::Reference(profile)),
    ])))
}

/// PDF/X-4 allows RGB only in a calibrated space: the cover image's
/// device RGB becomes ICC-based sRGB (the interior's images are written so).
fn calibrate_rgb_images(pdf: &mut lopdf::Document) {
    use lopdf::{Dictionary, Object, Stream};
    let is_rgb_image = |o: &Object| {
        o.as_stream().is_ok_and(|s| {
            s.dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Image".as_slice())
                && s.dict.get(b"ColorSpace").and_then(Object::as_name).ok()
                    == Some(b"DeviceRGB".as_slice())
        })
    };
    let images: Vec<lopdf::ObjectId> = pdf
        .objects
        .iter()
        .filter(|(_, o)| is_rgb_image(o))
        .map(|(id, _)| *id)
        .collect();
    if images.is_empty() {
        return;
    }
    let mut profile = Stream::new(
        Dictionary::from_iter(vec![("N", Object::Integer(3))]),
        standards::SRGB.to_vec(),
    );
    let _ = profile.compress();
    let profile = pdf.add_object(profile);
    let space = Object::Array(vec![
        Object::Name(b"ICCBased".to_vec()),
        Object::Reference(profile),
    ]);
    for id in images {
        if let Ok(Object::Stream(image)) = pdf.get_object_mut(id) {
            image.dict.set("ColorSpace", space.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inches(a: Abs) -> f64 {
        a.to_pt() / 72.0
    }

    #[test]
    fn spine_width_is_pages_times_caliper() {
        let mut o = PdfOptions {
            paper: crate::pdf::PaperSize::Trade6x9,
            ..PdfOptions::default()
        };
        // KDP's published examples: 200 pages white 0.4504 in, 300 cream 0.75 in.
        o.service = Some(Service::Kdp);
        for (pages, stock, want) in [
            (24, Stock::White, 0.054048),
            (200, Stock::White, 0.4504),
            (300, Stock::Cream, 0.75),
            (828, Stock::Cream, 2.07),
        ] {
            o.stock = stock;
            let wrap = Wrap::new(&o, pages);
            assert!(
                (inches(wrap.spine) - want).abs() < 1e-6,
                "{pages} {stock:?}"
            );
            // Full cover: bleed + back + spine + front + bleed, 0.125 in bleed.
            assert!((inches(wrap.sheet_width()) - (0.25 + 12.0 + want)).abs() < 1e-6);
            assert!((inches(wrap.sheet_height()) - 9.25).abs() < 1e-9);
        }
        o.service = Some(Service::IngramSpark);
        o.stock = Stock::Cream;
        assert!((inches(Wrap::new(&o, 200).spine) - 0.458).abs() < 1e-6);
        o.stock = Stock::White;
        assert!((inches(Wrap::new(&o, 200).spine) - 0.424).abs() < 1e-6);
        // A 1500 × 844 px photo covering a 6 × 9 in front and its bleed is
        // scaled to the height, 9.25 in: 91 dpi.
        let wrap = Wrap::new(&o, 200);
        assert_eq!(front_dpi(&wrap, (1500, 844)).round(), 91.0);
        assert_eq!(front_dpi(&wrap, (1875, 2775)).round(), 300.0);
        // Text on the spine from 80 pages.
        assert!(Wrap::new(&o, 79).spine < spine_text_min(o.service, o.stock));
        assert!(Wrap::new(&o, 80).spine >= spine_text_min(o.service, o.stock));
    }
}

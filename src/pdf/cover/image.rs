//! The cover image read for the print cover: JPEG bytes passed through
//! where the standard allows them, other images decoded and written in the
//! colour space the standard allows (CMYK for PDF/X-1a, else RGB).

use crate::pdf::Standard;
use crate::pdf::export::standards;
use printpdf::DictItem;
use std::collections::BTreeMap;

/// The cover image, ready to be an image XObject: JPEG bytes passed
/// through, or samples converted for the standard.
pub struct CoverImage {
    pub(super) dict: BTreeMap<String, DictItem>,
    pub(super) data: Vec<u8>,
    pub(super) width: u32,
    pub(super) height: u32,
}

impl CoverImage {
    /// Its size in pixels.
    pub fn pixels(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    /// Reads an image file for the cover, in the colour space `standard`
    /// allows (PDF/X: CMYK; else RGB or what a JPEG has).
    pub fn read(path: &std::path::Path, standard: Standard) -> Result<CoverImage, String> {
        let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
        let mut dict = BTreeMap::new();
        let name = |n: &[u8]| DictItem::Name(n.to_vec());
        dict.insert("Type".into(), name(b"XObject"));
        dict.insert("Subtype".into(), name(b"Image"));
        dict.insert("BitsPerComponent".into(), DictItem::Int(8));
        let jpeg = crate::resource::jpeg::info(&bytes);
        let components = jpeg.as_ref().map(|j| j.components);
        let img = image::load_from_memory(&bytes).map_err(|e| e.to_string())?;
        let (width, height) = (img.width(), img.height());
        // PDF/X-1a takes CMYK or grey only; PDF/X-4 takes RGB in an
        // ICC-based sRGB space (set when the cover is finished), as the
        // interior's images do.
        let cmyk_only = standards::colors(standard) == standards::Colors::CmykOnly;
        let jpeg_ok = match components {
            Some(4) | Some(1) => true,
            Some(3) => !cmyk_only,
            _ => false,
        };
        let data = if jpeg_ok && standard != Standard::A2b || components == Some(1) {
            dict.insert(
                "ColorSpace".into(),
                name(match components {
                    Some(1) => b"DeviceGray",
                    Some(4) => b"DeviceCMYK",
                    _ => b"DeviceRGB",
                }),
            );
            dict.insert("Filter".into(), name(b"DCTDecode"));
            if components == Some(4) && jpeg.as_ref().is_some_and(|j| j.adobe) {
                // Adobe CMYK JPEGs store inverted samples.
                let decode = (0..8).map(|i| DictItem::Real(if i % 2 == 0 { 1.0 } else { 0.0 }));
                dict.insert("Decode".into(), DictItem::Array(decode.collect()));
            }
            bytes
        } else {
            let rgb = img.to_rgb8().into_raw();
            let (space, samples): (&[u8], Vec<u8>) = if cmyk_only {
                (b"DeviceCMYK", standards::rgb_to_cmyk(&rgb))
            } else {
                (b"DeviceRGB", rgb)
            };
            dict.insert("ColorSpace".into(), name(space));
            dict.insert("Filter".into(), name(b"FlateDecode"));
            crate::pdf::export::objects::deflate(&samples, 6).map_err(|e| e.to_string())?
        };
        dict.insert("Width".into(), DictItem::Int(i64::from(width)));
        dict.insert("Height".into(), DictItem::Int(i64::from(height)));
        Ok(CoverImage {
            dict,
            data,
            width,
            height,
        })
    }
}

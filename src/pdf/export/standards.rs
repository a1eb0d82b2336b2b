//! Standards: what PDF/X-4, PDF/X-1a:2003 and PDF/A-2b ask of the file
//! beyond plain PDF, in one place.
//!
//! Input: the [`Standard`] chosen. Output: the header version, the output
//! intent (an embedded ICC profile with its registered printing condition),
//! the keys the Info dictionary and the XMP packet must carry, the colour
//! space an image's samples go into, and what page objects must say. The
//! clauses each piece answers are listed in the README ("PDF standards").

use super::objects::Objects;
use crate::diag::Result;
use crate::pdf::Standard;
use pdf_writer::{Finish, Name, Ref, Str, TextStr};
use std::io::Write;

/// The CMYK profile of the registered printing condition FOGRA39 (offset on
/// coated paper, ISO 12647-2), made from free characterization data (see
/// `resources/icc/README.md`).
pub const FOGRA39: &[u8] = include_bytes!("../../../resources/icc/FOGRA39L-bindery.icc");

/// sRGB IEC 61966-2.1 (Zlib licence; `resources/icc/README.md`).
pub const SRGB: &[u8] = include_bytes!("../../../resources/icc/sRGB.icc");

/// The header's version: PDF/X-1a:2003 is based on PDF 1.4 and PDF/X-4 on
/// PDF 1.6 (ISO 15930-4 and -7, clause 4); PDF/A-2 on PDF 1.7.
pub fn header(standard: Standard) -> &'static [u8] {
    match standard {
        Standard::X1a => b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n",
        Standard::X4 => b"%PDF-1.6\n%\xE2\xE3\xCF\xD3\n",
        Standard::None | Standard::A2b => b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n",
    }
}

/// The value of `GTS_PDFXVersion` (Info and XMP), for PDF/X.
pub fn pdfx_version(standard: Standard) -> Option<&'static str> {
    match standard {
        Standard::X4 => Some("PDF/X-4"),
        Standard::X1a => Some("PDF/X-1a:2003"),
        Standard::None | Standard::A2b => None,
    }
}

/// How colours and image samples are written for a standard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Colors {
    /// Greys as DeviceGray, colours as DeviceRGB (plain PDF, PDF/A-2b with
    /// its sRGB output intent).
    Rgb,
    /// Greys as DeviceGray, colours as DeviceCMYK; RGB images keep their
    /// samples in an ICC-based sRGB space (PDF/X-4: device RGB is not
    /// allowed with a CMYK output intent, calibrated RGB is).
    CmykManagedImages,
    /// Everything in DeviceGray or DeviceCMYK, images converted (PDF/X-1a).
    CmykOnly,
}

/// How a standard wants colour written.
pub fn colors(standard: Standard) -> Colors {
    match standard {
        Standard::None | Standard::A2b => Colors::Rgb,
        Standard::X4 => Colors::CmykManagedImages,
        Standard::X1a => Colors::CmykOnly,
    }
}

/// Whether images may keep an alpha channel as a soft mask (PDF/X-1a
/// forbids transparency: ISO 15930-4, 6.5).
pub fn transparency(standard: Standard) -> bool {
    standard != Standard::X1a
}

/// Whether link annotations are written. PDF/X forbids annotations inside
/// the bleed box other than trap networks and printer's marks (ISO
/// 15930-4 and -7, 6.6); a print file has no use for them, so none are
/// written (the outline, which is no annotation, stays).
pub fn links(standard: Standard) -> bool {
    !standard.is_x()
}

/// The annotation flags a link carries: PDF/A-2 wants every annotation
/// printable (ISO 19005-2, 6.3.2: the Print flag set, Hidden, Invisible,
/// NoView and ToggleNoView clear).
pub fn link_flags(standard: Standard) -> Option<i32> {
    (standard == Standard::A2b).then_some(4)
}

/// An ICC profile stream: `N` components, its alternate device space.
fn icc<W: Write>(objects: &mut Objects<W>, data: &[u8], n: i32) -> Result<Ref> {
    let compressed = super::objects::deflate(data, 6)?;
    let id = objects.reserve();
    objects.write(id, |c, id| {
        let mut s = c.icc_profile(id, &compressed);
        s.n(n);
        s.filter(pdf_writer::Filter::FlateDecode);
        s.alternate_name(Name(match n {
            4 => b"DeviceCMYK".as_slice(),
            1 => b"DeviceGray",
            _ => b"DeviceRGB",
        }));
        s.finish();
    })?;
    Ok(id)
}

/// What the exporter keeps of the standard: the sRGB profile stream for
/// calibrated RGB images (PDF/X-4), once written.
#[derive(Default)]
pub struct Profiles {
    srgb: Option<Ref>,
}

impl Profiles {
    /// The ICC-based sRGB colour space's profile, written on first use.
    pub fn srgb<W: Write>(&mut self, objects: &mut Objects<W>) -> Result<Ref> {
        if let Some(r) = self.srgb {
            return Ok(r);
        }
        let r = icc(objects, SRGB, 3)?;
        self.srgb = Some(r);
        Ok(r)
    }
}

/// Writes the output intent of a standard (none for plain PDF): for PDF/X
/// the CMYK profile of FOGRA39 with its identifier in the ICC registry
/// (ISO 15930-7, 6.2.3; the condition "FOGRA39" is registered at
/// color.org); for PDF/A-2b the sRGB profile (ISO 19005-2, 6.2.3).
pub fn output_intent<W: Write>(
    objects: &mut Objects<W>,
    profiles: &mut Profiles,
    standard: Standard,
) -> Result<Option<Ref>> {
    let (subtype, profile, identifier, info): (&[u8], Ref, &str, &str) = match standard {
        Standard::None => return Ok(None),
        Standard::X4 | Standard::X1a => (
            b"GTS_PDFX",
            icc(objects, FOGRA39, 4)?,
            "FOGRA39",
            "Coated FOGRA39 (ISO 12647-2:2004/Amd 1, paper type 1 or 2)",
        ),
        Standard::A2b => (
            b"GTS_PDFA1",
            profiles.srgb(objects)?,
            "sRGB IEC61966-2.1",
            "sRGB IEC61966-2.1",
        ),
    };
    let id = objects.reserve();
    objects.write(id, |c, id| {
        let mut d = c.indirect(id).dict();
        d.pair(Name(b"Type"), Name(b"OutputIntent"));
        d.pair(Name(b"S"), Name(subtype));
        d.pair(
            Name(b"OutputConditionIdentifier"),
            Str(identifier.as_bytes()),
        );
        d.pair(Name(b"OutputCondition"), TextStr(info));
        d.pair(Name(b"RegistryName"), Str(b"http://www.color.org"));
        d.pair(Name(b"Info"), TextStr(info));
        d.pair(Name(b"DestOutputProfile"), profile);
        d.finish();
    })?;
    Ok(Some(id))
}

/// CMYK for an sRGB colour, by grey-component replacement: the darkness
/// shared by all three channels goes to black ink (so black and greys print
/// in black only), the rest to C, M and Y. Not colour-managed: PDF/X-1a
/// files carry the profile the printer converts *from*, and device CMYK
/// written here is what it prints.
pub fn cmyk(r: u8, g: u8, b: u8) -> [f32; 4] {
    let (r, g, b) = (
        f32::from(r) / 255.0,
        f32::from(g) / 255.0,
        f32::from(b) / 255.0,
    );
    let k = 1.0 - r.max(g).max(b);
    if k >= 1.0 {
        return [0.0, 0.0, 0.0, 1.0];
    }
    let part = |v: f32| ((1.0 - v - k) / (1.0 - k)).clamp(0.0, 1.0);
    [part(r), part(g), part(b), k]
}

/// Converts 8-bit RGB samples to CMYK in place of a new buffer (images for
/// PDF/X-1a).
pub fn rgb_to_cmyk(rgb: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(rgb.len() / 3 * 4);
    for px in rgb.chunks_exact(3) {
        for v in cmyk(px[0], px[1], px[2]) {
            out.push((v * 255.0).round() as u8);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn black_and_greys_print_in_black_ink_only() {
        assert_eq!(cmyk(0, 0, 0), [0.0, 0.0, 0.0, 1.0]);
        let [c, m, y, k] = cmyk(128, 128, 128);
        assert_eq!((c, m, y), (0.0, 0.0, 0.0));
        assert!((k - 0.498).abs() < 0.01);
        assert_eq!(cmyk(255, 255, 255), [0.0, 0.0, 0.0, 0.0]);
        let [c, m, y, k] = cmyk(160, 20, 20);
        assert!(c < 0.01 && m > 0.8 && y > 0.8 && (k - 0.37).abs() < 0.01);
    }

    #[test]
    fn the_profiles_are_what_they_say() {
        // ICC header: size, then at 12 the class, at 16 the colour space.
        assert_eq!(&FOGRA39[12..20], b"prtrCMYK");
        assert_eq!(&SRGB[12..20], b"mntrRGB ");
        assert_eq!(
            u32::from_be_bytes(FOGRA39[0..4].try_into().unwrap()) as usize,
            FOGRA39.len()
        );
    }
}

//! JPEG markers: read what a JPEG is without decoding it, and strip metadata
//! segments losslessly.

/// What the JPEG's headers say.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JpegInfo {
    /// Colour components (1 grey, 3 YCbCr/RGB, 4 CMYK/YCCK).
    pub components: u8,
    /// An Adobe APP14 segment is present (its CMYK data is stored inverted).
    pub adobe: bool,
    /// Progressive (SOF2) rather than baseline.
    pub progressive: bool,
    /// EXIF, XMP, IPTC or comment segments that can be dropped.
    pub has_metadata: bool,
}

/// Walks the marker segments before the image data.
fn segments(bytes: &[u8]) -> impl Iterator<Item = (u8, std::ops::Range<usize>)> + '_ {
    let mut i = 2usize;
    let mut done = bytes.len() < 4 || bytes[0] != 0xFF || bytes[1] != 0xD8;
    std::iter::from_fn(move || {
        while !done && i + 4 <= bytes.len() {
            if bytes[i] != 0xFF {
                done = true;
                return None;
            }
            let marker = bytes[i + 1];
            if marker == 0xFF {
                i += 1;
                continue;
            }
            if marker == 0xD8 || (0xD0..=0xD7).contains(&marker) || marker == 0x01 {
                i += 2;
                continue;
            }
            let len = usize::from(u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]));
            let range = i..(i + 2 + len).min(bytes.len());
            i += 2 + len;
            if marker == 0xDA || marker == 0xD9 {
                done = true;
            }
            return Some((marker, range));
        }
        None
    })
}

/// Where the headers of a JPEG end (the end of its start-of-scan segment),
/// if `bytes` reaches that far.
pub fn headers_end(bytes: &[u8]) -> Option<usize> {
    let (_, range) = segments(bytes).find(|(marker, _)| *marker == 0xDA)?;
    let len = u16::from_be_bytes([*bytes.get(range.start + 2)?, *bytes.get(range.start + 3)?]);
    let end = range.start + 2 + usize::from(len);
    (end <= bytes.len()).then_some(end)
}

/// Reads the headers of a JPEG.
pub fn info(bytes: &[u8]) -> Option<JpegInfo> {
    let mut info = JpegInfo::default();
    let mut found = false;
    for (marker, range) in segments(bytes) {
        let seg = &bytes[range];
        match marker {
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                info.components = *seg.get(9)?;
                info.progressive = matches!(marker, 0xC2 | 0xC6 | 0xCA | 0xCE);
                found = true;
            }
            0xEE if seg.get(4..9) == Some(b"Adobe") => info.adobe = true,
            0xE1 | 0xED | 0xFE => info.has_metadata = true,
            _ => {}
        }
    }
    found.then_some(info)
}

/// The JPEG without EXIF/XMP (APP1), IPTC (APP13) and comment segments; the
/// image data is untouched.
pub fn strip_metadata(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&bytes[..2]);
    let mut last_end = 2;
    for (marker, range) in segments(bytes) {
        if !matches!(marker, 0xE1 | 0xED | 0xFE) {
            out.extend_from_slice(&bytes[range.clone()]);
        }
        last_end = range.end;
        if marker == 0xDA {
            break;
        }
    }
    out.extend_from_slice(&bytes[last_end..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg(extra: &[u8]) -> Vec<u8> {
        let img = image::RgbImage::from_pixel(4, 4, image::Rgb([200, 10, 10]));
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new(&mut out)
            .encode_image(&img)
            .unwrap();
        // Insert a segment right after SOI.
        let mut with = out[..2].to_vec();
        with.extend_from_slice(extra);
        with.extend_from_slice(&out[2..]);
        with
    }

    #[test]
    fn reads_components_and_strips_exif() {
        let exif = [0xFF, 0xE1, 0x00, 0x08, b'E', b'x', b'i', b'f', 0, 0];
        let bytes = jpeg(&exif);
        let i = info(&bytes).unwrap();
        assert_eq!(i.components, 3);
        assert!(i.has_metadata);
        let stripped = strip_metadata(&bytes);
        assert_eq!(stripped.len(), bytes.len() - exif.len());
        assert!(!info(&stripped).unwrap().has_metadata);
        image::load_from_memory(&stripped).unwrap();
    }

    #[test]
    fn headers_end_at_the_scan() {
        let bytes = jpeg(&[]);
        let end = headers_end(&bytes).unwrap();
        assert!(end < bytes.len());
        // The scan header is the last segment: the headers read from the
        // prefix alone are the whole file's.
        assert_eq!(info(&bytes[..end]), info(&bytes));
        assert_eq!(headers_end(&bytes[..end]), Some(end));
        // Cut inside the headers: not enough to go on.
        assert_eq!(headers_end(&bytes[..end - 1]), None);
        assert_eq!(headers_end(&bytes[..20]), None);
        assert_eq!(headers_end(b"\x89PNG\r\n\x1a\n"), None);
    }
}

//! PNG chunks: find and drop metadata chunks losslessly.

const SIGNATURE: &[u8; 8] = b"\x89PNG\r\n\x1a\n";

/// Chunks that carry metadata only and can be dropped.
fn is_metadata(kind: &[u8]) -> bool {
    matches!(kind, b"tEXt" | b"zTXt" | b"iTXt" | b"tIME" | b"eXIf")
}

fn chunks(bytes: &[u8]) -> impl Iterator<Item = (&[u8], std::ops::Range<usize>)> {
    let mut i = 8usize;
    let valid = bytes.starts_with(SIGNATURE);
    std::iter::from_fn(move || {
        if !valid || i + 12 > bytes.len() {
            return None;
        }
        let len = u32::from_be_bytes(bytes[i..i + 4].try_into().ok()?) as usize;
        let kind = &bytes[i + 4..i + 8];
        // A chunk that claims to run past the file ends the walk, unclamped
        // so that callers can tell.
        let end = i.checked_add(12)?.checked_add(len)?;
        if end > bytes.len() {
            let start = i;
            i = bytes.len();
            return Some((kind, start..end));
        }
        let range = i..end;
        i = end;
        Some((kind, range))
    })
}

/// Whether the PNG is structurally whole: every chunk inside the file with a
/// correct CRC, image data present, and an IEND chunk (a cheap check that
/// catches truncated and damaged files without decoding them).
pub fn is_complete(bytes: &[u8]) -> bool {
    let mut has_idat = false;
    let mut has_iend = false;
    let mut end = 8;
    for (kind, range) in chunks(bytes) {
        if range.end - range.start < 12 || range.end > bytes.len() {
            return false;
        }
        let data = &bytes[range.start + 8..range.end - 4];
        let stored =
            u32::from_be_bytes(bytes[range.end - 4..range.end].try_into().unwrap_or([0; 4]));
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        if crc.sum() != stored {
            return false;
        }
        has_idat |= kind == b"IDAT";
        has_iend |= kind == b"IEND";
        end = range.end;
    }
    has_idat && has_iend && end <= bytes.len()
}

/// The image data of a PNG that a PDF can carry as it is (`FlateDecode`
/// with PNG predictors): 8-bit grey or RGB, not interlaced, no transparency.
/// Returns the concatenated IDAT data and the number of colour components.
pub fn passthrough(bytes: &[u8]) -> Option<(Vec<u8>, u8)> {
    let mut data = Vec::new();
    let mut colors = None;
    for (kind, range) in chunks(bytes) {
        let body = bytes.get(range.start + 8..range.end.checked_sub(4)?)?;
        match kind {
            b"IHDR" => {
                let (depth, color, interlace) = (*body.get(8)?, *body.get(9)?, *body.get(12)?);
                if depth != 8 || interlace != 0 {
                    return None;
                }
                colors = Some(match color {
                    0 => 1,
                    2 => 3,
                    _ => return None,
                });
            }
            b"tRNS" => return None,
            b"IDAT" => data.extend_from_slice(body),
            _ => {}
        }
    }
    Some((data, colors?))
}

/// Whether the PNG has metadata chunks.
pub fn has_metadata(bytes: &[u8]) -> bool {
    chunks(bytes).any(|(kind, _)| is_metadata(kind))
}

/// The PNG without its metadata chunks.
pub fn strip_metadata(bytes: &[u8]) -> Vec<u8> {
    let mut out = SIGNATURE.to_vec();
    for (kind, range) in chunks(bytes) {
        if !is_metadata(kind) {
            out.extend_from_slice(&bytes[range.start..range.end.min(bytes.len())]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_text_chunks() {
        let img = image::RgbaImage::from_pixel(3, 3, image::Rgba([1, 2, 3, 4]));
        let mut png = Vec::new();
        image::codecs::png::PngEncoder::new(&mut png)
            .write_image(&img, 3, 3, image::ExtendedColorType::Rgba8)
            .unwrap();
        // Insert a tEXt chunk after IHDR (8 + 25 bytes).
        let text = b"Comment\0hello";
        let mut chunk = (text.len() as u32).to_be_bytes().to_vec();
        chunk.extend_from_slice(b"tEXt");
        chunk.extend_from_slice(text);
        chunk.extend_from_slice(&[0, 0, 0, 0]);
        let mut with = png[..33].to_vec();
        with.extend_from_slice(&chunk);
        with.extend_from_slice(&png[33..]);
        assert!(has_metadata(&with));
        let stripped = strip_metadata(&with);
        assert_eq!(stripped, png);
    }

    use image::ImageEncoder;
}

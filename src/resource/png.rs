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

/// What derive needs to know, in one walk over the chunks: whether there
/// are metadata chunks, and the colour components and image data length
/// when the data can pass into a PDF as it is (`FlateDecode` with PNG
/// predictors: 8-bit grey or RGB, not interlaced, no transparency).
pub fn facts(bytes: &[u8]) -> (bool, Option<(u8, u64)>) {
    let mut metadata = false;
    let mut colors = None;
    let mut eligible = true;
    let mut idat = 0u64;
    for (kind, range) in chunks(bytes) {
        metadata |= is_metadata(kind);
        let Some(body) = range
            .end
            .checked_sub(4)
            .and_then(|end| bytes.get(range.start + 8..end))
        else {
            eligible = false;
            continue;
        };
        match kind {
            b"IHDR" => match (body.get(8), body.get(9), body.get(12)) {
                (Some(8), Some(0), Some(0)) => colors = Some(1),
                (Some(8), Some(2), Some(0)) => colors = Some(3),
                _ => eligible = false,
            },
            b"tRNS" => eligible = false,
            b"IDAT" => idat += body.len() as u64,
            _ => {}
        }
    }
    (metadata, colors.filter(|_| eligible).map(|c| (c, idat)))
}

/// The image data of a PNG that a PDF can carry as it is (see [`facts`]):
/// the concatenated IDAT data and the number of colour components.
pub fn passthrough(bytes: &[u8]) -> Option<(Vec<u8>, u8)> {
    let (colors, _) = facts(bytes).1?;
    Some((image_data(bytes)?, colors))
}

/// The concatenated data of a PNG's IDAT chunks: one zlib stream of
/// filtered rows.
pub fn image_data(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut data = Vec::new();
    for (kind, range) in chunks(bytes) {
        if kind == b"IDAT" {
            data.extend_from_slice(bytes.get(range.start + 8..range.end.checked_sub(4)?)?);
        }
    }
    Some(data)
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
        assert!(facts(&with).0);
        let stripped = strip_metadata(&with);
        assert_eq!(stripped, png);
    }

    use image::ImageEncoder;

    #[test]
    fn facts_tell_metadata_and_passthrough() {
        fn encode(color: image::ExtendedColorType, pixels: &[u8], w: u32, h: u32) -> Vec<u8> {
            let mut png = Vec::new();
            image::codecs::png::PngEncoder::new(&mut png)
                .write_image(pixels, w, h, color)
                .unwrap();
            png
        }
        let rgb = encode(image::ExtendedColorType::Rgb8, &[7; 4 * 3 * 3], 4, 3);
        let grey = encode(image::ExtendedColorType::L8, &[9; 4 * 3], 4, 3);
        let rgba = encode(image::ExtendedColorType::Rgba8, &[1; 4 * 3 * 4], 4, 3);
        let deep = encode(image::ExtendedColorType::Rgb16, &[3; 4 * 3 * 6], 4, 3);
        let mut text = rgb[..33].to_vec();
        let body = b"Comment\0hello";
        text.extend_from_slice(&(body.len() as u32).to_be_bytes());
        text.extend_from_slice(b"tEXt");
        text.extend_from_slice(body);
        text.extend_from_slice(&[0; 4]);
        text.extend_from_slice(&rgb[33..]);
        for png in [&rgb, &grey, &rgba, &deep, &text] {
            // The data length promised is the data that passes through.
            assert_eq!(
                facts(png).1,
                passthrough(png).map(|(data, colors)| (colors, data.len() as u64))
            );
        }
        assert!(!facts(&rgb).0 && !facts(&rgba).0 && facts(&text).0);
        assert_eq!(facts(&deep).1, None, "16-bit");
        assert_eq!(facts(&rgb).1.map(|(c, _)| c), Some(3));
        assert_eq!(facts(&grey).1.map(|(c, _)| c), Some(1));
        assert_eq!(facts(&rgba).1, None);
        assert!(facts(&text).0);
    }
}

//! The EPUB container: copies the ZIP epub-builder produces (text only,
//! already deflated) into the final one with the `zip` crate, in a fixed
//! order with fixed timestamps, and streams the images in from their files.
//!
//! `mimetype` comes first and is stored; already compressed media (images,
//! fonts) are stored; text is deflated. Two runs on the same tree give the same
//! bytes.

use crate::doc::Blob;
use std::io::{Seek, Write};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

/// Whether a file is already compressed and should be stored, not deflated.
fn is_compressed(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [
        ".jpg", ".jpeg", ".png", ".gif", ".webp", ".otf", ".ttf", ".woff", ".woff2", ".mp3", ".mp4",
    ]
    .iter()
    .any(|ext| lower.ends_with(ext))
}

/// Writes the container into `sink`: `mimetype`, `META-INF/container.xml`,
/// the package document, the other files of `assembled` (epub-builder's ZIP,
/// copied without recompressing; entries named in `replace` are written
/// with those bytes instead), then the media, each streamed from its file.
pub fn write<W: Write + Seek>(
    sink: W,
    assembled: &[u8],
    replace: &[(&str, Vec<u8>)],
    media: &[(String, Blob)],
) -> zip::result::ZipResult<W> {
    let mut archive = ZipArchive::new(std::io::Cursor::new(assembled))?;
    let mut zip = ZipWriter::new(sink);
    let stamp = DateTime::default();
    let stored = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .last_modified_time(stamp)
        .unix_permissions(0o644);
    // Level 6: level 9 is twice as slow for 0.01% smaller text.
    let deflated = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(6))
        .last_modified_time(stamp)
        .unix_permissions(0o644);
    zip.start_file("mimetype", stored)?;
    zip.write_all(b"application/epub+zip")?;
    let rank = |name: &str| match name {
        "META-INF/container.xml" => 0,
        "OEBPS/content.opf" => 1,
        _ => 2,
    };
    let mut order: Vec<(usize, String)> = Vec::with_capacity(archive.len());
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i)?;
        let name = entry.name()?.replace('\\', "/");
        if entry.is_dir() || name == "mimetype" {
            continue;
        }
        order.push((i, name));
    }
    // A stable sort keeps epub-builder's order within each rank.
    order.sort_by_key(|(_, n)| rank(n));
    for (i, name) in order {
        if let Some((_, bytes)) = replace.iter().find(|(n, _)| *n == name) {
            zip.start_file(name.as_str(), deflated)?;
            zip.write_all(bytes)?;
        } else {
            let entry = archive.by_index_raw(i)?;
            zip.raw_copy_file_touch(entry, stamp, Some(0o644))?;
        }
    }
    for (name, blob) in media {
        let options = if is_compressed(name) {
            stored
        } else {
            deflated
        };
        // Large files need ZIP64 headers; the zip crate decides from the size.
        let options = options.large_file(blob.len() >= u64::from(u32::MAX));
        zip.start_file(name.as_str(), options)?;
        blob.copy_to(&mut zip)?;
    }
    zip.finish()
}

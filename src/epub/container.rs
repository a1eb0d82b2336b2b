//! The EPUB container: reads back the ZIP epub-builder produces and rewrites it
//! with the `zip` crate in a fixed order with fixed timestamps.
//!
//! `mimetype` comes first and is stored; already compressed media (images,
//! fonts) are stored; text is deflated. Two runs on the same tree give the same
//! bytes.

use std::io::{Read, Write};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

/// Reads every entry of the ZIP that epub-builder wrote, in archive order.
pub fn read(bytes: &[u8]) -> zip::result::ZipResult<Vec<(String, Vec<u8>)>> {
    let mut archive = ZipArchive::new(std::io::Cursor::new(bytes))?;
    let mut files = Vec::with_capacity(archive.len());
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i)?;
        if entry.is_dir() {
            continue;
        }
        let name = entry.name()?.replace('\\', "/");
        let mut data = Vec::with_capacity(entry.size() as usize);
        entry.read_to_end(&mut data)?;
        files.push((name, data));
    }
    Ok(files)
}

/// Whether a file is already compressed and should be stored, not deflated.
fn is_compressed(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [
        ".jpg", ".jpeg", ".png", ".gif", ".webp", ".otf", ".ttf", ".woff", ".woff2", ".mp3", ".mp4",
    ]
    .iter()
    .any(|ext| lower.ends_with(ext))
}

/// Writes the container: `mimetype`, `META-INF/container.xml`, the package
/// document, then every other file in the order given.
pub fn write(files: &[(String, Vec<u8>)]) -> zip::result::ZipResult<Vec<u8>> {
    let mut zip = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stamp = DateTime::default();
    let stored = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .last_modified_time(stamp)
        .unix_permissions(0o644);
    let deflated = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(9))
        .last_modified_time(stamp)
        .unix_permissions(0o644);
    zip.start_file("mimetype", stored)?;
    zip.write_all(b"application/epub+zip")?;
    let rank = |name: &str| match name {
        "META-INF/container.xml" => 0,
        "OEBPS/content.opf" => 1,
        _ => 2,
    };
    let mut order: Vec<&(String, Vec<u8>)> =
        files.iter().filter(|(n, _)| n != "mimetype").collect();
    // A stable sort keeps epub-builder's order within each rank.
    order.sort_by_key(|(n, _)| rank(n));
    for (name, bytes) in order {
        let options = if is_compressed(name) {
            stored
        } else {
            deflated
        };
        zip.start_file(name.as_str(), options)?;
        zip.write_all(bytes)?;
    }
    Ok(zip.finish()?.into_inner())
}

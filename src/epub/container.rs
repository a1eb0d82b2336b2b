//! The EPUB container, written with the `zip` crate in a fixed order with
//! fixed timestamps: `mimetype` (first, stored), `META-INF/container.xml`,
//! the package document, navigation, then the images, streamed from their
//! files and stored (already compressed: not deflated again), then
//! epub-builder's content documents, copied from its ZIP without being
//! decompressed and compressed again. Two runs on the same tree give the
//! same bytes.

use crate::doc::Blob;
use std::io::{Seek, Write};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

/// Where the package document is (the container points at it).
pub const PACKAGE: &str = "OEBPS/content.opf";

/// The container's own `META-INF/container.xml`.
fn container_xml() -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<container version=\"1.0\" xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\">\n  <rootfiles>\n    <rootfile full-path=\"{PACKAGE}\" media-type=\"application/oebps-package+xml\"/>\n  </rootfiles>\n</container>\n"
    )
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

/// Writes the container entry by entry.
pub struct Container<W: Write + Seek> {
    zip: ZipWriter<W>,
    stored: SimpleFileOptions,
    deflated: SimpleFileOptions,
    /// Entries written so far (later copies of the same name are skipped).
    written: std::collections::BTreeSet<String>,
}

impl<W: Write + Seek> Container<W> {
    /// Starts the container with `mimetype` and `META-INF/container.xml`.
    pub fn new(sink: W) -> zip::result::ZipResult<Container<W>> {
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
        let mut container = Container {
            zip: ZipWriter::new(sink),
            stored,
            deflated,
            written: Default::default(),
        };
        container.zip.start_file("mimetype", stored)?;
        container.zip.write_all(b"application/epub+zip")?;
        container.written.insert("mimetype".into());
        container.text("META-INF/container.xml", container_xml().as_bytes())?;
        Ok(container)
    }

    /// A text file, deflated.
    pub fn text(&mut self, name: &str, bytes: &[u8]) -> zip::result::ZipResult<()> {
        self.zip.start_file(name, self.deflated)?;
        self.zip.write_all(bytes)?;
        self.written.insert(name.into());
        Ok(())
    }

    /// A media file, streamed from its blob; stored when already compressed.
    pub fn media(&mut self, name: &str, blob: &Blob) -> zip::result::ZipResult<()> {
        let options = if is_compressed(name) {
            self.stored
        } else {
            self.deflated
        };
        // Large files need ZIP64 headers; the zip crate decides from the size.
        let options = options.large_file(blob.len() >= u64::from(u32::MAX));
        self.zip.start_file(name, options)?;
        blob.copy_to(&mut self.zip)?;
        self.written.insert(name.into());
        Ok(())
    }

    /// Copies the entries of `assembled` (epub-builder's ZIP) that were not
    /// written yet, compressed data as is, with this container's timestamp.
    pub fn copy(&mut self, assembled: &[u8]) -> zip::result::ZipResult<()> {
        let mut archive = ZipArchive::new(std::io::Cursor::new(assembled))?;
        for i in 0..archive.len() {
            let entry = archive.by_index_raw(i)?;
            let name = entry.name()?.replace('\\', "/");
            if entry.is_dir() || self.written.contains(&name) {
                continue;
            }
            self.zip
                .raw_copy_file_touch(entry, DateTime::default(), Some(0o644))?;
            self.written.insert(name);
        }
        Ok(())
    }

    /// Writes the central directory; returns the sink.
    pub fn finish(self) -> zip::result::ZipResult<W> {
        self.zip.finish()
    }
}

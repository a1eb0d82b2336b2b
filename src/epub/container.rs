//! The EPUB container, written with the `zip` crate in a fixed order with
//! fixed timestamps: `mimetype` (first, stored), the images, then the EPUB
//! epub-builder assembled.
//!
//! epub-builder 0.8.3 keeps the `Zip` trait its builder writes through
//! private, and its one library implementation holds the whole archive in
//! memory and deflates every entry, images included. So epub-builder is
//! given the text of the book (stylesheet, content documents) and only the
//! names of the images (it lists them in the manifest and writes an empty
//! entry for each). The images are streamed from their files into the
//! output and stored (already compressed: not deflated again, unless a
//! sample shows deflate would make the file a fifth smaller: PNGs written
//! by fast encoders often are, see [`prepare`]), while epub-builder works
//! on the other cores; then its archive is copied entry
//! by entry after them: `container.xml`, the stylesheet and content
//! documents as compressed (never decompressed and compressed again), its
//! package document, NCX and navigation document corrected on the way (see
//! [`super::fixes`]); its `mimetype` and its empty image entries, already
//! written, are skipped. Two runs on the same tree give the same bytes.

use super::fixes::Fixes;
use crate::doc::Blob;
use std::collections::BTreeSet;
use std::io::{Read, Seek, Write};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

/// Where the package document is (epub-builder's `container.xml` points at it).
pub const PACKAGE: &str = "OEBPS/content.opf";
/// The NCX.
pub const NCX: &str = "OEBPS/toc.ncx";
/// The navigation document.
pub const NAV: &str = "OEBPS/nav.xhtml";

/// Whether a file is already compressed and should be stored, not deflated.
fn is_compressed(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [
        ".jpg", ".jpeg", ".png", ".gif", ".webp", ".otf", ".ttf", ".woff", ".woff2", ".mp3", ".mp4",
    ]
    .iter()
    .any(|ext| lower.ends_with(ext))
}

/// A media file made ready for the container (see [`prepare`]).
pub enum Prepared {
    /// Streamed from its blob when written: stored if its format is
    /// compressed already, deflated otherwise.
    Stream,
    /// Deflated ahead, as the one entry of a ZIP archive in memory whose
    /// compressed data is copied into the output as it is.
    Deflated(Vec<u8>),
}

/// How much of a file [`prepare`] deflates to see whether deflate pays.
const SAMPLE: usize = 64 << 10;

/// Decides how a media file goes into the container, and does the costly
/// part of it (this runs on worker threads, the writing does not). Files
/// in compressed formats are stored, except when deflating a sample from
/// their middle saves a fifth or more and deflating the whole file then
/// saves at least a tenth: a PNG from a fast encoder (fdeflate, or zlib at
/// level 1) of a flat or synthetic image can shrink several times, and an EPUB
/// holding it stored would be that much larger than one a tool that
/// deflates everything makes. A real photograph fails the sample, at the
/// cost of deflating 64 KB.
pub fn prepare(name: &str, blob: &Blob) -> std::io::Result<Prepared> {
    let len = blob.len();
    if !is_compressed(name) || len < SAMPLE as u64 || len >= u64::from(u32::MAX) {
        return Ok(Prepared::Stream);
    }
    let deflate = |bytes: &[u8]| -> std::io::Result<Vec<u8>> {
        let mut encoder =
            flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(bytes)?;
        encoder.finish()
    };
    let sample = sample(blob)?;
    if deflate(&sample)?.len() * 5 > sample.len() * 4 {
        return Ok(Prepared::Stream);
    }
    let bytes = blob.read()?;
    let mut zip = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file(name, fast_deflate())
        .map_err(std::io::Error::other)?;
    zip.write_all(&bytes)?;
    let archive = zip.finish().map_err(std::io::Error::other)?.into_inner();
    // The archive's headers are a few dozen bytes; the test is on the data.
    if archive.len() as u64 * 10 > len * 9 {
        return Ok(Prepared::Stream);
    }
    Ok(Prepared::Deflated(archive))
}

/// Up to [`SAMPLE`] bytes from the middle of a blob (the start of a file is
/// headers and metadata, and says less about the data).
fn sample(blob: &Blob) -> std::io::Result<Vec<u8>> {
    use std::io::SeekFrom;
    let start = (blob.len() / 2).saturating_sub(SAMPLE as u64 / 2);
    match blob {
        Blob::Memory(bytes) => {
            let start = start as usize;
            Ok(bytes[start..(start + SAMPLE).min(bytes.len())].to_vec())
        }
        Blob::File { path, .. } => {
            let mut file = std::fs::File::open(path)?;
            file.seek(SeekFrom::Start(start))?;
            let mut buf = Vec::with_capacity(SAMPLE);
            file.take(SAMPLE as u64).read_to_end(&mut buf)?;
            Ok(buf)
        }
    }
}

/// The options of a media file deflated ahead: level 1 (on the PNGs that
/// need it, level 6 is three times as slow for a file a half smaller).
fn fast_deflate() -> SimpleFileOptions {
    SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(1))
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644)
}

/// Writes the output: `mimetype`, the images, then epub-builder's archive.
pub struct Container<W: Write + Seek> {
    zip: ZipWriter<W>,
    stored: SimpleFileOptions,
    deflated: SimpleFileOptions,
    /// Entries written so far (epub-builder's of the same name are skipped).
    written: BTreeSet<String>,
}

impl<W: Write + Seek> Container<W> {
    /// A container writing into `sink`, starting with `mimetype` (stored).
    pub fn new(sink: W) -> std::io::Result<Container<W>> {
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
        let mut c = Container {
            zip: ZipWriter::new(sink),
            stored,
            deflated,
            written: BTreeSet::new(),
        };
        c.zip
            .start_file("mimetype", stored)
            .map_err(std::io::Error::other)?;
        c.zip.write_all(b"application/epub+zip")?;
        c.written.insert("mimetype".into());
        Ok(c)
    }

    /// A media file as [`prepare`] made it ready: the deflated entry copied
    /// in, or the file streamed from its blob (stored when its format is
    /// compressed already).
    pub fn media(&mut self, name: &str, blob: &Blob, prepared: Prepared) -> std::io::Result<()> {
        if let Prepared::Deflated(archive) = prepared {
            let zip_error = std::io::Error::other;
            let mut archive = ZipArchive::new(std::io::Cursor::new(archive)).map_err(zip_error)?;
            let entry = archive.by_index_raw(0).map_err(zip_error)?;
            self.zip
                .raw_copy_file_touch(entry, DateTime::default(), Some(0o644))
                .map_err(zip_error)?;
            self.written.insert(name.to_string());
            return Ok(());
        }
        let options = if is_compressed(name) {
            self.stored
        } else {
            self.deflated
        };
        // Large files need ZIP64 headers; the zip crate decides from the size.
        let options = options.large_file(blob.len() >= u64::from(u32::MAX));
        self.zip
            .start_file(name, options)
            .map_err(std::io::Error::other)?;
        blob.copy_to(&mut self.zip)?;
        self.written.insert(name.to_string());
        Ok(())
    }

    /// Copies the entries of `assembled` (epub-builder's EPUB) in its order,
    /// except those already written (`mimetype`, and the empty entries it
    /// made for the images): the package document, NCX and navigation
    /// document corrected by `fixes`, everything else with its compressed
    /// data as it is.
    pub fn copy(&mut self, assembled: &[u8], fixes: &Fixes) -> std::io::Result<()> {
        let zip_error = std::io::Error::other;
        let mut archive = ZipArchive::new(std::io::Cursor::new(assembled)).map_err(zip_error)?;
        for i in 0..archive.len() {
            let name = archive
                .by_index_raw(i)
                .map_err(zip_error)?
                .name()
                .map_err(zip_error)?
                .replace('\\', "/");
            if self.written.contains(&name) {
                continue;
            }
            if matches!(name.as_str(), PACKAGE | NCX | NAV) {
                let mut text = String::new();
                archive
                    .by_index(i)
                    .map_err(zip_error)?
                    .read_to_string(&mut text)?;
                let fixed = match name.as_str() {
                    PACKAGE => fixes.package(&text),
                    NCX => fixes.ncx(&text),
                    _ => fixes.nav(&text),
                };
                self.zip
                    .start_file(name.as_str(), self.deflated)
                    .map_err(zip_error)?;
                self.zip.write_all(fixed.as_bytes())?;
            } else {
                let entry = archive.by_index_raw(i).map_err(zip_error)?;
                if entry.is_dir() {
                    continue;
                }
                self.zip
                    .raw_copy_file_touch(entry, DateTime::default(), Some(0o644))
                    .map_err(zip_error)?;
            }
            self.written.insert(name);
        }
        Ok(())
    }

    /// Writes the central directory; returns the sink.
    pub fn finish(self) -> std::io::Result<W> {
        self.zip.finish().map_err(std::io::Error::other)
    }
}

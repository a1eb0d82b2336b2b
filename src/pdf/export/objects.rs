//! The document's objects as they go into the file: object numbers, the
//! byte offset of each object, the cross-reference table and the trailer.
//!
//! Objects are serialised with pdf-writer, each into a [`Chunk`] written at
//! once, so the file is streamed: what stays in memory is one offset per
//! object. Everything written is hashed (image data by its identity), and
//! the hash becomes the document's `/ID`, so rebuilds are byte-identical.

use crate::diag::{Error, Result};
use pdf_writer::{Chunk, Ref, Settings};
use sha2::{Digest, Sha256};
use std::io::Write;

/// Serialiser settings: compact output.
pub fn settings() -> Settings {
    Settings { pretty: false }
}

/// A chunk to serialise objects into.
pub fn chunk() -> Chunk {
    Chunk::with_settings(settings())
}

/// Data compressed with zlib at `level` (0–9), for `FlateDecode`.
pub fn deflate(data: &[u8], level: u32) -> Result<Vec<u8>> {
    let mut encoder = flate2::write::ZlibEncoder::new(
        Vec::with_capacity(data.len() / 3),
        flate2::Compression::new(level),
    );
    encoder
        .write_all(data)
        .and_then(|()| encoder.finish())
        .map_err(|e| Error::Backend(format!("cannot compress a PDF stream ({e})")))
}

/// The file being written.
pub struct Objects<W: Write> {
    sink: W,
    position: u64,
    hash: Sha256,
    /// Byte offset of each object (index = number − 1); `None`: reserved.
    offsets: Vec<Option<u64>>,
}

fn write_error(e: std::io::Error) -> Error {
    Error::Backend(format!("cannot write the PDF ({e})"))
}

impl<W: Write> Objects<W> {
    /// Starts a PDF 1.7 file in `sink`.
    pub fn new(sink: W) -> Result<Objects<W>> {
        Objects::with_header(sink, b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n")
    }

    /// Starts a file in `sink` with the given header (version line and the
    /// binary comment).
    pub fn with_header(sink: W, header: &[u8]) -> Result<Objects<W>> {
        let mut objects = Objects {
            sink,
            position: 0,
            hash: Sha256::new(),
            offsets: Vec::new(),
        };
        // A binary comment marks the file as binary for transfer tools.
        objects.put(header)?;
        Ok(objects)
    }

    /// Reserves an object number.
    pub fn reserve(&mut self) -> Ref {
        self.offsets.push(None);
        Ref::new(self.offsets.len() as i32)
    }

    fn put(&mut self, bytes: &[u8]) -> Result<()> {
        self.hash.update(bytes);
        self.put_unhashed(bytes)
    }

    fn put_unhashed(&mut self, bytes: &[u8]) -> Result<()> {
        self.sink.write_all(bytes).map_err(write_error)?;
        self.position += bytes.len() as u64;
        Ok(())
    }

    /// Writes one object made by `make` into a chunk of its own.
    pub fn write(&mut self, id: Ref, make: impl FnOnce(&mut Chunk, Ref)) -> Result<()> {
        let mut chunk = chunk();
        make(&mut chunk, id);
        self.chunk(&chunk, &[(id, 0)])
    }

    /// Writes a chunk whose objects start at the given offsets in it.
    pub fn chunk(&mut self, chunk: &Chunk, starts: &[(Ref, usize)]) -> Result<()> {
        for &(id, at) in starts {
            self.mark(id, self.position + at as u64);
        }
        self.put(chunk.as_bytes())
    }

    fn mark(&mut self, id: Ref, offset: u64) {
        let index = id.get() as usize - 1;
        if let Some(slot) = self.offsets.get_mut(index) {
            *slot = Some(offset);
        }
    }

    /// Writes a chunk holding one stream object, `id`, whose `data_len`
    /// bytes of data are not hashed (image data: large, and identified by
    /// `identity`, which is hashed instead).
    pub fn stream_unhashed(
        &mut self,
        id: Ref,
        chunk: &Chunk,
        data_len: usize,
        identity: &str,
    ) -> Result<()> {
        let bytes = chunk.as_bytes();
        // The data ends where the last `endstream` starts: only the end of
        // the object follows it.
        let marker = b"\nendstream";
        let end = bytes
            .windows(marker.len())
            .rposition(|w| w == marker)
            .filter(|&end| end >= data_len)
            .ok_or_else(|| Error::Backend("a PDF stream without its data".into()))?;
        let start = end - data_len;
        self.mark(id, self.position);
        self.put(&bytes[..start])?;
        self.hash.update(identity.as_bytes());
        self.put_unhashed(&bytes[start..end])?;
        self.put(&bytes[end..])
    }

    /// Writes the cross-reference table and the trailer and flushes the
    /// sink; returns it.
    pub fn finish(mut self, catalog: Ref, info: Ref) -> Result<W> {
        let start = self.position;
        let mut xref = format!("xref\n0 {}\n0000000000 65535 f \n", self.offsets.len() + 1);
        for offset in &self.offsets {
            match offset {
                Some(o) => xref.push_str(&format!("{o:010} 00000 n \n")),
                None => {
                    return Err(Error::Backend(
                        "PDF object reserved but never written".into(),
                    ));
                }
            }
        }
        // The /ID hashes everything before it.
        let digest = self.hash.clone().finalize();
        let id: String = digest.iter().take(16).map(|b| format!("{b:02X}")).collect();
        xref.push_str(&format!(
            "trailer\n<</Size {} /Root {} 0 R /Info {} 0 R /ID [<{id}> <{id}>]>>\nstartxref\n{start}\n%%EOF\n",
            self.offsets.len() + 1,
            catalog.get(),
            info.get(),
        ));
        self.put(xref.as_bytes())?;
        self.sink.flush().map_err(write_error)?;
        Ok(self.sink)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unhashed_streams_are_written_whole() {
        let mut objects = Objects::new(Vec::new()).unwrap();
        let id = objects.reserve();
        let data = b"\nendstream in the data\nendstream".repeat(10);
        let mut c = chunk();
        c.stream(id, &data)
            .pair(pdf_writer::Name(b"Kind"), pdf_writer::Name(b"Test"));
        objects.stream_unhashed(id, &c, data.len(), "test").unwrap();
        let catalog = objects.reserve();
        objects
            .write(catalog, |c, id| {
                c.indirect(id).primitive(pdf_writer::Name(b"Catalog"));
            })
            .unwrap();
        let info = objects.reserve();
        objects
            .write(info, |c, id| {
                c.indirect(id).primitive(0);
            })
            .unwrap();
        let bytes = objects.finish(catalog, info).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains(&format!("/Length {}", data.len())), "{text}");
        let head = b">>\nstream\n";
        let start = bytes.windows(head.len()).position(|w| w == head).unwrap() + head.len();
        assert_eq!(&bytes[start..start + data.len()], &data[..]);
        assert!(bytes[start + data.len()..].starts_with(b"\nendstream\nendobj"));
    }
}

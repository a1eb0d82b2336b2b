//! Writing outputs atomically: a temporary file beside the target, then a rename.
//!
//! A build that fails or is killed never leaves a half-written file, and never
//! replaces a good output with a bad one.

use crate::diag::{Error, Result};
use std::io::{Seek, Write};
use std::path::Path;

/// Writes `bytes` to `path` atomically, with mode 0644 on Unix.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut staged = Staged::beside(path)?;
    staged
        .file()
        .write_all(bytes)
        .map_err(|source| Error::Write {
            path: path.to_path_buf(),
            source,
        })?;
    // On failure the temporary file is removed when `staged` is dropped.
    staged.commit(path)
}

/// A finished output waiting in a temporary file beside its destination.
///
/// Backends write into it as they go, so a large book is never held in
/// memory whole; [`Staged::commit`] renames it into place. Dropped without a
/// commit, it is removed, so a failed build leaves nothing behind.
#[derive(Debug)]
pub struct Staged {
    state: State,
}

#[derive(Debug)]
enum State {
    /// Written, not yet in place.
    Temporary(tempfile::NamedTempFile),
    /// Renamed into place (this file, now open for reading only).
    Committed(std::path::PathBuf, std::fs::File),
    /// A commit failed half-way; nothing is left.
    Gone,
}

impl Staged {
    /// A new, empty temporary file in the folder `path` will be written to
    /// (created when missing, so the final rename stays on one file system).
    pub fn beside(path: &Path) -> Result<Staged> {
        let err = |source| Error::Write {
            path: path.to_path_buf(),
            source,
        };
        if path.is_dir() {
            return Err(err(std::io::Error::other("it is a folder")));
        }
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        if !dir.exists() {
            std::fs::create_dir_all(dir).map_err(err)?;
        }
        let file = tempfile::Builder::new()
            .prefix(".bindery-")
            .suffix(".tmp")
            .tempfile_in(dir)
            .map_err(err)?;
        Ok(Staged {
            state: State::Temporary(file),
        })
    }

    /// The file to write into (buffer it: it is unbuffered).
    ///
    /// # Panics
    /// After a commit.
    pub fn file(&mut self) -> &mut std::fs::File {
        match &mut self.state {
            State::Temporary(f) => f.as_file_mut(),
            _ => panic!("Staged::file called after commit"),
        }
    }

    /// Where the contents are now: the temporary file, or the destination.
    fn path(&self) -> &Path {
        match &self.state {
            State::Temporary(f) => f.path(),
            State::Committed(p, _) => p,
            State::Gone => Path::new(""),
        }
    }

    /// Its size in bytes.
    pub fn len(&self) -> u64 {
        let meta = match &self.state {
            State::Temporary(f) => f.as_file().metadata(),
            State::Committed(_, f) => f.metadata(),
            State::Gone => return 0,
        };
        meta.map_or(0, |m| m.len())
    }

    /// Whether nothing was written.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Reads the whole file back (for tests and small outputs).
    pub fn read(&self) -> std::io::Result<Vec<u8>> {
        std::fs::read(self.path())
    }

    /// SHA-256 of the contents, lowercase hex, read back in blocks.
    pub fn sha256(&self) -> std::io::Result<String> {
        use sha2::{Digest, Sha256};
        use std::io::Read;
        let mut file = std::fs::File::open(self.path())?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 1 << 16];
        loop {
            let n = file.read(&mut buf)?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
        }
        Ok(hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect())
    }

    /// Flushes the file to disk and renames it to `path` (mode 0644 on Unix).
    /// `path` must be in the folder given to [`Staged::beside`]. Afterwards
    /// [`Staged::len`], [`Staged::read`] and [`Staged::sha256`] read the
    /// file in its place.
    pub fn commit(&mut self, path: &Path) -> Result<()> {
        let err = |source| Error::Write {
            path: path.to_path_buf(),
            source,
        };
        let State::Temporary(file) = std::mem::replace(&mut self.state, State::Gone) else {
            return Err(err(std::io::Error::other("already written")));
        };
        if path.is_dir() {
            return Err(err(std::io::Error::other("it is a folder")));
        }
        file.as_file().sync_all().map_err(err)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            file.as_file()
                .set_permissions(std::fs::Permissions::from_mode(0o644))
                .map_err(err)?;
        }
        let done = file.persist(path).map_err(|e| err(e.error))?;
        self.state = State::Committed(path.to_path_buf(), done);
        Ok(())
    }
}

/// Writes into a staged file and starts its writeback early: each time
/// another [`EARLY_SYNC_BYTES`] have been written, the kernel is asked to
/// start writing the file's dirty pages to disk (`posix_fadvise`
/// `DONTNEED`, which does not wait), so the flush in [`Staged::commit`]
/// waits only for the tail.
///
/// It also keeps the first error the file gave ([`EarlySync::take_error`]):
/// a backend passes a failed write on in its own words, but a full disk is
/// the output's problem and is reported as such. After that error, writes
/// are dropped and report success: the output is lost already (its owner
/// must fail it on the kept error), and a writer's clean-up, such as a ZIP
/// writer finishing its archive as it is dropped, then ends quietly instead
/// of printing the error again.
pub struct EarlySync<'a> {
    file: &'a mut std::fs::File,
    unsynced: u64,
    /// Where the last advice ended (each covers only what is new).
    advised: u64,
    /// The first error a write, flush or seek returned.
    error: Option<std::io::Error>,
}

/// See [`EarlySync`].
pub const EARLY_SYNC_BYTES: u64 = 4 << 20;

impl<'a> EarlySync<'a> {
    /// Wraps a staged file (see [`Staged::file`]).
    pub fn new(file: &'a mut std::fs::File) -> EarlySync<'a> {
        EarlySync {
            file,
            unsynced: 0,
            advised: 0,
            error: None,
        }
    }

    /// The first error the file returned, if any.
    pub fn take_error(&mut self) -> Option<std::io::Error> {
        self.error.take()
    }

    /// Keeps a copy of the first error and passes it on.
    fn keep<T>(&mut self, result: std::io::Result<T>) -> std::io::Result<T> {
        if let Err(e) = &result
            && self.error.is_none()
        {
            self.error = Some(match e.raw_os_error() {
                Some(code) => std::io::Error::from_raw_os_error(code),
                None => std::io::Error::new(e.kind(), e.to_string()),
            });
        }
        result
    }
}

impl Write for EarlySync<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.error.is_some() {
            return Ok(buf.len());
        }
        let written = self.file.write(buf);
        let n = self.keep(written)?;
        self.unsynced += n as u64;
        if self.unsynced >= EARLY_SYNC_BYTES {
            self.unsynced = 0;
            // Advice only: when it is refused, the final flush does it all.
            #[cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd"))]
            if let Ok(end) = self.file.stream_position() {
                let start = self.advised.min(end);
                let len = std::num::NonZeroU64::new(end - start);
                if len.is_some() {
                    let advice = rustix::fs::Advice::DontNeed;
                    let _ = rustix::fs::fadvise(&*self.file, start, len, advice);
                }
                self.advised = end;
            }
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.error.is_some() {
            return Ok(());
        }
        let flushed = self.file.flush();
        self.keep(flushed)
    }
}

impl std::io::Seek for EarlySync<'_> {
    fn seek(&mut self, pos: std::io::SeekFrom) -> std::io::Result<u64> {
        let sought = self.file.seek(pos);
        self.keep(sought)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Seek, SeekFrom};

    /// `/dev/full` fails every write with ENOSPC, as a full disk does.
    #[cfg(target_os = "linux")]
    #[test]
    fn early_sync_keeps_the_first_error_then_drops_writes() {
        let mut full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let mut sink = EarlySync::new(&mut full);
        let e = sink.write_all(b"a book").unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::StorageFull);
        // Dropped quietly from now on; the error is kept for the owner.
        sink.write_all(b"the central directory").unwrap();
        sink.flush().unwrap();
        let kept = sink.take_error().unwrap();
        assert_eq!(crate::diag::io_words(&kept), "no space left on device");
    }

    #[test]
    fn early_sync_writes_everything_and_seeks() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.bin");
        let mut staged = Staged::beside(&path).unwrap();
        // Enough for two background flushes, written in odd-sized pieces.
        let data: Vec<u8> = (0..(2 * EARLY_SYNC_BYTES + 12_345))
            .map(|i| (i % 251) as u8)
            .collect();
        {
            let mut sink = std::io::BufWriter::new(EarlySync::new(staged.file()));
            for piece in data.chunks(100_003) {
                sink.write_all(piece).unwrap();
            }
            // A header patched after the fact, as ZIP writers do.
            sink.seek(SeekFrom::Start(10)).unwrap();
            sink.write_all(b"patched").unwrap();
            sink.flush().unwrap();
        }
        staged.commit(&path).unwrap();
        let mut want = data;
        want[10..17].copy_from_slice(b"patched");
        assert_eq!(std::fs::read(&path).unwrap(), want);
        assert_eq!(staged.len(), want.len() as u64);
    }
}

//! Diagnostics: source files, spans, warnings and errors.
//!
//! Every stage of the pipeline pushes problems it finds in the input into one
//! [`Diagnostics`] sink instead of printing them. A diagnostic carries a [`Span`]
//! (file and byte range) that is turned into `path:line:col` only when it is
//! rendered, so stages never need to count lines themselves.

use std::fmt;
use std::path::PathBuf;

/// Index of a source file in the [`Sources`] table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

/// A byte range in one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    /// The file the range belongs to.
    pub file: FileId,
    /// First byte of the range.
    pub start: u32,
    /// One past the last byte of the range.
    pub end: u32,
}

impl Span {
    /// A span covering `range` in `file`; offsets beyond `u32` are clamped.
    pub fn new(file: FileId, range: std::ops::Range<usize>) -> Self {
        let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Span {
            file,
            start: clamp(range.start),
            end: clamp(range.end.max(range.start)),
        }
    }

    /// The same span moved `by` bytes further into the file.
    pub fn shifted(self, by: usize) -> Self {
        let by = u32::try_from(by).unwrap_or(u32::MAX);
        Span {
            file: self.file,
            start: self.start.saturating_add(by),
            end: self.end.saturating_add(by),
        }
    }
}

/// One loaded source file: its path as the user gave it and its text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path used in messages (as given on the command line or found in a folder).
    pub path: PathBuf,
    /// The full text of the file (front matter included), BOM removed.
    pub text: String,
    /// Byte offsets where each line starts, for turning offsets into lines.
    line_starts: Vec<u32>,
}

impl SourceFile {
    /// Wraps a file's text, indexing its lines.
    pub fn new(path: PathBuf, text: String) -> Self {
        let mut line_starts = vec![0];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                line_starts.push(u32::try_from(i + 1).unwrap_or(u32::MAX));
            }
        }
        SourceFile {
            path,
            text,
            line_starts,
        }
    }

    /// The 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: u32) -> (usize, usize) {
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.line_starts[line] as usize;
        let end = (offset as usize).min(self.text.len());
        let col = self
            .text
            .get(start..end)
            .map_or(end.saturating_sub(start), |s| s.chars().count());
        (line + 1, col + 1)
    }
}

/// All source files of a build, addressed by [`FileId`].
#[derive(Debug, Clone, Default)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    /// Adds a file and returns its id.
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId(u32::try_from(self.files.len() - 1).unwrap_or(u32::MAX))
    }

    /// The file with the given id.
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// All files, in the order they were added.
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }

    /// Renders a span as `path:line:col`.
    pub fn locate(&self, span: Span) -> String {
        let file = self.get(span.file);
        let (line, col) = file.line_col(span.start);
        format!("{}:{line}:{col}", file.path.display())
    }
}

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The build goes on; `strict` (`--strict`) turns it into a failure.
    Warning,
    /// The build of this book fails.
    Error,
}

/// A problem found in the input, with where it is and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Warning or error.
    pub severity: Severity,
    /// Where the problem is, when it has a place in a source file.
    pub span: Option<Span>,
    /// Lowercase, one line, no final period.
    pub message: String,
    /// Suggestions, printed as `hint:` lines.
    pub hints: Vec<String>,
}

impl Diagnostic {
    /// A warning at `span`.
    pub fn warning(span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            span: Some(span),
            message: message.into(),
            hints: Vec::new(),
        }
    }

    /// An error at `span`.
    pub fn error(span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            ..Diagnostic::warning(span, message)
        }
    }

    /// Adds a `hint:` line.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    /// Renders the diagnostic as the lines printed on stderr.
    pub fn render(&self, sources: &Sources) -> String {
        let kind = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        let mut out = match self.span {
            Some(span) => format!("{}: {kind}: {}", sources.locate(span), self.message),
            None => format!("{kind}: {}", self.message),
        };
        for hint in &self.hints {
            out.push_str("\nhint: ");
            out.push_str(hint);
        }
        out
    }
}

/// The sink every stage pushes its diagnostics into.
#[derive(Debug, Clone, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
    /// What was done on the user's behalf, shown with `-v` only.
    notes: Vec<String>,
}

impl Diagnostics {
    /// Records a diagnostic.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    /// Records a warning at `span`.
    pub fn warn(&mut self, span: Span, message: impl Into<String>) {
        self.push(Diagnostic::warning(span, message));
    }

    /// Records a note: something done on the user's behalf that is not a
    /// problem (a blank page added), shown with `-v` only.
    pub fn note(&mut self, message: impl Into<String>) {
        self.notes.push(message.into());
    }

    /// The notes, in the order they were recorded.
    pub fn notes(&self) -> impl Iterator<Item = &str> {
        self.notes.iter().map(String::as_str)
    }

    /// Whether any error was recorded.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// All diagnostics, in the order they were recorded.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Number of diagnostics recorded.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Orders diagnostics by file and position (stable for equal places).
    pub fn sort(&mut self) {
        self.items
            .sort_by_key(|d| d.span.map(|s| (s.file, s.start, s.end)));
    }

    /// Moves all diagnostics of `other` into this sink.
    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
        self.notes.extend(other.notes);
    }
}

/// Errors that stop a build: the library's typed error.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read.
    #[error("cannot read {} ({})", .path.display(), io_words(.source))]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A file is not valid UTF-8.
    #[error("{path} is not valid UTF-8 (invalid byte at offset {offset})")]
    Utf8 {
        /// The file.
        path: PathBuf,
        /// Byte offset of the first invalid sequence.
        offset: usize,
    },
    /// An output could not be written.
    #[error("cannot write {} ({})", .path.display(), io_words(.source))]
    Write {
        /// The output file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The input had errors (already recorded as diagnostics).
    #[error("{count} error(s) in the input")]
    Input {
        /// How many errors.
        count: usize,
    },
    /// `strict` was on (`--strict`, `strict = true`) and there were warnings.
    #[error("{count} warning(s), and strict is on")]
    Strict {
        /// How many warnings.
        count: usize,
    },
    /// The options make no sense together.
    #[error("{0}")]
    Usage(String),
    /// A backend failed on a tree it should have handled.
    #[error("{0}")]
    Backend(String),
}

/// An I/O error in the user's words: `no space left on device`, not
/// `No space left on device (os error 28)`.
pub fn io_words(e: &std::io::Error) -> String {
    let text = e.to_string();
    let text = match text.rfind(" (os error ") {
        Some(i) if text.ends_with(')') => &text[..i],
        _ => &text,
    };
    // Lowercase a capitalised first word, not an acronym (`EPUB`).
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && !second.is_uppercase() => first
            .to_lowercase()
            .chain(text[first.len_utf8()..].chars())
            .collect(),
        _ => text.to_string(),
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let file = SourceFile::new("a.md".into(), "ab\n’xy\n".into());
        assert_eq!(file.line_col(0), (1, 1));
        assert_eq!(file.line_col(3), (2, 1));
        // ’ is three bytes; x sits at byte 6 and is the second character.
        assert_eq!(file.line_col(6), (2, 2));
    }

    #[test]
    fn io_errors_speak_plainly() {
        let full = std::io::Error::from_raw_os_error(28);
        assert_eq!(io_words(&full), "no space left on device");
        let e = Error::Write {
            path: "out.pdf".into(),
            source: full,
        };
        assert_eq!(
            e.to_string(),
            "cannot write out.pdf (no space left on device)"
        );
        assert_eq!(
            io_words(&std::io::Error::other("EPUB broken")),
            "EPUB broken"
        );
    }

    #[test]
    fn render_has_location_and_hints() {
        let mut sources = Sources::default();
        let id = sources.add(SourceFile::new("x.md".into(), "hello\nworld\n".into()));
        let d = Diagnostic::warning(Span::new(id, 6..11), "image not found (a.png)")
            .with_hint("check the path");
        assert_eq!(
            d.render(&sources),
            "x.md:2:1: warning: image not found (a.png)\nhint: check the path"
        );
    }
}

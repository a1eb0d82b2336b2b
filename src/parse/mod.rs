//! The parse stage: source text → tree. The only module that imports pulldown-cmark.
//!
//! Input: one loaded [`SourceFile`]. Output: one [`Chapter`] appended to the
//! [`Document`], with its images, notes and anchors registered in the book-wide
//! tables, and the front matter it carried. Two dialects are read: CommonMark
//! with GFM extensions, and the scraped magazine-article format (see
//! [`article`]), which is detected automatically unless forced.

pub mod article;
mod attrs;
pub mod autolink;
pub mod frontmatter;
pub mod html;
pub mod markdown;
pub mod smart;
pub mod technical;

use crate::diag::{Diagnostics, FileId, SourceFile, Span};
use crate::doc::{
    AnchorId, Block, Chapter, Dialect, Document, Image, ImageStatus, LinkTarget, Note, NoteId,
    ResourceId, plain_text, slugify,
};
use frontmatter::FrontMatter;
use std::path::{Component, Path, PathBuf};

/// Options of the parse stage.
#[derive(Debug, Clone, Default)]
pub struct ParseOptions {
    /// Force a dialect instead of detecting it.
    pub dialect: Option<Dialect>,
    /// The book has a bibliography: `[@key]` and `@key` are citations.
    pub citations: bool,
    /// Straight quotes, `--`, `---` and `...` become typographic marks
    /// (localised later by [`smart::localize`]).
    pub smart: bool,
}

/// What parsing one file produced besides the chapter itself.
#[derive(Debug, Clone)]
pub struct ParsedFile {
    /// The file's front matter.
    pub front: FrontMatter,
    /// The dialect it was read as.
    pub dialect: Dialect,
    /// Why that dialect was chosen (for verbose output).
    pub reason: String,
}

/// What is known of one footnote label in the file being read.
struct NoteState {
    label: String,
    id: NoteId,
    /// Where it is defined, once seen.
    defined: Option<Span>,
    referenced: bool,
}

/// State shared by the dialect parsers while one file is read.
pub struct Context<'d> {
    doc: &'d mut Document,
    /// Where problems go.
    pub diags: &'d mut Diagnostics,
    /// The file being read.
    pub file: FileId,
    chapter: usize,
    base_dir: PathBuf,
    notes: Vec<NoteState>,
    note_index: std::collections::HashMap<String, usize>,
    /// Ids written by the author (or heading slugs) → anchors.
    pub ids: Vec<(String, AnchorId)>,
    /// The front matter gives the title (an article saved without its `#`
    /// title line still has its standfirst and crossheads).
    pub titled: bool,
    /// Dollars are formulas (CommonMark; in scraped articles they are prices).
    pub math: bool,
    /// `[@key]` and `@key` are citations (the book has a bibliography).
    pub citations: bool,
    /// Smart punctuation is on.
    pub smart: bool,
}

impl Context<'_> {
    /// Creates a book-wide unique anchor in the current chapter.
    pub fn anchor(&mut self, wanted: &str) -> AnchorId {
        self.doc.anchors.create(wanted, self.chapter)
    }

    /// The note with this label in the current file, created on first use.
    pub fn note(&mut self, label: &str) -> NoteId {
        // Labels match case-insensitively, as link labels do in CommonMark.
        let key = label.to_lowercase();
        if let Some(&i) = self.note_index.get(&key) {
            return self.notes[i].id;
        }
        let slug = slugify(label);
        let anchor = self.anchor(&format!("fn-{slug}"));
        let back = self.anchor(&format!("fnref-{slug}"));
        let id = NoteId(u32::try_from(self.doc.notes.len()).unwrap_or(u32::MAX));
        self.doc.notes.push(Note {
            label: label.to_string(),
            anchor,
            back,
            chapter: self.chapter,
            blocks: Vec::new(),
        });
        self.note_index.insert(key, self.notes.len());
        self.notes.push(NoteState {
            label: label.to_string(),
            id,
            defined: None,
            referenced: false,
        });
        id
    }

    /// The note a reference points at (marked as referenced).
    pub fn note_ref(&mut self, label: &str) -> NoteId {
        let id = self.note(label);
        if let Some(n) = self.notes.iter_mut().find(|n| n.id == id) {
            n.referenced = true;
        }
        id
    }

    /// Marks a note as defined; a second definition is reported.
    pub fn define_note(&mut self, id: NoteId, span: Span) {
        if let Some(entry) = self.notes.iter_mut().find(|n| n.id == id) {
            if entry.defined.is_some() {
                self.diags.warn(
                    span,
                    format!(
                        "footnote [^{}] is defined twice; the last one is used",
                        entry.label
                    ),
                );
            }
            entry.defined = Some(span);
        }
    }

    /// Sets the content of a note.
    pub fn set_note_blocks(&mut self, id: NoteId, blocks: Vec<Block>) {
        self.doc.notes[id.0 as usize].blocks = blocks;
    }

    /// Registers an image reference and returns its resource id.
    ///
    /// The same resolved file referenced twice is one resource.
    pub fn image(&mut self, dest: &str, span: Span) -> ResourceId {
        let written = dest.trim().to_string();
        let path = if is_remote(&written) {
            PathBuf::from(&written)
        } else {
            self.base_dir.join(percent_decode(&written))
        };
        let path = normalize(&path);
        if let Some(id) = self.doc.resources.by_path.get(&path) {
            return *id;
        }
        let id = ResourceId(u32::try_from(self.doc.resources.images.len()).unwrap_or(u32::MAX));
        self.doc.resources.by_path.insert(path.clone(), id);
        let images = &mut self.doc.resources.images;
        images.push(Image {
            written,
            path,
            span,
            status: ImageStatus::Pending,
            epub: None,
            pdf: None,
            report: None,
        });
        id
    }

    /// Classifies a link destination; `None` means "render the text without a link".
    pub fn link_target(&mut self, dest: &str, span: Span) -> Option<LinkTarget> {
        let dest = dest.trim();
        if dest.is_empty() {
            self.diags
                .warn(span, "link has an empty destination; kept as text");
            return None;
        }
        if dest.starts_with('#') {
            return Some(LinkTarget::Unresolved {
                reference: dest.to_string(),
                span,
            });
        }
        if let Some(scheme) = url_scheme(dest) {
            return match scheme.to_ascii_lowercase().as_str() {
                "http" | "https" | "mailto" | "ftp" | "tel" => {
                    let rest = &dest[scheme.len() + 1..];
                    if rest.trim_start_matches('/').is_empty() {
                        self.diags
                            .warn(span, format!("link `{dest}` has no address; kept as text"));
                        return None;
                    }
                    Some(LinkTarget::External(encode_uri(dest)))
                }
                other => {
                    self.diags.warn(
                        span,
                        format!("links with the `{other}:` scheme are not allowed; kept as text"),
                    );
                    None
                }
            };
        }
        let path = dest.split('#').next().unwrap_or("");
        let lower = path.to_ascii_lowercase();
        if lower.ends_with(".md") || lower.ends_with(".markdown") {
            return Some(LinkTarget::Unresolved {
                reference: dest.to_string(),
                span,
            });
        }
        self.diags.warn(
            span,
            format!("link to a local file that is not part of the book ({dest}); kept as text"),
        );
        None
    }
}

/// Makes a URL a valid URI (RFC 3986): what may not appear where it is
/// (spaces, quotes, backslashes, controls, non-ASCII, a second `#`, square
/// brackets outside an IPv6 host) is percent-encoded; existing `%XX` escapes
/// are left alone.
pub fn encode_uri(url: &str) -> String {
    let mut out = String::with_capacity(url.len() + 8);
    let (scheme, rest) = match url_scheme(url) {
        Some(scheme) => (&url[..=scheme.len()], &url[scheme.len() + 1..]),
        None => ("", url),
    };
    out.push_str(scheme);
    let mut rest = rest;
    if let Some(after) = rest.strip_prefix("//") {
        out.push_str("//");
        let end = after.find(['/', '?', '#']).unwrap_or(after.len());
        let authority = &after[..end];
        // An IP literal host keeps its brackets: `[2001:db8::1]:8080`.
        let (userinfo, host) = match authority.rfind('@') {
            Some(at) => (&authority[..=at], &authority[at + 1..]),
            None => ("", authority),
        };
        encode_part(userinfo, b":@", &mut out);
        match host
            .strip_prefix('[')
            .and_then(|h| h.find(']').map(|e| (h, e)))
        {
            Some((inner, close))
                if inner[..close]
                    .chars()
                    .all(|c| c.is_ascii_hexdigit() || matches!(c, ':' | '.')) =>
            {
                out.push('[');
                out.push_str(&inner[..close]);
                out.push(']');
                encode_part(&inner[close + 1..], b":", &mut out);
            }
            _ => encode_part(host, b":", &mut out),
        }
        rest = &after[end..];
    }
    let (before, fragment) = match rest.find('#') {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    encode_part(before, b":@/?", &mut out);
    if let Some(fragment) = fragment {
        out.push('#');
        encode_part(fragment, b":@/?", &mut out);
    }
    out
}

/// Percent-encodes `part` except unreserved characters, sub-delimiters,
/// `%XX` escapes and the bytes in `extra`.
fn encode_part(part: &str, extra: &[u8], out: &mut String) {
    let bytes = part.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        let keep = b.is_ascii_alphanumeric()
            || b"-._~!$&'()*+,;=".contains(&b)
            || extra.contains(&b)
            || (b == b'%'
                && bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit));
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
}

/// The scheme of an absolute URL (`https` in `https://x`), if `dest` has one.
fn url_scheme(dest: &str) -> Option<&str> {
    let colon = dest.find(':')?;
    let scheme = &dest[..colon];
    let valid = scheme.len() > 1
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then_some(scheme)
}

/// Whether an image destination is a remote URL (never fetched).
pub fn is_remote(dest: &str) -> bool {
    url_scheme(dest).is_some()
}

/// Decodes `%XX` escapes in a relative path.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

/// Removes `.` and resolves `..` lexically (no file system access).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                // Only a name can be taken back; `..` past the start stays.
                if matches!(out.components().next_back(), Some(Component::Normal(_))) {
                    out.pop();
                } else if !matches!(out.components().next_back(), Some(Component::RootDir)) {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Reads one source file into a new chapter of `doc`.
pub fn parse_file(
    doc: &mut Document,
    diags: &mut Diagnostics,
    file: FileId,
    source: &SourceFile,
    options: &ParseOptions,
) -> ParsedFile {
    let (front, body_start) = frontmatter::read(&source.text, file, diags);
    let body = &source.text[body_start..];
    let (dialect, reason) = match options.dialect {
        Some(d) => (d, "forced with --dialect".to_string()),
        None => article::detect(body),
    };
    let chapter_index = doc.chapters.len();
    let stem = source
        .path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let anchor = doc
        .anchors
        .create(&format!("ch-{}", slugify(&stem)), chapter_index);
    let base_dir = source
        .path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let mut ctx = Context {
        doc,
        diags,
        file,
        chapter: chapter_index,
        base_dir,
        notes: Vec::new(),
        note_index: std::collections::HashMap::new(),
        ids: Vec::new(),
        titled: front.meta.title.is_some(),
        math: dialect == Dialect::CommonMark,
        citations: options.citations,
        smart: options.smart,
    };
    let blocks = match dialect {
        Dialect::Article => article::parse(&mut ctx, body, body_start),
        Dialect::CommonMark => markdown::parse(&mut ctx, body, body_start),
    };
    let notes = std::mem::take(&mut ctx.notes);
    let ids = std::mem::take(&mut ctx.ids);
    for NoteState {
        label,
        id,
        defined,
        referenced,
    } in notes
    {
        if let (Some(span), false) = (defined, referenced) {
            ctx.diags.warn(
                span,
                format!("footnote [^{label}] is defined but never referenced"),
            );
        }
        if defined.is_none() {
            let span = Span::new(file, body_start..body_start);
            ctx.diags.warn(
                span,
                format!("footnote [^{label}] is referenced but never defined"),
            );
            ctx.doc.notes[id.0 as usize].blocks = vec![Block::Paragraph {
                content: vec![crate::doc::Inline::Text(format!("[^{label}]"))],
                span,
            }];
        }
    }
    if blocks.is_empty() {
        ctx.diags.warn(
            Span::new(file, 0..0),
            "the document has no content; it becomes an empty chapter",
        );
    }
    // The `#` title, else the front matter's, else the first heading.
    let (level1, first_heading) = chapter_title(&blocks);
    let title = level1
        .or_else(|| front.meta.title.clone())
        .or(first_heading);
    doc.chapters.push(Chapter {
        source: source.path.clone(),
        dialect,
        title,
        section: front.section.clone(),
        anchor,
        blocks,
        ids,
    });
    ParsedFile {
        front,
        dialect,
        reason,
    }
}

/// The chapter's first level-1 heading and its first heading of any level.
fn chapter_title(blocks: &[Block]) -> (Option<String>, Option<String>) {
    let mut first = None;
    for block in blocks {
        if let Block::Heading { level, content, .. } = block {
            let text = plain_text(content);
            if *level == 1 && !text.is_empty() {
                return (Some(text), first);
            }
            if first.is_none() && !text.is_empty() {
                first = Some(text);
            }
        }
    }
    (None, first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_valid() {
        assert_eq!(
            encode_uri("https://example.com/\\["),
            "https://example.com/%5C%5B"
        );
        assert_eq!(
            encode_uri("http://[2001:db8::1]:1896/a[b]?x=[y]"),
            "http://[2001:db8::1]:1896/a%5Bb%5D?x=%5By%5D"
        );
        assert_eq!(
            encode_uri("https://x.org/a b#frag#ment"),
            "https://x.org/a%20b#frag%23ment"
        );
        assert_eq!(encode_uri("https://x.org/%41é"), "https://x.org/%41%C3%A9");
        assert_eq!(encode_uri("mailto:a@b.org"), "mailto:a@b.org");
    }

    /// Parsing files one after another into one document, and parsing each
    /// into a document of its own and appending them, give the same tree:
    /// the same ids, anchor names (with book-wide `-N` suffixes), notes and
    /// images.
    #[test]
    fn appended_documents_match_one_document_read_in_order() {
        use crate::diag::{Diagnostics, SourceFile, Sources};
        let texts = [
            "# Intro\n\nSee [below](#setup) and a note.[^a]\n\n![A](pic.png)\n\n## Setup\n\n[^a]: First note.\n",
            "# Intro\n\nAgain.[^a] [^b]\n\n![Same](pic.png) ![Other](other.png)\n\n## Setup\n\n## Setup\n\n[^a]: Second.\n[^b]: Third.\n\n| a | b |\n|---|---|\n| [x](#intro) | y[^b] |\n",
            "Plain text with ![late](pic.png) and [a link](b.md#setup).\n",
        ];
        let mut sources = Sources::default();
        let files: Vec<_> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| {
                sources.add(SourceFile::new(
                    PathBuf::from(format!("book/{i}.md")),
                    t.to_string(),
                ))
            })
            .collect();
        let options = ParseOptions::default();
        let mut one = Document::default();
        let mut one_diags = Diagnostics::default();
        for &file in &files {
            parse_file(&mut one, &mut one_diags, file, sources.get(file), &options);
        }
        let mut merged = Document::default();
        let mut merged_diags = Diagnostics::default();
        for &file in &files {
            let mut part = Document::default();
            parse_file(
                &mut part,
                &mut merged_diags,
                file,
                sources.get(file),
                &options,
            );
            merged.append(part);
        }
        assert_eq!(
            format!("{:?}", one.chapters),
            format!("{:?}", merged.chapters)
        );
        assert_eq!(format!("{:?}", one.notes), format!("{:?}", merged.notes));
        let anchors = |d: &Document| {
            d.anchors
                .iter()
                .map(|(i, a)| (i, a.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(anchors(&one), anchors(&merged));
        let images = |d: &Document| {
            d.resources
                .images
                .iter()
                .map(|im| (im.written.clone(), im.path.clone(), im.span))
                .collect::<Vec<_>>()
        };
        assert_eq!(images(&one), images(&merged));
        assert_eq!(crate::doc::dump(&one), crate::doc::dump(&merged));
        // The case is not trivial: suffixes and shared images happened.
        assert!(one.anchors.find("setup-3").is_some());
        assert_eq!(one.resources.images.len(), 2);
        assert_eq!(one_diags.len(), merged_diags.len());
    }

    #[test]
    fn normalize_resolves_dots() {
        assert_eq!(
            normalize(Path::new("a/./b/../c.png")),
            PathBuf::from("a/c.png")
        );
        assert_eq!(normalize(Path::new("../x.png")), PathBuf::from("../x.png"));
        assert_eq!(
            normalize(Path::new("../../x.png")),
            PathBuf::from("../../x.png")
        );
        assert_eq!(normalize(Path::new("/../x.png")), PathBuf::from("/x.png"));
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("my%20pic.png"), "my pic.png");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("a%2"), "a%2");
    }

    #[test]
    fn uri_encoding() {
        assert_eq!(
            encode_uri("https://x.org/a file.html"),
            "https://x.org/a%20file.html"
        );
        assert_eq!(encode_uri("https://x.org/%20ok"), "https://x.org/%20ok");
        assert_eq!(encode_uri("https://x.org/ü"), "https://x.org/%C3%BC");
        assert_eq!(encode_uri("https://x.org/100%"), "https://x.org/100%25");
    }

    #[test]
    fn schemes() {
        assert_eq!(url_scheme("https://x"), Some("https"));
        assert_eq!(url_scheme("c:/x"), None);
        assert_eq!(url_scheme("images/a.png"), None);
        assert!(is_remote("http://example.com/a.png"));
    }
}

//! The intermediate document tree: the one thing every backend reads.
//!
//! Input: built by `parse` (and completed by `resolve` and `resource`).
//! Output: read by `epub` and `pdf`. The tree is plain data: blocks and inlines
//! are separate enums, every block carries a [`Span`], images are referenced by
//! [`ResourceId`] and internal link targets by [`AnchorId`], never by path.

mod dump;
pub mod technical;

pub use dump::dump;
pub use technical::{
    BibEntry, CalloutKind, Citation, CiteItem, CodeAttrs, CrossRef, Math, Numbered, RefKind,
};

use crate::diag::Span;
use std::path::PathBuf;

/// A whole book: metadata, chapters in reading order, notes, images and anchors.
#[derive(Debug, Clone, Default)]
pub struct Document {
    /// Title, authors, language and the rest.
    pub meta: Metadata,
    /// The chapters in reading order (one per input file, or split from one).
    pub chapters: Vec<Chapter>,
    /// Footnote bodies, referenced by [`NoteId`].
    pub notes: Vec<Note>,
    /// The image table.
    pub resources: Resources,
    /// Book-wide unique anchors (heading ids, note ids, chapter starts).
    pub anchors: Anchors,
}

impl Document {
    /// Appends a document read on its own (files are parsed in parallel,
    /// each into a document of its own, then appended in order).
    ///
    /// The result is what reading the files one after another into one
    /// document gives: anchors are created again in order from the ids they
    /// asked for (so `-N` suffixes are book-wide), notes and chapters are
    /// renumbered, an image file referenced before keeps its first entry, and
    /// every id in the appended tree is rewritten to match.
    pub fn append(&mut self, part: Document) {
        let chapter0 = self.chapters.len();
        let anchor0 = u32::try_from(self.anchors.items.len()).unwrap_or(u32::MAX);
        let note0 = u32::try_from(self.notes.len()).unwrap_or(u32::MAX);
        for (anchor, wanted) in part.anchors.items.iter().zip(&part.anchors.wanted) {
            self.anchors.create(wanted, anchor.chapter + chapter0);
        }
        let images: Vec<ResourceId> = part
            .resources
            .images
            .into_iter()
            .map(|image| match self.resources.by_path.get(&image.path) {
                Some(&id) => id,
                None => {
                    let id =
                        ResourceId(u32::try_from(self.resources.images.len()).unwrap_or(u32::MAX));
                    self.resources.by_path.insert(image.path.clone(), id);
                    self.resources.images.push(image);
                    id
                }
            })
            .collect();
        let remap = Remap {
            anchor0,
            note0,
            images: &images,
        };
        for mut note in part.notes {
            note.anchor = remap.anchor(note.anchor);
            note.back = remap.anchor(note.back);
            note.chapter += chapter0;
            remap.blocks(&mut note.blocks);
            self.notes.push(note);
        }
        for mut chapter in part.chapters {
            chapter.anchor = remap.anchor(chapter.anchor);
            for (_, id) in &mut chapter.ids {
                *id = remap.anchor(*id);
            }
            remap.blocks(&mut chapter.blocks);
            self.chapters.push(chapter);
        }
    }
}

/// New ids for an appended document's tree (see [`Document::append`]).
struct Remap<'a> {
    anchor0: u32,
    note0: u32,
    images: &'a [ResourceId],
}

impl Remap<'_> {
    fn anchor(&self, id: AnchorId) -> AnchorId {
        AnchorId(id.0 + self.anchor0)
    }

    fn blocks(&self, blocks: &mut [Block]) {
        for block in blocks {
            match block {
                Block::Heading {
                    anchor, content, ..
                } => {
                    *anchor = self.anchor(*anchor);
                    self.inlines(content);
                }
                Block::Kicker { content, .. }
                | Block::Standfirst { content, .. }
                | Block::Dateline { content, .. }
                | Block::Paragraph { content, .. } => self.inlines(content),
                Block::Quote { blocks, .. } => self.blocks(blocks),
                Block::List { items, .. } => {
                    for item in items {
                        self.blocks(&mut item.blocks);
                    }
                }
                Block::Table {
                    head,
                    rows,
                    caption,
                    label,
                    ..
                } => {
                    self.inlines(caption);
                    for cell in head.iter_mut().chain(rows.iter_mut().flatten()) {
                        self.inlines(cell);
                    }
                    self.numbered(label);
                }
                Block::Figure { image, label, .. } => {
                    *image = self.images[image.0 as usize];
                    self.numbered(label);
                }
                Block::Equation { label, .. } => self.numbered(label),
                Block::Callout { blocks, .. } => self.blocks(blocks),
                Block::Bibliography { entries, .. } => {
                    for entry in entries {
                        entry.anchor = self.anchor(entry.anchor);
                        self.inlines(&mut entry.label);
                        self.inlines(&mut entry.content);
                    }
                }
                Block::DefinitionList { items, .. } => {
                    for item in items {
                        self.inlines(&mut item.term);
                        for d in &mut item.details {
                            self.blocks(d);
                        }
                    }
                }
                Block::Details {
                    summary, blocks, ..
                } => {
                    self.inlines(summary);
                    self.blocks(blocks);
                }
                Block::Division { blocks, .. } => self.blocks(blocks),
                Block::Code { .. } | Block::Rule { .. } => {}
            }
        }
    }

    fn inlines(&self, inlines: &mut [Inline]) {
        for inline in inlines {
            match inline {
                Inline::Emph(c)
                | Inline::Strong(c)
                | Inline::Strike(c)
                | Inline::Tagged { content: c, .. } => self.inlines(c),
                Inline::Link { target, content } => {
                    if let LinkTarget::Internal(id) = target {
                        *id = self.anchor(*id);
                    }
                    self.inlines(content);
                }
                Inline::NoteRef(id) => *id = NoteId(id.0 + self.note0),
                Inline::Ref(r) => {
                    if let Some((anchor, _)) = &mut r.target {
                        *anchor = self.anchor(*anchor);
                    }
                }
                Inline::Cite(c) => self.inlines(&mut c.rendered),
                Inline::Text(_)
                | Inline::Code(_)
                | Inline::Math(_)
                | Inline::SoftBreak
                | Inline::HardBreak => {}
            }
        }
    }

    fn numbered(&self, label: &mut Option<Numbered>) {
        if let Some(label) = label {
            label.anchor = self.anchor(label.anchor);
        }
    }
}

/// Book metadata, from front matter, the article roles and the command line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Metadata {
    /// The book's title.
    pub title: Option<String>,
    /// A subtitle, shown under the title.
    pub subtitle: Option<String>,
    /// Authors, in order.
    pub authors: Vec<String>,
    /// BCP 47 language tag (`en`, `fr-CA`).
    pub language: Option<String>,
    /// Publication date as written (`2023-03-19` or `Mar 19th 2023`).
    pub date: Option<String>,
    /// ISBN, DOI, URN or other identifier; a UUIDv5 is derived when absent.
    pub identifier: Option<String>,
    /// The publisher.
    pub publisher: Option<String>,
    /// A short description (the standfirst of an article when nothing else is given).
    pub description: Option<String>,
    /// Subjects or keywords.
    pub subjects: Vec<String>,
    /// A rights statement.
    pub rights: Option<String>,
    /// The series the book belongs to.
    pub series: Option<String>,
    /// The book's number in its series.
    pub series_index: Option<String>,
    /// Contributors other than authors, with their MARC relator role.
    pub contributors: Vec<Contributor>,
    /// Edition statement (`Second edition`).
    pub edition: Option<String>,
    /// The printing line (`10 9 8 7 6 5 4 3 2 1`).
    pub printing: Option<String>,
    /// A dedication.
    pub dedication: Option<String>,
    /// An epigraph.
    pub epigraph: Option<String>,
}

/// A length given for a figure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Length {
    /// A share of the measure (0–100).
    Percent(f32),
    /// CSS pixels (96 per inch).
    Px(f32),
    /// Points (from `in`, `cm`, `mm`, `pt`).
    Pt(f32),
}

/// The size asked for a figure; unset: the backend's default.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct FigureSize {
    /// Width.
    pub width: Option<Length>,
    /// Height.
    pub height: Option<Length>,
    /// A full-bleed picture (`.bleed`): in print, a page of its own, into
    /// the bleed.
    pub bleed: bool,
}

/// A contributor with a role (`edt` editor, `trl` translator, `ill` illustrator…).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contributor {
    /// The name.
    pub name: String,
    /// The MARC relator code.
    pub role: String,
}

/// The MARC relator code for a role written in words or as a code.
pub fn relator(role: &str) -> String {
    let r = role.trim().to_ascii_lowercase();
    let code = match r.as_str() {
        "author" | "writer" => "aut",
        "editor" => "edt",
        "translator" => "trl",
        "illustrator" => "ill",
        "photographer" => "pht",
        "narrator" => "nrt",
        "designer" | "cover designer" => "cov",
        "publisher" => "pbl",
        "contributor" => "ctb",
        code if code.len() == 3 && code.chars().all(|c| c.is_ascii_lowercase()) => code,
        _ => "ctb",
    };
    code.to_string()
}

/// Which Markdown dialect a source was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// CommonMark with GFM extensions.
    CommonMark,
    /// The scraped magazine-article format: fly title, title, standfirst,
    /// dateline, one paragraph a line, crossheads (see `parse::article`).
    Article,
}

impl Dialect {
    /// The name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Dialect::CommonMark => "commonmark",
            Dialect::Article => "article",
        }
    }
}

/// One chapter: usually one input file.
#[derive(Debug, Clone)]
pub struct Chapter {
    /// The source file this chapter came from.
    pub source: PathBuf,
    /// The dialect the source was read as.
    pub dialect: Dialect,
    /// The chapter's title as plain text (for the TOC), when it has one.
    pub title: Option<String>,
    /// The section of a magazine issue the chapter belongs to.
    pub section: Option<String>,
    /// The anchor of the chapter's start.
    pub anchor: AnchorId,
    /// The chapter's content.
    pub blocks: Vec<Block>,
    /// Ids as the author wrote them (or as slugs of heading text), mapped to the
    /// book-wide unique anchors they became; links are resolved through this.
    pub ids: Vec<(String, AnchorId)>,
}

/// Block-level content.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A section heading; level 1 is the chapter title.
    Heading {
        /// 1 to 6.
        level: u8,
        /// The heading text.
        content: Vec<Inline>,
        /// Its book-wide unique anchor.
        anchor: AnchorId,
        /// Where it is in the source.
        span: Span,
    },
    /// The fly title (kicker) above an article's title.
    Kicker {
        /// The kicker text.
        content: Vec<Inline>,
        /// Where it is in the source.
        span: Span,
    },
    /// The standfirst (dek) under an article's title.
    Standfirst {
        /// The standfirst text.
        content: Vec<Inline>,
        /// Where it is in the source.
        span: Span,
    },
    /// The dateline of an article.
    Dateline {
        /// The date as written.
        content: Vec<Inline>,
        /// Where it is in the source.
        span: Span,
    },
    /// A paragraph of running text.
    Paragraph {
        /// The paragraph's text.
        content: Vec<Inline>,
        /// Where it is in the source.
        span: Span,
    },
    /// A block quotation.
    Quote {
        /// The quoted blocks.
        blocks: Vec<Block>,
        /// Where it is in the source.
        span: Span,
    },
    /// A bulleted or numbered list.
    List {
        /// The first number of a numbered list; `None` for bullets.
        start: Option<u64>,
        /// The items.
        items: Vec<ListItem>,
        /// Where it is in the source.
        span: Span,
    },
    /// Preformatted code.
    Code {
        /// The info string's first word, if any.
        language: Option<String>,
        /// The code, lines separated by `\n`, without a final newline.
        text: String,
        /// Line numbers and highlighted lines asked for in the info string.
        attrs: CodeAttrs,
        /// Where it is in the source.
        span: Span,
    },
    /// A table.
    Table {
        /// Column alignments; the length is the number of columns.
        aligns: Vec<Align>,
        /// The header row.
        head: Vec<Vec<Inline>>,
        /// The body rows.
        rows: Vec<Vec<Vec<Inline>>>,
        /// The caption (`Table: …` next to the table); empty for none.
        caption: Vec<Inline>,
        /// Its label and number (`{#tbl:id}` after the caption).
        label: Option<Numbered>,
        /// Where it is in the source.
        span: Span,
    },
    /// An image standing on its own, as a figure.
    Figure {
        /// The image.
        image: ResourceId,
        /// Alternative text (may be empty).
        alt: String,
        /// The title attribute, used as caption when present.
        title: Option<String>,
        /// The size asked for (`{width=50%}`, raw HTML `width`/`height`).
        size: FigureSize,
        /// Its label and number (`{#fig:id}` after the image).
        label: Option<Numbered>,
        /// Where it is in the source.
        span: Span,
    },
    /// A definition list: terms, each with one or more definitions.
    DefinitionList {
        /// The terms and their definitions, in order.
        items: Vec<Definition>,
        /// Where it is in the source.
        span: Span,
    },
    /// A disclosure widget (`<details>`): a summary and content shown on request.
    Details {
        /// The summary line.
        summary: Vec<Inline>,
        /// The content.
        blocks: Vec<Block>,
        /// Whether it starts open.
        open: bool,
        /// Where it is in the source.
        span: Span,
    },
    /// A group of blocks in another language, direction or class (`<div>`).
    Division {
        /// The language, direction and class.
        attrs: Attrs,
        /// The content.
        blocks: Vec<Block>,
        /// Where it is in the source.
        span: Span,
    },
    /// A thematic break.
    Rule {
        /// Where it is in the source.
        span: Span,
    },
    /// A GitHub callout (`> [!NOTE]`): an aside with a label.
    Callout {
        /// Which of the five.
        kind: CalloutKind,
        /// Its content.
        blocks: Vec<Block>,
        /// Where it is in the source.
        span: Span,
    },
    /// A display equation (`$$…$$` standing alone in its paragraph).
    Equation {
        /// The formula.
        math: Math,
        /// Its label and number (`{#eq:id}` after the closing dollars).
        label: Option<Numbered>,
        /// Where it is in the source.
        span: Span,
    },
    /// The bibliography: the works cited, formatted by the citation style
    /// (made by the cite stage).
    Bibliography {
        /// The entries, in the style's order.
        entries: Vec<BibEntry>,
        /// Where it is (its heading's place, or the end of the book).
        span: Span,
    },
}

impl Block {
    /// Where the block is in its source.
    pub fn span(&self) -> Span {
        match self {
            Block::Heading { span, .. }
            | Block::Kicker { span, .. }
            | Block::Standfirst { span, .. }
            | Block::Dateline { span, .. }
            | Block::Paragraph { span, .. }
            | Block::Quote { span, .. }
            | Block::List { span, .. }
            | Block::Code { span, .. }
            | Block::Table { span, .. }
            | Block::Figure { span, .. }
            | Block::DefinitionList { span, .. }
            | Block::Details { span, .. }
            | Block::Division { span, .. }
            | Block::Callout { span, .. }
            | Block::Equation { span, .. }
            | Block::Bibliography { span, .. }
            | Block::Rule { span } => *span,
        }
    }
}

/// One item of a list.
#[derive(Debug, Clone, PartialEq)]
pub struct ListItem {
    /// `Some(done)` for a task-list item.
    pub task: Option<bool>,
    /// The item's content.
    pub blocks: Vec<Block>,
}

/// One term of a definition list with its definitions.
#[derive(Debug, Clone, PartialEq)]
pub struct Definition {
    /// The term.
    pub term: Vec<Inline>,
    /// Its definitions, each a list of blocks.
    pub details: Vec<Vec<Block>>,
}

/// Attributes kept from raw HTML: language, direction, class, title and
/// machine-readable date. Each is checked before it is stored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attrs {
    /// BCP 47 language tag.
    pub lang: Option<String>,
    /// Text direction.
    pub dir: Option<Direction>,
    /// Class names (letters, digits, `-`, `_`, separated by spaces).
    pub class: Option<String>,
    /// Advisory text (the expansion of an abbreviation).
    pub title: Option<String>,
    /// Machine-readable date or time of a `<time>`.
    pub datetime: Option<String>,
}

impl Attrs {
    /// Whether no attribute is set.
    pub fn is_empty(&self) -> bool {
        *self == Attrs::default()
    }
}

/// Text direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Left to right.
    Ltr,
    /// Right to left.
    Rtl,
    /// Decided from the text.
    Auto,
}

impl Direction {
    /// The HTML `dir` value.
    pub fn name(self) -> &'static str {
        match self {
            Direction::Ltr => "ltr",
            Direction::Rtl => "rtl",
            Direction::Auto => "auto",
        }
    }
}

/// Inline elements kept from raw HTML for their meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InlineTag {
    /// Superscript (`2<sup>10</sup>`).
    Sup,
    /// Subscript (`H<sub>2</sub>O`).
    Sub,
    /// Keyboard input.
    Kbd,
    /// An abbreviation (its expansion in `title`).
    Abbr,
    /// Highlighted text.
    Mark,
    /// Side comments, small print.
    Small,
    /// An inline quotation.
    Quote,
    /// The title of a work.
    Cite,
    /// The defining instance of a term.
    Dfn,
    /// A date or time (machine-readable in `datetime`).
    Time,
    /// Text in another language, direction or class.
    Span,
}

impl InlineTag {
    /// The XHTML element name.
    pub fn name(self) -> &'static str {
        match self {
            InlineTag::Sup => "sup",
            InlineTag::Sub => "sub",
            InlineTag::Kbd => "kbd",
            InlineTag::Abbr => "abbr",
            InlineTag::Mark => "mark",
            InlineTag::Small => "small",
            InlineTag::Quote => "q",
            InlineTag::Cite => "cite",
            InlineTag::Dfn => "dfn",
            InlineTag::Time => "time",
            InlineTag::Span => "span",
        }
    }

    /// The tag for an HTML element name, if it is one bindery keeps.
    pub fn from_name(name: &str) -> Option<InlineTag> {
        Some(match name {
            "sup" => InlineTag::Sup,
            "sub" => InlineTag::Sub,
            "kbd" => InlineTag::Kbd,
            "abbr" | "acronym" => InlineTag::Abbr,
            "mark" => InlineTag::Mark,
            "small" => InlineTag::Small,
            "q" => InlineTag::Quote,
            "cite" => InlineTag::Cite,
            "dfn" => InlineTag::Dfn,
            "time" => InlineTag::Time,
            "span" => InlineTag::Span,
            _ => return None,
        })
    }
}

/// Horizontal alignment of a table column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// No alignment given.
    None,
    /// Left.
    Left,
    /// Centred.
    Center,
    /// Right.
    Right,
}

/// Inline content.
#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    /// Plain text.
    Text(String),
    /// Emphasis (italic).
    Emph(Vec<Inline>),
    /// Strong emphasis (bold).
    Strong(Vec<Inline>),
    /// Struck-through text.
    Strike(Vec<Inline>),
    /// Inline code.
    Code(String),
    /// A hyperlink.
    Link {
        /// Where it goes.
        target: LinkTarget,
        /// The link text.
        content: Vec<Inline>,
    },
    /// A footnote reference.
    NoteRef(NoteId),
    /// Inline markup kept from raw HTML (`sup`, `sub`, `kbd`, `abbr`…).
    Tagged {
        /// Which element.
        tag: InlineTag,
        /// Its language, direction, class, title or date.
        attrs: Attrs,
        /// Its content.
        content: Vec<Inline>,
    },
    /// A formula in the text (`$…$`).
    Math(Box<Math>),
    /// A reference to a labelled figure, table or equation (`@fig:id`).
    Ref(Box<CrossRef>),
    /// A citation (`[@key, p. 33]`, `@key says`).
    Cite(Box<Citation>),
    /// A soft line break (a space when reflowed).
    SoftBreak,
    /// A hard line break.
    HardBreak,
}

/// Where a link goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    /// An external URL (`https:`, `mailto:`).
    External(String),
    /// An anchor in this book.
    Internal(AnchorId),
    /// An internal reference not yet resolved (`#id`, `other.md#id`); the
    /// resolve stage turns these into `Internal` or reports them.
    Unresolved {
        /// The reference as written.
        reference: String,
        /// Where the link is, for the warning when it does not resolve.
        span: Span,
    },
}

/// Index of a footnote in [`Document::notes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NoteId(pub u32);

/// A footnote body.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    /// The label as written (`[^label]`).
    pub label: String,
    /// The note's anchor.
    pub anchor: AnchorId,
    /// The anchor of the (first) reference to the note, for the back-link.
    pub back: AnchorId,
    /// The chapter the note belongs to.
    pub chapter: usize,
    /// The note's content.
    pub blocks: Vec<Block>,
}

/// Index of an image in [`Resources`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResourceId(pub u32);

/// The image table.
#[derive(Debug, Clone, Default)]
pub struct Resources {
    /// The images, in order of first reference.
    pub images: Vec<Image>,
    /// Resolved path → image, so a path referenced again is the same image.
    pub by_path: std::collections::HashMap<PathBuf, ResourceId>,
}

impl Resources {
    /// The image with the given id.
    pub fn get(&self, id: ResourceId) -> &Image {
        &self.images[id.0 as usize]
    }
}

/// One image referenced by the book.
#[derive(Debug, Clone)]
pub struct Image {
    /// The path as written in the Markdown.
    pub written: String,
    /// The resolved path on disk.
    pub path: PathBuf,
    /// Where it was first referenced.
    pub span: Span,
    /// What loading found.
    pub status: ImageStatus,
    /// The file the EPUB carries (set by the resource stage when EPUB is built).
    pub epub: Option<EpubImage>,
    /// What the PDF embeds (set by the resource stage when PDF is built).
    pub pdf: Option<PdfImage>,
    /// What was done to the image, for the build report.
    pub report: Option<ImageReport>,
}

/// The bytes of an image: in memory, or a file on disk that is read again
/// when the output is written, so a book's images are never all held at once.
#[derive(Debug, Clone)]
pub enum Blob {
    /// Bytes made by bindery (converted, stripped, sanitised).
    Memory(std::sync::Arc<Vec<u8>>),
    /// An input file, unchanged, of this length when it was probed.
    File {
        /// The file (symlinks resolved).
        path: PathBuf,
        /// Its length when probed.
        len: u64,
    },
}

impl Blob {
    /// Bytes made in memory.
    pub fn memory(bytes: Vec<u8>) -> Blob {
        Blob::Memory(std::sync::Arc::new(bytes))
    }

    /// The number of bytes.
    pub fn len(&self) -> u64 {
        match self {
            Blob::Memory(b) => b.len() as u64,
            Blob::File { len, .. } => *len,
        }
    }

    /// Whether there are no bytes.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes, read from disk for a file. A file whose length changed
    /// since it was probed is an error.
    pub fn read(&self) -> std::io::Result<std::borrow::Cow<'_, [u8]>> {
        match self {
            Blob::Memory(b) => Ok(std::borrow::Cow::Borrowed(b.as_slice())),
            Blob::File { path, len } => {
                let bytes = std::fs::read(path)?;
                if bytes.len() as u64 != *len {
                    return Err(changed(path));
                }
                Ok(std::borrow::Cow::Owned(bytes))
            }
        }
    }

    /// Copies the bytes into `sink`, streaming a file from disk.
    pub fn copy_to(&self, sink: &mut dyn std::io::Write) -> std::io::Result<()> {
        match self {
            Blob::Memory(b) => sink.write_all(b),
            Blob::File { path, len } => {
                use std::io::Read;
                // Large reads: `io::copy`'s 8 KB steps cost a system call
                // each, and this copies every image of a book.
                let file = std::fs::File::open(path)?;
                let mut reader = std::io::BufReader::with_capacity(1 << 18, file.take(*len + 1));
                let copied = std::io::copy(&mut reader, sink)?;
                if copied != *len {
                    return Err(changed(path));
                }
                Ok(())
            }
        }
    }
}

fn changed(path: &std::path::Path) -> std::io::Error {
    std::io::Error::other(format!(
        "{} changed while the book was being built",
        path.display()
    ))
}

/// The image file an EPUB carries.
#[derive(Debug, Clone)]
pub struct EpubImage {
    /// The bytes (the original file when nothing had to change).
    pub bytes: Blob,
    /// Their format.
    pub format: ImageFormat,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// How the PDF embeds an image.
#[derive(Debug, Clone)]
pub enum PdfImage {
    /// JPEG bytes passed through as `DCTDecode`.
    Jpeg {
        /// The JPEG file.
        bytes: Blob,
        /// Colour components (1, 3 or 4).
        components: u8,
        /// Adobe-inverted CMYK.
        inverted: bool,
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
    },
    /// Pixels as PNG image data (rows filtered by the PNG predictors, then
    /// zlib-compressed): 8-bit RGB and an optional 8-bit alpha mask.
    Flate {
        /// The RGB samples.
        rgb: Vec<u8>,
        /// The alpha samples, when some pixel is not opaque.
        alpha: Option<Vec<u8>>,
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
    },
    /// PNG image data passed through: its zlib stream with the PNG predictors
    /// (the IDAT data is taken from the file when the PDF is written).
    Png {
        /// The PNG file.
        file: Blob,
        /// Colour components: 1 (grey) or 3 (RGB).
        colors: u8,
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
    },
    /// 8-bit CMYK samples, zlib-compressed (converted for PDF/X-1a).
    Cmyk {
        /// The compressed samples.
        data: Vec<u8>,
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
    },
    /// Cannot be drawn in the PDF (a placeholder is drawn instead).
    Unsupported,
}

/// What the resource stage did with one image.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImageReport {
    /// The path as written in the Markdown.
    pub source: String,
    /// Bytes of the source file.
    pub bytes_before: u64,
    /// What the EPUB got (`copied`, `downscaled 4000x3000 -> 2048x1536`...).
    pub epub: Option<String>,
    /// Bytes in the EPUB.
    pub epub_bytes: Option<u64>,
    /// What the PDF got (`jpeg passed through`, `lossless flate`...).
    pub pdf: Option<String>,
    /// Bytes in the PDF (compressed streams).
    pub pdf_bytes: Option<u64>,
    /// Warnings about this image.
    pub warnings: Vec<String>,
}

/// The state of an image after the resource stage.
#[derive(Debug, Clone)]
pub enum ImageStatus {
    /// Not loaded yet (right after parsing).
    Pending,
    /// Loaded and probed.
    Loaded(LoadedImage),
    /// Could not be used; backends draw a placeholder with the alt text.
    Missing,
}

/// An image file and what its header says.
#[derive(Debug, Clone)]
pub struct LoadedImage {
    /// The file, untouched (read again when needed).
    pub bytes: Blob,
    /// The format.
    pub format: ImageFormat,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Identity of the content, so identical images are stored once: the
    /// SHA-256 of the bytes (hex) when another image has the same length,
    /// else `len-` and the length.
    pub hash: String,
    /// What the headers say, read while probing, so that an image that
    /// needs no change is never read again before it is copied out.
    pub facts: ImageFacts,
}

/// What an image's headers say (see [`LoadedImage::facts`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageFacts {
    /// The EXIF orientation, 1–8 (1: upright, nothing to apply).
    pub orientation: u8,
    /// JPEG: the colour components of the frame (0: not a JPEG, or no frame).
    pub jpeg_components: u8,
    /// JPEG: an Adobe APP14 segment is present (CMYK stored inverted).
    pub jpeg_adobe: bool,
    /// Metadata that can be stripped losslessly (JPEG EXIF/XMP/IPTC and
    /// comments, PNG text, time and EXIF chunks).
    pub has_metadata: bool,
    /// PNG: its data can go into a PDF as it is (8-bit grey or RGB, not
    /// interlaced, no transparency): the colour components and the length
    /// of the image data.
    pub png_passthrough: Option<(u8, u64)>,
}

impl Default for ImageFacts {
    fn default() -> ImageFacts {
        ImageFacts {
            orientation: 1,
            jpeg_components: 0,
            jpeg_adobe: false,
            has_metadata: false,
            png_passthrough: None,
        }
    }
}

/// Image formats bindery reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImageFormat {
    /// JPEG.
    Jpeg,
    /// PNG.
    Png,
    /// GIF.
    Gif,
    /// WebP.
    WebP,
    /// SVG.
    Svg,
}

impl ImageFormat {
    /// The media type.
    pub fn mime(self) -> &'static str {
        match self {
            ImageFormat::Jpeg => "image/jpeg",
            ImageFormat::Png => "image/png",
            ImageFormat::Gif => "image/gif",
            ImageFormat::WebP => "image/webp",
            ImageFormat::Svg => "image/svg+xml",
        }
    }

    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            ImageFormat::Jpeg => "jpg",
            ImageFormat::Png => "png",
            ImageFormat::Gif => "gif",
            ImageFormat::WebP => "webp",
            ImageFormat::Svg => "svg",
        }
    }
}

/// Index of an anchor in [`Anchors`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AnchorId(pub u32);

/// One anchor: a unique id and the chapter it lives in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    /// The XML id, unique in the whole book.
    pub id: String,
    /// The chapter (index into [`Document::chapters`]).
    pub chapter: usize,
}

/// The book-wide anchor table; ids are unique across all chapters.
#[derive(Debug, Clone, Default)]
pub struct Anchors {
    items: Vec<Anchor>,
    /// The id each anchor was asked for (before `-N`), for
    /// [`Document::append`] to replay.
    wanted: Vec<String>,
    /// Ids in use, for uniqueness and lookup (never iterated: order-free).
    taken: std::collections::HashMap<String, AnchorId>,
    /// The next suffix to try for each wanted id that was taken (so a
    /// thousand headings with the same text cost linear time).
    next: std::collections::HashMap<String, usize>,
}

impl Anchors {
    /// Creates an anchor from a wanted id, adding `-2`, `-3`… if it is taken.
    pub fn create(&mut self, wanted: &str, chapter: usize) -> AnchorId {
        let base = if wanted.is_empty() { "section" } else { wanted };
        let mut id = base.to_string();
        if self.taken.contains_key(&id) {
            let n = self.next.entry(base.to_string()).or_insert(2);
            loop {
                id = format!("{base}-{n}");
                *n += 1;
                if !self.taken.contains_key(&id) {
                    break;
                }
            }
        }
        let anchor = AnchorId(u32::try_from(self.items.len()).unwrap_or(u32::MAX));
        self.taken.insert(id.clone(), anchor);
        self.items.push(Anchor { id, chapter });
        self.wanted.push(wanted.to_string());
        anchor
    }

    /// The anchor with the given id.
    pub fn get(&self, id: AnchorId) -> &Anchor {
        &self.items[id.0 as usize]
    }

    /// Finds an anchor by its XML id.
    pub fn find(&self, id: &str) -> Option<AnchorId> {
        self.taken.get(id).copied()
    }

    /// All anchors in creation order.
    pub fn iter(&self) -> impl Iterator<Item = (AnchorId, &Anchor)> {
        self.items
            .iter()
            .enumerate()
            .map(|(i, a)| (AnchorId(i as u32), a))
    }
}

/// Turns heading text into an id: lowercase ASCII letters and digits joined by `-`.
///
/// Non-ASCII letters are kept (ids may be any XML name), punctuation is dropped,
/// and an id that would start with a digit gets an `h-` prefix to stay a valid name.
pub fn slugify(text: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else if c.is_whitespace() || c == '-' || c == '_' {
            dash = true;
        }
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "h-");
    }
    out
}

/// The plain text of inline content (for TOC entries, alt text, metadata).
pub fn plain_text(inlines: &[Inline]) -> String {
    let mut out = String::new();
    collect_text(inlines, &mut out);
    out.trim().to_string()
}

fn collect_text(inlines: &[Inline], out: &mut String) {
    for inline in inlines {
        match inline {
            Inline::Text(t) | Inline::Code(t) => out.push_str(t),
            Inline::Math(m) => out.push_str(&m.tex),
            Inline::Ref(r) => out.push_str(&r.label),
            Inline::Cite(c) if c.rendered.is_empty() => {
                let keys: Vec<String> = c.items.iter().map(|i| format!("@{}", i.key)).collect();
                out.push_str(&keys.join("; "));
            }
            Inline::Cite(c) => collect_text(&c.rendered, out),
            Inline::Emph(c) | Inline::Strong(c) | Inline::Strike(c) => collect_text(c, out),
            Inline::Tagged {
                tag: InlineTag::Quote,
                content,
                ..
            } => {
                out.push('“');
                collect_text(content, out);
                out.push('”');
            }
            Inline::Tagged { content, .. } => collect_text(content, out),
            Inline::Link { content, .. } => collect_text(content, out),
            Inline::NoteRef(_) => {}
            Inline::SoftBreak | Inline::HardBreak => out.push(' '),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_xml_names() {
        assert_eq!(slugify("You call that a plan?"), "you-call-that-a-plan");
        assert_eq!(slugify("1984 revisited"), "h-1984-revisited");
        assert_eq!(slugify("  Über  Straße "), "über-straße");
        assert_eq!(slugify("?!"), "");
    }

    #[test]
    fn anchors_are_unique_book_wide() {
        let mut anchors = Anchors::default();
        let a = anchors.create("intro", 0);
        let b = anchors.create("intro", 1);
        let c = anchors.create("", 1);
        assert_eq!(anchors.get(a).id, "intro");
        assert_eq!(anchors.get(b).id, "intro-2");
        assert_eq!(anchors.get(c).id, "section");
        assert_eq!(anchors.find("intro-2"), Some(b));
    }
}

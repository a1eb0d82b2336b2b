//! Flow: the blocks of a chapter → a column of chunks (lines, figures, rules
//! and vertical space) that the page breaker distributes onto pages.

mod callout;
mod code;
mod equation;
mod figure;
mod list;
mod listing;
mod prose;
mod references;
mod table;
mod wrap;

use super::inline::{LineBox, paragraph};
use super::{Ctx, ParStyle, TextAlign};
use crate::diag::Span;
use crate::doc::{AnchorId, Block, Inline, NoteId, plain_text};
use crate::pdf::frame::{Color, Item};
use crate::text::units::{Abs, Point};

/// One unit of the column.
#[derive(Debug, Clone)]
pub enum Chunk {
    /// Something drawn: a line, a figure, a table row.
    Content(Content),
    /// Vertical space; dropped at the top of a page.
    Space(Abs),
}

/// A drawn chunk.
#[derive(Debug, Clone, Default)]
pub struct Content {
    /// Height it takes.
    pub height: Abs,
    /// Items, relative to the chunk's top-left corner (the text block's left edge).
    pub items: Vec<(Point, Item)>,
    /// Must be on the same page as the next content chunk.
    pub keep_with_next: bool,
    /// Anchors that point here.
    pub anchors: Vec<AnchorId>,
    /// An outline entry starting here: title and level.
    pub outline: Option<(String, u8)>,
    /// Footnotes referenced here, to be set at the bottom of the same page.
    pub notes: Vec<NoteId>,
    /// Drawn first when this chunk starts a page (a table's header row).
    pub repeat: Option<Box<Content>>,
    /// An image printed under the minimum resolution: where it is in the
    /// source, the image and its resolution (warned about with its page).
    pub low_dpi: Option<(Span, crate::doc::ResourceId, f64)>,
    /// May move to the top of the next page while the text after it goes
    /// on (a figure).
    pub float: bool,
    /// A full-bleed picture: a page of its own, the image covering the
    /// trimmed page and its bleed.
    pub plate: Option<(crate::doc::ResourceId, f64)>,
    /// The line ends with a hyphen (not the last line of a page when that
    /// can be helped).
    pub hyphenated: bool,
    /// A page of its own (a table turned to landscape), set after the
    /// current page while the text goes on.
    pub own_page: bool,
    /// Spans every column (a magazine article's kicker, title, standfirst
    /// and lead picture), set at the full measure.
    pub span: bool,
}

impl Content {
    pub(super) fn from_line(line: LineBox, indent: Abs) -> Content {
        let items = line
            .items
            .into_iter()
            .map(|(p, item)| (Point::new(p.x + indent, p.y), item))
            .collect();
        Content {
            height: line.height,
            items,
            notes: line.notes,
            ..Content::default()
        }
    }
}

/// The footnotes of a chapter, laid out: the lines of each note.
pub type Notes = std::collections::BTreeMap<NoteId, Vec<Content>>;

/// The column of one piece of a chapter.
pub struct Column<'c, 'a> {
    ctx: &'c mut Ctx<'a>,
    chunks: Vec<Chunk>,
    /// Something was set before (in this piece or an earlier one), so a
    /// heading takes its space above.
    started: bool,
    /// The previous block was a body paragraph (the next one is indented).
    after_paragraph: bool,
    /// Anchors waiting for the next content chunk.
    pending_anchors: Vec<AnchorId>,
    /// The full measure, when text is set in columns narrower than it:
    /// what opens a chapter spans them.
    full: Option<Abs>,
    /// Chunks pushed now span every column.
    spanning: bool,
    /// A body paragraph has been set: nothing spans any more.
    text_started: bool,
}

/// Lays out one piece of a chapter into chunks, `width` wide, with the
/// footnotes first referenced in it. Pieces are independent of each other
/// (note numbers are counted per chapter beforehand), so they can be set in
/// parallel and a long chapter never has to be in memory whole.
/// With columns, `width` is a column's and `full` the whole measure's (the
/// kicker, title, standfirst and lead picture of a chapter span the
/// columns).
pub fn piece(
    ctx: &mut Ctx<'_>,
    piece: &super::Piece,
    (width, full): (Abs, Abs),
) -> (Vec<Chunk>, Notes) {
    let doc = ctx.doc;
    let chapter = &doc.chapters[piece.chapter];
    let first = piece.blocks.start == 0;
    let mut column = Column {
        ctx,
        chunks: Vec::new(),
        started: !first,
        after_paragraph: !first
            && matches!(
                chapter.blocks.get(piece.blocks.start - 1),
                Some(Block::Paragraph { .. })
            ),
        pending_anchors: if first {
            vec![chapter.anchor]
        } else {
            Vec::new()
        },
        full: (full > width).then_some(full),
        spanning: false,
        text_started: !first,
    };
    for block in &chapter.blocks[piece.blocks.clone()] {
        column.block(block, Abs::ZERO, width, 0);
    }
    let notes = column.notes(width);
    let mut chunks = column.chunks;
    // The chapter's own outline entry, when no level-1 heading gives one.
    let has_h1 = || {
        chapter
            .blocks
            .iter()
            .any(|b| matches!(b, Block::Heading { level: 1, .. }))
    };
    if first && !has_h1() {
        let title = chapter.title.clone().unwrap_or_else(|| {
            column.ctx.labels.numbered(
                crate::labels::Label::Chapter,
                &(piece.chapter + 1).to_string(),
            )
        });
        if let Some(Chunk::Content(c)) = chunks.iter_mut().find(|c| matches!(c, Chunk::Content(_)))
        {
            c.outline = Some((title, 1));
        }
    }
    (chunks, notes)
}

impl Column<'_, '_> {
    pub(super) fn space(&mut self, h: Abs) {
        self.chunks.push(Chunk::Space(h));
    }

    pub(super) fn push(&mut self, mut content: Content) {
        content.anchors.append(&mut self.pending_anchors);
        content.span = self.spanning;
        self.chunks.push(Chunk::Content(content));
    }

    /// Lays out inline content as lines, with widow and orphan control.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn lines(
        &mut self,
        content: &[Inline],
        style: &ParStyle,
        indent: Abs,
        width: Abs,
        span: Span,
        keep_all: bool,
        outline: Option<(String, u8)>,
    ) {
        let lines = paragraph(self.ctx, content, style, width, span);
        let n = lines.len();
        for (i, line) in lines.into_iter().enumerate() {
            let hyphenated = line.hyphenated;
            let mut c = Content::from_line(line, indent);
            // Orphans: the first line stays with the second; widows: the
            // last line stays with the one before; a hyphenated line stays
            // with the next, so no page ends on a hyphen (TeX's
            // \brokenpenalty, made absolute where the page allows).
            c.keep_with_next =
                keep_all || (n >= 2 && (i == 0 || i + 2 == n)) || (hyphenated && i + 1 < n);
            c.hyphenated = hyphenated;
            if i == 0 {
                c.outline = outline.clone();
            }
            self.push(c);
        }
    }

    pub(super) fn block(&mut self, block: &Block, indent: Abs, width: Abs, depth: usize) {
        // A chapter's opening blocks span the columns, until its text starts.
        let opening = matches!(
            block,
            Block::Kicker { .. }
                | Block::Standfirst { .. }
                | Block::Dateline { .. }
                | Block::Heading { level: 1, .. }
                | Block::Figure { .. }
        );
        if depth == 0 && !self.text_started && !opening {
            self.text_started = true;
        }
        let full = self
            .full
            .filter(|_| depth == 0 && !self.text_started && opening);
        let width = full.unwrap_or(width);
        self.spanning = full.is_some();
        self.block_in(block, indent, width, depth);
        self.spanning = false;
    }

    fn block_in(&mut self, block: &Block, indent: Abs, width: Abs, depth: usize) {
        let after_paragraph = std::mem::replace(&mut self.after_paragraph, false);
        match block {
            Block::Heading {
                level,
                content,
                anchor,
                span,
            } => self.heading(*level, content, *anchor, *span, indent, width, depth),
            Block::Kicker { .. } | Block::Standfirst { .. } | Block::Dateline { .. } => {
                self.article_part(block, indent, width);
            }
            Block::Paragraph { content, span } => {
                self.paragraph(content, *span, indent, width, depth, after_paragraph);
            }
            Block::Quote { blocks, .. } => {
                self.space(Abs::pt(6.0));
                // Deep nesting stops indenting before the measure gets narrow.
                let inset = if width > Abs::pt(160.0) {
                    Abs::pt(18.0)
                } else {
                    Abs::ZERO
                };
                for b in blocks {
                    self.block(b, indent + inset, width - inset * 2.0, depth + 1);
                }
                self.space(Abs::pt(6.0));
            }
            Block::List { start, items, .. } => {
                self.space(Abs::pt(4.0));
                self.list(*start, items, indent, width, depth);
                self.space(Abs::pt(4.0));
            }
            Block::Code {
                language,
                text,
                attrs,
                span,
            } if self.listed(language.as_deref(), attrs) => {
                self.space(Abs::pt(6.0));
                self.listing(language.as_deref(), text, attrs, indent, width, *span);
                self.space(Abs::pt(6.0));
            }
            Block::Code { text, span, .. } => {
                self.space(Abs::pt(6.0));
                self.code(text, indent, width, *span);
                self.space(Abs::pt(6.0));
            }
            Block::Table {
                aligns,
                head,
                rows,
                caption,
                label,
                span,
            } => {
                self.space(Abs::pt(6.0));
                self.table_caption(caption, label.as_ref(), indent, width, *span);
                self.table(aligns, head, rows, indent, width, *span);
                self.space(Abs::pt(6.0));
            }
            Block::Figure {
                image,
                alt,
                title,
                size,
                label,
                span,
            } => {
                self.space(Abs::pt(8.0));
                let caption = self.figure_caption(title.as_deref(), label.as_ref());
                self.figure(
                    *image,
                    alt,
                    caption.as_deref(),
                    (indent, width),
                    size,
                    *span,
                );
                self.space(Abs::pt(8.0));
            }
            Block::Callout { kind, blocks, span } => {
                self.callout(*kind, blocks, indent, width, depth, *span);
            }
            Block::Equation { math, label, span } => {
                self.equation(math, label.as_ref(), indent, width, *span);
            }
            Block::Bibliography { entries, span } => {
                self.bibliography(entries, indent, width, *span);
            }
            Block::DefinitionList { items, .. } => {
                self.definitions(items, block.span(), indent, width, depth);
            }
            Block::Details {
                summary, blocks, ..
            } => self.details(summary, blocks, block.span(), (indent, width), depth),
            Block::Division { attrs, blocks, .. } => {
                self.division(attrs, blocks, indent, width, depth);
            }
            Block::Rule { .. } => self.rule(indent, width),
        }
    }

    /// Lays out every note referenced in the chapter (notes referenced from
    /// notes included), each as its own list of lines.
    fn notes(&mut self, width: Abs) -> Notes {
        let theme = self.ctx.theme;
        let style = ParStyle {
            size: theme.size * (8.5 / 11.0),
            leading: theme.leading * (10.5 / 14.0),
            ..theme.body()
        };
        let doc = self.ctx.doc;
        let mut out = Notes::new();
        let main = std::mem::take(&mut self.chunks);
        let mut i = 0;
        while i < self.ctx.chapter_notes.len() {
            let id = self.ctx.chapter_notes[i];
            let note = &doc.notes[id.0 as usize];
            self.pending_anchors.push(note.anchor);
            let number = self.ctx.note_number(id);
            let mut content = vec![Inline::Text(format!("{number}. "))];
            let mut rest: &[Block] = &note.blocks;
            if let Some(Block::Paragraph { content: first, .. }) = note.blocks.first() {
                content.extend(first.iter().cloned());
                rest = &note.blocks[1..];
            }
            let span = note
                .blocks
                .first()
                .map_or(Span::new(crate::diag::FileId(0), 0..0), Block::span);
            self.lines(&content, &style, Abs::ZERO, width, span, false, None);
            for b in rest {
                self.block(b, Abs::pt(12.0), width - Abs::pt(12.0), 1);
            }
            let lines: Vec<Content> = std::mem::take(&mut self.chunks)
                .into_iter()
                .filter_map(|c| match c {
                    Chunk::Content(c) => Some(c),
                    Chunk::Space(_) => None,
                })
                .collect();
            out.insert(id, lines);
            i += 1;
        }
        self.chunks = main;
        out
    }
}

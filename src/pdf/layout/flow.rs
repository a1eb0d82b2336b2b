//! Flow: the blocks of a chapter → a column of chunks (lines, figures, rules
//! and vertical space) that the page breaker distributes onto pages.

use super::inline::{LineBox, paragraph};
use super::{Ctx, ParStyle, TextAlign};
use crate::diag::Span;
use crate::doc::{
    Align, AnchorId, Block, ImageStatus, Inline, ListItem, NoteId, ResourceId, plain_text,
};
use crate::pdf::frame::{Color, Item, TextRun};
use crate::text::FaceId;
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
}

/// Lays out one piece of a chapter into chunks, `width` wide, with the
/// footnotes first referenced in it. Pieces are independent of each other
/// (note numbers are counted per chapter beforehand), so they can be set in
/// parallel and a long chapter never has to be in memory whole.
pub fn piece(ctx: &mut Ctx<'_>, piece: &super::Piece, width: Abs) -> (Vec<Chunk>, Notes) {
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
        let title = chapter
            .title
            .clone()
            .unwrap_or_else(|| format!("Chapter {}", piece.chapter + 1));
        if let Some(Chunk::Content(c)) = chunks.iter_mut().find(|c| matches!(c, Chunk::Content(_)))
        {
            c.outline = Some((title, 1));
        }
    }
    (chunks, notes)
}

pub(super) fn style_for_heading(level: u8) -> (ParStyle, Abs, Abs) {
    let (face, size, leading, before, after) = match level {
        1 => (FaceId::SansBold, 22.0, 26.0, 4.0, 8.0),
        2 => (FaceId::SansBold, 13.0, 16.0, 14.0, 4.0),
        3 => (FaceId::SansBold, 11.5, 14.0, 12.0, 3.0),
        _ => (FaceId::SerifBold, 10.5, 13.5, 10.0, 2.0),
    };
    (
        ParStyle {
            face,
            size: Abs::pt(size),
            leading: Abs::pt(leading),
            color: Color::BLACK,
            align: TextAlign::Left,
            first_indent: Abs::ZERO,
            small_caps: false,
        },
        Abs::pt(before),
        Abs::pt(after),
    )
}

impl Column<'_, '_> {
    fn space(&mut self, h: Abs) {
        self.chunks.push(Chunk::Space(h));
    }

    fn push(&mut self, mut content: Content) {
        content.anchors.append(&mut self.pending_anchors);
        self.chunks.push(Chunk::Content(content));
    }

    /// Lays out inline content as lines, with widow and orphan control.
    #[allow(clippy::too_many_arguments)]
    fn lines(
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
            let mut c = Content::from_line(line, indent);
            // Orphans: the first line stays with the second; widows: the
            // last line stays with the one before.
            c.keep_with_next = keep_all || (n >= 2 && (i == 0 || i + 2 == n));
            if i == 0 {
                c.outline = outline.clone();
            }
            self.push(c);
        }
    }

    fn block(&mut self, block: &Block, indent: Abs, width: Abs, depth: usize) {
        let after_paragraph = std::mem::replace(&mut self.after_paragraph, false);
        match block {
            Block::Heading {
                level,
                content,
                anchor,
                span,
            } => {
                let (style, before, after) = style_for_heading(*level);
                if self.started || self.chunks.iter().any(|c| matches!(c, Chunk::Content(_))) {
                    self.space(before);
                }
                self.pending_anchors.push(*anchor);
                let title = plain_text(content);
                let outline = (depth == 0 && *level <= 3).then_some((title, *level));
                self.lines(content, &style, indent, width, *span, true, outline);
                self.space_kept(after);
            }
            Block::Kicker { content, span } => {
                let style = ParStyle {
                    small_caps: true,
                    ..ParStyle::left(FaceId::Serif, 11.0, 14.0, Color::ACCENT)
                };
                self.lines(content, &style, indent, width, *span, true, None);
                self.space_kept(Abs::pt(2.0));
            }
            Block::Standfirst { content, span } => {
                let style = ParStyle::left(FaceId::SerifItalic, 13.0, 17.0, Color::BLACK);
                self.lines(content, &style, indent, width, *span, false, None);
                self.space(Abs::pt(8.0));
            }
            Block::Dateline { content, span } => {
                let style = ParStyle::left(FaceId::Sans, 9.0, 12.0, Color::GREY);
                self.lines(content, &style, indent, width, *span, false, None);
                self.space(Abs::pt(8.0));
            }
            Block::Paragraph { content, span } => {
                let mut style = ParStyle::body();
                if self.ctx.ragged {
                    style.align = TextAlign::Left;
                }
                if depth == 0 && after_paragraph {
                    style.first_indent = style.size;
                }
                if depth > 0 {
                    style.size = Abs::pt(10.0);
                    style.leading = Abs::pt(13.0);
                }
                self.lines(content, &style, indent, width, *span, false, None);
                if depth == 0 {
                    self.after_paragraph = true;
                } else {
                    self.space(Abs::pt(3.0));
                }
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
            Block::Code { text, span, .. } => {
                self.space(Abs::pt(6.0));
                self.code(text, indent, width, *span);
                self.space(Abs::pt(6.0));
            }
            Block::Table {
                aligns,
                head,
                rows,
                span,
            } => {
                self.space(Abs::pt(6.0));
                self.table(aligns, head, rows, indent, width, *span);
                self.space(Abs::pt(6.0));
            }
            Block::Figure {
                image,
                alt,
                title,
                width: asked,
                span,
            } => {
                // A width asked for in CSS pixels (96 per inch) narrows the
                // figure, centred in the measure.
                let w = asked.map_or(width, |px| Abs::pt(f64::from(px) * 0.75).min(width));
                self.space(Abs::pt(8.0));
                let at = indent + (width - w) / 2.0;
                self.figure(*image, alt, title.as_deref(), at, w, *span);
                self.space(Abs::pt(8.0));
            }
            Block::DefinitionList { items, .. } => {
                // Each term bold, its definitions indented under it.
                self.space(Abs::pt(4.0));
                let inset = if width > Abs::pt(160.0) {
                    Abs::pt(18.0)
                } else {
                    Abs::ZERO
                };
                for item in items {
                    let term = vec![Inline::Strong(item.term.clone())];
                    let span = item
                        .details
                        .iter()
                        .flatten()
                        .next()
                        .map_or(block.span(), Block::span);
                    self.lines(
                        &term,
                        &ParStyle::left(FaceId::Serif, 10.5, 14.0, Color::BLACK),
                        indent,
                        width,
                        span,
                        true,
                        None,
                    );
                    for b in item.details.iter().flatten() {
                        self.block(b, indent + inset, width - inset, depth + 1);
                    }
                }
                self.space(Abs::pt(4.0));
            }
            Block::Details {
                summary, blocks, ..
            } => {
                // Print has no disclosure: the summary as a bold line, then the content.
                let summary = vec![Inline::Strong(summary.clone())];
                let style = ParStyle::left(FaceId::Serif, 10.5, 14.0, Color::BLACK);
                self.lines(&summary, &style, indent, width, block.span(), true, None);
                for b in blocks {
                    self.block(b, indent, width, depth);
                }
            }
            Block::Division { blocks, .. } => {
                for b in blocks {
                    self.block(b, indent, width, depth);
                }
            }
            Block::Rule { .. } => {
                self.space(Abs::pt(8.0));
                self.push(Content {
                    height: Abs::pt(1.0),
                    items: vec![(
                        Point::new(indent + width / 3.0, Abs::pt(0.5)),
                        Item::Line {
                            dx: width / 3.0,
                            dy: Abs::ZERO,
                            color: Color::LIGHT,
                            thickness: Abs::pt(0.6),
                        },
                    )],
                    ..Content::default()
                });
                self.space(Abs::pt(8.0));
            }
        }
    }

    /// Space that stays with what precedes it (after headings).
    fn space_kept(&mut self, h: Abs) {
        self.space(h);
    }

    fn list(
        &mut self,
        start: Option<u64>,
        items: &[ListItem],
        indent: Abs,
        width: Abs,
        depth: usize,
    ) {
        // Markers hang in the indent; past a narrow measure, items stop indenting.
        let hang = if width > Abs::pt(140.0) {
            Abs::pt(16.0)
        } else {
            Abs::ZERO
        };
        let book = self.ctx.fonts;
        for (i, item) in items.iter().enumerate() {
            let marker = match (item.task, start) {
                (Some(_), _) => String::new(),
                (None, Some(n)) => format!("{}.", n + i as u64),
                (None, None) => if depth.is_multiple_of(2) {
                    "•"
                } else {
                    "◦"
                }
                .to_string(),
            };
            let first = self.chunks.len();
            for b in &item.blocks {
                self.block(b, indent + hang, width - hang, depth + 1);
            }
            // Hang the marker on the item's first line.
            let size = Abs::pt(10.0);
            let shaped = book.shape(FaceId::Serif, size, &marker, false);
            let marker_width = shaped.width();
            if let Some(Chunk::Content(c)) = self.chunks[first..]
                .iter_mut()
                .find(|c| matches!(c, Chunk::Content(_)))
            {
                let baseline = c
                    .items
                    .iter()
                    .find_map(|(p, it)| matches!(it, Item::Text(_)).then_some(p.y))
                    .unwrap_or(size);
                let x = indent + hang - marker_width - Abs::pt(4.0);
                if let Some(done) = item.task {
                    c.items
                        .extend(task_box(indent + hang - Abs::pt(12.0), baseline, done));
                }
                for run in shaped.runs.iter() {
                    c.items.insert(
                        0,
                        (
                            Point::new(x, baseline),
                            Item::Text(TextRun::shaped(run, Abs::ZERO, Color::BLACK)),
                        ),
                    );
                }
            }
        }
    }

    fn code(&mut self, text: &str, indent: Abs, width: Abs, span: Span) {
        let book = self.ctx.fonts;
        let size = Abs::pt(8.5);
        let leading = Abs::pt(11.0);
        let pad = Abs::pt(4.0);
        let inner = width - pad * 2.0;
        let mark = if book.covers(FaceId::Mono, '↪') {
            "↪ "
        } else {
            "> "
        };
        let lines: Vec<&str> = text.split('\n').collect();
        let count = lines.len();
        for (li, raw) in lines.into_iter().enumerate() {
            let line = raw.replace('\t', "    ");
            let mut rest = line.as_str();
            let mut continued = false;
            loop {
                let prefix = if continued { mark } else { "" };
                let available = inner - book.shape(FaceId::Mono, size, prefix, false).width();
                // Monospace: cut by character count, then check the width.
                let advance = book.shape(FaceId::Mono, size, "M", false).width();
                let mut fit = ((available / advance).floor() as usize).max(1);
                // Characters from fallback fonts are wider than the mono
                // advance: shrink the line until its real width fits.
                let (tail, shaped) = loop {
                    let cut = rest.char_indices().nth(fit).map_or(rest.len(), |(i, _)| i);
                    let (head, tail) = rest.split_at(cut);
                    let shown = format!("{prefix}{head}");
                    let shaped = book.shape(FaceId::Mono, size, &shown, false);
                    let real = shaped.width();
                    if fit <= 1 || real.fits_in(inner) {
                        break (tail, shaped);
                    }
                    let scaled = (fit as f64 * (inner / real)).floor() as usize;
                    fit = scaled.clamp(1, fit - 1);
                };
                for &c in &shaped.missing {
                    self.ctx.missing_glyph(c, span);
                }
                let mut items = vec![(
                    Point::new(indent, Abs::ZERO),
                    Item::Rect {
                        width,
                        height: leading,
                        fill: Some(Color::WASH),
                        stroke: None,
                    },
                )];
                let mut x = indent + pad;
                for run in shaped.runs.iter() {
                    let mut placed = TextRun::new(run.face, run.size, Color::BLACK);
                    let mut pen = Abs::ZERO;
                    for g in &run.glyphs {
                        // Spaces draw nothing; leave them out of the PDF.
                        if g.text != " " {
                            placed.push(g.id, pen + g.x_offset, g.y_offset, &g.text);
                        }
                        pen += g.advance;
                    }
                    items.push((Point::new(x, leading * 0.75), Item::Text(placed)));
                    x += run.width;
                }
                let last_of_block = tail.is_empty() && li + 1 == count;
                self.push(Content {
                    height: leading,
                    items,
                    keep_with_next: !last_of_block && (li == 0 || li + 2 == count),
                    ..Content::default()
                });
                if tail.is_empty() {
                    break;
                }
                rest = tail;
                continued = true;
            }
        }
    }

    fn table(
        &mut self,
        aligns: &[Align],
        head: &[Vec<Inline>],
        rows: &[Vec<Vec<Inline>>],
        indent: Abs,
        width: Abs,
        span: Span,
    ) {
        let cols = aligns
            .len()
            .max(head.len())
            .max(rows.iter().map(Vec::len).max().unwrap_or(0));
        if cols == 0 {
            return;
        }
        let pad = Abs::pt(4.0);
        let body = ParStyle {
            size: Abs::pt(9.5),
            leading: Abs::pt(12.0),
            align: TextAlign::Left,
            ..ParStyle::body()
        };
        // Column widths from content: the natural (one-line) width of each
        // column's widest cell, shrunk proportionally when they do not fit.
        let all_rows: Vec<&[Vec<Inline>]> = std::iter::once(head)
            .filter(|h| !h.is_empty())
            .chain(rows.iter().map(Vec::as_slice))
            .collect();
        let mut natural = vec![Abs::pt(20.0); cols];
        for (r, row) in all_rows.iter().enumerate() {
            let style = if r == 0 && !head.is_empty() {
                ParStyle {
                    face: FaceId::SerifBold,
                    ..body.clone()
                }
            } else {
                body.clone()
            };
            for (i, cell) in row.iter().enumerate().take(cols) {
                let lines = paragraph(self.ctx, cell, &style, Abs::pt(10_000.0), span);
                // One point of slack against rounding in the second layout.
                let w = lines.iter().map(|l| l.width).fold(Abs::ZERO, Abs::max)
                    + pad * 2.0
                    + Abs::pt(1.0);
                natural[i] = natural[i].max(w);
            }
        }
        let total: Abs = natural.iter().copied().sum();
        let widths: Vec<Abs> = if total.fits_in(width) {
            natural
        } else {
            natural.iter().map(|w| *w * (width / total)).collect()
        };
        let table_width: Abs = widths.iter().copied().sum();
        let mut row_chunks = Vec::new();
        let mut header = None;
        if !head.is_empty() {
            let h = self.table_row(head, aligns, &widths, indent, pad, true, span);
            header = Some(Box::new(Content {
                notes: Vec::new(),
                anchors: Vec::new(),
                ..h.clone()
            }));
            row_chunks.push(h);
        }
        for row in rows {
            let mut c = self.table_row(row, aligns, &widths, indent, pad, false, span);
            // After a page break the header row is drawn again.
            c.repeat.clone_from(&header);
            row_chunks.push(c);
        }
        // Top rule of the table.
        let n = row_chunks.len();
        for (i, mut c) in row_chunks.into_iter().enumerate() {
            if i == 0 {
                c.items.push((
                    Point::new(indent, Abs::ZERO),
                    Item::Line {
                        dx: table_width,
                        dy: Abs::ZERO,
                        color: Color::GREY,
                        thickness: Abs::pt(0.8),
                    },
                ));
                c.keep_with_next = n > 1;
            }
            self.push(c);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn table_row(
        &mut self,
        cells: &[Vec<Inline>],
        aligns: &[Align],
        widths: &[Abs],
        indent: Abs,
        pad: Abs,
        header: bool,
        span: Span,
    ) -> Content {
        let mut items = Vec::new();
        let mut x = indent;
        let mut height = Abs::ZERO;
        let mut laid = Vec::new();
        for (i, w) in widths.iter().enumerate() {
            let align = match aligns.get(i) {
                Some(Align::Center) => TextAlign::Center,
                Some(Align::Right) => TextAlign::Right,
                _ => TextAlign::Left,
            };
            let style = ParStyle {
                face: if header {
                    FaceId::SerifBold
                } else {
                    FaceId::Serif
                },
                size: Abs::pt(9.5),
                leading: Abs::pt(12.0),
                align,
                ..ParStyle::body()
            };
            let content = cells.get(i).map(Vec::as_slice).unwrap_or(&[]);
            let lines = paragraph(self.ctx, content, &style, *w - pad * 2.0, span);
            let h: Abs = lines.iter().map(|l| l.height).sum();
            height = height.max(h);
            laid.push((x, lines));
            x += *w;
        }
        height += pad;
        let mut notes = Vec::new();
        for (x, lines) in laid {
            let mut y = pad / 2.0;
            for line in lines {
                notes.extend(line.notes);
                for (p, item) in line.items {
                    items.push((Point::new(x + pad + p.x, y + p.y), item));
                }
                y += line.height;
            }
        }
        let table_width: Abs = widths.iter().copied().sum();
        items.push((
            Point::new(indent, height),
            Item::Line {
                dx: table_width,
                dy: Abs::ZERO,
                color: if header { Color::GREY } else { Color::LIGHT },
                thickness: Abs::pt(if header { 0.6 } else { 0.4 }),
            },
        ));
        Content {
            height,
            items,
            keep_with_next: header,
            notes,
            ..Content::default()
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn figure(
        &mut self,
        image: ResourceId,
        alt: &str,
        title: Option<&str>,
        indent: Abs,
        width: Abs,
        span: Span,
    ) {
        let doc = self.ctx.doc;
        let caption_style = ParStyle {
            face: FaceId::SerifItalic,
            size: Abs::pt(9.0),
            leading: Abs::pt(11.5),
            color: Color::GREY,
            align: TextAlign::Center,
            first_indent: Abs::ZERO,
            small_caps: false,
        };
        let mut items = Vec::new();
        let mut height;
        let resource = doc.resources.get(image);
        let drawable = !matches!(resource.pdf, Some(crate::doc::PdfImage::Unsupported) | None);
        match &resource.status {
            ImageStatus::Loaded(loaded) if drawable => {
                let (w, h) =
                    crate::resource::placed_size(loaded.width, loaded.height, width.to_pt());
                let (w, h) = (Abs::pt(w), Abs::pt(h));
                items.push((
                    Point::new(indent + (width - w) / 2.0, Abs::ZERO),
                    Item::Image {
                        image,
                        width: w,
                        height: h,
                    },
                ));
                height = h;
            }
            _ => {
                let label = if alt.trim().is_empty() {
                    doc.resources.get(image).written.clone()
                } else {
                    alt.to_string()
                };
                let box_h = Abs::pt(72.0);
                items.push((
                    Point::new(indent, Abs::ZERO),
                    Item::Rect {
                        width,
                        height: box_h,
                        fill: None,
                        stroke: Some((Color::LIGHT, Abs::pt(0.8))),
                    },
                ));
                let text = vec![Inline::Text(format!("[image: {label}]"))];
                let lines = paragraph(self.ctx, &text, &caption_style, width - Abs::pt(16.0), span);
                let th: Abs = lines.iter().map(|l| l.height).sum();
                let mut y = (box_h - th) / 2.0;
                for line in lines {
                    for (p, item) in line.items {
                        items.push((Point::new(indent + Abs::pt(8.0) + p.x, y + p.y), item));
                    }
                    y += line.height;
                }
                height = box_h;
            }
        }
        if let Some(caption) = title.filter(|t| !t.trim().is_empty()) {
            height += Abs::pt(4.0);
            let text = vec![Inline::Text(caption.to_string())];
            let lines = paragraph(self.ctx, &text, &caption_style, width, span);
            for line in lines {
                for (p, item) in line.items {
                    items.push((Point::new(indent + p.x, height + p.y), item));
                }
                height += line.height;
            }
        }
        self.push(Content {
            height,
            items,
            ..Content::default()
        });
    }

    /// Lays out every note referenced in the chapter (notes referenced from
    /// notes included), each as its own list of lines.
    fn notes(&mut self, width: Abs) -> Notes {
        let style = ParStyle {
            size: Abs::pt(8.5),
            leading: Abs::pt(10.5),
            ..ParStyle::body()
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

/// A check box drawn with rules (no font has to have ☐ and ☑), with a tick when done.
fn task_box(x: Abs, baseline: Abs, done: bool) -> Vec<(Point, Item)> {
    let side = Abs::pt(7.0);
    let top = baseline - side;
    let mut items = vec![(
        Point::new(x, top),
        Item::Rect {
            width: side,
            height: side,
            fill: None,
            stroke: Some((Color::BLACK, Abs::pt(0.6))),
        },
    )];
    if done {
        let t = Abs::pt(0.9);
        items.push((
            Point::new(x + Abs::pt(1.4), top + Abs::pt(3.6)),
            Item::Line {
                dx: Abs::pt(2.0),
                dy: Abs::pt(2.2),
                color: Color::BLACK,
                thickness: t,
            },
        ));
        items.push((
            Point::new(x + Abs::pt(3.4), top + Abs::pt(5.8)),
            Item::Line {
                dx: Abs::pt(2.4),
                dy: Abs::pt(-4.6),
                color: Color::BLACK,
                thickness: t,
            },
        ));
    }
    items
}

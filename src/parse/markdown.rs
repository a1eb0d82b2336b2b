//! CommonMark + GFM events → tree, with a stack of open containers.
//!
//! Input: Markdown text (a whole body, or one fragment of an article) and the
//! byte offset where it sits in its file. Output: blocks appended to the
//! chapter being built; images, notes and anchors registered in the context.

use super::Context;
use super::html::{self, Converter};
use super::technical;
use crate::diag::Span;
use crate::doc::{
    Align, Attrs, Block, CalloutKind, CodeAttrs, Definition, Inline, InlineTag, LinkTarget,
    ListItem, NoteId, Numbered, plain_text, slugify,
};
use pulldown_cmark::{
    Alignment, BlockQuoteKind, CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd,
};

/// Nesting deeper than this is flattened (with a warning) instead of growing the stack.
pub const MAX_DEPTH: usize = 64;

/// The pulldown-cmark options bindery reads Markdown with; `math` reads
/// `$…$` and `$$…$$` as formulas (CommonMark books, not scraped articles,
/// whose dollars are prices).
pub fn options(math: bool) -> Options {
    let math = if math {
        Options::ENABLE_MATH
    } else {
        Options::empty()
    };
    math | Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
        | Options::ENABLE_DEFINITION_LIST
}

#[derive(Debug)]
enum BlockKind {
    Root,
    Quote,
    /// A GitHub alert (`> [!NOTE]`).
    Callout(CalloutKind),
    Item {
        task: Option<bool>,
    },
    Note {
        id: NoteId,
    },
    /// One definition of a definition list's term.
    Definition,
    /// A `<details>` opened by one HTML block and closed by a later one,
    /// with Markdown between them (as GitHub writes it).
    Details {
        summary: Vec<Inline>,
        open: bool,
    },
}

#[derive(Debug)]
enum InlineKind {
    Para,
    /// A definition list term.
    Term,
    /// A paragraph opened for bare text in a tight list item.
    ImplicitPara,
    Heading {
        level: u8,
        id: Option<String>,
    },
    Emph,
    Strong,
    Strike,
    /// Superscript or subscript (`Tag::Superscript`, `Tag::Subscript`).
    Tagged(InlineTag),
    /// An inline HTML element opened by a bare tag (`<sup>`) in a heading,
    /// table cell or term, closed by its end tag or by the end of its container.
    HtmlTag(InlineTag),
    Link {
        dest: String,
    },
    Image {
        dest: String,
        title: String,
    },
    Cell,
}

#[derive(Debug)]
enum Frame {
    Blocks {
        kind: BlockKind,
        blocks: Vec<Block>,
        start: usize,
    },
    Inlines {
        kind: InlineKind,
        inlines: Vec<Inline>,
        start: usize,
    },
    List {
        first: Option<u64>,
        items: Vec<ListItem>,
        start: usize,
    },
    Definitions {
        items: Vec<Definition>,
        start: usize,
    },
    Table {
        aligns: Vec<Align>,
        head: Vec<Vec<Inline>>,
        rows: Vec<Vec<Vec<Inline>>>,
        row: Vec<Vec<Inline>>,
        start: usize,
    },
    Code {
        language: Option<String>,
        attrs: CodeAttrs,
        text: String,
        start: usize,
    },
    Html {
        text: String,
        start: usize,
    },
    /// A container nested past [`MAX_DEPTH`]: its content goes to the parent.
    Flattened,
}

/// Builds blocks from one Markdown text.
struct Builder<'c, 'd, 't> {
    ctx: &'c mut Context<'d>,
    base: usize,
    /// The text being read (citations and references find their place in it).
    text: &'t str,
    stack: Vec<Frame>,
    /// Figures found inside inline content, placed after the enclosing block.
    figures: Vec<Block>,
    warned_depth: bool,
    /// End of the last event seen, to close implicit paragraphs.
    last_end: usize,
    /// A paragraph with inline HTML, being collected as HTML.
    html: Option<HtmlMode>,
    /// Each figure waiting in `figures` that stood directly in a paragraph:
    /// how many inlines the paragraph had before it (its `{#fig:id}` label
    /// follows there).
    figure_at: Vec<Option<usize>>,
    /// The last event ended an image (a `{…}` of attributes may follow).
    after_image: bool,
}

/// A paragraph that mixes Markdown and inline HTML is collected as one HTML
/// fragment (Markdown constructs rendered as tags) and converted when it ends.
struct HtmlMode {
    buf: String,
    targets: Vec<Option<LinkTarget>>,
    start: usize,
}

/// Parses `text` (at byte `base` of the current file) and returns its blocks.
pub fn parse(ctx: &mut Context<'_>, text: &str, base: usize) -> Vec<Block> {
    let mut builder = Builder {
        ctx,
        base,
        text,
        stack: vec![Frame::Blocks {
            kind: BlockKind::Root,
            blocks: Vec::new(),
            start: 0,
        }],
        figures: Vec::new(),
        warned_depth: false,
        last_end: 0,
        html: None,
        figure_at: Vec::new(),
        after_image: false,
    };
    let mut opts = options(builder.ctx.math);
    if builder.ctx.smart {
        opts |= Options::ENABLE_SMART_PUNCTUATION;
    }
    for (event, range) in Parser::new_ext(text, opts).into_offset_iter() {
        builder.event(event, range);
    }
    builder.finish(text.len())
}

impl Builder<'_, '_, '_> {
    fn span(&self, range: std::ops::Range<usize>) -> Span {
        Span::new(self.ctx.file, range).shifted(self.base)
    }

    fn event(&mut self, event: Event<'_>, range: std::ops::Range<usize>) {
        // Container ranges cover their whole content and trailing blank
        // lines; an implicit paragraph ends where its last inline ended.
        if !matches!(event, Event::Start(_) | Event::End(TagEnd::Item)) {
            self.last_end = range.end;
        }
        if self.html.is_some() && self.html_event(&event, &range) {
            return;
        }
        let after_image = std::mem::take(&mut self.after_image);
        match event {
            Event::Start(tag) => self.start(tag, range),
            Event::End(tag) => self.end(tag, range),
            Event::Text(text) => match self.stack.last_mut() {
                Some(Frame::Code { text: code, .. }) => code.push_str(&text),
                Some(Frame::Html { text: html, .. }) => html.push_str(&text),
                _ => {
                    let rest = if after_image {
                        self.image_attributes(&text, &range)
                    } else {
                        std::borrow::Cow::Borrowed(&*text)
                    };
                    if !rest.is_empty() {
                        self.push_inline(Inline::Text(rest.to_string()), range.start);
                    }
                }
            },
            Event::Code(code) => self.push_inline(Inline::Code(code.into_string()), range.start),
            Event::InlineMath(tex) => {
                let inline = self.math(&tex, false, range.clone());
                self.push_inline(inline, range.start);
            }
            Event::DisplayMath(tex) => {
                let inline = self.math(&tex, true, range.clone());
                self.push_inline(inline, range.start);
            }
            Event::Html(html) => match self.stack.last_mut() {
                Some(Frame::Html { text, .. }) => text.push_str(&html),
                _ => self.inline_html(&html, range),
            },
            Event::InlineHtml(html) => self.inline_html(&html, range),
            Event::FootnoteReference(label) => {
                let id = self.ctx.note_ref(&label);
                self.push_inline(Inline::NoteRef(id), range.start);
            }
            Event::SoftBreak => self.push_inline(Inline::SoftBreak, range.start),
            Event::HardBreak => self.push_inline(Inline::HardBreak, range.start),
            Event::Rule => {
                let span = self.span(range);
                self.push_block(Block::Rule { span });
            }
            Event::TaskListMarker(done) => {
                for frame in self.stack.iter_mut().rev() {
                    if let Frame::Blocks {
                        kind: BlockKind::Item { task },
                        ..
                    } = frame
                    {
                        *task = Some(done);
                        break;
                    }
                }
            }
        }
    }

    fn open(&mut self, frame: Frame, range: &std::ops::Range<usize>) {
        // Leaf blocks always open: only containers and inline wrappers count
        // against the depth limit, so deep input keeps its text.
        let leaf = matches!(
            frame,
            Frame::Inlines {
                kind: InlineKind::Para
                    | InlineKind::Heading { .. }
                    | InlineKind::Cell
                    | InlineKind::Term,
                ..
            } | Frame::Code { .. }
                | Frame::Html { .. }
                | Frame::Table { .. }
        );
        if self.stack.len() >= MAX_DEPTH && !leaf {
            if !self.warned_depth {
                self.warned_depth = true;
                let span = self.span(range.clone());
                self.ctx.diags.warn(
                    span,
                    format!("nesting deeper than {MAX_DEPTH} levels is flattened"),
                );
            }
            self.stack.push(Frame::Flattened);
        } else {
            self.stack.push(frame);
        }
    }

    fn start(&mut self, tag: Tag<'_>, range: std::ops::Range<usize>) {
        let start = range.start;
        let inlines = |kind| Frame::Inlines {
            kind,
            inlines: Vec::new(),
            start,
        };
        let frame = match tag {
            Tag::Paragraph => inlines(InlineKind::Para),
            Tag::Heading { level, id, .. } => inlines(InlineKind::Heading {
                level: heading_level(level),
                id: id.map(|s| s.into_string()),
            }),
            Tag::BlockQuote(kind) => {
                self.close_implicit();
                Frame::Blocks {
                    kind: kind.map_or(BlockKind::Quote, |k| BlockKind::Callout(callout(k))),
                    blocks: Vec::new(),
                    start,
                }
            }
            Tag::CodeBlock(kind) => {
                self.close_implicit();
                let (language, attrs) = match kind {
                    CodeBlockKind::Fenced(info) => technical::code_info(&info),
                    CodeBlockKind::Indented => (None, CodeAttrs::default()),
                };
                Frame::Code {
                    language,
                    attrs,
                    text: String::new(),
                    start,
                }
            }
            Tag::HtmlBlock => {
                self.close_implicit();
                Frame::Html {
                    text: String::new(),
                    start,
                }
            }
            Tag::List(first) => {
                self.close_implicit();
                Frame::List {
                    first,
                    items: Vec::new(),
                    start,
                }
            }
            Tag::Item => Frame::Blocks {
                kind: BlockKind::Item { task: None },
                blocks: Vec::new(),
                start,
            },
            Tag::FootnoteDefinition(label) => {
                self.close_implicit();
                let id = self.ctx.note(&label);
                self.ctx.define_note(id, self.span(range.clone()));
                Frame::Blocks {
                    kind: BlockKind::Note { id },
                    blocks: Vec::new(),
                    start,
                }
            }
            Tag::Table(aligns) => Frame::Table {
                aligns: aligns.into_iter().map(align).collect(),
                head: Vec::new(),
                rows: Vec::new(),
                row: Vec::new(),
                start,
            },
            Tag::TableHead | Tag::TableRow => return,
            Tag::TableCell => inlines(InlineKind::Cell),
            Tag::Emphasis => inlines(InlineKind::Emph),
            Tag::Strong => inlines(InlineKind::Strong),
            Tag::Strikethrough => inlines(InlineKind::Strike),
            Tag::Superscript => inlines(InlineKind::Tagged(InlineTag::Sup)),
            Tag::Subscript => inlines(InlineKind::Tagged(InlineTag::Sub)),
            Tag::Link { dest_url, .. } => inlines(InlineKind::Link {
                dest: dest_url.into_string(),
            }),
            Tag::Image {
                dest_url, title, ..
            } => inlines(InlineKind::Image {
                dest: dest_url.into_string(),
                title: title.into_string(),
            }),
            Tag::DefinitionList => {
                self.close_implicit();
                Frame::Definitions {
                    items: Vec::new(),
                    start,
                }
            }
            Tag::DefinitionListTitle => inlines(InlineKind::Term),
            Tag::DefinitionListDefinition => Frame::Blocks {
                kind: BlockKind::Definition,
                blocks: Vec::new(),
                start,
            },
            Tag::MetadataBlock(_) => Frame::Html {
                text: String::new(),
                start,
            },
        };
        self.open(frame, &range);
    }

    fn end(&mut self, tag: TagEnd, range: std::ops::Range<usize>) {
        // Elements opened by bare HTML tags and never closed end with the
        // container they are in (a `TagEnd::Superscript` here is the end
        // tag of such an element).
        if !matches!(tag, TagEnd::Superscript | TagEnd::Subscript) {
            while let Some(Frame::Inlines {
                kind: InlineKind::HtmlTag(_),
                ..
            }) = self.stack.last()
            {
                self.end(TagEnd::Superscript, range.clone());
            }
        }
        match tag {
            TagEnd::TableHead | TagEnd::TableRow => {
                if let Some(Frame::Table {
                    head, rows, row, ..
                }) = self.stack.last_mut()
                {
                    let cells = std::mem::take(row);
                    if matches!(tag, TagEnd::TableHead) {
                        *head = cells;
                    } else {
                        rows.push(cells);
                    }
                }
                return;
            }
            TagEnd::DefinitionListDefinition | TagEnd::DefinitionList => self.close_implicit(),
            TagEnd::Item | TagEnd::BlockQuote(_) | TagEnd::FootnoteDefinition => {
                self.close_implicit()
            }
            _ => {}
        }
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let end = range.end;
        match frame {
            Frame::Flattened => {}
            Frame::Blocks {
                kind,
                blocks,
                start,
                ..
            } => {
                let span = self.span(start..end);
                match kind {
                    BlockKind::Root => {}
                    BlockKind::Details { summary, open } => self.push_block(Block::Details {
                        summary,
                        blocks,
                        open,
                        span,
                    }),
                    BlockKind::Quote => self.push_block(Block::Quote { blocks, span }),
                    BlockKind::Callout(kind) => {
                        self.push_block(Block::Callout { kind, blocks, span })
                    }
                    BlockKind::Item { task } => {
                        if let Some(Frame::List { items, .. }) = self.stack.last_mut() {
                            items.push(ListItem { task, blocks });
                        } else {
                            // A flattened list: keep the item's content.
                            for b in blocks {
                                self.push_block(b);
                            }
                        }
                    }
                    BlockKind::Note { id } => self.ctx.set_note_blocks(id, blocks),
                    BlockKind::Definition => {
                        if let Some(Frame::Definitions { items, .. }) = self.stack.last_mut() {
                            match items.last_mut() {
                                Some(item) => item.details.push(blocks),
                                None => items.push(Definition {
                                    term: Vec::new(),
                                    details: vec![blocks],
                                }),
                            }
                        } else {
                            // A flattened definition list: keep the content.
                            for b in blocks {
                                self.push_block(b);
                            }
                        }
                    }
                }
            }
            Frame::Definitions { items, start } => {
                let span = self.span(start..end);
                if !items.is_empty() {
                    self.push_block(Block::DefinitionList { items, span });
                }
            }
            Frame::List {
                first,
                items,
                start,
            } => {
                let span = self.span(start..end);
                self.push_block(Block::List {
                    start: first,
                    items,
                    span,
                });
            }
            Frame::Table {
                aligns,
                head,
                rows,
                start,
                ..
            } => {
                let span = self.span(start..end);
                self.push_block(Block::Table {
                    aligns,
                    head,
                    rows,
                    caption: Vec::new(),
                    label: None,
                    span,
                });
                self.caption_before_table();
            }
            Frame::Code {
                language,
                attrs,
                mut text,
                start,
            } => {
                if text.ends_with('\n') {
                    text.pop();
                }
                let span = self.span(start..end);
                self.push_block(Block::Code {
                    language,
                    text,
                    attrs,
                    span,
                });
            }
            Frame::Html { text, start } => {
                if matches!(tag, TagEnd::MetadataBlock(_)) {
                    return;
                }
                let span = self.span(start..end);
                self.html_block(&text, span, start);
            }
            Frame::Inlines {
                kind,
                inlines,
                start,
            } => self.close_inlines(kind, inlines, start..end),
        }
    }

    fn close_inlines(
        &mut self,
        kind: InlineKind,
        inlines: Vec<Inline>,
        range: std::ops::Range<usize>,
    ) {
        let span = self.span(range.clone());
        match kind {
            InlineKind::Term => {
                let content = self.autolinks(trim_inlines(inlines), span);
                if let Some(Frame::Definitions { items, .. }) = self.stack.last_mut() {
                    items.push(Definition {
                        term: content,
                        details: Vec::new(),
                    });
                } else if !content.is_empty() {
                    // A flattened definition list: the term as a bold line.
                    self.push_block(Block::Paragraph {
                        content: vec![Inline::Strong(content)],
                        span,
                    });
                }
                self.flush_figures();
            }
            InlineKind::Para | InlineKind::ImplicitPara => {
                let inlines = self.figure_labels(inlines);
                let content = self.autolinks(trim_inlines(inlines), span);
                let content = self.citations(content, span);
                self.undefined_notes(&content, span);
                if !content.is_empty() && !self.table_caption(&content, span) {
                    self.paragraph(content, span);
                }
                self.flush_figures();
            }
            InlineKind::Heading { level, id } => {
                let content = self.autolinks(trim_inlines(inlines), span);
                let content = self.citations(content, span);
                let text = plain_text(&content);
                let wanted = id.clone().unwrap_or_else(|| slugify(&text));
                let anchor = self.ctx.anchor(&wanted);
                if let Some(id) = id {
                    self.ctx.ids.push((id, anchor));
                } else if !wanted.is_empty() {
                    self.ctx.ids.push((wanted, anchor));
                }
                self.push_block(Block::Heading {
                    level,
                    content,
                    anchor,
                    span,
                });
                self.flush_figures();
            }
            InlineKind::Emph => self.push_inline(Inline::Emph(inlines), range.start),
            InlineKind::Strong => self.push_inline(Inline::Strong(inlines), range.start),
            InlineKind::Strike => self.push_inline(Inline::Strike(inlines), range.start),
            InlineKind::Tagged(tag) | InlineKind::HtmlTag(tag) => self.push_inline(
                Inline::Tagged {
                    tag,
                    attrs: Attrs::default(),
                    content: inlines,
                },
                range.start,
            ),
            InlineKind::Link { dest } => {
                match self.ctx.link_target(&dest, span) {
                    Some(target) => self.push_inline(
                        Inline::Link {
                            target,
                            content: inlines,
                        },
                        range.start,
                    ),
                    None => {
                        for inline in inlines {
                            self.push_inline(inline, range.start);
                        }
                    }
                };
            }
            InlineKind::Image { dest, title } => {
                let alt = plain_text(&inlines);
                let image = self.ctx.image(&dest, span);
                let at = match self.stack.last() {
                    Some(Frame::Inlines {
                        kind: InlineKind::Para | InlineKind::ImplicitPara,
                        inlines,
                        ..
                    }) => Some(inlines.len()),
                    _ => None,
                };
                self.figures.push(Block::Figure {
                    image,
                    alt,
                    title: Some(title).filter(|t| !t.trim().is_empty()),
                    size: crate::doc::FigureSize::default(),
                    label: None,
                    span,
                });
                self.figure_at.resize(self.figures.len() - 1, None);
                self.figure_at.push(at);
                self.after_image = true;
            }
            InlineKind::Cell => {
                let content = self.autolinks(trim_inlines(inlines), span);
                let content = self.citations(content, span);
                if let Some(Frame::Table { row, .. }) = self.stack.last_mut() {
                    row.push(content);
                }
            }
        }
    }

    /// Reads a `{…}` of pandoc attributes at the start of the text after an
    /// image into that figure's size; returns the text after it.
    fn image_attributes<'t>(
        &mut self,
        text: &'t str,
        range: &std::ops::Range<usize>,
    ) -> std::borrow::Cow<'t, str> {
        let Some(inside) = text.strip_prefix('{') else {
            return text.into();
        };
        let Some(end) = inside.find('}') else {
            return text.into();
        };
        // A `#fig:id` among them is the figure's label: it is left, as
        // `{#fig:id}`, for the label reader that follows.
        let (labels, attrs): (Vec<&str>, Vec<&str>) = inside[..end]
            .split_whitespace()
            .partition(|a| a.starts_with('#'));
        let (size, unknown) = super::attrs::figure(&attrs.join(" "));
        if let Some(Block::Figure { size: s, .. }) = self.figures.last_mut() {
            *s = size;
        }
        if !unknown.is_empty() {
            let span = self.span(range.clone());
            self.ctx.diags.warn(
                span,
                format!(
                    "image attribute {} not understood (known: width, height, .bleed)",
                    unknown.join(", ")
                ),
            );
        }
        match labels.first() {
            Some(label) => format!("{{{label}}}{}", &inside[end + 1..]).into(),
            None => inside[end + 1..].into(),
        }
    }

    /// Bare URLs and `www.` addresses in the text become links (GFM).
    fn autolinks(&mut self, content: Vec<Inline>, span: Span) -> Vec<Inline> {
        let ctx = &mut *self.ctx;
        super::autolink::autolink(content, &mut |dest| ctx.link_target(dest, span))
    }

    /// A `[^label]` left as text is a reference to a note nobody defined
    /// (the parser only links defined ones): report it.
    fn undefined_notes(&mut self, content: &[Inline], span: Span) {
        // Most paragraphs have no bracket at all: no text to build.
        fn has_bracket(inlines: &[Inline]) -> bool {
            inlines.iter().any(|i| match i {
                Inline::Text(t) | Inline::Code(t) => t.contains('['),
                Inline::Emph(c)
                | Inline::Strong(c)
                | Inline::Strike(c)
                | Inline::Tagged { content: c, .. } => has_bracket(c),
                Inline::Link { content, .. } => has_bracket(content),
                Inline::NoteRef(_)
                | Inline::Math(_)
                | Inline::Ref(_)
                | Inline::Cite(_)
                | Inline::SoftBreak
                | Inline::HardBreak => false,
            })
        }
        if !has_bracket(content) {
            return;
        }
        let text = plain_text(content);
        let mut rest = text.as_str();
        while let Some(start) = rest.find("[^") {
            let after = &rest[start + 2..];
            match after.find(']') {
                Some(end)
                    if end > 0
                        && !after[..end].contains(char::is_whitespace)
                        && !after[..end].contains('[') =>
                {
                    self.ctx.diags.warn(
                        span,
                        format!(
                            "footnote [^{}] is referenced but never defined; kept as text",
                            &after[..end]
                        ),
                    );
                    rest = &after[end..];
                }
                _ => rest = after,
            }
        }
    }

    /// Adds a block to the innermost block container, closing an implicit paragraph first.
    fn push_block(&mut self, block: Block) {
        self.close_implicit();
        for frame in self.stack.iter_mut().rev() {
            if let Frame::Blocks { blocks, .. } = frame {
                blocks.push(block);
                return;
            }
        }
    }

    fn flush_figures(&mut self) {
        if self.figures.is_empty() {
            return;
        }
        // Figures inside a table cell wait for the table to close.
        if self
            .stack
            .iter()
            .any(|f| matches!(f, Frame::Table { .. } | Frame::Inlines { .. }))
        {
            return;
        }
        self.figure_at.clear();
        for figure in std::mem::take(&mut self.figures) {
            self.push_block(figure);
        }
    }

    /// Closes a paragraph opened implicitly for a tight list item.
    fn close_implicit(&mut self) {
        if self.html.is_some() {
            let end = self.last_end;
            self.finish_html(end);
        }
        if let Some(Frame::Inlines {
            kind: InlineKind::ImplicitPara,
            ..
        }) = self.stack.last()
            && let Some(Frame::Inlines {
                kind,
                inlines,
                start,
            }) = self.stack.pop()
        {
            let end = self.last_end.max(start);
            self.close_inlines(kind, inlines, start..end);
        }
    }

    fn push_inline(&mut self, inline: Inline, at: usize) {
        match self.stack.last_mut() {
            Some(Frame::Inlines { inlines, .. }) => inlines.push(inline),
            Some(Frame::Flattened) => {
                // Find the nearest real inline container, or open a paragraph.
                for frame in self.stack.iter_mut().rev() {
                    if let Frame::Inlines { inlines, .. } = frame {
                        inlines.push(inline);
                        return;
                    }
                }
                self.stack.push(Frame::Inlines {
                    kind: InlineKind::ImplicitPara,
                    inlines: vec![inline],
                    start: at,
                });
            }
            _ => self.stack.push(Frame::Inlines {
                kind: InlineKind::ImplicitPara,
                inlines: vec![inline],
                start: at,
            }),
        }
    }

    fn inline_html(&mut self, raw: &str, range: std::ops::Range<usize>) {
        let tag = raw.trim().to_ascii_lowercase();
        if matches!(tag.as_str(), "<br>" | "<br/>" | "<br />") {
            self.push_inline(Inline::HardBreak, range.start);
            return;
        }
        if tag.starts_with("<!--") {
            return;
        }
        if self.enter_html_mode(raw) {
            return;
        }
        // In a heading, table cell or term: bare tags of the elements the
        // book keeps (`<sup>`, `</sup>`) open and close them.
        let bare = |t: &str| t.strip_suffix('>').and_then(InlineTag::from_name);
        if let Some(kept) = tag.strip_prefix("</").and_then(bare) {
            if matches!(self.stack.last(), Some(Frame::Inlines { kind: InlineKind::HtmlTag(open), .. }) if *open == kept)
            {
                self.end(TagEnd::Superscript, range);
                return;
            }
        } else if let Some(kept) = tag.strip_prefix('<').and_then(bare)
            && matches!(self.stack.last(), Some(Frame::Inlines { .. }))
        {
            self.open(
                Frame::Inlines {
                    kind: InlineKind::HtmlTag(kept),
                    inlines: Vec::new(),
                    start: range.start,
                },
                &range,
            );
            return;
        }
        // Other inline HTML in a heading or table cell: markup dropped, text kept.
        let span = self.span(range);
        self.ctx.diags.warn(
            span,
            format!(
                "raw HTML here is not supported and was dropped ({})",
                raw.trim()
            ),
        );
    }

    /// Switches the current paragraph to HTML collection; false when the
    /// innermost text container is not a paragraph.
    fn enter_html_mode(&mut self, raw: &str) -> bool {
        let mut p = self.stack.len();
        while p > 0 {
            match &self.stack[p - 1] {
                Frame::Inlines {
                    kind:
                        InlineKind::Emph
                        | InlineKind::Strong
                        | InlineKind::Strike
                        | InlineKind::Tagged(_)
                        | InlineKind::HtmlTag(_)
                        | InlineKind::Link { .. },
                    ..
                } => p -= 1,
                Frame::Inlines {
                    kind: InlineKind::Para | InlineKind::ImplicitPara,
                    ..
                } => break,
                _ => return false,
            }
        }
        if p == 0 {
            return false;
        }
        let mut mode = HtmlMode {
            buf: String::new(),
            targets: Vec::new(),
            start: 0,
        };
        let frames: Vec<Frame> = self.stack.drain(p - 1..).collect();
        for frame in frames {
            if let Frame::Inlines {
                kind,
                inlines,
                start,
            } = frame
            {
                match kind {
                    InlineKind::Para | InlineKind::ImplicitPara => mode.start = start,
                    InlineKind::Emph => mode.buf.push_str("<em>"),
                    InlineKind::Strong => mode.buf.push_str("<strong>"),
                    InlineKind::Strike => mode.buf.push_str("<del>"),
                    InlineKind::Tagged(tag) | InlineKind::HtmlTag(tag) => {
                        mode.buf.push_str(&format!("<{}>", tag.name()))
                    }
                    InlineKind::Link { dest } => {
                        let span = self.span(start..start);
                        let target = self.ctx.link_target(&dest, span);
                        mode.targets.push(target);
                        mode.buf.push_str(&format!(
                            "<a {}=\"{}\">",
                            html::TARGET_ATTR,
                            mode.targets.len() - 1
                        ));
                    }
                    _ => {}
                }
                for inline in &inlines {
                    render_inline(inline, &mut mode);
                }
            }
        }
        mode.buf.push_str(raw);
        self.html = Some(mode);
        true
    }

    /// Handles an event while a paragraph is collected as HTML; false when the
    /// event is not part of the paragraph (it then ends the collection).
    fn html_event(&mut self, event: &Event<'_>, range: &std::ops::Range<usize>) -> bool {
        if let Event::FootnoteReference(label) = event {
            let id = self.ctx.note_ref(label);
            if let Some(mode) = self.html.as_mut() {
                mode.buf.push_str(&format!(
                    "<{0} data-id=\"{1}\"></{0}>",
                    html::NOTE_TAG,
                    id.0
                ));
            }
            return true;
        }
        if matches!(event, Event::End(TagEnd::Paragraph)) {
            self.finish_html(range.end);
            return true;
        }
        let Some(mode) = self.html.as_mut() else {
            return false;
        };
        let buf = &mut mode.buf;
        match event {
            Event::Start(Tag::Emphasis) => buf.push_str("<em>"),
            Event::End(TagEnd::Emphasis) => buf.push_str("</em>"),
            Event::Start(Tag::Strong) => buf.push_str("<strong>"),
            Event::End(TagEnd::Strong) => buf.push_str("</strong>"),
            Event::Start(Tag::Strikethrough) => buf.push_str("<del>"),
            Event::End(TagEnd::Strikethrough) => buf.push_str("</del>"),
            Event::Start(Tag::Link { dest_url, .. }) => {
                buf.push_str(&format!("<a href=\"{}\">", html::escape(dest_url)));
            }
            Event::End(TagEnd::Link) => buf.push_str("</a>"),
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => buf.push_str(&format!(
                "<{} src=\"{}\" title=\"{}\">",
                html::IMAGE_TAG,
                html::escape(dest_url),
                html::escape(title)
            )),
            Event::End(TagEnd::Image) => buf.push_str(&format!("</{}>", html::IMAGE_TAG)),
            Event::Text(t) => buf.push_str(&html::escape(t)),
            Event::Code(t) => buf.push_str(&format!("<code>{}</code>", html::escape(t))),
            Event::InlineHtml(raw) | Event::Html(raw) => buf.push_str(raw),
            Event::SoftBreak => buf.push('\n'),
            Event::HardBreak => buf.push_str("<br>"),
            Event::Start(Tag::Superscript) => buf.push_str("<sup>"),
            Event::End(TagEnd::Superscript) => buf.push_str("</sup>"),
            Event::Start(Tag::Subscript) => buf.push_str("<sub>"),
            Event::End(TagEnd::Subscript) => buf.push_str("</sub>"),
            _ => {
                let end = self.last_end;
                self.finish_html(end);
                return false;
            }
        }
        true
    }

    /// Converts the collected paragraph and adds it with its figures.
    fn finish_html(&mut self, end: usize) {
        let Some(mode) = self.html.take() else {
            return;
        };
        let span = self.span(mode.start..end.max(mode.start));
        let mut converter = Converter::new(self.ctx, span, &mode.targets);
        let content = trim_inlines(converter.inlines(&mode.buf));
        let figures = std::mem::take(&mut converter.figures);
        let content = self.autolinks(content, span);
        if !content.is_empty() {
            self.push_block(Block::Paragraph { content, span });
        }
        self.flush_figures();
        for figure in figures {
            self.push_block(figure);
        }
    }

    /// A raw HTML block, converted to tree blocks.
    fn html_block(&mut self, raw: &str, span: Span, start: usize) {
        let trimmed = raw.trim();
        if trimmed.is_empty() || (trimmed.starts_with("<!--") && trimmed.ends_with("-->")) {
            return;
        }
        let lower = trimmed.to_ascii_lowercase();
        // `</details>` closing a `<details>` opened by an earlier block.
        if let Some(rest) = lower.strip_prefix("</details>")
            && self.details_open()
        {
            self.close_implicit();
            if let Some(Frame::Blocks { .. }) = self.stack.last() {
                let end = (span.end as usize).saturating_sub(self.base);
                self.end(TagEnd::HtmlBlock, end..end);
            }
            let rest = &trimmed[trimmed.len() - rest.len()..];
            if !rest.trim().is_empty() {
                for block in Converter::new(self.ctx, span, &[]).blocks(rest) {
                    self.push_block(block);
                }
            }
            return;
        }
        let opens_details = lower.starts_with("<details") && !lower.contains("</details");
        let mut blocks = Converter::new(self.ctx, span, &[]).blocks(raw);
        if opens_details
            && let Some(Block::Details {
                summary,
                blocks: inner,
                open,
                ..
            }) = blocks.pop()
        {
            for block in blocks {
                self.push_block(block);
            }
            self.close_implicit();
            self.open(
                Frame::Blocks {
                    kind: BlockKind::Details { summary, open },
                    blocks: inner,
                    start,
                },
                &(start..start),
            );
            return;
        }
        for block in blocks {
            self.push_block(block);
        }
    }

    /// Whether the innermost block container is a `<details>` left open.
    fn details_open(&self) -> bool {
        self.stack.iter().rev().find_map(|f| match f {
            Frame::Blocks { kind, .. } => Some(matches!(kind, BlockKind::Details { .. })),
            _ => None,
        }) == Some(true)
    }

    fn finish(mut self, len: usize) -> Vec<Block> {
        // Close anything left open (cannot happen with a well-behaved parser).
        while self.stack.len() > 1 {
            self.end(TagEnd::Paragraph, len..len);
        }
        self.flush_figures();
        match self.stack.pop() {
            Some(Frame::Blocks { mut blocks, .. }) => {
                blocks.append(&mut self.figures);
                blocks
            }
            _ => Vec::new(),
        }
    }
}

/// Renders inline content already built as HTML for a mixed paragraph.
fn render_inline(inline: &Inline, mode: &mut HtmlMode) {
    let wrap = |tag: &str, c: &[Inline], mode: &mut HtmlMode| {
        mode.buf.push_str(&format!("<{tag}>"));
        for i in c {
            render_inline(i, mode);
        }
        mode.buf.push_str(&format!("</{tag}>"));
    };
    match inline {
        Inline::Text(t) => mode.buf.push_str(&html::escape(t)),
        Inline::Emph(c) => wrap("em", c, mode),
        Inline::Strong(c) => wrap("strong", c, mode),
        Inline::Strike(c) => wrap("del", c, mode),
        Inline::Tagged {
            tag,
            attrs,
            content,
        } => {
            mode.buf.push('<');
            mode.buf.push_str(tag.name());
            for (key, value) in [
                ("lang", attrs.lang.as_deref()),
                ("dir", attrs.dir.map(crate::doc::Direction::name)),
                ("class", attrs.class.as_deref()),
                ("title", attrs.title.as_deref()),
                ("datetime", attrs.datetime.as_deref()),
            ] {
                if let Some(value) = value {
                    mode.buf
                        .push_str(&format!(" {key}=\"{}\"", html::escape(value)));
                }
            }
            mode.buf.push('>');
            for i in content {
                render_inline(i, mode);
            }
            mode.buf.push_str(&format!("</{}>", tag.name()));
        }
        Inline::Code(t) => mode
            .buf
            .push_str(&format!("<code>{}</code>", html::escape(t))),
        Inline::Link { target, content } => {
            mode.targets.push(Some(target.clone()));
            mode.buf.push_str(&format!(
                "<a {}=\"{}\">",
                html::TARGET_ATTR,
                mode.targets.len() - 1
            ));
            for i in content {
                render_inline(i, mode);
            }
            mode.buf.push_str("</a>");
        }
        Inline::NoteRef(id) => mode.buf.push_str(&format!(
            "<{0} data-id=\"{1}\"></{0}>",
            html::NOTE_TAG,
            id.0
        )),
        // What HTML cannot carry is kept as its source.
        Inline::Math(m) => {
            let mark = if m.display { "$$" } else { "$" };
            mode.buf
                .push_str(&html::escape(&format!("{mark}{}{mark}", m.tex)));
        }
        Inline::Ref(r) => mode.buf.push_str(&html::escape(&format!("@{}", r.label))),
        Inline::Cite(c) => {
            let keys: Vec<String> = c.items.iter().map(|i| format!("@{}", i.key)).collect();
            mode.buf
                .push_str(&html::escape(&format!("[{}]", keys.join("; "))));
        }
        Inline::SoftBreak => mode.buf.push('\n'),
        Inline::HardBreak => mode.buf.push_str("<br>"),
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn align(a: Alignment) -> Align {
    match a {
        Alignment::None => Align::None,
        Alignment::Left => Align::Left,
        Alignment::Center => Align::Center,
        Alignment::Right => Align::Right,
    }
}

fn callout(kind: BlockQuoteKind) -> CalloutKind {
    match kind {
        BlockQuoteKind::Note => CalloutKind::Note,
        BlockQuoteKind::Tip => CalloutKind::Tip,
        BlockQuoteKind::Important => CalloutKind::Important,
        BlockQuoteKind::Warning => CalloutKind::Warning,
        BlockQuoteKind::Caution => CalloutKind::Caution,
    }
}

/// Drops leading and trailing whitespace and line breaks of inline content.
fn trim_inlines(mut inlines: Vec<Inline>) -> Vec<Inline> {
    while matches!(inlines.first(), Some(Inline::SoftBreak | Inline::HardBreak)) {
        inlines.remove(0);
    }
    while matches!(inlines.last(), Some(Inline::SoftBreak | Inline::HardBreak)) {
        inlines.pop();
    }
    if let Some(Inline::Text(t)) = inlines.first_mut() {
        let trimmed = t.trim_start();
        if trimmed.len() != t.len() {
            *t = trimmed.to_string();
        }
    }
    if let Some(Inline::Text(t)) = inlines.last_mut() {
        let trimmed = t.trim_end();
        if trimmed.len() != t.len() {
            *t = trimmed.to_string();
        }
    }
    inlines.retain(|i| !matches!(i, Inline::Text(t) if t.is_empty()));
    inlines
}

/// Formulas, labels, captions and citations (the syntax is read in
/// [`technical`]; here it is placed in the tree).
impl Builder<'_, '_, '_> {
    /// A formula as a tree node; TeX that does not parse is reported and
    /// kept as its source.
    fn math(&mut self, tex: &str, display: bool, range: std::ops::Range<usize>) -> Inline {
        match technical::math(tex, display) {
            Ok(math) => Inline::Math(Box::new(math)),
            Err(cause) => {
                let span = self.span(range);
                self.ctx.diags.push(
                    crate::diag::Diagnostic::warning(
                        span,
                        format!("formula does not parse ({cause}); it is shown as its source"),
                    )
                    .with_hint(format!("the formula reads: {}", tex.trim())),
                );
                Inline::Math(Box::new(crate::doc::Math {
                    tex: tex.to_string(),
                    display,
                    mathml: None,
                }))
            }
        }
    }

    /// A book-wide anchor and an unnumbered entry for a label (`fig:map` →
    /// `#fig-map`); numbers are given once the whole book is read.
    fn numbered(&mut self, label: String) -> Numbered {
        let anchor = self.ctx.anchor(&label.replace(':', "-"));
        self.ctx.ids.push((label.clone(), anchor));
        Numbered {
            label,
            anchor,
            number: 0,
        }
    }

    /// Takes the `{#fig:id}` written right after each image of the paragraph
    /// out of its text and gives it to the figure.
    fn figure_labels(&mut self, mut inlines: Vec<Inline>) -> Vec<Inline> {
        let placed: Vec<(usize, usize)> = self
            .figure_at
            .iter()
            .enumerate()
            .filter_map(|(i, at)| at.map(|at| (i, at)))
            .collect();
        for &(figure, at) in placed.iter().rev() {
            // The text after the image, joined (`_` may have split it).
            let end = inlines[at.min(inlines.len())..]
                .iter()
                .position(|i| !matches!(i, Inline::Text(_)))
                .map_or(inlines.len(), |n| at + n);
            if at >= end {
                continue;
            }
            let joined: String = inlines[at..end]
                .iter()
                .map(|i| match i {
                    Inline::Text(t) => t.as_str(),
                    _ => "",
                })
                .collect();
            let Some((label, rest)) = technical::leading_label(&joined) else {
                continue;
            };
            if crate::doc::RefKind::of_label(&label) != Some(crate::doc::RefKind::Figure) {
                continue;
            }
            let rest = rest.to_string();
            inlines.splice(at..end, (!rest.is_empty()).then_some(Inline::Text(rest)));
            let numbered = self.numbered(label);
            if let Some(Block::Figure { label, .. }) = self.figures.get_mut(figure) {
                *label = Some(numbered);
            }
        }
        inlines
    }

    /// Citations and references in a paragraph's text.
    fn citations(&mut self, content: Vec<Inline>, span: Span) -> Vec<Inline> {
        technical::citations(
            content,
            technical::Scan {
                citations: self.ctx.citations,
                span,
                source: (span.start as usize)
                    .checked_sub(self.base)
                    .zip((span.end as usize).checked_sub(self.base))
                    .and_then(|(a, b)| self.text.get(a..b))
                    .unwrap_or(""),
            },
        )
    }

    /// Adds a paragraph; display formulas standing in it become equations
    /// of their own (with the `{#eq:id}` that follows them).
    fn paragraph(&mut self, content: Vec<Inline>, span: Span) {
        if !content
            .iter()
            .any(|i| matches!(i, Inline::Math(m) if m.display))
        {
            self.push_block(Block::Paragraph { content, span });
            return;
        }
        let mut run: Vec<Inline> = Vec::new();
        let mut rest = content.into_iter().peekable();
        while let Some(inline) = rest.next() {
            let Inline::Math(math) = inline else {
                run.push(inline);
                continue;
            };
            if !math.display {
                run.push(Inline::Math(math));
                continue;
            }
            let before = trim_inlines(std::mem::take(&mut run));
            if !before.is_empty() {
                self.push_block(Block::Paragraph {
                    content: before,
                    span,
                });
            }
            let mut label = None;
            if let Some(Inline::Text(t)) = rest.peek()
                && let Some((l, after)) = technical::leading_label(t)
                && crate::doc::RefKind::of_label(&l) == Some(crate::doc::RefKind::Equation)
            {
                let after = after.to_string();
                rest.next();
                if !after.trim().is_empty() {
                    run.push(Inline::Text(after));
                }
                label = Some(self.numbered(l));
            }
            self.push_block(Block::Equation {
                math: *math,
                label,
                span,
            });
        }
        let after = trim_inlines(run);
        if !after.is_empty() {
            self.push_block(Block::Paragraph {
                content: after,
                span,
            });
        }
    }

    /// The block list being filled (the innermost open container's).
    fn innermost_blocks(&mut self) -> Option<&mut Vec<Block>> {
        self.stack.iter_mut().rev().find_map(|f| match f {
            Frame::Blocks { blocks, .. } => Some(blocks),
            _ => None,
        })
    }

    /// Gives the table just closed its caption and label.
    fn caption_last_table(&mut self, caption: Vec<Inline>, numbered: Option<Numbered>) {
        if let Some(Block::Table {
            caption: c,
            label: l,
            ..
        }) = self.innermost_blocks().and_then(|b| b.last_mut())
        {
            *c = caption;
            *l = numbered;
        }
    }

    /// A `Table: …` paragraph right after a table is its caption: true when
    /// it was taken.
    fn table_caption(&mut self, content: &[Inline], span: Span) -> bool {
        let Some(caption) = caption_text(content) else {
            return false;
        };
        let _ = span;
        let Some(blocks) = self.innermost_blocks() else {
            return false;
        };
        if !matches!(blocks.last(), Some(Block::Table { caption, .. }) if caption.is_empty()) {
            return false;
        }
        let (caption, label) = split_caption_label(caption);
        let numbered = label.map(|l| self.numbered(l));
        self.caption_last_table(caption, numbered);
        true
    }

    /// A `Table: …` paragraph right before a table (just closed) is its
    /// caption.
    fn caption_before_table(&mut self) {
        let Some(blocks) = self.innermost_blocks() else {
            return;
        };
        let n = blocks.len();
        if n < 2 {
            return;
        }
        let Block::Paragraph { content, .. } = &blocks[n - 2] else {
            return;
        };
        let Some(caption) = caption_text(content) else {
            return;
        };
        let (caption, label) = split_caption_label(caption);
        blocks.remove(n - 2);
        let numbered = label.map(|l| self.numbered(l));
        self.caption_last_table(caption, numbered);
    }
}

/// The caption of a `Table: …` paragraph (its inlines without the prefix).
fn caption_text(content: &[Inline]) -> Option<Vec<Inline>> {
    let Some(Inline::Text(first)) = content.first() else {
        return None;
    };
    let lower = first.get(..6)?.to_ascii_lowercase();
    if lower != "table:" {
        return None;
    }
    let mut out = content.to_vec();
    out[0] = Inline::Text(first[6..].trim_start().to_string());
    Some(trim_inlines(out))
}

/// A caption's `{#tbl:id}` taken off its end.
fn split_caption_label(mut caption: Vec<Inline>) -> (Vec<Inline>, Option<String>) {
    if let Some(Inline::Text(last)) = caption.last()
        && let Some((before, label)) = technical::trailing_label(last)
        && crate::doc::RefKind::of_label(&label) == Some(crate::doc::RefKind::Table)
    {
        let before = before.trim_end().to_string();
        caption.pop();
        if !before.is_empty() {
            caption.push(Inline::Text(before));
        }
        return (trim_inlines(caption), Some(label));
    }
    (caption, None)
}

//! Prose blocks: headings, body paragraphs, the magazine article's kicker,
//! standfirst and dateline, thematic breaks, `<details>` (set open) and
//! divisions carrying a language or direction.

use super::*;

impl Column<'_, '_> {
    #[expect(
        clippy::too_many_arguments,
        reason = "a block's place and its own fields"
    )]
    pub(super) fn heading(
        &mut self,
        level: u8,
        content: &[Inline],
        anchor: AnchorId,
        span: Span,
        indent: Abs,
        width: Abs,
        depth: usize,
    ) {
        let (style, before, after) = self.ctx.theme.heading(level);
        if self.started || self.chunks.iter().any(|c| matches!(c, Chunk::Content(_))) {
            self.space(before);
        }
        self.pending_anchors.push(anchor);
        let title = plain_text(content);
        let outline = (depth == 0 && level <= 3).then_some((title, level));
        self.lines(content, &style, indent, width, span, true, outline);
        self.space(after);
    }

    /// A body paragraph: indented after another at the top level, smaller
    /// inside quotes, lists and notes.
    pub(super) fn paragraph(
        &mut self,
        content: &[Inline],
        span: Span,
        indent: Abs,
        width: Abs,
        depth: usize,
        after_paragraph: bool,
    ) {
        let theme = self.ctx.theme;
        let mut style = theme.body();
        if self.ctx.ragged {
            style.align = TextAlign::Left;
        }
        if depth == 0 && after_paragraph {
            style.first_indent = theme.indent;
            if theme.spacing > Abs::ZERO {
                self.space(theme.spacing);
            }
        }
        if depth > 0 {
            style.size = theme.size * (10.0 / 11.0);
            style.leading = theme.leading * (13.0 / 14.0);
        }
        self.lines(content, &style, indent, width, span, false, None);
        if depth == 0 {
            self.after_paragraph = true;
        } else {
            self.space(Abs::pt(3.0));
        }
    }

    /// A thematic break: a short centred rule.
    pub(super) fn rule(&mut self, indent: Abs, width: Abs) {
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

    /// The magazine article's kicker (fly title), standfirst and dateline.
    pub(super) fn article_part(&mut self, block: &Block, indent: Abs, width: Abs) {
        let theme = self.ctx.theme;
        match block {
            Block::Kicker { content, span } => {
                let style = ParStyle {
                    small_caps: true,
                    ..theme.display(theme.serif[0], 11.0, 14.0, Color::ACCENT)
                };
                self.lines(content, &style, indent, width, *span, true, None);
                self.space(Abs::pt(2.0));
            }
            Block::Standfirst { content, span } => {
                let style = theme.display(theme.serif[1], 13.0, 17.0, Color::BLACK);
                self.lines(content, &style, indent, width, *span, false, None);
                self.space(Abs::pt(8.0));
            }
            Block::Dateline { content, span } => {
                let style = ParStyle {
                    display: false,
                    ..theme.display(theme.sans[0], 9.0, 12.0, Color::GREY)
                };
                self.lines(content, &style, indent, width, *span, false, None);
                self.space(Abs::pt(8.0));
            }
            _ => {}
        }
    }

    /// A `<details>` block: print has no disclosure, so the summary as a
    /// bold line, then the content.
    pub(super) fn details(
        &mut self,
        summary: &[Inline],
        blocks: &[Block],
        span: crate::diag::Span,
        (indent, width): (Abs, Abs),
        depth: usize,
    ) {
        let summary = vec![Inline::Strong(summary.to_vec())];
        let theme = self.ctx.theme;
        let style = ParStyle {
            display: false,
            ..theme.display(theme.serif[0], 10.5, 14.0, Color::BLACK)
        };
        self.lines(&summary, &style, indent, width, span, true, None);
        for b in blocks {
            self.block(b, indent, width, depth);
        }
    }

    /// A division (`<div lang dir>`): its language and direction hold for
    /// the blocks inside.
    pub(super) fn division(
        &mut self,
        attrs: &crate::doc::Attrs,
        blocks: &[Block],
        indent: Abs,
        width: Abs,
        depth: usize,
    ) {
        let lang = attrs.lang.as_deref().and_then(crate::text::LangTag::new);
        let outer = (self.ctx.block_lang, self.ctx.block_dir);
        self.ctx.block_lang = lang.or(outer.0);
        self.ctx.block_dir = attrs.dir.or(outer.1);
        for b in blocks {
            self.block(b, indent, width, depth);
        }
        (self.ctx.block_lang, self.ctx.block_dir) = outer;
    }
}

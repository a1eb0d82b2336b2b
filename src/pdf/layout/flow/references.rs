//! Captions of numbered figures and tables ("Figure 3: …", "Table 2: …",
//! the label localised) and the bibliography: entries with a hanging
//! indent, each the target of the citations of its work.

use super::*;
use crate::doc::{BibEntry, Numbered};
use crate::labels::Label;

impl Column<'_, '_> {
    /// A figure's caption with its number; the figure's anchor goes with it.
    pub(super) fn figure_caption(
        &mut self,
        title: Option<&str>,
        label: Option<&Numbered>,
    ) -> Option<String> {
        let title = title.filter(|t| !t.trim().is_empty());
        let Some(label) = label else {
            return title.map(str::to_string);
        };
        self.pending_anchors.push(label.anchor);
        let word = self
            .ctx
            .labels
            .numbered(Label::Figure, &label.number.to_string());
        Some(match title {
            Some(t) => format!("{word}: {t}"),
            None => word,
        })
    }

    /// A table's caption above it ("Table 2: …"), kept with the table; the
    /// table's anchor goes with it.
    pub(super) fn table_caption(
        &mut self,
        caption: &[Inline],
        label: Option<&Numbered>,
        indent: Abs,
        width: Abs,
        span: Span,
    ) {
        if caption.is_empty() && label.is_none() {
            return;
        }
        let mut content = Vec::new();
        if let Some(label) = label {
            self.pending_anchors.push(label.anchor);
            let word = self
                .ctx
                .labels
                .numbered(Label::Table, &label.number.to_string());
            let colon = if caption.is_empty() { "" } else { ": " };
            content.push(Inline::Strong(vec![Inline::Text(format!("{word}{colon}"))]));
        }
        content.extend(caption.iter().cloned());
        let style = ParStyle::left(self.ctx.theme.serif[0], 9.5, 12.0, Color::BLACK);
        self.lines(&content, &style, indent, width, span, true, None);
        self.space(Abs::pt(3.0));
    }

    /// The bibliography: one paragraph per work, hanging, at the anchor
    /// its citations link to.
    pub(super) fn bibliography(
        &mut self,
        entries: &[BibEntry],
        indent: Abs,
        width: Abs,
        span: Span,
    ) {
        let hang = Abs::pt(18.0);
        let style = ParStyle {
            size: Abs::pt(9.5),
            leading: Abs::pt(12.0),
            align: TextAlign::Left,
            ..ParStyle::body()
        };
        self.space(Abs::pt(4.0));
        for entry in entries {
            self.pending_anchors.push(entry.anchor);
            let mut content = entry.label.clone();
            if !content.is_empty() {
                content.push(Inline::Text(" ".into()));
            }
            content.extend(entry.content.iter().cloned());
            let lines = paragraph(self.ctx, &content, &style, width - hang, span);
            let n = lines.len();
            for (i, line) in lines.into_iter().enumerate() {
                // The first line hangs out to the left of the others.
                let at = if i == 0 { indent } else { indent + hang };
                let mut c = Content::from_line(line, at);
                c.keep_with_next = n >= 2 && (i == 0 || i + 2 == n);
                self.push(c);
            }
            self.space(Abs::pt(3.0));
        }
    }
}

//! Display equations: the formula centred in the measure (one wider than
//! the measure starts at its left edge and is counted as an overflow), its
//! number in parentheses at the right margin; a formula that did not parse
//! is shown as its source.

use super::*;
use crate::doc::{Math, Numbered};
use crate::pdf::layout::math;

impl Column<'_, '_> {
    pub(super) fn equation(
        &mut self,
        m: &Math,
        label: Option<&Numbered>,
        indent: Abs,
        width: Abs,
        span: Span,
    ) {
        let size = Abs::pt(11.0);
        let laid = m.mathml.as_deref().and_then(|mathml| {
            let face = self.ctx.math.get(self.ctx.fonts)?;
            math::layout(face, mathml, size, Color::BLACK)
        });
        self.space(Abs::pt(6.0));
        if let Some(label) = label {
            self.pending_anchors.push(label.anchor);
        }
        let Some(b) = laid else {
            let style = ParStyle::left(self.ctx.theme.mono[0], 9.0, 12.0, Color::BLACK);
            let text = vec![Inline::Text(format!("$${}$$", m.tex))];
            self.lines(&text, &style, indent, width, span, true, None);
            self.space(Abs::pt(6.0));
            return;
        };
        let mut items = Vec::new();
        let number = label.map(|l| {
            let style = crate::pdf::layout::ParStyle::left(
                self.ctx.theme.serif[0],
                11.0,
                14.0,
                Color::BLACK,
            );
            let text = vec![Inline::Text(format!("({})", l.number))];
            paragraph(self.ctx, &text, &style, width, span)
        });
        let number_width = number
            .as_ref()
            .and_then(|lines| lines.first())
            .map_or(Abs::ZERO, |l| l.width);
        let room = width - (number_width + Abs::pt(12.0)) * 2.0;
        let height = b.ascent + b.descent;
        let left = indent + ((width - b.width) / 2.0).max(Abs::ZERO);
        if b.width > room && b.width > width {
            self.ctx.overflow("formula");
        }
        items.extend(math::place(&b, left, b.ascent));
        if let Some(lines) = number {
            for line in lines {
                let baseline = line
                    .items
                    .iter()
                    .find_map(|(p, i)| matches!(i, Item::Text(_)).then_some(p.y))
                    .unwrap_or(Abs::ZERO);
                for (p, item) in line.items {
                    items.push((
                        Point::new(
                            indent + width - number_width + p.x,
                            b.ascent - baseline + p.y,
                        ),
                        item,
                    ));
                }
            }
        }
        self.push(Content {
            height,
            items,
            ..Content::default()
        });
        self.space(Abs::pt(6.0));
    }
}

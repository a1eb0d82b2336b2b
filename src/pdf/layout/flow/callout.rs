//! Callouts (GitHub's `> [!NOTE]` and the four others): the content set
//! inside a tinted box with a rule down its left side and the callout's
//! label (localised) on top. The box is drawn line by line, so it breaks
//! across pages with its content.

use super::*;
use crate::doc::CalloutKind;

/// The accent colour of each kind (as in the EPUB's stylesheet), and its tint.
fn colors(kind: CalloutKind, grey: bool) -> (Color, Color) {
    let (accent, tint) = match kind {
        CalloutKind::Note => (Color(31, 95, 191), Color(238, 244, 252)),
        CalloutKind::Tip => (Color(26, 127, 55), Color(237, 247, 239)),
        CalloutKind::Important => (Color(122, 63, 192), Color(244, 238, 252)),
        CalloutKind::Warning => (Color(154, 103, 0), Color(253, 246, 227)),
        CalloutKind::Caution => (Color(192, 38, 45), Color(252, 239, 239)),
    };
    if grey {
        (Color(90, 90, 90), Color(240, 240, 240))
    } else {
        (accent, tint)
    }
}

impl Column<'_, '_> {
    pub(super) fn callout(
        &mut self,
        kind: CalloutKind,
        blocks: &[Block],
        indent: Abs,
        width: Abs,
        depth: usize,
        span: Span,
    ) {
        let (accent, tint) = colors(kind, self.ctx.greyscale);
        let rule = Abs::pt(2.5);
        let pad = Abs::pt(8.0);
        self.space(Abs::pt(6.0));
        let outer = std::mem::take(&mut self.chunks);
        let label = self.ctx.labels.get(kind.label()).to_string();
        let style = ParStyle::left(self.ctx.theme.sans[1], 9.5, 12.0, accent);
        self.chunks.push(Chunk::Space(Abs::pt(4.0)));
        self.lines(
            &[Inline::Text(label)],
            &style,
            indent + pad,
            width - pad * 2.0,
            span,
            true,
            None,
        );
        self.chunks.push(Chunk::Space(Abs::pt(2.0)));
        for b in blocks {
            self.block(b, indent + pad, width - pad * 2.0, depth + 1);
        }
        while matches!(self.chunks.last(), Some(Chunk::Space(_))) {
            self.chunks.pop();
        }
        self.chunks.push(Chunk::Space(Abs::pt(4.0)));
        let inner = std::mem::replace(&mut self.chunks, outer);
        // Every chunk of the callout, its spaces too, carries its slice of
        // the box, so the box has no gaps and breaks with the text.
        let n = inner.len();
        for (i, chunk) in inner.into_iter().enumerate() {
            let mut content = match chunk {
                Chunk::Content(c) => c,
                Chunk::Space(h) => Content {
                    height: h,
                    keep_with_next: i + 1 < n,
                    ..Content::default()
                },
            };
            let band = [
                (
                    Point::new(indent, Abs::ZERO),
                    Item::Rect {
                        width,
                        height: content.height,
                        fill: Some(tint),
                        stroke: None,
                    },
                ),
                (
                    Point::new(indent, Abs::ZERO),
                    Item::Rect {
                        width: rule,
                        height: content.height,
                        fill: Some(accent),
                        stroke: None,
                    },
                ),
            ];
            content.items.splice(0..0, band);
            if i == 0 {
                content.keep_with_next = true;
            }
            self.push(content);
        }
        self.space(Abs::pt(6.0));
    }
}

//! Code blocks: monospaced lines on a tinted band, long lines continued
//! under a mark, never cut by the measure.

use super::*;
use crate::diag::Span;
use crate::pdf::frame::{Color, Item, TextRun};
use crate::text::{Abs, FaceId, Point};

impl Column<'_, '_> {
    pub(super) fn code(&mut self, text: &str, indent: Abs, width: Abs, span: Span) {
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
}

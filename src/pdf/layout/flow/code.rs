//! Code blocks: monospaced lines on a tinted band, long lines continued
//! under their indentation behind a drawn mark (see [`super::wrap`]), never
//! cut by the measure.

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
        let advance = book.shape(FaceId::Mono, size, "M", false).width();
        let columns = ((inner / advance).floor() as usize).max(1);
        let lines: Vec<&str> = text.split('\n').collect();
        let count = lines.len();
        for (li, raw) in lines.into_iter().enumerate() {
            let line = raw.replace('\t', "    ");
            // Continued rows hang under the line's indentation, behind the mark.
            let hang = advance * (wrap::indentation(&line, columns / 2) as f64);
            let mut rest = line.as_str();
            let mut continued = false;
            loop {
                let offset = if continued {
                    hang + advance * 2.0
                } else {
                    Abs::ZERO
                };
                let (cut, shaped) = fit_row(book, (size, advance), rest, inner - offset);
                let tail = &rest[cut..];
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
                if continued {
                    let at = indent + pad + hang;
                    items.extend(wrap::mark(at, advance * 2.0, leading, Color::GREY));
                }
                let mut x = indent + pad + offset;
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

/// The first row of `rest` that fits in `available`: where it ends (a byte
/// offset) and its glyphs. Rows are cut by character count at the mono
/// `advance` (after a space or separator where one is near), then shortened
/// while characters from wider fallback faces make the row too wide.
fn fit_row(
    book: &crate::text::FontSet,
    (size, advance): (Abs, Abs),
    rest: &str,
    available: Abs,
) -> (usize, std::sync::Arc<crate::text::shape::Shaped>) {
    let first_row = |room: usize| {
        wrap::row_starts(rest, room, room)
            .first()
            .copied()
            .unwrap_or(rest.len())
    };
    let mut cut = first_row(((available / advance).floor() as usize).max(1));
    loop {
        let shaped = book.shape(FaceId::Mono, size, &rest[..cut], false);
        let real = shaped.width();
        let n = rest[..cut].chars().count();
        if n <= 1 || real.fits_in(available) {
            return (cut, shaped);
        }
        cut = first_row(((n as f64 * (available / real)).floor() as usize).clamp(1, n - 1));
    }
}

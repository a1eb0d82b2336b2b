//! Highlighted code: each token in its class's colour and weight (greys
//! when the PDF must not use colour), on the theme's ground; line numbers
//! in a gutter and marked lines on a band of their own when asked. Long
//! lines continue under a mark, as plain code does.

use super::*;
use crate::doc::CodeAttrs;
use crate::highlight::{self, Class};
use crate::pdf::frame::{Color, Item, TextRun};
use crate::text::{Abs, Point};

/// A frame colour from a highlight colour.
fn color(c: highlight::Rgb) -> Color {
    Color(c.0, c.1, c.2)
}

impl Column<'_, '_> {
    /// Whether a code block is set by [`Column::listing`] (highlighted or
    /// numbered) rather than as plain lines.
    pub(super) fn listed(&self, language: Option<&str>, attrs: &CodeAttrs) -> bool {
        let style = &self.ctx.code;
        attrs.line_numbers.unwrap_or(style.line_numbers)
            || !attrs.highlight.is_empty()
            || (style.highlight && language.is_some_and(highlight::knows))
    }

    /// A code block highlighted, numbered or with marked lines.
    pub(super) fn listing(
        &mut self,
        language: Option<&str>,
        text: &str,
        attrs: &CodeAttrs,
        indent: Abs,
        width: Abs,
        span: Span,
    ) {
        let book = self.ctx.fonts;
        // The theme's code faces (a user's `pdf.style.mono_font` included).
        let mono = self.ctx.theme.mono;
        let code = self.ctx.code.clone();
        let theme = if self.ctx.greyscale {
            code.theme.greyed()
        } else {
            code.theme.clone()
        };
        let numbers = attrs.line_numbers.unwrap_or(code.line_numbers);
        let tokens = language
            .filter(|_| code.highlight)
            .and_then(|l| highlight::highlight(l, text));
        let size = Abs::pt(8.5);
        let leading = Abs::pt(11.0);
        let pad = Abs::pt(4.0);
        let advance = book.shape(mono[0], size, "M", false).width();
        let last = text.split('\n').count().saturating_sub(1);
        let digits = attrs.number(last).to_string().len().max(2);
        let gutter = if numbers {
            advance * (digits as f64 + 1.5)
        } else {
            Abs::ZERO
        };
        let left = indent + pad + gutter;
        let right = indent + width - pad;
        let mark = if book.covers(mono[0], '↪') {
            "↪ "
        } else {
            "> "
        };
        let lines: Vec<&str> = text.split('\n').collect();
        let count = lines.len();
        for (li, line) in lines.into_iter().enumerate() {
            let n = attrs.number(li);
            let ground = if attrs.highlighted(n) {
                theme.marked
            } else {
                theme.background
            };
            // The line's pieces: text and how it looks.
            let pieces: Vec<(String, highlight::Look)> =
                match tokens.as_ref().and_then(|t| t.get(li)) {
                    Some(tokens) => {
                        let mut out = Vec::new();
                        let mut at = 0;
                        let plain = theme.look(Class::Plain);
                        for (class, range) in tokens {
                            if range.start > at {
                                out.push((line[at..range.start].to_string(), plain));
                            }
                            out.push((line[range.clone()].to_string(), theme.look(*class)));
                            at = range.end;
                        }
                        if at < line.len() {
                            out.push((line[at..].to_string(), plain));
                        }
                        out
                    }
                    None => vec![(line.to_string(), theme.look(Class::Plain))],
                };
            // Glyphs placed one after another; a line too long for the
            // measure continues on the next, under a mark.
            let mut rows: Vec<Vec<(Abs, TextRun)>> = vec![Vec::new()];
            let mut x = left;
            for (piece, look) in pieces {
                let piece = piece.replace('\t', "    ");
                let face = if look.bold { mono[1] } else { mono[0] };
                let shaped = book.shape(face, size, &piece, false);
                for &c in &shaped.missing {
                    self.ctx.missing_glyph(c, span);
                }
                for run in &shaped.runs {
                    let mut placed = TextRun::new(run.face, run.size, color(look.color));
                    let mut start = x;
                    let mut pen = Abs::ZERO;
                    for g in &run.glyphs {
                        if x + g.advance > right && x > left && !g.text.is_empty() {
                            let full = std::mem::replace(
                                &mut placed,
                                TextRun::new(run.face, run.size, color(look.color)),
                            );
                            if !full.glyphs.is_empty() {
                                rows.last_mut()
                                    .unwrap_or(&mut Vec::new())
                                    .push((start, full));
                            }
                            rows.push(Vec::new());
                            let mut cont = TextRun::new(
                                mono[0],
                                size,
                                color(theme.look(Class::Comment).color),
                            );
                            let shaped_mark = book.shape(mono[0], size, mark, false);
                            let mut mx = Abs::ZERO;
                            for r in &shaped_mark.runs {
                                for mg in &r.glyphs {
                                    if mg.text != " " {
                                        cont.push(mg.id, mx, Abs::ZERO, &mg.text);
                                    }
                                    mx += mg.advance;
                                }
                            }
                            if let Some(row) = rows.last_mut() {
                                row.push((left, cont));
                            }
                            x = left + mx;
                            start = x;
                            pen = Abs::ZERO;
                        }
                        if g.text != " " {
                            placed.push(g.id, pen + g.x_offset, g.y_offset, &g.text);
                        }
                        pen += g.advance;
                        x += g.advance;
                    }
                    if !placed.glyphs.is_empty()
                        && let Some(row) = rows.last_mut()
                    {
                        row.push((start, placed));
                    }
                }
            }
            let nrows = rows.len();
            for (ri, row) in rows.into_iter().enumerate() {
                let mut items = vec![(
                    Point::new(indent, Abs::ZERO),
                    Item::Rect {
                        width,
                        height: leading,
                        fill: Some(color(ground)),
                        stroke: None,
                    },
                )];
                if numbers && ri == 0 {
                    let label = format!("{n:>digits$}");
                    let shaped = book.shape(mono[0], size, &label, false);
                    let mut gx = indent + pad;
                    for run in shaped.runs.iter() {
                        items.push((
                            Point::new(gx, leading * 0.75),
                            Item::Text(TextRun::shaped(
                                run,
                                Abs::ZERO,
                                color(theme.look(Class::Comment).color),
                            )),
                        ));
                        gx += run.width;
                    }
                }
                for (at, run) in row {
                    items.push((Point::new(at, leading * 0.75), Item::Text(run)));
                }
                let last_of_block = ri + 1 == nrows && li + 1 == count;
                self.push(Content {
                    height: leading,
                    items,
                    keep_with_next: !last_of_block && (li == 0 || li + 2 == count),
                    ..Content::default()
                });
            }
        }
    }
}

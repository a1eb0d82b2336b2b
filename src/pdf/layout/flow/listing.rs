//! Highlighted code: each token in its class's colour and weight (greys
//! when the PDF must not use colour), on the theme's ground; line numbers
//! in a gutter and marked lines on a band of their own when asked. Long
//! lines continue under their indentation behind a drawn mark, as plain
//! code does ([`super::wrap`]).

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
        let code = self.ctx.code.clone();
        let numbers = attrs.line_numbers.unwrap_or(code.line_numbers);
        let tokens = language
            .filter(|_| code.highlight)
            .and_then(|l| highlight::highlight(l, text));
        // The theme's code faces (a user's `pdf.style.mono_font` included).
        let mono = self.ctx.theme.mono;
        let size = Abs::pt(8.5);
        let pad = Abs::pt(4.0);
        let advance = book.shape(mono[0], size, "M", false).width();
        let last = text.split('\n').count().saturating_sub(1);
        let digits = attrs.number(last).to_string().len().max(2);
        let gutter = if numbers {
            advance * (digits as f64 + 1.5)
        } else {
            Abs::ZERO
        };
        let set = Setting {
            theme: if self.ctx.greyscale {
                code.theme.greyed()
            } else {
                code.theme.clone()
            },
            mono,
            size,
            leading: Abs::pt(11.0),
            block: (indent, width),
            measure: (indent + pad + gutter, indent + width - pad),
            numbers: numbers.then_some((indent + pad, digits)),
            advance,
        };
        let lines: Vec<&str> = text.split('\n').collect();
        let count = lines.len();
        for (li, line) in lines.into_iter().enumerate() {
            let n = attrs.number(li);
            let ground = if attrs.highlighted(n) {
                set.theme.marked
            } else {
                set.theme.background
            };
            let pieces = pieces(line, tokens.as_ref().and_then(|t| t.get(li)), &set.theme);
            let rows = self.code_rows(pieces, &set, span);
            let nrows = rows.len();
            for (ri, (row, continued)) in rows.into_iter().enumerate() {
                let mut items = set.ground(ground);
                if ri == 0 {
                    items.extend(set.number(book, n));
                }
                if continued {
                    items.extend(set.continuation(&row));
                }
                for (at, run) in row {
                    items.push((Point::new(at, set.leading * 0.75), Item::Text(run)));
                }
                let last_of_block = ri + 1 == nrows && li + 1 == count;
                self.push(Content {
                    height: set.leading,
                    items,
                    keep_with_next: !last_of_block && (li == 0 || li + 2 == count),
                    ..Content::default()
                });
            }
        }
    }

    /// One source line's glyphs placed one after another; a line too long
    /// for the measure continues on the next rows (see [`super::wrap`]),
    /// under its indentation. Each row: its runs and whether it continues
    /// the line.
    fn code_rows(
        &mut self,
        pieces: Vec<(String, highlight::Look)>,
        set: &Setting,
        span: Span,
    ) -> Vec<(Vec<(Abs, TextRun)>, bool)> {
        let book = self.ctx.fonts;
        let (left, right) = set.measure;
        let pieces: Vec<_> = pieces
            .into_iter()
            .map(|(p, look)| (p.replace('\t', "    "), look))
            .collect();
        let line: String = pieces.iter().map(|(p, _)| p.as_str()).collect();
        let columns = |w: Abs| ((w / set.advance).floor() as usize).max(1);
        let hang = set.advance * (wrap::indentation(&line, columns(right - left) / 2) as f64 + 2.0);
        let mut starts =
            wrap::row_starts(&line, columns(right - left), columns(right - left - hang))
                .into_iter()
                .peekable();
        let mut rows: Vec<(Vec<(Abs, TextRun)>, bool)> = vec![(Vec::new(), false)];
        let (mut x, mut pos) = (left, 0);
        for (piece, look) in pieces {
            let face = if look.bold { set.mono[1] } else { set.mono[0] };
            let shaped = book.shape(face, set.size, &piece, false);
            for &c in &shaped.missing {
                self.ctx.missing_glyph(c, span);
            }
            for run in &shaped.runs {
                let new_run = || TextRun::new(run.face, run.size, color(look.color));
                let (mut placed, mut start, mut pen) = (new_run(), x, Abs::ZERO);
                for g in &run.glyphs {
                    let due = starts
                        .next_if(|&s| pos >= s && !g.text.is_empty())
                        .is_some();
                    // Wide fallback glyphs may overrun before the row's end.
                    let over = x + g.advance > right && x > left + hang && !g.text.is_empty();
                    if due || over {
                        let full = std::mem::replace(&mut placed, new_run());
                        if let Some((row, _)) = rows.last_mut().filter(|_| !full.glyphs.is_empty())
                        {
                            row.push((start, full));
                        }
                        rows.push((Vec::new(), true));
                        (x, start, pen) = (left + hang, left + hang, Abs::ZERO);
                    }
                    if g.text != " " {
                        placed.push(g.id, pen + g.x_offset, g.y_offset, &g.text);
                    }
                    pos += g.text.len();
                    pen += g.advance;
                    x += g.advance;
                }
                if let Some((row, _)) = rows.last_mut().filter(|_| !placed.glyphs.is_empty()) {
                    row.push((start, placed));
                }
            }
        }
        rows
    }
}

/// How a listing's rows are set.
struct Setting {
    theme: highlight::Theme,
    /// Regular and bold code faces.
    mono: [crate::text::FaceId; 2],
    size: Abs,
    leading: Abs,
    /// The block's box: its left edge and width.
    block: (Abs, Abs),
    /// Where code starts and must end.
    measure: (Abs, Abs),
    /// Line numbers: where they start, and their width in digits.
    numbers: Option<(Abs, usize)>,
    /// The advance of a code character.
    advance: Abs,
}

impl Setting {
    /// A row's ground: a band of `ground` across the block.
    fn ground(&self, ground: highlight::Rgb) -> Vec<(Point, Item)> {
        let (indent, width) = self.block;
        vec![(
            Point::new(indent, Abs::ZERO),
            Item::Rect {
                width,
                height: self.leading,
                fill: Some(color(ground)),
                stroke: None,
            },
        )]
    }

    /// Line number `n` in the gutter, when lines are numbered.
    fn number(&self, book: &crate::text::FontSet, n: u32) -> Vec<(Point, Item)> {
        let Some((mut gx, digits)) = self.numbers else {
            return Vec::new();
        };
        let label = format!("{n:>digits$}");
        let shaped = book.shape(self.mono[0], self.size, &label, false);
        let grey = color(self.theme.look(Class::Comment).color);
        let mut items = Vec::new();
        for run in &shaped.runs {
            items.push((
                Point::new(gx, self.leading * 0.75),
                Item::Text(TextRun::shaped(run, Abs::ZERO, grey)),
            ));
            gx += run.width;
        }
        items
    }

    /// The continuation mark of a row, in the two characters before its
    /// first run.
    fn continuation(&self, row: &[(Abs, TextRun)]) -> Vec<(Point, Item)> {
        let Some(&(x, _)) = row.first() else {
            return Vec::new();
        };
        let grey = color(self.theme.look(Class::Comment).color);
        wrap::mark(
            x - self.advance * 2.0,
            self.advance * 2.0,
            self.leading,
            grey,
        )
    }
}

/// A source line's pieces: text and how it looks (tokens of no class in
/// the plain look).
fn pieces(
    line: &str,
    tokens: Option<&Vec<highlight::Token>>,
    theme: &highlight::Theme,
) -> Vec<(String, highlight::Look)> {
    let plain = theme.look(Class::Plain);
    let Some(tokens) = tokens else {
        return vec![(line.to_string(), plain)];
    };
    let mut out = Vec::new();
    let mut at = 0;
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

//! Tables: column widths from the cells' natural widths, rows as chunks,
//! the header row repeated after a page break.
//!
//! A table wider than the measure is made to fit in three steps, never by
//! squeezing a column narrower than its longest word (so no column holds a
//! character per line): its type shrinks, down to a floor; then it is turned
//! onto landscape pages of its own (the text block's height becomes its
//! measure); then its columns are split into groups that fit, set one after
//! the other, each repeating the first column (the row labels).

use super::*;
use crate::diag::Span;
use crate::doc::{Align, Inline, plain_text};
use crate::pdf::frame::{Color, Item};
use crate::pdf::layout::inline::paragraph;
use crate::pdf::layout::{ParStyle, TextAlign};
use crate::text::{Abs, Point};

/// Type sizes a table tries, largest first; the last is the floor.
const SIZES: [f64; 4] = [9.5, 8.5, 7.5, 6.5];

/// Padding inside a cell, left and right (half of it above and below).
const PAD: Abs = Abs::pt_const(4.0);

/// How a table is set.
struct Plan {
    size: Abs,
    widths: Vec<Abs>,
    /// Landscape pages of their own, `measure` wide.
    turned: Option<Abs>,
    /// Column groups (indexes), each set as a table of its own.
    groups: Vec<Vec<usize>>,
}

impl Column<'_, '_> {
    pub(super) fn table(
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
        let plan = self.plan(cols, head, rows, width, span);
        match plan.turned {
            Some(measure) => {
                // Rows on landscape pages: as many as the page's width holds.
                let rows_chunks = self.rows(aligns, head, rows, &plan, &plan.groups[0], span);
                self.turned(rows_chunks, measure, width);
            }
            None => {
                for (g, group) in plan.groups.iter().enumerate() {
                    if g > 0 {
                        self.space(Abs::pt(10.0));
                    }
                    let chunks = self.rows(aligns, head, rows, &plan, group, span);
                    for c in chunks {
                        let mut c = c;
                        for (p, _) in &mut c.items {
                            p.x += indent;
                        }
                        if let Some(r) = &mut c.repeat {
                            for (p, _) in &mut r.items {
                                p.x += indent;
                            }
                        }
                        self.push(c);
                    }
                }
            }
        }
    }

    /// The cells' widths at `size`: natural (on one line) and minimum (the
    /// longest word), per column.
    fn cell_widths(
        &mut self,
        cols: usize,
        head: &[Vec<Inline>],
        rows: &[Vec<Vec<Inline>>],
        size: Abs,
        span: Span,
    ) -> (Vec<Abs>, Vec<Abs>) {
        let theme = self.ctx.theme;
        let mut natural = vec![Abs::pt(20.0); cols];
        let mut minimum = vec![Abs::pt(20.0); cols];
        let all = std::iter::once((true, head))
            .filter(|(_, h)| !h.is_empty())
            .chain(rows.iter().map(|r| (false, r.as_slice())));
        for (is_head, row) in all {
            let face = if is_head {
                theme.serif[2]
            } else {
                theme.serif[0]
            };
            let style = ParStyle {
                face,
                size,
                leading: size * 1.26,
                align: TextAlign::Left,
                ..theme.body()
            };
            for (i, cell) in row.iter().enumerate().take(cols) {
                let lines = paragraph(self.ctx, cell, &style, Abs::pt(10_000.0), span);
                // One point of slack against rounding in the second layout.
                let w = lines.iter().map(|l| l.width).fold(Abs::ZERO, Abs::max)
                    + PAD * 2.0
                    + Abs::pt(1.0);
                natural[i] = natural[i].max(w);
                let text = plain_text(cell);
                let longest = text
                    .split_whitespace()
                    .map(|word| self.ctx.fonts.shape(face, size, word, false).width())
                    .fold(Abs::ZERO, Abs::max);
                minimum[i] = minimum[i].max((longest + PAD * 2.0 + Abs::pt(1.0)).min(natural[i]));
            }
        }
        (natural, minimum)
    }

    /// How the table is set: at the largest size at which it fits the
    /// measure, else turned at the largest size at which it fits the page's
    /// height, else split into column groups at the floor size.
    fn plan(
        &mut self,
        cols: usize,
        head: &[Vec<Inline>],
        rows: &[Vec<Vec<Inline>>],
        width: Abs,
        span: Span,
    ) -> Plan {
        let all: Vec<usize> = (0..cols).collect();
        let scale = self.ctx.theme.size / Abs::pt(11.0);
        let sizes: Vec<Abs> = SIZES.iter().map(|s| Abs::pt(*s) * scale).collect();
        let mut measured = Vec::new();
        for &size in &sizes {
            let (natural, minimum) = self.cell_widths(cols, head, rows, size, span);
            if let Some(widths) = fit(&natural, &minimum, width) {
                return Plan {
                    size,
                    widths,
                    turned: None,
                    groups: vec![all],
                };
            }
            measured.push((size, natural, minimum));
        }
        let landscape = self.ctx.landscape;
        if landscape > width {
            for (size, natural, minimum) in &measured {
                if let Some(widths) = fit(natural, minimum, landscape) {
                    return Plan {
                        size: *size,
                        widths,
                        turned: Some(landscape),
                        groups: vec![all],
                    };
                }
            }
        }
        // Split: the first column, then as many others as fit, per group.
        let (size, natural, minimum) = measured.pop().unwrap_or_default();
        let first = minimum[0].min(width / 3.0);
        let mut widths = vec![first; cols];
        let mut groups: Vec<Vec<usize>> = Vec::new();
        let mut group = vec![0];
        let mut used = first;
        for i in 1..cols {
            let w = natural[i].min((width - first).max(minimum[i]));
            if group.len() > 1 && !(used + w).fits_in(width) {
                groups.push(std::mem::replace(&mut group, vec![0]));
                used = first;
            }
            widths[i] = w;
            used += w;
            group.push(i);
        }
        groups.push(group);
        Plan {
            size,
            widths,
            turned: None,
            groups,
        }
    }

    /// The rows of the table's columns `group`, each a chunk (the header's
    /// repeated after a page break), at the plan's size, from x = 0.
    fn rows(
        &mut self,
        aligns: &[Align],
        head: &[Vec<Inline>],
        rows: &[Vec<Vec<Inline>>],
        plan: &Plan,
        group: &[usize],
        span: Span,
    ) -> Vec<Content> {
        let pick = |cells: &[Vec<Inline>]| -> Vec<Vec<Inline>> {
            group
                .iter()
                .map(|&i| cells.get(i).cloned().unwrap_or_default())
                .collect()
        };
        let aligns: Vec<Align> = group
            .iter()
            .map(|&i| aligns.get(i).copied().unwrap_or(Align::None))
            .collect();
        let widths: Vec<Abs> = group.iter().map(|&i| plan.widths[i]).collect();
        let table_width: Abs = widths.iter().copied().sum();
        let mut out = Vec::new();
        let mut header = None;
        if !head.is_empty() {
            let h = self.table_row(&pick(head), &aligns, &widths, plan.size, true, span);
            header = Some(Box::new(Content {
                notes: Vec::new(),
                anchors: Vec::new(),
                ..h.clone()
            }));
            out.push(h);
        }
        for row in rows {
            let mut c = self.table_row(&pick(row), &aligns, &widths, plan.size, false, span);
            // After a page break the header row is drawn again.
            c.repeat.clone_from(&header);
            out.push(c);
        }
        let n = out.len();
        if let Some(c) = out.first_mut() {
            // The top rule of the table.
            c.items.push((
                Point::new(Abs::ZERO, Abs::ZERO),
                Item::Line {
                    dx: table_width,
                    dy: Abs::ZERO,
                    color: Color::GREY,
                    thickness: Abs::pt(0.8),
                },
            ));
            c.keep_with_next = n > 1;
        }
        out
    }

    /// Rows set `measure` wide onto landscape pages of their own: each page
    /// a turned frame as tall as the text block is wide, the header row
    /// repeated on each.
    fn turned(&mut self, rows: Vec<Content>, measure: Abs, page_width: Abs) {
        let height = page_width;
        let mut page: Vec<(Point, Item)> = Vec::new();
        let mut y = Abs::ZERO;
        let flush = |items: Vec<(Point, Item)>, column: &mut Self| {
            if items.is_empty() {
                return;
            }
            column.push(Content {
                height: measure,
                items: vec![(
                    Point::new(Abs::ZERO, Abs::ZERO),
                    Item::Turned {
                        width: measure,
                        height,
                        items,
                    },
                )],
                own_page: true,
                ..Content::default()
            });
        };
        for row in rows {
            if y > Abs::ZERO && !(y + row.height).fits_in(height) {
                flush(std::mem::take(&mut page), self);
                y = Abs::ZERO;
                if let Some(header) = &row.repeat {
                    page.extend(header.items.clone());
                    y = header.height;
                }
            }
            page.extend(
                row.items
                    .into_iter()
                    .map(|(p, item)| (Point::new(p.x, p.y + y), item)),
            );
            y += row.height;
        }
        flush(page, self);
    }

    /// One row: each cell's lines in its column, the rule under it.
    pub(super) fn table_row(
        &mut self,
        cells: &[Vec<Inline>],
        aligns: &[Align],
        widths: &[Abs],
        size: Abs,
        header: bool,
        span: Span,
    ) -> Content {
        let theme = self.ctx.theme;
        let mut items = Vec::new();
        let mut x = Abs::ZERO;
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
                    theme.serif[2]
                } else {
                    theme.serif[0]
                },
                size,
                leading: size * 1.26,
                align,
                ..theme.body()
            };
            let content = cells.get(i).map(Vec::as_slice).unwrap_or(&[]);
            let lines = paragraph(self.ctx, content, &style, *w - PAD * 2.0, span);
            let h: Abs = lines.iter().map(|l| l.height).sum();
            height = height.max(h);
            laid.push((x, lines));
            x += *w;
        }
        height += PAD;
        let mut notes = Vec::new();
        for (x, lines) in laid {
            let mut y = PAD / 2.0;
            for line in lines {
                notes.extend(line.notes);
                for (p, item) in line.items {
                    items.push((Point::new(x + PAD + p.x, y + p.y), item));
                }
                y += line.height;
            }
        }
        let table_width: Abs = widths.iter().copied().sum();
        items.push((
            Point::new(Abs::ZERO, height),
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
}

/// Column widths that fit `width`: the natural widths when they fit, else
/// each column its minimum plus a share of the rest in proportion to what
/// it would like more; `None` when even the minimums do not fit.
fn fit(natural: &[Abs], minimum: &[Abs], width: Abs) -> Option<Vec<Abs>> {
    let total: Abs = natural.iter().copied().sum();
    if total.fits_in(width) {
        return Some(natural.to_vec());
    }
    let least: Abs = minimum.iter().copied().sum();
    if !least.fits_in(width) {
        return None;
    }
    let want = total - least;
    let share = if want > Abs::ZERO {
        (width - least) / want
    } else {
        0.0
    };
    Some(
        natural
            .iter()
            .zip(minimum)
            .map(|(n, m)| *m + (*n - *m) * share)
            .collect(),
    )
}

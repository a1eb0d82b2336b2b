//! Tables: column widths from the cells' natural widths, rows as chunks,
//! the header row repeated after a page break.

use super::*;
use crate::diag::Span;
use crate::doc::{Align, Inline};
use crate::pdf::frame::{Color, Item};
use crate::pdf::layout::inline::paragraph;
use crate::pdf::layout::{ParStyle, TextAlign};
use crate::text::{Abs, FaceId, Point};

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
        let pad = Abs::pt(4.0);
        let body = ParStyle {
            size: Abs::pt(9.5),
            leading: Abs::pt(12.0),
            align: TextAlign::Left,
            ..ParStyle::body()
        };
        // Column widths from content: the natural (one-line) width of each
        // column's widest cell, shrunk proportionally when they do not fit.
        let all_rows: Vec<&[Vec<Inline>]> = std::iter::once(head)
            .filter(|h| !h.is_empty())
            .chain(rows.iter().map(Vec::as_slice))
            .collect();
        let mut natural = vec![Abs::pt(20.0); cols];
        for (r, row) in all_rows.iter().enumerate() {
            let style = if r == 0 && !head.is_empty() {
                ParStyle {
                    face: FaceId::SerifBold,
                    ..body.clone()
                }
            } else {
                body.clone()
            };
            for (i, cell) in row.iter().enumerate().take(cols) {
                let lines = paragraph(self.ctx, cell, &style, Abs::pt(10_000.0), span);
                // One point of slack against rounding in the second layout.
                let w = lines.iter().map(|l| l.width).fold(Abs::ZERO, Abs::max)
                    + pad * 2.0
                    + Abs::pt(1.0);
                natural[i] = natural[i].max(w);
            }
        }
        let total: Abs = natural.iter().copied().sum();
        let widths: Vec<Abs> = if total.fits_in(width) {
            natural
        } else {
            natural.iter().map(|w| *w * (width / total)).collect()
        };
        let table_width: Abs = widths.iter().copied().sum();
        let mut row_chunks = Vec::new();
        let mut header = None;
        if !head.is_empty() {
            let h = self.table_row(head, aligns, &widths, indent, pad, true, span);
            header = Some(Box::new(Content {
                notes: Vec::new(),
                anchors: Vec::new(),
                ..h.clone()
            }));
            row_chunks.push(h);
        }
        for row in rows {
            let mut c = self.table_row(row, aligns, &widths, indent, pad, false, span);
            // After a page break the header row is drawn again.
            c.repeat.clone_from(&header);
            row_chunks.push(c);
        }
        // Top rule of the table.
        let n = row_chunks.len();
        for (i, mut c) in row_chunks.into_iter().enumerate() {
            if i == 0 {
                c.items.push((
                    Point::new(indent, Abs::ZERO),
                    Item::Line {
                        dx: table_width,
                        dy: Abs::ZERO,
                        color: Color::GREY,
                        thickness: Abs::pt(0.8),
                    },
                ));
                c.keep_with_next = n > 1;
            }
            self.push(c);
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn table_row(
        &mut self,
        cells: &[Vec<Inline>],
        aligns: &[Align],
        widths: &[Abs],
        indent: Abs,
        pad: Abs,
        header: bool,
        span: Span,
    ) -> Content {
        let mut items = Vec::new();
        let mut x = indent;
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
                    FaceId::SerifBold
                } else {
                    FaceId::Serif
                },
                size: Abs::pt(9.5),
                leading: Abs::pt(12.0),
                align,
                ..ParStyle::body()
            };
            let content = cells.get(i).map(Vec::as_slice).unwrap_or(&[]);
            let lines = paragraph(self.ctx, content, &style, *w - pad * 2.0, span);
            let h: Abs = lines.iter().map(|l| l.height).sum();
            height = height.max(h);
            laid.push((x, lines));
            x += *w;
        }
        height += pad;
        let mut notes = Vec::new();
        for (x, lines) in laid {
            let mut y = pad / 2.0;
            for line in lines {
                notes.extend(line.notes);
                for (p, item) in line.items {
                    items.push((Point::new(x + pad + p.x, y + p.y), item));
                }
                y += line.height;
            }
        }
        let table_width: Abs = widths.iter().copied().sum();
        items.push((
            Point::new(indent, height),
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

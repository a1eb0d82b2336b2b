//! Lists: items indented, with their markers (bullets, numbers, check
//! boxes drawn with rules) hung on their first line — on the right of a
//! right-to-left item, whose indent is on the right too.

use super::*;
use crate::doc::ListItem;
use crate::pdf::frame::{Color, Item, TextRun};
use crate::text::{Abs, FaceId, Point};

impl Column<'_, '_> {
    /// A definition list: each term bold, its definitions indented under it.
    pub(super) fn definitions(
        &mut self,
        items: &[crate::doc::Definition],
        span: Span,
        indent: Abs,
        width: Abs,
        depth: usize,
    ) {
        // Each term bold, its definitions indented under it.
        self.space(Abs::pt(4.0));
        let inset = if width > Abs::pt(160.0) {
            Abs::pt(18.0)
        } else {
            Abs::ZERO
        };
        for item in items {
            let term = vec![Inline::Strong(item.term.clone())];
            let span = item
                .details
                .iter()
                .flatten()
                .next()
                .map_or(span, Block::span);
            self.lines(
                &term,
                &ParStyle::left(FaceId::Serif, 10.5, 14.0, Color::BLACK),
                indent,
                width,
                span,
                true,
                None,
            );
            for b in item.details.iter().flatten() {
                self.block(b, indent + inset, width - inset, depth + 1);
            }
        }
        self.space(Abs::pt(4.0));
    }

    pub(super) fn list(
        &mut self,
        start: Option<u64>,
        items: &[ListItem],
        indent: Abs,
        width: Abs,
        depth: usize,
    ) {
        // Markers hang in the indent; past a narrow measure, items stop indenting.
        let hang = if width > Abs::pt(140.0) {
            Abs::pt(16.0)
        } else {
            Abs::ZERO
        };
        let book = self.ctx.fonts;
        for (i, item) in items.iter().enumerate() {
            let rtl = self.item_rtl(item);
            let marker = match (item.task, start) {
                (Some(_), _) => String::new(),
                (None, Some(n)) => format!("{}.", n + i as u64),
                (None, None) => if depth.is_multiple_of(2) {
                    "•"
                } else {
                    "◦"
                }
                .to_string(),
            };
            let first = self.chunks.len();
            let content_indent = if rtl { indent } else { indent + hang };
            for b in &item.blocks {
                self.block(b, content_indent, width - hang, depth + 1);
            }
            // Hang the marker on the item's first line. A right-to-left
            // marker reads from the right ("1." shows as ".1").
            let size = Abs::pt(10.0);
            let marker = if rtl && !marker.is_empty() {
                format!("\u{200F}{marker}")
            } else {
                marker
            };
            let shaped = book.shape(FaceId::Serif, size, &marker, false);
            let marker_width = shaped.width();
            if let Some(Chunk::Content(c)) = self.chunks[first..]
                .iter_mut()
                .find(|c| matches!(c, Chunk::Content(_)))
            {
                let baseline = c
                    .items
                    .iter()
                    .find_map(|(p, it)| matches!(it, Item::Text(_)).then_some(p.y))
                    .unwrap_or(size);
                let x = if rtl {
                    indent + width - hang + Abs::pt(4.0)
                } else {
                    indent + hang - marker_width - Abs::pt(4.0)
                };
                if let Some(done) = item.task {
                    let at = if rtl {
                        indent + width - hang + Abs::pt(5.0)
                    } else {
                        indent + hang - Abs::pt(12.0)
                    };
                    c.items.extend(task_box(at, baseline, done));
                }
                let mut pen = x;
                for run in shaped.runs.iter() {
                    c.items.insert(
                        0,
                        (
                            Point::new(pen, baseline),
                            Item::Text(TextRun::shaped(run, Abs::ZERO, Color::BLACK)),
                        ),
                    );
                    pen += run.width;
                }
            }
        }
    }

    /// Whether a list item is set right to left: as markup says, else as
    /// its first strong character, else as the book.
    fn item_rtl(&self, item: &ListItem) -> bool {
        match self.ctx.block_dir {
            Some(crate::doc::Direction::Rtl) => return true,
            Some(crate::doc::Direction::Ltr) => return false,
            _ => {}
        }
        let text = item.blocks.iter().find_map(|b| match b {
            Block::Paragraph { content, .. } | Block::Heading { content, .. } => {
                Some(crate::doc::plain_text(content))
            }
            _ => None,
        });
        text.and_then(|t| crate::text::bidi::first_strong(&t))
            .unwrap_or(self.ctx.book_rtl)
    }
}

/// A check box drawn with rules (no font has to have ☐ and ☑), with a tick when done.
fn task_box(x: Abs, baseline: Abs, done: bool) -> Vec<(Point, Item)> {
    let side = Abs::pt(7.0);
    let top = baseline - side;
    let mut items = vec![(
        Point::new(x, top),
        Item::Rect {
            width: side,
            height: side,
            fill: None,
            stroke: Some((Color::BLACK, Abs::pt(0.6))),
        },
    )];
    if done {
        let t = Abs::pt(0.9);
        items.push((
            Point::new(x + Abs::pt(1.4), top + Abs::pt(3.6)),
            Item::Line {
                dx: Abs::pt(2.0),
                dy: Abs::pt(2.2),
                color: Color::BLACK,
                thickness: t,
            },
        ));
        items.push((
            Point::new(x + Abs::pt(3.4), top + Abs::pt(5.8)),
            Item::Line {
                dx: Abs::pt(2.4),
                dy: Abs::pt(-4.6),
                color: Color::BLACK,
                thickness: t,
            },
        ));
    }
    items
}

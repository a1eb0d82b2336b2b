//! Finalize: raw lines → positioned frame items, all but last lines
//! justified, links and strike-through drawn over their words.

use super::super::{ParStyle, TextAlign};
use super::*;
use crate::pdf::frame::{Item, TextRun};
use crate::text::FontSet;
use crate::text::units::{Abs, Point};

/// Turns raw lines into positioned items, justifying all but last lines.
pub(super) fn finalize(
    book: &FontSet,
    lines: Vec<RawLine>,
    style: &ParStyle,
    width: Abs,
) -> Vec<LineBox> {
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        let natural = line.width();
        let spaces = line
            .parts
            .iter()
            .filter(|p| matches!(p, Part::Space(_)))
            .count();
        let slack = (width - natural).max(Abs::ZERO);
        let (mut x, extra) = match style.align {
            // Justified lines may also shrink their spaces (the line breaker
            // allowed it within each space's shrink).
            TextAlign::Justify if !line.last && spaces > 0 => {
                (line.indent, (width - natural) / spaces as f64)
            }
            TextAlign::Center => (line.indent + slack / 2.0, Abs::ZERO),
            TextAlign::Right => (line.indent + slack, Abs::ZERO),
            _ => (line.indent, Abs::ZERO),
        };
        // Line height: the style's leading, grown for bigger text.
        let mut ascent = style.size * book.font(style.face).ascender;
        let mut leading = style.leading;
        for part in &line.parts {
            if let Part::Word(frags) = part {
                for f in frags {
                    let a = f.style.size * book.font(f.style.face).ascender + f.style.rise;
                    ascent = ascent.max(a);
                    leading = leading.max(f.style.size * (style.leading / style.size));
                }
            }
        }
        let baseline = ascent.max(leading * 0.78);
        let mut items = Vec::new();
        let mut notes = Vec::new();
        for part in &line.parts {
            match part {
                Part::Space(w) => x += *w + extra,
                Part::Word(frags) => {
                    for frag in frags {
                        if let Some(id) = frag.style.note
                            && !notes.contains(&id)
                        {
                            notes.push(id);
                        }
                        let start = x;
                        for run in &frag.shaped.runs {
                            items.push((
                                Point::new(x, baseline),
                                Item::Text(TextRun::shaped(run, frag.style.rise, frag.style.color)),
                            ));
                            x += run.width;
                        }
                        let fw = x - start;
                        if frag.style.strike {
                            items.push((
                                Point::new(start, baseline - frag.style.size * 0.28),
                                Item::Line {
                                    dx: fw,
                                    dy: Abs::ZERO,
                                    color: frag.style.color,
                                    thickness: frag.style.size * 0.05,
                                },
                            ));
                        }
                        if let Some(dest) = &frag.style.link {
                            items.push((
                                Point::new(start, Abs::ZERO),
                                Item::Link {
                                    width: fw,
                                    height: leading,
                                    dest: dest.clone(),
                                },
                            ));
                        }
                    }
                }
            }
        }
        out.push(LineBox {
            height: leading,
            items,
            width: natural,
            notes,
            hyphenated: line.hyphen,
        });
    }
    out
}

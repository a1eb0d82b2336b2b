//! Finalize: raw lines → positioned frame items, all but last lines
//! justified, links and strike-through drawn over their words.

use super::super::{ParStyle, TextAlign};
use super::*;
use crate::pdf::frame::{Item, TextRun};
use crate::text::FontSet;
use crate::text::units::{Abs, Point};

/// How far the ink of a line's last glyph reaches past its advance.
fn overhang(book: &FontSet, line: &RawLine) -> Abs {
    let Some(Part::Word(frags)) = line.parts.last() else {
        return Abs::ZERO;
    };
    word_overhang(book, frags)
}

/// How far the ink of a word's last glyph reaches past its advance (the
/// end mark ■ in Libertine: 2.5 pt at 11 pt), so line breaking keeps it
/// inside the measure.
pub(super) fn word_overhang(book: &FontSet, frags: &[Frag]) -> Abs {
    let Some(run) = frags.last().and_then(|f| f.shaped.runs.last()) else {
        return Abs::ZERO;
    };
    let Some(glyph) = run.glyphs.last() else {
        return Abs::ZERO;
    };
    let font = book.font(run.face);
    let bbox = font
        .face()
        .glyph_bounding_box(rustybuzz::ttf_parser::GlyphId(glyph.id));
    let Some(bbox) = bbox else {
        return Abs::ZERO;
    };
    let ink = run.size * (f64::from(bbox.x_max) / font.upem) + glyph.x_offset;
    (ink - glyph.advance).max(Abs::ZERO)
}

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
        // A last glyph whose ink reaches past its advance (the end mark ■)
        // is kept inside the measure.
        let width = width - overhang(book, &line);
        let slack = (width - natural).max(Abs::ZERO);
        let (mut x, extra) = match style.align {
            // Justified lines may also shrink their spaces (the line breaker
            // allowed it within each space's shrink).
            TextAlign::Justify if !line.last && spaces > 0 => {
                (line.indent, (width - natural) / spaces as f64)
            }
            // A last line the breaker set tight shrinks its spaces too.
            _ if natural > width && spaces > 0 => (line.indent, (width - natural) / spaces as f64),
            TextAlign::Center => (line.indent + slack / 2.0, Abs::ZERO),
            TextAlign::Right => (line.indent + slack, Abs::ZERO),
            _ => (line.indent, Abs::ZERO),
        };
        // Line height: the style's leading, grown for bigger text.
        let mut ascent = style.size * book.font(style.face).ascender;
        let mut leading = style.leading;
        // Formulas taller or deeper than the text open up the line.
        let mut depth = Abs::ZERO;
        for part in &line.parts {
            if let Part::Word(frags) = part {
                for f in frags {
                    if let Some(b) = &f.boxed {
                        ascent = ascent.max(b.ascent + style.size * 0.15);
                        depth = depth.max(b.descent);
                        continue;
                    }
                    let a = f.style.size * book.font(f.style.face).ascender + f.style.rise;
                    ascent = ascent.max(a);
                    leading = leading.max(f.style.size * (style.leading / style.size));
                }
            }
        }
        let baseline = ascent.max(leading * 0.78);
        let natural_depth = leading - leading * 0.78;
        if depth > natural_depth - style.size * 0.05 {
            leading = leading.max(baseline + depth + style.size * 0.2);
        }
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
                        if let Some(b) = &frag.boxed {
                            items.extend(crate::pdf::layout::math::place(b, x, baseline));
                            x += b.width;
                        }
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

#[cfg(test)]
mod tests {
    use super::super::super::{Ctx, ParStyle};
    use crate::diag::{FileId, Span};
    use crate::doc::{Document, Inline};
    use crate::pdf::frame::Item;
    use crate::text::{Abs, FontSet};

    /// The end mark ■ never reaches past the measure, wherever the line
    /// breaks put it (its ink is wider than its advance in Libertine).
    #[test]
    fn the_end_mark_stays_inside_the_measure() {
        let fonts = FontSet::bundled();
        let doc = Document::default();
        let text = "That makes it more feasible to deal with the island, and the \
                    neighbours know it as well as anyone in the region does. ■";
        let content = vec![Inline::Text(text.into())];
        let mut worst = f64::MIN;
        for w in (120..=330).step_by(3) {
            let width = Abs::pt(f64::from(w));
            let mut ctx = Ctx::new(&doc, &fonts);
            let lines = super::super::paragraph(
                &mut ctx,
                &content,
                &ParStyle::body(),
                width,
                Span::new(FileId(0), 0..0),
            );
            for line in &lines {
                for (p, item) in &line.items {
                    let Item::Text(run) = item else { continue };
                    let font = fonts.font(run.face);
                    for g in &run.glyphs {
                        let Some(b) = font
                            .face()
                            .glyph_bounding_box(rustybuzz::ttf_parser::GlyphId(g.id))
                        else {
                            continue;
                        };
                        let ink = p.x + g.x + run.size * (f64::from(b.x_max) / font.upem);
                        worst = worst.max((ink - width).to_pt());
                    }
                }
            }
        }
        assert!(worst <= 0.01, "ink {worst:.2} pt past the measure");
    }
}

//! Finalize: raw lines → positioned frame items, all but last lines
//! justified, links and strike-through drawn over their words.
//!
//! A line of bidirectional text is put in visual order here, after line
//! breaking (UAX #9, rule L2): its fragments and spaces are reordered by
//! their levels. A right-to-left paragraph is aligned, justified and
//! indented from the right.

use super::super::{ParStyle, TextAlign};
use super::*;
use crate::pdf::frame::{Item, TextRun};
use crate::text::FontSet;
use crate::text::units::{Abs, Point};

/// One piece of a line as it is placed: a fragment, or a space with the
/// extra width justification gives it.
enum Atom<'l> {
    Frag(&'l Frag),
    Space(Abs),
}

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

/// Turns raw lines into positioned items, justifying all but last lines;
/// `rtl`: the paragraph runs right to left.
pub(super) fn finalize(
    book: &FontSet,
    lines: Vec<RawLine>,
    style: &ParStyle,
    width: Abs,
    rtl: bool,
) -> Vec<LineBox> {
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        let natural = line.width();
        // A last glyph whose ink reaches past its advance (the end mark ■)
        // is kept inside the measure.
        let width = width - overhang(book, &line);
        let atoms = justified(&line, style, width, natural);
        let placed: Abs = atoms
            .iter()
            .map(|(a, _)| match a {
                Atom::Frag(f) => f.width(),
                Atom::Space(w) => *w,
            })
            .sum();
        let slack = (width - line.indent - placed).max(Abs::ZERO);
        // Where the line's content starts: the indent is on the side the
        // paragraph starts from.
        let mut x = match (style.align, rtl) {
            (TextAlign::Center, _) => line.indent + slack / 2.0,
            (TextAlign::Right, false) => line.indent + slack,
            (TextAlign::Right, true) => Abs::ZERO,
            (TextAlign::Left | TextAlign::Justify, false) => line.indent,
            (TextAlign::Left | TextAlign::Justify, true) => slack,
        };
        let (baseline, leading) = line_height(book, &line, style);
        let mut items = Vec::new();
        let mut notes = Vec::new();
        for (atom, _) in &atoms {
            match atom {
                Atom::Space(w) => x += *w,
                Atom::Frag(frag) => {
                    if let Some(id) = frag.style.note
                        && !notes.contains(&id)
                    {
                        notes.push(id);
                    }
                    x = place_frag(frag, x, (baseline, leading), &mut items);
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

/// A line's baseline (from its top) and height: the style's leading,
/// grown for bigger text and for formulas whose ink does not fit.
fn line_height(book: &FontSet, line: &RawLine, style: &ParStyle) -> (Abs, Abs) {
    // Line height: the style's leading, grown for bigger text.
    let mut ascent = style.size * book.font(style.face).ascender;
    let mut leading = style.leading;
    // Formulas whose ink is taller or deeper than the line's room open
    // it up (as in Typst and TeX); a Greek letter, a subscript or a
    // small fraction that fits keeps the line at the paragraph's
    // leading, so lines with formulas are spaced like the others.
    let (mut box_ascent, mut box_depth) = (Abs::ZERO, Abs::ZERO);
    for part in &line.parts {
        if let Part::Word(frags) = part {
            for f in frags {
                if let Some(b) = &f.boxed {
                    box_ascent = box_ascent.max(b.ascent);
                    box_depth = box_depth.max(b.descent);
                    continue;
                }
                let a = f.style.size * book.font(f.style.face).ascender + f.style.rise;
                ascent = ascent.max(a);
                leading = leading.max(f.style.size * (style.leading / style.size));
            }
        }
    }
    // Ink that does not fit keeps a little clearance from the
    // neighbouring lines; the line grows by what it needs. Above the
    // baseline the room is the line's ascent; below it, what the next
    // line's letters (about 0.75 em tall, as TeX measures the boxes
    // against \baselineskip) leave free.
    let clearance = style.size * 0.1;
    let tall_letters = style.size * 0.75;
    let mut baseline = ascent.max(leading * 0.78);
    // From this baseline to the next line's (when that one does not
    // grow): the paragraph's leading.
    let to_next = leading;
    if box_ascent > baseline {
        let grow = box_ascent + clearance - baseline;
        baseline += grow;
        leading += grow;
    }
    let need = box_depth + clearance + tall_letters;
    if need > to_next {
        leading += need - to_next;
    }
    (baseline, leading)
}

/// Draws a fragment (its formula box, its runs, strike-through and link
/// area) from `x` on a line with this baseline and height; returns where
/// it ends.
fn place_frag(
    frag: &Frag,
    mut x: Abs,
    (baseline, leading): (Abs, Abs),
    items: &mut Vec<(Point, Item)>,
) -> Abs {
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
    x
}

/// The line's pieces in visual order with their final widths: spaces of a
/// justified line (but the last) take the slack, in proportion to how far
/// each may stretch (or shrink); plain spaces share it equally. Each atom
/// comes with its bidi level.
fn justified<'l>(
    line: &'l RawLine,
    style: &ParStyle,
    width: Abs,
    natural: Abs,
) -> Vec<(Atom<'l>, u8)> {
    // A last line the breaker set tight shrinks its spaces too.
    let justify = (style.align == TextAlign::Justify && !line.last) || natural > width;
    let diff = width - natural;
    let spaces = line
        .parts
        .iter()
        .filter(|p| matches!(p, Part::Space(_)))
        .count();
    // A line ending inside a URL keeps its share of the slack blank at
    // its end: every space takes the breaker's ratio of its stretch (half
    // its width; a gap its own), the rest is left over.
    if justify && diff > Abs::ZERO && line.end_stretch > Abs::ZERO {
        let stretch: Abs = line
            .parts
            .iter()
            .map(|p| match p {
                Part::Space(w) => *w / 2.0,
                Part::Gap(g) => g.stretch,
                Part::Word(_) => Abs::ZERO,
            })
            .sum();
        let ratio = diff / (stretch + line.end_stretch);
        let mut atoms: Vec<(Atom<'l>, u8)> = Vec::with_capacity(line.parts.len() * 2);
        for part in &line.parts {
            match part {
                Part::Word(frags) => {
                    atoms.extend(frags.iter().map(|f| (Atom::Frag(f), f.style.level)))
                }
                Part::Space(w) => atoms.push((Atom::Space(*w + *w / 2.0 * ratio), 0)),
                Part::Gap(g) => atoms.push((Atom::Space(g.width + g.stretch * ratio), g.level)),
            }
        }
        if atoms.iter().all(|(_, l)| *l == 0) {
            return atoms;
        }
    }
    // Gaps stretch by their stretch, or shrink by their shrink.
    let give: Abs = line
        .parts
        .iter()
        .map(|p| match p {
            Part::Gap(g) if diff >= Abs::ZERO => g.stretch,
            Part::Gap(g) => g.shrink,
            _ => Abs::ZERO,
        })
        .sum();
    let mut atoms: Vec<(Atom<'l>, u8)> = Vec::with_capacity(line.parts.len() * 2);
    let mut level = 0;
    for part in &line.parts {
        match part {
            Part::Word(frags) => {
                for f in frags {
                    level = f.style.level;
                    atoms.push((Atom::Frag(f), level));
                }
            }
            Part::Space(w) => {
                let extra = if justify && spaces > 0 && give == Abs::ZERO {
                    diff / spaces as f64
                } else {
                    Abs::ZERO
                };
                atoms.push((Atom::Space(*w + extra), level));
            }
            Part::Gap(g) => {
                let share = if diff >= Abs::ZERO {
                    g.stretch
                } else {
                    g.shrink
                };
                let extra = if justify && give > Abs::ZERO {
                    diff * (share / give)
                } else {
                    Abs::ZERO
                };
                atoms.push((Atom::Space(g.width + extra), g.level));
            }
        }
    }
    if atoms.iter().all(|(_, l)| *l == 0) {
        return atoms;
    }
    let levels: Vec<u8> = atoms.iter().map(|(_, l)| *l).collect();
    let order = crate::text::bidi::visual_order(&levels);
    let mut slots: Vec<Option<(Atom<'l>, u8)>> = atoms.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| slots[i].take()).collect()
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
            let labels = crate::labels::Labels::default();
            let mut ctx = Ctx::new(&doc, &fonts, &labels);
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

//! Math: a formula's MathML → a box of positioned glyphs and rules.
//!
//! Input: the MathML the parse stage made of the TeX, a size and a colour.
//! Output: a [`MathBox`] (width, ascent, descent, frame items relative to
//! its baseline's left end) that a paragraph places like a word and a
//! display equation centres. formulary lays the formula out from the
//! OpenType MATH table of the bundled math face (Libertinus Math): fraction
//! and script shifts, radicals, stretched delimiters and big operators are
//! the font's own, as in TeX and the browsers' MathML; every glyph is drawn
//! from that face. Each glyph keeps the character it stands for (from the
//! face's character map), so the PDF's text copies and searches.

use crate::pdf::frame::{Color, Item, TextRun};
use crate::text::{Abs, FaceId, FontSet, Point};
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

/// A laid-out formula.
#[derive(Debug, Clone, PartialEq)]
pub struct MathBox {
    /// Its width.
    pub width: Abs,
    /// Height above the baseline.
    pub ascent: Abs,
    /// Depth below the baseline.
    pub descent: Abs,
    /// Glyph runs and rules; points are relative to the left end of the
    /// baseline, y downwards.
    pub items: Vec<(Point, Item)>,
}

/// The math face parsed for formulary, and glyph → character (for the
/// text the glyphs stand for), made on the first formula of a book.
pub struct MathFace<'a> {
    font: formulary::MathFont<'a>,
    chars: HashMap<u16, char>,
}

/// Shared, lazily made [`MathFace`] (pieces set in parallel share one).
#[derive(Default, Clone)]
pub struct MathFaces<'a> {
    cell: Arc<OnceLock<Option<MathFace<'a>>>>,
}

impl<'a> MathFaces<'a> {
    /// The math face of `fonts`, parsed on first use (`None`: the font has
    /// no MATH table, which cannot happen with the bundled one).
    pub fn get(&self, fonts: &'a FontSet) -> Option<&MathFace<'a>> {
        self.cell
            .get_or_init(|| {
                let font = fonts.font(FaceId::Math);
                let math = formulary::MathFont::new(font.data(), 0).ok()?;
                let mut chars = HashMap::new();
                if let Some(cmap) = font.face().tables().cmap {
                    for sub in cmap.subtables {
                        if !sub.is_unicode() {
                            continue;
                        }
                        sub.codepoints(|cp| {
                            if let (Some(c), Some(g)) = (char::from_u32(cp), sub.glyph_index(cp)) {
                                chars.entry(g.0).or_insert(c);
                            }
                        });
                    }
                }
                Some(MathFace { font: math, chars })
            })
            .as_ref()
    }
}

impl std::fmt::Debug for MathFaces<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MathFaces")
    }
}

/// Lays out a formula at `size` in `color`; `None` when the MathML cannot
/// be read (the caller then shows the source).
pub fn layout(face: &MathFace<'_>, mathml: &str, size: Abs, color: Color) -> Option<MathBox> {
    let tree = formulary::parse(mathml).ok()?;
    let laid = formulary::layout(
        &tree,
        &face.font,
        &formulary::LayoutOptions {
            font_size: size.to_pt() as f32,
        },
    );
    let pt = |v: f32| Abs::pt(f64::from(v));
    let mut runs: Vec<TextRun> = Vec::new();
    let mut rules = Vec::new();
    for item in &laid.items {
        match item {
            formulary::Item::Glyph {
                id,
                x,
                y,
                size,
                color: c,
                ..
            } => {
                let color = c.map_or(color, |c| Color(c.r, c.g, c.b));
                let run = match runs
                    .iter_mut()
                    .find(|r| r.size == pt(*size) && r.color == color)
                {
                    Some(run) => run,
                    None => {
                        runs.push(TextRun::new(FaceId::Math, pt(*size), color));
                        runs.last_mut()?
                    }
                };
                let text = face
                    .chars
                    .get(&id.0)
                    .map(|c| c.to_string())
                    .unwrap_or_default();
                run.push(id.0, pt(*x), -pt(*y), &text);
            }
            formulary::Item::Rule {
                x,
                y,
                w,
                h,
                color: c,
            } => {
                let color = c.map_or(color, |c| Color(c.r, c.g, c.b));
                rules.push((
                    Point::new(pt(*x), pt(*y)),
                    Item::Rect {
                        width: pt(*w),
                        height: pt(*h),
                        fill: Some(color),
                        stroke: None,
                    },
                ));
            }
            // Backgrounds come only from `mathbackground`, which TeX never
            // writes.
            _ => {}
        }
    }
    let mut items: Vec<(Point, Item)> = rules;
    items.extend(
        runs.into_iter()
            .map(|r| (Point::new(Abs::ZERO, Abs::ZERO), Item::Text(r))),
    );
    Some(MathBox {
        width: pt(laid.width),
        ascent: pt(laid.ascent),
        descent: pt(laid.descent),
        items,
    })
}

/// The items of `b` placed with its baseline's left end at (`x`, `y`).
pub fn place(b: &MathBox, x: Abs, y: Abs) -> impl Iterator<Item = (Point, Item)> + '_ {
    b.items
        .iter()
        .map(move |(p, item)| (Point::new(x + p.x, y + p.y), item.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fraction_has_a_bar_and_math_glyphs() {
        let fonts = FontSet::bundled();
        let faces = MathFaces::default();
        let face = faces.get(&fonts).expect("Libertinus Math has a MATH table");
        let m = crate::parse::technical::math(r"\frac{a}{b} + \sum_{i=1}^{n} x_i", false).unwrap();
        let b = layout(
            face,
            m.mathml.as_deref().unwrap(),
            Abs::pt(11.0),
            Color::BLACK,
        )
        .unwrap();
        assert!(b.width > Abs::pt(20.0) && b.ascent > Abs::pt(5.0) && b.descent > Abs::ZERO);
        assert!(
            b.items.iter().any(|(_, i)| matches!(i, Item::Rect { .. })),
            "fraction bar"
        );
        let text: String = b
            .items
            .iter()
            .filter_map(|(_, i)| match i {
                Item::Text(r) => Some(r.text().to_string()),
                _ => None,
            })
            .collect();
        assert!(text.contains('∑'), "{text}");
        assert!(
            b.items
                .iter()
                .all(|(_, i)| !matches!(i, Item::Text(r) if r.face != FaceId::Math))
        );
    }

    /// Regression: a matrix's `&` reached the MathML's annotation unescaped,
    /// so matrices and aligned equations were shown as their source.
    #[test]
    fn matrices_and_aligned_equations_are_laid_out() {
        let fonts = FontSet::bundled();
        let faces = MathFaces::default();
        let face = faces.get(&fonts).unwrap();
        let one_line = |tex: &str| {
            let m = crate::parse::technical::math(tex, true).unwrap();
            layout(
                face,
                m.mathml.as_deref().unwrap(),
                Abs::pt(11.0),
                Color::BLACK,
            )
            .unwrap_or_else(|| panic!("{tex} is laid out"))
        };
        let x = one_line("x");
        for tex in [
            r"\begin{pmatrix} a & b \\ c & d \end{pmatrix}",
            r"\begin{aligned} a &= b \\ c &= d \end{aligned}",
        ] {
            let b = one_line(tex);
            assert!(
                b.ascent + b.descent > (x.ascent + x.descent) * 1.5,
                "{tex}: two rows"
            );
        }
    }
}

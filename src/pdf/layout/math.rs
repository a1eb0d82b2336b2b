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

    /// Each glyph of a laid-out formula: (its text, id, x, rise, size), in pt.
    fn glyphs(b: &MathBox) -> Vec<(String, u16, f64, f64, f64)> {
        let mut out = Vec::new();
        for (p, item) in &b.items {
            if let Item::Text(run) = item {
                for g in &run.glyphs {
                    out.push((
                        run.glyph_text(g).to_string(),
                        g.id,
                        (p.x + g.x).to_pt(),
                        g.rise.to_pt(),
                        run.size.to_pt(),
                    ));
                }
            }
        }
        out
    }

    fn laid(tex: &str, display: bool) -> MathBox {
        let fonts = FontSet::bundled();
        let faces = MathFaces::default();
        let face = faces.get(&fonts).unwrap();
        let m = crate::parse::technical::math(tex, display).unwrap();
        layout(
            face,
            m.mathml.as_deref().unwrap(),
            Abs::pt(11.0),
            Color::BLACK,
        )
        .unwrap()
    }

    /// The reviewer's collisions: a subscript attaches at the letter's
    /// advance (not inside its slant) and a superscript past its italic
    /// correction (the font's MATH table), as in TeX and Typst.
    #[test]
    fn scripts_clear_a_slanted_base() {
        let fonts = FontSet::bundled();
        let ttf = fonts.font(FaceId::Math).face();
        let upem = f64::from(ttf.units_per_em());
        let corrections = ttf
            .tables()
            .math
            .and_then(|m| m.glyph_info)
            .and_then(|i| i.italic_corrections)
            .unwrap();
        let mut corrected = 0;
        for (tex, base, script, sup) in [
            ("X_k", "𝑋", "𝑘", false),
            ("x_i", "𝑥", "𝑖", false),
            (r"\beta_0", "𝛽", "0", false),
            ("N^2", "𝑁", "2", true),
            ("ax^2", "𝑥", "2", true),
            ("f^2", "𝑓", "2", true),
        ] {
            let g = glyphs(&laid(tex, false));
            let (_, id, x, _, size) = g.iter().find(|g| g.0 == base).unwrap().clone();
            let s = g.iter().find(|g| g.0 == script).unwrap();
            let glyph = ttf_parser::GlyphId(id);
            let scale = size / upem;
            let advance = f64::from(ttf.glyph_hor_advance(glyph).unwrap()) * scale;
            let ic = corrections
                .get(glyph)
                .map_or(0.0, |v| f64::from(v.value) * scale);
            if ic > 0.0 {
                corrected += 1;
            }
            let at = x + advance + if sup { ic } else { 0.0 };
            assert!(
                s.2 >= at - 0.01,
                "{tex}: script at {:.2} pt, the base ends at {at:.2} pt (italic correction {ic:.2})",
                s.2
            );
        }
        assert!(corrected >= 3, "the test letters have italic corrections");
        // A large operator's subscript still tucks under its slant.
        let g = glyphs(&laid(r"\int_0^1 f", true));
        let int = g
            .iter()
            .find(|g| g.0 != "0" && g.0 != "1" && g.0 != "𝑓")
            .unwrap();
        let (low, high) = (
            g.iter().find(|g| g.0 == "0").unwrap(),
            g.iter().find(|g| g.0 == "1").unwrap(),
        );
        assert!(low.2 < high.2 - 1.0 && int.2 < low.2, "{g:?}");
    }

    /// `aligned` is set in display style (full-size fractions) and its
    /// columns meet at the relation with only the relation's own space.
    #[test]
    fn aligned_is_display_style_without_a_gap_at_the_relation() {
        let plain = glyphs(&laid(r"x^2 + \frac{b}{a}x = -\frac{c}{a}", true));
        let aligned = glyphs(&laid(
            r"\begin{aligned} x^2 + \frac{b}{a}x &= -\frac{c}{a} \\ x &= 1 \end{aligned}",
            true,
        ));
        let size_of =
            |g: &[(String, u16, f64, f64, f64)], c: &str| g.iter().find(|g| g.0 == c).unwrap().4;
        assert_eq!(size_of(&aligned, "𝑏"), 11.0, "{aligned:?}");
        assert_eq!(size_of(&aligned, "𝑐"), 11.0);
        // The space before `=`: from the last glyph before it to it.
        let gap = |g: &[(String, u16, f64, f64, f64)]| {
            let eq = g
                .iter()
                .filter(|g| g.0 == "=")
                .map(|g| g.2)
                .fold(f64::MAX, f64::min);
            let before = g
                .iter()
                .filter(|g| g.2 < eq)
                .map(|g| g.2)
                .fold(f64::MIN, f64::max);
            eq - before
        };
        assert!(
            (gap(&aligned) - gap(&plain)).abs() < 0.05,
            "aligned {:.2} pt, inline {:.2} pt",
            gap(&aligned),
            gap(&plain)
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

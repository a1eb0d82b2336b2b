//! Inline pieces of technical books for the paragraph pipeline: formulas
//! as boxes, and references to figures, tables and equations as linked
//! words ("Figure 3", "Figure 3 on page 41" once the pages are known).
//!
//! Input: the tree's inline nodes. Output: pieces for
//! [`super::inline`]'s collect step.

use super::Ctx;
use super::inline::{Piece, Style};
use super::math;
use crate::doc::{CrossRef, Math};
use crate::pdf::frame::LinkDest;
use std::sync::Arc;

/// A formula in the text: a box laid out from the math face, at the size
/// of the text around it; its source in the code face when it did not
/// parse.
pub(crate) fn inline_math(ctx: &mut Ctx<'_>, m: &Math, style: &Style, out: &mut Vec<Piece>) {
    let color = style.color;
    let laid = m.mathml.as_deref().and_then(|mathml| {
        let face = ctx.math.get(ctx.fonts)?;
        math::layout(face, mathml, style.size, color)
    });
    match laid {
        Some(b) => out.push(Piece::Boxed(Arc::new(b), style.clone())),
        None => {
            let s = Style {
                face: ctx.theme.mono[0],
                size: style.size * 0.88,
                small_caps: false,
                ..style.clone()
            };
            let mark = if m.display { "$$" } else { "$" };
            out.push(Piece::Text(format!("{mark}{}{mark}", m.tex), s));
        }
    }
}

/// The words of a reference: "Figure 3", with "on page 41" when the page
/// of the target is known (a second layout), linked to the target.
pub(crate) fn cross_ref(ctx: &mut Ctx<'_>, r: &CrossRef, style: &Style, out: &mut Vec<Piece>) {
    let Some((anchor, number)) = r.target else {
        out.push(Piece::Text(
            ctx.labels.numbered(r.kind.word(), "??"),
            style.clone(),
        ));
        return;
    };
    let mut text = ctx.labels.numbered(r.kind.word(), &number.to_string());
    if let Some(page) = ctx.page_of.as_ref().and_then(|p| p.get(&anchor)) {
        text = page_words(ctx.labels, ctx.doc.meta.language.as_deref(), &text, page);
    }
    let linked = Style {
        link: Some(LinkDest::Anchor(anchor)),
        // As other links: the theme's colour (ink for print, blue for
        // screens), the text's in greys.
        color: if ctx.greyscale {
            style.color
        } else {
            ctx.theme.link
        },
        ..style.clone()
    };
    out.push(Piece::Text(text, linked));
}

/// "Figure 3 on page 41" in English; "Abbildung 3 (Seite 41)" where bindery
/// has no phrase for "on page".
fn page_words(
    labels: &crate::labels::Labels,
    language: Option<&str>,
    reference: &str,
    page: &str,
) -> String {
    let word = labels.get(crate::labels::Label::Page);
    let english = language.is_none_or(|l| l.split(['-', '_']).next() == Some("en"));
    if english {
        format!("{reference} on {word} {page}")
    } else {
        format!("{reference} ({word} {page})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_phrases() {
        let en = crate::labels::Labels::new("en", Default::default());
        assert_eq!(
            page_words(&en, Some("en-GB"), "Figure 3", "41"),
            "Figure 3 on page 41"
        );
        let de = crate::labels::Labels::new("de", Default::default());
        let t = page_words(&de, Some("de"), "Abbildung 3", "41");
        assert!(t.starts_with("Abbildung 3 (") && t.ends_with(" 41)"), "{t}");
    }
}

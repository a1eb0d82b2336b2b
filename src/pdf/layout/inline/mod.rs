//! Paragraph layout: inline content → lines of positioned glyphs.
//!
//! Four steps, as in typst, one file each: [`collect`] the inline tree into
//! styled pieces, [`measure`] them into shaped words and spaces, break them
//! into lines ([`optimal`]: Knuth–Plass in TeX's two passes, with
//! hyphenation; [`greedy`]: the fallback, with an emergency cut for tokens
//! wider than the measure), and [`finalize`] each line into positioned frame
//! items (justified or ragged). [`paragraph`] drives them.
//!
//! Text that is not plain Latin takes more care in [`measure`]: the
//! paragraph's direction and each character's bidi level (UAX #9), break
//! opportunities inside words for Chinese, Japanese and the scripts that
//! need a dictionary (UAX #14), and each word fragment shaped with its
//! direction and language; [`finalize`] then puts each line's pieces in
//! visual order and sets a right-to-left paragraph from the right.

mod collect;
mod finalize;
mod greedy;
mod measure;
mod optimal;

use super::{Ctx, ParStyle, TextAlign};
use crate::diag::Span;
use crate::doc::Inline;
use crate::pdf::frame::{Color, Item, LinkDest};
use crate::text::units::{Abs, Point};
use crate::text::{FaceId, FontSet, LangTag, Props, Shaped};
use std::sync::Arc;

pub(crate) use collect::Piece;
use collect::collect;
use finalize::finalize;
use greedy::linebreak;
use measure::measure;
use optimal::{Pass, optimal};

/// A laid-out line: items relative to its top-left corner.
#[derive(Debug, Clone)]
pub struct LineBox {
    /// Distance from the line's top to the next line's top.
    pub height: Abs,
    /// The items; text baselines sit at `ascent` below the top.
    pub items: Vec<(Point, Item)>,
    /// The line's natural content width (for tests: never beyond the measure).
    pub width: Abs,
    /// Footnotes referenced on this line.
    pub notes: Vec<crate::doc::NoteId>,
    /// The line ends with a hyphen added by hyphenation.
    pub hyphenated: bool,
}

/// Style of a stretch of text.
#[derive(Debug, Clone, PartialEq)]
pub struct Style {
    /// The face.
    pub face: FaceId,
    /// The size.
    pub size: Abs,
    /// The colour.
    pub color: Color,
    /// Small capitals.
    pub small_caps: bool,
    /// Where a click goes.
    pub link: Option<LinkDest>,
    /// Baseline shift upwards (superscripts).
    pub rise: Abs,
    /// Draw a line through the text.
    pub strike: bool,
    /// This is the reference mark of a footnote.
    pub note: Option<crate::doc::NoteId>,
    /// The language of the text, when it is not the book's (markup, or a
    /// script the book's language does not write).
    pub lang: Option<LangTag>,
    /// The bidi embedding level (odd: right to left).
    pub level: u8,
}

impl Style {
    /// How this style's text is shaped: its direction and language.
    pub fn props(&self) -> Props {
        Props {
            rtl: self.level % 2 == 1,
            lang: self.lang,
        }
    }

    /// Shapes `text` in this style.
    pub fn shape(&self, fonts: &FontSet, text: &str) -> Arc<Shaped> {
        fonts.shape_with(self.face, self.size, text, self.small_caps, self.props())
    }
}

/// A word fragment of one style, shaped; or a formula, set as a box.
#[derive(Debug, Clone)]
struct Frag {
    style: Style,
    text: String,
    shaped: Arc<Shaped>,
    /// A formula in the text (then `shaped` is empty): never split.
    boxed: Option<Arc<super::math::MathBox>>,
}

impl Frag {
    fn width(&self) -> Abs {
        match &self.boxed {
            Some(b) => b.width,
            None => self.shaped.width(),
        }
    }
}

/// What the collect step produces.
#[derive(Debug, Clone)]
enum Token {
    /// A word (no breakable space inside), possibly of several styles.
    Word(Vec<Frag>),
    /// An inter-word space in a style.
    Space(Abs),
    /// A space or a break opportunity between characters, in text that
    /// is not plain Latin: with its bidi level and how far it may stretch.
    Gap(Gap),
    /// A forced line break.
    Break,
}

/// A space or a break opportunity inside a word (between two Chinese
/// characters, two Thai words), with its bidi level.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Gap {
    /// Natural width (zero between characters).
    width: Abs,
    /// How much it may stretch (inter-character justification for CJK).
    stretch: Abs,
    /// How much it may shrink.
    shrink: Abs,
    /// Its bidi level.
    level: u8,
}

/// Lays out a paragraph of inline content into lines `width` wide.
pub fn paragraph(
    ctx: &mut Ctx<'_>,
    content: &[Inline],
    style: &ParStyle,
    width: Abs,
    span: Span,
) -> Vec<LineBox> {
    let base = Style {
        face: style.face,
        size: style.size,
        color: style.color,
        small_caps: style.small_caps,
        link: None,
        rise: Abs::ZERO,
        strike: false,
        note: None,
        lang: ctx.block_lang,
        level: 0,
    };
    let mut pieces = Vec::new();
    collect(ctx, content, &base, &mut pieces);
    let (tokens, rtl) = measure(ctx, pieces, span);
    if style.display {
        // Display text is never hyphenated, and its lines are balanced.
        let hyphenate = std::mem::replace(&mut ctx.hyphenate, false);
        let lines = balanced(ctx, tokens, width, style.first_indent);
        ctx.hyphenate = hyphenate;
        return finalize(ctx.fonts, lines, style, width, rtl);
    }
    let lines = if style.align == TextAlign::Justify {
        // TeX's two passes: first without hyphenation, accepting only lines
        // at most as loose as their natural stretch (\pretolerance); then
        // with hyphenation. Most paragraphs need no second pass, and then
        // have no hyphens at all.
        optimal(ctx, &tokens, width, style.first_indent, Pass::First)
            .or_else(|| optimal(ctx, &tokens, width, style.first_indent, Pass::Second))
            .unwrap_or_else(|| linebreak(ctx, tokens, width, style.first_indent))
    } else {
        linebreak(ctx, tokens, width, style.first_indent)
    };
    finalize(ctx.fonts, lines, style, width, rtl)
}

/// Lines of display text (headings, titles, standfirsts) balanced: set in
/// the narrowest measure that keeps the number of lines the full measure
/// gives, so the last line is never a lone short word ("friend-/ship" and
/// "Erdo-/gan" neither: display text is not hyphenated).
fn balanced(ctx: &mut Ctx<'_>, tokens: Vec<Token>, width: Abs, indent: Abs) -> Vec<RawLine> {
    let full = linebreak(ctx, tokens.clone(), width, indent);
    if full.len() < 2 {
        return full;
    }
    let (mut lo, mut hi) = (width * 0.5, width);
    let mut best = full;
    // A few halvings get within a point of the narrowest measure.
    for _ in 0..7 {
        let mid = (lo + hi) / 2.0;
        let lines = linebreak(ctx, tokens.clone(), mid, indent);
        if lines.len() == best.len() && lines.iter().all(|l| l.width().fits_in(mid)) {
            best = lines;
            hi = mid;
        } else {
            lo = mid;
        }
    }
    best
}

/// A line before finalizing: words and the spaces between them.
#[derive(Debug, Clone, Default)]
struct RawLine {
    parts: Vec<Part>,
    /// Ends with a forced break or the paragraph end (not justified).
    last: bool,
    indent: Abs,
    /// Ends with a hyphen added by hyphenation.
    hyphen: bool,
    /// Stretch at the line's end, where a URL breaks: its share of the
    /// slack is left blank at the end instead of opening the spaces.
    end_stretch: Abs,
}

#[derive(Debug, Clone)]
enum Part {
    Word(Vec<Frag>),
    Space(Abs),
    Gap(Gap),
}

impl RawLine {
    fn width(&self) -> Abs {
        self.indent
            + self
                .parts
                .iter()
                .map(|p| match p {
                    Part::Word(frags) => frags.iter().map(Frag::width).sum(),
                    Part::Space(w) => *w,
                    Part::Gap(g) => g.width,
                })
                .sum()
    }

    fn is_empty(&self) -> bool {
        !self.parts.iter().any(|p| matches!(p, Part::Word(_)))
    }
}

fn word_width(frags: &[Frag]) -> Abs {
    frags.iter().map(Frag::width).sum()
}

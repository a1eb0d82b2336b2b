//! Measure: pieces → words and spaces, each word fragment shaped; runs of
//! whitespace collapse to one space.
//!
//! Plain Latin text (most books) takes the fast path: words end at spaces
//! and are shaped left to right. Other text is read as a whole paragraph
//! first: its direction (markup, else its first strong character, else
//! the book's), the bidi level of every character (UAX #9), where lines may
//! break inside a word (UAX #14 with dictionaries: between Chinese and
//! Japanese characters, between Thai words), and the language of each
//! stretch (markup, else the one its script stands for); fragments are cut
//! where any of these change and shaped with their direction and language.

use super::super::Ctx;
use super::*;
use crate::diag::Span;
use crate::doc::Direction;
use crate::text::units::Abs;
use crate::text::{FontSet, LangTag, Shaped, bidi, script, segment};
use std::sync::Arc;

/// Whether a character separates words (non-breaking spaces do not).
pub(super) fn is_space(c: char) -> bool {
    c.is_whitespace() && !matches!(c, '\u{a0}' | '\u{202f}' | '\u{2007}' | '\u{2028}')
}

/// How far a break between two Chinese or Japanese characters may stretch,
/// in ems: inter-character justification spreads a line's slack over its
/// characters, a little each, instead of opening gaps.
const CJK_STRETCH: f64 = 0.15;

/// How far a break between two words of a script without spaces (Thai)
/// may stretch, in ems: fewer breaks than CJK, so each takes more.
const WORD_STRETCH: f64 = 0.25;

/// Splits pieces into words and spaces, shaping each word fragment.
/// Returns the tokens and whether the paragraph runs right to left.
///
/// Whitespace collapses: a run of spaces (across style changes) is one space,
/// as wide as the widest of them.
pub(super) fn measure(ctx: &mut Ctx<'_>, pieces: Vec<Piece>, span: Span) -> (Vec<Token>, bool) {
    let simple = pieces.iter().all(|p| match p {
        Piece::Text(t, _) => script::is_simple(t),
        Piece::Break | Piece::Boxed(..) => true,
    });
    let explicit = ctx.block_dir;
    let ltr = match explicit {
        Some(Direction::Ltr) => true,
        Some(Direction::Rtl) => false,
        // A book written right to left sets a paragraph without letters
        // (digits, punctuation) from the right.
        Some(Direction::Auto) | None => !ctx.book_rtl || starts_ltr(&pieces),
    };
    if simple && ltr {
        return (measure_simple(ctx, pieces, span), false);
    }
    measure_complex(ctx, pieces, span)
}

/// Where a formula stands in the text of the complex path.
const OBJECT: char = '\u{FFFC}';

/// Whether the first strong character of the pieces is left to right.
fn starts_ltr(pieces: &[Piece]) -> bool {
    pieces
        .iter()
        .find_map(|p| match p {
            Piece::Text(t, _) => bidi::first_strong(t),
            Piece::Break | Piece::Boxed(..) => None,
        })
        .is_some_and(|rtl| !rtl)
}

/// The fast path: Latin text, left to right, words between spaces.
fn measure_simple(ctx: &mut Ctx<'_>, pieces: Vec<Piece>, span: Span) -> Vec<Token> {
    let book = ctx.fonts;
    let mut tokens = Vec::new();
    let mut word: Vec<Frag> = Vec::new();
    let mut gap: Option<Abs> = None;
    for piece in pieces {
        match piece {
            Piece::Break => {
                if !word.is_empty() {
                    tokens.push(Token::Word(std::mem::take(&mut word)));
                }
                tokens.push(Token::Break);
                gap = None;
            }
            Piece::Boxed(b, style) => {
                // A formula joins the word it touches, like a glyph.
                if let Some(g) = gap.take()
                    && word.is_empty()
                    && !tokens.is_empty()
                    && !matches!(tokens.last(), Some(Token::Break))
                {
                    tokens.push(Token::Space(g));
                }
                word.push(Frag {
                    style,
                    text: String::new(),
                    shaped: Arc::new(Shaped::default()),
                    boxed: Some(b),
                });
            }
            Piece::Text(text, style) => {
                let mut rest = text.as_str();
                while !rest.is_empty() {
                    let split = rest.find(is_space).unwrap_or(rest.len());
                    let (chunk, tail) = rest.split_at(split);
                    if !chunk.is_empty() {
                        if let Some(g) = gap.take()
                            && word.is_empty()
                            && !tokens.is_empty()
                            && !matches!(tokens.last(), Some(Token::Break))
                        {
                            tokens.push(Token::Space(g));
                        }
                        let shaped = shape(ctx, book, &style, chunk, span);
                        word.push(Frag {
                            style: style.clone(),
                            text: chunk.to_string(),
                            shaped,
                            boxed: None,
                        });
                    }
                    if tail.is_empty() {
                        break;
                    }
                    if !word.is_empty() {
                        tokens.push(Token::Word(std::mem::take(&mut word)));
                    }
                    let sw = space_width(book, &style);
                    gap = Some(gap.map_or(sw, |g| g.max(sw)));
                    let ws_end = tail.find(|c| !is_space(c)).unwrap_or(tail.len());
                    rest = &tail[ws_end..];
                }
            }
        }
    }
    if !word.is_empty() {
        tokens.push(Token::Word(word));
    }
    while matches!(tokens.last(), Some(Token::Break | Token::Space(_))) {
        tokens.pop();
    }
    tokens
}

/// A paragraph of text that is not plain Latin, read as a whole.
struct Reading<'p> {
    /// The paragraph's text (a forced break is U+2028).
    text: String,
    /// Where each piece starts in `text`, and its style.
    starts: Vec<(usize, Option<&'p Style>)>,
    /// Every character's bidi level.
    levels: bidi::Levels,
    /// Where lines may break inside words (sorted).
    breaks: Vec<usize>,
}

/// A formula's box and where its object character is in the text.
type Placed = (usize, Arc<crate::pdf::layout::math::MathBox>);

impl<'p> Reading<'p> {
    /// The paragraph read as one text: formulas as object characters,
    /// forced breaks as U+2028; its direction (from markup, else the first
    /// strong character, else the book's), bidi levels and, for scripts
    /// that need them, break opportunities inside words.
    fn new(ctx: &Ctx<'_>, pieces: &'p [Piece]) -> (Reading<'p>, Vec<Placed>, bool) {
        let mut text = String::new();
        let mut starts = Vec::with_capacity(pieces.len());
        let mut boxes = Vec::new();
        for piece in pieces {
            match piece {
                Piece::Text(t, style) => {
                    starts.push((text.len(), Some(style)));
                    text.push_str(t);
                }
                Piece::Break => {
                    starts.push((text.len(), None));
                    text.push('\u{2028}');
                }
                // A formula stands in the text as one object character, a
                // strong left-to-right letter for the bidi algorithm.
                Piece::Boxed(b, style) => {
                    boxes.push((text.len(), b.clone()));
                    starts.push((text.len(), Some(style)));
                    text.push(OBJECT);
                }
            }
        }
        let rtl = match ctx.block_dir {
            Some(Direction::Rtl) => true,
            Some(Direction::Ltr) => false,
            Some(Direction::Auto) | None => bidi::first_strong(&text).unwrap_or(ctx.book_rtl),
        };
        let levels = bidi::Levels::new(&text, rtl);
        let breaks = if text.chars().any(|c| {
            let s = script::of(c);
            script::breaks_anywhere(s) || script::needs_dictionary(s)
        }) {
            segment::line_breaks(&text)
        } else {
            Vec::new()
        };
        let reading = Reading {
            text,
            starts,
            levels,
            breaks,
        };
        (reading, boxes, rtl)
    }
}

fn measure_complex(ctx: &mut Ctx<'_>, pieces: Vec<Piece>, span: Span) -> (Vec<Token>, bool) {
    let (reading, boxes, rtl) = Reading::new(ctx, &pieces);
    let mut w = Words {
        tokens: Vec::new(),
        word: Vec::new(),
        gap: None,
        frag: None,
    };
    let mut piece = 0;
    let mut next_break = 0;
    let mut prev: Option<char> = None;
    let text = reading.text.as_str();
    for (i, c) in text.char_indices() {
        while piece + 1 < reading.starts.len() && reading.starts[piece + 1].0 <= i {
            piece += 1;
        }
        while next_break < reading.breaks.len() && reading.breaks[next_break] < i {
            next_break += 1;
        }
        let Some(style) = reading.starts[piece].1 else {
            // A forced break.
            w.end_word(ctx, &reading, i, span);
            w.tokens.push(Token::Break);
            w.gap = None;
            prev = None;
            continue;
        };
        if c == OBJECT
            && let Ok(k) = boxes.binary_search_by_key(&i, |(at, _)| *at)
        {
            w.formula(ctx, &reading, (i, style), boxes[k].1.clone(), span);
            prev = Some(c);
            continue;
        }
        if script::is_bidi_control(c) {
            // Read by UAX #9, never drawn.
            w.end_frag(ctx, &reading, i, span);
            continue;
        }
        if is_space(c) {
            w.end_word(ctx, &reading, i, span);
            w.space(space_width(ctx.fonts, style), reading.levels.at(i));
            prev = Some(c);
            continue;
        }
        // A break opportunity inside a word (between CJK characters, Thai
        // words); elsewhere words end at spaces, as on the fast path.
        if let Some(p) = prev.filter(|p| !is_space(*p))
            && reading.breaks.get(next_break) == Some(&i)
        {
            w.inside_word_break(ctx, &reading, (p, c), (i, style), span);
        }
        let level = reading.levels.at(i);
        let lang = style.lang.or_else(|| text_lang(ctx, c, text));
        w.extend(ctx, &reading, i, style, level, lang, span);
        prev = Some(c);
    }
    w.end_word(ctx, &reading, text.len(), span);
    let mut tokens = w.tokens;
    while matches!(
        tokens.last(),
        Some(Token::Break | Token::Space(_) | Token::Gap(_))
    ) {
        tokens.pop();
    }
    (tokens, rtl)
}

impl Words<'_> {
    /// A formula joins the word it touches, like a glyph.
    fn formula(
        &mut self,
        ctx: &mut Ctx<'_>,
        reading: &Reading<'_>,
        (i, style): (usize, &Style),
        boxed: Arc<crate::pdf::layout::math::MathBox>,
        span: Span,
    ) {
        self.end_frag(ctx, reading, i, span);
        if self.word.is_empty()
            && let Some(g) = self.gap.take()
            && !self.tokens.is_empty()
            && !matches!(self.tokens.last(), Some(Token::Break))
        {
            self.tokens.push(Token::Gap(g));
        }
        self.word.push(Frag {
            style: Style {
                level: reading.levels.at(i),
                ..style.clone()
            },
            text: String::new(),
            shaped: Arc::new(Shaped::default()),
            boxed: Some(boxed),
        });
    }

    /// A space: the gap before the next word, the widest of a run of
    /// spaces.
    fn space(&mut self, width: Abs, level: u8) {
        self.gap = Some(match self.gap {
            Some(g) if g.width >= width => g,
            _ => Gap {
                width,
                stretch: width / 2.0,
                shrink: width / 3.0,
                level,
            },
        });
    }

    /// A break opportunity between `p` and `c` inside a word: a gap that
    /// only stretches, between CJK characters (which justify by it) or
    /// between the words of scripts written without spaces.
    fn inside_word_break(
        &mut self,
        ctx: &mut Ctx<'_>,
        reading: &Reading<'_>,
        (p, c): (char, char),
        (i, style): (usize, &Style),
        span: Span,
    ) {
        let (a, b) = (script::of(p), script::of(c));
        let cjk = script::breaks_anywhere(a) || script::breaks_anywhere(b);
        if cjk || script::needs_dictionary(a) || script::needs_dictionary(b) {
            self.end_word(ctx, reading, i, span);
            let em = if cjk { CJK_STRETCH } else { WORD_STRETCH };
            self.gap.get_or_insert(Gap {
                width: Abs::ZERO,
                stretch: style.size * em,
                shrink: Abs::ZERO,
                level: reading.levels.at(i),
            });
        }
    }
}

/// The language of a character's text when markup gives none: the book's
/// for its own scripts (and Latin), else the one the script stands for;
/// `None` for punctuation, which takes its neighbours'.
fn text_lang(ctx: &Ctx<'_>, c: char, text: &str) -> Option<LangTag> {
    let s = script::of(c);
    if script::is_neutral(s) {
        return None;
    }
    let book = ctx.book_lang.map(|l| l.as_str().to_string());
    let book = book.as_deref().unwrap_or("en");
    if script::belongs_to(s, book) {
        ctx.book_lang
    } else {
        script::language_of(s, text)
            .and_then(LangTag::new)
            .or(ctx.book_lang)
    }
}

/// The fragment being read: where it starts, its piece's style, level and
/// language.
struct Open<'p> {
    start: usize,
    style: &'p Style,
    level: u8,
    lang: Option<LangTag>,
}

/// Words and gaps as the complex path builds them.
struct Words<'p> {
    tokens: Vec<Token>,
    word: Vec<Frag>,
    /// The space or break opportunity before the next word.
    gap: Option<Gap>,
    frag: Option<Open<'p>>,
}

impl<'p> Words<'p> {
    /// Adds the character at `i` to the open fragment, or opens another
    /// when the style, level or language changes.
    #[expect(
        clippy::too_many_arguments,
        reason = "one character with its style, level and language"
    )]
    fn extend(
        &mut self,
        ctx: &mut Ctx<'_>,
        reading: &Reading<'_>,
        i: usize,
        style: &'p Style,
        level: u8,
        lang: Option<LangTag>,
        span: Span,
    ) {
        if let Some(open) = &mut self.frag {
            let same = std::ptr::eq(open.style, style) && open.level == level;
            if same && (lang.is_none() || open.lang == lang || open.lang.is_none()) {
                if open.lang.is_none() {
                    open.lang = lang;
                }
                return;
            }
            self.end_frag(ctx, reading, i, span);
        }
        if self.word.is_empty()
            && let Some(g) = self.gap.take()
            && !self.tokens.is_empty()
            && !matches!(self.tokens.last(), Some(Token::Break))
        {
            self.tokens.push(Token::Gap(g));
        }
        self.frag = Some(Open {
            start: i,
            style,
            level,
            lang,
        });
    }

    /// Shapes the open fragment, ending at `end`, into the word.
    fn end_frag(&mut self, ctx: &mut Ctx<'_>, reading: &Reading<'_>, end: usize, span: Span) {
        let Some(open) = self.frag.take() else {
            return;
        };
        let text = &reading.text[open.start..end];
        if text.is_empty() {
            return;
        }
        let style = Style {
            level: open.level,
            lang: open.lang.or(ctx.book_lang),
            ..open.style.clone()
        };
        let shaped = shape(ctx, ctx.fonts, &style, text, span);
        self.word.push(Frag {
            style,
            text: text.to_string(),
            shaped,
            boxed: None,
        });
    }

    /// Ends the word at `end` (a space, a break opportunity or a forced
    /// break).
    fn end_word(&mut self, ctx: &mut Ctx<'_>, reading: &Reading<'_>, end: usize, span: Span) {
        self.end_frag(ctx, reading, end, span);
        if !self.word.is_empty() {
            self.tokens
                .push(Token::Word(std::mem::take(&mut self.word)));
            self.gap = None;
        }
    }
}

pub(super) fn shape(
    ctx: &mut Ctx<'_>,
    book: &FontSet,
    style: &Style,
    text: &str,
    span: Span,
) -> Arc<Shaped> {
    let shaped = style.shape(book, text);
    for &c in &shaped.missing {
        ctx.missing_glyph(c, span);
    }
    shaped
}

pub(super) fn space_width(book: &FontSet, style: &Style) -> Abs {
    book.shape(style.face, style.size, " ", false).width()
}

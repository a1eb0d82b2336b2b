//! Measure: pieces → words and spaces, each word fragment shaped; runs of
//! whitespace collapse to one space.

use super::super::Ctx;
use super::*;
use crate::diag::Span;
use crate::text::units::Abs;
use crate::text::{FontSet, Shaped};
use std::sync::Arc;

/// Whether a character separates words (non-breaking spaces do not).
pub(super) fn is_space(c: char) -> bool {
    c.is_whitespace() && !matches!(c, '\u{a0}' | '\u{202f}' | '\u{2007}')
}

/// Splits pieces into words and spaces, shaping each word fragment.
///
/// Whitespace collapses: a run of spaces (across style changes) is one space,
/// as wide as the widest of them.
pub(super) fn measure(ctx: &mut Ctx<'_>, pieces: Vec<Piece>, span: Span) -> Vec<Token> {
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

pub(super) fn shape(
    ctx: &mut Ctx<'_>,
    book: &FontSet,
    style: &Style,
    text: &str,
    span: Span,
) -> Arc<Shaped> {
    let shaped = book.shape(style.face, style.size, text, style.small_caps);
    for &c in &shaped.missing {
        ctx.missing_glyph(c, span);
    }
    shaped
}

pub(super) fn space_width(book: &FontSet, style: &Style) -> Abs {
    book.shape(style.face, style.size, " ", false).width()
}

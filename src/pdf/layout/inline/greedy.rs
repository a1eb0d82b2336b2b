//! Greedy breaking, the fallback when no optimal set of breaks exists (and
//! the breaker of ragged text): fill each line as far as it goes, hyphenate
//! a word that does not fit or break a URL after its punctuation, cut a
//! token wider than the measure at the best place in it.

use super::super::Ctx;
use super::optimal::syllables;
use super::*;
use crate::text::units::Abs;
use crate::text::{FaceId, Shaped};
use std::sync::Arc;

/// Greedy line breaking: fill each line as far as it goes; a word that does
/// not fit is hyphenated when a syllable break fits, else moved to the next
/// line; a word wider than the whole measure is broken at the last character
/// that fits (URLs, long tokens) — never drawn past the measure.
pub(super) fn linebreak(
    ctx: &mut Ctx<'_>,
    tokens: Vec<Token>,
    width: Abs,
    first_indent: Abs,
) -> Vec<RawLine> {
    let mut lines = Vec::new();
    let mut line = RawLine {
        indent: first_indent,
        ..RawLine::default()
    };
    let mut pending_space = Abs::ZERO;
    // The gap before the next word, in text that is not plain Latin.
    let mut pending_gap: Option<Gap> = None;
    // Words left to set (the last may draw past its advance: ■).
    let mut words = tokens
        .iter()
        .filter(|t| matches!(t, Token::Word(_)))
        .count();
    let mut queue: std::collections::VecDeque<Token> = tokens.into();
    while let Some(token) = queue.pop_front() {
        let last = words <= 1;
        match token {
            Token::Break => {
                line.last = true;
                lines.push(std::mem::take(&mut line));
                pending_space = Abs::ZERO;
                pending_gap = None;
            }
            Token::Space(w) => pending_space = w,
            Token::Gap(g) => {
                pending_space = g.width;
                pending_gap = Some(g);
            }
            Token::Word(frags) => {
                let ink = if last {
                    super::finalize::word_overhang(ctx.fonts, &frags)
                } else {
                    Abs::ZERO
                };
                let ww = word_width(&frags) + ink;
                let space = if line.is_empty() {
                    Abs::ZERO
                } else {
                    pending_space
                };
                let gap = pending_gap.take();
                let separator = |space: Abs| match gap {
                    Some(g) => Part::Gap(g),
                    None => Part::Space(space),
                };
                let used = line.width();
                if (used + space + ww).fits_in(width) {
                    if !line.is_empty() {
                        line.parts.push(separator(space));
                    }
                    line.parts.push(Part::Word(frags));
                    pending_space = Abs::ZERO;
                    words = words.saturating_sub(1);
                    continue;
                }
                // Try a hyphenation point that fits in what is left; or the
                // longest head of a URL or identifier that fits, cut after
                // its punctuation with no hyphen (ragged text too fills its
                // line instead of leaving it short).
                let room = width - used - space;
                let split = hyphenate(ctx, &frags, room)
                    .map(|(head, tail)| (head, tail, true))
                    .or_else(|| url_head(ctx, &frags, room).map(|(h, t)| (h, t, false)));
                if let Some((head, tail, hyphen)) = split {
                    if !line.is_empty() {
                        line.parts.push(separator(space));
                    }
                    line.parts.push(Part::Word(head));
                    if hyphen {
                        line.hyphen = true;
                    } else {
                        // The line ends short rather than opening its spaces.
                        line.end_stretch = width;
                    }
                    lines.push(std::mem::take(&mut line));
                    queue.push_front(Token::Word(tail));
                    pending_space = Abs::ZERO;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                    queue.push_front(Token::Word(frags));
                    pending_space = Abs::ZERO;
                    continue;
                }
                // Alone on a line and still too wide: cut the word into
                // pieces that fit, all at once (linear in its length).
                let room = width - line.indent;
                let mut pieces = cut(ctx, &frags, room, width).into_iter();
                if let Some(first) = pieces.next() {
                    line.parts.push(Part::Word(first));
                    lines.push(std::mem::take(&mut line));
                }
                let rest: Vec<Vec<Frag>> = pieces.collect();
                for piece in rest.into_iter().rev() {
                    queue.push_front(Token::Word(piece));
                }
                pending_space = Abs::ZERO;
            }
        }
    }
    if !line.parts.is_empty() {
        line.last = true;
        lines.push(line);
    } else if let Some(l) = lines.last_mut() {
        l.last = true;
    }
    lines
}

/// The longest head of a URL or identifier that fits in `room`, cut after
/// one of its marks, and the rest; `None` for another word, or when no head
/// fits or the whole does.
fn url_head(ctx: &Ctx<'_>, frags: &[Frag], room: Abs) -> Option<(Vec<Frag>, Vec<Frag>)> {
    let parts = super::optimal::url_parts(ctx.fonts, &ctx.theme.mono, frags)?;
    let mut used = Abs::ZERO;
    let fit = parts
        .iter()
        .take_while(|p| {
            used += word_width(p);
            used.fits_in(room)
        })
        .count();
    (fit > 0 && fit < parts.len()).then(|| {
        (
            rejoin(ctx.fonts, parts[..fit].concat()),
            rejoin(ctx.fonts, parts[fit..].concat()),
        )
    })
}

/// Fragments of one style next to each other shaped as one again (the
/// pieces of a URL on one line, or the rest of it for the next).
fn rejoin(fonts: &crate::text::FontSet, frags: Vec<Frag>) -> Vec<Frag> {
    let mut out: Vec<Frag> = Vec::with_capacity(frags.len());
    for frag in frags {
        match out.last_mut() {
            Some(prev)
                if prev.style == frag.style && prev.boxed.is_none() && frag.boxed.is_none() =>
            {
                prev.text.push_str(&frag.text);
                prev.shaped = prev.style.shape(fonts, &prev.text);
            }
            _ => out.push(frag),
        }
    }
    out
}

/// Splits a single-style word at the last hyphenation point whose head plus a
/// hyphen fits in `room`.
pub(super) fn hyphenate(
    ctx: &mut Ctx<'_>,
    frags: &[Frag],
    room: Abs,
) -> Option<(Vec<Frag>, Vec<Frag>)> {
    if room <= Abs::ZERO {
        return None;
    }
    let parts = syllables(ctx, frags)?;
    let frag = &frags[0];
    let text = frag.text.as_str();
    let book = ctx.fonts;
    let shape = |t: &str| frag.style.shape(book, t);
    // Syllable boundaries; the longest head (plus a hyphen) that fits wins.
    let mut cuts: Vec<usize> = Vec::new();
    let mut pos = 0;
    for part in &parts[..parts.len() - 1] {
        pos += part.text.len();
        cuts.push(pos);
    }
    for &cut in cuts.iter().rev() {
        let head_text = format!("{}-", &text[..cut]);
        let head = shape(&head_text);
        if head.width().fits_in(room) {
            let tail_text = &text[cut..];
            let make = |text: String, shaped: Arc<Shaped>| Frag {
                style: frag.style.clone(),
                text,
                shaped,
                boxed: None,
            };
            return Some((
                vec![make(head_text, head)],
                vec![make(tail_text.to_string(), shape(tail_text))],
            ));
        }
    }
    None
}

/// Cuts a word wider than a line into pieces: the first at most `first`
/// wide, the others at most `width`, at glyph cluster boundaries, preferring
/// a break after `/`, `-`, `.`, `_`, `?`, `&`, `=` or `,` (URLs, long
/// tokens). Works on the word's one shaping, so it is linear in its length;
/// a single glyph wider than the line is reported and overflows alone.
pub(super) fn cut(ctx: &mut Ctx<'_>, frags: &[Frag], first: Abs, width: Abs) -> Vec<Vec<Frag>> {
    use crate::text::{Glyph, Run};
    // A formula is not cut: a word holding one overflows whole.
    if frags.iter().any(|f| f.boxed.is_some()) {
        ctx.overflow("formula");
        return vec![frags.to_vec()];
    }
    // The word as a stream of glyphs with their style, face and size.
    let mut stream: Vec<(usize, FaceId, Abs, &Glyph)> = Vec::new();
    for (f, frag) in frags.iter().enumerate() {
        for run in &frag.shaped.runs {
            for glyph in &run.glyphs {
                stream.push((f, run.face, run.size, glyph));
            }
        }
    }
    // Piece boundaries, as indexes into the stream.
    let mut starts = vec![0usize];
    let mut used = Abs::ZERO;
    let mut last_good: Option<usize> = None;
    let mut room = first;
    let mut i = 0;
    while i < stream.len() {
        let g = stream[i].3;
        let start = *starts.last().unwrap_or(&0);
        let cluster_start = !g.text.is_empty();
        if cluster_start && i > start && !(used + g.advance).fits_in(room) {
            // Prefer the last permissible break in the piece's latter part.
            let at = last_good
                .filter(|&k| k > start + (i - start) / 3)
                .unwrap_or(i);
            starts.push(at);
            used = stream[at..i].iter().map(|s| s.3.advance).sum();
            last_good = None;
            room = width;
        }
        if !(g.advance).fits_in(room) && i == *starts.last().unwrap_or(&0) {
            ctx.overflow(&g.text);
        }
        used += g.advance;
        if g.text.ends_with(['/', '-', '.', '_', '?', '&', '=', ',']) {
            last_good = Some(i + 1);
        }
        i += 1;
    }
    starts.push(stream.len());
    let mut pieces = Vec::with_capacity(starts.len());
    for w in starts.windows(2) {
        let slice = &stream[w[0]..w[1]];
        let mut piece: Vec<Frag> = Vec::new();
        for &(f, face, size, glyph) in slice {
            let same = piece.last().is_some_and(|p: &Frag| {
                p.style == frags[f].style
                    && p.shaped
                        .runs
                        .last()
                        .is_some_and(|r| r.face == face && r.size == size)
            });
            if !same {
                piece.push(Frag {
                    boxed: None,
                    style: frags[f].style.clone(),
                    text: String::new(),
                    shaped: Arc::new(Shaped {
                        runs: vec![Run {
                            face,
                            size,
                            glyphs: Vec::new(),
                            width: Abs::ZERO,
                        }],
                        missing: Vec::new(),
                    }),
                });
            }
            if let Some(p) = piece.last_mut()
                && let Some(run) = Arc::make_mut(&mut p.shaped).runs.last_mut()
            {
                p.text.push_str(&glyph.text);
                run.width += glyph.advance;
                run.glyphs.push(glyph.clone());
            }
        }
        if !piece.is_empty() {
            pieces.push(piece);
        }
    }
    pieces
}

//! Paragraph layout: inline content → lines of positioned glyphs.
//!
//! Four steps, as in typst: **collect** the inline tree into words with styles,
//! **measure** them by shaping, **break** them into lines (greedy, with
//! hyphenation and an emergency break for tokens wider than the measure), and
//! **finalize** each line into positioned frame items (justified or ragged).

use super::{Ctx, ParStyle, TextAlign};
use crate::diag::Span;
use crate::doc::{Inline, LinkTarget};
use crate::pdf::frame::{Color, Item, LinkDest, TextRun};
use crate::text::units::{Abs, Point};
use crate::text::{FaceId, FontSet, Shaped};
use std::sync::Arc;

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
}

/// A word fragment of one style, shaped.
#[derive(Debug, Clone)]
struct Frag {
    style: Style,
    text: String,
    shaped: Arc<Shaped>,
}

impl Frag {
    fn width(&self) -> Abs {
        self.shaped.width()
    }
}

/// What the collect step produces.
#[derive(Debug, Clone)]
enum Token {
    /// A word (no breakable space inside), possibly of several styles.
    Word(Vec<Frag>),
    /// An inter-word space in a style.
    Space(Abs),
    /// A forced line break.
    Break,
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
    };
    let mut pieces = Vec::new();
    collect(ctx, content, &base, &mut pieces);
    let tokens = measure(ctx, pieces, span);
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
    finalize(ctx.fonts, lines, style, width)
}

/// Text with its style, before words are formed.
enum Piece {
    Text(String, Style),
    Break,
}

fn collect(ctx: &mut Ctx<'_>, content: &[Inline], style: &Style, out: &mut Vec<Piece>) {
    for inline in content {
        match inline {
            Inline::Text(t) => out.push(Piece::Text(t.clone(), style.clone())),
            Inline::Emph(c) => {
                let s = Style {
                    face: style.face.italic(),
                    ..style.clone()
                };
                collect(ctx, c, &s, out);
            }
            Inline::Strong(c) => {
                let s = Style {
                    face: style.face.bold(),
                    ..style.clone()
                };
                collect(ctx, c, &s, out);
            }
            Inline::Strike(c) => {
                let s = Style {
                    strike: true,
                    ..style.clone()
                };
                collect(ctx, c, &s, out);
            }
            Inline::Code(t) => {
                let s = Style {
                    face: FaceId::Mono,
                    size: style.size * 0.88,
                    small_caps: false,
                    ..style.clone()
                };
                out.push(Piece::Text(t.clone(), s));
            }
            Inline::Link { target, content } => {
                let dest = match target {
                    LinkTarget::External(url) => Some(LinkDest::Uri(url.clone())),
                    LinkTarget::Internal(a) => Some(LinkDest::Anchor(*a)),
                    LinkTarget::Unresolved { .. } => None,
                };
                let s = match dest {
                    Some(dest) => Style {
                        link: Some(dest),
                        color: Color::LINK,
                        ..style.clone()
                    },
                    None => style.clone(),
                };
                collect(ctx, content, &s, out);
            }
            Inline::NoteRef(id) => {
                let number = ctx.note_number(*id);
                let s = Style {
                    size: style.size * 0.65,
                    rise: style.size * 0.35,
                    link: Some(LinkDest::Anchor(ctx.doc.notes[id.0 as usize].anchor)),
                    small_caps: false,
                    note: Some(*id),
                    ..style.clone()
                };
                out.push(Piece::Text(number.to_string(), s));
            }
            Inline::Tagged { tag, content, .. } => tagged(ctx, *tag, content, style, out),
            Inline::SoftBreak => out.push(Piece::Text(" ".into(), style.clone())),
            Inline::HardBreak => out.push(Piece::Break),
        }
    }
}

/// Inline markup kept from raw HTML: superscripts raised and subscripts
/// lowered in smaller type, keyboard input in the code face, quotations in
/// quotation marks, titles and definitions in italics; the rest as text.
fn tagged(
    ctx: &mut Ctx<'_>,
    tag: crate::doc::InlineTag,
    content: &[Inline],
    style: &Style,
    out: &mut Vec<Piece>,
) {
    use crate::doc::InlineTag;
    let s = match tag {
        InlineTag::Sup => Style {
            size: style.size * 0.7,
            rise: style.rise + style.size * 0.33,
            ..style.clone()
        },
        InlineTag::Sub => Style {
            size: style.size * 0.7,
            rise: style.rise - style.size * 0.15,
            ..style.clone()
        },
        InlineTag::Kbd => Style {
            face: FaceId::Mono,
            size: style.size * 0.88,
            small_caps: false,
            ..style.clone()
        },
        InlineTag::Small => Style {
            size: style.size * 0.85,
            ..style.clone()
        },
        InlineTag::Cite | InlineTag::Dfn => Style {
            face: style.face.italic(),
            ..style.clone()
        },
        InlineTag::Quote
        | InlineTag::Abbr
        | InlineTag::Mark
        | InlineTag::Time
        | InlineTag::Span => style.clone(),
    };
    if tag == InlineTag::Quote {
        out.push(Piece::Text("“".into(), s.clone()));
        collect(ctx, content, &s, out);
        out.push(Piece::Text("”".into(), s));
    } else {
        collect(ctx, content, &s, out);
    }
}

/// Whether a character separates words (non-breaking spaces do not).
fn is_space(c: char) -> bool {
    c.is_whitespace() && !matches!(c, '\u{a0}' | '\u{202f}' | '\u{2007}')
}

/// Splits pieces into words and spaces, shaping each word fragment.
///
/// Whitespace collapses: a run of spaces (across style changes) is one space,
/// as wide as the widest of them.
fn measure(ctx: &mut Ctx<'_>, pieces: Vec<Piece>, span: Span) -> Vec<Token> {
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

fn shape(ctx: &mut Ctx<'_>, book: &FontSet, style: &Style, text: &str, span: Span) -> Arc<Shaped> {
    let shaped = book.shape(style.face, style.size, text, style.small_caps);
    for &c in &shaped.missing {
        ctx.missing_glyph(c, span);
    }
    shaped
}

fn space_width(book: &FontSet, style: &Style) -> Abs {
    book.shape(style.face, style.size, " ", false).width()
}

/// A line before finalizing: words and the spaces between them.
#[derive(Debug, Clone, Default)]
struct RawLine {
    parts: Vec<Part>,
    /// Ends with a forced break or the paragraph end (not justified).
    last: bool,
    indent: Abs,
}

#[derive(Debug, Clone)]
enum Part {
    Word(Vec<Frag>),
    Space(Abs),
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

/// Greedy line breaking: fill each line as far as it goes; a word that does
/// not fit is hyphenated when a syllable break fits, else moved to the next
/// line; a word wider than the whole measure is broken at the last character
/// that fits (URLs, long tokens) — never drawn past the measure.
fn linebreak(ctx: &mut Ctx<'_>, tokens: Vec<Token>, width: Abs, first_indent: Abs) -> Vec<RawLine> {
    let mut lines = Vec::new();
    let mut line = RawLine {
        indent: first_indent,
        ..RawLine::default()
    };
    let mut pending_space = Abs::ZERO;
    let mut queue: std::collections::VecDeque<Token> = tokens.into();
    while let Some(token) = queue.pop_front() {
        match token {
            Token::Break => {
                line.last = true;
                lines.push(std::mem::take(&mut line));
                pending_space = Abs::ZERO;
            }
            Token::Space(w) => pending_space = w,
            Token::Word(frags) => {
                let ww = word_width(&frags);
                let space = if line.is_empty() {
                    Abs::ZERO
                } else {
                    pending_space
                };
                let used = line.width();
                if (used + space + ww).fits_in(width) {
                    if !line.is_empty() {
                        line.parts.push(Part::Space(space));
                    }
                    line.parts.push(Part::Word(frags));
                    pending_space = Abs::ZERO;
                    continue;
                }
                // Try a hyphenation point that fits in what is left.
                let room = width - used - space;
                if let Some((head, tail)) = hyphenate(ctx, &frags, room) {
                    if !line.is_empty() {
                        line.parts.push(Part::Space(space));
                    }
                    line.parts.push(Part::Word(head));
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

/// Longest word (in letters) offered to the hyphenator.
const MAX_HYPHENATED: usize = 64;

/// Where an item of the optimal breaker came from.
#[derive(Debug, Clone)]
enum Source {
    /// The first-line indent.
    Indent,
    /// A word, or one syllable of word number `word`.
    Word(Vec<Frag>, usize),
    /// An inter-word space.
    Space(Abs),
    /// A hyphenation point: the hyphen in this style if the line breaks here.
    Hyphen(Style),
    /// A break point inside an over-long token (no hyphen drawn).
    Split,
    /// A forced break or the paragraph end.
    End,
}

/// Knuth–Plass breaking: the paragraph as boxes, glue and penalties, lines
/// chosen for the least total demerits. `None` when no acceptable set of
/// breaks exists (the greedy breaker then takes over).
/// A pass of the optimal line breaker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pass {
    /// Without hyphenation, lines stretched at most by their natural
    /// stretch (TeX's `\pretolerance` of 100).
    First,
    /// With hyphenation: good spacing if possible, else loose lines.
    Second,
}

fn optimal(
    ctx: &mut Ctx<'_>,
    tokens: &[Token],
    width: Abs,
    first_indent: Abs,
    pass: Pass,
) -> Option<Vec<RawLine>> {
    use super::linebreak::{HYPHEN_PENALTY, INFINITY, Item, breaks};
    let book = ctx.fonts;
    let mut items: Vec<Item> = Vec::new();
    let mut sources: Vec<Source> = Vec::new();
    let forced_end = |items: &mut Vec<Item>, sources: &mut Vec<Source>| {
        items.push(Item::Glue {
            width: Abs::ZERO,
            stretch: Abs::pt(INFINITY),
            shrink: Abs::ZERO,
        });
        sources.push(Source::Space(Abs::ZERO));
        items.push(Item::Penalty {
            width: Abs::ZERO,
            cost: -INFINITY,
            flagged: false,
        });
        sources.push(Source::End);
    };
    if first_indent > Abs::ZERO {
        items.push(Item::Box(first_indent));
        sources.push(Source::Indent);
    }
    for (word_index, token) in tokens.iter().enumerate() {
        match token {
            Token::Break => forced_end(&mut items, &mut sources),
            // Inter-word glue: stretch by half a space, shrink by a third
            // (the proportions TeX's fonts give their spaces).
            Token::Space(w) => {
                let w = *w;
                items.push(Item::Glue {
                    width: w,
                    stretch: w / 2.0,
                    shrink: w / 3.0,
                });
                sources.push(Source::Space(w));
            }
            Token::Word(frags) => {
                // A token wider than the measure is cut where it must.
                let pieces = if word_width(frags) > width {
                    cut(ctx, frags, width, width)
                } else {
                    vec![frags.clone()]
                };
                let n = pieces.len();
                for (k, piece) in pieces.into_iter().enumerate() {
                    if k > 0 {
                        // A break inside an over-long token: glue that may
                        // stretch to a whole line, so the piece's line is
                        // acceptable though it has no spaces to stretch.
                        items.push(Item::Glue {
                            width: Abs::ZERO,
                            stretch: width,
                            shrink: Abs::ZERO,
                        });
                        sources.push(Source::Split);
                    }
                    let syllables = if n == 1 && pass == Pass::Second {
                        syllables(ctx, &piece)
                    } else {
                        None
                    };
                    match syllables {
                        Some(parts) => {
                            let hyphen_style = piece[0].style.clone();
                            let hyphen = book
                                .shape(hyphen_style.face, hyphen_style.size, "-", false)
                                .width();
                            for (j, part) in parts.into_iter().enumerate() {
                                if j > 0 {
                                    items.push(Item::Penalty {
                                        width: hyphen,
                                        cost: HYPHEN_PENALTY,
                                        flagged: true,
                                    });
                                    sources.push(Source::Hyphen(hyphen_style.clone()));
                                }
                                items.push(Item::Box(part.width()));
                                sources.push(Source::Word(vec![part], word_index));
                            }
                        }
                        None => {
                            items.push(Item::Box(word_width(&piece)));
                            sources.push(Source::Word(piece, word_index));
                        }
                    }
                }
            }
        }
    }
    forced_end(&mut items, &mut sources);
    let chosen = match pass {
        Pass::First => breaks(&items, width, 1.0)?,
        // First try for good spacing; then accept loose lines rather than none.
        Pass::Second => breaks(&items, width, 2.0).or_else(|| breaks(&items, width, 10.0))?,
    };

    let mut lines = Vec::new();
    let mut start = 0;
    for &b in &chosen {
        let mut line = RawLine::default();
        // Items vanishing at a line start: glue and penalties before a box.
        while start < b && !matches!(sources[start], Source::Word(..) | Source::Indent) {
            start += 1;
        }
        let mut last_word: Option<usize> = None;
        for source in &sources[start..b] {
            match source {
                Source::Indent => line.indent = first_indent,
                Source::Space(w) => {
                    if *w > Abs::ZERO {
                        line.parts.push(Part::Space(*w));
                    }
                    last_word = None;
                }
                Source::Word(frags, id) => {
                    // Syllables of one word on one line are shaped together
                    // again, for their ligatures and kerning.
                    if last_word == Some(*id)
                        && let Some(Part::Word(prev)) = line.parts.last_mut()
                    {
                        merge(book, prev, frags);
                    } else {
                        line.parts.push(Part::Word(frags.clone()));
                    }
                    last_word = Some(*id);
                }
                Source::Hyphen(_) | Source::Split | Source::End => {}
            }
        }
        match &sources[b] {
            Source::Hyphen(style) => {
                let hyphen = Frag {
                    style: style.clone(),
                    text: "-".into(),
                    shaped: book.shape(style.face, style.size, "-", style.small_caps),
                };
                if let Some(Part::Word(frags)) = line.parts.last_mut() {
                    frags.push(hyphen);
                }
            }
            Source::End => line.last = true,
            _ => {}
        }
        // Trailing spaces are not part of the line.
        while matches!(line.parts.last(), Some(Part::Space(_))) {
            line.parts.pop();
        }
        lines.push(line);
        start = b + 1;
    }
    Some(lines)
}

/// Appends syllables to a word, reshaping the joined text when that is not
/// wider than the pieces were (so the chosen breaks stay valid).
fn merge(fonts: &FontSet, prev: &mut Vec<Frag>, next: &[Frag]) {
    if let ([p], [n]) = (prev.as_slice(), next)
        && p.style == n.style
    {
        let text = format!("{}{}", p.text, n.text);
        let shaped = fonts.shape(p.style.face, p.style.size, &text, p.style.small_caps);
        if shaped.width().fits_in(p.width() + n.width()) && shaped.missing.is_empty() {
            let style = p.style.clone();
            *prev = vec![Frag {
                style,
                text,
                shaped,
            }];
            return;
        }
    }
    prev.extend(next.iter().cloned());
}

/// The syllables of a single-style word, shaped, when it can be hyphenated.
fn syllables(ctx: &mut Ctx<'_>, frags: &[Frag]) -> Option<Vec<Frag>> {
    let [frag] = frags else {
        return None;
    };
    if !ctx.hyphenate || frag.style.face == FaceId::Mono || frag.style.link.is_some() {
        return None;
    }
    let text = frag.text.as_str();
    let start = text.find(char::is_alphabetic)?;
    let end = text
        .rfind(char::is_alphabetic)
        .map(|i| i + text[i..].chars().next().map_or(1, char::len_utf8))?;
    let core = &text[start..end];
    // Words longer than any dictionary word are not hyphenated (and would
    // make the search quadratic); they are cut where they must be.
    let letters = core.chars().count();
    if !(5..=MAX_HYPHENATED).contains(&letters) || !core.chars().all(char::is_alphabetic) {
        return None;
    }
    let mut cuts = Vec::new();
    let mut pos = start;
    for syllable in hypher::hyphenate(core, ctx.lang) {
        pos += syllable.len();
        if pos < end {
            cuts.push(pos);
        }
    }
    if cuts.is_empty() {
        return None;
    }
    let book = ctx.fonts;
    let mut out = Vec::with_capacity(cuts.len() + 1);
    let mut from = 0;
    for at in cuts.into_iter().chain(std::iter::once(text.len())) {
        let piece = &text[from..at];
        out.push(Frag {
            style: frag.style.clone(),
            text: piece.to_string(),
            shaped: book.shape(
                frag.style.face,
                frag.style.size,
                piece,
                frag.style.small_caps,
            ),
        });
        from = at;
    }
    Some(out)
}

/// Splits a single-style word at the last hyphenation point whose head plus a
/// hyphen fits in `room`.
fn hyphenate(ctx: &mut Ctx<'_>, frags: &[Frag], room: Abs) -> Option<(Vec<Frag>, Vec<Frag>)> {
    if room <= Abs::ZERO {
        return None;
    }
    let parts = syllables(ctx, frags)?;
    let frag = &frags[0];
    let text = frag.text.as_str();
    let book = ctx.fonts;
    let shape = |t: &str| book.shape(frag.style.face, frag.style.size, t, frag.style.small_caps);
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
fn cut(ctx: &mut Ctx<'_>, frags: &[Frag], first: Abs, width: Abs) -> Vec<Vec<Frag>> {
    use crate::text::{Glyph, Run};
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

/// Turns raw lines into positioned items, justifying all but last lines.
fn finalize(book: &FontSet, lines: Vec<RawLine>, style: &ParStyle, width: Abs) -> Vec<LineBox> {
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
        });
    }
    out
}

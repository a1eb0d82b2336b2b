//! Optimal breaking: the paragraph as boxes, glue and penalties for
//! [`crate::pdf::layout::linebreak`], in TeX's two passes (words only, then
//! with hyphenation points), and the chosen breaks made into lines.

use super::super::Ctx;
use super::super::linebreak::{HYPHEN_PENALTY, INFINITY, Item};
use super::greedy::cut;
use super::*;
use crate::text::units::Abs;
use crate::text::{FaceId, FontSet};

/// Longest word (in letters) offered to the hyphenator.
pub(super) const MAX_HYPHENATED: usize = 64;

/// The cost of breaking a URL or an identifier after one of its
/// punctuation marks: cheaper than a hyphen (nothing is added to the line),
/// dearer than a space.
const URL_PENALTY: f64 = 30.0;

/// How far a line ending inside a URL may fall short, in ems, as stretch
/// at its end (left blank, not given to the spaces): a line of nothing but
/// the address has no spaces to stretch, and one with a few would open
/// them wide; this lets the address break where its marks are, the line
/// a little short, while the breaker still prefers full lines (TeX's
/// ragged break: glue, penalty, negative glue).
const URL_END_STRETCH: f64 = 3.0;

/// The pieces of a word holding a URL or a long identifier, each ending
/// where the address may break ([`crate::text::segment::url_breaks`]:
/// after `/`, `.`, `-`, `?`, `&`, `=`, `_`, `#` or `:`), shaped; `None` for
/// an ordinary word. The address may be one fragment of the word, with
/// what touches it (an opening bracket, the full stop after it) in
/// fragments of their own that stay with its first and last pieces. An
/// identifier is one set in a `mono` face (code).
pub(super) fn url_parts(book: &FontSet, mono: &[FaceId], frags: &[Frag]) -> Option<Vec<Vec<Frag>>> {
    use crate::text::segment;
    let (k, frag) = frags.iter().enumerate().find(|(_, f)| {
        let text = f.text.as_str();
        let link = matches!(f.style.link, Some(crate::pdf::frame::LinkDest::Uri(_)));
        f.boxed.is_none()
            && (segment::is_url(text)
                || (link && text.contains('/') && !text.contains(char::is_whitespace))
                || (mono.contains(&f.style.face) && segment::is_identifier(text)))
    })?;
    let text = frag.text.as_str();
    let cuts = segment::url_breaks(text);
    if cuts.is_empty() {
        return None;
    }
    let style = &frag.style;
    let mut out: Vec<Vec<Frag>> = Vec::with_capacity(cuts.len() + 1);
    let mut from = 0;
    for at in cuts.into_iter().chain(std::iter::once(text.len())) {
        let piece = &text[from..at];
        out.push(vec![Frag {
            style: style.clone(),
            text: piece.to_string(),
            shaped: style.shape(book, piece),
            boxed: None,
        }]);
        from = at;
    }
    if let Some(first) = out.first_mut() {
        first.splice(0..0, frags[..k].iter().cloned());
    }
    if let Some(last) = out.last_mut() {
        last.extend(frags[k + 1..].iter().cloned());
    }
    Some(out)
}

/// Where an item of the optimal breaker came from.
#[derive(Debug, Clone)]
pub(super) enum Source {
    /// The first-line indent.
    Indent,
    /// A word, or one syllable of word number `word`.
    Word(Vec<Frag>, usize),
    /// An inter-word space.
    Space(Abs),
    /// A space or break opportunity with its bidi level.
    Gap(Gap),
    /// A hyphenation point: the hyphen in this style if the line breaks here.
    Hyphen(Style),
    /// A break point inside an over-long token (no hyphen drawn).
    Split,
    /// A break point after a URL's mark, with the stretch its line ends
    /// with.
    UrlBreak(Abs),
    /// A forced break or the paragraph end.
    End,
}

/// Knuth–Plass breaking: the paragraph as boxes, glue and penalties, lines
/// chosen for the least total demerits. `None` when no acceptable set of
/// breaks exists (the greedy breaker then takes over).
/// A pass of the optimal line breaker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Pass {
    /// Without hyphenation, lines stretched at most by their natural
    /// stretch (TeX's `\pretolerance` of 100).
    First,
    /// With hyphenation: good spacing if possible, else loose lines.
    Second,
}

pub(super) fn optimal(
    ctx: &mut Ctx<'_>,
    tokens: &[Token],
    width: Abs,
    first_indent: Abs,
    pass: Pass,
) -> Option<Vec<RawLine>> {
    use super::super::linebreak::breaks;
    let (items, sources) = model(ctx, tokens, width, first_indent, pass);
    let chosen = match pass {
        Pass::First => breaks(&items, width, 1.0)?,
        // First try for good spacing; then accept loose lines rather than none.
        Pass::Second => breaks(&items, width, 2.0).or_else(|| breaks(&items, width, 10.0))?,
    };
    Some(lines(ctx.fonts, &sources, &chosen, first_indent))
}

/// The paragraph as boxes, glue and penalties, with where each came from.
fn model(
    ctx: &mut Ctx<'_>,
    tokens: &[Token],
    width: Abs,
    first_indent: Abs,
    pass: Pass,
) -> (Vec<Item>, Vec<Source>) {
    let mut m = Model::default();
    if first_indent > Abs::ZERO {
        m.push(Item::Box(first_indent), Source::Indent);
    }
    // The paragraph's last word may draw past its advance (■): the breaker
    // counts that ink.
    let last_word = tokens.iter().rposition(|t| matches!(t, Token::Word(_)));
    for (word_index, token) in tokens.iter().enumerate() {
        match token {
            Token::Break => m.forced_end(),
            // Inter-word glue: stretch by half a space, shrink by a third
            // (the proportions TeX's fonts give their spaces).
            Token::Space(w) => {
                let w = *w;
                let glue = Item::Glue {
                    width: w,
                    stretch: w / 2.0,
                    shrink: w / 3.0,
                };
                m.push(glue, Source::Space(w));
            }
            Token::Gap(g) => {
                let glue = Item::Glue {
                    width: g.width,
                    stretch: g.stretch,
                    shrink: g.shrink,
                };
                m.push(glue, Source::Gap(*g));
            }
            Token::Word(frags) => {
                // A URL or identifier breaks after its punctuation, with no
                // hyphen added (when each piece fits).
                if let Some(parts) = url_parts(ctx.fonts, &ctx.theme.mono, frags)
                    && parts.iter().all(|p| word_width(p).fits_in(width))
                {
                    let size = frags.iter().map(|f| f.style.size).fold(Abs::ZERO, Abs::max);
                    m.url(parts, word_index, size * URL_END_STRETCH);
                } else {
                    let last = Some(word_index) == last_word;
                    m.word(ctx, frags, (word_index, last), width, pass);
                }
            }
        }
    }
    m.forced_end();
    (m.items, m.sources)
}

/// The breaker's items and, for each, where it came from.
#[derive(Default)]
struct Model {
    items: Vec<Item>,
    sources: Vec<Source>,
}

impl Model {
    fn push(&mut self, item: Item, source: Source) {
        self.items.push(item);
        self.sources.push(source);
    }

    /// A forced break: glue that fills the line, then a break that must be
    /// taken.
    fn forced_end(&mut self) {
        let fill = Item::Glue {
            width: Abs::ZERO,
            stretch: Abs::pt(INFINITY),
            shrink: Abs::ZERO,
        };
        self.push(fill, Source::Space(Abs::ZERO));
        let force = Item::Penalty {
            width: Abs::ZERO,
            cost: -INFINITY,
            flagged: false,
        };
        self.push(force, Source::End);
    }

    /// A URL or identifier in pieces, a hyphen-less break between each
    /// whose line may end up to `end` short.
    fn url(&mut self, parts: Vec<Vec<Frag>>, word_index: usize, end: Abs) {
        for (j, part) in parts.into_iter().enumerate() {
            if j > 0 {
                // No break before the stretch; the stretch counts only for
                // a line that breaks here (TeX's ragged break: glue,
                // penalty, negative glue).
                let penalty = |cost| Item::Penalty {
                    width: Abs::ZERO,
                    cost,
                    flagged: false,
                };
                let glue = |stretch| Item::Glue {
                    width: Abs::ZERO,
                    stretch,
                    shrink: Abs::ZERO,
                };
                self.push(penalty(INFINITY), Source::Split);
                self.push(glue(end), Source::Split);
                self.push(penalty(URL_PENALTY), Source::UrlBreak(end));
                self.push(glue(Abs::ZERO - end), Source::Split);
            }
            self.push(Item::Box(word_width(&part)), Source::Word(part, word_index));
        }
    }

    /// A word: cut where it must be when wider than the measure, offered
    /// to the hyphenator in the second pass; the paragraph's last word
    /// (`last`) counts the ink of its end mark.
    fn word(
        &mut self,
        ctx: &mut Ctx<'_>,
        frags: &[Frag],
        (word_index, last): (usize, bool),
        width: Abs,
        pass: Pass,
    ) {
        let book = ctx.fonts;
        // A token wider than the measure is cut where it must.
        let pieces = if word_width(frags) > width {
            cut(ctx, frags, width, width)
        } else {
            vec![frags.to_vec()]
        };
        let n = pieces.len();
        for (k, piece) in pieces.into_iter().enumerate() {
            if k > 0 {
                // A break inside an over-long token: glue that may stretch
                // to a whole line, so the piece's line is acceptable though
                // it has no spaces to stretch.
                let glue = Item::Glue {
                    width: Abs::ZERO,
                    stretch: width,
                    shrink: Abs::ZERO,
                };
                self.push(glue, Source::Split);
            }
            let syllables = if n == 1 && pass == Pass::Second {
                syllables(ctx, &piece)
            } else {
                None
            };
            let Some(parts) = syllables else {
                let ink = if last && k + 1 == n {
                    super::finalize::word_overhang(book, &piece)
                } else {
                    Abs::ZERO
                };
                self.push(
                    Item::Box(word_width(&piece) + ink),
                    Source::Word(piece, word_index),
                );
                continue;
            };
            let hyphen_style = piece[0].style.clone();
            let hyphen = Style {
                small_caps: false,
                ..hyphen_style.clone()
            }
            .shape(book, "-")
            .width();
            for (j, part) in parts.into_iter().enumerate() {
                if j > 0 {
                    let point = Item::Penalty {
                        width: hyphen,
                        cost: HYPHEN_PENALTY,
                        flagged: true,
                    };
                    self.push(point, Source::Hyphen(hyphen_style.clone()));
                }
                self.push(
                    Item::Box(part.width()),
                    Source::Word(vec![part], word_index),
                );
            }
        }
    }
}

/// The lines the chosen breaks make of the paragraph's items.
fn lines(book: &FontSet, sources: &[Source], chosen: &[usize], first_indent: Abs) -> Vec<RawLine> {
    let mut lines = Vec::new();
    let mut start = 0;
    for &b in chosen {
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
                Source::Gap(g) => {
                    line.parts.push(Part::Gap(*g));
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
                Source::Hyphen(_) | Source::Split | Source::UrlBreak(_) | Source::End => {}
            }
        }
        match &sources[b] {
            Source::Hyphen(style) => {
                let hyphen = Frag {
                    style: style.clone(),
                    text: "-".into(),
                    shaped: style.shape(book, "-"),
                    boxed: None,
                };
                if let Some(Part::Word(frags)) = line.parts.last_mut() {
                    frags.push(hyphen);
                    line.hyphen = true;
                }
            }
            Source::End => line.last = true,
            Source::UrlBreak(end) => line.end_stretch = *end,
            _ => {}
        }
        // Trailing spaces are not part of the line.
        while matches!(line.parts.last(), Some(Part::Space(_) | Part::Gap(_))) {
            line.parts.pop();
        }
        lines.push(line);
        start = b + 1;
    }
    lines
}

/// Appends syllables to a word, reshaping the joined text when that is not
/// wider than the pieces were (so the chosen breaks stay valid).
pub(super) fn merge(fonts: &FontSet, prev: &mut Vec<Frag>, next: &[Frag]) {
    if let ([p], [n]) = (prev.as_slice(), next)
        && p.style == n.style
        && p.boxed.is_none()
        && n.boxed.is_none()
    {
        let text = format!("{}{}", p.text, n.text);
        let shaped = p.style.shape(fonts, &text);
        if shaped.width().fits_in(p.width() + n.width()) && shaped.missing.is_empty() {
            let style = p.style.clone();
            *prev = vec![Frag {
                style,
                text,
                shaped,
                boxed: None,
            }];
            return;
        }
    }
    prev.extend(next.iter().cloned());
}

/// The syllables of a single-style word, shaped, when it can be hyphenated.
pub(super) fn syllables(ctx: &mut Ctx<'_>, frags: &[Frag]) -> Option<Vec<Frag>> {
    let [frag] = frags else {
        return None;
    };
    if frag.boxed.is_some() {
        return None;
    }
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
    let lang = hyphenation_lang(ctx, &frag.style, core)?;
    let mut cuts = Vec::new();
    let mut pos = start;
    // Fragments at least two letters before the hyphen and three after it
    // (TeX's \lefthyphenmin and \righthyphenmin for English), or the
    // language's own minimums where they are larger (hypher's patterns
    // carry them: 2 and 2 for German, 2 and 3 for French…).
    let (left, right) = lang.bounds();
    for syllable in hypher::hyphenate_bounded(core, lang, left.max(2), right.max(3)) {
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
            boxed: None,
            style: frag.style.clone(),
            text: piece.to_string(),
            shaped: frag.style.shape(book, piece),
        });
        from = at;
    }
    Some(out)
}

/// The patterns a word is hyphenated with: those of its language (the
/// markup's, else the book's), when that language writes the word's
/// script; else those of the language the script stands for (a Russian
/// word in an English book takes Russian patterns). `None` when there are
/// none: Chinese, Arabic and Thai are not hyphenated.
fn hyphenation_lang(ctx: &Ctx<'_>, style: &Style, word: &str) -> Option<hypher::Lang> {
    use crate::text::script;
    // The common case, a Latin word in the book's language, without
    // looking anything up.
    if style.lang.is_none() && word.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return ctx.latin_hyphenation;
    }
    let sc = word
        .chars()
        .map(script::of)
        .find(|s| !script::is_neutral(*s))?;
    let from_tag = |tag: &str| {
        let code = script::primary(tag);
        let bytes: [u8; 2] = code.as_bytes().try_into().ok()?;
        hypher::Lang::from_iso(bytes)
    };
    let tag = style.lang.or(ctx.book_lang);
    match tag {
        Some(tag) if script::scripts_of(tag.as_str()).contains(&sc) => from_tag(tag.as_str()),
        None if sc == script::Script::Latin => Some(ctx.lang),
        _ => script::language_of(sc, word).and_then(from_tag),
    }
}

//! Collect: the inline tree → pieces of text, each with its style (faces,
//! sizes, links, raised or lowered text, the language markup gives), and
//! forced breaks. A direction markup gives (`<span dir="rtl">`) becomes a
//! pair of bidi isolates around the text, for UAX #9 to read.

use super::super::Ctx;
use super::*;
use crate::doc::{Inline, LinkTarget};
use crate::pdf::frame::LinkDest;

/// Text with its style, before words are formed.
pub(crate) enum Piece {
    Text(String, Style),
    /// A formula, laid out: a box in the line, not broken.
    Boxed(std::sync::Arc<crate::pdf::layout::math::MathBox>, Style),
    Break,
}

pub(super) fn collect(ctx: &mut Ctx<'_>, content: &[Inline], style: &Style, out: &mut Vec<Piece>) {
    for inline in content {
        match inline {
            Inline::Text(t) => out.push(Piece::Text(t.clone(), style.clone())),
            Inline::Emph(c) => {
                let s = Style {
                    face: ctx.theme.italic(style.face),
                    ..style.clone()
                };
                collect(ctx, c, &s, out);
            }
            Inline::Strong(c) => {
                let s = Style {
                    face: ctx.theme.bold(style.face),
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
                    face: ctx.theme.mono[0],
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
                        // Greys only: links keep the text's ink.
                        color: if ctx.greyscale {
                            style.color
                        } else {
                            ctx.theme.link
                        },
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
            Inline::Tagged {
                tag,
                attrs,
                content,
            } => tagged(ctx, *tag, attrs, content, style, out),
            Inline::Math(m) => super::super::technical::inline_math(ctx, m, style, out),
            Inline::Ref(r) => super::super::technical::cross_ref(ctx, r, style, out),
            Inline::Cite(c) if c.rendered.is_empty() => {
                let keys: Vec<String> = c.items.iter().map(|i| format!("@{}", i.key)).collect();
                out.push(Piece::Text(format!("[{}]", keys.join("; ")), style.clone()));
            }
            Inline::Cite(c) => collect(ctx, &c.rendered, style, out),
            Inline::SoftBreak => out.push(Piece::Text(" ".into(), style.clone())),
            Inline::HardBreak => out.push(Piece::Break),
        }
    }
}

/// Inline markup kept from raw HTML: superscripts raised and subscripts
/// lowered in smaller type, keyboard input in the code face, quotations in
/// quotation marks, titles and definitions in italics; the rest as text.
pub(super) fn tagged(
    ctx: &mut Ctx<'_>,
    tag: crate::doc::InlineTag,
    attrs: &crate::doc::Attrs,
    content: &[Inline],
    style: &Style,
    out: &mut Vec<Piece>,
) {
    use crate::doc::{Direction, InlineTag};
    let style = &Style {
        lang: attrs
            .lang
            .as_deref()
            .and_then(crate::text::LangTag::new)
            .or(style.lang),
        ..style.clone()
    };
    let isolate = attrs.dir.map(|d| match d {
        Direction::Ltr => '\u{2066}',
        Direction::Rtl => '\u{2067}',
        Direction::Auto => '\u{2068}',
    });
    if let Some(open) = isolate {
        out.push(Piece::Text(open.to_string(), style.clone()));
    }
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
            face: ctx.theme.mono[0],
            size: style.size * 0.88,
            small_caps: false,
            ..style.clone()
        },
        InlineTag::Small => Style {
            size: style.size * 0.85,
            ..style.clone()
        },
        InlineTag::Cite | InlineTag::Dfn => Style {
            face: ctx.theme.italic(style.face),
            ..style.clone()
        },
        InlineTag::Quote
        | InlineTag::Abbr
        | InlineTag::Mark
        | InlineTag::Time
        | InlineTag::Span => style.clone(),
    };
    if tag == InlineTag::Quote {
        let lang = s
            .lang
            .map(|l| l.as_str().to_string())
            .or_else(|| ctx.doc.meta.language.clone())
            .unwrap_or_default();
        let quotes = crate::labels::quotes(&lang);
        out.push(Piece::Text(quotes.open.to_string(), s.clone()));
        collect(ctx, content, &s, out);
        out.push(Piece::Text(quotes.close.to_string(), s.clone()));
    } else {
        collect(ctx, content, &s, out);
    }
    if isolate.is_some() {
        out.push(Piece::Text('\u{2069}'.to_string(), s));
    }
}

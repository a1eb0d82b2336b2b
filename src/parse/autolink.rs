//! GFM extended autolinks: bare `http://`, `https://`, `ftp://` URLs and
//! `www.` addresses in text become links.
//!
//! Input: inline content as the Markdown reader built it. Output: the same
//! content with each bare address in its text turned into a link, following
//! the GFM spec: an address starts a word (or follows `*`, `_`, `~`, `(`),
//! has a domain with a dot, and runs to the next space or `<`; trailing
//! punctuation (`?!.,:*_~'"`), an unbalanced `)` and an entity-like `&x;`
//! are left out. Text inside links and code is never touched.

use crate::doc::{Inline, LinkTarget};

/// Turns bare addresses in `inlines` into links; `target` classifies a
/// destination (`None`: keep the text).
pub fn autolink(
    inlines: Vec<Inline>,
    target: &mut dyn FnMut(&str) -> Option<LinkTarget>,
) -> Vec<Inline> {
    // pulldown-cmark splits text at delimiters it did not use (`_`, `*`):
    // join neighbouring text first so an address is seen whole.
    let mut joined: Vec<Inline> = Vec::with_capacity(inlines.len());
    for inline in inlines {
        match (joined.last_mut(), inline) {
            (Some(Inline::Text(prev)), Inline::Text(t)) => prev.push_str(&t),
            (_, inline) => joined.push(inline),
        }
    }
    let mut out = Vec::with_capacity(joined.len());
    for inline in joined {
        match inline {
            Inline::Text(text) => split(&text, target, &mut out),
            Inline::Emph(c) => out.push(Inline::Emph(autolink(c, target))),
            Inline::Strong(c) => out.push(Inline::Strong(autolink(c, target))),
            Inline::Strike(c) => out.push(Inline::Strike(autolink(c, target))),
            Inline::Tagged {
                tag,
                attrs,
                content,
            } => out.push(Inline::Tagged {
                tag,
                attrs,
                content: autolink(content, target),
            }),
            other @ (Inline::Link { .. }
            | Inline::Code(_)
            | Inline::Math(_)
            | Inline::Ref(_)
            | Inline::Cite(_)
            | Inline::NoteRef(_)
            | Inline::SoftBreak
            | Inline::HardBreak) => out.push(other),
        }
    }
    out
}

/// Splits one text at its addresses.
fn split(text: &str, target: &mut dyn FnMut(&str) -> Option<LinkTarget>, out: &mut Vec<Inline>) {
    let mut rest = text;
    let mut plain = String::new();
    while let Some((start, end, href)) = find(rest) {
        match target(&href) {
            Some(t) => {
                plain.push_str(&rest[..start]);
                if !plain.is_empty() {
                    out.push(Inline::Text(std::mem::take(&mut plain)));
                }
                out.push(Inline::Link {
                    target: t,
                    content: vec![Inline::Text(rest[start..end].to_string())],
                });
            }
            None => plain.push_str(&rest[..end]),
        }
        rest = &rest[end..];
    }
    plain.push_str(rest);
    if !plain.is_empty() {
        out.push(Inline::Text(plain));
    }
}

/// The next address in `text`: its byte range and the link destination.
fn find(text: &str) -> Option<(usize, usize, String)> {
    let lower = text.to_ascii_lowercase();
    let mut from = 0;
    while from < text.len() {
        let candidates = ["https://", "http://", "ftp://", "www."];
        let (at, prefix) = candidates
            .iter()
            .filter_map(|p| lower[from..].find(p).map(|i| (from + i, *p)))
            .min_by_key(|(i, _)| *i)?;
        let boundary = text[..at]
            .chars()
            .next_back()
            .is_none_or(|c| c.is_whitespace() || matches!(c, '*' | '_' | '~' | '('));
        let domain_start = at + prefix.len();
        let domain_len = if prefix == "www." {
            domain(&text[at..]).filter(|_| boundary)
        } else {
            domain(&text[domain_start..])
                .filter(|_| boundary)
                .map(|n| n + prefix.len())
        };
        if let Some(domain_len) = domain_len {
            let end = at + trim_end(&text[at..], domain_len);
            if end > domain_start {
                let found = &text[at..end];
                let href = if prefix == "www." {
                    format!("http://{found}")
                } else {
                    found.to_string()
                };
                return Some((at, end, href));
            }
        }
        from = at + prefix.len();
    }
    None
}

/// The length of a valid domain at the start of `s` (segments of letters,
/// digits, `-` and `_` separated by dots, at least one dot, no `_` in the
/// last two segments), if there is one.
fn domain(s: &str) -> Option<usize> {
    let len = s
        .find(|c: char| !(c.is_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(s.len());
    let domain = s[..len].trim_end_matches('.');
    let segments: Vec<&str> = domain.split('.').collect();
    if segments.len() < 2 || segments.iter().any(|s| s.is_empty()) {
        return None;
    }
    if segments[segments.len() - 2..]
        .iter()
        .any(|s| s.contains('_'))
    {
        return None;
    }
    Some(domain.len())
}

/// Where an address that starts `s` (with a domain of `domain` bytes) ends:
/// at a space or `<`, less trailing punctuation, unbalanced `)` and a
/// trailing entity-like `&name;`.
fn trim_end(s: &str, domain: usize) -> usize {
    let mut end = s[domain..]
        .find(|c: char| c.is_whitespace() || c == '<')
        .map_or(s.len(), |i| domain + i);
    loop {
        let tail = &s[..end];
        let Some(last) = tail.chars().next_back() else {
            break;
        };
        if end <= domain {
            break;
        }
        if matches!(
            last,
            '?' | '!' | '.' | ',' | ':' | '*' | '_' | '~' | '\'' | '"'
        ) {
            end -= last.len_utf8();
        } else if last == ')' {
            let open = tail.matches('(').count();
            let close = tail.matches(')').count();
            if close > open {
                end -= 1;
            } else {
                break;
            }
        } else if last == ';' {
            let amp = tail.rfind('&');
            match amp {
                Some(a)
                    if tail[a + 1..end - 1]
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric()) =>
                {
                    end = a
                }
                _ => break,
            }
        } else {
            break;
        }
    }
    end.max(domain)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links(text: &str) -> Vec<(String, String)> {
        let out = autolink(vec![Inline::Text(text.into())], &mut |d| {
            Some(LinkTarget::External(d.to_string()))
        });
        out.into_iter()
            .filter_map(|i| match i {
                Inline::Link {
                    target: LinkTarget::External(url),
                    content,
                } => Some((crate::doc::plain_text(&content), url)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn gfm_examples() {
        assert_eq!(
            links("Visit www.commonmark.org/help for more information."),
            [(
                "www.commonmark.org/help".to_string(),
                "http://www.commonmark.org/help".to_string()
            )]
        );
        assert_eq!(
            links("Visit www.commonmark.org."),
            [(
                "www.commonmark.org".into(),
                "http://www.commonmark.org".into()
            )]
        );
        assert_eq!(
            links("(Visit https://encrypted.google.com/search?q=Markup+(business))"),
            [(
                "https://encrypted.google.com/search?q=Markup+(business)".into(),
                "https://encrypted.google.com/search?q=Markup+(business)".into()
            )]
        );
        assert_eq!(
            links("www.google.com/search?q=commonmark&hl;"),
            [(
                "www.google.com/search?q=commonmark".into(),
                "http://www.google.com/search?q=commonmark".into()
            )]
        );
        assert_eq!(links("www.commonmark.org/he<lp").len(), 1);
        assert!(links("not a link: http://localhost").is_empty());
        assert!(links("abchttp://example.com").is_empty());
    }
}

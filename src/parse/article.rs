//! The article dialect: magazine articles saved as Markdown by scrapers.
//!
//! Input: the body of a source (after front matter). Output: blocks with the
//! article roles. Such files have a `######` fly title (kicker) before the `#`
//! title, a `#####` standfirst, a `> date` line, then one paragraph per line
//! with no blank lines between them and crossheads as bare short lines. Read as
//! CommonMark the lines would merge into one paragraph and the `>` line would
//! swallow what follows, so this reader works line by line and hands each line
//! (or each run of list, table, code or HTML lines) to the CommonMark reader.

use super::{Context, markdown};
use crate::diag::Span;
use crate::doc::{Block, Dialect, Inline, plain_text};

/// Decides the dialect of a body, with the reason in words.
pub fn detect(body: &str) -> (Dialect, String) {
    let lines: Vec<&str> = body.lines().map(str::trim_end).collect();
    let nonblank: Vec<(usize, &str)> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| (i, *l))
        .collect();
    let mut reasons = Vec::new();
    let mut score = 0;
    if nonblank
        .first()
        .is_some_and(|(_, l)| heading_text(l, 6).is_some())
    {
        score += 2;
        reasons.push("fly title before the title");
    }
    let has_standfirst = nonblank
        .windows(2)
        .any(|w| heading_text(w[0].1, 1).is_some() && heading_text(w[1].1, 5).is_some());
    if has_standfirst {
        score += 1;
        reasons.push("standfirst after the title");
    }
    let lazy_quote = lines.windows(2).any(|w| {
        w[0].starts_with('>')
            && is_date(w[0].trim_start_matches('>').trim())
            && !w[1].trim().is_empty()
            && !w[1].starts_with('>')
    });
    if lazy_quote {
        score += 1;
        reasons.push("dateline line followed directly by text");
    }
    // Long prose lines with no blank line between them: paragraphs one per line.
    let prose = |l: &str| l.chars().count() > 120 && !is_structural(l);
    let runs = lines
        .windows(2)
        .filter(|w| prose(w[0]) && prose(w[1]))
        .count();
    if runs >= 3 {
        score += 2;
        reasons.push("paragraphs one per line without blank lines");
    }
    if score >= 2 {
        (
            Dialect::Article,
            format!("detected: {}", reasons.join(", ")),
        )
    } else {
        (
            Dialect::CommonMark,
            "detected: no article features".to_string(),
        )
    }
}

/// The text of an ATX heading of exactly `level`, if `line` is one.
fn heading_text(line: &str, level: usize) -> Option<&str> {
    let trimmed = line.trim_start();
    if line.len() - trimmed.len() > 3 {
        return None;
    }
    let hashes = trimmed.bytes().take_while(|&b| b == b'#').count();
    if hashes != level {
        return None;
    }
    let rest = &trimmed[hashes..];
    if !rest.is_empty() && !rest.starts_with([' ', '\t']) {
        return None;
    }
    Some(rest.trim())
}

/// The level of an ATX heading line (1–6).
fn heading_level(line: &str) -> Option<usize> {
    (1..=6).find(|&level| heading_text(line, level).is_some())
}

/// Whether a line starts a Markdown construct that spans lines.
fn is_structural(line: &str) -> bool {
    let t = line.trim_start();
    let indent = line.len() - t.len();
    indent >= 4
        || t.starts_with("```")
        || t.starts_with("~~~")
        || t.starts_with('|')
        || t.starts_with('<')
        || t.starts_with("[^")
        || is_list_marker(t)
}

fn is_list_marker(t: &str) -> bool {
    if let Some(rest) = t.strip_prefix(['-', '*', '+']) {
        return rest.starts_with(' ') || rest.is_empty();
    }
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    (1..=9).contains(&digits)
        && t[digits..].starts_with(['.', ')'])
        && t[digits + 1..].starts_with(' ')
}

/// Whether short text reads as a date (`Mar 19th 2023`, `2023-03-19`, `19 March 2023`).
pub fn is_date(text: &str) -> bool {
    if text.is_empty() || text.len() > 40 {
        return false;
    }
    let has_year = text
        .split(|c: char| !c.is_ascii_digit())
        .any(|n| n.len() == 4 && matches!(n.as_bytes()[0], b'1' | b'2'));
    let lower = text.to_lowercase();
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let has_month = lower
        .split(|c: char| !c.is_alphabetic())
        .any(|w| w.len() >= 3 && MONTHS.iter().any(|m| w.starts_with(m)));
    let numeric = text
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '-' | '/' | '.' | ' '))
        && text.contains(['-', '/', '.']);
    has_year && (has_month || numeric)
}

/// Whether a line is a crosshead: a bare short line between two paragraphs.
fn is_crosshead(line: &str, prev_long: bool, next_long: bool) -> bool {
    let t = line.trim();
    let words = t.split_whitespace().count();
    let last = t.chars().last().unwrap_or('.');
    prev_long
        && next_long
        && (1..=8).contains(&words)
        && t.chars().count() <= 60
        && !matches!(
            last,
            '.' | ',' | ';' | ':' | '"' | '”' | '’' | '\'' | ')' | '»' | '■' | '…' | '-' | '—'
        )
        && t.chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_numeric())
        && !is_structural(line)
}

/// One line of the body with its offset in the body.
#[derive(Clone, Copy)]
struct Line<'a> {
    text: &'a str,
    start: usize,
}

/// Reads an article body at byte `base` of its file.
pub fn parse(ctx: &mut Context<'_>, body: &str, base: usize) -> Vec<Block> {
    let mut lines = Vec::new();
    let mut pos = 0;
    for raw in body.split_inclusive('\n') {
        let text = raw.trim_end_matches(['\n', '\r']);
        lines.push(Line { text, start: pos });
        pos += raw.len();
    }
    let is_prose = |t: &str| {
        let t = t.trim();
        !t.is_empty() && heading_level(t).is_none() && !t.starts_with('>') && !t.starts_with("![")
    };
    let long = |l: Option<&str>| l.is_some_and(|t| is_prose(t) && t.trim().len() > 60);

    let mut blocks = Vec::new();
    // A title in the front matter stands for the `#` title line.
    let mut seen_title = ctx.titled;
    let mut after_title = ctx.titled;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let t = line.text.trim();
        if t.is_empty() {
            i += 1;
            continue;
        }
        let span = Span::new(ctx.file, line.start..line.start + line.text.len()).shifted(base);
        // Multi-line constructs go to the CommonMark reader whole.
        if is_structural(line.text) {
            let end = structural_end(&lines, i);
            let start = line.start;
            let stop = lines[end - 1].start + lines[end - 1].text.len();
            blocks.extend(markdown::parse(ctx, &body[start..stop], base + start));
            after_title = false;
            i = end;
            continue;
        }
        let prev = previous_nonblank(&lines, i);
        let next = next_nonblank(&lines, i);
        let content_start = line.start + (line.text.len() - line.text.trim_start().len());
        if let Some(level) = heading_level(t) {
            let text = heading_text(t, level).unwrap_or("");
            let offset = content_start + t.find(text).unwrap_or(0);
            let content = inline(ctx, text, base + offset);
            match level {
                6 if !seen_title => blocks.push(Block::Kicker { content, span }),
                5 if after_title => blocks.push(Block::Standfirst { content, span }),
                _ => {
                    blocks.extend(markdown::parse(ctx, t, base + content_start));
                    if level == 1 {
                        seen_title = true;
                        after_title = true;
                        i += 1;
                        continue;
                    }
                }
            }
            after_title = false;
            i += 1;
            continue;
        }
        if let Some(quoted) = t.strip_prefix('>') {
            let text = quoted.trim();
            let offset = content_start + t.len() - quoted.trim_start().len();
            if is_date(text) {
                let content = inline(ctx, text, base + offset);
                blocks.push(Block::Dateline { content, span });
            } else {
                let content = inline(ctx, text, base + offset);
                blocks.push(Block::Quote {
                    blocks: vec![Block::Paragraph { content, span }],
                    span,
                });
            }
            i += 1;
            continue;
        }
        if seen_title && is_crosshead(t, long(prev), long(next)) {
            let content = inline(ctx, t, base + content_start);
            let text = plain_text(&content);
            let anchor = ctx.anchor(&crate::doc::slugify(&text));
            ctx.ids.push((crate::doc::slugify(&text), anchor));
            blocks.push(Block::Heading {
                level: 2,
                content,
                anchor,
                span,
            });
            i += 1;
            continue;
        }
        // Everything else: the line is its own paragraph (or a figure).
        blocks.extend(markdown::parse(ctx, t, base + content_start));
        if !t.starts_with("![") {
            after_title = false;
        }
        i += 1;
    }
    blocks
}

/// Where a run of structural lines starting at `i` ends (exclusive).
fn structural_end(lines: &[Line<'_>], i: usize) -> usize {
    let first = lines[i].text.trim_start();
    let fence = ["```", "~~~"].into_iter().find(|f| first.starts_with(f));
    if let Some(fence) = fence {
        let mut j = i + 1;
        while j < lines.len() {
            if lines[j].text.trim_start().starts_with(fence) {
                return j + 1;
            }
            j += 1;
        }
        return lines.len();
    }
    let mut j = i + 1;
    while j < lines.len() {
        let l = lines[j].text;
        if l.trim().is_empty() {
            // A blank line ends the run unless a structural line follows.
            if lines.get(j + 1).is_some_and(|n| is_structural(n.text)) {
                j += 1;
                continue;
            }
            break;
        }
        let continuation = l.starts_with([' ', '\t']);
        if !is_structural(l) && !continuation {
            break;
        }
        j += 1;
    }
    j
}

fn previous_nonblank<'a>(lines: &[Line<'a>], i: usize) -> Option<&'a str> {
    lines[..i]
        .iter()
        .rev()
        .find(|l| !l.text.trim().is_empty())
        .map(|l| l.text)
}

fn next_nonblank<'a>(lines: &[Line<'a>], i: usize) -> Option<&'a str> {
    lines[i + 1..]
        .iter()
        .find(|l| !l.text.trim().is_empty())
        .map(|l| l.text)
}

/// Parses one line's inline content; figures on the line are dropped here
/// (role lines are text only).
fn inline(ctx: &mut Context<'_>, text: &str, base: usize) -> Vec<Inline> {
    let mut out = Vec::new();
    for block in markdown::parse(ctx, text, base) {
        if let Block::Paragraph { content, .. } = block {
            if !out.is_empty() {
                out.push(Inline::SoftBreak);
            }
            out.extend(content);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert!(is_date("Mar 19th 2023"));
        assert!(is_date("2023-03-19"));
        assert!(is_date("19 March 2023"));
        assert!(!is_date("To be or not to be"));
        assert!(!is_date("1984"));
    }

    #[test]
    fn crossheads() {
        assert!(is_crosshead("You call that a plan?", true, true));
        assert!(is_crosshead("Sneak attack", true, true));
        assert!(!is_crosshead("(They remain in place.)", true, true));
        assert!(!is_crosshead("Sneak attack", false, true));
        assert!(!is_crosshead("lower case start", true, true));
    }

    #[test]
    fn detection() {
        let seed = include_str!("../../seeds/xi-putin.md");
        assert_eq!(detect(seed).0, Dialect::Article);
        assert_eq!(
            detect("# Title\n\nA paragraph.\n\n- a list\n").0,
            Dialect::CommonMark
        );
    }
}

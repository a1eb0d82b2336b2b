//! Smart punctuation, localised: pulldown-cmark's smart punctuation (on
//! unless `--no-smart`) turns straight quotes into English curly ones,
//! `--` and `---` into en and em dashes and `...` into an ellipsis, never
//! inside code, raw HTML or link targets. Once the book's language is
//! known, this pass gives the quotes that language's marks (« … » with
//! narrow no-break spaces in French, „…“ in German, 「…」 in Japanese),
//! following `lang` markup on spans and divisions. French text also gets
//! its narrow no-break space (U+202F) before `; : ! ?` and inside « »,
//! replacing the space typed there or added where none was typed, but not
//! in code, in URLs or between digits (12:30). Both backends read the
//! result, so the EPUB and the PDF agree.
//!
//! Input: the tree after parsing and the book's language. Output: the same
//! tree, its text nodes (and chapter titles) with localised quotes and
//! French spacing. An
//! apostrophe (a closing single quote with no opening one before it in the
//! block) stays an apostrophe.

use crate::doc::{Block, Document, Inline};
use crate::labels::{Quotes, quotes};

/// Gives every quotation mark of `doc` the marks of its language (the
/// book's `language`, or the `lang` of the markup around it).
pub fn localize(doc: &mut Document, language: &str) {
    let book = language;
    for chapter in &mut doc.chapters {
        if let Some(title) = &mut chapter.title {
            let mut marks = Marks::new(book);
            *title = marks.string(title);
        }
        blocks(&mut chapter.blocks, book);
    }
    for note in &mut doc.notes {
        blocks(&mut note.blocks, book);
    }
}

/// Whether quotes need changing at all for `language` in a book whose
/// markup gives no other language (English marks are what the parser
/// writes).
pub fn is_identity(language: &str) -> bool {
    quotes(language) == quotes("en")
}

fn blocks(list: &mut [Block], q: &str) {
    for block in list {
        match block {
            Block::Heading { content, .. }
            | Block::Kicker { content, .. }
            | Block::Standfirst { content, .. }
            | Block::Dateline { content, .. }
            | Block::Paragraph { content, .. } => Marks::new(q).inlines(content),
            Block::Quote { blocks: b, .. } => blocks(b, q),
            Block::List { items, .. } => {
                for item in items {
                    blocks(&mut item.blocks, q);
                }
            }
            Block::Table { head, rows, .. } => {
                for cell in head.iter_mut().chain(rows.iter_mut().flatten()) {
                    Marks::new(q).inlines(cell);
                }
            }
            Block::DefinitionList { items, .. } => {
                for item in items {
                    Marks::new(q).inlines(&mut item.term);
                    for detail in &mut item.details {
                        blocks(detail, q);
                    }
                }
            }
            Block::Details {
                summary, blocks: b, ..
            } => {
                Marks::new(q).inlines(summary);
                blocks(b, q);
            }
            Block::Division {
                attrs, blocks: b, ..
            } => {
                let q = attrs.lang.as_deref().unwrap_or(q);
                blocks(b, q);
            }
            Block::Callout { blocks: b, .. } => blocks(b, q),
            Block::Code { .. }
            | Block::Figure { .. }
            | Block::Rule { .. }
            | Block::Equation { .. }
            | Block::Bibliography { .. } => {}
        }
    }
}

/// The quotes of one block as they are read, in order: which are open.
struct Marks {
    q: Quotes,
    /// French spacing applies.
    french: bool,
    /// Open quotes, innermost last: `true` for a double one.
    open: Vec<bool>,
    /// The last character of the block's text so far (spacing looks back
    /// across inline boundaries).
    prev: Option<char>,
    /// Nothing to change: the marks are the ones the parser writes and
    /// there is no French spacing (text is then not even searched).
    plain: bool,
}

impl Marks {
    fn new(lang: &str) -> Marks {
        let q = quotes(lang);
        let french = crate::text::script::primary(lang) == "fr";
        Marks {
            plain: !french && q == quotes("en"),
            q,
            french,
            open: Vec::new(),
            prev: None,
        }
    }

    fn inlines(&mut self, list: &mut [Inline]) {
        for inline in list {
            match inline {
                Inline::Text(_) if self.plain => {}
                Inline::Text(text) => {
                    if text.contains(['“', '”', '‘', '’'])
                        || (self.french && text.contains([';', ':', '!', '?', '«', '»']))
                    {
                        *text = self.string(text);
                    }
                    if let Some(c) = text.chars().last() {
                        self.prev = Some(c);
                    }
                }
                Inline::Emph(c) | Inline::Strong(c) | Inline::Strike(c) => self.inlines(c),
                Inline::Link { content, .. } => self.inlines(content),
                Inline::Tagged { attrs, content, .. } => match attrs.lang.as_deref() {
                    Some(lang) => {
                        let mut inner = Marks::new(lang);
                        inner.prev = self.prev;
                        inner.inlines(content);
                    }
                    None => self.inlines(content),
                },
                Inline::Code(code) => {
                    if let Some(c) = code.chars().last() {
                        self.prev = Some(c);
                    }
                }
                Inline::Math(_)
                | Inline::Ref(_)
                | Inline::Cite(_)
                | Inline::NoteRef(_)
                | Inline::SoftBreak
                | Inline::HardBreak => {}
            }
        }
    }

    /// The text with its curly quotes replaced by the language's (and
    /// French spacing).
    fn string(&mut self, text: &str) -> String {
        let quoted = self.quotes(text);
        if self.french {
            french_spacing(&quoted, self.prev)
        } else {
            quoted
        }
    }

    /// The text with its curly quotes replaced by the language's.
    fn quotes(&mut self, text: &str) -> String {
        if !text.contains(['“', '”', '‘', '’']) {
            return text.to_string();
        }
        let mut out = String::with_capacity(text.len() + 8);
        for c in text.chars() {
            match c {
                '“' => {
                    self.open.push(true);
                    out.push_str(self.q.open);
                }
                '”' => {
                    if let Some(i) = self.open.iter().rposition(|&d| d) {
                        self.open.truncate(i);
                    }
                    out.push_str(self.q.close);
                }
                '‘' => {
                    self.open.push(false);
                    out.push_str(self.q.inner_open);
                }
                // A closing single quote closes an open one; else it is an
                // apostrophe (don’t, l’été).
                '’' if self.open.last() == Some(&false) => {
                    self.open.pop();
                    out.push_str(self.q.inner_close);
                }
                c => out.push(c),
            }
        }
        out
    }
}

/// Spaces French sets before high punctuation and inside guillemets:
/// narrow no-break spaces. `prev` is the character before `text` in its
/// block. A space typed there becomes the narrow one; none typed, one is
/// added after a letter, a digit or closing punctuation. A colon, question
/// or exclamation mark followed by a letter or digit (12:30, `?id=3`) and
/// anything in a URL is left alone, as is a mark after another (`?!`).
fn french_spacing(text: &str, prev: Option<char>) -> String {
    const NNBSP: char = '\u{202F}';
    let spaces = |c: char| matches!(c, ' ' | '\u{A0}' | '\u{2009}');
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let in_url = url_ranges(text);
    let mut out = String::with_capacity(text.len() + 8);
    for (k, &(i, c)) in chars.iter().enumerate() {
        let next = chars.get(k + 1).map(|&(_, n)| n);
        let before = out.chars().last().or(if k == 0 { prev } else { None });
        let url = in_url.iter().any(|r| r.contains(&i));
        match c {
            ';' | ':' | '!' | '?' if !url && !next.is_some_and(char::is_alphanumeric) => {
                match before {
                    Some(b) if spaces(b) && !out.is_empty() => {
                        out.pop();
                        out.push(NNBSP);
                    }
                    Some(b) if b.is_alphanumeric() || ")]»”’…*".contains(b) => {
                        out.push(NNBSP)
                    }
                    _ => {}
                }
                out.push(c);
            }
            '»' if !url => {
                match before {
                    Some(b) if spaces(b) && !out.is_empty() => {
                        out.pop();
                        out.push(NNBSP);
                    }
                    Some(b) if b != NNBSP && !b.is_whitespace() => out.push(NNBSP),
                    _ => {}
                }
                out.push(c);
            }
            '«' if !url => {
                out.push(c);
                if !next.is_some_and(|n| n.is_whitespace()) {
                    out.push(NNBSP);
                }
            }
            c if spaces(c) && out.ends_with('«') => out.push(NNBSP),
            c => out.push(c),
        }
    }
    out
}

/// Byte ranges of the words of `text` that are URLs or e-mail addresses.
fn url_ranges(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = None;
    let mut push = |s: usize, e: usize| {
        let word = &text[s..e];
        if word.contains("://") || word.starts_with("www.") || word.starts_with("mailto:") {
            out.push(s..e);
        }
    };
    for (i, c) in text.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                push(s, i);
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        push(s, text.len());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn localized(lang: &str, text: &str) -> String {
        Marks::new(lang).string(text)
    }

    #[test]
    fn french_spaces_before_high_punctuation_and_inside_guillemets() {
        let n = '\u{202F}';
        assert_eq!(
            localized("fr", "Quoi ? Oui! Voici : la liste; enfin?!"),
            format!("Quoi{n}? Oui{n}! Voici{n}: la liste{n}; enfin{n}?!")
        );
        assert_eq!(
            localized("fr", "« Bonjour » et «salut»"),
            format!("«{n}Bonjour{n}» et «{n}salut{n}»")
        );
        // Times, URLs and a mark before a letter keep their characters.
        for kept in [
            "à 12:30 précises",
            "voir https://exemple.fr/a?b=1;c=2 demain",
            "www.exemple.fr/x!y",
        ] {
            assert_eq!(localized("fr", kept), kept);
        }
        assert_eq!(
            localized("fr", "“Il l’a dit”?"),
            format!("«{n}Il l’a dit{n}»{n}?")
        );
        // Other languages are left as typed.
        assert_eq!(localized("en", "What? Yes: 12:30!"), "What? Yes: 12:30!");
    }

    #[test]
    fn quotes_by_language_and_apostrophes_kept() {
        assert_eq!(
            localized("fr", "“Il l’a dit”"),
            "«\u{202F}Il l’a dit\u{202F}»"
        );
        assert_eq!(localized("de", "“Er sagte ‘nein’”"), "„Er sagte ‚nein‘“");
        assert_eq!(localized("ja", "“東京”"), "「東京」");
        assert_eq!(localized("en", "“it’s ‘x’”"), "“it’s ‘x’”");
    }
}

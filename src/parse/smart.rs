//! Smart punctuation, localised: pulldown-cmark's smart punctuation (on
//! unless `--no-smart`) turns straight quotes into English curly ones,
//! `--` and `---` into en and em dashes and `...` into an ellipsis, never
//! inside code, raw HTML or link targets. Once the book's language is
//! known, this pass gives the quotes that language's marks (« … » with
//! narrow no-break spaces in French, „…“ in German, 「…」 in Japanese),
//! following `lang` markup on spans and divisions. Both backends read the
//! result, so the EPUB and the PDF agree.
//!
//! Input: the tree after parsing and the book's language. Output: the same
//! tree, its text nodes (and chapter titles) with localised quotes. An
//! apostrophe (a closing single quote with no opening one before it in the
//! block) stays an apostrophe.

use crate::doc::{Block, Document, Inline};
use crate::labels::{Quotes, quotes};

/// Gives every quotation mark of `doc` the marks of its language (the
/// book's `language`, or the `lang` of the markup around it).
pub fn localize(doc: &mut Document, language: &str) {
    let book = quotes(language);
    for chapter in &mut doc.chapters {
        if let Some(title) = &mut chapter.title {
            *title = Marks::new(book).string(title);
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

fn blocks(list: &mut [Block], q: Quotes) {
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
                let q = attrs.lang.as_deref().map_or(q, quotes);
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
    /// Open quotes, innermost last: `true` for a double one.
    open: Vec<bool>,
}

impl Marks {
    fn new(q: Quotes) -> Marks {
        Marks {
            q,
            open: Vec::new(),
        }
    }

    fn inlines(&mut self, list: &mut [Inline]) {
        for inline in list {
            match inline {
                Inline::Text(text) => {
                    if text.contains(['“', '”', '‘', '’']) {
                        *text = self.string(text);
                    }
                }
                Inline::Emph(c) | Inline::Strong(c) | Inline::Strike(c) => self.inlines(c),
                Inline::Link { content, .. } => self.inlines(content),
                Inline::Tagged { attrs, content, .. } => match attrs.lang.as_deref() {
                    Some(lang) => {
                        let mut inner = Marks::new(quotes(lang));
                        inner.inlines(content);
                    }
                    None => self.inlines(content),
                },
                Inline::Code(_)
                | Inline::Math(_)
                | Inline::Ref(_)
                | Inline::Cite(_)
                | Inline::NoteRef(_)
                | Inline::SoftBreak
                | Inline::HardBreak => {}
            }
        }
    }

    /// The text with its curly quotes replaced by the language's.
    fn string(&mut self, text: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn localized(lang: &str, text: &str) -> String {
        Marks::new(quotes(lang)).string(text)
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

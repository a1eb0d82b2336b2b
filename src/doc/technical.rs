//! The tree's nodes for technical and scholarly books: math, numbered
//! figures, tables and equations with the references to them, citations
//! and their bibliography, callouts, and the options of a code block.
//!
//! The parse stage creates them (math already converted from TeX to
//! MathML, so a formula is read once and both backends share the result);
//! the resolve stage numbers what is labelled and points references at
//! it; the cite stage formats citations and the bibliography. Backends only
//! read them.

use super::{AnchorId, Block, Inline};
use crate::diag::Span;

/// A formula: its TeX source and the MathML it became.
#[derive(Debug, Clone, PartialEq)]
pub struct Math {
    /// The TeX source as written between the dollars.
    pub tex: String,
    /// Display math (`$$…$$`) rather than inline (`$…$`).
    pub display: bool,
    /// The presentation MathML (a `<math>` element), or `None` when the TeX
    /// did not parse (the formula is then shown as its source).
    pub mathml: Option<String>,
}

/// What a label numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RefKind {
    /// `fig:` — a figure.
    Figure,
    /// `tbl:` — a table.
    Table,
    /// `eq:` — a display equation.
    Equation,
}

impl RefKind {
    /// The kind a label's prefix names (`fig:x` → figure).
    pub fn of_label(label: &str) -> Option<RefKind> {
        let (prefix, rest) = label.split_once(':')?;
        if rest.is_empty() {
            return None;
        }
        match prefix {
            "fig" => Some(RefKind::Figure),
            "tbl" => Some(RefKind::Table),
            "eq" => Some(RefKind::Equation),
            _ => None,
        }
    }

    /// The word bindery writes before the number.
    pub fn word(self) -> crate::labels::Label {
        match self {
            RefKind::Figure => crate::labels::Label::Figure,
            RefKind::Table => crate::labels::Label::Table,
            RefKind::Equation => crate::labels::Label::Equation,
        }
    }

    /// The prefix of its labels (`fig`).
    pub fn prefix(self) -> &'static str {
        match self {
            RefKind::Figure => "fig",
            RefKind::Table => "tbl",
            RefKind::Equation => "eq",
        }
    }
}

/// A labelled figure, table or equation: its label as written, its anchor
/// and its number in the book (1, 2, 3… per kind, in reading order; set by
/// the resolve stage, 0 before).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Numbered {
    /// The label as written (`fig:map`).
    pub label: String,
    /// Where references to it go.
    pub anchor: AnchorId,
    /// Its number.
    pub number: u32,
}

/// A reference to a labelled figure, table or equation (`@fig:map`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrossRef {
    /// What it refers to.
    pub kind: RefKind,
    /// The label as written (`fig:map`).
    pub label: String,
    /// The target's anchor and number, once resolved (`None`: unknown label).
    pub target: Option<(AnchorId, u32)>,
    /// Where the reference is, for the warning when the label is unknown.
    pub span: Span,
}

/// One source cited: its key, and what pandoc's syntax puts around it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CiteItem {
    /// The key in the bibliography.
    pub key: String,
    /// Text before the key (`[see @key]`).
    pub prefix: String,
    /// The locator or text after the key (`[@key, p. 33]` → `p. 33`).
    pub suffix: String,
    /// `[-@key]`: the author is left out (only the year, or the number).
    pub suppress_author: bool,
}

/// A citation: one or more sources, in brackets or in the running text.
#[derive(Debug, Clone, PartialEq)]
pub struct Citation {
    /// The sources, in order.
    pub items: Vec<CiteItem>,
    /// Written in the text (`@key says`) rather than in brackets.
    pub narrative: bool,
    /// The citation as the style formats it, with links to the entries (set
    /// by the cite stage; empty before, and when no bibliography is given).
    pub rendered: Vec<Inline>,
    /// Where it is.
    pub span: Span,
}

/// One entry of the bibliography as the style formats it.
#[derive(Debug, Clone, PartialEq)]
pub struct BibEntry {
    /// The entry's key.
    pub key: String,
    /// The anchor citations link to.
    pub anchor: AnchorId,
    /// A first field set apart (the `[1]` of numeric styles), if the style asks for one.
    pub label: Vec<Inline>,
    /// The formatted entry.
    pub content: Vec<Inline>,
}

/// The five kinds of GitHub callout (`> [!NOTE]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CalloutKind {
    /// Useful information.
    Note,
    /// Helpful advice.
    Tip,
    /// Key information.
    Important,
    /// Urgent information that needs attention.
    Warning,
    /// Negative consequences of an action.
    Caution,
}

impl CalloutKind {
    /// The lowercase name (CSS class, dump).
    pub fn name(self) -> &'static str {
        match self {
            CalloutKind::Note => "note",
            CalloutKind::Tip => "tip",
            CalloutKind::Important => "important",
            CalloutKind::Warning => "warning",
            CalloutKind::Caution => "caution",
        }
    }

    /// Its label, localised by [`crate::labels`].
    pub fn label(self) -> crate::labels::Label {
        match self {
            CalloutKind::Note => crate::labels::Label::Note,
            CalloutKind::Tip => crate::labels::Label::Tip,
            CalloutKind::Important => crate::labels::Label::Important,
            CalloutKind::Warning => crate::labels::Label::Warning,
            CalloutKind::Caution => crate::labels::Label::Caution,
        }
    }
}

/// How a code block asks to be shown (from its info string:
/// ```` ```rust {linenos hl_lines="2 4-5"} ````).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CodeAttrs {
    /// Number the lines (`None`: as the book's `code.line_numbers` says).
    pub line_numbers: Option<bool>,
    /// The number of the first line.
    pub start: u32,
    /// Lines to highlight, 1-based and inclusive, as ranges.
    pub highlight: Vec<(u32, u32)>,
}

impl CodeAttrs {
    /// Whether line `n` (1-based, as shown) is highlighted.
    pub fn highlighted(&self, n: u32) -> bool {
        self.highlight.iter().any(|&(a, b)| a <= n && n <= b)
    }

    /// The number shown for line `index` (0-based) of the block.
    pub fn number(&self, index: usize) -> u32 {
        self.start.max(1) + u32::try_from(index).unwrap_or(u32::MAX - 1)
    }

    /// Whether nothing was asked for.
    pub fn is_default(&self) -> bool {
        *self == CodeAttrs::default()
    }
}

/// Walks every inline of `blocks` (nested blocks, cells, captions, notes'
/// references included) mutably, in reading order.
pub fn walk_inlines_mut(blocks: &mut [Block], f: &mut dyn FnMut(&mut Inline)) {
    fn inlines(content: &mut [Inline], f: &mut dyn FnMut(&mut Inline)) {
        for inline in content {
            f(inline);
            match inline {
                Inline::Emph(c)
                | Inline::Strong(c)
                | Inline::Strike(c)
                | Inline::Tagged { content: c, .. }
                | Inline::Link { content: c, .. } => inlines(c, f),
                Inline::Text(_)
                | Inline::Code(_)
                | Inline::NoteRef(_)
                | Inline::Math(_)
                | Inline::Ref(_)
                | Inline::Cite(_)
                | Inline::SoftBreak
                | Inline::HardBreak => {}
            }
        }
    }
    for block in blocks {
        match block {
            Block::Heading { content, .. }
            | Block::Kicker { content, .. }
            | Block::Standfirst { content, .. }
            | Block::Dateline { content, .. }
            | Block::Paragraph { content, .. } => inlines(content, f),
            Block::Quote { blocks, .. }
            | Block::Division { blocks, .. }
            | Block::Callout { blocks, .. } => walk_inlines_mut(blocks, f),
            Block::List { items, .. } => {
                for item in items {
                    walk_inlines_mut(&mut item.blocks, f);
                }
            }
            Block::Table {
                head,
                rows,
                caption,
                ..
            } => {
                inlines(caption, f);
                for cell in head.iter_mut().chain(rows.iter_mut().flatten()) {
                    inlines(cell, f);
                }
            }
            Block::DefinitionList { items, .. } => {
                for item in items {
                    inlines(&mut item.term, f);
                    for d in &mut item.details {
                        walk_inlines_mut(d, f);
                    }
                }
            }
            Block::Details {
                summary, blocks, ..
            } => {
                inlines(summary, f);
                walk_inlines_mut(blocks, f);
            }
            Block::Bibliography { entries, .. } => {
                for entry in entries {
                    inlines(&mut entry.label, f);
                    inlines(&mut entry.content, f);
                }
            }
            Block::Code { .. }
            | Block::Figure { .. }
            | Block::Rule { .. }
            | Block::Equation { .. } => {}
        }
    }
}

/// Calls `f` on every labelled figure, table and equation of `blocks`, in
/// reading order.
pub fn walk_numbered_mut(blocks: &mut [Block], f: &mut dyn FnMut(RefKind, &mut Numbered)) {
    for block in blocks {
        match block {
            Block::Figure {
                label: Some(label), ..
            } => f(RefKind::Figure, label),
            Block::Table {
                label: Some(label), ..
            } => f(RefKind::Table, label),
            Block::Equation {
                label: Some(label), ..
            } => f(RefKind::Equation, label),
            Block::Quote { blocks, .. }
            | Block::Division { blocks, .. }
            | Block::Callout { blocks, .. }
            | Block::Details { blocks, .. } => walk_numbered_mut(blocks, f),
            Block::List { items, .. } => {
                for item in items {
                    walk_numbered_mut(&mut item.blocks, f);
                }
            }
            Block::DefinitionList { items, .. } => {
                for item in items {
                    for d in &mut item.details {
                        walk_numbered_mut(d, f);
                    }
                }
            }
            Block::Heading { .. }
            | Block::Kicker { .. }
            | Block::Standfirst { .. }
            | Block::Dateline { .. }
            | Block::Paragraph { .. }
            | Block::Code { .. }
            | Block::Table { .. }
            | Block::Figure { .. }
            | Block::Equation { .. }
            | Block::Bibliography { .. }
            | Block::Rule { .. } => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_name_their_kind() {
        assert_eq!(RefKind::of_label("fig:map"), Some(RefKind::Figure));
        assert_eq!(RefKind::of_label("tbl:x"), Some(RefKind::Table));
        assert_eq!(RefKind::of_label("eq:euler"), Some(RefKind::Equation));
        assert_eq!(RefKind::of_label("sec:intro"), None);
        assert_eq!(RefKind::of_label("fig:"), None);
    }

    #[test]
    fn code_line_numbers_and_highlights() {
        let attrs = CodeAttrs {
            line_numbers: Some(true),
            start: 10,
            highlight: vec![(11, 12)],
        };
        assert_eq!(attrs.number(0), 10);
        assert!(attrs.highlighted(12) && !attrs.highlighted(10));
        assert_eq!(CodeAttrs::default().number(0), 1);
    }
}

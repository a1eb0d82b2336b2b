//! Pieces: the chapters cut into runs of at most [`PIECE_BLOCKS`] top-level
//! blocks, the unit of work of layout, and the footnote numbers of each
//! chapter counted beforehand so its pieces can be set independently.

use crate::doc::{Block, Document, Inline, NoteId};
use std::collections::BTreeMap;
use std::ops::Range;

/// A run of top-level blocks of one chapter: the unit of work of layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    /// The chapter.
    pub chapter: usize,
    /// Its blocks in this piece.
    pub blocks: Range<usize>,
    /// The last piece of the chapter.
    pub last: bool,
}

/// Most top-level blocks in one piece. Articles and most chapters are one
/// piece; a 50 MB manual in one file is thousands, set a window at a time.
pub const PIECE_BLOCKS: usize = 256;

/// Cuts the chapters into pieces of at most `max` blocks (a little more
/// when needed so a piece never ends on a heading, which must stay with
/// what follows it). Every chapter has at least one piece.
pub fn pieces(doc: &Document, max: usize) -> Vec<Piece> {
    let mut out = Vec::new();
    for (chapter, c) in doc.chapters.iter().enumerate() {
        let n = c.blocks.len();
        let mut start = 0;
        loop {
            let mut end = (start + max.max(1)).min(n);
            while end < n && keeps_with_next(&c.blocks[end - 1]) {
                end += 1;
            }
            out.push(Piece {
                chapter,
                blocks: start..end,
                last: end == n,
            });
            if end == n {
                break;
            }
            start = end;
        }
    }
    out
}

/// Whether a block must be on the same page as the next one.
fn keeps_with_next(block: &Block) -> bool {
    match block {
        Block::Heading { .. } | Block::Kicker { .. } => true,
        Block::Standfirst { .. }
        | Block::Dateline { .. }
        | Block::Paragraph { .. }
        | Block::Quote { .. }
        | Block::List { .. }
        | Block::Code { .. }
        | Block::Table { .. }
        | Block::Figure { .. }
        | Block::Rule { .. }
        | Block::DefinitionList { .. }
        | Block::Details { .. }
        | Block::Division { .. }
        | Block::Callout { .. }
        | Block::Equation { .. }
        | Block::Bibliography { .. } => false,
    }
}

/// The number of each footnote of a chapter: notes are numbered in the
/// order of their first reference, the body first, then references made in
/// notes (the order in which layout sets them).
pub fn note_numbers(doc: &Document, chapter: usize) -> BTreeMap<NoteId, usize> {
    let mut order: Vec<NoteId> = Vec::new();
    for block in &doc.chapters[chapter].blocks {
        block_notes(block, &mut order);
    }
    let mut i = 0;
    while i < order.len() {
        if let Some(note) = doc.notes.get(order[i].0 as usize) {
            for block in &note.blocks {
                block_notes(block, &mut order);
            }
        }
        i += 1;
    }
    order
        .into_iter()
        .enumerate()
        .map(|(i, id)| (id, i + 1))
        .collect()
}

fn block_notes(block: &Block, out: &mut Vec<NoteId>) {
    match block {
        Block::Heading { content, .. }
        | Block::Kicker { content, .. }
        | Block::Standfirst { content, .. }
        | Block::Dateline { content, .. }
        | Block::Paragraph { content, .. } => inline_notes(content, out),
        Block::Quote { blocks, .. } => blocks.iter().for_each(|b| block_notes(b, out)),
        Block::List { items, .. } => items
            .iter()
            .flat_map(|i| &i.blocks)
            .for_each(|b| block_notes(b, out)),
        Block::Table {
            head,
            rows,
            caption,
            ..
        } => {
            inline_notes(caption, out);
            for cell in head.iter().chain(rows.iter().flatten()) {
                inline_notes(cell, out);
            }
        }
        Block::Callout { blocks, .. } => blocks.iter().for_each(|b| block_notes(b, out)),
        Block::DefinitionList { items, .. } => {
            for item in items {
                inline_notes(&item.term, out);
                item.details
                    .iter()
                    .flatten()
                    .for_each(|b| block_notes(b, out));
            }
        }
        Block::Details {
            summary, blocks, ..
        } => {
            inline_notes(summary, out);
            blocks.iter().for_each(|b| block_notes(b, out));
        }
        Block::Division { blocks, .. } => blocks.iter().for_each(|b| block_notes(b, out)),
        Block::Code { .. }
        | Block::Figure { .. }
        | Block::Rule { .. }
        | Block::Equation { .. }
        | Block::Bibliography { .. } => {}
    }
}

fn inline_notes(content: &[Inline], out: &mut Vec<NoteId>) {
    for inline in content {
        match inline {
            Inline::NoteRef(id) => {
                if !out.contains(id) {
                    out.push(*id);
                }
            }
            Inline::Emph(c)
            | Inline::Strong(c)
            | Inline::Strike(c)
            | Inline::Tagged { content: c, .. } => inline_notes(c, out),
            Inline::Link { content, .. } => inline_notes(content, out),
            Inline::Text(_)
            | Inline::Code(_)
            | Inline::Math(_)
            | Inline::Ref(_)
            | Inline::Cite(_)
            | Inline::SoftBreak
            | Inline::HardBreak => {}
        }
    }
}

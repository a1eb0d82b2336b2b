//! The resolve stage: internal links → anchors.
//!
//! Input: the tree with `LinkTarget::Unresolved` references (`#id`,
//! `other.md`, `other.md#id`). Output: the same tree with each reference either
//! turned into `LinkTarget::Internal` or reported (the backends then render the
//! link text without a link).

use crate::diag::Diagnostics;
use crate::doc::{AnchorId, Block, Chapter, Document, Inline, LinkTarget};
use std::path::Path;

/// Resolves every internal link of the document.
pub fn resolve(doc: &mut Document, diags: &mut Diagnostics) {
    let index = Index::new(doc);
    for (i, chapter) in doc.chapters.iter_mut().enumerate() {
        for block in &mut chapter.blocks {
            walk_block(block, &index, i, diags);
        }
    }
    for note in &mut doc.notes {
        let chapter = note.chapter;
        for block in &mut note.blocks {
            walk_block(block, &index, chapter, diags);
        }
    }
}

/// What links can point at: per chapter, its source and its ids.
struct Index {
    chapters: Vec<ChapterIndex>,
    /// Every anchor id in the book, for `#id` links to other chapters.
    all: std::collections::HashMap<String, AnchorId>,
}

struct ChapterIndex {
    source: std::path::PathBuf,
    anchor: AnchorId,
    /// Ids as written → anchors; the first heading with an id wins.
    ids: std::collections::HashMap<String, AnchorId>,
}

impl Index {
    fn new(doc: &Document) -> Self {
        let chapters = doc
            .chapters
            .iter()
            .map(|c: &Chapter| {
                let mut ids = std::collections::HashMap::new();
                for (id, anchor) in &c.ids {
                    ids.entry(id.clone()).or_insert(*anchor);
                }
                ChapterIndex {
                    source: c.source.clone(),
                    anchor: c.anchor,
                    ids,
                }
            })
            .collect();
        let all = doc
            .anchors
            .iter()
            .map(|(id, a)| (a.id.clone(), id))
            .collect();
        Index { chapters, all }
    }

    fn lookup(&self, reference: &str, from: usize) -> Option<AnchorId> {
        let (path, fragment) = match reference.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (reference, None),
        };
        let chapter = if path.is_empty() {
            from
        } else {
            let here = self
                .chapters
                .get(from)?
                .source
                .parent()
                .unwrap_or(Path::new(""));
            let wanted = crate::parse::normalize(&here.join(path));
            self.chapters.iter().position(|c| {
                crate::parse::normalize(&c.source) == wanted
                    || (c.source.file_name() == wanted.file_name()
                        && !self
                            .chapters
                            .iter()
                            .any(|o| crate::parse::normalize(&o.source) == wanted))
            })?
        };
        let target = &self.chapters[chapter];
        match fragment {
            None | Some("") => Some(target.anchor),
            Some(fragment) => target.ids.get(fragment).copied().or_else(|| {
                // `#id` may name a heading of another chapter by its unique id.
                path.is_empty()
                    .then(|| self.all.get(fragment).copied())
                    .flatten()
            }),
        }
    }
}

fn walk_block(block: &mut Block, index: &Index, chapter: usize, diags: &mut Diagnostics) {
    match block {
        Block::Heading { content, .. }
        | Block::Kicker { content, .. }
        | Block::Standfirst { content, .. }
        | Block::Dateline { content, .. }
        | Block::Paragraph { content, .. } => walk_inlines(content, index, chapter, diags),
        Block::Quote { blocks, .. } => {
            for b in blocks {
                walk_block(b, index, chapter, diags);
            }
        }
        Block::List { items, .. } => {
            for item in items {
                for b in &mut item.blocks {
                    walk_block(b, index, chapter, diags);
                }
            }
        }
        Block::Table { head, rows, .. } => {
            for cell in head.iter_mut().chain(rows.iter_mut().flatten()) {
                walk_inlines(cell, index, chapter, diags);
            }
        }
        Block::DefinitionList { items, .. } => {
            for item in items {
                walk_inlines(&mut item.term, index, chapter, diags);
                for b in item.details.iter_mut().flatten() {
                    walk_block(b, index, chapter, diags);
                }
            }
        }
        Block::Details {
            summary, blocks, ..
        } => {
            walk_inlines(summary, index, chapter, diags);
            for b in blocks {
                walk_block(b, index, chapter, diags);
            }
        }
        Block::Division { blocks, .. } => {
            for b in blocks {
                walk_block(b, index, chapter, diags);
            }
        }
        Block::Code { .. } | Block::Figure { .. } | Block::Rule { .. } => {}
    }
}

fn walk_inlines(inlines: &mut [Inline], index: &Index, chapter: usize, diags: &mut Diagnostics) {
    for inline in inlines {
        match inline {
            Inline::Link { target, content } => {
                if let LinkTarget::Unresolved { reference, span } = target {
                    match index.lookup(reference, chapter) {
                        Some(anchor) => *target = LinkTarget::Internal(anchor),
                        None => diags.warn(
                            *span,
                            format!("link target not found ({reference}); rendered as plain text"),
                        ),
                    }
                }
                walk_inlines(content, index, chapter, diags);
            }
            Inline::Emph(c)
            | Inline::Strong(c)
            | Inline::Strike(c)
            | Inline::Tagged { content: c, .. } => walk_inlines(c, index, chapter, diags),
            Inline::Text(_)
            | Inline::Code(_)
            | Inline::NoteRef(_)
            | Inline::SoftBreak
            | Inline::HardBreak => {}
        }
    }
}

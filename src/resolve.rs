//! The resolve stage: internal links → anchors; labelled figures, tables
//! and equations → numbers; references to them → their anchors and numbers.
//!
//! Input: the tree with `LinkTarget::Unresolved` references (`#id`,
//! `other.md`, `other.md#id`) and unresolved `@fig:id` references. Output:
//! the same tree with each reference either turned into
//! `LinkTarget::Internal` or reported (the backends then render the link
//! text without a link); figures, tables and equations with a label
//! numbered through the book in reading order, one count per kind; each
//! `@fig:id` pointing at its target (an unknown label is a warning).

use crate::diag::Diagnostics;
use crate::doc::{AnchorId, Block, Chapter, Document, Inline, LinkTarget, RefKind};
use std::collections::HashMap;
use std::path::Path;

/// Resolves every internal link of the document.
pub fn resolve(doc: &mut Document, diags: &mut Diagnostics) {
    let labels = number(doc, diags);
    resolve_refs(doc, &labels, diags);
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
        Block::Table {
            head,
            rows,
            caption,
            ..
        } => {
            walk_inlines(caption, index, chapter, diags);
            for cell in head.iter_mut().chain(rows.iter_mut().flatten()) {
                walk_inlines(cell, index, chapter, diags);
            }
        }
        Block::Callout { blocks, .. } => {
            for b in blocks {
                walk_block(b, index, chapter, diags);
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
        Block::Code { .. }
        | Block::Figure { .. }
        | Block::Rule { .. }
        | Block::Equation { .. }
        | Block::Bibliography { .. } => {}
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
            | Inline::Math(_)
            | Inline::Ref(_)
            | Inline::Cite(_)
            | Inline::SoftBreak
            | Inline::HardBreak => {}
        }
    }
}

/// Numbers every labelled figure, table and equation through the book, in
/// reading order, one count per kind; returns label → (anchor, number). A
/// label given twice is reported; the first keeps it.
fn number(doc: &mut Document, diags: &mut Diagnostics) -> HashMap<String, (AnchorId, u32)> {
    let mut labels: HashMap<String, (AnchorId, u32)> = HashMap::new();
    let mut counts: HashMap<RefKind, u32> = HashMap::new();
    for chapter in &mut doc.chapters {
        let span = crate::diag::Span::new(crate::diag::FileId(0), 0..0);
        let mut twice = Vec::new();
        crate::doc::technical::walk_numbered_mut(&mut chapter.blocks, &mut |kind, numbered| {
            let n = counts.entry(kind).or_insert(0);
            *n += 1;
            numbered.number = *n;
            if labels.contains_key(&numbered.label) {
                twice.push(numbered.label.clone());
            } else {
                labels.insert(numbered.label.clone(), (numbered.anchor, *n));
            }
        });
        for label in twice {
            let at = chapter
                .blocks
                .iter()
                .map(Block::span)
                .next()
                .unwrap_or(span);
            diags.warn(
                at,
                format!("label {{#{label}}} is used twice; references go to the first"),
            );
        }
    }
    labels
}

/// Points every `@fig:id` reference at its target; an unknown label is a
/// warning (the reference then shows the label).
fn resolve_refs(
    doc: &mut Document,
    labels: &HashMap<String, (AnchorId, u32)>,
    diags: &mut Diagnostics,
) {
    let mut resolve = |inline: &mut Inline| {
        if let Inline::Ref(r) = inline {
            match labels.get(&r.label) {
                Some(&target) if RefKind::of_label(&r.label) == Some(r.kind) => {
                    r.target = Some(target);
                }
                _ => diags.warn(
                    r.span,
                    format!(
                        "unknown label @{}; no figure, table or equation has it",
                        r.label
                    ),
                ),
            }
        }
    };
    for chapter in &mut doc.chapters {
        crate::doc::technical::walk_inlines_mut(&mut chapter.blocks, &mut resolve);
    }
    for note in &mut doc.notes {
        crate::doc::technical::walk_inlines_mut(&mut note.blocks, &mut resolve);
    }
}

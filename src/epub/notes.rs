//! Footnotes across the book: where each note is written, its number, and
//! an id for every reference to it.
//!
//! Input: the tree, its content documents ([`Part`]s) and the part each
//! anchor lands in. Output: a [`NotePlan`] the XHTML writer follows. A note
//! is written at the end of the part that first references it; numbers run
//! through the book in the order notes are written (or restart in each
//! chapter); every reference gets its own id (the first the note's `back`
//! anchor, later ones `back-2`, `back-3`…), so the note can link back to each.
//!
//! The walk visits references in the order the writer writes them: the
//! part's blocks in document order, then the notes written at its end.

use super::nav::Part;
use crate::doc::{AnchorId, Block, Document, Inline, NoteId};
use std::collections::{BTreeMap, BTreeSet};

/// What the writer needs to know about footnotes.
#[derive(Debug, Default)]
pub struct NotePlan {
    /// The number shown for each note (index: [`NoteId`]); 0 when never referenced.
    pub numbers: Vec<u32>,
    /// The notes written at the end of each part, in order.
    pub homed: Vec<Vec<NoteId>>,
    /// The ids of the references to a note in a part, in order.
    pub refs: BTreeMap<(usize, NoteId), Vec<String>>,
    /// Every reference to each note, in book order: its part and id.
    pub backs: Vec<Vec<(usize, String)>>,
}

/// Plans the notes; `per_chapter` restarts numbering in each chapter.
pub fn plan(
    doc: &Document,
    parts: &[Part<'_>],
    anchor_parts: &BTreeMap<AnchorId, usize>,
    per_chapter: bool,
) -> NotePlan {
    let mut walk = Walk {
        doc,
        anchor_parts,
        plan: NotePlan {
            numbers: vec![0; doc.notes.len()],
            homed: vec![Vec::new(); parts.len()],
            refs: BTreeMap::new(),
            backs: vec![Vec::new(); doc.notes.len()],
        },
        used: BTreeSet::new(),
        part: 0,
    };
    let mut number = 0;
    for (p, part) in parts.iter().enumerate() {
        walk.part = p;
        walk.blocks(part.blocks);
        let mut i = 0;
        while i < walk.plan.homed[p].len() {
            let id = walk.plan.homed[p][i];
            walk.blocks(&doc.notes[id.0 as usize].blocks);
            i += 1;
        }
        if per_chapter && part.first {
            number = 0;
        }
        for &id in &walk.plan.homed[p] {
            number += 1;
            walk.plan.numbers[id.0 as usize] = number;
        }
    }
    walk.plan
}

struct Walk<'a> {
    doc: &'a Document,
    anchor_parts: &'a BTreeMap<AnchorId, usize>,
    plan: NotePlan,
    /// Reference ids made so far (beyond the notes' own `back` anchors).
    used: BTreeSet<String>,
    part: usize,
}

impl Walk<'_> {
    fn blocks(&mut self, blocks: &[Block]) {
        for block in blocks {
            match block {
                Block::Heading { content, .. }
                | Block::Kicker { content, .. }
                | Block::Standfirst { content, .. }
                | Block::Dateline { content, .. }
                | Block::Paragraph { content, .. } => self.inlines(content),
                Block::Quote { blocks, .. } | Block::Division { blocks, .. } => self.blocks(blocks),
                Block::List { items, .. } => {
                    for item in items {
                        self.blocks(&item.blocks);
                    }
                }
                Block::Table {
                    head,
                    rows,
                    caption,
                    ..
                } => {
                    self.inlines(caption);
                    for cell in head.iter().chain(rows.iter().flatten()) {
                        self.inlines(cell);
                    }
                }
                Block::Callout { blocks, .. } => self.blocks(blocks),
                Block::Bibliography { entries, .. } => {
                    for entry in entries {
                        self.inlines(&entry.content);
                    }
                }
                Block::DefinitionList { items, .. } => {
                    for item in items {
                        self.inlines(&item.term);
                        for d in &item.details {
                            self.blocks(d);
                        }
                    }
                }
                Block::Details {
                    summary, blocks, ..
                } => {
                    self.inlines(summary);
                    self.blocks(blocks);
                }
                Block::Code { .. }
                | Block::Figure { .. }
                | Block::Rule { .. }
                | Block::Equation { .. } => {}
            }
        }
    }

    fn inlines(&mut self, inlines: &[Inline]) {
        for inline in inlines {
            match inline {
                Inline::NoteRef(id) => self.reference(*id),
                Inline::Emph(c)
                | Inline::Strong(c)
                | Inline::Strike(c)
                | Inline::Tagged { content: c, .. } => self.inlines(c),
                Inline::Link { content, .. } => self.inlines(content),
                Inline::Cite(c) => self.inlines(&c.rendered),
                Inline::Text(_)
                | Inline::Code(_)
                | Inline::Math(_)
                | Inline::Ref(_)
                | Inline::SoftBreak
                | Inline::HardBreak => {}
            }
        }
    }

    fn reference(&mut self, id: NoteId) {
        let note = &self.doc.notes[id.0 as usize];
        let back = &self.doc.anchors.get(note.back).id;
        let k = self.plan.backs[id.0 as usize].len() + 1;
        let ref_id = if k == 1 {
            back.clone()
        } else {
            // Unique in the book: not an anchor and not made before.
            let mut candidate = format!("{back}-{k}");
            while self.doc.anchors.find(&candidate).is_some() || self.used.contains(&candidate) {
                candidate.push('x');
            }
            self.used.insert(candidate.clone());
            candidate
        };
        self.plan.backs[id.0 as usize].push((self.part, ref_id.clone()));
        self.plan
            .refs
            .entry((self.part, id))
            .or_default()
            .push(ref_id);
        let home = self.anchor_parts.get(&note.anchor).copied();
        let homed = &mut self.plan.homed[self.part];
        if home == Some(self.part) && !homed.contains(&id) {
            homed.push(id);
        }
    }
}

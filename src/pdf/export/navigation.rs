//! Navigation: link annotations (external URIs and places in the book),
//! the nested outline (bookmarks) and the page labels that make viewers
//! show "iv" and "17" instead of the page's position.

use super::content::PageRecord;
use super::objects::Objects;
use crate::diag::Result;
use crate::doc::AnchorId;
use crate::pdf::frame::{Book, LinkDest, Numbering};
use pdf_writer::types::{ActionType, AnnotationType, NumberingStyle};
use pdf_writer::writers::{Destination, PageLabel};
use pdf_writer::{Finish, Obj, Rect, Ref, Str, TextStr};
use std::io::Write;

/// Where internal destinations point: page objects and the pages' records.
pub struct Targets<'a> {
    /// The page objects, in document order.
    pub pages: &'a [Ref],
    /// The written pages, in document order.
    pub records: &'a [PageRecord],
    /// The book's facts.
    pub book: &'a Book,
}

impl Targets<'_> {
    /// Writes a destination for `anchor` (its page, scrolled to its top)
    /// into `obj`; false if the anchor is not on any page.
    fn dest(&self, anchor: &AnchorId, obj: Obj<'_>) -> bool {
        let Some(&(page, y)) = self.book.anchors.get(anchor) else {
            return false;
        };
        let (Some(&id), Some(record)) = (self.pages.get(page), self.records.get(page)) else {
            return false;
        };
        let top = record.trim[3] - y.to_pt() as f32;
        obj.start::<Destination>()
            .page(id)
            .xyz(record.trim[0], top, None);
        true
    }

    /// Whether an anchor lands on a page.
    fn has(&self, anchor: &AnchorId) -> bool {
        self.book
            .anchors
            .get(anchor)
            .is_some_and(|(page, _)| *page < self.pages.len())
    }
}

/// Writes the link annotations of page `index`; returns them.
pub fn links<W: Write>(
    objects: &mut Objects<W>,
    targets: &Targets<'_>,
    index: usize,
    flags: Option<i32>,
) -> Result<Vec<Ref>> {
    let mut out = Vec::new();
    let Some(record) = targets.records.get(index) else {
        return Ok(out);
    };
    for ([x0, y0, x1, y1], dest) in &record.links {
        if let LinkDest::Anchor(anchor) = dest
            && !targets.has(anchor)
        {
            continue;
        }
        let id = objects.reserve();
        objects.write(id, |c, id| {
            let mut annot = c.annotation(id);
            annot
                .subtype(AnnotationType::Link)
                .rect(Rect::new(*x0, *y0, *x1, *y1))
                .border(0.0, 0.0, 0.0, None);
            if let Some(flags) = flags {
                annot.pair(pdf_writer::Name(b"F"), flags);
            }
            match dest {
                LinkDest::Uri(uri) => {
                    annot
                        .action()
                        .action_type(ActionType::Uri)
                        .uri(Str(uri.as_bytes()));
                }
                LinkDest::Anchor(anchor) => {
                    targets.dest(anchor, annot.insert(pdf_writer::Name(b"Dest")));
                }
            }
            annot.finish();
        })?;
        out.push(id);
    }
    Ok(out)
}

/// Writes the nested outline; returns its root, if it has entries.
pub fn outline<W: Write>(objects: &mut Objects<W>, targets: &Targets<'_>) -> Result<Option<Ref>> {
    struct Node<'b> {
        title: &'b str,
        level: u8,
        anchor: AnchorId,
        children: Vec<usize>,
    }
    let mut nodes: Vec<Node<'_>> = Vec::new();
    let mut roots: Vec<usize> = Vec::new();
    let mut stack: Vec<usize> = Vec::new();
    for entry in &targets.book.outline {
        if !targets.has(&entry.anchor) {
            continue;
        }
        let index = nodes.len();
        nodes.push(Node {
            title: &entry.title,
            level: entry.level,
            anchor: entry.anchor,
            children: Vec::new(),
        });
        while stack.last().is_some_and(|&s| nodes[s].level >= entry.level) {
            stack.pop();
        }
        match stack.last() {
            Some(&parent) => nodes[parent].children.push(index),
            None => roots.push(index),
        }
        stack.push(index);
    }
    if roots.is_empty() {
        return Ok(None);
    }
    fn count(nodes: &[Node<'_>], i: usize) -> i32 {
        nodes[i].children.iter().map(|&c| 1 + count(nodes, c)).sum()
    }
    let root = objects.reserve();
    let ids: Vec<Ref> = nodes.iter().map(|_| objects.reserve()).collect();
    let mut levels: Vec<(Ref, &[usize])> = vec![(root, &roots)];
    for (i, node) in nodes.iter().enumerate() {
        if !node.children.is_empty() {
            levels.push((ids[i], &node.children));
        }
    }
    for (parent, items) in levels {
        for (k, &i) in items.iter().enumerate() {
            let node = &nodes[i];
            objects.write(ids[i], |c, id| {
                let mut item = c.outline_item(id);
                item.title(TextStr(node.title)).parent(parent);
                if k > 0 {
                    item.prev(ids[items[k - 1]]);
                }
                if k + 1 < items.len() {
                    item.next(ids[items[k + 1]]);
                }
                if let (Some(&first), Some(&last)) = (node.children.first(), node.children.last()) {
                    item.first(ids[first]).last(ids[last]);
                    // Chapters open, deeper levels closed.
                    let n = count(&nodes, i);
                    item.count(if node.level <= 1 { n } else { -n });
                }
                targets.dest(&node.anchor, item.insert(pdf_writer::Name(b"Dest")));
            })?;
        }
    }
    let visible: i32 = roots
        .iter()
        .map(|&r| {
            1 + if nodes[r].level <= 1 {
                count(&nodes, r)
            } else {
                0
            }
        })
        .sum();
    objects.write(root, |c, id| {
        c.outline(id)
            .first(ids[roots[0]])
            .last(ids[roots[roots.len() - 1]])
            .count(visible);
    })?;
    Ok(Some(root))
}

/// Writes the page labels; returns them (start page, label object).
pub fn page_labels<W: Write>(objects: &mut Objects<W>, book: &Book) -> Result<Vec<(i32, Ref)>> {
    let mut out = Vec::new();
    for label in &book.labels {
        let id = objects.reserve();
        objects.write(id, |c, id| {
            c.indirect(id)
                .start::<PageLabel>()
                .style(match label.style {
                    Numbering::Roman => NumberingStyle::LowerRoman,
                    Numbering::Arabic => NumberingStyle::Arabic,
                })
                .offset(label.first as i32);
        })?;
        out.push((label.start as i32, id));
    }
    Ok(out)
}

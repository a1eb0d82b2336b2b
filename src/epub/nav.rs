//! Navigation: the book split into content documents ([`Part`]s), the TOC tree
//! built from them, handed to epub-builder as the `TocElement`s of each
//! content document (it writes the EPUB 3 navigation document and the NCX),
//! and the optional printed TOC page.

use super::xhtml::{attr, escape};
use crate::doc::{AnchorId, Block, Document, Inline, plain_text};
use epub_builder::TocElement;
use std::collections::BTreeMap;
use std::fmt::Write;

/// One content document: a chapter, or a piece of one split at a heading.
#[derive(Debug, Clone)]
pub struct Part<'a> {
    /// The chapter it comes from.
    pub chapter: usize,
    /// Its blocks.
    pub blocks: &'a [Block],
    /// File name in the container (`chapter-001.xhtml`).
    pub file: String,
    /// Its title for the TOC.
    pub title: String,
    /// Whether it starts its chapter.
    pub first: bool,
}

/// Splits chapters at headings of `level` or higher (none: one part per chapter).
pub fn parts<'d>(
    doc: &'d Document,
    split_level: Option<u8>,
    labels: &crate::labels::Labels,
) -> Vec<Part<'d>> {
    let mut out = Vec::new();
    for (c, chapter) in doc.chapters.iter().enumerate() {
        let mut starts = vec![0];
        if let Some(level) = split_level {
            for (i, block) in chapter.blocks.iter().enumerate() {
                if let Block::Heading { level: l, .. } = block
                    && *l <= level
                    && i > 0
                    && has_content(&chapter.blocks[starts[starts.len() - 1]..i])
                {
                    starts.push(i);
                }
            }
        }
        for (k, &start) in starts.iter().enumerate() {
            let end = starts.get(k + 1).copied().unwrap_or(chapter.blocks.len());
            let blocks = &chapter.blocks[start..end];
            let title = if k == 0 {
                super::xhtml::toc_title(doc, c, labels)
            } else {
                blocks
                    .iter()
                    .find_map(|b| match b {
                        Block::Heading { content, .. } => Some(plain_text(content)),
                        _ => None,
                    })
                    .unwrap_or_else(|| super::xhtml::toc_title(doc, c, labels))
            };
            out.push(Part {
                chapter: c,
                blocks,
                file: String::new(),
                title,
                first: k == 0,
            });
        }
    }
    for (i, part) in out.iter_mut().enumerate() {
        part.file = format!("chapter-{:03}.xhtml", i + 1);
    }
    out
}

/// Whether blocks hold anything besides article furniture before a split.
fn has_content(blocks: &[Block]) -> bool {
    blocks.iter().any(|b| {
        !matches!(
            b,
            Block::Kicker { .. } | Block::Standfirst { .. } | Block::Dateline { .. }
        )
    }) && !blocks
        .iter()
        .all(|b| matches!(b, Block::Heading { level: 1, .. } | Block::Kicker { .. }))
}

/// Which part each anchor lands in.
pub fn anchor_parts(doc: &Document, parts: &[Part<'_>]) -> BTreeMap<AnchorId, usize> {
    let mut map = BTreeMap::new();
    for (i, part) in parts.iter().enumerate() {
        if part.first {
            map.insert(doc.chapters[part.chapter].anchor, i);
        }
        walk(doc, part.blocks, i, &mut map);
    }
    map
}

fn walk(doc: &Document, blocks: &[Block], part: usize, map: &mut BTreeMap<AnchorId, usize>) {
    for block in blocks {
        match block {
            Block::Heading {
                anchor, content, ..
            } => {
                map.insert(*anchor, part);
                notes(doc, content, part, map);
            }
            Block::Kicker { content, .. }
            | Block::Standfirst { content, .. }
            | Block::Dateline { content, .. }
            | Block::Paragraph { content, .. } => notes(doc, content, part, map),
            Block::Quote { blocks, .. } => walk(doc, blocks, part, map),
            Block::List { items, .. } => {
                for item in items {
                    walk(doc, &item.blocks, part, map);
                }
            }
            Block::Table {
                head,
                rows,
                caption,
                label,
                ..
            } => {
                if let Some(label) = label {
                    map.insert(label.anchor, part);
                }
                notes(doc, caption, part, map);
                for cell in head.iter().chain(rows.iter().flatten()) {
                    notes(doc, cell, part, map);
                }
            }
            Block::Figure {
                label: Some(label), ..
            }
            | Block::Equation {
                label: Some(label), ..
            } => {
                map.insert(label.anchor, part);
            }
            Block::Callout { blocks, .. } => walk(doc, blocks, part, map),
            Block::Bibliography { entries, .. } => {
                for entry in entries {
                    map.insert(entry.anchor, part);
                    notes(doc, &entry.content, part, map);
                }
            }
            Block::DefinitionList { items, .. } => {
                for item in items {
                    notes(doc, &item.term, part, map);
                    for d in &item.details {
                        walk(doc, d, part, map);
                    }
                }
            }
            Block::Details {
                summary, blocks, ..
            } => {
                notes(doc, summary, part, map);
                walk(doc, blocks, part, map);
            }
            Block::Division { blocks, .. } => walk(doc, blocks, part, map),
            Block::Code { .. }
            | Block::Figure { .. }
            | Block::Equation { .. }
            | Block::Rule { .. } => {}
        }
    }
}

/// Notes are written in the part that first references them.
fn notes(doc: &Document, inlines: &[Inline], part: usize, map: &mut BTreeMap<AnchorId, usize>) {
    for inline in inlines {
        match inline {
            Inline::NoteRef(id) => {
                let note = &doc.notes[id.0 as usize];
                if !map.contains_key(&note.anchor) {
                    map.insert(note.anchor, part);
                    map.insert(note.back, part);
                    walk(doc, &note.blocks, part, map);
                }
            }
            Inline::Emph(c)
            | Inline::Strong(c)
            | Inline::Strike(c)
            | Inline::Tagged { content: c, .. } => notes(doc, c, part, map),
            Inline::Link { content, .. } => notes(doc, content, part, map),
            Inline::Cite(c) => notes(doc, &c.rendered, part, map),
            Inline::Text(_)
            | Inline::Code(_)
            | Inline::Math(_)
            | Inline::Ref(_)
            | Inline::SoftBreak
            | Inline::HardBreak => {}
        }
    }
}

/// An entry of the table of contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Its text.
    pub title: String,
    /// Where it points (`file#id`).
    pub href: String,
    /// Nested entries.
    pub children: Vec<Entry>,
}

/// Builds the TOC: sections (when chapters have them), chapters, and headings
/// down to `depth` levels (1: chapters only).
pub fn toc(doc: &Document, parts: &[Part<'_>], depth: u8) -> Vec<Entry> {
    let mut chapters: Vec<Entry> = Vec::new();
    let mut sections: Vec<(Option<String>, Vec<usize>)> = Vec::new();
    for part in parts {
        let mut entry = Entry {
            title: part.title.clone(),
            href: part.file.clone(),
            children: Vec::new(),
        };
        if depth >= 2 {
            entry.children = headings(doc, part, depth);
        }
        let section = doc.chapters[part.chapter].section.clone();
        if part.first {
            chapters.push(entry);
            match sections.last_mut() {
                Some((s, list)) if *s == section => list.push(chapters.len() - 1),
                _ => sections.push((section, vec![chapters.len() - 1])),
            }
        } else if let Some(last) = chapters.last_mut()
            && depth >= 2
        {
            last.children.push(entry);
        }
    }
    let mut out = Vec::new();
    for (section, indexes) in sections {
        let entries: Vec<Entry> = indexes.iter().map(|&i| chapters[i].clone()).collect();
        match section {
            Some(title) => out.push(Entry {
                title,
                href: entries.first().map(|e| e.href.clone()).unwrap_or_default(),
                children: entries,
            }),
            None => out.extend(entries),
        }
    }
    out
}

/// Headings of a part (below its own title), nested by level.
fn headings(doc: &Document, part: &Part<'_>, depth: u8) -> Vec<Entry> {
    let mut flat: Vec<(u8, Entry)> = Vec::new();
    for (i, block) in part.blocks.iter().enumerate() {
        if let Block::Heading {
            level,
            content,
            anchor,
            ..
        } = block
        {
            // The part's own title heading is the entry itself.
            if *level == 1 || (i == 0 && !part.first) || *level > depth {
                continue;
            }
            flat.push((
                *level,
                Entry {
                    title: plain_text(content),
                    href: format!("{}#{}", part.file, doc.anchors.get(*anchor).id),
                    children: Vec::new(),
                },
            ));
        }
    }
    nest(&flat)
}

fn nest(flat: &[(u8, Entry)]) -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::new();
    let mut i = 0;
    while i < flat.len() {
        let (level, entry) = &flat[i];
        let mut j = i + 1;
        while j < flat.len() && flat[j].0 > *level {
            j += 1;
        }
        let mut e = entry.clone();
        e.children = nest(&flat[i + 1..j]);
        out.push(e);
        i = j;
    }
    out
}

fn ol(entries: &[Entry], depth: usize, out: &mut String) {
    let pad = "  ".repeat(depth + 2);
    let _ = writeln!(out, "{pad}<ol>");
    for e in entries {
        let title = if e.title.trim().is_empty() {
            "Untitled"
        } else {
            e.title.as_str()
        };
        let _ = write!(
            out,
            "{pad}  <li><a href=\"{}\">{}</a>",
            attr(&e.href),
            escape(title)
        );
        if e.children.is_empty() {
            out.push_str("</li>\n");
        } else {
            out.push('\n');
            ol(&e.children, depth + 1, out);
            let _ = writeln!(out, "{pad}  </li>");
        }
    }
    let _ = writeln!(out, "{pad}</ol>");
}

/// How many levels the TOC tree has (the NCX's `dtb:depth`).
pub fn depth(entries: &[Entry]) -> usize {
    entries
        .iter()
        .map(|e| 1 + depth(&e.children))
        .max()
        .unwrap_or(0)
}

/// The TOC as epub-builder takes it: for each part, the element its
/// `EpubContent` carries (with the entries below it), or `None` when the
/// part has no entry of its own. epub-builder nests each part's element
/// under the previous ones by level, which rebuilds `entries`.
pub fn toc_elements(entries: &[Entry], parts: &[Part<'_>]) -> Vec<Option<TocElement>> {
    fn flatten(entries: &[Entry], level: i32, out: &mut Vec<(i32, String, String)>) {
        for e in entries {
            let title = if e.title.trim().is_empty() {
                "Untitled".to_string()
            } else {
                super::package::clean(&e.title)
            };
            out.push((level, title, e.href.clone()));
            flatten(&e.children, level + 1, out);
        }
    }
    let mut flat = Vec::new();
    flatten(entries, 1, &mut flat);
    let mut out: Vec<Option<TocElement>> = vec![None; parts.len()];
    let index: BTreeMap<&str, usize> = parts
        .iter()
        .enumerate()
        .map(|(i, p)| (p.file.as_str(), i))
        .collect();
    let mut current: Option<(usize, TocElement)> = None;
    for (level, title, href) in flat {
        let file = href.split('#').next().unwrap_or("");
        let part = index.get(file).copied();
        let element = TocElement::new(href.as_str(), title).level(level);
        match (&mut current, part) {
            (Some((p, root)), Some(q)) if *p == q => root.add(element),
            (_, Some(q)) => {
                if let Some((p, root)) = current.take() {
                    out[p] = Some(root);
                }
                current = Some((q, element));
            }
            (_, None) => {}
        }
    }
    if let Some((p, root)) = current {
        out[p] = Some(root);
    }
    out
}

/// The printed table of contents, a page in the reading order.
pub fn toc_page(entries: &[Entry], language: &str, title: &str) -> String {
    let lang = attr(language);
    let title = super::xhtml::escape(title);
    let mut list = String::new();
    ol(entries, 0, &mut list);
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\" lang=\"{lang}\" xml:lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>{title}</title>\n<link rel=\"stylesheet\" type=\"text/css\" href=\"stylesheet.css\"/>\n</head>\n<body epub:type=\"frontmatter\">\n<section class=\"toc-page\" role=\"doc-toc\">\n<h1>{title}</h1>\n{list}</section>\n</body>\n</html>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_by_level() {
        let e = |t: &str| Entry {
            title: t.into(),
            href: String::new(),
            children: Vec::new(),
        };
        let flat = vec![(2, e("a")), (3, e("a1")), (3, e("a2")), (2, e("b"))];
        let tree = nest(&flat);
        assert_eq!(tree.len(), 2);
        assert_eq!(tree[0].children.len(), 2);
        assert!(tree[1].children.is_empty());
    }
}

//! Raw HTML in Markdown → tree nodes, through html5ever.
//!
//! Input: an HTML fragment (a block, or a paragraph that mixes Markdown and
//! inline tags). Output: the same blocks and inlines the Markdown reader makes.
//! Sanitising is by construction: only elements with a meaning in the tree
//! are kept (paragraphs, headings, lists, quotes, tables, code, emphasis,
//! links, images, line breaks); other elements are unwrapped to their text;
//! scripts, styles, frames, objects, forms and media are dropped with a
//! warning. Links go through the same checks as Markdown links, so
//! `javascript:` URLs and event handlers never reach an output.

use super::Context;
use crate::diag::Span;
use crate::doc::{Align, Block, Inline, LinkTarget, ListItem, NoteId, plain_text, slugify};
use html5ever::tendril::TendrilSink;
use html5ever::{ParseOpts, QualName, local_name, ns, parse_fragment};
use markup5ever_rcdom::{Handle, NodeData, RcDom};
use std::collections::BTreeSet;

/// Elements dropped with their content.
const DROPPED: [&str; 24] = [
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "noscript",
    "template", "form", "input", "button", "select", "textarea", "link", "meta", "base", "svg",
    "math", "audio", "video", "canvas", "head",
];

/// Markers the Markdown reader puts in HTML it builds for mixed paragraphs.
pub const NOTE_TAG: &str = "b-note";
/// An image from Markdown syntax; its text content is the alt text.
pub const IMAGE_TAG: &str = "b-img";
/// Attribute naming a link target already classified by the Markdown reader.
pub const TARGET_ATTR: &str = "data-b-target";

/// Converts an HTML fragment.
pub struct Converter<'c, 'd> {
    ctx: &'c mut Context<'d>,
    span: Span,
    targets: &'c [Option<LinkTarget>],
    dropped: BTreeSet<String>,
    /// Images found inside inline content, placed after the block.
    pub figures: Vec<Block>,
    /// How deep the walk is; past [`MAX_DEPTH`] elements are flattened.
    depth: usize,
    flattened: bool,
}

/// Elements nested deeper than this are flattened to their text.
const MAX_DEPTH: usize = 48;

/// Parses a fragment. The DOM must outlive the handles taken from it: when
/// an `RcDom` drops, it empties its nodes' children.
fn parse(html: &str) -> RcDom {
    parse_fragment(
        RcDom::default(),
        ParseOpts::default(),
        QualName::new(None, ns!(html), local_name!("body")),
        Vec::new(),
        false,
    )
    .one(html)
}

/// The fragment's nodes are the children of the synthetic `<html>` element.
fn root(dom: &RcDom) -> Handle {
    let first = dom.document.children.borrow().first().cloned();
    first.unwrap_or_else(|| dom.document.clone())
}

impl<'c, 'd> Converter<'c, 'd> {
    /// A converter reporting at `span`; `targets` resolves `data-b-target` links.
    pub fn new(ctx: &'c mut Context<'d>, span: Span, targets: &'c [Option<LinkTarget>]) -> Self {
        Converter {
            ctx,
            span,
            targets,
            dropped: BTreeSet::new(),
            figures: Vec::new(),
            depth: 0,
            flattened: false,
        }
    }

    /// Converts a block-level fragment.
    pub fn blocks(mut self, html: &str) -> Vec<Block> {
        let dom = parse(html);
        let mut out = Vec::new();
        self.block_children(&root(&dom), &mut out);
        out.append(&mut self.figures);
        self.report();
        out
    }

    /// Converts an inline fragment; figures are left in `self.figures`.
    pub fn inlines(&mut self, html: &str) -> Vec<Inline> {
        let dom = parse(html);
        let out = self.inline_children(&root(&dom));
        self.report();
        out
    }

    fn report(&mut self) {
        if std::mem::take(&mut self.flattened) {
            self.ctx.diags.warn(
                self.span,
                format!("raw HTML nested deeper than {MAX_DEPTH} levels is flattened"),
            );
        }
        for tag in std::mem::take(&mut self.dropped) {
            self.ctx.diags.warn(
                self.span,
                format!("raw HTML <{tag}> is not allowed and was dropped"),
            );
        }
    }

    fn block_children(&mut self, node: &Handle, out: &mut Vec<Block>) {
        let mut pending: Vec<Inline> = Vec::new();
        for child in node.children.borrow().iter() {
            if is_block(child) {
                self.flush_paragraph(&mut pending, out);
                self.block(child, out);
            } else {
                pending.extend(self.inline(child));
            }
        }
        self.flush_paragraph(&mut pending, out);
    }

    fn flush_paragraph(&mut self, pending: &mut Vec<Inline>, out: &mut Vec<Block>) {
        let content = trim(std::mem::take(pending));
        if !content.is_empty() {
            out.push(Block::Paragraph {
                content,
                span: self.span,
            });
        }
        out.append(&mut self.figures);
    }

    fn block(&mut self, node: &Handle, out: &mut Vec<Block>) {
        let NodeData::Element { name, .. } = &node.data else {
            return;
        };
        if self.depth >= MAX_DEPTH {
            self.flattened = true;
            let text = text_content(node);
            if !text.trim().is_empty() {
                out.push(Block::Paragraph {
                    content: vec![Inline::Text(text)],
                    span: self.span,
                });
            }
            return;
        }
        self.depth += 1;
        self.block_inner(node, name, out);
        self.depth -= 1;
    }

    fn block_inner(&mut self, node: &Handle, name: &QualName, out: &mut Vec<Block>) {
        let tag = str::to_ascii_lowercase(&name.local);
        let span = self.span;
        match tag.as_str() {
            t if DROPPED.contains(&t) => {
                self.dropped.insert(tag.clone());
            }
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                let level = tag.as_bytes()[1] - b'0';
                let content = trim(self.inline_children(node));
                let wanted = attr(node, "id").unwrap_or_else(|| slugify(&plain_text(&content)));
                let anchor = self.ctx.anchor(&wanted);
                if !wanted.is_empty() {
                    self.ctx.ids.push((wanted, anchor));
                }
                out.push(Block::Heading {
                    level,
                    content,
                    anchor,
                    span,
                });
                out.append(&mut self.figures);
            }
            "p" => {
                let content = trim(self.inline_children(node));
                if !content.is_empty() {
                    out.push(Block::Paragraph { content, span });
                }
                out.append(&mut self.figures);
            }
            "blockquote" => {
                let mut blocks = Vec::new();
                self.block_children(node, &mut blocks);
                out.push(Block::Quote { blocks, span });
            }
            "ul" | "ol" => {
                let start = (tag == "ol").then(|| {
                    attr(node, "start")
                        .and_then(|s| s.trim().parse().ok())
                        .unwrap_or(1)
                });
                let mut items = Vec::new();
                for child in node.children.borrow().iter() {
                    if element_name(child).as_deref() == Some("li") {
                        let mut blocks = Vec::new();
                        self.block_children(child, &mut blocks);
                        items.push(ListItem { task: None, blocks });
                    }
                }
                out.push(Block::List { start, items, span });
            }
            "pre" => {
                let text = text_content(node);
                let text = text.strip_suffix('\n').unwrap_or(&text).to_string();
                out.push(Block::Code {
                    language: None,
                    text,
                    span,
                });
            }
            "hr" => out.push(Block::Rule { span }),
            "table" => self.table(node, out),
            "img" => {
                self.image(node);
                out.append(&mut self.figures);
            }
            "details" | "summary" | "figcaption" | "dt" => {
                // The summary (or term) as a bold line, then the content.
                let mut blocks = Vec::new();
                self.block_children(node, &mut blocks);
                if matches!(tag.as_str(), "summary" | "dt")
                    && let Some(Block::Paragraph { content, .. }) = blocks.first_mut()
                {
                    *content = vec![Inline::Strong(std::mem::take(content))];
                }
                out.extend(blocks);
            }
            _ => self.block_children(node, out),
        }
    }

    fn table(&mut self, node: &Handle, out: &mut Vec<Block>) {
        let mut rows: Vec<(bool, Vec<Vec<Inline>>)> = Vec::new();
        collect_rows(node, &mut |row: &Handle| {
            let mut header = true;
            let mut cells = Vec::new();
            for cell in row.children.borrow().iter() {
                match element_name(cell).as_deref() {
                    Some("th") => cells.push(trim(self.inline_children(cell))),
                    Some("td") => {
                        header = false;
                        cells.push(trim(self.inline_children(cell)));
                    }
                    _ => {}
                }
            }
            if !cells.is_empty() {
                rows.push((header, cells));
            }
        });
        if rows.is_empty() {
            return;
        }
        let cols = rows.iter().map(|(_, c)| c.len()).max().unwrap_or(0);
        let head = if rows[0].0 {
            rows.remove(0).1
        } else {
            Vec::new()
        };
        out.push(Block::Table {
            aligns: vec![Align::None; cols],
            head,
            rows: rows.into_iter().map(|(_, c)| c).collect(),
            span: self.span,
        });
        out.append(&mut self.figures);
    }

    fn image(&mut self, node: &Handle) {
        let Some(src) = attr(node, "src") else {
            return;
        };
        let alt = attr(node, "alt").unwrap_or_default();
        let title = attr(node, "title").filter(|t| !t.trim().is_empty());
        let image = self.ctx.image(&src, self.span);
        self.figures.push(Block::Figure {
            image,
            alt,
            title,
            span: self.span,
        });
    }

    fn inline_children(&mut self, node: &Handle) -> Vec<Inline> {
        let mut out = Vec::new();
        for child in node.children.borrow().iter() {
            out.extend(self.inline(child));
        }
        out
    }

    fn inline(&mut self, node: &Handle) -> Vec<Inline> {
        if self.depth >= MAX_DEPTH {
            self.flattened = true;
            return vec![Inline::Text(text_content(node))];
        }
        self.depth += 1;
        let out = self.inline_inner(node);
        self.depth -= 1;
        out
    }

    fn inline_inner(&mut self, node: &Handle) -> Vec<Inline> {
        match &node.data {
            NodeData::Text { contents } => vec![Inline::Text(contents.borrow().to_string())],
            NodeData::Element { name, .. } => {
                let tag = str::to_ascii_lowercase(&name.local);
                match tag.as_str() {
                    t if DROPPED.contains(&t) => {
                        self.dropped.insert(tag.clone());
                        Vec::new()
                    }
                    "b" | "strong" => vec![Inline::Strong(self.inline_children(node))],
                    "i" | "em" | "cite" | "dfn" | "var" => {
                        vec![Inline::Emph(self.inline_children(node))]
                    }
                    "s" | "strike" | "del" => vec![Inline::Strike(self.inline_children(node))],
                    "code" | "kbd" | "samp" | "tt" => vec![Inline::Code(text_content(node))],
                    "br" => vec![Inline::HardBreak],
                    "q" => {
                        let mut v = vec![Inline::Text("“".into())];
                        v.extend(self.inline_children(node));
                        v.push(Inline::Text("”".into()));
                        v
                    }
                    "img" => {
                        self.image(node);
                        Vec::new()
                    }
                    "a" => self.link(node),
                    t if t == NOTE_TAG => attr(node, "data-id")
                        .and_then(|n| n.parse().ok())
                        .map(|n| vec![Inline::NoteRef(NoteId(n))])
                        .unwrap_or_default(),
                    t if t == IMAGE_TAG => {
                        let alt = text_content(node);
                        if let Some(src) = attr(node, "src") {
                            let image = self.ctx.image(&src, self.span);
                            let title = attr(node, "title").filter(|t| !t.trim().is_empty());
                            self.figures.push(Block::Figure {
                                image,
                                alt,
                                title,
                                span: self.span,
                            });
                        }
                        Vec::new()
                    }
                    _ if is_block(node) => {
                        // A block inside inline content: keep its text.
                        let mut v = vec![Inline::SoftBreak];
                        v.extend(self.inline_children(node));
                        v.push(Inline::SoftBreak);
                        v
                    }
                    _ => self.inline_children(node),
                }
            }
            _ => Vec::new(),
        }
    }

    fn link(&mut self, node: &Handle) -> Vec<Inline> {
        let content = self.inline_children(node);
        let target = if let Some(k) = attr(node, TARGET_ATTR).and_then(|k| k.parse::<usize>().ok())
        {
            self.targets.get(k).cloned().flatten()
        } else if let Some(href) = attr(node, "href") {
            self.ctx.link_target(&href, self.span)
        } else {
            None
        };
        match target {
            Some(target) => vec![Inline::Link { target, content }],
            None => content,
        }
    }
}

fn collect_rows(node: &Handle, f: &mut dyn FnMut(&Handle)) {
    for child in node.children.borrow().iter() {
        match element_name(child).as_deref() {
            Some("tr") => f(child),
            Some("thead" | "tbody" | "tfoot") => collect_rows(child, f),
            _ => {}
        }
    }
}

fn element_name(node: &Handle) -> Option<String> {
    match &node.data {
        NodeData::Element { name, .. } => Some(str::to_ascii_lowercase(&name.local)),
        _ => None,
    }
}

fn attr(node: &Handle, key: &str) -> Option<String> {
    let NodeData::Element { attrs, .. } = &node.data else {
        return None;
    };
    attrs
        .borrow()
        .iter()
        .find(|a| str::eq_ignore_ascii_case(&a.name.local, key))
        .map(|a| a.value.to_string())
}

/// The text under a node (iterative: the depth of the input is not trusted).
fn text_content(node: &Handle) -> String {
    let mut out = String::new();
    let mut stack = vec![node.clone()];
    while let Some(n) = stack.pop() {
        match &n.data {
            NodeData::Text { contents } => out.push_str(&contents.borrow()),
            NodeData::Element { name, .. }
                if DROPPED.contains(&str::to_ascii_lowercase(&name.local).as_str()) => {}
            _ => {
                for c in n.children.borrow().iter().rev() {
                    stack.push(c.clone());
                }
            }
        }
    }
    out
}

/// Whether an element is block-level (starts a new block in the tree).
fn is_block(node: &Handle) -> bool {
    matches!(
        element_name(node).as_deref(),
        Some(
            "p" | "div"
                | "section"
                | "article"
                | "aside"
                | "header"
                | "footer"
                | "main"
                | "nav"
                | "figure"
                | "figcaption"
                | "center"
                | "details"
                | "summary"
                | "address"
                | "dl"
                | "dt"
                | "dd"
                | "h1"
                | "h2"
                | "h3"
                | "h4"
                | "h5"
                | "h6"
                | "blockquote"
                | "ul"
                | "ol"
                | "li"
                | "pre"
                | "hr"
                | "table"
        )
    )
}

/// Drops leading/trailing whitespace-only text and breaks.
fn trim(mut inlines: Vec<Inline>) -> Vec<Inline> {
    while matches!(inlines.first(), Some(Inline::SoftBreak | Inline::HardBreak))
        || matches!(inlines.first(), Some(Inline::Text(t)) if t.trim().is_empty())
    {
        inlines.remove(0);
    }
    while matches!(inlines.last(), Some(Inline::SoftBreak | Inline::HardBreak))
        || matches!(inlines.last(), Some(Inline::Text(t)) if t.trim().is_empty())
    {
        inlines.pop();
    }
    if let Some(Inline::Text(t)) = inlines.first_mut() {
        *t = t.trim_start().to_string();
    }
    if let Some(Inline::Text(t)) = inlines.last_mut() {
        *t = t.trim_end().to_string();
    }
    inlines
}

/// Escapes text for the HTML the Markdown reader builds.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragment_structure() {
        let dom = parse("<p>Hello <b>x</b></p><div>y</div>");
        let root = root(&dom);
        let names: Vec<String> = root
            .children
            .borrow()
            .iter()
            .map(|c| element_name(c).unwrap_or_else(|| "#text".into()))
            .collect();
        assert_eq!(names, ["p", "div"], "root = {:?}", element_name(&root));
    }
}

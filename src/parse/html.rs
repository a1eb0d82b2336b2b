//! Raw HTML in Markdown → tree nodes, through html5ever (via `scraper`).
//!
//! Input: an HTML fragment (a block, or a paragraph that mixes Markdown and
//! inline tags). Output: the same blocks and inlines the Markdown reader makes,
//! plus the HTML elements EPUB 3 keeps for their meaning: `sup`, `sub`, `kbd`,
//! `abbr`, `mark`, `small`, `q`, `cite`, `dfn`, `time`, `span`/`div` with a
//! language, direction or class, `dl`/`dt`/`dd`, `details`/`summary`, and
//! `img` with a width. Sanitising is by construction: only those elements are
//! kept; other elements are unwrapped to their text with a warning that names
//! them; scripts, styles, frames, objects, forms and media are dropped with a
//! warning. Links go through the same checks as Markdown links, so
//! `javascript:` URLs and event handlers never reach an output.
//!
//! The fragment is parsed by html5ever into `scraper`'s arena tree (ego-tree):
//! nodes live in one vector, so hostile nesting costs no recursion when the
//! tree is dropped, unlike `markup5ever_rcdom`, whose authors say it is not
//! for untrusted input. The walk below stops descending at [`MAX_DEPTH`].

use super::Context;
use crate::diag::Span;
use crate::doc::{
    Align, Attrs, Block, Definition, Direction, Inline, InlineTag, LinkTarget, ListItem, NoteId,
    plain_text, slugify,
};
use scraper::node::Node;
use std::collections::BTreeSet;

/// A node of the parsed fragment.
type Handle<'a> = ego_tree::NodeRef<'a, Node>;

/// Elements dropped with their content.
const DROPPED: [&str; 24] = [
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "noscript",
    "template", "form", "input", "button", "select", "textarea", "link", "meta", "base", "svg",
    "math", "audio", "video", "canvas", "head",
];

/// Elements that only group content: unwrapped without a warning.
const GROUPING: [&str; 14] = [
    "div", "section", "article", "aside", "header", "footer", "main", "nav", "figure", "center",
    "address", "html", "body", "span",
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
    /// Elements unwrapped to their content (their meaning is lost).
    unwrapped: BTreeSet<String>,
    /// Attributes whose value could not be kept.
    bad_attrs: BTreeSet<String>,
    /// Images found inside inline content, placed after the block.
    pub figures: Vec<Block>,
    /// How deep the walk is; past [`MAX_DEPTH`] elements are flattened.
    depth: usize,
    flattened: bool,
}

/// Elements nested deeper than this are flattened to their text.
const MAX_DEPTH: usize = 48;

/// Parses a fragment into an arena tree.
fn parse(html: &str) -> scraper::Html {
    scraper::Html::parse_fragment(html)
}

/// The fragment's nodes are the children of the synthetic `<html>` element.
fn root(dom: &scraper::Html) -> Handle<'_> {
    let fragment = dom.tree.root();
    fragment
        .children()
        .find(|c| c.value().is_element())
        .unwrap_or(fragment)
}

impl<'c, 'd> Converter<'c, 'd> {
    /// A converter reporting at `span`; `targets` resolves `data-b-target` links.
    pub fn new(ctx: &'c mut Context<'d>, span: Span, targets: &'c [Option<LinkTarget>]) -> Self {
        Converter {
            ctx,
            span,
            targets,
            dropped: BTreeSet::new(),
            unwrapped: BTreeSet::new(),
            bad_attrs: BTreeSet::new(),
            figures: Vec::new(),
            depth: 0,
            flattened: false,
        }
    }

    /// Converts a block-level fragment.
    pub fn blocks(mut self, html: &str) -> Vec<Block> {
        let dom = parse(html);
        let mut out = Vec::new();
        self.block_children(root(&dom), &mut out);
        out.append(&mut self.figures);
        self.report();
        out
    }

    /// Converts an inline fragment; figures are left in `self.figures`.
    pub fn inlines(&mut self, html: &str) -> Vec<Inline> {
        let dom = parse(html);
        let out = self.inline_children(root(&dom));
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
        for tag in std::mem::take(&mut self.unwrapped) {
            self.ctx.diags.warn(
                self.span,
                format!("raw HTML <{tag}> has no equivalent in the book; only its text is kept"),
            );
        }
        for what in std::mem::take(&mut self.bad_attrs) {
            self.ctx
                .diags
                .warn(self.span, format!("raw HTML {what} was dropped"));
        }
    }

    fn block_children(&mut self, node: Handle<'_>, out: &mut Vec<Block>) {
        let mut pending: Vec<Inline> = Vec::new();
        for child in node.children() {
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

    fn block(&mut self, node: Handle<'_>, out: &mut Vec<Block>) {
        let Some(tag) = element_name(node) else {
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
        // A block in another language or direction (or with a class, for a
        // `div`) keeps that in a division around it.
        let attrs = self.attrs(node, tag == "div");
        if !attrs.is_empty() && !DROPPED.contains(&tag) {
            let mut blocks = Vec::new();
            if tag == "div" {
                self.block_children(node, &mut blocks);
            } else {
                self.block_inner(node, tag, &mut blocks);
            }
            out.push(Block::Division {
                attrs,
                blocks,
                span: self.span,
            });
        } else {
            self.block_inner(node, tag, out);
        }
        self.depth -= 1;
    }

    fn block_inner(&mut self, node: Handle<'_>, tag: &str, out: &mut Vec<Block>) {
        let span = self.span;
        match tag {
            t if DROPPED.contains(&t) => {
                self.dropped.insert(tag.to_string());
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
                for child in node.children() {
                    if element_name(child) == Some("li") {
                        let mut blocks = Vec::new();
                        self.block_children(child, &mut blocks);
                        items.push(ListItem { task: None, blocks });
                    }
                }
                out.push(Block::List { start, items, span });
            }
            "dl" => self.definitions(node, out),
            "details" => self.details(node, out),
            "pre" => {
                let text = text_content(node);
                let text = text.strip_suffix('\n').unwrap_or(&text).to_string();
                out.push(Block::Code {
                    language: None,
                    text,
                    attrs: crate::doc::CodeAttrs::default(),
                    span,
                });
            }
            "hr" => out.push(Block::Rule { span }),
            "table" => self.table(node, out),
            "img" => {
                self.image(node);
                out.append(&mut self.figures);
            }
            "summary" | "dt" => {
                // Out of place (no `details` or `dl` around it): a bold line.
                let content = trim(self.inline_children(node));
                if !content.is_empty() {
                    out.push(Block::Paragraph {
                        content: vec![Inline::Strong(content)],
                        span,
                    });
                }
                out.append(&mut self.figures);
            }
            _ => self.block_children(node, out),
        }
    }

    /// `<dl>`: each `dt` starts a term, each `dd` adds a definition to it.
    fn definitions(&mut self, node: Handle<'_>, out: &mut Vec<Block>) {
        let mut items: Vec<Definition> = Vec::new();
        let mut children: Vec<Handle<'_>> = Vec::new();
        for child in node.children() {
            // `<div>` groups of `dt`/`dd` pairs are allowed in HTML.
            if element_name(child) == Some("div") {
                children.extend(child.children());
            } else {
                children.push(child);
            }
        }
        for child in children {
            match element_name(child) {
                Some("dt") => {
                    let term = trim(self.inline_children(child));
                    items.push(Definition {
                        term,
                        details: Vec::new(),
                    });
                }
                Some("dd") => {
                    let mut blocks = Vec::new();
                    self.block_children(child, &mut blocks);
                    match items.last_mut() {
                        Some(item) => item.details.push(blocks),
                        None => items.push(Definition {
                            term: Vec::new(),
                            details: vec![blocks],
                        }),
                    }
                }
                _ => {}
            }
        }
        if !items.is_empty() {
            out.push(Block::DefinitionList {
                items,
                span: self.span,
            });
        }
        out.append(&mut self.figures);
    }

    /// `<details>`: its `summary` and the rest.
    fn details(&mut self, node: Handle<'_>, out: &mut Vec<Block>) {
        let mut summary = Vec::new();
        let mut blocks = Vec::new();
        let mut pending: Vec<Inline> = Vec::new();
        for child in node.children() {
            if summary.is_empty() && element_name(child) == Some("summary") {
                summary = trim(self.inline_children(child));
            } else if is_block(child) {
                self.flush_paragraph(&mut pending, &mut blocks);
                self.block(child, &mut blocks);
            } else {
                pending.extend(self.inline(child));
            }
        }
        self.flush_paragraph(&mut pending, &mut blocks);
        if summary.is_empty() {
            summary = vec![Inline::Text("Details".into())];
        }
        out.push(Block::Details {
            summary,
            blocks,
            open: attr(node, "open").is_some(),
            span: self.span,
        });
    }

    fn table(&mut self, node: Handle<'_>, out: &mut Vec<Block>) {
        let mut rows: Vec<(bool, Vec<Vec<Inline>>)> = Vec::new();
        collect_rows(node, &mut |row: Handle<'_>| {
            let mut header = true;
            let mut cells = Vec::new();
            for cell in row.children() {
                match element_name(cell) {
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
            caption: Vec::new(),
            label: None,
            span: self.span,
        });
        out.append(&mut self.figures);
    }

    fn image(&mut self, node: Handle<'_>) {
        let Some(src) = attr(node, "src") else {
            return;
        };
        let alt = attr(node, "alt").unwrap_or_default();
        let title = attr(node, "title").filter(|t| !t.trim().is_empty());
        let mut dimension = |key: &str| {
            attr(node, key).and_then(|v| {
                let v = v.trim().to_string();
                let parsed = super::attrs::length(&v);
                if parsed.is_none() {
                    self.bad_attrs.insert(format!(
                        "{key}=\"{v}\" of <img> (not a length: pixels, a percentage or in/cm/mm/pt)"
                    ));
                }
                parsed
            })
        };
        let size = crate::doc::FigureSize {
            width: dimension("width"),
            height: dimension("height"),
            bleed: false,
        };
        let image = self.ctx.image(&src, self.span);
        self.figures.push(Block::Figure {
            image,
            alt,
            title,
            size,
            label: None,
            span: self.span,
        });
    }

    fn inline_children(&mut self, node: Handle<'_>) -> Vec<Inline> {
        let mut out = Vec::new();
        for child in node.children() {
            out.extend(self.inline(child));
        }
        out
    }

    fn inline(&mut self, node: Handle<'_>) -> Vec<Inline> {
        if self.depth >= MAX_DEPTH {
            self.flattened = true;
            return vec![Inline::Text(text_content(node))];
        }
        self.depth += 1;
        let out = self.inline_inner(node);
        self.depth -= 1;
        out
    }

    fn inline_inner(&mut self, node: Handle<'_>) -> Vec<Inline> {
        match node.value() {
            Node::Text(text) => vec![Inline::Text(text.to_string())],
            Node::Element(element) => {
                let tag = element.name();
                if let Some(kept) = InlineTag::from_name(tag) {
                    let attrs = self.attrs(node, true);
                    let content = self.inline_children(node);
                    // A bare span means nothing: its content stands alone.
                    if kept == InlineTag::Span && attrs.is_empty() {
                        return content;
                    }
                    return vec![Inline::Tagged {
                        tag: kept,
                        attrs,
                        content,
                    }];
                }
                match tag {
                    t if DROPPED.contains(&t) => {
                        self.dropped.insert(tag.to_string());
                        Vec::new()
                    }
                    "b" | "strong" => vec![Inline::Strong(self.inline_children(node))],
                    "i" | "em" | "var" => vec![Inline::Emph(self.inline_children(node))],
                    "s" | "strike" | "del" => vec![Inline::Strike(self.inline_children(node))],
                    "code" | "samp" | "tt" => vec![Inline::Code(text_content(node))],
                    "br" => vec![Inline::HardBreak],
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
                                size: crate::doc::FigureSize::default(),
                                label: None,
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
                    _ => {
                        if !GROUPING.contains(&tag) {
                            self.unwrapped.insert(tag.to_string());
                        }
                        self.inline_children(node)
                    }
                }
            }
            _ => Vec::new(),
        }
    }

    /// The language, direction, class (when `class` is true), title and
    /// date of an element, each checked; a value that is not valid is
    /// reported and left out.
    fn attrs(&mut self, node: Handle<'_>, class: bool) -> Attrs {
        let mut attrs = Attrs::default();
        if let Some(lang) = attr(node, "lang") {
            let lang = lang.trim();
            if crate::lang::is_well_formed(lang) {
                attrs.lang = Some(lang.to_string());
            } else if !lang.is_empty() {
                self.bad_attrs
                    .insert(format!("lang=\"{lang}\" (not a BCP 47 language tag)"));
            }
        }
        if let Some(dir) = attr(node, "dir") {
            attrs.dir = match dir.trim().to_ascii_lowercase().as_str() {
                "ltr" => Some(Direction::Ltr),
                "rtl" => Some(Direction::Rtl),
                "auto" => Some(Direction::Auto),
                other => {
                    self.bad_attrs
                        .insert(format!("dir=\"{other}\" (not ltr, rtl or auto)"));
                    None
                }
            };
        }
        if class && let Some(value) = attr(node, "class") {
            let names: Vec<String> = value
                .split_whitespace()
                .map(|n| {
                    n.chars()
                        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
                        .collect::<String>()
                })
                .filter(|n| n.starts_with(|c: char| c.is_ascii_alphabetic()))
                .collect();
            if !names.is_empty() {
                attrs.class = Some(names.join(" "));
            }
        }
        if matches!(element_name(node), Some("abbr" | "acronym" | "dfn")) {
            attrs.title = attr(node, "title").filter(|t| !t.trim().is_empty());
        }
        if element_name(node) == Some("time")
            && let Some(datetime) = attr(node, "datetime")
        {
            if is_datetime(datetime.trim()) {
                attrs.datetime = Some(datetime.trim().to_string());
            } else {
                self.bad_attrs.insert(format!(
                    "datetime=\"{}\" of <time> (not a date such as 2024-05-01)",
                    datetime.trim()
                ));
            }
        }
        attrs
    }

    fn link(&mut self, node: Handle<'_>) -> Vec<Inline> {
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

/// Whether a `datetime` value is a valid date, month, year or date and
/// time (the forms reading systems and validators accept).
fn is_datetime(value: &str) -> bool {
    use chrono::{DateTime, NaiveDate, NaiveDateTime};
    NaiveDate::parse_from_str(value, "%Y-%m-%d").is_ok()
        || NaiveDate::parse_from_str(&format!("{value}-01"), "%Y-%m-%d").is_ok()
        || (value.len() == 4 && value.chars().all(|c| c.is_ascii_digit()))
        || DateTime::parse_from_rfc3339(value).is_ok()
        || NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M").is_ok()
        || NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S").is_ok()
}

fn collect_rows<'a>(node: Handle<'a>, f: &mut dyn FnMut(Handle<'a>)) {
    for child in node.children() {
        match element_name(child) {
            Some("tr") => f(child),
            Some("thead" | "tbody" | "tfoot") => collect_rows(child, f),
            _ => {}
        }
    }
}

/// The element's local name (html5ever lowercases HTML names).
fn element_name<'a>(node: Handle<'a>) -> Option<&'a str> {
    node.value().as_element().map(scraper::node::Element::name)
}

fn attr(node: Handle<'_>, key: &str) -> Option<String> {
    node.value()
        .as_element()
        .and_then(|e| e.attr(key))
        .map(str::to_string)
}

/// The text under a node (iterative: the depth of the input is not trusted).
fn text_content(node: Handle<'_>) -> String {
    let mut out = String::new();
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        match n.value() {
            Node::Text(text) => out.push_str(text),
            Node::Element(e) if DROPPED.contains(&e.name()) => {}
            _ => {
                let children: Vec<_> = n.children().collect();
                stack.extend(children.into_iter().rev());
            }
        }
    }
    out
}

/// Whether an element is block-level (starts a new block in the tree).
fn is_block(node: Handle<'_>) -> bool {
    matches!(
        element_name(node),
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
        let names: Vec<&str> = root
            .children()
            .map(|c| element_name(c).unwrap_or("#text"))
            .collect();
        assert_eq!(names, ["p", "div"], "root = {:?}", element_name(root));
    }

    #[test]
    fn deep_nesting_is_dropped_without_recursion() {
        // 100,000 nested elements: the arena tree drops without a stack overflow.
        let html = "<b>".repeat(100_000);
        let dom = parse(&html);
        assert!(dom.tree.nodes().count() > 1);
    }

    #[test]
    fn datetimes() {
        assert!(is_datetime("2024-05-01"));
        assert!(is_datetime("2024-05"));
        assert!(is_datetime("2024"));
        assert!(is_datetime("2024-05-01T10:00:00Z"));
        assert!(!is_datetime("2024-13-45"));
        assert!(!is_datetime("yesterday"));
    }
}

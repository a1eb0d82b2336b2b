//! A stable, human-readable text dump of the tree, for snapshot tests and
//! `bindery dump`. One node a line, indented by depth; spans as byte ranges.

use super::{Block, Document, ImageStatus, Inline, LinkTarget, ListItem, Metadata};
use std::fmt::Write;

/// Renders the whole document as indented text.
pub fn dump(doc: &Document) -> String {
    let mut out = String::new();
    dump_meta(&doc.meta, &mut out);
    for (i, chapter) in doc.chapters.iter().enumerate() {
        let _ = writeln!(
            out,
            "chapter {i} {:?} dialect={} anchor={} source={}",
            chapter.title.as_deref().unwrap_or(""),
            chapter.dialect.name(),
            doc.anchors.get(chapter.anchor).id,
            chapter.source.display()
        );
        for block in &chapter.blocks {
            dump_block(doc, block, 1, &mut out);
        }
    }
    for (i, note) in doc.notes.iter().enumerate() {
        let _ = writeln!(
            out,
            "note {i} label={:?} anchor={} chapter={}",
            note.label,
            doc.anchors.get(note.anchor).id,
            note.chapter
        );
        for block in &note.blocks {
            dump_block(doc, block, 1, &mut out);
        }
    }
    for (i, image) in doc.resources.images.iter().enumerate() {
        let status = match &image.status {
            ImageStatus::Pending => "pending".to_string(),
            ImageStatus::Missing => "missing".to_string(),
            ImageStatus::Loaded(l) => {
                format!(
                    "{} {}x{} {} bytes",
                    l.format.mime(),
                    l.width,
                    l.height,
                    l.bytes.len()
                )
            }
        };
        let _ = writeln!(out, "image {i} {:?} {status}", image.written);
    }
    out
}

fn dump_meta(meta: &Metadata, out: &mut String) {
    let fields = [
        ("title", &meta.title),
        ("subtitle", &meta.subtitle),
        ("language", &meta.language),
        ("date", &meta.date),
        ("identifier", &meta.identifier),
        ("publisher", &meta.publisher),
        ("description", &meta.description),
        ("rights", &meta.rights),
        ("series", &meta.series),
        ("series_index", &meta.series_index),
    ];
    for (name, value) in fields {
        if let Some(value) = value {
            let _ = writeln!(out, "meta {name} {value:?}");
        }
    }
    for author in &meta.authors {
        let _ = writeln!(out, "meta author {author:?}");
    }
    for c in &meta.contributors {
        let _ = writeln!(out, "meta contributor {:?} role={}", c.name, c.role);
    }
    for subject in &meta.subjects {
        let _ = writeln!(out, "meta subject {subject:?}");
    }
}

fn dump_block(doc: &Document, block: &Block, depth: usize, out: &mut String) {
    let pad = "  ".repeat(depth);
    let span = block.span();
    let at = format!("@{}..{}", span.start, span.end);
    match block {
        Block::Heading {
            level,
            content,
            anchor,
            ..
        } => {
            let id = &doc.anchors.get(*anchor).id;
            let _ = writeln!(
                out,
                "{pad}heading {level} #{id} {at}: {}",
                inlines(doc, content)
            );
        }
        Block::Kicker { content, .. } => {
            let _ = writeln!(out, "{pad}kicker {at}: {}", inlines(doc, content));
        }
        Block::Standfirst { content, .. } => {
            let _ = writeln!(out, "{pad}standfirst {at}: {}", inlines(doc, content));
        }
        Block::Dateline { content, .. } => {
            let _ = writeln!(out, "{pad}dateline {at}: {}", inlines(doc, content));
        }
        Block::Paragraph { content, .. } => {
            let _ = writeln!(out, "{pad}paragraph {at}: {}", inlines(doc, content));
        }
        Block::Quote { blocks, .. } => {
            let _ = writeln!(out, "{pad}quote {at}");
            for b in blocks {
                dump_block(doc, b, depth + 1, out);
            }
        }
        Block::List { start, items, .. } => {
            let kind = match start {
                Some(n) => format!("ordered start={n}"),
                None => "bullet".to_string(),
            };
            let _ = writeln!(out, "{pad}list {kind} {at}");
            for ListItem { task, blocks } in items {
                let mark = match task {
                    Some(true) => " [x]",
                    Some(false) => " [ ]",
                    None => "",
                };
                let _ = writeln!(out, "{pad}  item{mark}");
                for b in blocks {
                    dump_block(doc, b, depth + 2, out);
                }
            }
        }
        Block::Code {
            language,
            text,
            attrs,
            ..
        } => {
            let attrs = if attrs.is_default() {
                String::new()
            } else {
                format!(" {attrs:?}")
            };
            let _ = writeln!(
                out,
                "{pad}code lang={}{attrs} {at}: {text:?}",
                language.as_deref().unwrap_or("-")
            );
        }
        Block::Table {
            aligns,
            head,
            rows,
            caption,
            label,
            ..
        } => {
            let _ = writeln!(
                out,
                "{pad}table cols={}{} {at} aligns={aligns:?}",
                aligns.len(),
                numbered(doc, label.as_ref())
            );
            if !caption.is_empty() {
                let _ = writeln!(out, "{pad}  caption: {}", inlines(doc, caption));
            }
            let row = |cells: &Vec<Vec<Inline>>| {
                cells
                    .iter()
                    .map(|c| inlines(doc, c))
                    .collect::<Vec<_>>()
                    .join(" | ")
            };
            let _ = writeln!(out, "{pad}  head: {}", row(head));
            for r in rows {
                let _ = writeln!(out, "{pad}  row: {}", row(r));
            }
        }
        Block::Figure {
            image,
            alt,
            title,
            size,
            label,
            ..
        } => {
            let show = |l: Option<crate::doc::Length>| match l {
                Some(crate::doc::Length::Px(v)) => format!("{v}"),
                Some(crate::doc::Length::Percent(v)) => format!("{v}%"),
                Some(crate::doc::Length::Pt(v)) => format!("{v}pt"),
                None => String::new(),
            };
            let mut width = String::new();
            if size.width.is_some() {
                width.push_str(&format!(" width={}", show(size.width)));
            }
            if size.height.is_some() {
                width.push_str(&format!(" height={}", show(size.height)));
            }
            if size.bleed {
                width.push_str(" bleed");
            }
            let _ = writeln!(
                out,
                "{pad}figure image={} alt={alt:?} title={:?}{width}{} {at}",
                image.0,
                title.as_deref().unwrap_or(""),
                numbered(doc, label.as_ref())
            );
        }
        Block::Callout { kind, blocks, .. } => {
            let _ = writeln!(out, "{pad}callout {} {at}", kind.name());
            for b in blocks {
                dump_block(doc, b, depth + 1, out);
            }
        }
        Block::Equation { math, label, .. } => {
            let _ = writeln!(
                out,
                "{pad}equation{}{} {at}: {:?}",
                numbered(doc, label.as_ref()),
                if math.mathml.is_some() {
                    ""
                } else {
                    " unparsed"
                },
                math.tex
            );
        }
        Block::Bibliography { entries, .. } => {
            let _ = writeln!(out, "{pad}bibliography {at}");
            for entry in entries {
                let _ = writeln!(
                    out,
                    "{pad}  entry {} #{}: {}{}",
                    entry.key,
                    doc.anchors.get(entry.anchor).id,
                    inlines(doc, &entry.label),
                    inlines(doc, &entry.content)
                );
            }
        }
        Block::DefinitionList { items, .. } => {
            let _ = writeln!(out, "{pad}definitions {at}");
            for item in items {
                let _ = writeln!(out, "{pad}  term: {}", inlines(doc, &item.term));
                for d in &item.details {
                    let _ = writeln!(out, "{pad}  definition");
                    for b in d {
                        dump_block(doc, b, depth + 2, out);
                    }
                }
            }
        }
        Block::Details {
            summary,
            blocks,
            open,
            ..
        } => {
            let open = if *open { " open" } else { "" };
            let _ = writeln!(out, "{pad}details{open} {at}: {}", inlines(doc, summary));
            for b in blocks {
                dump_block(doc, b, depth + 1, out);
            }
        }
        Block::Division { attrs, blocks, .. } => {
            let _ = writeln!(out, "{pad}division {} {at}", attrs_text(attrs));
            for b in blocks {
                dump_block(doc, b, depth + 1, out);
            }
        }
        Block::Rule { .. } => {
            let _ = writeln!(out, "{pad}rule {at}");
        }
    }
}

/// Inline content in a compact bracket notation: `*emph*`, `**strong**`, `[text](target)`.
fn inlines(doc: &Document, content: &[Inline]) -> String {
    let mut out = String::new();
    for inline in content {
        match inline {
            Inline::Text(t) => out.push_str(t),
            Inline::Emph(c) => {
                let _ = write!(out, "*{}*", inlines(doc, c));
            }
            Inline::Strong(c) => {
                let _ = write!(out, "**{}**", inlines(doc, c));
            }
            Inline::Strike(c) => {
                let _ = write!(out, "~~{}~~", inlines(doc, c));
            }
            Inline::Code(t) => {
                let _ = write!(out, "`{t}`");
            }
            Inline::Link { target, content } => {
                let target = match target {
                    LinkTarget::External(url) => url.clone(),
                    LinkTarget::Internal(a) => format!("#{}", doc.anchors.get(*a).id),
                    LinkTarget::Unresolved { reference, .. } => format!("?{reference}"),
                };
                let _ = write!(out, "[{}]({target})", inlines(doc, content));
            }
            Inline::NoteRef(n) => {
                let _ = write!(out, "[^{}]", n.0);
            }
            Inline::Tagged {
                tag,
                attrs,
                content,
            } => {
                let attrs = if attrs.is_empty() {
                    String::new()
                } else {
                    format!(" {}", attrs_text(attrs))
                };
                let _ = write!(
                    out,
                    "<{}{attrs}>{}</{0}>",
                    tag.name(),
                    inlines(doc, content)
                );
            }
            Inline::Math(m) => {
                let mark = if m.display { "$$" } else { "$" };
                let bad = if m.mathml.is_some() { "" } else { "!" };
                let _ = write!(out, "{bad}{mark}{}{mark}", m.tex);
            }
            Inline::Ref(r) => {
                let target = match r.target {
                    Some((a, n)) => format!("#{} {n}", doc.anchors.get(a).id),
                    None => "?".to_string(),
                };
                let _ = write!(out, "{{@{} → {target}}}", r.label);
            }
            Inline::Cite(c) => {
                let items: Vec<String> = c
                    .items
                    .iter()
                    .map(|i| {
                        let dash = if i.suppress_author { "-" } else { "" };
                        format!("{}{dash}@{}{}", i.prefix, i.key, i.suffix)
                    })
                    .collect();
                let mode = if c.narrative { "text" } else { "paren" };
                let _ = write!(out, "{{cite {mode} {}", items.join("; "));
                if !c.rendered.is_empty() {
                    let _ = write!(out, " → {}", inlines(doc, &c.rendered));
                }
                out.push('}');
            }
            Inline::SoftBreak => out.push('⏎'),
            Inline::HardBreak => out.push('↵'),
        }
    }
    out
}

/// ` #id=fig:x n=3` for a labelled block, nothing otherwise.
fn numbered(doc: &Document, label: Option<&crate::doc::Numbered>) -> String {
    label.map_or_else(String::new, |l| {
        format!(
            " #{}={} n={}",
            doc.anchors.get(l.anchor).id,
            l.label,
            l.number
        )
    })
}

/// Attributes as `key=value` pairs.
fn attrs_text(attrs: &crate::doc::Attrs) -> String {
    let mut parts = Vec::new();
    if let Some(l) = &attrs.lang {
        parts.push(format!("lang={l}"));
    }
    if let Some(d) = attrs.dir {
        parts.push(format!("dir={}", d.name()));
    }
    if let Some(c) = &attrs.class {
        parts.push(format!("class={c:?}"));
    }
    if let Some(t) = &attrs.title {
        parts.push(format!("title={t:?}"));
    }
    if let Some(t) = &attrs.datetime {
        parts.push(format!("datetime={t}"));
    }
    parts.join(" ")
}

//! The cite stage: citations and the bibliography, with hayagriva.
//!
//! Input: the resolved tree, whose `[@key]` and `@key` citations the parse
//! stage made into [`Citation`] nodes (only when the book names a
//! bibliography), and the options naming the bibliography files (BibTeX or
//! BibLaTeX `.bib`, hayagriva `.yaml`) and the CSL style (a name from the
//! styles hayagriva carries, such as `apa` or `ieee`, or a `.csl` file).
//! Output: each citation formatted by the style (with a link to each work's
//! entry), and the bibliography as a [`Block::Bibliography`]: after a
//! heading whose id is `refs`, `references` or `bibliography`, or else in a
//! chapter of its own at the end of the book. A key the bibliography lacks
//! is a warning (the citation shows the key with a question mark).

use crate::diag::{Diagnostic, Diagnostics, Error, Result, SourceFile, Sources, Span};
use crate::doc::{
    AnchorId, BibEntry, Block, Chapter, CiteItem, Dialect, Document, Inline, InlineTag, LinkTarget,
};
use hayagriva::citationberg::taxonomy::Locator;
use hayagriva::citationberg::{IndependentStyle, Style};
use hayagriva::{
    BibliographyDriver, BibliographyRequest, CitationItem, CitationRequest, CitePurpose, ElemChild,
    ElemChildren, ElemMeta, Entry, Library, LocatorPayload, SpecificLocator,
};
use std::path::PathBuf;

/// The citation style used when none is named (pandoc's default too).
pub const DEFAULT_STYLE: &str = "chicago-author-date";

/// Options of the cite stage.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CiteOptions {
    /// Bibliography files, read in order (a key in two: the first wins).
    pub bibliography: Vec<PathBuf>,
    /// The style: a name hayagriva knows (`apa`, `ieee`…) or a `.csl` file.
    pub style: Option<String>,
}

impl CiteOptions {
    /// Whether the book has a bibliography (so `[@key]` are citations).
    pub fn enabled(&self) -> bool {
        !self.bibliography.is_empty()
    }
}

/// Formats every citation and adds the bibliography, headed with the
/// book's word for references (`labels`, `[labels]` overrides included).
/// Bibliography files are added to `sources` so their errors point into
/// them.
pub fn cite(
    doc: &mut Document,
    options: &CiteOptions,
    labels: &crate::labels::Labels,
    sources: &mut Sources,
    diags: &mut Diagnostics,
) -> Result<()> {
    if !options.enabled() {
        return Ok(());
    }
    let library = load(&options.bibliography, sources, diags)?;
    let style = style(options.style.as_deref())?;
    let locales = hayagriva::archive::locales();
    let language = doc.meta.language.clone().unwrap_or_else(|| "en".into());
    let locale = Some(hayagriva::citationberg::LocaleCode(language));

    // The citations in reading order (each chapter, then the notes it refers to).
    let mut found: Vec<(Vec<CiteItem>, bool, Span)> = Vec::new();
    let mut collect = |inline: &mut Inline| {
        if let Inline::Cite(c) = inline {
            found.push((c.items.clone(), c.narrative, c.span));
        }
    };
    for chapter in &mut doc.chapters {
        crate::doc::technical::walk_inlines_mut(&mut chapter.blocks, &mut collect);
    }
    for note in &mut doc.notes {
        crate::doc::technical::walk_inlines_mut(&mut note.blocks, &mut collect);
    }
    if found.is_empty() {
        return Ok(());
    }

    let mut driver: BibliographyDriver<'_, Entry> = BibliographyDriver::new();
    let mut missing_reported = std::collections::BTreeSet::new();
    // Per citation: which of its items were found (index into the request).
    let mut present: Vec<Vec<Option<usize>>> = Vec::with_capacity(found.len());
    let locators: Vec<Vec<Option<(Locator, String)>>> = found
        .iter()
        .map(|(items, _, _)| items.iter().map(|i| locator(&i.suffix)).collect())
        .collect();
    for (n, (items, narrative, span)) in found.iter().enumerate() {
        let mut request_items = Vec::new();
        let mut index = Vec::new();
        for (k, item) in items.iter().enumerate() {
            let Some(entry) = library.get(&item.key) else {
                if missing_reported.insert(item.key.clone()) {
                    diags.warn(
                        *span,
                        format!(
                            "citation @{} is not in the bibliography; it is shown as `{}?`",
                            item.key, item.key
                        ),
                    );
                }
                index.push(None);
                continue;
            };
            let locator = locators[n][k]
                .as_ref()
                .map(|(kind, text)| SpecificLocator(*kind, LocatorPayload::Str(text)));
            let purpose = if *narrative {
                Some(CitePurpose::Prose)
            } else if item.suppress_author {
                Some(CitePurpose::Year)
            } else {
                None
            };
            index.push(Some(request_items.len()));
            request_items.push(CitationItem::new(entry, locator, None, false, purpose));
        }
        present.push(index);
        if !request_items.is_empty() {
            driver.citation(CitationRequest::new(
                request_items,
                &style,
                locale.clone(),
                &locales,
                None,
            ));
        }
    }
    let rendered = driver.finish(BibliographyRequest::new(&style, locale, &locales));

    // Where the bibliography goes (no chapter of its own when no cited
    // work was found), and its entries' anchors.
    let found_any = rendered
        .bibliography
        .as_ref()
        .is_some_and(|b| !b.items.is_empty());
    let (chapter, after) = if found_any {
        place(doc, labels)
    } else {
        (0, 0)
    };
    let entries: Vec<(String, AnchorId, &hayagriva::BibliographyItem)> = rendered
        .bibliography
        .as_ref()
        .map(|b| {
            b.items
                .iter()
                .map(|item| {
                    let anchor = doc
                        .anchors
                        .create(&format!("ref-{}", crate::doc::slugify(&item.key)), chapter);
                    (item.key.clone(), anchor, item)
                })
                .collect()
        })
        .unwrap_or_default();
    let anchor_of = |key: &str| entries.iter().find(|(k, _, _)| k == key).map(|e| e.1);

    // Each citation: the style's text, with each work linked to its entry.
    let mut texts = rendered.citations.into_iter();
    let mut made: Vec<Vec<Inline>> = Vec::with_capacity(found.len());
    for ((items, _, _), index) in found.iter().zip(&present) {
        let keys: Vec<Option<AnchorId>> = items
            .iter()
            .zip(index)
            .filter(|(_, i)| i.is_some())
            .map(|(item, _)| anchor_of(&item.key))
            .collect();
        let mut out = if index.iter().any(Option::is_some) {
            texts
                .next()
                .map(|c| citation_inlines(&c.citation, &keys))
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        affixes(items, &mut out);
        if items.iter().all(|i| i.suppress_author) {
            bracket(&mut out);
        }
        for (item, i) in items.iter().zip(index) {
            if i.is_none() {
                if !out.is_empty() {
                    out.push(Inline::Text("; ".into()));
                }
                out.push(Inline::Strong(vec![Inline::Text(format!("{}?", item.key))]));
            }
        }
        made.push(out);
    }
    let mut made = made.into_iter();
    let mut fill = |inline: &mut Inline| {
        if let Inline::Cite(c) = inline {
            c.rendered = made.next().unwrap_or_default();
        }
    };
    for chapter in &mut doc.chapters {
        crate::doc::technical::walk_inlines_mut(&mut chapter.blocks, &mut fill);
    }
    for note in &mut doc.notes {
        crate::doc::technical::walk_inlines_mut(&mut note.blocks, &mut fill);
    }

    let entries: Vec<BibEntry> = entries
        .into_iter()
        .map(|(key, anchor, item)| BibEntry {
            key,
            anchor,
            label: item
                .first_field
                .as_ref()
                .map(|f| elems(std::slice::from_ref(f), &[]))
                .unwrap_or_default(),
            content: elems(&item.content.0, &[]),
        })
        .collect();
    if !entries.is_empty() {
        let span = doc.chapters[chapter]
            .blocks
            .get(after.saturating_sub(1))
            .map_or(Span::new(crate::diag::FileId(0), 0..0), Block::span);
        doc.chapters[chapter]
            .blocks
            .insert(after, Block::Bibliography { entries, span });
    }
    Ok(())
}

/// Reads the bibliography files into one library.
fn load(paths: &[PathBuf], sources: &mut Sources, diags: &mut Diagnostics) -> Result<Library> {
    let mut library = Library::new();
    for path in paths {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
            path: path.clone(),
            source,
        })?;
        let file = sources.add(SourceFile::new(path.clone(), text.clone()));
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        let read = match ext.as_str() {
            "yaml" | "yml" => hayagriva::io::from_yaml_str(&text).map_err(|e| {
                let at = e.location().map_or(0, |l| l.index());
                vec![(at, e.to_string())]
            }),
            "bib" | "bibtex" | "biblatex" => {
                hayagriva::io::from_biblatex_str(&text).map_err(|errors| {
                    errors
                        .into_iter()
                        .map(|e| match e {
                            hayagriva::io::BibLaTeXError::Parse(p) => {
                                (p.span.start, format!("{}", p.kind))
                            }
                            hayagriva::io::BibLaTeXError::Type(t) => {
                                (t.span.start, format!("{}", t.kind))
                            }
                        })
                        .collect()
                })
            }
            _ => {
                return Err(Error::Usage(format!(
                    "bibliography {} is neither BibTeX/BibLaTeX (.bib) nor hayagriva YAML (.yaml)",
                    path.display()
                )));
            }
        };
        match read {
            Ok(read) => {
                for entry in read {
                    if library.get(entry.key()).is_none() {
                        library.push(&entry);
                    }
                }
            }
            Err(errors) => {
                for (at, message) in errors {
                    diags.push(Diagnostic::error(
                        Span::new(file, at..at),
                        format!("invalid bibliography entry ({message})"),
                    ));
                }
            }
        }
    }
    Ok(library)
}

/// The citation style: a name hayagriva carries, or a `.csl` file.
fn style(choice: Option<&str>) -> Result<IndependentStyle> {
    let choice = choice.unwrap_or(DEFAULT_STYLE).trim();
    let lower = choice.to_ascii_lowercase();
    let style = if lower.ends_with(".csl") || lower.ends_with(".xml") {
        let text = std::fs::read_to_string(choice).map_err(|source| Error::Read {
            path: choice.into(),
            source,
        })?;
        Style::from_xml(&text).map_err(|e| {
            Error::Usage(format!(
                "{choice} is not a CSL style this version can read ({e})"
            ))
        })?
    } else {
        hayagriva::archive::ArchivedStyle::by_name(&lower)
            .ok_or_else(|| {
                Error::Usage(format!(
                    "unknown citation style `{choice}` (known: apa, chicago-author-date, chicago-notes, ieee, mla, harvard-cite-them-right, vancouver, nature… or a .csl file)"
                ))
            })?
            .get()
    };
    match style {
        Style::Independent(style) => Ok(style),
        Style::Dependent(_) => Err(Error::Usage(format!(
            "{choice} is a dependent CSL style; name the style it depends on instead"
        ))),
    }
}

/// Where the bibliography goes: after the heading with the id `refs`,
/// `references` or `bibliography`, else in a new last chapter (made here).
fn place(doc: &mut Document, labels: &crate::labels::Labels) -> (usize, usize) {
    for (c, chapter) in doc.chapters.iter().enumerate() {
        let anchor = chapter
            .ids
            .iter()
            .find(|(id, _)| matches!(id.as_str(), "refs" | "references" | "bibliography"))
            .map(|(_, a)| *a);
        if let Some(anchor) = anchor
            && let Some(i) = chapter
                .blocks
                .iter()
                .position(|b| matches!(b, Block::Heading { anchor: a, .. } if *a == anchor))
        {
            return (c, i + 1);
        }
    }
    let index = doc.chapters.len();
    let title = labels.get(crate::labels::Label::References).to_string();
    let anchor = doc.anchors.create("references", index);
    let heading = doc.anchors.create("references-title", index);
    let span = Span::new(crate::diag::FileId(0), 0..0);
    let source = doc
        .chapters
        .last()
        .map_or_else(|| PathBuf::from("references.md"), |c| c.source.clone());
    doc.chapters.push(Chapter {
        source,
        dialect: Dialect::CommonMark,
        title: Some(title.clone()),
        section: None,
        anchor,
        blocks: vec![Block::Heading {
            level: 1,
            content: vec![Inline::Text(title)],
            anchor: heading,
            span,
        }],
        ids: Vec::new(),
    });
    (index, 1)
}

/// A locator from the text after a key: `p. 33`, `chap. 2`, `33` (a page).
fn locator(suffix: &str) -> Option<(Locator, String)> {
    let s = suffix.trim();
    if s.is_empty() {
        return None;
    }
    const TERMS: &[(&str, Locator)] = &[
        ("pp.", Locator::Page),
        ("p.", Locator::Page),
        ("pages", Locator::Page),
        ("page", Locator::Page),
        ("chaps.", Locator::Chapter),
        ("chap.", Locator::Chapter),
        ("ch.", Locator::Chapter),
        ("chapter", Locator::Chapter),
        ("secs.", Locator::Section),
        ("sec.", Locator::Section),
        ("section", Locator::Section),
        ("§", Locator::Section),
        ("figs.", Locator::Figure),
        ("fig.", Locator::Figure),
        ("figure", Locator::Figure),
        ("vols.", Locator::Volume),
        ("vol.", Locator::Volume),
        ("volume", Locator::Volume),
        ("para.", Locator::Paragraph),
        ("paragraph", Locator::Paragraph),
        ("l.", Locator::Line),
        ("line", Locator::Line),
        ("n.", Locator::Note),
        ("note", Locator::Note),
        ("eq.", Locator::Equation),
        ("tbl.", Locator::Table),
    ];
    let lower = s.to_lowercase();
    for (term, kind) in TERMS {
        if let Some(rest) = lower.strip_prefix(term)
            && (rest.starts_with(' ') || rest.starts_with(|c: char| c.is_ascii_digit()))
        {
            return Some((*kind, s[term.len()..].trim().to_string()));
        }
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        return Some((Locator::Page, s.to_string()));
    }
    Some((Locator::Custom, s.to_string()))
}

/// `[-@key]`: the style gives the bare year (author-date styles): it keeps
/// its parentheses, as in pandoc.
fn bracket(out: &mut Vec<Inline>) {
    fn first_char(inlines: &[Inline]) -> Option<char> {
        inlines.iter().find_map(|i| match i {
            Inline::Text(t) => t.chars().next(),
            Inline::Link { content, .. }
            | Inline::Emph(content)
            | Inline::Strong(content)
            | Inline::Tagged { content, .. } => first_char(content),
            _ => None,
        })
    }
    if out.is_empty() || matches!(first_char(out), Some('(' | '[')) {
        return;
    }
    out.insert(0, Inline::Text("(".into()));
    out.push(Inline::Text(")".into()));
}

/// The first item's prefix (`[see @key]`) goes inside the opening bracket.
fn affixes(items: &[CiteItem], out: &mut Vec<Inline>) {
    let Some(prefix) = items
        .first()
        .map(|i| i.prefix.trim())
        .filter(|p| !p.is_empty())
    else {
        return;
    };
    match out.first_mut() {
        Some(Inline::Text(t)) if t.starts_with(['(', '[']) => {
            let bracket = t.remove(0);
            t.insert_str(0, &format!("{bracket}{prefix} "));
        }
        _ => out.insert(0, Inline::Text(format!("{prefix} "))),
    }
}

/// A rendered citation as inlines: the part for each work (hayagriva marks
/// it) links to its entry; `anchors` are the entries of the cited works, in
/// request order.
fn citation_inlines(citation: &ElemChildren, anchors: &[Option<AnchorId>]) -> Vec<Inline> {
    let mut out = elems(&citation.0, anchors);
    // A style that marks no work: the whole citation links to the first.
    let linked = out.iter().any(|i| matches!(i, Inline::Link { .. }));
    if !linked && let Some(Some(anchor)) = anchors.first() {
        out = vec![Inline::Link {
            target: LinkTarget::Internal(*anchor),
            content: out,
        }];
    }
    merge_text(out)
}

/// hayagriva's formatted output as tree inlines.
fn elems(children: &[ElemChild], anchors: &[Option<AnchorId>]) -> Vec<Inline> {
    let mut out = Vec::new();
    for child in children {
        match child {
            ElemChild::Text(f) => out.push(formatted(&f.text, f.formatting)),
            ElemChild::Markup(m) => out.push(Inline::Text(m.clone())),
            ElemChild::Link { text, url } => {
                let content = vec![formatted(&text.text, text.formatting)];
                match crate::parse::is_remote(url) {
                    true => out.push(Inline::Link {
                        target: LinkTarget::External(crate::parse::encode_uri(url)),
                        content,
                    }),
                    false => out.extend(content),
                }
            }
            ElemChild::Elem(e) => {
                let inner = elems(&e.children.0, anchors);
                match e.meta {
                    Some(ElemMeta::Entry(i)) => match anchors.get(i).copied().flatten() {
                        Some(anchor) => out.push(Inline::Link {
                            target: LinkTarget::Internal(anchor),
                            content: inner,
                        }),
                        None => out.extend(inner),
                    },
                    _ => out.extend(inner),
                }
            }
            ElemChild::Transparent { .. } => {}
        }
    }
    merge_text(out)
}

/// Text with hayagriva's formatting (italic, bold, super- and subscript).
fn formatted(text: &str, f: hayagriva::Formatting) -> Inline {
    use hayagriva::citationberg::{FontStyle, FontWeight, VerticalAlign};
    let mut inline = Inline::Text(text.to_string());
    if f.font_style == FontStyle::Italic {
        inline = Inline::Emph(vec![inline]);
    }
    if f.font_weight == FontWeight::Bold {
        inline = Inline::Strong(vec![inline]);
    }
    let tag = match f.vertical_align {
        VerticalAlign::Sup => Some(InlineTag::Sup),
        VerticalAlign::Sub => Some(InlineTag::Sub),
        _ => None,
    };
    if let Some(tag) = tag {
        inline = Inline::Tagged {
            tag,
            attrs: Default::default(),
            content: vec![inline],
        };
    }
    inline
}

/// Joins neighbouring texts.
fn merge_text(inlines: Vec<Inline>) -> Vec<Inline> {
    let mut out: Vec<Inline> = Vec::with_capacity(inlines.len());
    for inline in inlines {
        match (out.last_mut(), inline) {
            (Some(Inline::Text(prev)), Inline::Text(t)) => prev.push_str(&t),
            (_, Inline::Text(t)) if t.is_empty() => {}
            (_, inline) => out.push(inline),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locators() {
        assert_eq!(locator("p. 33"), Some((Locator::Page, "33".into())));
        assert_eq!(locator("pp. 33-35"), Some((Locator::Page, "33-35".into())));
        assert_eq!(locator("chap. 2"), Some((Locator::Chapter, "2".into())));
        assert_eq!(locator("12"), Some((Locator::Page, "12".into())));
        assert_eq!(
            locator("and elsewhere"),
            Some((Locator::Custom, "and elsewhere".into()))
        );
        assert_eq!(locator(""), None);
    }

    #[test]
    fn styles_by_name_or_refused() {
        assert!(style(Some("apa")).is_ok());
        assert!(style(Some("IEEE")).is_ok());
        assert!(style(None).is_ok());
        let e = style(Some("no-such-style")).unwrap_err().to_string();
        assert!(e.contains("unknown citation style"), "{e}");
    }
}

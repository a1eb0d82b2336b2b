//! Chapter XHTML: tree → well-formed XHTML content documents (EPUB 3).
//!
//! All escaping happens here, in [`escape`] and [`attr`]: no other code writes
//! markup with user text in it. The markup is made for narrow screens: wide
//! tables sit in a box of their own that scrolls, code lines hang their
//! continuations under their own indentation, footnote marks do not open up
//! the line spacing (with `resources/epub.css`).

use super::notes::NotePlan;
use crate::doc::{
    AnchorId, Attrs, Block, Definition, Document, Inline, LinkTarget, ListItem, NoteId, ResourceId,
    plain_text,
};
use std::collections::BTreeMap;
use std::fmt::Write;

/// What the writer needs to know about the book's files.
pub struct Links<'a> {
    /// File name of each content document.
    pub part_files: &'a [String],
    /// The content document each anchor is in.
    pub anchor_parts: &'a std::collections::BTreeMap<AnchorId, usize>,
    /// Path in the EPUB of each image (`None` when it is missing).
    pub image_hrefs: &'a [Option<String>],
    /// Where notes are written, their numbers and their references' ids.
    pub notes: &'a NotePlan,
    /// How code is highlighted.
    pub code: &'a crate::highlight::CodeStyle,
    /// The words bindery writes (Figure, Note…), in the book's language.
    pub labels: &'a crate::labels::Labels,
}

impl Links<'_> {
    /// The href of an anchor, as seen from content document `from`.
    pub fn anchor_href(&self, doc: &Document, anchor: AnchorId, from: usize) -> String {
        let a = doc.anchors.get(anchor);
        match self.anchor_parts.get(&anchor) {
            Some(&part) if part == from => format!("#{}", a.id),
            Some(&part) => format!("{}#{}", self.part_files[part], a.id),
            None => format!("#{}", a.id),
        }
    }

    fn image(&self, id: ResourceId) -> Option<&str> {
        self.image_hrefs.get(id.0 as usize)?.as_deref()
    }
}

/// The size asked for an image as XHTML, never distorting it: a width
/// alone as a `width` attribute (pixels) or a `style` (`width:50%`), the
/// stylesheet's `height:auto` keeping the ratio; a height (alone or with a
/// width) as a box the image fits inside, `max-width`/`max-height` with
/// both dimensions `auto` (CSS 2.1 §10.4 then scales both together, so a
/// width and a height that disagree with the picture's shape never stretch
/// it, and a narrow screen narrows it whole). Never wider than the screen
/// (the stylesheet caps images at 100%).
fn figure_size(size: &crate::doc::FigureSize) -> String {
    use crate::doc::Length;
    let css = |v: Length| match v {
        Length::Px(v) => format!("{}px", v.round() as u32),
        Length::Percent(v) => format!("{v}%"),
        Length::Pt(v) => format!("{v:.1}pt"),
    };
    match (size.width, size.height) {
        (None, None) => String::new(),
        (Some(Length::Px(v)), None) => format!(" width=\"{}\"", v.round() as u32),
        (Some(w), None) => format!(" style=\"width:{};\"", css(w)),
        (w, Some(h)) => {
            // A length is capped at the screen's width with `min()`; a
            // reader that does not know it keeps the 100% before it.
            let max_width = match w {
                None => "max-width:100%;".to_string(),
                Some(Length::Percent(v)) => format!("max-width:{}%;", v.min(100.0)),
                Some(w) => format!("max-width:100%;max-width:min({},100%);", css(w)),
            };
            format!(
                " style=\"width:auto;height:auto;{max_width}max-height:{};\"",
                css(h)
            )
        }
    }
}

/// A URL or an identifier escaped, with `<wbr/>` where it may break
/// ([`crate::text::segment::url_breaks`]): a reader's narrow screen breaks
/// it after its punctuation, with no hyphen, rather than anywhere
/// (`overflow-wrap`) or past the edge.
fn breakable(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut from = 0;
    for at in crate::text::segment::url_breaks(text) {
        out.push_str(&escape(&text[from..at]));
        out.push_str("<wbr/>");
        from = at;
    }
    out.push_str(&escape(&text[from..]));
    out
}

/// Escapes text content.
pub fn escape(text: &str) -> String {
    // Most text has nothing to escape or drop: one pass over the bytes
    // (0xEF leads U+F000–U+FFFF, where U+FFFE and U+FFFF are).
    let special =
        |b: &u8| matches!(b, b'&' | b'<' | b'>' | 0..=0x08 | 0x0B | 0x0C | 0x0E..=0x1F | 0xEF);
    if !text.as_bytes().iter().any(special) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            // Characters XML 1.0 does not allow are dropped.
            c if is_xml_char(c) => out.push(c),
            _ => {}
        }
    }
    out
}

/// Escapes an attribute value (for double quotes).
pub fn attr(text: &str) -> String {
    escape(text).replace('"', "&quot;")
}

/// Whether XML 1.0 allows the character (tab, newline, CR and most of Unicode).
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Renders one content document (a chapter or part of one) as XHTML.
pub fn chapter(
    doc: &Document,
    index: usize,
    part: &super::nav::Part<'_>,
    links: &Links<'_>,
    language: &str,
    labels: &crate::labels::Labels,
) -> String {
    let chapter = &doc.chapters[part.chapter];
    let title = if part.title.trim().is_empty() {
        doc.meta
            .title
            .clone()
            .unwrap_or_else(|| "Untitled".to_string())
    } else {
        part.title.clone()
    };
    let mut w = Writer {
        doc,
        index,
        links,
        out: String::new(),
        refs_seen: BTreeMap::new(),
        tables: 0,
        lang: language.to_string(),
        rtl: super::package::is_rtl(language),
        labels,
    };
    for block in part.blocks {
        w.block(block);
    }
    let body = std::mem::take(&mut w.out);
    let notes = w.footnotes();
    let lang = attr(language);
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n");
    let _ = writeln!(
        out,
        "<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\" lang=\"{lang}\" xml:lang=\"{lang}\">"
    );
    let _ = writeln!(
        out,
        "<head>\n<meta charset=\"utf-8\"/>\n<title>{}</title>\n<link rel=\"stylesheet\" type=\"text/css\" href=\"stylesheet.css\"/>\n</head>",
        escape(&title)
    );
    out.push_str("<body epub:type=\"bodymatter\">\n");
    if part.first {
        let _ = writeln!(
            out,
            "<section epub:type=\"chapter\" role=\"doc-chapter\" id=\"{}\">",
            attr(&doc.anchors.get(chapter.anchor).id)
        );
    } else {
        out.push_str("<section epub:type=\"chapter\" role=\"doc-chapter\">\n");
    }
    out.push_str(&body);
    out.push_str(&notes);
    out.push_str("</section>\n</body>\n</html>\n");
    out
}

pub(super) struct Writer<'a> {
    pub(super) doc: &'a Document,
    pub(super) index: usize,
    pub(super) links: &'a Links<'a>,
    pub(super) out: String,
    /// References to each note written so far in this part.
    refs_seen: BTreeMap<NoteId, usize>,
    /// Tables written so far in this part (for their labels).
    pub(super) tables: usize,
    /// The language of what is being written (the book's, or the markup's
    /// or the script's of the block around it).
    lang: String,
    /// What is being written runs right to left.
    rtl: bool,
    /// The words the book writes, in its language.
    pub(super) labels: &'a crate::labels::Labels,
}

impl Writer<'_> {
    pub(super) fn block(&mut self, block: &Block) {
        match block {
            Block::Heading {
                level,
                content,
                anchor,
                ..
            } => {
                let id = attr(&self.doc.anchors.get(*anchor).id);
                let (attrs, saved) = self.text_attrs(content);
                let _ = write!(self.out, "<h{level} id=\"{id}\"{attrs}>");
                self.inlines(content);
                let _ = writeln!(self.out, "</h{level}>");
                (self.lang, self.rtl) = saved;
            }
            Block::Kicker { content, .. } => self.para("kicker", content),
            Block::Standfirst { content, .. } => self.para("standfirst", content),
            Block::Dateline { content, .. } => self.para("dateline", content),
            Block::Paragraph { content, .. } => {
                let (attrs, saved) = self.text_attrs(content);
                let _ = write!(self.out, "<p{attrs}>");
                self.inlines(content);
                self.out.push_str("</p>\n");
                (self.lang, self.rtl) = saved;
            }
            Block::Quote { blocks, .. } => {
                self.out.push_str("<blockquote>\n");
                for b in blocks {
                    self.block(b);
                }
                self.out.push_str("</blockquote>\n");
            }
            Block::List { start, items, .. } => self.list(*start, items),
            Block::Code {
                language,
                text,
                attrs,
                ..
            } if self.highlights(language.as_deref(), attrs) => {
                self.code(language.as_deref(), text, attrs);
            }
            Block::Code { language, text, .. } => {
                match language {
                    Some(lang) => {
                        let _ = write!(
                            self.out,
                            "<pre><code class=\"language-{}\">",
                            attr(&class_name(lang))
                        );
                    }
                    None => self.out.push_str("<pre><code>"),
                }
                code_lines(text, &mut self.out);
                self.out.push_str("</code></pre>\n");
            }
            Block::Table {
                aligns,
                head,
                rows,
                caption,
                label,
                ..
            } => {
                // The table scrolls inside its own box when it is wider
                // than the screen; the box can take the keyboard focus so
                // that it can be scrolled without a pointer.
                self.tables += 1;
                let (id, name) = self.table_name(caption, label.as_ref());
                let _ = writeln!(
                    self.out,
                    "<div class=\"table-wrap\"{id} role=\"region\" tabindex=\"0\" aria-label=\"{}\">\n<table>",
                    attr(&name)
                );
                self.table_caption(caption, label.as_ref());
                if !head.is_empty() {
                    self.out.push_str("<thead>\n<tr>");
                    for (i, cell) in head.iter().enumerate() {
                        self.cell("th", aligns.get(i).copied(), cell);
                    }
                    self.out.push_str("</tr>\n</thead>\n");
                }
                self.out.push_str("<tbody>\n");
                for row in rows {
                    self.out.push_str("<tr>");
                    for (i, cell) in row.iter().enumerate() {
                        self.cell("td", aligns.get(i).copied(), cell);
                    }
                    self.out.push_str("</tr>\n");
                }
                self.out.push_str("</tbody>\n</table>\n</div>\n");
            }
            Block::Figure {
                image,
                alt,
                title,
                size,
                label,
                ..
            } => self.figure(*image, alt, title.as_deref(), size, label.as_ref()),
            Block::Callout { kind, blocks, .. } => self.callout(*kind, blocks),
            Block::Equation { math, label, .. } => self.equation(math, label.as_ref()),
            Block::Bibliography { entries, .. } => self.bibliography(entries),
            Block::Rule { .. } => self.out.push_str("<hr/>\n"),
            Block::DefinitionList { items, .. } => self.definitions(items),
            Block::Details {
                summary,
                blocks,
                open,
                ..
            } => {
                let open = if *open { " open=\"open\"" } else { "" };
                let _ = write!(self.out, "<details{open}>\n<summary>");
                self.inlines(summary);
                self.out.push_str("</summary>\n");
                for b in blocks {
                    self.block(b);
                }
                self.out.push_str("</details>\n");
            }
            Block::Division { attrs, blocks, .. } => {
                let _ = writeln!(self.out, "<div{}>", attributes(attrs));
                let saved = self.enter(attrs);
                for b in blocks {
                    self.block(b);
                }
                (self.lang, self.rtl) = saved;
                self.out.push_str("</div>\n");
            }
        }
    }

    fn para(&mut self, class: &str, content: &[Inline]) {
        let (attrs, saved) = self.text_attrs(content);
        let _ = write!(self.out, "<p class=\"{class}\"{attrs}>");
        self.inlines(content);
        self.out.push_str("</p>\n");
        (self.lang, self.rtl) = saved;
    }

    /// ` lang` and ` dir` for a block of text whose language (every
    /// letter in another script) or direction (its first strong
    /// character) is not that of what surrounds it (WCAG "language of
    /// parts"); they become the context of its inlines. Returns the
    /// attributes and the context to restore after the block.
    fn text_attrs(&mut self, content: &[Inline]) -> (String, (String, bool)) {
        use crate::text::{bidi, script};
        let saved = (self.lang.clone(), self.rtl);
        let text = plain_text(content);
        if text.chars().all(|c| (c as u32) < 0x0250)
            && !self.rtl
            && script::scripts_of(&self.lang).contains(&script::Script::Latin)
        {
            return (String::new(), saved);
        }
        let mut out = String::new();
        if let Some(lang) = script::block_language(&text, &self.lang) {
            let _ = write!(out, " lang=\"{lang}\" xml:lang=\"{lang}\"");
            self.lang = lang.to_string();
        }
        if let Some(rtl) = bidi::first_strong(&text)
            && rtl != self.rtl
        {
            out.push_str(if rtl { " dir=\"rtl\"" } else { " dir=\"ltr\"" });
            self.rtl = rtl;
        }
        (out, saved)
    }

    /// Takes the language and direction of markup as the context of what
    /// it holds; returns the context to restore.
    fn enter(&mut self, attrs: &Attrs) -> (String, bool) {
        let saved = (self.lang.clone(), self.rtl);
        if let Some(lang) = &attrs.lang {
            self.lang.clone_from(lang);
        }
        match attrs.dir {
            Some(crate::doc::Direction::Rtl) => self.rtl = true,
            Some(crate::doc::Direction::Ltr) => self.rtl = false,
            _ => {}
        }
        saved
    }

    /// Text, with a `span` carrying `lang` (and `dir` when it differs)
    /// around each stretch in a script the context's language does not
    /// write.
    fn text(&mut self, text: &str) {
        let runs = crate::text::script::foreign_runs(text, &self.lang);
        let mut at = 0;
        for run in runs {
            self.out.push_str(&escape(&text[at..run.range.start]));
            let dir = match (run.rtl, self.rtl) {
                (true, false) => " dir=\"rtl\"",
                (false, true) => " dir=\"ltr\"",
                _ => "",
            };
            let _ = write!(
                self.out,
                "<span lang=\"{0}\" xml:lang=\"{0}\"{dir}>{1}</span>",
                run.lang,
                escape(&text[run.range.clone()])
            );
            at = run.range.end;
        }
        self.out.push_str(&escape(&text[at..]));
    }

    fn cell(&mut self, tag: &str, align: Option<crate::doc::Align>, content: &[Inline]) {
        use crate::doc::Align;
        let class = match align {
            Some(Align::Left) => " class=\"left\"",
            Some(Align::Center) => " class=\"center\"",
            Some(Align::Right) => " class=\"right\"",
            Some(Align::None) | None => "",
        };
        let _ = write!(self.out, "<{tag}{class}>");
        self.inlines(content);
        let _ = write!(self.out, "</{tag}>");
    }

    fn list(&mut self, start: Option<u64>, items: &[ListItem]) {
        match start {
            Some(1) => self.out.push_str("<ol>\n"),
            Some(n) => {
                let _ = writeln!(self.out, "<ol start=\"{n}\">");
            }
            None => self.out.push_str("<ul>\n"),
        }
        for item in items {
            // A single paragraph stays inline so tight lists stay tight;
            // its language and direction go on the item (whose marker
            // then stands on the right of a right-to-left item).
            let single = match item.blocks.as_slice() {
                [Block::Paragraph { content, .. }] => Some(content),
                _ => None,
            };
            let (li, saved) = match single {
                Some(content) => self.text_attrs(content),
                None => (String::new(), (self.lang.clone(), self.rtl)),
            };
            match item.task {
                Some(done) => {
                    let mark = if done { "☑" } else { "☐" };
                    let state = if done { "done" } else { "open" };
                    let _ = write!(
                        self.out,
                        "<li class=\"task {state}\"{li}><span class=\"task-mark\">{mark}</span> "
                    );
                }
                None => {
                    let _ = write!(self.out, "<li{li}>");
                }
            }
            match single {
                Some(content) => self.inlines(content),
                None => {
                    self.out.push('\n');
                    for b in &item.blocks {
                        self.block(b);
                    }
                }
            }
            (self.lang, self.rtl) = saved;
            self.out.push_str("</li>\n");
        }
        self.out.push_str(if start.is_some() {
            "</ol>\n"
        } else {
            "</ul>\n"
        });
    }

    fn definitions(&mut self, items: &[Definition]) {
        self.out.push_str("<dl>\n");
        for item in items {
            self.out.push_str("<dt>");
            self.inlines(&item.term);
            self.out.push_str("</dt>\n");
            for d in &item.details {
                self.out.push_str("<dd>");
                // A single paragraph stays inline, as in lists.
                match d.as_slice() {
                    [Block::Paragraph { content, .. }] => self.inlines(content),
                    blocks => {
                        self.out.push('\n');
                        for b in blocks {
                            self.block(b);
                        }
                    }
                }
                self.out.push_str("</dd>\n");
            }
        }
        self.out.push_str("</dl>\n");
    }

    fn figure(
        &mut self,
        image: ResourceId,
        alt: &str,
        title: Option<&str>,
        size: &crate::doc::FigureSize,
        label: Option<&crate::doc::Numbered>,
    ) {
        let caption = title.filter(|t| !t.is_empty());
        let id = label
            .map(|l| format!(" id=\"{}\"", attr(&self.doc.anchors.get(l.anchor).id)))
            .unwrap_or_default();
        match self.links.image(image) {
            Some(href) => {
                let width = figure_size(size);
                let _ = write!(
                    self.out,
                    "<figure{id}>\n<img src=\"{}\" alt=\"{}\"{width}/>\n",
                    attr(href),
                    attr(alt)
                );
            }
            None => {
                let written = &self.doc.resources.get(image).written;
                let label = if alt.trim().is_empty() {
                    written.as_str()
                } else {
                    alt
                };
                let _ = write!(
                    self.out,
                    "<figure{id} class=\"missing-image\">\n<div class=\"placeholder\" role=\"img\" aria-label=\"{}\">{}</div>\n",
                    attr(label),
                    escape(label)
                );
            }
        }
        match (label, caption) {
            (Some(l), caption) => {
                let word = self
                    .links
                    .labels
                    .numbered(crate::labels::Label::Figure, &l.number.to_string());
                let rest = caption
                    .map(|c| format!(" {}", escape(c)))
                    .unwrap_or_default();
                let colon = if caption.is_some() { ":" } else { "" };
                let _ = writeln!(
                    self.out,
                    "<figcaption><span class=\"caption-label\">{}{colon}</span>{rest}</figcaption>",
                    escape(&word)
                );
            }
            (None, Some(caption)) => {
                let _ = writeln!(self.out, "<figcaption>{}</figcaption>", escape(caption));
            }
            (None, None) => {}
        }
        self.out.push_str("</figure>\n");
    }

    pub(super) fn inlines(&mut self, content: &[Inline]) {
        for inline in content {
            self.inline(inline);
        }
    }

    fn inline(&mut self, inline: &Inline) {
        match inline {
            Inline::Text(t) => self.text(t),
            Inline::Emph(c) => self.wrap("em", c),
            Inline::Strong(c) => self.wrap("strong", c),
            Inline::Strike(c) => self.wrap("del", c),
            Inline::Code(t) if crate::text::segment::is_identifier(t) => {
                let _ = write!(self.out, "<code>{}</code>", breakable(t));
            }
            Inline::Code(t) => {
                let _ = write!(self.out, "<code>{}</code>", escape(t));
            }
            Inline::Link { target, content } => {
                let href = match target {
                    LinkTarget::External(url) => Some(url.clone()),
                    LinkTarget::Internal(a) => {
                        Some(self.links.anchor_href(self.doc, *a, self.index))
                    }
                    LinkTarget::Unresolved { .. } => None,
                };
                match href {
                    Some(href) => {
                        let _ = write!(self.out, "<a href=\"{}\">", attr(&href));
                        match content.as_slice() {
                            // An address as its own text (a bare URL, an
                            // autolink) breaks after its punctuation, as in
                            // the PDF.
                            [Inline::Text(t)]
                                if crate::text::segment::is_url(t)
                                    || (t.contains('/') && !t.contains(char::is_whitespace)) =>
                            {
                                self.out.push_str(&breakable(t));
                            }
                            _ => self.inlines(content),
                        }
                        self.out.push_str("</a>");
                    }
                    None => self.inlines(content),
                }
            }
            Inline::NoteRef(id) => self.note_ref(*id),
            Inline::Tagged {
                tag,
                attrs,
                content,
            } => {
                let _ = write!(self.out, "<{}{}>", tag.name(), attributes(attrs));
                let saved = self.enter(attrs);
                self.inlines(content);
                (self.lang, self.rtl) = saved;
                let _ = write!(self.out, "</{}>", tag.name());
            }
            Inline::Math(m) => self.math(m),
            Inline::Ref(r) => self.cross_ref(r),
            Inline::Cite(c) => self.citation(c),
            Inline::SoftBreak => self.out.push('\n'),
            Inline::HardBreak => self.out.push_str("<br/>\n"),
        }
    }

    fn wrap(&mut self, tag: &str, content: &[Inline]) {
        let _ = write!(self.out, "<{tag}>");
        self.inlines(content);
        let _ = write!(self.out, "</{tag}>");
    }

    fn note_ref(&mut self, id: NoteId) {
        let note = &self.doc.notes[id.0 as usize];
        let plan = self.links.notes;
        let number = plan.numbers.get(id.0 as usize).copied().unwrap_or(0);
        let seen = self.refs_seen.entry(id).or_insert(0);
        let ref_id = plan
            .refs
            .get(&(self.index, id))
            .and_then(|ids| ids.get(*seen))
            .map(|r| format!(" id=\"{}\"", attr(r)))
            .unwrap_or_default();
        *seen += 1;
        let target = self.links.anchor_href(self.doc, note.anchor, self.index);
        let _ = write!(
            self.out,
            "<a epub:type=\"noteref\" role=\"doc-noteref\" class=\"noteref\" href=\"{}\"{ref_id}><sup>{number}</sup></a>",
            attr(&target)
        );
    }

    /// The footnotes written in this part, as EPUB 3 pop-up notes: each
    /// links back to every reference to it.
    fn footnotes(&mut self) -> String {
        let plan = self.links.notes;
        let homed = plan.homed.get(self.index).map_or(&[][..], Vec::as_slice);
        if homed.is_empty() {
            return String::new();
        }
        let mut out = String::new();
        out.push_str(
            "<section class=\"footnotes\" epub:type=\"footnotes\" role=\"doc-endnotes\">\n<hr/>\n",
        );
        for &id in homed {
            let note = &self.doc.notes[id.0 as usize];
            let number = plan.numbers.get(id.0 as usize).copied().unwrap_or(0);
            let _ = writeln!(
                out,
                "<aside epub:type=\"footnote\" role=\"doc-footnote\" id=\"{}\">",
                attr(&self.doc.anchors.get(note.anchor).id)
            );
            self.out.clear();
            let backs = plan.backs.get(id.0 as usize).map_or(&[][..], Vec::as_slice);
            let (index, files) = (self.index, self.links.part_files);
            let href = move |(part, ref_id): &(usize, String)| {
                if *part == index {
                    format!("#{ref_id}")
                } else {
                    format!("{}#{ref_id}", files[*part])
                }
            };
            let first = backs.first().map(href).unwrap_or_default();
            let mark = if first.is_empty() {
                format!("{number}.")
            } else {
                format!(
                    "<a href=\"{}\" role=\"doc-backlink\">{number}.</a>",
                    attr(&first)
                )
            };
            let mut blocks = note.blocks.iter();
            match blocks.next() {
                Some(Block::Paragraph { content, .. }) => {
                    let _ = write!(self.out, "<p>{mark} ");
                    self.inlines(content);
                    self.out.push_str("</p>\n");
                }
                Some(other) => {
                    let _ = writeln!(self.out, "<p>{mark}</p>");
                    self.block(other);
                }
                None => {
                    let _ = writeln!(self.out, "<p>{mark}</p>");
                }
            }
            for b in blocks {
                self.block(b);
            }
            if backs.len() > 1 {
                self.out.push_str("<p class=\"backrefs\">");
                for (k, back) in backs.iter().enumerate() {
                    if k > 0 {
                        self.out.push(' ');
                    }
                    let _ = write!(
                        self.out,
                        "<a href=\"{}\" role=\"doc-backlink\" aria-label=\"Back to reference {n}\">↩{n}</a>",
                        attr(&href(back)),
                        n = k + 1
                    );
                }
                self.out.push_str("</p>\n");
            }
            out.push_str(&self.out);
            out.push_str("</aside>\n");
        }
        self.out.clear();
        out.push_str("</section>\n");
        out
    }
}

/// Writes code lines, each in a block of its own whose continuation lines
/// (when the screen wraps it) hang under the line's own indentation, so the
/// shape of the code stays readable. The newline stays in the text, so the
/// code copies and reads as code without the stylesheet.
fn code_lines(text: &str, out: &mut String) {
    for line in text.split('\n') {
        // Columns of leading white space (a tab counts four, as in the CSS).
        let indent: usize = line
            .chars()
            .take_while(|c| matches!(c, ' ' | '\t'))
            .map(|c| if c == '\t' { 4 } else { 1 })
            .sum();
        if indent == 0 {
            out.push_str("<span class=\"line\">");
        } else {
            let hang = indent.min(40) + 2;
            let _ = write!(
                out,
                "<span class=\"line\" style=\"padding-left:{hang}ch;text-indent:-{hang}ch\">"
            );
        }
        out.push_str(&escape(line));
        out.push_str("\n</span>");
    }
}

/// `lang`/`xml:lang`, `dir`, `class`, `title` and `datetime`, as attributes.
fn attributes(attrs: &Attrs) -> String {
    let mut out = String::new();
    if let Some(lang) = &attrs.lang {
        let _ = write!(out, " lang=\"{0}\" xml:lang=\"{0}\"", attr(lang));
    }
    if let Some(dir) = attrs.dir {
        let _ = write!(out, " dir=\"{}\"", dir.name());
    }
    if let Some(class) = &attrs.class {
        let _ = write!(out, " class=\"{}\"", attr(class));
    }
    if let Some(title) = &attrs.title {
        let _ = write!(out, " title=\"{}\"", attr(title));
    }
    if let Some(datetime) = &attrs.datetime {
        let _ = write!(out, " datetime=\"{}\"", attr(datetime));
    }
    out
}

/// A CSS class name from a code language (letters, digits, `-`, `_`).
pub(super) fn class_name(lang: &str) -> String {
    lang.chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+'))
        .map(|c| if c == '+' { 'p' } else { c })
        .collect()
}

/// The plain-text title of a chapter for the TOC.
pub fn toc_title(doc: &Document, index: usize, labels: &crate::labels::Labels) -> String {
    let chapter = &doc.chapters[index];
    chapter.title.clone().unwrap_or_else(|| {
        chapter
            .blocks
            .iter()
            .find_map(|b| match b {
                Block::Paragraph { content, .. } => Some(plain_text(content)),
                _ => None,
            })
            .map(|t| t.chars().take(40).collect())
            .unwrap_or_else(|| {
                labels.numbered(crate::labels::Label::Chapter, &(index + 1).to_string())
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(escape("a<b & c>"), "a&lt;b &amp; c&gt;");
        assert_eq!(attr("say \"hi\""), "say &quot;hi&quot;");
        assert_eq!(escape("bad\u{1}char"), "badchar");
        assert_eq!(
            escape("no\u{FFFE}n-char, ＡＢ\u{FEFF}"),
            "non-char, ＡＢ\u{FEFF}"
        );
        assert_eq!(
            escape("plain “text” – l’été\t\n"),
            "plain “text” – l’été\t\n"
        );
    }
}

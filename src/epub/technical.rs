//! XHTML for technical and scholarly books: highlighted code (CSS classes,
//! line numbers, marked lines), MathML with its TeX as alternative text,
//! numbered equations, table captions, references to figures, tables and
//! equations, citations, the bibliography and callouts.
//!
//! Input: the tree's nodes (see [`crate::doc::technical`]). Output: markup
//! appended to the content document being written, escaped with
//! [`escape`] and [`attr`] like the rest of it.

use super::xhtml::{Writer, attr, class_name, escape};
use crate::doc::{
    BibEntry, Block, CalloutKind, Citation, CodeAttrs, CrossRef, Inline, Math, Numbered,
};
use crate::highlight;
use crate::labels::Label;
use std::fmt::Write;

impl Writer<'_> {
    /// Whether a code block is written by [`Writer::code`] (highlighted or
    /// numbered) rather than as plain lines.
    pub(super) fn highlights(&self, language: Option<&str>, attrs: &CodeAttrs) -> bool {
        let style = self.links.code;
        attrs.line_numbers.unwrap_or(style.line_numbers)
            || !attrs.highlight.is_empty()
            || (style.highlight && language.is_some_and(highlight::knows))
    }

    /// A code block with its tokens in CSS classes, numbered and marked
    /// lines as asked; each line a block of its own whose continuations hang
    /// under its indentation, as for plain code.
    pub(super) fn code(&mut self, language: Option<&str>, text: &str, attrs: &CodeAttrs) {
        let style = self.links.code;
        let numbers = attrs.line_numbers.unwrap_or(style.line_numbers);
        let tokens = language
            .filter(|_| style.highlight)
            .and_then(|l| highlight::highlight(l, text));
        let class = language
            .map(|l| format!(" class=\"language-{}\"", attr(&class_name(l))))
            .unwrap_or_default();
        let numbered = if numbers { " numbered" } else { "" };
        let _ = write!(self.out, "<pre class=\"code{numbered}\"><code{class}>");
        for (i, line) in text.split('\n').enumerate() {
            let n = attrs.number(i);
            let indent: usize = line
                .chars()
                .take_while(|c| matches!(c, ' ' | '\t'))
                .map(|c| if c == '\t' { 4 } else { 1 })
                .sum();
            let hang = indent.min(40) + 2 + if numbers { 5 } else { 0 };
            let marked = if attrs.highlighted(n) { " hl-line" } else { "" };
            let _ = write!(
                self.out,
                "<span class=\"line{marked}\" style=\"padding-left:{hang}ch;text-indent:-{hang}ch\">"
            );
            if numbers {
                let _ = write!(
                    self.out,
                    "<span class=\"ln\" aria-hidden=\"true\">{n:>4} </span>"
                );
            }
            match tokens.as_ref().and_then(|t| t.get(i)) {
                Some(tokens) => {
                    let mut at = 0;
                    for (class, range) in tokens {
                        if range.start > at {
                            self.out.push_str(&escape(&line[at..range.start]));
                        }
                        let piece = escape(&line[range.clone()]);
                        if *class == highlight::Class::Plain {
                            self.out.push_str(&piece);
                        } else {
                            let _ =
                                write!(self.out, "<span class=\"{}\">{piece}</span>", class.css());
                        }
                        at = range.end;
                    }
                    self.out.push_str(&escape(&line[at.min(line.len())..]));
                }
                None => self.out.push_str(&escape(line)),
            }
            self.out.push_str("\n</span>");
        }
        self.out.push_str("</code></pre>\n");
    }

    /// A formula: MathML with its TeX as alternative text, or its source
    /// when it did not parse.
    pub(super) fn math(&mut self, math: &Math) {
        match &math.mathml {
            Some(mathml) => self.out.push_str(&with_alttext(mathml, &math.tex)),
            None => {
                let mark = if math.display { "$$" } else { "$" };
                let _ = write!(
                    self.out,
                    "<code class=\"math-source\">{}</code>",
                    escape(&format!("{mark}{}{mark}", math.tex))
                );
            }
        }
    }

    /// A display equation, with its number at the right when it has a label.
    pub(super) fn equation(&mut self, math: &Math, label: Option<&Numbered>) {
        match label {
            Some(l) => {
                let _ = write!(
                    self.out,
                    "<div class=\"equation numbered\" id=\"{}\">",
                    attr(&self.doc.anchors.get(l.anchor).id)
                );
            }
            None => self.out.push_str("<div class=\"equation\">"),
        }
        self.math(math);
        if let Some(l) = label {
            let _ = write!(self.out, "<span class=\"eqno\">({})</span>", l.number);
        }
        self.out.push_str("</div>\n");
    }

    /// The id attribute and accessible name of a table's box.
    pub(super) fn table_name(
        &self,
        caption: &[Inline],
        label: Option<&Numbered>,
    ) -> (String, String) {
        let id = label
            .map(|l| format!(" id=\"{}\"", attr(&self.doc.anchors.get(l.anchor).id)))
            .unwrap_or_default();
        let text = crate::doc::plain_text(caption);
        let name = match (label, text.is_empty()) {
            (Some(l), true) => self.labels.numbered(Label::Table, &l.number.to_string()),
            (Some(l), false) => format!(
                "{}: {text}",
                self.links
                    .labels
                    .numbered(Label::Table, &l.number.to_string())
            ),
            (None, false) => text,
            (None, true) => self.labels.numbered(Label::Table, &self.tables.to_string()),
        };
        (id, name)
    }

    /// A table's `<caption>`: "Table 2: …".
    pub(super) fn table_caption(&mut self, caption: &[Inline], label: Option<&Numbered>) {
        if caption.is_empty() && label.is_none() {
            return;
        }
        self.out.push_str("<caption>");
        if let Some(l) = label {
            let word = self.labels.numbered(Label::Table, &l.number.to_string());
            let colon = if caption.is_empty() { "" } else { ":" };
            let _ = write!(
                self.out,
                "<span class=\"caption-label\">{}{colon}</span> ",
                escape(&word)
            );
        }
        self.inlines(caption);
        self.out.push_str("</caption>\n");
    }

    /// "Figure 3", linked to the figure.
    pub(super) fn cross_ref(&mut self, r: &CrossRef) {
        match r.target {
            Some((anchor, number)) => {
                let href = self.links.anchor_href(self.doc, anchor, self.index);
                let text = self.labels.numbered(r.kind.word(), &number.to_string());
                let _ = write!(
                    self.out,
                    "<a class=\"xref\" href=\"{}\">{}</a>",
                    attr(&href),
                    escape(&text)
                );
            }
            None => {
                let text = self.labels.numbered(r.kind.word(), "??");
                let _ = write!(
                    self.out,
                    "<span class=\"xref unresolved\">{}</span>",
                    escape(&text)
                );
            }
        }
    }

    /// A citation as the style formats it (its keys when it was not formatted).
    pub(super) fn citation(&mut self, c: &Citation) {
        self.out.push_str("<span class=\"citation\">");
        if c.rendered.is_empty() {
            let keys: Vec<String> = c.items.iter().map(|i| format!("@{}", i.key)).collect();
            self.out
                .push_str(&escape(&format!("[{}]", keys.join("; "))));
        } else {
            self.inlines(&c.rendered);
        }
        self.out.push_str("</span>");
    }

    /// The bibliography: one list item per work, which citations link to.
    pub(super) fn bibliography(&mut self, entries: &[BibEntry]) {
        let name = self.labels.get(Label::References).to_string();
        let _ = writeln!(
            self.out,
            "<section class=\"bibliography\" epub:type=\"bibliography\" role=\"doc-bibliography\" aria-label=\"{}\">\n<ul class=\"references\">",
            attr(&name)
        );
        for entry in entries {
            let _ = write!(
                self.out,
                "<li id=\"{}\">",
                attr(&self.doc.anchors.get(entry.anchor).id)
            );
            if !entry.label.is_empty() {
                self.out.push_str("<span class=\"ref-label\">");
                self.inlines(&entry.label);
                self.out.push_str("</span> ");
            }
            self.inlines(&entry.content);
            self.out.push_str("</li>\n");
        }
        self.out.push_str("</ul>\n</section>\n");
    }

    /// A callout: an aside with its label, in the book's language.
    pub(super) fn callout(&mut self, kind: CalloutKind, blocks: &[Block]) {
        // `aside` may carry `note` and `doc-tip` (ARIA in HTML); warnings
        // and cautions are notices (`epub:type="notice"`) in a `note`.
        let (epub_type, role) = match kind {
            CalloutKind::Tip => ("tip", "doc-tip"),
            CalloutKind::Note => ("notice", "note"),
            CalloutKind::Important | CalloutKind::Warning | CalloutKind::Caution => {
                ("notice", "note")
            }
        };
        let label = self.labels.get(kind.label()).to_string();
        let _ = writeln!(
            self.out,
            "<aside class=\"callout {}\" epub:type=\"{epub_type}\" role=\"{role}\" aria-label=\"{}\">\n<p class=\"callout-title\">{}</p>",
            kind.name(),
            attr(&label),
            escape(&label)
        );
        for b in blocks {
            self.block(b);
        }
        self.out.push_str("</aside>\n");
    }
}

/// The MathML with `alttext` (the TeX) on its `math` element.
fn with_alttext(mathml: &str, tex: &str) -> String {
    match mathml.strip_prefix("<math") {
        Some(rest) => format!("<math alttext=\"{}\"{rest}", attr(tex.trim())),
        None => mathml.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alttext_is_escaped_tex() {
        let m = with_alttext("<math display=\"inline\"><mi>x</mi></math>", "a < \"b\"");
        assert!(
            m.starts_with("<math alttext=\"a &lt; &quot;b&quot;\" display"),
            "{m}"
        );
    }
}

//! Corrections to epub-builder 0.8.3's package document, NCX and navigation
//! document, applied as they pass into the container.
//!
//! Input: the text epub-builder wrote. Output: the same text with what it
//! cannot express put right, each change small and local:
//! - package: the book's language on `package` (`xml:lang`: Ace requires
//!   it, epub-builder writes none); `dc:language` gets an id of its own (epub-builder gives it
//!   the id of the first `dc:creator`: a duplicate id epubcheck rejects,
//!   RSC-005); the book's identifier when it is not a UUID (an ISBN, a DOI
//!   or the author's own); the Dublin Core elements epub-builder has no way
//!   to write (`dc:publisher`, `dc:contributor`, a subtitle's `dc:title`;
//!   their refinements are epub-builder's `MetadataOpfV3`); manifest
//!   `properties` it cannot set (`mathml` for content documents with
//!   formulas, `svg` for the cover page, which draws the
//!   image in SVG);
//! - NCX: `dtb:uid` (it writes none, and reading systems match it with the
//!   package), the real depth of the tree (it always says 1), the book's
//!   title (it writes the TOC's heading), and one play order for entries
//!   that point at the same place (a magazine section and its first
//!   article; it numbers every entry, which epubcheck rejects);
//! - navigation document: the book's language (it writes no `lang`), an
//!   accessible name for each `nav`, and the landmarks hidden from the page.
//!
//! Everything else in these files (metadata, manifest, spine, guide, the
//! TOC and landmarks themselves) is epub-builder's.

use super::xhtml::attr;

/// What the corrections need to know.
#[derive(Debug, Clone, Default)]
pub struct Fixes {
    /// The identifier epub-builder writes (`urn:uuid:…` of the UUID it was given).
    pub written_identifier: String,
    /// The book's identifier.
    pub identifier: String,
    /// The book's title.
    pub title: String,
    /// The book's language.
    pub language: String,
    /// Levels of the TOC tree.
    pub depth: usize,
    /// Manifest hrefs (relative to the package) that need `properties="svg"`.
    pub svg: Vec<String>,
    /// Manifest hrefs of content documents with MathML (`properties="mathml"`).
    pub mathml: Vec<String>,
    /// Dublin Core elements to add to the metadata, as XML.
    pub elements: Vec<String>,
    /// The landmarks' accessible name, in the book's language.
    pub landmarks: String,
    /// The name of the landmark to the start of the text (epub-builder
    /// gives it the first chapter's title).
    pub start: String,
}

impl Fixes {
    /// The package document.
    pub fn package(&self, opf: &str) -> String {
        let mut out = opf
            .replace(
                "<dc:language id=\"epub-creator-",
                "<dc:language id=\"language-",
            )
            .replacen(
                " unique-identifier=\"epub-id-1\">",
                &format!(
                    " unique-identifier=\"epub-id-1\" xml:lang=\"{}\">",
                    attr(&self.language)
                ),
                1,
            );
        if !self.elements.is_empty() {
            let mut added = String::new();
            for element in &self.elements {
                added.push_str("    ");
                added.push_str(element);
                added.push('\n');
            }
            added.push_str("  </metadata>");
            out = out.replacen("  </metadata>", &added, 1);
        }
        if self.identifier != self.written_identifier {
            out = out.replacen(
                &format!(">{}</dc:identifier>", attr(&self.written_identifier)),
                &format!(">{}</dc:identifier>", attr(&self.identifier)),
                1,
            );
        }
        for href in &self.mathml {
            out = out.replacen(
                &format!(" href=\"{}\"/>", attr(href)),
                &format!(" href=\"{}\" properties=\"mathml\"/>", attr(href)),
                1,
            );
        }
        for href in &self.svg {
            out = out.replacen(
                &format!(" href=\"{}\"/>", attr(href)),
                &format!(" href=\"{}\" properties=\"svg\"/>", attr(href)),
                1,
            );
        }
        out
    }

    /// The NCX.
    pub fn ncx(&self, ncx: &str) -> String {
        let mut out = ncx.replacen(
            "<meta name=\"dtb:depth\" content=\"1\" />",
            &format!(
                "<meta name=\"dtb:uid\" content=\"{}\" />\n    <meta name=\"dtb:depth\" content=\"{}\" />",
                attr(&self.identifier),
                self.depth.max(1)
            ),
            1,
        );
        if let (Some(start), Some(end)) = (out.find("<docTitle>"), out.find("</docTitle>")) {
            out.replace_range(
                start..end,
                &format!("<docTitle>\n    <text>{}</text>\n  ", attr(&self.title)),
            );
        }
        play_order(&out)
    }

    /// The navigation document.
    pub fn nav(&self, nav: &str) -> String {
        let lang = attr(&self.language);
        let landmarks = format!(
            "<nav epub:type=\"landmarks\" id=\"landmarks\" aria-label=\"{}\" hidden=\"hidden\">",
            attr(if self.landmarks.is_empty() {
                "Landmarks"
            } else {
                &self.landmarks
            })
        );
        let nav = start_landmark(nav, &self.start);
        nav.replacen(
            "xmlns:epub=\"http://www.idpf.org/2007/ops\">",
            &format!(
                "xmlns:epub=\"http://www.idpf.org/2007/ops\" lang=\"{lang}\" xml:lang=\"{lang}\">"
            ),
            1,
        )
        .replacen(
            "<nav epub:type = \"toc\" id=\"toc\">",
            "<nav epub:type=\"toc\" id=\"toc\" role=\"doc-toc\" aria-labelledby=\"toc-title\">",
            1,
        )
        .replacen("<nav epub:type = \"landmarks\">", &landmarks, 1)
    }
}

/// The landmark to the start of the text named `name` (when given).
fn start_landmark(nav: &str, name: &str) -> String {
    const START: &str = "epub:type=\"bodymatter\"";
    let Some(at) = nav.find(START) else {
        return nav.to_string();
    };
    let text = nav[at..].find('>').map(|i| at + i + 1);
    let end = text.and_then(|t| nav[t..].find("</a>").map(|i| t + i));
    match (text, end) {
        (Some(text), Some(end)) if !name.is_empty() => {
            format!("{}{}{}", &nav[..text], attr(name), &nav[end..])
        }
        _ => nav.to_string(),
    }
}

/// Renumbers the NCX's play order: entries that point at the same target
/// share the number of the first of them (epubcheck requires it).
fn play_order(ncx: &str) -> String {
    const POINT: &str = "<navPoint playOrder=\"";
    const CONTENT: &str = "<content src=\"";
    let mut out = String::with_capacity(ncx.len());
    let mut orders: std::collections::BTreeMap<&str, usize> = Default::default();
    let mut rest = ncx;
    while let Some(at) = rest.find(POINT) {
        let after = &rest[at + POINT.len()..];
        let Some(quote) = after.find('"') else {
            break;
        };
        let target = after.find(CONTENT).and_then(|c| {
            let src = &after[c + CONTENT.len()..];
            src.find('"').map(|end| &src[..end])
        });
        let next = orders.len() + 1;
        let order = match target {
            Some(t) => *orders.entry(t).or_insert(next),
            None => next,
        };
        out.push_str(&rest[..at]);
        out.push_str(POINT);
        out.push_str(&order.to_string());
        rest = &after[quote..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ncx_gets_uid_depth_and_title() {
        let fixes = Fixes {
            identifier: "urn:isbn:9783161484100".into(),
            title: "A & B".into(),
            depth: 2,
            ..Fixes::default()
        };
        let ncx = "<head>\n    <meta name=\"dtb:depth\" content=\"1\" />\n  </head>\n  <docTitle>\n    <text>Contents</text>\n  </docTitle>";
        let fixed = fixes.ncx(ncx);
        assert!(fixed.contains("dtb:uid\" content=\"urn:isbn:9783161484100\""));
        assert!(fixed.contains("dtb:depth\" content=\"2\""));
        assert!(fixed.contains("<text>A &amp; B</text>"), "{fixed}");
    }

    #[test]
    fn entries_with_one_target_share_a_play_order() {
        let ncx = "<navPoint playOrder=\"1\" id=\"navPoint-1\"><content src=\"a.xhtml\"/>\
<navPoint playOrder=\"2\" id=\"navPoint-2\"><content src=\"a.xhtml\"/></navPoint>\
<navPoint playOrder=\"3\" id=\"navPoint-3\"><content src=\"b.xhtml\"/></navPoint></navPoint>";
        let fixed = play_order(ncx);
        assert_eq!(fixed.matches("playOrder=\"1\"").count(), 2, "{fixed}");
        assert!(
            fixed.contains("playOrder=\"2\" id=\"navPoint-3\""),
            "{fixed}"
        );
    }
}

//! Front matter pages from the metadata, as the print edition has them: a
//! title page (`epub:type="titlepage"`: title, subtitle, authors,
//! publisher) and a copyright page (`epub:type="copyright-page"`: rights,
//! edition, publisher and year, ISBN, printing line), placed after the cover
//! and before the contents.

use super::xhtml::{attr, escape};
use crate::doc::Metadata;

/// The XHTML of a front page: `body` inside a section of `epub_type`.
fn page(title: &str, epub_type: &str, class: &str, body: &str, language: &str) -> String {
    let lang = attr(language);
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\" lang=\"{lang}\" xml:lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>{}</title>\n<link rel=\"stylesheet\" type=\"text/css\" href=\"stylesheet.css\"/>\n</head>\n<body epub:type=\"frontmatter\">\n<section class=\"{class}\" epub:type=\"{epub_type}\">\n{body}</section>\n</body>\n</html>\n",
        escape(title)
    )
}

/// The title page.
pub fn title_page(meta: &Metadata, language: &str) -> String {
    let title = meta.title.as_deref().unwrap_or_default();
    let mut body = format!("<h1 class=\"title\">{}</h1>\n", escape(title));
    if let Some(sub) = &meta.subtitle {
        body.push_str(&format!("<p class=\"subtitle\">{}</p>\n", escape(sub)));
    }
    if !meta.authors.is_empty() {
        body.push_str(&format!(
            "<p class=\"author\">{}</p>\n",
            escape(&meta.authors.join(", "))
        ));
    }
    if let Some(publisher) = &meta.publisher {
        body.push_str(&format!(
            "<p class=\"publisher\">{}</p>\n",
            escape(publisher)
        ));
    }
    page(title, "titlepage", "title-page", &body, language)
}

/// The copyright page (`None` when the metadata says nothing for it).
pub fn copyright_page(meta: &Metadata, label: &str, language: &str) -> Option<String> {
    let lines = crate::imprint::copyright_lines(meta);
    if lines.is_empty() {
        return None;
    }
    let body: String = lines
        .iter()
        .map(|l| format!("<p>{}</p>\n", escape(l)))
        .collect();
    Some(page(
        label,
        "copyright-page",
        "copyright-page",
        &body,
        language,
    ))
}

//! Magazine issues: a folder of articles built as one book is the issue,
//! not its first article. The issue's title, date, publisher and authors
//! come from the project file and the folder's `_index.md` front matter,
//! with defaults from the folder's name; the articles' authors become
//! contributors.

use crate::diag::SourceFile;
use crate::doc::{self, Dialect, Document, Metadata};
use crate::options::MetadataLayer;
use crate::{BuildOptions, Report, diag, parse, project};
use std::path::PathBuf;

/// A magazine issue: its folder and what its metadata file says.
pub struct Issue {
    /// The folder.
    folder: PathBuf,
    /// The front matter of its metadata file.
    meta: Metadata,
}

/// The issue the inputs make: the folder given as the only input, when it
/// has an [`project::ISSUE_FILE`] or holds several articles (the first read
/// in the article dialect). Its metadata file's front matter is read here.
pub fn detect(inputs: &[PathBuf], doc: &Document, report: &mut Report) -> Option<Issue> {
    let [folder] = inputs else {
        return None;
    };
    if !folder.is_dir() {
        return None;
    }
    let index = folder.join(project::ISSUE_FILE);
    let articles = doc.chapters.len() >= 2
        && doc
            .chapters
            .first()
            .is_some_and(|c| c.dialect == Dialect::Article);
    if !index.is_file() {
        return articles.then(|| Issue {
            folder: folder.clone(),
            meta: Metadata::default(),
        });
    }
    let meta = match project::read_source(&index) {
        Ok(text) => {
            let file = report
                .sources
                .add(SourceFile::new(index.clone(), text.clone()));
            parse::frontmatter::read(&text, file, &mut report.diagnostics)
                .0
                .meta
        }
        Err(e) => {
            report.diagnostics.push(diag::Diagnostic::warning(
                diag::Span::new(diag::FileId(0), 0..0),
                format!("the issue's metadata file is unreadable ({e}); it is ignored"),
            ));
            Metadata::default()
        }
    };
    Some(Issue {
        folder: folder.clone(),
        meta,
    })
}

/// A magazine issue's metadata: `bindery.toml`, under the folder's
/// `_index.md` front matter; the title (and a date written in it) from the
/// folder's name when neither gives one; the language of the first article
/// when none is given. The creator is the issue's author, else its
/// publisher, else the issue itself (never nobody: reading systems show
/// "Unknown"); the articles' authors are contributors.
pub fn metadata(
    options: &BuildOptions,
    issue: &Issue,
    first_article: &Metadata,
    article_authors: Vec<String>,
) -> Metadata {
    let mut meta = MetadataLayer::merged([
        options.project.metadata.clone(),
        issue.meta.clone().into(),
        options.overrides.metadata.clone(),
    ]);
    let name = issue
        .folder
        .canonicalize()
        .unwrap_or_else(|_| issue.folder.clone())
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let dated = folder_date(&name);
    if meta.title.is_none() && !name.is_empty() {
        // The name without its date, then the date: `2024-03-01-the-weekly`
        // → `The weekly 2024-03-01`.
        let rest = match &dated {
            Some((_, range)) => format!("{} {}", &name[..range.start], &name[range.end..]),
            None => name.clone(),
        };
        let title = folder_title(&rest);
        meta.title = Some(match &dated {
            Some((date, _)) if title.is_empty() => date.clone(),
            Some((date, _)) => format!("{title} {date}"),
            None => title,
        });
    }
    if meta.date.is_none() {
        meta.date = dated.map(|(date, _)| date);
    }
    if meta.language.is_none() {
        meta.language.clone_from(&first_article.language);
    }
    if meta.authors.is_empty() {
        meta.authors = match (&meta.publisher, &meta.title) {
            (Some(publisher), _) => vec![publisher.clone()],
            (None, Some(title)) => vec![title.clone()],
            (None, None) => Vec::new(),
        };
    }
    for author in article_authors {
        let known =
            meta.authors.contains(&author) || meta.contributors.iter().any(|c| c.name == author);
        if !known {
            meta.contributors.push(doc::Contributor {
                name: author,
                role: "aut".into(),
            });
        }
    }
    meta
}

/// A title from a folder name: `the-weekly_2024-03-01` → `The weekly 2024-03-01`.
fn folder_title(name: &str) -> String {
    let spaced: String = name
        .chars()
        .map(|c| if matches!(c, '-' | '_') { ' ' } else { c })
        .collect();
    let spaced = spaced.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The first `YYYY-MM-DD` (or `YYYYMMDD`) date in a folder name, and where it is.
fn folder_date(name: &str) -> Option<(String, std::ops::Range<usize>)> {
    let bytes = name.as_bytes();
    for start in 0..bytes.len() {
        for (len, fmt) in [(10, "%Y-%m-%d"), (10, "%Y_%m_%d"), (8, "%Y%m%d")] {
            let Some(candidate) = name.get(start..start + len) else {
                continue;
            };
            let digit_before = start > 0 && bytes[start - 1].is_ascii_digit();
            let digit_after = bytes.get(start + len).is_some_and(u8::is_ascii_digit);
            if digit_before || digit_after {
                continue;
            }
            if let Ok(date) = chrono::NaiveDate::parse_from_str(candidate, fmt) {
                return Some((date.format("%Y-%m-%d").to_string(), start..start + len));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_names() {
        assert_eq!(folder_title("the-weekly_2"), "The weekly 2");
        let (date, range) = folder_date("2024-03-01-the-weekly").unwrap();
        assert_eq!((date.as_str(), range), ("2024-03-01", 0..10));
        assert_eq!(folder_date("issue-20240301").unwrap().0, "2024-03-01");
        assert!(folder_date("issue-123456789").is_none());
    }
}

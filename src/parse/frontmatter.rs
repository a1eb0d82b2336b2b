//! Front matter: a YAML (`---`) or TOML (`+++`) block at the top of a source.
//!
//! Input: the source text. Output: the metadata it sets, the book options it
//! sets (its `epub:`, `pdf:` and `images:` sections, read with the project
//! file's types: see [`crate::options`]) and the byte offset where the
//! Markdown body starts. Malformed front matter is an error with a location.

use crate::diag::{Diagnostic, Diagnostics, FileId, Span};
use crate::doc::Metadata;
use crate::options::{List, Text};
use serde::Deserialize;

/// What the front matter of one file says.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FrontMatter {
    /// Metadata fields it sets.
    pub meta: Metadata,
    /// The magazine section the file belongs to.
    pub section: Option<String>,
    /// The book options it sets (its metadata is in `meta`).
    pub options: crate::options::Layer,
}

/// A person: a name, or a name with a role.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Person {
    Name(String),
    Full {
        name: String,
        #[serde(default)]
        role: Option<String>,
    },
}

/// One person or a list of them.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum People {
    One(Person),
    Many(Vec<Person>),
}

impl People {
    fn into_vec(self) -> Vec<Person> {
        match self {
            People::One(p) => vec![p],
            People::Many(v) => v,
        }
    }
}

/// The keys bindery reads; other keys are kept for later stages and ignored here.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Raw {
    title: Option<Text>,
    subtitle: Option<Text>,
    author: Option<People>,
    authors: Option<People>,
    editor: Option<People>,
    translator: Option<People>,
    illustrator: Option<People>,
    #[serde(alias = "subject", alias = "keywords", alias = "tags")]
    subjects: Option<List<Text>>,
    #[serde(alias = "copyright", alias = "license")]
    rights: Option<Text>,
    series: Option<Text>,
    #[serde(alias = "series-index")]
    series_index: Option<Text>,
    section: Option<Text>,
    #[serde(alias = "lang")]
    language: Option<Text>,
    date: Option<Text>,
    #[serde(alias = "isbn", alias = "id")]
    identifier: Option<Text>,
    publisher: Option<Text>,
    #[serde(alias = "abstract", alias = "summary")]
    description: Option<Text>,
    epub: Option<crate::options::EpubLayer>,
    pdf: Option<crate::options::PdfLayer>,
    images: Option<crate::options::ImagesLayer>,
}

/// Where the front matter is and what syntax it uses.
struct Block<'a> {
    body: &'a str,
    /// Offset of `body` in the source.
    body_start: usize,
    /// Offset where the Markdown after the closing fence starts.
    end: usize,
    toml: bool,
}

/// Finds the front matter block, if the text starts with one.
fn find(text: &str) -> Option<Block<'_>> {
    let (fence, toml) = if text.starts_with("---") {
        ("---", false)
    } else if text.starts_with("+++") {
        ("+++", true)
    } else {
        return None;
    };
    let first_end = text.find('\n')?;
    if text[..first_end].trim_end() != fence {
        return None;
    }
    let body_start = first_end + 1;
    let mut pos = body_start;
    while pos <= text.len() {
        let line_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let line = text[pos..line_end].trim_end();
        if line == fence || (!toml && line == "...") {
            let end = (line_end + 1).min(text.len());
            return Some(Block {
                body: &text[body_start..pos],
                body_start,
                end,
                toml,
            });
        }
        if line_end == text.len() {
            break;
        }
        pos = line_end + 1;
    }
    None
}

/// Reads the front matter of `text`, returning it and where the body starts.
///
/// A YAML block that is not a mapping (a `---` thematic break at the top of a
/// document, say) is not front matter and is left to the Markdown parser.
pub fn read(text: &str, file: FileId, diags: &mut Diagnostics) -> (FrontMatter, usize) {
    let Some(block) = find(text) else {
        return (FrontMatter::default(), 0);
    };
    let raw: Result<Raw, (String, Option<usize>)> = if block.toml {
        toml::from_str::<Raw>(block.body).map_err(|e| {
            let offset = e.span().map(|s| s.start);
            (crate::options::value::user_words(e.message()), offset)
        })
    } else {
        if block.body.trim().is_empty() {
            return (FrontMatter::default(), block.end);
        }
        serde_saphyr::from_str::<Raw>(block.body).map_err(|e| {
            let place = e
                .location()
                .map(|l| (l.line() as usize, l.column() as usize));
            let offset = place.map(|(line, column)| {
                let start = line_offset(block.body, line);
                let line_text = block.body[start..].lines().next().unwrap_or("");
                start
                    + line_text
                        .char_indices()
                        .nth(column.saturating_sub(1))
                        .map_or(line_text.len(), |(i, _)| i)
            });
            let message = e.to_string();
            let first = message.lines().next().unwrap_or("invalid YAML");
            // "error: line 3 column 10: unknown paper size `a9`"
            let bare = first
                .strip_prefix("error: ")
                .and_then(|m| m.split_once(": ").filter(|(at, _)| at.starts_with("line ")))
                .map_or(first, |(_, m)| m);
            (crate::options::value::user_words(bare), offset)
        })
    };
    match raw {
        Ok(raw) => (convert(raw), block.end),
        Err((message, offset)) => {
            let start = block.body_start + offset.unwrap_or(0);
            let span = Span::new(file, start..start);
            let message = if message.contains("budget") {
                "too large: aliases expand past the size budget".to_string()
            } else {
                message
            };
            let snippet: String = text[start.min(text.len())..]
                .lines()
                .next()
                .unwrap_or("")
                .chars()
                .take(60)
                .collect();
            let (kind, hint) = if block.toml {
                (
                    "TOML",
                    "TOML front matter is `key = value` lines between `+++` fences",
                )
            } else {
                (
                    "YAML",
                    "YAML front matter is `key: value` lines between `---` fences",
                )
            };
            let mut d =
                Diagnostic::error(span, format!("malformed {kind} front matter ({message})"));
            if !snippet.trim().is_empty() {
                d = d.with_hint(format!("the line reads: {}", snippet.trim_end()));
            }
            diags.push(d.with_hint(hint));
            (FrontMatter::default(), block.end)
        }
    }
}

/// Byte offset of 1-based `line` in `text`.
fn line_offset(text: &str, line: usize) -> usize {
    if line <= 1 {
        return 0;
    }
    text.match_indices('\n')
        .nth(line - 2)
        .map_or(text.len(), |(i, _)| i + 1)
}

fn convert(raw: Raw) -> FrontMatter {
    let clean = |s: Option<Text>| s.map(|t| t.0).filter(|s| !s.is_empty());
    let mut authors = Vec::new();
    let mut contributors = Vec::new();
    for list in [raw.author, raw.authors].into_iter().flatten() {
        for person in list.into_vec() {
            match person {
                Person::Name(name) | Person::Full { name, role: None } => {
                    if !name.trim().is_empty() {
                        authors.push(name.trim().to_string());
                    }
                }
                Person::Full {
                    name,
                    role: Some(role),
                } => {
                    let role = crate::doc::relator(&role);
                    if role == "aut" {
                        authors.push(name.trim().to_string());
                    } else {
                        contributors.push(crate::doc::Contributor {
                            name: name.trim().to_string(),
                            role,
                        });
                    }
                }
            }
        }
    }
    for (list, role) in [
        (raw.editor, "edt"),
        (raw.translator, "trl"),
        (raw.illustrator, "ill"),
    ] {
        for person in list.map(People::into_vec).unwrap_or_default() {
            let name = match person {
                Person::Name(n) | Person::Full { name: n, .. } => n,
            };
            contributors.push(crate::doc::Contributor {
                name: name.trim().to_string(),
                role: role.to_string(),
            });
        }
    }
    FrontMatter {
        section: clean(raw.section),
        options: crate::options::Layer {
            epub: raw.epub.unwrap_or_default(),
            pdf: raw.pdf.unwrap_or_default(),
            images: raw.images.unwrap_or_default(),
            ..Default::default()
        },
        meta: Metadata {
            title: clean(raw.title),
            subtitle: clean(raw.subtitle),
            authors,
            language: clean(raw.language),
            date: clean(raw.date),
            identifier: clean(raw.identifier),
            publisher: clean(raw.publisher),
            description: clean(raw.description),
            subjects: raw
                .subjects
                .map(|l| {
                    l.0.into_iter()
                        .map(|t| t.0)
                        .filter(|s| !s.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            rights: clean(raw.rights),
            series: clean(raw.series),
            series_index: clean(raw.series_index),
            contributors,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_front_matter() {
        let text =
            "---\ntitle: A Book\nauthor: [Ann, Bob]\nlang: fr\ndate: 2024-01-02\n---\n# Hi\n";
        let mut diags = Diagnostics::default();
        let (fm, start) = read(text, FileId(0), &mut diags);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(&text[start..], "# Hi\n");
        assert_eq!(fm.meta.title.as_deref(), Some("A Book"));
        assert_eq!(fm.meta.authors, ["Ann", "Bob"]);
        assert_eq!(fm.meta.language.as_deref(), Some("fr"));
        assert_eq!(fm.meta.date.as_deref(), Some("2024-01-02"));
    }

    #[test]
    fn toml_front_matter() {
        let text = "+++\ntitle = \"T\"\nauthors = [\"A\"]\n+++\nbody";
        let mut diags = Diagnostics::default();
        let (fm, start) = read(text, FileId(0), &mut diags);
        assert!(diags.is_empty());
        assert_eq!(&text[start..], "body");
        assert_eq!(fm.meta.title.as_deref(), Some("T"));
    }

    #[test]
    fn malformed_yaml_is_an_error_with_a_line() {
        let text = "---\ntitle: ok\nauthor: [unclosed\n---\nbody";
        let mut diags = Diagnostics::default();
        let _ = read(text, FileId(0), &mut diags);
        assert!(diags.has_errors());
        let d = diags.iter().next().unwrap();
        assert!(
            d.message.starts_with("malformed YAML front matter"),
            "{}",
            d.message
        );
    }

    #[test]
    fn no_front_matter() {
        let mut diags = Diagnostics::default();
        let (fm, start) = read("# Title\n", FileId(0), &mut diags);
        assert_eq!(start, 0);
        assert_eq!(fm, FrontMatter::default());
    }
}

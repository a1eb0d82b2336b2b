//! Front matter: a YAML (`---`) or TOML (`+++`) block at the top of a source.
//!
//! Input: the source text. Output: the metadata it sets, the book options it
//! sets (its `epub:`, `pdf:` and `images:` sections, read with the project
//! file's types: see [`crate::options`]) and the byte offset where the
//! Markdown body starts. A block is front matter only when it is a mapping;
//! malformed front matter and a field of the wrong type are errors with a
//! location, in the user's words (`author: expected a name or a list of names
//! (found a list containing a list)`).

use crate::diag::{Diagnostic, Diagnostics, FileId, Span};
use crate::doc::Metadata;

/// What the front matter of one file says.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FrontMatter {
    /// Metadata fields it sets.
    pub meta: Metadata,
    /// The magazine section the file belongs to.
    pub section: Option<String>,
    /// Book options it sets (`epub:`, `pdf:`, `images:`).
    pub options: crate::options::Layer,
}

/// A front matter value, from YAML or TOML, before it is checked.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Null,
    Scalar(String),
    List(Vec<Value>),
    Map(Vec<(String, Value)>),
}

impl Value {
    fn from_yaml(v: serde_json::Value) -> Value {
        match v {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Scalar(b.to_string()),
            serde_json::Value::Number(n) => Value::Scalar(n.to_string()),
            serde_json::Value::String(s) => Value::Scalar(s),
            serde_json::Value::Array(a) => {
                Value::List(a.into_iter().map(Value::from_yaml).collect())
            }
            serde_json::Value::Object(o) => Value::Map(
                o.into_iter()
                    .map(|(k, v)| (k, Value::from_yaml(v)))
                    .collect(),
            ),
        }
    }

    fn from_toml(v: toml::Value) -> Value {
        match v {
            toml::Value::String(s) => Value::Scalar(s),
            toml::Value::Integer(n) => Value::Scalar(n.to_string()),
            toml::Value::Float(n) => Value::Scalar(n.to_string()),
            toml::Value::Boolean(b) => Value::Scalar(b.to_string()),
            toml::Value::Datetime(d) => Value::Scalar(d.to_string()),
            toml::Value::Array(a) => Value::List(a.into_iter().map(Value::from_toml).collect()),
            toml::Value::Table(t) => Value::Map(
                t.into_iter()
                    .map(|(k, v)| (k, Value::from_toml(v)))
                    .collect(),
            ),
        }
    }

    /// What it is, in words, for messages.
    fn kind(&self) -> &'static str {
        match self {
            Value::Null => "nothing",
            Value::Scalar(_) => "text",
            Value::List(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }

    fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

/// A problem with one key: the key and what is wrong, in the user's words.
type KeyError = (String, String);

/// A text field.
fn text(key: &str, value: &Value) -> Result<Option<String>, KeyError> {
    match value {
        Value::Null => Ok(None),
        Value::Scalar(s) => Ok(Some(s.trim().to_string()).filter(|s| !s.is_empty())),
        other => Err((
            key.to_string(),
            format!("{key}: expected text (found {})", other.kind()),
        )),
    }
}

/// A list of texts (one text is a list of one).
fn texts(key: &str, value: &Value) -> Result<Vec<String>, KeyError> {
    let expected = |found: &str| {
        (
            key.to_string(),
            format!("{key}: expected a word or a list of words (found {found})"),
        )
    };
    match value {
        Value::Null => Ok(Vec::new()),
        Value::Scalar(s) => Ok(vec![s.trim().to_string()]),
        Value::List(items) => items
            .iter()
            .map(|v| match v {
                Value::Scalar(s) => Ok(s.trim().to_string()),
                other => Err(expected(&format!("a list containing {}", other.kind()))),
            })
            .collect(),
        Value::Map(_) => Err(expected("a mapping")),
    }
}

/// A person: a name, or a mapping with a `name` and an optional `role`.
fn person(key: &str, v: &Value, inside: bool) -> Result<(String, Option<String>), KeyError> {
    let found = |what: &str| {
        let what = if inside {
            format!("a list containing {what}")
        } else {
            what.to_string()
        };
        (
            key.to_string(),
            format!("{key}: expected a name or a list of names (found {what})"),
        )
    };
    match v {
        Value::Scalar(name) => Ok((name.trim().to_string(), None)),
        Value::Map(_) => match (v.get("name"), v.get("role")) {
            (Some(Value::Scalar(name)), role) => {
                let role = match role {
                    None | Some(Value::Null) => None,
                    Some(Value::Scalar(r)) => Some(r.clone()),
                    Some(other) => {
                        return Err((
                            key.to_string(),
                            format!(
                                "{key}: a role is a word such as editor (found {})",
                                other.kind()
                            ),
                        ));
                    }
                };
                Ok((name.trim().to_string(), role))
            }
            _ => Err(found("a mapping without a `name`")),
        },
        other => Err(found(other.kind())),
    }
}

/// People: a name, a list of names, or entries with a `name` and a `role`.
fn people(key: &str, value: &Value) -> Result<Vec<(String, Option<String>)>, KeyError> {
    match value {
        Value::Null => Ok(Vec::new()),
        Value::List(items) => items.iter().map(|v| person(key, v, true)).collect(),
        other => person(key, other, false).map(|p| vec![p]),
    }
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

/// Where the front matter of `text` sets `key` (dotted: `pdf.paper`), as
/// a byte offset in `text`: the key's line in a TOML block (by the TOML
/// parser); in YAML, the line of the last part of the key indented under
/// the lines of the parts before it (`pdf:` then `  paper:`), or the line
/// of a section written as a flow mapping (`pdf: {paper: 6x9in}`). `None`
/// when the block does not name it.
pub fn option_offset(text: &str, key: &str) -> Option<usize> {
    let block = find(text)?;
    if block.toml {
        return crate::config::key_span(block.body, key).map(|r| block.body_start + r.start);
    }
    let mut parts = key.split('.');
    let mut want = parts.next()?;
    let mut depth: Option<usize> = None;
    let mut offset = block.body_start;
    for line in block.body.split_inclusive('\n') {
        let indent = line.len() - line.trim_start().len();
        let words = line.trim();
        let name = words
            .split_once(':')
            .map(|(k, _)| k.trim().trim_matches(['"', '\'']));
        if depth.is_some_and(|d| indent <= d) && !words.is_empty() && !words.starts_with('#') {
            // Left the section without finding the key.
            break;
        }
        if name == Some(want) && depth.is_none_or(|d| indent > d) {
            let flow = words
                .split_once(':')
                .is_some_and(|(_, v)| v.trim().starts_with('{'));
            match parts.next() {
                // A flow mapping (`pdf: {paper: a5}`) is one line.
                Some(_) if flow => return Some(offset + indent),
                Some(next) => {
                    want = next;
                    depth = Some(indent);
                }
                None => return Some(offset + indent),
            }
        }
        offset += line.len();
    }
    None
}

/// Reads the front matter of `text`, returning it and where the body starts.
///
/// A block is front matter only when it parses as a YAML (or TOML) mapping,
/// or looks like one (`key: value`) but is malformed (an error). Anything
/// else (a `---` thematic break and a setext heading at the top of a
/// document, CommonMark example 96) is Markdown, read from the start.
pub fn read(text: &str, file: FileId, diags: &mut Diagnostics) -> (FrontMatter, usize) {
    let Some(block) = find(text) else {
        return (FrontMatter::default(), 0);
    };
    let parsed: Result<Value, (String, Option<usize>)> = if block.toml {
        toml::from_str::<toml::Table>(block.body)
            .map(|t| Value::from_toml(toml::Value::Table(t)))
            .map_err(|e| {
                let offset = e.span().map(|s| s.start);
                (e.message().to_string(), offset)
            })
    } else {
        if block.body.trim().is_empty() {
            return (FrontMatter::default(), block.end);
        }
        serde_saphyr::from_str::<serde_json::Value>(block.body)
            .map(Value::from_yaml)
            .map_err(|e| {
                let line = e.location().map(|l| l.line() as usize);
                let offset = line.map(|line| line_offset(block.body, line));
                let message = e.to_string();
                let first = message.lines().next().unwrap_or("invalid YAML").to_string();
                (first, offset)
            })
    };
    let value = match parsed {
        Ok(value @ Value::Map(_)) => value,
        // Parsed, but not a mapping: Markdown.
        Ok(_) => return (FrontMatter::default(), 0),
        Err(_) if !looks_like_mapping(block.body, block.toml) => {
            return (FrontMatter::default(), 0);
        }
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
            return (FrontMatter::default(), block.end);
        }
    };
    let (mut front, errors) = convert(&value);
    for (key, message) in errors {
        let start = block.body_start + key_offset(block.body, &key, block.toml);
        diags.push(Diagnostic::error(Span::new(file, start..start), message));
    }
    if ["epub", "pdf", "images", "code", "bibliography", "csl"]
        .iter()
        .any(|k| value.get(k).is_some())
    {
        match sections(&block) {
            Ok(options) => front.options = options,
            Err((message, offset)) => {
                let start = block.body_start + offset.unwrap_or(0);
                diags.push(Diagnostic::error(Span::new(file, start..start), message));
            }
        }
    }
    (front, block.end)
}

/// The option sections of front matter, read with the project file's types
/// (so their values are checked, and worded, as there).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct Sections {
    epub: Option<crate::options::EpubLayer>,
    pdf: Option<crate::options::PdfLayer>,
    images: Option<crate::options::ImagesLayer>,
    code: Option<crate::options::CodeLayer>,
    bibliography: Option<crate::options::List<crate::options::FilePath>>,
    csl: Option<crate::options::CslChoice>,
}

/// Reads the `epub:`, `pdf:` and `images:` sections of a front matter block
/// into a layer of options; an error comes with its offset in the block.
fn sections(block: &Block<'_>) -> Result<crate::options::Layer, (String, Option<usize>)> {
    use crate::options::value::user_words;
    let sections: Sections = if block.toml {
        toml::from_str(block.body)
            .map_err(|e| (user_words(e.message()), e.span().map(|s| s.start)))?
    } else {
        serde_saphyr::from_str(block.body).map_err(|e| {
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
            (user_words(bare), offset)
        })?
    };
    Ok(crate::options::Layer {
        epub: sections.epub.unwrap_or_default(),
        pdf: sections.pdf.unwrap_or_default(),
        images: sections.images.unwrap_or_default(),
        code: sections.code.unwrap_or_default(),
        bibliography: sections.bibliography,
        csl: sections.csl,
        ..Default::default()
    })
}

/// Whether a block that does not parse was meant as a mapping: its first
/// line that is not blank or a comment reads `key: …` (YAML) or
/// `key = …` / `[table]` (TOML).
fn looks_like_mapping(body: &str, toml: bool) -> bool {
    let Some(line) = body
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
    else {
        return false;
    };
    if toml && line.starts_with('[') {
        return true;
    }
    let key_end = line
        .find(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '"' | '\'' | ' ')))
        .unwrap_or(line.len());
    let key = line[..key_end].trim();
    if key.is_empty() {
        return false;
    }
    let after = &line[key_end..];
    if toml {
        after.starts_with('=')
    } else {
        after.starts_with(':') && after[1..].chars().next().is_none_or(char::is_whitespace)
    }
}

/// Byte offset in `body` of the line that sets `key` (0 when not found).
fn key_offset(body: &str, key: &str, toml: bool) -> usize {
    let sep = if toml { '=' } else { ':' };
    let mut offset = 0;
    for line in body.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix(key)
            && rest.trim_start().starts_with(sep)
        {
            return offset;
        }
        offset += line.len();
    }
    0
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

/// The keys bindery reads with their other names; other keys are ignored.
const ALIASES: [(&str, &[&str]); 5] = [
    ("subjects", &["subject", "keywords", "tags"]),
    ("rights", &["copyright", "license"]),
    ("series_index", &["series-index"]),
    ("language", &["lang"]),
    ("identifier", &["isbn", "id"]),
];

/// The value of a key under its name or one of its other names.
fn lookup<'v>(value: &'v Value, name: &'static str) -> Option<(&'static str, &'v Value)> {
    let aliases = ALIASES
        .iter()
        .find(|(k, _)| *k == name)
        .map_or(&[][..], |(_, a)| *a);
    let aliases: &[&'static str] = if name == "description" {
        &["abstract", "summary"]
    } else {
        aliases
    };
    std::iter::once(name)
        .chain(aliases.iter().copied())
        .find_map(|k| value.get(k).map(|v| (k, v)))
}

/// Checks and converts the mapping; problems are returned per key.
fn convert(value: &Value) -> (FrontMatter, Vec<KeyError>) {
    let mut errors = Vec::new();
    let mut text_of = |name: &'static str| -> Option<String> {
        let (key, v) = lookup(value, name)?;
        text(key, v).unwrap_or_else(|e| {
            errors.push(e);
            None
        })
    };
    let title = text_of("title");
    let subtitle = text_of("subtitle");
    let rights = text_of("rights");
    let series = text_of("series");
    let series_index = text_of("series_index");
    let edition = text_of("edition");
    let printing = text_of("printing");
    let dedication = text_of("dedication");
    let epigraph = text_of("epigraph");
    let section = text_of("section");
    let language = text_of("language");
    let date = text_of("date");
    let identifier = text_of("identifier");
    let publisher = text_of("publisher");
    let description = text_of("description");
    let subjects = match lookup(value, "subjects") {
        Some((key, v)) => texts(key, v).unwrap_or_else(|e| {
            errors.push(e);
            Vec::new()
        }),
        None => Vec::new(),
    };
    let mut authors = Vec::new();
    let mut contributors = Vec::new();
    for name in ["author", "authors"] {
        let Some((key, v)) = lookup(value, name) else {
            continue;
        };
        match people(key, v) {
            Ok(list) => {
                for (name, role) in list {
                    if name.is_empty() {
                        continue;
                    }
                    match role.map(|r| crate::doc::relator(&r)).as_deref() {
                        None | Some("aut") => authors.push(name),
                        Some(role) => contributors.push(crate::doc::Contributor {
                            name,
                            role: role.to_string(),
                        }),
                    }
                }
            }
            Err(e) => errors.push(e),
        }
    }
    for (name, role) in [
        ("editor", "edt"),
        ("translator", "trl"),
        ("illustrator", "ill"),
    ] {
        let Some((key, v)) = lookup(value, name) else {
            continue;
        };
        match people(key, v) {
            Ok(list) => {
                contributors.extend(list.into_iter().map(|(name, _)| crate::doc::Contributor {
                    name,
                    role: role.to_string(),
                }))
            }
            Err(e) => errors.push(e),
        }
    }
    let front = FrontMatter {
        section,
        options: crate::options::Layer::default(),
        meta: Metadata {
            title,
            subtitle,
            authors,
            language,
            date,
            identifier,
            publisher,
            description,
            subjects,
            rights,
            series,
            series_index,
            contributors,
            edition,
            printing,
            dedication,
            epigraph,
        },
    };
    (front, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn option_offsets_point_at_the_key() {
        let text = "---\ntitle: A\nepub:\n  paper: no\npdf:\n  # comment\n  bleed: 3mm\n  paper: 6x9in\n---\nx\n";
        let at = option_offset(text, "pdf.paper").unwrap();
        assert!(text[at..].starts_with("paper: 6x9in"), "{}", &text[at..]);
        assert!(text[option_offset(text, "pdf.bleed").unwrap()..].starts_with("bleed: 3mm"));
        assert_eq!(option_offset(text, "pdf.margins"), None);
        let flow = "---\npdf: {paper: a5}\n---\n";
        assert!(flow[option_offset(flow, "pdf.paper").unwrap()..].starts_with("pdf:"));
        let toml = "+++\n[pdf]\npaper = \"a5\"\n+++\n";
        assert!(toml[option_offset(toml, "pdf.paper").unwrap()..].starts_with("paper ="));
        assert_eq!(option_offset("# no front matter\n", "pdf.paper"), None);
    }

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
    fn a_block_that_is_not_a_mapping_is_markdown() {
        // CommonMark example 96: a thematic break, then a setext heading.
        let text = "---\nFoo\n---\nBar\n---\nBaz\n";
        let mut diags = Diagnostics::default();
        let (fm, start) = read(text, FileId(0), &mut diags);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(start, 0);
        assert_eq!(fm, FrontMatter::default());
    }

    #[test]
    fn wrong_types_are_named_in_the_users_words() {
        let text = "---\ntitle: T\nauthor:\n  first: Ann\nsubjects: {a: 1}\n---\nbody";
        let mut diags = Diagnostics::default();
        let (fm, _) = read(text, FileId(0), &mut diags);
        let messages: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
        assert!(
            messages.contains(
                &"author: expected a name or a list of names (found a mapping without a `name`)"
            ),
            "{messages:?}"
        );
        assert!(
            messages.contains(&"subjects: expected a word or a list of words (found a mapping)"),
            "{messages:?}"
        );
        assert!(messages.iter().all(|m| !m.contains("untagged")));
        assert_eq!(fm.meta.title.as_deref(), Some("T"));
        let author = diags
            .iter()
            .find(|d| d.message.starts_with("author"))
            .unwrap();
        assert_eq!(author.span.map(|s| s.start as usize), text.find("author"));
    }

    #[test]
    fn no_front_matter() {
        let mut diags = Diagnostics::default();
        let (fm, start) = read("# Title\n", FileId(0), &mut diags);
        assert_eq!(start, 0);
        assert_eq!(fm, FrontMatter::default());
    }
}

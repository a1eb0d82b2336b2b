//! Finding and reading inputs, and planning a run.
//!
//! Input: paths and options from the command line. Output: the Markdown
//! files in reading order and their text (BOM removed, UTF-8 checked); the
//! [`Plan`]: the project file read ([`crate::config`]) and the books to
//! build, each with its inputs, its named outputs and its layers of options.

use crate::diag::{Error, Result};
use crate::options::{Field, Layer, RunOptions};
use std::cmp::Ordering;
use std::path::{Path, PathBuf};

/// One source file and the magazine section it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// The Markdown file.
    pub path: PathBuf,
    /// The section (the name of the subfolder it was found in), if any.
    pub section: Option<String>,
}

/// Expands folders into their Markdown files (natural order: `2.md` before `10.md`).
pub fn expand_inputs(inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    Ok(expand_sections(inputs)?
        .into_iter()
        .map(|i| i.path)
        .collect())
}

/// Expands folders into their Markdown files, then the Markdown files of
/// each subfolder (a magazine section, named after the folder), all in
/// natural order.
pub fn expand_sections(inputs: &[PathBuf]) -> Result<Vec<Input>> {
    let mut out = Vec::new();
    for input in inputs {
        let meta = std::fs::metadata(input).map_err(|source| Error::Read {
            path: input.clone(),
            source,
        })?;
        if meta.is_dir() {
            let mut files = markdown_files(input)?;
            files.sort_by(|a, b| natural_cmp(&a.to_string_lossy(), &b.to_string_lossy()));
            out.extend(files.into_iter().map(|path| Input {
                path,
                section: None,
            }));
            // The entry's type from the directory listing where the file
            // system gives it (no `stat` per entry); symlinks are followed.
            let is_dir = |e: &std::fs::DirEntry| match e.file_type() {
                Ok(t) if !t.is_symlink() => t.is_dir(),
                _ => e.path().is_dir(),
            };
            let mut dirs: Vec<PathBuf> = std::fs::read_dir(input)
                .map_err(|source| Error::Read {
                    path: input.clone(),
                    source,
                })?
                .filter_map(|e| e.ok().filter(is_dir).map(|e| e.path()))
                .collect();
            dirs.sort_by(|a, b| natural_cmp(&a.to_string_lossy(), &b.to_string_lossy()));
            for dir in dirs {
                let mut files = markdown_files(&dir)?;
                files.sort_by(|a, b| natural_cmp(&a.to_string_lossy(), &b.to_string_lossy()));
                let name = section_name(&dir);
                out.extend(files.into_iter().map(|path| Input {
                    path,
                    section: Some(name.clone()),
                }));
            }
        } else if meta.is_file() {
            out.push(Input {
                path: input.clone(),
                section: None,
            });
        } else {
            return Err(Error::Usage(format!(
                "{} is not a regular file or folder",
                input.display()
            )));
        }
    }
    Ok(out)
}

/// A section title from a folder name: `02-world_news` → `World news`.
fn section_name(dir: &Path) -> String {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let trimmed =
        name.trim_start_matches(|c: char| c.is_ascii_digit() || c == '-' || c == '_' || c == ' ');
    let spaced = trimmed.replace(['-', '_'], " ");
    let mut chars = spaced.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => name,
    }
}

/// The Markdown files directly in a folder.
fn markdown_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let read_err = |source| Error::Read {
        path: dir.to_path_buf(),
        source,
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(read_err)? {
        let path = entry.map_err(read_err)?.path();
        let is_md = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "md" | "markdown"));
        // `_index.md` holds the folder's own metadata (a magazine issue's
        // title, date, publisher), not a chapter.
        let is_index = path.file_name().is_some_and(|n| n == ISSUE_FILE);
        if is_md && !is_index && path.is_file() {
            files.push(path);
        }
    }
    Ok(files)
}

/// The file whose front matter describes its folder as a whole (a magazine
/// issue): never a chapter.
pub const ISSUE_FILE: &str = "_index.md";

/// Compares strings so that runs of digits compare by value (`2` < `10`).
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a, b);
    loop {
        match (a.chars().next(), b.chars().next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let da = a.len() - a.trim_start_matches(|c: char| c.is_ascii_digit()).len();
                let db = b.len() - b.trim_start_matches(|c: char| c.is_ascii_digit()).len();
                let (na, nb) = (
                    a[..da].trim_start_matches('0'),
                    b[..db].trim_start_matches('0'),
                );
                let ord = na.len().cmp(&nb.len()).then_with(|| na.cmp(nb));
                if ord != Ordering::Equal {
                    return ord;
                }
                a = &a[da..];
                b = &b[db..];
            }
            (Some(x), Some(y)) => {
                if x != y {
                    return x.cmp(&y);
                }
                a = &a[x.len_utf8()..];
                b = &b[y.len_utf8()..];
            }
        }
    }
}

/// Reads a source file as text, dropping a byte-order mark. Invalid UTF-8
/// is replaced with U+FFFD and the offset of the first bad byte returned, so
/// the caller decides whether that is an error.
pub fn read_text(path: &Path) -> Result<(String, Option<usize>)> {
    let bytes = read_bytes(path)?;
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF".as_slice()) {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    match String::from_utf8(bytes) {
        Ok(text) => Ok((text, None)),
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            Ok((
                String::from_utf8_lossy(e.as_bytes()).into_owned(),
                Some(offset),
            ))
        }
    }
}

/// Reads a source file as UTF-8 text, dropping a byte-order mark.
pub fn read_source(path: &Path) -> Result<String> {
    match read_text(path)? {
        (text, None) => Ok(text),
        (_, Some(offset)) => Err(Error::Utf8 {
            path: path.to_path_buf(),
            offset,
        }),
    }
}

/// The bytes of a regular file.
fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    let read_error = |source| Error::Read {
        path: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(read_error)?;
    if !meta.is_file() {
        return Err(Error::Usage(format!(
            "{} is not a regular file",
            path.display()
        )));
    }
    std::fs::read(path).map_err(read_error)
}

/// The project root when none is given: the folder of the first input.
pub fn default_root(inputs: &[PathBuf]) -> PathBuf {
    inputs
        .first()
        .and_then(|p| p.parent())
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// What the command line asked for, before the project file is read.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// Files or folders given; empty means the current folder.
    pub paths: Vec<PathBuf>,
    /// Explicit output files (`-o`).
    pub outputs: Vec<PathBuf>,
    /// The command line's options: over the project file and front matter.
    pub options: Layer,
}

/// A planned run: the books to build, and the project file if one was read.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// One entry per book.
    pub books: Vec<crate::BuildOptions>,
    /// The project file, when there is one.
    pub project_file: Option<PathBuf>,
}

/// Why a plan could not be made.
#[derive(Debug)]
pub enum PlanError {
    /// A problem with a place in the project file.
    Config(crate::diag::Diagnostic, crate::diag::Sources),
    /// Anything else.
    Other(Error),
}

impl From<Error> for PlanError {
    fn from(e: Error) -> Self {
        PlanError::Other(e)
    }
}

/// Reads the project file of `dir`, if it has one, into its layer of
/// options (relative paths joined to `dir`).
fn read_project_file(dir: &Path) -> Result<Option<(PathBuf, Layer)>, PlanError> {
    let path = join_clean(dir, Path::new(crate::config::FILE_NAME));
    if !path.is_file() {
        return Ok(None);
    }
    let text = read_source(&path)?;
    let mut sources = crate::diag::Sources::default();
    let file = sources.add(crate::diag::SourceFile::new(path.clone(), text.clone()));
    let mut layer = crate::config::parse(&text, file).map_err(|d| PlanError::Config(d, sources))?;
    layer.rebase(dir);
    Ok(Some((path, layer)))
}

/// Works out the books to build: reads `bindery.toml` when the request names a
/// folder (or nothing), expands chapters and globs, and names the outputs.
///
/// Only what decides the books and their outputs is read here (chapters,
/// `[output]`: the project file under the command line); every other option
/// is resolved per book, once its first input's front matter is known.
pub fn plan(request: &Request) -> Result<Plan, PlanError> {
    let paths = if request.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        request.paths.clone()
    };
    // The project folder: the folder given, or the folder of the first file.
    let given_folder = paths.len() == 1 && paths[0].is_dir();
    let project_dir = if given_folder {
        paths[0].clone()
    } else {
        default_root(&paths)
    };
    let (project_file, project) = match read_project_file(&project_dir)? {
        Some((path, layer)) => (Some(path), layer),
        None => (None, Layer::default()),
    };
    let run = RunOptions::resolve([project.clone(), request.options.clone()]);
    let config_error = |message: String| {
        let file = project_file
            .as_ref()
            .map_or_else(String::new, |p| format!("{}: ", p.display()));
        PlanError::Other(Error::Usage(format!("{file}{message}")))
    };

    // Inputs.
    let inputs = if given_folder && !run.chapters.is_empty() {
        let mut inputs = Vec::new();
        for pattern in &run.chapters {
            let full = join_clean(&project_dir, Path::new(pattern));
            let text = full.to_string_lossy().into_owned();
            let mut matched: Vec<PathBuf> = glob::glob(&text)
                .map_err(|e| config_error(format!("bad chapter pattern `{pattern}` ({e})")))?
                .filter_map(std::result::Result::ok)
                .filter(|p| p.is_file())
                .collect();
            if matched.is_empty() {
                return Err(config_error(format!("chapter `{pattern}` matches no file")));
            }
            matched.sort_by(|a, b| natural_cmp(&a.to_string_lossy(), &b.to_string_lossy()));
            inputs.extend(matched);
        }
        inputs
    } else if run.each {
        expand_inputs(&paths)?
    } else {
        // Folders are expanded by the build itself, which names sections.
        let found = expand_inputs(&paths)?;
        if found.is_empty() {
            Vec::new()
        } else {
            paths.clone()
        }
    };
    if inputs.is_empty() {
        return Err(PlanError::Other(Error::Usage(format!(
            "no Markdown files in {}",
            project_dir.display()
        ))));
    }

    // Outputs.
    let templated = |stem_inputs: &[PathBuf]| -> Vec<crate::OutputSpec> {
        let dir = run.dir.clone().unwrap_or_else(|| PathBuf::from("."));
        let stem = stem_inputs
            .first()
            .and_then(|p| p.file_stem())
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "book".into());
        let base_name = run.name.replace("{stem}", &stem);
        run.formats
            .iter()
            .map(|f| crate::OutputSpec {
                path: dir.join(format!(
                    "{base_name}.{}",
                    match f {
                        crate::Format::Epub => "epub",
                        crate::Format::Pdf => "pdf",
                    }
                )),
                format: *f,
            })
            .collect()
    };
    let book = |inputs: Vec<PathBuf>, outputs| crate::BuildOptions {
        inputs,
        outputs,
        root: Some(project_dir.clone()),
        project: project.clone(),
        project_file: project_file.clone(),
        overrides: request.options.clone(),
    };
    let mut books = Vec::new();
    if run.each {
        if !request.outputs.is_empty() {
            return Err(PlanError::Other(Error::Usage(
                "--each names its outputs itself: use --out-dir, --name and -f instead of -o"
                    .into(),
            )));
        }
        if run.formats.is_empty() {
            return Err(PlanError::Other(Error::Usage(
                "no output format: give -f epub,pdf (or [output] formats in bindery.toml)".into(),
            )));
        }
        for input in inputs {
            let outputs = templated(std::slice::from_ref(&input));
            books.push(book(vec![input], outputs));
        }
    } else {
        let outputs = if request.outputs.is_empty() {
            templated(&inputs)
        } else {
            let mut outs = Vec::new();
            for path in &request.outputs {
                let format = crate::Format::from_path(path).ok_or_else(|| {
                    PlanError::Other(Error::Usage(format!(
                        "cannot tell the format of {} (use a .epub or .pdf extension)",
                        path.display()
                    )))
                })?;
                let path = match &request.options.output.dir {
                    Some(dir) if path.is_relative() => dir.path.join(path),
                    _ => path.clone(),
                };
                outs.push(crate::OutputSpec { path, format });
            }
            outs
        };
        if outputs.is_empty() {
            return Err(PlanError::Other(Error::Usage(
                "no output given: use -o FILE.epub, -f epub,pdf or [output] in bindery.toml".into(),
            )));
        }
        books.push(book(inputs, outputs));
    }
    Ok(Plan {
        books,
        project_file,
    })
}

/// `dir/rel`, without a leading `./` when `dir` is the current folder.
fn join_clean(dir: &Path, rel: &Path) -> PathBuf {
    if dir == Path::new(".") || dir.as_os_str().is_empty() {
        rel.to_path_buf()
    } else {
        dir.join(rel)
    }
}

/// Fills `{stem}`, `{title-slug}` and `{date}` in an output path.
pub fn expand_template(path: &Path, stem: &str, meta: &crate::doc::Metadata) -> PathBuf {
    let text = path.to_string_lossy();
    if !text.contains('{') {
        return path.to_path_buf();
    }
    let title = meta.title.as_deref().unwrap_or(stem);
    let slug = crate::doc::slugify(title);
    let slug = if slug.is_empty() {
        stem.to_string()
    } else {
        slug
    };
    let date = meta
        .date
        .as_deref()
        .and_then(crate::date::parse)
        .map(|d| d.ymd())
        .unwrap_or_else(|| "undated".into());
    PathBuf::from(
        text.replace("{stem}", stem)
            .replace("{title-slug}", &slug)
            .replace("{date}", &date),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order() {
        let mut v = vec!["10.md", "2.md", "1.md", "a10.md", "a9.md"];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(v, ["1.md", "2.md", "10.md", "a9.md", "a10.md"]);
    }
}

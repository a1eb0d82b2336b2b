//! Finding and reading inputs: files, folders (natural order), the project root.
//!
//! Input: paths from the command line. Output: the Markdown files in reading
//! order, and their text (BOM removed, UTF-8 checked).

use crate::diag::{Error, Result};
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

/// Reads a source file as UTF-8 text, dropping a byte-order mark; with
/// `lossy`, invalid bytes become U+FFFD and the offset of the first is returned.
pub fn read_source_lossy(path: &Path, lossy: bool) -> Result<(String, Option<usize>)> {
    match read_source(path) {
        Err(Error::Utf8 { offset, .. }) if lossy => {
            let bytes = std::fs::read(path).map_err(|source| Error::Read {
                path: path.to_path_buf(),
                source,
            })?;
            let bytes = bytes
                .strip_prefix(b"\xEF\xBB\xBF".as_slice())
                .unwrap_or(&bytes);
            Ok((String::from_utf8_lossy(bytes).into_owned(), Some(offset)))
        }
        other => other.map(|t| (t, None)),
    }
}

/// Reads a source file as UTF-8 text, dropping a byte-order mark.
pub fn read_source(path: &Path) -> Result<String> {
    let meta = std::fs::metadata(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    if !meta.is_file() {
        return Err(Error::Usage(format!(
            "{} is not a regular file",
            path.display()
        )));
    }
    let bytes = std::fs::read(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let bytes = bytes
        .strip_prefix(b"\xEF\xBB\xBF".as_slice())
        .map(<[u8]>::to_vec)
        .unwrap_or(bytes);
    String::from_utf8(bytes).map_err(|e| Error::Utf8 {
        path: path.to_path_buf(),
        offset: e.utf8_error().valid_up_to(),
    })
}

/// The project root when none is given: the folder of the first input.
pub fn default_root(inputs: &[PathBuf]) -> PathBuf {
    inputs
        .first()
        .and_then(|p| p.parent())
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
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

/// What the command line asked for, before the project file is read.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// Files or folders given; empty means the current folder.
    pub paths: Vec<PathBuf>,
    /// Explicit output files (`-o`).
    pub outputs: Vec<PathBuf>,
    /// `--out-dir`.
    pub out_dir: Option<PathBuf>,
    /// `-f epub,pdf`.
    pub formats: Vec<crate::Format>,
    /// `--name` template.
    pub name: Option<String>,
    /// `--each`: one book per input.
    pub each: bool,
}

/// A planned run: the books to build, and the project file if one was read.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// One entry per book.
    pub books: Vec<crate::BuildOptions>,
    /// The project file, when there is one.
    pub config: Option<(PathBuf, crate::config::Config)>,
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

/// Works out the books to build: reads `bindery.toml` when the request names a
/// folder (or nothing), expands chapters and globs, and names the outputs.
/// `base` carries the options every book shares (dialect, images, theme…).
pub fn plan(request: &Request, base: &crate::BuildOptions) -> Result<Plan, PlanError> {
    use crate::config;
    let paths = if request.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        request.paths.clone()
    };
    // The project folder: the folder given, or the folder of the first file.
    let project_dir = if paths.len() == 1 && paths[0].is_dir() {
        paths[0].clone()
    } else {
        default_root(&paths)
    };
    let config_path = join_clean(&project_dir, Path::new(config::FILE_NAME));
    let mut cfg = None;
    if config_path.is_file() {
        let text = read_source(&config_path)?;
        let mut sources = crate::diag::Sources::default();
        let file = sources.add(crate::diag::SourceFile::new(
            config_path.clone(),
            text.clone(),
        ));
        match config::parse(&text, file) {
            Ok(c) => cfg = Some(c),
            Err(d) => return Err(PlanError::Config(d, sources)),
        }
    }
    let config = cfg.clone().unwrap_or_default();
    let config_error = |message: String| {
        PlanError::Other(Error::Usage(format!(
            "{}: {message}",
            config_path.display()
        )))
    };

    // Inputs.
    let given_folder = paths.len() == 1 && paths[0].is_dir();
    let inputs = if given_folder && !config.chapters.is_empty() {
        let mut inputs = Vec::new();
        for pattern in &config.chapters {
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
    } else if request.each {
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

    // Options shared by every book, the project file under the command line.
    let mut shared = base.clone();
    shared.config_meta = crate::doc::Metadata {
        title: config.metadata.title.clone(),
        subtitle: config.metadata.subtitle.clone(),
        authors: config.metadata.authors.clone(),
        language: config.metadata.language.clone(),
        date: config.metadata.date.clone(),
        identifier: config.metadata.identifier.clone(),
        publisher: config.metadata.publisher.clone(),
        description: config.metadata.description.clone(),
        subjects: config.metadata.subjects.clone(),
        rights: config.metadata.rights.clone(),
        series: config.metadata.series.clone(),
        series_index: config.metadata.series_index.clone(),
        contributors: Vec::new(),
    };
    if shared.dialect.is_none()
        && let Some(d) = &config.dialect
    {
        shared.dialect = Some(match d.as_str() {
            "article" => crate::doc::Dialect::Article,
            "commonmark" => crate::doc::Dialect::CommonMark,
            other => return Err(config_error(format!("unknown dialect `{other}`"))),
        });
    }
    if let Some(css) = &config.epub.css
        && shared.epub.stylesheet.is_none()
    {
        let path = project_dir.join(css);
        shared.epub.stylesheet = Some(read_source(&path)?);
    }
    if let Some(cover) = &config.epub.cover
        && shared.epub.cover == crate::epub::Cover::None
    {
        shared.epub.cover = if cover == "auto" {
            crate::epub::Cover::Generated
        } else {
            // A project file may not embed files from outside its folder.
            let path = join_clean(&project_dir, Path::new(cover));
            let inside = crate::parse::normalize(&path)
                .starts_with(crate::parse::normalize(&project_dir))
                || project_dir == Path::new(".")
                    && !path.is_absolute()
                    && !crate::parse::normalize(&path).starts_with("..");
            if !inside
                && !base
                    .resources
                    .as_ref()
                    .is_some_and(|r| r.allow_outside_root)
            {
                return Err(config_error(format!(
                    "cover `{cover}` is outside the project folder"
                )));
            }
            crate::epub::Cover::Image(path)
        };
    }
    if shared.epub.split_level.is_none() {
        shared.epub.split_level = config.epub.split_level;
    }
    if let Some(depth) = config.epub.toc_depth {
        shared.epub.toc_depth = depth;
    }
    shared.epub.toc_page |= config.epub.toc_page;
    shared.epub.notes_per_chapter |= config.epub.notes_per_chapter;
    if let Some(paper) = &config.pdf.paper
        && !base.paper_given
    {
        shared.pdf.paper = crate::pdf::PaperSize::parse(paper)
            .ok_or_else(|| config_error(format!("unknown paper size `{paper}`")))?;
    }
    shared.pdf.toc |= config.pdf.toc;
    shared.pdf.recto_chapters |= config.pdf.recto_chapters;
    shared.pdf.ragged |= config.pdf.ragged;
    shared.pdf.crop_marks |= config.pdf.crop_marks;
    if let Some(bleed) = &config.pdf.bleed
        && shared.pdf.bleed == crate::pdf::units::Abs::ZERO
    {
        shared.pdf.bleed = crate::pdf::units::Abs::parse(bleed)
            .ok_or_else(|| config_error(format!("`{bleed}` is not a length (use 3mm, 0.125in)")))?;
    }
    for font in &config.pdf.fonts {
        shared
            .pdf
            .fonts
            .push(join_clean(&project_dir, Path::new(font)));
    }
    if let Some(margins) = &config.pdf.margins
        && shared.pdf.margins.is_none()
    {
        shared.pdf.margins = Some(crate::pdf::parse_margins(margins).ok_or_else(|| {
            config_error(format!(
                "`{margins}` is not four lengths TOP,INNER,BOTTOM,OUTER"
            ))
        })?);
    }
    let mut images = shared.resources.clone().unwrap_or_default();
    images.root = project_dir.clone();
    if !base.images_given {
        if let Some(max) = config.epub.image_max {
            images.epub_max_edge = max;
        }
        if let Some(dpi) = config.pdf.min_dpi {
            images.pdf_min_dpi = dpi;
        }
        if config.pdf.max_dpi.is_some() {
            images.pdf_max_dpi = config.pdf.max_dpi;
        }
        if config.images.allow_outside_root {
            images.allow_outside_root = true;
        }
        if let Some(m) = &config.images.missing {
            images.missing = match m.as_str() {
                "placeholder" => crate::resource::MissingPolicy::Placeholder,
                "drop" => crate::resource::MissingPolicy::Drop,
                "error" => crate::resource::MissingPolicy::Error,
                other => {
                    return Err(config_error(format!(
                        "unknown missing-image policy `{other}`"
                    )));
                }
            };
        }
    }
    shared.resources = Some(images);

    // Outputs.
    let formats: Vec<crate::Format> = if !request.formats.is_empty() {
        request.formats.clone()
    } else {
        let mut f = Vec::new();
        for name in &config.output.formats {
            f.push(match name.to_ascii_lowercase().as_str() {
                "epub" => crate::Format::Epub,
                "pdf" => crate::Format::Pdf,
                other => return Err(config_error(format!("unknown output format `{other}`"))),
            });
        }
        f
    };
    let out_dir = request.out_dir.clone().or_else(|| {
        config
            .output
            .dir
            .as_ref()
            .map(|d| join_clean(&project_dir, Path::new(d)))
    });
    let name = request
        .name
        .clone()
        .or_else(|| config.output.name.clone())
        .unwrap_or_else(|| "{stem}".into());
    let templated = |stem_inputs: &[PathBuf]| -> Vec<crate::OutputSpec> {
        let dir = out_dir.clone().unwrap_or_else(|| PathBuf::from("."));
        let stem = stem_inputs
            .first()
            .and_then(|p| p.file_stem())
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "book".into());
        let base_name = name.replace("{stem}", &stem);
        formats
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
    let mut books = Vec::new();
    if request.each {
        if !request.outputs.is_empty() {
            return Err(PlanError::Other(Error::Usage(
                "--each names its outputs itself: use --out-dir, --name and -f instead of -o"
                    .into(),
            )));
        }
        if formats.is_empty() {
            return Err(PlanError::Other(Error::Usage(
                "no output format: give -f epub,pdf (or [output] formats in bindery.toml)".into(),
            )));
        }
        for input in &inputs {
            let mut book = shared.clone();
            book.inputs = vec![input.clone()];
            book.outputs = templated(std::slice::from_ref(input));
            books.push(book);
        }
    } else {
        let mut book = shared;
        book.inputs = inputs.clone();
        book.outputs = if request.outputs.is_empty() {
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
                let path = match &request.out_dir {
                    Some(dir) if path.is_relative() => dir.join(path),
                    _ => path.clone(),
                };
                outs.push(crate::OutputSpec { path, format });
            }
            outs
        };
        if book.outputs.is_empty() {
            return Err(PlanError::Other(Error::Usage(
                "no output given: use -o FILE.epub, -f epub,pdf or [output] in bindery.toml".into(),
            )));
        }
        books.push(book);
    }
    Ok(Plan {
        books,
        config: cfg.map(|c| (config_path, c)),
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

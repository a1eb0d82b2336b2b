//! bindery packages Markdown documents into EPUB 3 ebooks and print-ready PDFs.
//!
//! The pipeline runs one way: sources are loaded ([`project`]), parsed into one
//! intermediate tree ([`parse`] → [`doc`]; files are read and parsed in
//! parallel, each into a tree of its own, and appended in order with
//! [`doc::Document::append`]), internal links are resolved
//! ([`resolve`]), images are loaded and probed ([`resource`]), and each backend
//! ([`epub`], [`pdf`]) turns the tree into bytes. Every stage reports problems
//! in the input as [`diag::Diagnostic`]s; the library never prints and never
//! exits.
//!
//! ```no_run
//! use bindery::{BuildOptions, Format, OutputSpec};
//!
//! let options = BuildOptions {
//!     inputs: vec!["seeds/xi-putin.md".into()],
//!     outputs: vec![OutputSpec { path: "out.epub".into(), format: Format::Epub }],
//!     ..BuildOptions::default()
//! };
//! let (report, result) = bindery::build(&options);
//! for d in report.diagnostics.iter() {
//!     eprintln!("{}", d.render(&report.sources));
//! }
//! for mut output in result.expect("build failed") {
//!     output.commit().unwrap();
//! }
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod config;
pub mod date;
pub mod diag;
pub mod doc;
pub mod epub;
pub mod lang;
pub mod output;
pub mod parse;
pub mod pdf;
pub mod project;
pub mod resolve;
pub mod resource;

use diag::{Diagnostics, Error, Result, Severity, SourceFile, Sources};
use doc::{Block, Dialect, Document, Metadata, plain_text};
use std::path::PathBuf;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// EPUB 3.
    Epub,
    /// PDF.
    Pdf,
}

impl Format {
    /// The format a path's extension names, if any.
    pub fn from_path(path: &std::path::Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "epub" => Some(Format::Epub),
            "pdf" => Some(Format::Pdf),
            _ => None,
        }
    }
}

/// One file to produce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputSpec {
    /// Where to write it.
    pub path: PathBuf,
    /// What to write.
    pub format: Format,
}

/// Everything a build needs to know.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Markdown files or folders, in reading order.
    pub inputs: Vec<PathBuf>,
    /// Files to produce.
    pub outputs: Vec<OutputSpec>,
    /// Force a dialect instead of detecting it per file.
    pub dialect: Option<Dialect>,
    /// Metadata given on the command line (`key=value`), overriding everything else.
    pub meta: Vec<(String, String)>,
    /// Image loading policy; its `root` defaults to the first input's folder.
    pub resources: Option<resource::ResourceOptions>,
    /// EPUB backend options.
    pub epub: epub::EpubOptions,
    /// PDF backend options.
    pub pdf: pdf::PdfOptions,
    /// Metadata from the project file: under front matter and `--meta`.
    pub config_meta: Metadata,
    /// The paper size was given on the command line (the project file's yields).
    pub paper_given: bool,
    /// Image options were given on the command line (the project file's yield).
    pub images_given: bool,
    /// Decode invalid UTF-8 with replacement characters (and a warning)
    /// instead of failing.
    pub lossy_utf8: bool,
}

/// What was read, for reports: one entry per source file.
#[derive(Debug, Clone)]
pub struct FileReport {
    /// The source file.
    pub path: PathBuf,
    /// The dialect it was read as.
    pub dialect: Dialect,
    /// Why that dialect.
    pub reason: String,
}

/// Diagnostics and what was read; returned whether or not the build succeeded.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The source files (for rendering diagnostics).
    pub sources: Sources,
    /// Everything the stages reported.
    pub diagnostics: Diagnostics,
    /// One entry per source file.
    pub files: Vec<FileReport>,
    /// One entry per image: what was done with it.
    pub images: Vec<doc::ImageReport>,
}

/// One produced file, staged on disk beside its destination until
/// [`Output::commit`] puts it in place.
#[derive(Debug)]
pub struct Output {
    /// What was asked for.
    pub spec: OutputSpec,
    /// The finished file, not yet in place.
    pub file: output::Staged,
    /// Number of pages, for a PDF.
    pub pages: Option<usize>,
}

impl Output {
    /// Puts the file in place at its path, atomically.
    pub fn commit(&mut self) -> Result<()> {
        self.file.commit(&self.spec.path)
    }
}

/// Loads, parses, resolves and probes the inputs into a document.
pub fn load(options: &BuildOptions, report: &mut Report) -> Result<Document> {
    let inputs = project::expand_sections(&options.inputs)?;
    if inputs.is_empty() {
        return Err(Error::Usage("no input files".into()));
    }
    let mut doc = Document::default();
    let parse_options = parse::ParseOptions {
        dialect: options.dialect,
    };
    // Files are read and parsed in parallel, each into a document of its
    // own, then appended in order (so ids, anchors and diagnostics are what
    // reading them one after another gives).
    let read: Vec<_> = {
        use rayon::prelude::*;
        inputs
            .par_iter()
            .map(|input| {
                project::read_source_lossy(&input.path, options.lossy_utf8)
                    .map(|(text, bad_byte)| (SourceFile::new(input.path.clone(), text), bad_byte))
            })
            .collect()
    };
    let mut files = Vec::with_capacity(inputs.len());
    for result in read {
        let (source, bad_byte) = result?;
        let file = report.sources.add(source);
        if let Some(offset) = bad_byte {
            report.diagnostics.push(diag::Diagnostic::warning(
                diag::Span::new(file, offset..offset),
                format!("invalid UTF-8 (first bad byte at offset {offset}) replaced with U+FFFD"),
            ));
        }
        files.push(file);
    }
    let parsed: Vec<_> = {
        use rayon::prelude::*;
        let sources = &report.sources;
        files
            .par_iter()
            .map(|&file| {
                let mut part = Document::default();
                let mut diags = diag::Diagnostics::default();
                let parsed = parse::parse_file(
                    &mut part,
                    &mut diags,
                    file,
                    sources.get(file),
                    &parse_options,
                );
                (part, diags, parsed)
            })
            .collect()
    };
    let mut first_front = None;
    let mut article_authors: Vec<String> = Vec::new();
    for (input, (part, diags, parsed)) in inputs.iter().zip(parsed) {
        doc.append(part);
        report.diagnostics.extend(diags);
        for author in &parsed.front.meta.authors {
            if !article_authors.contains(author) {
                article_authors.push(author.clone());
            }
        }
        if first_front.is_none() {
            first_front = Some(parsed.front.meta);
        }
        if let Some(chapter) = doc.chapters.last_mut()
            && chapter.section.is_none()
        {
            chapter.section.clone_from(&input.section);
        }
        report.files.push(FileReport {
            path: input.path.clone(),
            dialect: parsed.dialect,
            reason: parsed.reason,
        });
    }
    let first_front = first_front.unwrap_or_default();
    let issue = issue_folder(options, &doc, report);
    let front = match &issue {
        // A magazine issue: the book is the issue, not its first article.
        Some(folder) => issue_metadata(options, folder, &first_front, article_authors),
        None => overlay(options.config_meta.clone(), first_front),
    };
    doc.meta = merge_metadata(front, &doc, &options.meta, issue.is_none(), report)?;
    check_language(&mut doc.meta, report);
    resolve::resolve(&mut doc, &mut report.diagnostics);
    let resource_options = resource_options(options);
    resource::load(&mut doc, &resource_options, &mut report.diagnostics);
    report.diagnostics.sort();
    Ok(doc)
}

/// The image options, with the root defaulting to the first input's folder.
fn resource_options(options: &BuildOptions) -> resource::ResourceOptions {
    match &options.resources {
        Some(r) => r.clone(),
        None => resource::ResourceOptions {
            root: project::default_root(&options.inputs),
            ..Default::default()
        },
    }
}

/// Checks the language tag: a missing one is a warning and becomes `en`
/// (never the machine's locale); `en_US` becomes `en-US`; a malformed one is a
/// warning and becomes `en`.
fn check_language(meta: &mut Metadata, report: &mut Report) {
    use diag::{Diagnostic, FileId, Span};
    let at = Span::new(FileId(0), 0..0);
    match meta.language.clone() {
        None => {
            report.diagnostics.push(
                Diagnostic::warning(at, "no language given; assuming `en`").with_hint(
                    "add `language: en` (or the right BCP 47 tag) to the front matter, or pass --meta language=en",
                ),
            );
            meta.language = Some("en".into());
        }
        Some(tag) if lang::is_well_formed(&tag) => {}
        Some(tag) => {
            let fixed = tag.trim().replace('_', "-");
            if lang::is_well_formed(&fixed) {
                meta.language = Some(fixed);
            } else {
                report.diagnostics.push(
                    Diagnostic::warning(
                        at,
                        format!("language `{tag}` is not a valid BCP 47 tag; using `en`"),
                    )
                    .with_hint("a language tag looks like `en`, `fr-CA` or `zh-Hant`"),
                );
                meta.language = Some("en".into());
            }
        }
    }
}

/// `over`'s fields where set, `under`'s elsewhere.
fn overlay(under: Metadata, over: Metadata) -> Metadata {
    Metadata {
        title: over.title.or(under.title),
        subtitle: over.subtitle.or(under.subtitle),
        authors: if over.authors.is_empty() {
            under.authors
        } else {
            over.authors
        },
        language: over.language.or(under.language),
        date: over.date.or(under.date),
        identifier: over.identifier.or(under.identifier),
        publisher: over.publisher.or(under.publisher),
        description: over.description.or(under.description),
        subjects: if over.subjects.is_empty() {
            under.subjects
        } else {
            over.subjects
        },
        rights: over.rights.or(under.rights),
        series: over.series.or(under.series),
        series_index: over.series_index.or(under.series_index),
        contributors: if over.contributors.is_empty() {
            under.contributors
        } else {
            over.contributors
        },
    }
}

/// A magazine issue: the folder given as the only input, when it has an
/// [`project::ISSUE_FILE`] or holds several articles (the first read in the
/// article dialect). Its metadata file's front matter, read here, is
/// returned with it.
struct Issue {
    /// The folder.
    folder: PathBuf,
    /// The front matter of its metadata file.
    meta: Metadata,
}

fn issue_folder(options: &BuildOptions, doc: &Document, report: &mut Report) -> Option<Issue> {
    let [folder] = options.inputs.as_slice() else {
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
fn issue_metadata(
    options: &BuildOptions,
    issue: &Issue,
    first_article: &Metadata,
    article_authors: Vec<String>,
) -> Metadata {
    let mut meta = overlay(options.config_meta.clone(), issue.meta.clone());
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

/// Metadata, later sources overriding earlier: the project file, the first input's front matter,
/// then (only where still empty, and not for a magazine issue: `from_first`
/// false) the article roles of the first chapter, then `--meta` pairs.
fn merge_metadata(
    front: Metadata,
    doc: &Document,
    overrides: &[(String, String)],
    from_first: bool,
    report: &mut Report,
) -> Result<Metadata> {
    let mut meta = front;
    if let Some(chapter) = doc.chapters.first().filter(|_| from_first) {
        if meta.title.is_none() {
            meta.title = chapter.title.clone();
        }
        for block in &chapter.blocks {
            match block {
                Block::Dateline { content, .. } if meta.date.is_none() => {
                    meta.date = Some(plain_text(content));
                }
                Block::Standfirst { content, .. } if meta.description.is_none() => {
                    meta.description = Some(plain_text(content));
                }
                _ => {}
            }
        }
    }
    if meta.title.is_none() {
        meta.title = doc
            .chapters
            .first()
            .and_then(|c| c.source.file_stem())
            .map(|s| s.to_string_lossy().into_owned());
    }
    for (key, value) in overrides {
        let value = value.trim().to_string();
        match key.as_str() {
            "title" => meta.title = Some(value),
            "subtitle" => meta.subtitle = Some(value),
            "author" | "authors" => {
                meta.authors = value
                    .split(';')
                    .map(|a| a.trim().to_string())
                    .filter(|a| !a.is_empty())
                    .collect();
            }
            "language" | "lang" => meta.language = Some(value),
            "date" => meta.date = Some(value),
            "identifier" | "isbn" => meta.identifier = Some(value),
            "publisher" => meta.publisher = Some(value),
            "description" => meta.description = Some(value),
            "subject" | "subjects" | "keywords" => {
                meta.subjects = value
                    .split(';')
                    .map(|a| a.trim().to_string())
                    .filter(|a| !a.is_empty())
                    .collect();
            }
            "rights" => meta.rights = Some(value),
            "series" => meta.series = Some(value),
            "series-index" | "series_index" => meta.series_index = Some(value),
            other => {
                return Err(Error::Usage(format!(
                    "unknown metadata key `{other}` in --meta (known: title, subtitle, author, language, date, identifier, publisher, description, subjects, rights, series, series-index)"
                )));
            }
        }
    }
    let _ = report;
    Ok(meta)
}

/// Renders a loaded document in one format into memory; problems found while
/// rendering (characters no font has) go to `diags`. Returns the bytes and,
/// for a PDF, the number of pages.
pub fn render(
    doc: &Document,
    format: Format,
    options: &BuildOptions,
    diags: &mut Diagnostics,
) -> Result<(Vec<u8>, Option<usize>)> {
    let mut sink = std::io::Cursor::new(Vec::new());
    let pages = render_to(doc, format, options, diags, &mut sink)?;
    Ok((sink.into_inner(), pages))
}

/// [`render`] into `sink` as the output is made (images are streamed from
/// their files). Returns the number of pages of a PDF.
pub fn render_to<W: std::io::Write + std::io::Seek>(
    doc: &Document,
    format: Format,
    options: &BuildOptions,
    diags: &mut Diagnostics,
    sink: W,
) -> Result<Option<usize>> {
    match format {
        Format::Epub => epub::export_to(doc, &options.epub, sink).map(|()| None),
        Format::Pdf => pdf::export_to(doc, &options.pdf, diags, sink).map(Some),
    }
}

/// Loads the inputs and prepares their images for the requested outputs;
/// fails when an error was reported.
fn prepared(
    options: &BuildOptions,
    report: &mut Report,
    targets: resource::Targets,
) -> Result<Document> {
    let mut doc = load(options, report)?;
    let resource_options = resource_options(options);
    resource::prepare(
        &mut doc,
        targets,
        &resource_options,
        &mut report.diagnostics,
    );
    report.images = resource::reports(&doc)
        .into_iter()
        .map(|(_, r)| r)
        .collect();
    let errors = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    if errors > 0 {
        return Err(Error::Input { count: errors });
    }
    Ok(doc)
}

/// Everything `build` checks (front matter, images, links, notes), without
/// rendering or writing anything.
pub fn check(options: &BuildOptions) -> (Report, Result<()>) {
    let mut report = Report::default();
    let targets = resource::Targets {
        epub: true,
        pdf_measure: Some(pdf::layout::Geometry::new(&options.pdf).measure().to_pt()),
    };
    let result = prepared(options, &mut report, targets).map(|_| ());
    (report, result)
}

/// Runs the whole pipeline: load, then render every requested output.
///
/// The [`Report`] is returned in every case, so callers can print the
/// diagnostics; the outputs only when no error was reported.
pub fn build(options: &BuildOptions) -> (Report, Result<Vec<Output>>) {
    let mut report = Report::default();
    let targets = resource::Targets {
        epub: options.outputs.iter().any(|o| o.format == Format::Epub),
        pdf_measure: options
            .outputs
            .iter()
            .any(|o| o.format == Format::Pdf)
            .then(|| pdf::layout::Geometry::new(&options.pdf).measure().to_pt()),
    };
    let doc = match prepared(options, &mut report, targets) {
        Ok(doc) => doc,
        Err(e) => return (report, Err(e)),
    };
    let stem = options
        .inputs
        .first()
        .and_then(|p| p.file_stem())
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "book".into());
    // The PDF backend streams the book chapter by chapter, but holds one
    // whole chapter while setting it: past this budget a file is refused
    // rather than exhaust the machine. The EPUB backend has no such limit.
    let largest = report
        .sources
        .iter()
        .map(|(_, f)| (f.path.clone(), f.text.len()))
        .max_by_key(|(_, len)| *len);
    let mut outputs = Vec::new();
    for spec in &options.outputs {
        if spec.format == Format::Pdf
            && let Some((path, len)) = largest
                .as_ref()
                .filter(|(_, len)| *len > PDF_MAX_FILE_BYTES)
        {
            return (
                report,
                Err(Error::Backend(format!(
                    "{} is too large for the PDF backend ({} MB of text; one file takes up to {} MB)",
                    path.display(),
                    len / (1024 * 1024),
                    PDF_MAX_FILE_BYTES / (1024 * 1024)
                ))),
            );
        }
        let path = project::expand_template(&spec.path, &stem, &doc.meta);
        let mut file = match output::Staged::beside(&path) {
            Ok(file) => file,
            Err(e) => return (report, Err(e)),
        };
        let written = {
            let mut sink =
                std::io::BufWriter::with_capacity(1 << 16, output::EarlySync::new(file.file()));
            render_to(
                &doc,
                spec.format,
                options,
                &mut report.diagnostics,
                &mut sink,
            )
            .and_then(|pages| {
                use std::io::Write;
                sink.flush().map(|()| pages).map_err(|source| Error::Write {
                    path: path.clone(),
                    source,
                })
            })
        };
        match written {
            Ok(pages) => outputs.push(Output {
                spec: OutputSpec {
                    path,
                    format: spec.format,
                },
                file,
                pages,
            }),
            Err(e) => return (report, Err(e)),
        }
    }
    (report, Ok(outputs))
}

/// Most Markdown text the PDF backend takes in one file (4 MiB, about 1,300
/// pages): a chapter is held whole while it is set. Books have no limit.
pub const PDF_MAX_FILE_BYTES: usize = 4 * 1024 * 1024;

/// The result of one book in a batch.
#[derive(Debug)]
pub struct BookResult {
    /// Diagnostics and what was read.
    pub report: Report,
    /// The outputs, or why the book failed.
    pub result: Result<Vec<Output>>,
    /// How long the book took.
    pub duration: std::time::Duration,
}

/// Builds several books in parallel on `threads` threads (0: one per core).
/// One failing book does not stop the others; results come back in order.
pub fn build_all(books: &[BuildOptions], threads: usize) -> Vec<BookResult> {
    build_all_with(books, threads, &|| {})
}

/// [`build_all`], calling `on_done` as each book finishes (for progress bars).
pub fn build_all_with(
    books: &[BuildOptions],
    threads: usize,
    on_done: &(dyn Fn() + Sync),
) -> Vec<BookResult> {
    use rayon::prelude::*;
    let run = || {
        books
            .par_iter()
            .map(|options| {
                let started = std::time::Instant::now();
                let (report, result) = build(options);
                on_done();
                BookResult {
                    report,
                    result,
                    duration: started.elapsed(),
                }
            })
            .collect()
    };
    match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(pool) => pool.install(run),
        Err(_) => run(),
    }
}

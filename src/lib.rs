//! bindery packages Markdown documents into EPUB 3 ebooks and print-ready PDFs.
//!
//! The pipeline runs one way: sources are loaded ([`project`]), parsed into one
//! intermediate tree ([`parse`] → [`doc`]), internal links are resolved
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
//! for output in result.expect("build failed") {
//!     bindery::output::write_atomic(&output.spec.path, &output.bytes).unwrap();
//! }
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod date;
pub mod diag;
pub mod doc;
pub mod epub;
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

/// One produced file.
#[derive(Debug, Clone)]
pub struct Output {
    /// What was asked for.
    pub spec: OutputSpec,
    /// The file's bytes.
    pub bytes: Vec<u8>,
}

/// Loads, parses, resolves and probes the inputs into a document.
pub fn load(options: &BuildOptions, report: &mut Report) -> Result<Document> {
    let inputs = project::expand_inputs(&options.inputs)?;
    if inputs.is_empty() {
        return Err(Error::Usage("no input files".into()));
    }
    let mut doc = Document::default();
    let parse_options = parse::ParseOptions {
        dialect: options.dialect,
    };
    let mut first_front = None;
    for path in &inputs {
        let text = project::read_source(path)?;
        let file = report.sources.add(SourceFile::new(path.clone(), text));
        let source = report.sources.get(file).clone();
        let parsed = parse::parse_file(
            &mut doc,
            &mut report.diagnostics,
            file,
            &source,
            &parse_options,
        );
        if first_front.is_none() {
            first_front = Some(parsed.front.meta.clone());
        }
        report.files.push(FileReport {
            path: path.clone(),
            dialect: parsed.dialect,
            reason: parsed.reason,
        });
    }
    doc.meta = merge_metadata(first_front.unwrap_or_default(), &doc, &options.meta, report)?;
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

/// Metadata, later sources overriding earlier: the first input's front matter,
/// then (only where still empty) the article roles of the first chapter, then
/// `--meta` pairs.
fn merge_metadata(
    front: Metadata,
    doc: &Document,
    overrides: &[(String, String)],
    report: &mut Report,
) -> Result<Metadata> {
    let mut meta = front;
    if let Some(chapter) = doc.chapters.first() {
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
            other => {
                return Err(Error::Usage(format!(
                    "unknown metadata key `{other}` in --meta (known: title, subtitle, author, language, date, identifier, publisher, description)"
                )));
            }
        }
    }
    let _ = report;
    Ok(meta)
}

/// Renders a loaded document in one format; problems found while rendering
/// (characters no font has) go to `diags`.
pub fn render(
    doc: &Document,
    format: Format,
    options: &BuildOptions,
    diags: &mut Diagnostics,
) -> Result<Vec<u8>> {
    match format {
        Format::Epub => epub::export(doc, &options.epub),
        Format::Pdf => pdf::export(doc, &options.pdf, diags),
    }
}

/// Runs the whole pipeline: load, then render every requested output.
///
/// The [`Report`] is returned in every case, so callers can print the
/// diagnostics; the outputs only when no error was reported.
pub fn build(options: &BuildOptions) -> (Report, Result<Vec<Output>>) {
    let mut report = Report::default();
    let doc = match load(options, &mut report) {
        Ok(doc) => doc,
        Err(e) => return (report, Err(e)),
    };
    let mut doc = doc;
    let resource_options = resource_options(options);
    let targets = resource::Targets {
        epub: options.outputs.iter().any(|o| o.format == Format::Epub),
        pdf_measure: options
            .outputs
            .iter()
            .any(|o| o.format == Format::Pdf)
            .then(|| pdf::layout::Geometry::new(&options.pdf).measure().to_pt()),
    };
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
        return (report, Err(Error::Input { count: errors }));
    }
    let mut outputs = Vec::new();
    for spec in &options.outputs {
        match render(&doc, spec.format, options, &mut report.diagnostics) {
            Ok(bytes) => outputs.push(Output {
                spec: spec.clone(),
                bytes,
            }),
            Err(e) => return (report, Err(e)),
        }
    }
    (report, Ok(outputs))
}

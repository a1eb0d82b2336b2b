//! bindery packages Markdown documents into EPUB 3 ebooks and print-ready PDFs.
//!
//! The pipeline runs one way: sources are found and read ([`project`]), the
//! book's options are resolved once the first input's front matter is known
//! ([`options`]: defaults < `bindery.toml` < front matter < the caller's),
//! the sources are parsed into one intermediate tree ([`parse`] → [`doc`];
//! files are parsed in parallel, each into a tree of its own, and appended in
//! order with [`doc::Document::append`]), internal links are resolved
//! ([`resolve`]), images are loaded and probed ([`resource`]), and each
//! backend ([`epub`], [`pdf`]) turns the tree into bytes, streamed into a
//! staged file ([`output`]). Every stage reports problems in the input as
//! [`diag::Diagnostic`]s; the library never prints and never exits.
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

pub mod cite;
pub mod config;
pub mod date;
pub mod diag;
pub mod doc;
pub mod epub;
pub mod highlight;
pub mod imprint;
pub mod issue;
pub mod labels;
pub mod lang;
pub mod options;
pub mod output;
pub mod parse;
pub mod pdf;
pub mod project;
pub mod resolve;
pub mod resource;
pub mod text;

use diag::{Diagnostics, Error, Result, Severity, SourceFile, Sources};
use doc::{Block, Dialect, Document, Metadata, plain_text};
use options::{Layer, Options};
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

/// One book to build: its inputs, its outputs, and the layers of options
/// its front matter goes between (see [`options`]).
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Markdown files or folders, in reading order.
    pub inputs: Vec<PathBuf>,
    /// Files to produce.
    pub outputs: Vec<OutputSpec>,
    /// The project folder: images, and files named in the project file or
    /// front matter, must be inside it. Default: the first input's folder.
    pub root: Option<PathBuf>,
    /// The project file's options (under the front matter), relative paths
    /// already joined to its folder.
    pub project: Layer,
    /// The project file itself, when there is one (a warning about an
    /// option set there points at its line).
    pub project_file: Option<PathBuf>,
    /// The caller's options (the command line): over every other layer.
    pub overrides: Layer,
}

/// A loaded book: its tree and the options resolved for it.
#[derive(Debug, Clone)]
pub struct Book {
    /// The document tree, links resolved and images probed.
    pub doc: Document,
    /// The options every later stage reads.
    pub options: Options,
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

/// A face text was drawn with, for reports (`-v`, `--json`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FontReport {
    /// The family name.
    pub family: String,
    /// The PostScript name.
    pub name: String,
    /// `bundled`, or the font file's path.
    pub file: String,
    /// The face's index in its file (collections hold several).
    pub index: u32,
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
    /// The faces text was drawn with (bundled, given or installed).
    pub fonts: Vec<FontReport>,
    /// The outputs of the book, named (templates filled in) once its
    /// metadata is known: for messages about a book that failed.
    pub outputs: Vec<OutputSpec>,
    /// Files the build read besides its Markdown sources and project file:
    /// images, the stylesheet, the cover, fonts (`--watch` watches them).
    pub reads: Vec<PathBuf>,
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

/// Loads, parses, resolves and probes the inputs into a document, and
/// resolves the book's options once the first input's front matter is known
/// (before anything reads them: parsing itself reads the dialect).
pub fn load(options: &BuildOptions, report: &mut Report) -> Result<Book> {
    let inputs = project::expand_sections(&options.inputs)?;
    if inputs.is_empty() {
        return Err(Error::Usage("no input files".into()));
    }
    // Files are read in parallel, then taken in order (so the first
    // unreadable one is reported). Invalid UTF-8 is replaced here and
    // refused below unless the options allow it: which they do is only
    // known once the first file's front matter has been read.
    let read: Vec<_> = {
        use rayon::prelude::*;
        inputs
            .par_iter()
            .map(|input| {
                project::read_text(&input.path)
                    .map(|(text, bad_byte)| (SourceFile::new(input.path.clone(), text), bad_byte))
            })
            .collect()
    };
    let mut sources = Vec::with_capacity(inputs.len());
    for result in read {
        sources.push(result?);
    }
    let root = options
        .root
        .clone()
        .unwrap_or_else(|| project::default_root(&options.inputs));
    let book_options = resolve_options(options, &inputs[0].path, &sources[0].0.text, &root)?;
    let mut files = Vec::with_capacity(inputs.len());
    for (source, bad_byte) in sources {
        if let Some(offset) = bad_byte
            && !book_options.lossy_utf8
        {
            return Err(Error::Utf8 {
                path: source.path,
                offset,
            });
        }
        let file = report.sources.add(source);
        if let Some(offset) = bad_byte {
            report.diagnostics.push(diag::Diagnostic::warning(
                diag::Span::new(file, offset..offset),
                format!("invalid UTF-8 (first bad byte at offset {offset}) replaced with U+FFFD"),
            ));
        }
        files.push(file);
    }
    let mut book_options = book_options;
    if book_options.pdf.service.is_some() {
        book_options.pdf.origins =
            service_origins(options, (&inputs[0].path, files[0]), &mut report.sources);
    }
    let parse_options = parse::ParseOptions {
        dialect: book_options.dialect,
        citations: book_options.cite.enabled(),
        smart: book_options.smart,
    };
    // Files are parsed in parallel, each into a document of its own, then
    // appended in order (so ids, anchors and diagnostics are what reading
    // them one after another gives).
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
    let mut doc = Document::default();
    let mut first_article = None;
    let mut article_authors: Vec<String> = Vec::new();
    for (i, (input, (part, diags, parsed))) in inputs.iter().zip(parsed).enumerate() {
        doc.append(part);
        report.diagnostics.extend(diags);
        for author in &parsed.front.meta.authors {
            if !article_authors.contains(author) {
                article_authors.push(author.clone());
            }
        }
        if i > 0 && parsed.front.options != Layer::default() {
            report.diagnostics.push(
                diag::Diagnostic::warning(
                    diag::Span::new(files[i], 0..0),
                    "book options in the front matter of a file other than the first are ignored",
                )
                .with_hint(
                    "move its `epub:`, `pdf:` and `images:` sections to the first file or to bindery.toml",
                ),
            );
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
        if first_article.is_none() {
            first_article = Some(parsed.front.meta);
        }
    }
    doc.meta = match issue::detect(&options.inputs, &doc, report) {
        // A magazine issue: the book is the issue, not its first article.
        Some(found) => issue::metadata(
            options,
            &found,
            &first_article.unwrap_or_default(),
            article_authors,
        ),
        None => fill_metadata(book_options.metadata.clone(), &doc),
    };
    check_language(&mut doc.meta, report);
    if book_options.smart {
        // Curly quotes become the book's language's own.
        let language = doc.meta.language.clone().unwrap_or_else(|| "en".into());
        parse::smart::localize(&mut doc, &language);
    }
    // The words bindery writes, in the book's language, with the project's.
    let labels = labels::Labels::new(
        doc.meta.language.as_deref().unwrap_or("en"),
        book_options.labels.clone(),
    );
    resolve::resolve(&mut doc, &mut report.diagnostics);
    cite::cite(
        &mut doc,
        &book_options.cite,
        &labels,
        &mut report.sources,
        &mut report.diagnostics,
    )?;
    book_options.epub.labels = labels.clone();
    book_options.pdf.labels = labels;
    resource::load(&mut doc, &book_options.images, &mut report.diagnostics);
    report.reads = book_options.files.clone();
    report
        .reads
        .extend(doc.resources.images.iter().map(|i| i.path.clone()));
    report.diagnostics.sort();
    Ok(Book {
        doc,
        options: book_options,
    })
}

/// Resolves a book's options: defaults < project file < the front matter of
/// its first input (`first`, whose text is `text`) < the caller's.
///
/// The front matter is read here only for its options; its diagnostics are
/// reported when the file is parsed.
fn resolve_options(
    options: &BuildOptions,
    first: &std::path::Path,
    text: &str,
    root: &std::path::Path,
) -> Result<Options> {
    let mut ignored = Diagnostics::default();
    let (front, _) = parse::frontmatter::read(text, diag::FileId(0), &mut ignored);
    Options::resolve(
        [
            options.project.clone(),
            Layer::from_front_matter(front, first),
            options.overrides.clone(),
        ],
        root,
    )
}

/// Where the options a print service's rules read were set (see
/// [`pdf::service::Origins`]): for each, the highest layer that sets it —
/// the caller's (the command line), the first file's front matter (`first`:
/// its path and id in `sources`), the project file (added to `sources`
/// when a warning may point into it).
fn service_origins(
    options: &BuildOptions,
    (first, first_id): (&std::path::Path, diag::FileId),
    sources: &mut diag::Sources,
) -> pdf::service::Origins {
    use pdf::service::Origin;
    type Sets = fn(&Layer) -> bool;
    let keys: [(&str, &'static str, Sets); 4] = [
        ("pdf.profile", "--profile", |l| l.pdf.profile.is_some()),
        ("pdf.paper", "--paper", |l| l.pdf.paper.is_some()),
        ("pdf.margins", "--margins", |l| l.pdf.margins.is_some()),
        ("pdf.bleed", "--bleed", |l| l.pdf.bleed.is_some()),
    ];
    let first_text = sources.get(first_id).text.clone();
    let mut ignored = Diagnostics::default();
    let (front, _) = parse::frontmatter::read(&first_text, first_id, &mut ignored);
    let front = Layer::from_front_matter(front, first);
    let project_text = options
        .project_file
        .as_ref()
        .and_then(|p| std::fs::read_to_string(p).ok().map(|t| (p.clone(), t)));
    let mut project_id = None;
    let mut origins = pdf::service::Origins::default();
    for (key, flag, sets) in keys {
        let name = key.rsplit('.').next().unwrap_or(key);
        let origin = if sets(&options.overrides) {
            Origin::Flag(flag)
        } else if sets(&front) {
            let at = parse::frontmatter::option_offset(&first_text, key).unwrap_or(0);
            Origin::File(diag::Span::new(first_id, at..at + name.len()))
        } else if sets(&options.project)
            && let Some((path, text)) = &project_text
            && let Some(range) = config::key_span(text, key)
        {
            let id = *project_id.get_or_insert_with(|| {
                sources.add(diag::SourceFile::new(path.clone(), text.clone()))
            });
            Origin::File(diag::Span::new(id, range))
        } else {
            Origin::Unknown
        };
        if let Some(slot) = origins.get_mut(key) {
            *slot = origin;
        }
    }
    origins
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

/// Fills what no layer of options gave from the first chapter: the title
/// from its heading (or its file name), the date from its dateline, the
/// description from its standfirst.
fn fill_metadata(mut meta: Metadata, doc: &Document) -> Metadata {
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
    meta
}

/// Renders a loaded document in one format into memory; problems found while
/// rendering (characters no font has) go to `diags`. Returns the bytes and,
/// for a PDF, the number of pages.
pub fn render(
    doc: &Document,
    format: Format,
    options: &Options,
    fonts: &text::FontSet,
    diags: &mut Diagnostics,
) -> Result<(Vec<u8>, Option<usize>)> {
    let mut sink = std::io::Cursor::new(Vec::new());
    let pages = render_to(doc, format, options, fonts, diags, &mut sink)?;
    Ok((sink.into_inner(), pages))
}

/// [`render`] into `sink` as the output is made (images are streamed from
/// their files). Returns the number of pages of a PDF.
pub fn render_to<W: std::io::Write + std::io::Seek>(
    doc: &Document,
    format: Format,
    options: &Options,
    fonts: &text::FontSet,
    diags: &mut Diagnostics,
    sink: W,
) -> Result<Option<usize>> {
    match format {
        Format::Epub => {
            if options.epub.cover == epub::Cover::Generated {
                // The generated cover draws with the same fallback; what
                // no font has is reported once per script, as in the PDF.
                let span = diag::Span::new(diag::FileId(0), 0..0);
                epub::cover::missing(&doc.meta, fonts, span).warn_in(
                    diags,
                    fonts.uses_system_fonts(),
                    "the cover",
                );
            }
            epub::export_to(doc, &options.epub, fonts, sink).map(|()| None)
        }
        Format::Pdf => pdf::export_to(doc, fonts, &options.pdf, diags, sink).map(Some),
    }
}

/// Loads the inputs, names the outputs (templates need the metadata) and
/// prepares the images for `targets`; fails when an error was reported.
fn prepared(
    options: &BuildOptions,
    report: &mut Report,
    targets: impl Fn(&Options) -> resource::Targets,
) -> Result<Book> {
    let mut book = load(options, report)?;
    report.outputs = options
        .outputs
        .iter()
        .map(|spec| OutputSpec {
            path: output_path(options, spec, &book.doc.meta),
            format: spec.format,
        })
        .collect();
    resource::prepare(
        &mut book.doc,
        targets(&book.options),
        &book.options.images,
        &mut report.diagnostics,
    );
    report.images = resource::reports(&book.doc)
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
    refuse_warnings(&book.options, report)?;
    Ok(book)
}

/// With `strict`, any warning fails the book.
fn refuse_warnings(options: &Options, report: &Report) -> Result<()> {
    let warnings = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    if options.strict && warnings > 0 {
        return Err(Error::Strict { count: warnings });
    }
    Ok(())
}

/// The widest an image can be placed in the PDF, in points.
fn pdf_measure(options: &Options) -> f64 {
    pdf::layout::Geometry::new(&options.pdf).measure().to_pt()
}

/// Everything `build` checks (front matter, images, links, notes), without
/// rendering or writing anything.
pub fn check(options: &BuildOptions) -> (Report, Result<()>) {
    let mut report = Report::default();
    let result = prepared(options, &mut report, |o| resource::Targets {
        epub: true,
        pdf_measure: Some(pdf_measure(o)),
    })
    .map(|_| ());
    (report, result)
}

/// Runs the whole pipeline: load, then render every requested output.
///
/// The [`Report`] is returned in every case, so callers can print the
/// diagnostics; the outputs only when no error was reported (and, with
/// `strict`, no warning).
pub fn build(options: &BuildOptions) -> (Report, Result<Vec<Output>>) {
    let mut report = Report::default();
    let result = build_into(options, &mut report);
    (report, result)
}

fn build_into(options: &BuildOptions, report: &mut Report) -> Result<Vec<Output>> {
    let wants = |format| options.outputs.iter().any(|o| o.format == format);
    let book = prepared(options, report, |o| resource::Targets {
        epub: wants(Format::Epub),
        pdf_measure: wants(Format::Pdf).then(|| pdf_measure(o)),
    })?;
    let fonts = font_set(&book.options)?;
    let mut outputs = Vec::new();
    for spec in report.outputs.clone() {
        outputs.push(write_output(&book, &fonts, spec, &mut report.diagnostics)?);
    }
    report.fonts = fonts
        .used()
        .into_iter()
        .map(|f| FontReport {
            family: f.family.clone(),
            name: f.name.clone(),
            file: f.origin.clone(),
            index: f.index,
        })
        .collect();
    // Rendering can warn too (characters no font has).
    refuse_warnings(&book.options, report)?;
    Ok(outputs)
}

/// The fonts of a build, read once per build (so `--watch` sees a changed
/// file) and lent to every backend: the bundled faces, the theme's font
/// files, then the fallback files, then (unless the build is hermetic) the
/// installed faces, searched only when a character needs them.
fn font_set(options: &Options) -> Result<text::FontSet> {
    let mut files = options.pdf.style.font_files();
    files.extend(options.pdf.fonts.iter().cloned());
    Ok(text::FontSet::new(&files)
        .map_err(|e| Error::Usage(e.to_string()))?
        .with_system_fonts(options.pdf.system_fonts))
}

/// Makes the print cover wrap of a book (back, spine, front, bleed) into
/// its one output: the spine is sized by the interior's page count, laid
/// out here unless the options give it.
pub fn cover(options: &BuildOptions) -> (Report, Result<Vec<Output>>) {
    let mut report = Report::default();
    let result = cover_into(options, &mut report);
    (report, result)
}

fn cover_into(options: &BuildOptions, report: &mut Report) -> Result<Vec<Output>> {
    use std::io::Write;
    let book = prepared(options, report, |o| resource::Targets {
        epub: false,
        pdf_measure: Some(pdf_measure(o)),
    })?;
    let fonts = font_set(&book.options)?;
    let pages = match book.options.cover.pages {
        Some(n) => n as usize,
        None => {
            let mut ignored = Diagnostics::default();
            pdf::count_pages(&book.doc, &fonts, &book.options.pdf, &mut ignored)?
        }
    };
    let bytes = pdf::cover::render(
        &book.doc.meta,
        &fonts,
        &book.options.pdf,
        &book.options.cover,
        pages,
        &mut report.diagnostics,
    )?;
    refuse_warnings(&book.options, report)?;
    let mut outputs = Vec::new();
    for spec in report.outputs.clone() {
        let mut file = output::Staged::beside(&spec.path)?;
        let written = file
            .file()
            .write_all(&bytes)
            .and_then(|()| file.file().flush());
        written.map_err(|source| Error::Write {
            path: spec.path.clone(),
            source,
        })?;
        outputs.push(Output {
            spec,
            file,
            pages: Some(1),
        });
    }
    Ok(outputs)
}

/// Renders one output into a staged file beside its destination. An error
/// the file system gave (a full disk) is reported as a failure to write
/// that output, whichever stage was writing when it came.
fn write_output(
    book: &Book,
    fonts: &text::FontSet,
    spec: OutputSpec,
    diags: &mut Diagnostics,
) -> Result<Output> {
    use std::io::Write;
    let mut file = output::Staged::beside(&spec.path)?;
    let pages = {
        let mut sink =
            std::io::BufWriter::with_capacity(1 << 16, output::EarlySync::new(file.file()));
        let write_error = |source| Error::Write {
            path: spec.path.clone(),
            source,
        };
        let rendered = render_to(
            &book.doc,
            spec.format,
            &book.options,
            fonts,
            diags,
            &mut sink,
        )
        .and_then(|pages| sink.flush().map(|()| pages).map_err(write_error));
        // Once the file failed, writes were dropped: the output is lost
        // even if the backend went on.
        match (rendered, sink.get_mut().take_error()) {
            (_, Some(source)) => Err(write_error(source)),
            (result, None) => result,
        }
    }?;
    Ok(Output { spec, file, pages })
}

/// The path of an output, its template filled in: `{stem}` is the first
/// input's file name, `{title-slug}` and `{date}` come from the metadata.
fn output_path(options: &BuildOptions, spec: &OutputSpec, meta: &Metadata) -> PathBuf {
    let stem = options
        .inputs
        .first()
        .and_then(|p| p.file_stem())
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "book".into());
    project::expand_template(&spec.path, &stem, meta)
}

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

//! The command line: clap types, converted into the library's plain options
//! (the command line's [`Layer`], over the project file and front matter).
//! The only module that imports clap.

use bindery::Format;
use bindery::options::{
    CoverChoice, DialectChoice, Dpi, EpubLayer, FilePath, ImagesLayer, Layer, Level, List, Margins,
    OutputLayer, PdfLayer, Pixels, Profile, Switch, Text, Value,
};
use bindery::pdf::PaperSize;
use bindery::pdf::units::Abs;
use bindery::project::Request;
use bindery::resource::MissingPolicy;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// Package Markdown documents into EPUB 3 ebooks and print-ready PDFs.
#[derive(Debug, Parser)]
#[command(name = "bindery", version, about, long_about = None)]
#[command(after_help = "Exit codes: 0 success, 1 a book failed, 2 usage error, \
3 warnings with --strict, 101 internal error")]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Said under the options of `build` and `check`.
const SWITCHES_HELP: &str = "Options given here override bindery.toml and the first input's front \
matter. Every on/off option has a --no-… form (--no-toc, --no-strict…) that turns off what they \
turn on.";

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build EPUB and/or PDF files from Markdown inputs or a project folder.
    #[command(after_help = SWITCHES_HELP)]
    Build(BuildArgs),
    /// Check the inputs as `build` would, without writing anything.
    #[command(after_help = SWITCHES_HELP)]
    Check(CheckArgs),
    /// Write a commented starter project (bindery.toml and a first chapter).
    Init(InitArgs),
    /// Print the intermediate document tree (for debugging and tests).
    Dump(DumpArgs),
    /// Print a shell completion script.
    Completions(CompletionsArgs),
    /// Print the man page (roff).
    Man,
}

/// Options about what is read and how (shared by `build` and `check`).
///
/// Every option here (but the paths, --json, -v and -q) is the command
/// line's layer of options: over `bindery.toml` and front matter, see
/// `bindery::options`. Each on/off switch has a hidden `--no-…` twin that
/// turns off what the project file or front matter turns on; the last of
/// the two given wins.
#[derive(Debug, Clone, clap::Args)]
pub struct InputArgs {
    /// Markdown files or folders. Several files are the chapters of one book
    /// (or one book each with --each). None: the project in the current folder.
    pub paths: Vec<PathBuf>,
    /// Read inputs as this dialect instead of detecting it: auto, article or
    /// commonmark.
    #[arg(long, value_name = "DIALECT", value_parser = value::<DialectChoice>)]
    pub dialect: Option<DialectChoice>,
    /// Fail (exit 3, nothing written) when there are warnings.
    #[arg(long, visible_alias = "deny-warnings", overrides_with = "no_strict")]
    pub strict: bool,
    #[arg(long, hide = true, overrides_with = "strict")]
    pub no_strict: bool,
    /// Set a metadata field (title, subtitle, author, contributors, language,
    /// date, identifier, publisher, description, subjects, rights, series,
    /// series-index). Several authors or subjects: separate with `;`.
    /// Repeatable.
    #[arg(long = "meta", value_name = "KEY=VALUE", value_parser = parse_key_value)]
    pub meta: Vec<(String, String)>,
    /// Set any option of the project file by its key (`pdf.paper=a5`,
    /// `epub.toc_depth=3`); applied after the other options. Repeatable.
    #[arg(long = "set", value_name = "KEY=VALUE", value_parser = parse_key_value)]
    pub set: Vec<(String, String)>,
    /// Allow images (and files named in project files) outside the project folder.
    #[arg(long, overrides_with = "no_allow_outside_root")]
    pub allow_outside_root: bool,
    #[arg(long, hide = true, overrides_with = "allow_outside_root")]
    pub no_allow_outside_root: bool,
    /// Read invalid UTF-8 with replacement characters (and a warning) instead of failing.
    #[arg(long, overrides_with = "no_lossy_utf8")]
    pub lossy_utf8: bool,
    #[arg(long, hide = true, overrides_with = "lossy_utf8")]
    pub no_lossy_utf8: bool,
    /// What to do with a missing or unusable image: placeholder, drop or error.
    #[arg(long, value_name = "POLICY", value_parser = value::<MissingPolicy>)]
    pub missing_images: Option<MissingPolicy>,
    /// Longest edge of images in the EPUB, in pixels (larger ones are downscaled).
    #[arg(long, value_name = "PIXELS", value_parser = value::<Pixels>)]
    pub epub_image_max: Option<Pixels>,
    /// Downsample PDF images above this resolution at their printed size.
    #[arg(long, value_name = "DPI", value_parser = value::<Dpi>)]
    pub pdf_image_max_dpi: Option<Dpi>,
    /// Warn about PDF images under this resolution at their printed size
    /// (default 300, or 150 with --profile screen).
    #[arg(long, value_name = "DPI", value_parser = value::<Dpi>)]
    pub pdf_min_dpi: Option<Dpi>,
    /// What the PDF is for: print or screen.
    #[arg(long, value_name = "PROFILE", value_parser = value::<Profile>)]
    pub profile: Option<Profile>,
    /// PDF page size: a4, a5, b5, letter, 5x8in, 5.5x8.5in, 6x9in or WxH with
    /// a unit (130x200mm). Default A4.
    #[arg(long, value_name = "SIZE", value_parser = value::<PaperSize>)]
    pub paper: Option<PaperSize>,
    /// PDF: start chapters on right-hand pages.
    #[arg(long, overrides_with = "no_recto_chapters")]
    pub recto_chapters: bool,
    #[arg(long, hide = true, overrides_with = "recto_chapters")]
    pub no_recto_chapters: bool,
    /// PDF: add a table of contents with page numbers.
    #[arg(long, overrides_with = "no_toc")]
    pub toc: bool,
    #[arg(long, hide = true, overrides_with = "toc")]
    pub no_toc: bool,
    /// PDF: ragged-right text instead of justified.
    #[arg(long, overrides_with = "no_ragged")]
    pub ragged: bool,
    #[arg(long, hide = true, overrides_with = "ragged")]
    pub no_ragged: bool,
    /// PDF: bleed around the trimmed page, with a unit (3mm, 0.125in).
    #[arg(long, value_name = "LENGTH", value_parser = value::<Abs>)]
    pub bleed: Option<Abs>,
    /// PDF: draw crop marks outside the trimmed page.
    #[arg(long, overrides_with = "no_crop_marks")]
    pub crop_marks: bool,
    #[arg(long, hide = true, overrides_with = "crop_marks")]
    pub no_crop_marks: bool,
    /// PDF: a font file (TTF/OTF) for characters the bundled fonts lack.
    /// Repeatable; replaces the project file's list.
    #[arg(long = "font", value_name = "FILE", value_parser = value::<FilePath>)]
    pub fonts: Vec<FilePath>,
    /// PDF: margins as TOP,INNER,BOTTOM,OUTER with units (20mm,18mm,25mm,22mm).
    #[arg(long, value_name = "T,I,B,O", value_parser = value::<Margins>)]
    pub margins: Option<Margins>,
    /// Every input becomes its own book, built in parallel.
    #[arg(long, overrides_with = "no_each")]
    pub each: bool,
    #[arg(long, hide = true, overrides_with = "each")]
    pub no_each: bool,
    /// One JSON object per book on stdout, then a summary object; nothing else on stdout.
    #[arg(long)]
    pub json: bool,
    /// Print more: the dialect of each input and what was done to each image.
    #[arg(short, long, conflicts_with = "quiet")]
    pub verbose: bool,
    /// Print only errors.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Arguments of `bindery build`.
#[derive(Debug, Clone, clap::Args)]
pub struct BuildArgs {
    /// What to read.
    #[command(flatten)]
    pub input: InputArgs,
    /// Output file; the format comes from the extension (.epub or .pdf). Repeatable.
    #[arg(short = 'o', long = "output")]
    pub outputs: Vec<PathBuf>,
    /// Folder for the outputs (created if needed).
    #[arg(long, value_name = "DIR", value_parser = value::<FilePath>)]
    pub out_dir: Option<FilePath>,
    /// Formats to write, named from --name: epub, pdf or both (`-f epub,pdf`).
    #[arg(short = 'f', long = "formats", value_delimiter = ',', value_parser = value::<Format>)]
    pub formats: Vec<Format>,
    /// Output file name template without extension: {stem}, {title-slug}, {date}.
    #[arg(long, value_name = "TEMPLATE", value_parser = value::<Text>)]
    pub name: Option<Text>,
    /// Books built at once with --each (default: the number of cores).
    #[arg(short = 'j', long = "jobs", value_name = "N", default_value_t = 0)]
    pub jobs: usize,
    /// Rebuild when a source changes (until interrupted).
    #[arg(long)]
    pub watch: bool,
    /// EPUB: split chapters into separate files at headings of this level or higher.
    #[arg(long, value_name = "LEVEL", value_parser = value::<Level>)]
    pub split_level: Option<Level>,
    /// EPUB: levels in the table of contents (1: chapters only; default 2).
    #[arg(long, value_name = "N", value_parser = value::<Level>)]
    pub toc_depth: Option<Level>,
    /// EPUB: add a printed table of contents page.
    #[arg(long, overrides_with = "no_toc_page")]
    pub toc_page: bool,
    #[arg(long, hide = true, overrides_with = "toc_page")]
    pub no_toc_page: bool,
    /// EPUB: cover image (JPEG or PNG), `auto` for a typographic cover, or `none`.
    #[arg(long, value_name = "FILE|auto|none", value_parser = value::<CoverChoice>)]
    pub cover: Option<CoverChoice>,
    /// EPUB: a stylesheet that replaces the default one.
    #[arg(long, value_name = "FILE", value_parser = value::<FilePath>)]
    pub css: Option<FilePath>,
}

/// Arguments of `bindery check`.
#[derive(Debug, Clone, clap::Args)]
pub struct CheckArgs {
    /// What to read.
    #[command(flatten)]
    pub input: InputArgs,
}

/// Arguments of `bindery init`.
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The folder to create the project in (default: the current folder).
    pub dir: Option<PathBuf>,
}

/// Arguments of `bindery dump`.
#[derive(Debug, clap::Args)]
pub struct DumpArgs {
    /// Markdown files or folders.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Read inputs as this dialect instead of detecting it: auto, article or
    /// commonmark.
    #[arg(long, value_name = "DIALECT", value_parser = value::<DialectChoice>)]
    pub dialect: Option<DialectChoice>,
}

/// Arguments of `bindery completions`.
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Parses an option's value as the project file does (same message).
fn value<T: Value>(text: &str) -> Result<T, String> {
    T::parse(text)
}

fn parse_key_value(s: &str) -> Result<(String, String), String> {
    let (k, v) = s
        .split_once('=')
        .ok_or_else(|| format!("expected KEY=VALUE, got `{s}`"))?;
    Ok((k.trim().to_ascii_lowercase(), v.to_string()))
}

/// `--on` / `--no-on`: on, off, or (neither given) unset.
fn switch(on: bool, off: bool) -> Option<Switch> {
    match (on, off) {
        (true, _) => Some(Switch(true)),
        (_, true) => Some(Switch(false)),
        _ => None,
    }
}

/// The command line's layer of options shared by `build` and `check`.
pub fn input_layer(args: &InputArgs) -> Result<Layer, String> {
    let mut l = Layer {
        dialect: args.dialect,
        strict: switch(args.strict, args.no_strict),
        lossy_utf8: switch(args.lossy_utf8, args.no_lossy_utf8),
        output: OutputLayer {
            each: switch(args.each, args.no_each),
            ..OutputLayer::default()
        },
        images: ImagesLayer {
            missing: args.missing_images,
            allow_outside_root: switch(args.allow_outside_root, args.no_allow_outside_root),
        },
        epub: EpubLayer {
            image_max: args.epub_image_max,
            ..EpubLayer::default()
        },
        pdf: PdfLayer {
            paper: args.paper,
            profile: args.profile,
            min_dpi: args.pdf_min_dpi,
            max_dpi: args.pdf_image_max_dpi,
            toc: switch(args.toc, args.no_toc),
            recto_chapters: switch(args.recto_chapters, args.no_recto_chapters),
            ragged: switch(args.ragged, args.no_ragged),
            bleed: args.bleed,
            crop_marks: switch(args.crop_marks, args.no_crop_marks),
            fonts: (!args.fonts.is_empty()).then(|| List(args.fonts.clone())),
            margins: args.margins,
        },
        ..Layer::default()
    };
    for (key, value) in &args.meta {
        l.set_metadata(key, value)
            .map_err(|e| format!("invalid --meta {key}={value} ({e})"))?;
    }
    Ok(l)
}

/// `--set` pairs, applied last.
fn apply_set(args: &InputArgs, l: &mut Layer) -> Result<(), String> {
    for (key, value) in &args.set {
        l.set(key, value)
            .map_err(|e| format!("invalid --set {key}={value} ({e})"))?;
    }
    Ok(())
}

/// The request `build` makes of the project planner: its paths, outputs
/// and layer of options.
pub fn build_request(args: &BuildArgs) -> Result<Request, String> {
    let mut l = input_layer(&args.input)?;
    l.output.dir = args.out_dir.clone();
    l.output.formats = (!args.formats.is_empty()).then(|| List(args.formats.clone()));
    l.output.name = args.name.clone();
    l.epub.split_level = args.split_level;
    l.epub.toc_depth = args.toc_depth;
    l.epub.toc_page = switch(args.toc_page, args.no_toc_page);
    l.epub.cover = args.cover.clone();
    l.epub.css = args.css.clone();
    apply_set(&args.input, &mut l)?;
    Ok(Request {
        paths: args.input.paths.clone(),
        outputs: args.outputs.clone(),
        options: l,
    })
}

/// The request `check` makes: every input checked for both formats.
pub fn check_request(args: &CheckArgs) -> Result<Request, String> {
    let mut l = input_layer(&args.input)?;
    apply_set(&args.input, &mut l)?;
    l.output.formats = Some(List(vec![Format::Epub, Format::Pdf]));
    Ok(Request {
        paths: args.input.paths.clone(),
        outputs: Vec::new(),
        options: l,
    })
}

#[cfg(test)]
mod tests {
    //! The options model, layer by layer: every key is set in the project
    //! file, the front matter (where it may be) and on the command line,
    //! each through its real parser, and the later layer must win.

    use super::*;
    use bindery::options::{Field, Options, RunOptions};
    use std::path::Path;

    /// What one resolved book shows.
    struct Resolved {
        book: Options,
        run: RunOptions,
    }

    /// One option under test.
    struct Row {
        /// Its key in the project file (`pdf.paper`).
        key: &'static str,
        /// Two values, as TOML literals (which YAML reads the same).
        values: [&'static str; 2],
        /// The front matter's key and two values, when it may carry the option.
        front: Option<(&'static str, [&'static str; 2])>,
        /// Command-line arguments for each value (`{dir}` is the test's folder).
        cli: [&'static [&'static str]; 2],
        /// What the resolved options show of it.
        shown: fn(&Resolved) -> String,
        /// What they show: by default, then with each value.
        want: [&'static str; 3],
    }

    fn name(p: &Path) -> String {
        p.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    #[rustfmt::skip]
    fn rows() -> Vec<Row> {
        // Front matter keys of metadata are top-level; its sections nest.
        macro_rules! same { ($k:literal, $v:expr) => { Some(($k, $v)) }; }
        vec![
            Row { key: "chapters", values: ["[\"a.md\"]", "[\"b.md\"]"], front: None,
                cli: [&["--set", "chapters=a.md"], &["--set", "chapters=b.md"]],
                shown: |r| r.run.chapters.join("+"), want: ["", "a.md", "b.md"] },
            Row { key: "dialect", values: ["\"article\"", "\"commonmark\""], front: None,
                cli: [&["--dialect", "article"], &["--dialect", "commonmark"]],
                shown: |r| format!("{:?}", r.book.dialect), want: ["None", "Some(Article)", "Some(CommonMark)"] },
            Row { key: "strict", values: ["true", "false"], front: None,
                cli: [&["--strict"], &["--no-strict"]],
                shown: |r| r.book.strict.to_string(), want: ["false", "true", "false"] },
            Row { key: "lossy_utf8", values: ["true", "false"], front: None,
                cli: [&["--lossy-utf8"], &["--no-lossy-utf8"]],
                shown: |r| r.book.lossy_utf8.to_string(), want: ["false", "true", "false"] },
            Row { key: "metadata.title", values: ["\"A\"", "\"B\""], front: same!("title", ["\"A\"", "\"B\""]),
                cli: [&["--meta", "title=A"], &["--meta", "title=B"]],
                shown: |r| format!("{:?}", r.book.metadata.title), want: ["None", "Some(\"A\")", "Some(\"B\")"] },
            Row { key: "metadata.subtitle", values: ["\"A\"", "\"B\""], front: same!("subtitle", ["\"A\"", "\"B\""]),
                cli: [&["--meta", "subtitle=A"], &["--meta", "subtitle=B"]],
                shown: |r| format!("{:?}", r.book.metadata.subtitle), want: ["None", "Some(\"A\")", "Some(\"B\")"] },
            Row { key: "metadata.authors", values: ["[\"A1\", \"A2\"]", "\"B\""], front: same!("authors", ["[\"A1\", \"A2\"]", "\"B\""]),
                cli: [&["--meta", "author=A1; A2"], &["--meta", "authors=B"]],
                shown: |r| r.book.metadata.authors.join("+"), want: ["", "A1+A2", "B"] },
            Row { key: "metadata.contributors", values: ["[\"Ann (editor)\"]", "\"Bob (translator)\""],
                front: same!("authors", ["[{name: \"Ann\", role: \"editor\"}]", "[{name: \"Bob\", role: \"translator\"}]"]),
                cli: [&["--meta", "contributors=Ann (editor)"], &["--meta", "contributor=Bob (translator)"]],
                shown: |r| r.book.metadata.contributors.iter().map(|c| format!("{}/{}", c.name, c.role)).collect(),
                want: ["", "Ann/edt", "Bob/trl"] },
            Row { key: "metadata.language", values: ["\"fr\"", "\"de\""], front: same!("language", ["\"fr\"", "\"de\""]),
                cli: [&["--meta", "language=fr"], &["--meta", "lang=de"]],
                shown: |r| format!("{:?}", r.book.metadata.language), want: ["None", "Some(\"fr\")", "Some(\"de\")"] },
            Row { key: "metadata.date", values: ["\"2020-01-02\"", "\"2021-03-04\""], front: same!("date", ["\"2020-01-02\"", "\"2021-03-04\""]),
                cli: [&["--meta", "date=2020-01-02"], &["--meta", "date=2021-03-04"]],
                shown: |r| format!("{:?}", r.book.metadata.date), want: ["None", "Some(\"2020-01-02\")", "Some(\"2021-03-04\")"] },
            Row { key: "metadata.identifier", values: ["\"id-a\"", "\"id-b\""], front: same!("identifier", ["\"id-a\"", "\"id-b\""]),
                cli: [&["--meta", "identifier=id-a"], &["--meta", "isbn=id-b"]],
                shown: |r| format!("{:?}", r.book.metadata.identifier), want: ["None", "Some(\"id-a\")", "Some(\"id-b\")"] },
            Row { key: "metadata.publisher", values: ["\"A\"", "\"B\""], front: same!("publisher", ["\"A\"", "\"B\""]),
                cli: [&["--meta", "publisher=A"], &["--meta", "publisher=B"]],
                shown: |r| format!("{:?}", r.book.metadata.publisher), want: ["None", "Some(\"A\")", "Some(\"B\")"] },
            Row { key: "metadata.description", values: ["\"A\"", "\"B\""], front: same!("description", ["\"A\"", "\"B\""]),
                cli: [&["--meta", "description=A"], &["--meta", "description=B"]],
                shown: |r| format!("{:?}", r.book.metadata.description), want: ["None", "Some(\"A\")", "Some(\"B\")"] },
            Row { key: "metadata.subjects", values: ["[\"S1\", \"S2\"]", "\"T\""], front: same!("subjects", ["[\"S1\", \"S2\"]", "\"T\""]),
                cli: [&["--meta", "subjects=S1;S2"], &["--meta", "keywords=T"]],
                shown: |r| r.book.metadata.subjects.join("+"), want: ["", "S1+S2", "T"] },
            Row { key: "metadata.rights", values: ["\"A\"", "\"B\""], front: same!("rights", ["\"A\"", "\"B\""]),
                cli: [&["--meta", "rights=A"], &["--meta", "rights=B"]],
                shown: |r| format!("{:?}", r.book.metadata.rights), want: ["None", "Some(\"A\")", "Some(\"B\")"] },
            Row { key: "metadata.series", values: ["\"A\"", "\"B\""], front: same!("series", ["\"A\"", "\"B\""]),
                cli: [&["--meta", "series=A"], &["--meta", "series=B"]],
                shown: |r| format!("{:?}", r.book.metadata.series), want: ["None", "Some(\"A\")", "Some(\"B\")"] },
            Row { key: "metadata.series_index", values: ["\"1\"", "2"], front: same!("series_index", ["\"1\"", "2"]),
                cli: [&["--meta", "series-index=1"], &["--meta", "series_index=2"]],
                shown: |r| format!("{:?}", r.book.metadata.series_index), want: ["None", "Some(\"1\")", "Some(\"2\")"] },
            Row { key: "output.formats", values: ["[\"epub\"]", "\"pdf\""], front: None,
                cli: [&["-f", "epub"], &["-f", "pdf"]],
                shown: |r| format!("{:?}", r.run.formats), want: ["[]", "[Epub]", "[Pdf]"] },
            Row { key: "output.dir", values: ["\"outa\"", "\"outb\""], front: None,
                cli: [&["--out-dir", "{dir}/outa"], &["--out-dir", "{dir}/outb"]],
                shown: |r| r.run.dir.as_deref().map(name).unwrap_or_default(), want: ["", "outa", "outb"] },
            Row { key: "output.name", values: ["\"A\"", "\"B\""], front: None,
                cli: [&["--name", "A"], &["--name", "B"]],
                shown: |r| r.run.name.clone(), want: ["{stem}", "A", "B"] },
            Row { key: "output.each", values: ["true", "false"], front: None,
                cli: [&["--each"], &["--no-each"]],
                shown: |r| r.run.each.to_string(), want: ["false", "true", "false"] },
            Row { key: "epub.css", values: ["\"a.css\"", "\"b.css\""], front: same!("epub.css", ["\"a.css\"", "\"b.css\""]),
                cli: [&["--css", "{dir}/a.css"], &["--css", "{dir}/b.css"]],
                shown: |r| format!("{:?}", r.book.epub.stylesheet), want: ["None", "Some(\"A\")", "Some(\"B\")"] },
            Row { key: "epub.image_max", values: ["100", "\"200\""], front: same!("epub.image_max", ["100", "200"]),
                cli: [&["--epub-image-max", "100"], &["--epub-image-max", "200"]],
                shown: |r| r.book.images.epub_max_edge.to_string(), want: ["2048", "100", "200"] },
            Row { key: "epub.cover", values: ["\"a.jpg\"", "\"auto\""], front: same!("epub.cover", ["\"a.jpg\"", "auto"]),
                cli: [&["--cover", "{dir}/a.jpg"], &["--cover", "auto"]],
                shown: |r| match &r.book.epub.cover {
                    bindery::epub::Cover::None => "none".into(),
                    bindery::epub::Cover::Generated => "auto".into(),
                    bindery::epub::Cover::Image(p) => name(p),
                },
                want: ["none", "a.jpg", "auto"] },
            Row { key: "epub.split_level", values: ["2", "3"], front: same!("epub.split_level", ["2", "3"]),
                cli: [&["--split-level", "2"], &["--split-level", "3"]],
                shown: |r| format!("{:?}", r.book.epub.split_level), want: ["None", "Some(2)", "Some(3)"] },
            Row { key: "epub.toc_depth", values: ["1", "3"], front: same!("epub.toc_depth", ["1", "3"]),
                cli: [&["--toc-depth", "1"], &["--toc-depth", "3"]],
                shown: |r| r.book.epub.toc_depth.to_string(), want: ["2", "1", "3"] },
            Row { key: "epub.toc_page", values: ["true", "false"], front: same!("epub.toc_page", ["true", "false"]),
                cli: [&["--toc-page"], &["--no-toc-page"]],
                shown: |r| r.book.epub.toc_page.to_string(), want: ["false", "true", "false"] },
            Row { key: "pdf.paper", values: ["\"a5\"", "\"letter\""], front: same!("pdf.paper", ["a5", "letter"]),
                cli: [&["--paper", "a5"], &["--paper", "letter"]],
                shown: |r| format!("{:?}", r.book.pdf.paper), want: ["A4", "A5", "Letter"] },
            Row { key: "pdf.profile", values: ["\"screen\"", "\"print\""], front: same!("pdf.profile", ["screen", "print"]),
                cli: [&["--profile", "screen"], &["--profile", "print"]],
                shown: |r| r.book.images.pdf_min_dpi.to_string(), want: ["300", "150", "300"] },
            Row { key: "pdf.min_dpi", values: ["100", "200.5"], front: same!("pdf.min_dpi", ["100", "200.5"]),
                cli: [&["--pdf-min-dpi", "100"], &["--pdf-min-dpi", "200.5"]],
                shown: |r| r.book.images.pdf_min_dpi.to_string(), want: ["300", "100", "200.5"] },
            Row { key: "pdf.max_dpi", values: ["400", "600"], front: same!("pdf.max_dpi", ["400", "600"]),
                cli: [&["--pdf-image-max-dpi", "400"], &["--pdf-image-max-dpi", "600"]],
                shown: |r| format!("{:?}", r.book.images.pdf_max_dpi), want: ["None", "Some(400.0)", "Some(600.0)"] },
            Row { key: "pdf.toc", values: ["true", "false"], front: same!("pdf.toc", ["true", "false"]),
                cli: [&["--toc"], &["--no-toc"]],
                shown: |r| r.book.pdf.toc.to_string(), want: ["false", "true", "false"] },
            Row { key: "pdf.recto_chapters", values: ["true", "false"], front: same!("pdf.recto_chapters", ["true", "false"]),
                cli: [&["--recto-chapters"], &["--no-recto-chapters"]],
                shown: |r| r.book.pdf.recto_chapters.to_string(), want: ["false", "true", "false"] },
            Row { key: "pdf.ragged", values: ["true", "false"], front: same!("pdf.ragged", ["true", "false"]),
                cli: [&["--ragged"], &["--no-ragged"]],
                shown: |r| r.book.pdf.ragged.to_string(), want: ["false", "true", "false"] },
            Row { key: "pdf.bleed", values: ["\"3mm\"", "\"0.25in\""], front: same!("pdf.bleed", ["3mm", "0.25in"]),
                cli: [&["--bleed", "3mm"], &["--bleed", "0.25in"]],
                shown: |r| format!("{:.1}", r.book.pdf.bleed.to_pt()), want: ["0.0", "8.5", "18.0"] },
            Row { key: "pdf.crop_marks", values: ["true", "false"], front: same!("pdf.crop_marks", ["true", "false"]),
                cli: [&["--crop-marks"], &["--no-crop-marks"]],
                shown: |r| r.book.pdf.crop_marks.to_string(), want: ["false", "true", "false"] },
            Row { key: "pdf.fonts", values: ["[\"a.otf\", \"b.otf\"]", "\"b.otf\""], front: same!("pdf.fonts", ["[a.otf, b.otf]", "b.otf"]),
                cli: [&["--font", "{dir}/a.otf", "--font", "{dir}/b.otf"], &["--font", "{dir}/b.otf"]],
                shown: |r| r.book.pdf.fonts.iter().map(|p| name(p)).collect::<Vec<_>>().join("+"), want: ["", "a.otf+b.otf", "b.otf"] },
            Row { key: "pdf.margins", values: ["\"10mm,10mm,10mm,10mm\"", "\"1in 1in 1in 2in\""], front: same!("pdf.margins", ["10mm,10mm,10mm,10mm", "1in 1in 1in 2in"]),
                cli: [&["--margins", "10mm,10mm,10mm,10mm"], &["--margins", "1in,1in,1in,2in"]],
                shown: |r| format!("{:?}", r.book.pdf.margins.map(|m| m.map(|x| x.to_pt().round()))), want: ["None", "Some([28.0, 28.0, 28.0, 28.0])", "Some([72.0, 72.0, 72.0, 144.0])"] },
            Row { key: "images.missing", values: ["\"drop\"", "\"error\""], front: same!("images.missing", ["drop", "error"]),
                cli: [&["--missing-images", "drop"], &["--missing-images", "error"]],
                shown: |r| format!("{:?}", r.book.images.missing), want: ["Placeholder", "Drop", "Error"] },
            Row { key: "images.allow_outside_root", values: ["true", "false"], front: same!("images.allow_outside_root", ["true", "false"]),
                cli: [&["--allow-outside-root"], &["--no-allow-outside-root"]],
                shown: |r| r.book.images.allow_outside_root.to_string(), want: ["false", "true", "false"] },
        ]
    }

    /// `key = value` in its section of a TOML file.
    fn toml_text(key: &str, value: &str) -> String {
        match key.split_once('.') {
            Some((section, name)) => format!("[{section}]\n{name} = {value}\n"),
            None => format!("{key} = {value}\n"),
        }
    }

    /// A Markdown file whose YAML front matter sets `key` (nested when dotted).
    fn front_text(key: &str, value: &str) -> String {
        let yaml = match key.split_once('.') {
            Some((section, name)) => format!("{section}:\n  {name}: {value}\n"),
            None => format!("{key}: {value}\n"),
        };
        format!("---\n{yaml}---\n# Chapter\n")
    }

    /// The three layers of one case (None: the layer leaves the key unset),
    /// each read by its real parser, then resolved.
    fn resolve(row: &Row, dir: &Path, set: [Option<usize>; 3]) -> Resolved {
        let project = match set[0] {
            Some(v) => {
                let text = toml_text(row.key, row.values[v]);
                let mut layer = bindery::config::parse(&text, bindery::diag::FileId(0))
                    .unwrap_or_else(|d| panic!("{}: {text}: {}", row.key, d.message));
                layer.rebase(dir);
                layer
            }
            None => Layer::default(),
        };
        let front = match (set[1], row.front) {
            (Some(v), Some((key, values))) => {
                let text = front_text(key, values[v]);
                let mut diags = bindery::diag::Diagnostics::default();
                let (front, _) =
                    bindery::parse::frontmatter::read(&text, bindery::diag::FileId(0), &mut diags);
                assert!(diags.is_empty(), "{}: {text}: {diags:?}", row.key);
                Layer::from_front_matter(front, &dir.join("a.md"))
            }
            _ => Layer::default(),
        };
        let mut argv = vec!["bindery".to_string(), "build".into(), "a.md".into()];
        if let Some(v) = set[2] {
            let dir = dir.display().to_string();
            argv.extend(row.cli[v].iter().map(|a| a.replace("{dir}", &dir)));
        }
        let Command::Build(args) = Cli::try_parse_from(&argv)
            .unwrap_or_else(|e| panic!("{argv:?}: {e}"))
            .command
        else {
            unreachable!("a build command line")
        };
        let cli = build_request(&args).unwrap().options;
        Resolved {
            book: Options::resolve([project.clone(), front, cli.clone()], dir)
                .unwrap_or_else(|e| panic!("{}: {e}", row.key)),
            run: RunOptions::resolve([project, cli]),
        }
    }

    #[test]
    fn every_option_at_every_layer_later_layers_win() {
        let dir = tempfile::tempdir().unwrap();
        let dir = dir.path().canonicalize().unwrap();
        for (file, text) in [("a.css", "A"), ("b.css", "B"), ("a.jpg", ""), ("a.md", "")] {
            std::fs::write(dir.join(file), text).unwrap();
        }
        let rows = rows();
        // Every option has a row: a new one fails here until it is tested.
        let mut keys: Vec<&str> = rows.iter().map(|r| r.key).collect();
        keys.sort_unstable();
        let mut all = Layer::keys();
        all.sort();
        assert_eq!(keys, all, "one row per option");

        for row in &rows {
            assert_ne!(
                row.want[1], row.want[2],
                "{}: the two values look alike",
                row.key
            );
            let layers = if row.front.is_some() { 3 } else { 2 };
            let slot = |i: usize| if layers == 3 { i } else { [0, 2][i] };
            let mut cases: Vec<([Option<usize>; 3], usize)> = vec![([None; 3], 0)];
            for i in 0..layers {
                for v in 0..2 {
                    // One layer alone: its value, over the default.
                    let mut set = [None; 3];
                    set[slot(i)] = Some(v);
                    cases.push((set, v + 1));
                    // Under a later layer: the later one's value; over an
                    // earlier one that leaves it unset: its own.
                    for j in i + 1..layers {
                        let mut set = [None; 3];
                        set[slot(i)] = Some(v);
                        set[slot(j)] = Some(1 - v);
                        cases.push((set, 2 - v));
                    }
                }
            }
            if layers == 3 {
                cases.push(([Some(0), Some(1), Some(0)], 1));
                cases.push(([Some(1), Some(0), Some(1)], 2));
            }
            for (set, want) in cases {
                let resolved = resolve(row, &dir, set);
                let got = (row.shown)(&resolved);
                assert_eq!(got, row.want[want], "{} with layers {set:?}", row.key);
                // Setting one option changes no other (but the two that
                // show the same resolution).
                for other in rows.iter().filter(|o| o.key != row.key) {
                    let shared = [row.key, other.key] == ["pdf.profile", "pdf.min_dpi"]
                        || [row.key, other.key] == ["pdf.min_dpi", "pdf.profile"];
                    if !shared {
                        let got = (other.shown)(&resolved);
                        assert_eq!(got, other.want[0], "{} set, {} changed", row.key, other.key);
                    }
                }
            }
        }
    }

    /// The regression of `images_given`: one option given on the command
    /// line kept none of the project file's image options. Here every
    /// option is set in a lower layer (the project file, then the front
    /// matter) and each, alone, on the command line: only that one changes.
    #[test]
    fn one_option_on_the_command_line_keeps_every_other_of_the_layers_below() {
        let dir = tempfile::tempdir().unwrap();
        let dir = dir.path().canonicalize().unwrap();
        for (file, text) in [("a.css", "A"), ("b.css", "B"), ("a.jpg", ""), ("a.md", "")] {
            std::fs::write(dir.join(file), text).unwrap();
        }
        let rows = rows();
        // The project file and the front matter with every option they take.
        let mut toml = String::new();
        let mut yaml = String::new();
        let mut last_section = "";
        let mut sorted: Vec<&Row> = rows.iter().collect();
        sorted.sort_by_key(|r| (r.key.contains('.'), r.key.split('.').next()));
        for row in &sorted {
            let (section, name) = row.key.split_once('.').unwrap_or(("", row.key));
            if section != last_section {
                toml.push_str(&format!("[{section}]\n"));
                last_section = section;
            }
            toml.push_str(&format!("{name} = {}\n", row.values[0]));
        }
        let in_front: Vec<&Row> = rows
            .iter()
            .filter(|r| r.front.is_some() && r.key != "metadata.contributors")
            .collect();
        let mut last_section = "";
        for row in &in_front {
            let (key, values) = row.front.unwrap();
            match key.split_once('.') {
                Some((section, name)) => {
                    if section != last_section {
                        yaml.push_str(&format!("{section}:\n"));
                        last_section = section;
                    }
                    yaml.push_str(&format!("  {name}: {}\n", values[0]));
                }
                None => yaml.insert_str(0, &format!("{key}: {}\n", values[0])),
            }
        }
        let mut project = bindery::config::parse(&toml, bindery::diag::FileId(0))
            .unwrap_or_else(|d| panic!("{toml}: {}", d.message));
        project.rebase(&dir);
        let mut diags = bindery::diag::Diagnostics::default();
        let text = format!("---\n{yaml}---\n# Chapter\n");
        let (front, _) =
            bindery::parse::frontmatter::read(&text, bindery::diag::FileId(0), &mut diags);
        assert!(diags.is_empty(), "{text}: {diags:?}");
        let front = Layer::from_front_matter(front, &dir.join("a.md"));

        let lower_layers = [
            (
                "project file",
                vec![project.clone()],
                rows.iter().collect::<Vec<_>>(),
            ),
            ("front matter", vec![Layer::default(), front], in_front),
        ];
        for (lower, layers, covered) in &lower_layers {
            for row in covered {
                if row.key == "pdf.profile" {
                    // Below, min_dpi is set too, and an explicit resolution
                    // wins over the profile's (the table above covers it).
                    continue;
                }
                let mut argv = vec!["bindery".to_string(), "build".into(), "a.md".into()];
                let d = dir.display().to_string();
                argv.extend(row.cli[1].iter().map(|a| a.replace("{dir}", &d)));
                let Command::Build(args) = Cli::try_parse_from(&argv).unwrap().command else {
                    unreachable!("a build command line")
                };
                let cli = build_request(&args).unwrap().options;
                let mut all = layers.clone();
                all.push(cli.clone());
                let resolved = Resolved {
                    book: Options::resolve(all, &dir).unwrap(),
                    run: RunOptions::resolve([layers[0].clone(), cli]),
                };
                assert_eq!((row.shown)(&resolved), row.want[2], "{}: {argv:?}", row.key);
                for other in covered.iter().filter(|o| o.key != row.key) {
                    // The profile shows the resolution min_dpi sets.
                    if other.key == "pdf.profile" || row.key == "pdf.min_dpi" {
                        continue;
                    }
                    assert_eq!(
                        (other.shown)(&resolved),
                        other.want[1],
                        "{} from the {lower} lost to {argv:?}",
                        other.key
                    );
                }
            }
        }
    }

    #[test]
    fn the_last_of_a_switch_and_its_no_form_wins() {
        let parse = |args: &[&str]| {
            let mut argv = vec!["bindery", "build", "a.md"];
            argv.extend(args);
            let Command::Build(args) = Cli::try_parse_from(argv).unwrap().command else {
                unreachable!("a build command line")
            };
            build_request(&args).unwrap().options.pdf.toc
        };
        assert_eq!(parse(&["--toc", "--no-toc"]), Some(Switch(false)));
        assert_eq!(parse(&["--no-toc", "--toc"]), Some(Switch(true)));
        assert_eq!(parse(&[]), None);
    }

    #[test]
    fn set_is_applied_after_the_flags() {
        let argv = [
            "bindery",
            "build",
            "a.md",
            "--set",
            "pdf.paper=a5",
            "--paper",
            "letter",
        ];
        let Command::Build(args) = Cli::try_parse_from(argv).unwrap().command else {
            unreachable!("a build command line")
        };
        let layer = build_request(&args).unwrap().options;
        assert_eq!(layer.pdf.paper, Some(PaperSize::A5));
    }
}

//! The command line: clap types, converted into the library's plain options.
//! The only module that imports clap.

use bindery::doc::Dialect;
use bindery::pdf::{PaperSize, PdfOptions};
use bindery::project::Request;
use bindery::resource::{MissingPolicy, ResourceOptions};
use bindery::{BuildOptions, Format};
use clap::{Parser, Subcommand, ValueEnum};
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

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build EPUB and/or PDF files from Markdown inputs or a project folder.
    Build(BuildArgs),
    /// Check the inputs as `build` would, without writing anything.
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
#[derive(Debug, Clone, clap::Args)]
pub struct InputArgs {
    /// Markdown files or folders. Several files are the chapters of one book
    /// (or one book each with --each). None: the project in the current folder.
    pub paths: Vec<PathBuf>,
    /// Read inputs as this dialect instead of detecting it.
    #[arg(long, value_enum)]
    pub dialect: Option<DialectArg>,
    /// Fail (exit 3, nothing written) when there are warnings.
    #[arg(long, visible_alias = "deny-warnings")]
    pub strict: bool,
    /// Set a metadata field (title, subtitle, author, language, date, identifier,
    /// publisher, description, subjects, rights, series, series-index);
    /// overrides front matter. Several authors or subjects: separate with `;`.
    /// Repeatable.
    #[arg(long = "meta", value_name = "KEY=VALUE", value_parser = parse_key_value)]
    pub meta: Vec<(String, String)>,
    /// Allow images outside the project folder.
    #[arg(long)]
    pub allow_outside_root: bool,
    /// Read invalid UTF-8 with replacement characters (and a warning) instead of failing.
    #[arg(long)]
    pub lossy_utf8: bool,
    /// What to do with a missing or unusable image.
    #[arg(long, value_enum)]
    pub missing_images: Option<MissingArg>,
    /// Longest edge of images in the EPUB, in pixels (larger ones are downscaled).
    #[arg(long, value_name = "PIXELS")]
    pub epub_image_max: Option<u32>,
    /// Downsample PDF images above this resolution at their printed size.
    #[arg(long, value_name = "DPI")]
    pub pdf_image_max_dpi: Option<f64>,
    /// Warn about PDF images under this resolution at their printed size
    /// (default 300, or 150 with --profile screen).
    #[arg(long, value_name = "DPI")]
    pub pdf_min_dpi: Option<f64>,
    /// Output profile.
    #[arg(long, value_enum)]
    pub profile: Option<ProfileArg>,
    /// PDF page size: a4, a5, b5, letter, 5x8in, 5.5x8.5in, 6x9in or WxH with
    /// a unit (130x200mm). Default A4, or the project file's.
    #[arg(long, value_name = "SIZE", value_parser = parse_paper)]
    pub paper: Option<PaperSize>,
    /// PDF: start chapters on right-hand pages.
    #[arg(long)]
    pub recto_chapters: bool,
    /// PDF: add a table of contents with page numbers.
    #[arg(long)]
    pub toc: bool,
    /// PDF: ragged-right text instead of justified.
    #[arg(long)]
    pub ragged: bool,
    /// PDF: bleed around the trimmed page, with a unit (3mm, 0.125in).
    #[arg(long, value_name = "LENGTH", value_parser = parse_length)]
    pub bleed: Option<bindery::pdf::units::Abs>,
    /// PDF: draw crop marks outside the trimmed page.
    #[arg(long)]
    pub crop_marks: bool,
    /// PDF: a font file (TTF/OTF) for characters the bundled fonts lack. Repeatable.
    #[arg(long = "font", value_name = "FILE")]
    pub fonts: Vec<PathBuf>,
    /// PDF: margins as TOP,INNER,BOTTOM,OUTER with units (20mm,18mm,25mm,22mm).
    #[arg(long, value_name = "T,I,B,O", value_parser = parse_margins)]
    pub margins: Option<Margins>,
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
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// Formats to write, named from --name: epub, pdf or both (`-f epub,pdf`).
    #[arg(short = 'f', long = "formats", value_enum, value_delimiter = ',')]
    pub formats: Vec<FormatArg>,
    /// Output file name template without extension: {stem}, {title-slug}, {date}.
    #[arg(long, value_name = "TEMPLATE")]
    pub name: Option<String>,
    /// Every input becomes its own book, built in parallel.
    #[arg(long)]
    pub each: bool,
    /// Books built at once with --each (default: the number of cores).
    #[arg(short = 'j', long = "jobs", value_name = "N", default_value_t = 0)]
    pub jobs: usize,
    /// Rebuild when a source changes (until interrupted).
    #[arg(long)]
    pub watch: bool,
    /// EPUB: split chapters into separate files at headings of this level or higher.
    #[arg(long, value_name = "LEVEL", value_parser = clap::value_parser!(u8).range(1..=6))]
    pub split_level: Option<u8>,
    /// EPUB: levels in the table of contents (1: chapters only; default 2).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(1..=6))]
    pub toc_depth: Option<u8>,
    /// EPUB: add a printed table of contents page.
    #[arg(long)]
    pub toc_page: bool,
    /// EPUB: number footnotes from 1 in each chapter (default: through the book).
    #[arg(long)]
    pub notes_per_chapter: bool,
    /// EPUB: cover image (JPEG or PNG), or `auto` for a typographic cover.
    #[arg(long, value_name = "FILE|auto")]
    pub cover: Option<String>,
}

/// Arguments of `bindery check`.
#[derive(Debug, Clone, clap::Args)]
pub struct CheckArgs {
    /// What to read.
    #[command(flatten)]
    pub input: InputArgs,
    /// Check every input as its own book.
    #[arg(long)]
    pub each: bool,
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
    /// Read inputs as this dialect instead of detecting it.
    #[arg(long, value_enum)]
    pub dialect: Option<DialectArg>,
}

/// Arguments of `bindery completions`.
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `--dialect` values.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum DialectArg {
    /// The scraped magazine-article format.
    Article,
    /// CommonMark with GFM extensions.
    Commonmark,
}

/// `-f` values.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    /// EPUB 3.
    Epub,
    /// PDF.
    Pdf,
}

/// `--missing-images` values.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum MissingArg {
    /// A framed placeholder with the alt text.
    Placeholder,
    /// Leave the figure out.
    Drop,
    /// Fail the build.
    Error,
}

/// `--profile` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProfileArg {
    /// For print: images checked against 300 dpi.
    Print,
    /// For screens: images checked against 150 dpi.
    Screen,
}

fn parse_paper(s: &str) -> Result<PaperSize, String> {
    PaperSize::parse(s).ok_or_else(|| {
        format!("unknown page size `{s}` (a4, a5, b5, letter, 5x8in, 5.5x8.5in, 6x9in, or WxH with mm/cm/in/pt)")
    })
}

/// `--margins` value.
#[derive(Debug, Clone, Copy)]
pub struct Margins(pub [bindery::pdf::units::Abs; 4]);

fn parse_margins(s: &str) -> Result<Margins, String> {
    bindery::pdf::parse_margins(s).map(Margins).ok_or_else(|| {
        format!("`{s}` is not four lengths TOP,INNER,BOTTOM,OUTER (20mm,18mm,25mm,22mm)")
    })
}

fn parse_length(s: &str) -> Result<bindery::pdf::units::Abs, String> {
    bindery::pdf::units::Abs::parse(s)
        .ok_or_else(|| format!("`{s}` is not a length (use a unit: 3mm, 0.125in, 9pt)"))
}

fn parse_key_value(s: &str) -> Result<(String, String), String> {
    let (k, v) = s
        .split_once('=')
        .ok_or_else(|| format!("expected KEY=VALUE, got `{s}`"))?;
    Ok((k.trim().to_ascii_lowercase(), v.to_string()))
}

impl From<DialectArg> for Dialect {
    fn from(d: DialectArg) -> Dialect {
        match d {
            DialectArg::Article => Dialect::Article,
            DialectArg::Commonmark => Dialect::CommonMark,
        }
    }
}

/// The options every book shares, from the command line.
pub fn base_options(args: &InputArgs) -> BuildOptions {
    let images_given = args.missing_images.is_some()
        || args.epub_image_max.is_some()
        || args.pdf_image_max_dpi.is_some()
        || args.pdf_min_dpi.is_some()
        || args.profile.is_some();
    let defaults = ResourceOptions::default();
    let resources = ResourceOptions {
        allow_outside_root: args.allow_outside_root,
        missing: match args.missing_images {
            Some(MissingArg::Drop) => MissingPolicy::Drop,
            Some(MissingArg::Error) => MissingPolicy::Error,
            Some(MissingArg::Placeholder) | None => MissingPolicy::Placeholder,
        },
        epub_max_edge: args.epub_image_max.unwrap_or(defaults.epub_max_edge),
        pdf_max_dpi: args.pdf_image_max_dpi,
        pdf_min_dpi: args.pdf_min_dpi.unwrap_or(match args.profile {
            Some(ProfileArg::Screen) => 150.0,
            Some(ProfileArg::Print) | None => 300.0,
        }),
        ..defaults
    };
    BuildOptions {
        dialect: args.dialect.map(Dialect::from),
        meta: args.meta.clone(),
        resources: Some(resources),
        pdf: PdfOptions {
            paper: args.paper.unwrap_or_default(),
            recto_chapters: args.recto_chapters,
            toc: args.toc,
            ragged: args.ragged,
            bleed: args.bleed.unwrap_or_default(),
            crop_marks: args.crop_marks,
            fonts: args.fonts.clone(),
            margins: args.margins.map(|m| m.0),
        },
        paper_given: args.paper.is_some(),
        images_given,
        lossy_utf8: args.lossy_utf8,
        ..BuildOptions::default()
    }
}

/// Adds the EPUB options of `build` to the shared options.
pub fn epub_options(args: &BuildArgs, base: &mut BuildOptions) {
    use bindery::epub::Cover;
    if let Some(level) = args.split_level {
        base.epub.split_level = Some(level);
    }
    if let Some(depth) = args.toc_depth {
        base.epub.toc_depth = depth;
    }
    base.epub.toc_page |= args.toc_page;
    base.epub.notes_per_chapter |= args.notes_per_chapter;
    match args.cover.as_deref() {
        Some("auto") => base.epub.cover = Cover::Generated,
        Some(path) => base.epub.cover = Cover::Image(PathBuf::from(path)),
        None => {}
    }
}

/// The request `build` makes of the project planner.
pub fn request(args: &BuildArgs) -> Request {
    Request {
        paths: args.input.paths.clone(),
        outputs: args.outputs.clone(),
        out_dir: args.out_dir.clone(),
        formats: args
            .formats
            .iter()
            .map(|f| match f {
                FormatArg::Epub => Format::Epub,
                FormatArg::Pdf => Format::Pdf,
            })
            .collect(),
        name: args.name.clone(),
        each: args.each,
    }
}

//! The command line: clap types, converted into the library's plain options
//! (the command line's [`Layer`], over the project file and front matter).
//! The only module that imports clap.

use bindery::Format;
use bindery::options::{
    Count, CoverChoice, CslChoice, DialectChoice, Dpi, EpubLayer, FilePath, ImagesLayer, Layer,
    Level, List, Margins, OutputLayer, PdfLayer, Pixels, Profile, StyleLayer, Switch, Text, Value,
};
use bindery::pdf::{PaperSize, Standard, Stock, ThemeName};
use bindery::project::Request;
use bindery::resource::MissingPolicy;
use bindery::text::Abs;
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
    /// Make the print cover wrap (back, spine, front, bleed) for the book's
    /// interior: its spine is the interior's page count times the paper's
    /// thickness.
    #[command(after_help = SWITCHES_HELP)]
    Cover(CoverArgs),
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
    /// series-index, and for the front matter edition, printing, dedication,
    /// epigraph). Several authors or subjects: separate with `;`.
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
    /// What the PDF is for: print, screen, or a print service whose rules
    /// are checked: kdp, ingramspark.
    #[arg(long, value_name = "PROFILE", value_parser = value::<Profile>)]
    pub profile: Option<Profile>,
    /// PDF standard: none, x4 (PDF/X-4), x1a (PDF/X-1a:2003) or a2b (PDF/A-2b).
    #[arg(long, value_name = "STANDARD", value_parser = value::<Standard>)]
    pub pdf_standard: Option<Standard>,
    /// PDF: half-title, title and copyright pages (and dedication and
    /// epigraph) from the metadata; in the EPUB, title and copyright pages.
    #[arg(long, overrides_with = "no_front_matter")]
    pub front_matter: bool,
    #[arg(long, hide = true, overrides_with = "front_matter")]
    pub no_front_matter: bool,
    /// PDF design: book, report or magazine.
    #[arg(long, value_name = "THEME", value_parser = value::<ThemeName>)]
    pub theme: Option<ThemeName>,
    /// Paper: white or cream (the cover's spine width).
    #[arg(long, value_name = "STOCK", value_parser = value::<Stock>)]
    pub paper_stock: Option<Stock>,
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
    /// Use only the bundled fonts and --font files, never the installed
    /// ones (a hermetic build: the same output on any machine).
    #[arg(long, overrides_with = "system_fonts")]
    pub no_system_fonts: bool,
    #[arg(long, hide = true, overrides_with = "no_system_fonts")]
    pub system_fonts: bool,
    /// Keep straight quotes, `--` and `...` as written (by default they
    /// become the book language's quotation marks, dashes and ellipses).
    #[arg(long, overrides_with = "smart")]
    pub no_smart: bool,
    #[arg(long, hide = true, overrides_with = "no_smart")]
    pub smart: bool,
    /// PDF: margins as TOP,INNER,BOTTOM,OUTER with units (20mm,18mm,25mm,22mm).
    #[arg(long, value_name = "T,I,B,O", value_parser = value::<Margins>)]
    pub margins: Option<Margins>,
    /// A bibliography file (BibTeX/BibLaTeX .bib or hayagriva .yaml):
    /// `[@key]` becomes a citation. Repeatable; replaces the project file's list.
    #[arg(long = "bibliography", value_name = "FILE", value_parser = value::<FilePath>)]
    pub bibliography: Vec<FilePath>,
    /// The citation style: a name (apa, ieee, chicago-author-date…) or a .csl file.
    #[arg(long, value_name = "STYLE", value_parser = value::<CslChoice>)]
    pub csl: Option<CslChoice>,
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
    /// EPUB: number footnotes from 1 in each chapter (default: through the book).
    #[arg(long, overrides_with = "no_notes_per_chapter")]
    pub notes_per_chapter: bool,
    #[arg(long, hide = true, overrides_with = "notes_per_chapter")]
    pub no_notes_per_chapter: bool,
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

/// Arguments of `bindery cover`.
#[derive(Debug, Clone, clap::Args)]
pub struct CoverArgs {
    /// What to read (the interior).
    #[command(flatten)]
    pub input: InputArgs,
    /// The cover PDF to write.
    #[arg(short = 'o', long = "output", required = true)]
    pub output: PathBuf,
    /// The interior's page count (default: the interior laid out).
    #[arg(long, value_name = "N", value_parser = value::<Count>)]
    pub pages: Option<Count>,
    /// The front cover image (default: the EPUB cover image, if a file).
    #[arg(long, value_name = "FILE", value_parser = value::<FilePath>)]
    pub cover_image: Option<FilePath>,
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
        smart: switch(args.smart, args.no_smart),
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
            front_matter: switch(args.front_matter, args.no_front_matter),
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
            system_fonts: switch(args.system_fonts, args.no_system_fonts),
            margins: args.margins,
            standard: args.pdf_standard,
            front_matter: switch(args.front_matter, args.no_front_matter),
            stock: args.paper_stock,
            style: StyleLayer {
                theme: args.theme,
                ..StyleLayer::default()
            },
            ..PdfLayer::default()
        },
        bibliography: (!args.bibliography.is_empty()).then(|| List(args.bibliography.clone())),
        csl: args.csl.clone(),
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
    l.epub.notes_per_chapter = switch(args.notes_per_chapter, args.no_notes_per_chapter);
    l.epub.cover = args.cover.clone();
    l.epub.css = args.css.clone();
    apply_set(&args.input, &mut l)?;
    Ok(Request {
        paths: args.input.paths.clone(),
        outputs: args.outputs.clone(),
        options: l,
    })
}

/// The request `cover` makes: its inputs (the interior), its one output and
/// its layer of options.
pub fn cover_request(args: &CoverArgs) -> Result<Request, String> {
    let mut l = input_layer(&args.input)?;
    l.cover.pages = args.pages;
    l.cover.image = args.cover_image.clone();
    apply_set(&args.input, &mut l)?;
    Ok(Request {
        paths: args.input.paths.clone(),
        outputs: vec![args.output.clone()],
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
mod tests;

//! The command line: clap types, converted into the library's plain options.
//! The only module that imports clap.

use bindery::doc::Dialect;
use bindery::pdf::{PaperSize, PdfOptions};
use bindery::resource::MissingPolicy;
use bindery::{BuildOptions, Format, OutputSpec};
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Package Markdown documents into EPUB 3 ebooks and print-ready PDFs.
#[derive(Debug, Parser)]
#[command(name = "bindery", version, about, long_about = None)]
#[command(
    after_help = "Exit codes: 0 success, 1 a book failed, 2 usage error, 3 warnings with --strict"
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build EPUB and/or PDF files from Markdown inputs.
    Build(BuildArgs),
    /// Print the intermediate document tree (for debugging and tests).
    Dump(DumpArgs),
}

/// Arguments of `bindery build`.
#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    /// Markdown files or folders; several inputs become chapters in the given order.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Output file; the format comes from the extension (.epub or .pdf). Repeatable.
    #[arg(short = 'o', long = "output", required = true)]
    pub outputs: Vec<PathBuf>,
    /// Read inputs as this dialect instead of detecting it.
    #[arg(long, value_enum)]
    pub dialect: Option<DialectArg>,
    /// Fail (exit 3, no output written) when there are warnings.
    #[arg(long, visible_alias = "deny-warnings")]
    pub strict: bool,
    /// Paper size of the PDF.
    #[arg(long, value_enum, default_value = "a4")]
    pub paper: PaperArg,
    /// Set a metadata field (title, subtitle, author, language, date, identifier,
    /// publisher, description); overrides front matter. Repeatable.
    #[arg(long = "meta", value_name = "KEY=VALUE", value_parser = parse_key_value)]
    pub meta: Vec<(String, String)>,
    /// Allow images outside the folder of the first input.
    #[arg(long)]
    pub allow_outside_root: bool,
    /// What to do with a missing or unusable image.
    #[arg(long, value_enum, default_value = "placeholder")]
    pub missing_images: MissingArg,
    /// Longest edge of images in the EPUB, in pixels (larger ones are downscaled).
    #[arg(long, value_name = "PIXELS", default_value_t = 2048)]
    pub epub_image_max: u32,
    /// Downsample PDF images above this resolution at their printed size.
    #[arg(long, value_name = "DPI")]
    pub pdf_image_max_dpi: Option<f64>,
    /// Warn about PDF images under this resolution at their printed size
    /// (default 300, or 150 with --profile screen).
    #[arg(long, value_name = "DPI")]
    pub pdf_min_dpi: Option<f64>,
    /// Output profile: print (default) or screen.
    #[arg(long, value_enum, default_value = "print")]
    pub profile: ProfileArg,
    /// Print more: the dialect of each input and why.
    #[arg(short, long, conflicts_with = "quiet")]
    pub verbose: bool,
    /// Print only errors.
    #[arg(short, long)]
    pub quiet: bool,
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

/// `--dialect` values.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum DialectArg {
    /// The scraped magazine-article format.
    Article,
    /// CommonMark with GFM extensions.
    Commonmark,
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

/// `--paper` values.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PaperArg {
    /// 210 × 297 mm.
    A4,
    /// 8.5 × 11 in.
    Letter,
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

/// Converts `build` arguments into library options; a bad output name is a usage error.
pub fn build_options(args: &BuildArgs) -> Result<BuildOptions, String> {
    let mut outputs = Vec::new();
    for path in &args.outputs {
        let format = Format::from_path(path).ok_or_else(|| {
            format!(
                "cannot tell the format of {} (use a .epub or .pdf extension)",
                path.display()
            )
        })?;
        outputs.push(OutputSpec {
            path: path.clone(),
            format,
        });
    }
    let resources = Some(bindery::resource::ResourceOptions {
        root: bindery::project::default_root(&args.inputs),
        allow_outside_root: args.allow_outside_root,
        missing: match args.missing_images {
            MissingArg::Placeholder => MissingPolicy::Placeholder,
            MissingArg::Drop => MissingPolicy::Drop,
            MissingArg::Error => MissingPolicy::Error,
        },
        epub_max_edge: args.epub_image_max,
        pdf_max_dpi: args.pdf_image_max_dpi,
        pdf_min_dpi: args.pdf_min_dpi.unwrap_or(match args.profile {
            ProfileArg::Print => 300.0,
            ProfileArg::Screen => 150.0,
        }),
        ..Default::default()
    });
    Ok(BuildOptions {
        inputs: args.inputs.clone(),
        outputs,
        dialect: args.dialect.map(Dialect::from),
        meta: args.meta.clone(),
        resources,
        epub: Default::default(),
        pdf: PdfOptions {
            paper: match args.paper {
                PaperArg::A4 => PaperSize::A4,
                PaperArg::Letter => PaperSize::Letter,
            },
        },
    })
}

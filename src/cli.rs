//! The command line: clap types, converted into the library's plain options.
//! The only module that imports clap.

use bindery::doc::Dialect;
use bindery::pdf::{PaperSize, PdfOptions};
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
    let resources = args
        .allow_outside_root
        .then(|| bindery::resource::ResourceOptions {
            root: bindery::project::default_root(&args.inputs),
            allow_outside_root: true,
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

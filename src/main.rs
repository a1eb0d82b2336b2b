//! The `bindery` binary: parses the command line, runs the library, prints
//! diagnostics and writes outputs atomically. Exit codes: 0 success, 1 a book
//! failed, 2 usage error, 3 warnings with `--strict`.

mod cli;

use bindery::diag::Error;
use clap::Parser;
use std::process::ExitCode;

const EXIT_FAILED: u8 = 1;
const EXIT_USAGE: u8 = 2;
const EXIT_STRICT: u8 = 3;

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("error: internal error{place} (this is a bug in bindery)");
        eprintln!("hint: please report it with the input that caused it");
    }));
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = std::panic::catch_unwind(|| run(cli));
    match result {
        Ok(code) => ExitCode::from(code),
        Err(_) => ExitCode::from(101),
    }
}

fn run(cli: cli::Cli) -> u8 {
    match cli.command {
        cli::Command::Build(args) => build(&args),
        cli::Command::Dump(args) => dump(&args),
    }
}

fn build(args: &cli::BuildArgs) -> u8 {
    let options = match cli::build_options(args) {
        Ok(o) => o,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_USAGE;
        }
    };
    if let Some(code) = refuse_bad_outputs(&options) {
        return code;
    }
    let (report, result) = bindery::build(&options);
    if args.verbose {
        for file in &report.files {
            eprintln!(
                "{}: {} dialect ({})",
                file.path.display(),
                file.dialect.name(),
                file.reason
            );
        }
    }
    if args.verbose {
        for image in &report.images {
            eprintln!("{}", image_line(image));
        }
    }
    for d in report.diagnostics.iter() {
        if args.quiet && d.severity == bindery::diag::Severity::Warning {
            continue;
        }
        eprintln!("{}", d.render(&report.sources));
    }
    let outputs = match result {
        Ok(outputs) => outputs,
        Err(e) => {
            print_error(&e);
            return exit_code(&e);
        }
    };
    let warnings = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == bindery::diag::Severity::Warning)
        .count();
    if args.strict && warnings > 0 {
        print_error(&Error::Strict { count: warnings });
        eprintln!("hint: no output was written");
        return EXIT_STRICT;
    }
    for output in &outputs {
        if let Err(e) = bindery::output::write_atomic(&output.spec.path, &output.bytes) {
            print_error(&e);
            return EXIT_FAILED;
        }
        if !args.quiet {
            eprintln!(
                "wrote {} ({})",
                output.spec.path.display(),
                human_size(output.bytes.len())
            );
        }
    }
    0
}

/// Refuses outputs that are folders or inputs, before any work is done.
fn refuse_bad_outputs(options: &bindery::BuildOptions) -> Option<u8> {
    let inputs: Vec<_> = options
        .inputs
        .iter()
        .filter_map(|p| p.canonicalize().ok())
        .collect();
    for spec in &options.outputs {
        if spec.path.is_dir() {
            eprintln!("error: output {} is a folder", spec.path.display());
            return Some(EXIT_USAGE);
        }
        if let Ok(real) = spec.path.canonicalize()
            && inputs.contains(&real)
        {
            eprintln!("error: output {} is also an input", spec.path.display());
            return Some(EXIT_USAGE);
        }
    }
    None
}

fn dump(args: &cli::DumpArgs) -> u8 {
    let options = bindery::BuildOptions {
        inputs: args.inputs.clone(),
        dialect: args.dialect.map(Into::into),
        ..Default::default()
    };
    let mut report = bindery::Report::default();
    match bindery::load(&options, &mut report) {
        Ok(doc) => {
            for d in report.diagnostics.iter() {
                eprintln!("{}", d.render(&report.sources));
            }
            print!("{}", bindery::doc::dump(&doc));
            0
        }
        Err(e) => {
            print_error(&e);
            exit_code(&e)
        }
    }
}

fn print_error(e: &Error) {
    eprintln!("error: {e}");
}

fn exit_code(e: &Error) -> u8 {
    match e {
        Error::Usage(_) => EXIT_USAGE,
        Error::Strict { .. } => EXIT_STRICT,
        _ => EXIT_FAILED,
    }
}

/// One line of the image report: source, what each target got, sizes.
fn image_line(r: &bindery::doc::ImageReport) -> String {
    let mut parts = vec![format!(
        "image {} ({})",
        r.source,
        human_size(r.bytes_before as usize)
    )];
    if let Some(epub) = &r.epub {
        parts.push(format!(
            "epub: {epub} ({})",
            human_size(r.epub_bytes.unwrap_or(0) as usize)
        ));
    }
    if let Some(pdf) = &r.pdf {
        parts.push(format!(
            "pdf: {pdf} ({})",
            human_size(r.pdf_bytes.unwrap_or(0) as usize)
        ));
    }
    if r.epub.is_none() && r.pdf.is_none() {
        parts.push("not used".into());
    }
    parts.join("; ")
}

fn human_size(bytes: usize) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{:.1} KB", bytes as f64 / 1024.0)
    }
}

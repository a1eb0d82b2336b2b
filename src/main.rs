//! The `bindery` binary: parses the command line, runs the library, prints
//! diagnostics and reports, and writes outputs atomically.
//!
//! Exit codes: 0 success, 1 a book failed, 2 usage error, 3 warnings with
//! `--strict`, 101 internal error.

mod cli;
mod report;

use bindery::diag::Error;
use bindery::project::{Plan, PlanError};
use clap::{CommandFactory, Parser};
use std::io::IsTerminal;
use std::process::ExitCode;

// Layout and page encoding allocate many small objects on both cores at
// once; mimalloc does this about twice as fast as the system allocator.
// (Built without transparent huge pages: a short run touches little of each
// 2 MB page, and zeroing them cost more than it saved.)
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (the same number in its v2 and v3).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// A build is short-lived: memory freed mid-run is kept for reuse instead of
/// being returned to the system and faulted in (and zeroed) again, which
/// cost up to a third of a PDF build's time in system calls.
fn keep_freed_memory() {
    // SAFETY: sets an allocator option, a plain integer; mimalloc allows
    // options to change at any time.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
}

const EXIT_OK: u8 = 0;
const EXIT_FAILED: u8 = 1;
const EXIT_USAGE: u8 = 2;
const EXIT_STRICT: u8 = 3;
const EXIT_INTERNAL: u8 = 101;

fn main() -> ExitCode {
    keep_freed_memory();
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
            let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match std::panic::catch_unwind(|| run(cli)) {
        Ok(code) => ExitCode::from(code),
        Err(_) => ExitCode::from(EXIT_INTERNAL),
    }
}

fn run(cli: cli::Cli) -> u8 {
    match cli.command {
        cli::Command::Build(args) => build(&args),
        cli::Command::Check(args) => check(&args),
        cli::Command::Cover(args) => cover(&args),
        cli::Command::Init(args) => init(&args),
        cli::Command::Dump(args) => dump(&args),
        cli::Command::Completions(args) => {
            let mut cmd = cli::Cli::command();
            clap_complete::generate(args.shell, &mut cmd, "bindery", &mut std::io::stdout());
            EXIT_OK
        }
        cli::Command::Man => {
            let man = clap_mangen::Man::new(cli::Cli::command());
            match man.render(&mut std::io::stdout()) {
                Ok(()) => EXIT_OK,
                Err(e) => {
                    eprintln!("error: cannot write the man page ({e})");
                    EXIT_FAILED
                }
            }
        }
    }
}

/// Makes the plan, printing a planning error the usual way.
fn plan(request: &bindery::project::Request) -> Result<Plan, u8> {
    match bindery::project::plan(request) {
        Ok(plan) => Ok(plan),
        Err(PlanError::Config(d, sources)) => {
            eprintln!("{}", d.render(&sources));
            Err(EXIT_USAGE)
        }
        Err(PlanError::Other(e)) => {
            eprintln!("error: {e}");
            Err(exit_code(&e))
        }
    }
}

/// The request the command line makes, planned and its outputs checked;
/// or the exit code of the first thing wrong.
fn planned(
    request: Result<bindery::project::Request, String>,
) -> Result<(bindery::project::Request, Plan), u8> {
    let request = request.map_err(|message| {
        eprintln!("error: {message}");
        EXIT_USAGE
    })?;
    let plan = plan(&request)?;
    if let Some(code) = refuse_bad_outputs(&plan) {
        return Err(code);
    }
    Ok((request, plan))
}

fn build(args: &cli::BuildArgs) -> u8 {
    let (request, plan) = match planned(cli::build_request(args)) {
        Ok(planned) => planned,
        Err(code) => return code,
    };
    let (code, reads) = build_plan_reading(args, &plan);
    if !args.watch {
        return code;
    }
    watch(args, &request, plan, reads)
}

/// Builds every book of the plan, writes the outputs, prints the report;
/// returns the exit code and the files the books
/// read besides their sources (images, stylesheet, cover, fonts).
fn build_plan_reading(args: &cli::BuildArgs, plan: &Plan) -> (u8, Vec<std::path::PathBuf>) {
    let input = &args.input;
    let started = std::time::Instant::now();
    let progress = progress_bar(input, plan.books.len());
    let on_done = || {
        if let Some(bar) = &progress {
            bar.inc(1);
        }
    };
    let results = bindery::build_all_with(&plan.books, args.jobs, &on_done);
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    let mut printer = report::Printer::new(input.json, input.quiet, input.verbose);
    let mut tally = Tally::default();
    let mut reads = Vec::new();
    for (book, result) in plan.books.iter().zip(results) {
        reads.extend(result.report.reads.iter().cloned());
        let outcome = result
            .result
            .and_then(|mut outputs| write_outputs(&mut outputs).map(|()| outputs));
        tally.count(&outcome);
        let name = report::output_names(book, &result.report);
        printer.book(&name, book, &result.report, &outcome, result.duration);
    }
    printer.summary(
        plan.books.len(),
        tally.failed,
        tally.refused,
        started.elapsed(),
    );
    (tally.code(), reads)
}

/// Makes the print cover wrap of each book of the plan (one output each).
fn cover(args: &cli::CoverArgs) -> u8 {
    let (_, plan) = match planned(cli::cover_request(args)) {
        Ok(planned) => planned,
        Err(code) => return code,
    };
    let input = &args.input;
    let started = std::time::Instant::now();
    let mut printer = report::Printer::new(input.json, input.quiet, input.verbose);
    let mut tally = Tally::default();
    for book in &plan.books {
        let book_started = std::time::Instant::now();
        let (report, result) = bindery::cover(book);
        let outcome = result.and_then(|mut outputs| write_outputs(&mut outputs).map(|()| outputs));
        tally.count(&outcome);
        let name = report::output_names(book, &report);
        printer.book(&name, book, &report, &outcome, book_started.elapsed());
    }
    printer.summary(
        plan.books.len(),
        tally.failed,
        tally.refused,
        started.elapsed(),
    );
    tally.code()
}

/// How the books of a run ended.
#[derive(Default)]
struct Tally {
    /// Books that failed.
    failed: usize,
    /// Books refused for warnings under `strict`.
    refused: usize,
}

impl Tally {
    fn count<T>(&mut self, outcome: &Result<T, Error>) {
        match outcome {
            Ok(_) => {}
            Err(Error::Strict { .. }) => self.refused += 1,
            Err(_) => self.failed += 1,
        }
    }

    /// The exit code: any failed book wins over books refused for warnings.
    fn code(&self) -> u8 {
        if self.failed > 0 {
            EXIT_FAILED
        } else if self.refused > 0 {
            EXIT_STRICT
        } else {
            EXIT_OK
        }
    }
}

fn write_outputs(outputs: &mut [bindery::Output]) -> Result<(), Error> {
    for output in outputs {
        output.commit()?;
    }
    Ok(())
}

/// A progress bar on stderr, only for several books on a terminal outside CI.
fn progress_bar(input: &cli::InputArgs, books: usize) -> Option<indicatif::ProgressBar> {
    let ci = std::env::var_os("CI").is_some();
    if books < 2 || input.quiet || input.json || ci || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(books as u64);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} books {elapsed}")
    {
        bar.set_style(style);
    }
    Some(bar)
}

/// Refuses outputs that are folders or inputs, before any work is done.
fn refuse_bad_outputs(plan: &Plan) -> Option<u8> {
    for book in &plan.books {
        let inputs: Vec<_> = book
            .inputs
            .iter()
            .filter_map(|p| p.canonicalize().ok())
            .collect();
        for spec in &book.outputs {
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
    }
    None
}

/// Rebuilds whenever an input, the project file or a file a build read
/// (an image, the stylesheet, the cover, a font file) changes; never returns
/// unless the plan cannot be made any more. Each rebuild plans again (the
/// project file is read again), resolves every book's options afresh and
/// reads its fonts again.
fn watch(
    args: &cli::BuildArgs,
    request: &bindery::project::Request,
    mut plan: Plan,
    mut reads: Vec<std::path::PathBuf>,
) -> u8 {
    use std::time::{Duration, SystemTime};
    let stamp = |plan: &Plan, reads: &[std::path::PathBuf]| -> Vec<Option<SystemTime>> {
        let mut files: Vec<std::path::PathBuf> = plan
            .books
            .iter()
            .flat_map(|b| bindery::project::expand_inputs(&b.inputs).unwrap_or_default())
            .collect();
        files.extend(plan.project_file.clone());
        files.extend(reads.iter().cloned());
        files
            .iter()
            .map(|f| std::fs::metadata(f).and_then(|m| m.modified()).ok())
            .collect()
    };
    if !args.input.quiet && !args.input.json {
        eprintln!("watching for changes (press Ctrl-C to stop)");
    }
    let mut last = stamp(&plan, &reads);
    loop {
        std::thread::sleep(Duration::from_millis(300));
        let now = stamp(&plan, &reads);
        if now == last {
            continue;
        }
        // Debounce: wait until the files stop changing.
        let mut settled = now;
        loop {
            std::thread::sleep(Duration::from_millis(200));
            let again = stamp(&plan, &reads);
            if again == settled {
                break;
            }
            settled = again;
        }
        match bindery::project::plan(request) {
            Ok(p) => plan = p,
            Err(PlanError::Config(d, sources)) => eprintln!("{}", d.render(&sources)),
            Err(PlanError::Other(e)) => eprintln!("error: {e}"),
        }
        reads = build_plan_reading(args, &plan).1;
        last = stamp(&plan, &reads);
    }
}

fn check(args: &cli::CheckArgs) -> u8 {
    let request = match cli::check_request(args) {
        Ok(request) => request,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_USAGE;
        }
    };
    let plan = match plan(&request) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let started = std::time::Instant::now();
    let mut printer = report::Printer::new(args.input.json, args.input.quiet, args.input.verbose);
    let mut tally = Tally::default();
    for book in &plan.books {
        let t = std::time::Instant::now();
        let (r, result) = bindery::check(book);
        let outcome = result.map(|()| Vec::new());
        tally.count(&outcome);
        let name = report::input_names(book);
        printer.book(&name, book, &r, &outcome, t.elapsed());
    }
    printer.summary(
        plan.books.len(),
        tally.failed,
        tally.refused,
        started.elapsed(),
    );
    tally.code()
}

fn init(args: &cli::InitArgs) -> u8 {
    let dir = args.dir.clone().unwrap_or_else(|| ".".into());
    let config = dir.join(bindery::config::FILE_NAME);
    if config.exists() {
        eprintln!("error: {} already exists", config.display());
        eprintln!("hint: edit it, or run `bindery init` in another folder");
        return EXIT_USAGE;
    }
    let chapters = dir.join("chapters");
    let result = std::fs::create_dir_all(&chapters)
        .map_err(|source| Error::Write {
            path: chapters.clone(),
            source,
        })
        .and_then(|()| bindery::output::write_atomic(&config, bindery::config::STARTER.as_bytes()))
        .and_then(|()| {
            let first = chapters.join("01-first-chapter.md");
            if first.exists() {
                Ok(())
            } else {
                bindery::output::write_atomic(&first, bindery::config::STARTER_CHAPTER.as_bytes())
            }
        });
    match result {
        Ok(()) => {
            eprintln!(
                "wrote {} and {}",
                config.display(),
                chapters.join("01-first-chapter.md").display()
            );
            eprintln!("hint: run `bindery build {}` to build it", dir.display());
            EXIT_OK
        }
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_FAILED
        }
    }
}

fn dump(args: &cli::DumpArgs) -> u8 {
    let options = bindery::BuildOptions {
        inputs: args.inputs.clone(),
        overrides: bindery::options::Layer {
            dialect: args.dialect,
            ..Default::default()
        },
        ..Default::default()
    };
    let mut report = bindery::Report::default();
    match bindery::load(&options, &mut report) {
        Ok(book) => {
            for d in report.diagnostics.iter() {
                eprintln!("{}", d.render(&report.sources));
            }
            print!("{}", bindery::doc::dump(&book.doc));
            EXIT_OK
        }
        Err(e) => {
            eprintln!("error: {e}");
            exit_code(&e)
        }
    }
}

fn exit_code(e: &Error) -> u8 {
    match e {
        Error::Usage(_) => EXIT_USAGE,
        Error::Strict { .. } => EXIT_STRICT,
        _ => EXIT_FAILED,
    }
}

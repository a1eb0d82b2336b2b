//! What the binary prints: human lines on stderr, or JSON objects on stdout.

use bindery::diag::{Error, Severity};
use bindery::{BuildOptions, Output, Report};
use serde_json::{Value, json};
use std::time::Duration;

/// Prints book results as they come, then a summary.
pub struct Printer {
    json: bool,
    quiet: bool,
    verbose: bool,
    warnings: usize,
}

impl Printer {
    /// A printer for the chosen output style.
    pub fn new(json: bool, quiet: bool, verbose: bool) -> Printer {
        Printer {
            json,
            quiet,
            verbose,
            warnings: 0,
        }
    }

    /// Reports one book; `subject` names it in a failure (`cannot build
    /// out.pdf`).
    pub fn book(
        &mut self,
        subject: &str,
        book: &BuildOptions,
        report: &Report,
        outcome: &Result<Vec<Output>, Error>,
        duration: Duration,
    ) {
        self.warnings += report
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count();
        if self.json {
            println!("{}", book_json(subject, book, report, outcome, duration));
            return;
        }
        if self.verbose {
            for file in &report.files {
                eprintln!(
                    "{}: {} dialect ({})",
                    file.path.display(),
                    file.dialect.name(),
                    file.reason
                );
            }
            for image in &report.images {
                eprintln!("{}", image_line(image));
            }
            for font in &report.fonts {
                eprintln!("font: {} ({}) from {}", font.family, font.name, font.file);
            }
            for note in report.diagnostics.notes() {
                eprintln!("note: {note}");
            }
        }
        for d in report.diagnostics.iter() {
            if self.quiet && d.severity == Severity::Warning {
                continue;
            }
            eprintln!("{}", d.render(&report.sources));
        }
        match outcome {
            Ok(outputs) => {
                if !self.quiet {
                    for output in outputs {
                        let pages = output
                            .pages
                            .map(|n| format!(", {n} page{}", if n == 1 { "" } else { "s" }))
                            .unwrap_or_default();
                        eprintln!(
                            "wrote {} ({}{pages})",
                            output.spec.path.display(),
                            human_size(output.file.len() as usize)
                        );
                    }
                }
            }
            Err(e @ Error::Strict { .. }) => {
                eprintln!("error: {e}");
                eprintln!("hint: no output was written");
            }
            Err(e) => eprintln!("error: {}", failure(subject, e)),
        }
    }

    /// Reports the totals.
    pub fn summary(&self, books: usize, failed: usize, strict: usize, duration: Duration) {
        if self.json {
            println!(
                "{}",
                json!({
                    "type": "summary",
                    "books": books,
                    "succeeded": books - failed - strict,
                    "failed": failed,
                    "failed_strict": strict,
                    "warnings": self.warnings,
                    "duration_ms": duration.as_millis() as u64,
                })
            );
            return;
        }
        if self.quiet {
            return;
        }
        let noun = if books == 1 { "book" } else { "books" };
        let mut parts = vec![format!("{books} {noun}")];
        if failed > 0 {
            parts.push(format!("{failed} failed"));
        }
        if strict > 0 {
            parts.push(format!("{strict} refused for warnings"));
        }
        parts.push(format!(
            "{} warning{}",
            self.warnings,
            if self.warnings == 1 { "" } else { "s" }
        ));
        eprintln!("{} in {:.2} s", parts.join(", "), duration.as_secs_f64());
    }
}

/// The line that says why a book failed: errors that name their file say
/// it themselves (`cannot write out.pdf (no space left on device)`), the
/// others follow the book's name.
fn failure(subject: &str, e: &Error) -> String {
    match e {
        Error::Read { .. } | Error::Utf8 { .. } | Error::Write { .. } | Error::Strict { .. } => {
            e.to_string()
        }
        _ => format!("{subject} ({e})"),
    }
}

/// A book named by its outputs (`cannot build out.epub and out.pdf`), with
/// their templates filled in once the library could.
pub fn output_names(book: &BuildOptions, report: &Report) -> String {
    let paths: Vec<String> = if report.outputs.is_empty() {
        book.outputs
            .iter()
            .map(|o| o.path.display().to_string())
            .collect()
    } else {
        report
            .outputs
            .iter()
            .map(|o| o.path.display().to_string())
            .collect()
    };
    format!("cannot build {}", and_list(&paths))
}

/// A checked book named by its first input (`cannot check a.md and 19 more
/// files`): an archive's book may have thousands.
pub fn input_names(book: &BuildOptions) -> String {
    let first = book
        .inputs
        .first()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    match book.inputs.len() {
        0 | 1 => format!("cannot check {first}"),
        2 => format!("cannot check {first} and 1 more file"),
        n => format!("cannot check {first} and {} more files", n - 1),
    }
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn book_json(
    subject: &str,
    book: &BuildOptions,
    report: &Report,
    outcome: &Result<Vec<Output>, Error>,
    duration: Duration,
) -> Value {
    let diagnostics: Vec<Value> = report
        .diagnostics
        .iter()
        .map(|d| {
            let (file, line, column) = match d.span {
                Some(span) => {
                    let f = report.sources.get(span.file);
                    let (l, c) = f.line_col(span.start);
                    (Some(f.path.display().to_string()), Some(l), Some(c))
                }
                None => (None, None, None),
            };
            json!({
                "severity": d.severity.to_string(),
                "file": file,
                "line": line,
                "column": column,
                "message": d.message,
                "hints": d.hints,
            })
        })
        .collect();
    let (status, error, outputs) = match outcome {
        Ok(outputs) => ("ok", Value::Null, outputs.iter().map(output_json).collect()),
        Err(e @ Error::Strict { .. }) => ("refused", json!(e.to_string()), Vec::new()),
        Err(e) => ("failed", json!(failure(subject, e)), Vec::new()),
    };
    let images: Vec<Value> = report
        .images
        .iter()
        .map(|r| {
            json!({
                "source": r.source,
                "bytes_before": r.bytes_before,
                "epub": r.epub,
                "epub_bytes": r.epub_bytes,
                "pdf": r.pdf,
                "pdf_bytes": r.pdf_bytes,
                "warnings": r.warnings,
            })
        })
        .collect();
    json!({
        "type": "book",
        "inputs": book.inputs.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
        "status": status,
        "error": error,
        "outputs": outputs,
        "diagnostics": diagnostics,
        "images": images,
        "fonts": report
            .fonts
            .iter()
            .map(|f| json!({"family": f.family, "name": f.name, "file": f.file, "index": f.index}))
            .collect::<Vec<_>>(),
        "duration_ms": duration.as_millis() as u64,
    })
}

fn output_json(output: &Output) -> Value {
    let sha = output.file.sha256().unwrap_or_default();
    json!({
        "path": output.spec.path.display().to_string(),
        "format": match output.spec.format {
            bindery::Format::Epub => "epub",
            bindery::Format::Pdf => "pdf",
        },
        "bytes": output.file.len(),
        "sha256": sha,
        "pages": output.pages,
    })
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

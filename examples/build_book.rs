//! Using bindery as a library: build the seed article into an EPUB and a PDF
//! in memory, print the diagnostics, and write the files atomically.
//!
//! Run with `cargo run --example build_book -- OUT_DIR` (default: `target/example`).

use bindery::{BuildOptions, Format, OutputSpec};
use std::path::PathBuf;

fn main() {
    let out_dir = std::env::args()
        .nth(1)
        .map_or_else(|| PathBuf::from("target/example"), PathBuf::from);
    std::fs::create_dir_all(&out_dir).expect("create the output folder");
    let mut options = BuildOptions {
        inputs: vec![PathBuf::from("seeds/xi-putin.md")],
        outputs: vec![
            OutputSpec {
                path: out_dir.join("xi-putin.epub"),
                format: Format::Epub,
            },
            OutputSpec {
                path: out_dir.join("xi-putin.pdf"),
                format: Format::Pdf,
            },
        ],
        ..BuildOptions::default()
    };
    // Options given here override the project file and front matter, as the
    // command line does (`--meta language=en`, `--set pdf.paper=a5`).
    options
        .overrides
        .set_metadata("language", "en")
        .expect("a known key");
    let (report, result) = bindery::build(&options);
    for diagnostic in report.diagnostics.iter() {
        eprintln!("{}", diagnostic.render(&report.sources));
    }
    match result {
        Ok(outputs) => {
            for mut output in outputs {
                output.commit().expect("write the output");
                println!(
                    "wrote {} ({} bytes)",
                    output.spec.path.display(),
                    output.file.len()
                );
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}

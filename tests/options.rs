//! The layers of options end to end, through the binary and real outputs:
//! one regression test per bug of the old ad-hoc merge, the front matter as
//! a layer, and errors in the user's words with file and line.

mod common;

use std::io::Read;
use std::path::Path;
use std::process::{Command, Output};

/// Runs bindery in `dir`.
fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bindery"))
        .args(args)
        .current_dir(dir)
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("run bindery")
}

fn ok(out: &Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    stderr
}

fn write(path: &Path, text: &str) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).unwrap();
    }
    std::fs::write(path, text).unwrap();
}

/// A file of an EPUB, by the end of its name.
fn epub_entry(epub: &Path, suffix: &str) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(epub).unwrap()).unwrap();
    let name = (0..zip.len())
        .map(|i| zip.by_index(i).unwrap().name().unwrap().to_string())
        .find(|n| n.ends_with(suffix))
        .unwrap_or_else(|| panic!("no {suffix} in {}", epub.display()));
    let mut bytes = Vec::new();
    zip.by_name(&name).unwrap().read_to_end(&mut bytes).unwrap();
    bytes
}

/// Width and height of a PDF's first page, in whole points, and its number of pages.
fn pdf_pages(pdf: &Path) -> ((i64, i64), usize) {
    let doc = lopdf::Document::load(pdf).unwrap();
    let pages = doc.get_pages();
    let first = doc.get_dictionary(pages[&1]).unwrap();
    let boxed = first.get(b"MediaBox").unwrap().as_array().unwrap();
    let n = |i: usize| boxed[i].as_float().unwrap().round() as i64;
    ((n(2) - n(0), n(3) - n(1)), pages.len())
}

const CHAPTER: &str = "# One\n\nText.\n\n## Two\n\nMore.\n\n### Three\n\nMost.\n";

#[test]
fn toc_depth_on_the_command_line_beats_the_project_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        &d.join("bindery.toml"),
        "[metadata]\nlanguage = \"en\"\n[epub]\ntoc_depth = 1\n",
    );
    write(&d.join("a.md"), CHAPTER);
    ok(&run_in(d, &["build", ".", "-o", "project.epub"]));
    ok(&run_in(
        d,
        &["build", ".", "-o", "cli.epub", "--toc-depth", "3"],
    ));
    let nav = |f: &str| String::from_utf8(epub_entry(&d.join(f), "nav.xhtml")).unwrap();
    assert!(
        !nav("project.epub").contains("#two"),
        "toc_depth = 1 lists chapters only"
    );
    let cli = nav("cli.epub");
    assert!(cli.contains("#two") && cli.contains("#three"), "{cli}");
}

#[test]
fn one_image_option_on_the_command_line_keeps_the_project_files_others() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(
        common::seed("images/20230325_IRD001.jpg"),
        d.join("photo.jpg"),
    )
    .unwrap();
    write(
        &d.join("bindery.toml"),
        "[metadata]\nlanguage = \"en\"\n[epub]\nimage_max = 64\n[images]\nmissing = \"error\"\n",
    );
    write(&d.join("a.md"), "# A\n\n![A photo](photo.jpg)\n");
    // Another image option given: the project file's image_max still holds.
    ok(&run_in(
        d,
        &["build", ".", "-o", "a.epub", "--pdf-min-dpi", "10"],
    ));
    let bytes = epub_entry(&d.join("a.epub"), ".jpg");
    let image = image::load_from_memory(&bytes).unwrap();
    assert!(
        image.width().max(image.height()) <= 64,
        "{}x{}",
        image.width(),
        image.height()
    );
    // ...and so does its missing-image policy: a missing image is an error.
    write(&d.join("a.md"), "# A\n\n![Gone](gone.png)\n");
    let out = run_in(
        d,
        &["build", ".", "-o", "b.epub", "--epub-image-max", "100"],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("a.md:3:1: error: image not found (gone.png)"),
        "{stderr}"
    );
}

#[test]
fn paper_comes_from_the_latest_layer_that_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        &d.join("book/bindery.toml"),
        "[metadata]\nlanguage = \"en\"\n[pdf]\npaper = \"a5\"\n",
    );
    write(&d.join("book/a.md"), CHAPTER);
    ok(&run_in(d, &["build", "book", "-o", "project.pdf", "--toc"]));
    assert_eq!(
        pdf_pages(&d.join("project.pdf")).0,
        (420, 595),
        "A5 from the project file"
    );
    // Another PDF option on the command line does not bring A4 back.
    ok(&run_in(
        d,
        &["build", "book", "-o", "other.pdf", "--ragged"],
    ));
    assert_eq!(pdf_pages(&d.join("other.pdf")).0, (420, 595));
    // Front matter over the project file, the command line over both.
    write(
        &d.join("book/a.md"),
        &format!("---\npdf:\n  paper: letter\n---\n{CHAPTER}"),
    );
    ok(&run_in(d, &["build", "book", "-o", "front.pdf"]));
    assert_eq!(pdf_pages(&d.join("front.pdf")).0, (612, 792));
    ok(&run_in(
        d,
        &["build", "book", "-o", "cli.pdf", "--paper", "6x9in"],
    ));
    assert_eq!(pdf_pages(&d.join("cli.pdf")).0, (432, 648));
}

#[test]
fn no_flags_switch_off_what_the_project_file_switches_on() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        &d.join("bindery.toml"),
        "strict = true\n[metadata]\nlanguage = \"en\"\n[pdf]\ntoc = true\n[images]\nallow_outside_root = true\n",
    );
    std::fs::copy(
        common::seed("images/20230325_IRC420.png"),
        d.join("outside.png"),
    )
    .unwrap();
    write(
        &d.join("book/a.md"),
        &format!("{CHAPTER}\n![Outside](../outside.png){{width=60%}}\n"),
    );
    std::fs::rename(d.join("bindery.toml"), d.join("book/bindery.toml")).unwrap();

    // As the project file says: a contents page, the outside image taken.
    ok(&run_in(d, &["build", "book", "-o", "on.pdf"]));
    // Switched off on the command line: no contents page, and the image
    // is refused with a warning, which `strict` would make a failure...
    let out = run_in(
        d,
        &[
            "build",
            "book",
            "-o",
            "off.pdf",
            "--no-toc",
            "--no-allow-outside-root",
        ],
    );
    assert_eq!(out.status.code(), Some(3), "strict from the project file");
    assert!(String::from_utf8_lossy(&out.stderr).contains("outside the project folder"));
    assert!(!d.join("off.pdf").exists());
    // ...unless it is switched off too.
    let stderr = ok(&run_in(
        d,
        &[
            "build",
            "book",
            "-o",
            "off.pdf",
            "--no-toc",
            "--no-allow-outside-root",
            "--no-strict",
        ],
    ));
    assert!(stderr.contains("warning"), "{stderr}");
    let (_, on) = pdf_pages(&d.join("on.pdf"));
    let (_, off) = pdf_pages(&d.join("off.pdf"));
    assert!(
        on > off,
        "the contents page is gone: {on} pages, then {off}"
    );
}

#[test]
fn front_matter_options_are_checked_like_the_project_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        &d.join("a.md"),
        "---\nlanguage: en\npdf:\n  paper: a9\n---\n# A\n",
    );
    let out = run_in(d, &["build", "a.md", "-o", "a.pdf"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let message = "unknown page size `a9` (a4, a5, b5, letter, 5x8in, 5.5x8.5in, 6x9in, or WxH with mm/cm/in/pt)";
    assert!(
        stderr.contains(&format!("a.md:4:10: error: {message}")),
        "{stderr}"
    );
    // The same words from the project file and the command line.
    write(&d.join("b/bindery.toml"), "[pdf]\npaper = \"a9\"\n");
    write(&d.join("b/b.md"), "# B\n");
    let out = run_in(d, &["build", "b", "-o", "b.pdf"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "b/bindery.toml:2:9: error: invalid project file ({message})"
        )),
        "{stderr}"
    );
    let out = run_in(d, &["build", "b", "-o", "b.pdf", "--set", "pdf.paper=a9"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains(message));
    // Wrong types and unknown keys: no serde words.
    write(
        &d.join("c.md"),
        "---\nepub:\n  toc_depth: [1]\n  tocdepth: 1\n---\n# C\n",
    );
    let out = run_in(d, &["build", "c.md", "-o", "c.epub"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("c.md:3:14: error: expected a heading level from 1 to 6, not a list"),
        "{stderr}"
    );
    // Metadata too.
    write(
        &d.join("e.md"),
        "---\ntitle: [A, B]\nauthors: 3\n---\n# E\n",
    );
    let out = run_in(d, &["build", "e.md", "-o", "e.epub"]);
    let stderr = format!("{stderr}{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        stderr.contains("e.md:2:1: error: title: expected text (found a list)"),
        "{stderr}"
    );
    for word in [
        "variant",
        "enum",
        "struct",
        "u8",
        "sequence",
        "invalid type",
    ] {
        assert!(!stderr.contains(word), "{word}: {stderr}");
    }
}

#[test]
fn book_options_of_later_chapters_are_ignored_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(&d.join("1.md"), "---\nlanguage: en\n---\n# One\n");
    write(&d.join("2.md"), "---\npdf:\n  paper: letter\n---\n# Two\n");
    let stderr = ok(&run_in(d, &["build", "1.md", "2.md", "-o", "book.pdf"]));
    assert!(
        stderr.contains("2.md:1:1: warning: book options in the front matter of a file other than the first are ignored"),
        "{stderr}"
    );
    assert_eq!(pdf_pages(&d.join("book.pdf")).0, (595, 842), "still A4");
}

#[test]
fn files_named_by_front_matter_are_relative_to_it_and_stay_in_the_project() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(&d.join("book/style/book.css"), "p { color: teal }\n");
    write(
        &d.join("book/chapters/a.md"),
        "---\nlanguage: en\nepub:\n  css: ../style/book.css\n---\n# A\n",
    );
    write(
        &d.join("book/bindery.toml"),
        "chapters = [\"chapters/*.md\"]\n",
    );
    ok(&run_in(d, &["build", "book", "-o", "a.epub"]));
    let css = epub_entry(&d.join("a.epub"), ".css");
    assert_eq!(css, b"p { color: teal }\n");
    // A stylesheet outside the project folder is refused...
    write(&d.join("secret.css"), "secret\n");
    write(
        &d.join("book/chapters/a.md"),
        "---\nlanguage: en\nepub:\n  css: ../../secret.css\n---\n# A\n",
    );
    let out = run_in(d, &["build", "book", "-o", "b.epub"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("secret.css is outside the project folder"),
        "{stderr}"
    );
    // ...but the command line may name one.
    ok(&run_in(
        d,
        &["build", "book", "-o", "c.epub", "--css", "secret.css"],
    ));
    assert_eq!(epub_entry(&d.join("c.epub"), ".css"), b"secret\n");
}

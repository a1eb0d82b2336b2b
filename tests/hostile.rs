//! Hostile and broken input, table-driven: every case states the exit code, a
//! message it must print, whether the output exists afterwards, and that no
//! other file in the folder changed. Never a panic (exit 101), never a
//! half-written file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

struct Case {
    name: &'static str,
    /// Files to create: (relative path, bytes).
    files: Vec<(&'static str, Vec<u8>)>,
    args: Vec<&'static str>,
    code: i32,
    message: &'static str,
    /// The output path, relative, and whether it must exist afterwards.
    output: Option<(&'static str, bool)>,
}

fn md(front: &str, body: &str) -> Vec<u8> {
    format!("{front}{body}").into_bytes()
}

const LANG: &str = "---\nlanguage: en\n---\n";

fn png_header(width: u32, height: u32) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    png.extend_from_slice(&13u32.to_be_bytes());
    let mut crc = flate2::Crc::new();
    crc.update(b"IHDR");
    crc.update(&ihdr);
    png.extend_from_slice(b"IHDR");
    png.extend_from_slice(&ihdr);
    png.extend_from_slice(&crc.sum().to_be_bytes());
    // A tiny (and wrong) IDAT, then IEND: the header is all a probe reads.
    for (kind, data) in [
        (&b"IDAT"[..], &[0x78u8, 0x9c, 0x03, 0, 0, 0, 0, 1][..]),
        (b"IEND", &[]),
    ] {
        png.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        png.extend_from_slice(kind);
        png.extend_from_slice(data);
        png.extend_from_slice(&crc.sum().to_be_bytes());
    }
    png
}

/// A real PNG cut in half.
fn truncated_png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(64, 64, |x, y| image::Rgb([x as u8 * 4, y as u8 * 4, 7]));
    let mut bytes = Vec::new();
    img.write_to(
        &mut std::io::Cursor::new(&mut bytes),
        image::ImageFormat::Png,
    )
    .unwrap();
    bytes.truncate(bytes.len() / 2);
    bytes
}

fn case(
    name: &'static str,
    files: Vec<(&'static str, Vec<u8>)>,
    args: &[&'static str],
    code: i32,
    message: &'static str,
    output: Option<(&'static str, bool)>,
) -> Case {
    Case {
        name,
        files,
        args: args.to_vec(),
        code,
        message,
        output,
    }
}

fn cases() -> Vec<Case> {
    let body = |s: &str| md(LANG, s);
    let image_doc = |img: &str| md(LANG, &format!("# T\n\n![alt]({img})\n"));
    let ok_epub = Some(("out.epub", true));
    let no_epub = Some(("out.epub", false));
    let build = ["build", "in.md", "-o", "out.epub"];
    vec![
        // Text encoding and shape of the input.
        case("invalid utf-8", vec![("in.md", b"# A\n\xff\xfe bad\n".to_vec())], &build, 1, "is not valid UTF-8 (invalid byte at offset 4)", no_epub),
        case("invalid utf-8 lossy", vec![("in.md", b"# A\n\xff\xfe bad\n".to_vec())], &["build", "in.md", "-o", "out.epub", "--lossy-utf8"], 0, "replaced with U+FFFD", ok_epub),
        case("byte order mark", vec![("in.md", [b"\xEF\xBB\xBF".as_slice(), &body("# BOM\n\nText.\n")].concat())], &build, 0, "wrote out.epub", ok_epub),
        case("crlf line endings", vec![("in.md", b"---\r\nlanguage: en\r\n---\r\n# CRLF\r\n\r\nText\r\nmore.\r\n".to_vec())], &build, 0, "wrote out.epub", ok_epub),
        case("empty file", vec![("in.md", Vec::new())], &build, 0, "has no content", ok_epub),
        case("front matter only", vec![("in.md", body(""))], &build, 0, "has no content", ok_epub),
        case("whitespace only", vec![("in.md", b"\n\n   \n\t\n".to_vec())], &build, 0, "has no content", ok_epub),
        case("nul and control characters", vec![("in.md", body("# A\u{0}B\n\ntext \u{1}\u{b}\u{c} more\n"))], &build, 0, "wrote out.epub", ok_epub),
        case("one megabyte word", vec![("in.md", body(&format!("# W\n\n{}\n", "x".repeat(1 << 20))))], &["build", "in.md", "-o", "out.pdf"], 0, "wrote out.pdf", Some(("out.pdf", true))),
        case("ten thousand nested quotes", vec![("in.md", body(&format!("{}deep\n", "> ".repeat(10_000))))], &build, 0, "nesting deeper than 64 levels is flattened", ok_epub),
        case("deeply nested lists", vec![("in.md", body(&(0..2000).map(|i| format!("{}- item\n", "  ".repeat(i))).collect::<String>()))], &build, 0, "flattened", ok_epub),
        case("pathological emphasis", vec![("in.md", body(&"*a **b ".repeat(20_000)))], &build, 0, "wrote out.epub", ok_epub),
        case("large table", vec![("in.md", body(&format!("| a | b |\n|---|---|\n{}", (0..20_000).map(|i| format!("| {i} | x |\n")).collect::<String>())))], &build, 0, "wrote out.epub", ok_epub),
        case("deep raw html", vec![("in.md", body(&format!("{}x{}\n", "<div>".repeat(10_000), "</div>".repeat(10_000))))], &build, 0, "raw HTML nested deeper than 48 levels is flattened", ok_epub),
        case("many headings", vec![("in.md", body(&(0..1000).map(|i| format!("## Same\n\nText {i}.\n\n")).collect::<String>()))], &build, 0, "wrote out.epub", ok_epub),
        case("many footnotes", vec![("in.md", body(&format!("{}\n\n{}", (0..2000).map(|i| format!("a[^{i}]")).collect::<Vec<_>>().join(" "), (0..2000).map(|i| format!("[^{i}]: note {i}\n")).collect::<String>())))], &build, 0, "wrote out.epub", ok_epub),
        case("unterminated fence", vec![("in.md", body("```rust\nfn main() {\n"))], &build, 0, "wrote out.epub", ok_epub),
        case("undefined reference links", vec![("in.md", body(&"[a][nowhere] [b][] [c]\n".repeat(500)))], &build, 0, "wrote out.epub", ok_epub),
        case("undefined footnote", vec![("in.md", body("Text[^missing] here and [^x].\n\n[^x]: defined\n"))], &build, 0, "wrote out.epub", ok_epub),
        case("unused footnote", vec![("in.md", body("Text.\n\n[^u]: unused\n"))], &build, 0, "footnote [^u] is defined but never referenced", ok_epub),
        // Front matter.
        case("malformed yaml", vec![("in.md", b"---\ntitle: [unclosed\n---\n# A\n".to_vec())], &build, 1, "malformed YAML front matter", no_epub),
        case("malformed toml", vec![("in.md", b"+++\ntitle = \n+++\n# A\n".to_vec())], &build, 1, "malformed TOML front matter", no_epub),
        case("yaml alias bomb", vec![("in.md", "---\na: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n---\n# A\n".to_string().into_bytes())], &build, 1, "size budget", no_epub),
        case("yaml wrong type", vec![("in.md", b"---\ntitle: {a: 1}\n---\n# A\n".to_vec())], &build, 1, "in.md:2:1: error: title: expected text (found a mapping)", no_epub),
        case("unterminated front matter", vec![("in.md", b"---\ntitle: x\n# A\n".to_vec())], &build, 0, "wrote out.epub", ok_epub),
        case("bad language tag", vec![("in.md", b"---\nlanguage: english\n---\n# A\n".to_vec())], &build, 0, "language `english` is not a valid BCP 47 tag", ok_epub),
        case("missing language", vec![("in.md", b"# A\n\nText.\n".to_vec())], &build, 0, "no language given; assuming `en`", ok_epub),
        case("unknown front matter keys", vec![("in.md", b"---\nlanguage: en\nweird: [1, 2]\n---\n# A\n".to_vec())], &build, 0, "wrote out.epub", ok_epub),
        // Images.
        case("missing image", vec![("in.md", image_doc("images/none.png"))], &build, 0, "in.md:6:1: warning: image not found (images/none.png)", ok_epub),
        case("remote image", vec![("in.md", image_doc("https://example.com/a.png"))], &build, 0, "remote images are never fetched (https://example.com/a.png)", ok_epub),
        case("data uri image", vec![("in.md", image_doc("data:image/png;base64,iVBORw0KGgo="))], &build, 0, "remote images are never fetched", ok_epub),
        case("absolute image path", vec![("in.md", image_doc("/etc/hostname"))], &build, 0, "image is outside the project folder (/etc/hostname)", ok_epub),
        case("parent directory escape", vec![("in.md", image_doc("../../../../etc/hostname"))], &build, 0, "image is outside the project folder", ok_epub),
        case("device file", vec![("in.md", image_doc("/dev/zero"))], &build, 0, "image is outside the project folder (/dev/zero)", ok_epub),
        case("folder as image", vec![("in.md", image_doc("images")), ("images/keep", Vec::new())], &build, 0, "image is not a regular file (images)", ok_epub),
        case("decompression bomb", vec![("in.md", image_doc("bomb.png")), ("bomb.png", png_header(100_000, 100_000))], &build, 0, "over the limit of 50 megapixels", ok_epub),
        case("truncated png", vec![("in.md", image_doc("t.png")), ("t.png", truncated_png())], &build, 0, "unreadable image (t.png: the PNG is truncated or damaged)", ok_epub),
        case("garbage named jpg", vec![("in.md", image_doc("g.jpg")), ("g.jpg", b"this is not an image at all".to_vec())], &build, 0, "unsupported image format (g.jpg)", ok_epub),
        case("empty image file", vec![("in.md", image_doc("e.png")), ("e.png", Vec::new())], &build, 0, "unsupported image format (e.png)", ok_epub),
        case("svg with script", vec![("in.md", image_doc("s.svg")), ("s.svg", br#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script><rect width="5" height="5" onclick="x()"/></svg>"#.to_vec())], &build, 0, "wrote out.epub", ok_epub),
        case("svg with entities", vec![("in.md", image_doc("s.svg")), ("s.svg", br#"<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]><svg xmlns="http://www.w3.org/2000/svg">&b;</svg>"#.to_vec())], &build, 0, "unusable SVG image, SVG declares XML entities", ok_epub),
        case("missing image as error", vec![("in.md", image_doc("none.png"))], &["build", "in.md", "-o", "out.epub", "--missing-images", "error"], 1, "error: image not found (none.png)", no_epub),
        // Links and raw HTML.
        case("javascript link", vec![("in.md", body("[x](javascript:alert(1))\n"))], &build, 0, "links with the `javascript:` scheme are not allowed", ok_epub),
        case("file link", vec![("in.md", body("[x](file:///etc/passwd)\n"))], &build, 0, "links with the `file:` scheme are not allowed", ok_epub),
        case("script element", vec![("in.md", body("<script>alert(1)</script>\n"))], &build, 0, "raw HTML <script> is not allowed and was dropped", ok_epub),
        case("iframe element", vec![("in.md", body("<iframe src=\"https://evil.example\"></iframe>\n"))], &build, 0, "raw HTML <iframe> is not allowed and was dropped", ok_epub),
        case("event handler", vec![("in.md", body("<p onclick=\"alert(1)\">Click</p>\n\n<img src=x onerror=alert(1)>\n"))], &build, 0, "image not found (x)", ok_epub),
        case("html javascript link", vec![("in.md", body("<a href=\" JavaScript:alert(1)\">x</a>\n"))], &build, 0, "links with the `javascript:` scheme are not allowed", ok_epub),
        case("missing anchor", vec![("in.md", body("# A\n\n[x](#nowhere)\n"))], &build, 0, "link target not found (#nowhere)", ok_epub),
        case("link to a file not in the book", vec![("in.md", body("[x](other.md)\n"))], &build, 0, "link target not found (other.md)", ok_epub),
        case("link to a local non-markdown file", vec![("in.md", body("[x](secret.txt)\n"))], &build, 0, "link to a local file that is not part of the book", ok_epub),
        // Outputs and arguments.
        case("output is the input", vec![("in.pdf", body("# A\n"))], &["build", "in.pdf", "-o", "in.pdf"], 2, "is also an input", None),
        case("output is a folder", vec![("in.md", body("# A\n")), ("out.epub/keep", Vec::new())], &build, 2, "is a folder", None),
        case("output in a new folder", vec![("in.md", body("# A\n"))], &["build", "in.md", "-o", "new/dir/out.epub"], 0, "wrote new/dir/out.epub", Some(("new/dir/out.epub", true))),
        case("output not writable", vec![("in.md", body("# A\n"))], &["build", "in.md", "-o", "/proc/bindery-test.epub"], 1, "cannot write /proc/bindery-test.epub", None),
        case("unknown output extension", vec![("in.md", body("# A\n"))], &["build", "in.md", "-o", "out.docx"], 2, "cannot tell the format of out.docx", None),
        case("no output", vec![("in.md", body("# A\n"))], &["build", "in.md"], 2, "no output given", None),
        case("missing input", vec![], &["build", "nope.md", "-o", "out.epub"], 1, "cannot read nope.md", no_epub),
        case("folder without markdown", vec![("empty/keep.txt", Vec::new())], &["build", "empty", "-o", "out.epub"], 2, "no Markdown files in empty", no_epub),
        case("strict with warnings", vec![("in.md", image_doc("none.png"))], &["build", "in.md", "-o", "out.epub", "--strict"], 3, "1 warning(s), and strict is on", no_epub),
        case("unknown meta key", vec![("in.md", body("# A\n"))], &["build", "in.md", "-o", "out.epub", "--meta", "colour=red"], 2, "unknown metadata key `colour`", no_epub),
        case("bad paper size", vec![("in.md", body("# A\n"))], &["build", "in.md", "-o", "out.pdf", "--paper", "a3000"], 2, "unknown page size `a3000`", None),
        case("bad bleed", vec![("in.md", body("# A\n"))], &["build", "in.md", "-o", "out.pdf", "--bleed", "lots"], 2, "is not a length", None),
        case("bad project file", vec![("in.md", body("# A\n")), ("bindery.toml", b"[metadata]\ntitel = 1\n".to_vec())], &["build", "."], 2, "bindery.toml:2:1: error: invalid project file (unknown key `titel`", None),
        case("project file wrong type", vec![("in.md", body("# A\n")), ("bindery.toml", b"[epub]\ntoc_depth = \"two\"\n".to_vec())], &["build", "."], 2, "bindery.toml:2:13: error: invalid project file (`two` is not a heading level from 1 to 6)", None),
        case("cover that is not an image", vec![("in.md", body("# A\n")), ("cover.jpg", b"nope".to_vec())], &["build", "in.md", "-o", "out.epub", "--cover", "cover.jpg"], 1, "must be a JPEG or PNG image", no_epub),
    ]
}

/// Every file under `dir` with its length and modification time.
fn listing(dir: &Path) -> BTreeMap<PathBuf, (u64, std::time::SystemTime)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            if meta.is_dir() {
                stack.push(path);
            } else {
                out.insert(
                    path.strip_prefix(dir).unwrap().to_path_buf(),
                    (meta.len(), meta.modified().unwrap()),
                );
            }
        }
    }
    out
}

#[test]
fn bad_inputs_behave_as_documented() {
    let cases = cases();
    assert!(cases.len() >= 60, "{} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let dir = tempfile::tempdir().unwrap();
        for (path, bytes) in &case.files {
            let full = dir.path().join(path);
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(&full, bytes).unwrap();
        }
        let before = listing(dir.path());
        let out = Command::new(env!("CARGO_BIN_EXE_bindery"))
            .args(&case.args)
            .current_dir(dir.path())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let code = out.status.code().unwrap_or(-1);
        let mut problems = Vec::new();
        if code != case.code {
            problems.push(format!("exit {code}, expected {}", case.code));
        }
        if !stderr.contains(case.message) {
            problems.push(format!("message `{}` missing", case.message));
        }
        if stderr.contains("internal error") || code == 101 {
            problems.push("panicked".to_string());
        }
        let after = listing(dir.path());
        let mut changed: Vec<&PathBuf> = after
            .iter()
            .filter(|(p, v)| before.get(*p) != Some(v))
            .map(|(p, _)| p)
            .collect();
        if let Some((output, exists)) = case.output {
            let present = dir.path().join(output).is_file();
            if present != exists {
                problems.push(format!("output {output} present: {present}"));
            }
            changed.retain(|p| p.as_path() != Path::new(output));
        }
        if !changed.is_empty() {
            problems.push(format!("other files changed: {changed:?}"));
        }
        if !problems.is_empty() {
            failures.push(format!("{}: {}\n{stderr}", case.name, problems.join("; ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n---\n"));
}

#[test]
fn failed_rebuild_keeps_the_previous_output() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("in.md"), md(LANG, "# Good\n")).unwrap();
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_bindery"))
            .args(["build", "in.md", "-o", "out.epub"])
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    assert!(run().status.success());
    let good = std::fs::read(dir.path().join("out.epub")).unwrap();
    std::fs::write(dir.path().join("in.md"), b"# Bad \xff\n").unwrap();
    assert_eq!(run().status.code(), Some(1));
    assert_eq!(std::fs::read(dir.path().join("out.epub")).unwrap(), good);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".bindery-"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn fifo_input_and_fifo_image_do_not_hang() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.png");
    let status = Command::new("mkfifo").arg(&fifo).status();
    if !status.is_ok_and(|s| s.success()) {
        eprintln!("notice: mkfifo unavailable; skipping");
        return;
    }
    std::fs::write(
        dir.path().join("in.md"),
        md(LANG, "# A\n\n![x](pipe.png)\n"),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_bindery"))
        .args(["build", "in.md", "-o", "out.epub"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("image is not a regular file (pipe.png)")
    );
    let out = Command::new(env!("CARGO_BIN_EXE_bindery"))
        .args(["build", "pipe.png", "-o", "out2.epub"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

//! The PDF typesetter on a long book: 100+ pages, nothing outside the text
//! block, nested outline, contents page numbers, footnotes at the foot of
//! their page, trim and bleed boxes.

mod common;

use common::tool_output;
use std::path::Path;
use std::process::Command;

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Enough reports for a book of more than 100 pages.
const REPORTS: usize = 110;

fn article(n: usize) -> String {
    let mut s = format!(
        "###### Dispatch {n}\n# Report number {n} from the field\n##### A standfirst for article {n}\n> Mar {}th 2024\n",
        n % 27 + 1
    );
    for p in 0..9 {
        s.push_str(&format!(
            "Paragraph {p} of article {n} carries enough ordinary prose to fill several lines in print, with commas, clauses and the occasional longer word such as internationalisation, responsibility or incomprehensibility, so that the typesetter has real work to do when it justifies and hyphenates the text across the measure.\n"
        ));
        if p == 4 {
            s.push_str("A crosshead here\n");
        }
    }
    s
}

fn bindery(dir: &Path, args: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_bindery"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Words with their boxes from `pdftotext -bbox`.
fn words(pdf: &Path) -> Option<Vec<common::Word>> {
    common::pdf_words(pdf, &[])
}

#[test]
fn long_book_stays_in_its_text_block() {
    let dir = tempfile::tempdir().unwrap();
    for n in 1..=REPORTS {
        write(&dir.path().join(format!("book/{n:02}.md")), &article(n));
    }
    write(
        &dir.path().join("book/bindery.toml"),
        "[metadata]\ntitle = \"Field Reports\"\nlanguage = \"en\"\n",
    );
    bindery(dir.path(), &["build", "book", "-o", "book.pdf", "--toc"]);
    let pdf = dir.path().join("book.pdf");
    if let Some(check) = tool_output("qpdf", &["--check", pdf.to_str().unwrap()]) {
        assert!(check.contains("No syntax or stream encoding errors"));
    }
    let Some(words) = words(&pdf) else { return };
    let pages = words.iter().map(|w| w.0).max().unwrap();
    assert!(pages >= 100, "{pages} pages");
    // A4: the text block's margins as the layout sets them.
    let (width, height) = (595.276, 841.89);
    let short = width;
    let (top, bottom, inner, outer) = (short * 0.12, short * 0.15, short * 0.14, short * 0.18);
    let tolerance = 0.6;
    for (page, x0, y0, x1, y1, word) in &words {
        let left = if (page - 1) % 2 == 1 { outer } else { inner };
        let right = width - if (page - 1) % 2 == 1 { inner } else { outer };
        assert!(
            *x0 >= 0.0 && *x1 <= width && *y0 >= 0.0 && *y1 <= height,
            "off the page: {word}"
        );
        let furniture = *y1 < top || *y0 > height - bottom;
        if furniture {
            continue;
        }
        assert!(
            *x0 >= left - tolerance && *x1 <= right + tolerance,
            "page {page}: `{word}` at {x0:.1}..{x1:.1} outside {left:.1}..{right:.1}"
        );
    }

    // The contents page gives the page each report starts on.
    let contents = tool_output(
        "pdftotext",
        &["-f", "1", "-l", "3", pdf.to_str().unwrap(), "-"],
    )
    .unwrap();
    assert!(contents.starts_with("Contents"));
    // Kickers ("Dispatch N") are only in the body, never in the contents.
    let first = words
        .iter()
        .find(|w| w.5 == "Dispatch")
        .map(|w| w.0)
        .unwrap();
    let line = contents
        .lines()
        .find(|l| l.starts_with("Report number 1 from the field"))
        .unwrap();
    let number: usize = line.split_whitespace().last().unwrap().parse().unwrap();
    // Contents pages are numbered i, ii…, the body from 1: the number in the
    // contents is the folio printed on the report's page.
    let folio: Vec<&str> = words
        .iter()
        .filter(|w| w.0 == first && w.2 > height - bottom)
        .map(|w| w.5.as_str())
        .collect();
    assert_eq!(
        folio,
        [number.to_string()],
        "contents says {number}, the report's page (the {first}th) shows {folio:?}"
    );

    // The outline nests crossheads under their reports.
    let doc = lopdf::Document::load(&pdf).unwrap();
    let outlines = doc
        .catalog()
        .unwrap()
        .get(b"Outlines")
        .unwrap()
        .as_reference()
        .unwrap();
    let root = doc.get_dictionary(outlines).unwrap();
    let mut item = root.get(b"First").unwrap().as_reference().unwrap();
    let mut top_level = 0;
    let mut with_children = 0;
    loop {
        let d = doc.get_dictionary(item).unwrap();
        top_level += 1;
        if d.has(b"First") {
            with_children += 1;
        }
        match d.get(b"Next") {
            Ok(next) => item = next.as_reference().unwrap(),
            Err(_) => break,
        }
    }
    assert_eq!(top_level, REPORTS);
    assert_eq!(with_children, REPORTS, "each report has its crosshead");

    // Page labels: the contents in roman numerals, the body from 1, so a
    // viewer shows the folio printed on the page.
    let labels = doc
        .catalog()
        .unwrap()
        .get(b"PageLabels")
        .unwrap()
        .as_dict()
        .unwrap();
    let nums = labels.get(b"Nums").unwrap().as_array().unwrap();
    let style = |i: usize| {
        let label = doc.get_dictionary(nums[i].as_reference().unwrap()).unwrap();
        label.get(b"S").unwrap().as_name().unwrap().to_vec()
    };
    assert_eq!(nums.len(), 4, "two runs of labels: {nums:?}");
    assert_eq!(nums[0].as_i64().unwrap(), 0);
    assert_eq!(style(1), b"r");
    let body_start = nums[2].as_i64().unwrap() as usize;
    assert_eq!(style(3), b"D");
    assert_eq!(
        first - 1 - body_start + 1,
        number,
        "the body's first page is labelled 1"
    );
}

#[test]
fn footnotes_sit_at_the_foot_of_their_page() {
    let dir = tempfile::tempdir().unwrap();
    let mut md = String::from("---\nlanguage: en\n---\n# Notes\n\n");
    for i in 0..12 {
        md.push_str(&format!("Paragraph {i} says something worth a note.[^n{i}] It goes on for a while to fill the page with ordinary text that wraps over several lines of the measure.\n\n"));
    }
    for i in 0..12 {
        md.push_str(&format!(
            "[^n{i}]: Footnote number {i} explains the point.\n"
        ));
    }
    write(&dir.path().join("notes.md"), &md);
    bindery(dir.path(), &["build", "notes.md", "-o", "notes.pdf"]);
    let Some(words) = words(&dir.path().join("notes.pdf")) else {
        return;
    };
    for i in 0..12 {
        let note_word = format!("{i}");
        // The note line "N. Footnote number i explains the point."
        let note = words
            .iter()
            .position(|w| w.5 == "Footnote")
            .map(|_| ())
            .is_some();
        assert!(note);
        let _ = note_word;
    }
    // On every page, note lines are below all body lines.
    let pages = words.iter().map(|w| w.0).max().unwrap();
    for page in 1..=pages {
        let on_page: Vec<_> = words.iter().filter(|w| w.0 == page).collect();
        let note_top = on_page
            .iter()
            .filter(|w| w.5 == "Footnote")
            .map(|w| w.2)
            .fold(f64::MAX, f64::min);
        let body_bottom = on_page
            .iter()
            .filter(|w| w.5 == "Paragraph")
            .map(|w| w.4)
            .fold(0.0, f64::max);
        if note_top < f64::MAX {
            assert!(note_top > body_bottom, "page {page}: notes above body text");
        }
    }
    let notes = words.iter().filter(|w| w.5 == "Footnote").count();
    assert_eq!(notes, 12, "every note set once");
}

#[test]
fn trim_bleed_and_page_sizes() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("a.md"), &article(1));
    bindery(
        dir.path(),
        &[
            "build",
            "a.md",
            "-o",
            "a.pdf",
            "--paper",
            "6x9in",
            "--bleed",
            "3mm",
            "--crop-marks",
            "--recto-chapters",
        ],
    );
    let Some(info) = tool_output(
        "pdfinfo",
        &["-box", dir.path().join("a.pdf").to_str().unwrap()],
    ) else {
        return;
    };
    let get = |name: &str| -> Vec<f64> {
        let line = info.lines().find(|l| l.starts_with(name)).unwrap();
        line.split_whitespace()
            .skip(1)
            .map(|v| v.parse().unwrap())
            .collect()
    };
    let trim = get("TrimBox:");
    assert!(
        (trim[2] - trim[0] - 432.0).abs() < 0.1 && (trim[3] - trim[1] - 648.0).abs() < 0.1,
        "{trim:?}"
    );
    let bleed = get("BleedBox:");
    // Page 1 is a recto: bleed on the top, the bottom and the outer
    // (right) edge, none in the gutter.
    let mm3 = |a: f64, b: f64| (a - b - 8.504).abs() < 0.05;
    assert!(
        mm3(bleed[2], trim[2]) && mm3(bleed[3], trim[3]) && mm3(trim[1], bleed[1]),
        "3 mm bleed: {bleed:?}"
    );
    assert!((trim[0] - bleed[0]).abs() < 0.05, "gutter: {bleed:?}");
    let media = get("MediaBox:");
    assert!(
        media[2] > bleed[2] && media[3] > bleed[3],
        "room for crop marks"
    );
    for (paper, w, h) in [
        ("a5", 419.5, 595.3),
        ("b5", 498.9, 708.7),
        ("130x200mm", 368.5, 566.9),
    ] {
        let out = dir.path().join(format!("{paper}.pdf"));
        bindery(
            dir.path(),
            &[
                "build",
                "a.md",
                "-o",
                out.to_str().unwrap(),
                "--paper",
                paper,
            ],
        );
        let info = tool_output("pdfinfo", &[out.to_str().unwrap()]).unwrap();
        let size = info.lines().find(|l| l.starts_with("Page size:")).unwrap();
        let nums: Vec<f64> = size
            .split_whitespace()
            .filter_map(|t| t.parse().ok())
            .collect();
        assert!(
            (nums[0] - w).abs() < 0.5 && (nums[1] - h).abs() < 0.5,
            "{paper}: {size}"
        );
    }
}

#[test]
fn user_fallback_font_and_margins() {
    let fallback = Path::new("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf");
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("cjk.md"),
        "---\nlanguage: zh\n---\n# 排版\n\n东亚文字排版的测试段落。Latin text too.\n",
    );
    let out = Command::new(env!("CARGO_BIN_EXE_bindery"))
        .args(["build", "cjk.md", "-o", "plain.pdf", "--no-system-fonts"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    // One warning for the script, however many characters lack a glyph.
    assert_eq!(
        stderr.matches("warning: no font for Han (").count(),
        1,
        "{stderr}"
    );
    assert!(
        stderr.contains("install fonts-noto-cjk or pass --font FILE"),
        "{stderr}"
    );
    if !fallback.exists() {
        eprintln!(
            "notice: {} missing; skipping the --font check",
            fallback.display()
        );
        return;
    }
    bindery(
        dir.path(),
        &[
            "build",
            "cjk.md",
            "-o",
            "font.pdf",
            "--font",
            fallback.to_str().unwrap(),
            "--margins",
            "20mm,30mm,25mm,15mm",
        ],
    );
    let pdf = dir.path().join("font.pdf");
    if let Some(fonts) = tool_output("pdffonts", &[pdf.to_str().unwrap()]) {
        assert!(fonts.contains("+DroidSansFallback"), "{fonts}");
    }
    if let Some(text) = tool_output("pdftotext", &[pdf.to_str().unwrap(), "-"]) {
        assert!(text.contains("东亚文字排版"), "{text}");
    }
    // The inner margin (30 mm = 85 pt) on page 1, a right-hand page.
    if let Some(words) = words(&pdf) {
        let left = words
            .iter()
            .filter(|w| w.0 == 1)
            .map(|w| w.1)
            .fold(f64::MAX, f64::min);
        assert!((left - 85.04).abs() < 1.0, "text starts at {left}");
    }
}

/// A code line too long for a 6×9 in page continues after a space or a
/// separator (identifiers stay whole), under its own indentation, behind a
/// mark that is drawn, not written: the extracted text is the code.
#[test]
fn long_code_lines_continue_whole_under_their_indentation() {
    let dir = tempfile::tempdir().unwrap();
    let line = "    let ratio = compute_the_ratio(first_sample_value, second_sample_value, third_sample_value) / normalising_factor_for_the_page;";
    let text = format!(
        "# Code\n\nPlain:\n\n```\nfn main() {{\n{line}\n}}\n```\n\nHighlighted:\n\n```rust\nfn main() {{\n{line}\n}}\n```\n"
    );
    write(&dir.path().join("code.md"), &text);
    bindery(
        dir.path(),
        &["build", "code.md", "-o", "code.pdf", "--paper", "6x9in"],
    );
    let Some(words) = words(&dir.path().join("code.pdf")) else {
        return;
    };
    for block in ["Plain:", "Highlighted:"] {
        let start = words.iter().position(|w| w.5 == block).expect(block);
        let source = format!("fn main() {{ {line} }}");
        let want: Vec<&str> = source.split_whitespace().collect();
        let code: Vec<_> = words[start + 1..].iter().take(want.len()).collect();
        let got: Vec<&str> = code.iter().map(|w| w.5.as_str()).collect();
        assert_eq!(got, want, "{block} code extracted whole, without a mark");
        // The line spans more than one row; continued rows start right of
        // where the line itself starts (its indentation and the mark).
        let first = code.iter().find(|w| w.5 == "let").unwrap();
        assert!(
            code.iter().any(|w| w.2 > first.2 + 1.0 && w.5 != "}"),
            "{block}: the long line continues"
        );
        let fn_x = code[0].1;
        for w in code.iter().filter(|w| w.2 > first.2 + 1.0 && w.5 != "}") {
            let row_start = code
                .iter()
                .filter(|o| (o.2 - w.2).abs() < 1.0)
                .map(|o| o.1)
                .fold(f64::MAX, f64::min);
            assert!(
                row_start > first.1 + 5.0 && row_start > fn_x,
                "{block}: a continued row starts at {row_start}, left of the hang (line at {})",
                first.1
            );
        }
    }
}

/// A narrow figure's caption is set two thirds of the measure wide, not
/// squeezed to the figure's width.
#[test]
fn a_narrow_figures_caption_is_not_squeezed_to_its_width() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        common::root().join("seeds/images/20230325_IRD001.jpg"),
        dir.path().join("photo.jpg"),
    )
    .unwrap();
    let prose = "Ordinary prose that fills the measure from one margin to the other, \
                 so that the width of a full line is known to the test.";
    let text = format!(
        "# Figures\n\n{prose} {prose}\n\n![A banquet](photo.jpg \"The banquet hall of the \
         palace where the two leaders met for a dinner that lasted well into the night\")\
         {{width=25%}}\n\n{prose}\n"
    );
    write(&dir.path().join("fig.md"), &text);
    bindery(
        dir.path(),
        &["build", "fig.md", "-o", "fig.pdf", "--paper", "6x9in"],
    );
    let Some(words) = words(&dir.path().join("fig.pdf")) else {
        return;
    };
    let extent = |ws: &[&common::Word]| {
        let left = ws.iter().map(|w| w.1).fold(f64::MAX, f64::min);
        let right = ws.iter().map(|w| w.3).fold(f64::MIN, f64::max);
        right - left
    };
    let first_line: Vec<_> = words
        .iter()
        .filter(|w| (w.2 - words[1].2).abs() < 1.0)
        .collect();
    let start = words.iter().position(|w| w.5 == "banquet").unwrap();
    let end = words.iter().position(|w| w.5 == "night").unwrap();
    let caption: Vec<_> = words[start - 1..=end].iter().collect();
    let lines = {
        let mut ys: Vec<i64> = caption.iter().map(|w| w.2.round() as i64).collect();
        ys.dedup();
        ys.len()
    };
    assert!(
        extent(&caption) > 0.6 * extent(&first_line),
        "caption {:.0} pt wide in a {:.0} pt measure",
        extent(&caption),
        extent(&first_line)
    );
    assert!(lines <= 3, "the caption takes {lines} lines");
}

/// A chapter that ends on a full-bleed plate ends there: no empty page
/// with a running head and a folio after the plate.
#[test]
fn a_chapter_ending_on_a_plate_leaves_no_empty_page() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        common::root().join("seeds/images/20230325_IRD001.jpg"),
        dir.path().join("photo.jpg"),
    )
    .unwrap();
    write(
        &dir.path().join("a.md"),
        "---\ntitle: Plates\nlanguage: en\n---\n\n# One\n\nSome text before the plate.\n\n![](photo.jpg){.bleed}\n",
    );
    write(&dir.path().join("b.md"), "# Two\n\nThe second chapter.\n");
    bindery(
        dir.path(),
        &[
            "build", "a.md", "b.md", "-o", "p.pdf", "--paper", "6x9in", "--bleed", "0.125in",
        ],
    );
    let pdf = dir.path().join("p.pdf");
    let Some(info) = tool_output("pdfinfo", &[pdf.to_str().unwrap()]) else {
        return;
    };
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap();
    assert_eq!(pages, 3, "text, plate, the second chapter");
    let third = tool_output(
        "pdftotext",
        &["-f", "3", "-l", "3", pdf.to_str().unwrap(), "-"],
    )
    .unwrap();
    assert!(third.contains("The second chapter"), "{third}");
}

//! The technical test book (`tests/data/tech`: code in seven languages,
//! inline and display math with fractions, sums, matrices, cases and
//! aligned equations, five numbered figures and three tables referred to
//! from before and after them, twenty works cited, all five callouts)
//! built to EPUB and PDF and checked with the real validators: epubcheck,
//! qpdf, pdffonts, pdftotext; the PDF's fonts are read back with lopdf to
//! prove that formulas are drawn from the math font. The same book is also
//! built in a second citation style (IEEE) and in greys.

mod common;

use common::tool_output;
use std::io::Read;
use std::path::{Path, PathBuf};

fn book() -> PathBuf {
    common::root().join("tests/data/tech")
}

/// The text of every entry of an EPUB whose name ends with `suffix`.
fn entries(epub: &Path, suffix: &str) -> Vec<(String, String)> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(epub).unwrap()).unwrap();
    let names: Vec<String> = (0..zip.len())
        .map(|i| zip.by_index(i).unwrap().name().unwrap().to_string())
        .collect();
    let mut out = Vec::new();
    for name in names.into_iter().filter(|n| n.ends_with(suffix)) {
        let mut text = String::new();
        zip.by_name(&name)
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        out.push((name, text));
    }
    out.sort();
    out
}

/// pdftotext's text of a PDF, pages separated by form feeds, with lines
/// joined by spaces (hyphenated words joined).
fn pdf_text(pdf: &Path) -> Option<Vec<String>> {
    let text = tool_output("pdftotext", &[pdf.to_str().unwrap(), "-"])?;
    Some(
        text.split('\u{c}')
            .map(|page| page.replace("-\n", "").replace('\n', " "))
            .collect(),
    )
}

#[test]
fn tech_book_epub_is_valid_with_mathml_callouts_links_and_citations() {
    let dir = tempfile::tempdir().unwrap();
    let epub = dir.path().join("tech.epub");
    let out = common::build(&[&book()], &epub, &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("0 warnings"), "{stderr}");
    common::epubcheck(&epub);

    let opf = &entries(&epub, ".opf")[0].1;
    let chapters = entries(&epub, ".xhtml");
    let all: String = chapters.iter().map(|(_, t)| t.as_str()).collect();
    // Every content document with a formula says so in the manifest.
    for (name, text) in &chapters {
        let file = name.rsplit('/').next().unwrap();
        let item = opf
            .lines()
            .find(|l| l.contains(&format!("href=\"{file}\"")))
            .unwrap_or_else(|| panic!("{file} in the manifest"));
        assert_eq!(
            text.contains("<math"),
            item.contains("mathml"),
            "{file}: {item}"
        );
    }
    // MathML with the TeX as alternative text and annotation; nothing
    // unparsed, no error element.
    let formulas = all.matches("<math").count();
    assert!(formulas > 50, "{formulas} formulas");
    assert_eq!(all.matches("<math alttext=\"").count(), formulas);
    assert!(!all.contains("<merror") && !all.contains("math-source"));
    assert!(all.contains("<mtable"), "matrices and aligned equations");
    assert!(all.contains("<mfrac>") && all.contains("∑"));
    assert!(all.contains(
        "<annotation encoding=\"application/x-tex\">R(\\theta) = \\begin{pmatrix} \\cos\\theta &amp;"
    ));
    // Numbered equations, figures and tables, and live references to them.
    assert!(all.contains("id=\"eq-badness\"") && all.contains(">(1)<"));
    assert!(all.contains("<a class=\"xref\" href=\"chapter-002.xhtml#fig-bars\">Figure 2</a>"));
    assert!(all.contains("<a class=\"xref\" href=\"chapter-001.xhtml#tbl-spacing\">Table 1</a>"));
    assert!(all.contains("<a class=\"xref\" href=\"chapter-003.xhtml#fig-scatter\">Figure 5</a>"));
    for n in 1..=5 {
        assert!(all.contains(&format!("Figure {n}")), "figure {n}");
    }
    // The five callouts as asides with their roles and localised labels.
    for (kind, label, role) in [
        ("note", "Note", "note"),
        ("tip", "Tip", "doc-tip"),
        ("important", "Important", "note"),
        ("warning", "Warning", "note"),
        ("caution", "Caution", "note"),
    ] {
        assert!(
            all.contains(&format!(
                "<aside class=\"callout {kind}\" epub:type=\"{}\" role=\"{role}\" aria-label=\"{label}\">",
                if kind == "tip" { "tip" } else { "notice" }
            )),
            "{kind} callout"
        );
    }
    // Highlighted code: classes, line numbers, a marked line; plain text
    // for a language no grammar knows.
    assert!(all.contains("class=\"language-rust\"") && all.contains("class=\"ln\""));
    assert!(all.contains("hl-line") && all.contains("<span class=\"hl-kw\""));
    assert!(all.contains("class=\"language-zzlang\">"));
    // Citations link to their entries; the bibliography lists all twenty.
    assert!(all.contains(
        "<span class=\"citation\">(<a href=\"chapter-005.xhtml#ref-lamport1994\">Lamport, 1994, p. 5</a>)</span>"
    ));
    assert!(all.contains(">Knuth (1984)</a>"));
    let bib = &chapters
        .iter()
        .find(|(n, _)| n.ends_with("chapter-005.xhtml"))
        .unwrap()
        .1;
    assert_eq!(bib.matches("<li id=\"ref-").count(), 20, "{bib}");
    assert!(
        bib.contains("Knuth, D. E. (1984). <em>The TeXbook</em>"),
        "{bib}"
    );
}

/// Font name → (its ToUnicode map's text) for every font of a PDF.
fn fonts_to_unicode(pdf: &Path) -> Vec<(String, String)> {
    let doc = lopdf::Document::load(pdf).unwrap();
    let mut out = Vec::new();
    for (_, object) in doc.objects.iter() {
        let Ok(dict) = object.as_dict() else { continue };
        if dict.get(b"Type").and_then(|t| t.as_name()).ok() != Some(b"Font".as_slice())
            || dict.get(b"Subtype").and_then(|t| t.as_name()).ok() != Some(b"Type0".as_slice())
        {
            continue;
        }
        let name =
            String::from_utf8_lossy(dict.get(b"BaseFont").unwrap().as_name().unwrap()).into_owned();
        let cmap = dict.get(b"ToUnicode").unwrap().as_reference().unwrap();
        let stream = doc.get_object(cmap).unwrap().as_stream().unwrap();
        let bytes = stream
            .decompressed_content()
            .unwrap_or_else(|_| stream.content.clone());
        out.push((name, String::from_utf8_lossy(&bytes).to_uppercase()));
    }
    out.sort();
    out
}

#[test]
fn tech_book_pdf_has_math_font_figures_citations_and_bibliography() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("tech.pdf");
    common::build(&[&book()], &pdf, &[]);
    if let Some(check) = tool_output("qpdf", &["--check", pdf.to_str().unwrap()]) {
        assert!(
            check.contains("No syntax or stream encoding errors"),
            "{check}"
        );
    }
    if let Some(fonts) = tool_output("pdffonts", &[pdf.to_str().unwrap()]) {
        let rows: Vec<&str> = fonts.lines().skip(2).collect();
        assert!(rows.len() >= 8, "{fonts}");
        for row in &rows {
            let cols: Vec<&str> = row.split_whitespace().collect();
            let n = cols.len();
            assert_eq!(&cols[n - 5..n - 2], ["yes", "yes", "yes"], "{row}");
        }
        assert!(fonts.contains("+LibertinusMath-Regular"), "{fonts}");
    }
    // Formulas are drawn from the math font: the big operators and math
    // italic letters are in its map of glyphs to text and in no other font's.
    let fonts = fonts_to_unicode(&pdf);
    let (math, others): (Vec<_>, Vec<_>) = fonts
        .iter()
        .partition(|(n, _)| n.ends_with("LibertinusMath-Regular"));
    assert_eq!(
        math.len(),
        1,
        "{:?}",
        fonts.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    // ∑, ∫, ⋯ (cdots), and math italic small j (U+1D457 → D835 DC57).
    for code in ["<2211>", "<222B>", "<22EF>", "<D835DC57>"] {
        assert!(math[0].1.contains(code), "{code} in the math font");
        for (name, cmap) in &others {
            assert!(!cmap.contains(code), "{code} drawn from {name}");
        }
    }

    let Some(pages) = pdf_text(&pdf) else { return };
    let text = pages.join(" ");
    for needle in [
        "Figure 3",
        "Figure 5: Least squares on twenty points",
        "Table 3: The cost of the algorithms in this book",
        "(Knuth & Plass, 1981)",
        "(Lamport, 1994, p. 5)",
        "Knuth (1984)",
        "(Cormen et al., 2009, pp. 170–190)",
        "(2009)",
        "(Backus, 1978; Shannon, 1948; Turing, 1936)",
        "Knuth, D. E. (1984). The TeXbook. Addison-Wesley.",
        "Dijkstra, E. W. (1959). A Note on Two Problems in Connexion with Graphs.",
        "Equation 1",
        "Note",
        "Caution",
    ] {
        assert!(text.contains(needle), "`{needle}` not in the PDF's text");
    }
    assert!(
        !text.contains("$$") && !text.contains("\\begin"),
        "a formula shown as source"
    );
    // Only the code that shows the syntax keeps its `@`.
    assert!(!text.contains("@fig:") && !text.contains("[@turing"));
}

#[test]
fn ieee_style_page_references_and_greys() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("ieee.pdf");
    let epub = dir.path().join("ieee.epub");
    common::build(
        &[&book()],
        &pdf,
        &[
            "-o",
            epub.to_str().unwrap(),
            "--csl",
            "ieee",
            "--set",
            "pdf.page_refs=true",
            "--set",
            "pdf.greyscale=true",
        ],
    );
    common::epubcheck(&epub);
    let all: String = entries(&epub, ".xhtml").into_iter().map(|e| e.1).collect();
    assert!(
        all.contains(">[1]</a>") || all.contains(">1</a>]"),
        "numeric citations"
    );
    assert!(
        all.contains("D. E. Knuth, <em>The TeXbook</em>"),
        "IEEE entries"
    );

    let Some(pages) = pdf_text(&pdf) else { return };
    let text = pages.join(" ");
    assert!(
        text.contains("D. E. Knuth, The TeXbook."),
        "IEEE bibliography"
    );
    assert!(text.contains("[1]"));
    // "Figure 5 on page N": N is the folio of the page whose text has the
    // figure's caption.
    let at = text.find("Figure 5 on page ").expect("a page reference") + 17;
    let folio: String = text[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let caption = pages
        .iter()
        .find(|p| p.contains("Figure 5: Least squares"))
        .expect("the caption");
    let words: Vec<&str> = caption.split_whitespace().collect();
    assert!(
        words.first() == Some(&folio.as_str()) || words.last() == Some(&folio.as_str()),
        "figure 5 is said to be on page {folio}, its page is: {caption}"
    );

    // Greys only: every colour operator in the content streams sets a grey
    // (DeviceGray, or RGB with equal components).
    let doc = lopdf::Document::load(&pdf).unwrap();
    let mut colours = 0;
    for (_, page) in doc.get_pages() {
        let content = doc.get_and_decode_page_content(page).unwrap();
        for op in content.operations {
            if op.operator == "rg" || op.operator == "RG" {
                let c: Vec<f32> = op.operands.iter().map(|o| o.as_float().unwrap()).collect();
                assert!(
                    (c[0] - c[1]).abs() < 0.01 && (c[1] - c[2]).abs() < 0.01,
                    "colour {c:?} in a greyscale PDF"
                );
                colours += 1;
            } else if op.operator == "g" || op.operator == "G" {
                // DeviceGray: what the exporter writes for a grey.
                colours += 1;
            }
        }
    }
    assert!(colours > 0);
}

#[test]
fn bad_formulas_unknown_labels_and_missing_keys_are_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(book().join("refs.bib"), d.join("refs.bib")).unwrap();
    std::fs::write(
        d.join("a.md"),
        "---\ntitle: T\nlanguage: en\nbibliography: refs.bib\n---\n\n# One\n\nA formula $\\frac{a}$ here,\nsee @fig:nowhere and [@nobody2000].\n",
    )
    .unwrap();
    let epub = d.join("a.epub");
    let pdf = d.join("a.pdf");
    let out = common::build(&[&d.join("a.md")], &epub, &["-o", pdf.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let path = d.join("a.md").display().to_string();
    assert!(
        stderr.contains(&format!("{path}:9:11: warning: formula does not parse")),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("{path}:10:5: warning: unknown label @fig:nowhere")),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "{path}:10:22: warning: citation @nobody2000 is not in the bibliography"
        )),
        "{stderr}"
    );
    common::epubcheck(&epub);
    let all: String = entries(&epub, ".xhtml").into_iter().map(|e| e.1).collect();
    assert!(
        all.contains("\\frac{a}"),
        "the formula is shown as its source"
    );
    if let Some(pages) = pdf_text(&pdf) {
        let text = pages.join(" ");
        assert!(
            text.contains("\\frac{a}") && text.contains("nobody2000?"),
            "{text}"
        );
    }
}

/// The bibliography's heading is the book's word for references, and
/// `[labels] references` in bindery.toml overrides it in both formats.
#[test]
fn the_bibliography_heading_takes_the_labels_override() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(book().join("refs.bib"), dir.path().join("refs.bib")).unwrap();
    std::fs::write(
        dir.path().join("a.md"),
        "---\ntitle: Cited\nlanguage: en\nbibliography: refs.bib\n---\n\n# One\n\nAs shown before [@knuth1984].\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("bindery.toml"),
        "[labels]\nreferences = \"Works cited\"\n",
    )
    .unwrap();
    for out in ["book.pdf", "book.epub"] {
        let run = std::process::Command::new(env!("CARGO_BIN_EXE_bindery"))
            .args(["build", "a.md", "-o", out])
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
    }
    let epub = std::fs::read(dir.path().join("book.epub")).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(epub)).unwrap();
    let mut all = String::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        if f.name().is_ok_and(|n| n.ends_with(".xhtml")) {
            f.read_to_string(&mut all).unwrap();
        }
    }
    assert!(all.contains("Works cited"), "the EPUB's heading");
    assert!(!all.contains(">References<"), "no default heading left");
    let pdf = dir.path().join("book.pdf");
    if let Some(text) = tool_output("pdftotext", &[pdf.to_str().unwrap(), "-"]) {
        assert!(text.contains("Works cited"), "{text}");
    }
}

/// Lines with small inline formulas (a Greek letter, a subscript, a
/// square) are spaced like the lines without: the leading grows only for
/// a formula whose ink does not fit the line.
#[test]
fn inline_math_keeps_the_line_spacing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let filler = "plain words fill this line of the paragraph so that it wraps and the lines can be measured";
    let mut text = String::from("---\ntitle: T\nlanguage: en\n---\n\n# One\n\n");
    for (n, formula) in [
        r"$\beta$",
        r"$x_i$",
        r"$N^2$",
        r"$\beta_0$",
        r"$X_k$",
        r"$\alpha$",
    ]
    .iter()
    .enumerate()
    {
        text.push_str(&format!("{filler} word{n} {formula} {filler} "));
    }
    text.push_str(
        "\n\nA tall one $\\displaystyle\\sum_{i=1}^{n} \\frac{a_i}{b_i}$ opens its line.\n",
    );
    std::fs::write(d.join("a.md"), text).unwrap();
    let pdf = d.join("a.pdf");
    common::build(&[&d.join("a.md")], &pdf, &[]);
    let Some(words) = common::pdf_words(&pdf, &[]) else {
        return;
    };
    // The bottom of each line of the first paragraph's plain words.
    let mut lines: Vec<f64> = Vec::new();
    let page = words
        .iter()
        .find(|w| w.5 == "word0")
        .expect("the paragraph")
        .0;
    for w in words
        .iter()
        .filter(|w| w.0 == page && (w.5 == "plain" || w.5 == "measured"))
    {
        if lines.iter().all(|y| (y - w.4).abs() > 1.0) {
            lines.push(w.4);
        }
    }
    lines.sort_by(f64::total_cmp);
    assert!(lines.len() >= 8, "{lines:?}");
    let gaps: Vec<f64> = lines.windows(2).map(|p| p[1] - p[0]).collect();
    for g in &gaps {
        assert!((g - gaps[0]).abs() < 0.05, "uneven line spacing: {gaps:?}");
    }
}

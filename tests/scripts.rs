//! Every script set right, end to end: a book with Arabic, Hebrew, Persian,
//! Chinese, Japanese, Korean, Hindi, Tamil, Thai, Greek, Cyrillic and emoji
//! passages, built with the fonts installed on the machine (CI installs
//! Debian's Noto fonts). The PDF must pass qpdf, embed and subset every
//! font, give every passage's words back to `pdftotext` in logical order
//! and keep every glyph in the text block; the EPUB must pass epubcheck with
//! `dir` and `lang` where they belong. Without system fonts, a book warns
//! once per script it cannot draw. French, German and Japanese books show
//! their own labels and quotes in both formats.

mod common;

use common::{epubcheck, tool_output};
use std::path::Path;
use std::process::Command;

/// The passages: language, text.
const PASSAGES: &[(&str, &str)] = &[
    (
        "ar",
        "اللغة العربية لغة جميلة يتحدث بها الملايين من الناس في العالم.",
    ),
    ("he", "העברית היא שפה עתיקה שחזרה לחיים בעת החדשה."),
    (
        "fa",
        "زبان فارسی یکی از زبان‌های کهن جهان است و شاعران بزرگی دارد.",
    ),
    (
        "zh",
        "中文是世界上使用人数最多的语言之一，有着悠久的历史和丰富的文化。",
    ),
    (
        "ja",
        "日本語は漢字と平仮名と片仮名を組み合わせて書かれる言語です。",
    ),
    (
        "ko",
        "한국어는 한글이라는 고유한 문자로 쓰이며 아름다운 언어입니다.",
    ),
    ("hi", "हिन्दी भारत की सबसे अधिक बोली जाने वाली भाषा है।"),
    ("ta", "தமிழ் உலகின் மிகப் பழமையான மொழிகளில் ஒன்றாகும்."),
    ("th", "ภาษาไทยเป็นภาษาที่มีวรรณยุกต์และเขียนโดยไม่เว้นวรรคระหว่างคำ"),
    (
        "el",
        "Η ελληνική γλώσσα έχει μακρά ιστορία και πλούσια γραμματεία.",
    ),
    (
        "ru",
        "Русский язык является одним из самых распространённых языков мира.",
    ),
    ("emoji", "Emoji travel well 😀 🌍 🐱 across every script."),
];

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// The book's Markdown: each passage a paragraph of its own (the CJK and
/// Thai ones repeated so they must break inside a line), with a heading.
fn book() -> String {
    let mut md = String::from(
        "---\ntitle: Scripts of the World\nlanguage: en\n---\n\n# Scripts of the world\n\n",
    );
    for (lang, text) in PASSAGES {
        md.push_str(&format!("## Passage {lang}\n\n"));
        let repeat = if matches!(*lang, "zh" | "ja" | "th") {
            3
        } else {
            1
        };
        md.push_str(&vec![*text; repeat].join(""));
        md.push_str("\n\n");
    }
    md.push_str("- שלום לכולם\n- עוד פריט\n\nAn English line with العربية inside it.\n");
    md
}

fn run(dir: &Path, args: &[&str]) -> std::process::Output {
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
    out
}

/// The words of a passage: split at spaces, punctuation trimmed.
fn words(text: &str) -> Vec<String> {
    text.split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| c.is_ascii_punctuation() || "。，،.।".contains(c))
                .to_string()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// How many of `wanted` are found in `text` in order (whitespace and line
/// ends ignored), as a share.
fn recall_in_order(text: &str, wanted: &[String]) -> f64 {
    let flat: String = text
        .replace("-\n", "")
        .chars()
        .filter(|&c| !ignored(c))
        .collect();
    let mut at = 0;
    let mut found = 0;
    for w in wanted {
        let w: String = w.chars().filter(|&c| !ignored(c)).collect();
        if let Some(i) = flat[at..].find(w.as_str()) {
            found += 1;
            at += i + w.len();
        }
    }
    found as f64 / wanted.len().max(1) as f64
}

/// Spaces, and the invisible marks extraction adds or drops (bidi
/// embeddings, joiners).
fn ignored(c: char) -> bool {
    c.is_whitespace()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Whether Noto fonts for the test's scripts are installed (CI installs
/// them; elsewhere the test says what it skips).
fn have_fonts() -> bool {
    let ok = [
        "/usr/share/fonts/truetype/noto",
        "/usr/share/fonts/opentype/noto",
    ]
    .iter()
    .all(|d| Path::new(d).exists());
    if !ok {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("Noto fonts (fonts-noto-core, fonts-noto-cjk) are required under CI=true");
        }
        eprintln!("notice: Noto fonts not installed; skipping the world-scripts book");
    }
    ok
}

#[test]
fn world_scripts_book_in_pdf_and_epub() {
    if !have_fonts() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("book/world.md"), &book());
    let out = run(dir.path(), &["build", "book", "-o", "world.pdf", "-v"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("no font for"),
        "every script has a font: {stderr}"
    );
    // -v names each face drawn with and its file.
    assert!(stderr.contains("Noto"), "faces reported: {stderr}");
    let pdf = dir.path().join("world.pdf");
    let pdf_s = pdf.to_str().unwrap();
    if let Some(check) = tool_output("qpdf", &["--check", pdf_s]) {
        assert!(
            check.contains("No syntax or stream encoding errors"),
            "{check}"
        );
    }
    if let Some(fonts) = tool_output("pdffonts", &[pdf_s]) {
        for line in fonts.lines().skip(2) {
            let cols: Vec<&str> = line.split_whitespace().collect();
            // name type encoding emb sub uni object ID
            let n = cols.len();
            assert!(n >= 7, "{line}");
            assert_eq!(cols[n - 5], "yes", "embedded: {line}");
            // A Type 3 font (the colour emoji face) holds only the glyphs
            // drawn: it is a subset without a subset tag.
            if !line.contains("Type 3") {
                assert_eq!(cols[n - 4], "yes", "subset: {line}");
            }
            assert_eq!(cols[n - 3], "yes", "ToUnicode: {line}");
        }
    }
    if let Some(text) = tool_output("pdftotext", &[pdf_s, "-"]) {
        for (lang, passage) in PASSAGES {
            let wanted = words(passage);
            let recall = recall_in_order(&text, &wanted);
            assert!(
                recall >= 0.95,
                "{lang}: recall {recall:.2} of {wanted:?} in\n{text}"
            );
        }
    }
    // No glyph outside the text block (A4, the layout's margins).
    if let Some(bbox) = tool_output("pdftotext", &["-bbox", pdf_s, "-"]) {
        let (width, height) = (595.276, 841.89);
        let (top, bottom, inner, outer) = (width * 0.12, width * 0.15, width * 0.14, width * 0.18);
        let mut page = 0;
        for line in bbox.lines().map(str::trim) {
            if line.starts_with("<page") {
                page += 1;
            }
            let Some(rest) = line.strip_prefix("<word ") else {
                continue;
            };
            let num = |key: &str| -> f64 {
                let start = rest.find(&format!("{key}=\"")).unwrap() + key.len() + 2;
                rest[start..].split('"').next().unwrap().parse().unwrap()
            };
            let (x0, y0, x1, y1) = (num("xMin"), num("yMin"), num("xMax"), num("yMax"));
            if y1 < top || y0 > height - bottom {
                continue; // running heads and folios
            }
            let left = if page % 2 == 0 { outer } else { inner };
            let right = width - if page % 2 == 0 { inner } else { outer };
            assert!(
                x0 >= left - 0.6 && x1 <= right + 0.6,
                "page {page}: {line} outside {left:.1}..{right:.1}"
            );
        }
    }

    // --json lists the faces with their files.
    let out = run(dir.path(), &["build", "book", "-o", "world2.pdf", "--json"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let book: serde_json::Value = serde_json::from_str(stdout.lines().next().unwrap()).unwrap();
    let fonts = book["fonts"].as_array().unwrap();
    let arabic = fonts
        .iter()
        .find(|f| f["family"].as_str().unwrap().contains("Arabic"))
        .unwrap_or_else(|| panic!("an Arabic face: {fonts:?}"));
    assert!(
        Path::new(arabic["file"].as_str().unwrap()).exists(),
        "{arabic}"
    );
    let japanese = fonts
        .iter()
        .any(|f| f["family"].as_str().unwrap().contains("CJK JP"));
    assert!(japanese, "Japanese text takes a Japanese face: {fonts:?}");

    // The EPUB: valid, with dir and lang where they belong.
    run(dir.path(), &["build", "book", "-o", "world.epub"]);
    let epub = dir.path().join("world.epub");
    epubcheck(&epub);
    let xhtml = chapter_text(&epub);
    assert!(
        xhtml.contains("<p lang=\"ar\" xml:lang=\"ar\" dir=\"rtl\">اللغة"),
        "{xhtml}"
    );
    assert!(xhtml.contains("<p lang=\"he\" xml:lang=\"he\" dir=\"rtl\">"));
    assert!(xhtml.contains("<p lang=\"fa\" xml:lang=\"fa\" dir=\"rtl\">"));
    assert!(xhtml.contains("<p lang=\"ja\" xml:lang=\"ja\">日本語"));
    assert!(xhtml.contains("<p lang=\"zh\" xml:lang=\"zh\">中文"));
    assert!(xhtml.contains("<p lang=\"th\" xml:lang=\"th\">"));
    assert!(xhtml.contains("<li lang=\"he\" xml:lang=\"he\" dir=\"rtl\">שלום"));
    assert!(
        xhtml.contains("with <span lang=\"ar\" xml:lang=\"ar\" dir=\"rtl\">العربية</span> inside"),
        "{xhtml}"
    );
    assert!(
        !xhtml.contains("lang=\"en\" xml:lang=\"en\" dir") && xhtml.contains("<p>Emoji travel"),
        "English and emoji keep the book's language"
    );
}

/// The chapter documents of an EPUB, concatenated.
fn chapter_text(epub: &Path) -> String {
    let file = std::fs::File::open(epub).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut out = String::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        if entry.name().is_ok_and(|n| n.ends_with(".xhtml")) {
            use std::io::Read;
            entry.read_to_string(&mut out).unwrap();
        }
    }
    out
}

#[test]
fn without_system_fonts_one_warning_per_script() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("book/world.md"), &book());
    let out = run(
        dir.path(),
        &["build", "book", "-o", "world.pdf", "--no-system-fonts"],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("no font for"))
        .collect();
    // Hebrew, Greek and Cyrillic are in the bundled fonts.
    for script in [
        "Arabic",
        "Han",
        "Hiragana",
        "Hangul",
        "Devanagari",
        "Tamil",
        "Thai",
        "emoji",
    ] {
        let n = warnings
            .iter()
            .filter(|w| w.contains(&format!("no font for {script} (")))
            .count();
        assert_eq!(n, 1, "one warning for {script}: {stderr}");
    }
    assert!(!stderr.contains("no font for Greek") && !stderr.contains("no font for Cyrillic"));
    assert!(!stderr.contains("no font for Hebrew"));
    assert!(warnings.len() <= 11, "{stderr}");
    assert!(
        warnings.iter().all(|w| w.contains("install fonts-noto")),
        "{stderr}"
    );
}

/// A small book in `lang` with quotes, a dash, an ellipsis and code.
fn localized_book(dir: &Path, lang: &str) {
    write(
        &dir.join("book/one.md"),
        &format!(
            "---\ntitle: Livre\nlanguage: {lang}\n---\n\n# Un\n\nHe said \"yes\" -- and 'no'... `\"code\"`\n\n```\n\"block\" -- ...\n```\n"
        ),
    );
}

#[test]
fn french_german_and_japanese_books_speak_their_language() {
    for (lang, contents, open, close) in [
        ("fr", "Table des matières", "«\u{202F}", "\u{202F}»"),
        ("de", "Inhalt", "„", "“"),
        ("ja", "目次", "「", "」"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        localized_book(dir.path(), lang);
        run(
            dir.path(),
            &["build", "book", "-o", "book.epub", "--toc-page"],
        );
        let epub = dir.path().join("book.epub");
        epubcheck(&epub);
        let xhtml = chapter_text(&epub);
        assert!(
            xhtml.contains(&format!("He said {open}yes{close} – and")),
            "{lang}: {xhtml}"
        );
        assert!(xhtml.contains("…"), "{lang}: ellipsis");
        assert!(
            xhtml.contains("<code>\"code\"</code>") && xhtml.contains("\"block\" -- ..."),
            "{lang}: code is left alone: {xhtml}"
        );
        assert!(
            xhtml.contains(&format!("<h1>{contents}</h1>")),
            "{lang}: contents page title: {xhtml}"
        );
        run(dir.path(), &["build", "book", "-o", "book.pdf", "--toc"]);
        let pdf = dir.path().join("book.pdf");
        if let Some(text) = tool_output("pdftotext", &[pdf.to_str().unwrap(), "-"]) {
            assert!(text.contains(contents), "{lang}: {text}");
            let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
            let open_t = open.trim_end_matches('\u{202F}');
            assert!(flat.contains(open_t), "{lang}: {flat}");
            assert!(flat.contains("\"code\""), "{lang}: code in the PDF: {flat}");
        }
    }
}

#[test]
fn generated_cover_falls_back_and_warns_per_script() {
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("book/one.md"),
        "---\ntitle: 東京の物語\nauthors: [محمد علي]\nlanguage: ja\n---\n\n# 一\n\n本文です。\n",
    );
    let out = run(
        dir.path(),
        &[
            "build",
            "book",
            "-o",
            "hermetic.epub",
            "--cover",
            "auto",
            "--no-system-fonts",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    for script in ["Han", "Arabic"] {
        let n = stderr
            .lines()
            .filter(|l| l.contains(&format!("no font for {script} in the cover (")))
            .count();
        assert_eq!(n, 1, "{script}: {stderr}");
    }
    if !have_fonts() {
        return;
    }
    let out = run(
        dir.path(),
        &["build", "book", "-o", "book.epub", "--cover", "auto"],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("no font for"), "{stderr}");
    epubcheck(&dir.path().join("book.epub"));
}

#[test]
fn right_to_left_book_runs_right_to_left() {
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("book/one.md"),
        "---\ntitle: كتاب\nlanguage: ar\n---\n\n# الفصل الأول\n\nهذا نص عربي قصير \"مقتبس\" مع English words في وسطه.\n\n1. البند الأول\n2. البند الثاني\n",
    );
    run(dir.path(), &["build", "book", "-o", "book.epub"]);
    let epub = dir.path().join("book.epub");
    epubcheck(&epub);
    let file = std::fs::File::open(&epub).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut opf = String::new();
    {
        use std::io::Read;
        zip.by_name("OEBPS/content.opf")
            .unwrap()
            .read_to_string(&mut opf)
            .unwrap();
    }
    assert!(opf.contains("page-progression-direction=\"rtl\""), "{opf}");
    let xhtml = chapter_text(&epub);
    // The book is Arabic: its paragraphs need no lang or dir of their own,
    // the English words inside one do (taken for English, left to right),
    // and the quotes are Arabic guillemets.
    assert!(xhtml.contains("<p>هذا نص عربي قصير «مقتبس»"), "{xhtml}");
    assert!(
        xhtml.contains("مع <span lang=\"en\" xml:lang=\"en\" dir=\"ltr\">English words</span> في"),
        "{xhtml}"
    );
    assert!(xhtml.contains("<li>البند الأول</li>"), "{xhtml}");
    run(dir.path(), &["build", "book", "-o", "book.pdf"]);
    let pdf = dir.path().join("book.pdf");
    if let Some(text) = tool_output("pdftotext", &[pdf.to_str().unwrap(), "-"]) {
        let wanted = words("هذا نص عربي قصير مع English words في وسطه");
        let recall = recall_in_order(&text, &wanted);
        assert!(recall >= 0.95, "recall {recall:.2}: {text}");
    }
}

/// Whether Noto Color Emoji (a CBDT colour bitmap face, Debian's
/// fonts-noto-color-emoji) is installed; CI installs it.
fn have_color_emoji() -> bool {
    let ok = Path::new("/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf").exists();
    if !ok {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("Noto Color Emoji (fonts-noto-color-emoji) is required under CI=true");
        }
        eprintln!("notice: Noto Color Emoji not installed; skipping the colour emoji test");
    }
    ok
}

/// Every dictionary in `qpdf --json` output (object values and stream
/// dictionaries), found by walking the whole document.
fn dictionaries(
    value: &serde_json::Value,
    out: &mut Vec<serde_json::Map<String, serde_json::Value>>,
) {
    match value {
        serde_json::Value::Object(map) => {
            if map.contains_key("/Subtype") || map.contains_key("/Type") {
                out.push(map.clone());
            }
            for v in map.values() {
                dictionaries(v, out);
            }
        }
        serde_json::Value::Array(items) => {
            for v in items {
                dictionaries(v, out);
            }
        }
        _ => {}
    }
}

/// Pixels of a rendered page that are emoji yellow (saturated, no white,
/// black or grey of text and rules).
fn yellow_pixels(png: &Path) -> usize {
    let img = image::open(png).unwrap().to_rgb8();
    img.pixels()
        .filter(|p| p[0] > 200 && p[1] > 140 && p[1] < 230 && p[2] < 90)
        .count()
}

#[test]
fn colour_emoji_are_drawn_as_images_and_read_as_text() {
    if !have_color_emoji() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("book/party.md"),
        "---\ntitle: Party 😀🎉\nlanguage: en\n---\n\n# A party 😀🎉\n\nA grin 😀 and a party 🎉, then the grin again 😀.\n",
    );
    let out = run(dir.path(), &["build", "book", "-o", "party.pdf", "-v"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("warning:"), "no warning: {stderr}");
    assert!(
        stderr.contains("Noto Color Emoji"),
        "face reported: {stderr}"
    );
    let pdf = dir.path().join("party.pdf");
    let pdf_s = pdf.to_str().unwrap();
    if let Some(check) = tool_output("qpdf", &["--check", pdf_s]) {
        assert!(
            check.contains("No syntax or stream encoding errors"),
            "{check}"
        );
    }
    if let Some(json) = tool_output("qpdf", &["--json", pdf_s]) {
        let json: serde_json::Value = serde_json::from_str(&json).unwrap();
        let mut dicts = Vec::new();
        dictionaries(&json, &mut dicts);
        let is = |d: &serde_json::Map<String, serde_json::Value>, key: &str, v: &str| {
            d.get(key).and_then(|x| x.as_str()) == Some(v)
        };
        // One colour image (with its alpha as a soft mask) per distinct
        // emoji, however often it is drawn; no other images in the book.
        let colour = dicts
            .iter()
            .filter(|d| is(d, "/Subtype", "/Image") && d.contains_key("/SMask"))
            .count();
        assert_eq!(colour, 2, "one image per distinct emoji");
        assert!(
            dicts.iter().any(|d| is(d, "/Subtype", "/Type3")),
            "the emoji face as a Type 3 font"
        );
    }
    if let Some(text) = tool_output("pdftotext", &[pdf_s, "-"]) {
        assert!(
            text.contains("A grin 😀 and a party 🎉"),
            "emoji extract as text: {text}"
        );
        assert!(text.contains("A party 😀🎉"), "heading: {text}");
    }
    // Rendered, the page shows the emoji in colour.
    if common::have("pdftoppm", &["-v"]) {
        let prefix = dir.path().join("page");
        let status = Command::new("pdftoppm")
            .args(["-r", "100", "-png", "-f", "1", "-l", "1", pdf_s])
            .arg(&prefix)
            .status()
            .unwrap();
        assert!(status.success());
        let png = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|e| e == "png"))
            .expect("a rendered page");
        if let Ok(keep) = std::env::var("BINDERY_KEEP_PAGE") {
            std::fs::copy(&png, keep).unwrap();
        }
        assert!(yellow_pixels(&png) > 100, "emoji drawn in colour");
    }
    // The generated cover draws them too.
    let out = run(
        dir.path(),
        &["build", "book", "-o", "party.epub", "--cover", "auto"],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("warning:"), "no warning: {stderr}");
    epubcheck(&dir.path().join("party.epub"));
    let file = std::fs::File::open(dir.path().join("party.epub")).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let name = (0..zip.len())
        .map(|i| {
            zip.by_index(i)
                .unwrap()
                .name()
                .map(|n| n.to_string())
                .unwrap_or_default()
        })
        .find(|n| n.contains("cover") && n.ends_with(".png"))
        .expect("a generated cover image");
    let cover = dir.path().join("cover.png");
    {
        use std::io::Read;
        let mut bytes = Vec::new();
        zip.by_name(&name).unwrap().read_to_end(&mut bytes).unwrap();
        std::fs::write(&cover, bytes).unwrap();
    }
    assert!(yellow_pixels(&cover) > 1000, "emoji on the cover");
}

#[test]
fn french_punctuation_takes_narrow_no_break_spaces() {
    let n = '\u{202F}';
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("book/un.md"),
        "---\ntitle: Livre\nlanguage: fr\n---\n\n# Un\n\nQuoi ? Il a dit : « oui » ! Rendez-vous à 12:30 sur <https://exemple.fr/a?b=1;c=2> ; merci! Et \"ceci\"? `a ? b : c`\n",
    );
    run(dir.path(), &["build", "book", "-o", "book.epub"]);
    let epub = dir.path().join("book.epub");
    epubcheck(&epub);
    let xhtml = chapter_text(&epub);
    for want in [
        format!("Quoi{n}? Il a dit{n}: «{n}oui{n}»{n}! Rendez-vous à 12:30 sur"),
        format!("</a>{n}; merci{n}! Et «{n}ceci{n}»{n}?"),
        "href=\"https://exemple.fr/a?b=1;c=2\">https://exemple.fr/a?b=1;c=2</a>".to_string(),
        "<code>a ? b : c</code>".to_string(),
    ] {
        assert!(xhtml.contains(&want), "{want:?} in {xhtml}");
    }
    run(dir.path(), &["build", "book", "-o", "book.pdf"]);
    let pdf = dir.path().join("book.pdf");
    // In the PDF the narrow spaces are gaps (pdftotext reads them as
    // spaces): each mark is a word of its own, nearer its neighbour than
    // words are to each other, on the same line; `merci!` was typed
    // without one.
    if let Some(words) = common::pdf_words(&pdf, &[]) {
        let text: Vec<&str> = words.iter().map(|w| w.5.as_str()).collect();
        let line = text.join(" ");
        for want in [
            "Quoi ? Il a dit : « oui » !",
            "12:30",
            "https://exemple.fr/a?b=1;c=2 ;",
            "merci !",
            "« ceci » ?",
            "a ? b : c",
        ] {
            assert!(line.contains(want), "{want:?} in {line:?}");
        }
        let mut narrow = Vec::new();
        let mut wide = Vec::new();
        for pair in words.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            if a.0 != b.0 || (a.2 - b.2).abs() > 0.5 || b.1 < a.3 {
                continue;
            }
            let gap = b.1 - a.3;
            if a.5 == "a" || a.5 == "b" || b.5 == "c" {
                continue; // the code span
            }
            if [";", ":", "!", "?", "»"].contains(&b.5.as_str()) || a.5 == "«" {
                narrow.push(gap);
            } else {
                wide.push(gap);
            }
        }
        assert!(narrow.len() >= 9, "{narrow:?}");
        let least_wide = wide.iter().copied().fold(f64::MAX, f64::min);
        for gap in narrow {
            assert!(gap > 0.5 && gap < 0.6 * least_wide, "{gap} vs {least_wide}");
        }
    }
}

#[test]
fn continued_label_follows_the_project_labels() {
    let dir = tempfile::tempdir().unwrap();
    // A note far longer than a page goes on over the page, marked.
    let note = "Une note très longue qui continue encore et encore. ".repeat(160);
    write(
        &dir.path().join("book/un.md"),
        &format!(
            "---\ntitle: Livre\nlanguage: fr\n---\n\n# Un\n\nUn paragraphe avec une note.[^1]\n\n[^1]: {note}\n"
        ),
    );
    run(dir.path(), &["build", "book", "-o", "default.pdf"]);
    write(
        &dir.path().join("book/bindery.toml"),
        "[labels]\ncontinued = \"suite au verso\"\n",
    );
    run(dir.path(), &["build", "book", "-o", "custom.pdf"]);
    let text =
        |name: &str| tool_output("pdftotext", &[dir.path().join(name).to_str().unwrap(), "-"]);
    if let (Some(default), Some(custom)) = (text("default.pdf"), text("custom.pdf")) {
        assert!(default.contains("Suite →"), "French label: {default}");
        assert!(
            custom.contains("suite au verso →"),
            "the project's label: {custom}"
        );
        assert!(!custom.contains("Suite →"), "{custom}");
    }
}

#[test]
fn latin_phrases_in_arabic_and_japanese_books_have_their_own_language() {
    for (lang, body, around) in [
        (
            "ar",
            "هذا نص عربي مع English words في وسطه.\n\nAn English paragraph in an Arabic book.\n",
            "مع ",
        ),
        (
            "ja",
            "これは日本語の文章で、English words が入っています。\n\nAn English paragraph in a Japanese book.\n",
            "文章で、",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        write(
            &dir.path().join("book/one.md"),
            &format!("---\ntitle: Book\nlanguage: {lang}\n---\n\n# One\n\n{body}"),
        );
        run(dir.path(), &["build", "book", "-o", "book.epub"]);
        let epub = dir.path().join("book.epub");
        epubcheck(&epub);
        let xhtml = chapter_text(&epub);
        let dir_attr = if lang == "ar" { " dir=\"ltr\"" } else { "" };
        let span =
            format!("{around}<span lang=\"en\" xml:lang=\"en\"{dir_attr}>English words</span>");
        assert!(xhtml.contains(&span), "{lang}: {span} in {xhtml}");
        let para = format!("<p lang=\"en\" xml:lang=\"en\"{dir_attr}>An English paragraph");
        assert!(xhtml.contains(&para), "{lang}: {para} in {xhtml}");
    }
}

//! EPUB books beyond one article: chapters from a folder, cross-links and
//! footnotes, magazine sections, splitting, covers, metadata, right-to-left
//! languages, accessibility claims. Snapshots of the OPF, nav and XHTML.

mod common;

use std::io::Read;
use std::path::Path;
use std::process::Command;

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn build(dir: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_bindery"))
        .args(args)
        .current_dir(dir)
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{args:?}: {stderr}");
    stderr
}

fn entry(epub: &Path, name: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(epub).unwrap()).unwrap();
    let mut e = archive
        .by_name(name)
        .unwrap_or_else(|_| panic!("{name} missing"));
    let mut s = String::new();
    e.read_to_string(&mut s).unwrap();
    s
}

fn book(dir: &Path) {
    write(
        &dir.join("book/01-intro.md"),
        "---\ntitle: The Test Book\nsubtitle: Chapters and Links\nauthors:\n  - Ada Lovelace\n  - name: Charles Babbage\n    role: editor\nlanguage: en-GB\ndate: 2024-05-01\npublisher: Test Press\nsubjects: [Engines, Notes]\nrights: CC BY 4.0\nseries: Test Series\nseries_index: 2\n---\n# Introduction\n\nSee [the middle](02-middle.md#a-section), [the end](10-end.md) and [nowhere](#nowhere).\nA note[^one] here.\n\n[^one]: The first note, with a [link back](#introduction).\n",
    );
    write(
        &dir.join("book/02-middle.md"),
        "# The Middle\n\nIntro text.\n\n## A Section\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n\n- [x] done\n- [ ] open\n\nAnother note[^two].\n\n[^two]: Second.\n",
    );
    write(
        &dir.join("book/10-end.md"),
        "# The End\n\n## A Section\n\nSame heading text as in the middle: the id must differ.\n\n![A diagram of nothing](pic.png)\n",
    );
    let img = image::RgbImage::from_pixel(40, 30, image::Rgb([10, 120, 200]));
    img.save(dir.join("book/pic.png")).unwrap();
}

#[test]
fn multi_chapter_book_with_links_and_notes() {
    let dir = tempfile::tempdir().unwrap();
    book(dir.path());
    let stderr = build(dir.path(), &["build", "book", "-o", "book.epub"]);
    assert!(
        stderr.contains("book/01-intro.md:18:68: warning: link target not found (#nowhere)"),
        "{stderr}"
    );
    let epub = dir.path().join("book.epub");
    common::epubcheck(&epub);
    // Natural order: 01, 02, 10.
    let opf = entry(&epub, "OEBPS/content.opf");
    insta::assert_snapshot!("book_opf", opf);
    let nav = entry(&epub, "OEBPS/nav.xhtml");
    insta::assert_snapshot!("book_nav", nav);
    let ch1 = entry(&epub, "OEBPS/chapter-001.xhtml");
    insta::assert_snapshot!("book_chapter_1", ch1);
    assert!(ch1.contains("href=\"chapter-002.xhtml#a-section\""));
    assert!(ch1.contains("href=\"chapter-003.xhtml#ch-h-10-end\""));
    let ch3 = entry(&epub, "OEBPS/chapter-003.xhtml");
    assert!(
        ch3.contains("id=\"a-section-2\""),
        "ids unique across the book"
    );
    assert!(opf.contains("<meta property=\"schema:accessibilityFeature\">alternativeText</meta>"));
    assert!(opf.contains("dcterms:conformsTo"));
}

#[test]
fn split_chapters_keep_links_working() {
    let dir = tempfile::tempdir().unwrap();
    book(dir.path());
    build(
        dir.path(),
        &[
            "build",
            "book",
            "-o",
            "split.epub",
            "--split-level",
            "2",
            "--toc-page",
            "--toc-depth",
            "3",
        ],
    );
    let epub = dir.path().join("split.epub");
    common::epubcheck(&epub);
    let ch1 = entry(&epub, "OEBPS/chapter-001.xhtml");
    // The middle chapter is split in two: its section is the third file.
    assert!(
        ch1.contains("href=\"chapter-003.xhtml#a-section\""),
        "{ch1}"
    );
    let toc = entry(&epub, "OEBPS/toc.xhtml");
    assert!(toc.contains("A Section"));
}

#[test]
fn magazine_issue_with_sections_and_covers() {
    let dir = tempfile::tempdir().unwrap();
    let seed = std::fs::read_to_string(common::seed("xi-putin.md")).unwrap();
    write(&dir.path().join("issue/01-world/01-xi.md"), &seed);
    write(
        &dir.path().join("issue/01-world/02-other.md"),
        &seed
            .replace("Peacemaker or provocateur?", "Second kicker")
            .replace(
                "What does Xi Jinping want from Vladimir Putin?",
                "A second article",
            ),
    );
    write(
        &dir.path()
            .join("issue/02-business_and_finance/01-markets.md"),
        "---\nsection: Markets\n---\n###### Kicker three\n# Markets wobble\n##### Standfirst\n> Mar 1st 2024\nOne line of body text that is long enough to be a paragraph of its own in the article dialect.\nAnother line of body text that is long enough to be a paragraph of its own, too, again.\n",
    );
    write(
        &dir.path().join("issue/bindery.toml"),
        "[metadata]\ntitle = \"The Weekly, 1 March 2024\"\nlanguage = \"en\"\nauthors = [\"The Editors\"]\n\n[output]\nformats = [\"epub\"]\nname = \"{title-slug}\"\n\n[epub]\ncover = \"auto\"\n",
    );
    build(dir.path(), &["build", "issue", "--out-dir", "out"]);
    let epub = dir.path().join("out/the-weekly-1-march-2024.epub");
    common::epubcheck(&epub);
    let nav = entry(&epub, "OEBPS/nav.xhtml");
    assert!(nav.contains(">World</a>"), "{nav}");
    assert!(
        nav.contains(">Markets</a>"),
        "front matter section wins: {nav}"
    );
    assert!(nav.contains("What does Xi Jinping want from Vladimir Putin?"));
    assert!(
        !nav.contains("kicker") && !nav.contains("Peacemaker"),
        "never kickers"
    );
    let opf = entry(&epub, "OEBPS/content.opf");
    assert!(opf.contains("properties=\"cover-image\""));
    assert!(opf.contains("<meta name=\"cover\" content=\"cover-image\"/>"));
    // A given cover image.
    let img = image::RgbImage::from_pixel(600, 900, image::Rgb([200, 30, 30]));
    img.save(dir.path().join("cover.jpg")).unwrap();
    build(
        dir.path(),
        &["build", "issue", "-o", "given.epub", "--cover", "cover.jpg"],
    );
    common::epubcheck(&dir.path().join("given.epub"));
    let opf = entry(&dir.path().join("given.epub"), "OEBPS/content.opf");
    assert!(
        opf.contains(
            "media-type=\"image/jpeg\" properties=\"cover-image\" id=\"cover-image\" href=\"images/cover.jpg\""
        ),
        "{opf}"
    );
}

#[test]
fn right_to_left_language_and_placeholder_alt_text() {
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("ar.md"),
        "---\ntitle: كتاب\nlanguage: ar\n---\n# مرحبا\n\nنص عربي.\n\n![image](pic.png)\n",
    );
    let img = image::RgbImage::from_pixel(10, 10, image::Rgb([0, 0, 0]));
    img.save(dir.path().join("pic.png")).unwrap();
    build(dir.path(), &["build", "ar.md", "-o", "ar.epub"]);
    let epub = dir.path().join("ar.epub");
    common::epubcheck(&epub);
    let opf = entry(&epub, "OEBPS/content.opf");
    assert!(opf.contains("page-progression-direction=\"rtl\""));
    // "image" is not a text alternative: no claim of alternativeText or conformance.
    assert!(!opf.contains("alternativeText"));
    assert!(!opf.contains("conformsTo"));
    assert!(opf.contains("<meta property=\"schema:accessModeSufficient\">textual,visual</meta>"));
}

#[test]
fn modified_date_from_source_date_epoch() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("a.md"), "---\nlanguage: en\n---\n# A\n");
    let out = Command::new(env!("CARGO_BIN_EXE_bindery"))
        .args(["build", "a.md", "-o", "a.epub"])
        .current_dir(dir.path())
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .output()
        .unwrap();
    assert!(out.status.success());
    let opf = entry(&dir.path().join("a.epub"), "OEBPS/content.opf");
    assert!(
        opf.contains("<meta property=\"dcterms:modified\">2023-11-14T22:13:20Z</meta>"),
        "{opf}"
    );
}

/// Issue 16: what epubcheck alone does not see, each checked on the output.
#[test]
fn narrow_screen_markup_notes_urls_and_front_matter() {
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("a.md"),
        "---\nlanguage: en\ntitle: Cases\n---\n# One\n\n\
Bracket: <https://example.com/\\[\\>\n\n\
IPv6: <http://[2001:db8::1]:1896/a[b]?x=[y]>\n\n\
Bare: https://example.org/path?q=1. and www.example.com/x.\n\n\
2<sup>10</sup> = 1024, H<sub>2</sub>O, <kbd>Ctrl</kbd>, <u>under</u>.\n\n\
A claim[^n] and again[^n].\n\n\
Term\n: Definition.\n\n\
| a | b | c | d |\n|---|---|---|---|\n| 1 | 2 | 3 | 4 |\n\n\
```\nfn f() {\n    let x = 1;\n}\n```\n\n\
## Two\n\n### Three\n\n[^n]: The note.\n",
    );
    // CommonMark example 96: a thematic break and a setext heading, not front matter.
    write(&dir.path().join("b.md"), "---\nFoo\n---\nBar\n---\nBaz\n");
    let stderr = build(
        dir.path(),
        &[
            "build",
            "a.md",
            "b.md",
            "-o",
            "out.epub",
            "--toc-depth",
            "3",
        ],
    );
    assert!(
        stderr.contains("raw HTML <u> has no equivalent in the book; only its text is kept"),
        "{stderr}"
    );
    assert!(!stderr.contains("front matter"), "{stderr}");
    let epub = dir.path().join("out.epub");
    common::epubcheck(&epub);
    // Break opportunities in URLs' text (`<wbr/>`) are not text.
    let one = entry(&epub, "OEBPS/chapter-001.xhtml").replace("<wbr/>", "");
    for expected in [
        "href=\"https://example.com/%5C%5B%5C\"",
        "href=\"http://[2001:db8::1]:1896/a%5Bb%5D?x=%5By%5D\"",
        "<a href=\"https://example.org/path?q=1\">https://example.org/path?q=1</a>.",
        "<a href=\"http://www.example.com/x\">www.example.com/x</a>.",
        "2<sup>10</sup> = 1024, H<sub>2</sub>O, <kbd>Ctrl</kbd>",
        "<dl>\n<dt>Term</dt>\n<dd>Definition.</dd>\n</dl>",
        "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"Table 1\">",
        "<span class=\"line\">fn f() {\n</span><span class=\"line\" style=\"padding-left:6ch;text-indent:-6ch\">    let x = 1;\n</span>",
    ] {
        assert!(one.contains(expected), "{expected}\n---\n{one}");
    }
    // Both references have their own id; the note links back to each.
    assert!(
        one.contains("href=\"#fn-n\" id=\"fnref-n\"><sup>1</sup>"),
        "{one}"
    );
    assert!(
        one.contains("href=\"#fn-n\" id=\"fnref-n-2\"><sup>1</sup>"),
        "{one}"
    );
    assert!(one.contains("<a href=\"#fnref-n\" role=\"doc-backlink\">1.</a>"));
    assert!(one.contains("<a href=\"#fnref-n-2\" role=\"doc-backlink\""));
    let two = entry(&epub, "OEBPS/chapter-002.xhtml");
    assert!(two.contains("<hr/>") && two.contains(">Foo</h2>"), "{two}");
    // The NCX says how deep its tree is (chapter, ##, ###: 3) and whose it is.
    let ncx = entry(&epub, "OEBPS/toc.ncx");
    assert!(
        ncx.contains("<meta name=\"dtb:depth\" content=\"3\" />"),
        "{ncx}"
    );
    assert!(
        ncx.contains("<meta name=\"dtb:uid\" content=\"urn:uuid:"),
        "{ncx}"
    );
    let opf = entry(&epub, "OEBPS/content.opf");
    assert!(
        !opf.contains(">table</meta>"),
        "not a schema.org value: {opf}"
    );
}

/// Footnote numbers run through the book, or restart per chapter on request.
#[test]
fn footnotes_are_numbered_through_the_book() {
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("a.md"),
        "---\nlanguage: en\n---\n# A\n\nOne[^x] two[^y].\n\n[^x]: X.\n[^y]: Y.\n",
    );
    write(&dir.path().join("b.md"), "# B\n\nThree[^z].\n\n[^z]: Z.\n");
    build(dir.path(), &["build", "a.md", "b.md", "-o", "out.epub"]);
    let epub = dir.path().join("out.epub");
    common::epubcheck(&epub);
    let b = entry(&epub, "OEBPS/chapter-002.xhtml");
    assert!(b.contains("<sup>3</sup>"), "{b}");
    assert!(b.contains("role=\"doc-backlink\">3.</a> Z."), "{b}");
    build(
        dir.path(),
        &[
            "build",
            "a.md",
            "b.md",
            "-o",
            "per.epub",
            "--notes-per-chapter",
        ],
    );
    let b = entry(&dir.path().join("per.epub"), "OEBPS/chapter-002.xhtml");
    assert!(b.contains("<sup>1</sup>"), "{b}");
}

/// A magazine issue: the issue's own title, date and publisher (from the
/// folder's `_index.md`), a creator, article authors as contributors.
#[test]
fn magazine_issue_metadata() {
    let dir = tempfile::tempdir().unwrap();
    let seed = std::fs::read_to_string(common::seed("xi-putin.md")).unwrap();
    let body: String = seed.lines().skip(2).collect::<Vec<_>>().join("\n");
    write(
        &dir.path().join("2024-03-01-weekly/01-a.md"),
        &format!("---\ntitle: First article\nauthor: Jane Doe\nlanguage: en\n---\n{body}\n"),
    );
    write(
        &dir.path().join("2024-03-01-weekly/02-b.md"),
        &format!("---\ntitle: Second article\nauthor: John Roe\n---\n{body}\n"),
    );
    build(
        dir.path(),
        &["build", "2024-03-01-weekly", "-o", "default.epub"],
    );
    let epub = dir.path().join("default.epub");
    common::epubcheck(&epub);
    let opf = entry(&epub, "OEBPS/content.opf");
    assert!(
        opf.contains("<dc:title>Weekly 2024-03-01</dc:title>"),
        "{opf}"
    );
    assert!(
        opf.contains("<dc:date>2024-03-01T00:00:00Z</dc:date>"),
        "{opf}"
    );
    assert!(opf.contains("<dc:creator id=\"epub-creator-0\">Weekly 2024-03-01</dc:creator>"));
    assert!(
        opf.contains(">Jane Doe</dc:contributor>") && opf.contains(">John Roe</dc:contributor>")
    );
    // A crosshead in an article titled by its front matter is a heading.
    let chapter = entry(&epub, "OEBPS/chapter-001.xhtml");
    assert!(chapter.contains(">You call that a plan?</h2>"), "{chapter}");
    assert!(chapter.contains("<p class=\"standfirst\">"), "{chapter}");

    write(
        &dir.path().join("2024-03-01-weekly/_index.md"),
        "---\ntitle: The Weekly\npublisher: Weekly Press\ndate: 2024-03-02\n---\n",
    );
    build(
        dir.path(),
        &["build", "2024-03-01-weekly", "-o", "index.epub"],
    );
    let epub = dir.path().join("index.epub");
    common::epubcheck(&epub);
    let opf = entry(&epub, "OEBPS/content.opf");
    assert!(opf.contains("<dc:title>The Weekly</dc:title>"), "{opf}");
    assert!(opf.contains("<dc:creator id=\"epub-creator-0\">Weekly Press</dc:creator>"));
    assert!(opf.contains("<dc:publisher>Weekly Press</dc:publisher>"));
    assert!(opf.contains("<dc:date>2024-03-02T00:00:00Z</dc:date>"));
    let nav = entry(&epub, "OEBPS/nav.xhtml");
    assert!(!nav.contains("_index"), "{nav}");
}

/// Inline HTML in headings and table cells keeps the elements the book
/// keeps (`<sup>`, `<sub>`, `<kbd>`…), closed at the end of their container
/// when the source leaves them open.
#[test]
fn inline_html_in_headings_and_cells() {
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("a.md"),
        "---\nlanguage: en\n---\n# E = mc<sup>2</sup>, H<sub>2</sub>O\n\n| a | b |\n|---|---|\n| 2<sup>10</sup> | <kbd>Ctrl\n\n## Open <sup>never closed\n\nText.\n",
    );
    build(dir.path(), &["build", "a.md", "-o", "out.epub"]);
    let epub = dir.path().join("out.epub");
    common::epubcheck(&epub);
    let one = entry(&epub, "OEBPS/chapter-001.xhtml");
    assert!(
        one.contains(">E = mc<sup>2</sup>, H<sub>2</sub>O</h1>"),
        "{one}"
    );
    assert!(
        one.contains("<td>2<sup>10</sup></td><td><kbd>Ctrl</kbd></td>"),
        "{one}"
    );
    assert!(one.contains(">Open <sup>never closed</sup></h2>"), "{one}");
}

/// A note cited in two content documents (a chapter split at `##`) is
/// written once; each reference links to it, and it links back to each.
#[test]
fn footnote_cited_across_split_parts() {
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("a.md"),
        "---\nlanguage: en\n---\n# Book\n\n## Part one\n\nFirst ref[^a].\n\n## Part two\n\nSecond ref[^a].\n\n[^a]: Note A.\n",
    );
    build(
        dir.path(),
        &["build", "a.md", "-o", "out.epub", "--split-level", "2"],
    );
    let epub = dir.path().join("out.epub");
    common::epubcheck(&epub);
    let one = entry(&epub, "OEBPS/chapter-001.xhtml");
    let two = entry(&epub, "OEBPS/chapter-002.xhtml");
    assert!(one.contains("id=\"fn-a\""), "{one}");
    assert!(!two.contains("id=\"fn-a\""), "written once: {two}");
    assert!(
        two.contains("href=\"chapter-001.xhtml#fn-a\" id=\"fnref-a-2\""),
        "{two}"
    );
    assert!(
        one.contains("href=\"chapter-002.xhtml#fnref-a-2\" role=\"doc-backlink\""),
        "{one}"
    );
}

//! The stress book in a real browser: each chapter is loaded in headless
//! Chromium in a frame 360 and 600 CSS pixels wide (a phone, a small
//! tablet), and nothing may overflow horizontally (`scrollWidth` ≤ the
//! frame's width); superscripts and subscripts must be there.
//!
//! The stress book (`tests/data/stress`) has tables of 4 and 12 columns,
//! long URLs and words, code, sup/sub, right-to-left text, images with and
//! without widths, footnotes and definition lists. Needs `chromium` (Debian's
//! package); without it the test prints a notice, and fails under `CI=true`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

/// What the probe page measured in one chapter at one width.
#[derive(Debug)]
struct Probe {
    scroll_width: u64,
    client_width: u64,
    sup: u64,
    sub: u64,
}

/// A page that loads `chapter` in a frame `width` pixels wide and writes
/// what it measures into an attribute of its body once everything loaded.
/// (A headless window is at least 500 pixels wide; a frame can be narrower.)
fn probe_page(chapter: &str, width: u32) -> String {
    format!(
        "<!DOCTYPE html><html><body style=\"margin:0\"><iframe id=\"f\" src=\"{chapter}\" style=\"width:{width}px;height:900px;border:0\"></iframe>\
<script>window.addEventListener('load', function () {{ var doc = document.getElementById('f').contentDocument; var d = doc.documentElement; \
document.body.setAttribute('data-probe', JSON.stringify({{sw: d.scrollWidth, cw: d.clientWidth, sup: doc.getElementsByTagName('sup').length, sub: doc.getElementsByTagName('sub').length}})); }});</script></body></html>"
    )
}

/// Runs headless Chromium on `page` (with `extra` flags) and returns the
/// DOM it ends with.
fn chromium(dir: &Path, page: &Path, profile: &Path, extra: &[&str]) -> String {
    let out = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--allow-file-access-from-files",
            "--window-size=800,1000",
            "--virtual-time-budget=5000",
            "--dump-dom",
        ])
        .args(extra)
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("file://{}", page.display()))
        .current_dir(dir)
        .output()
        .expect("run chromium");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The JSON a probe page left in its body's `data-probe` attribute.
fn probe_json(dom: &str, page: &Path) -> serde_json::Value {
    let start = dom
        .find("data-probe=\"")
        .unwrap_or_else(|| panic!("no measurement in {}: {dom}", page.display()))
        + "data-probe=\"".len();
    let end = start + dom[start..].find('"').expect("attribute end");
    let json = dom[start..end].replace("&quot;", "\"");
    serde_json::from_str(&json).expect("probe JSON")
}

fn measure(dir: &Path, page: &Path, profile: &Path) -> Probe {
    let dom = chromium(dir, page, profile, &[]);
    let v = probe_json(&dom, page);
    let n = |k: &str| v[k].as_u64().unwrap_or_else(|| panic!("{k} in {v}"));
    Probe {
        scroll_width: n("sw"),
        client_width: n("cw"),
        sup: n("sup"),
        sub: n("sub"),
    }
}

/// Builds `book` to EPUB, checks it, unpacks it and returns the folder
/// (kept alive by `dir`) and its chapters.
fn unpacked(dir: &Path, book: &Path, extra: &[&str]) -> (PathBuf, Vec<PathBuf>) {
    let epub = dir.join("book.epub");
    common::build(&[book], &epub, extra);
    common::epubcheck(&epub);
    let unpacked = dir.join("book");
    let file = std::fs::File::open(&epub).unwrap();
    zip::ZipArchive::new(file)
        .unwrap()
        .extract(&unpacked)
        .unwrap();
    let oebps = unpacked.join("OEBPS");
    let mut chapters: Vec<PathBuf> = std::fs::read_dir(&oebps)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("chapter-"))
        })
        .collect();
    chapters.sort();
    assert!(chapters.len() >= 2, "{chapters:?}");
    (oebps, chapters)
}

/// Every chapter fits 360 and 600 pixels; returns the counts of `sup`
/// and `sub` at 360.
fn fits(dir: &Path, oebps: &Path, chapters: &[PathBuf]) -> (u64, u64) {
    let profile = dir.join("profile");
    let (mut sup, mut sub) = (0, 0);
    for chapter in chapters {
        let name = chapter.file_name().unwrap().to_string_lossy().into_owned();
        for width in [360, 600] {
            let page = oebps.join(format!("probe-{width}-{name}.html"));
            std::fs::write(&page, probe_page(&name, width)).unwrap();
            let probe = measure(oebps, &page, &profile);
            assert_eq!(probe.client_width, u64::from(width), "{name}: {probe:?}");
            assert!(
                probe.scroll_width <= probe.client_width,
                "{name} overflows at {width} px: {probe:?}"
            );
            if width == 360 {
                sup += probe.sup;
                sub += probe.sub;
            }
        }
    }
    (sup, sub)
}

#[test]
fn stress_book_fits_phone_and_tablet_widths() {
    if !common::have("chromium", &["--version"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let stress = common::root().join("tests/data/stress");
    let (oebps, chapters) = unpacked(dir.path(), &stress, &["--cover", "auto"]);
    let (sup, sub) = fits(dir.path(), &oebps, &chapters);
    assert!(sup > 0, "no <sup> in the stress book's chapters");
    assert!(sub > 0, "no <sub> in the stress book's chapters");
}

/// The technical book (formulas, highlighted code, tables with captions,
/// callouts, the bibliography) fits a phone's and a tablet's width too.
#[test]
fn technical_book_fits_phone_and_tablet_widths() {
    if !common::have("chromium", &["--version"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let tech = common::root().join("tests/data/tech");
    let (oebps, chapters) = unpacked(dir.path(), &tech, &[]);
    fits(dir.path(), &oebps, &chapters);
}

/// A page that loads `chapter` in a frame, optionally forces a reader's
/// night mode on it (black page, light text, as reading systems do), and
/// writes the lowest contrast between a code token's colour and the
/// background it is drawn on, and how many MathML elements have a size.
fn contrast_page(chapter: &str, night: bool) -> String {
    let force = if night {
        "var st = doc.createElement('style'); st.textContent = 'html, body { background: #000 !important; color: #ddd !important; }'; doc.head.appendChild(st);"
    } else {
        ""
    };
    format!(
        "<!DOCTYPE html><html><body><iframe id=\"f\" src=\"{chapter}\" style=\"width:600px;height:900px\"></iframe>\
<script>\
function rgb(s) {{ var m = s.match(/[0-9.]+/g).map(Number); return m; }}\
function lum(c) {{ var a = c.slice(0, 3).map(function (v) {{ v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }}); return 0.2126 * a[0] + 0.7152 * a[1] + 0.0722 * a[2]; }}\
function bg(doc, e) {{ while (e) {{ var c = rgb(doc.defaultView.getComputedStyle(e).backgroundColor); if (c.length < 4 || c[3] > 0) return c; e = e.parentElement; }} return [255, 255, 255]; }}\
window.addEventListener('load', function () {{ var doc = document.getElementById('f').contentDocument; {force}\
var min = 99, n = 0; doc.querySelectorAll('pre.code span[class^=hl-], pre.code .ln, pre.code code').forEach(function (e) {{ var a = lum(rgb(doc.defaultView.getComputedStyle(e).color)), b = lum(bg(doc, e)); var r = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05); n++; if (r < min) min = r; }});\
document.body.setAttribute('data-probe', JSON.stringify({{min: min, n: n}})); }});</script></body></html>"
    )
}

/// Highlighted code keeps a contrast of 4.5:1 or more on a light screen,
/// in the dark colour scheme (`prefers-color-scheme: dark`), and when a
/// reader forces a black page and light text (night mode).
#[test]
fn highlighted_code_keeps_its_contrast_on_dark_backgrounds() {
    if !common::have("chromium", &["--version"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let tech = common::root().join("tests/data/tech");
    let (oebps, chapters) = unpacked(dir.path(), &tech, &[]);
    let name = chapters[1]
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let profile = dir.path().join("profile");
    for (night, flags) in [
        (false, &[][..]),
        (
            false,
            &[
                "--force-dark-mode",
                "--blink-settings=preferredColorScheme=0",
            ][..],
        ),
        (true, &[][..]),
        (
            true,
            &[
                "--force-dark-mode",
                "--blink-settings=preferredColorScheme=0",
            ][..],
        ),
    ] {
        let page = oebps.join(format!("contrast-{night}-{}.html", flags.len()));
        std::fs::write(&page, contrast_page(&name, night)).unwrap();
        let v = probe_json(&chromium(&oebps, &page, &profile, flags), &page);
        let (min, n) = (v["min"].as_f64().unwrap(), v["n"].as_u64().unwrap());
        assert!(n > 100, "{n} tokens measured");
        assert!(
            min >= 4.5,
            "night mode {night}, flags {flags:?}: a token has a contrast of {min:.2}"
        );
    }
}

/// A page that loads `chapter` in a frame `width` pixels wide and records,
/// once everything loaded, each image's drawn and natural sizes.
fn image_page(chapter: &str, width: u32) -> String {
    format!(
        "<!DOCTYPE html><html><body style=\"margin:0\"><iframe id=\"f\" src=\"{chapter}\" style=\"width:{width}px;height:900px;border:0\"></iframe>\
<script>window.addEventListener('load', function () {{ var doc = document.getElementById('f').contentDocument; \
var out = []; var imgs = doc.getElementsByTagName('img'); for (var i = 0; i < imgs.length; i++) {{ var r = imgs[i].getBoundingClientRect(); \
out.push([r.width, r.height, imgs[i].naturalWidth, imgs[i].naturalHeight]); }} \
document.body.setAttribute('data-probe', JSON.stringify({{images: out}})); }});</script></body></html>"
    )
}

#[test]
fn images_given_a_width_and_a_height_keep_their_shape_at_phone_width() {
    if !common::have("chromium", &["--version"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let images = dir.path().join("images");
    std::fs::create_dir_all(&images).unwrap();
    for (from, to) in [
        ("20230325_IRD001.jpg", "wide.jpg"),
        ("20230325_IRD002.jpg", "photo.jpg"),
    ] {
        std::fs::copy(common::seed("images").join(from), images.join(to)).unwrap();
    }
    let book = dir.path().join("book.md");
    std::fs::write(
        &book,
        "---\ntitle: Shapes\nlanguage: en\n---\n\n# One\n\n\
         ![Both](images/wide.jpg){width=50% height=3cm}\n\n\
         ![Height alone](images/photo.jpg){height=2in}\n\n\
         ![Full and short](images/photo.jpg){width=100% height=1in}\n\n\
         # Two\n\n<img src=\"images/wide.jpg\" width=\"300\" height=\"300\" alt=\"Square box\">\n\n\
         <img src=\"images/photo.jpg\" width=\"800\" height=\"100\" alt=\"Wide box\">\n",
    )
    .unwrap();
    let epub = dir.path().join("book.epub");
    common::build(&[&book], &epub, &[]);
    common::epubcheck(&epub);
    let unpacked = dir.path().join("book");
    zip::ZipArchive::new(std::fs::File::open(&epub).unwrap())
        .unwrap()
        .extract(&unpacked)
        .unwrap();
    let oebps = unpacked.join("OEBPS");
    let chapters: Vec<PathBuf> = std::fs::read_dir(&oebps)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("chapter-"))
        })
        .collect();
    let profile = dir.path().join("profile");
    let mut seen = 0;
    for chapter in &chapters {
        let name = chapter.file_name().unwrap().to_string_lossy().into_owned();
        let page = oebps.join(format!("images-{name}.html"));
        std::fs::write(&page, image_page(&name, 360)).unwrap();
        let dom = chromium(&oebps, &page, &profile, &[]);
        let v = probe_json(&dom, &page);
        for image in v["images"].as_array().unwrap() {
            let n = |i: usize| image[i].as_f64().unwrap();
            let (w, h, nw, nh) = (n(0), n(1), n(2), n(3));
            assert!(nw > 0.0 && w > 0.0, "{name}: not loaded: {image}");
            let (drawn, natural) = (w / h, nw / nh);
            assert!(
                (drawn / natural - 1.0).abs() < 0.02,
                "{name}: drawn {w}×{h}, the picture is {nw}×{nh}"
            );
            assert!(w <= 360.0, "{name}: {w} px wide at 360");
            seen += 1;
        }
    }
    assert_eq!(seen, 5);
}

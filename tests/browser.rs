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

fn measure(dir: &Path, page: &Path, profile: &Path) -> Probe {
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
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("file://{}", page.display()))
        .current_dir(dir)
        .output()
        .expect("run chromium");
    let dom = String::from_utf8_lossy(&out.stdout);
    let start = dom
        .find("data-probe=\"")
        .unwrap_or_else(|| panic!("no measurement in {}: {dom}", page.display()))
        + "data-probe=\"".len();
    let end = start + dom[start..].find('"').expect("attribute end");
    let json = dom[start..end].replace("&quot;", "\"");
    let v: serde_json::Value = serde_json::from_str(&json).expect("probe JSON");
    let n = |k: &str| v[k].as_u64().unwrap_or_else(|| panic!("{k} in {json}"));
    Probe {
        scroll_width: n("sw"),
        client_width: n("cw"),
        sup: n("sup"),
        sub: n("sub"),
    }
}

#[test]
fn stress_book_fits_phone_and_tablet_widths() {
    if !common::have("chromium", &["--version"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let epub = dir.path().join("stress.epub");
    common::build(
        &[&common::root().join("tests/data/stress")],
        &epub,
        &["--cover", "auto"],
    );
    common::epubcheck(&epub);
    let unpacked = dir.path().join("book");
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
    let profile = dir.path().join("profile");
    let (mut sup, mut sub) = (0, 0);
    for chapter in &chapters {
        let name = chapter.file_name().unwrap().to_string_lossy().into_owned();
        for width in [360, 600] {
            let page = oebps.join(format!("probe-{width}-{name}.html"));
            std::fs::write(&page, probe_page(&name, width)).unwrap();
            let probe = measure(&oebps, &page, &profile);
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
    assert!(sup > 0, "no <sup> in the stress book's chapters");
    assert!(sub > 0, "no <sub> in the stress book's chapters");
}

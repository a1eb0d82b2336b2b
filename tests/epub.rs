//! End-to-end tests of the EPUB backend on the seed article: epubcheck, the
//! container layout, well-formed XHTML, the article roles and determinism.

mod common;

use common::{build, epubcheck, seed};
use std::io::Read;
use std::path::Path;

fn entries(epub: &Path) -> Vec<(String, Vec<u8>, zip::CompressionMethod)> {
    let file = std::fs::File::open(epub).unwrap();
    let mut archive = zip::ZipArchive::new(file).unwrap();
    let mut out = Vec::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        out.push((
            entry.name().unwrap().to_string(),
            bytes,
            entry.compression(),
        ));
    }
    out
}

fn text_of(entries: &[(String, Vec<u8>, zip::CompressionMethod)], name: &str) -> String {
    let (_, bytes, _) = entries
        .iter()
        .find(|(n, _, _)| n == name)
        .unwrap_or_else(|| panic!("{name} missing"));
    String::from_utf8(bytes.clone()).unwrap()
}

fn assert_well_formed(name: &str, xml: &str) {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut depth = 0i64;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Start(_)) => depth += 1,
            Ok(quick_xml::events::Event::End(_)) => depth -= 1,
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("{name} is not well-formed XML: {e}"),
        }
    }
    assert_eq!(depth, 0, "{name}: unbalanced elements");
}

#[test]
fn seed_epub_is_valid_and_complete() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("seed.epub");
    build(&[&seed("xi-putin.md")], &out, &[]);
    epubcheck(&out);

    let entries = entries(&out);
    assert_eq!(entries[0].0, "mimetype");
    assert_eq!(entries[0].1, b"application/epub+zip");
    assert_eq!(entries[0].2, zip::CompressionMethod::Stored);
    for (name, bytes, method) in &entries {
        if name.ends_with(".xhtml") || name.ends_with(".opf") || name.ends_with(".ncx") {
            assert_well_formed(name, std::str::from_utf8(bytes).unwrap());
            assert_eq!(*method, zip::CompressionMethod::Deflated, "{name}");
        }
        if name.ends_with(".jpg") || name.ends_with(".png") {
            assert_eq!(*method, zip::CompressionMethod::Stored, "{name}");
        }
    }
    // Every image of the seed is embedded, byte for byte.
    let images: Vec<_> = entries
        .iter()
        .filter(|(n, _, _)| n.starts_with("OEBPS/images/"))
        .collect();
    assert_eq!(images.len(), 3);
    let original = std::fs::read(seed("images/20230325_IRC420.png")).unwrap();
    assert!(images.iter().any(|(_, b, _)| *b == original));

    let chapter = text_of(&entries, "OEBPS/chapter-001.xhtml");
    assert!(chapter.contains("<p class=\"kicker\">Peacemaker or provocateur?</p>"));
    assert!(chapter.contains(">What does Xi Jinping want from Vladimir Putin?</h1>"));
    assert!(chapter.contains(
        "<p class=\"standfirst\">Big questions loomed behind the Chinese leader’s trip to Moscow</p>"
    ));
    assert!(chapter.contains("<p class=\"dateline\">Mar 19th 2023</p>"));
    for crosshead in [
        "You call that a plan?",
        "Sneak attack",
        "Pressing the advantage",
    ] {
        assert!(
            chapter.contains(&format!(">{crosshead}</h2>")),
            "{crosshead}"
        );
    }
    // One paragraph per source line: the seed has 33 body paragraphs.
    assert_eq!(chapter.matches("<p>").count(), 33);

    let opf = text_of(&entries, "OEBPS/content.opf");
    assert!(opf.contains("<dc:title>What does Xi Jinping want from Vladimir Putin?</dc:title>"));
    assert!(opf.contains("<dc:date>2023-03-19T00:00:00Z</dc:date>"));
    assert!(opf.contains("<meta property=\"dcterms:modified\">2023-03-19T00:00:00Z</meta>"));
    let nav = text_of(&entries, "OEBPS/nav.xhtml");
    assert!(nav.contains("What does Xi Jinping want from Vladimir Putin?"));
    assert!(
        !nav.contains("Peacemaker"),
        "the TOC shows the title, never the kicker"
    );
}

#[test]
fn missing_images_warn_and_leave_a_placeholder() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("noimg.epub");
    let output = build(&[&seed("no-images/xi-putin.md")], &out, &[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("xi-putin.md:4:1: warning: image not found (images/20230325_IRD001.jpg)"),
        "{stderr}"
    );
    epubcheck(&out);
    let entries = entries(&out);
    assert!(!entries.iter().any(|(n, _, _)| n.contains("images/")));
    let chapter = text_of(&entries, "OEBPS/chapter-001.xhtml");
    assert!(!chapter.contains("<img"));
    assert_eq!(chapter.matches("class=\"missing-image\"").count(), 3);
}

#[test]
fn strict_turns_warnings_into_failure_without_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("strict.epub");
    let output = common::bindery(&[
        "build",
        seed("no-images/xi-putin.md").to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--strict",
    ]);
    assert_eq!(output.status.code(), Some(3));
    assert!(!out.exists());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(leftovers.is_empty(), "no temporary files are left behind");
}

#[test]
fn rebuilds_are_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.epub");
    let b = dir.path().join("b.epub");
    build(&[&seed("xi-putin.md")], &a, &[]);
    build(&[&seed("xi-putin.md")], &b, &[]);
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
}

#[test]
fn output_is_0644() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("perm.epub");
    build(&[&seed("xi-putin.md")], &out, &[]);
    let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o644);
}

/// A PNG from a fast encoder of a flat image deflates to a fraction of its
/// size and goes in deflated; a noisy one (like a photograph) stays stored;
/// both come out byte for byte.
#[test]
fn media_are_deflated_only_where_deflate_pays() {
    use image::ImageEncoder;
    use image::codecs::png::{CompressionType, FilterType, PngEncoder};
    let dir = tempfile::tempdir().unwrap();
    let png = |name: &str, pixel: &dyn Fn(u32, u32) -> [u8; 3]| {
        let (w, h) = (600, 400);
        let pixels: Vec<u8> = (0..h)
            .flat_map(|y| (0..w).flat_map(move |x| pixel(x, y)))
            .collect();
        let mut bytes = Vec::new();
        PngEncoder::new_with_quality(&mut bytes, CompressionType::Fast, FilterType::NoFilter)
            .write_image(&pixels, w, h, image::ExtendedColorType::Rgb8)
            .unwrap();
        std::fs::write(dir.path().join(name), &bytes).unwrap();
        bytes
    };
    let flat = png("flat.png", &|x, y| {
        [(x / 40) as u8 * 9, (y / 40) as u8 * 9, 90]
    });
    let mut state = 0x2545_f491_u32;
    let noise = std::cell::RefCell::new(move || {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        state.to_le_bytes()
    });
    let noisy = png("noisy.png", &|_, _| {
        let b = noise.borrow_mut()();
        [b[0], b[1], b[2]]
    });
    assert!(flat.len() > 64 << 10 && noisy.len() > 64 << 10);
    let md = dir.path().join("book.md");
    std::fs::write(
        &md,
        "# Flat\n\n![flat](flat.png)\n\n# Noisy\n\n![noisy](noisy.png)\n",
    )
    .unwrap();
    let out = dir.path().join("book.epub");
    build(&[&md], &out, &[]);
    epubcheck(&out);
    let entries = entries(&out);
    let find = |original: &[u8]| {
        entries
            .iter()
            .find(|(_, b, _)| b == original)
            .map(|(_, _, method)| *method)
            .expect("the image is in the EPUB unchanged")
    };
    assert_eq!(find(&flat), zip::CompressionMethod::Deflated);
    assert_eq!(find(&noisy), zip::CompressionMethod::Stored);
    let size = std::fs::metadata(&out).unwrap().len() as usize;
    assert!(
        size < noisy.len() + flat.len() / 3,
        "the flat PNG is deflated in the container ({size} bytes)"
    );
}

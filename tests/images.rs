//! The image pipeline end to end: every input kind into EPUB and PDF.

mod common;

use common::{bindery, epubcheck, tool_output};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

const KINDS: [&str; 13] = [
    "baseline.jpg",
    "progressive.jpg",
    "cmyk.jpg",
    "rotated.jpg",
    "rgb.png",
    "alpha.png",
    "palette.png",
    "sixteen.png",
    "interlaced.png",
    "anim.gif",
    "photo.webp",
    "drawing.svg",
    "unsupported.bmp",
];

/// A project folder with every fixture, a large PNG, a bomb and a duplicate.
fn project() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let images = dir.path().join("images");
    std::fs::create_dir(&images).unwrap();
    let fixtures = common::root().join("tests/data/images");
    for kind in KINDS {
        std::fs::copy(fixtures.join(kind), images.join(kind)).unwrap();
    }
    std::fs::copy(
        fixtures.join("baseline.jpg"),
        images.join("same-as-baseline.jpg"),
    )
    .unwrap();
    // A large image, generated (not committed): 3000 x 2000.
    let big = image::RgbImage::from_fn(3000, 2000, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    });
    big.save(images.join("large.png")).unwrap();
    std::fs::write(images.join("bomb.png"), bomb_png(200_000, 200_000)).unwrap();
    let mut md = String::from("# Images\n\n");
    for kind in KINDS
        .iter()
        .chain(&["same-as-baseline.jpg", "large.png", "bomb.png"])
    {
        md.push_str(&format!("![Picture {kind}](images/{kind})\n\n"));
    }
    let input = dir.path().join("images.md");
    std::fs::write(&input, md).unwrap();
    (dir, input)
}

/// A PNG that declares a huge size in a tiny file.
fn bomb_png(width: u32, height: u32) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = |kind: &[u8], data: &[u8]| {
        png.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        png.extend_from_slice(kind);
        png.extend_from_slice(data);
        png.extend_from_slice(&crc.sum().to_be_bytes());
    };
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(b"IHDR", &ihdr);
    chunk(b"IDAT", &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
    chunk(b"IEND", &[]);
    png
}

fn epub_entries(epub: &Path) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(epub).unwrap()).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut e = archive.by_index(i).unwrap();
            let mut b = Vec::new();
            e.read_to_end(&mut b).unwrap();
            (e.name().unwrap().to_string(), b)
        })
        .collect()
}

fn find<'a>(entries: &'a [(String, Vec<u8>)], part: &str) -> &'a [u8] {
    &entries
        .iter()
        .find(|(n, _)| n.contains(part))
        .unwrap_or_else(|| panic!("no entry containing {part}"))
        .1
}

#[test]
fn every_image_kind_into_epub_and_pdf() {
    let (dir, input) = project();
    let epub = dir.path().join("out.epub");
    let pdf = dir.path().join("out.pdf");
    let started = Instant::now();
    let out = bindery(&[
        "build",
        input.to_str().unwrap(),
        "-o",
        epub.to_str().unwrap(),
        "-o",
        pdf.to_str().unwrap(),
        "-v",
    ]);
    let elapsed = started.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    // The bomb is refused from its header, fast and without decoding.
    assert!(
        stderr.contains("images.md:33:1: warning: image is 200000×200000 pixels, over the limit of 50 megapixels (images/bomb.png)"),
        "{stderr}"
    );
    assert!(elapsed.as_secs() < 30, "took {elapsed:?}");
    assert!(stderr.contains("warning: unsupported image format (images/unsupported.bmp)"));
    assert!(stderr.contains(
        "SVG images are not drawn in the PDF; a placeholder is used (images/drawing.svg)"
    ));
    // The report lists every image with what was done.
    assert!(stderr.contains("image images/rotated.jpg"), "{stderr}");
    assert!(stderr.contains("epub: orientation applied"), "{stderr}");
    assert!(stderr.contains("epub: CMYK to sRGB"), "{stderr}");
    assert!(
        stderr.contains("downscaled 3000x2000 -> 2048x1365"),
        "{stderr}"
    );
    assert!(
        stderr.contains("pdf: jpeg passed through (CMYK)"),
        "{stderr}"
    );

    epubcheck(&epub);
    let entries = epub_entries(&epub);
    let dims = |part: &str| {
        let img = image::load_from_memory(find(&entries, part)).unwrap();
        (img.width(), img.height())
    };
    assert_eq!(dims("large"), (2048, 1365));
    assert_eq!(dims("rotated"), (48, 64), "EXIF orientation applied");
    assert_eq!(dims("progressive"), (64, 48));
    // Unchanged images are copied byte for byte; identical ones stored once.
    let original = std::fs::read(common::root().join("tests/data/images/baseline.jpg")).unwrap();
    assert_eq!(find(&entries, "baseline"), original.as_slice());
    assert!(!entries.iter().any(|(n, _)| n.contains("same-as-baseline")));
    // CMYK became a 3-component JPEG; WebP became a core media type.
    let cmyk = bindery::resource::jpeg::info(find(&entries, "cmyk")).unwrap();
    assert_eq!(cmyk.components, 3);
    assert!(!entries.iter().any(|(n, _)| n.ends_with(".webp")));
    assert!(entries.iter().any(|(n, _)| n.contains("photo.")));
    let svg = String::from_utf8(find(&entries, "drawing").to_vec()).unwrap();
    assert!(!svg.contains("script") && !svg.contains("onload") && !svg.contains("example.com"));
    let chapter = String::from_utf8(find(&entries, "chapter-001").to_vec()).unwrap();
    assert_eq!(
        chapter.matches("src=\"images/001-baseline.jpg\"").count(),
        2,
        "both point at one file"
    );
    assert_eq!(
        chapter.matches("class=\"missing-image\"").count(),
        2,
        "bmp and bomb"
    );

    if let Some(list) = tool_output("pdfimages", &["-list", pdf.to_str().unwrap()]) {
        let rows: Vec<Vec<&str>> = list
            .lines()
            .skip(2)
            .map(|l| l.split_whitespace().collect())
            .collect();
        // page num type width height color comp bpc enc ...
        // Unique objects (pdfimages lists every placement).
        let count = |kind: &str, color: &str, enc: &str| {
            let mut ids: Vec<&str> = rows
                .iter()
                .filter(|r| r[2] == kind && r[5] == color && r[8] == enc)
                .map(|r| r[10])
                .collect();
            ids.sort_unstable();
            ids.dedup();
            ids.len()
        };
        let baseline_uses: Vec<&str> = rows
            .iter()
            .filter(|r| r[8] == "jpeg")
            .map(|r| r[10])
            .collect();
        assert_eq!(
            baseline_uses.len(),
            4,
            "baseline twice, progressive, cmyk:\n{list}"
        );
        assert_eq!(
            count("image", "rgb", "jpeg"),
            2,
            "baseline and progressive pass through:\n{list}"
        );
        assert_eq!(count("image", "cmyk", "jpeg"), 1, "{list}");
        assert_eq!(
            count("smask", "gray", "image"),
            1,
            "alpha.png has a soft mask:\n{list}"
        );
        // rotated, rgb, alpha, palette, sixteen, interlaced, gif, webp, large: lossless.
        assert_eq!(count("image", "rgb", "image"), 9, "{list}");
        assert!(
            rows.iter().any(|r| r[3] == "3000" && r[4] == "2000"),
            "full resolution in print"
        );
        assert!(
            rows.iter().any(|r| r[3] == "48" && r[4] == "64"),
            "rotated for print"
        );
    }
}

#[test]
fn missing_image_policies() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("a.md");
    std::fs::write(&input, "# T\n\nText.\n\n![gone](images/gone.png)\n").unwrap();
    let epub = dir.path().join("a.epub");
    let run = |policy: &str| {
        bindery(&[
            "build",
            input.to_str().unwrap(),
            "-o",
            epub.to_str().unwrap(),
            "--missing-images",
            policy,
        ])
    };
    let out = run("error");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("a.md:5:1: error: image not found (images/gone.png)")
    );
    assert!(!epub.exists());

    let out = run("drop");
    assert!(out.status.success());
    let entries = epub_entries(&epub);
    let chapter = String::from_utf8(find(&entries, "chapter-001").to_vec()).unwrap();
    assert!(!chapter.contains("<figure"));

    let out = run("placeholder");
    assert!(out.status.success());
    let entries = epub_entries(&epub);
    let chapter = String::from_utf8(find(&entries, "chapter-001").to_vec()).unwrap();
    assert!(chapter.contains("aria-label=\"gone\""));
}

#[test]
fn images_outside_the_root_and_remote_ones_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    std::fs::create_dir(&book).unwrap();
    std::fs::copy(
        common::root().join("tests/data/images/rgb.png"),
        dir.path().join("outside.png"),
    )
    .unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(dir.path().join("outside.png"), book.join("link.png")).unwrap();
    let input = book.join("a.md");
    std::fs::write(
        &input,
        "# T\n\n![a](../outside.png)\n\n![b](link.png)\n\n![c](https://example.com/x.png)\n\n![d](/etc/hostname)\n",
    )
    .unwrap();
    let epub = dir.path().join("a.epub");
    let out = bindery(&[
        "build",
        input.to_str().unwrap(),
        "-o",
        epub.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(
        stderr
            .matches("image is outside the project folder")
            .count(),
        3,
        "{stderr}"
    );
    assert!(stderr.contains("remote images are never fetched (https://example.com/x.png)"));
    let out = bindery(&[
        "build",
        input.to_str().unwrap(),
        "-o",
        epub.to_str().unwrap(),
        "--allow-outside-root",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("../outside.png"), "{stderr}");
}

#[test]
fn low_resolution_warning_and_downsampling_for_screen() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("images")).unwrap();
    let big = image::RgbImage::from_fn(3000, 2000, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 200) as u8, 7])
    });
    big.save(dir.path().join("images/big.png")).unwrap();
    let input = dir.path().join("a.md");
    std::fs::write(&input, "# T\n\n![big](images/big.png)\n").unwrap();
    let pdf = dir.path().join("a.pdf");
    let out = bindery(&[
        "build",
        input.to_str().unwrap(),
        "-o",
        pdf.to_str().unwrap(),
        "--pdf-image-max-dpi",
        "150",
        "--pdf-min-dpi",
        "1000",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("images/big.png prints at")
            && stderr.contains("dpi on page 1, under 1000 dpi"),
        "{stderr}"
    );
    if let Some(list) = tool_output("pdfimages", &["-list", pdf.to_str().unwrap()]) {
        let row: Vec<&str> = list.lines().nth(2).unwrap().split_whitespace().collect();
        let width: u32 = row[3].parse().unwrap();
        assert!(width < 1000, "downsampled to 150 dpi: {list}");
    }
}

/// A photograph larger than what the probe reads first (64 KB), turned by
/// its EXIF orientation: the headers are enough to probe it, and the
/// turn is applied in the EPUB and the PDF.
#[test]
fn large_rotated_photo_is_probed_from_its_headers() {
    let dir = tempfile::tempdir().unwrap();
    // Noise does not compress: a 400 x 300 JPEG of it is well over 64 KB.
    let mut seed = 1u32;
    let noise = image::RgbImage::from_fn(400, 300, |_, _| {
        seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        let [a, b, c, _] = seed.to_be_bytes();
        image::Rgb([a, b, c])
    });
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 95)
        .encode_image(&noise)
        .unwrap();
    // APP1 EXIF, big-endian TIFF, one IFD entry: orientation 6 (turn 90°).
    let mut tiff = b"MM\0*\0\0\0\x08\0\x01".to_vec();
    tiff.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0]);
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&tiff);
    let mut file = jpeg[..2].to_vec();
    file.extend_from_slice(&[0xFF, 0xE1]);
    file.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
    file.extend_from_slice(&app1);
    file.extend_from_slice(&jpeg[2..]);
    assert!(file.len() > 100_000, "{}", file.len());
    std::fs::write(dir.path().join("photo.jpg"), &file).unwrap();
    let input = dir.path().join("photo.md");
    std::fs::write(&input, "# Photo\n\n![A photo](photo.jpg)\n").unwrap();
    let epub = dir.path().join("out.epub");
    let pdf = dir.path().join("out.pdf");
    let out = bindery(&[
        "build",
        input.to_str().unwrap(),
        "-o",
        epub.to_str().unwrap(),
        "-o",
        pdf.to_str().unwrap(),
        "-v",
        "--meta",
        "language=en",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("epub: orientation applied"), "{stderr}");
    epubcheck(&epub);
    let entries = epub_entries(&epub);
    let img = image::load_from_memory(find(&entries, "photo")).unwrap();
    assert_eq!((img.width(), img.height()), (300, 400), "turned");
    if let Some(list) = tool_output("pdfimages", &["-list", pdf.to_str().unwrap()]) {
        assert!(
            list.lines()
                .skip(2)
                .any(|l| l.split_whitespace().nth(3) == Some("300")
                    && l.split_whitespace().nth(4) == Some("400")),
            "turned for print:\n{list}"
        );
    }
}

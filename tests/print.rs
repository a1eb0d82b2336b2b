//! Issue 15, "a PDF a print shop accepts", on real output: page boxes per
//! page side (`pdfinfo -box`), the standards' output intents, version keys,
//! XMP and page labels (`qpdf --json`), colours and transparency per
//! standard (`qpdf --qdf` content), the cover wrap's spine from page count and
//! stock, the placed resolution of a `width=50%` figure (`pdfimages -list`),
//! a 200-column table in reading order, the magazine theme's two columns
//! (`pdftotext -bbox`), front matter and the EPUB's title and copyright
//! pages (epubcheck).

mod common;

use common::{bindery, build, epubcheck, seed, tool_output};
use std::path::{Path, PathBuf};

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A novel-like book: front matter in its metadata, three chapters of
/// prose, a long URL, a figure at half the measure.
fn novel(dir: &Path) -> PathBuf {
    let images = common::root().join("seeds/images");
    std::fs::create_dir_all(dir.join("images")).unwrap();
    std::fs::copy(
        images.join("20230325_IRD001.jpg"),
        dir.join("images/photo.jpg"),
    )
    .unwrap();
    let mut text = String::from(
        "---\ntitle: The Long Afternoon\nsubtitle: A Novel\nauthors: [Ada Lovelace]\nlanguage: en\n\
         date: 2024-05-01\nidentifier: 978-3-16-148410-0\npublisher: Example Press\n\
         rights: © 2024 Ada Lovelace. All rights reserved.\nedition: First edition\n\
         printing: 10 9 8 7 6 5 4 3 2 1\ndedication: For Charles, who built the engine.\n\
         epigraph: The engine weaves algebraical patterns.\ndescription: An afternoon with engines.\n---\n\n",
    );
    for c in 1..=3 {
        text.push_str(&format!("# Chapter {c}\n\n"));
        for p in 0..12 {
            text.push_str(&format!(
                "Paragraph {p} of chapter {c} carries enough ordinary prose to fill several lines \
                 in print, with commas, clauses and the occasional longer word such as \
                 internationalisation or incomprehensibility, so that the typesetter has real \
                 work to do when it justifies and hyphenates the text across the measure.\n\n"
            ));
            if c == 1 && p == 3 {
                text.push_str("![A banquet](images/photo.jpg){width=50%}\n\n");
            }
        }
    }
    let path = dir.join("novel.md");
    write(&path, &text);
    path
}

/// `pdfinfo -box` of every page: (page, box name) → [x0, y0, x1, y1].
fn boxes(pdf: &Path) -> Option<Vec<(usize, String, [f64; 4])>> {
    let out = tool_output(
        "pdfinfo",
        &["-box", "-f", "1", "-l", "9999", pdf.to_str().unwrap()],
    )?;
    let mut v = Vec::new();
    for line in out.lines() {
        let Some(rest) = line.strip_prefix("Page") else {
            continue;
        };
        let mut words = rest.split_whitespace();
        let (Some(page), Some(name)) = (words.next(), words.next()) else {
            continue;
        };
        if !name.ends_with("Box:") {
            continue;
        }
        let nums: Vec<f64> = words.filter_map(|w| w.parse().ok()).collect();
        if let (Ok(page), Ok(b)) = (page.parse(), <[f64; 4]>::try_from(nums)) {
            v.push((page, name.trim_end_matches(':').to_string(), b));
        }
    }
    Some(v)
}

/// The document's objects, as `qpdf --json` prints them.
fn qpdf_json(pdf: &Path) -> Option<serde_json::Value> {
    let out = tool_output(
        "qpdf",
        &["--json", "--json-stream-data=inline", pdf.to_str().unwrap()],
    )?;
    Some(serde_json::from_str(&out).unwrap())
}

/// The object `r` ("12 0 R") of a qpdf JSON document.
fn object<'a>(json: &'a serde_json::Value, r: &str) -> &'a serde_json::Value {
    let key = format!("obj:{r}");
    let obj = &json["qpdf"][1][key.as_str()];
    obj.get("value")
        .or_else(|| obj.get("stream"))
        .unwrap_or(obj)
}

/// The trailer's catalog and info dictionaries.
fn catalog_and_info(json: &serde_json::Value) -> (serde_json::Value, serde_json::Value) {
    let trailer = &json["qpdf"][1]["trailer"]["value"];
    let root = object(json, trailer["/Root"].as_str().unwrap()).clone();
    let info = object(json, trailer["/Info"].as_str().unwrap()).clone();
    (root, info)
}

/// A stream's data, decoded (qpdf's inline data is base64).
fn stream_text(json: &serde_json::Value, r: &str) -> String {
    use std::io::Read;
    let key = format!("obj:{r}");
    let stream = &json["qpdf"][1][key.as_str()]["stream"];
    let data = stream["data"].as_str().unwrap_or("");
    let bytes = base64_decode(data);
    let filtered = stream["dict"]["/Filter"].as_str() == Some("/FlateDecode");
    if filtered {
        let mut out = Vec::new();
        flate2::read::ZlibDecoder::new(&bytes[..])
            .read_to_end(&mut out)
            .unwrap();
        String::from_utf8_lossy(&out).into_owned()
    } else {
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

fn base64_decode(text: &str) -> Vec<u8> {
    const TABLE: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let mut acc = 0u32;
    let mut bits = 0;
    for c in text.bytes() {
        let Some(v) = TABLE.iter().position(|&t| t == c) else {
            continue;
        };
        acc = (acc << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

#[test]
fn interior_bleed_is_on_the_outer_edges_only_per_page_side() {
    let dir = tempfile::tempdir().unwrap();
    let input = novel(dir.path());
    let pdf = dir.path().join("novel.pdf");
    build(&[&input], &pdf, &["--paper", "6x9in", "--bleed", "0.125in"]);
    let Some(boxes) = boxes(&pdf) else { return };
    let get = |page: usize, name: &str| {
        boxes
            .iter()
            .find(|(p, n, _)| *p == page && n == name)
            .map(|(_, _, b)| *b)
            .unwrap_or_else(|| panic!("page {page} has no {name}"))
    };
    let pages = boxes.iter().map(|(p, _, _)| *p).max().unwrap();
    assert!(pages >= 4);
    for page in 1..=pages {
        // 6.125 × 9.25 in: bleed on the top, bottom and outer edge.
        let media = get(page, "MediaBox");
        assert_eq!(media, [0.0, 0.0, 441.0, 666.0], "page {page}");
        assert_eq!(get(page, "BleedBox"), media, "page {page}");
        let trim = get(page, "TrimBox");
        // Odd pages are rectos (gutter on the left), even ones versos.
        let want = if page % 2 == 1 {
            [0.0, 9.0, 432.0, 657.0]
        } else {
            [9.0, 9.0, 441.0, 657.0]
        };
        assert_eq!(trim, want, "page {page}");
    }
}

#[test]
fn pdf_x4_has_its_output_intent_version_keys_xmp_trapped_and_page_labels() {
    let dir = tempfile::tempdir().unwrap();
    let input = novel(dir.path());
    let pdf = dir.path().join("novel.pdf");
    // KDP's preset: PDF/X-4, bleed, front matter.
    build(
        &[&input],
        &pdf,
        &["--paper", "6x9in", "--profile", "kdp", "--toc"],
    );
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-1.6"), "PDF/X-4 is PDF 1.6");
    let Some(json) = qpdf_json(&pdf) else { return };
    let (catalog, info) = catalog_and_info(&json);
    assert_eq!(info["/GTS_PDFXVersion"], "u:PDF/X-4");
    assert_eq!(info["/Trapped"], "/False");
    let intents = catalog["/OutputIntents"].as_array().unwrap();
    assert_eq!(intents.len(), 1);
    let intent = object(&json, intents[0].as_str().unwrap());
    assert_eq!(intent["/S"], "/GTS_PDFX");
    assert_eq!(intent["/OutputConditionIdentifier"], "u:FOGRA39");
    assert_eq!(intent["/RegistryName"], "u:http://www.color.org");
    let profile = object(&json, intent["/DestOutputProfile"].as_str().unwrap());
    assert_eq!(profile["dict"]["/N"], 4);
    // XMP: the version key, trapping and the document's identity.
    let xmp = stream_text(&json, catalog["/Metadata"].as_str().unwrap());
    for want in [
        "<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>",
        "<pdf:Trapped>False</pdf:Trapped>",
        "<xmpMM:DocumentID>uuid:",
        "<xmpMM:VersionID>1</xmpMM:VersionID>",
        "<xmpMM:RenditionClass>default</xmpMM:RenditionClass>",
    ] {
        assert!(xmp.contains(want), "XMP lacks {want}:\n{xmp}");
    }
    // Front matter and contents in roman numerals, the body from 1.
    let nums = catalog["/PageLabels"]["/Nums"].as_array().unwrap();
    assert_eq!(nums[0], 0);
    assert_eq!(object(&json, nums[1].as_str().unwrap())["/S"], "/r");
    let body = nums[2].as_i64().unwrap();
    assert!(
        body >= 8 && body % 2 == 0,
        "body starts after the front matter on a recto: {body}"
    );
    assert_eq!(object(&json, nums[3].as_str().unwrap())["/S"], "/D");
    // Every page has its trim and bleed boxes; no link annotations.
    let pages = json["pages"].as_array().unwrap();
    for page in pages {
        let dict = object(&json, page["object"].as_str().unwrap());
        assert!(dict["/TrimBox"].is_array() && dict["/BleedBox"].is_array());
        assert!(
            dict.get("/Annots").is_none(),
            "PDF/X: no annotations in the bleed box"
        );
    }
    // The copyright page says what the metadata says.
    let text = tool_output(
        "pdftotext",
        &["-f", "4", "-l", "4", pdf.to_str().unwrap(), "-"],
    )
    .unwrap();
    for want in [
        "© 2024 Ada Lovelace",
        "First edition",
        "Example Press, 2024",
        "ISBN 978-3-16-148410-0",
        "10 9 8 7 6 5 4 3 2 1",
    ] {
        assert!(
            text.contains(want),
            "copyright page lacks {want:?}:\n{text}"
        );
    }
}

/// The content streams and image dictionaries of a PDF, uncompressed.
fn qdf(pdf: &Path) -> Option<String> {
    let out = pdf.with_extension("qdf.pdf");
    tool_output(
        "qpdf",
        &[
            "--qdf",
            "--object-streams=disable",
            pdf.to_str().unwrap(),
            out.to_str().unwrap(),
        ],
    )?;
    Some(String::from_utf8_lossy(&std::fs::read(out).unwrap()).into_owned())
}

#[test]
fn pdf_x1a_is_cmyk_and_grey_only_without_transparency() {
    let dir = tempfile::tempdir().unwrap();
    let root = common::root();
    // An RGB JPEG, an RGB PNG with alpha, coloured text (the kicker).
    std::fs::create_dir_all(dir.path().join("images")).unwrap();
    for (from, to) in [
        ("seeds/images/20230325_IRD001.jpg", "photo.jpg"),
        ("tests/data/images/alpha.png", "alpha.png"),
    ] {
        std::fs::copy(root.join(from), dir.path().join("images").join(to)).unwrap();
    }
    let input = dir.path().join("a.md");
    write(
        &input,
        "---\nlanguage: en\n---\n###### A kicker\n# A title\n##### A standfirst\n> Mar 19th 2023\nText with a [link](https://example.com).\n![](images/photo.jpg)\n![](images/alpha.png)\nMore text.\n",
    );
    let pdf = dir.path().join("a.pdf");
    build(
        &[&input],
        &pdf,
        &["--pdf-standard", "x1a", "--dialect", "article"],
    );
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-1.4"));
    let Some(text) = qdf(&pdf) else { return };
    assert!(!text.contains("/DeviceRGB"), "no RGB colour space");
    assert!(!text.contains("/SMask"), "no soft masks");
    assert!(!text.contains("/ICCBased"), "device CMYK and grey only");
    for line in text.lines() {
        let op = line.split_whitespace().last().unwrap_or("");
        assert!(op != "rg" && op != "RG", "an RGB colour: {line}");
    }
    assert!(
        text.contains(" k\n") || text.contains(" k\r"),
        "CMYK colour for the kicker"
    );
    assert!(text.contains("/DeviceCMYK"), "images converted to CMYK");
    let Some(json) = qpdf_json(&pdf) else { return };
    let (_, info) = catalog_and_info(&json);
    assert_eq!(info["/GTS_PDFXVersion"], "u:PDF/X-1a:2003");
}

#[test]
fn pdf_a2b_has_srgb_output_intent_pdfaid_and_printable_links() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("a.md");
    write(
        &input,
        "---\ntitle: Archive\nlanguage: en\n---\n# Archive\n\nSee [the site](https://example.com) and the notes.\n",
    );
    let pdf = dir.path().join("a.pdf");
    build(&[&input], &pdf, &["--pdf-standard", "a2b"]);
    let Some(json) = qpdf_json(&pdf) else { return };
    let (catalog, _) = catalog_and_info(&json);
    let intents = catalog["/OutputIntents"].as_array().unwrap();
    let intent = object(&json, intents[0].as_str().unwrap());
    assert_eq!(intent["/S"], "/GTS_PDFA1");
    assert_eq!(intent["/OutputConditionIdentifier"], "u:sRGB IEC61966-2.1");
    let profile = object(&json, intent["/DestOutputProfile"].as_str().unwrap());
    assert_eq!(profile["dict"]["/N"], 3);
    let xmp = stream_text(&json, catalog["/Metadata"].as_str().unwrap());
    assert!(xmp.contains("<pdfaid:part>2</pdfaid:part>"), "{xmp}");
    assert!(
        xmp.contains("<pdfaid:conformance>B</pdfaid:conformance>"),
        "{xmp}"
    );
    assert!(xmp.contains("<dc:title>"), "{xmp}");
    let page = object(&json, json["pages"][0]["object"].as_str().unwrap());
    let annots = page["/Annots"].as_array().expect("the link is kept");
    for a in annots {
        assert_eq!(object(&json, a.as_str().unwrap())["/F"], 4, "printable");
    }
    // Every font embedded (pdffonts: emb yes), every glyph mapped (uni yes).
    let fonts = tool_output("pdffonts", &[pdf.to_str().unwrap()]).unwrap();
    for line in fonts.lines().skip(2) {
        let cols: Vec<&str> = line.split_whitespace().collect();
        let n = cols.len();
        assert_eq!(&cols[n - 5..n - 2], ["yes", "yes", "yes"], "{line}");
    }
}

/// The sheet of a cover: its width and height in inches, its trim box.
fn cover_sheet(pdf: &Path) -> Option<(f64, f64, [f64; 4])> {
    let boxes = boxes(pdf)?;
    let get = |name: &str| boxes.iter().find(|(_, n, _)| n == name).unwrap().2;
    let media = get("MediaBox");
    Some((media[2] / 72.0, media[3] / 72.0, get("TrimBox")))
}

#[test]
fn the_cover_spine_is_page_count_times_caliper() {
    let dir = tempfile::tempdir().unwrap();
    let input = novel(dir.path());
    // KDP: white 0.002252 in per page, cream 0.0025; bleed 0.125 in.
    for (pages, stock, caliper) in [
        ("120", "white", 0.002252),
        ("320", "cream", 0.0025),
        ("640", "white", 0.002252),
    ] {
        let cover = dir.path().join(format!("cover-{pages}.pdf"));
        let out = bindery(&[
            "cover",
            input.to_str().unwrap(),
            "-o",
            cover.to_str().unwrap(),
            "--paper",
            "6x9in",
            "--profile",
            "kdp",
            "--paper-stock",
            stock,
            "--pages",
            pages,
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let Some((w, h, trim)) = cover_sheet(&cover) else {
            return;
        };
        let spine = pages.parse::<f64>().unwrap() * caliper;
        assert!(
            (w - (0.25 + 12.0 + spine)).abs() < 0.001,
            "{pages} {stock}: {w}"
        );
        assert!((h - 9.25).abs() < 0.001);
        assert_eq!(trim[0], 9.0);
        assert!((trim[2] - (w * 72.0 - 9.0)).abs() < 0.01);
        // The same standard as the interior, and the ISBN under its bars.
        let json = qpdf_json(&cover).unwrap();
        let (catalog, info) = catalog_and_info(&json);
        assert_eq!(info["/GTS_PDFXVersion"], "u:PDF/X-4");
        assert!(catalog["/OutputIntents"].is_array());
        let text = tool_output("pdftotext", &[cover.to_str().unwrap(), "-"]).unwrap();
        for digits in ["783161", "484100"] {
            assert!(text.contains(digits), "{text}");
        }
        // Only the glyphs drawn are embedded: every font is a tagged subset.
        let fonts = tool_output("pdffonts", &[cover.to_str().unwrap()]).unwrap();
        let rows: Vec<&str> = fonts.lines().skip(2).collect();
        assert!(!rows.is_empty());
        for row in rows {
            let cols: Vec<&str> = row.split_whitespace().collect();
            assert!(cols[0].chars().nth(6) == Some('+'), "{row}");
            assert_eq!(
                cols[cols.len() - 5..cols.len() - 2],
                ["yes", "yes", "yes"],
                "{row}"
            );
        }
        let size = std::fs::metadata(&cover).unwrap().len();
        assert!(size < 200_000, "a cover without an image is {size} bytes");
    }
    // Without --pages the interior is laid out to count them.
    let cover = dir.path().join("cover.pdf");
    let out = bindery(&[
        "cover",
        input.to_str().unwrap(),
        "-o",
        cover.to_str().unwrap(),
        "--paper",
        "6x9in",
    ]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("too thin for text"), "{stderr}");
}

#[test]
fn a_cover_image_under_the_minimum_resolution_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let input = novel(dir.path());
    let cover = dir.path().join("cover.pdf");
    let image = dir.path().join("images/photo.jpg");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "cover",
            input.to_str().unwrap(),
            "-o",
            cover.to_str().unwrap(),
            "--paper",
            "6x9in",
            "--profile",
            "kdp",
            "--pages",
            "200",
            "--cover-image",
            image.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let out = bindery(&args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    // The 1500 × 844 px photo covers the 9.25 in high front: 91 dpi.
    let stderr = run(&[]);
    assert!(
        stderr.contains("warning: the cover image prints at 91 dpi on the front, under 300 dpi"),
        "{stderr}"
    );
    let stderr = run(&["--pdf-min-dpi", "90"]);
    assert!(!stderr.contains("dpi"), "{stderr}");
    // PDF/X-4 (kdp's standard) keeps the RGB photo in ICC-based sRGB, as
    // the interior does; PDF/X-1a converts it to CMYK.
    let Some(text) = qdf(&cover) else { return };
    assert!(text.contains("/ICCBased"), "calibrated RGB under PDF/X-4");
    assert!(
        !text.contains("/ColorSpace /DeviceRGB"),
        "no device RGB image"
    );
    run(&["--pdf-standard", "x1a", "--pdf-min-dpi", "90"]);
    let Some(text) = qdf(&cover) else { return };
    assert!(!text.contains("/DeviceRGB") && !text.contains("/ICCBased"));
    assert!(
        text.contains("/ColorSpace /DeviceCMYK"),
        "converted for X-1a"
    );
}

#[test]
fn a_half_width_figure_is_placed_at_its_resolution_at_that_size() {
    let dir = tempfile::tempdir().unwrap();
    let input = novel(dir.path());
    let pdf = dir.path().join("novel.pdf");
    // 6 × 9 in with 0.75 in margins: a 4.5 in measure; the 1500 px photo at
    // 50 % is 2.25 in wide: 667 dpi.
    let out = build(
        &[&input],
        &pdf,
        &[
            "--paper",
            "6x9in",
            "--margins",
            "0.75in,0.75in,0.75in,0.75in",
        ],
    );
    let Some(list) = tool_output("pdfimages", &["-list", pdf.to_str().unwrap()]) else {
        return;
    };
    let row = list.lines().nth(2).expect("one image");
    let cols: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(cols[3], "1500", "{row}");
    assert_eq!((cols[12], cols[13]), ("667", "667"), "{row}");
    assert!(!String::from_utf8_lossy(&out.stderr).contains("dpi"));
    // Filling the measure (4.5 in: 333 dpi) under a 400 dpi floor, the
    // preflight warns with the file, the page and the resolution.
    let text = std::fs::read_to_string(&input)
        .unwrap()
        .replace("{width=50%}", "{width=100%}");
    write(&input, &text);
    let out = build(
        &[&input],
        &pdf,
        &[
            "--paper",
            "6x9in",
            "--margins",
            "0.75in,0.75in,0.75in,0.75in",
            "--pdf-min-dpi",
            "400",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("novel.md:")
            && stderr.contains("image images/photo.jpg prints at 333 dpi on page ")
            && stderr.contains(", under 400 dpi"),
        "{stderr}"
    );
}

#[test]
fn a_200_column_table_keeps_its_text_in_reading_order() {
    let dir = tempfile::tempdir().unwrap();
    let cols = 200;
    let mut md = String::from("---\nlanguage: en\n---\n# Table\n\n| Name |");
    for c in 1..cols {
        md.push_str(&format!(" C{c} |"));
    }
    md.push_str("\n|");
    md.push_str(&"---|".repeat(cols));
    for r in 0..3 {
        md.push_str(&format!("\n| row{r} |"));
        for c in 1..cols {
            md.push_str(&format!(" {} |", r * 1000 + c));
        }
    }
    md.push_str("\n\nAfter the table.\n");
    let input = dir.path().join("t.md");
    write(&input, &md);
    let pdf = dir.path().join("t.pdf");
    build(&[&input], &pdf, &[]);
    let Some(text) = tool_output("pdftotext", &["-raw", pdf.to_str().unwrap(), "-"]) else {
        return;
    };
    let words: Vec<&str> = text.split_whitespace().collect();
    // No cell is cut: every number is whole.
    for r in 0..3 {
        for c in [1, 57, 123, 199] {
            let n = (r * 1000 + c).to_string();
            assert!(words.contains(&n.as_str()), "{n} is cut or missing");
        }
    }
    // The column groups come in order, each repeating the first column, and
    // within a group the header and each row read left to right.
    let groups = words.iter().filter(|w| **w == "Name").count();
    assert!(groups >= 5, "{groups} groups");
    let headers: Vec<usize> = words
        .iter()
        .filter_map(|w| w.strip_prefix('C').and_then(|n| n.parse().ok()))
        .collect();
    assert_eq!(headers, (1..cols).collect::<Vec<_>>(), "headers in order");
    let row1: Vec<usize> = words
        .iter()
        .filter_map(|w| w.parse::<usize>().ok())
        .filter(|n| (1001..2000).contains(n))
        .collect();
    assert_eq!(
        row1,
        (1001..1000 + cols).collect::<Vec<_>>(),
        "row 1 in order"
    );
    assert_eq!(words.iter().filter(|w| **w == "row1").count(), groups);
}

#[test]
fn the_magazine_theme_sets_the_seed_in_two_columns_under_a_spanning_head() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("seed.pdf");
    build(
        &[&seed("xi-putin.md")],
        &pdf,
        &["--theme", "magazine", "--meta", "language=en"],
    );
    let Some(words) = common::pdf_words(&pdf, &["-f", "1", "-l", "2"]) else {
        return;
    };
    // (page, xMin, xMax, text)
    let words: Vec<(usize, f64, f64, String)> = words
        .into_iter()
        .map(|(page, x0, _, x1, _, text)| (page, x0, x1, text))
        .collect();
    // A4: the text block runs from 83 pt to 488 pt on the first page; its
    // middle is near 286 pt.
    let mid = 286.0;
    let title_end = words
        .iter()
        .filter(|w| w.0 == 1 && ["want", "Vladimir"].contains(&w.3.as_str()))
        .map(|w| w.2)
        .fold(0.0, f64::max);
    assert!(title_end > mid, "the title spans the columns");
    for p in [1, 2] {
        let body: Vec<_> = words.iter().filter(|w| w.0 == p && w.3.len() > 3).collect();
        // Versos mirror the margins: the gap is the middle of the page's
        // own text block.
        let mid = (body.iter().map(|w| w.1).fold(f64::MAX, f64::min)
            + body.iter().map(|w| w.2).fold(0.0, f64::max))
            / 2.0;
        let left = body.iter().filter(|w| w.2 < mid - 2.0).count();
        let right = body.iter().filter(|w| w.1 > mid + 2.0).count();
        let across = body
            .iter()
            .filter(|w| w.1 < mid - 2.0 && w.2 > mid + 2.0)
            .count();
        assert!(
            left > 100 && right > 100,
            "page {p}: {left} left, {right} right"
        );
        assert!(across <= 12, "page {p}: {across} words across the gap");
    }
}

#[test]
fn the_epub_gets_title_and_copyright_pages() {
    let dir = tempfile::tempdir().unwrap();
    let input = novel(dir.path());
    let epub = dir.path().join("novel.epub");
    build(&[&input], &epub, &["--front-matter"]);
    let file = std::fs::File::open(&epub).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut read = |name: &str| {
        use std::io::Read;
        let mut s = String::new();
        zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
        s
    };
    let title = read("OEBPS/title.xhtml");
    assert!(title.contains("epub:type=\"titlepage\"") && title.contains("The Long Afternoon"));
    let copyright = read("OEBPS/copyright.xhtml");
    assert!(copyright.contains("epub:type=\"copyright-page\""));
    assert!(copyright.contains("ISBN 978-3-16-148410-0"));
    epubcheck(&epub);
}

/// Lines of words (`pdftotext -bbox`): words of a page sharing a baseline,
/// left to right.
fn lines_of(words: &[common::Word]) -> Vec<Vec<common::Word>> {
    let mut lines: Vec<Vec<common::Word>> = Vec::new();
    for w in words {
        // Code (another face, another size) has other ascent and descent:
        // words share a line when their middles are close.
        let middle = |w: &common::Word| (w.2 + w.4) / 2.0;
        match lines
            .iter_mut()
            .find(|l| l[0].0 == w.0 && (middle(&l[0]) - middle(w)).abs() < 3.0)
        {
            Some(line) => line.push(w.clone()),
            None => lines.push(vec![w.clone()]),
        }
    }
    for line in &mut lines {
        line.sort_by(|a, b| a.1.total_cmp(&b.1));
    }
    lines
}

/// A 6 × 9 in page of prose with a 120-character URL as a link's text
/// (a full stop after it), a bare autolink and long identifiers set as
/// code.
fn url_book(dir: &Path) -> (PathBuf, String) {
    let url = "https://www.example.org/archive/2024/05/01/the-long-afternoon-of-charles-babbage-and-the-analytical-engine?ref=letter&utm=print";
    assert!(url.len() >= 120, "{}", url.len());
    let mut md = String::from("---\ntitle: Addresses\nlanguage: en\n---\n\n# Addresses\n\n");
    for i in 0..3 {
        md.push_str(&format!(
            "Paragraph {i}: the full account of the afternoon is kept at [{url}]({url}). \
             The engine's own notes are at <https://www.example.org/notes/analytical-engine/2024/index.html?page=all> \
             and the hasher the program uses is `std::collections::hash_map::DefaultHasher`, \
             next to `core::hash::BuildHasherDefault` in the same program, which is enough \
             ordinary prose around the addresses to fill several lines of a small page.\n\n"
        ));
    }
    let path = dir.join("urls.md");
    write(&path, &md);
    (path, url.to_string())
}

#[test]
fn long_urls_and_identifiers_break_after_their_punctuation_with_even_spacing() {
    let dir = tempfile::tempdir().unwrap();
    let (input, url) = url_book(dir.path());
    let pdf = dir.path().join("urls.pdf");
    build(&[&input], &pdf, &["--paper", "6x9in"]);
    let Some(words) = common::pdf_words(&pdf, &[]) else {
        return;
    };
    // The natural space: the median gap between words on a line.
    let lines = lines_of(&words);
    let mut gaps: Vec<f64> = lines
        .iter()
        .flat_map(|l| l.windows(2).map(|w| w[1].1 - w[0].3))
        .collect();
    gaps.sort_by(f64::total_cmp);
    let natural = gaps[gaps.len() / 2];
    // A justified line's spaces stretch by half their width per unit of
    // tolerance; the breaker accepts 2 (TeX's), so a gap is at most twice
    // the natural space; a point is left for the measurement (pdftotext's
    // boxes are the glyphs' advances). Before this fix, lines before a URL
    // held 40–50 pt gaps.
    let bound = natural * 2.0 + 1.0;
    for line in &lines {
        for w in line.windows(2) {
            let gap = w[1].1 - w[0].3;
            assert!(
                gap <= bound,
                "a {gap:.1} pt gap (natural {natural:.1} pt) between {:?} and {:?} on page {}",
                w[0].5,
                w[1].5,
                w[0].0
            );
        }
    }
    // The URL breaks across lines and reads back whole: its pieces joined
    // are the address, with no hyphen added.
    let texts: Vec<&str> = words.iter().map(|w| w.5.as_str()).collect();
    let mut found = 0;
    for (i, t) in texts.iter().enumerate() {
        if !t.starts_with("https://") {
            continue;
        }
        let mut joined = t.to_string();
        let mut j = i + 1;
        while joined.len() < url.len() && j < texts.len() {
            joined.push_str(texts[j]);
            j += 1;
        }
        if !joined.starts_with("https://www.example.org/archive") {
            continue;
        }
        assert!(
            joined.starts_with(&url) && joined[url.len()..].starts_with('.'),
            "{joined}"
        );
        if j > i + 1 {
            found += 1;
        }
    }
    assert_eq!(found, 3, "each URL broken across lines");
    // Identifiers break after `::` only, never with a hyphen.
    for t in &texts {
        if t.contains("::") || t.contains("DefaultHasher") {
            assert!(!t.ends_with('-'), "{t}");
        }
    }
    assert!(
        lines
            .iter()
            .any(|l| l.last().is_some_and(|w| w.5.ends_with("::"))),
        "an identifier broken after `::`"
    );
}

#[test]
fn the_epub_marks_where_urls_and_identifiers_may_break() {
    let dir = tempfile::tempdir().unwrap();
    let (input, _) = url_book(dir.path());
    let epub = dir.path().join("urls.epub");
    build(&[&input], &epub, &[]);
    let file = std::fs::File::open(&epub).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut xhtml = String::new();
    for i in 0..zip.len() {
        use std::io::Read;
        let mut entry = zip.by_index(i).unwrap();
        if entry.name().unwrap().ends_with(".xhtml") {
            entry.read_to_string(&mut xhtml).unwrap();
        }
    }
    assert!(
        xhtml.contains(">https://<wbr/>www.<wbr/>example.<wbr/>org/<wbr/>archive/"),
        "{xhtml}"
    );
    assert!(xhtml.contains(
        "<code>std::<wbr/>collections::<wbr/>hash_<wbr/>map::<wbr/>DefaultHasher</code>"
    ));
    // The href stays the address.
    assert!(xhtml.contains("href=\"https://www.example.org/archive/2024/"));
    epubcheck(&epub);
}

/// The number of pages of `pdf` (`pdfinfo`).
fn page_count(pdf: &Path) -> Option<usize> {
    let info = tool_output("pdfinfo", &[pdf.to_str().unwrap()])?;
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .map(|n| n.trim().parse().unwrap())
}

/// A book of `paragraphs` paragraphs of prose in one chapter.
fn prose(dir: &Path, paragraphs: usize) -> PathBuf {
    let mut md = String::from("---\ntitle: Pages\nlanguage: en\n---\n\n# Pages\n\n");
    for p in 0..paragraphs {
        md.push_str(&format!(
            "Paragraph {p} holds ordinary prose, long enough to take several lines of a \
             small page, so that the number of pages grows with the number of paragraphs \
             one or two at a time.\n\n"
        ));
    }
    let path = dir.join("pages.md");
    write(&path, &md);
    path
}

#[test]
fn ingramspark_books_end_on_an_even_page_and_kdp_books_do_not_need_to() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("pages.pdf");
    let mut padded = false;
    let mut odd_kdp = false;
    // Book lengths until one was padded for IngramSpark and one came out
    // odd for KDP.
    for n in (40..120).step_by(7) {
        let input = prose(dir.path(), n);
        let pdf_s = pdf.to_str().unwrap();
        let input_s = input.to_str().unwrap();
        let out = bindery(&[
            "build",
            input_s,
            "-o",
            pdf_s,
            "--paper",
            "6x9in",
            "--profile",
            "ingramspark",
            "-v",
        ]);
        assert!(out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("even page count"), "{stderr}");
        let Some(pages) = page_count(&pdf) else {
            return;
        };
        assert_eq!(pages % 2, 0, "IngramSpark: {pages} pages");
        if stderr.contains(
            "note: a blank page ends the book: IngramSpark prints only an even number of pages",
        ) {
            padded = true;
            // The added page is blank: no text on it.
            let last = pages.to_string();
            let words = common::pdf_words(&pdf, &["-f", &last, "-l", &last]).unwrap();
            assert!(words.is_empty(), "{words:?}");
        }
        let out = bindery(&[
            "build",
            input_s,
            "-o",
            pdf_s,
            "--paper",
            "6x9in",
            "--profile",
            "kdp",
            "-v",
        ]);
        assert!(out.status.success());
        assert!(!String::from_utf8_lossy(&out.stderr).contains("blank page ends"));
        odd_kdp |= page_count(&pdf).unwrap() % 2 == 1;
        if padded && odd_kdp {
            break;
        }
    }
    assert!(padded, "no length needed a blank page");
    assert!(odd_kdp, "KDP books were never odd");
}

#[test]
fn service_warnings_point_where_the_option_was_set() {
    let dir = tempfile::tempdir().unwrap();
    let input = prose(dir.path(), 3);
    let pdf = dir.path().join("pages.pdf");
    let (input_s, pdf_s) = (input.to_str().unwrap(), pdf.to_str().unwrap());
    // On the command line: the option is named, no file place.
    let out = bindery(&[
        "build",
        input_s,
        "-o",
        pdf_s,
        "--profile",
        "kdp",
        "--paper",
        "9x12in",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.lines().any(|l| l
            .starts_with("warning: trim size 9.000 × 12.000 in is outside KDP's range")
            && l.ends_with("(set by --paper)")),
        "{stderr}"
    );
    assert!(
        stderr.lines().any(|l| l.starts_with("warning: ")
            && l.contains("KDP prints 24 to 828 pages")
            && l.ends_with("(set by --profile)")),
        "{stderr}"
    );
    assert!(!stderr.contains("pages.md:1:1"), "{stderr}");
    // In the project file: its line.
    write(
        &dir.path().join("bindery.toml"),
        "chapters = [\"pages.md\"]\n\n[pdf]\nprofile = \"kdp\"\npaper = \"9x12in\"\n",
    );
    let out = bindery(&["build", dir.path().to_str().unwrap(), "-o", pdf_s]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "bindery.toml:5:1: warning: trim size 9.000 × 12.000 in is outside KDP's range"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("bindery.toml:4:1: warning: ")
            && stderr.contains("KDP prints 24 to 828 pages"),
        "{stderr}"
    );
    // The command line over the project file: named, not placed.
    let out = bindery(&[
        "build",
        dir.path().to_str().unwrap(),
        "-o",
        pdf_s,
        "--paper",
        "8.5x12in",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("\nwarning: trim size 8.500 × 12.000 in")
            || stderr.starts_with("warning: trim size 8.500"),
        "{stderr}"
    );
    // In the front matter: its line there.
    std::fs::remove_file(dir.path().join("bindery.toml")).unwrap();
    let text = std::fs::read_to_string(&input).unwrap().replacen(
        "language: en\n",
        "language: en\npdf:\n  profile: kdp\n  paper: 9x12in\n",
        1,
    );
    write(&input, &text);
    let out = bindery(&["build", input_s, "-o", pdf_s]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("pages.md:6:3: warning: trim size 9.000 × 12.000 in"),
        "{stderr}"
    );
}

#[test]
fn a_full_bleed_plate_is_preflighted_at_its_placed_size() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("images")).unwrap();
    std::fs::copy(
        common::root().join("seeds/images/20230325_IRD001.jpg"),
        dir.path().join("images/photo.jpg"),
    )
    .unwrap();
    let input = dir.path().join("plate.md");
    write(
        &input,
        "---\ntitle: Plate\nlanguage: en\n---\n\n# Plate\n\nBefore the plate.\n\n\
         ![A banquet](images/photo.jpg){.bleed}\n\nAfter the plate.\n",
    );
    let pdf = dir.path().join("plate.pdf");
    // 1500 × 844 px covering 6.125 × 9.25 in (trim and bleed): the height
    // decides, 9.25 in, so the picture is 16.44 in wide: 91 dpi.
    let args = ["--paper", "6x9in", "--bleed", "0.125in", "--pdf-min-dpi"];
    let out = build(&[&input], &pdf, &[&args[..], &["300"]].concat());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("plate.md:")
            && stderr.contains("image images/photo.jpg prints at 91 dpi on page 2, under 300 dpi"),
        "{stderr}"
    );
    let out = build(&[&input], &pdf, &[&args[..], &["90"]].concat());
    assert!(!String::from_utf8_lossy(&out.stderr).contains("dpi"));
}

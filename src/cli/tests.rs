//! The options model, layer by layer: every key is set in the project
//! file, the front matter (where it may be) and on the command line,
//! each through its real parser, and the later layer must win.

use super::*;
use bindery::options::{Field, Options, RunOptions};
use std::path::Path;

/// What one resolved book shows.
struct Resolved {
    book: Options,
    run: RunOptions,
}

/// One option under test.
struct Row {
    /// Its key in the project file (`pdf.paper`).
    key: &'static str,
    /// Two values, as TOML literals (which YAML reads the same).
    values: [&'static str; 2],
    /// The front matter's key and two values, when it may carry the option.
    front: Option<(&'static str, [&'static str; 2])>,
    /// Command-line arguments for each value (`{dir}` is the test's folder).
    cli: [&'static [&'static str]; 2],
    /// What the resolved options show of it.
    shown: fn(&Resolved) -> String,
    /// What they show: by default, then with each value.
    want: [&'static str; 3],
}

fn name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[rustfmt::skip]
fn rows() -> Vec<Row> {
    // Front matter keys of metadata are top-level; its sections nest.
    macro_rules! same { ($k:literal, $v:expr) => { Some(($k, $v)) }; }
    vec![
        Row { key: "chapters", values: ["[\"a.md\"]", "[\"b.md\"]"], front: None,
            cli: [&["--set", "chapters=a.md"], &["--set", "chapters=b.md"]],
            shown: |r| r.run.chapters.join("+"), want: ["", "a.md", "b.md"] },
        Row { key: "dialect", values: ["\"article\"", "\"commonmark\""], front: None,
            cli: [&["--dialect", "article"], &["--dialect", "commonmark"]],
            shown: |r| format!("{:?}", r.book.dialect), want: ["None", "Some(Article)", "Some(CommonMark)"] },
        Row { key: "strict", values: ["true", "false"], front: None,
            cli: [&["--strict"], &["--no-strict"]],
            shown: |r| r.book.strict.to_string(), want: ["false", "true", "false"] },
        Row { key: "lossy_utf8", values: ["true", "false"], front: None,
            cli: [&["--lossy-utf8"], &["--no-lossy-utf8"]],
            shown: |r| r.book.lossy_utf8.to_string(), want: ["false", "true", "false"] },
        Row { key: "smart", values: ["false", "true"], front: None,
            cli: [&["--no-smart"], &["--smart"]],
            shown: |r| r.book.smart.to_string(), want: ["true", "false", "true"] },
        Row { key: "labels", values: ["{ contents = \"A\" }", "{ contents = \"B\" }"], front: None,
            cli: [&["--set", "labels.contents=A"], &["--set", "labels.contents=B"]],
            shown: |r| format!("{:?}", r.book.labels.values().collect::<Vec<_>>()), want: ["[]", "[\"A\"]", "[\"B\"]"] },
        Row { key: "metadata.title", values: ["\"A\"", "\"B\""], front: same!("title", ["\"A\"", "\"B\""]),
            cli: [&["--meta", "title=A"], &["--meta", "title=B"]],
            shown: |r| format!("{:?}", r.book.metadata.title), want: ["None", "Some(\"A\")", "Some(\"B\")"] },
        Row { key: "metadata.subtitle", values: ["\"A\"", "\"B\""], front: same!("subtitle", ["\"A\"", "\"B\""]),
            cli: [&["--meta", "subtitle=A"], &["--meta", "subtitle=B"]],
            shown: |r| format!("{:?}", r.book.metadata.subtitle), want: ["None", "Some(\"A\")", "Some(\"B\")"] },
        Row { key: "metadata.authors", values: ["[\"A1\", \"A2\"]", "\"B\""], front: same!("authors", ["[\"A1\", \"A2\"]", "\"B\""]),
            cli: [&["--meta", "author=A1; A2"], &["--meta", "authors=B"]],
            shown: |r| r.book.metadata.authors.join("+"), want: ["", "A1+A2", "B"] },
        Row { key: "metadata.contributors", values: ["[\"Ann (editor)\"]", "\"Bob (translator)\""],
            front: same!("authors", ["[{name: \"Ann\", role: \"editor\"}]", "[{name: \"Bob\", role: \"translator\"}]"]),
            cli: [&["--meta", "contributors=Ann (editor)"], &["--meta", "contributor=Bob (translator)"]],
            shown: |r| r.book.metadata.contributors.iter().map(|c| format!("{}/{}", c.name, c.role)).collect(),
            want: ["", "Ann/edt", "Bob/trl"] },
        Row { key: "metadata.language", values: ["\"fr\"", "\"de\""], front: same!("language", ["\"fr\"", "\"de\""]),
            cli: [&["--meta", "language=fr"], &["--meta", "lang=de"]],
            shown: |r| format!("{:?}", r.book.metadata.language), want: ["None", "Some(\"fr\")", "Some(\"de\")"] },
        Row { key: "metadata.date", values: ["\"2020-01-02\"", "\"2021-03-04\""], front: same!("date", ["\"2020-01-02\"", "\"2021-03-04\""]),
            cli: [&["--meta", "date=2020-01-02"], &["--meta", "date=2021-03-04"]],
            shown: |r| format!("{:?}", r.book.metadata.date), want: ["None", "Some(\"2020-01-02\")", "Some(\"2021-03-04\")"] },
        Row { key: "metadata.identifier", values: ["\"id-a\"", "\"id-b\""], front: same!("identifier", ["\"id-a\"", "\"id-b\""]),
            cli: [&["--meta", "identifier=id-a"], &["--meta", "isbn=id-b"]],
            shown: |r| format!("{:?}", r.book.metadata.identifier), want: ["None", "Some(\"id-a\")", "Some(\"id-b\")"] },
        Row { key: "metadata.publisher", values: ["\"A\"", "\"B\""], front: same!("publisher", ["\"A\"", "\"B\""]),
            cli: [&["--meta", "publisher=A"], &["--meta", "publisher=B"]],
            shown: |r| format!("{:?}", r.book.metadata.publisher), want: ["None", "Some(\"A\")", "Some(\"B\")"] },
        Row { key: "metadata.description", values: ["\"A\"", "\"B\""], front: same!("description", ["\"A\"", "\"B\""]),
            cli: [&["--meta", "description=A"], &["--meta", "description=B"]],
            shown: |r| format!("{:?}", r.book.metadata.description), want: ["None", "Some(\"A\")", "Some(\"B\")"] },
        Row { key: "metadata.subjects", values: ["[\"S1\", \"S2\"]", "\"T\""], front: same!("subjects", ["[\"S1\", \"S2\"]", "\"T\""]),
            cli: [&["--meta", "subjects=S1;S2"], &["--meta", "keywords=T"]],
            shown: |r| r.book.metadata.subjects.join("+"), want: ["", "S1+S2", "T"] },
        Row { key: "metadata.rights", values: ["\"A\"", "\"B\""], front: same!("rights", ["\"A\"", "\"B\""]),
            cli: [&["--meta", "rights=A"], &["--meta", "rights=B"]],
            shown: |r| format!("{:?}", r.book.metadata.rights), want: ["None", "Some(\"A\")", "Some(\"B\")"] },
        Row { key: "metadata.series", values: ["\"A\"", "\"B\""], front: same!("series", ["\"A\"", "\"B\""]),
            cli: [&["--meta", "series=A"], &["--meta", "series=B"]],
            shown: |r| format!("{:?}", r.book.metadata.series), want: ["None", "Some(\"A\")", "Some(\"B\")"] },
        Row { key: "metadata.series_index", values: ["\"1\"", "2"], front: same!("series_index", ["\"1\"", "2"]),
            cli: [&["--meta", "series-index=1"], &["--meta", "series_index=2"]],
            shown: |r| format!("{:?}", r.book.metadata.series_index), want: ["None", "Some(\"1\")", "Some(\"2\")"] },
        Row { key: "output.formats", values: ["[\"epub\"]", "\"pdf\""], front: None,
            cli: [&["-f", "epub"], &["-f", "pdf"]],
            shown: |r| format!("{:?}", r.run.formats), want: ["[]", "[Epub]", "[Pdf]"] },
        Row { key: "output.dir", values: ["\"outa\"", "\"outb\""], front: None,
            cli: [&["--out-dir", "{dir}/outa"], &["--out-dir", "{dir}/outb"]],
            shown: |r| r.run.dir.as_deref().map(name).unwrap_or_default(), want: ["", "outa", "outb"] },
        Row { key: "output.name", values: ["\"A\"", "\"B\""], front: None,
            cli: [&["--name", "A"], &["--name", "B"]],
            shown: |r| r.run.name.clone(), want: ["{stem}", "A", "B"] },
        Row { key: "output.each", values: ["true", "false"], front: None,
            cli: [&["--each"], &["--no-each"]],
            shown: |r| r.run.each.to_string(), want: ["false", "true", "false"] },
        Row { key: "epub.css", values: ["\"a.css\"", "\"b.css\""], front: same!("epub.css", ["\"a.css\"", "\"b.css\""]),
            cli: [&["--css", "{dir}/a.css"], &["--css", "{dir}/b.css"]],
            shown: |r| format!("{:?}", r.book.epub.stylesheet), want: ["None", "Some(\"A\")", "Some(\"B\")"] },
        Row { key: "epub.image_max", values: ["100", "\"200\""], front: same!("epub.image_max", ["100", "200"]),
            cli: [&["--epub-image-max", "100"], &["--epub-image-max", "200"]],
            shown: |r| r.book.images.epub_max_edge.to_string(), want: ["2048", "100", "200"] },
        Row { key: "epub.cover", values: ["\"a.jpg\"", "\"auto\""], front: same!("epub.cover", ["\"a.jpg\"", "auto"]),
            cli: [&["--cover", "{dir}/a.jpg"], &["--cover", "auto"]],
            shown: |r| match &r.book.epub.cover {
                bindery::epub::Cover::None => "none".into(),
                bindery::epub::Cover::Generated => "auto".into(),
                bindery::epub::Cover::Image(p) => name(p),
            },
            want: ["none", "a.jpg", "auto"] },
        Row { key: "epub.split_level", values: ["2", "3"], front: same!("epub.split_level", ["2", "3"]),
            cli: [&["--split-level", "2"], &["--split-level", "3"]],
            shown: |r| format!("{:?}", r.book.epub.split_level), want: ["None", "Some(2)", "Some(3)"] },
        Row { key: "epub.toc_depth", values: ["1", "3"], front: same!("epub.toc_depth", ["1", "3"]),
            cli: [&["--toc-depth", "1"], &["--toc-depth", "3"]],
            shown: |r| r.book.epub.toc_depth.to_string(), want: ["2", "1", "3"] },
        Row { key: "epub.toc_page", values: ["true", "false"], front: same!("epub.toc_page", ["true", "false"]),
            cli: [&["--toc-page"], &["--no-toc-page"]],
            shown: |r| r.book.epub.toc_page.to_string(), want: ["false", "true", "false"] },
        Row { key: "epub.notes_per_chapter", values: ["true", "false"], front: same!("epub.notes_per_chapter", ["true", "false"]),
            cli: [&["--notes-per-chapter"], &["--no-notes-per-chapter"]],
            shown: |r| r.book.epub.notes_per_chapter.to_string(), want: ["false", "true", "false"] },
        Row { key: "pdf.paper", values: ["\"a5\"", "\"letter\""], front: same!("pdf.paper", ["a5", "letter"]),
            cli: [&["--paper", "a5"], &["--paper", "letter"]],
            shown: |r| format!("{:?}", r.book.pdf.paper), want: ["A4", "A5", "Letter"] },
        Row { key: "pdf.profile", values: ["\"screen\"", "\"print\""], front: same!("pdf.profile", ["screen", "print"]),
            cli: [&["--profile", "screen"], &["--profile", "print"]],
            shown: |r| r.book.images.pdf_min_dpi.to_string(), want: ["300", "150", "300"] },
        Row { key: "pdf.min_dpi", values: ["100", "200.5"], front: same!("pdf.min_dpi", ["100", "200.5"]),
            cli: [&["--pdf-min-dpi", "100"], &["--pdf-min-dpi", "200.5"]],
            shown: |r| r.book.images.pdf_min_dpi.to_string(), want: ["300", "100", "200.5"] },
        Row { key: "pdf.max_dpi", values: ["400", "600"], front: same!("pdf.max_dpi", ["400", "600"]),
            cli: [&["--pdf-image-max-dpi", "400"], &["--pdf-image-max-dpi", "600"]],
            shown: |r| format!("{:?}", r.book.images.pdf_max_dpi), want: ["None", "Some(400.0)", "Some(600.0)"] },
        Row { key: "pdf.toc", values: ["true", "false"], front: same!("pdf.toc", ["true", "false"]),
            cli: [&["--toc"], &["--no-toc"]],
            shown: |r| r.book.pdf.toc.to_string(), want: ["false", "true", "false"] },
        Row { key: "pdf.recto_chapters", values: ["true", "false"], front: same!("pdf.recto_chapters", ["true", "false"]),
            cli: [&["--recto-chapters"], &["--no-recto-chapters"]],
            shown: |r| r.book.pdf.recto_chapters.to_string(), want: ["false", "true", "false"] },
        Row { key: "pdf.ragged", values: ["true", "false"], front: same!("pdf.ragged", ["true", "false"]),
            cli: [&["--ragged"], &["--no-ragged"]],
            shown: |r| r.book.pdf.ragged.to_string(), want: ["false", "true", "false"] },
        Row { key: "pdf.bleed", values: ["\"3mm\"", "\"0.25in\""], front: same!("pdf.bleed", ["3mm", "0.25in"]),
            cli: [&["--bleed", "3mm"], &["--bleed", "0.25in"]],
            shown: |r| format!("{:.1}", r.book.pdf.bleed.to_pt()), want: ["0.0", "8.5", "18.0"] },
        Row { key: "pdf.crop_marks", values: ["true", "false"], front: same!("pdf.crop_marks", ["true", "false"]),
            cli: [&["--crop-marks"], &["--no-crop-marks"]],
            shown: |r| r.book.pdf.crop_marks.to_string(), want: ["false", "true", "false"] },
        Row { key: "pdf.fonts", values: ["[\"a.otf\", \"b.otf\"]", "\"b.otf\""], front: same!("pdf.fonts", ["[a.otf, b.otf]", "b.otf"]),
            cli: [&["--font", "{dir}/a.otf", "--font", "{dir}/b.otf"], &["--font", "{dir}/b.otf"]],
            shown: |r| r.book.pdf.fonts.iter().map(|p| name(p)).collect::<Vec<_>>().join("+"), want: ["", "a.otf+b.otf", "b.otf"] },
        Row { key: "pdf.system_fonts", values: ["false", "true"], front: same!("pdf.system_fonts", ["false", "true"]),
            cli: [&["--no-system-fonts"], &["--system-fonts"]],
            shown: |r| r.book.pdf.system_fonts.to_string(), want: ["true", "false", "true"] },
        Row { key: "pdf.margins", values: ["\"10mm,10mm,10mm,10mm\"", "\"1in 1in 1in 2in\""], front: same!("pdf.margins", ["10mm,10mm,10mm,10mm", "1in 1in 1in 2in"]),
            cli: [&["--margins", "10mm,10mm,10mm,10mm"], &["--margins", "1in,1in,1in,2in"]],
            shown: |r| format!("{:?}", r.book.pdf.margins.map(|m| m.map(|x| x.to_pt().round()))), want: ["None", "Some([28.0, 28.0, 28.0, 28.0])", "Some([72.0, 72.0, 72.0, 144.0])"] },
        Row { key: "pdf.page_refs", values: ["true", "false"], front: same!("pdf.page_refs", ["true", "false"]),
            cli: [&["--set", "pdf.page_refs=true"], &["--set", "pdf.page_refs=false"]],
            shown: |r| r.book.pdf.page_refs.to_string(), want: ["false", "true", "false"] },
        Row { key: "pdf.greyscale", values: ["true", "false"], front: same!("pdf.greyscale", ["true", "false"]),
            cli: [&["--set", "pdf.greyscale=true"], &["--set", "pdf.greyscale=false"]],
            shown: |r| r.book.pdf.greyscale.to_string(), want: ["false", "true", "false"] },
        Row { key: "code.highlight", values: ["false", "true"], front: same!("code.highlight", ["false", "true"]),
            cli: [&["--set", "code.highlight=false"], &["--set", "code.highlight=true"]],
            shown: |r| format!("{}/{}", r.book.pdf.code.highlight, r.book.epub.code.highlight), want: ["true/true", "false/false", "true/true"] },
        Row { key: "code.line_numbers", values: ["true", "false"], front: same!("code.line_numbers", ["true", "false"]),
            cli: [&["--set", "code.line_numbers=true"], &["--set", "code.line_numbers=false"]],
            shown: |r| r.book.pdf.code.line_numbers.to_string(), want: ["false", "true", "false"] },
        Row { key: "code.theme", values: ["\"night\"", "\"InspiredGitHub\""], front: same!("code.theme", ["night", "InspiredGitHub"]),
            cli: [&["--set", "code.theme=night"], &["--set", "code.theme=InspiredGitHub"]],
            shown: |r| r.book.pdf.code.theme.name.clone(), want: ["print", "night", "InspiredGitHub"] },
        Row { key: "bibliography", values: ["[\"a.bib\", \"b.bib\"]", "\"b.bib\""], front: same!("bibliography", ["[a.bib, b.bib]", "b.bib"]),
            cli: [&["--bibliography", "{dir}/a.bib", "--bibliography", "{dir}/b.bib"], &["--bibliography", "{dir}/b.bib"]],
            shown: |r| r.book.cite.bibliography.iter().map(|p| name(p)).collect::<Vec<_>>().join("+"), want: ["", "a.bib+b.bib", "b.bib"] },
        Row { key: "csl", values: ["\"apa\"", "\"ieee\""], front: same!("csl", ["apa", "ieee"]),
            cli: [&["--csl", "apa"], &["--csl", "ieee"]],
            shown: |r| format!("{:?}", r.book.cite.style), want: ["None", "Some(\"apa\")", "Some(\"ieee\")"] },
        Row { key: "metadata.edition", values: ["\"A\"", "\"B\""], front: same!("edition", ["\"A\"", "\"B\""]),
            cli: [&["--meta", "edition=A"], &["--meta", "edition=B"]],
            shown: |r| format!("{:?}", r.book.metadata.edition), want: ["None", "Some(\"A\")", "Some(\"B\")"] },
        Row { key: "metadata.printing", values: ["\"A\"", "\"B\""], front: same!("printing", ["\"A\"", "\"B\""]),
            cli: [&["--meta", "printing=A"], &["--meta", "printing=B"]],
            shown: |r| format!("{:?}", r.book.metadata.printing), want: ["None", "Some(\"A\")", "Some(\"B\")"] },
        Row { key: "metadata.dedication", values: ["\"A\"", "\"B\""], front: same!("dedication", ["\"A\"", "\"B\""]),
            cli: [&["--meta", "dedication=A"], &["--meta", "dedication=B"]],
            shown: |r| format!("{:?}", r.book.metadata.dedication), want: ["None", "Some(\"A\")", "Some(\"B\")"] },
        Row { key: "metadata.epigraph", values: ["\"A\"", "\"B\""], front: same!("epigraph", ["\"A\"", "\"B\""]),
            cli: [&["--meta", "epigraph=A"], &["--meta", "epigraph=B"]],
            shown: |r| format!("{:?}", r.book.metadata.epigraph), want: ["None", "Some(\"A\")", "Some(\"B\")"] },
        Row { key: "epub.front_matter", values: ["true", "false"], front: same!("epub.front_matter", ["true", "false"]),
            cli: [&["--front-matter"], &["--no-front-matter"]],
            shown: |r| r.book.epub.front_matter.to_string(), want: ["false", "true", "false"] },
        Row { key: "pdf.standard", values: ["\"x4\"", "\"a2b\""], front: same!("pdf.standard", ["x4", "a2b"]),
            cli: [&["--pdf-standard", "x4"], &["--pdf-standard", "a2b"]],
            shown: |r| format!("{:?}", r.book.pdf.standard), want: ["None", "X4", "A2b"] },
        Row { key: "pdf.front_matter", values: ["true", "false"], front: same!("pdf.front_matter", ["true", "false"]),
            cli: [&["--front-matter"], &["--no-front-matter"]],
            shown: |r| r.book.pdf.front_matter.to_string(), want: ["false", "true", "false"] },
        Row { key: "pdf.stock", values: ["\"cream\"", "\"white\""], front: same!("pdf.stock", ["cream", "white"]),
            cli: [&["--paper-stock", "cream"], &["--paper-stock", "white"]],
            shown: |r| format!("{:?}", r.book.pdf.stock), want: ["White", "Cream", "White"] },
        Row { key: "pdf.style.theme", values: ["\"magazine\"", "\"report\""], front: same!("pdf.style.theme", ["magazine", "report"]),
            cli: [&["--theme", "magazine"], &["--theme", "report"]],
            shown: |r| format!("{:?}", r.book.pdf.style.theme), want: ["Book", "Magazine", "Report"] },
        Row { key: "pdf.style.body_font", values: ["\"a.otf\"", "\"b.otf\""], front: same!("pdf.style.body_font", ["a.otf", "b.otf"]),
            cli: [&["--set", "pdf.style.body_font={dir}/a.otf"], &["--set", "pdf.style.body_font={dir}/b.otf"]],
            shown: |r| r.book.pdf.style.body_font.as_deref().map(name).unwrap_or_default(), want: ["", "a.otf", "b.otf"] },
        Row { key: "pdf.style.italic_font", values: ["\"a.otf\"", "\"b.otf\""], front: same!("pdf.style.italic_font", ["a.otf", "b.otf"]),
            cli: [&["--set", "pdf.style.italic_font={dir}/a.otf"], &["--set", "pdf.style.italic_font={dir}/b.otf"]],
            shown: |r| r.book.pdf.style.italic_font.as_deref().map(name).unwrap_or_default(), want: ["", "a.otf", "b.otf"] },
        Row { key: "pdf.style.bold_font", values: ["\"a.otf\"", "\"b.otf\""], front: same!("pdf.style.bold_font", ["a.otf", "b.otf"]),
            cli: [&["--set", "pdf.style.bold_font={dir}/a.otf"], &["--set", "pdf.style.bold_font={dir}/b.otf"]],
            shown: |r| r.book.pdf.style.bold_font.as_deref().map(name).unwrap_or_default(), want: ["", "a.otf", "b.otf"] },
        Row { key: "pdf.style.bold_italic_font", values: ["\"a.otf\"", "\"b.otf\""], front: same!("pdf.style.bold_italic_font", ["a.otf", "b.otf"]),
            cli: [&["--set", "pdf.style.bold_italic_font={dir}/a.otf"], &["--set", "pdf.style.bold_italic_font={dir}/b.otf"]],
            shown: |r| r.book.pdf.style.bold_italic_font.as_deref().map(name).unwrap_or_default(), want: ["", "a.otf", "b.otf"] },
        Row { key: "pdf.style.heading_font", values: ["\"a.otf\"", "\"b.otf\""], front: same!("pdf.style.heading_font", ["a.otf", "b.otf"]),
            cli: [&["--set", "pdf.style.heading_font={dir}/a.otf"], &["--set", "pdf.style.heading_font={dir}/b.otf"]],
            shown: |r| r.book.pdf.style.heading_font.as_deref().map(name).unwrap_or_default(), want: ["", "a.otf", "b.otf"] },
        Row { key: "pdf.style.mono_font", values: ["\"a.otf\"", "\"b.otf\""], front: same!("pdf.style.mono_font", ["a.otf", "b.otf"]),
            cli: [&["--set", "pdf.style.mono_font={dir}/a.otf"], &["--set", "pdf.style.mono_font={dir}/b.otf"]],
            shown: |r| r.book.pdf.style.mono_font.as_deref().map(name).unwrap_or_default(), want: ["", "a.otf", "b.otf"] },
        Row { key: "pdf.style.size", values: ["\"10pt\"", "\"12pt\""], front: same!("pdf.style.size", ["10pt", "12pt"]),
            cli: [&["--set", "pdf.style.size=10pt"], &["--set", "pdf.style.size=12pt"]],
            shown: |r| format!("{:?}", r.book.pdf.style.size.map(|a| a.to_pt())), want: ["None", "Some(10.0)", "Some(12.0)"] },
        Row { key: "pdf.style.leading", values: ["\"13pt\"", "\"15pt\""], front: same!("pdf.style.leading", ["13pt", "15pt"]),
            cli: [&["--set", "pdf.style.leading=13pt"], &["--set", "pdf.style.leading=15pt"]],
            shown: |r| format!("{:?}", r.book.pdf.style.leading.map(|a| a.to_pt())), want: ["None", "Some(13.0)", "Some(15.0)"] },
        Row { key: "pdf.style.indent", values: ["\"0pt\"", "\"20pt\""], front: same!("pdf.style.indent", ["0pt", "20pt"]),
            cli: [&["--set", "pdf.style.indent=0pt"], &["--set", "pdf.style.indent=20pt"]],
            shown: |r| format!("{:?}", r.book.pdf.style.indent.map(|a| a.to_pt())), want: ["None", "Some(0.0)", "Some(20.0)"] },
        Row { key: "pdf.style.spacing", values: ["\"6pt\"", "\"3pt\""], front: same!("pdf.style.spacing", ["6pt", "3pt"]),
            cli: [&["--set", "pdf.style.spacing=6pt"], &["--set", "pdf.style.spacing=3pt"]],
            shown: |r| format!("{:?}", r.book.pdf.style.spacing.map(|a| a.to_pt())), want: ["None", "Some(6.0)", "Some(3.0)"] },
        Row { key: "pdf.style.columns", values: ["2", "1"], front: same!("pdf.style.columns", ["2", "1"]),
            cli: [&["--set", "pdf.style.columns=2"], &["--set", "pdf.style.columns=1"]],
            shown: |r| format!("{:?}", r.book.pdf.style.columns), want: ["None", "Some(2)", "Some(1)"] },
        Row { key: "pdf.style.chapter_opening", values: ["\"plain\"", "\"sink\""], front: same!("pdf.style.chapter_opening", ["plain", "sink"]),
            cli: [&["--set", "pdf.style.chapter_opening=plain"], &["--set", "pdf.style.chapter_opening=sink"]],
            shown: |r| format!("{:?}", r.book.pdf.style.opening), want: ["None", "Some(Plain)", "Some(Sink)"] },
        Row { key: "cover.image", values: ["\"a.jpg\"", "\"b.jpg\""], front: None,
            cli: [&["--set", "cover.image={dir}/a.jpg"], &["--set", "cover.image={dir}/b.jpg"]],
            shown: |r| r.book.cover.image.as_deref().map(name).unwrap_or_default(), want: ["", "a.jpg", "b.jpg"] },
        Row { key: "cover.pages", values: ["100", "\"200\""], front: None,
            cli: [&["--set", "cover.pages=100"], &["--set", "cover.pages=200"]],
            shown: |r| format!("{:?}", r.book.cover.pages), want: ["None", "Some(100)", "Some(200)"] },
        Row { key: "images.missing", values: ["\"drop\"", "\"error\""], front: same!("images.missing", ["drop", "error"]),
            cli: [&["--missing-images", "drop"], &["--missing-images", "error"]],
            shown: |r| format!("{:?}", r.book.images.missing), want: ["Placeholder", "Drop", "Error"] },
        Row { key: "images.allow_outside_root", values: ["true", "false"], front: same!("images.allow_outside_root", ["true", "false"]),
            cli: [&["--allow-outside-root"], &["--no-allow-outside-root"]],
            shown: |r| r.book.images.allow_outside_root.to_string(), want: ["false", "true", "false"] },
    ]
}

/// `key = value` in its section of a TOML file.
fn toml_text(key: &str, value: &str) -> String {
    match key.split_once('.') {
        Some((section, name)) => format!("[{section}]\n{name} = {value}\n"),
        None => format!("{key} = {value}\n"),
    }
}

/// A Markdown file whose YAML front matter sets `key` (nested at each dot).
fn front_text(key: &str, value: &str) -> String {
    let mut yaml = String::new();
    let parts: Vec<&str> = key.split('.').collect();
    for (depth, part) in parts.iter().enumerate() {
        let pad = "  ".repeat(depth);
        if depth + 1 == parts.len() {
            yaml.push_str(&format!("{pad}{part}: {value}\n"));
        } else {
            yaml.push_str(&format!("{pad}{part}:\n"));
        }
    }
    format!("---\n{yaml}---\n# Chapter\n")
}

/// Options one setting shows in two places: a profile's resolution and
/// `min_dpi`, the one `--front-matter` flag and the EPUB's and PDF's keys,
/// the EPUB's cover image and the print cover's (its default).
fn coupled(a: &str, b: &str) -> bool {
    const PAIRS: [[&str; 2]; 3] = [
        ["pdf.profile", "pdf.min_dpi"],
        ["pdf.front_matter", "epub.front_matter"],
        ["epub.cover", "cover.image"],
    ];
    PAIRS.iter().any(|p| *p == [a, b] || *p == [b, a])
}

/// The three layers of one case (None: the layer leaves the key unset),
/// each read by its real parser, then resolved.
fn resolve(row: &Row, dir: &Path, set: [Option<usize>; 3]) -> Resolved {
    let project = match set[0] {
        Some(v) => {
            let text = toml_text(row.key, row.values[v]);
            let mut layer = bindery::config::parse(&text, bindery::diag::FileId(0))
                .unwrap_or_else(|d| panic!("{}: {text}: {}", row.key, d.message));
            layer.rebase(dir);
            layer
        }
        None => Layer::default(),
    };
    let front = match (set[1], row.front) {
        (Some(v), Some((key, values))) => {
            let text = front_text(key, values[v]);
            let mut diags = bindery::diag::Diagnostics::default();
            let (front, _) =
                bindery::parse::frontmatter::read(&text, bindery::diag::FileId(0), &mut diags);
            assert!(diags.is_empty(), "{}: {text}: {diags:?}", row.key);
            Layer::from_front_matter(front, &dir.join("a.md"))
        }
        _ => Layer::default(),
    };
    let mut argv = vec!["bindery".to_string(), "build".into(), "a.md".into()];
    if let Some(v) = set[2] {
        let dir = dir.display().to_string();
        argv.extend(row.cli[v].iter().map(|a| a.replace("{dir}", &dir)));
    }
    let Command::Build(args) = Cli::try_parse_from(&argv)
        .unwrap_or_else(|e| panic!("{argv:?}: {e}"))
        .command
    else {
        unreachable!("a build command line")
    };
    let cli = build_request(&args).unwrap().options;
    Resolved {
        book: Options::resolve([project.clone(), front, cli.clone()], dir)
            .unwrap_or_else(|e| panic!("{}: {e}", row.key)),
        run: RunOptions::resolve([project, cli]),
    }
}

#[test]
fn every_option_at_every_layer_later_layers_win() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path().canonicalize().unwrap();
    for (file, text) in [("a.css", "A"), ("b.css", "B"), ("a.jpg", ""), ("a.md", "")] {
        std::fs::write(dir.join(file), text).unwrap();
    }
    let rows = rows();
    // Every option has a row: a new one fails here until it is tested.
    let mut keys: Vec<&str> = rows.iter().map(|r| r.key).collect();
    keys.sort_unstable();
    let mut all = Layer::keys();
    all.sort();
    assert_eq!(keys, all, "one row per option");

    for row in &rows {
        assert_ne!(
            row.want[1], row.want[2],
            "{}: the two values look alike",
            row.key
        );
        let layers = if row.front.is_some() { 3 } else { 2 };
        let slot = |i: usize| if layers == 3 { i } else { [0, 2][i] };
        let mut cases: Vec<([Option<usize>; 3], usize)> = vec![([None; 3], 0)];
        for i in 0..layers {
            for v in 0..2 {
                // One layer alone: its value, over the default.
                let mut set = [None; 3];
                set[slot(i)] = Some(v);
                cases.push((set, v + 1));
                // Under a later layer: the later one's value; over an
                // earlier one that leaves it unset: its own.
                for j in i + 1..layers {
                    let mut set = [None; 3];
                    set[slot(i)] = Some(v);
                    set[slot(j)] = Some(1 - v);
                    cases.push((set, 2 - v));
                }
            }
        }
        if layers == 3 {
            cases.push(([Some(0), Some(1), Some(0)], 1));
            cases.push(([Some(1), Some(0), Some(1)], 2));
        }
        for (set, want) in cases {
            let resolved = resolve(row, &dir, set);
            let got = (row.shown)(&resolved);
            assert_eq!(got, row.want[want], "{} with layers {set:?}", row.key);
            // Setting one option changes no other (but the two that
            // show the same resolution).
            for other in rows.iter().filter(|o| o.key != row.key) {
                if !coupled(row.key, other.key) {
                    let got = (other.shown)(&resolved);
                    assert_eq!(got, other.want[0], "{} set, {} changed", row.key, other.key);
                }
            }
        }
    }
}

/// The regression of `images_given`: one option given on the command
/// line kept none of the project file's image options. Here every
/// option is set in a lower layer (the project file, then the front
/// matter) and each, alone, on the command line: only that one changes.
#[test]
fn one_option_on_the_command_line_keeps_every_other_of_the_layers_below() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path().canonicalize().unwrap();
    for (file, text) in [("a.css", "A"), ("b.css", "B"), ("a.jpg", ""), ("a.md", "")] {
        std::fs::write(dir.join(file), text).unwrap();
    }
    let rows = rows();
    // The project file and the front matter with every option they take.
    let mut toml = String::new();
    let mut yaml = String::new();
    let mut last_section = "";
    let mut sorted: Vec<&Row> = rows.iter().collect();
    sorted.sort_by_key(|r| (r.key.contains('.'), r.key.split('.').next()));
    for row in &sorted {
        let (section, name) = row.key.split_once('.').unwrap_or(("", row.key));
        if section != last_section {
            toml.push_str(&format!("[{section}]\n"));
            last_section = section;
        }
        toml.push_str(&format!("{name} = {}\n", row.values[0]));
    }
    let mut in_front: Vec<&Row> = rows
        .iter()
        .filter(|r| r.front.is_some() && r.key != "metadata.contributors")
        .collect();
    in_front.sort_by_key(|r| r.front.map(|f| f.0));
    let mut last_section = "";
    let mut last_sub = "";
    for row in &in_front {
        let (key, values) = row.front.unwrap();
        match key.split_once('.') {
            Some((section, name)) => {
                if section != last_section {
                    yaml.push_str(&format!("{section}:\n"));
                    last_section = section;
                    last_sub = "";
                }
                match name.split_once('.') {
                    Some((sub, name)) => {
                        if sub != last_sub {
                            yaml.push_str(&format!("  {sub}:\n"));
                            last_sub = sub;
                        }
                        yaml.push_str(&format!("    {name}: {}\n", values[0]));
                    }
                    None => yaml.push_str(&format!("  {name}: {}\n", values[0])),
                }
            }
            None => yaml.insert_str(0, &format!("{key}: {}\n", values[0])),
        }
    }
    let mut project = bindery::config::parse(&toml, bindery::diag::FileId(0))
        .unwrap_or_else(|d| panic!("{toml}: {}", d.message));
    project.rebase(&dir);
    let mut diags = bindery::diag::Diagnostics::default();
    let text = format!("---\n{yaml}---\n# Chapter\n");
    let (front, _) = bindery::parse::frontmatter::read(&text, bindery::diag::FileId(0), &mut diags);
    assert!(diags.is_empty(), "{text}: {diags:?}");
    let front = Layer::from_front_matter(front, &dir.join("a.md"));

    let lower_layers = [
        (
            "project file",
            vec![project.clone()],
            rows.iter().collect::<Vec<_>>(),
        ),
        ("front matter", vec![Layer::default(), front], in_front),
    ];
    for (lower, layers, covered) in &lower_layers {
        for row in covered {
            if row.key == "pdf.profile" {
                // Below, min_dpi is set too, and an explicit resolution
                // wins over the profile's (the table above covers it).
                continue;
            }
            let mut argv = vec!["bindery".to_string(), "build".into(), "a.md".into()];
            let d = dir.display().to_string();
            argv.extend(row.cli[1].iter().map(|a| a.replace("{dir}", &d)));
            let Command::Build(args) = Cli::try_parse_from(&argv).unwrap().command else {
                unreachable!("a build command line")
            };
            let cli = build_request(&args).unwrap().options;
            let mut all = layers.clone();
            all.push(cli.clone());
            let resolved = Resolved {
                book: Options::resolve(all, &dir).unwrap(),
                run: RunOptions::resolve([layers[0].clone(), cli]),
            };
            assert_eq!((row.shown)(&resolved), row.want[2], "{}: {argv:?}", row.key);
            for other in covered.iter().filter(|o| o.key != row.key) {
                // The profile shows the resolution min_dpi sets.
                if other.key == "pdf.profile"
                    || row.key == "pdf.min_dpi"
                    || coupled(row.key, other.key)
                {
                    continue;
                }
                assert_eq!(
                    (other.shown)(&resolved),
                    other.want[1],
                    "{} from the {lower} lost to {argv:?}",
                    other.key
                );
            }
        }
    }
}

#[test]
fn the_last_of_a_switch_and_its_no_form_wins() {
    let parse = |args: &[&str]| {
        let mut argv = vec!["bindery", "build", "a.md"];
        argv.extend(args);
        let Command::Build(args) = Cli::try_parse_from(argv).unwrap().command else {
            unreachable!("a build command line")
        };
        build_request(&args).unwrap().options.pdf.toc
    };
    assert_eq!(parse(&["--toc", "--no-toc"]), Some(Switch(false)));
    assert_eq!(parse(&["--no-toc", "--toc"]), Some(Switch(true)));
    assert_eq!(parse(&[]), None);
}

#[test]
fn set_is_applied_after_the_flags() {
    let argv = [
        "bindery",
        "build",
        "a.md",
        "--set",
        "pdf.paper=a5",
        "--paper",
        "letter",
    ];
    let Command::Build(args) = Cli::try_parse_from(argv).unwrap().command else {
        unreachable!("a build command line")
    };
    let layer = build_request(&args).unwrap().options;
    assert_eq!(layer.pdf.paper, Some(PaperSize::A5));
}

//! `bindery.toml`: the project file next to the sources, and the starter
//! project `bindery init` writes.
//!
//! Input: the file's text. Output: its [`Layer`] of options (chapters,
//! metadata, outputs, EPUB, PDF and image options; see [`crate::options`])
//! or a diagnostic with the file, line and a hint. Unknown keys and wrong
//! values are errors, worded as the command line words them.

use crate::diag::{Diagnostic, FileId, Span};
use crate::options::Layer;

/// The name of the project file.
pub const FILE_NAME: &str = "bindery.toml";

/// Parses a project file into its layer of options; `file` is its id in the
/// sources (for the error's place). Relative paths in it are still relative
/// to its folder: see [`crate::options::Field::rebase`].
pub fn parse(text: &str, file: FileId) -> Result<Layer, Diagnostic> {
    toml::from_str::<Layer>(text).map_err(|e| {
        let range = e.span().unwrap_or(0..0);
        let message = crate::options::value::user_words(e.message());
        Diagnostic::error(
            Span::new(file, range),
            format!("invalid project file ({message})"),
        )
        .with_hint("see `bindery init` for a commented example of every key")
    })
}

/// Where `key` (dotted: `pdf.paper`) is set in a project file's text: the
/// byte range of the key as written, found by the TOML parser (a `[pdf]`
/// table, a dotted key or an inline table alike); `None` when the file
/// does not set it.
pub fn key_span(text: &str, key: &str) -> Option<std::ops::Range<usize>> {
    use toml::de::{DeTable, DeValue};
    let doc = DeTable::parse(text).ok()?;
    let mut table = doc.get_ref();
    let mut parts = key.split('.').peekable();
    while let Some(part) = parts.next() {
        let (k, v) = table.iter().find(|(k, _)| k.get_ref() == part)?;
        if parts.peek().is_none() {
            return Some(k.span());
        }
        let DeValue::Table(inner) = v.get_ref() else {
            return None;
        };
        table = inner;
    }
    None
}

/// The commented starter file `bindery init` writes.
pub const STARTER: &str = r#"# bindery project file. Every key is optional; delete what you do not need.
# The first chapter's front matter may set [metadata] keys (as `title:`...) and
# `epub:`, `pdf:` and `images:` sections over this file; the command line
# overrides both (every on/off key has a --no-... flag, and --set KEY=VALUE
# sets any key: --set pdf.paper=a5).

# Chapters in reading order: files or glob patterns, relative to this folder.
# Without this list, every .md file of the folder is a chapter, in natural order.
chapters = ["chapters/*.md"]

# dialect = "commonmark"  # read every chapter as "article" or "commonmark" ("auto": detect)
# strict = false          # warnings fail the build; nothing is written
# lossy_utf8 = false      # read invalid UTF-8 with replacement characters (and a warning)
# bibliography = ["refs.bib"]  # BibTeX/BibLaTeX or hayagriva YAML: [@key] becomes a citation
# csl = "apa"             # citation style: a name (apa, ieee, chicago-author-date...) or a .csl file
# smart = true            # "quotes", -- and ... become the language's quotes, dashes, ellipses

[metadata]
title = "My Book"
# subtitle = "A Subtitle"
authors = ["Ada Lovelace"]
# contributors = ["Charles Babbage (editor)"]   # a name and a role in brackets
language = "en"
# date = "2024-05-01"
# identifier = "978-3-16-148410-0"   # ISBN, DOI or UUID; a UUID is derived when absent
# publisher = "Example Press"
# description = "What the book is about."
# subjects = ["History", "Essays"]
# rights = "© 2024 Ada Lovelace. All rights reserved."
# series = "Collected Works"
# series_index = "2"
# edition = "Second edition"         # on the copyright page (--front-matter)
# printing = "10 9 8 7 6 5 4 3 2 1"  # the printing line, on the copyright page
# dedication = "For Charles."        # a page of its own after the copyright page
# epigraph = "The Analytical Engine weaves algebraical patterns."

[output]
formats = ["epub", "pdf"]
dir = "out"
# File name without extension: {stem} (first chapter's file name),
# {title-slug} (the title as a-file-name) and {date} (publication date).
name = "{title-slug}"
# each = false          # every chapter becomes a book of its own

[epub]
# css = "book.css"      # replaces the default stylesheet
# image_max = 2048      # longest image edge in pixels
# cover = "cover.jpg"   # or "auto" for a typographic cover from title and authors, or "none"
# split_level = 2       # one file per chapter and per level-2 section
# toc_depth = 2         # levels in the table of contents
# toc_page = false      # add a printed table of contents page
# notes_per_chapter = false  # footnote numbers restart in each chapter
# front_matter = false  # a title page and a copyright page from [metadata]

[pdf]
paper = "a4"            # a4, a5, b5, letter, 5x8in, 5.5x8.5in, 6x9in, or 130x200mm
# toc = true            # contents page with page numbers
# recto_chapters = true # chapters open on right-hand pages
# ragged = false        # ragged-right instead of justified
# bleed = "3mm"         # bleed around the trimmed page (TrimBox/BleedBox)
# crop_marks = true     # crop marks outside the trimmed page
# margins = "20mm,18mm,25mm,22mm"   # top, inner, bottom, outer
# fonts = ["fonts/NotoSansCJK.otf"] # for characters the bundled fonts lack
# system_fonts = true   # installed fonts draw what the bundled and given ones lack
# profile = "print"     # "screen" (images checked against 150 dpi), or a print
#                       # service whose rules are checked: "kdp", "ingramspark"
# min_dpi = 300         # warn about images printed under this resolution
# max_dpi = 600         # downsample images above this resolution
# standard = "x4"       # "none", "x4" (PDF/X-4), "x1a" (PDF/X-1a:2003), "a2b" (PDF/A-2b)
# front_matter = false  # half-title, title and copyright pages from [metadata]
# stock = "white"       # or "cream": the paper, for the cover's spine width
# page_refs = false     # references say "Figure 3 on page 41"
# greyscale = false     # code highlighting and other colour set in greys

[pdf.style]
# theme = "book"        # "book", "report" or "magazine" (two columns)
# body_font = "fonts/Body-Regular.otf"   # font files for the body text...
# italic_font = "fonts/Body-Italic.otf"
# bold_font = "fonts/Body-Bold.otf"
# bold_italic_font = "fonts/Body-BoldItalic.otf"
# heading_font = "fonts/Heading-Bold.otf" # ...headings...
# mono_font = "fonts/Mono.ttf"            # ...and code
# size = "11pt"         # body text size
# leading = "14pt"      # baseline to baseline
# indent = "11pt"       # first-line indent of paragraphs after the first
# spacing = "0pt"       # space between paragraphs
# columns = 1           # 1 or 2
# chapter_opening = "sink"  # or "plain": chapters start at the top of the page

[cover]
# image = "cover.jpg"   # the print cover's front (default: [epub] cover)
# pages = 320           # the interior's page count (default: laid out)

[code]
# highlight = true      # colour code blocks that name their language
# theme = "print"       # print, night, or a syntect theme name
# line_numbers = false  # number the lines of every code block

[images]
missing = "placeholder" # "placeholder", "drop" or "error"
# allow_outside_root = false

# The words bindery writes (they follow metadata.language), replaced:
# contents, cover, notes, landmarks, start, chapter, figure, table, ...
# [labels]
# contents = "Table of Contents"
"#;

/// The first chapter `bindery init` writes.
pub const STARTER_CHAPTER: &str = "---\ntitle: My Book\n---\n\n# The First Chapter\n\nWrite here. Paragraphs are separated by blank lines; *emphasis*, **strong**,\n[links](https://example.com) and footnotes[^1] work as in CommonMark.\n\n[^1]: Like this one.\n";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starter_parses() {
        use crate::options::{List, Text};
        let config = parse(STARTER, FileId(0)).unwrap();
        assert_eq!(config.metadata.title, Some(Text("My Book".into())));
        assert_eq!(
            config.output.formats,
            Some(List(vec![crate::Format::Epub, crate::Format::Pdf]))
        );
    }

    /// The starter shows every key, each in its section, and every example
    /// in it (commented out or not) is valid.
    #[test]
    fn starter_shows_every_key() {
        let mut section = String::new();
        let mut shown = Vec::new();
        let mut uncommented = String::new();
        for line in STARTER.lines() {
            let bare = line.trim_start_matches("# ");
            if let Some(name) = bare.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                section = name.to_string();
                // A section that is one option (a map, as `[labels]`).
                shown.push(section.clone());
                uncommented.push_str(bare);
                uncommented.push('\n');
                continue;
            } else if let Some((key, _)) = bare.split_once(" = ")
                && !key.contains(' ')
            {
                shown.push(if section.is_empty() {
                    key.trim().to_string()
                } else {
                    format!("{section}.{}", key.trim())
                });
                uncommented.push_str(bare);
                uncommented.push('\n');
                continue;
            }
            uncommented.push_str(line);
            uncommented.push('\n');
        }
        for key in crate::options::Layer::keys() {
            assert!(shown.contains(&key), "the starter does not show `{key}`");
        }
        parse(&uncommented, FileId(0)).unwrap();
    }

    #[test]
    fn key_spans_find_a_key_however_it_is_written() {
        let text = "title = 1\n[pdf]\npaper = \"6x9in\"\n";
        let at = key_span(text, "pdf.paper").unwrap();
        assert_eq!(&text[at], "paper");
        let text = "pdf.bleed = \"3mm\"\n";
        assert_eq!(&text[key_span(text, "pdf.bleed").unwrap()], "bleed");
        let text = "pdf = { profile = \"kdp\" }\n";
        assert_eq!(&text[key_span(text, "pdf.profile").unwrap()], "profile");
        assert_eq!(key_span(text, "pdf.paper"), None);
        assert_eq!(key_span("[epub]\npaper = 1\n", "pdf.paper"), None);
    }

    #[test]
    fn unknown_keys_and_wrong_types_are_errors() {
        let e = parse("[metadata]\ntitel = \"x\"\n", FileId(0)).unwrap_err();
        assert!(e.message.contains("unknown key `titel`"), "{}", e.message);
        assert_eq!(e.span.unwrap().start, 11);
        let e = parse("[pdf]\ntoc = 3\n", FileId(0)).unwrap_err();
        assert_eq!(e.message, "invalid project file (`3` is not true or false)");
        let e = parse("pdf = 3\n", FileId(0)).unwrap_err();
        assert_eq!(
            e.message,
            "invalid project file (expected a section of PDF options, not integer `3`)"
        );
        let e = parse("[epub]\ntoc_depth = \"two\"\n", FileId(0)).unwrap_err();
        assert_eq!(
            e.message,
            "invalid project file (`two` is not a heading level from 1 to 6)"
        );
        assert_eq!(e.span.unwrap().start, 19);
    }
}

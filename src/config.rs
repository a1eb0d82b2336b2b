//! `bindery.toml`: a project file next to the sources.
//!
//! Input: the file's text. Output: a [`Config`] (metadata, chapter list or
//! globs, outputs, theme, image options) or a diagnostic with the file, line
//! and a hint. Unknown keys and wrong types are errors.

use crate::diag::{Diagnostic, FileId, Span};
use serde::Deserialize;

/// The name of the project file.
pub const FILE_NAME: &str = "bindery.toml";

/// The whole project file.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Book metadata (overridden by front matter and `--meta`).
    #[serde(default)]
    pub metadata: MetadataConfig,
    /// Chapter files or glob patterns, relative to the project folder, in order.
    #[serde(default)]
    pub chapters: Vec<String>,
    /// Force a dialect: `article` or `commonmark`.
    pub dialect: Option<String>,
    /// What to write and where.
    #[serde(default)]
    pub output: OutputConfig,
    /// EPUB theme.
    #[serde(default)]
    pub epub: EpubConfig,
    /// PDF theme.
    #[serde(default)]
    pub pdf: PdfConfig,
    /// Image handling.
    #[serde(default)]
    pub images: ImagesConfig,
}

/// `[metadata]`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MetadataConfig {
    /// Title.
    pub title: Option<String>,
    /// Subtitle.
    pub subtitle: Option<String>,
    /// Authors.
    #[serde(default)]
    pub authors: Vec<String>,
    /// BCP 47 language tag.
    pub language: Option<String>,
    /// Publication date.
    pub date: Option<String>,
    /// ISBN, DOI or UUID.
    pub identifier: Option<String>,
    /// Publisher.
    pub publisher: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Subjects or keywords.
    #[serde(default)]
    pub subjects: Vec<String>,
    /// Rights statement.
    pub rights: Option<String>,
    /// Series name.
    pub series: Option<String>,
    /// Number in the series.
    pub series_index: Option<String>,
}

/// `[output]`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct OutputConfig {
    /// Formats to write: `epub`, `pdf`.
    #[serde(default)]
    pub formats: Vec<String>,
    /// Folder for outputs, relative to the project folder.
    pub dir: Option<String>,
    /// File name template without extension: `{stem}`, `{title-slug}`, `{date}`.
    pub name: Option<String>,
}

/// `[epub]`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct EpubConfig {
    /// A stylesheet replacing the default one.
    pub css: Option<String>,
    /// Longest image edge in pixels.
    pub image_max: Option<u32>,
    /// Cover image file, or `auto` for a typographic cover.
    pub cover: Option<String>,
    /// Split chapters at headings of this level or higher.
    pub split_level: Option<u8>,
    /// Levels in the table of contents.
    pub toc_depth: Option<u8>,
    /// Add a printed table of contents page.
    #[serde(default)]
    pub toc_page: bool,
    /// Number footnotes from 1 in each chapter.
    #[serde(default)]
    pub notes_per_chapter: bool,
}

/// `[pdf]`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PdfConfig {
    /// Paper size: `a4` or `letter`.
    pub paper: Option<String>,
    /// Warn about images under this resolution.
    pub min_dpi: Option<f64>,
    /// Downsample images above this resolution.
    pub max_dpi: Option<f64>,
    /// Add a table of contents with page numbers.
    #[serde(default)]
    pub toc: bool,
    /// Start chapters on right-hand pages.
    #[serde(default)]
    pub recto_chapters: bool,
    /// Ragged-right text instead of justified.
    #[serde(default)]
    pub ragged: bool,
    /// Bleed around the trimmed page, with a unit (`3mm`).
    pub bleed: Option<String>,
    /// Draw crop marks.
    #[serde(default)]
    pub crop_marks: bool,
    /// Fallback font files for characters the bundled fonts lack.
    #[serde(default)]
    pub fonts: Vec<String>,
    /// Margins: `TOP,INNER,BOTTOM,OUTER` with units.
    pub margins: Option<String>,
}

/// `[images]`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ImagesConfig {
    /// `placeholder`, `drop` or `error`.
    pub missing: Option<String>,
    /// Allow images outside the project folder.
    #[serde(default)]
    pub allow_outside_root: bool,
}

/// Parses a project file; `file` is its id in the sources (for the error's place).
pub fn parse(text: &str, file: FileId) -> Result<Config, Diagnostic> {
    toml::from_str::<Config>(text).map_err(|e| {
        let range = e.span().unwrap_or(0..0);
        let message = e.message().trim().replace('\n', " ");
        Diagnostic::error(
            Span::new(file, range),
            format!("invalid project file ({message})"),
        )
        .with_hint("see `bindery init` for a commented example of every key")
    })
}

/// The commented starter file `bindery init` writes.
pub const STARTER: &str = r#"# bindery project file. Every key is optional; delete what you do not need.

# Chapters in reading order: files or glob patterns, relative to this folder.
# Without this list, every .md file of the folder is a chapter, in natural order.
chapters = ["chapters/*.md"]

# Read every chapter as this dialect instead of detecting it: "article" or "commonmark".
# dialect = "commonmark"

[metadata]
title = "My Book"
# subtitle = "A Subtitle"
authors = ["Ada Lovelace"]
language = "en"
# date = "2024-05-01"
# identifier = "978-3-16-148410-0"   # ISBN, DOI or UUID; a UUID is derived when absent
# publisher = "Example Press"
# description = "What the book is about."
# subjects = ["History", "Essays"]
# rights = "© 2024 Ada Lovelace. All rights reserved."
# series = "Collected Works"
# series_index = "2"

[output]
formats = ["epub", "pdf"]
dir = "out"
# File name without extension: {stem} (first chapter's file name),
# {title-slug} (the title as a-file-name) and {date} (publication date).
name = "{title-slug}"

[epub]
# css = "book.css"      # replaces the default stylesheet
# image_max = 2048      # longest image edge in pixels
# cover = "cover.jpg"   # or "auto" for a typographic cover from title and authors
# split_level = 2       # one file per chapter and per level-2 section
# toc_depth = 2         # levels in the table of contents
# toc_page = false      # add a printed table of contents page
# notes_per_chapter = false  # footnote numbers restart in each chapter

[pdf]
paper = "a4"            # a4, a5, b5, letter, 5x8in, 5.5x8.5in, 6x9in, or 130x200mm
# toc = true            # contents page with page numbers
# recto_chapters = true # chapters open on right-hand pages
# ragged = false        # ragged-right instead of justified
# bleed = "3mm"         # bleed around the trimmed page (TrimBox/BleedBox)
# crop_marks = true     # crop marks outside the trimmed page
# margins = "20mm,18mm,25mm,22mm"   # top, inner, bottom, outer
# fonts = ["fonts/NotoSansCJK.otf"] # for characters the bundled fonts lack
# min_dpi = 300         # warn about images printed under this resolution
# max_dpi = 600         # downsample images above this resolution

[images]
missing = "placeholder" # "placeholder", "drop" or "error"
# allow_outside_root = false
"#;

/// The first chapter `bindery init` writes.
pub const STARTER_CHAPTER: &str = "---\ntitle: My Book\n---\n\n# The First Chapter\n\nWrite here. Paragraphs are separated by blank lines; *emphasis*, **strong**,\n[links](https://example.com) and footnotes[^1] work as in CommonMark.\n\n[^1]: Like this one.\n";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starter_parses() {
        let config = parse(STARTER, FileId(0)).unwrap();
        assert_eq!(config.metadata.title.as_deref(), Some("My Book"));
        assert_eq!(config.output.formats, ["epub", "pdf"]);
    }

    #[test]
    fn unknown_keys_and_wrong_types_are_errors() {
        let e = parse("[metadata]\ntitel = \"x\"\n", FileId(0)).unwrap_err();
        assert!(e.message.contains("unknown field `titel`"), "{}", e.message);
        assert_eq!(e.span.unwrap().start, 11);
        let e = parse("chapters = 3\n", FileId(0)).unwrap_err();
        assert!(e.message.contains("invalid type"), "{}", e.message);
    }
}

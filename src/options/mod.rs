//! Options: every setting of a build, from four layers merged once.
//!
//! Input: [`Layer`]s, lowest first. Output: the resolved [`Options`] every
//! stage of one book reads, and the [`RunOptions`] that decide which books
//! there are and where they are written.
//!
//! The layers, lowest first:
//! 1. built-in defaults: the `Default` of the resolved structs
//!    ([`EpubOptions`], [`PdfOptions`], [`ResourceOptions`]);
//! 2. the project file, `bindery.toml` ([`crate::config`]);
//! 3. the front matter of the book's first input: its metadata and its
//!    `epub:`, `pdf:` and `images:` sections (what chooses the inputs, the
//!    outputs or how files are read cannot be set there: by the time a front
//!    matter is read, those choices are made);
//! 4. the command line, or the caller of the library
//!    ([`crate::BuildOptions::overrides`]).
//!
//! A [`Layer`] has the shape of the project file and every field is an
//! `Option`: unset until the merge. Layers are merged field by field (a field
//! a later layer sets replaces the earlier value; a field it leaves unset
//! keeps it); lists are values like any other, so a later list replaces an
//! earlier one. The merged layer is then resolved once: defaults filled in,
//! files named by options read, cross-checks made.
//!
//! **Adding an option** is one field in its section below (the project file,
//! the front matter when the section is one it carries, and `--set` then
//! read it, with the same parser and messages), one line where the section is
//! resolved in [`Options::resolve`] (which names its default), and, when it
//! deserves one, a flag in `cli.rs` (whose `input_layer` names every `[pdf]`
//! and `[images]` field, so the compiler points there). A new kind of value is
//! one [`Value`] impl in [`value`]. The table-driven test in
//! `src/cli/tests.rs` fails until the new key has a row.

pub mod value;

use crate::Format;
use crate::diag::{Error, Result};
use crate::doc::{Contributor, Dialect, Metadata};
use crate::epub::EpubOptions;
use crate::pdf::PdfOptions;
use crate::pdf::{Opening, PaperSize, Standard, Stock, ThemeName};
use crate::resource::{MissingPolicy, ResourceOptions};
use crate::text::Abs;
use std::path::{Path, PathBuf};
pub use value::{
    Columns, Count, CoverChoice, CslChoice, DialectChoice, Dpi, FilePath, Level, List, Margins,
    Pixels, Profile, Switch, Text, Value,
};

/// A part of a layer: a single option (`Option<T>`) or a section of them.
pub trait Field: Default {
    /// Takes every field `over` sets.
    fn merge(&mut self, over: Self);
    /// Makes relative paths relative to `dir`, the folder of the file that
    /// set them.
    fn rebase(&mut self, dir: &Path);
    /// Sets the option at `key` (`pdf.paper`; `at` is the part of the key
    /// already consumed) from text, as the command line's `--set` does.
    fn set(&mut self, key: &str, value: &str, at: &str) -> Result<(), String>;
    /// Appends the full key of every option under `prefix`.
    fn keys(prefix: &str, out: &mut Vec<String>);
}

impl<T: Value> Field for Option<T> {
    fn merge(&mut self, over: Self) {
        if over.is_some() {
            *self = over;
        }
    }

    fn rebase(&mut self, dir: &Path) {
        if let Some(value) = self {
            value.rebase(dir);
        }
    }

    fn set(&mut self, key: &str, value: &str, at: &str) -> Result<(), String> {
        if !key.is_empty() {
            return Err(format!(
                "`{at}` is an option, not a section: use `{at}=VALUE`"
            ));
        }
        *self = Some(T::parse(value)?);
        Ok(())
    }

    fn keys(prefix: &str, out: &mut Vec<String>) {
        out.push(prefix.to_string());
    }
}

/// `prefix.name`, or `name` at the top.
fn join_key(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    }
}

/// Declares a section of a layer: the struct (deserialized from the project
/// file and front matter, unknown keys refused) and its [`Field`] impl, so a
/// field is declared once and merged, rebased, set and listed everywhere.
macro_rules! section {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$fmeta:meta])* pub $field:ident : $ty:ty, )*
        }
    ) => {
        #[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
        #[serde(deny_unknown_fields, default)]
        $(#[$meta])*
        pub struct $name {
            $( $(#[$fmeta])* pub $field: $ty, )*
        }

        impl Field for $name {
            fn merge(&mut self, over: Self) {
                $( Field::merge(&mut self.$field, over.$field); )*
            }

            fn rebase(&mut self, dir: &Path) {
                $( Field::rebase(&mut self.$field, dir); )*
            }

            fn set(&mut self, key: &str, value: &str, at: &str) -> Result<(), String> {
                const NAMES: &[&str] = &[$(stringify!($field)),*];
                let (head, rest) = key.split_once('.').unwrap_or((key, ""));
                let known = || {
                    NAMES.iter().map(|n| format!("`{}`", join_key(at, n))).collect::<Vec<_>>().join(", ")
                };
                if head.is_empty() {
                    return Err(format!("`{at}` is a section: name one of its options ({})", known()));
                }
                let here = join_key(at, head);
                match head {
                    $( stringify!($field) => Field::set(&mut self.$field, rest, value, &here), )*
                    _ => Err(format!("unknown option `{here}` (known: {})", known())),
                }
            }

            fn keys(prefix: &str, out: &mut Vec<String>) {
                $( <$ty as Field>::keys(&join_key(prefix, stringify!($field)), out); )*
            }
        }
    };
}

section! {
    /// Every option one layer sets: the shape of `bindery.toml`.
    #[serde(expecting = "a project file of `key = value` lines and `[section]`s")]
    pub struct Layer {
        /// Chapter files or glob patterns, relative to the project folder, in
        /// reading order (project file only; `--set` too).
        pub chapters: Option<List<Text>>,
        /// Read inputs as this dialect instead of detecting it.
        pub dialect: Option<DialectChoice>,
        /// Warnings fail the build; nothing is written.
        pub strict: Option<Switch>,
        /// Read invalid UTF-8 with replacement characters instead of failing.
        pub lossy_utf8: Option<Switch>,
        /// Bibliography files (BibTeX/BibLaTeX `.bib`, hayagriva `.yaml`):
        /// `[@key]` and `@key` become citations.
        pub bibliography: Option<List<FilePath>>,
        /// The citation style: a name (`apa`, `ieee`…) or a `.csl` file.
        pub csl: Option<CslChoice>,
        /// Typographic quotes, dashes and ellipses from straight ones, by
        /// the book's language.
        pub smart: Option<Switch>,
        /// `[labels]`: the words bindery writes, replaced.
        pub labels: LabelsLayer,
        /// `[metadata]`.
        pub metadata: MetadataLayer,
        /// `[output]`.
        pub output: OutputLayer,
        /// `[epub]`.
        pub epub: EpubLayer,
        /// `[pdf]`.
        pub pdf: PdfLayer,
        /// `[images]`.
        pub images: ImagesLayer,
        /// `[cover]`: the print cover wrap (`bindery cover`).
        pub cover: CoverLayer,
        /// `[code]`.
        pub code: CodeLayer,
    }
}

section! {
    /// `[code]`: how code blocks are shown (both formats).
    #[serde(expecting = "a section of code options (`highlight`, `theme`, `line_numbers`)")]
    pub struct CodeLayer {
        /// Highlight code blocks that name their language.
        pub highlight: Option<Switch>,
        /// The colour theme: `print`, `night`, or one of syntect's.
        pub theme: Option<Text>,
        /// Number the lines of every code block.
        pub line_numbers: Option<Switch>,
    }
}

section! {
    /// `[metadata]`: about the book. Front matter sets these as top-level
    /// keys (`title:`), the command line with `--meta KEY=VALUE`.
    #[serde(expecting = "a section of metadata (`title`, `authors`…)")]
    pub struct MetadataLayer {
        /// Title.
        pub title: Option<Text>,
        /// Subtitle.
        pub subtitle: Option<Text>,
        /// Authors, in order.
        pub authors: Option<List<Text>>,
        /// Other contributors with their roles (`Charles Babbage (editor)`).
        pub contributors: Option<List<Contributor>>,
        /// BCP 47 language tag.
        pub language: Option<Text>,
        /// Publication date.
        pub date: Option<Text>,
        /// ISBN, DOI or UUID.
        pub identifier: Option<Text>,
        /// Publisher.
        pub publisher: Option<Text>,
        /// Description.
        pub description: Option<Text>,
        /// Subjects or keywords.
        pub subjects: Option<List<Text>>,
        /// Rights statement.
        pub rights: Option<Text>,
        /// Series name.
        pub series: Option<Text>,
        /// Number in the series.
        pub series_index: Option<Text>,
        /// Edition statement (`Second edition`), on the copyright page.
        pub edition: Option<Text>,
        /// The printing line (`10 9 8 7 6 5 4 3 2 1`), on the copyright page.
        pub printing: Option<Text>,
        /// A dedication, on a page of its own after the copyright page.
        pub dedication: Option<Text>,
        /// An epigraph, on a page of its own before the first chapter.
        pub epigraph: Option<Text>,
    }
}

section! {
    /// `[output]`: what to write and where (project file and command line;
    /// never front matter, which is read after the outputs are chosen).
    #[serde(expecting = "a section of output options (`formats`, `dir`, `name`, `each`)")]
    pub struct OutputLayer {
        /// Formats to write.
        pub formats: Option<List<Format>>,
        /// Folder for outputs.
        pub dir: Option<FilePath>,
        /// File name template without extension: `{stem}`, `{title-slug}`, `{date}`.
        pub name: Option<Text>,
        /// Every input becomes its own book.
        pub each: Option<Switch>,
    }
}

section! {
    /// `[epub]`.
    #[serde(expecting = "a section of EPUB options")]
    pub struct EpubLayer {
        /// A stylesheet replacing the default one.
        pub css: Option<FilePath>,
        /// Longest image edge in pixels.
        pub image_max: Option<Pixels>,
        /// The cover: an image file, `auto` or `none`.
        pub cover: Option<CoverChoice>,
        /// One file per heading of this level or higher.
        pub split_level: Option<Level>,
        /// Levels in the table of contents.
        pub toc_depth: Option<Level>,
        /// A printed table of contents page.
        pub toc_page: Option<Switch>,
        /// Footnotes numbered from 1 in each chapter.
        pub notes_per_chapter: Option<Switch>,
        /// A title page and a copyright page from the metadata.
        pub front_matter: Option<Switch>,
    }
}

section! {
    /// `[pdf]`.
    #[serde(expecting = "a section of PDF options")]
    pub struct PdfLayer {
        /// Paper size.
        pub paper: Option<PaperSize>,
        /// What the PDF is for (sets `min_dpi`'s default).
        pub profile: Option<Profile>,
        /// Warn about images under this resolution.
        pub min_dpi: Option<Dpi>,
        /// Downsample images above this resolution.
        pub max_dpi: Option<Dpi>,
        /// A contents page with page numbers.
        pub toc: Option<Switch>,
        /// Chapters open on right-hand pages.
        pub recto_chapters: Option<Switch>,
        /// Ragged-right text instead of justified.
        pub ragged: Option<Switch>,
        /// Bleed around the trimmed page.
        pub bleed: Option<Abs>,
        /// Crop marks.
        pub crop_marks: Option<Switch>,
        /// Fallback font files.
        pub fonts: Option<List<FilePath>>,
        /// Installed fonts draw what the bundled and given fonts lack.
        pub system_fonts: Option<Switch>,
        /// Margins: top, inner, bottom, outer.
        pub margins: Option<Margins>,
        /// References say on which page their figure, table or equation is
        /// ("Figure 3 on page 41").
        pub page_refs: Option<Switch>,
        /// Greys only (code highlighting and other colour set in grey), for
        /// black-and-white printing and PDF standards that forbid colour.
        pub greyscale: Option<Switch>,
        /// The PDF standard: none, x4, x1a or a2b.
        pub standard: Option<Standard>,
        /// Half-title, title and copyright pages from the metadata.
        pub front_matter: Option<Switch>,
        /// The paper stock: white or cream (the cover's spine width).
        pub stock: Option<Stock>,
        /// `[pdf.style]`: the design.
        pub style: StyleLayer,
    }
}

section! {
    /// `[pdf.style]`: the theme and the type controls over it.
    #[serde(expecting = "a section of style options (`theme`, `size`…)")]
    pub struct StyleLayer {
        /// The built-in design: book, report or magazine.
        pub theme: Option<ThemeName>,
        /// Body text font file (regular).
        pub body_font: Option<FilePath>,
        /// Body italic font file.
        pub italic_font: Option<FilePath>,
        /// Body bold font file.
        pub bold_font: Option<FilePath>,
        /// Body bold italic font file.
        pub bold_italic_font: Option<FilePath>,
        /// Heading font file.
        pub heading_font: Option<FilePath>,
        /// Code font file.
        pub mono_font: Option<FilePath>,
        /// Body text size.
        pub size: Option<Abs>,
        /// Body leading (baseline to baseline).
        pub leading: Option<Abs>,
        /// First-line indent of paragraphs after the first (0: none).
        pub indent: Option<Abs>,
        /// Space between paragraphs.
        pub spacing: Option<Abs>,
        /// Text columns: 1 or 2.
        pub columns: Option<Columns>,
        /// How chapters open: plain or sink.
        pub chapter_opening: Option<Opening>,
    }
}

section! {
    /// `[cover]`: the print cover wrap.
    #[serde(expecting = "a section of cover options (`image`, `pages`)")]
    pub struct CoverLayer {
        /// The front cover image (default: `epub.cover` when it is a file).
        pub image: Option<FilePath>,
        /// The interior's page count (default: the interior laid out).
        pub pages: Option<Count>,
    }
}

section! {
    /// `[images]`.
    #[serde(expecting = "a section of image options")]
    pub struct ImagesLayer {
        /// What to do with a missing or unusable image.
        pub missing: Option<MissingPolicy>,
        /// Allow images (and files named in project files) outside the project folder.
        pub allow_outside_root: Option<Switch>,
    }
}

/// `[labels]`: words bindery writes into the book, replaced by the
/// project's own (`contents = "Sommaire"`), by label key. Merged label by
/// label: a later layer replaces only the labels it names.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LabelsLayer(pub std::collections::BTreeMap<crate::labels::Label, String>);

impl<'de> serde::Deserialize<'de> for LabelsLayer {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error as _;
        let raw = std::collections::BTreeMap::<String, String>::deserialize(d)?;
        let mut out = std::collections::BTreeMap::new();
        for (key, text) in raw {
            let label = crate::labels::Label::from_key(&key)
                .ok_or_else(|| D::Error::custom(unknown_label(&key)))?;
            out.insert(label, text);
        }
        Ok(LabelsLayer(out))
    }
}

/// The message for a `[labels]` key that names no label.
fn unknown_label(key: &str) -> String {
    let known: Vec<&str> = crate::labels::Label::ALL.iter().map(|l| l.key()).collect();
    format!("unknown label `{key}` (known: {})", known.join(", "))
}

impl Field for LabelsLayer {
    fn merge(&mut self, over: Self) {
        self.0.extend(over.0);
    }

    fn rebase(&mut self, _dir: &Path) {}

    fn set(&mut self, key: &str, value: &str, at: &str) -> Result<(), String> {
        if key.is_empty() {
            return Err(format!(
                "`{at}` is a section: name one of its labels (`{at}.contents=…`)"
            ));
        }
        let label = crate::labels::Label::from_key(key).ok_or_else(|| unknown_label(key))?;
        self.0.insert(label, value.to_string());
        Ok(())
    }

    fn keys(prefix: &str, out: &mut Vec<String>) {
        out.push(prefix.to_string());
    }
}

impl Layer {
    /// Every option's key (`pdf.paper`), in declaration order.
    pub fn keys() -> Vec<String> {
        let mut out = Vec::new();
        <Layer as Field>::keys("", &mut out);
        out
    }

    /// The layer a front matter gives: its metadata and its option sections,
    /// relative paths joined to the folder of `file`, the Markdown file it
    /// heads (as its images are).
    pub fn from_front_matter(front: crate::parse::frontmatter::FrontMatter, file: &Path) -> Layer {
        let mut layer = front.options;
        layer.metadata = front.meta.into();
        layer.rebase(&crate::project::default_root(&[file.to_path_buf()]));
        layer
    }

    /// Sets the option at `key` (`pdf.paper`, `epub.toc-depth`) from text.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        let key = key.trim().to_ascii_lowercase().replace('-', "_");
        Field::set(self, &key, value, "")
    }

    /// Sets a metadata field (`title`, `author`, `series-index`…) from text,
    /// as `--meta` does; `;` separates several authors or subjects.
    pub fn set_metadata(&mut self, key: &str, value: &str) -> Result<(), String> {
        let key = key.trim().to_ascii_lowercase().replace('-', "_");
        let key = match key.as_str() {
            "author" => "authors",
            "subject" | "keywords" => "subjects",
            "contributor" => "contributors",
            "lang" => "language",
            "isbn" => "identifier",
            other => other,
        };
        let mut known = Vec::new();
        <MetadataLayer as Field>::keys("", &mut known);
        if !known.iter().any(|k| k == key) {
            return Err(format!(
                "unknown metadata key `{key}` (known: {})",
                known.join(", ")
            ));
        }
        Field::set(&mut self.metadata, key, value, "")
    }
}

impl From<Metadata> for MetadataLayer {
    fn from(m: Metadata) -> Self {
        let text = |s: Option<String>| s.map(Text);
        let list =
            |v: Vec<String>| (!v.is_empty()).then(|| List(v.into_iter().map(Text).collect()));
        MetadataLayer {
            title: text(m.title),
            subtitle: text(m.subtitle),
            authors: list(m.authors),
            contributors: (!m.contributors.is_empty()).then_some(List(m.contributors)),
            language: text(m.language),
            date: text(m.date),
            identifier: text(m.identifier),
            publisher: text(m.publisher),
            description: text(m.description),
            subjects: list(m.subjects),
            rights: text(m.rights),
            series: text(m.series),
            series_index: text(m.series_index),
            edition: text(m.edition),
            printing: text(m.printing),
            dedication: text(m.dedication),
            epigraph: text(m.epigraph),
        }
    }
}

impl MetadataLayer {
    /// The metadata of `layers` merged field by field, later over earlier.
    pub fn merged(layers: impl IntoIterator<Item = MetadataLayer>) -> Metadata {
        let mut out = MetadataLayer::default();
        for layer in layers {
            out.merge(layer);
        }
        out.resolve()
    }

    /// The metadata these fields give; an empty value (`--meta subtitle=`)
    /// counts as none.
    fn resolve(self) -> Metadata {
        let text = |t: Option<Text>| t.map(|t| t.0).filter(|s| !s.is_empty());
        let list = |l: Option<List<Text>>| {
            l.map_or_else(Vec::new, |l| {
                l.0.into_iter()
                    .map(|t| t.0)
                    .filter(|s| !s.is_empty())
                    .collect()
            })
        };
        Metadata {
            title: text(self.title),
            subtitle: text(self.subtitle),
            authors: list(self.authors),
            language: text(self.language),
            date: text(self.date),
            identifier: text(self.identifier),
            publisher: text(self.publisher),
            description: text(self.description),
            subjects: list(self.subjects),
            rights: text(self.rights),
            series: text(self.series),
            series_index: text(self.series_index),
            edition: text(self.edition),
            printing: text(self.printing),
            dedication: text(self.dedication),
            epigraph: text(self.epigraph),
            contributors: self.contributors.map_or_else(Vec::new, |l| l.0),
        }
    }
}

/// The options of one book, resolved: what every stage reads.
#[derive(Debug, Clone)]
pub struct Options {
    /// Metadata the layers give (what the first chapter says fills the gaps
    /// once it is read).
    pub metadata: Metadata,
    /// A dialect forced on every input, or `None` to detect it.
    pub dialect: Option<Dialect>,
    /// Warnings fail the book.
    pub strict: bool,
    /// Invalid UTF-8 is replaced (with a warning) instead of failing.
    pub lossy_utf8: bool,
    /// Straight quotes, dashes and dots become typographic ones.
    pub smart: bool,
    /// Labels the project replaces (the book's language gives the rest).
    pub labels: std::collections::BTreeMap<crate::labels::Label, String>,
    /// The EPUB backend's options.
    pub epub: EpubOptions,
    /// The PDF backend's options.
    pub pdf: PdfOptions,
    /// Image handling (both backends).
    pub images: ResourceOptions,
    /// Citations and the bibliography.
    pub cite: crate::cite::CiteOptions,
    /// Files the options name that a build reads (the stylesheet, the
    /// cover image, font files): `--watch` rebuilds when one changes.
    pub files: Vec<PathBuf>,
    /// The print cover wrap.
    pub cover: CoverOptions,
}

/// The print cover wrap's own options (the rest comes from `[pdf]`).
#[derive(Debug, Clone, Default)]
pub struct CoverOptions {
    /// The front cover image.
    pub image: Option<PathBuf>,
    /// The interior's page count, when given instead of laid out.
    pub pages: Option<u32>,
}

impl Options {
    /// Merges `layers` (lowest first) and resolves the result: defaults for
    /// what no layer sets, files named by options read (the stylesheet), and
    /// files named in a project file or front matter checked to be inside
    /// `root`, the project folder.
    pub fn resolve(layers: impl IntoIterator<Item = Layer>, root: &Path) -> Result<Options> {
        let mut l = Layer::default();
        for layer in layers {
            l.merge(layer);
        }
        let on = |s: Option<Switch>, default: bool| s.map_or(default, |s| s.0);

        let d = ResourceOptions::default();
        let images = ResourceOptions {
            root: root.to_path_buf(),
            allow_outside_root: on(l.images.allow_outside_root, d.allow_outside_root),
            missing: l.images.missing.unwrap_or(d.missing),
            epub_max_edge: l.epub.image_max.map_or(d.epub_max_edge, |p| p.0),
            pdf_max_dpi: l.pdf.max_dpi.map(|x| x.0).or(d.pdf_max_dpi),
            // An explicit resolution wins over the profile's, whichever
            // layer set either.
            pdf_min_dpi: match (l.pdf.min_dpi, l.pdf.profile) {
                (Some(dpi), _) => dpi.0,
                (None, Some(profile)) => profile.min_dpi(),
                (None, None) => d.pdf_min_dpi,
            },
            ..d
        };
        // A project file or front matter may not embed files from outside
        // the project folder (a downloaded project could name ~/.ssh/id_rsa
        // as its stylesheet); the command line may.
        let confined = |f: &FilePath| -> Result<PathBuf> {
            if f.from_file && !images.allow_outside_root && !inside(&f.path, root) {
                return Err(Error::Usage(format!(
                    "{} is outside the project folder; a project file or front matter may only name files inside it (or pass --allow-outside-root)",
                    f.path.display(),
                )));
            }
            Ok(f.path.clone())
        };

        let d = crate::highlight::CodeStyle::default();
        let code = crate::highlight::CodeStyle {
            highlight: on(l.code.highlight, d.highlight),
            line_numbers: on(l.code.line_numbers, d.line_numbers),
            theme: match &l.code.theme {
                None => d.theme,
                Some(Text(name)) => crate::highlight::Theme::named(name).ok_or_else(|| {
                    Error::Usage(format!(
                        "unknown code theme `{name}` (known: {})",
                        crate::highlight::Theme::names().join(", ")
                    ))
                })?,
            },
        };
        let cite = crate::cite::CiteOptions {
            bibliography: match &l.bibliography {
                None => Vec::new(),
                Some(files) => files.0.iter().map(&confined).collect::<Result<_>>()?,
            },
            style: match &l.csl {
                None => None,
                Some(CslChoice::Name(name)) => Some(name.clone()),
                Some(CslChoice::File(f)) => Some(confined(f)?.display().to_string()),
            },
        };

        let mut files = Vec::new();
        // A changed bibliography or citation style rebuilds under --watch.
        files.extend(cite.bibliography.iter().cloned());
        if let Some(CslChoice::File(_)) = &l.csl
            && let Some(style) = &cite.style
        {
            files.push(PathBuf::from(style));
        }
        let d = EpubOptions::default();
        let epub = EpubOptions {
            stylesheet: match &l.epub.css {
                Some(css) => {
                    let path = confined(css)?;
                    files.push(path.clone());
                    Some(crate::project::read_source(&path)?)
                }
                None => d.stylesheet,
            },
            split_level: l.epub.split_level.map(|x| x.0).or(d.split_level),
            toc_depth: l.epub.toc_depth.map_or(d.toc_depth, |x| x.0),
            toc_page: on(l.epub.toc_page, d.toc_page),
            notes_per_chapter: on(l.epub.notes_per_chapter, d.notes_per_chapter),
            // Set for the book's language once it is known (`load`).
            labels: d.labels,
            front_matter: on(l.epub.front_matter, d.front_matter),
            cover: match &l.epub.cover {
                None => d.cover,
                Some(CoverChoice::None) => crate::epub::Cover::None,
                Some(CoverChoice::Auto) => crate::epub::Cover::Generated,
                Some(CoverChoice::File(f)) => crate::epub::Cover::Image(confined(f)?),
            },
            code: code.clone(),
        };

        let d = PdfOptions::default();
        let pdf = PdfOptions {
            paper: l.pdf.paper.unwrap_or(d.paper),
            recto_chapters: on(l.pdf.recto_chapters, d.recto_chapters),
            toc: on(l.pdf.toc, d.toc),
            ragged: on(l.pdf.ragged, d.ragged),
            // A print service's profile bleeds 0.125 in (KDP and IngramSpark
            // both want an eighth of an inch) unless told otherwise.
            bleed: l
                .pdf
                .bleed
                .unwrap_or(if l.pdf.profile.and_then(Profile::service).is_some() {
                    Abs::inch(0.125)
                } else {
                    d.bleed
                }),
            crop_marks: on(l.pdf.crop_marks, d.crop_marks),
            fonts: l
                .pdf
                .fonts
                .map_or(d.fonts, |f| f.0.into_iter().map(|f| f.path).collect()),
            system_fonts: on(l.pdf.system_fonts, d.system_fonts),
            margins: l.pdf.margins.map(|m| m.0).or(d.margins),
            page_refs: on(l.pdf.page_refs, d.page_refs),
            greyscale: on(l.pdf.greyscale, d.greyscale),
            code: code.clone(),
            // Set for the book's language once it is known (`load`).
            labels: d.labels,
            // Known once the first file is read (`load`).
            origins: d.origins,
            // A print service's profile chooses the standard (an explicit one
            // wins), turns the front matter on and never draws crop marks.
            standard: l
                .pdf
                .standard
                .or_else(|| match l.pdf.profile.and_then(Profile::service) {
                    Some(crate::pdf::Service::Kdp) => Some(Standard::X4),
                    Some(crate::pdf::Service::IngramSpark) => Some(Standard::X1a),
                    None => None,
                })
                .unwrap_or(d.standard),
            service: l.pdf.profile.and_then(Profile::service),
            front_matter: on(
                l.pdf.front_matter,
                l.pdf.profile.and_then(Profile::service).is_some(),
            ),
            stock: l.pdf.stock.unwrap_or(d.stock),
            min_dpi: images.pdf_min_dpi,
            screen: l.pdf.profile == Some(Profile::Screen),
            style: {
                let st = &l.pdf.style;
                let file = |f: &Option<FilePath>| -> Result<Option<PathBuf>> {
                    f.as_ref().map(&confined).transpose()
                };
                crate::pdf::StyleOptions {
                    theme: st.theme.unwrap_or_default(),
                    body_font: file(&st.body_font)?,
                    italic_font: file(&st.italic_font)?,
                    bold_font: file(&st.bold_font)?,
                    bold_italic_font: file(&st.bold_italic_font)?,
                    heading_font: file(&st.heading_font)?,
                    mono_font: file(&st.mono_font)?,
                    size: st.size,
                    leading: st.leading,
                    indent: st.indent,
                    spacing: st.spacing,
                    columns: st.columns.map(|c| c.0),
                    opening: st.chapter_opening,
                }
            },
        };
        let pdf = PdfOptions {
            crop_marks: pdf.crop_marks && pdf.service.is_none(),
            ..pdf
        };
        let cover = CoverOptions {
            image: match (&l.cover.image, &l.epub.cover) {
                (Some(f), _) => Some(confined(f)?),
                (None, Some(CoverChoice::File(f))) => Some(confined(f)?),
                _ => None,
            },
            pages: l.cover.pages.map(|c| c.0),
        };

        Ok(Options {
            metadata: l.metadata.resolve(),
            dialect: match l.dialect {
                None | Some(DialectChoice::Detect) => None,
                Some(DialectChoice::Article) => Some(Dialect::Article),
                Some(DialectChoice::CommonMark) => Some(Dialect::CommonMark),
            },
            strict: on(l.strict, false),
            lossy_utf8: on(l.lossy_utf8, false),
            smart: on(l.smart, true),
            labels: l.labels.0,
            files: {
                if let crate::epub::Cover::Image(path) = &epub.cover {
                    files.push(path.clone());
                }
                files.extend(pdf.fonts.iter().cloned());
                files.extend(pdf.style.font_files());
                files.extend(cover.image.iter().cloned());
                files
            },
            epub,
            pdf,
            images,
            cite,
            cover,
        })
    }
}

/// What decides which books there are and where they go: read by the plan
/// before any input is opened (so from the project file and the command line
/// only).
#[derive(Debug, Clone, PartialEq)]
pub struct RunOptions {
    /// Chapter files or glob patterns from the project file.
    pub chapters: Vec<String>,
    /// Formats to write (empty: only what `-o` names).
    pub formats: Vec<Format>,
    /// Folder for outputs.
    pub dir: Option<PathBuf>,
    /// File name template without extension.
    pub name: String,
    /// One book per input.
    pub each: bool,
}

impl RunOptions {
    /// Merges `layers` (lowest first) and reads the run's options from them.
    pub fn resolve(layers: impl IntoIterator<Item = Layer>) -> RunOptions {
        let mut l = Layer::default();
        for layer in layers {
            l.merge(layer);
        }
        RunOptions {
            chapters: l
                .chapters
                .map_or_else(Vec::new, |c| c.0.into_iter().map(|t| t.0).collect()),
            formats: l.output.formats.map_or_else(Vec::new, |f| f.0),
            dir: l.output.dir.map(|d| d.path),
            name: l.output.name.map_or_else(|| "{stem}".into(), |t| t.0),
            each: l.output.each.is_some_and(|s| s.0),
        }
    }
}

/// Whether `path` is inside `root` (symlinks resolved where the files exist).
fn inside(path: &Path, root: &Path) -> bool {
    let absolute = |p: &Path| {
        p.canonicalize().unwrap_or_else(|_| {
            let cwd = std::env::current_dir().unwrap_or_default();
            crate::parse::normalize(&cwd.join(p))
        })
    };
    absolute(path).starts_with(absolute(root))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_layers_win_field_by_field() {
        let mut project = Layer::default();
        project.set("pdf.paper", "a5").unwrap();
        project.set("pdf.toc", "true").unwrap();
        project.set("epub.image_max", "640").unwrap();
        project.set("images.missing", "error").unwrap();
        let mut cli = Layer::default();
        cli.set("pdf.toc", "false").unwrap();
        cli.set("pdf.min_dpi", "72").unwrap();
        let o = Options::resolve([project, cli], Path::new(".")).unwrap();
        assert_eq!(o.pdf.paper, PaperSize::A5);
        assert!(!o.pdf.toc);
        assert_eq!(o.images.epub_max_edge, 640);
        assert_eq!(o.images.missing, MissingPolicy::Error);
        assert!((o.images.pdf_min_dpi - 72.0).abs() < f64::EPSILON);
    }

    #[test]
    fn set_names_the_key_in_its_errors() {
        let mut l = Layer::default();
        assert_eq!(
            l.set("pdf.papr", "a4").unwrap_err(),
            "unknown option `pdf.papr` (known: `pdf.paper`, `pdf.profile`, `pdf.min_dpi`, `pdf.max_dpi`, `pdf.toc`, `pdf.recto_chapters`, `pdf.ragged`, `pdf.bleed`, `pdf.crop_marks`, `pdf.fonts`, `pdf.system_fonts`, `pdf.margins`, `pdf.page_refs`, `pdf.greyscale`, `pdf.standard`, `pdf.front_matter`, `pdf.stock`, `pdf.style`)"
        );
        assert!(
            l.set("pdf", "a4")
                .unwrap_err()
                .starts_with("`pdf` is a section")
        );
        assert!(
            l.set("pdf.paper.x", "a4")
                .unwrap_err()
                .contains("not a section")
        );
        assert!(
            l.set_metadata("titel", "x")
                .unwrap_err()
                .starts_with("unknown metadata key `titel`")
        );
        l.set_metadata("series-index", "2").unwrap();
        assert_eq!(l.metadata.series_index, Some(Text("2".into())));
    }

    #[test]
    fn files_named_in_files_stay_in_the_project() {
        let mut project = Layer::default();
        project.set("epub.cover", "/etc/hostname").unwrap();
        project.rebase(Path::new("book"));
        let e = Options::resolve([project.clone()], Path::new("book")).unwrap_err();
        assert!(e.to_string().contains("outside the project folder"), "{e}");
        project.set("images.allow_outside_root", "true").unwrap();
        assert!(Options::resolve([project], Path::new("book")).is_ok());
        // The command line may name any file.
        let mut cli = Layer::default();
        cli.set("epub.cover", "/etc/hostname").unwrap();
        assert!(Options::resolve([cli], Path::new("book")).is_ok());
    }
}

//! The fonts installed on the machine, found with `fontdb` (as typst-kit
//! finds them): one immutable index per process, built the first time a
//! book needs a character no bundled or given font has, and shared by every
//! font set after it (a batch of a thousand books scans the font folders
//! once). Latin books never build it.
//!
//! Input: the system's font folders. Output: every face with its family,
//! style, file and the characters it covers, in a fixed order (family,
//! PostScript name, file, index), and [`SystemFonts::best`], the face that
//! draws a cluster of a given script and language best. A face's file is
//! read when a book first draws with it and then kept for the process.
//!
//! The index is a cache of what is installed, never of a build: font sets
//! keep their own state (see [`super::font`]).

use super::script::{self, Script};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// One installed face.
#[derive(Debug)]
pub struct SystemFace {
    /// The font file.
    pub path: PathBuf,
    /// The face's index in the file (collections hold several).
    pub index: u32,
    /// The family name (English).
    pub family: String,
    /// The PostScript name.
    pub postscript: String,
    /// Weight, 100–900.
    pub weight: u16,
    /// Italic or oblique.
    pub italic: bool,
    /// Every glyph as wide as the others.
    pub monospaced: bool,
    /// Colour bitmaps (CBDT or sbix) draw its glyphs.
    pub bitmap: bool,
    /// Characters covered, as sorted, disjoint inclusive ranges.
    coverage: Vec<(u32, u32)>,
    /// Index of its file in [`SystemFonts::files`].
    file: usize,
    /// Its family name, lowercased without spaces (for matching words).
    key: String,
}

impl SystemFace {
    /// Whether the face has a glyph for `c`.
    pub fn covers(&self, c: char) -> bool {
        let c = c as u32;
        match self.coverage.binary_search_by(|&(lo, _)| lo.cmp(&c)) {
            Ok(_) => true,
            Err(0) => false,
            Err(i) => self.coverage[i - 1].1 >= c,
        }
    }
}

/// What text wants of a face.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Want {
    /// The script of the cluster.
    pub script: Script,
    /// The language of the text (`ja` picks Japanese forms of Han).
    pub lang: Option<super::LangTag>,
    /// The kind of face the text is set in.
    pub class: Class,
    /// Bold.
    pub bold: bool,
    /// Italic.
    pub italic: bool,
    /// The cluster is an emoji (colour faces first).
    pub emoji: bool,
}

/// The kind of face: serif, sans serif or monospaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Class {
    /// Body text.
    Serif,
    /// Headings and furniture.
    Sans,
    /// Code.
    Mono,
}

/// Every installed face, in a fixed order.
#[derive(Debug, Default)]
pub struct SystemFonts {
    faces: Vec<SystemFace>,
    /// Each font file once, its bytes read when first needed.
    files: Vec<FontFile>,
}

/// A font file and its bytes, read when first needed (`None`: unreadable).
type FontFile = (PathBuf, OnceLock<Option<Arc<[u8]>>>);

static INSTALLED: OnceLock<SystemFonts> = OnceLock::new();

/// The installed fonts, scanned on first use in this process.
pub fn installed() -> &'static SystemFonts {
    INSTALLED.get_or_init(SystemFonts::scan)
}

impl SystemFonts {
    /// Scans the system's font folders (coverage read in parallel).
    fn scan() -> SystemFonts {
        let mut db = fontdb::Database::new();
        db.load_system_fonts();
        SystemFonts::from_database(&db)
    }

    /// The faces of a font database: coverage from each face's character
    /// map, sorted so the same fonts give the same order anywhere.
    pub fn from_database(db: &fontdb::Database) -> SystemFonts {
        use rayon::prelude::*;
        let infos: Vec<&fontdb::FaceInfo> = db.faces().collect();
        let mut faces: Vec<SystemFace> = infos
            .par_iter()
            .filter_map(|info| {
                let path = match &info.source {
                    fontdb::Source::File(path) | fontdb::Source::SharedFile(path, _) => {
                        path.clone()
                    }
                    fontdb::Source::Binary(_) => return None,
                };
                let (coverage, bitmap) = db.with_face_data(info.id, |data, index| {
                    let face = rustybuzz::ttf_parser::Face::parse(data, index).ok()?;
                    Some((coverage(&face), has_bitmaps(&face)))
                })??;
                let family = info
                    .families
                    .first()
                    .map_or_else(|| info.post_script_name.clone(), |(f, _)| f.clone());
                Some(SystemFace {
                    key: family.to_lowercase().replace(' ', ""),
                    path,
                    index: info.index,
                    family,
                    postscript: info.post_script_name.clone(),
                    weight: info.weight.0,
                    italic: info.style != fontdb::Style::Normal,
                    monospaced: info.monospaced,
                    bitmap,
                    coverage,
                    file: 0,
                })
            })
            .collect();
        faces.sort_by(|a, b| {
            (&a.family, &a.postscript, &a.path, a.index).cmp(&(
                &b.family,
                &b.postscript,
                &b.path,
                b.index,
            ))
        });
        faces.dedup_by(|a, b| a.path == b.path && a.index == b.index);
        let mut files: Vec<FontFile> = Vec::new();
        let mut by_path = std::collections::BTreeMap::new();
        for face in &mut faces {
            face.file = *by_path.entry(face.path.clone()).or_insert_with(|| {
                files.push((face.path.clone(), OnceLock::new()));
                files.len() - 1
            });
        }
        SystemFonts { faces, files }
    }

    /// The faces, in their fixed order.
    pub fn faces(&self) -> &[SystemFace] {
        &self.faces
    }

    /// The bytes of face `n`'s file, read on first use and kept.
    pub fn data(&self, n: usize) -> Option<Arc<[u8]>> {
        let face = self.faces.get(n)?;
        let (path, data) = &self.files[face.file];
        data.get_or_init(|| read(path)).clone()
    }

    /// The face that draws `cluster` best for `want`, among the faces that
    /// cover each of its characters (colour bitmap faces for emoji only):
    /// for an emoji a colour face (Noto Color Emoji), then a symbols face;
    /// a face of the text's language (Noto Serif CJK JP for Han in Japanese),
    /// a face made for the script (its family names it), a family without
    /// a special purpose (UI, Looped, Display…), the same kind (serif, sans
    /// serif, monospaced), the nearest weight, the same slant, then the
    /// fixed order. `None` when no installed face covers it.
    pub fn best(&self, cluster: &str, want: &Want) -> Option<usize> {
        let needed: Vec<char> = cluster
            .chars()
            .filter(|&c| !script::is_ignorable(c) && !c.is_whitespace())
            .collect();
        if needed.is_empty() {
            return None;
        }
        self.faces
            .iter()
            .enumerate()
            // Colour bitmap faces (Noto Color Emoji) draw emoji only: their
            // glyphs become images in the PDF, never text of a script.
            .filter(|(_, f)| (!f.bitmap || want.emoji) && needed.iter().all(|&c| f.covers(c)))
            .min_by_key(|(i, f)| (rank(f, want), *i))
            .map(|(i, _)| i)
    }
}

/// How well a face suits what the text wants: lower is better, compared
/// field by field.
fn rank(face: &SystemFace, want: &Want) -> (bool, bool, bool, bool, bool, bool, u16, bool) {
    let key = face.key.as_str();
    let lang = want.lang.map(|l| l.as_str().to_ascii_lowercase());
    let lang = lang.as_deref().unwrap_or("");
    // Han is drawn differently in each region: the language picks the face.
    let region = match script::primary(lang).as_str() {
        "ja" => Some("jp"),
        "ko" => Some("kr"),
        "zh" if lang.contains("hant") || lang.contains("-tw") => Some("tc"),
        "zh" if lang.contains("-hk") || lang.contains("-mo") => Some("hk"),
        "zh" => Some("sc"),
        _ => None,
    };
    let cjk = matches!(
        want.script,
        Script::Han | Script::Hiragana | Script::Katakana | Script::Hangul | Script::Bopomofo
    );
    let wrong_region = cjk && region.is_some_and(|r| !key.ends_with(r));
    let script_word = match want.script {
        _ if want.emoji => String::new(),
        _ if cjk => "cjk".to_string(),
        s if script::is_neutral(s) => String::new(),
        s => s.full_name().to_lowercase().replace('_', ""),
    };
    let not_for_script = !script_word.is_empty() && !key.contains(&script_word);
    // Families made for a purpose other than running text: tight UI
    // metrics, display sizes, older or ornamental styles.
    let special = key.ends_with("ui")
        || [
            "looped",
            "display",
            "kufi",
            "rashi",
            "unjoined",
            "condensed",
        ]
        .iter()
        .any(|w| key.contains(w))
        || (key.contains("nastaliq") && script::primary(lang) != "ur")
        || (key.contains("mono") && want.class != Class::Mono);
    let serif_like = key.contains("serif")
        || key.contains("naskh")
        || key.contains("mincho")
        || key.contains("song")
        || key.contains("ming");
    let wrong_class = match want.class {
        Class::Serif => !serif_like,
        Class::Sans => serif_like,
        Class::Mono => !face.monospaced,
    };
    let weight = if want.bold { 700 } else { 400 };
    (
        // Emoji: in colour when a colour face has them,
        want.emoji && !face.bitmap,
        // then a symbols or emoji face before a text face that happens to
        // have a few.
        want.emoji && !(key.contains("symbol") || key.contains("emoji")),
        wrong_region,
        not_for_script,
        special,
        wrong_class,
        face.weight.abs_diff(weight),
        face.italic != want.italic,
    )
}

/// The characters a face maps, as sorted inclusive ranges, from its
/// fullest Unicode subtable (format 12 when it has one: format 4 repeats
/// its first plane).
fn coverage(face: &rustybuzz::ttf_parser::Face<'_>) -> Vec<(u32, u32)> {
    use rustybuzz::ttf_parser::cmap::Format;
    let Some(cmap) = face.tables().cmap else {
        return Vec::new();
    };
    let unicode: Vec<_> = cmap
        .subtables
        .into_iter()
        .filter(|t| t.is_unicode() && !matches!(t.format, Format::UnicodeVariationSequences(_)))
        .collect();
    let full = unicode
        .iter()
        .find(|t| matches!(t.format, Format::SegmentedCoverage(_)))
        .or_else(|| unicode.first());
    let mut ranges: Vec<(u32, u32)> = Vec::new();
    if let Some(table) = full {
        table.codepoints(|c| match ranges.last_mut() {
            Some((_, hi)) if *hi + 1 == c => *hi = c,
            _ => ranges.push((c, c)),
        });
    }
    ranges.sort_unstable();
    let mut merged: Vec<(u32, u32)> = Vec::with_capacity(ranges.len());
    for (lo, hi) in ranges {
        match merged.last_mut() {
            Some((_, end)) if lo <= end.saturating_add(1) => *end = (*end).max(hi),
            _ => merged.push((lo, hi)),
        }
    }
    merged
}

/// Whether the face draws with colour bitmaps (CBDT/CBLC or sbix).
fn has_bitmaps(face: &rustybuzz::ttf_parser::Face<'_>) -> bool {
    let tables = face.tables();
    (tables.cbdt.is_some() || tables.sbix.is_some())
        && tables.glyf.is_none()
        && tables.cff.is_none()
}

fn read(path: &Path) -> Option<Arc<[u8]>> {
    std::fs::read(path).ok().map(Arc::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coverage_is_ranges_and_faces_are_sorted() {
        let mut db = fontdb::Database::new();
        db.load_font_data(include_bytes!("../../fonts/LinBiolinum_R.otf").to_vec());
        // A face from memory has no file: the index takes files only.
        assert!(SystemFonts::from_database(&db).faces().is_empty());
        let dir = tempfile::tempdir().unwrap();
        for (name, data) in [
            (
                "b.otf",
                &include_bytes!("../../fonts/LinBiolinum_R.otf")[..],
            ),
            (
                "a.ttf",
                &include_bytes!("../../fonts/LiberationMono-Regular.ttf")[..],
            ),
        ] {
            std::fs::write(dir.path().join(name), data).unwrap();
        }
        let mut db = fontdb::Database::new();
        db.load_fonts_dir(dir.path());
        let fonts = SystemFonts::from_database(&db);
        let families: Vec<&str> = fonts.faces().iter().map(|f| f.family.as_str()).collect();
        assert_eq!(families, ["Liberation Mono", "Linux Biolinum O"]);
        let mono = &fonts.faces()[0];
        assert!(mono.covers('a') && mono.covers('Я') && !mono.covers('漢'));
        assert!(mono.monospaced);
        let want = Want {
            script: Script::Latin,
            lang: None,
            class: Class::Mono,
            bold: false,
            italic: false,
            emoji: false,
        };
        assert_eq!(
            fonts.best("a", &want),
            Some(0),
            "the monospaced face for code"
        );
        let sans = Want {
            class: Class::Sans,
            ..want
        };
        assert_eq!(fonts.best("a", &sans), Some(1));
        assert_eq!(fonts.best("漢", &want), None);
        assert!(fonts.data(1).is_some_and(|d| d.len() > 1000));
    }
}

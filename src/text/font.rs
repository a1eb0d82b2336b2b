//! The font set of one build: the bundled faces, compiled into the binary,
//! and font files the user gave (`--font`), each parsed once per build and
//! handed to whoever sets text (PDF layout, the generated cover) by
//! reference. Nothing here is global: two builds in one process with
//! different fonts never see each other's, and a build that re-reads a
//! changed font file (`--watch`) gets the new one.

use super::shape::ShapeCache;
use rustybuzz::ttf_parser::{GlyphId, name_id};
use std::cell::RefCell;
use std::path::{Path, PathBuf};

/// A face of the font set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FaceId {
    /// Linux Libertine O Regular: body text.
    Serif,
    /// Linux Libertine O Italic.
    SerifItalic,
    /// Linux Libertine O Bold.
    SerifBold,
    /// Linux Libertine O Bold Italic.
    SerifBoldItalic,
    /// Linux Biolinum O Regular: headings and furniture.
    Sans,
    /// Linux Biolinum O Bold.
    SansBold,
    /// Liberation Mono Regular: code.
    Mono,
    /// Liberation Mono Bold.
    MonoBold,
    /// Libertinus Math: formulas (its OpenType MATH table drives their
    /// layout). Not a fallback for text.
    Math,
    /// A face loaded from a file, by its place in the font set (used for
    /// characters no bundled face has).
    Loaded(u16),
}

impl FaceId {
    /// The bundled faces, in a fixed order.
    pub const BUNDLED: [FaceId; 9] = [
        FaceId::Serif,
        FaceId::SerifItalic,
        FaceId::SerifBold,
        FaceId::SerifBoldItalic,
        FaceId::Sans,
        FaceId::SansBold,
        FaceId::Mono,
        FaceId::MonoBold,
        FaceId::Math,
    ];

    /// The file of a bundled face (empty for a loaded one).
    pub fn bundled_data(self) -> &'static [u8] {
        match self {
            FaceId::Loaded(_) => &[],
            FaceId::Serif => include_bytes!("../../fonts/LinLibertine_R.otf"),
            FaceId::SerifItalic => include_bytes!("../../fonts/LinLibertine_RI.otf"),
            FaceId::SerifBold => include_bytes!("../../fonts/LinLibertine_RB.otf"),
            FaceId::SerifBoldItalic => include_bytes!("../../fonts/LinLibertine_RBI.otf"),
            FaceId::Sans => include_bytes!("../../fonts/LinBiolinum_R.otf"),
            FaceId::SansBold => include_bytes!("../../fonts/LinBiolinum_RB.otf"),
            FaceId::Mono => include_bytes!("../../fonts/LiberationMono-Regular.ttf"),
            FaceId::MonoBold => include_bytes!("../../fonts/LiberationMono-Bold.ttf"),
            FaceId::Math => include_bytes!("../../fonts/LibertinusMath-Regular.otf"),
        }
    }

    /// The bold variant of a face.
    pub fn bold(self) -> FaceId {
        match self {
            FaceId::Serif | FaceId::SerifBold => FaceId::SerifBold,
            FaceId::SerifItalic | FaceId::SerifBoldItalic => FaceId::SerifBoldItalic,
            FaceId::Sans | FaceId::SansBold => FaceId::SansBold,
            FaceId::Mono | FaceId::MonoBold => FaceId::MonoBold,
            FaceId::Math => FaceId::Math,
            FaceId::Loaded(n) => FaceId::Loaded(n),
        }
    }

    /// The italic variant of a face (Biolinum and Mono have none bundled).
    pub fn italic(self) -> FaceId {
        match self {
            FaceId::Serif | FaceId::SerifItalic => FaceId::SerifItalic,
            FaceId::SerifBold | FaceId::SerifBoldItalic => FaceId::SerifBoldItalic,
            other => other,
        }
    }

    /// The PostScript name a bundled face falls back to when its file has none.
    fn postscript_name(self) -> &'static str {
        match self {
            FaceId::Serif => "LinLibertineO",
            FaceId::SerifItalic => "LinLibertineOI",
            FaceId::SerifBold => "LinLibertineOB",
            FaceId::SerifBoldItalic => "LinLibertineOBI",
            FaceId::Sans => "LinBiolinumO",
            FaceId::SansBold => "LinBiolinumOB",
            FaceId::Mono => "LiberationMono",
            FaceId::MonoBold => "LiberationMono-Bold",
            FaceId::Math => "LibertinusMath-Regular",
            FaceId::Loaded(_) => "Font",
        }
    }

    /// Bundled faces to try, in order, for a character this face lacks.
    fn fallbacks(self) -> [FaceId; 3] {
        match self {
            FaceId::Mono | FaceId::MonoBold => [FaceId::Serif, FaceId::Sans, FaceId::Mono],
            FaceId::Sans | FaceId::SansBold => [FaceId::Serif, FaceId::Mono, FaceId::Sans],
            _ => [FaceId::Sans, FaceId::Mono, FaceId::Serif],
        }
    }
}

/// The bytes of a font file: compiled in, or read for this build.
enum Data {
    Static(&'static [u8]),
    Owned(Vec<u8>),
}

impl std::ops::Deref for Data {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Data::Static(d) => d,
            Data::Owned(d) => d,
        }
    }
}

type Parsed<'a> = rustybuzz::Face<'a>;

self_cell::self_cell!(
    /// A font file with its parsed face, which borrows the bytes.
    struct FaceCell {
        owner: Data,
        #[covariant]
        dependent: Parsed,
    }
);

/// One face: its file, parsed for shaping, with the metrics layout needs.
pub struct Font {
    /// Which face this is.
    pub id: FaceId,
    cell: FaceCell,
    /// Units per em.
    pub upem: f64,
    /// Ascender, in em.
    pub ascender: f64,
    /// Descender (negative), in em.
    pub descender: f64,
    /// The PostScript name (letters, digits and `-` only).
    pub name: String,
    /// Where the face came from: `bundled` or the file's path.
    pub origin: String,
}

impl std::fmt::Debug for Font {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Font")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("origin", &self.origin)
            .finish()
    }
}

impl Font {
    /// Parses face `index` of a font file; `None` if it is not a font.
    fn parse(id: FaceId, data: Data, origin: String) -> Option<Font> {
        let cell =
            FaceCell::try_new(data, |data| rustybuzz::Face::from_slice(data, 0).ok_or(())).ok()?;
        let face = cell.borrow_dependent();
        let upem = f64::from(face.units_per_em());
        let name: String = face
            .names()
            .into_iter()
            .filter(|n| n.name_id == name_id::POST_SCRIPT_NAME)
            .find_map(|n| n.to_string())
            .unwrap_or_else(|| id.postscript_name().to_string())
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        let (ascender, descender) = (
            f64::from(face.ascender()) / upem,
            f64::from(face.descender()) / upem,
        );
        Some(Font {
            id,
            cell,
            upem,
            ascender,
            descender,
            name,
            origin,
        })
    }

    /// The parsed face, for shaping and outlines.
    pub fn face(&self) -> &rustybuzz::Face<'_> {
        self.cell.borrow_dependent()
    }

    /// The font file.
    pub fn data(&self) -> &[u8] {
        self.cell.borrow_owner()
    }

    /// Whether the face has a glyph for `c`.
    pub fn covers(&self, c: char) -> bool {
        self.face().glyph_index(c).is_some()
    }

    /// The advance of glyph `id` in font units.
    pub fn advance_units(&self, id: u16) -> u16 {
        self.face().glyph_hor_advance(GlyphId(id)).unwrap_or(0)
    }
}

/// Every face one build may set text in, and the shaping cache that goes
/// with them. Build it once per build ([`FontSet::new`]) and pass it by
/// reference; it is `Sync`, and each thread that shapes keeps its own cache
/// inside it (no locks on the hot path).
pub struct FontSet {
    bundled: Vec<Font>,
    loaded: Vec<Font>,
    pub(super) cache: thread_local::ThreadLocal<RefCell<ShapeCache>>,
}

impl std::fmt::Debug for FontSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FontSet")
            .field("loaded", &self.loaded)
            .finish_non_exhaustive()
    }
}

/// Why a font file could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FontError {
    /// The file could not be read.
    #[error("cannot read font {path} ({cause})")]
    Read {
        /// The file.
        path: PathBuf,
        /// What the system said.
        cause: String,
    },
    /// The file is not a font bindery can use.
    #[error("{path} is not a TrueType or OpenType font")]
    NotAFont {
        /// The file.
        path: PathBuf,
    },
    /// More font files than glyph runs can tell apart.
    #[error("too many font files (at most {max})")]
    TooMany {
        /// The limit.
        max: usize,
    },
}

impl FontSet {
    /// The bundled faces only.
    pub fn bundled() -> FontSet {
        let bundled = FaceId::BUNDLED
            .iter()
            .map(|&id| {
                // The bundled fonts are checked by the tests; a failure here
                // is a build defect.
                Font::parse(id, Data::Static(id.bundled_data()), "bundled".into())
                    .expect("bundled font parses")
            })
            .collect();
        FontSet {
            bundled,
            loaded: Vec::new(),
            cache: thread_local::ThreadLocal::new(),
        }
    }

    /// The bundled faces and the font files `paths`, read now (so a build
    /// started after a file changed sees the change). The files are used, in
    /// order, for characters no bundled face has.
    pub fn new(paths: &[PathBuf]) -> Result<FontSet, FontError> {
        let mut set = FontSet::bundled();
        for path in paths {
            set.load(path)?;
        }
        Ok(set)
    }

    /// Reads one font file into the set; returns its face.
    pub fn load(&mut self, path: &Path) -> Result<FaceId, FontError> {
        if let Some(font) = self.loaded.iter().find(|f| Path::new(&f.origin) == path) {
            return Ok(font.id);
        }
        let n =
            u16::try_from(self.loaded.len()).map_err(|_| FontError::TooMany { max: 1 << 16 })?;
        let bytes = std::fs::read(path).map_err(|e| FontError::Read {
            path: path.to_path_buf(),
            cause: e.to_string(),
        })?;
        let id = FaceId::Loaded(n);
        let font =
            Font::parse(id, Data::Owned(bytes), path.display().to_string()).ok_or_else(|| {
                FontError::NotAFont {
                    path: path.to_path_buf(),
                }
            })?;
        self.loaded.push(font);
        // Shapes made before may have drawn boxes the new face can fill.
        self.cache.clear();
        Ok(id)
    }

    /// A face by id (the first bundled face for an id of another set).
    pub fn font(&self, id: FaceId) -> &Font {
        match id {
            FaceId::Loaded(n) => self.loaded.get(usize::from(n)).unwrap_or(&self.bundled[0]),
            bundled => {
                let index = FaceId::BUNDLED
                    .iter()
                    .position(|f| *f == bundled)
                    .unwrap_or(0);
                &self.bundled[index]
            }
        }
    }

    /// Every face of the set, bundled first.
    pub fn fonts(&self) -> impl Iterator<Item = &Font> {
        self.bundled.iter().chain(&self.loaded)
    }

    /// Whether face `id` has a glyph for `c`.
    pub fn covers(&self, id: FaceId, c: char) -> bool {
        self.font(id).covers(c)
    }

    /// The face that draws `c` when `id` is wanted: `id` itself, another
    /// bundled face, then the loaded ones in order; `None` if no face has it.
    pub fn face_for(&self, id: FaceId, c: char) -> Option<FaceId> {
        if c.is_whitespace() || c.is_control() || self.covers(id, c) {
            return Some(id);
        }
        if let Some(f) = id.fallbacks().into_iter().find(|&f| self.covers(f, c)) {
            return Some(f);
        }
        self.loaded.iter().find(|f| f.covers(c)).map(|f| f.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_face_loads() {
        let fonts = FontSet::bundled();
        for id in FaceId::BUNDLED {
            let font = fonts.font(id);
            assert!(font.upem > 0.0);
            assert!(fonts.covers(id, 'a'), "{id:?}");
            assert!(!font.name.is_empty());
        }
    }

    #[test]
    fn a_loaded_file_is_read_per_set() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("extra.ttf");
        std::fs::write(&path, FaceId::Mono.bundled_data()).unwrap();
        let first = FontSet::new(std::slice::from_ref(&path)).unwrap();
        assert_eq!(
            first.font(FaceId::Loaded(0)).origin,
            path.display().to_string()
        );
        // Another set reads the file again: a changed file is seen.
        std::fs::write(&path, FaceId::Sans.bundled_data()).unwrap();
        let second = FontSet::new(std::slice::from_ref(&path)).unwrap();
        assert_ne!(
            first.font(FaceId::Loaded(0)).name,
            second.font(FaceId::Loaded(0)).name
        );
        std::fs::write(&path, b"not a font").unwrap();
        assert_eq!(
            FontSet::new(std::slice::from_ref(&path)).unwrap_err(),
            FontError::NotAFont { path: path.clone() }
        );
    }
}

//! The font set of one build: the bundled faces, compiled into the binary,
//! the font files the user gave (`--font`), each parsed once per build, and
//! the faces installed on the system (unless the build is hermetic), taken
//! from the process's index of installed fonts ([`super::system`]) when a
//! character needs one. The set is handed to whoever sets text (PDF
//! layout, the generated cover) by reference. Nothing of a build is global:
//! two builds in one process with different fonts never see each other's,
//! and a build that re-reads a changed font file (`--watch`) gets the new
//! one.
//!
//! Fallback is by character cluster: the face asked for when it has the
//! cluster, else its bundled siblings, then the user's files in order, then
//! the installed face that suits the cluster's script and language best
//! ([`super::system::SystemFonts::best`]); the choice is deterministic and
//! each face drawn with is recorded for the build's report.

use super::shape::ShapeCache;
use super::system::{self, Class, SystemFonts, Want};
use rustybuzz::ttf_parser::{GlyphId, name_id};
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

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
    /// An installed face, by its place in the system's font index.
    System(u16),
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
            FaceId::Loaded(_) | FaceId::System(_) => &[],
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
            other @ (FaceId::Loaded(_) | FaceId::System(_)) => other,
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
            FaceId::Loaded(_) | FaceId::System(_) => "Font",
        }
    }

    /// What a fallback face should look like to stand in for this one.
    pub fn want(self) -> (Class, bool, bool) {
        match self {
            FaceId::Serif | FaceId::Math | FaceId::Loaded(_) | FaceId::System(_) => {
                (Class::Serif, false, false)
            }
            FaceId::SerifItalic => (Class::Serif, false, true),
            FaceId::SerifBold => (Class::Serif, true, false),
            FaceId::SerifBoldItalic => (Class::Serif, true, true),
            FaceId::Sans => (Class::Sans, false, false),
            FaceId::SansBold => (Class::Sans, true, false),
            FaceId::Mono => (Class::Mono, false, false),
            FaceId::MonoBold => (Class::Mono, true, false),
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

/// The bytes of a font file: compiled in, read for this build, or an
/// installed file shared by every build of the process.
enum Data {
    Static(&'static [u8]),
    Owned(Vec<u8>),
    Shared(Arc<[u8]>),
}

impl std::ops::Deref for Data {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Data::Static(d) => d,
            Data::Owned(d) => d,
            Data::Shared(d) => d,
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
    /// The family name, as the font gives it.
    pub family: String,
    /// Where the face came from: `bundled` or the file's path.
    pub origin: String,
    /// The face's index in its file (collections hold several).
    pub index: u32,
    /// Its glyphs are colour bitmaps (an emoji font, CBDT or sbix): it
    /// draws emoji only, and the PDF writes it as images in a Type 3 font.
    pub bitmap: bool,
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
    fn parse(id: FaceId, data: Data, origin: String, index: u32) -> Option<Font> {
        let cell = FaceCell::try_new(data, |data| {
            rustybuzz::Face::from_slice(data, index).ok_or(())
        })
        .ok()?;
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
        let family = face
            .names()
            .into_iter()
            .filter(|n| n.name_id == name_id::TYPOGRAPHIC_FAMILY || n.name_id == name_id::FAMILY)
            .find_map(|n| n.to_string())
            .unwrap_or_else(|| name.clone());
        let (ascender, descender) = (
            f64::from(face.ascender()) / upem,
            f64::from(face.descender()) / upem,
        );
        let tables = face.tables();
        let bitmap = (tables.cbdt.is_some() || tables.sbix.is_some())
            && tables.glyf.is_none()
            && tables.cff.is_none();
        Some(Font {
            id,
            cell,
            upem,
            ascender,
            descender,
            name,
            family,
            origin,
            index,
            bitmap,
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
    /// Installed faces this set may use (`None`: a hermetic build), each
    /// parsed when the set first draws with it.
    system: Option<OnceLock<Vec<OnceLock<Option<Font>>>>>,
    /// Faces text was shaped in (for the build's report).
    used: Mutex<std::collections::BTreeSet<FaceId>>,
    pub(super) cache: thread_local::ThreadLocal<RefCell<ShapeCache>>,
}

impl std::fmt::Debug for FontSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FontSet")
            .field("loaded", &self.loaded)
            .field("system", &self.system.is_some())
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
                Font::parse(id, Data::Static(id.bundled_data()), "bundled".into(), 0)
                    .expect("bundled font parses")
            })
            .collect();
        FontSet {
            bundled,
            loaded: Vec::new(),
            system: None,
            used: Mutex::default(),
            cache: thread_local::ThreadLocal::new(),
        }
    }

    /// The bundled faces and the font files `paths`, read now (so a build
    /// started after a file changed sees the change). The files are used, in
    /// order, for characters no bundled face has. Installed fonts are not
    /// used until [`FontSet::with_system_fonts`] says so.
    pub fn new(paths: &[PathBuf]) -> Result<FontSet, FontError> {
        let mut set = FontSet::bundled();
        for path in paths {
            set.load(path)?;
        }
        Ok(set)
    }

    /// Lets (or forbids) the set use the fonts installed on the system for
    /// characters neither the bundled faces nor the given files have. The
    /// system is searched only when such a character comes.
    pub fn with_system_fonts(mut self, on: bool) -> FontSet {
        self.system = on.then(OnceLock::new);
        self.cache.clear();
        self
    }

    /// Whether the set may use installed fonts.
    pub fn uses_system_fonts(&self) -> bool {
        self.system.is_some()
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
        let font = Font::parse(id, Data::Owned(bytes), path.display().to_string(), 0).ok_or_else(
            || FontError::NotAFont {
                path: path.to_path_buf(),
            },
        )?;
        self.loaded.push(font);
        // Shapes made before may have drawn boxes the new face can fill.
        self.cache.clear();
        Ok(id)
    }

    /// A face by id (the first bundled face for an id of another set).
    pub fn font(&self, id: FaceId) -> &Font {
        match id {
            FaceId::Loaded(n) => self.loaded.get(usize::from(n)).unwrap_or(&self.bundled[0]),
            FaceId::System(n) => self.system_font(usize::from(n)).unwrap_or(&self.bundled[0]),
            bundled => {
                let index = FaceId::BUNDLED
                    .iter()
                    .position(|f| *f == bundled)
                    .unwrap_or(0);
                &self.bundled[index]
            }
        }
    }

    /// Installed face `n`, parsed on first use by this set.
    fn system_font(&self, n: usize) -> Option<&Font> {
        let slots = self.system.as_ref()?.get()?;
        slots
            .get(n)?
            .get_or_init(|| {
                let installed = system::installed();
                let face = installed.faces().get(n)?;
                let data = installed.data(n)?;
                let id = FaceId::System(u16::try_from(n).ok()?);
                Font::parse(
                    id,
                    Data::Shared(data),
                    face.path.display().to_string(),
                    face.index,
                )
            })
            .as_ref()
    }

    /// The installed fonts, when the set may use them (scanned on first
    /// call in the process).
    fn installed(&self) -> Option<&'static SystemFonts> {
        let slots = self.system.as_ref()?;
        let installed = system::installed();
        slots.get_or_init(|| {
            // At most 65,536 installed faces can be told apart.
            let n = installed.faces().len().min(usize::from(u16::MAX) + 1);
            (0..n).map(|_| OnceLock::new()).collect()
        });
        Some(installed)
    }

    /// Every face of the set that is loaded, bundled first.
    pub fn fonts(&self) -> impl Iterator<Item = &Font> {
        let system = self
            .system
            .as_ref()
            .and_then(OnceLock::get)
            .into_iter()
            .flatten()
            .filter_map(|slot| slot.get().and_then(Option::as_ref));
        self.bundled.iter().chain(&self.loaded).chain(system)
    }

    /// The faces text was shaped in so far, in a fixed order.
    pub fn used(&self) -> Vec<&Font> {
        let used = self
            .used
            .lock()
            .map(|u| u.iter().copied().collect::<Vec<_>>())
            .unwrap_or_default();
        used.into_iter().map(|id| self.font(id)).collect()
    }

    /// Records that text was shaped in face `id`.
    pub(super) fn mark_used(&self, id: FaceId) {
        if let Ok(mut used) = self.used.lock() {
            used.insert(id);
        }
    }

    /// Whether face `id` has a glyph for `c`.
    pub fn covers(&self, id: FaceId, c: char) -> bool {
        self.font(id).covers(c)
    }

    /// Whether face `id` has a glyph for every character of `cluster` that
    /// needs one.
    pub fn covers_cluster(&self, id: FaceId, cluster: &str) -> bool {
        let font = self.font(id);
        cluster
            .chars()
            .all(|c| super::script::is_ignorable(c) || c.is_control() || font.covers(c))
    }

    /// The face that draws `c` when `id` is wanted (see [`FontSet::fallback`]).
    pub fn face_for(&self, id: FaceId, c: char) -> Option<FaceId> {
        if c.is_whitespace() || c.is_control() || self.covers(id, c) {
            return Some(id);
        }
        let mut buf = [0u8; 4];
        self.fallback(id, c.encode_utf8(&mut buf), &Want::of(id, c, None))
    }

    /// The face that draws a cluster `id` lacks: another bundled face, then
    /// the loaded files in order, then the installed face that suits `want`
    /// best; `None` if no face has it. Colour bitmap faces draw emoji only
    /// (and are then preferred: emoji come out in colour).
    pub fn fallback(&self, id: FaceId, cluster: &str, want: &Want) -> Option<FaceId> {
        let installed = |set: &FontSet| {
            let fonts = set.installed()?;
            let n = fonts.best(cluster, want)?;
            let id = FaceId::System(u16::try_from(n).ok()?);
            // A file that cannot be read now is no use.
            set.system_font(n).map(|_| id)
        };
        id.fallbacks()
            .into_iter()
            .find(|&f| self.covers_cluster(f, cluster))
            .or_else(|| {
                self.loaded
                    .iter()
                    .find(|f| (!f.bitmap || want.emoji) && f.covers_all(cluster))
                    .map(|f| f.id)
            })
            .or_else(|| installed(self))
    }
}

impl Want {
    /// What a cluster starting with `c` wants of a face standing in for
    /// `id`, in language `lang`.
    pub fn of(id: FaceId, c: char, lang: Option<super::LangTag>) -> Want {
        let (class, bold, italic) = id.want();
        Want {
            script: super::script::of(c),
            lang,
            class,
            bold,
            italic,
            emoji: super::script::is_emoji(c, None),
        }
    }
}

impl Font {
    /// Whether the face has every character of `cluster` that needs a glyph.
    pub fn covers_all(&self, cluster: &str) -> bool {
        cluster
            .chars()
            .all(|c| super::script::is_ignorable(c) || c.is_control() || self.covers(c))
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

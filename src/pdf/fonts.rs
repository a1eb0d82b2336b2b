//! The bundled fonts, compiled into the binary, and text shaping with rustybuzz.
//!
//! Input: text, a face and a size. Output: positioned glyphs ([`Run`]) with
//! the text each glyph stands for (kept for copy and search in the PDF).
//! Characters the chosen face lacks fall back to another bundled face; a
//! character no face has is reported by the caller once.

use super::units::Abs;
use rustybuzz::ttf_parser::{GlyphId, name_id};
use std::sync::Arc;
use std::sync::OnceLock;

/// The bundled faces.
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
    /// A font the user gave (`--font`), by registration number: used for
    /// characters no bundled face has.
    User(u16),
}

impl FaceId {
    /// All faces, in a fixed order.
    pub const ALL: [FaceId; 8] = [
        FaceId::Serif,
        FaceId::SerifItalic,
        FaceId::SerifBold,
        FaceId::SerifBoldItalic,
        FaceId::Sans,
        FaceId::SansBold,
        FaceId::Mono,
        FaceId::MonoBold,
    ];

    fn data(self) -> &'static [u8] {
        match self {
            FaceId::User(n) => user_font(n).map_or(&[][..], |f| f.data),
            FaceId::Serif => include_bytes!("../../fonts/LinLibertine_R.otf"),
            FaceId::SerifItalic => include_bytes!("../../fonts/LinLibertine_RI.otf"),
            FaceId::SerifBold => include_bytes!("../../fonts/LinLibertine_RB.otf"),
            FaceId::SerifBoldItalic => include_bytes!("../../fonts/LinLibertine_RBI.otf"),
            FaceId::Sans => include_bytes!("../../fonts/LinBiolinum_R.otf"),
            FaceId::SansBold => include_bytes!("../../fonts/LinBiolinum_RB.otf"),
            FaceId::Mono => include_bytes!("../../fonts/LiberationMono-Regular.ttf"),
            FaceId::MonoBold => include_bytes!("../../fonts/LiberationMono-Bold.ttf"),
        }
    }

    /// The bold variant of a face.
    pub fn bold(self) -> FaceId {
        match self {
            FaceId::Serif | FaceId::SerifBold => FaceId::SerifBold,
            FaceId::SerifItalic | FaceId::SerifBoldItalic => FaceId::SerifBoldItalic,
            FaceId::Sans | FaceId::SansBold => FaceId::SansBold,
            FaceId::Mono | FaceId::MonoBold => FaceId::MonoBold,
            FaceId::User(n) => FaceId::User(n),
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

    /// The PostScript name of the bundled face.
    pub fn postscript_name(self) -> &'static str {
        match self {
            FaceId::Serif => "LinLibertineO",
            FaceId::SerifItalic => "LinLibertineOI",
            FaceId::SerifBold => "LinLibertineOB",
            FaceId::SerifBoldItalic => "LinLibertineOBI",
            FaceId::Sans => "LinBiolinumO",
            FaceId::SansBold => "LinBiolinumOB",
            FaceId::Mono => "LiberationMono",
            FaceId::MonoBold => "LiberationMono-Bold",
            FaceId::User(_) => "UserFont",
        }
    }

    /// Faces to try, in order, for a character this face lacks.
    fn fallbacks(self) -> [FaceId; 3] {
        match self {
            FaceId::Mono | FaceId::MonoBold => [FaceId::Serif, FaceId::Sans, FaceId::Mono],
            FaceId::Sans | FaceId::SansBold => [FaceId::Serif, FaceId::Mono, FaceId::Sans],
            _ => [FaceId::Sans, FaceId::Mono, FaceId::Serif],
        }
    }
}

/// One loaded face.
pub struct Font {
    /// Which face this is.
    pub id: FaceId,
    /// The font file.
    pub data: &'static [u8],
    /// The parsed face, for shaping.
    pub face: rustybuzz::Face<'static>,
    /// Units per em.
    pub upem: f64,
    /// Ascender, in em.
    pub ascender: f64,
    /// Descender (negative), in em.
    pub descender: f64,
    /// The PostScript name.
    pub name: String,
}

impl Font {
    /// Wraps a parsed face with its metrics and PostScript name.
    fn new(id: FaceId, data: &'static [u8], face: rustybuzz::Face<'static>) -> Font {
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
        Font {
            id,
            data,
            upem,
            ascender: f64::from(face.ascender()) / upem,
            descender: f64::from(face.descender()) / upem,
            name,
            face,
        }
    }
}

/// All bundled faces, loaded once per process.
pub struct FontBook {
    fonts: Vec<Font>,
}

impl FontBook {
    /// The shared font book.
    pub fn get() -> &'static FontBook {
        static BOOK: OnceLock<FontBook> = OnceLock::new();
        BOOK.get_or_init(FontBook::load)
    }

    fn load() -> FontBook {
        let fonts = FaceId::ALL
            .iter()
            .map(|&id| {
                let data = id.data();
                // The bundled fonts are checked by the tests; a failure here is a build defect.
                let face = rustybuzz::Face::from_slice(data, 0).expect("bundled font parses");
                Font::new(id, data, face)
            })
            .collect();
        FontBook { fonts }
    }

    /// A face by id.
    pub fn font(&self, id: FaceId) -> &Font {
        match id {
            FaceId::User(n) => user_font(n).unwrap_or(&self.fonts[0]),
            bundled => {
                let index = FaceId::ALL.iter().position(|f| *f == bundled).unwrap_or(0);
                &self.fonts[index]
            }
        }
    }

    /// Whether the face has a glyph for `c`.
    pub fn covers(&self, id: FaceId, c: char) -> bool {
        self.font(id).face.glyph_index(c).is_some()
    }

    /// The face that will draw `c` when `id` is wanted: `id` itself or a fallback.
    pub fn face_for(&self, id: FaceId, c: char) -> Option<FaceId> {
        if c.is_whitespace() || c.is_control() || self.covers(id, c) {
            return Some(id);
        }
        if let Some(f) = id.fallbacks().into_iter().find(|&f| self.covers(f, c)) {
            return Some(f);
        }
        ACTIVE.with(|active| active.borrow().iter().copied().find(|&f| self.covers(f, c)))
    }

    /// Shapes `text` in face `id` at `size`, splitting it into runs where a
    /// fallback face has to draw some characters. Characters no face has are
    /// returned in `missing` and drawn as the `.notdef` glyph of `id`.
    pub fn shape(&self, id: FaceId, size: Abs, text: &str, small_caps: bool) -> Arc<Shaped> {
        // Prose repeats its words: shaping each distinct word once per
        // thread is most of the speed of layout. A hit costs one lookup by
        // `&str` (no allocation) and one reference count.
        let style = (id, size.to_pt().to_bits(), small_caps);
        let hit = CACHE.with(|c| {
            c.borrow()
                .words
                .get(&style)
                .and_then(|words| words.get(text).cloned())
        });
        if let Some(hit) = hit {
            return hit;
        }
        let shaped = Arc::new(self.shape_uncached(id, size, text, small_caps));
        CACHE.with(|c| {
            let mut c = c.borrow_mut();
            if c.len > 200_000 {
                c.words.clear();
                c.len = 0;
            }
            c.len += 1;
            c.words
                .entry(style)
                .or_default()
                .insert(text.into(), shaped.clone());
        });
        shaped
    }

    fn shape_uncached(&self, id: FaceId, size: Abs, text: &str, small_caps: bool) -> Shaped {
        if small_caps && !self.has_small_caps(id) {
            return self.fake_small_caps(id, size, text);
        }
        let mut runs = Vec::new();
        let mut missing = Vec::new();
        let mut start = 0;
        let mut current: Option<FaceId> = None;
        for (i, c) in text.char_indices() {
            let face = match self.face_for(id, c) {
                Some(f) => f,
                None => {
                    missing.push(c);
                    id
                }
            };
            match current {
                Some(f) if f == face => {}
                Some(f) => {
                    runs.push(self.shape_run(f, size, &text[start..i], small_caps));
                    start = i;
                    current = Some(face);
                }
                None => current = Some(face),
            }
        }
        if let Some(f) = current {
            runs.push(self.shape_run(f, size, &text[start..], small_caps));
        }
        Shaped { runs, missing }
    }

    /// Whether the face has real small capitals (its `smcp` feature changes `a`).
    pub fn has_small_caps(&self, id: FaceId) -> bool {
        let plain = self.shape_run(id, Abs::pt(10.0), "a", false);
        let caps = self.shape_run(id, Abs::pt(10.0), "a", true);
        plain.glyphs.first().map(|g| g.id) != caps.glyphs.first().map(|g| g.id)
    }

    /// Small capitals for a face without them: lowercase letters set as
    /// capitals at 78% of the size (the glyphs keep the original text, so
    /// copying gives back what was written).
    fn fake_small_caps(&self, id: FaceId, size: Abs, text: &str) -> Shaped {
        let mut out = Shaped::default();
        let small = size * 0.78;
        for c in text.chars() {
            let upper: String = c.to_uppercase().collect();
            let (piece, piece_size) = if c.is_lowercase() {
                (upper.as_str(), small)
            } else {
                (&text[0..0], size)
            };
            let source = c.to_string();
            let shaped = if piece.is_empty() {
                self.shape(id, piece_size, &source, false)
            } else {
                self.shape(id, piece_size, piece, false)
            };
            out.missing.extend(shaped.missing.iter().copied());
            for mut run in shaped.runs.iter().cloned() {
                // The first glyph carries the original character.
                for (k, g) in run.glyphs.iter_mut().enumerate() {
                    g.text = if k == 0 {
                        source.clone()
                    } else {
                        String::new()
                    };
                }
                match out.runs.last_mut() {
                    Some(last) if last.face == run.face && last.size == run.size => {
                        last.width += run.width;
                        last.glyphs.extend(run.glyphs);
                    }
                    _ => out.runs.push(run),
                }
            }
        }
        out
    }

    fn shape_run(&self, id: FaceId, size: Abs, text: &str, small_caps: bool) -> Run {
        let font = self.font(id);
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        let mut features = Vec::new();
        if small_caps {
            features.push(rustybuzz::Feature::new(
                rustybuzz::ttf_parser::Tag::from_bytes(b"smcp"),
                1,
                ..,
            ));
        }
        let output = rustybuzz::shape(&font.face, &features, buffer);
        let scale = size.to_pt() / font.upem;
        let infos = output.glyph_infos();
        let positions = output.glyph_positions();
        let mut glyphs = Vec::with_capacity(infos.len());
        for (i, (info, pos)) in infos.iter().zip(positions).enumerate() {
            let cluster = info.cluster as usize;
            // The text a glyph stands for: its cluster, up to the next cluster.
            let next = infos[i + 1..]
                .iter()
                .map(|g| g.cluster as usize)
                .find(|&c| c != cluster)
                .unwrap_or(text.len());
            let first_of_cluster = i == 0 || infos[i - 1].cluster as usize != cluster;
            let (lo, hi) = (cluster.min(next), cluster.max(next));
            let source = if first_of_cluster {
                text.get(lo..hi).unwrap_or("").to_string()
            } else {
                String::new()
            };
            glyphs.push(Glyph {
                id: u16::try_from(info.glyph_id).unwrap_or(0),
                advance: Abs::pt(f64::from(pos.x_advance) * scale),
                x_offset: Abs::pt(f64::from(pos.x_offset) * scale),
                y_offset: Abs::pt(f64::from(pos.y_offset) * scale),
                text: source,
            });
        }
        let width = glyphs.iter().map(|g| g.advance).sum();
        Run {
            face: id,
            size,
            glyphs,
            width,
        }
    }

    /// The advance width of a glyph in a face at a size (for tests and metrics).
    pub fn advance(&self, id: FaceId, glyph: u16, size: Abs) -> Abs {
        let font = self.font(id);
        let adv = font.face.glyph_hor_advance(GlyphId(glyph)).unwrap_or(0);
        Abs::pt(f64::from(adv) * size.to_pt() / font.upem)
    }
}

/// Fonts registered from files, for the life of the process (their bytes are
/// kept so faces can borrow them); looked up by registration number.
static USER_FONTS: std::sync::Mutex<Vec<(std::path::PathBuf, &'static Font)>> =
    std::sync::Mutex::new(Vec::new());

/// A shaping result's key: face, size (bits), small caps, text.
/// A style as the shaping cache keys it: face, size (bits), small caps.
type ShapeStyle = (FaceId, u64, bool);

/// Shaped words of one style, by text.
type Words = rustc_hash::FxHashMap<Box<str>, Arc<Shaped>>;

/// Shaped words of one thread, by style and text.
#[derive(Default)]
struct ShapeCache {
    words: rustc_hash::FxHashMap<ShapeStyle, Words>,
    /// Words stored, over all styles.
    len: usize,
}

impl ShapeCache {
    fn clear(&mut self) {
        self.words.clear();
        self.len = 0;
    }
}

thread_local! {
    /// Shaped words of this thread (cleared when the fallback fonts change).
    static CACHE: std::cell::RefCell<ShapeCache> = std::cell::RefCell::new(ShapeCache::default());

    /// The user fonts of the build running on this thread: fallbacks after
    /// the bundled faces. A thread-local, so parallel builds with different
    /// `--font` options do not see each other's fonts.
    static ACTIVE: std::cell::RefCell<Vec<FaceId>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn user_font(n: u16) -> Option<&'static Font> {
    USER_FONTS
        .lock()
        .ok()
        .and_then(|fonts| fonts.get(usize::from(n)).map(|(_, f)| *f))
}

/// Loads (once per process) a font file and returns its face id.
pub fn register(path: &std::path::Path) -> Result<FaceId, String> {
    let mut fonts = USER_FONTS
        .lock()
        .map_err(|_| "font registry poisoned".to_string())?;
    if let Some(i) = fonts.iter().position(|(p, _)| p == path) {
        return Ok(FaceId::User(i as u16));
    }
    let bytes =
        std::fs::read(path).map_err(|e| format!("cannot read font {} ({e})", path.display()))?;
    let data: &'static [u8] = Box::leak(bytes.into_boxed_slice());
    let face = rustybuzz::Face::from_slice(data, 0)
        .ok_or_else(|| format!("{} is not a font rustybuzz can read", path.display()))?;
    let id = FaceId::User(u16::try_from(fonts.len()).map_err(|_| "too many fonts".to_string())?);
    let font: &'static Font = Box::leak(Box::new(Font::new(id, data, face)));
    fonts.push((path.to_path_buf(), font));
    Ok(id)
}

/// Makes `fonts` the fallback fonts of builds on this thread (until the
/// returned guard drops).
pub fn activate(fonts: Vec<FaceId>) -> ActiveFonts {
    let previous = ACTIVE.with(|active| active.replace(fonts.clone()));
    // The cache holds shapes made with the previous fonts: keep it only when
    // they are the same (parallel layout activates the same fonts per task).
    if previous != fonts {
        CACHE.with(|c| c.borrow_mut().clear());
    }
    ActiveFonts { previous }
}

/// The fallback fonts active on this thread.
pub fn active() -> Vec<FaceId> {
    ACTIVE.with(|active| active.borrow().clone())
}

/// Puts the thread's previous fallback fonts back when dropped.
pub struct ActiveFonts {
    previous: Vec<FaceId>,
}

impl Drop for ActiveFonts {
    fn drop(&mut self) {
        let previous = std::mem::take(&mut self.previous);
        let current = ACTIVE.with(|active| active.replace(previous.clone()));
        if current != previous {
            CACHE.with(|c| c.borrow_mut().clear());
        }
    }
}

/// The result of shaping a piece of text.
#[derive(Debug, Clone, Default)]
pub struct Shaped {
    /// Runs of one face each, in logical order.
    pub runs: Vec<Run>,
    /// Characters no bundled face could draw.
    pub missing: Vec<char>,
}

impl Shaped {
    /// The total advance width.
    pub fn width(&self) -> Abs {
        self.runs.iter().map(|r| r.width).sum()
    }
}

/// Glyphs of one face at one size.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    /// The face.
    pub face: FaceId,
    /// The font size.
    pub size: Abs,
    /// The glyphs, in visual order.
    pub glyphs: Vec<Glyph>,
    /// The sum of the advances.
    pub width: Abs,
}

/// One shaped glyph.
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    /// Glyph id in the face.
    pub id: u16,
    /// Horizontal advance.
    pub advance: Abs,
    /// Horizontal offset from the pen position.
    pub x_offset: Abs,
    /// Vertical offset (up is positive).
    pub y_offset: Abs,
    /// The text this glyph stands for (empty for the 2nd+ glyph of a cluster).
    pub text: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_face_loads() {
        let book = FontBook::get();
        for id in FaceId::ALL {
            let font = book.font(id);
            assert!(font.upem > 0.0);
            assert!(book.covers(id, 'a'), "{id:?}");
            assert!(!font.name.is_empty());
        }
    }

    #[test]
    fn ligatures_and_kerning() {
        let book = FontBook::get();
        let shaped = book.shape(FaceId::Serif, Abs::pt(10.0), "office", false);
        let glyphs = &shaped.runs[0].glyphs;
        // "ffi" becomes one ligature glyph that stands for three characters.
        assert!(glyphs.len() < 6, "{glyphs:?}");
        let text: String = glyphs.iter().map(|g| g.text.as_str()).collect();
        assert_eq!(text, "office");
        // Kerning: "AV" is narrower than "A" + "V".
        let av = book
            .shape(FaceId::Serif, Abs::pt(10.0), "AV", false)
            .width();
        let a = book.shape(FaceId::Serif, Abs::pt(10.0), "A", false).width();
        let v = book.shape(FaceId::Serif, Abs::pt(10.0), "V", false).width();
        assert!(av < a + v);
    }

    #[test]
    fn small_caps_use_other_glyphs() {
        let book = FontBook::get();
        let plain = book.shape(FaceId::Serif, Abs::pt(10.0), "peace", false);
        let caps = book.shape(FaceId::Serif, Abs::pt(10.0), "peace", true);
        assert_ne!(plain.runs[0].glyphs[0].id, caps.runs[0].glyphs[0].id);
    }

    #[test]
    fn small_caps_are_synthesised_when_the_face_has_none() {
        let book = FontBook::get();
        assert!(book.has_small_caps(FaceId::Serif));
        if !book.has_small_caps(FaceId::Mono) {
            let shaped = book.shape(FaceId::Mono, Abs::pt(10.0), "Ab", true);
            let text: String = shaped
                .runs
                .iter()
                .flat_map(|r| r.glyphs.iter().map(|g| g.text.as_str()))
                .collect();
            assert_eq!(text, "Ab", "copying gives back the written text");
            assert_eq!(
                shaped.runs.len(),
                2,
                "capital at full size, small capital smaller"
            );
            assert!(shaped.runs[1].size < shaped.runs[0].size);
        }
    }

    #[test]
    fn fallback_and_missing() {
        let book = FontBook::get();
        let shaped = book.shape(FaceId::Serif, Abs::pt(10.0), "a\u{10FFFD}b", false);
        assert_eq!(shaped.missing, vec!['\u{10FFFD}']);
    }
}

//! Shaping with rustybuzz: text, a face and a size → positioned glyphs
//! ([`Shaped`]), each with the text it stands for (kept for copy and search
//! in the PDF). Characters the wanted face lacks are shaped in a fallback
//! face of the [`FontSet`]; characters no face has are returned in
//! [`Shaped::missing`] for the caller to report once.
//!
//! Prose repeats its words, so shaped words are cached per font set and per
//! thread (no lock on the hot path): a hit costs one lookup by `&str` and a
//! reference count.

use super::font::{FaceId, FontSet};
use super::units::Abs;
use std::sync::Arc;

/// The result of shaping a piece of text.
#[derive(Debug, Clone, Default)]
pub struct Shaped {
    /// Runs of one face each, in logical order.
    pub runs: Vec<Run>,
    /// Characters no face of the set could draw.
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

/// A style as the shaping cache keys it: face, size (bits), small caps.
type ShapeStyle = (FaceId, u64, bool);

/// Shaped words of one style, by text.
type Words = rustc_hash::FxHashMap<Box<str>, Arc<Shaped>>;

/// Shaped words of one thread, by style and text.
#[derive(Default)]
pub(super) struct ShapeCache {
    words: rustc_hash::FxHashMap<ShapeStyle, Words>,
    /// Words stored, over all styles.
    len: usize,
}

/// Words a thread's cache holds before it starts again (bounds memory on
/// books with huge vocabularies).
const CACHE_LIMIT: usize = 200_000;

impl FontSet {
    /// Shapes `text` in face `id` at `size`, splitting it into runs where a
    /// fallback face has to draw some characters. Characters no face has are
    /// returned in `missing` and drawn as the `.notdef` glyph of `id`.
    pub fn shape(&self, id: FaceId, size: Abs, text: &str, small_caps: bool) -> Arc<Shaped> {
        let style = (id, size.to_pt().to_bits(), small_caps);
        let cache = self.cache.get_or_default();
        let hit = cache
            .borrow()
            .words
            .get(&style)
            .and_then(|words| words.get(text).cloned());
        if let Some(hit) = hit {
            return hit;
        }
        let shaped = Arc::new(self.shape_uncached(id, size, text, small_caps));
        let mut c = cache.borrow_mut();
        if c.len > CACHE_LIMIT {
            c.words.clear();
            c.len = 0;
        }
        c.len += 1;
        c.words
            .entry(style)
            .or_default()
            .insert(text.into(), shaped.clone());
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
            let source = c.to_string();
            let shaped = if c.is_lowercase() {
                let upper: String = c.to_uppercase().collect();
                self.shape(id, small, &upper, false)
            } else {
                self.shape(id, size, &source, false)
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
        let output = rustybuzz::shape(font.face(), &features, buffer);
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ligatures_and_kerning() {
        let fonts = FontSet::bundled();
        let shaped = fonts.shape(FaceId::Serif, Abs::pt(10.0), "office", false);
        let glyphs = &shaped.runs[0].glyphs;
        // "ffi" becomes one ligature glyph that stands for three characters.
        assert!(glyphs.len() < 6, "{glyphs:?}");
        let text: String = glyphs.iter().map(|g| g.text.as_str()).collect();
        assert_eq!(text, "office");
        // Kerning: "AV" is narrower than "A" + "V".
        let width = |t: &str| fonts.shape(FaceId::Serif, Abs::pt(10.0), t, false).width();
        assert!(width("AV") < width("A") + width("V"));
    }

    #[test]
    fn small_caps_use_other_glyphs() {
        let fonts = FontSet::bundled();
        let plain = fonts.shape(FaceId::Serif, Abs::pt(10.0), "peace", false);
        let caps = fonts.shape(FaceId::Serif, Abs::pt(10.0), "peace", true);
        assert_ne!(plain.runs[0].glyphs[0].id, caps.runs[0].glyphs[0].id);
    }

    #[test]
    fn small_caps_are_synthesised_when_the_face_has_none() {
        let fonts = FontSet::bundled();
        assert!(fonts.has_small_caps(FaceId::Serif));
        if !fonts.has_small_caps(FaceId::Mono) {
            let shaped = fonts.shape(FaceId::Mono, Abs::pt(10.0), "Ab", true);
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
        let fonts = FontSet::bundled();
        let shaped = fonts.shape(FaceId::Serif, Abs::pt(10.0), "a\u{10FFFD}b", false);
        assert_eq!(shaped.missing, vec!['\u{10FFFD}']);
    }

    #[test]
    fn each_set_has_its_own_cache() {
        // A set with a loaded face that covers what the bundled faces lack
        // shapes it differently from the bundled set, on the same thread.
        let bundled = FontSet::bundled();
        let missing = bundled.shape(FaceId::Serif, Abs::pt(10.0), "\u{10FFFD}", false);
        assert_eq!(missing.missing.len(), 1);
        let other = FontSet::bundled();
        let again = other.shape(FaceId::Serif, Abs::pt(10.0), "\u{10FFFD}", false);
        assert!(
            !Arc::ptr_eq(&missing, &again),
            "no cache shared between sets"
        );
    }
}

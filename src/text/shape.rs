//! Shaping with rustybuzz: text, a face and a size → positioned glyphs
//! ([`Shaped`]), each with the text it stands for (kept for copy and search
//! in the PDF).
//!
//! Text is cut into runs of one face and one script: a face is chosen per
//! character cluster (the face asked for when it has the cluster; else a
//! fallback of the [`FontSet`], by script and language), punctuation and
//! marks stay in the face of their neighbours, and each run is shaped with
//! its script, its language and its direction ([`Props`]), so Arabic joins,
//! Indic clusters reorder and Thai marks stack. Characters no face has are
//! returned in [`Shaped::missing`] for the caller to report once.
//!
//! Prose repeats its words, so shaped words are cached per font set and per
//! thread (no lock on the hot path): a hit costs one lookup by `&str` and a
//! reference count. Latin text takes a path without clustering or bidi.

use super::font::{FaceId, FontSet};
use super::script::{self, LangTag, Script};
use super::system::Want;
use super::units::Abs;
use std::sync::Arc;

/// The result of shaping a piece of text.
#[derive(Debug, Clone, Default)]
pub struct Shaped {
    /// Runs of one face each, in visual order (left to right as drawn).
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

/// How a stretch of text is shaped besides its face: its direction and
/// its language (which picks localised forms and, for fallback, the face:
/// Han in Japanese takes a Japanese face).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Props {
    /// Right to left (the glyphs come out in visual order either way).
    pub rtl: bool,
    /// The language of the text.
    pub lang: Option<LangTag>,
}

/// A style as the shaping cache keys it: face, size (bits), small caps,
/// properties, and whether the text was ordered as one line.
type ShapeStyle = (FaceId, u64, bool, Props, bool);

/// Shaped words of one style, by text.
type Words = rustc_hash::FxHashMap<Box<str>, Arc<Shaped>>;

/// Shaped words of one thread, by style and text, and the fallback faces
/// chosen for clusters.
#[derive(Default)]
pub(super) struct ShapeCache {
    words: rustc_hash::FxHashMap<ShapeStyle, Words>,
    /// Words stored, over all styles.
    len: usize,
    /// The face chosen for a cluster the wanted face lacks.
    fallback: rustc_hash::FxHashMap<(FaceId, Option<LangTag>, Box<str>), Option<FaceId>>,
}

/// Words a thread's cache holds before it starts again (bounds memory on
/// books with huge vocabularies).
const CACHE_LIMIT: usize = 200_000;

/// A stretch of text in one face and one script.
struct Segment {
    range: std::ops::Range<usize>,
    face: FaceId,
    script: Script,
}

impl FontSet {
    /// Shapes `text` as one line in face `id` at `size`: its runs in the
    /// order they are drawn, right-to-left stretches reordered (UAX #9, the
    /// direction taken from the first strong character). For running heads,
    /// the contents, list markers and the cover; paragraphs are reordered
    /// after line breaking instead (see [`FontSet::shape_with`]).
    pub fn shape(&self, id: FaceId, size: Abs, text: &str, small_caps: bool) -> Arc<Shaped> {
        if script::is_simple(text) {
            return self.shape_with(id, size, text, small_caps, Props::default());
        }
        let style = (
            id,
            size.to_pt().to_bits(),
            small_caps,
            Props::default(),
            true,
        );
        if let Some(hit) = self.cached(&style, text) {
            return hit;
        }
        let shaped = Arc::new(self.shape_line(id, size, text, small_caps));
        self.store(style, text, shaped.clone());
        shaped
    }

    /// Shapes `text`, all of one direction and language (`props`), in face
    /// `id` at `size`, splitting it into runs where a fallback face has to
    /// draw some clusters. Characters no face has are returned in `missing`
    /// and drawn as the `.notdef` glyph of `id`.
    pub fn shape_with(
        &self,
        id: FaceId,
        size: Abs,
        text: &str,
        small_caps: bool,
        props: Props,
    ) -> Arc<Shaped> {
        let style = (id, size.to_pt().to_bits(), small_caps, props, false);
        if let Some(hit) = self.cached(&style, text) {
            return hit;
        }
        let shaped = Arc::new(self.shape_uncached(id, size, text, small_caps, props));
        self.store(style, text, shaped.clone());
        shaped
    }

    fn cached(&self, style: &ShapeStyle, text: &str) -> Option<Arc<Shaped>> {
        let cache = self.cache.get_or_default();
        cache
            .borrow()
            .words
            .get(style)
            .and_then(|words| words.get(text).cloned())
    }

    fn store(&self, style: ShapeStyle, text: &str, shaped: Arc<Shaped>) {
        let cache = self.cache.get_or_default();
        let mut c = cache.borrow_mut();
        if c.len > CACHE_LIMIT {
            c.words.clear();
            c.len = 0;
        }
        c.len += 1;
        c.words
            .entry(style)
            .or_default()
            .insert(text.into(), shaped);
    }

    /// One line with bidi: its level runs shaped each in its direction and
    /// put in visual order.
    fn shape_line(&self, id: FaceId, size: Abs, text: &str, small_caps: bool) -> Shaped {
        let rtl = super::bidi::first_strong(text).unwrap_or(false);
        let levels = super::bidi::Levels::new(text, rtl);
        if !levels.has_rtl() {
            return self.shape_uncached(id, size, text, small_caps, Props::default());
        }
        let mut pieces: Vec<(std::ops::Range<usize>, u8)> = Vec::new();
        for (i, _) in text.char_indices() {
            let level = levels.at(i);
            match pieces.last_mut() {
                Some((range, l)) if *l == level => range.end = i,
                _ => pieces.push((i..i, level)),
            }
        }
        for k in 0..pieces.len() {
            pieces[k].0.end = pieces.get(k + 1).map_or(text.len(), |p| p.0.start);
        }
        let order = super::bidi::visual_order(&pieces.iter().map(|p| p.1).collect::<Vec<_>>());
        let mut out = Shaped::default();
        for k in order {
            let (range, level) = &pieces[k];
            let props = Props {
                rtl: level % 2 == 1,
                lang: None,
            };
            let shaped = self.shape_with(id, size, &text[range.clone()], small_caps, props);
            out.runs.extend(shaped.runs.iter().cloned());
            out.missing.extend(shaped.missing.iter().copied());
        }
        out
    }

    fn shape_uncached(
        &self,
        id: FaceId,
        size: Abs,
        text: &str,
        small_caps: bool,
        props: Props,
    ) -> Shaped {
        if small_caps && !props.rtl && !self.has_small_caps(id) {
            return self.fake_small_caps(id, size, text);
        }
        let mut missing = Vec::new();
        let segments = self.itemize(id, text, props.lang, &mut missing);
        let mut runs: Vec<Run> = segments
            .iter()
            .map(|s| {
                self.mark_used(s.face);
                self.shape_run(
                    s.face,
                    size,
                    &text[s.range.clone()],
                    small_caps,
                    props,
                    s.script,
                )
            })
            .collect();
        if props.rtl {
            runs.reverse();
        }
        Shaped { runs, missing }
    }

    /// Cuts text into segments of one face and one script, choosing a face
    /// per cluster; characters no face has go to `missing`.
    fn itemize(
        &self,
        id: FaceId,
        text: &str,
        lang: Option<LangTag>,
        missing: &mut Vec<char>,
    ) -> Vec<Segment> {
        let mut segments: Vec<Segment> = Vec::new();
        let simple = script::is_simple(text);
        let mut push = |range: std::ops::Range<usize>, face: FaceId, sc: Script| {
            if let Some(last) = segments.last_mut()
                && last.face == face
                && (script::is_neutral(sc) || last.script == sc || script::is_neutral(last.script))
            {
                last.range.end = range.end;
                if script::is_neutral(last.script) {
                    last.script = sc;
                }
                return;
            }
            segments.push(Segment {
                range,
                face,
                script: sc,
            });
        };
        let mut current: Option<FaceId> = None;
        let mut visit = |range: std::ops::Range<usize>, current: &mut Option<FaceId>| {
            let cluster = &text[range.clone()];
            let mut chars = cluster.chars();
            let first = chars.next().unwrap_or(' ');
            let emoji = !simple && script::is_emoji(first, chars.next());
            let sc = cluster
                .chars()
                .map(script::of)
                .find(|s| !script::is_neutral(*s))
                .unwrap_or(Script::Common);
            let face = self.choose(id, *current, cluster, sc, emoji, lang, missing);
            *current = Some(face);
            (range, face, sc)
        };
        if simple {
            for (i, c) in text.char_indices() {
                let (range, face, sc) = visit(i..i + c.len_utf8(), &mut current);
                push(range, face, sc);
            }
        } else {
            for range in super::segment::clusters(text) {
                let (range, face, sc) = visit(range, &mut current);
                push(range, face, sc);
            }
        }
        segments
    }

    /// The face for one cluster: the run's face for punctuation and marks
    /// it has, the wanted face when it has the cluster, else a fallback.
    #[expect(
        clippy::too_many_arguments,
        reason = "the cluster, its script and the run it continues all decide"
    )]
    fn choose(
        &self,
        id: FaceId,
        current: Option<FaceId>,
        cluster: &str,
        sc: Script,
        emoji: bool,
        lang: Option<LangTag>,
        missing: &mut Vec<char>,
    ) -> FaceId {
        if cluster.chars().all(|c| c.is_whitespace() || c.is_control()) {
            return current.unwrap_or(id);
        }
        if !emoji {
            if let Some(cur) = current
                && script::is_neutral(sc)
                && !self.font(cur).bitmap
                && self.covers_cluster(cur, cluster)
            {
                return cur;
            }
            if self.covers_cluster(id, cluster) {
                return id;
            }
        }
        if let Some(face) = self.fallback_cached(id, cluster, sc, emoji, lang) {
            return face;
        }
        if emoji && self.covers_cluster(id, cluster) {
            return id;
        }
        let font = self.font(id);
        missing.extend(
            cluster
                .chars()
                .filter(|&c| !script::is_ignorable(c) && !c.is_control() && !font.covers(c)),
        );
        id
    }

    /// [`FontSet::fallback`], remembered per thread.
    fn fallback_cached(
        &self,
        id: FaceId,
        cluster: &str,
        sc: Script,
        emoji: bool,
        lang: Option<LangTag>,
    ) -> Option<FaceId> {
        let cache = self.cache.get_or_default();
        let key = (id, lang, Box::<str>::from(cluster));
        if let Some(hit) = cache.borrow().fallback.get(&key) {
            return *hit;
        }
        let (class, bold, italic) = id.want();
        let lang = lang.or_else(|| {
            if script::is_neutral(sc) {
                None
            } else {
                script::language_of(sc, cluster).and_then(LangTag::new)
            }
        });
        let want = Want {
            script: sc,
            lang,
            class,
            bold,
            italic,
            emoji,
        };
        let found = self.fallback(id, cluster, &want);
        cache.borrow_mut().fallback.insert(key, found);
        found
    }

    /// Whether the face has real small capitals (its `smcp` feature changes `a`).
    pub fn has_small_caps(&self, id: FaceId) -> bool {
        let plain = self.shape_run(
            id,
            Abs::pt(10.0),
            "a",
            false,
            Props::default(),
            Script::Latin,
        );
        let caps = self.shape_run(
            id,
            Abs::pt(10.0),
            "a",
            true,
            Props::default(),
            Script::Latin,
        );
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

    /// Shapes one segment: one face, one script, one direction.
    fn shape_run(
        &self,
        id: FaceId,
        size: Abs,
        text: &str,
        small_caps: bool,
        props: Props,
        sc: Script,
    ) -> Run {
        let font = self.font(id);
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.set_direction(if props.rtl {
            rustybuzz::Direction::RightToLeft
        } else {
            rustybuzz::Direction::LeftToRight
        });
        if !script::is_neutral(sc)
            && let Some(s) = rustybuzz::Script::from_iso15924_tag(
                rustybuzz::ttf_parser::Tag::from_bytes(&sc.as_iso15924_tag().to_be_bytes()),
            )
        {
            buffer.set_script(s);
        }
        if let Some(lang) = props.lang
            && let Ok(l) = lang.as_str().parse::<rustybuzz::Language>()
        {
            buffer.set_language(l);
        }
        buffer.guess_segment_properties();
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
        // Where each cluster's text ends: at the next cluster's start (in
        // logical order, whichever way the glyphs run).
        let mut starts: Vec<usize> = infos.iter().map(|g| g.cluster as usize).collect();
        starts.sort_unstable();
        starts.dedup();
        let mut glyphs = Vec::with_capacity(infos.len());
        for (i, (info, pos)) in infos.iter().zip(positions).enumerate() {
            let cluster = info.cluster as usize;
            let first_of_cluster = i == 0 || infos[i - 1].cluster as usize != cluster;
            let source = if first_of_cluster {
                let next = starts
                    .get(starts.partition_point(|&s| s <= cluster))
                    .copied()
                    .unwrap_or(text.len());
                text.get(cluster..next).unwrap_or("").to_string()
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

//! Fonts: every face the pages use, subset to the glyphs they use and
//! embedded as a composite (Type 0) font.
//!
//! While pages are encoded, each glyph gets its id in the subset (in order
//! of first use, so ids are deterministic) and the text it stands for (for
//! `/ToUnicode`, so text copies and searches). At the end each face is
//! subset with `subsetter` and written as a Type 0 font over a CID font —
//! CFF outlines as `CIDFontType0` with the bare CFF table (`FontFile3`,
//! `CIDFontType0C`), TrueType outlines as `CIDFontType2` (`FontFile2`) —
//! with its widths (`/W`) and descriptor. A colour bitmap face (an emoji
//! font) has no outlines to embed: it is written as Type 3 fonts whose
//! glyphs draw its images ([`super::bitmap`]).

use super::objects::Objects;
use crate::diag::{Error, Result};
use crate::text::{FaceId, Font, FontSet};
use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Filter, Finish, Name, Rect, Ref, Str};
use std::collections::BTreeMap;
use std::io::Write;

/// One face as the book uses it.
pub struct FontUse {
    /// Resource name (`F1`…).
    pub name: String,
    /// Original glyph id → id in the subset (in order of first use).
    remapper: subsetter::GlyphRemapper,
    /// The same map as a table indexed by original id (0: not used yet),
    /// for a lookup per glyph without hashing.
    table: Vec<u16>,
    /// Original glyph ids in subset order (index = new id).
    pub olds: Vec<u16>,
    /// The text each subset glyph stands for (first use wins), by new id.
    texts: Vec<String>,
}

impl FontUse {
    fn new(name: String) -> FontUse {
        let mut remapper = subsetter::GlyphRemapper::new();
        remapper.remap(0);
        FontUse {
            name,
            remapper,
            table: vec![0; usize::from(u16::MAX) + 1],
            olds: vec![0],
            texts: vec![String::new()],
        }
    }

    /// The subset id of original glyph `id` (0 if it was never used).
    pub fn new_id(&self, id: u16) -> u16 {
        self.table[usize::from(id)]
    }

    /// The text subset glyph `new` stands for (for `/ToUnicode`).
    pub fn text(&self, new: u16) -> &str {
        self.texts.get(usize::from(new)).map_or("", String::as_str)
    }

    /// A colour bitmap face is written as Type 3 fonts of at most
    /// [`TYPE3_GLYPHS`] glyphs each (one-byte codes, 0 unused): the font
    /// (its index) and the code that draw subset glyph `new`.
    pub fn type3_code(new: u16) -> (usize, u8) {
        match new.checked_sub(1) {
            None => (0, 0),
            Some(n) => (
                usize::from(n) / TYPE3_GLYPHS,
                (usize::from(n) % TYPE3_GLYPHS + 1) as u8,
            ),
        }
    }

    /// The resource name of the `slice`th Type 3 font of a colour bitmap
    /// face (the first takes the face's name).
    pub fn slice_name(&self, slice: usize) -> String {
        if slice == 0 {
            self.name.clone()
        } else {
            format!("{}s{}", self.name, slice + 1)
        }
    }

    /// Notes that glyph `id` is drawn standing for `text`.
    fn use_glyph(&mut self, id: u16, text: &str) {
        let new = match self.table[usize::from(id)] {
            0 if id != 0 => {
                let new = self.remapper.remap(id);
                self.table[usize::from(id)] = new;
                self.olds.push(id);
                self.texts.push(text.to_string());
                new
            }
            new => new,
        };
        if self.texts[usize::from(new)].is_empty() && !text.is_empty() {
            self.texts[usize::from(new)] = text.to_string();
        }
    }
}

/// Glyphs per Type 3 font (codes 1 to 255).
pub const TYPE3_GLYPHS: usize = 255;

/// The faces used so far.
#[derive(Default)]
pub struct Fonts {
    used: BTreeMap<FaceId, FontUse>,
}

impl Fonts {
    /// Notes the glyphs of a run (before its page is encoded).
    pub fn use_run(&mut self, run: &crate::pdf::frame::TextRun) {
        let n = self.used.len();
        let font = self
            .used
            .entry(run.face)
            .or_insert_with(|| FontUse::new(format!("F{}", n + 1)));
        for g in &run.glyphs {
            font.use_glyph(g.id, run.glyph_text(g));
        }
    }

    /// How face `face` is used, if it is.
    pub fn get(&self, face: FaceId) -> Option<&FontUse> {
        self.used.get(&face)
    }

    /// Writes every used face (colour bitmap faces as Type 3 fonts whose
    /// images take the colour spaces of `standard`); returns resource name
    /// → font object.
    pub fn write<W: Write>(
        &self,
        objects: &mut Objects<W>,
        set: &FontSet,
        (standard, profiles): (crate::pdf::Standard, &mut super::standards::Profiles),
    ) -> Result<Vec<(String, Ref)>> {
        let mut out = Vec::new();
        for (&face, used) in &self.used {
            let font = set.font(face);
            if font.bitmap {
                out.extend(super::bitmap::write(
                    objects,
                    font,
                    used,
                    (standard, &mut *profiles),
                )?);
                continue;
            }
            let id = write_font(objects, font, used)?;
            out.push((used.name.clone(), id));
        }
        Ok(out)
    }
}

/// Six capital letters derived from the font and its glyph set
/// (deterministic), the subset tag of the font's name.
pub(crate) fn subset_tag(name: &str, glyphs: &[u16]) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    hasher.update(name.as_bytes());
    for gid in glyphs {
        hasher.update(gid.to_be_bytes());
    }
    hasher
        .finalize()
        .iter()
        .take(6)
        .map(|b| char::from(b'A' + b % 26))
        .collect()
}

/// The width of glyph `old` in thousandths of an em, truncated as the
/// content stream writer assumes.
pub fn width_units(font: &Font, old: u16) -> f32 {
    (f32::from(font.advance_units(old)) * 1000.0 / font.upem as f32).trunc()
}

fn write_font<W: Write>(objects: &mut Objects<W>, font: &Font, used: &FontUse) -> Result<Ref> {
    let subset = subsetter::subset(font.data(), 0, &used.remapper)
        .map_err(|e| Error::Backend(format!("cannot subset font {} ({e})", font.name)))?;
    let base = format!("{}+{}", subset_tag(&font.name, &used.olds), font.name);
    let face = font.face();
    let cff = face
        .raw_face()
        .table(rustybuzz::ttf_parser::Tag::from_bytes(b"CFF "))
        .is_some();
    let (type0, cid, descriptor, cmap, file) = (
        objects.reserve(),
        objects.reserve(),
        objects.reserve(),
        objects.reserve(),
        objects.reserve(),
    );
    let system = SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"Identity"),
        supplement: 0,
    };
    let name = Name(base.as_bytes());

    objects.write(type0, |c, id| {
        c.type0_font(id)
            .base_font(name)
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid)
            .to_unicode(cmap);
    })?;

    objects.write(cid, |c, id| {
        let mut f = c.cid_font(id);
        f.subtype(if cff {
            CidFontType::Type0
        } else {
            CidFontType::Type2
        })
        .base_font(name)
        .system_info(system)
        .font_descriptor(descriptor)
        .default_width(0.0);
        if !cff {
            f.cid_to_gid_map_predefined(Name(b"Identity"));
        }
        let widths: Vec<f32> = used
            .olds
            .iter()
            .map(|&old| width_units(font, old))
            .collect();
        f.widths().consecutive(0, widths);
    })?;

    let scale = 1000.0 / font.upem as f32;
    let bbox = face.global_bounding_box();
    let to = |v: i16| f32::from(v) * scale;
    let italic = face.italic_angle();
    let mut flags = FontFlags::SYMBOLIC;
    if face.is_monospaced() {
        flags |= FontFlags::FIXED_PITCH;
    }
    if face.is_italic() {
        flags |= FontFlags::ITALIC;
    }
    let cap = face.capital_height().unwrap_or(face.ascender());
    objects.write(descriptor, |c, id| {
        let mut d = c.font_descriptor(id);
        d.name(name)
            .flags(flags)
            .bbox(Rect::new(
                to(bbox.x_min),
                to(bbox.y_min),
                to(bbox.x_max),
                to(bbox.y_max),
            ))
            .italic_angle(italic)
            .ascent(to(face.ascender()))
            .descent(to(face.descender()))
            .cap_height(to(cap))
            .stem_v(80.0);
        if cff {
            d.font_file3(file);
        } else {
            d.font_file2(file);
        }
    })?;

    let mut unicode = UnicodeCmap::new(Name(b"Custom"), system);
    for (new, text) in used.texts.iter().enumerate() {
        if !text.is_empty() {
            unicode.pair_with_multiple(new as u16, text.chars());
        }
    }
    let cmap_data = unicode.finish();
    objects.write(cmap, |c, id| {
        c.cmap(id, &cmap_data)
            .name(Name(b"Custom"))
            .system_info(system);
    })?;

    write_file(objects, font, subset, cff, file)?;
    Ok(type0)
}

/// Writes the embedded font program: the bare CFF table of a CFF subset
/// (`CIDFontType0C`), or the whole TrueType subset.
fn write_file<W: Write>(
    objects: &mut Objects<W>,
    font: &Font,
    subset: Vec<u8>,
    cff: bool,
    file: Ref,
) -> Result<()> {
    let data = if cff {
        // The bare CFF table of the subset (CIDFontType0C).
        let parsed = rustybuzz::ttf_parser::RawFace::parse(&subset, 0).map_err(|e| {
            Error::Backend(format!("cannot read the subset of {} ({e})", font.name))
        })?;
        parsed
            .table(rustybuzz::ttf_parser::Tag::from_bytes(b"CFF "))
            .ok_or_else(|| Error::Backend(format!("the subset of {} has no CFF", font.name)))?
            .to_vec()
    } else {
        subset
    };
    let compressed = super::objects::deflate(&data, 6)?;
    objects.write(file, |c, id| {
        let mut s = c.stream(id, &compressed);
        s.filter(Filter::FlateDecode);
        if cff {
            s.pair(Name(b"Subtype"), Name(b"CIDFontType0C"));
        }
        s.finish();
    })?;
    Ok(())
}

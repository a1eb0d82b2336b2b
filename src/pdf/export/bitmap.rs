//! Colour bitmap faces (emoji fonts such as Noto Color Emoji, whose glyphs
//! are PNG images in a CBDT or sbix table and which have no outlines) as
//! Type 3 fonts, the way typst writes colour glyphs: each glyph's procedure
//! draws its image, an image XObject, scaled from the strike's pixels per
//! em to the em and placed on the baseline by the image's bearings. The
//! glyphs stay text: the content stream shows them with `Tj` like any
//! other, and `/ToUnicode` gives back the emoji they stand for.
//!
//! Input: a face and the glyphs the pages used ([`FontUse`], in subset
//! order). Output: one Type 3 font per [`TYPE3_GLYPHS`] glyphs (codes are
//! one byte), named as [`FontUse::slice_name`] says. Images take the
//! colour spaces of the standard: RGB with an alpha soft mask; ICC-based
//! sRGB for PDF/X-4; CMYK flattened on white for PDF/X-1a.

use super::fonts::{FontUse, TYPE3_GLYPHS, width_units};
use super::objects::Objects;
use super::standards::{self, Colors, Profiles};
use crate::diag::{Error, Result};
use crate::pdf::Standard;
use crate::text::Font;
use pdf_writer::types::{SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Filter, Finish, Name, Rect, Ref, Str};
use rustybuzz::ttf_parser::{GlyphId, RasterImageFormat};
use std::io::Write;

/// Writes the Type 3 fonts of a colour bitmap face; returns each one's
/// resource name and object.
pub fn write<W: Write>(
    objects: &mut Objects<W>,
    font: &Font,
    used: &FontUse,
    (standard, profiles): (Standard, &mut Profiles),
) -> Result<Vec<(String, Ref)>> {
    let face = font.face();
    let system = SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"Identity"),
        supplement: 0,
    };
    let mut out = Vec::new();
    // Subset id 0 is .notdef, never drawn; ids 1.. in order of first use.
    for (slice, olds) in used.olds[1..].chunks(TYPE3_GLYPHS).enumerate() {
        let mut procs = Vec::with_capacity(olds.len() + 1);
        let mut images: Vec<(String, Ref)> = Vec::new();
        let mut widths = Vec::with_capacity(olds.len() + 1);
        // Code 0, never shown: an empty glyph named `m`, 0.6 em wide.
        // Text extraction (poppler) guesses a Type 3 font's size from the
        // width of its `m` (else of any glyph, against half an em): without
        // it, emoji, about 1.25 em wide, would read as text 2.5 times the
        // size of their line's and be cut out of it.
        let mut m = Content::new();
        m.start_shape_glyph(600.0, 0.0, 0.0, 0.0, 0.0);
        let m = m.finish().into_vec();
        let m_id = objects.reserve();
        objects.write(m_id, |c, id| {
            c.stream(id, &m);
        })?;
        procs.push(("m".to_string(), m_id));
        widths.push(600.0);
        let mut bbox: Option<[f32; 4]> = None;
        for (i, &old) in olds.iter().enumerate() {
            let width = width_units(font, old);
            widths.push(width);
            let mut glyph = Content::new();
            // d0: the procedure sets its own colours (an image).
            glyph.start_color_glyph(width);
            let raster = face
                .glyph_raster_image(GlyphId(old), u16::MAX)
                .filter(|r| r.format == RasterImageFormat::PNG && r.pixels_per_em > 0);
            if let Some(raster) = raster
                && let Some(image) =
                    write_image(objects, raster.data, standard, profiles).map_err(|e| {
                        Error::Backend(format!("cannot embed an emoji of {} ({e})", font.name))
                    })?
            {
                // Pixels → thousandths of an em; y is the image's bottom
                // edge above the baseline.
                let per = 1000.0 / f32::from(raster.pixels_per_em);
                let (w, h) = (
                    f32::from(raster.width) * per,
                    f32::from(raster.height) * per,
                );
                let (x0, y0) = (f32::from(raster.x) * per, f32::from(raster.y) * per);
                let name = format!("I{}", i + 1);
                glyph.save_state();
                glyph.transform([w, 0.0, 0.0, h, x0, y0]);
                glyph.x_object(Name(name.as_bytes()));
                glyph.restore_state();
                images.push((name, image));
                let b = bbox.get_or_insert([x0, y0, x0 + w, y0 + h]);
                *b = [
                    b[0].min(x0),
                    b[1].min(y0),
                    b[2].max(x0 + w),
                    b[3].max(y0 + h),
                ];
            }
            let data = glyph.finish().into_vec();
            let id = objects.reserve();
            objects.write(id, |c, id| {
                c.stream(id, &data);
            })?;
            procs.push((format!("g{}", i + 1), id));
        }

        let cmap = to_unicode(objects, used, (slice, olds.len()), system)?;

        let id = objects.reserve();
        let [x0, y0, x1, y1] = bbox.unwrap_or([0.0; 4]);
        objects.write(id, |c, id| {
            let mut f = c.type3_font(id);
            f.bbox(Rect::new(x0, y0, x1, y1))
                .matrix([0.001, 0.0, 0.0, 0.001, 0.0, 0.0])
                .first_char(0)
                .last_char(olds.len() as u8)
                .widths(widths.iter().copied())
                .to_unicode(cmap);
            f.encoding_custom()
                .differences()
                .consecutive(0, procs.iter().map(|(n, _)| Name(n.as_bytes())));
            let mut p = f.char_procs();
            for (name, proc) in &procs {
                p.pair(Name(name.as_bytes()), *proc);
            }
            p.finish();
            let mut r = f.resources();
            let mut x = r.x_objects();
            for (name, image) in &images {
                x.pair(Name(name.as_bytes()), *image);
            }
        })?;
        out.push((used.slice_name(slice), id));
    }
    Ok(out)
}

/// The `/ToUnicode` CMap of one Type 3 slice of `count` glyphs: each code
/// gives back the text its glyph stands for.
fn to_unicode<W: Write>(
    objects: &mut Objects<W>,
    used: &FontUse,
    (slice, count): (usize, usize),
    system: SystemInfo,
) -> Result<Ref> {
    let mut unicode = UnicodeCmap::<u8>::new(Name(b"Custom"), system);
    for i in 0..count {
        let new = (slice * TYPE3_GLYPHS + i + 1) as u16;
        let text = used.text(new);
        if !text.is_empty() {
            unicode.pair_with_multiple((i + 1) as u8, text.chars());
        }
    }
    let cmap_data = unicode.finish();
    let cmap = objects.reserve();
    objects.write(cmap, |c, id| {
        c.cmap(id, &cmap_data)
            .name(Name(b"Custom"))
            .system_info(system);
    })?;
    Ok(cmap)
}

/// Writes a glyph's PNG as an image XObject in the colours `standard`
/// allows; `Ok(None)` when the PNG cannot be read (the glyph is left
/// blank).
fn write_image<W: Write>(
    objects: &mut Objects<W>,
    png: &[u8],
    standard: Standard,
    profiles: &mut Profiles,
) -> Result<Option<Ref>> {
    let Ok(decoded) = image::load_from_memory_with_format(png, image::ImageFormat::Png) else {
        return Ok(None);
    };
    let rgba = decoded.to_rgba8();
    let (width, height) = rgba.dimensions();
    let colors = standards::colors(standard);
    let masked = standards::transparency(standard);
    let mut rgb = Vec::with_capacity(rgba.len() / 4 * 3);
    let mut alpha = Vec::with_capacity(rgba.len() / 4);
    for px in rgba.pixels() {
        let a = px[3];
        alpha.push(a);
        for &v in &px.0[..3] {
            rgb.push(if masked {
                v
            } else {
                // Flattened on white paper.
                ((u32::from(v) * u32::from(a) + 255 * (255 - u32::from(a))) / 255) as u8
            });
        }
    }
    let mask = if masked && alpha.iter().any(|&a| a != 255) {
        let data = super::objects::deflate(&alpha, 6)?;
        let id = objects.reserve();
        objects.write(id, |c, id| {
            let mut x = c.image_xobject(id, &data);
            x.width(width as i32)
                .height(height as i32)
                .color_space_name(Name(b"DeviceGray"))
                .bits_per_component(8)
                .filter(Filter::FlateDecode);
        })?;
        Some(id)
    } else {
        None
    };
    let space = match colors {
        Colors::CmykManagedImages => Some(profiles.srgb(objects)?),
        Colors::Rgb | Colors::CmykOnly => None,
    };
    let cmyk = colors == Colors::CmykOnly;
    let samples = if cmyk {
        standards::rgb_to_cmyk(&rgb)
    } else {
        rgb
    };
    let data = super::objects::deflate(&samples, 6)?;
    let id = objects.reserve();
    objects.write(id, |c, id| {
        let mut x = c.image_xobject(id, &data);
        x.width(width as i32)
            .height(height as i32)
            .bits_per_component(8)
            .filter(Filter::FlateDecode);
        match space {
            Some(profile) => {
                x.color_space().icc_based(profile);
            }
            None if cmyk => {
                x.color_space_name(Name(b"DeviceCMYK"));
            }
            None => {
                x.color_space_name(Name(b"DeviceRGB"));
            }
        }
        if let Some(mask) = mask {
            x.s_mask(mask);
        }
    })?;
    Ok(Some(id))
}

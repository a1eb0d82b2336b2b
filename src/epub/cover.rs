//! A typographic cover: title, subtitle and authors set in the build's
//! font set (bundled faces, then the user's and the installed ones, as the
//! PDF falls back) and rasterised to PNG (1600 × 2560, the proportions
//! e-book stores ask for). Emoji a colour bitmap face draws (Noto Color
//! Emoji) are painted from its images. [`missing`] tells what it could not
//! draw.

use crate::doc::Metadata;
use crate::text::missing::Missing;
use crate::text::units::Abs;
use crate::text::{FaceId, FontSet};
use rustybuzz::ttf_parser::RasterImageFormat;
use tiny_skia::{Color, FillRule, Paint, PathBuilder, Pixmap, Transform};

const WIDTH: u32 = 1600;
const HEIGHT: u32 = 2560;

/// Renders the cover; `None` only if the pixmap cannot be made.
pub fn render(meta: &Metadata, fonts: &FontSet) -> Option<Vec<u8>> {
    let mut pixmap = Pixmap::new(WIDTH, HEIGHT)?;
    // A deep background chosen from the title, so a shelf of covers varies.
    let hash = meta
        .title
        .as_deref()
        .unwrap_or("")
        .bytes()
        .fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
    let palette = [
        (24, 42, 74),
        (92, 24, 30),
        (22, 66, 60),
        (58, 40, 82),
        (40, 40, 40),
    ];
    let (r, g, b) = palette[(hash % palette.len() as u32) as usize];
    pixmap.fill(Color::from_rgba8(r, g, b, 255));
    let mut rule = Paint::default();
    rule.set_color_rgba8(230, 200, 120, 255);
    let rect = tiny_skia::Rect::from_xywh(160.0, 560.0, 1280.0, 8.0)?;
    pixmap.fill_rect(rect, &rule, Transform::identity(), None);

    let ink = (250, 246, 236);
    let title = meta.title.as_deref().unwrap_or("Untitled");
    let mut y = 700.0;
    for line in wrap(fonts, title, FaceId::SansBold, 150.0, 1280.0) {
        draw_line(&mut pixmap, fonts, &line, FaceId::SansBold, 150.0, y, ink);
        y += 175.0;
    }
    if let Some(subtitle) = &meta.subtitle {
        y += 40.0;
        for line in wrap(fonts, subtitle, FaceId::SerifItalic, 80.0, 1280.0) {
            draw_line(&mut pixmap, fonts, &line, FaceId::SerifItalic, 80.0, y, ink);
            y += 100.0;
        }
    }
    let authors = meta.authors.join(", ");
    if !authors.is_empty() {
        let mut ay = 2250.0;
        for line in wrap(fonts, &authors, FaceId::Serif, 84.0, 1280.0)
            .iter()
            .rev()
        {
            draw_line(
                &mut pixmap,
                fonts,
                line,
                FaceId::Serif,
                84.0,
                ay,
                (230, 200, 120),
            );
            ay -= 104.0;
        }
    }
    pixmap.encode_png().ok()
}

/// The characters of the cover's text no font of the set has, by script
/// (reported once per script, at `span`).
pub fn missing(meta: &Metadata, fonts: &FontSet, span: crate::diag::Span) -> Missing {
    let mut out = Missing::default();
    let authors = meta.authors.join(", ");
    let texts = [
        (meta.title.as_deref(), FaceId::SansBold),
        (meta.subtitle.as_deref(), FaceId::SerifItalic),
        (Some(authors.as_str()), FaceId::Serif),
    ];
    for (text, face) in texts {
        if let Some(text) = text.filter(|t| !t.is_empty()) {
            for &c in &fonts.shape(face, Abs::pt(12.0), text, false).missing {
                out.add(c, span);
            }
        }
    }
    out
}

/// Greedy wrapping of text into lines no wider than `width` pixels, at
/// the places UAX #14 allows (spaces; between Chinese or Japanese
/// characters; between Thai words).
fn wrap(fonts: &FontSet, text: &str, face: FaceId, size: f64, width: f64) -> Vec<String> {
    let mut pieces: Vec<&str> = Vec::new();
    let mut from = 0;
    for at in crate::text::segment::line_breaks(text) {
        pieces.push(&text[from..at]);
        from = at;
    }
    let mut lines = Vec::new();
    let mut line = String::new();
    for piece in pieces {
        let candidate = format!("{line}{piece}");
        let w = fonts
            .shape(face, Abs::pt(size), candidate.trim_end(), false)
            .width()
            .to_pt();
        if w > width && !line.trim().is_empty() {
            lines.push(std::mem::take(&mut line).trim().to_string());
            line = piece.to_string();
        } else {
            line = candidate;
        }
    }
    if !line.trim().is_empty() {
        lines.push(line.trim().to_string());
    }
    lines.truncate(6);
    lines
}

/// Draws one centred line with its baseline at `y`.
fn draw_line(
    pixmap: &mut Pixmap,
    book: &FontSet,
    text: &str,
    face: FaceId,
    size: f64,
    y: f64,
    rgb: (u8, u8, u8),
) {
    let shaped = book.shape(face, Abs::pt(size), text, false);
    let width = shaped.width().to_pt();
    let mut x = (f64::from(WIDTH) - width).max(0.0) / 2.0;
    let mut paint = Paint::default();
    paint.set_color_rgba8(rgb.0, rgb.1, rgb.2, 255);
    paint.anti_alias = true;
    for run in &shaped.runs {
        let font = book.font(run.face);
        let scale = (run.size.to_pt() / font.upem) as f32;
        for glyph in &run.glyphs {
            let mut builder = Outline(PathBuilder::new());
            let id = rustybuzz::ttf_parser::GlyphId(glyph.id);
            if font.face().outline_glyph(id, &mut builder).is_some()
                && let Some(path) = builder.0.finish()
            {
                let gx = (x + glyph.x_offset.to_pt()) as f32;
                let transform = Transform::from_row(scale, 0.0, 0.0, -scale, gx, y as f32);
                pixmap.fill_path(&path, &paint, FillRule::Winding, transform, None);
            } else if let Some(image) = font
                .face()
                .glyph_raster_image(id, u16::MAX)
                .filter(|r| r.format == RasterImageFormat::PNG && r.pixels_per_em > 0)
                && let Ok(bitmap) = Pixmap::decode_png(image.data)
            {
                // A colour glyph: its image scaled from the strike's
                // pixels per em, its bottom edge `image.y` above the
                // baseline.
                let s = (run.size.to_pt() / f64::from(image.pixels_per_em)) as f32;
                let gx = (x + glyph.x_offset.to_pt()) as f32 + f32::from(image.x) * s;
                let top = y as f32 - (f32::from(image.y) + f32::from(image.height)) * s;
                let quality = tiny_skia::PixmapPaint {
                    quality: tiny_skia::FilterQuality::Bicubic,
                    ..Default::default()
                };
                let transform = Transform::from_row(s, 0.0, 0.0, s, gx, top);
                pixmap.draw_pixmap(0, 0, bitmap.as_ref(), &quality, transform, None);
            }
            x += glyph.advance.to_pt();
        }
    }
}

/// Adapts font outlines to tiny-skia paths.
struct Outline(PathBuilder);

impl rustybuzz::ttf_parser::OutlineBuilder for Outline {
    fn move_to(&mut self, x: f32, y: f32) {
        self.0.move_to(x, y);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.0.line_to(x, y);
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        self.0.quad_to(x1, y1, x, y);
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        self.0.cubic_to(x1, y1, x2, y2, x, y);
    }
    fn close(&mut self) {
        self.0.close();
    }
}

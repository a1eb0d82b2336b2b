//! Content streams: one page's frame items → PDF drawing operators, with
//! pdf-writer.
//!
//! Runs in the same face, size and colour share one text object, and runs
//! on one baseline one `TJ` array, with word spaces and kerning written as
//! kern numbers, so the stream is small and text extraction sees lines.
//! Paths and images close the text object (they may not be drawn inside
//! one). Coordinates move from the frame's (trim origin, y down) to the
//! sheet's (bleed and slug included, y up).

use super::fonts::{Fonts, width_units};
use super::standards::{self, Colors};
use crate::doc::ResourceId;
use crate::pdf::frame::{Color as FrameColor, Item, LinkDest, Page};
use crate::text::{FaceId, FontSet};
use pdf_writer::{Content, Name, Str};

/// What is kept of a written page until the end.
#[derive(Debug, Clone)]
pub struct PageRecord {
    /// Sheet width and height (the media box), in points.
    pub size: (f32, f32),
    /// The trim box on the sheet (x0, y0, x1, y1).
    pub trim: [f32; 4],
    /// The bleed box on the sheet.
    pub bleed: [f32; 4],
    /// Links: rectangle on the sheet (x0, y0, x1, y1) and destination.
    pub links: Vec<([f32; 4], LinkDest)>,
}

/// Encodes one page's items as a content stream; returns it with the
/// page's record (boxes and links in sheet coordinates). `image` gives the
/// resource name of an image that can be drawn.
pub fn encode<'i>(
    book: &FontSet,
    page: &Page,
    fonts: &Fonts,
    image_name: &dyn Fn(ResourceId) -> Option<&'i str>,
    colors: Colors,
) -> (Vec<u8>, PageRecord) {
    let b = page.bleed;
    let pt = |a: crate::text::Abs| a.to_pt() as f32;
    let slug = pt(page.slug);
    let (tw, th) = (pt(page.width), pt(page.height));
    // The trimmed page's corners on the sheet: bleed and slug around it,
    // each side its own bleed (a book page has none in the gutter).
    let (x0, y0) = (slug + pt(b.left), slug + pt(b.bottom));
    let w = x0 + tw + pt(b.right) + slug;
    let h = y0 + th + pt(b.top) + slug;
    let mut record = PageRecord {
        size: (w, h),
        trim: [x0, y0, x0 + tw, y0 + th],
        bleed: [slug, slug, w - slug, h - slug],
        links: Vec::new(),
    };
    // Frame coordinates (trim origin, y down) → sheet (y up).
    let top = h - slug - pt(b.top);
    let mut draw = Draw {
        book,
        fonts,
        image_name,
        colors,
        content: Content::new(),
        text: Text {
            colors,
            ..Text::default()
        },
    };
    draw.items(&page.items, (x0, top), Some(&mut record));
    draw.text.close(&mut draw.content);
    (draw.content.finish().into_vec(), record)
}

/// Draws items into a content stream.
struct Draw<'a, 'i> {
    book: &'a FontSet,
    fonts: &'a Fonts,
    image_name: &'a dyn Fn(ResourceId) -> Option<&'i str>,
    colors: Colors,
    content: Content,
    text: Text,
}

impl Draw<'_, '_> {
    /// Draws `items` whose frame origin is at `(x0, top)` on the sheet (y
    /// up), recording links when a record is given.
    fn items(
        &mut self,
        items: &[(crate::text::Point, Item)],
        (x0, top): (f32, f32),
        mut record: Option<&mut PageRecord>,
    ) {
        let colors = self.colors;
        for (p, item) in items {
            let x = p.x.to_pt() as f32 + x0;
            let y = top - p.y.to_pt() as f32;
            if !matches!(item, Item::Text(_) | Item::Link { .. }) {
                // Paths and images may not be drawn inside a text object.
                self.text.close(&mut self.content);
            }
            let content = &mut self.content;
            match item {
                Item::Text(run) => {
                    if let Some(used) = self.fonts.get(run.face) {
                        let font = self.book.font(run.face);
                        if font.bitmap {
                            self.text.show_type3(content, used, run, x, y);
                        } else {
                            self.text.show(content, font, used, run, x, y);
                        }
                    }
                }
                Item::Rect {
                    width,
                    height,
                    fill: paint,
                    stroke,
                } => rect(content, (x, y), (*width, *height), *paint, *stroke, colors),
                Item::Line {
                    dx,
                    dy,
                    color,
                    thickness,
                } => line(content, (x, y), (*dx, *dy), (*color, *thickness), colors),
                Item::Image {
                    image,
                    width,
                    height,
                } => {
                    let Some(name) = (self.image_name)(*image) else {
                        continue;
                    };
                    let (iw, ih) = (width.to_pt() as f32, height.to_pt() as f32);
                    content.save_state();
                    content.transform([iw, 0.0, 0.0, ih, x, y - ih]);
                    content.x_object(Name(name.as_bytes()));
                    content.restore_state();
                }
                Item::Turned {
                    width,
                    height,
                    items,
                } => {
                    // The frame turned a quarter to the left: its top edge
                    // runs up the area's left side, its left edge along the
                    // area's bottom. In the turned space the frame's origin
                    // is (0, height), y up.
                    let (w, h) = (width.to_pt() as f32, height.to_pt() as f32);
                    content.save_state();
                    content.transform([0.0, 1.0, -1.0, 0.0, x + h, y - w]);
                    self.items(items, (0.0, h), None);
                    self.text.close(&mut self.content);
                    self.content.restore_state();
                }
                Item::Link {
                    width,
                    height,
                    dest,
                } => {
                    if let Some(record) = record.as_deref_mut() {
                        let (lw, lh) = (width.to_pt() as f32, height.to_pt() as f32);
                        record.links.push(([x, y - lh, x + lw, y], dest.clone()));
                    }
                }
            }
        }
    }
}

/// The text being written on a page: the open text object's face, size and
/// colour, and the TJ array being filled for the current baseline (glyph
/// bytes, and where kern numbers go between them).
struct Text {
    colors: Colors,
    style: Option<(FaceId, u32, FrameColor)>,
    /// The Type 3 font of a colour bitmap face that is set, if one is.
    slice: Option<usize>,
    baseline: Option<f32>,
    pen: f32,
    bytes: Vec<u8>,
    cuts: Vec<(usize, f32)>,
}

impl Default for Text {
    fn default() -> Text {
        Text {
            colors: Colors::Rgb,
            style: None,
            slice: None,
            baseline: None,
            pen: 0.0,
            bytes: Vec::new(),
            cuts: Vec::new(),
        }
    }
}

impl Text {
    /// Writes the pending TJ array.
    fn flush(&mut self, content: &mut Content) {
        if !self.bytes.is_empty() {
            let mut shown = content.show_positioned();
            let mut items = shown.items();
            let mut from = 0;
            for &(at, adjust) in &self.cuts {
                items.show(Str(&self.bytes[from..at]));
                items.adjust(adjust);
                from = at;
            }
            items.show(Str(&self.bytes[from..]));
        }
        self.bytes.clear();
        self.cuts.clear();
        self.baseline = None;
    }

    /// Ends the text object, if one is open.
    fn close(&mut self, content: &mut Content) {
        self.flush(content);
        self.slice = None;
        if self.style.take().is_some() {
            content.end_text();
        }
    }

    /// Shows a run of a colour bitmap face (emoji) whose origin is at
    /// (`x`, `y`): each glyph a one-byte code of one of the face's Type 3
    /// fonts, placed by its own text matrix (emoji are few; the glyphs
    /// stay text for extraction).
    fn show_type3(
        &mut self,
        content: &mut Content,
        used: &super::fonts::FontUse,
        run: &crate::pdf::frame::TextRun,
        x: f32,
        y: f32,
    ) {
        let size = run.size.to_pt() as f32;
        let style = (run.face, size.to_bits(), run.color);
        if self.style != Some(style) {
            self.close(content);
            content.begin_text();
            self.style = Some(style);
        }
        for g in &run.glyphs {
            let (slice, code) = super::fonts::FontUse::type3_code(used.new_id(g.id));
            if code == 0 {
                continue;
            }
            self.flush(content);
            if self.slice != Some(slice) {
                content.set_font(Name(used.slice_name(slice).as_bytes()), size);
                self.slice = Some(slice);
            }
            let gx = round(x + g.x.to_pt() as f32, 1000.0);
            let gy = round(y + g.rise.to_pt() as f32, 1000.0);
            content.set_text_matrix([1.0, 0.0, 0.0, 1.0, gx, gy]);
            content.show(Str(&[code]));
        }
    }
}
impl Text {
    /// Shows a run of glyphs whose origin is at (`x`, `y`) on the sheet.
    ///
    /// Runs in the same face, size and colour share one text object, and
    /// runs on one baseline one TJ array: the pen advances by each glyph's
    /// /W width (integer thousandths of an em, as the font's /W array gives
    /// them), and a kern number moves it to where the layout put the next
    /// glyph (across a word space too).
    fn show(
        &mut self,
        content: &mut Content,
        font: &crate::text::Font,
        used: &super::fonts::FontUse,
        run: &crate::pdf::frame::TextRun,
        x: f32,
        y: f32,
    ) {
        let size = run.size.to_pt() as f32;
        let style = (run.face, size.to_bits(), run.color);
        if self.style != Some(style) {
            self.close(content);
            content.begin_text();
            content.set_font(Name(used.name.as_bytes()), size);
            fill(content, run.color, self.colors);
            self.style = Some(style);
        }
        let scaled = |gid: u16| -> f32 { width_units(font, gid) * size / 1000.0 };
        // Indic and South-East Asian clusters reorder and stack their
        // glyphs: one glyph cannot say which letters it stands for in
        // /ToUnicode (a vowel sign drawn before its consonant, a glyph
        // shared by two clusters). Such a run carries its text as
        // /ActualText, which extraction reads instead of the glyphs.
        let actual = needs_actual_text(run);
        if actual {
            self.flush(content);
            content
                .begin_marked_content_with_properties(Name(b"Span"))
                .properties()
                .actual_text(pdf_writer::TextStr(&run.text));
        }
        let mut i = 0;
        while i < run.glyphs.len() {
            let rise = run.glyphs[i].rise;
            let baseline = round(y + rise.to_pt() as f32, 1000.0);
            let first = x + run.glyphs[i].x.to_pt() as f32;
            // A new baseline, or going back: a new text matrix.
            if self.baseline != Some(baseline) || first < self.pen - 0.01 {
                self.flush(content);
                let start = round(first, 1000.0);
                content.set_text_matrix([1.0, 0.0, 0.0, 1.0, start, baseline]);
                self.baseline = Some(baseline);
                self.pen = start;
            }
            while i < run.glyphs.len() && run.glyphs[i].rise == rise {
                let g = &run.glyphs[i];
                let want = x + g.x.to_pt() as f32;
                let d = want - self.pen;
                if !self.bytes.is_empty() && d.abs() > 0.0005 {
                    // Kerns in hundredths of a thousandth of an em; the pen
                    // follows the rounded value, so rounding never
                    // accumulates along the line.
                    let adjust = round(-d * 1000.0 / size, 100.0);
                    self.cuts.push((self.bytes.len(), adjust));
                    self.pen -= adjust * size / 1000.0;
                }
                self.bytes
                    .extend_from_slice(&used.new_id(g.id).to_be_bytes());
                self.pen += scaled(g.id);
                i += 1;
            }
        }
        if actual {
            self.flush(content);
            content.end_marked_content();
        }
    }
}

/// Whether a run's glyphs do not map one by one, in order, onto its
/// text: a cluster of a script that reorders or stacks its glyphs
/// (Devanagari to Sinhala, Thai to Tibetan, Myanmar, Khmer) drawn with
/// more glyphs than one or a glyph for several letters. Runs are left to
/// right in these scripts, so the run's text is in reading order.
fn needs_actual_text(run: &crate::pdf::frame::TextRun) -> bool {
    let complex = run.text.chars().any(|c| {
        matches!(c as u32, 0x0900..=0x0DFF | 0x0E00..=0x0FFF | 0x1000..=0x109F | 0x1780..=0x17FF)
    });
    complex
        && run.glyphs.iter().any(|g| {
            let text = run.glyph_text(g);
            text.is_empty() || text.chars().nth(1).is_some()
        })
}

/// A rectangle whose top-left corner is at (`x`, `y`) on the sheet.
fn rect(
    content: &mut Content,
    (x, y): (f32, f32),
    (width, height): (crate::text::Abs, crate::text::Abs),
    paint: Option<FrameColor>,
    stroke: Option<(FrameColor, crate::text::Abs)>,
    colors: Colors,
) {
    content.save_state();
    if let Some(c) = paint {
        fill(content, c, colors);
    }
    if let Some((c, t)) = stroke {
        outline(content, c, colors);
        content.set_line_width(t.to_pt() as f32);
    }
    let hh = height.to_pt() as f32;
    content.rect(x, y - hh, width.to_pt() as f32, hh);
    match (paint, stroke) {
        (Some(_), Some(_)) => content.fill_nonzero_and_stroke(),
        (Some(_), None) => content.fill_nonzero(),
        (None, _) => content.stroke(),
    };
    content.restore_state();
}

/// A straight line from (`x`, `y`) on the sheet by `(dx, dy)` (dy downwards).
fn line(
    content: &mut Content,
    (x, y): (f32, f32),
    (dx, dy): (crate::text::Abs, crate::text::Abs),
    (color, thickness): (FrameColor, crate::text::Abs),
    colors: Colors,
) {
    content.save_state();
    outline(content, color, colors);
    content.set_line_width(thickness.to_pt() as f32);
    content.move_to(x, y);
    content.line_to(x + dx.to_pt() as f32, y - dy.to_pt() as f32);
    content.stroke();
    content.restore_state();
}

/// `v` rounded to a multiple of `1 / scale` (fewer digits in the stream).
fn round(v: f32, scale: f32) -> f32 {
    (v * scale).round() / scale
}

fn rgb(c: FrameColor) -> [f32; 3] {
    [c.0, c.1, c.2].map(|v| round(f32::from(v) / 255.0, 1000.0))
}

/// A colour as the standard wants it: a grey (black included) as
/// DeviceGray, so black text prints in black ink alone and never as RGB;
/// other colours as RGB or, for PDF/X, as CMYK.
enum Paint {
    Gray(f32),
    Rgb([f32; 3]),
    Cmyk([f32; 4]),
}

fn paint(c: FrameColor, colors: Colors) -> Paint {
    if c.0 == c.1 && c.1 == c.2 {
        return Paint::Gray(round(f32::from(c.0) / 255.0, 1000.0));
    }
    match colors {
        Colors::Rgb => Paint::Rgb(rgb(c)),
        Colors::CmykManagedImages | Colors::CmykOnly => {
            Paint::Cmyk(standards::cmyk(c.0, c.1, c.2).map(|v| round(v, 1000.0)))
        }
    }
}

fn fill(content: &mut Content, c: FrameColor, colors: Colors) {
    match paint(c, colors) {
        Paint::Gray(g) => content.set_fill_gray(g),
        Paint::Rgb([r, g, b]) => content.set_fill_rgb(r, g, b),
        Paint::Cmyk([c, m, y, k]) => content.set_fill_cmyk(c, m, y, k),
    };
}

fn outline(content: &mut Content, c: FrameColor, colors: Colors) {
    match paint(c, colors) {
        Paint::Gray(g) => content.set_stroke_gray(g),
        Paint::Rgb([r, g, b]) => content.set_stroke_rgb(r, g, b),
        Paint::Cmyk([c, m, y, k]) => content.set_stroke_cmyk(c, m, y, k),
    };
}

#[cfg(test)]
mod tests;

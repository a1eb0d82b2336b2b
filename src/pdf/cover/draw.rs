//! Drawing the cover wrap into printpdf's document: the background across
//! all three panels and the bleed, the front (the cover image, or the title,
//! subtitle and authors set on the background), the spine (title and authors
//! rotated to read top to bottom) and the back (the description, the
//! publisher and the ISBN bar code in a white box). Text is shaped with
//! bindery's font set and handed to printpdf as glyph ids with their kerning,
//! renumbered for the subset of each font that is embedded.

use super::Wrap;
use super::barcode;
pub use super::image::CoverImage;
use crate::doc::Metadata;
use crate::pdf::Standard;
use crate::pdf::export::standards;
use crate::text::{Abs, FaceId, FontSet};
use printpdf::{
    Codepoint, Color, ExternalStream, ExternalXObject, FontId, Op, PaintMode, ParsedFont,
    PdfDocument, PdfFont, PdfFontHandle, PdfPage, Pt, Rect, TextItem, TextMatrix, XObject,
    XObjectId, XObjectTransform,
};
use std::collections::BTreeMap;

/// The sheet being drawn: printpdf operations and the fonts they use.
pub struct Sheet<'a> {
    fonts: &'a FontSet,
    wrap: Wrap,
    standard: Standard,
    ops: Vec<Op>,
    /// Each face used: printpdf's id for it, and its glyphs renumbered for
    /// the subset embedded.
    used: BTreeMap<FaceId, (FontId, subsetter::GlyphRemapper)>,
    /// Glyphs of colour emoji faces left out (printpdf cannot embed them).
    pub emoji_left_out: usize,
}

/// The background: a dark blue that prints in CMYK and RGB alike.
const BACKGROUND: (u8, u8, u8) = (24, 42, 72);

impl<'a> Sheet<'a> {
    /// An empty sheet for `wrap`.
    pub fn new(fonts: &'a FontSet, wrap: &Wrap, standard: Standard) -> Sheet<'a> {
        Sheet {
            fonts,
            wrap: *wrap,
            standard,
            ops: Vec::new(),
            used: BTreeMap::new(),
            emoji_left_out: 0,
        }
    }

    /// A colour as the standard wants it: greys as grey, others as CMYK
    /// for PDF/X and RGB otherwise.
    fn color(&self, (r, g, b): (u8, u8, u8)) -> Color {
        if r == g && g == b {
            return Color::Greyscale(printpdf::Greyscale::new(f32::from(r) / 255.0, None));
        }
        if self.standard.is_x() {
            let [c, m, y, k] = standards::cmyk(r, g, b);
            Color::Cmyk(printpdf::Cmyk {
                c,
                m,
                y,
                k,
                icc_profile: None,
            })
        } else {
            Color::Rgb(printpdf::Rgb {
                r: f32::from(r) / 255.0,
                g: f32::from(g) / 255.0,
                b: f32::from(b) / 255.0,
                icc_profile: None,
            })
        }
    }

    fn rect(&mut self, x: Abs, y: Abs, w: Abs, h: Abs, color: (u8, u8, u8)) {
        let col = self.color(color);
        self.ops.push(Op::SaveGraphicsState);
        self.ops.push(Op::SetFillColor { col });
        self.ops.push(Op::DrawRectangle {
            rectangle: Rect {
                mode: Some(PaintMode::Fill),
                ..Rect::from_xywh(pt(x), pt(y), pt(w), pt(h))
            },
        });
        self.ops.push(Op::RestoreGraphicsState);
    }

    /// The background over the whole sheet, bleed included.
    pub fn background(&mut self) {
        let (w, h) = (self.wrap.sheet_width(), self.wrap.sheet_height());
        self.rect(Abs::ZERO, Abs::ZERO, w, h, BACKGROUND);
    }

    /// The cover image over the front panel and its bleed, filling it
    /// (cropped, never distorted).
    pub fn front_image(&mut self, image: &CoverImage) {
        let wr = self.wrap;
        let (x, w, h) = (wr.front_left(), wr.trim_width + wr.bleed, wr.sheet_height());
        let scale = (w.to_pt() / f64::from(image.width)).max(h.to_pt() / f64::from(image.height));
        let (iw, ih) = (
            f64::from(image.width) * scale,
            f64::from(image.height) * scale,
        );
        let ix = x.to_pt() + (w.to_pt() - iw) / 2.0;
        let iy = (h.to_pt() - ih) / 2.0;
        self.ops.push(Op::SaveGraphicsState);
        self.ops.push(Op::DrawRectangle {
            rectangle: Rect {
                mode: Some(PaintMode::Clip),
                ..Rect::from_xywh(pt(x), Pt(0.0), pt(w), pt(h))
            },
        });
        self.ops.push(Op::SetTransformationMatrix {
            matrix: printpdf::CurTransMat::Raw([
                iw as f32, 0.0, 0.0, ih as f32, ix as f32, iy as f32,
            ]),
        });
        self.ops.push(Op::UseXobject {
            id: XObjectId("Im1".into()),
            transform: XObjectTransform {
                no_auto_scale: true,
                ..XObjectTransform::default()
            },
        });
        self.ops.push(Op::RestoreGraphicsState);
    }

    /// The front typeset: title, subtitle and authors on the background.
    pub fn front_text(&mut self, meta: &Metadata) {
        let wr = self.wrap;
        let margin = Abs::inch(0.6);
        let left = wr.front_left() + margin;
        let width = wr.trim_width - margin * 2.0;
        let mut y = wr.bleed + wr.height * 0.72;
        let title = meta.title.clone().unwrap_or_default();
        for line in self.lines(FaceId::Serif, Abs::pt(34.0), &title, width) {
            self.centred(FaceId::Serif, Abs::pt(34.0), &line, left, width, y, WHITE);
            y -= Abs::pt(40.0);
        }
        if let Some(sub) = &meta.subtitle {
            y -= Abs::pt(6.0);
            for line in self.lines(FaceId::SerifItalic, Abs::pt(16.0), sub, width) {
                self.centred(
                    FaceId::SerifItalic,
                    Abs::pt(16.0),
                    &line,
                    left,
                    width,
                    y,
                    WHITE,
                );
                y -= Abs::pt(20.0);
            }
        }
        let authors = meta.authors.join(", ");
        let y = wr.bleed + wr.height * 0.12;
        self.centred(FaceId::Sans, Abs::pt(16.0), &authors, left, width, y, WHITE);
    }

    /// The spine: the title, then the authors, rotated to read from top to
    /// bottom (the US and UK convention), centred across it.
    pub fn spine(&mut self, meta: &Metadata) {
        let wr = self.wrap;
        let size = (wr.spine * 0.45).min(Abs::pt(14.0));
        let title = meta.title.clone().unwrap_or_default();
        let authors = meta.authors.join(", ");
        // The baseline runs down the middle of the spine, a little past it
        // so the capitals are centred.
        let x = wr.spine_left() + wr.spine / 2.0 - size * 0.32;
        let top = wr.bleed + wr.height - Abs::inch(0.5);
        self.text(FaceId::SansBold, size, &title, (x, top), -90.0, WHITE);
        let w = self.width(FaceId::Sans, size * 0.85, &authors);
        let bottom = wr.bleed + Abs::inch(0.5) + w;
        self.text(
            FaceId::Sans,
            size * 0.85,
            &authors,
            (x, bottom),
            -90.0,
            WHITE,
        );
    }

    /// The back: the description, the publisher, and the ISBN's bar code in
    /// a white box at the bottom right (where the services want it).
    pub fn back(&mut self, meta: &Metadata, isbn: Option<&[u8; 13]>) {
        let wr = self.wrap;
        let margin = Abs::inch(0.6);
        let left = wr.bleed + margin;
        let width = wr.trim_width - margin * 2.0;
        let mut y = wr.bleed + wr.height - Abs::inch(1.0);
        if let Some(text) = &meta.description {
            for line in self.lines(FaceId::Serif, Abs::pt(12.0), text, width) {
                self.text(FaceId::Serif, Abs::pt(12.0), &line, (left, y), 0.0, WHITE);
                y -= Abs::pt(16.0);
            }
        }
        if let Some(publisher) = &meta.publisher {
            let y = wr.bleed + Abs::inch(0.55);
            self.text(
                FaceId::Sans,
                Abs::pt(10.0),
                publisher,
                (left, y),
                0.0,
                WHITE,
            );
        }
        if let Some(digits) = isbn {
            self.barcode(digits, wr.bleed + wr.trim_width - Abs::inch(0.35));
        }
    }

    /// The EAN-13 symbol at 90 % of its nominal size (0.297 mm modules, in
    /// the 80–200 % GS1 allows), in a white box whose right edge is `right`.
    fn barcode(&mut self, digits: &[u8; 13], right: Abs) {
        let module = Abs::mm(0.33 * 0.9);
        let quiet = module * 11.0;
        let bars_h = Abs::mm(22.85 * 0.9 * 0.8);
        let digit_size = Abs::pt(9.0);
        let box_w = module * 95.0 + quiet + module * 7.0 + Abs::mm(2.0);
        let box_h = bars_h + digit_size + Abs::mm(4.0);
        let (x0, y0) = (right - box_w, self.wrap.bleed + Abs::inch(0.35));
        self.rect(x0, y0, box_w, box_h, (255, 255, 255));
        let bars_x = x0 + Abs::mm(1.0) + quiet;
        let bars_y = y0 + digit_size + Abs::mm(2.0);
        let modules = barcode::modules(digits);
        let mut i = 0;
        while i < modules.len() {
            if !modules[i] {
                i += 1;
                continue;
            }
            let start = i;
            while i < modules.len() && modules[i] {
                i += 1;
            }
            // Guard bars run down between the digits.
            let guard = start < 3 || (45..50).contains(&start) || start >= 92;
            let extra = if guard { digit_size * 0.5 } else { Abs::ZERO };
            self.rect(
                bars_x + module * start as f64,
                bars_y - extra,
                module * (i - start) as f64,
                bars_h + extra,
                (0, 0, 0),
            );
        }
        let [first, left, right] = barcode::human_readable(digits);
        let base = y0 + Abs::mm(1.2);
        self.text(
            FaceId::Sans,
            digit_size,
            &first,
            (bars_x - module * 9.0, base),
            0.0,
            BLACK,
        );
        let half = module * 42.0;
        self.centred(
            FaceId::Sans,
            digit_size,
            &left,
            bars_x + module * 3.0,
            half,
            base,
            BLACK,
        );
        self.centred(
            FaceId::Sans,
            digit_size,
            &right,
            bars_x + module * 50.0,
            half,
            base,
            BLACK,
        );
    }

    /// Width of `text` set in `face` at `size`.
    fn width(&self, face: FaceId, size: Abs, text: &str) -> Abs {
        self.fonts.shape(face, size, text, false).width()
    }

    /// `text` broken into lines at most `width` wide, at spaces.
    fn lines(&self, face: FaceId, size: Abs, text: &str, width: Abs) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut line = String::new();
        for word in text.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if !line.is_empty() && !self.width(face, size, &candidate).fits_in(width) {
                out.push(std::mem::replace(&mut line, word.to_string()));
            } else {
                line = candidate;
            }
        }
        if !line.is_empty() {
            out.push(line);
        }
        out
    }

    #[expect(clippy::too_many_arguments, reason = "a line's place and its style")]
    fn centred(
        &mut self,
        face: FaceId,
        size: Abs,
        text: &str,
        left: Abs,
        width: Abs,
        y: Abs,
        color: (u8, u8, u8),
    ) {
        let w = self.width(face, size, text);
        self.text(face, size, text, (left + (width - w) / 2.0, y), 0.0, color);
    }

    /// A line of text with its baseline origin at `at`, turned by `angle`
    /// degrees (counter-clockwise; -90 reads top to bottom): shaped by the
    /// font set, each glyph given to printpdf by id with the kerning the
    /// shaper applied (the difference between its advance and the font's
    /// width, as a TJ adjustment).
    fn text(
        &mut self,
        face: FaceId,
        size: Abs,
        text: &str,
        at: (Abs, Abs),
        angle: f32,
        color: (u8, u8, u8),
    ) {
        let shaped = self.fonts.shape(face, size, text, false);
        let (sin, cos) = angle.to_radians().sin_cos();
        let mut pen = Abs::ZERO;
        let col = self.color(color);
        self.ops.push(Op::StartTextSection);
        self.ops.push(Op::SetFillColor { col });
        for run in &shaped.runs {
            let parsed = self.fonts.font(run.face);
            if parsed.bitmap {
                // A colour emoji face has no outlines printpdf could
                // embed: its glyphs are left out of the print cover.
                self.emoji_left_out += run.glyphs.len();
                pen += run.width;
                continue;
            }
            let font = self.font(run.face);
            let em = 1000.0 / parsed.upem;
            let x = at.0.to_pt() as f32 + cos * pen.to_pt() as f32;
            let y = at.1.to_pt() as f32 + sin * pen.to_pt() as f32;
            self.ops.push(Op::SetFont {
                font: PdfFontHandle::External(font),
                size: Pt(size.to_pt() as f32),
            });
            self.ops.push(Op::SetTextMatrix {
                matrix: TextMatrix::Raw([cos, sin, -sin, cos, x, y]),
            });
            let remapper = self.remapper(run.face);
            let glyphs = run
                .glyphs
                .iter()
                .map(|g| {
                    let font_width = (f64::from(parsed.advance_units(g.id)) * em).trunc();
                    let advance = g.advance.to_pt() * 1000.0 / size.to_pt();
                    Codepoint {
                        gid: remapper.remap(g.id),
                        offset: (font_width - advance) as f32,
                        cid: Some(g.text.clone()),
                    }
                })
                .collect();
            self.ops.push(Op::ShowText {
                items: vec![TextItem::GlyphIds(glyphs)],
            });
            pen += run.width;
        }
        self.ops.push(Op::EndTextSection);
    }

    /// printpdf's id for a face, its font added on first use under a fixed
    /// name (printpdf's own ids are random; the file would change with
    /// every build).
    fn font(&mut self, face: FaceId) -> FontId {
        self.entry(face).0.clone()
    }

    /// The glyph numbering of a face's subset.
    fn remapper(&mut self, face: FaceId) -> &mut subsetter::GlyphRemapper {
        &mut self.entry(face).1
    }

    fn entry(&mut self, face: FaceId) -> &mut (FontId, subsetter::GlyphRemapper) {
        let n = self.used.len();
        self.used.entry(face).or_insert_with(|| {
            let mut remapper = subsetter::GlyphRemapper::new();
            remapper.remap(0);
            (FontId(format!("F{}", n + 1)), remapper)
        })
    }

    /// The document: one page, the fonts used (subset), the image. The
    /// error names a font that cannot be subset.
    pub fn finish(self, meta: &Metadata, image: Option<CoverImage>) -> Result<PdfDocument, String> {
        let mut doc = PdfDocument::new(meta.title.as_deref().unwrap_or("Cover"));
        for (face, (id, remapper)) in &self.used {
            // Only the glyphs drawn are embedded (printpdf embeds what it
            // is given whole: its own subsetting needs its text layout).
            let whole = self.fonts.font(*face).data();
            let subset = subsetter::subset(whole, 0, remapper)
                .map_err(|e| format!("cannot subset font {} ({e})", self.fonts.font(*face).name))?;
            let mut warnings = Vec::new();
            if let Some(mut parsed) = ParsedFont::from_bytes(&subset, 0, &mut warnings) {
                // A subset's name carries its tag (ISO 32000-1, 9.6.4), as the
                // interior's fonts do.
                let name = &self.fonts.font(*face).name;
                let olds: Vec<u16> = remapper.remapped_gids().collect();
                let tag = crate::pdf::export::fonts::subset_tag(name, &olds);
                parsed.font_name = Some(format!("{tag}+{name}"));
                doc.resources
                    .fonts
                    .map
                    .insert(id.clone(), PdfFont::new(parsed));
            }
        }
        if let Some(image) = image {
            doc.resources.xobjects.map.insert(
                XObjectId("Im1".into()),
                XObject::External(ExternalXObject {
                    stream: ExternalStream {
                        dict: image.dict,
                        content: image.data,
                        compress: false,
                    },
                    width: None,
                    height: None,
                    dpi: None,
                }),
            );
        }
        let (w, h) = (self.wrap.sheet_width(), self.wrap.sheet_height());
        let page = PdfPage::new(
            printpdf::Mm((w.to_pt() * 25.4 / 72.0) as f32),
            printpdf::Mm((h.to_pt() * 25.4 / 72.0) as f32),
            self.ops,
        );
        doc.with_pages(vec![page]);
        Ok(doc)
    }
}

const WHITE: (u8, u8, u8) = (255, 255, 255);
const BLACK: (u8, u8, u8) = (0, 0, 0);

fn pt(a: Abs) -> Pt {
    Pt(a.to_pt() as f32)
}

//! The PDF writer: frames → printpdf document → bytes. The only printpdf importer.
//!
//! Fonts are subset here with `subsetter` (glyphs renumbered, so ids are
//! deterministic and the files small) and handed to printpdf already subset,
//! with the `XXXXXX+` tag in their name. Images are built as XObjects by hand:
//! JPEG bytes pass through unchanged (`DCTDecode`), everything else is stored
//! losslessly with Flate, its alpha as a soft mask.

use super::fonts::{FaceId, FontBook};
use super::frame::{Color as FrameColor, Item, Page};
use crate::diag::{Error, Result};
use crate::doc::{Document, PdfImage, ResourceId};
use printpdf::{
    Codepoint, Color, CurTransMat, DictItem, ExternalStream, ExternalXObject, FontId, Line,
    LinePoint, Op, PaintMode, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions,
    Point as PdfPoint, Pt, Rect, Rgb, TextItem, TextMatrix, WindingOrder, XObject, XObjectId,
    XObjectTransform,
};
use std::collections::BTreeMap;

/// Where the trimmed page sits on the sheet: bleed and the slug for crop marks.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sheet {
    /// Bleed around the trimmed page, in points.
    pub bleed: f32,
    /// Extra margin beyond the bleed for crop marks, in points.
    pub slug: f32,
    /// Draw crop marks.
    pub crop_marks: bool,
}

impl Sheet {
    /// Offset of the trimmed page from the sheet's lower-left corner.
    pub fn offset(&self) -> f32 {
        self.bleed + self.slug
    }
}

/// Metadata for the Info dictionary (dates as PDF date strings).
pub struct Info {
    /// Title.
    pub title: String,
    /// Authors joined by `; `.
    pub author: String,
    /// Subject (the description).
    pub subject: String,
    /// Creation date, seconds since the Unix epoch.
    pub created: i64,
}

/// Writes the pages into PDF bytes (before the post-pass).
pub fn write(doc: &Document, pages: &[Page], info: &Info, sheet: &Sheet) -> Result<Vec<u8>> {
    let book = FontBook::get();
    let mut pdf = PdfDocument::new(&info.title);

    // Glyphs used per face, with the text each stands for (first wins).
    let mut used: BTreeMap<FaceId, BTreeMap<u16, String>> = BTreeMap::new();
    for page in pages {
        for (_, item) in &page.items {
            if let Item::Text(run) = item {
                let map = used.entry(run.face).or_default();
                for g in &run.glyphs {
                    let entry = map.entry(g.id).or_default();
                    if entry.is_empty() {
                        entry.clone_from(&g.text);
                    }
                }
            }
        }
    }
    let mut fonts: BTreeMap<FaceId, (FontId, subsetter::GlyphRemapper)> = BTreeMap::new();
    for (n, (face, glyphs)) in used.iter().enumerate() {
        let font = book.font(*face);
        let mut remapper = subsetter::GlyphRemapper::new();
        remapper.remap(0);
        for gid in glyphs.keys() {
            remapper.remap(*gid);
        }
        let subset = subsetter::subset(font.data, 0, &remapper)
            .map_err(|e| Error::Backend(format!("cannot subset font {} ({e})", font.name)))?;
        let mut warnings = Vec::new();
        let mut parsed = ParsedFont::from_bytes(&subset, 0, &mut warnings).ok_or_else(|| {
            Error::Backend(format!("cannot read the subset of font {}", font.name))
        })?;
        parsed.font_name = Some(format!("{}+{}", subset_tag(&font.name, glyphs), font.name));
        let id = FontId(format!("F{}", n + 1));
        pdf.resources
            .fonts
            .map
            .insert(id.clone(), printpdf::PdfFont::new(parsed));
        fonts.insert(*face, (id, remapper));
    }

    // Images: one XObject per placed image; identical files share one.
    let mut images: BTreeMap<ResourceId, XObjectId> = BTreeMap::new();
    let mut by_hash: BTreeMap<String, XObjectId> = BTreeMap::new();
    for page in pages {
        for (_, item) in &page.items {
            let Item::Image { image, .. } = item else {
                continue;
            };
            if images.contains_key(image) {
                continue;
            }
            let resource = doc.resources.get(*image);
            let hash = match &resource.status {
                crate::doc::ImageStatus::Loaded(l) => l.hash.clone(),
                _ => continue,
            };
            if let Some(id) = by_hash.get(&hash) {
                images.insert(*image, id.clone());
                continue;
            }
            let xobject = match &resource.pdf {
                Some(prepared) => image_xobject(prepared).map_err(|e| {
                    Error::Backend(format!("cannot read image {} ({e})", resource.written))
                })?,
                None => None,
            };
            if let Some(xobject) = xobject {
                let id = XObjectId(format!("Im{}", by_hash.len() + 1));
                pdf.resources
                    .xobjects
                    .map
                    .insert(id.clone(), XObject::External(xobject));
                images.insert(*image, id.clone());
                by_hash.insert(hash, id);
            }
        }
    }

    let mut pdf_pages = Vec::with_capacity(pages.len());
    for page in pages {
        let off = sheet.offset();
        let h = page.height.to_pt() as f32 + 2.0 * off;
        let w = page.width.to_pt() as f32 + 2.0 * off;
        let mut ops = Vec::new();
        if sheet.crop_marks {
            crop_marks(&mut ops, w, h, sheet);
        }
        for (p, item) in &page.items {
            let x = p.x.to_pt() as f32 + off;
            let y = h - p.y.to_pt() as f32 - off;
            match item {
                Item::Text(run) => {
                    let Some((font_id, remapper)) = fonts.get(&run.face) else {
                        continue;
                    };
                    let texts = &used[&run.face];
                    ops.push(Op::StartTextSection);
                    ops.push(Op::SetFont {
                        font: PdfFontHandle::External(font_id.clone()),
                        size: Pt(run.size.to_pt() as f32),
                    });
                    ops.push(Op::SetFillColor {
                        col: color(run.color),
                    });
                    // One text matrix and one TJ array per baseline: the
                    // pen advances by each glyph's /W width (printpdf's
                    // integer thousandths of an em), and a kern number moves
                    // it to where the layout put the next glyph.
                    let font = book.font(run.face);
                    let size = run.size.to_pt() as f32;
                    let scaled = |gid: u16| -> f32 {
                        let w = font
                            .face
                            .glyph_hor_advance(rustybuzz::ttf_parser::GlyphId(gid))
                            .unwrap_or(0);
                        (f32::from(w) * 1000.0 / font.upem as f32).trunc() * size / 1000.0
                    };
                    let mut i = 0;
                    while i < run.glyphs.len() {
                        let rise = run.glyphs[i].rise;
                        let start = x + run.glyphs[i].x.to_pt() as f32;
                        ops.push(Op::SetTextMatrix {
                            matrix: TextMatrix::Raw([
                                1.0,
                                0.0,
                                0.0,
                                1.0,
                                start,
                                y + rise.to_pt() as f32,
                            ]),
                        });
                        let mut items: Vec<Codepoint> = Vec::new();
                        let mut pen = start;
                        while i < run.glyphs.len() && run.glyphs[i].rise == rise {
                            let g = &run.glyphs[i];
                            let want = x + g.x.to_pt() as f32;
                            if let Some(last) = items.last_mut() {
                                let d = want - pen;
                                if d.abs() > 0.0005 {
                                    last.offset = -d * 1000.0 / size;
                                    pen = want;
                                }
                            }
                            items.push(Codepoint {
                                gid: remapper.get(g.id).unwrap_or(0),
                                offset: 0.0,
                                cid: Some(texts.get(&g.id).cloned().unwrap_or_default()),
                            });
                            pen += scaled(g.id);
                            i += 1;
                        }
                        ops.push(Op::ShowText {
                            items: vec![TextItem::GlyphIds(items)],
                        });
                    }
                    ops.push(Op::EndTextSection);
                }
                Item::Rect {
                    width,
                    height,
                    fill,
                    stroke,
                } => {
                    let mode = match (fill, stroke) {
                        (Some(_), Some(_)) => PaintMode::FillStroke,
                        (Some(_), None) => PaintMode::Fill,
                        (None, _) => PaintMode::Stroke,
                    };
                    ops.push(Op::SaveGraphicsState);
                    if let Some(fill) = fill {
                        ops.push(Op::SetFillColor { col: color(*fill) });
                    }
                    if let Some((c, t)) = stroke {
                        ops.push(Op::SetOutlineColor { col: color(*c) });
                        ops.push(Op::SetOutlineThickness {
                            pt: Pt(t.to_pt() as f32),
                        });
                    }
                    let hh = height.to_pt() as f32;
                    ops.push(Op::DrawRectangle {
                        rectangle: Rect {
                            x: Pt(x),
                            y: Pt(y - hh),
                            width: Pt(width.to_pt() as f32),
                            height: Pt(hh),
                            mode: Some(mode),
                            winding_order: Some(WindingOrder::NonZero),
                        },
                    });
                    ops.push(Op::RestoreGraphicsState);
                }
                Item::Line {
                    dx,
                    dy,
                    color: c,
                    thickness,
                } => {
                    ops.push(Op::SaveGraphicsState);
                    ops.push(Op::SetOutlineColor { col: color(*c) });
                    ops.push(Op::SetOutlineThickness {
                        pt: Pt(thickness.to_pt() as f32),
                    });
                    ops.push(Op::DrawLine {
                        line: Line {
                            points: vec![
                                LinePoint {
                                    p: PdfPoint { x: Pt(x), y: Pt(y) },
                                    bezier: false,
                                },
                                LinePoint {
                                    p: PdfPoint {
                                        x: Pt(x + dx.to_pt() as f32),
                                        y: Pt(y - dy.to_pt() as f32),
                                    },
                                    bezier: false,
                                },
                            ],
                            is_closed: false,
                        },
                    });
                    ops.push(Op::RestoreGraphicsState);
                }
                Item::Image {
                    image,
                    width,
                    height,
                } => {
                    let Some(id) = images.get(image) else {
                        continue;
                    };
                    let (w, hh) = (width.to_pt() as f32, height.to_pt() as f32);
                    ops.push(Op::SaveGraphicsState);
                    ops.push(Op::SetTransformationMatrix {
                        matrix: CurTransMat::Raw([w, 0.0, 0.0, hh, x, y - hh]),
                    });
                    ops.push(Op::UseXobject {
                        id: id.clone(),
                        transform: XObjectTransform {
                            no_auto_scale: true,
                            ..XObjectTransform::default()
                        },
                    });
                    ops.push(Op::RestoreGraphicsState);
                }
                // Links are added as annotations by the post-pass.
                Item::Link { .. } => {}
            }
        }
        pdf_pages.push(PdfPage::new(
            printpdf::Mm(w * 25.4 / 72.0),
            printpdf::Mm(h * 25.4 / 72.0),
            ops,
        ));
    }
    pdf.with_pages(pdf_pages);
    let date = printpdf::OffsetDateTime::from_unix_timestamp(info.created)
        .map_err(|e| Error::Backend(format!("bad creation date ({e})")))?;
    let meta = &mut pdf.metadata.info;
    meta.document_title = info.title.clone();
    meta.author = info.author.clone();
    meta.subject = info.subject.clone();
    meta.creator = format!("bindery {}", env!("CARGO_PKG_VERSION"));
    meta.producer = format!("bindery {}", env!("CARGO_PKG_VERSION"));
    meta.creation_date = date;
    meta.modification_date = date;
    meta.metadata_date = date;
    let options = PdfSaveOptions {
        optimize: true,
        subset_fonts: false,
        secure: true,
        image_optimization: None,
    };
    let mut warnings = Vec::new();
    Ok(pdf.save(&options, &mut warnings))
}

/// Crop marks at the four corners of the trimmed page, in the slug, kept
/// clear of the bleed.
fn crop_marks(ops: &mut Vec<Op>, w: f32, h: f32, sheet: &Sheet) {
    let off = sheet.offset();
    let gap = sheet.bleed + 2.0;
    let len = (sheet.slug - 2.0).max(4.0);
    let (x0, x1, y0, y1) = (off, w - off, off, h - off);
    let marks = [
        // Horizontal marks beside each corner.
        ((x0 - gap - len, y0), (x0 - gap, y0)),
        ((x1 + gap, y0), (x1 + gap + len, y0)),
        ((x0 - gap - len, y1), (x0 - gap, y1)),
        ((x1 + gap, y1), (x1 + gap + len, y1)),
        // Vertical marks above and below.
        ((x0, y0 - gap - len), (x0, y0 - gap)),
        ((x1, y0 - gap - len), (x1, y0 - gap)),
        ((x0, y1 + gap), (x0, y1 + gap + len)),
        ((x1, y1 + gap), (x1, y1 + gap + len)),
    ];
    ops.push(Op::SaveGraphicsState);
    ops.push(Op::SetOutlineColor {
        col: color(FrameColor::BLACK),
    });
    ops.push(Op::SetOutlineThickness { pt: Pt(0.3) });
    for (a, b) in marks {
        let point = |(x, y): (f32, f32)| LinePoint {
            p: PdfPoint { x: Pt(x), y: Pt(y) },
            bezier: false,
        };
        ops.push(Op::DrawLine {
            line: Line {
                points: vec![point(a), point(b)],
                is_closed: false,
            },
        });
    }
    ops.push(Op::RestoreGraphicsState);
}

/// Six capital letters derived from the font and its glyph set (deterministic).
fn subset_tag(name: &str, glyphs: &BTreeMap<u16, String>) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    hasher.update(name.as_bytes());
    for gid in glyphs.keys() {
        hasher.update(gid.to_be_bytes());
    }
    hasher
        .finalize()
        .iter()
        .take(6)
        .map(|b| char::from(b'A' + b % 26))
        .collect()
}

fn color(c: FrameColor) -> Color {
    Color::Rgb(Rgb {
        r: f32::from(c.0) / 255.0,
        g: f32::from(c.1) / 255.0,
        b: f32::from(c.2) / 255.0,
        icc_profile: None,
    })
}

fn name(s: &str) -> DictItem {
    DictItem::Name(s.as_bytes().to_vec())
}

/// Builds the XObject of a prepared image: JPEG passed through, others lossless.
fn image_xobject(image: &PdfImage) -> std::io::Result<Option<ExternalXObject>> {
    let mut dict = BTreeMap::new();
    dict.insert("Type".to_string(), name("XObject"));
    dict.insert("Subtype".to_string(), name("Image"));
    dict.insert("BitsPerComponent".to_string(), DictItem::Int(8));
    let content = match image {
        PdfImage::Jpeg {
            bytes,
            components,
            inverted,
            width,
            height,
        } => {
            dict.insert("Width".to_string(), DictItem::Int(i64::from(*width)));
            dict.insert("Height".to_string(), DictItem::Int(i64::from(*height)));
            let space = match components {
                1 => "DeviceGray",
                4 => "DeviceCMYK",
                _ => "DeviceRGB",
            };
            dict.insert("ColorSpace".to_string(), name(space));
            dict.insert("Filter".to_string(), name("DCTDecode"));
            if *inverted {
                // Adobe CMYK JPEGs store inverted samples.
                let decode = [1, 0, 1, 0, 1, 0, 1, 0].map(DictItem::Int).to_vec();
                dict.insert("Decode".to_string(), DictItem::Array(decode));
            }
            bytes.read()?.into_owned()
        }
        PdfImage::Flate {
            rgb,
            alpha,
            width,
            height,
        } => {
            dict.insert("Width".to_string(), DictItem::Int(i64::from(*width)));
            dict.insert("Height".to_string(), DictItem::Int(i64::from(*height)));
            dict.insert("ColorSpace".to_string(), name("DeviceRGB"));
            dict.insert("Filter".to_string(), name("FlateDecode"));
            if let Some(alpha) = alpha {
                let mut mask = BTreeMap::new();
                mask.insert("Type".to_string(), name("XObject"));
                mask.insert("Subtype".to_string(), name("Image"));
                mask.insert("Width".to_string(), DictItem::Int(i64::from(*width)));
                mask.insert("Height".to_string(), DictItem::Int(i64::from(*height)));
                mask.insert("ColorSpace".to_string(), name("DeviceGray"));
                mask.insert("BitsPerComponent".to_string(), DictItem::Int(8));
                mask.insert("Filter".to_string(), name("FlateDecode"));
                dict.insert(
                    "SMask".to_string(),
                    DictItem::Stream {
                        stream: ExternalStream {
                            dict: mask,
                            content: alpha.clone(),
                            compress: false,
                        },
                    },
                );
            }
            rgb.clone()
        }
        PdfImage::Png {
            file,
            colors,
            width,
            height,
        } => {
            dict.insert("Width".to_string(), DictItem::Int(i64::from(*width)));
            dict.insert("Height".to_string(), DictItem::Int(i64::from(*height)));
            let space = if *colors == 1 {
                "DeviceGray"
            } else {
                "DeviceRGB"
            };
            dict.insert("ColorSpace".to_string(), name(space));
            dict.insert("Filter".to_string(), name("FlateDecode"));
            let mut parms = BTreeMap::new();
            parms.insert("Predictor".to_string(), DictItem::Int(15));
            parms.insert("Colors".to_string(), DictItem::Int(i64::from(*colors)));
            parms.insert("BitsPerComponent".to_string(), DictItem::Int(8));
            parms.insert("Columns".to_string(), DictItem::Int(i64::from(*width)));
            dict.insert("DecodeParms".to_string(), DictItem::Dict { map: parms });
            let bytes = file.read()?;
            crate::resource::png::passthrough(&bytes)
                .ok_or_else(|| std::io::Error::other("the PNG changed while the book was built"))?
                .0
        }
        PdfImage::Unsupported => return Ok(None),
    };
    Ok(Some(ExternalXObject {
        stream: ExternalStream {
            dict,
            content,
            compress: false,
        },
        width: None,
        height: None,
        dpi: None,
    }))
}

/// The number of colour components of a JPEG, from its SOF marker.
pub fn jpeg_components(bytes: &[u8]) -> Option<u8> {
    let mut i = 2;
    while i + 4 <= bytes.len() {
        if bytes[i] != 0xFF {
            return None;
        }
        let marker = bytes[i + 1];
        if marker == 0xFF {
            i += 1;
            continue;
        }
        let len = usize::from(u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]));
        let is_sof = matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if is_sof {
            return bytes.get(i + 9).copied();
        }
        i += 2 + len;
    }
    None
}

//! Figures: the image at its placed size (or a framed placeholder with the
//! alt text), and its caption.

use super::*;
use crate::diag::Span;
use crate::doc::{ImageStatus, Inline, PdfImage, ResourceId};
use crate::pdf::frame::{Color, Item};
use crate::pdf::layout::inline::paragraph;
use crate::pdf::layout::{ParStyle, TextAlign};
use crate::resource::placed_size;
use crate::text::{Abs, Point};

impl Column<'_, '_> {
    /// A figure in the measure `(indent, measure)`, at the size asked for
    /// (a share of the measure, CSS pixels or a length; both width and
    /// height: fitted inside them) or, by default, as [`placed_size`] says;
    /// centred. A `.bleed` picture becomes a plate of its own.
    pub(super) fn figure(
        &mut self,
        image: ResourceId,
        alt: &str,
        title: Option<&str>,
        (left, measure): (Abs, Abs),
        size: &crate::doc::FigureSize,
        span: Span,
    ) {
        let doc = self.ctx.doc;
        if size.bleed
            && let ImageStatus::Loaded(loaded) = &doc.resources.get(image).status
            && !matches!(
                doc.resources.get(image).pdf,
                Some(PdfImage::Unsupported) | None
            )
        {
            self.plate(image, (loaded.width, loaded.height), span);
            return;
        }
        let (width, indent) = match &doc.resources.get(image).status {
            ImageStatus::Loaded(loaded) => {
                let (w, _) = figure_size(
                    (loaded.width, loaded.height),
                    size,
                    measure,
                    self.ctx.max_figure,
                );
                (w, left + (measure - w) / 2.0)
            }
            _ => (measure, left),
        };
        let mut low_dpi = None;
        let caption_style = ParStyle {
            align: TextAlign::Center,
            ..self
                .ctx
                .theme
                .display(self.ctx.theme.serif[1], 9.0, 11.5, Color::GREY)
        };
        let mut items = Vec::new();
        let mut height;
        let resource = doc.resources.get(image);
        let drawable = !matches!(resource.pdf, Some(crate::doc::PdfImage::Unsupported) | None);
        match &resource.status {
            ImageStatus::Loaded(loaded) if drawable => {
                let (w, h) = figure_size(
                    (loaded.width, loaded.height),
                    size,
                    measure,
                    self.ctx.max_figure,
                );
                let dpi = f64::from(loaded.width) / (w.to_pt() / 72.0);
                if dpi + 0.5 < self.ctx.min_dpi {
                    low_dpi = Some((span, image, dpi));
                }
                items.push((
                    Point::new(indent + (width - w) / 2.0, Abs::ZERO),
                    Item::Image {
                        image,
                        width: w,
                        height: h,
                    },
                ));
                height = h;
            }
            _ => {
                let label = if alt.trim().is_empty() {
                    doc.resources.get(image).written.clone()
                } else {
                    alt.to_string()
                };
                let box_h = Abs::pt(72.0);
                items.push((
                    Point::new(indent, Abs::ZERO),
                    Item::Rect {
                        width,
                        height: box_h,
                        fill: None,
                        stroke: Some((Color::LIGHT, Abs::pt(0.8))),
                    },
                ));
                let text = vec![Inline::Text(format!("[image: {label}]"))];
                let lines = paragraph(self.ctx, &text, &caption_style, width - Abs::pt(16.0), span);
                let th: Abs = lines.iter().map(|l| l.height).sum();
                let mut y = (box_h - th) / 2.0;
                for line in lines {
                    for (p, item) in line.items {
                        items.push((Point::new(indent + Abs::pt(8.0) + p.x, y + p.y), item));
                    }
                    y += line.height;
                }
                height = box_h;
            }
        }
        if let Some(caption) = title.filter(|t| !t.trim().is_empty()) {
            height += Abs::pt(4.0);
            let text = vec![Inline::Text(caption.to_string())];
            // A narrow figure's caption still gets two thirds of the
            // measure, centred under it, rather than a word or two a line.
            let caption_width = width.max(measure * (2.0 / 3.0)).min(measure);
            let caption_left = left + (measure - caption_width) / 2.0;
            let lines = paragraph(self.ctx, &text, &caption_style, caption_width, span);
            for line in lines {
                for (p, item) in line.items {
                    items.push((Point::new(caption_left + p.x, height + p.y), item));
                }
                height += line.height;
            }
        }
        self.push(Content {
            height,
            items,
            low_dpi,
            float: true,
            ..Content::default()
        });
    }

    /// A full-bleed plate: a page of its own, placed as that page places
    /// it (covering the trimmed page and its bleed, the ratio kept, so the
    /// wider of the two fits decides the size and the resolution it prints
    /// at).
    fn plate(&mut self, image: ResourceId, (px_w, px_h): (u32, u32), span: Span) {
        let ratio = f64::from(px_h) / f64::from(px_w);
        let (w, h) = self.ctx.plate;
        let placed = w.max(h / ratio);
        let dpi = f64::from(px_w) / (placed.to_pt() / 72.0);
        self.push(Content {
            plate: Some((image, ratio)),
            low_dpi: (placed > Abs::ZERO && dpi + 0.5 < self.ctx.min_dpi)
                .then_some((span, image, dpi)),
            ..Content::default()
        });
    }
}

/// The size a figure of `px` pixels is placed at in a measure `measure`
/// wide, at most `max_height` tall: the size asked for (a share of the
/// measure, CSS pixels at 96 per inch, or a length), never wider than the
/// measure; with both a width and a height, the largest that fits inside
/// them without distortion; with neither, [`placed_size`].
pub fn figure_size(
    (pw, ph): (u32, u32),
    size: &crate::doc::FigureSize,
    measure: Abs,
    max_height: Abs,
) -> (Abs, Abs) {
    use crate::doc::Length;
    let (pw, ph) = (f64::from(pw.max(1)), f64::from(ph.max(1)));
    let resolve = |l: Length, of: Abs| match l {
        Length::Percent(p) => of * (f64::from(p) / 100.0),
        Length::Px(px) => Abs::pt(f64::from(px) * 0.75),
        Length::Pt(pt) => Abs::pt(f64::from(pt)),
    };
    let (w, h) = match (size.width, size.height) {
        (None, None) => {
            let (w, h) = placed_size(pw as u32, ph as u32, measure.to_pt(), max_height.to_pt());
            return (Abs::pt(w), Abs::pt(h));
        }
        (Some(w), None) => {
            let w = resolve(w, measure);
            (w, w * (ph / pw))
        }
        (None, Some(h)) => {
            let h = resolve(h, max_height);
            (h * (pw / ph), h)
        }
        (Some(w), Some(h)) => {
            let (w, h) = (resolve(w, measure), resolve(h, max_height));
            let scale = (w.to_pt() / pw).min(h.to_pt() / ph);
            (Abs::pt(pw * scale), Abs::pt(ph * scale))
        }
    };
    // Never wider than the measure nor taller than the page allows.
    let scale = (measure / w).min(max_height / h).min(1.0);
    (w * scale, h * scale)
}

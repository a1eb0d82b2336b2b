//! Figures: the image at its placed size (or a framed placeholder with the
//! alt text), and its caption.

use super::*;
use crate::diag::Span;
use crate::doc::{ImageStatus, Inline, ResourceId};
use crate::pdf::frame::{Color, Item};
use crate::pdf::layout::inline::paragraph;
use crate::pdf::layout::{ParStyle, TextAlign};
use crate::text::{Abs, Point};

impl Column<'_, '_> {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn figure(
        &mut self,
        image: ResourceId,
        alt: &str,
        title: Option<&str>,
        indent: Abs,
        width: Abs,
        span: Span,
    ) {
        let doc = self.ctx.doc;
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
                let (w, h) =
                    crate::resource::placed_size(loaded.width, loaded.height, width.to_pt());
                let (w, h) = (Abs::pt(w), Abs::pt(h));
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
            let lines = paragraph(self.ctx, &text, &caption_style, width, span);
            for line in lines {
                for (p, item) in line.items {
                    items.push((Point::new(indent + p.x, height + p.y), item));
                }
                height += line.height;
            }
        }
        self.push(Content {
            height,
            items,
            ..Content::default()
        });
    }
}

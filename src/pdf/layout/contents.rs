//! The contents page: the entries of the outline down to level 2, each with
//! dot leaders, its page number and a link. Laid out after the body, whose
//! page numbers it shows; placed before it as front matter.

use super::flow::{Chunk, Content};
use super::inline::paragraph;
use super::{Ctx, ParStyle, TextAlign};
use crate::diag::Span;
use crate::doc::{AnchorId, Inline};
use crate::pdf::frame::{Color, Item, LinkDest, OutlineEntry, TextRun};
use crate::text::{Abs, FaceId, Point};

/// The contents page: entries with dot leaders and page numbers, each a link.
pub fn page(
    ctx: &mut Ctx<'_>,
    entries: &[&OutlineEntry],
    numbers: &std::collections::BTreeMap<AnchorId, usize>,
    width: Abs,
) -> Vec<Chunk> {
    let book = ctx.fonts;
    let mut chunks = Vec::new();
    let (heading, _, after) = ctx.theme.heading(1);
    let title = vec![Inline::Text(
        ctx.labels.get(crate::labels::Label::Contents).to_string(),
    )];
    let span = Span::new(crate::diag::FileId(0), 0..0);
    for line in paragraph(ctx, &title, &heading, width, span) {
        let mut c = Content::from_line(line, Abs::ZERO);
        c.keep_with_next = true;
        chunks.push(Chunk::Content(c));
    }
    chunks.push(Chunk::Space(after * 2.0));
    let number_width = Abs::pt(28.0);
    for entry in entries {
        let (text, level, anchor) = (&entry.title, &entry.level, &entry.anchor);
        let indent = if *level <= 1 {
            Abs::ZERO
        } else {
            Abs::pt(14.0)
        };
        let style = ParStyle {
            face: FaceId::Serif,
            size: Abs::pt(if *level <= 1 { 11.0 } else { 10.0 }),
            leading: Abs::pt(if *level <= 1 { 15.0 } else { 13.0 }),
            align: TextAlign::Left,
            ..ParStyle::body()
        };
        if *level <= 1 && chunks.len() > 2 {
            chunks.push(Chunk::Space(Abs::pt(4.0)));
        }
        let content = vec![Inline::Text(text.clone())];
        let lines = paragraph(
            ctx,
            &content,
            &style,
            width - indent - number_width - Abs::pt(8.0),
            span,
        );
        let n = lines.len();
        for (i, line) in lines.into_iter().enumerate() {
            let text_end = indent + line.width;
            let height = line.height;
            let baseline = line
                .items
                .iter()
                .find_map(|(p, it)| matches!(it, Item::Text(_)).then_some(p.y))
                .unwrap_or(height * 0.78);
            let mut c = Content::from_line(line, indent);
            if i + 1 == n {
                // Dot leaders on a grid shared by all lines, then the number.
                let number = numbers
                    .get(anchor)
                    .map_or("0".to_string(), usize::to_string);
                let num = book.shape(FaceId::Serif, style.size, &number, false);
                let num_x = width - num.width();
                let dot = book.shape(FaceId::Serif, style.size, ".", false);
                let step = Abs::pt(5.0);
                let mut x = step * ((text_end + Abs::pt(4.0)) / step).ceil();
                let mut leaders = TextRun::new(FaceId::Serif, style.size, Color::GREY);
                while x + dot.width() + Abs::pt(4.0) < num_x {
                    if let Some(g) = dot.runs.first().and_then(|r| r.glyphs.first()) {
                        leaders.push(g.id, x - text_end, Abs::ZERO, ".");
                    }
                    x += step;
                }
                if !leaders.glyphs.is_empty() {
                    c.items
                        .push((Point::new(text_end, baseline), Item::Text(leaders)));
                }
                if let Some(run) = num.runs.first() {
                    c.items.push((
                        Point::new(num_x, baseline),
                        Item::Text(TextRun::shaped(run, Abs::ZERO, Color::BLACK)),
                    ));
                }
            } else {
                c.keep_with_next = true;
            }
            c.items.push((
                Point::new(indent, Abs::ZERO),
                Item::Link {
                    width: width - indent,
                    height,
                    dest: LinkDest::Anchor(*anchor),
                },
            ));
            chunks.push(Chunk::Content(c));
        }
    }
    chunks
}

//! Front matter from the metadata: the half-title (the title alone), the
//! title page (title, subtitle, authors, publisher), the copyright page on
//! its verso (rights, edition, ISBN, publisher, year, printing line, set at
//! the foot), and, when given, a dedication and an epigraph, each on a
//! recto with a blank verso. These pages carry no folio or running head,
//! as in printed books; they are numbered in roman numerals with the
//! contents that follow them.
//!
//! Input: the document's metadata, the theme, the geometry. Output:
//! finished pages, an even number of them (what follows opens on a recto).

use super::inline::paragraph;
use super::{Ctx, Geometry, ParStyle, TextAlign};
use crate::diag::{FileId, Span};
use crate::doc::Inline;
use crate::pdf::frame::{Color, Item, Page};
use crate::text::{Abs, Point};

/// The front matter's pages (none when the book has no title).
pub fn pages(ctx: &mut Ctx<'_>, geometry: &Geometry) -> Vec<Page> {
    let meta = ctx.doc.meta.clone();
    let Some(title) = meta.title.clone() else {
        return Vec::new();
    };
    let theme = ctx.theme;
    let g = *geometry;
    let body = g.body_height();
    let mut out = Vec::new();
    let new = |index: usize| g.page(index);

    // i: half-title; ii: blank.
    let mut half = new(0);
    let style = centred(theme.display(theme.serif[0], 16.0, 20.0, Color::BLACK));
    set(ctx, &mut half, &g, 0, g.top + body * 0.25, &title, &style);
    out.push(half);
    out.push(new(1));

    // iii: title page.
    let mut page = new(2);
    let mut y = g.top + body * 0.2;
    let style = centred(theme.display(theme.sans[1], 26.0, 31.0, Color::BLACK));
    y = set(ctx, &mut page, &g, 2, y, &title, &style);
    if let Some(sub) = &meta.subtitle {
        let style = centred(theme.display(theme.serif[1], 14.0, 18.0, Color::BLACK));
        y = set(ctx, &mut page, &g, 2, y + Abs::pt(10.0), sub, &style);
    }
    if !meta.authors.is_empty() {
        let style = centred(theme.display(theme.serif[0], 14.0, 18.0, Color::BLACK));
        set(
            ctx,
            &mut page,
            &g,
            2,
            y + Abs::pt(40.0),
            &meta.authors.join(", "),
            &style,
        );
    }
    if let Some(publisher) = &meta.publisher {
        let style = centred(theme.display(theme.sans[0], 10.0, 13.0, Color::GREY));
        set(
            ctx,
            &mut page,
            &g,
            2,
            g.top + body - Abs::pt(13.0),
            publisher,
            &style,
        );
    }
    out.push(page);

    // iv: copyright page, its lines at the foot of the text block.
    let lines = crate::imprint::copyright_lines(&meta);
    let mut copyright = new(3);
    let style = ParStyle {
        align: TextAlign::Left,
        ..theme.display(theme.serif[0], 8.5, 11.5, Color::BLACK)
    };
    let height = style.leading * lines.len() as f64 + Abs::pt(6.0) * lines.len() as f64;
    let mut y = g.top + body - height;
    for line in &lines {
        y = set(ctx, &mut copyright, &g, 3, y, line, &style) + Abs::pt(6.0);
    }
    out.push(copyright);

    // Dedication and epigraph: each on a recto, a third of the way down.
    for text in [&meta.dedication, &meta.epigraph].into_iter().flatten() {
        let index = out.len();
        let mut page = new(index);
        let style = centred(theme.display(theme.serif[1], 11.0, 15.0, Color::BLACK));
        set(ctx, &mut page, &g, index, g.top + body / 3.0, text, &style);
        out.push(page);
        out.push(new(index + 1));
    }
    out
}

fn centred(style: ParStyle) -> ParStyle {
    ParStyle {
        align: TextAlign::Center,
        ..style
    }
}

/// Sets `text` in `style` across the measure of page `index` from `y` down;
/// returns where it ends.
fn set(
    ctx: &mut Ctx<'_>,
    page: &mut Page,
    g: &Geometry,
    index: usize,
    mut y: Abs,
    text: &str,
    style: &ParStyle,
) -> Abs {
    let content = vec![Inline::Text(text.to_string())];
    let span = Span::new(FileId(0), 0..0);
    let left = g.left(index);
    for line in paragraph(ctx, &content, style, g.measure(), span) {
        for (p, item) in line.items {
            page.items.push((Point::new(left + p.x, y + p.y), item));
        }
        y += line.height;
    }
    y
}

/// Blank pages marked as such carry nothing; this checks a page is blank.
pub fn is_blank(page: &Page) -> bool {
    !page.items.iter().any(|(_, i)| matches!(i, Item::Text(_)))
}

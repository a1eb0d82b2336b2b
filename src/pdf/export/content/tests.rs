//! Content stream tests: text lands where the layout put it, colours by standard.

use super::*;
use crate::pdf::frame::TextRun;
use crate::text::{Abs, Point};
use lopdf::Object;

/// Replays a content stream's text operators as a viewer would (the pen
/// advances by each glyph's /W width and moves by each kern number) and
/// returns every glyph's (face, subset id, x, y) on the sheet.
fn replay(set: &FontSet, content: &[u8], fonts: &Fonts) -> Vec<(FaceId, u16, f32, f32)> {
    let ops = lopdf::content::Content::decode(content).expect("content decodes");
    let number = |o: &Object| o.as_float().expect("a number");
    let (mut face, mut size, mut pen, mut y) = (None, 0.0, 0.0, 0.0);
    let mut out = Vec::new();
    for op in ops.operations {
        match op.operator.as_str() {
            "Tf" => {
                let name = op.operands[0].as_name().unwrap();
                face = FaceId::BUNDLED
                    .into_iter()
                    .find(|f| fonts.get(*f).is_some_and(|u| u.name.as_bytes() == name));
                size = number(&op.operands[1]);
            }
            "Tm" => {
                pen = number(&op.operands[4]);
                y = number(&op.operands[5]);
            }
            "TJ" => {
                let face = face.expect("a font is set");
                let used = fonts.get(face).unwrap();
                for item in op.operands[0].as_array().unwrap() {
                    match item {
                        Object::String(bytes, _) => {
                            for pair in bytes.chunks(2) {
                                let new = u16::from_be_bytes([pair[0], pair[1]]);
                                out.push((face, new, pen, y));
                                let old = used.olds[usize::from(new)];
                                pen += width_units(set.font(face), old) * size / 1000.0;
                            }
                        }
                        other => pen -= number(other) * size / 1000.0,
                    }
                }
            }
            _ => {}
        }
    }
    out
}

#[test]
fn text_lands_where_the_layout_put_it() {
    let set = FontSet::bundled();
    let size = Abs::pt(10.3);
    let run = |text: &str, face: FaceId, color: FrameColor| {
        let shaped = set.shape(face, size, text, false);
        TextRun::shaped(&shaped.runs[0], Abs::ZERO, color)
    };
    // A justified line: words placed one by one with stretched spaces,
    // a superscript; then a rule, and a line in another colour.
    let mut first = run(
        "Justified text, with kerning: AVAWAY.",
        FaceId::Serif,
        FrameColor::BLACK,
    );
    let mut stretch = Abs::ZERO;
    let spaces: Vec<bool> = first
        .glyphs
        .iter()
        .map(|g| first.glyph_text(g) == " ")
        .collect();
    for (g, space) in first.glyphs.iter_mut().zip(spaces) {
        g.x += stretch;
        if space {
            stretch += Abs::pt(1.37);
        }
    }
    let n = first.glyphs.len();
    for g in &mut first.glyphs[n - 6..] {
        g.rise = Abs::pt(3.1);
    }
    let at = |x: f64, y: f64| Point::new(Abs::pt(x), Abs::pt(y));
    let width = first.glyphs.last().unwrap().x + Abs::pt(8.0);
    let items = vec![
        (at(72.25, 100.5), Item::Text(first)),
        (
            at(72.25 + width.to_pt() + 3.3, 100.5),
            Item::Text(run("next", FaceId::Serif, FrameColor::BLACK)),
        ),
        (
            at(80.0, 103.0),
            Item::Line {
                dx: Abs::pt(100.0),
                dy: Abs::ZERO,
                color: FrameColor::LIGHT,
                thickness: Abs::pt(0.5),
            },
        ),
        (
            at(72.25, 113.0),
            Item::Text(run("Another line", FaceId::Serif, FrameColor::LINK)),
        ),
        (
            at(140.0, 113.0),
            Item::Text(run("in bold", FaceId::SerifBold, FrameColor::LINK)),
        ),
    ];
    // A page with bleed: the sheet is larger than the trimmed page.
    let page = Page {
        bleed: crate::pdf::frame::Bleed::all(Abs::pt(9.0)),
        items: items.clone(),
        ..Page::new(Abs::pt(400.0), Abs::pt(600.0))
    };
    let mut fonts = Fonts::default();
    let mut want = Vec::new();
    for (origin, item) in &items {
        if let Item::Text(run) = item {
            fonts.use_run(run);
            for g in &run.glyphs {
                want.push((
                    run.face,
                    g.id,
                    (origin.x + g.x).to_pt() as f32 + 9.0,
                    618.0 - 9.0 - (origin.y - g.rise).to_pt() as f32,
                ));
            }
        }
    }
    let (content, record) = encode(&set, &page, &fonts, &|_| None, Colors::Rgb);
    assert_eq!(record.size, (418.0, 618.0));
    assert_eq!(record.trim, [9.0, 9.0, 409.0, 609.0]);
    let shown = replay(&set, &content, &fonts);
    assert_eq!(shown.len(), want.len());
    for ((face, id, want_x, want_y), (shown_face, new, x, y)) in want.into_iter().zip(shown) {
        assert_eq!(face, shown_face);
        assert_eq!(fonts.get(face).unwrap().olds[usize::from(new)], id);
        assert!(
            (x - want_x).abs() < 0.002,
            "glyph {id}: x {x} want {want_x}"
        );
        assert!(
            (y - want_y).abs() < 0.002,
            "glyph {id}: y {y} want {want_y}"
        );
    }
    // One text object for the first line (the rule closes it), one per
    // style after it; a text matrix per baseline, not per word.
    let ops = lopdf::content::Content::decode(&content)
        .unwrap()
        .operations;
    let count = |name: &str| ops.iter().filter(|o| o.operator == name).count();
    assert_eq!(count("BT"), 3);
    assert_eq!(count("BT"), count("ET"));
    assert_eq!(count("Tm"), 5, "baseline, superscript, baseline, two lines");
}

//! Pandoc-style attributes after an image, `![alt](x.jpg){width=50%}`:
//! pulldown-cmark has no syntax for them, so the `{…}` that follows an image
//! is read here. Known: `width` and `height` (`50%`, `300px` or a bare
//! number of CSS pixels, `3in`, `8cm`, `80mm`, `200pt`) and the class
//! `.bleed` (a full-bleed picture on a page of its own in print); ids and
//! other classes are accepted and ignored; anything else is reported.

use crate::doc::{FigureSize, Length};

/// A length of a figure attribute, or `None` when it is not one.
pub fn length(text: &str) -> Option<Length> {
    let t = text.trim().trim_matches(['"', '\'']);
    let number = |s: &str| s.trim().parse::<f32>().ok().filter(|v| *v > 0.0);
    if let Some(p) = t.strip_suffix('%') {
        return number(p).filter(|v| *v <= 100.0).map(Length::Percent);
    }
    if let Some(px) = t.strip_suffix("px") {
        return number(px).map(Length::Px);
    }
    for (unit, pt) in [
        ("in", 72.0),
        ("cm", 72.0 / 2.54),
        ("mm", 72.0 / 25.4),
        ("pt", 1.0),
    ] {
        if let Some(v) = t.strip_suffix(unit) {
            return number(v).map(|v| Length::Pt(v * pt));
        }
    }
    number(t).map(Length::Px)
}

/// Reads the inside of `{…}`: the size it gives, and what was not understood.
pub fn figure(inside: &str) -> (FigureSize, Vec<String>) {
    let mut size = FigureSize::default();
    let mut unknown = Vec::new();
    for part in inside.split_whitespace() {
        if let Some(class) = part.strip_prefix('.') {
            if class == "bleed" || class == "full-bleed" {
                size.bleed = true;
            }
            continue;
        }
        if part.starts_with('#') {
            continue;
        }
        match part.split_once('=') {
            Some(("width", v)) => match length(v) {
                Some(l) => size.width = Some(l),
                None => unknown.push(part.to_string()),
            },
            Some(("height", v)) => match length(v) {
                Some(l) => size.height = Some(l),
                None => unknown.push(part.to_string()),
            },
            _ => unknown.push(part.to_string()),
        }
    }
    (size, unknown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_classes() {
        let (s, bad) = figure("width=50% height=2in .bleed #fig1 .wide");
        assert_eq!(s.width, Some(Length::Percent(50.0)));
        assert_eq!(s.height, Some(Length::Pt(144.0)));
        assert!(s.bleed);
        assert!(bad.is_empty());
        let (s, bad) = figure("width=300 colour=red height=x");
        assert_eq!(s.width, Some(Length::Px(300.0)));
        assert_eq!(bad, ["colour=red", "height=x"]);
        assert_eq!(length("\"8cm\""), Some(Length::Pt(8.0 * 72.0 / 2.54)));
        assert_eq!(length("150%"), None);
    }
}

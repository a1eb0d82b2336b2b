//! Themes: the design layout sets the book in, from a built-in theme
//! (`book`, `report`, `magazine`) and the type controls of `[pdf.style]`
//! over it: the faces of body text, headings and code (bundled, or font
//! files loaded into the build's font set), size and leading, indent or
//! spacing between paragraphs, columns, how chapters open, and the colour of
//! links (none for print).
//!
//! Input: the PDF options and the font set. Output: a [`Theme`], plain
//! data every layout step reads through [`super::Ctx`].

use super::{ParStyle, TextAlign};
use crate::pdf::frame::Color;
use crate::pdf::{Opening, PdfOptions, ThemeName};
use crate::text::{Abs, FaceId, FontSet};
use std::path::Path;

/// The resolved design.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Theme {
    /// The built-in theme it starts from.
    pub name: ThemeName,
    /// Body faces: regular, italic, bold, bold italic.
    pub serif: [FaceId; 4],
    /// Heading faces: regular, bold.
    pub sans: [FaceId; 2],
    /// Code faces: regular, bold.
    pub mono: [FaceId; 2],
    /// Body size.
    pub size: Abs,
    /// Body leading.
    pub leading: Abs,
    /// First-line indent of a paragraph after another.
    pub indent: Abs,
    /// Space between paragraphs.
    pub spacing: Abs,
    /// Text columns (1 or 2).
    pub columns: u8,
    /// Space between columns.
    pub gap: Abs,
    /// How chapters open.
    pub opening: Opening,
    /// Body text justified (else ragged right).
    pub justify: bool,
    /// The colour of link text.
    pub link: Color,
}

impl Default for Theme {
    fn default() -> Theme {
        Theme::builtin(ThemeName::Book)
    }
}

impl Theme {
    /// A built-in theme with the bundled faces.
    pub fn builtin(name: ThemeName) -> Theme {
        let base = Theme {
            name,
            serif: [
                FaceId::Serif,
                FaceId::SerifItalic,
                FaceId::SerifBold,
                FaceId::SerifBoldItalic,
            ],
            sans: [FaceId::Sans, FaceId::SansBold],
            mono: [FaceId::Mono, FaceId::MonoBold],
            size: Abs::pt(11.0),
            leading: Abs::pt(14.0),
            indent: Abs::pt(11.0),
            spacing: Abs::ZERO,
            columns: 1,
            gap: Abs::pt(14.0),
            opening: Opening::Sink,
            justify: true,
            link: Color::BLACK,
        };
        match name {
            ThemeName::Book => base,
            // A report: spaced, not indented, paragraphs set ragged, as
            // business and technical documents are.
            ThemeName::Report => Theme {
                size: Abs::pt(10.5),
                leading: Abs::pt(14.0),
                indent: Abs::ZERO,
                spacing: Abs::pt(6.0),
                opening: Opening::Plain,
                justify: false,
                ..base
            },
            // A magazine: smaller type on a tighter leading in two columns.
            ThemeName::Magazine => Theme {
                size: Abs::pt(9.5),
                leading: Abs::pt(12.5),
                indent: Abs::pt(9.5),
                columns: 2,
                gap: Abs::pt(12.0),
                opening: Opening::Plain,
                ..base
            },
        }
    }

    /// The theme the options ask for: the built-in one, the style's fonts
    /// (found in `fonts` by their file) and values over it. Links are black
    /// in print and blue on screen.
    pub fn new(options: &PdfOptions, fonts: &FontSet) -> Theme {
        let style = &options.style;
        let mut t = Theme::builtin(style.theme);
        let face =
            |path: &Option<std::path::PathBuf>| path.as_deref().and_then(|p| loaded(fonts, p));
        if let Some(body) = face(&style.body_font) {
            // A body face without its variants stands in for them.
            t.serif = [body; 4];
        }
        for (slot, path) in [
            (1, &style.italic_font),
            (2, &style.bold_font),
            (3, &style.bold_italic_font),
        ] {
            if let Some(f) = face(path) {
                t.serif[slot] = f;
            }
        }
        if let Some(f) = face(&style.heading_font) {
            t.sans = [f; 2];
        }
        if let Some(f) = face(&style.mono_font) {
            t.mono = [f; 2];
        }
        if let Some(size) = style.size {
            // Leading keeps the theme's proportion unless given.
            t.leading = t.leading * (size / t.size);
            t.indent = t.indent * (size / t.size);
            t.size = size;
        }
        if let Some(leading) = style.leading {
            t.leading = leading.max(t.size);
        }
        if let Some(indent) = style.indent {
            t.indent = indent;
        }
        if let Some(spacing) = style.spacing {
            t.spacing = spacing;
        }
        if let Some(columns) = style.columns {
            t.columns = columns.clamp(1, 2);
        }
        if let Some(opening) = style.opening {
            t.opening = opening;
        }
        if options.ragged {
            t.justify = false;
        }
        if options.screen {
            t.link = Color::LINK;
        }
        t
    }

    /// The italic of a face of the theme (the bundled rule for others).
    pub fn italic(&self, face: FaceId) -> FaceId {
        match self.serif.iter().position(|f| *f == face) {
            Some(i) => self.serif[i | 1],
            None if self.sans.contains(&face) || self.mono.contains(&face) => face,
            None => face.italic(),
        }
    }

    /// The bold of a face of the theme.
    pub fn bold(&self, face: FaceId) -> FaceId {
        if let Some(i) = self.serif.iter().position(|f| *f == face) {
            return self.serif[i | 2];
        }
        if self.sans.contains(&face) {
            return self.sans[1];
        }
        if self.mono.contains(&face) {
            return self.mono[1];
        }
        face.bold()
    }

    /// Body text.
    pub fn body(&self) -> ParStyle {
        ParStyle {
            face: self.serif[0],
            size: self.size,
            leading: self.leading,
            color: Color::BLACK,
            align: if self.justify {
                TextAlign::Justify
            } else {
                TextAlign::Left
            },
            first_indent: Abs::ZERO,
            small_caps: false,
            display: false,
        }
    }

    /// A flush-left display style (never hyphenated, lines balanced) in
    /// `face`, `size` on `leading` points scaled with the body size.
    pub fn display(&self, face: FaceId, size: f64, leading: f64, color: Color) -> ParStyle {
        let scale = self.size / Abs::pt(11.0);
        ParStyle {
            face,
            size: Abs::pt(size) * scale,
            leading: Abs::pt(leading) * scale,
            color,
            align: TextAlign::Left,
            first_indent: Abs::ZERO,
            small_caps: false,
            display: true,
        }
    }

    /// A heading of `level`: its style, the space above and below.
    pub fn heading(&self, level: u8) -> (ParStyle, Abs, Abs) {
        let (face, size, leading, before, after) = match level {
            1 => (self.sans[1], 22.0, 26.0, 4.0, 8.0),
            2 => (self.sans[1], 13.0, 16.0, 14.0, 4.0),
            3 => (self.sans[1], 11.5, 14.0, 12.0, 3.0),
            _ => (self.serif[2], 10.5, 13.5, 10.0, 2.0),
        };
        let scale = self.size / Abs::pt(11.0);
        (
            self.display(face, size, leading, Color::BLACK),
            Abs::pt(before) * scale,
            Abs::pt(after) * scale,
        )
    }
}

/// The face loaded from `path`, if the font set has it.
fn loaded(fonts: &FontSet, path: &Path) -> Option<FaceId> {
    let want = path.display().to_string();
    fonts.fonts().find(|f| f.origin == want).map(|f| f.id)
}

//! What the layout steps share: the context of the piece being set ([`Ctx`]:
//! the document, fonts, labels, language, what was found missing) and the
//! style of a paragraph ([`ParStyle`], [`TextAlign`]).

use super::{Theme, math};
use crate::diag::{Diagnostics, Span};
use crate::doc::{Direction, Document, NoteId};
use crate::labels::Labels;
use crate::pdf::frame::Color;
use crate::text::{Abs, FaceId, FontSet, LangTag, missing::Missing};
use std::collections::BTreeMap;

/// Horizontal alignment of lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextAlign {
    /// Flush left and right (all but the last line).
    Justify,
    /// Flush left, ragged right.
    Left,
    /// Centred.
    Center,
    /// Flush right.
    Right,
}

/// The style of a paragraph.
#[derive(Debug, Clone)]
pub struct ParStyle {
    /// Face of the text.
    pub face: FaceId,
    /// Font size.
    pub size: Abs,
    /// Baseline-to-baseline distance.
    pub leading: Abs,
    /// Text colour.
    pub color: Color,
    /// Alignment.
    pub align: TextAlign,
    /// Indent of the first line.
    pub first_indent: Abs,
    /// Small capitals.
    pub small_caps: bool,
    /// Display text (headings, titles, standfirsts): never hyphenated, its
    /// lines balanced so none ends on a lone short word.
    pub display: bool,
}

impl ParStyle {
    /// A flush-left style without indent: `size` on `leading`, in `face` and `color`.
    pub fn left(face: FaceId, size: f64, leading: f64, color: Color) -> ParStyle {
        ParStyle {
            face,
            size: Abs::pt(size),
            leading: Abs::pt(leading),
            color,
            align: TextAlign::Left,
            first_indent: Abs::ZERO,
            small_caps: false,
            display: false,
        }
    }

    /// Body text: Libertine 11/14, justified.
    pub fn body() -> ParStyle {
        ParStyle {
            face: FaceId::Serif,
            size: Abs::pt(11.0),
            leading: Abs::pt(14.0),
            color: Color::BLACK,
            align: TextAlign::Justify,
            first_indent: Abs::ZERO,
            small_caps: false,
            display: false,
        }
    }
}

/// State shared by the layout steps.
pub struct Ctx<'a> {
    /// The document.
    pub doc: &'a Document,
    /// The faces text is set in.
    pub fonts: &'a FontSet,
    /// The words bindery writes, in the book's language.
    pub labels: &'a Labels,
    /// Problems found while setting (reported by the caller, in order).
    pub diags: Diagnostics,
    /// Whether to hyphenate.
    pub hyphenate: bool,
    /// Set body text ragged-right instead of justified.
    pub ragged: bool,
    /// The hyphenation language.
    pub lang: hypher::Lang,
    /// The book's language.
    pub book_lang: Option<LangTag>,
    /// The patterns a Latin word without language markup is hyphenated
    /// with: the book's, when its language writes Latin and has them.
    pub latin_hyphenation: Option<hypher::Lang>,
    /// The book is written right to left (its language is).
    pub book_rtl: bool,
    /// The language markup gives the blocks being set (`<div lang>`).
    pub block_lang: Option<LangTag>,
    /// The direction markup gives the blocks being set (`<div dir>`).
    pub block_dir: Option<Direction>,
    /// Characters no font has, counted by script with their first use
    /// (reported by the caller, once per book: chapters are set in parallel).
    pub(crate) missing: Missing,
    /// The number of each note of the chapter being set.
    pub note_numbers: std::sync::Arc<BTreeMap<NoteId, usize>>,
    /// Notes referenced in the piece being set, in order of first reference.
    pub chapter_notes: Vec<NoteId>,
    /// Glyphs wider than the whole measure (each overflows alone).
    pub(crate) overflows: usize,
    /// The math face, parsed on the first formula (shared by the pieces).
    pub math: math::MathFaces<'a>,
    /// The page number (as printed) of each anchor, from an earlier layout,
    /// when references say on which page their target is.
    pub page_of: Option<std::sync::Arc<BTreeMap<crate::doc::AnchorId, String>>>,
    /// How code is highlighted, and whether colour turns to grey.
    pub code: std::sync::Arc<crate::highlight::CodeStyle>,
    /// Greys only (see [`PdfOptions::greyscale`]).
    pub greyscale: bool,
    /// The design.
    pub theme: Theme,
    /// Images printed under this resolution are warned about.
    pub min_dpi: f64,
    /// The tallest a figure may be (the text block, less room for a caption).
    pub max_figure: Abs,
    /// What a full-bleed plate covers: the trimmed page and its bleed
    /// (top, bottom and outer edge).
    pub plate: (Abs, Abs),
    /// The measure of a turned (landscape) page: the text block's height
    /// (0: no turned pages).
    pub landscape: Abs,
}

impl<'a> Ctx<'a> {
    /// A context for laying out `doc`, with its labels.
    pub fn new(doc: &'a Document, fonts: &'a FontSet, labels: &'a Labels) -> Ctx<'a> {
        let language = doc.meta.language.as_deref().unwrap_or("en");
        let code = language
            .split(['-', '_'])
            .next()
            .unwrap_or("en")
            .to_ascii_lowercase();
        let lang = code
            .as_bytes()
            .try_into()
            .ok()
            .and_then(hypher::Lang::from_iso);
        Ctx {
            doc,
            fonts,
            labels,
            diags: Diagnostics::default(),
            hyphenate: lang.is_some(),
            ragged: false,
            lang: lang.unwrap_or(hypher::Lang::English),
            book_lang: LangTag::new(language),
            latin_hyphenation: lang.filter(|_| {
                crate::text::script::scripts_of(language)
                    .contains(&crate::text::script::Script::Latin)
            }),
            book_rtl: crate::epub::package::is_rtl(language),
            block_lang: None,
            block_dir: None,
            missing: Missing::default(),
            note_numbers: Default::default(),
            chapter_notes: Vec::new(),
            overflows: 0,
            math: math::MathFaces::default(),
            page_of: None,
            code: Default::default(),
            greyscale: false,
            theme: Theme::default(),
            min_dpi: 0.0,
            max_figure: Abs::pt(400.0),
            plate: (Abs::ZERO, Abs::ZERO),
            landscape: Abs::ZERO,
        }
    }

    /// The number of a note in its chapter (see [`note_numbers`]); the
    /// note is set with the piece that references it first.
    pub fn note_number(&mut self, id: NoteId) -> usize {
        if !self.chapter_notes.contains(&id) {
            self.chapter_notes.push(id);
        }
        match self.note_numbers.get(&id) {
            Some(&n) => n,
            None => self.note_numbers.len() + self.chapter_notes.len(),
        }
    }

    /// Notes a character no font can draw (each use counts).
    pub fn missing_glyph(&mut self, c: char, span: Span) {
        self.missing.add(c, span);
    }

    /// Counts glyphs wider than the whole measure (they overflow alone).
    pub fn overflow(&mut self, _glyph: &str) {
        self.overflows += 1;
    }
}

//! Layout: tree → finished pages.
//!
//! Input: the resolved document, the font set and the PDF options. Output: a
//! stream of finished [`Page`]s — body, footnotes, running heads, folios,
//! crop marks, the contents — and, at the end, the [`Book`]: where anchors
//! landed, the outline, page labels and metadata. The PDF exporter reads
//! nothing else; [`layout`] collects the same stream for tests, so the frame
//! snapshot is what ships.
//!
//! Steps, one file each: [`inline`] (paragraphs into lines, with
//! [`linebreak`]), [`flow`] (blocks into a column of chunks), [`pages`]
//! (chunks onto pages, footnotes at their foot), [`furniture`] (folios,
//! running heads, marks), [`contents`] (the contents page), [`front`] (the
//! front matter); `ctx.rs` holds what the steps share, and `stream.rs`
//! drives them. Chapters are cut into [`Piece`]s of at most
//! [`PIECE_BLOCKS`] blocks, set in parallel a window at a time and
//! paginated in order, so memory stays bounded however long a chapter is.

pub mod contents;
mod ctx;
pub mod flow;
pub mod front;
pub mod furniture;
mod geometry;
pub mod inline;
pub mod linebreak;
pub mod math;
pub mod pages;
mod piece;
mod stream;
mod technical;
pub mod theme;

pub use ctx::{Ctx, ParStyle, TextAlign};
pub use geometry::Geometry;
pub use piece::{PIECE_BLOCKS, Piece, note_numbers, pieces};
pub use stream::stream;
pub use theme::Theme;

use super::PdfOptions;
use super::frame::{Book, Page, Section};
use crate::diag::Diagnostics;
use crate::doc::Document;
use crate::text::FontSet;

/// The whole book laid out in memory (for tests and small tools; the PDF
/// backend streams with [`stream`]).
#[derive(Debug, Clone)]
pub struct Layout {
    /// The pages, in document order (front matter first).
    pub pages: Vec<Page>,
    /// The book-level facts.
    pub book: Book,
}

/// Lays out the whole book in memory, pages in document order: the same
/// pages [`stream`] hands to the exporter.
pub fn layout(
    doc: &Document,
    fonts: &FontSet,
    options: &PdfOptions,
    diags: &mut Diagnostics,
) -> Layout {
    let mut body = Vec::new();
    let mut front = Vec::new();
    let book = stream(doc, fonts, options, diags, &mut |section, pages| {
        match section {
            Section::Front => front.extend(pages),
            Section::Body => body.extend(pages),
        }
        Ok(())
    })
    .expect("collecting pages cannot fail");
    front.extend(body);
    Layout { pages: front, book }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{FileId, Span};
    use crate::doc::NoteId;
    use crate::doc::{Block, Chapter, Inline};

    fn span() -> Span {
        Span::new(FileId(0), 0..0)
    }

    fn paragraph(text: &str) -> Block {
        Block::Paragraph {
            content: vec![Inline::Text(text.into())],
            span: span(),
        }
    }

    fn heading(text: &str) -> Block {
        Block::Heading {
            level: 2,
            content: vec![Inline::Text(text.into())],
            anchor: crate::doc::AnchorId(0),
            span: span(),
        }
    }

    fn book(blocks: Vec<Block>) -> Document {
        let mut doc = Document::default();
        doc.chapters.push(Chapter {
            source: "test.md".into(),
            dialect: crate::doc::Dialect::CommonMark,
            title: None,
            section: None,
            anchor: crate::doc::AnchorId(0),
            blocks,
            ids: Vec::new(),
        });
        doc
    }

    #[test]
    fn pieces_cover_every_block_and_never_end_on_a_heading() {
        let mut blocks = Vec::new();
        for i in 0..40 {
            blocks.push(if i % 4 == 3 {
                heading("Section")
            } else {
                paragraph("Text.")
            });
        }
        let doc = book(blocks);
        let pieces = pieces(&doc, 7);
        assert!(pieces.len() > 4);
        let mut next = 0;
        for (i, piece) in pieces.iter().enumerate() {
            assert_eq!(piece.blocks.start, next, "pieces are contiguous");
            next = piece.blocks.end;
            assert_eq!(piece.last, i + 1 == pieces.len());
            let end = &doc.chapters[0].blocks[piece.blocks.end - 1];
            assert!(
                piece.last || !matches!(end, Block::Heading { .. }),
                "piece {i} ends on a heading"
            );
        }
        assert_eq!(next, 40);
    }

    #[test]
    fn a_long_chapter_is_handed_over_while_it_is_set() {
        let text = "A paragraph of ordinary prose that fills a few lines of the \
                    page with words, so that the chapter runs over many pages. "
            .repeat(3);
        let doc = book((0..3000).map(|_| paragraph(&text)).collect());
        let fonts = FontSet::bundled();
        let mut diags = Diagnostics::default();
        let mut handed = Vec::new();
        let book = stream(
            &doc,
            &fonts,
            &PdfOptions::default(),
            &mut diags,
            &mut |_, pages| {
                handed.push(pages.len());
                Ok(())
            },
        )
        .unwrap();
        let total: usize = handed.iter().sum();
        assert_eq!(total, book.pages());
        // One chapter of 3,000 paragraphs: its pages leave layout in many
        // batches, none holding more than a few pieces' worth.
        assert!(handed.len() >= 3000 / PIECE_BLOCKS, "{handed:?}");
        assert!(handed.iter().all(|&n| n < total / 2), "{handed:?}");
    }

    #[test]
    fn notes_are_numbered_in_order_of_first_reference() {
        let mut doc = book(vec![Block::Paragraph {
            content: vec![
                Inline::NoteRef(NoteId(1)),
                Inline::Text("x".into()),
                Inline::NoteRef(NoteId(0)),
                Inline::NoteRef(NoteId(1)),
            ],
            span: span(),
        }]);
        for blocks in [
            vec![paragraph("first note")],
            vec![Block::Paragraph {
                content: vec![Inline::NoteRef(NoteId(2))],
                span: span(),
            }],
            vec![paragraph("a note in a note")],
        ] {
            doc.notes.push(crate::doc::Note {
                label: String::new(),
                anchor: crate::doc::AnchorId(0),
                back: crate::doc::AnchorId(0),
                chapter: 0,
                blocks,
            });
        }
        let numbers = note_numbers(&doc, 0);
        assert_eq!(numbers[&NoteId(1)], 1);
        assert_eq!(numbers[&NoteId(0)], 2);
        assert_eq!(numbers[&NoteId(2)], 3, "referenced from note 1");
    }
}

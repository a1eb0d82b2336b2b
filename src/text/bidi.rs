//! Bidirectional text (UAX #9, with `unicode-bidi`): the direction of a
//! paragraph, the embedding level of every character, and the visual order
//! of the pieces of a line.
//!
//! Input: a paragraph's text and, when the markup says, its direction.
//! Output: levels (even: left to right, odd: right to left) by byte, and
//! for a line's pieces, the order to draw them in. Lines are reordered
//! after they are broken (rule L2), so a line break never moves text
//! between lines.

use unicode_bidi::{Level, ParagraphBidiInfo};

/// The direction of a paragraph from its first strong character (rules P2
/// and P3); `None` when it has none (digits, punctuation), for the caller
/// to take the direction of what surrounds it.
pub fn first_strong(text: &str) -> Option<bool> {
    match unicode_bidi::get_base_direction(text) {
        unicode_bidi::Direction::Ltr => Some(false),
        unicode_bidi::Direction::Rtl => Some(true),
        unicode_bidi::Direction::Mixed => None,
    }
}

/// The embedding levels of a paragraph.
#[derive(Debug, Clone)]
pub struct Levels {
    /// Right to left as a whole.
    pub rtl: bool,
    /// The level of each byte of the text.
    levels: Vec<u8>,
}

impl Levels {
    /// Resolves the levels of `text`, a paragraph written `rtl` (right to
    /// left) or left to right.
    pub fn new(text: &str, rtl: bool) -> Levels {
        let base = if rtl { Level::rtl() } else { Level::ltr() };
        let info = ParagraphBidiInfo::new(text, Some(base));
        Levels {
            rtl,
            levels: info.levels.iter().map(Level::number).collect(),
        }
    }

    /// Levels of text that is left to right throughout.
    pub fn ltr(len: usize) -> Levels {
        Levels {
            rtl: false,
            levels: vec![0; len],
        }
    }

    /// The level of the character at byte `at` (the paragraph's own level
    /// past the end).
    pub fn at(&self, at: usize) -> u8 {
        self.levels.get(at).copied().unwrap_or(u8::from(self.rtl))
    }

    /// The paragraph's own level.
    pub fn base(&self) -> u8 {
        u8::from(self.rtl)
    }

    /// Whether any character is right to left.
    pub fn has_rtl(&self) -> bool {
        self.levels.iter().any(|l| l % 2 == 1)
    }
}

/// The visual order of a line's pieces from their levels (rule L2): index
/// `i` of the result is the piece drawn `i`-th from the left.
pub fn visual_order(levels: &[u8]) -> Vec<usize> {
    if levels.iter().all(|l| l % 2 == 0) && levels.windows(2).all(|w| w[0] == w[1]) {
        return (0..levels.len()).collect();
    }
    let levels: Vec<Level> = levels
        .iter()
        .map(|&l| Level::new(l).unwrap_or_else(|_| Level::ltr()))
        .collect();
    ParagraphBidiInfo::reorder_visual(&levels)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directions_and_levels() {
        assert_eq!(first_strong("שלום world"), Some(true));
        assert_eq!(first_strong("hello שלום"), Some(false));
        assert_eq!(first_strong("123 ..."), None);
        let text = "abc שלום def";
        let levels = Levels::new(text, false);
        assert_eq!(levels.at(0), 0);
        assert_eq!(levels.at(4), 1, "Hebrew is level 1");
        assert!(levels.has_rtl());
        // In a right-to-left paragraph, Latin is embedded at level 2.
        let levels = Levels::new("שלום abc", true);
        assert_eq!(levels.at(0), 1);
        assert_eq!(levels.at("שלום ".len()), 2);
    }

    #[test]
    fn lines_reorder_by_level() {
        // LTR words around two RTL ones: the RTL pair is reversed.
        assert_eq!(visual_order(&[0, 1, 1, 0]), [0, 2, 1, 3]);
        // An RTL paragraph with an LTR phrase: the whole line reverses,
        // the phrase keeps its inner order.
        assert_eq!(visual_order(&[1, 2, 2, 1]), [3, 1, 2, 0]);
        assert_eq!(visual_order(&[0, 0]), [0, 1]);
    }
}

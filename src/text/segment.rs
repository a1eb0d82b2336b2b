//! Where text may be divided: line-break opportunities by UAX #14 with
//! dictionaries for the scripts that write words without spaces (Thai,
//! Lao, Khmer, Burmese), and grapheme clusters (what a reader takes for one
//! character), both from `icu_segmenter`, as typst does.
//!
//! Input: text. Output: byte offsets. The rules of UAX #14 in strict mode
//! carry the kinsoku rules of Japanese and Chinese: no break before closing
//! brackets, full stops, commas, small kana or the prolonged sound mark, and
//! none after opening brackets.

use icu_segmenter::options::{LineBreakOptions, LineBreakStrictness};
use icu_segmenter::{GraphemeClusterSegmenter, LineSegmenter};
use std::sync::LazyLock;

/// The line segmenter, with its dictionaries (compiled-in data: built once
/// per process, read-only).
static LINES: LazyLock<icu_segmenter::LineSegmenterBorrowed<'static>> = LazyLock::new(|| {
    let mut options = LineBreakOptions::default();
    options.strictness = Some(LineBreakStrictness::Strict);
    LineSegmenter::new_dictionary(options)
});

/// Byte offsets where a line may break in `text`, after its start and up
/// to its end (the end included).
pub fn line_breaks(text: &str) -> Vec<usize> {
    LINES.segment_str(text).filter(|&i| i > 0).collect()
}

/// The grapheme clusters of `text`, as byte ranges in order.
pub fn clusters(text: &str) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    let mut breaks = GraphemeClusterSegmenter::new().segment_str(text);
    let mut start = breaks.next().unwrap_or(0);
    std::iter::from_fn(move || {
        let end = breaks.next()?;
        let range = start..end;
        start = end;
        Some(range)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thai_breaks_at_words_and_japanese_between_characters() {
        // "Thai language" (two words): a break between them.
        let thai = "ภาษาไทย";
        let breaks = line_breaks(thai);
        assert!(breaks.contains(&"ภาษา".len()), "{breaks:?}");
        assert!(!breaks.contains(&"ภา".len()), "{breaks:?}");
        // Japanese: between characters, but not before the full stop
        // or a small kana (kinsoku).
        let ja = "東京です。ちょっと";
        let breaks = line_breaks(ja);
        assert!(breaks.contains(&"東".len()));
        assert!(!breaks.contains(&"東京です".len()), "no break before 。");
        assert!(
            !breaks.contains(&"東京です。ち".len()),
            "no break before ょ"
        );
        assert_eq!(breaks.last(), Some(&ja.len()));
    }

    #[test]
    fn clusters_keep_marks_and_emoji_sequences() {
        let text = "e\u{301}क्षि👍🏽x";
        let parts: Vec<&str> = clusters(text).map(|r| &text[r]).collect();
        assert_eq!(parts, ["e\u{301}", "क्षि", "👍🏽", "x"]);
    }
}

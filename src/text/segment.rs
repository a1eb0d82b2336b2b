//! Where text may be divided: line-break opportunities by UAX #14 with
//! dictionaries for the scripts that write words without spaces (Thai,
//! Lao, Khmer, Burmese), and grapheme clusters (what a reader takes for one
//! character), both from `icu_segmenter`, as typst does.
//!
//! Also where a URL or a long identifier may break ([`url_breaks`]): after
//! its punctuation, with no hyphen added, in both the PDF and the EPUB.
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

/// Whether `text` reads as a web address: `scheme://…`, `www.…` or
/// `mailto:…`, without spaces.
pub fn is_url(text: &str) -> bool {
    !text.contains(char::is_whitespace)
        && (text.contains("://") || text.starts_with("www.") || text.starts_with("mailto:"))
}

/// Whether `text`, set as code, is a long identifier or path
/// (`std::collections::hash_map::DefaultHasher`, `src/pdf/layout/mod.rs`):
/// at least 16 characters, no spaces, with a `/`, `.`, `_` or `::` in it.
pub fn is_identifier(text: &str) -> bool {
    text.chars().count() >= 16
        && !text.contains(char::is_whitespace)
        && (text.contains(['/', '.', '_']) || text.contains("::"))
}

/// Where a URL or an identifier may break across lines, as byte offsets:
/// after `/`, `.`, `-`, `?`, `&`, `=`, `_`, `#` and `:` (one rule, after
/// the mark, which stays at the line's end and shows that the address goes
/// on; nothing is added, so the text copied from the page is the address).
/// Never inside a doubled mark (`//`, `::`), never between `:` and `//`,
/// never leaving fewer than three characters before the first break or
/// after the last.
pub fn url_breaks(text: &str) -> Vec<usize> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = Vec::new();
    for (k, &(i, c)) in chars.iter().enumerate() {
        let next = chars.get(k + 1).map(|&(_, n)| n);
        let after = i + c.len_utf8();
        let marked = matches!(c, '/' | '.' | '-' | '?' | '&' | '=' | '_' | '#' | ':');
        let doubled = next == Some(c) || (c == ':' && next == Some('/'));
        if marked && !doubled && k + 1 >= 3 && chars.len() - (k + 1) >= 3 {
            out.push(after);
        }
    }
    out
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
    fn urls_break_after_their_marks_never_inside_doubled_ones() {
        let url = "https://example.com/a-path/to?x=1&y=2";
        let parts: Vec<&str> = {
            let mut from = 0;
            let mut v = Vec::new();
            for at in url_breaks(url).into_iter().chain([url.len()]) {
                v.push(&url[from..at]);
                from = at;
            }
            v
        };
        assert_eq!(
            parts,
            [
                "https://", "example.", "com/", "a-", "path/", "to?", "x=", "1&", "y=2"
            ]
        );
        let id = "std::collections::hash_map::DefaultHasher";
        assert!(is_identifier(id) && !is_url(id));
        let cuts: Vec<&str> = url_breaks(id).iter().map(|&i| &id[..i]).collect();
        assert_eq!(
            cuts,
            [
                "std::",
                "std::collections::",
                "std::collections::hash_",
                "std::collections::hash_map::"
            ]
        );
        assert!(is_url("www.example.org") && !is_url("see www.example.org"));
        assert!(!is_identifier("short.rs"));
    }

    #[test]
    fn clusters_keep_marks_and_emoji_sequences() {
        let text = "e\u{301}क्षि👍🏽x";
        let parts: Vec<&str> = clusters(text).map(|r| &text[r]).collect();
        assert_eq!(parts, ["e\u{301}", "क्षि", "👍🏽", "x"]);
    }
}

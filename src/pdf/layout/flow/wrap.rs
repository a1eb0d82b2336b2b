//! Where a code line too long for the measure continues: after a space or a
//! separator when one is near the end of the row (so words and identifiers
//! stay whole), under the line's own indentation, behind a drawn hook mark
//! that is not text (copying the code gives the code, not the mark).

use crate::pdf::frame::{Color, Item};
use crate::text::{Abs, Point};

/// Whether a code line may continue on the next row between `before` and
/// `after`: after a space or a separator (not right before a closing
/// bracket), or before the `.` of a method chain.
fn breaks_between(before: char, after: char) -> bool {
    let separator = matches!(
        before,
        ' ' | ',' | ';' | '(' | '[' | '{' | '=' | '&' | '|' | '+'
    );
    (separator && !matches!(after, ' ' | ')' | ']' | '}')) || (before == ')' && after == '.')
}

/// Byte offsets at which the rows of `line` start, after the first: each
/// row holds at most `first` characters (the first row) or `next` (the
/// continuations), and ends after the last space or separator past its
/// first third, or where the characters run out of room when it has none.
pub(super) fn row_starts(line: &str, first: usize, next: usize) -> Vec<usize> {
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let mut starts = Vec::new();
    let mut at = 0;
    let mut room = first.max(1);
    while chars.len() - at > room {
        let end = at + room;
        let cut = (at + room / 3 + 1..=end)
            .rev()
            .find(|&i| breaks_between(chars[i - 1].1, chars[i].1))
            .unwrap_or(end);
        starts.push(chars[cut].0);
        at = cut;
        room = next.max(1);
    }
    starts
}

/// The number of leading spaces of a line (its indentation), at most `max`.
pub(super) fn indentation(line: &str, max: usize) -> usize {
    line.chars().take_while(|&c| c == ' ').count().min(max)
}

/// A continuation mark (↪) drawn with rules in a cell `width` wide whose
/// left edge is `x`, on a row `leading` high: a hook down the left and an
/// arrow pointing at the continued text.
pub(super) fn mark(x: Abs, width: Abs, leading: Abs, color: Color) -> Vec<(Point, Item)> {
    let thickness = Abs::pt(0.5);
    let line = |from: Point, dx: Abs, dy: Abs| {
        (
            from,
            Item::Line {
                dx,
                dy,
                color,
                thickness,
            },
        )
    };
    let left = x + width * 0.15;
    let right = x + width * 0.7;
    let top = leading * 0.3;
    let mid = leading * 0.58;
    let head = leading * 0.12;
    vec![
        line(Point::new(left, top), Abs::ZERO, mid - top),
        line(Point::new(left, mid), right - left, Abs::ZERO),
        line(Point::new(right - head, mid - head), head, head),
        line(Point::new(right - head, mid + head), head, -head),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(line: &str, first: usize, next: usize) -> Vec<&str> {
        let mut out = Vec::new();
        let mut at = 0;
        for start in row_starts(line, first, next) {
            out.push(&line[at..start]);
            at = start;
        }
        out.push(&line[at..]);
        out
    }

    #[test]
    fn rows_end_after_a_space_or_separator_not_inside_a_word() {
        let line = "let ratio = compute_the_ratio(first_value, second_value) / 64.0;";
        let got = rows(line, 30, 26);
        assert_eq!(got.concat(), line, "nothing lost or added");
        assert!(got.iter().all(|r| r.chars().count() <= 30));
        assert_eq!(got[0], "let ratio = compute_the_ratio(");
        assert_eq!(got[1], "first_value, ");
        let got = rows(line, 24, 24);
        assert_eq!(got[0], "let ratio = ", "not inside compute_the_ratio");
    }

    #[test]
    fn a_method_chain_continues_before_a_dot_never_inside_empty_brackets() {
        let line = "ratio.max(0.0).min(1.0).sqrt().abs().floor()";
        let got = rows(line, 36, 36);
        assert_eq!(got, ["ratio.max(0.0).min(1.0).sqrt().abs()", ".floor()"]);
    }

    #[test]
    fn a_run_without_separators_is_cut_where_the_room_ends() {
        let line = "x".repeat(25);
        assert_eq!(
            rows(&line, 10, 10),
            ["x".repeat(10), "x".repeat(10), "x".repeat(5)]
        );
    }

    #[test]
    fn a_short_line_is_one_row() {
        assert!(row_starts("fn main() {}", 40, 40).is_empty());
        assert!(row_starts("", 1, 1).is_empty());
    }
}

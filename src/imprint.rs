//! The imprint: what the copyright page of both editions says, and ISBNs
//! read and checked (for that page and the cover's bar code). Neutral, below
//! both backends.

use crate::doc::Metadata;

/// The lines of the copyright page, in order: rights (or © year and
/// authors), edition, publisher and year, ISBN, printing line.
pub fn copyright_lines(meta: &Metadata) -> Vec<String> {
    let year = meta
        .date
        .as_deref()
        .and_then(crate::date::parse)
        .map(|d| d.year.to_string());
    let mut lines = Vec::new();
    match (&meta.rights, &year) {
        (Some(rights), _) => lines.push(rights.clone()),
        (None, Some(year)) if !meta.authors.is_empty() => {
            lines.push(format!("© {year} {}", meta.authors.join(", ")));
        }
        _ => {}
    }
    if let Some(edition) = &meta.edition {
        lines.push(edition.clone());
    }
    if let Some(publisher) = &meta.publisher {
        lines.push(match &year {
            Some(year) => format!("{publisher}, {year}"),
            None => publisher.clone(),
        });
    }
    if let Some(id) = &meta.identifier
        && isbn13(id).is_some()
    {
        lines.push(format!("ISBN {}", id.trim_start_matches("urn:isbn:")));
    }
    if let Some(printing) = &meta.printing {
        lines.push(printing.clone());
    }
    lines
}

/// The check digit of the first twelve digits of an EAN-13 (weights 1, 3).
fn check_digit(digits: &[u8]) -> u8 {
    let sum: u32 = digits
        .iter()
        .take(12)
        .enumerate()
        .map(|(i, &d)| u32::from(d) * if i % 2 == 0 { 1 } else { 3 })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

/// The 13 digits of an ISBN (ISBN-13, or ISBN-10 made one), when the text
/// is an ISBN with a right check digit; hyphens, spaces and an `isbn:` or
/// `urn:isbn:` prefix are allowed.
pub fn isbn13(text: &str) -> Option<[u8; 13]> {
    let lower = text.trim().to_ascii_lowercase();
    let bare = lower
        .strip_prefix("urn:")
        .unwrap_or(&lower)
        .trim_start_matches("isbn")
        .trim_start_matches([':', ' ']);
    let chars: Vec<char> = bare.chars().filter(|c| !matches!(c, '-' | ' ')).collect();
    match chars.len() {
        13 => {
            let digits: Vec<u8> = chars
                .iter()
                .map(|c| c.to_digit(10).map(|d| d as u8))
                .collect::<Option<_>>()?;
            let ok = digits[..3] == [9, 7, 8] || digits[..3] == [9, 7, 9];
            (ok && check_digit(&digits) == digits[12]).then(|| digits.try_into().ok())?
        }
        10 => {
            // ISBN-10: weights 10…1, the last may be X (10).
            let mut sum = 0;
            let mut digits = Vec::with_capacity(10);
            for (i, c) in chars.iter().enumerate() {
                let v = match c {
                    'x' if i == 9 => 10,
                    c => c.to_digit(10)?,
                };
                sum += v * (10 - i as u32);
                digits.push(v as u8);
            }
            if sum % 11 != 0 {
                return None;
            }
            let mut out = [0u8; 13];
            out[..3].copy_from_slice(&[9, 7, 8]);
            out[3..12].copy_from_slice(&digits[..9]);
            out[12] = check_digit(&out);
            Some(out)
        }
        _ => None,
    }
}

//! Language tags: a syntax check of BCP 47 (RFC 5646) well-formedness.
//!
//! Input: a tag as written. Output: whether it is well-formed. Registry
//! validity (that `xx` is an assigned language) is not checked.

/// Whether `tag` is a well-formed BCP 47 language tag (`en`, `fr-CA`,
/// `zh-Hant-TW`, `sr-Latn`, `de-CH-1996`, `x-private`).
pub fn is_well_formed(tag: &str) -> bool {
    let parts: Vec<&str> = tag.split('-').collect();
    let alnum = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric());
    if parts.iter().any(|p| !alnum(p) || p.len() > 8) {
        return false;
    }
    let alpha = |s: &str| s.chars().all(|c| c.is_ascii_alphabetic());
    let digit = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    let mut i = 0;
    // Private use only: x-...
    if parts[0].eq_ignore_ascii_case("x") {
        return parts.len() > 1;
    }
    let lang = parts[0];
    // 5–8 letter primary subtags are reserved and never registered: `english`
    // is a mistake, not a language tag.
    if !(alpha(lang) && (2..=3).contains(&lang.len())) {
        return false;
    }
    i += 1;
    // Extended language subtags (up to three of 3 letters).
    let mut ext = 0;
    while i < parts.len() && ext < 3 && parts[i].len() == 3 && alpha(parts[i]) && lang.len() <= 3 {
        i += 1;
        ext += 1;
    }
    if i < parts.len() && parts[i].len() == 4 && alpha(parts[i]) {
        i += 1; // script
    }
    if i < parts.len()
        && ((parts[i].len() == 2 && alpha(parts[i])) || (parts[i].len() == 3 && digit(parts[i])))
    {
        i += 1; // region
    }
    while i < parts.len()
        && ((5..=8).contains(&parts[i].len())
            || (parts[i].len() == 4 && parts[i].starts_with(|c: char| c.is_ascii_digit())))
    {
        i += 1; // variants
    }
    while i < parts.len() && parts[i].len() == 1 && !parts[i].eq_ignore_ascii_case("x") {
        // extension: singleton then 2-8 character subtags
        i += 1;
        let start = i;
        while i < parts.len() && parts[i].len() >= 2 {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    if i < parts.len() && parts[i].eq_ignore_ascii_case("x") {
        return i + 1 < parts.len();
    }
    i == parts.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_formed_tags() {
        for tag in [
            "en",
            "fr-CA",
            "zh-Hant-TW",
            "sr-Latn",
            "de-CH-1996",
            "es-419",
            "x-klingon",
            "en-US-x-twain",
            "ja",
        ] {
            assert!(is_well_formed(tag), "{tag}");
        }
        for tag in [
            "",
            "english",
            "en_US",
            "e",
            "en-",
            "123",
            "en-US-",
            "toolongtag-x",
        ] {
            assert!(!is_well_formed(tag), "{tag}");
        }
    }
}

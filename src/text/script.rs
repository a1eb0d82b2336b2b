//! Scripts and the languages they stand for: the facts about a character
//! that font choice, shaping, line breaking, hyphenation and the EPUB's
//! `lang` attributes need (Unicode's Script property, from `unicode-script`;
//! emoji presentation, from `unicode-properties`).
//!
//! Input: characters and language tags. Output: scripts, their direction
//! and breaking habits, the language a script most likely writes when the
//! text does not say (`Arab` → `ar`, or `fa` when the text has Persian
//! letters), and whether text needs anything beyond the Latin fast path.

pub use unicode_script::Script;
use unicode_script::UnicodeScript;

/// The script of a character (`Common` for punctuation, digits and
/// symbols, `Inherited` for combining marks).
pub fn of(c: char) -> Script {
    // `unicode-script` searches a table for every character; prose is
    // mostly ASCII and typographic punctuation, answered here directly
    // (a 100-article EPUB spent a third of its time in that search).
    match c {
        'a'..='z' | 'A'..='Z' => Script::Latin,
        '\0'..='\x7f' | '\u{2010}'..='\u{2027}' => Script::Common,
        _ => c.script(),
    }
}

/// Whether a script takes no side of its own: punctuation, digits,
/// symbols, marks and unassigned characters go with their neighbours.
pub fn is_neutral(script: Script) -> bool {
    matches!(script, Script::Common | Script::Inherited | Script::Unknown)
}

/// Whether text needs only what Latin prose needs: no right-to-left
/// character, no script that breaks lines without spaces, nothing a
/// bundled face is unlikely to have. Such text skips the bidi and
/// segmentation work (the fast path of most books).
pub fn is_simple(text: &str) -> bool {
    text.chars().all(|c| {
        (c as u32) < 0x0590
            || matches!(c as u32, 0x1E00..=0x1FFF | 0xFB00..=0xFB06)
            || (matches!(c as u32, 0x2000..=0x22FF) && !is_bidi_control(c))
    })
}

/// The explicit directional formatting characters (and marks) of UAX #9.
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// Whether the script is written right to left.
pub fn is_rtl(script: Script) -> bool {
    matches!(
        script,
        Script::Arabic
            | Script::Hebrew
            | Script::Syriac
            | Script::Thaana
            | Script::Nko
            | Script::Samaritan
            | Script::Mandaic
            | Script::Adlam
            | Script::Hanifi_Rohingya
    )
}

/// Whether lines may break between any two characters of the script
/// (Chinese and Japanese; the kinsoku rules of UAX #14 say where not).
pub fn breaks_anywhere(script: Script) -> bool {
    matches!(
        script,
        Script::Han | Script::Hiragana | Script::Katakana | Script::Bopomofo | Script::Yi
    )
}

/// Whether the script writes words without spaces and needs a dictionary
/// to find where lines may break (Thai, Lao, Khmer, Burmese).
pub fn needs_dictionary(script: Script) -> bool {
    matches!(
        script,
        Script::Thai | Script::Lao | Script::Khmer | Script::Myanmar | Script::Tai_Tham
    )
}

/// Whether a character is drawn as an emoji picture: emoji presentation
/// by default, or followed by the emoji variation selector (`next`).
pub fn is_emoji(c: char, next: Option<char>) -> bool {
    use unicode_properties::UnicodeEmoji;
    use unicode_properties::emoji::EmojiStatus as S;
    match c.emoji_status() {
        S::EmojiPresentation
        | S::EmojiPresentationAndModifierBase
        | S::EmojiPresentationAndEmojiComponent
        | S::EmojiPresentationAndModifierAndEmojiComponent => true,
        S::EmojiOther | S::EmojiModifierBase | S::EmojiOtherAndEmojiComponent => {
            next == Some('\u{FE0F}')
        }
        // NonEmoji, NonEmojiButEmojiComponent, and statuses later Unicode
        // versions add (the enum is non-exhaustive).
        _ => false,
    }
}

/// Whether a character only joins or modifies an emoji sequence (zero-width
/// joiner, variation selectors, skin tones, the keycap mark, tags).
pub fn is_emoji_joiner(c: char) -> bool {
    matches!(
        c,
        '\u{200D}' | '\u{FE0E}' | '\u{FE0F}' | '\u{20E3}' | '\u{1F3FB}'..='\u{1F3FF}' | '\u{E0020}'..='\u{E007F}'
    )
}

/// Whether a character has no glyph of its own (joiners, variation
/// selectors, bidi controls): a face need not have it to draw a cluster.
pub fn is_ignorable(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{E0000}'..='\u{E0FFF}'
    ) || is_bidi_control(c)
}

/// A language tag, short and copyable (for shaping-cache keys and font
/// choice): tags longer than 15 characters keep their first 15.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LangTag {
    bytes: [u8; 15],
    len: u8,
}

impl LangTag {
    /// The tag, if it is ASCII (as every well-formed tag is).
    pub fn new(tag: &str) -> Option<LangTag> {
        let tag = tag.trim();
        if tag.is_empty() || !tag.is_ascii() {
            return None;
        }
        let mut bytes = [0u8; 15];
        let len = tag.len().min(15);
        bytes[..len].copy_from_slice(&tag.as_bytes()[..len]);
        Some(LangTag {
            bytes,
            len: len as u8,
        })
    }

    /// The tag as written.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or("")
    }
}

impl std::fmt::Debug for LangTag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.as_str())
    }
}

/// The primary subtag of a language tag, lowercased (`zh-Hant-TW` → `zh`).
pub fn primary(tag: &str) -> String {
    tag.split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// The scripts a language is written in, for telling whether a stretch of
/// text is in the book's language (`ja`: Han and kana; `sr`: Cyrillic and
/// Latin). Languages not listed write Latin.
pub fn scripts_of(tag: &str) -> &'static [Script] {
    match primary(tag).as_str() {
        "ja" => &[Script::Han, Script::Hiragana, Script::Katakana],
        "zh" | "yue" => &[Script::Han, Script::Bopomofo],
        "ko" => &[Script::Hangul, Script::Han],
        "ar" | "fa" | "ur" | "ps" | "sd" | "ug" | "ckb" => &[Script::Arabic],
        "he" | "yi" => &[Script::Hebrew],
        "hi" | "mr" | "ne" | "sa" => &[Script::Devanagari],
        "bn" | "as" => &[Script::Bengali],
        "pa" => &[Script::Gurmukhi],
        "gu" => &[Script::Gujarati],
        "or" => &[Script::Oriya],
        "ta" => &[Script::Tamil],
        "te" => &[Script::Telugu],
        "kn" => &[Script::Kannada],
        "ml" => &[Script::Malayalam],
        "si" => &[Script::Sinhala],
        "th" => &[Script::Thai],
        "lo" => &[Script::Lao],
        "km" => &[Script::Khmer],
        "my" => &[Script::Myanmar],
        "bo" | "dz" => &[Script::Tibetan],
        "el" => &[Script::Greek],
        "ru" | "uk" | "be" | "bg" | "mk" | "kk" | "ky" | "tg" | "mn" => &[Script::Cyrillic],
        "sr" => &[Script::Cyrillic, Script::Latin],
        "hy" => &[Script::Armenian],
        "ka" => &[Script::Georgian],
        "am" | "ti" => &[Script::Ethiopic],
        "dv" => &[Script::Thaana],
        "syr" => &[Script::Syriac],
        _ => &[Script::Latin],
    }
}

/// The language a script most likely writes, given the text it is in
/// (Persian and Urdu letters tell them from Arabic, kana tells Japanese
/// from Chinese, Ukrainian letters from Russian). `None` for Latin and
/// scripts too widely shared to guess.
pub fn language_of(script: Script, text: &str) -> Option<&'static str> {
    let has = |letters: &str| text.chars().any(|c| letters.contains(c));
    Some(match script {
        Script::Arabic if has("ٹڈڑںےھ") => "ur",
        Script::Arabic if has("پچژگکی") => "fa",
        Script::Arabic => "ar",
        Script::Hebrew => "he",
        Script::Han | Script::Bopomofo
            if text
                .chars()
                .any(|c| matches!(of(c), Script::Hiragana | Script::Katakana)) =>
        {
            "ja"
        }
        Script::Han if text.chars().any(|c| of(c) == Script::Hangul) => "ko",
        Script::Han | Script::Bopomofo => "zh",
        Script::Hiragana | Script::Katakana => "ja",
        Script::Hangul => "ko",
        Script::Devanagari => "hi",
        Script::Bengali => "bn",
        Script::Gurmukhi => "pa",
        Script::Gujarati => "gu",
        Script::Oriya => "or",
        Script::Tamil => "ta",
        Script::Telugu => "te",
        Script::Kannada => "kn",
        Script::Malayalam => "ml",
        Script::Sinhala => "si",
        Script::Thai => "th",
        Script::Lao => "lo",
        Script::Khmer => "km",
        Script::Myanmar => "my",
        Script::Tibetan => "bo",
        Script::Greek => "el",
        Script::Cyrillic if has("ІіЇїЄєҐґ") => "uk",
        Script::Cyrillic => "ru",
        Script::Armenian => "hy",
        Script::Georgian => "ka",
        Script::Ethiopic => "am",
        Script::Thaana => "dv",
        Script::Syriac => "syr",
        _ => return None,
    })
}

/// The language taken for Latin letters in a book whose language is
/// written in another script: English, the likeliest by far (markup such
/// as `[mot]{lang=fr}` says otherwise).
pub const LATIN_GUESS: &str = "en";

/// Whether text in `script` belongs to a book (or passage) in `lang`:
/// its own scripts, and Latin everywhere (names and terms in Latin letters
/// are not another language one can name).
pub fn belongs_to(script: Script, lang: &str) -> bool {
    is_neutral(script) || script == Script::Latin || scripts_of(lang).contains(&script)
}

/// A stretch of text in a script its surroundings' language does not
/// write, with the language that script most likely stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Foreign {
    /// Byte range in the text (from its first letter to its last).
    pub range: std::ops::Range<usize>,
    /// The stretch's language (`ar`, `ja`…).
    pub lang: &'static str,
    /// Written right to left.
    pub rtl: bool,
}

/// The stretches of `text` not in language `lang`: runs of letters of one
/// script `lang` does not write (punctuation and spaces between two of
/// them included), each with its likely language. Scripts too widely
/// shared to name a language are left out. Latin letters in a language
/// written otherwise (an English phrase in an Arabic or Japanese book) are
/// taken for English ([`LATIN_GUESS`]); in a language written in Latin
/// they belong, so text in Latin-1 there has none.
pub fn foreign_runs(text: &str, lang: &str) -> Vec<Foreign> {
    let mut out = Vec::new();
    let latin_foreign = !scripts_of(lang).contains(&Script::Latin);
    if !latin_foreign && all_latin_or_neutral(text) {
        return out;
    }
    // Whether a script's letters belong to `lang` here.
    let belongs = |sc: Script| {
        if sc == Script::Latin {
            !latin_foreign
        } else {
            belongs_to(sc, lang)
        }
    };
    let mut open: Option<(Script, usize, usize)> = None;
    let close = |open: Option<(Script, usize, usize)>, out: &mut Vec<Foreign>| {
        if let Some((sc, start, end)) = open
            && let Some(l) =
                language_of(sc, &text[start..end]).or((sc == Script::Latin).then_some(LATIN_GUESS))
        {
            out.push(Foreign {
                range: start..end,
                lang: l,
                rtl: is_rtl(sc),
            });
        }
    };
    for (i, c) in text.char_indices() {
        let sc = of(c);
        if is_neutral(sc) {
            continue;
        }
        let end = i + c.len_utf8();
        // Han and kana in one Japanese stretch; Hangul with Han.
        let same = |a: Script| a == sc || (breaks_anywhere(a) && breaks_anywhere(sc));
        match open {
            _ if belongs(sc) => close(open.take(), &mut out),
            Some((a, start, _)) if same(a) => open = Some((a, start, end)),
            _ => {
                close(open.take(), &mut out);
                open = Some((sc, i, end));
            }
        }
    }
    close(open, &mut out);
    out
}

/// Whether every character of `text` is Latin or neutral by a range test
/// (Latin letters, ASCII, typographic punctuation): the common case,
/// checked eight ASCII bytes at a time.
fn all_latin_or_neutral(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if let Some(word) = bytes.get(i..i + 8)
            && u64::from_ne_bytes(word.try_into().unwrap_or_default()) & 0x8080_8080_8080_8080 == 0
        {
            i += 8;
            continue;
        }
        if bytes[i] < 0x80 {
            i += 1;
            continue;
        }
        // A character starts here: `i` only ever moves by whole characters.
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        if !matches!(c as u32, 0..=0x024F | 0x1E00..=0x1EFF | 0x2010..=0x2027 | 0x2030..=0x205E) {
            return false;
        }
        i += c.len_utf8();
    }
    true
}

/// The language of a whole block of text when it is not `lang`: every
/// letter belongs to stretches of one other language.
pub fn block_language(text: &str, lang: &str) -> Option<&'static str> {
    let runs = foreign_runs(text, lang);
    let first = runs.first()?;
    if runs.iter().any(|r| r.lang != first.lang) {
        return None;
    }
    let outside = |i: usize| !runs.iter().any(|r| r.range.contains(&i));
    let others = text
        .char_indices()
        .any(|(i, c)| outside(i) && !is_neutral(of(c)));
    (!others).then_some(first.lang)
}

/// What a reader installs to get fonts for a script (Debian's package
/// names; other systems have the same Noto families).
pub fn font_package(script: Script, emoji: bool) -> &'static str {
    if emoji {
        // Noto Color Emoji (drawn in colour in both formats).
        return "fonts-noto-color-emoji";
    }
    match script {
        Script::Han | Script::Hiragana | Script::Katakana | Script::Hangul | Script::Bopomofo => {
            "fonts-noto-cjk"
        }
        _ => "fonts-noto-core",
    }
}

/// The script's name as warnings give it (`Arabic`, `Han`, `emoji`).
pub fn name(script: Script, emoji: bool) -> &'static str {
    if emoji {
        "emoji"
    } else if is_neutral(script) {
        "symbols"
    } else {
        script.full_name()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_path_agrees_with_the_table() {
        for c in ('\0'..='\x7f').chain('\u{2010}'..='\u{2027}') {
            assert_eq!(of(c), c.script(), "{c:?}");
        }
        assert!(all_latin_or_neutral(
            "“Très” — l’été… plain ASCII text, 12:30 Ŋ"
        ));
        assert!(!all_latin_or_neutral("an English sentence with 漢字 in it"));
        assert!(!all_latin_or_neutral("Ελληνικά"));
        // What `foreign_runs` takes for Latin or neutral without looking.
        let ranges = [
            '\0'..='\u{24f}',
            '\u{1e00}'..='\u{1eff}',
            '\u{2010}'..='\u{205e}',
        ];
        for c in ranges
            .into_iter()
            .flatten()
            .filter(|c| !('\u{2028}'..'\u{2030}').contains(c))
        {
            assert!(
                matches!(c.script(), Script::Latin) || is_neutral(c.script()),
                "{c:?}"
            );
        }
    }

    #[test]
    fn scripts_and_their_habits() {
        assert_eq!(of('ع'), Script::Arabic);
        assert!(is_rtl(of('ש')));
        assert!(breaks_anywhere(of('漢')) && breaks_anywhere(of('か')));
        assert!(needs_dictionary(of('ก')));
        assert!(is_neutral(of('1')) && is_neutral(of('\u{301}')));
        assert!(is_emoji('😀', None) && !is_emoji('#', None) && is_emoji('☺', Some('\u{FE0F}')));
    }

    #[test]
    fn simple_text_takes_the_fast_path() {
        assert!(is_simple(
            "Plain English — with “quotes”, Ελληνικά and Русский."
        ));
        assert!(!is_simple("שלום"));
        assert!(!is_simple("漢字"));
        assert!(!is_simple("a\u{202E}b"), "a bidi override is not simple");
    }

    #[test]
    fn languages_from_scripts() {
        assert_eq!(language_of(Script::Arabic, "سلام"), Some("ar"));
        assert_eq!(language_of(Script::Arabic, "این کتاب"), Some("fa"));
        assert_eq!(language_of(Script::Han, "日本語のテキスト"), Some("ja"));
        assert_eq!(language_of(Script::Han, "中文"), Some("zh"));
        assert_eq!(language_of(Script::Cyrillic, "Україна"), Some("uk"));
        assert_eq!(language_of(Script::Latin, "text"), None);
        assert!(belongs_to(Script::Han, "ja-JP") && !belongs_to(Script::Han, "en"));
        assert!(
            belongs_to(Script::Latin, "ja"),
            "Latin letters are never marked"
        );
    }

    #[test]
    fn foreign_stretches() {
        let text = "He said «مرحبا بك» and 東京です.";
        let runs = foreign_runs(text, "en");
        let got: Vec<(&str, &str, bool)> = runs
            .iter()
            .map(|r| (&text[r.range.clone()], r.lang, r.rtl))
            .collect();
        assert_eq!(got, [("مرحبا بك", "ar", true), ("東京です", "ja", false)]);
        assert!(foreign_runs("東京です", "ja").is_empty());
        assert_eq!(block_language("שלום, עולם!", "en"), Some("he"));
        assert_eq!(block_language("Hello שלום", "en"), None);
        assert_eq!(block_language("Plain text", "en"), None);
        // Latin letters in a language written otherwise: taken for English.
        let text = "これは English words です";
        let runs = foreign_runs(text, "ja");
        assert_eq!(runs.len(), 1);
        assert_eq!(&text[runs[0].range.clone()], "English words");
        assert_eq!((runs[0].lang, runs[0].rtl), ("en", false));
        assert_eq!(block_language("Plain text.", "ar"), Some("en"));
        assert_eq!(block_language("Plain text.", "fr"), None);
        assert_eq!(block_language("Plain text.", "sr"), None);
    }
}

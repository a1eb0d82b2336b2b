//! The value of one option: its type, how it is written, and what is said
//! when it is written wrong.
//!
//! Input: text (a string in `bindery.toml` or front matter, or an argument on
//! the command line) or a TOML/YAML scalar. Output: a typed value, or a
//! message in the user's words. Every value is parsed by one function,
//! [`Value::parse`], whichever layer it comes from, so `bleed = "3 furlongs"`
//! in the project file, `bleed: 3 furlongs` in front matter and
//! `--bleed "3 furlongs"` get the same message.

use crate::Format;
use crate::doc::Contributor;
use crate::pdf::{Opening, PaperSize, Standard, Stock, ThemeName};
use crate::resource::MissingPolicy;
use crate::text::Abs;
use serde::de::{self, Deserializer, Visitor};
use std::fmt;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};

/// The value type of one option.
pub trait Value: Sized {
    /// What a value looks like, in the user's words (`a heading level from 1 to 6`).
    const WHAT: &'static str;
    /// Characters that separate the items of a list of these written as one
    /// string (`--meta authors="Ada Lovelace; Charles Babbage"`).
    const SEPARATORS: &'static [char] = &[';'];
    /// Parses a value from text, or says what is wrong with it.
    fn parse(text: &str) -> Result<Self, String>;
    /// Makes a relative path in the value relative to `dir`, the folder of
    /// the file that set it (only values that hold paths do anything).
    fn rebase(&mut self, _dir: &Path) {}
}

/// Deserializes any scalar (string, number, boolean, TOML date) through
/// [`Value::parse`], so every format reaches the same parser.
struct ValueVisitor<T>(PhantomData<T>);

impl<'de, T: Value> Visitor<'de> for ValueVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::WHAT)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        T::parse(v).map_err(E::custom)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<T, E> {
        self.visit_str(if v { "true" } else { "false" })
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        self.visit_str(&v.to_string())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        self.visit_str(&v.to_string())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        self.visit_str(&v.to_string())
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, _: A) -> Result<T, A::Error> {
        Err(de::Error::custom(format!(
            "expected {}, not a list",
            T::WHAT
        )))
    }

    /// A TOML date (`date = 2024-05-01`, unquoted) arrives as a map; anything
    /// else that is a map is a mistake.
    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        use serde::Deserialize;
        match toml::value::Datetime::deserialize(de::value::MapAccessDeserializer::new(map)) {
            Ok(date) => self.visit_str(&date.to_string()),
            Err(_) => Err(de::Error::custom(format!(
                "expected {}, not a table",
                T::WHAT
            ))),
        }
    }
}

/// Implements `Deserialize` through [`ValueVisitor`] for value types.
macro_rules! deserialize_by_parse {
    ($($t:ty),* $(,)?) => {$(
        impl<'de> serde::Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_any(ValueVisitor::<$t>(PhantomData))
            }
        }
    )*};
}

deserialize_by_parse!(
    Text,
    Switch,
    Level,
    Pixels,
    Dpi,
    PaperSize,
    Abs,
    Margins,
    FilePath,
    CoverChoice,
    CslChoice,
    DialectChoice,
    Format,
    MissingPolicy,
    Profile,
    Contributor,
    Standard,
    ThemeName,
    Stock,
    Opening,
    Columns,
    Count,
);

/// Free text (a title, a template); numbers and dates are taken as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text(pub String);

impl Value for Text {
    const WHAT: &'static str = "text";
    fn parse(text: &str) -> Result<Self, String> {
        Ok(Text(text.trim().to_string()))
    }
}

/// On or off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Switch(pub bool);

impl Value for Switch {
    const WHAT: &'static str = "true or false";
    fn parse(text: &str) -> Result<Self, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "on" => Ok(Switch(true)),
            "false" | "no" | "off" => Ok(Switch(false)),
            _ => Err(format!("`{text}` is not true or false")),
        }
    }
}

/// A heading level, 1 to 6.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Level(pub u8);

impl Value for Level {
    const WHAT: &'static str = "a heading level from 1 to 6";
    fn parse(text: &str) -> Result<Self, String> {
        match text.trim().parse::<u8>() {
            Ok(n @ 1..=6) => Ok(Level(n)),
            _ => Err(format!("`{text}` is not a heading level from 1 to 6")),
        }
    }
}

/// A number of pixels (at least 16).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pixels(pub u32);

impl Value for Pixels {
    const WHAT: &'static str = "a number of pixels";
    fn parse(text: &str) -> Result<Self, String> {
        match text.trim().parse::<u32>() {
            Ok(n) if n >= 16 => Ok(Pixels(n)),
            _ => Err(format!(
                "`{text}` is not a number of pixels (a whole number, 16 or more)"
            )),
        }
    }
}

/// A resolution in dots per inch (more than 0).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dpi(pub f64);

impl Value for Dpi {
    const WHAT: &'static str = "a resolution in dots per inch";
    fn parse(text: &str) -> Result<Self, String> {
        match text.trim().parse::<f64>() {
            Ok(n) if n.is_finite() && n > 0.0 && n <= 10_000.0 => Ok(Dpi(n)),
            _ => Err(format!(
                "`{text}` is not a resolution in dots per inch (a number such as 300)"
            )),
        }
    }
}

impl Value for PaperSize {
    const WHAT: &'static str = "a page size";
    fn parse(text: &str) -> Result<Self, String> {
        PaperSize::parse(text).ok_or_else(|| {
            format!(
                "unknown page size `{text}` (a4, a5, b5, letter, 5x8in, 5.5x8.5in, 6x9in, or WxH with mm/cm/in/pt)"
            )
        })
    }
}

impl Value for Abs {
    const WHAT: &'static str = "a length with a unit";
    fn parse(text: &str) -> Result<Self, String> {
        Abs::parse(text)
            .ok_or_else(|| format!("`{text}` is not a length (use a unit: 3mm, 0.125in, 9pt)"))
    }
}

/// Page margins: top, inner, bottom, outer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Margins(pub [Abs; 4]);

impl Value for Margins {
    const WHAT: &'static str = "four lengths TOP,INNER,BOTTOM,OUTER";
    fn parse(text: &str) -> Result<Self, String> {
        crate::pdf::parse_margins(text).map(Margins).ok_or_else(|| {
            format!("`{text}` is not four lengths TOP,INNER,BOTTOM,OUTER (20mm,18mm,25mm,22mm)")
        })
    }
}

/// A file named by an option.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilePath {
    /// The path: as given on the command line, or joined to the folder of
    /// the file that named it.
    pub path: PathBuf,
    /// Named in a file (`bindery.toml`, front matter) rather than on the
    /// command line: such a file must be inside the project folder unless
    /// files outside it are allowed.
    pub from_file: bool,
}

impl Value for FilePath {
    const WHAT: &'static str = "a file name";
    fn parse(text: &str) -> Result<Self, String> {
        if text.trim().is_empty() {
            return Err("a file name is empty".into());
        }
        Ok(FilePath {
            path: PathBuf::from(text),
            from_file: false,
        })
    }
    fn rebase(&mut self, dir: &Path) {
        self.from_file = true;
        if self.path.is_relative() && dir != Path::new(".") && !dir.as_os_str().is_empty() {
            self.path = dir.join(&self.path);
        }
    }
}

/// The EPUB cover, as an option says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CoverChoice {
    /// `none`: no cover.
    None,
    /// `auto`: a typographic cover from title, subtitle and authors.
    Auto,
    /// An image file.
    File(FilePath),
}

impl Value for CoverChoice {
    const WHAT: &'static str = "an image file, `auto` or `none`";
    fn parse(text: &str) -> Result<Self, String> {
        match text.trim() {
            "auto" => Ok(CoverChoice::Auto),
            "none" => Ok(CoverChoice::None),
            _ => FilePath::parse(text).map(CoverChoice::File),
        }
    }
    fn rebase(&mut self, dir: &Path) {
        if let CoverChoice::File(f) = self {
            f.rebase(dir);
        }
    }
}

/// The citation style, as an option says it: a name hayagriva knows
/// (`apa`, `ieee`) or a `.csl` file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CslChoice {
    /// A style hayagriva carries, by name.
    Name(String),
    /// A CSL file.
    File(FilePath),
}

impl Value for CslChoice {
    const WHAT: &'static str = "a citation style name (`apa`, `ieee`…) or a .csl file";
    fn parse(text: &str) -> Result<Self, String> {
        let t = text.trim();
        if t.is_empty() {
            return Err("a citation style is empty".into());
        }
        let lower = t.to_ascii_lowercase();
        if lower.ends_with(".csl") || lower.ends_with(".xml") {
            FilePath::parse(t).map(CslChoice::File)
        } else {
            Ok(CslChoice::Name(lower))
        }
    }
    fn rebase(&mut self, dir: &Path) {
        if let CslChoice::File(f) = self {
            f.rebase(dir);
        }
    }
}

/// How inputs are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialectChoice {
    /// `auto`: detect the dialect of each file.
    Detect,
    /// `article`: the scraped magazine-article dialect.
    Article,
    /// `commonmark`: CommonMark with GFM extensions.
    CommonMark,
}

impl Value for DialectChoice {
    const WHAT: &'static str = "`auto`, `article` or `commonmark`";
    fn parse(text: &str) -> Result<Self, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(DialectChoice::Detect),
            "article" => Ok(DialectChoice::Article),
            "commonmark" => Ok(DialectChoice::CommonMark),
            _ => Err(format!(
                "unknown dialect `{text}` (auto, article or commonmark)"
            )),
        }
    }
}

impl Value for Format {
    const WHAT: &'static str = "`epub` or `pdf`";
    const SEPARATORS: &'static [char] = &[';', ','];
    fn parse(text: &str) -> Result<Self, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "epub" => Ok(Format::Epub),
            "pdf" => Ok(Format::Pdf),
            _ => Err(format!("unknown output format `{text}` (epub or pdf)")),
        }
    }
}

impl Value for MissingPolicy {
    const WHAT: &'static str = "`placeholder`, `drop` or `error`";
    fn parse(text: &str) -> Result<Self, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "placeholder" => Ok(MissingPolicy::Placeholder),
            "drop" => Ok(MissingPolicy::Drop),
            "error" => Ok(MissingPolicy::Error),
            _ => Err(format!(
                "unknown missing-image policy `{text}` (placeholder, drop or error)"
            )),
        }
    }
}

/// What the PDF is for; it sets the resolution images are checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// For print: images checked against 300 dpi.
    Print,
    /// For screens: images checked against 150 dpi.
    Screen,
    /// Amazon KDP paperbacks: print, with KDP's trim, margin and bleed rules
    /// checked, bleed on the outer edges, PDF/X-4, no crop marks.
    Kdp,
    /// IngramSpark: print, with IngramSpark's rules checked, PDF/X-1a
    /// (CMYK and grey only), no crop marks.
    IngramSpark,
}

impl Profile {
    /// The resolution under which an image gets a warning.
    pub fn min_dpi(self) -> f64 {
        match self {
            Profile::Print | Profile::Kdp | Profile::IngramSpark => 300.0,
            Profile::Screen => 150.0,
        }
    }

    /// The print service whose rules this profile checks, if any.
    pub fn service(self) -> Option<crate::pdf::Service> {
        match self {
            Profile::Kdp => Some(crate::pdf::Service::Kdp),
            Profile::IngramSpark => Some(crate::pdf::Service::IngramSpark),
            Profile::Print | Profile::Screen => None,
        }
    }
}

impl Value for Profile {
    const WHAT: &'static str = "`print`, `screen`, `kdp` or `ingramspark`";
    fn parse(text: &str) -> Result<Self, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "print" => Ok(Profile::Print),
            "screen" => Ok(Profile::Screen),
            "kdp" | "amazon" => Ok(Profile::Kdp),
            "ingramspark" | "ingram" => Ok(Profile::IngramSpark),
            _ => Err(format!(
                "unknown profile `{text}` (print, screen, kdp or ingramspark)"
            )),
        }
    }
}

impl Value for Standard {
    const WHAT: &'static str = "`none`, `x4`, `x1a` or `a2b`";
    fn parse(text: &str) -> Result<Self, String> {
        let t = text
            .trim()
            .to_ascii_lowercase()
            .replace(['-', '/', ' '], "");
        match t.as_str() {
            "none" | "" => Ok(Standard::None),
            "x4" | "pdfx4" => Ok(Standard::X4),
            "x1a" | "pdfx1a" => Ok(Standard::X1a),
            "a2b" | "pdfa2b" => Ok(Standard::A2b),
            _ => Err(format!(
                "unknown PDF standard `{text}` (none, x4, x1a or a2b)"
            )),
        }
    }
}

impl Value for ThemeName {
    const WHAT: &'static str = "`book`, `report` or `magazine`";
    fn parse(text: &str) -> Result<Self, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "book" => Ok(ThemeName::Book),
            "report" => Ok(ThemeName::Report),
            "magazine" => Ok(ThemeName::Magazine),
            _ => Err(format!("unknown theme `{text}` (book, report or magazine)")),
        }
    }
}

impl Value for Stock {
    const WHAT: &'static str = "`white` or `cream`";
    fn parse(text: &str) -> Result<Self, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "white" => Ok(Stock::White),
            "cream" | "creme" => Ok(Stock::Cream),
            _ => Err(format!("unknown paper `{text}` (white or cream)")),
        }
    }
}

impl Value for Opening {
    const WHAT: &'static str = "`plain` or `sink`";
    fn parse(text: &str) -> Result<Self, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "plain" => Ok(Opening::Plain),
            "sink" => Ok(Opening::Sink),
            _ => Err(format!("unknown chapter opening `{text}` (plain or sink)")),
        }
    }
}

/// A number of text columns, 1 or 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Columns(pub u8);

impl Value for Columns {
    const WHAT: &'static str = "1 or 2 columns";
    fn parse(text: &str) -> Result<Self, String> {
        match text.trim() {
            "1" => Ok(Columns(1)),
            "2" => Ok(Columns(2)),
            _ => Err(format!("`{text}` is not 1 or 2 columns")),
        }
    }
}

/// A count of things (pages), at least 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Count(pub u32);

impl Value for Count {
    const WHAT: &'static str = "a whole number from 1 up";
    fn parse(text: &str) -> Result<Self, String> {
        match text.trim().parse::<u32>() {
            Ok(n) if n >= 1 => Ok(Count(n)),
            _ => Err(format!("`{text}` is not a whole number from 1 up")),
        }
    }
}

impl Value for Contributor {
    const WHAT: &'static str = "a name and a role in brackets (`Charles Babbage (editor)`)";
    fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let parsed = text
            .strip_suffix(')')
            .and_then(|t| t.rsplit_once('('))
            .map(|(name, role)| (name.trim(), role.trim()))
            .filter(|(name, role)| !name.is_empty() && !role.is_empty());
        match parsed {
            Some((name, role)) => Ok(Contributor {
                name: name.to_string(),
                role: crate::doc::relator(role),
            }),
            None => Err(format!(
                "`{text}` is not a name and a role in brackets (`Charles Babbage (editor)`)"
            )),
        }
    }
}

/// One value or a list of them. In a file, a single value stands for a list
/// of one; as one string (the command line), items are separated by `;`.
#[derive(Debug, Clone, PartialEq)]
pub struct List<T>(pub Vec<T>);

impl<T: Value> Value for List<T> {
    const WHAT: &'static str = "a list";
    fn parse(text: &str) -> Result<Self, String> {
        text.split(T::SEPARATORS)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(T::parse)
            .collect::<Result<_, _>>()
            .map(List)
    }
    fn rebase(&mut self, dir: &Path) {
        for item in &mut self.0 {
            item.rebase(dir);
        }
    }
}

impl<'de, T: Value + serde::Deserialize<'de>> serde::Deserialize<'de> for List<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ListVisitor<T>(PhantomData<T>);
        impl<'de, T: Value + serde::Deserialize<'de>> Visitor<'de> for ListVisitor<T> {
            type Value = List<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{} or a list of them", T::WHAT)
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<List<T>, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<T>()? {
                    items.push(item);
                }
                Ok(List(items))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<List<T>, E> {
                ValueVisitor::<T>(PhantomData)
                    .visit_str(v)
                    .map(|one| List(vec![one]))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<List<T>, E> {
                self.visit_str(if v { "true" } else { "false" })
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<List<T>, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<List<T>, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<List<T>, E> {
                self.visit_str(&v.to_string())
            }
        }
        d.deserialize_any(ListVisitor(PhantomData))
    }
}

/// Rewrites a TOML or YAML deserializer's message in the user's words:
/// `unknown field` becomes `unknown key`, `invalid type: X, expected Y`
/// becomes `expected Y, not X`, and a section given as a single value says
/// so. Shared by the project file and front matter, so both speak alike.
pub fn user_words(message: &str) -> String {
    let message = message.trim().replace('\n', " ");
    if let Some(rest) = message.strip_prefix("unknown field ") {
        // "`titel`, expected one of `title`, `subtitle`" (TOML) or
        // "`titel`, expected one of title, subtitle" (YAML).
        return match rest.split_once(", expected ") {
            Some((key, known)) => {
                let known = known
                    .trim_start_matches("one of ")
                    .trim_start_matches("a field named ")
                    .replace('`', "");
                format!("unknown key {key} (known keys: {known})")
            }
            None => format!("unknown key {rest}"),
        };
    }
    if let Some(rest) = message.strip_prefix("invalid type: ")
        && let Some((found, expected)) = rest.split_once(", expected ")
    {
        let found = match found {
            "map" => "a table",
            "sequence" => "a list",
            other => other,
        };
        return format!("expected {expected}, not {found}");
    }
    // Front matter's people (`authors:`) take several shapes.
    if message.starts_with("data did not match any variant of untagged enum People") {
        return "expected a name, or a list of names (each a name, or `name:` and `role:`)".into();
    }
    match message.as_str() {
        "expected mapping start" | "expected mapping" => {
            "expected a section of `key: value` lines here".into()
        }
        "expected sequence start" => "expected a list here".into(),
        _ => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_text_gives_the_same_value_or_message_everywhere() {
        assert_eq!(Level::parse("3"), Ok(Level(3)));
        assert_eq!(
            Level::parse("7").unwrap_err(),
            "`7` is not a heading level from 1 to 6"
        );
        assert_eq!(Switch::parse("off"), Ok(Switch(false)));
        assert!(Dpi::parse("0").is_err());
        assert!(Dpi::parse("NaN").is_err());
        assert_eq!(
            List::<Text>::parse("Ada Lovelace; Charles Babbage").unwrap(),
            List(vec![
                Text("Ada Lovelace".into()),
                Text("Charles Babbage".into())
            ])
        );
        assert_eq!(
            List::<Format>::parse("epub,pdf").unwrap(),
            List(vec![Format::Epub, Format::Pdf])
        );
        assert_eq!(
            Contributor::parse("Charles Babbage (editor)").unwrap(),
            Contributor {
                name: "Charles Babbage".into(),
                role: "edt".into()
            }
        );
        assert_eq!(CoverChoice::parse("auto"), Ok(CoverChoice::Auto));
    }

    #[test]
    fn paths_from_files_are_rebased_and_marked() {
        let mut cover = CoverChoice::parse("img/c.jpg").unwrap();
        cover.rebase(Path::new("book"));
        assert_eq!(
            cover,
            CoverChoice::File(FilePath {
                path: PathBuf::from("book/img/c.jpg"),
                from_file: true
            })
        );
        let mut here = FilePath::parse("c.css").unwrap();
        here.rebase(Path::new("."));
        assert_eq!(here.path, PathBuf::from("c.css"));
    }

    #[test]
    fn messages_are_reworded() {
        assert_eq!(
            user_words("unknown field `titel`, expected one of `title`, `subtitle`"),
            "unknown key `titel` (known keys: title, subtitle)"
        );
        assert_eq!(
            user_words("invalid type: integer `3`, expected a section of PDF options"),
            "expected a section of PDF options, not integer `3`"
        );
    }
}

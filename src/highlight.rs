//! Syntax highlighting of code blocks, shared by both backends.
//!
//! Input: a code block's language and text. Output: each line cut into
//! tokens, each of one [`Class`] (comment, keyword, string…), and the
//! [`Theme`] that gives each class its colour and weight. syntect reads the
//! code with its bundled Sublime Text grammars (pure-Rust regular
//! expressions); its fine-grained scopes are folded here into a dozen
//! classes, the way tree-sitter's highlight names are, so that the EPUB can
//! carry them as CSS classes (a short stylesheet with a palette for dark
//! screens) and the PDF as coloured runs (or greys, when a PDF standard
//! forbids colour). A language the grammars do not know is plain text.
//!
//! The grammars are decompressed once per process, on the first code block
//! with a language (about 20 ms): they are constant data, like the bundled
//! fonts, and a book without such a block never pays for them.

use std::sync::OnceLock;
use syntect::parsing::{ParseState, Scope, ScopeStack, SyntaxReference, SyntaxSet};

/// What a token is, as far as its colour goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// Anything else.
    Plain,
    /// Comments.
    Comment,
    /// Keywords and storage words (`fn`, `if`, `int`).
    Keyword,
    /// Strings and characters.
    String,
    /// Numbers.
    Number,
    /// Named constants (`true`, `None`, `self`).
    Constant,
    /// Function names, at their definition and their calls.
    Function,
    /// Types and classes.
    Type,
    /// Markup tags.
    Tag,
    /// Markup attributes.
    Attribute,
    /// Operators.
    Operator,
    /// Parameters and other variables a grammar marks.
    Variable,
}

impl Class {
    /// Every class, in a fixed order.
    pub const ALL: [Class; 12] = [
        Class::Plain,
        Class::Comment,
        Class::Keyword,
        Class::String,
        Class::Number,
        Class::Constant,
        Class::Function,
        Class::Type,
        Class::Tag,
        Class::Attribute,
        Class::Operator,
        Class::Variable,
    ];

    /// The CSS class of the EPUB (`hl-kw`).
    pub fn css(self) -> &'static str {
        match self {
            Class::Plain => "hl-pl",
            Class::Comment => "hl-c",
            Class::Keyword => "hl-kw",
            Class::String => "hl-s",
            Class::Number => "hl-n",
            Class::Constant => "hl-co",
            Class::Function => "hl-fn",
            Class::Type => "hl-ty",
            Class::Tag => "hl-tg",
            Class::Attribute => "hl-at",
            Class::Operator => "hl-op",
            Class::Variable => "hl-v",
        }
    }

    /// A scope a theme colours as this class (to read a syntect theme).
    fn sample_scope(self) -> &'static str {
        match self {
            Class::Plain => "source",
            Class::Comment => "comment.line",
            Class::Keyword => "keyword.control",
            Class::String => "string.quoted.double",
            Class::Number => "constant.numeric",
            Class::Constant => "constant.language",
            Class::Function => "entity.name.function",
            Class::Type => "entity.name.type",
            Class::Tag => "entity.name.tag",
            Class::Attribute => "entity.other.attribute-name",
            Class::Operator => "keyword.operator",
            Class::Variable => "variable.parameter",
        }
    }
}

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// `#rrggbb`.
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    /// The same lightness in grey (Rec. 709 luma).
    pub fn grey(self) -> Rgb {
        let l =
            (0.2126 * f64::from(self.0) + 0.7152 * f64::from(self.1) + 0.0722 * f64::from(self.2))
                .round() as u8;
        Rgb(l, l, l)
    }
}

/// How one class is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Look {
    /// Its colour.
    pub color: Rgb,
    /// Bold.
    pub bold: bool,
    /// Italic.
    pub italic: bool,
}

/// A palette: the block's background and text, and each class's look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    /// Its name.
    pub name: String,
    /// The code block's background.
    pub background: Rgb,
    /// Text of no class.
    pub foreground: Rgb,
    /// Highlighted lines' background.
    pub marked: Rgb,
    /// Each class's look, in [`Class::ALL`] order.
    pub looks: [Look; 12],
}

const fn look(r: u8, g: u8, b: u8, bold: bool, italic: bool) -> Look {
    Look {
        color: Rgb(r, g, b),
        bold,
        italic,
    }
}

impl Theme {
    /// The default: dark inks on a pale ground that print well and keep a
    /// contrast of at least 4.5:1 (WCAG AA) on it; keywords bold and
    /// comments italic so the code reads in black and white too.
    pub fn print() -> Theme {
        Theme {
            name: "print".into(),
            background: Rgb(246, 246, 244),
            foreground: Rgb(26, 26, 26),
            marked: Rgb(255, 241, 184),
            looks: [
                look(26, 26, 26, false, false),
                look(94, 99, 108, false, true),
                look(21, 56, 140, true, false),
                look(16, 104, 46, false, false),
                look(158, 60, 14, false, false),
                look(120, 34, 150, false, false),
                look(112, 66, 0, false, false),
                look(0, 96, 112, false, false),
                look(21, 56, 140, false, false),
                look(112, 66, 0, false, false),
                look(60, 60, 60, false, false),
                look(150, 40, 20, false, false),
            ],
        }
    }

    /// For dark screens (the EPUB's palette when the reader asks for dark
    /// colours): light inks on a dark ground, 4.5:1 or more.
    pub fn night() -> Theme {
        Theme {
            name: "night".into(),
            background: Rgb(30, 31, 34),
            foreground: Rgb(222, 222, 222),
            marked: Rgb(66, 60, 30),
            looks: [
                look(222, 222, 222, false, false),
                look(160, 166, 172, false, true),
                look(138, 180, 248, true, false),
                look(129, 201, 149, false, false),
                look(246, 174, 112, false, false),
                look(215, 174, 251, false, false),
                look(253, 214, 99, false, false),
                look(120, 217, 236, false, false),
                look(138, 180, 248, false, false),
                look(253, 214, 99, false, false),
                look(210, 210, 210, false, false),
                look(255, 155, 133, false, false),
            ],
        }
    }

    /// A theme by name: `print`, `night`, or one of syntect's (`InspiredGitHub`,
    /// `Solarized (light)`, `base16-ocean.light`…), whose colours are read
    /// for each class.
    pub fn named(name: &str) -> Option<Theme> {
        match name.trim().to_ascii_lowercase().as_str() {
            "" | "print" | "default" => return Some(Theme::print()),
            "night" | "dark" => return Some(Theme::night()),
            _ => {}
        }
        let set = syntect::highlighting::ThemeSet::load_defaults();
        let (key, theme) = set
            .themes
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name.trim()))?;
        let highlighter = syntect::highlighting::Highlighter::new(theme);
        let rgb = |c: syntect::highlighting::Color| Rgb(c.r, c.g, c.b);
        let background = theme.settings.background.map_or(Rgb(255, 255, 255), rgb);
        let foreground = theme.settings.foreground.map_or(Rgb(0, 0, 0), rgb);
        let mut looks = [look(0, 0, 0, false, false); 12];
        for (i, class) in Class::ALL.iter().enumerate() {
            let scope = Scope::new(class.sample_scope()).ok()?;
            let style = highlighter.style_for_stack(&[scope]);
            use syntect::highlighting::FontStyle;
            looks[i] = Look {
                color: rgb(style.foreground),
                bold: style.font_style.contains(FontStyle::BOLD),
                italic: style.font_style.contains(FontStyle::ITALIC),
            };
        }
        Some(Theme {
            name: key.clone(),
            background,
            foreground,
            marked: theme
                .settings
                .line_highlight
                .map_or(Rgb(255, 241, 184), rgb),
            looks,
        })
    }

    /// The names [`Theme::named`] knows.
    pub fn names() -> Vec<String> {
        let mut names = vec!["print".to_string(), "night".to_string()];
        names.extend(
            syntect::highlighting::ThemeSet::load_defaults()
                .themes
                .into_keys(),
        );
        names
    }

    /// How `class` looks.
    pub fn look(&self, class: Class) -> Look {
        let i = Class::ALL.iter().position(|c| *c == class).unwrap_or(0);
        self.looks[i]
    }

    /// The same theme in greys (for PDF standards that forbid colour):
    /// lightness kept, so the classes stay apart by weight, slant and tone.
    pub fn greyed(&self) -> Theme {
        let mut out = self.clone();
        out.name = format!("{} (grey)", self.name);
        out.background = self.background.grey();
        out.foreground = self.foreground.grey();
        out.marked = self.marked.grey();
        for l in &mut out.looks {
            l.color = l.color.grey();
        }
        out
    }
}

/// The options of highlighting, as the book's options resolve them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeStyle {
    /// Highlight code blocks that name a language.
    pub highlight: bool,
    /// Number every code block's lines (a block may say otherwise).
    pub line_numbers: bool,
    /// The palette (for print, and the EPUB's light screens).
    pub theme: Theme,
}

impl Default for CodeStyle {
    fn default() -> Self {
        CodeStyle {
            highlight: true,
            line_numbers: false,
            theme: Theme::print(),
        }
    }
}

/// One token of a line: its class and its byte range in the line.
pub type Token = (Class, std::ops::Range<usize>);

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// The grammar for a language name or file extension (`rust`, `rs`,
/// `Python`, `c++`), if there is one.
fn syntax(language: &str) -> Option<&'static SyntaxReference> {
    let set = syntaxes();
    let lower = language.trim().to_ascii_lowercase();
    let token = match lower.as_str() {
        "shell" | "console" | "zsh" | "shell-session" => "sh",
        "golang" => "go",
        "c++" => "cpp",
        "objc" | "objective-c" => "m",
        "javascript" | "node" => "js",
        "text" | "plain" | "plaintext" | "txt" | "none" => return None,
        other => other,
    };
    set.find_syntax_by_token(token)
        .filter(|s| s.name != "Plain Text")
}

/// Whether `language` has a grammar.
pub fn knows(language: &str) -> bool {
    syntax(language).is_some()
}

/// The tokens of each line of `code` in `language`; `None` when the
/// language is unknown (the code is then plain text, silently).
pub fn highlight(language: &str, code: &str) -> Option<Vec<Vec<Token>>> {
    let syntax = syntax(language)?;
    let set = syntaxes();
    let scopes = Scopes::get();
    let mut state = ParseState::new(syntax);
    let mut stack = ScopeStack::new();
    let mut out = Vec::new();
    for line in code.split('\n') {
        // The grammars are the `newlines` kind: each line ends with one.
        let with_newline = format!("{line}\n");
        let ops = state.parse_line(&with_newline, set).ok()?;
        let mut tokens: Vec<Token> = Vec::new();
        let mut at = 0;
        let push = |class: Class, range: std::ops::Range<usize>, tokens: &mut Vec<Token>| {
            let range = range.start.min(line.len())..range.end.min(line.len());
            if range.is_empty() {
                return;
            }
            match tokens.last_mut() {
                Some((c, r)) if *c == class && r.end == range.start => r.end = range.end,
                _ => tokens.push((class, range)),
            }
        };
        for (offset, op) in ops {
            if offset > at {
                push(scopes.classify(&stack), at..offset, &mut tokens);
                at = offset;
            }
            stack.apply(&op).ok()?;
        }
        if at < line.len() {
            push(scopes.classify(&stack), at..line.len(), &mut tokens);
        }
        out.push(tokens);
    }
    Some(out)
}

/// The scope prefixes that decide each class, most specific first.
struct Scopes {
    rules: Vec<(Scope, Class)>,
}

impl Scopes {
    fn get() -> &'static Scopes {
        static SCOPES: OnceLock<Scopes> = OnceLock::new();
        SCOPES.get_or_init(|| {
            let table: &[(&str, Class)] = &[
                ("comment", Class::Comment),
                ("punctuation.definition.comment", Class::Comment),
                ("string", Class::String),
                ("constant.character.escape", Class::String),
                ("constant.numeric", Class::Number),
                ("constant.language", Class::Constant),
                ("constant.character", Class::String),
                ("constant.other", Class::Constant),
                ("variable.language", Class::Constant),
                ("entity.name.constant", Class::Constant),
                ("keyword.operator.word", Class::Keyword),
                ("keyword.operator", Class::Operator),
                ("keyword", Class::Keyword),
                ("storage", Class::Keyword),
                ("entity.name.function", Class::Function),
                ("support.function", Class::Function),
                ("variable.function", Class::Function),
                ("entity.name.macro", Class::Function),
                ("support.macro", Class::Function),
                ("entity.name.tag", Class::Tag),
                ("entity.other.attribute-name", Class::Attribute),
                ("entity.name.type", Class::Type),
                ("entity.name.class", Class::Type),
                ("entity.name.struct", Class::Type),
                ("entity.name.enum", Class::Type),
                ("entity.name.trait", Class::Type),
                ("entity.name.interface", Class::Type),
                ("entity.other.inherited-class", Class::Type),
                ("support.type", Class::Type),
                ("support.class", Class::Type),
                ("variable.parameter", Class::Variable),
            ];
            Scopes {
                rules: table
                    .iter()
                    .filter_map(|(s, c)| Scope::new(s).ok().map(|s| (s, *c)))
                    .collect(),
            }
        })
    }

    /// The class of the innermost scope any rule names.
    fn classify(&self, stack: &ScopeStack) -> Class {
        for scope in stack.as_slice().iter().rev() {
            for (prefix, class) in &self.rules {
                if prefix.is_prefix_of(*scope) {
                    return *class;
                }
            }
        }
        Class::Plain
    }
}

/// The EPUB's stylesheet for code: the theme for light screens, and the
/// night palette when the reading system asks for dark colours. The code
/// block sets its own ground and ink together, so a reader's night mode that
/// darkens the page leaves each token on the ground it was chosen for.
pub fn css(theme: &Theme) -> String {
    let mut out = String::new();
    let block = |t: &Theme, out: &mut String| {
        out.push_str(&format!(
            "pre.code {{ background: {}; color: {}; }}\n",
            t.background.hex(),
            t.foreground.hex()
        ));
        out.push_str(&format!(
            "pre.code .hl-line {{ background: {}; }}\n",
            t.marked.hex()
        ));
        out.push_str(&format!(
            "pre.code .ln {{ color: {}; }}\n",
            t.look(Class::Comment).color.hex()
        ));
        for class in Class::ALL {
            let l = t.look(class);
            out.push_str(&format!(
                "pre.code .{} {{ color: {};{}{} }}\n",
                class.css(),
                l.color.hex(),
                if l.bold { " font-weight: bold;" } else { "" },
                if l.italic { " font-style: italic;" } else { "" },
            ));
        }
    };
    block(theme, &mut out);
    out.push_str("@media (prefers-color-scheme: dark) {\n");
    block(&Theme::night(), &mut out);
    out.push_str("}\n");
    out
}

/// The contrast ratio of two colours (WCAG 2: 1 to 21).
pub fn contrast(a: Rgb, b: Rgb) -> f64 {
    fn luminance(c: Rgb) -> f64 {
        let f = |v: u8| {
            let v = f64::from(v) / 255.0;
            if v <= 0.03928 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * f(c.0) + 0.7152 * f(c.1) + 0.0722 * f(c.2)
    }
    let (x, y) = (luminance(a), luminance(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_is_cut_into_classes() {
        let lines =
            highlight("rust", "fn main() {\n    // hi\n    let x = \"s\" + 42;\n}").unwrap();
        assert_eq!(lines.len(), 4);
        let line = "fn main() {";
        let classes: Vec<(Class, &str)> = lines[0]
            .iter()
            .map(|(c, r)| (*c, &line[r.clone()]))
            .collect();
        assert!(classes.contains(&(Class::Keyword, "fn")), "{classes:?}");
        assert!(classes.contains(&(Class::Function, "main")), "{classes:?}");
        assert!(lines[1].iter().any(|(c, _)| *c == Class::Comment));
        let third = "    let x = \"s\" + 42;";
        let found: Vec<(Class, &str)> = lines[2]
            .iter()
            .map(|(c, r)| (*c, &third[r.clone()]))
            .collect();
        assert!(found.contains(&(Class::String, "\"s\"")), "{found:?}");
        assert!(found.contains(&(Class::Number, "42")), "{found:?}");
    }

    #[test]
    fn five_languages_and_aliases_are_known() {
        for lang in [
            "rust", "python", "c", "js", "haskell", "go", "sh", "shell", "c++", "java",
        ] {
            assert!(knows(lang), "{lang}");
        }
        assert!(highlight("no-such-language", "x").is_none());
        assert!(highlight("text", "x").is_none());
    }

    #[test]
    fn palettes_keep_their_contrast() {
        for theme in [Theme::print(), Theme::night()] {
            for class in Class::ALL {
                let c = contrast(theme.look(class).color, theme.background);
                assert!(c >= 4.5, "{} {class:?}: {c:.2}", theme.name);
                let m = contrast(theme.look(class).color, theme.marked);
                assert!(
                    m >= 4.5,
                    "{} {class:?} on a marked line: {m:.2}",
                    theme.name
                );
            }
        }
    }

    #[test]
    fn syntect_themes_are_read_per_class() {
        let theme = Theme::named("InspiredGitHub").unwrap();
        assert_ne!(theme.look(Class::Keyword), theme.look(Class::String));
        assert!(Theme::named("no such theme").is_none());
        let grey = Theme::print().greyed();
        assert!(
            grey.looks
                .iter()
                .all(|l| l.color.0 == l.color.1 && l.color.1 == l.color.2)
        );
    }
}

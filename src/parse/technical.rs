//! The syntax of technical and scholarly books, read out of what
//! pulldown-cmark leaves as text or info strings.
//!
//! Input: a formula's TeX, a code block's info string, a paragraph's
//! inlines. Output: MathML (through pulldown-latex, so both backends share
//! one reading of each formula), [`CodeAttrs`], labels (`{#fig:id}`), and
//! the inlines with pandoc's citations (`[@key, p. 33]`, `@key says`,
//! `[-@key]`) and references (`@fig:id`) made into tree nodes.

use crate::diag::Span;
use crate::doc::{Citation, CiteItem, CodeAttrs, CrossRef, Inline, Math, RefKind};

/// Converts a formula from TeX to MathML; `Err` carries what is wrong with
/// it in the user's words.
pub fn math(tex: &str, display: bool) -> Result<Math, String> {
    use pulldown_latex::config::DisplayMode;
    use pulldown_latex::{Parser, RenderConfig, Storage, push_mathml};
    if tex.trim().is_empty() {
        return Err("the formula is empty".into());
    }
    let storage = Storage::new();
    let mut events = Vec::new();
    for event in Parser::new(tex, &storage) {
        match event {
            Ok(e) => events.push(Ok::<_, pulldown_latex::ParserError>(e)),
            Err(e) => {
                let cause = std::error::Error::source(&e)
                    .map_or_else(|| e.to_string(), ToString::to_string);
                return Err(cause);
            }
        }
    }
    let config = RenderConfig {
        display_mode: if display {
            DisplayMode::Block
        } else {
            DisplayMode::Inline
        },
        // pulldown-latex copies an annotation's TeX unescaped (`&` of a
        // matrix breaks the XML): bindery adds it itself, below.
        annotation: None,
        xml: true,
        ..RenderConfig::default()
    };
    let mut mathml = String::new();
    push_mathml(&mut mathml, events.into_iter(), config).map_err(|e| e.to_string())?;
    // An unknown command becomes an `merror` (shown in red by browsers):
    // that is a formula that did not parse, too.
    if let Some(start) = mathml.find("<merror") {
        let text: String = strip_tags(&mathml[start..])
            .chars()
            .take(60)
            .collect::<String>();
        return Err(format!("`{}` is not known", text.trim()));
    }
    Ok(Math {
        tex: tex.to_string(),
        display,
        mathml: Some(annotated(&tex_spacing(&repaired(&mathml), tex), tex)),
    })
}

/// pulldown-latex's MathML made valid XML and MathML: a bare `<` or `&`
/// in a token escaped, `&nbsp;` (not an XML entity) as a character
/// reference, a space it puts first inside a script element (`\log_2`
/// gives `<msub>` three children) moved before it, and accents
/// (`\hat{x}`) marked as accents so they sit on their base.
fn repaired(mathml: &str) -> String {
    const SCRIPTS: [&str; 6] = ["msub", "msup", "msubsup", "munder", "mover", "munderover"];
    let mut out = String::with_capacity(mathml.len() + 16);
    // Where each open `<mover>` was written in `out`.
    let mut movers: Vec<usize> = Vec::new();
    let mut rest = mathml;
    while let Some(c) = rest.chars().next() {
        match c {
            '<' if !rest[1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '/') => {
                out.push_str("&lt;");
                rest = &rest[1..];
            }
            '<' => {
                let end = rest.find('>').map_or(rest.len(), |e| e + 1);
                let tag = &rest[..end];
                rest = &rest[end..];
                let name = tag
                    .trim_start_matches(['<', '/'])
                    .split(|c: char| c.is_whitespace() || c == '>' || c == '/')
                    .next()
                    .unwrap_or("");
                if !tag.starts_with("</") && SCRIPTS.contains(&name) && rest.starts_with("<mspace")
                {
                    let space_end = rest.find('>').map_or(rest.len(), |e| e + 1);
                    out.push_str(&rest[..space_end]);
                    rest = &rest[space_end..];
                }
                if tag == "<mover>" {
                    movers.push(out.len());
                } else if tag == "</mover>" {
                    let open = movers.pop();
                    if let Some(accent) = ACCENTS.iter().find_map(|(ch, mark)| {
                        out.strip_suffix(&format!("<mi>{ch}</mi>"))
                            .map(|_| (ch, mark))
                    }) && let Some(open) = open
                    {
                        let cut = out.len() - format!("<mi>{}</mi>", accent.0).len();
                        out.truncate(cut);
                        out.push_str(&format!("<mo stretchy=\"false\">{}</mo>", accent.1));
                        out.replace_range(open..open + "<mover>".len(), "<mover accent=\"true\">");
                    }
                }
                out.push_str(tag);
            }
            '&' => {
                let entity = rest[1..].find(';').map(|e| &rest[1..e + 2]).filter(|e| {
                    e.len() <= 10
                        && e[..e.len() - 1]
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '#')
                });
                match entity {
                    Some("nbsp;") => out.push_str("&#160;"),
                    Some("amp;" | "lt;" | "gt;" | "quot;" | "apos;") => out.push('&'),
                    Some(e) if e.starts_with('#') => out.push('&'),
                    _ => out.push_str("&amp;"),
                }
                if let Some("nbsp;") = entity {
                    rest = &rest[6..];
                } else {
                    rest = &rest[1..];
                }
            }
            c => {
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    out
}

/// The kinds of `mtable` that TeX sets differently from MathML's defaults.
#[derive(Clone, Copy, PartialEq)]
enum TableKind {
    /// `aligned`, `align`, `split`…: display style, columns right, left,
    /// right… with no space inside a pair and 2 em between pairs.
    Align,
    /// `gathered`, `gather`: display style, one centred column.
    Gather,
    /// `cases`: text style (as amsmath), both columns left, 1 em apart.
    Cases,
}

/// One open element while [`tex_spacing`] walks the MathML.
struct Open {
    name: String,
    /// Element children seen so far.
    children: usize,
    /// Whether its content is in a script (a sub-, super-, under- or
    /// overscript, at any depth).
    script: bool,
    table: Option<TableKind>,
    /// An accent's `mover`/`munder`: its mark is not a script.
    accent: bool,
}

/// TeX's spacing and styles where MathML's defaults differ, written into
/// the MathML so that the browser (EPUB) and the PDF's layout agree:
/// - `aligned`/`gathered` tables in display style (`displaystyle` on the
///   `mtable`: MathML Core sets cells in text style), `aligned` columns right/left with no gap at the
///   alignment point, `cases` columns both left;
/// - no space around operators inside scripts (TeX's script styles drop
///   the medium and thick spaces of binary operators and relations);
/// - fences (`|`, `\lvert`, brackets) and a period with no space of their
///   own (MathML's dictionary gives `|` and `.` a thick space a side).
fn tex_spacing(mathml: &str, tex: &str) -> String {
    const SCRIPTS: [&str; 6] = ["msub", "msup", "msubsup", "munder", "mover", "munderover"];
    const FENCES: &str = "|‖()[]{}⟨⟩⌊⌋⌈⌉";
    let mut out = String::with_capacity(mathml.len() + 64);
    let mut stack: Vec<Open> = Vec::new();
    let mut rest = mathml;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let end = rest.find('>').map_or(rest.len(), |e| e + 1);
        let tag = &rest[..end];
        rest = &rest[end..];
        if tag.starts_with("</") {
            stack.pop();
            out.push_str(tag);
            continue;
        }
        if tag.starts_with("<?") || tag.starts_with("<!") {
            out.push_str(tag);
            continue;
        }
        let name = tag[1..]
            .split(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .next()
            .unwrap_or("")
            .to_string();
        let (script, grandparent_table) = match stack.last_mut() {
            Some(parent) => {
                parent.children += 1;
                let script = parent.script
                    || (SCRIPTS.contains(&parent.name.as_str())
                        && !parent.accent
                        && parent.children > 1);
                let table = (parent.name == "mtr")
                    .then(|| stack.len().checked_sub(2).and_then(|i| stack[i].table))
                    .flatten();
                (script, table)
            }
            None => (false, None),
        };
        let column = stack.last().map_or(0, |p| p.children);
        let self_closing = tag.ends_with("/>");
        let mut open = Open {
            name: name.clone(),
            children: 0,
            script,
            table: None,
            accent: tag.contains(" accent=\"true\"") || tag.contains(" accentunder=\"true\""),
        };
        let mut tag = tag.to_string();
        let has = |tag: &str, attr: &str| tag.contains(&format!(" {attr}=\""));
        match name.as_str() {
            "mtable" => {
                let class = tag
                    .split("class=\"")
                    .nth(1)
                    .and_then(|c| c.split('"').next())
                    .unwrap_or("");
                let classes: Vec<&str> = class.split_whitespace().collect();
                open.table = if classes.contains(&"menv-alignlike") {
                    Some(TableKind::Align)
                } else if classes.contains(&"menv-cases") {
                    Some(TableKind::Cases)
                } else if class.is_empty() && !script && tex.contains("{gather") {
                    Some(TableKind::Gather)
                } else {
                    None
                };
                let attrs = match open.table {
                    Some(TableKind::Align) => {
                        " columnalign=\"right left right left right left\" columnspacing=\"0em 2em 0em 2em 0em\" displaystyle=\"true\""
                    }
                    Some(TableKind::Gather) => " displaystyle=\"true\"",
                    Some(TableKind::Cases) => " columnalign=\"left left\" columnspacing=\"1em\"",
                    None => "",
                };
                tag.insert_str("<mtable".len(), attrs);
            }
            "mtd" if grandparent_table.is_some() && !self_closing => {
                let kind = grandparent_table.unwrap_or(TableKind::Gather);
                let align = match kind {
                    TableKind::Align if column % 2 == 1 => Some("right"),
                    TableKind::Align | TableKind::Cases => Some("left"),
                    TableKind::Gather => None,
                };
                if let Some(align) = align
                    && !has(&tag, "columnalign")
                {
                    tag.insert_str("<mtd".len(), &format!(" columnalign=\"{align}\""));
                }
            }
            "mo" if !self_closing && !has(&tag, "lspace") && !has(&tag, "rspace") => {
                let text = rest.split('<').next().unwrap_or("");
                let fence = text.chars().count() == 1 && text.chars().all(|c| FENCES.contains(c));
                if script || fence || text == "." {
                    tag.insert_str("<mo".len(), " lspace=\"0em\" rspace=\"0em\"");
                }
            }
            _ => {}
        }
        out.push_str(&tag);
        if !self_closing {
            stack.push(open);
        }
    }
    out.push_str(rest);
    out
}

/// pulldown-latex's accent characters, and the character MathML and the
/// math font set as that accent.
const ACCENTS: [(char, char); 11] = [
    ('^', '\u{2C6}'),
    ('~', '\u{2DC}'),
    ('‾', '\u{AF}'),
    ('´', '\u{B4}'),
    ('`', '\u{60}'),
    ('˘', '\u{2D8}'),
    ('ˇ', '\u{2C7}'),
    ('˙', '\u{2D9}'),
    ('¨', '\u{A8}'),
    ('→', '\u{2192}'),
    ('˚', '\u{2DA}'),
];

/// `<math …>children</math>` with the TeX source as its annotation:
/// `<semantics><mrow>children</mrow><annotation …>tex</annotation></semantics>`.
fn annotated(mathml: &str, tex: &str) -> String {
    let (Some(open), Some(close)) = (mathml.find('>'), mathml.rfind("</math>")) else {
        return mathml.to_string();
    };
    if open >= close {
        return mathml.to_string();
    }
    format!(
        "{}><semantics><mrow>{}</mrow><annotation encoding=\"application/x-tex\">{}</annotation></semantics></math>",
        &mathml[..open],
        &mathml[open + 1..close],
        super::html::escape(tex)
    )
}

/// The text of markup (for messages).
fn strip_tags(markup: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in markup.chars() {
        match c {
            '<' => {
                inside = true;
                if !out.is_empty() {
                    break;
                }
            }
            '>' => inside = false,
            c if !inside => out.push(c),
            _ => {}
        }
    }
    out
}

/// A code block's language and attributes from its info string:
/// `rust`, `rust {linenos hl_lines="2 4-5" start=10}`,
/// `rust,linenos,hl_lines=2 4-5` (Zola's form), `{.rust .numberLines}`
/// (pandoc's). Unknown attributes are ignored.
pub fn code_info(info: &str) -> (Option<String>, CodeAttrs) {
    let info = info.trim();
    let mut attrs = CodeAttrs::default();
    let split = info
        .find(|c: char| c.is_whitespace() || c == ',' || c == '{')
        .unwrap_or(info.len());
    let mut language = Some(info[..split].to_string()).filter(|s| !s.is_empty());
    let rest = &info[split..];
    if !rest.contains(['{', ',']) && !rest.contains('=') {
        return (language, attrs);
    }
    let rest = rest.replace(['{', '}'], " ");
    for (key, value) in attributes(&rest) {
        let key = key.trim_start_matches('.');
        match key.to_ascii_lowercase().as_str() {
            "linenos" | "numberlines" | "number-lines" | "line-numbers" | "linenums" => {
                attrs.line_numbers = Some(value.is_none_or(|v| v != "false"));
            }
            "nolinenos" => attrs.line_numbers = Some(false),
            "start" | "startfrom" | "linenostart" | "start-from" => {
                if let Some(n) = value.and_then(|v| v.parse().ok()) {
                    attrs.start = n;
                }
            }
            "hl_lines" | "hl" | "highlight" | "hl-lines" | "mark" => {
                attrs.highlight = value.map(|v| line_ranges(&v)).unwrap_or_default();
            }
            other if language.is_none() && value.is_none() && !other.is_empty() => {
                language = Some(key.to_string());
            }
            _ => {}
        }
    }
    (language, attrs)
}

/// `key`, `key=value` and `key="a b"` pairs separated by spaces or commas
/// (a value in quotes may hold both).
fn attributes(text: &str) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace() || *c == ',') {
            chars.next();
        }
        let mut key = String::new();
        while let Some(&c) = chars.peek() {
            if c.is_whitespace() || c == ',' || c == '=' {
                break;
            }
            key.push(c);
            chars.next();
        }
        if key.is_empty() {
            break;
        }
        let mut value = None;
        if chars.peek() == Some(&'=') {
            chars.next();
            let mut v = String::new();
            if let Some(&quote @ ('"' | '\'')) = chars.peek() {
                chars.next();
                for c in chars.by_ref() {
                    if c == quote {
                        break;
                    }
                    v.push(c);
                }
            } else {
                // Unquoted: up to a comma, or a space not followed by a
                // range (`hl_lines=2 4-5`).
                while let Some(&c) = chars.peek() {
                    if c == ',' {
                        break;
                    }
                    if c.is_whitespace() {
                        let ahead: String = chars.clone().skip(1).take(1).collect();
                        if !ahead.starts_with(|d: char| d.is_ascii_digit()) {
                            break;
                        }
                    }
                    v.push(c);
                    chars.next();
                }
            }
            value = Some(v);
        }
        out.push((key, value));
    }
    out
}

/// `2 4-5`, `2,4-5`, `[2, "4-5"]` → ranges.
fn line_ranges(text: &str) -> Vec<(u32, u32)> {
    text.split(|c: char| c.is_whitespace() || matches!(c, ',' | '[' | ']' | '"' | '\''))
        .filter(|s| !s.is_empty())
        .filter_map(|part| match part.split_once('-') {
            Some((a, b)) => Some((a.trim().parse().ok()?, b.trim().parse().ok()?)),
            None => part.trim().parse().ok().map(|n| (n, n)),
        })
        .filter(|(a, b)| a <= b)
        .collect()
}

/// A label attribute `{#fig:id}` at the start of `text` (after spaces):
/// the label and the rest of the text.
pub fn leading_label(text: &str) -> Option<(String, &str)> {
    let trimmed = text.trim_start();
    let inner = trimmed.strip_prefix("{#")?;
    let end = inner.find('}')?;
    let label = inner[..end].split_whitespace().next()?.to_string();
    RefKind::of_label(&label)?;
    Some((label, &inner[end + 1..]))
}

/// A label attribute `{#tbl:id}` at the end of `text`: the text before it
/// and the label.
pub fn trailing_label(text: &str) -> Option<(&str, String)> {
    let trimmed = text.trim_end();
    let body = trimmed.strip_suffix('}')?;
    let start = body.rfind("{#")?;
    let label = body[start + 2..].split_whitespace().next()?.to_string();
    RefKind::of_label(&label)?;
    Some((&text[..start], label))
}

/// Whether a character may be part of a citation key (pandoc: letters,
/// digits, `_` and internal `:.#$%&-+?<>~/`).
fn key_char(c: char) -> bool {
    c.is_alphanumeric() || "_:.#$%&-+?<>~/".contains(c)
}

/// The key starting `text` (just after the `@`), without trailing
/// punctuation; `None` if there is none.
fn key(text: &str) -> Option<&str> {
    let first = text.chars().next()?;
    if !(first.is_alphanumeric() || first == '_') {
        return None;
    }
    let end = text.find(|c: char| !key_char(c)).unwrap_or(text.len());
    let key = text[..end].trim_end_matches(|c: char| !(c.is_alphanumeric() || c == '_'));
    (!key.is_empty()).then_some(key)
}

/// What a paragraph's citations may be: references to labels always,
/// citations of works only when the book has a bibliography.
#[derive(Debug, Clone, Copy)]
pub struct Scan<'a> {
    /// `[@key]` and `@key` are citations.
    pub citations: bool,
    /// Where the paragraph is (for later warnings).
    pub span: Span,
    /// The paragraph's source text (at `span.start`), where each citation
    /// finds its own place for the warnings about it.
    pub source: &'a str,
}

impl Scan<'_> {
    /// The span of the first of `needles` found in the paragraph's source
    /// (the paragraph's span when none is: escapes or markup changed it).
    fn at(&self, needles: &[&str]) -> Span {
        needles
            .iter()
            .filter(|n| !n.is_empty())
            .find_map(|n| self.source.find(n).map(|p| (p, n.len())))
            .map_or(self.span, |(p, len)| {
                let start = self.span.start as usize + p;
                Span::new(self.span.file, start..start + len)
            })
    }
}

/// Makes citations and references of the text of `inlines` (text inside
/// links and code is left alone). Cheap when there is no `@`.
pub fn citations(inlines: Vec<Inline>, scan: Scan<'_>) -> Vec<Inline> {
    if !inlines.iter().any(has_at) {
        return inlines;
    }
    let mut out = Vec::with_capacity(inlines.len());
    let mut inlines = inlines.into_iter().peekable();
    while let Some(inline) = inlines.next() {
        match inline {
            Inline::Text(mut text) if text.contains('@') => {
                // A group broken across source lines (`[@a; @b;⏎@c]`) is
                // read as one: its lines are joined by a newline, which
                // `flush` turns back into a soft break where it stays text.
                while open_group(&text) && matches!(inlines.peek(), Some(Inline::SoftBreak)) {
                    let mut ahead = inlines.clone();
                    ahead.next();
                    let Some(Inline::Text(next)) = ahead.next() else {
                        break;
                    };
                    text.push('\n');
                    text.push_str(&next);
                    inlines.next();
                    inlines.next();
                }
                split(&text, scan, &mut out)
            }
            Inline::Emph(c) => out.push(Inline::Emph(citations(c, scan))),
            Inline::Strong(c) => out.push(Inline::Strong(citations(c, scan))),
            Inline::Strike(c) => out.push(Inline::Strike(citations(c, scan))),
            Inline::Tagged {
                tag,
                attrs,
                content,
            } => out.push(Inline::Tagged {
                tag,
                attrs,
                content: citations(content, scan),
            }),
            other => out.push(other),
        }
    }
    out
}

/// Whether `text` ends inside a bracket that has a `@` in it (a citation
/// group that goes on after a line break).
fn open_group(text: &str) -> bool {
    text.rfind('[')
        .is_some_and(|open| !text[open..].contains(']') && text[open..].contains('@'))
}

fn has_at(inline: &Inline) -> bool {
    match inline {
        Inline::Text(t) => t.contains('@'),
        Inline::Emph(c)
        | Inline::Strong(c)
        | Inline::Strike(c)
        | Inline::Tagged { content: c, .. } => c.iter().any(has_at),
        _ => false,
    }
}

/// Splits one text at its citations and references.
fn split(text: &str, scan: Scan<'_>, out: &mut Vec<Inline>) {
    let mut plain = String::new();
    let mut i = 0;
    let bytes = text.as_bytes();
    while i < text.len() {
        let c = bytes[i];
        if c == b'['
            && let Some((len, made)) = bracketed(&text[i..], scan)
        {
            flush(&mut plain, out);
            out.extend(made);
            i += len;
            continue;
        }
        if c == b'@'
            && text[..i]
                .chars()
                .next_back()
                .is_none_or(|p| !(p.is_alphanumeric() || p == '_' || p == '@'))
            && let Some((len, made)) = narrative(&text[i..], scan)
        {
            flush(&mut plain, out);
            out.push(made);
            i += len;
            continue;
        }
        let ch = text[i..].chars().next().unwrap_or(' ');
        plain.push(ch);
        i += ch.len_utf8();
    }
    flush(&mut plain, out);
}

fn flush(plain: &mut String, out: &mut Vec<Inline>) {
    if !plain.is_empty() {
        let text = std::mem::take(plain);
        for (n, line) in text.split('\n').enumerate() {
            if n > 0 {
                out.push(Inline::SoftBreak);
            }
            if !line.is_empty() {
                out.push(Inline::Text(line.to_string()));
            }
        }
    }
}

/// A reference to a label (`fig:map`), if `key` is one.
fn cross_ref(key: &str, span: Span) -> Option<Inline> {
    let kind = RefKind::of_label(key)?;
    Some(Inline::Ref(Box::new(CrossRef {
        kind,
        label: key.to_string(),
        target: None,
        span,
    })))
}

/// `@key` in the running text, with an optional `[locator]` after it
/// (`@key [p. 33] says`): its length and node.
fn narrative(text: &str, scan: Scan<'_>) -> Option<(usize, Inline)> {
    let k = key(&text[1..])?;
    let mut len = 1 + k.len();
    let at = scan.at(&[&text[..len]]);
    if let Some(r) = cross_ref(k, at) {
        return Some((len, r));
    }
    if !scan.citations {
        return None;
    }
    let mut suffix = String::new();
    let after = &text[len..];
    if let Some(inner) = after.strip_prefix(" [")
        && let Some(end) = inner.find(']')
        && !inner[..end].contains('@')
    {
        suffix = inner[..end].trim().to_string();
        len += 2 + end + 1;
    }
    let cite = Citation {
        items: vec![CiteItem {
            key: k.to_string(),
            prefix: String::new(),
            suffix,
            suppress_author: false,
        }],
        narrative: true,
        rendered: Vec::new(),
        span: at,
    };
    Some((len, Inline::Cite(Box::new(cite))))
}

/// `[see @a, p. 3; -@b]`: its length and nodes (references to labels in
/// brackets stand without them).
fn bracketed(text: &str, scan: Scan<'_>) -> Option<(usize, Vec<Inline>)> {
    let end = text.find(']')?;
    let inner = &text[1..end];
    if !inner.contains('@') || inner.contains('[') {
        return None;
    }
    let mut items: Vec<CiteItem> = Vec::new();
    let mut refs = Vec::new();
    for part in inner.split(';') {
        let at = part.find('@')?;
        let (before, after) = part.split_at(at);
        let k = key(&after[1..])?;
        let mut prefix = before.to_string();
        let suppress_author = prefix.trim_end().ends_with('-');
        if suppress_author {
            prefix = prefix.trim_end().trim_end_matches('-').to_string();
        }
        let suffix = after[1 + k.len()..]
            .trim_start_matches(',')
            .trim()
            .to_string();
        if let Some(r) = cross_ref(k, scan.at(&[&after[..1 + k.len()]])) {
            refs.push(r);
            continue;
        }
        items.push(CiteItem {
            key: k.to_string(),
            prefix: prefix.trim().to_string(),
            suffix,
            suppress_author,
        });
    }
    if !items.is_empty() && !scan.citations {
        return None;
    }
    let mut out = Vec::new();
    for (n, r) in refs.into_iter().enumerate() {
        if n > 0 {
            out.push(Inline::Text(", ".into()));
        }
        out.push(r);
    }
    if let Some(first_key) = items.first().map(|i| i.key.clone()) {
        if !out.is_empty() {
            out.push(Inline::Text(" ".into()));
        }
        out.push(Inline::Cite(Box::new(Citation {
            items,
            narrative: false,
            rendered: Vec::new(),
            span: scan.at(&[&text[..=end], &format!("@{}", first_key)]),
        })));
    }
    Some((end + 1, out))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regressions: pulldown-latex wrote `<mo><</mo>`, `&nbsp;`, a script
    /// with three children for `\log_2`, and accents as over-scripts.
    #[test]
    fn mathml_is_repaired() {
        let m = math(r"x < 0 \text{ if } \log_2 N + \hat{x} + \bar{y}", false)
            .unwrap()
            .mathml
            .unwrap();
        assert!(m.contains("<mo>&lt;</mo>") && !m.contains("nbsp"), "{m}");
        assert!(m.contains("&#160;"), "{m}");
        assert!(!m.contains("<msub><mspace"), "{m}");
        assert!(m.contains("<mover accent=\"true\"><mrow><mi>x</mi></mrow><mo stretchy=\"false\">\u{2C6}</mo></mover>"), "{m}");
        assert!(formulary::parse(&m).is_ok(), "{m}");
        let m = math(r"\begin{aligned} a &= b \\ c &= d \end{aligned}", true)
            .unwrap()
            .mathml
            .unwrap();
        assert!(m.contains("<mtable columnalign=\"right left"), "{m}");
    }
    /// TeX's spacing and styles written into the MathML: display style in
    /// `aligned` cells, its columns meeting at the relation, `cases` left
    /// aligned, no space around operators in scripts, none before a final
    /// period or inside `\lvert … \rvert`.
    #[test]
    fn mathml_has_tex_spacing() {
        let mathml = |tex: &str, display: bool| math(tex, display).unwrap().mathml.unwrap();
        let m = mathml(
            r"\begin{aligned} x &= \frac{b}{a} \\ c &= d \end{aligned}",
            true,
        );
        assert!(
            m.contains("<mtable columnalign=\"right left right left right left\" columnspacing=\"0em 2em 0em 2em 0em\" displaystyle=\"true\""),
            "{m}"
        );
        assert!(
            m.contains("<mtd columnalign=\"right\"><mi>x</mi></mtd>")
                && m.contains("<mtd columnalign=\"left\">"),
            "{m}"
        );
        let m = mathml(r"\begin{cases} 1 & x > 0 \\ 0 & x \le 0 \end{cases}", true);
        assert!(
            m.contains("columnalign=\"left left\"") && !m.contains("displaystyle=\"true\""),
            "{m}"
        );
        assert_eq!(m.matches("<mtd columnalign=\"left\">").count(), 4, "{m}");
        let m = mathml(r"\sum_{n=0}^{N-1} x_n = b .", true);
        assert!(
            m.contains("<mo lspace=\"0em\" rspace=\"0em\">=</mo><mn>0</mn>"),
            "{m}"
        );
        assert!(
            m.contains("<mo lspace=\"0em\" rspace=\"0em\">−</mo>"),
            "{m}"
        );
        assert!(
            m.contains("<mo>=</mo>"),
            "the relation outside scripts keeps its space: {m}"
        );
        assert!(
            m.contains("<mo lspace=\"0em\" rspace=\"0em\">.</mo>"),
            "{m}"
        );
        let m = mathml(r"100\,\lvert r \rvert^3", false);
        assert_eq!(
            m.matches("<mo lspace=\"0em\" rspace=\"0em\"").count(),
            2,
            "{m}"
        );
        for tex in [r"\begin{aligned} a &= b \end{aligned}", r"x_{i+1}"] {
            assert!(formulary::parse(&mathml(tex, true)).is_ok());
        }
    }

    use crate::diag::FileId;

    /// The reviewer's case: a group broken across source lines is one
    /// citation of three works, and a bracket without `@` that spans lines
    /// keeps its soft break.
    #[test]
    fn a_citation_group_across_lines_is_one_group() {
        let out = citations(
            vec![
                Inline::Text("cited in this one [@knuth1984; @lamport1994;".into()),
                Inline::SoftBreak,
                Inline::Text("@bringhurst2004] set the standard".into()),
            ],
            scan(true),
        );
        let found: Vec<&Citation> = out
            .iter()
            .filter_map(|i| match i {
                Inline::Cite(c) => Some(&**c),
                _ => None,
            })
            .collect();
        assert_eq!(found.len(), 1, "{out:?}");
        let keys: Vec<&str> = found[0].items.iter().map(|i| i.key.as_str()).collect();
        assert_eq!(keys, ["knuth1984", "lamport1994", "bringhurst2004"]);
        assert_eq!(
            out.first(),
            Some(&Inline::Text("cited in this one ".into()))
        );
        assert_eq!(out.last(), Some(&Inline::Text(" set the standard".into())));
        assert!(!out.contains(&Inline::SoftBreak), "{out:?}");

        let text = vec![
            Inline::Text("a [b".into()),
            Inline::SoftBreak,
            Inline::Text("c] @knuth1984 and [x @y".into()),
            Inline::SoftBreak,
            Inline::Text("z".into()),
        ];
        let out = citations(text, scan(true));
        assert_eq!(
            out.iter().filter(|i| **i == Inline::SoftBreak).count(),
            2,
            "{out:?}"
        );
    }

    fn scan(citations: bool) -> Scan<'static> {
        Scan {
            citations,
            span: Span::new(FileId(0), 0..0),
            source: "",
        }
    }

    fn cites(text: &str) -> Vec<Inline> {
        citations(vec![Inline::Text(text.into())], scan(true))
    }

    #[test]
    fn pandoc_citations() {
        let out = cites("As [see @knuth84, p. 33; -@lamport94] shows, @doe2020 [ch. 2] says.");
        let found: Vec<&Citation> = out
            .iter()
            .filter_map(|i| match i {
                Inline::Cite(c) => Some(&**c),
                _ => None,
            })
            .collect();
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].items.len(), 2);
        assert_eq!(found[0].items[0].key, "knuth84");
        assert_eq!(found[0].items[0].prefix, "see");
        assert_eq!(found[0].items[0].suffix, "p. 33");
        assert!(found[0].items[1].suppress_author);
        assert!(!found[0].narrative);
        assert!(found[1].narrative);
        assert_eq!(found[1].items[0].key, "doe2020");
        assert_eq!(found[1].items[0].suffix, "ch. 2");
        assert_eq!(out.last(), Some(&Inline::Text(" says.".into())));
    }

    #[test]
    fn emails_and_handles_without_a_bibliography_stay_text() {
        let text = "Write to me@example.org or @someone [@key].";
        let out = citations(vec![Inline::Text(text.into())], scan(false));
        assert_eq!(out, vec![Inline::Text(text.into())]);
        // With one, the address still stays text.
        let out = cites("me@example.org");
        assert_eq!(out, vec![Inline::Text("me@example.org".into())]);
    }

    #[test]
    fn references_to_labels_need_no_bibliography() {
        let out = citations(
            vec![Inline::Text("See @fig:map and [@tbl:data].".into())],
            scan(false),
        );
        let kinds: Vec<RefKind> = out
            .iter()
            .filter_map(|i| match i {
                Inline::Ref(r) => Some(r.kind),
                _ => None,
            })
            .collect();
        assert_eq!(kinds, vec![RefKind::Figure, RefKind::Table]);
        assert_eq!(out.last(), Some(&Inline::Text(".".into())));
    }

    #[test]
    fn info_strings() {
        let (lang, attrs) = code_info("rust {linenos hl_lines=\"2 4-5\" start=10}");
        assert_eq!(lang.as_deref(), Some("rust"));
        assert_eq!(attrs.line_numbers, Some(true));
        assert_eq!(attrs.start, 10);
        assert_eq!(attrs.highlight, vec![(2, 2), (4, 5)]);
        let (lang, attrs) = code_info("python,linenos,hl_lines=1 3-4");
        assert_eq!(lang.as_deref(), Some("python"));
        assert_eq!(attrs.highlight, vec![(1, 1), (3, 4)]);
        let (lang, attrs) = code_info("{.haskell .numberLines}");
        assert_eq!(lang.as_deref(), Some("haskell"));
        assert_eq!(attrs.line_numbers, Some(true));
        assert_eq!(code_info("c").1, CodeAttrs::default());
    }

    #[test]
    fn labels() {
        assert_eq!(
            leading_label(" {#fig:map} rest"),
            Some(("fig:map".to_string(), " rest"))
        );
        assert_eq!(leading_label("{#sec:x}"), None);
        assert_eq!(
            trailing_label("Results {#tbl:results}"),
            Some(("Results ", "tbl:results".to_string()))
        );
    }

    #[test]
    fn formulas_convert_or_say_why_not() {
        let m = math(r"\frac{a}{b} + \sum_{i=1}^n x_i", false).unwrap();
        assert!(m.mathml.as_deref().unwrap().contains("<mfrac"));
        assert!(math(r"\frac{a}{", false).is_err());
        assert!(math("", true).is_err());
    }
}

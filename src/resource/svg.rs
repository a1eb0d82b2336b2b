//! SVG images: sanitised for the EPUB (no scripts, no event handlers, no
//! external references, no XML entities), sized from their attributes.

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, Writer};

/// Elements dropped with everything inside them.
const DROPPED: [&[u8]; 8] = [
    b"script",
    b"foreignObject",
    b"iframe",
    b"object",
    b"embed",
    b"audio",
    b"video",
    b"handler",
];

/// Why an SVG was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused(pub String);

/// Whether bytes look like an SVG document.
pub fn looks_like_svg(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    let text = String::from_utf8_lossy(head);
    text.contains("<svg")
}

/// A reference is internal (`#id`) or an embedded raster image.
fn allowed_reference(value: &str) -> bool {
    let v = value.trim();
    v.starts_with('#')
        || v.starts_with("data:image/png")
        || v.starts_with("data:image/jpeg")
        || v.starts_with("data:image/gif")
}

fn local(name: &[u8]) -> &[u8] {
    name.rsplit(|&b| b == b':').next().unwrap_or(name)
}

fn clean_start(e: &BytesStart<'_>) -> BytesStart<'static> {
    let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
    let mut out = BytesStart::new(name);
    for attr in e.attributes().flatten() {
        let key = attr.key.as_ref();
        let lkey = local(key).to_ascii_lowercase();
        let value = attr
            .unescape_value()
            .map(|v| v.into_owned())
            .unwrap_or_default();
        let lower = value.to_ascii_lowercase();
        if lkey.starts_with(b"on") || lower.contains("javascript:") {
            continue;
        }
        if lkey == b"href" && !allowed_reference(&value) {
            continue;
        }
        if lower.contains("url(") && !lower.contains("url(#") {
            continue;
        }
        let k = String::from_utf8_lossy(key).into_owned();
        out.push_attribute((k.as_str(), value.as_str()));
    }
    out
}

/// Returns a sanitised copy of the SVG, or why it cannot be used.
pub fn sanitize(bytes: &[u8]) -> Result<Vec<u8>, Refused> {
    let text = std::str::from_utf8(bytes).map_err(|_| Refused("SVG is not UTF-8".into()))?;
    if text.contains("<!ENTITY") {
        return Err(Refused("SVG declares XML entities".into()));
    }
    let mut reader = Reader::from_str(text);
    let mut writer = Writer::new(Vec::new());
    let mut skip_depth = 0usize;
    let mut saw_svg = false;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| Refused(format!("SVG is not well-formed XML: {e}")))?;
        match event {
            Event::Eof => break,
            Event::Start(e) => {
                if skip_depth > 0 || DROPPED.contains(&local(e.name().as_ref())) {
                    skip_depth += 1;
                    continue;
                }
                if local(e.name().as_ref()) == b"style" {
                    // Style sheets may import or point outside; drop them whole.
                    skip_depth += 1;
                    continue;
                }
                saw_svg |= local(e.name().as_ref()) == b"svg";
                writer
                    .write_event(Event::Start(clean_start(&e)))
                    .map_err(|e| Refused(e.to_string()))?;
            }
            Event::Empty(e) => {
                if skip_depth > 0 || DROPPED.contains(&local(e.name().as_ref())) {
                    continue;
                }
                writer
                    .write_event(Event::Empty(clean_start(&e)))
                    .map_err(|e| Refused(e.to_string()))?;
            }
            Event::End(e) => {
                if skip_depth > 0 {
                    skip_depth -= 1;
                    continue;
                }
                writer
                    .write_event(Event::End(e.into_owned()))
                    .map_err(|e| Refused(e.to_string()))?;
            }
            Event::DocType(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Decl(d) => {
                writer
                    .write_event(Event::Decl(d.into_owned()))
                    .map_err(|e| Refused(e.to_string()))?;
            }
            other => {
                if skip_depth == 0 {
                    writer
                        .write_event(other.into_owned())
                        .map_err(|e| Refused(e.to_string()))?;
                }
            }
        }
    }
    if !saw_svg {
        return Err(Refused("no <svg> element".into()));
    }
    Ok(writer.into_inner())
}

/// Width and height in pixels from `width`/`height` or the `viewBox`.
pub fn dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    let text = std::str::from_utf8(bytes).ok()?;
    let mut reader = Reader::from_str(text);
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) | Event::Empty(e) if local(e.name().as_ref()) == b"svg" => {
                let get = |name: &[u8]| {
                    e.attributes()
                        .flatten()
                        .find(|a| a.key.as_ref() == name)
                        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
                };
                let number = |s: Option<String>| {
                    s.and_then(|v| {
                        let n: String = v
                            .trim()
                            .chars()
                            .take_while(|c| c.is_ascii_digit() || *c == '.')
                            .collect();
                        n.parse::<f64>().ok()
                    })
                    .filter(|v| *v > 0.0 && !v.to_string().ends_with('%'))
                };
                let (w, h) = (number(get(b"width")), number(get(b"height")));
                if let (Some(w), Some(h)) = (w, h) {
                    return Some((w.round().max(1.0) as u32, h.round().max(1.0) as u32));
                }
                let vb = get(b"viewBox")?;
                let parts: Vec<f64> = vb
                    .split(|c: char| c.is_whitespace() || c == ',')
                    .filter_map(|p| p.parse().ok())
                    .collect();
                if parts.len() == 4 && parts[2] > 0.0 && parts[3] > 0.0 {
                    return Some((parts[2].round() as u32, parts[3].round() as u32));
                }
                return None;
            }
            Event::Eof => return None,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_handlers_and_external_refs_go() {
        let svg = br##"<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="100" height="50" onload="evil()">
<script>alert(1)</script>
<rect width="10" height="10" onclick="x()" fill="red"/>
<image xlink:href="https://evil.example/a.png" width="5" height="5"/>
<use xlink:href="#r"/>
<a href="javascript:alert(1)"><text>hi</text></a>
</svg>"##;
        let clean = String::from_utf8(sanitize(svg).unwrap()).unwrap();
        assert!(!clean.contains("script"));
        assert!(!clean.contains("onload"));
        assert!(!clean.contains("onclick"));
        assert!(!clean.contains("evil.example"));
        assert!(!clean.contains("javascript"));
        assert!(clean.contains("xlink:href=\"#r\""));
        assert_eq!(dimensions(svg), Some((100, 50)));
    }

    #[test]
    fn entities_are_refused() {
        let svg = br#"<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x "boom">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>"#;
        assert!(sanitize(svg).is_err());
    }

    #[test]
    fn viewbox_size() {
        let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 320 200"/>"#;
        assert_eq!(dimensions(svg), Some((320, 200)));
    }
}

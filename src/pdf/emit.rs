//! PDF object syntax for lopdf objects, written one object at a time.
//!
//! printpdf hands back its objects as lopdf values, and lopdf 0.44 can only
//! save a whole document (its object writer is private). Streaming a book
//! page by page needs single objects, so this module writes them; `qpdf
//! --check` in the tests checks the syntax.

use lopdf::{Dictionary, Object, StringFormat};
use std::io::Write;

/// Appends `object` in PDF syntax.
pub fn object(out: &mut Vec<u8>, object: &Object) {
    match object {
        Object::Null => out.extend_from_slice(b"null"),
        Object::Boolean(true) => out.extend_from_slice(b"true"),
        Object::Boolean(false) => out.extend_from_slice(b"false"),
        Object::Integer(i) => {
            let _ = write!(out, "{i}");
        }
        Object::Real(r) => real(out, *r),
        Object::Name(name) => self::name(out, name),
        Object::String(bytes, StringFormat::Literal) => literal(out, bytes),
        Object::String(bytes, StringFormat::Hexadecimal) => {
            out.push(b'<');
            for b in bytes {
                let _ = write!(out, "{b:02X}");
            }
            out.push(b'>');
        }
        Object::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                self::object(out, item);
            }
            out.push(b']');
        }
        Object::Dictionary(dict) => dictionary(out, dict),
        Object::Stream(stream) => {
            let mut dict = stream.dict.clone();
            dict.set("Length", Object::Integer(stream.content.len() as i64));
            dictionary(out, &dict);
            out.extend_from_slice(b"\nstream\n");
            out.extend_from_slice(&stream.content);
            out.extend_from_slice(b"\nendstream");
        }
        Object::Reference((id, generation)) => {
            let _ = write!(out, "{id} {generation} R");
        }
    }
}

/// Appends a dictionary in PDF syntax.
pub fn dictionary(out: &mut Vec<u8>, dict: &Dictionary) {
    out.extend_from_slice(b"<<");
    for (key, value) in dict.iter() {
        name(out, key);
        out.push(b' ');
        object(out, value);
    }
    out.extend_from_slice(b">>");
}

/// A real number with at most four decimals, no exponent, no trailing zeros.
fn real(out: &mut Vec<u8>, r: f32) {
    if !r.is_finite() {
        out.push(b'0');
        return;
    }
    let text = format!("{r:.4}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    match text {
        "" | "-0" | "-" => out.push(b'0'),
        t => out.extend_from_slice(t.as_bytes()),
    }
}

fn name(out: &mut Vec<u8>, name: &[u8]) {
    out.push(b'/');
    for &b in name {
        if b"()<>[]{}/%#".contains(&b) || !(33..=126).contains(&b) {
            let _ = write!(out, "#{b:02X}");
        } else {
            out.push(b);
        }
    }
}

fn literal(out: &mut Vec<u8>, bytes: &[u8]) {
    out.push(b'(');
    for &b in bytes {
        match b {
            b'(' | b')' | b'\\' => {
                out.push(b'\\');
                out.push(b);
            }
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\n' => out.extend_from_slice(b"\\n"),
            _ => out.push(b),
        }
    }
    out.push(b')');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(o: Object) -> String {
        let mut out = Vec::new();
        object(&mut out, &o);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn objects_in_pdf_syntax() {
        assert_eq!(text(Object::Real(1.5)), "1.5");
        assert_eq!(text(Object::Real(2.0)), "2");
        assert_eq!(text(Object::Real(-0.00001)), "0");
        assert_eq!(text(Object::Name(b"A B#".to_vec())), "/A#20B#23");
        assert_eq!(
            text(Object::String(b"a(b)\\".to_vec(), StringFormat::Literal)),
            "(a\\(b\\)\\\\)"
        );
        assert_eq!(
            text(Object::String(vec![0xFE, 0xFF], StringFormat::Hexadecimal)),
            "<FEFF>"
        );
        let mut d = Dictionary::new();
        d.set("Type", Object::Name(b"Page".to_vec()));
        d.set(
            "Kids",
            Object::Array(vec![Object::Reference((3, 0)), Object::Integer(7)]),
        );
        assert_eq!(
            text(Object::Dictionary(d)),
            "<</Type /Page/Kids [3 0 R 7]>>"
        );
        let s = lopdf::Stream::new(Dictionary::new(), b"q Q".to_vec());
        assert_eq!(
            text(Object::Stream(s)),
            "<</Length 3>>\nstream\nq Q\nendstream"
        );
    }
}

//! The lopdf post-pass: what printpdf cannot express, fixed on its output.
//!
//! Adds link annotations (printpdf writes annotation rectangles as x/y/w/h and
//! visible borders), a nested outline (printpdf's is flat and keyed by random
//! ids), `/PageMode /UseOutlines`, `/Lang`, Info strings as UTF-16 (printpdf
//! writes raw UTF-8), and a document `/ID` derived from the content instead of
//! a counter, so rebuilds are byte-identical.

use super::frame::{Item, LinkDest, Page};
use super::layout::Layout;
use super::writer::Sheet;
use crate::diag::{Error, Result};
use crate::doc::Document;
use lopdf::{Dictionary, Object, ObjectId, StringFormat};
use sha2::{Digest, Sha256};

/// Applies the post-pass to printpdf's output.
pub fn finish(
    bytes: &[u8],
    doc: &Document,
    layout: &Layout,
    language: &str,
    sheet: &Sheet,
) -> Result<Vec<u8>> {
    let fail = |e: lopdf::Error| Error::Backend(format!("PDF post-pass failed ({e})"));
    let mut pdf = lopdf::Document::load_mem(bytes).map_err(fail)?;
    let page_ids: Vec<ObjectId> = pdf.get_pages().values().copied().collect();
    let off = f64::from(sheet.offset());

    boxes(&mut pdf, &page_ids, &layout.pages, sheet);
    links(&mut pdf, &page_ids, &layout.pages, layout, off)?;
    let outline = outline(&mut pdf, &page_ids, layout, off);
    let xmp = xmp(doc, language);
    let mut xmp_dict = Dictionary::new();
    xmp_dict.set("Type", Object::Name(b"Metadata".to_vec()));
    xmp_dict.set("Subtype", Object::Name(b"XML".to_vec()));
    let xmp_id =
        pdf.add_object(lopdf::Stream::new(xmp_dict, xmp.into_bytes()).with_compression(false));

    let catalog = pdf.catalog_mut().map_err(fail)?;
    catalog.set("Lang", text_string(language));
    catalog.set("Metadata", Object::Reference(xmp_id));
    if let Some(root) = outline {
        catalog.set("Outlines", Object::Reference(root));
        catalog.set("PageMode", Object::Name(b"UseOutlines".to_vec()));
    }

    // Info strings as UTF-16BE text strings.
    if let Ok(info_id) = pdf.trailer.get(b"Info").and_then(Object::as_reference)
        && let Ok(info) = pdf.get_dictionary_mut(info_id)
    {
        for key in [
            &b"Title"[..],
            b"Author",
            b"Subject",
            b"Keywords",
            b"Creator",
            b"Producer",
        ] {
            let value = info
                .get(key)
                .ok()
                .and_then(|o| o.as_str().ok())
                .map(<[u8]>::to_vec);
            match value {
                // Already UTF-16 with a byte-order mark: keep.
                Some(v) if v.starts_with(&[0xFE, 0xFF]) => {}
                Some(v) if !v.is_empty() => {
                    info.set(key, text_string(&String::from_utf8_lossy(&v)));
                }
                _ => {
                    info.remove(key);
                }
            }
        }
    }
    let _ = doc;

    // A placeholder /ID, replaced below by a hash of the file (same length,
    // so the cross-reference offsets stay right).
    let placeholder = vec![0u8; 16];
    pdf.trailer.set(
        "ID",
        Object::Array(vec![
            Object::String(placeholder.clone(), StringFormat::Hexadecimal),
            Object::String(placeholder, StringFormat::Hexadecimal),
        ]),
    );
    let mut out = Vec::new();
    pdf.save_to(&mut out)
        .map_err(|e| Error::Backend(format!("PDF post-pass failed ({e})")))?;
    let digest = Sha256::digest(&out);
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02X}")).collect();
    let zeros = format!("<{}>", "0".repeat(32));
    if let Some(at) = find(&out, zeros.as_bytes()) {
        let replacement = format!("<{hex}>");
        out[at..at + replacement.len()].copy_from_slice(replacement.as_bytes());
        if let Some(second) = find(&out[at + replacement.len()..], zeros.as_bytes()) {
            let s = at + replacement.len() + second;
            out[s..s + replacement.len()].copy_from_slice(replacement.as_bytes());
        }
    }
    Ok(out)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// A PDF text string: ASCII as is, anything else as UTF-16BE with a BOM.
pub fn text_string(s: &str) -> Object {
    if s.is_ascii() {
        Object::String(s.as_bytes().to_vec(), StringFormat::Literal)
    } else {
        let mut bytes = vec![0xFE, 0xFF];
        for unit in s.encode_utf16() {
            bytes.extend_from_slice(&unit.to_be_bytes());
        }
        Object::String(bytes, StringFormat::Hexadecimal)
    }
}

/// Page boxes as PDF rectangles: the sheet (MediaBox, CropBox), the trimmed
/// page (TrimBox) and the bleed around it (BleedBox).
fn boxes(pdf: &mut lopdf::Document, page_ids: &[ObjectId], pages: &[Page], sheet: &Sheet) {
    let rect = |a: f64, b: f64, c: f64, d: f64| {
        Object::Array(vec![
            Object::Real(a as f32),
            Object::Real(b as f32),
            Object::Real(c as f32),
            Object::Real(d as f32),
        ])
    };
    let off = f64::from(sheet.offset());
    let bleed = f64::from(sheet.bleed);
    for (id, page) in page_ids.iter().zip(pages) {
        let (w, h) = (page.width.to_pt(), page.height.to_pt());
        if let Ok(dict) = pdf.get_dictionary_mut(*id) {
            let media = rect(0.0, 0.0, w + 2.0 * off, h + 2.0 * off);
            dict.set("MediaBox", media.clone());
            dict.set("CropBox", media);
            dict.set("TrimBox", rect(off, off, off + w, off + h));
            dict.set(
                "BleedBox",
                rect(off - bleed, off - bleed, off + w + bleed, off + h + bleed),
            );
        }
    }
}

/// XMP metadata matching the Info dictionary, every value XML-escaped.
fn xmp(doc: &Document, language: &str) -> String {
    use crate::epub::xhtml::escape;
    let meta = &doc.meta;
    let created = crate::date::source_date_epoch()
        .or_else(|| meta.date.as_deref().and_then(crate::date::parse))
        .unwrap_or(crate::date::DateTime::date(2000, 1, 1))
        .w3c();
    let li = |items: &[String]| -> String {
        items
            .iter()
            .map(|i| format!("<rdf:li>{}</rdf:li>", escape(i)))
            .collect()
    };
    let title = meta.title.clone().unwrap_or_default();
    let lang = escape(language);
    let mut dc = format!(
        "<dc:format>application/pdf</dc:format><dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">{}</rdf:li></rdf:Alt></dc:title><dc:language><rdf:Bag><rdf:li>{lang}</rdf:li></rdf:Bag></dc:language>",
        escape(&title)
    );
    if !meta.authors.is_empty() {
        dc.push_str(&format!(
            "<dc:creator><rdf:Seq>{}</rdf:Seq></dc:creator>",
            li(&meta.authors)
        ));
    }
    if let Some(d) = &meta.description {
        dc.push_str(&format!(
            "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">{}</rdf:li></rdf:Alt></dc:description>",
            escape(d)
        ));
    }
    if !meta.subjects.is_empty() {
        dc.push_str(&format!(
            "<dc:subject><rdf:Bag>{}</rdf:Bag></dc:subject>",
            li(&meta.subjects)
        ));
    }
    format!(
        "<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">{dc}<xmp:CreateDate>{created}</xmp:CreateDate><xmp:ModifyDate>{created}</xmp:ModifyDate><xmp:MetadataDate>{created}</xmp:MetadataDate><xmp:CreatorTool>bindery {v}</xmp:CreatorTool><pdf:Producer>bindery {v}</pdf:Producer><pdf:Keywords>{}</pdf:Keywords></rdf:Description></rdf:RDF></x:xmpmeta>\n<?xpacket end=\"w\"?>",
        escape(&meta.subjects.join(", ")),
        v = env!("CARGO_PKG_VERSION")
    )
}

fn links(
    pdf: &mut lopdf::Document,
    page_ids: &[ObjectId],
    pages: &[Page],
    layout: &Layout,
    off: f64,
) -> Result<()> {
    for (index, page) in pages.iter().enumerate() {
        let h = page.height.to_pt() + off;
        let mut annots = Vec::new();
        for (p, item) in &page.items {
            let Item::Link {
                width,
                height,
                dest,
            } = item
            else {
                continue;
            };
            let rect = vec![
                Object::Real((p.x.to_pt() + off) as f32),
                Object::Real((h - p.y.to_pt() - height.to_pt()) as f32),
                Object::Real(((p.x + *width).to_pt() + off) as f32),
                Object::Real((h - p.y.to_pt()) as f32),
            ];
            let mut annot = Dictionary::new();
            annot.set("Type", Object::Name(b"Annot".to_vec()));
            annot.set("Subtype", Object::Name(b"Link".to_vec()));
            annot.set("Rect", Object::Array(rect));
            annot.set(
                "Border",
                Object::Array(vec![
                    Object::Integer(0),
                    Object::Integer(0),
                    Object::Integer(0),
                ]),
            );
            match dest {
                LinkDest::Uri(uri) => {
                    let mut action = Dictionary::new();
                    action.set("S", Object::Name(b"URI".to_vec()));
                    action.set(
                        "URI",
                        Object::String(uri.as_bytes().to_vec(), StringFormat::Literal),
                    );
                    annot.set("A", Object::Dictionary(action));
                }
                LinkDest::Anchor(anchor) => {
                    let Some((target, y)) = layout.anchors.get(anchor) else {
                        continue;
                    };
                    let Some(target_id) = page_ids.get(*target) else {
                        continue;
                    };
                    let top = pages[*target].height.to_pt() + off - y.to_pt();
                    annot.set("Dest", xyz(*target_id, top));
                }
            }
            annots.push(Object::Reference(pdf.add_object(annot)));
        }
        if annots.is_empty() {
            continue;
        }
        let Some(page_id) = page_ids.get(index) else {
            continue;
        };
        if let Ok(page_dict) = pdf.get_dictionary_mut(*page_id) {
            page_dict.set("Annots", Object::Array(annots));
        }
    }
    Ok(())
}

fn xyz(page: ObjectId, top: f64) -> Object {
    Object::Array(vec![
        Object::Reference(page),
        Object::Name(b"XYZ".to_vec()),
        Object::Null,
        Object::Real(top as f32),
        Object::Null,
    ])
}

/// Builds the nested outline; returns the outline root.
fn outline(
    pdf: &mut lopdf::Document,
    page_ids: &[ObjectId],
    layout: &Layout,
    off: f64,
) -> Option<ObjectId> {
    struct Node {
        title: String,
        level: u8,
        dest: Object,
        children: Vec<usize>,
    }
    let mut nodes: Vec<Node> = Vec::new();
    let mut roots: Vec<usize> = Vec::new();
    let mut stack: Vec<usize> = Vec::new();
    for (title, level, anchor) in &layout.outline {
        let Some((page, y)) = layout.anchors.get(anchor) else {
            continue;
        };
        let Some(page_id) = page_ids.get(*page) else {
            continue;
        };
        let top = layout.pages[*page].height.to_pt() + off - y.to_pt();
        let index = nodes.len();
        nodes.push(Node {
            title: title.clone(),
            level: *level,
            dest: xyz(*page_id, top),
            children: Vec::new(),
        });
        while stack.last().is_some_and(|&s| nodes[s].level >= *level) {
            stack.pop();
        }
        match stack.last() {
            Some(&parent) => nodes[parent].children.push(index),
            None => roots.push(index),
        }
        stack.push(index);
    }
    if roots.is_empty() {
        return None;
    }
    let ids: Vec<ObjectId> = nodes.iter().map(|_| pdf.new_object_id()).collect();
    let root_id = pdf.new_object_id();
    fn count(nodes: &[Node], i: usize) -> i64 {
        nodes[i].children.iter().map(|&c| 1 + count(nodes, c)).sum()
    }
    let write_level = |pdf: &mut lopdf::Document, parent: ObjectId, items: &[usize]| {
        for (k, &i) in items.iter().enumerate() {
            let mut d = Dictionary::new();
            d.set("Title", text_string(&nodes[i].title));
            d.set("Parent", Object::Reference(parent));
            d.set("Dest", nodes[i].dest.clone());
            if k > 0 {
                d.set("Prev", Object::Reference(ids[items[k - 1]]));
            }
            if k + 1 < items.len() {
                d.set("Next", Object::Reference(ids[items[k + 1]]));
            }
            if let (Some(&first), Some(&last)) =
                (nodes[i].children.first(), nodes[i].children.last())
            {
                d.set("First", Object::Reference(ids[first]));
                d.set("Last", Object::Reference(ids[last]));
                // Chapters open, deeper levels closed.
                let n = count(&nodes, i);
                d.set(
                    "Count",
                    Object::Integer(if nodes[i].level <= 1 { n } else { -n }),
                );
            }
            pdf.objects.insert(ids[i], Object::Dictionary(d));
        }
    };
    write_level(pdf, root_id, &roots);
    for i in 0..nodes.len() {
        let children = nodes[i].children.clone();
        if !children.is_empty() {
            write_level(pdf, ids[i], &children);
        }
    }
    let mut root = Dictionary::new();
    root.set("Type", Object::Name(b"Outlines".to_vec()));
    root.set("First", Object::Reference(ids[roots[0]]));
    root.set("Last", Object::Reference(ids[*roots.last()?]));
    let visible: i64 = roots
        .iter()
        .map(|&r| {
            1 + if nodes[r].level <= 1 {
                count(&nodes, r)
            } else {
                0
            }
        })
        .sum();
    root.set("Count", Object::Integer(visible));
    pdf.objects.insert(root_id, Object::Dictionary(root));
    Some(root_id)
}

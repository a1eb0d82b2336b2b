//! Metadata: the document information dictionary (title, authors, subject,
//! keywords, dates, creator) with text strings as PDF text strings, and the
//! same facts as an XMP packet (xmp-writer), which print workflows and
//! archives read.

use super::objects::Objects;
use super::standards;
use crate::diag::Result;
use crate::pdf::Standard;
use crate::pdf::frame::Info;
use pdf_writer::{Date, Finish, Name, Ref, TextStr};
use std::io::Write;

/// What writes the document: `bindery` and its version.
fn tool() -> String {
    format!("bindery {}", env!("CARGO_PKG_VERSION"))
}

/// The creation date, as a calendar date and time in UTC.
fn utc(unix: i64) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(unix, 0).unwrap_or_default()
}

/// Writes the information dictionary; returns it.
pub fn info<W: Write>(objects: &mut Objects<W>, info: &Info, standard: Standard) -> Result<Ref> {
    use chrono::{Datelike, Timelike};
    let t = utc(info.created);
    let date = Date::new(t.year().clamp(0, 9999) as u16)
        .month(t.month() as u8)
        .day(t.day() as u8)
        .hour(t.hour() as u8)
        .minute(t.minute() as u8)
        .second(t.second() as u8)
        .utc_offset_hour(0)
        .utc_offset_minute(0);
    let id = objects.reserve();
    let authors = info.authors.join("; ");
    let keywords = info.keywords.join(", ");
    let tool = tool();
    objects.write(id, |c, id| {
        let mut d = c.indirect(id).start::<pdf_writer::writers::DocumentInfo>();
        for (key, value) in [
            (&b"Title"[..], info.title.as_str()),
            (b"Author", authors.as_str()),
            (b"Subject", info.subject.as_str()),
            (b"Keywords", keywords.as_str()),
        ] {
            if !value.is_empty() {
                d.pair(Name(key), TextStr(value));
            }
        }
        d.creator(TextStr(&tool))
            .producer(TextStr(&tool))
            .creation_date(date)
            .modified_date(date);
        if standard != Standard::None {
            // PDF/X: the file says whether it was trapped (ISO 15930-7,
            // 6.7.5); bindery never traps.
            d.trapped(pdf_writer::types::TrappingStatus::NotTrapped);
        }
        if let Some(version) = standards::pdfx_version(standard) {
            d.pair(
                Name(b"GTS_PDFXVersion"),
                pdf_writer::Str(version.as_bytes()),
            );
            if standard == Standard::X1a {
                d.pair(
                    Name(b"GTS_PDFXConformance"),
                    pdf_writer::Str(version.as_bytes()),
                );
            }
        }
        d.finish();
    })?;
    Ok(id)
}

/// The XMP packet stating the same as the information dictionary.
pub fn xmp(info: &Info, standard: Standard) -> String {
    use chrono::{Datelike, Timelike};
    let t = utc(info.created);
    let date = xmp_writer::DateTime {
        year: t.year().clamp(0, 9999) as u16,
        month: Some(t.month() as u8),
        day: Some(t.day() as u8),
        hour: Some(t.hour() as u8),
        minute: Some(t.minute() as u8),
        second: Some(t.second() as u8),
        timezone: Some(xmp_writer::Timezone::Utc),
    };
    let tool = tool();
    let keywords = info.keywords.join(", ");
    let mut xmp = xmp_writer::XmpWriter::new();
    xmp.format("application/pdf");
    xmp.title([(None, info.title.as_str())]);
    xmp.language([xmp_writer::LangId(&info.language)]);
    if !info.authors.is_empty() {
        xmp.creator(info.authors.iter().map(String::as_str));
    }
    if !info.subject.is_empty() {
        xmp.description([(None, info.subject.as_str())]);
    }
    if !info.keywords.is_empty() {
        xmp.subject(info.keywords.iter().map(String::as_str));
    }
    xmp.create_date(date)
        .modify_date(date)
        .metadata_date(date)
        .creator_tool(&tool)
        .producer(&tool)
        .pdf_keywords(&keywords);
    if standard != Standard::None {
        xmp.trapped(false);
        // The document's identity, derived from what it is (no random ids):
        // PDF/X-4 asks for DocumentID, VersionID and RenditionClass.
        let id = uuid::Uuid::new_v5(
            &uuid::Uuid::NAMESPACE_OID,
            format!("{}\u{1f}{}", info.title, info.authors.join("\u{1f}")).as_bytes(),
        );
        let id = format!("uuid:{id}");
        xmp.document_id(&id)
            .instance_id(&id)
            .version_id("1")
            .rendition_class(xmp_writer::RenditionClass::Default);
    }
    if let Some(version) = standards::pdfx_version(standard) {
        xmp.pdfx_version(version);
    }
    if standard == Standard::A2b {
        xmp.pdfa_part(2).pdfa_conformance("B");
    }
    xmp.finish(None)
}

/// Writes the XMP packet as the catalog's metadata stream (uncompressed,
/// as readers that scan for it expect); returns it.
pub fn metadata<W: Write>(
    objects: &mut Objects<W>,
    info: &Info,
    standard: Standard,
) -> Result<Ref> {
    let packet = xmp(info, standard);
    let id = objects.reserve();
    objects.write(id, |c, id| {
        c.metadata(id, packet.as_bytes());
    })?;
    Ok(id)
}

//! Print services' published rules for interiors, checked against the
//! page geometry and the page count once the book is laid out: trim size,
//! page count, and margins (the inside margin, the gutter, grows with the
//! page count). A violation is a message naming the rule.
//!
//! KDP ("Set trim size, bleed and margins", KDP help): trims from 4 × 6 in
//! to 8.5 × 11.69 in; 24 to 828 pages; inside margin 0.375 in up to 150
//! pages, 0.5 in to 300, 0.625 in to 500, 0.75 in to 700, 0.875 in to 828;
//! outside, top and bottom margins at least 0.25 in, 0.375 in with bleed;
//! bleed 0.125 in.
//!
//! IngramSpark (File Creation Guide): trims from 4 × 6 in to 8.5 × 11.69
//! in; at least 18 pages, an even count (the layout adds a blank last page
//! to an odd count: [`wants_even_pages`]); inside margin 0.5 in up to 150
//! pages, 0.625 in to 400, 0.75 in to 600, 0.875 in beyond; other margins at
//! least 0.25 in (0.375 in on the outside with bleed); bleed 0.125 in.

use super::layout::Geometry;
use super::{PdfOptions, Service};
use crate::diag::{Diagnostic, Diagnostics, Severity, Span};
use crate::text::Abs;

/// Where an option the rules read was set, so that a violation names it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Origin {
    /// Not set by the user (a default, or the profile's own value), or not
    /// known (a library caller).
    #[default]
    Unknown,
    /// A key of the project file or of the first file's front matter.
    File(Span),
    /// A command-line option (`--paper`).
    Flag(&'static str),
}

/// Where the options the rules read were set: the profile that asks for
/// the rules, the paper (trim), the margins and the bleed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Origins {
    /// `pdf.profile`, `--profile`.
    pub profile: Origin,
    /// `pdf.paper`, `--paper`.
    pub paper: Origin,
    /// `pdf.margins`, `--margins`.
    pub margins: Origin,
    /// `pdf.bleed`, `--bleed`.
    pub bleed: Origin,
}

impl Origins {
    /// The origin of the option `key` (`pdf.profile`, `pdf.paper`,
    /// `pdf.margins` or `pdf.bleed`).
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Origin> {
        match key {
            "pdf.profile" => Some(&mut self.profile),
            "pdf.paper" => Some(&mut self.paper),
            "pdf.margins" => Some(&mut self.margins),
            "pdf.bleed" => Some(&mut self.bleed),
            _ => None,
        }
    }
}

/// What a rule is about: the option that decides it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// The trim size (the paper).
    Trim,
    /// The page count (the profile's rule: nothing else sets it).
    Pages,
    /// A margin.
    Margins,
    /// The bleed.
    Bleed,
}

/// A service's rules.
struct Rules {
    name: &'static str,
    /// Trim width and height ranges, in inches.
    width: (f64, f64),
    height: (f64, f64),
    pages: (usize, usize),
    /// Inside margin by page count: (up to this many pages, inches).
    gutter: &'static [(usize, f64)],
    /// Minimum outside, top and bottom margins without and with bleed.
    edge: (f64, f64),
    bleed: f64,
    even: bool,
}

const KDP: Rules = Rules {
    name: "KDP",
    width: (4.0, 8.5),
    height: (6.0, 11.69),
    pages: (24, 828),
    gutter: &[
        (150, 0.375),
        (300, 0.5),
        (500, 0.625),
        (700, 0.75),
        (usize::MAX, 0.875),
    ],
    edge: (0.25, 0.375),
    bleed: 0.125,
    even: false,
};

const INGRAMSPARK: Rules = Rules {
    name: "IngramSpark",
    width: (4.0, 8.5),
    height: (6.0, 11.69),
    pages: (18, 1200),
    gutter: &[(150, 0.5), (400, 0.625), (600, 0.75), (usize::MAX, 0.875)],
    edge: (0.25, 0.375),
    bleed: 0.125,
    even: true,
};

/// The inside margin a service asks for at `pages` pages, in inches.
pub fn gutter(service: Service, pages: usize) -> f64 {
    let rules = rules(service);
    rules
        .gutter
        .iter()
        .find(|(max, _)| pages <= *max)
        .map_or(0.875, |(_, g)| *g)
}

fn rules(service: Service) -> &'static Rules {
    match service {
        Service::Kdp => &KDP,
        Service::IngramSpark => &INGRAMSPARK,
    }
}

/// The service the options name, when it prints only an even number of
/// pages (IngramSpark): the layout then ends an odd book with a blank page.
pub fn wants_even_pages(options: &PdfOptions) -> Option<&'static str> {
    let rules = rules(options.service?);
    rules.even.then_some(rules.name)
}

/// Reports what breaks the service's rules as warnings placed where the
/// option was set: the key's line in bindery.toml or the front matter; an
/// option given on the command line is named in the message (no place);
/// an option left at its default points where the profile was chosen.
pub fn warn(options: &PdfOptions, pages: usize, diags: &mut Diagnostics) {
    let o = &options.origins;
    for (subject, message) in check(options, pages) {
        let origin = match subject {
            Subject::Trim => o.paper,
            Subject::Pages => Origin::Unknown,
            Subject::Margins => o.margins,
            Subject::Bleed => o.bleed,
        };
        let origin = match origin {
            Origin::Unknown => o.profile,
            known => known,
        };
        let (span, message) = match origin {
            Origin::File(span) => (Some(span), message),
            Origin::Flag(flag) => (None, format!("{message} (set by {flag})")),
            Origin::Unknown => (None, message),
        };
        diags.push(Diagnostic {
            severity: Severity::Warning,
            span,
            message,
            hints: Vec::new(),
        });
    }
}

/// What breaks the service's rules in a book of `pages` pages set with
/// `options` (empty: nothing), each with what it is about.
pub fn check(options: &PdfOptions, pages: usize) -> Vec<(Subject, String)> {
    let Some(service) = options.service else {
        return Vec::new();
    };
    let r = rules(service);
    let g = Geometry::new(options);
    let inch = |a: Abs| a.to_pt() / 72.0;
    let mut out = Vec::new();
    let (w, h) = (inch(g.width), inch(g.height));
    // A hundredth of an inch of slack: KDP lists A4 as 8.27 × 11.69 in.
    let inside = |v: f64, (lo, hi): (f64, f64)| v >= lo - 0.01 && v <= hi + 0.01;
    if !inside(w, r.width) || !inside(h, r.height) {
        out.push((
            Subject::Trim,
            format!(
                "trim size {w:.3} × {h:.3} in is outside {}'s range ({} × {} in to {} × {} in)",
                r.name, r.width.0, r.height.0, r.width.1, r.height.1
            ),
        ));
    }
    if pages < r.pages.0 || pages > r.pages.1 {
        out.push((
            Subject::Pages,
            format!(
                "{pages} pages: {} prints {} to {} pages",
                r.name, r.pages.0, r.pages.1
            ),
        ));
    }
    let want = gutter(service, pages);
    if inch(g.inner) + 1e-6 < want {
        out.push((Subject::Margins, format!(
            "inside margin {:.3} in is under {}'s {want} in for a book of {pages} pages (the gutter grows with the page count; set --margins)",
            inch(g.inner),
            r.name
        )));
    }
    let bleed = options.bleed > Abs::ZERO;
    let edge = if bleed { r.edge.1 } else { r.edge.0 };
    for (name, v) in [("outside", g.outer), ("top", g.top), ("bottom", g.bottom)] {
        let min = if name == "outside" { edge } else { r.edge.0 };
        if inch(v) + 1e-6 < min {
            out.push((
                Subject::Margins,
                format!(
                    "{name} margin {:.3} in is under {}'s {min} in{}",
                    inch(v),
                    r.name,
                    if bleed && name == "outside" {
                        " with bleed"
                    } else {
                        ""
                    }
                ),
            ));
        }
    }
    if bleed && (inch(options.bleed) - r.bleed).abs() > 1e-3 {
        out.push((
            Subject::Bleed,
            format!(
                "bleed {:.3} in: {} wants {} in",
                inch(options.bleed),
                r.name,
                r.bleed
            ),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::PaperSize;

    #[test]
    fn the_gutter_grows_with_the_page_count() {
        assert_eq!(gutter(Service::Kdp, 24), 0.375);
        assert_eq!(gutter(Service::Kdp, 151), 0.5);
        assert_eq!(gutter(Service::Kdp, 500), 0.625);
        assert_eq!(gutter(Service::Kdp, 828), 0.875);
        assert_eq!(gutter(Service::IngramSpark, 150), 0.5);
        assert_eq!(gutter(Service::IngramSpark, 401), 0.75);
    }

    #[test]
    fn violations_name_the_rule() {
        let mut o = PdfOptions {
            paper: PaperSize::Trade6x9,
            service: Some(Service::Kdp),
            bleed: Abs::inch(0.125),
            margins: Some([
                Abs::inch(0.5),
                Abs::inch(0.5),
                Abs::inch(0.5),
                Abs::inch(0.5),
            ]),
            ..PdfOptions::default()
        };
        assert!(check(&o, 200).is_empty(), "{:?}", check(&o, 200));
        let v = check(&o, 320);
        assert_eq!(v.len(), 1, "{v:?}");
        assert_eq!(v[0].0, Subject::Margins);
        assert!(
            v[0].1
                .contains("under KDP's 0.625 in for a book of 320 pages")
        );
        assert!(check(&o, 12)[0].1.contains("KDP prints 24 to 828 pages"));
        o.paper = PaperSize::A4;
        assert!(check(&o, 200).is_empty(), "A4 is a KDP trim");
        o.paper = PaperSize::Custom(Abs::inch(9.0), Abs::inch(12.0));
        let v = check(&o, 200);
        assert_eq!(v[0].0, Subject::Trim);
        assert!(
            v[0].1
                .starts_with("trim size 9.000 × 12.000 in is outside KDP")
        );
        o.service = Some(Service::IngramSpark);
        o.paper = PaperSize::Trade6x9;
        // An odd count is made even by the layout, not reported.
        assert!(check(&o, 149).is_empty(), "{:?}", check(&o, 149));
        assert_eq!(wants_even_pages(&o), Some("IngramSpark"));
        o.service = Some(Service::Kdp);
        assert_eq!(wants_even_pages(&o), None);
    }
}

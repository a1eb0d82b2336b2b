//! Characters no font could draw, counted by script, so a book warns once
//! per script ("no font for Arabic (412 characters)") instead of once per
//! glyph. Chapters are set in parallel, each into its own count; the counts
//! are merged and reported once, at the end of the book.

use super::script;
use crate::diag::{Diagnostic, Diagnostics, Span};
use std::collections::BTreeMap;

/// Missing characters by script: how many uses, and the first one.
#[derive(Debug, Clone, Default)]
pub struct Missing {
    by_script: BTreeMap<(&'static str, &'static str), (usize, Span)>,
}

impl Missing {
    /// Counts one use of a character no font has.
    pub fn add(&mut self, c: char, span: Span) {
        let emoji = script::is_emoji(c, None);
        let sc = script::of(c);
        let key = (script::name(sc, emoji), script::font_package(sc, emoji));
        let entry = self.by_script.entry(key).or_insert((0, span));
        entry.0 += 1;
        if span < entry.1 {
            entry.1 = span;
        }
    }

    /// Adds the counts of another part of the book.
    pub fn merge(&mut self, other: Missing) {
        for (key, (count, span)) in other.by_script {
            let entry = self.by_script.entry(key).or_insert((0, span));
            entry.0 += count;
            if span < entry.1 {
                entry.1 = span;
            }
        }
    }

    /// Whether every character had a font.
    pub fn is_empty(&self) -> bool {
        self.by_script.is_empty()
    }

    /// One warning per script, at its first use; `system` says whether the
    /// installed fonts were searched.
    pub fn warn(&self, diags: &mut Diagnostics, system: bool) {
        self.warn_in(diags, system, "");
    }

    /// [`Missing::warn`], naming where the text is (`the cover`).
    pub fn warn_in(&self, diags: &mut Diagnostics, system: bool, place: &str) {
        for ((name, package), (count, span)) in &self.by_script {
            let place = if place.is_empty() {
                String::new()
            } else {
                format!(" in {place}")
            };
            let noun = if *count == 1 {
                "character"
            } else {
                "characters"
            };
            let mut d = Diagnostic::warning(
                *span,
                format!(
                    "no font for {name}{place} ({count} {noun}); install {package} or pass --font FILE"
                ),
            );
            if !system {
                d = d.with_hint("installed fonts are not searched (--no-system-fonts)");
            }
            diags.push(d);
        }
    }
}

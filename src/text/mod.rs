//! Text services below both backends: lengths ([`units`]), the font set of
//! a build ([`font`], with the installed fonts of [`system`]), scripts and
//! languages ([`script`]), shaping ([`shape`]), bidirectional text
//! ([`bidi`]) and where lines may break ([`segment`]). The PDF layout and
//! the generated cover set text through these; neither backend imports the
//! other.

pub mod bidi;
pub mod font;
pub mod missing;
pub mod script;
pub mod segment;
pub mod shape;
pub mod system;
pub mod units;

pub use font::{FaceId, Font, FontError, FontSet};
pub use script::LangTag;
pub use shape::{Glyph, Props, Run, Shaped};
pub use units::{Abs, Point};

//! Text services below both backends: lengths ([`units`]), the font set of
//! a build ([`font`]) and shaping ([`shape`]). The PDF layout and the
//! generated cover set text through these; neither backend imports the
//! other.

pub mod font;
pub mod shape;
pub mod units;

pub use font::{FaceId, Font, FontError, FontSet};
pub use shape::{Glyph, Run, Shaped};
pub use units::{Abs, Point};

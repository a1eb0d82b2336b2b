//! Lengths: [`Abs`], a distance in PostScript points that is never NaN.

use std::ops::{Add, AddAssign, Div, Mul, Neg, Sub, SubAssign};

/// An absolute length in points (1/72 inch). Constructors replace NaN by zero,
/// so lengths always compare and sort.
#[derive(Debug, Default, Clone, Copy, PartialEq, PartialOrd)]
pub struct Abs(f64);

impl Abs {
    /// Zero length.
    pub const ZERO: Abs = Abs(0.0);

    /// A length in points.
    pub fn pt(v: f64) -> Abs {
        Abs(if v.is_nan() { 0.0 } else { v })
    }

    /// A length in points, for constants (the value must not be NaN).
    pub const fn pt_const(v: f64) -> Abs {
        Abs(v)
    }

    /// A length in millimetres.
    pub fn mm(v: f64) -> Abs {
        Abs::pt(v * 72.0 / 25.4)
    }

    /// A length in inches.
    pub fn inch(v: f64) -> Abs {
        Abs::pt(v * 72.0)
    }

    /// Parses a length with a unit: `3mm`, `0.3cm`, `0.125in`, `9pt`.
    pub fn parse(text: &str) -> Option<Abs> {
        let t = text.trim().to_ascii_lowercase();
        for (unit, f) in [
            ("mm", Abs::mm as fn(f64) -> Abs),
            ("cm", |v| Abs::mm(v * 10.0)),
            ("in", Abs::inch),
            ("pt", Abs::pt),
        ] {
            if let Some(n) = t.strip_suffix(unit) {
                let v: f64 = n.trim().parse().ok()?;
                return (v.is_finite() && (0.0..=1000.0).contains(&v)).then(|| f(v));
            }
        }
        None
    }

    /// The value in points.
    pub fn to_pt(self) -> f64 {
        self.0
    }

    /// The larger of two lengths.
    pub fn max(self, other: Abs) -> Abs {
        if self >= other { self } else { other }
    }

    /// The smaller of two lengths.
    pub fn min(self, other: Abs) -> Abs {
        if self <= other { self } else { other }
    }

    /// Whether `self` exceeds `other` by more than rounding noise.
    pub fn fits_in(self, other: Abs) -> bool {
        self.0 <= other.0 + 1e-6
    }
}

impl Add for Abs {
    type Output = Abs;
    fn add(self, rhs: Abs) -> Abs {
        Abs::pt(self.0 + rhs.0)
    }
}

impl AddAssign for Abs {
    fn add_assign(&mut self, rhs: Abs) {
        *self = *self + rhs;
    }
}

impl Sub for Abs {
    type Output = Abs;
    fn sub(self, rhs: Abs) -> Abs {
        Abs::pt(self.0 - rhs.0)
    }
}

impl SubAssign for Abs {
    fn sub_assign(&mut self, rhs: Abs) {
        *self = *self - rhs;
    }
}

impl Mul<f64> for Abs {
    type Output = Abs;
    fn mul(self, rhs: f64) -> Abs {
        Abs::pt(self.0 * rhs)
    }
}

impl Div<f64> for Abs {
    type Output = Abs;
    fn div(self, rhs: f64) -> Abs {
        if rhs == 0.0 {
            Abs::ZERO
        } else {
            Abs::pt(self.0 / rhs)
        }
    }
}

impl Div for Abs {
    type Output = f64;
    fn div(self, rhs: Abs) -> f64 {
        if rhs.0 == 0.0 { 0.0 } else { self.0 / rhs.0 }
    }
}

impl Neg for Abs {
    type Output = Abs;
    fn neg(self) -> Abs {
        Abs(-self.0)
    }
}

impl std::iter::Sum for Abs {
    fn sum<I: Iterator<Item = Abs>>(iter: I) -> Abs {
        iter.fold(Abs::ZERO, Add::add)
    }
}

/// A position on a page, from its top-left corner, y growing downwards.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Point {
    /// Distance from the left edge.
    pub x: Abs,
    /// Distance from the top edge.
    pub y: Abs,
}

impl Point {
    /// A point at `x`, `y`.
    pub fn new(x: Abs, y: Abs) -> Point {
        Point { x, y }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nan_is_zero() {
        assert_eq!(Abs::pt(f64::NAN), Abs::ZERO);
        assert_eq!(Abs::pt(1.0) / 0.0, Abs::ZERO);
    }

    #[test]
    fn conversions() {
        assert!((Abs::mm(25.4).to_pt() - 72.0).abs() < 1e-9);
        assert!((Abs::inch(1.0).to_pt() - 72.0).abs() < 1e-9);
    }
}

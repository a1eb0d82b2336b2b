//! EAN-13 bar codes for ISBNs: the 13 digits (an ISBN-10 is made an
//! ISBN-13 with the `978` prefix), checked, and encoded as the 95 modules
//! of the symbol (GS1 General Specifications, 5.2.1: guard bars, the left
//! half in number sets A and B chosen by the first digit, the right half in
//! set C).

/// Number set A (odd parity) of each digit, seven modules, 1 = bar.
const SET_A: [&str; 10] = [
    "0001101", "0011001", "0010011", "0111101", "0100011", "0110001", "0101111", "0111011",
    "0110111", "0001011",
];
/// Number set B (even parity).
const SET_B: [&str; 10] = [
    "0100111", "0110011", "0011011", "0100001", "0011101", "0111001", "0000101", "0010001",
    "0001001", "0010111",
];
/// Number set C (right half).
const SET_C: [&str; 10] = [
    "1110010", "1100110", "1101100", "1000010", "1011100", "1001110", "1010000", "1000100",
    "1001000", "1110100",
];
pub use crate::imprint::isbn13;

/// Which set each left-half digit uses, by the first (implied) digit:
/// `A` or `B` for the six digits.
const PARITY: [&str; 10] = [
    "AAAAAA", "AABABB", "AABBAB", "AABBBA", "ABAABB", "ABBAAB", "ABBBAA", "ABABAB", "ABABBA",
    "ABBABA",
];

/// The 95 modules of the EAN-13 symbol of `digits` (true = bar), from the
/// left guard to the right guard.
pub fn modules(digits: &[u8; 13]) -> Vec<bool> {
    let mut out = String::with_capacity(95);
    out.push_str("101");
    let parity = PARITY[usize::from(digits[0])].as_bytes();
    for (i, &d) in digits[1..7].iter().enumerate() {
        out.push_str(if parity[i] == b'A' {
            SET_A[usize::from(d)]
        } else {
            SET_B[usize::from(d)]
        });
    }
    out.push_str("01010");
    for &d in &digits[7..13] {
        out.push_str(SET_C[usize::from(d)]);
    }
    out.push_str("101");
    out.bytes().map(|b| b == b'1').collect()
}

/// The digits as printed under the symbol: the first apart, then two
/// groups of six.
pub fn human_readable(digits: &[u8; 13]) -> [String; 3] {
    let s = |r: std::ops::Range<usize>| digits[r].iter().map(|d| char::from(b'0' + d)).collect();
    [s(0..1), s(1..7), s(7..13)]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes modules back into digits, independently of the encoder's
    /// tables' order: each 7-module group is looked up in the three sets.
    fn decode(m: &[bool]) -> Option<[u8; 13]> {
        let bits = |r: std::ops::Range<usize>| -> String {
            m[r].iter().map(|&b| if b { '1' } else { '0' }).collect()
        };
        assert_eq!(bits(0..3), "101");
        assert_eq!(bits(45..50), "01010");
        assert_eq!(bits(92..95), "101");
        let mut out = [0u8; 13];
        let mut parity = String::new();
        for i in 0..6 {
            let g = bits(3 + i * 7..10 + i * 7);
            if let Some(d) = SET_A.iter().position(|s| *s == g) {
                out[i + 1] = d as u8;
                parity.push('A');
            } else {
                out[i + 1] = SET_B.iter().position(|s| *s == g)? as u8;
                parity.push('B');
            }
        }
        out[0] = PARITY.iter().position(|p| *p == parity)? as u8;
        for i in 0..6 {
            let g = bits(50 + i * 7..57 + i * 7);
            out[i + 7] = SET_C.iter().position(|s| *s == g)? as u8;
        }
        Some(out)
    }

    #[test]
    fn isbns_are_read_and_checked() {
        let d = isbn13("978-3-16-148410-0").unwrap();
        assert_eq!(d, [9, 7, 8, 3, 1, 6, 1, 4, 8, 4, 1, 0, 0]);
        assert!(isbn13("978-3-16-148410-1").is_none(), "bad check digit");
        // ISBN-10 0-306-40615-2 is ISBN-13 978-0-306-40615-7.
        assert_eq!(
            isbn13("urn:isbn:0-306-40615-2").unwrap(),
            [9, 7, 8, 0, 3, 0, 6, 4, 0, 6, 1, 5, 7]
        );
        assert!(isbn13("0-306-40615-3").is_none());
        assert!(isbn13("urn:uuid:1234").is_none());
        assert_eq!(
            human_readable(&d),
            ["9", "783161", "484100"].map(String::from)
        );
    }

    #[test]
    fn the_symbol_decodes_to_its_digits() {
        for isbn in ["9783161484100", "9780306406157", "9791234567896"] {
            let d = isbn13(isbn).unwrap();
            let m = modules(&d);
            assert_eq!(m.len(), 95);
            assert_eq!(decode(&m), Some(d), "{isbn}");
        }
        // The known start of 978…: guard, then 7 (set A), 8 (set B).
        let m = modules(&isbn13("9783161484100").unwrap());
        let head: String = m[..17].iter().map(|&b| if b { '1' } else { '0' }).collect();
        assert_eq!(head, "10101110110001001");
    }
}

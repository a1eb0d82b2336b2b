//! Optimal line breaking (Knuth and Plass, "Breaking Paragraphs into Lines",
//! 1981) over boxes, glue and penalties.
//!
//! Input: the paragraph as [`Item`]s and the measure. Output: the indexes of
//! the items where lines break, chosen to minimise the total demerits of the
//! paragraph, so that spacing is even across lines instead of good on early
//! lines and bad on later ones (as greedy breaking does).
//!
//! Like TeX, the caller (`inline::optimal`) runs it in two passes: first on
//! the words alone with a tolerance of 1 (`\pretolerance` 100), then, only if
//! that finds no breaks, with hyphenation points and a tolerance of 2, then 10.

use crate::text::units::Abs;

/// TeX's `\linepenalty`: added to every line's badness, so that of two
/// otherwise equal solutions the one with fewer lines wins.
pub const LINE_PENALTY: f64 = 10.0;
/// TeX's `\hyphenpenalty`: the cost of breaking at a hyphenation point. Low
/// enough that hyphenating beats a loose line, high enough that it is not
/// done for a marginal gain.
pub const HYPHEN_PENALTY: f64 = 50.0;
/// TeX's `\doublehyphendemerits` (plain TeX's 10000): two hyphenated lines
/// in a row look like a ladder at the right margin.
pub const DOUBLE_HYPHEN_DEMERITS: f64 = 10_000.0;
/// TeX's `\finalhyphendemerits` (plain TeX's 5000): the last full line
/// ending in a hyphen leaves a fragment alone on the paragraph's last line.
pub const FINAL_HYPHEN_DEMERITS: f64 = 5_000.0;
/// Most hyphenated lines in a row (TeX has no hard limit; book designers
/// ask for two at most, and the demerits alone let a third through when
/// the spacing is bad enough).
pub const MAX_HYPHENS_IN_A_ROW: u8 = 2;
/// TeX's `\adjdemerits`: a very loose line next to a tight one is more
/// visible than two moderately loose ones.
pub const FITNESS_DEMERITS: f64 = 100.0;
/// An infinite penalty forbids a break; minus infinity forces one.
pub const INFINITY: f64 = 10_000.0;

/// One element of a paragraph.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Item {
    /// Something of fixed width: a word or part of one.
    Box(Abs),
    /// Space that may stretch or shrink; a line can break at glue that
    /// follows a box.
    Glue {
        /// Natural width.
        width: Abs,
        /// How much it may grow.
        stretch: Abs,
        /// How much it may shrink.
        shrink: Abs,
    },
    /// A possible break with a cost; `width` is added to the line when it
    /// breaks here (the hyphen).
    Penalty {
        /// Width if the line breaks here.
        width: Abs,
        /// Cost of breaking here (±[`INFINITY`] forbids or forces).
        cost: f64,
        /// A hyphenation point (two in a row are penalised).
        flagged: bool,
    },
}

#[derive(Debug, Clone, Copy)]
struct Node {
    /// Item index of the break (0 for the paragraph start).
    position: usize,
    line: usize,
    fitness: usize,
    demerits: f64,
    /// Running totals after the break (where the next line starts).
    width: f64,
    stretch: f64,
    shrink: f64,
    previous: Option<usize>,
    flagged: bool,
    /// Hyphenated lines in a row ending at this break.
    hyphens: u8,
}

/// The fitness class of a line by its adjustment ratio: 0 tight, 1 normal,
/// 2 loose, 3 very loose (TeX's four classes).
fn fitness(ratio: f64) -> usize {
    if ratio < -0.5 {
        0
    } else if ratio <= 0.5 {
        1
    } else if ratio <= 1.0 {
        2
    } else {
        3
    }
}

/// Finds the break positions minimising total demerits with adjustment
/// ratios up to `tolerance`; `None` when no such set of breaks exists.
pub fn breaks(items: &[Item], width: Abs, tolerance: f64) -> Option<Vec<usize>> {
    let width = width.to_pt();
    let sums = Sums::new(items);
    let mut nodes = vec![Node {
        position: 0,
        line: 0,
        fitness: 1,
        demerits: 0.0,
        width: 0.0,
        stretch: 0.0,
        shrink: 0.0,
        previous: None,
        flagged: false,
        hyphens: 0,
    }];
    let mut active: Vec<usize> = vec![0];
    for b in 0..items.len() {
        let (penalty_width, cost, flagged) = match items[b] {
            Item::Penalty {
                width,
                cost,
                flagged,
            } if cost < INFINITY => (width.to_pt(), cost, flagged),
            Item::Glue { .. } if b > 0 && matches!(items[b - 1], Item::Box(_)) => (0.0, 0.0, false),
            _ => continue,
        };
        // Best new node per fitness class and run of hyphenated lines (so
        // the limit on hyphens in a row does not lose the optimum).
        let mut best: [[Option<(f64, usize)>; 3]; 4] = [[None; 3]; 4];
        // The paragraph's end: a hyphen on the line before it costs extra.
        let last = b + 1 == items.len();
        let mut k = 0;
        while k < active.len() {
            let index = active[k];
            let a = nodes[index];
            let ratio = sums.ratio(&a, b, penalty_width, width);
            // A line that cannot shrink enough, or any line before a forced
            // break, ends this node's usefulness.
            if ratio < -1.0 || cost <= -INFINITY {
                active.remove(k);
            } else {
                k += 1;
            }
            let run = if flagged { a.hyphens + 1 } else { 0 };
            if (-1.0..=tolerance).contains(&ratio) && run <= MAX_HYPHENS_IN_A_ROW {
                let class = fitness(ratio);
                let mut total = a.demerits + demerits(ratio, cost, flagged, class, &a);
                if last && a.flagged {
                    total += FINAL_HYPHEN_DEMERITS;
                }
                let slot = &mut best[class][usize::from(run)];
                if slot.is_none_or(|(d, _)| total < d) {
                    *slot = Some((total, index));
                }
            }
        }
        let (w, y, z) = sums.after(items, b);
        for (class, runs) in best.iter().enumerate() {
            for (run, candidate) in runs.iter().enumerate() {
                if let Some((total, from)) = candidate {
                    nodes.push(Node {
                        position: b,
                        line: nodes[*from].line + 1,
                        fitness: class,
                        demerits: *total,
                        width: w,
                        stretch: y,
                        shrink: z,
                        previous: Some(*from),
                        flagged,
                        hyphens: run as u8,
                    });
                    active.push(nodes.len() - 1);
                }
            }
        }
        if active.is_empty() {
            return None;
        }
    }
    // The paragraph ends with a forced break: the best node there wins.
    let last = items.len().checked_sub(1)?;
    let end = active
        .iter()
        .copied()
        .filter(|&n| nodes[n].position == last)
        .min_by(|&a, &b| nodes[a].demerits.total_cmp(&nodes[b].demerits))?;
    let mut out = Vec::new();
    let mut cursor = Some(end);
    while let Some(n) = cursor {
        if nodes[n].previous.is_some() {
            out.push(nodes[n].position);
        }
        cursor = nodes[n].previous;
    }
    out.reverse();
    Some(out)
}

/// Running sums of widths, stretch and shrink before each item.
struct Sums {
    width: Vec<f64>,
    stretch: Vec<f64>,
    shrink: Vec<f64>,
}

impl Sums {
    fn new(items: &[Item]) -> Sums {
        let n = items.len() + 1;
        let mut sums = Sums {
            width: vec![0.0; n],
            stretch: vec![0.0; n],
            shrink: vec![0.0; n],
        };
        for (i, item) in items.iter().enumerate() {
            let (w, y, z) = match *item {
                Item::Box(w) => (w.to_pt(), 0.0, 0.0),
                Item::Glue {
                    width,
                    stretch,
                    shrink,
                } => (width.to_pt(), stretch.to_pt(), shrink.to_pt()),
                Item::Penalty { .. } => (0.0, 0.0, 0.0),
            };
            sums.width[i + 1] = sums.width[i] + w;
            sums.stretch[i + 1] = sums.stretch[i] + y;
            sums.shrink[i + 1] = sums.shrink[i] + z;
        }
        sums
    }

    /// Totals after a break at `b`: the glue and penalties that vanish at
    /// the start of a line are skipped.
    fn after(&self, items: &[Item], b: usize) -> (f64, f64, f64) {
        let mut i = b;
        while i < items.len() {
            match items[i] {
                Item::Box(_) => break,
                Item::Penalty { cost, .. } if cost <= -INFINITY && i > b => break,
                _ => i += 1,
            }
        }
        (self.width[i], self.stretch[i], self.shrink[i])
    }

    /// How much a line from node `a` to a break at `b` must stretch
    /// (positive) or shrink (negative), relative to what it can.
    fn ratio(&self, a: &Node, b: usize, penalty_width: f64, width: f64) -> f64 {
        let line_width = self.width[b] - a.width + penalty_width;
        if line_width < width {
            let stretch = self.stretch[b] - a.stretch;
            if stretch > 0.0 {
                (width - line_width) / stretch
            } else {
                INFINITY
            }
        } else if line_width > width {
            let shrink = self.shrink[b] - a.shrink;
            if shrink > 0.0 {
                (width - line_width) / shrink
            } else {
                -INFINITY
            }
        } else {
            0.0
        }
    }
}

/// The demerits of a line with adjustment `ratio` ending at a break of
/// `cost`, after the line that ended at node `a` (TeX's formula).
fn demerits(ratio: f64, cost: f64, flagged: bool, class: usize, a: &Node) -> f64 {
    let badness = 100.0 * ratio.abs().powi(3);
    let mut demerits = if cost >= 0.0 {
        (LINE_PENALTY + badness).powi(2) + cost * cost
    } else if cost > -INFINITY {
        (LINE_PENALTY + badness).powi(2) - cost * cost
    } else {
        (LINE_PENALTY + badness).powi(2)
    };
    if flagged && a.flagged {
        demerits += DOUBLE_HYPHEN_DEMERITS;
    }
    if class.abs_diff(a.fitness) > 1 {
        demerits += FITNESS_DEMERITS;
    }
    demerits
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glue() -> Item {
        Item::Glue {
            width: Abs::pt(3.0),
            stretch: Abs::pt(1.5),
            shrink: Abs::pt(1.0),
        }
    }

    fn end() -> [Item; 2] {
        [
            Item::Glue {
                width: Abs::ZERO,
                stretch: Abs::pt(10_000.0),
                shrink: Abs::ZERO,
            },
            Item::Penalty {
                width: Abs::ZERO,
                cost: -INFINITY,
                flagged: false,
            },
        ]
    }

    fn paragraph(words: &[f64]) -> Vec<Item> {
        let mut items = Vec::new();
        for (i, w) in words.iter().enumerate() {
            if i > 0 {
                items.push(glue());
            }
            items.push(Item::Box(Abs::pt(*w)));
        }
        items.extend(end());
        items
    }

    fn line_widths(items: &[Item], breaks: &[usize]) -> Vec<f64> {
        let mut start = 0;
        let mut out = Vec::new();
        for &b in breaks {
            let w: f64 = items[start..b]
                .iter()
                .map(|i| match i {
                    Item::Box(w) => w.to_pt(),
                    Item::Glue { width, .. } => width.to_pt(),
                    Item::Penalty { .. } => 0.0,
                })
                .sum();
            out.push(w);
            start = b + 1;
        }
        out
    }

    #[test]
    fn everything_on_one_line_when_it_fits() {
        let items = paragraph(&[10.0, 10.0, 10.0]);
        let b = breaks(&items, Abs::pt(100.0), 2.0).unwrap();
        assert_eq!(b, vec![items.len() - 1]);
    }

    #[test]
    fn balances_lines_instead_of_filling_greedily() {
        // Greedy would put 3 words (3*20+2*3=66) on line one and leave a
        // single word on line two; optimal spreads them 2 + 2.
        let items = paragraph(&[20.0, 20.0, 20.0, 20.0]);
        let b = breaks(&items, Abs::pt(45.0), 3.0).unwrap();
        let widths = line_widths(&items, &b);
        assert_eq!(widths.len(), 2, "{widths:?}");
        for w in &widths {
            assert!(*w <= 45.0 + 1e-9);
        }
    }

    #[test]
    fn no_line_wider_than_the_measure() {
        let words: Vec<f64> = (0..60).map(|i| 8.0 + f64::from(i % 7) * 3.0).collect();
        let items = paragraph(&words);
        let b = breaks(&items, Abs::pt(120.0), 3.0).unwrap();
        for (i, w) in line_widths(&items, &b).iter().enumerate() {
            // Lines may shrink glue by up to its shrink; natural width minus
            // total shrink must fit.
            assert!(*w <= 120.0 + 1.0 * 20.0, "line {i}: {w}");
        }
    }

    #[test]
    fn impossible_paragraph_is_none() {
        let items = paragraph(&[50.0, 50.0]);
        assert!(breaks(&items, Abs::pt(30.0), 2.0).is_none());
    }

    #[test]
    fn never_three_hyphenated_lines_in_a_row() {
        // Words (after the first) that can only be broken in their middle,
        // each line holding the end of one word and the start of the next:
        // every line but the last ends in a hyphen.
        let words = |n: usize| {
            let mut items = Vec::new();
            for i in 0..n {
                if i > 0 {
                    items.push(glue());
                }
                if i > 0 {
                    items.push(Item::Box(Abs::pt(20.0)));
                    items.push(Item::Penalty {
                        width: Abs::pt(3.0),
                        cost: HYPHEN_PENALTY,
                        flagged: true,
                    });
                }
                items.push(Item::Box(Abs::pt(20.0)));
            }
            items.extend(end());
            items
        };
        let count = |items: &[Item], b: &[usize]| {
            b.iter()
                .filter(|&&at| matches!(items[at], Item::Penalty { flagged: true, .. }))
                .count()
        };
        // Three words: two hyphenated lines in a row are allowed.
        let items = words(3);
        let b = breaks(&items, Abs::pt(46.0), 10.0).expect("two hyphens in a row");
        assert_eq!(count(&items, &b), 2, "{b:?}");
        // Five words need four in a row: refused (the greedy breaker, which
        // has more ways out, takes over).
        assert!(breaks(&words(5), Abs::pt(46.0), 10.0).is_none());
    }

    #[test]
    fn hyphenation_is_used_when_it_helps() {
        // Word two can break after its first syllable.
        let mut items = vec![Item::Box(Abs::pt(30.0)), glue(), Item::Box(Abs::pt(12.0))];
        items.push(Item::Penalty {
            width: Abs::pt(3.0),
            cost: HYPHEN_PENALTY,
            flagged: true,
        });
        items.push(Item::Box(Abs::pt(25.0)));
        items.push(glue());
        items.push(Item::Box(Abs::pt(10.0)));
        items.extend(end());
        let b = breaks(&items, Abs::pt(48.0), 2.0).unwrap();
        assert!(b.contains(&3), "breaks at the hyphen: {b:?}");
    }
}

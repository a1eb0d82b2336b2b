//! Generates one long Markdown file, a manual or novel in a single file:
//! chapters (`#`), sections (`##`), paragraphs from the seed article,
//! bulleted and numbered lists, code blocks, small tables and footnotes,
//! until the file is about SIZE megabytes. Deterministic: the same size
//! gives the same file.
//!
//! `cargo run --release --example manual -- OUT.md SIZE_MB`

const SEED: &str = include_str!("../seeds/xi-putin.md");

/// A small deterministic generator (xorshift).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let out = args
        .next()
        .unwrap_or_else(|| "target/bench/manual.md".into());
    let mb: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(50);
    let target = mb * 1024 * 1024;
    let paragraphs: Vec<&str> = SEED.lines().filter(|l| l.len() > 200).collect();
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let mut text = String::with_capacity(target + 100_000);
    text.push_str("---\ntitle: The Long Manual\nauthors: [Bench]\nlanguage: en\n---\n\n");
    let mut chapter = 0;
    let mut note = 0;
    while text.len() < target {
        chapter += 1;
        text.push_str(&format!("# Chapter {chapter}\n\n"));
        for section in 1..=6 {
            text.push_str(&format!("## Section {chapter}.{section}\n\n"));
            for p in 0..4 + rng.below(4) {
                let para = paragraphs[rng.below(paragraphs.len() as u64) as usize];
                text.push_str(para);
                if p == 1 && rng.below(3) == 0 {
                    note += 1;
                    text.push_str(&format!("[^n{note}]\n\n[^n{note}]: A note on this point, number {note}, with a few words of explanation."));
                }
                text.push_str("\n\n");
            }
            match rng.below(4) {
                0 => {
                    for i in 1..=4 {
                        text.push_str(&format!("- Item {i} of the list, with some words\n"));
                    }
                    text.push('\n');
                }
                1 => {
                    text.push_str("```rust\nfn main() {\n    let total: u64 = (1..=100).sum();\n    println!(\"{total}\");\n}\n```\n\n");
                }
                2 => {
                    text.push_str("| Year | Value | Change |\n|---|---:|---:|\n");
                    for y in 0..4 {
                        text.push_str(&format!(
                            "| {} | {} | {}% |\n",
                            2019 + y,
                            rng.below(1000),
                            rng.below(20)
                        ));
                    }
                    text.push('\n');
                }
                _ => {
                    for i in 1..=3 {
                        text.push_str(&format!("{i}. Step {i}: do the next thing carefully\n"));
                    }
                    text.push('\n');
                }
            }
        }
    }
    std::fs::write(&out, text).expect("write the manual");
    println!("wrote {chapter} chapters to {out}");
}

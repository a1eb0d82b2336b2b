//! Generates a benchmark corpus: N articles in the seed's dialect (kicker,
//! title, standfirst, dateline, one paragraph per line, crossheads), about
//! 2,700 words each with one to three real generated images (a fifth of
//! them PNGs with an alpha channel), deterministically
//! (the same N gives the same files).
//!
//! `cargo run --release --example corpus -- OUT_DIR N`

use std::path::PathBuf;

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
    let out = PathBuf::from(args.next().unwrap_or_else(|| "target/bench/corpus".into()));
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(100);
    std::fs::create_dir_all(out.join("images")).expect("create the corpus folder");
    let paragraphs: Vec<&str> = SEED.lines().filter(|l| l.len() > 200).collect();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut seen = 0usize;
    for i in 1..=n {
        let mut text = format!(
            "###### Dispatch {i}\n# Article {i}: what the numbers say about week {}\n##### A standfirst for article {i}, in the seed's style\n",
            i % 52 + 1
        );
        let images = 1 + rng.below(3) as usize;
        let mut names = Vec::new();
        for k in 0..images {
            let (w, h) = (1200 + (rng.below(4) * 100) as u32, 800);
            // A fifth of the images are PNGs with transparency (logos,
            // diagrams, cut-outs), the slowest kind for a PDF.
            seen += 1;
            let alpha = seen.is_multiple_of(5);
            let ext = if alpha || k == 1 { "png" } else { "jpg" };
            let name = format!("a{i:04}-{k}.{ext}");
            let rgb = |x: u32, y: u32| {
                [
                    ((x * 255 / w) as u8).wrapping_add((i * 13) as u8),
                    ((y * 255 / h) as u8).wrapping_add((k * 50) as u8),
                    (((x + y) / 7) as u8) ^ (i as u8),
                ]
            };
            let path = out.join("images").join(&name);
            if alpha {
                // Opaque in an ellipse, fading to transparent at its edge.
                image::RgbaImage::from_fn(w, h, |x, y| {
                    let (dx, dy) = (
                        (f64::from(x) / f64::from(w) - 0.5) * 2.0,
                        (f64::from(y) / f64::from(h) - 0.5) * 2.0,
                    );
                    let d = (dx * dx + dy * dy).sqrt();
                    let a = ((1.0 - d) * 4.0).clamp(0.0, 1.0);
                    let [r, g, b] = rgb(x, y);
                    image::Rgba([r, g, b, (a * 255.0) as u8])
                })
                .save(&path)
            } else {
                image::RgbImage::from_fn(w, h, |x, y| image::Rgb(rgb(x, y))).save(&path)
            }
            .expect("write an image");
            if k == 0 {
                text.push_str(&format!("![image](images/{name})\n"));
            }
            names.push(name);
        }
        text.push_str(&format!("> Mar {}th 2023\n", i % 27 + 1));
        // About 2,700 words: the seed's paragraphs in a different order.
        let mut words = 0;
        let mut p = 0;
        while words < 2700 {
            let para = paragraphs[rng.below(paragraphs.len() as u64) as usize];
            words += para.split_whitespace().count();
            text.push_str(para);
            text.push('\n');
            p += 1;
            if p % 8 == 0 {
                text.push_str(&format!("Crosshead number {}\n", p / 8));
            }
            if p == 12 && images > 1 {
                text.push_str(&format!("![image](images/{})\n", names[1]));
            }
            if p == 20 && images > 2 {
                text.push_str(&format!("![image](images/{})\n", names[2]));
            }
        }
        std::fs::write(out.join(format!("{i:04}.md")), text).expect("write an article");
    }
    println!("wrote {n} articles to {}", out.display());
}

//! Generates a benchmark corpus: N articles in the seed's dialect (kicker,
//! title, standfirst, dateline, one paragraph per line, crossheads), about
//! 2,700 words each with one to three real generated images, deterministically
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
    for i in 1..=n {
        let mut text = format!(
            "###### Dispatch {i}\n# Article {i}: what the numbers say about week {}\n##### A standfirst for article {i}, in the seed's style\n",
            i % 52 + 1
        );
        let images = 1 + rng.below(3) as usize;
        for k in 0..images {
            let (w, h) = (1200 + (rng.below(4) * 100) as u32, 800);
            let name = format!("a{i:04}-{k}.{}", if k == 1 { "png" } else { "jpg" });
            let img = image::RgbImage::from_fn(w, h, |x, y| {
                image::Rgb([
                    ((x * 255 / w) as u8).wrapping_add((i * 13) as u8),
                    ((y * 255 / h) as u8).wrapping_add((k * 50) as u8),
                    (((x + y) / 7) as u8) ^ (i as u8),
                ])
            });
            img.save(out.join("images").join(&name))
                .expect("write an image");
            if k == 0 {
                text.push_str(&format!("![image](images/{name})\n"));
            }
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
                text.push_str(&format!("![image](images/a{i:04}-1.png)\n"));
            }
            if p == 20 && images > 2 {
                text.push_str(&format!("![image](images/a{i:04}-2.jpg)\n"));
            }
        }
        std::fs::write(out.join(format!("{i:04}.md")), text).expect("write an article");
    }
    println!("wrote {n} articles to {}", out.display());
}

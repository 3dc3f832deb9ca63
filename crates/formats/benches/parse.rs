//! Reading the sample's report text, the parser alone (no I/O): `cargo bench -p tiltak-formats`.

use tiltak_core::Vocabulary;
use tiltak_formats::report_text::{self, TextOptions};

const SAMPLE: &str = include_str!("../../../samples/osloregionen-status-2025-pr-2-sept.txt");

fn main() {
    divan::main();
}

#[divan::bench]
fn parse_the_sample(bencher: divan::Bencher) {
    let vocabulary = Vocabulary::default_nb();
    let options = TextOptions { organisation: "osloregionen".into(), ..Default::default() };
    bencher.bench(|| report_text::parse(divan::black_box(SAMPLE), &vocabulary, &options).unwrap());
}

//! The formats crate's integration tests, in one binary to keep link time down.

mod common {
    use tiltak_core::Vocabulary;
    use tiltak_formats::ReportDocument;
    use tiltak_formats::report_text::{self, TextOptions};

    pub const SAMPLE: &str = include_str!("../../../../samples/osloregionen-status-2025-pr-2-sept.txt");

    pub fn sample() -> ReportDocument {
        let options = TextOptions { organisation: "osloregionen".into(), ..Default::default() };
        report_text::parse(SAMPLE, &Vocabulary::default_nb(), &options).expect("the sample reads")
    }
}

mod bad_input;
mod exports;
mod json_round_trip;
mod layout_property;
mod mentions;
mod office;
mod own_tables;
mod rollover;
#[path = "sample.rs"]
mod sample;
mod spreadsheets;
mod word;
mod words;

//! Reading and writing Tiltak's programmes: the report text people have today, and JSON, Markdown
//! and CSV. Every reader yields a [`ReportDocument`]; every writer takes one.

pub mod annual;
pub mod board;
pub mod chart;
pub mod csv_export;
pub mod decision;
pub mod document;
pub mod docx;
pub mod import;
pub mod json;
pub mod labels;
pub mod mapping;
pub mod markdown;
pub mod mentions;
pub mod phrases;
pub mod report_text;
pub mod rollover;
pub mod spreadsheet;
pub mod table;
pub mod unzip;

pub use document::{Problem, Problems, ReportDocument, Warning};
pub use labels::Labels;

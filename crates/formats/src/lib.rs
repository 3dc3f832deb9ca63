//! Reading and writing Tiltak's programmes: the report text people have today, and JSON, Markdown
//! and CSV. Every reader yields a [`ReportDocument`]; every writer takes one.

pub mod decision;
pub mod document;
pub mod phrases;
pub mod report_text;

pub use document::{ReportDocument, Warning};

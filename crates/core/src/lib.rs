//! Tiltak's domain: an organisation's yearly action programme, its reporting rounds and the rules
//! that act on them. Nothing here knows about HTTP, SQL or files; those live in the other crates.

pub mod diff;
pub mod entities;
pub mod fields;
pub mod organisation;
pub mod overview;
pub mod programme;
pub mod report;
pub mod rollover;
pub mod round;
pub mod search;
pub mod status;

pub use entities::{Entity, EntityKind, EntityProblem, Suggestion, WorkingGroup};
pub use fields::{FieldDef, FieldKind, Fields};
pub use organisation::{Language, Licence, Organisation, OrganisationSlug};
pub use programme::{Area, Measure, MeasureId, Programme, ProgrammeError, ProgrammeState, Section};
pub use report::StatusReport;
pub use round::{Continuation, Decision, DecisionKind, MergeTarget, RoundInfo, RoundSlug, StatusEntry};
pub use status::{Status, StatusCategory, StatusKind, Vocabulary};

/// A domain value that failed to parse: what was given and what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what}: got {got:?}, expected {expected}")]
pub struct ParseError {
    pub what: &'static str,
    pub got: String,
    pub expected: &'static str,
}

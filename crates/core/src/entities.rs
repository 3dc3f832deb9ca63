//! What measures mention, kept as data: working groups, partners, projects, events, board decisions.

use serde::{Deserialize, Serialize};
use time::Date;

/// A group of people from member bodies that owns areas or single measures ("kraftgruppa").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkingGroup {
    pub name: String,
}

/// A body the organisation works with (KS, IMDi, Sintef …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Partner {
    pub name: String,
}

/// A project with its own period and lead partner (Geo4Water, mai 2025 – aug 2026, Sintef).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Project {
    pub name: String,
    pub starts_on: Option<Date>,
    pub ends_on: Option<Date>,
    pub lead_partner: Option<String>,
}

/// A dated event (a workshop, a conference day at Arendalsuka).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub title: String,
    pub starts_on: Date,
    pub ends_on: Option<Date>,
    pub place: Option<String>,
}

/// A decision of the board, such as the adoption of a programme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardDecision {
    pub decided_on: Date,
    pub reference: String,
    pub text: String,
}

//! What the API sends and takes: plain shapes made from core's types in one place, each described
//! in the OpenAPI document by its derive. Keys are the store's stable keys (status `ongoing`,
//! decision `yes`), labels are the organisation's own words.

use serde::{Deserialize, Serialize};
use tiltak_core::round::{Decision, StatusEntry};
use tiltak_core::{MeasureId, Vocabulary};
use tiltak_db::RoundRow;
use utoipa::ToSchema;

/// An organisation in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationSummary {
    pub slug: String,
    pub name: String,
    /// This organisation in the API.
    pub url: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationList {
    pub items: Vec<OrganisationSummary>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Organisation {
    pub slug: String,
    pub name: String,
    /// The language of its own texts: `nb`, `nn` or `en`.
    pub language: String,
    /// The licence of its open data (SPDX: `NLOD-2.0` or `CC-BY-4.0`).
    pub licence: String,
    pub programmes: Vec<ProgrammeSummary>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProgrammeSummary {
    pub year: i32,
    pub title: String,
    /// `draft` or `adopted`.
    pub state: String,
    pub published: bool,
    pub url: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Programme {
    pub organisation: String,
    pub year: i32,
    pub title: String,
    pub state: String,
    pub published: bool,
    /// The rounds the asker may see, oldest first.
    pub rounds: Vec<Round>,
    /// Sections with their areas, in the programme's order.
    pub sections: Vec<Section>,
    pub measures_url: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Round {
    /// The round's address part, e.g. `2025-09-02`.
    pub slug: String,
    /// As people name it, e.g. "Status pr 2 sept".
    pub label: String,
    /// The date the status is reported for (YYYY-MM-DD).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// When the working groups' updates are due (YYYY-MM-DD).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline: Option<String>,
    /// Frozen rounds are snapshots: no longer edited.
    pub frozen: bool,
    /// Public rounds are seen by everyone once the programme is published.
    pub public: bool,
}

impl From<&RoundRow> for Round {
    fn from(r: &RoundRow) -> Self {
        Round {
            slug: r.slug.clone(),
            label: r.label.clone(),
            date: r.date.clone(),
            deadline: r.deadline.clone(),
            frozen: r.frozen,
            public: r.public,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Section {
    pub title: String,
    pub areas: Vec<Area>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Area {
    pub title: String,
    /// The working group that owns it; absent: the secretariat.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
}

/// A measure's entry in one round.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Entry {
    /// A key of the organisation's statuses, or `none` (not reported in the round).
    pub status: String,
    /// The status as written; absent when not reported.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_label: Option<String>,
    /// What the status means: `not_started`, `in_progress`, `done` or `dropped`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    pub description: String,
    /// The continuation decision: `yes`, `no`, `conditional`, `merge` or `undecided`.
    pub decision: String,
    /// The condition of a `conditional` decision.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// The measure a `merge` decision merges into.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merge_into: Option<MeasureId>,
    /// The comment on the decision.
    pub comment: String,
    /// The entry's version, sent back with an update; 0 when there is no entry yet.
    pub version: i64,
    /// The organisation's own fields, by name (dates `YYYY-MM-DD`, percentages whole numbers).
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub fields: std::collections::BTreeMap<String, String>,
}

impl EntryUpdate {
    /// The fields it sets.
    pub fn set(&self) -> EntryFields {
        EntryFields {
            status: self.status.clone(),
            description: self.description.clone(),
            decision: self.decision.clone(),
            condition: self.condition.clone(),
            merge_into: self.merge_into,
            comment: self.comment.clone(),
        }
    }
}

impl EntryFields {
    /// In the order of the web form's fields (status, description, decision, condition,
    /// merge_into, comment).
    pub fn values(&self) -> [Option<String>; 6] {
        [
            self.status.clone(),
            self.description.clone(),
            self.decision.clone(),
            self.condition.clone(),
            self.merge_into.map(|m| m.to_string()),
            self.comment.clone(),
        ]
    }
}

impl Entry {
    pub fn of(e: &StatusEntry, vocabulary: &Vocabulary) -> Entry {
        let label = e.status.label();
        Entry {
            status: e.status.key().to_owned(),
            status_label: (!label.is_empty()).then(|| label.to_owned()),
            category: vocabulary.category(&e.status).map(|c| c.key().to_owned()),
            description: e.description.clone(),
            decision: e.continuation.decision.kind().key().to_owned(),
            condition: match &e.continuation.decision {
                Decision::Conditional { condition } => Some(condition.clone()),
                _ => None,
            },
            merge_into: match &e.continuation.decision {
                Decision::Merge { into } => into.id,
                _ => None,
            },
            comment: e.continuation.comment.clone(),
            version: e.version.unwrap_or(0),
            fields: e.fields.clone(),
        }
    }
}

/// A measure with its entry in the round asked for.
#[derive(Debug, Serialize, ToSchema)]
pub struct Measure {
    pub id: MeasureId,
    pub title: String,
    pub section: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub area: Option<String>,
    /// The umbrella measure of a sub-measure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<MeasureId>,
    /// A working group of its own, when it has one (else its area's owns it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Last year's measure this one continues.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub continues: Option<MeasureId>,
    pub entry: Entry,
    pub url: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeasureList {
    /// The round the entries are from (the latest the asker may see, unless one was asked for);
    /// absent when the programme has no round the asker may see.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub round: Option<String>,
    pub items: Vec<Measure>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// A measure of another year in a measure's lineage.
#[derive(Debug, Serialize, ToSchema)]
pub struct Related {
    pub year: i32,
    pub id: MeasureId,
    pub title: String,
}

/// One round's entry of a measure.
#[derive(Debug, Serialize, ToSchema)]
pub struct RoundEntry {
    pub round: String,
    pub entry: Entry,
}

/// A measure with its entry in every round the asker may see, and its lineage.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeasureDetail {
    pub id: MeasureId,
    pub title: String,
    pub section: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub area: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<MeasureId>,
    pub children: Vec<MeasureId>,
    /// Oldest round first.
    pub entries: Vec<RoundEntry>,
    /// Earlier years' measures it continues, oldest first.
    pub predecessors: Vec<Related>,
    /// Next years' measures that continue it.
    pub successors: Vec<Related>,
}

/// A measure that changed between two rounds.
#[derive(Debug, Serialize, ToSchema)]
pub struct Change {
    pub id: MeasureId,
    pub title: String,
    /// `added`, `removed` or `changed`.
    pub kind: String,
    /// For `changed`: which of `title`, `status`, `description`, `decision`, `comment` changed.
    pub fields: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<Entry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<Entry>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeList {
    pub round: String,
    /// The round compared with (the one before, among those the asker may see); absent for the
    /// first round, which then has no changes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_round: Option<String>,
    pub items: Vec<Change>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// A measure in a rollover summary.
#[derive(Debug, Serialize, ToSchema)]
pub struct Item {
    pub id: MeasureId,
    pub title: String,
}

/// A measure of the year and the measure of next year it went on as.
#[derive(Debug, Serialize, ToSchema)]
pub struct Carried {
    pub from: Item,
    pub to: Item,
}

/// What became of a year's measures in the next year's programme.
#[derive(Debug, Serialize, ToSchema)]
pub struct Rollover {
    pub from_year: i32,
    pub to_year: i32,
    /// Whether next year's programme exists (and the asker may see it); until then the lists are empty.
    pub exists: bool,
    pub carried: Vec<Carried>,
    pub merged: Vec<Carried>,
    pub dropped: Vec<Item>,
    pub new: Vec<Item>,
}

/// The fields of an entry as an update writes them; each one left out is not changed.
#[derive(Debug, Default, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryFields {
    /// A key of the organisation's statuses, or `none`.
    pub status: Option<String>,
    pub description: Option<String>,
    /// `yes`, `no`, `conditional`, `merge` or `undecided`.
    pub decision: Option<String>,
    /// Needed with `conditional`.
    pub condition: Option<String>,
    /// Needed with `merge`: the id of a measure of the same programme.
    pub merge_into: Option<MeasureId>,
    pub comment: Option<String>,
}

/// An update of an entry: the version it was made from, the fields it sets, and (to merge with
/// what others saved since) the values it started from.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryUpdate {
    /// The entry's `version` when it was read.
    pub version: i64,
    /// A key of the organisation's statuses, or `none`.
    pub status: Option<String>,
    pub description: Option<String>,
    /// `yes`, `no`, `conditional`, `merge` or `undecided`.
    pub decision: Option<String>,
    /// Needed with `conditional`.
    pub condition: Option<String>,
    /// Needed with `merge`: the id of a measure of the same programme.
    pub merge_into: Option<MeasureId>,
    pub comment: Option<String>,
    /// The values read with that version. When someone saved since, a field this update sets is
    /// a conflict only if the other person changed it too; without them every field that differs
    /// from what is saved now is a conflict.
    #[serde(default)]
    pub started_from: Option<EntryFields>,
}

/// A field both this update and someone else changed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConflictField {
    pub field: String,
    pub yours: String,
    pub theirs: String,
}

/// An update refused: someone else changed the same fields since its version (`fields` and
/// `current` say which and how), or the round is frozen (`error` is `round-frozen`, without them).
#[derive(Debug, Serialize, ToSchema)]
pub struct Conflict {
    pub status: u16,
    pub error: String,
    pub message: String,
    /// Who saved in between, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changed_by: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<ConflictField>,
    /// The entry as saved now: send an update with its version to decide.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current: Option<Entry>,
}

/// A warning of the reader: where (a line or table row; 0 for the whole file) and what.
#[derive(Debug, Serialize, ToSchema)]
pub struct Warning {
    pub line: usize,
    pub message: String,
}

/// One field an import changes: old → new, as people read it.
#[derive(Debug, Serialize, ToSchema)]
pub struct FieldChange {
    pub field: String,
    pub before: String,
    pub after: String,
}

/// A measure an import changes in the round it replaces.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportChange {
    /// Its id and title.
    pub measure: String,
    /// `added`, `removed` or `changed`.
    pub kind: String,
    pub fields: Vec<FieldChange>,
    /// Someone saved it after the file was made: kept as saved unless `overwrite_newer` is asked for.
    pub newer: bool,
}

/// What a file would import; nothing is saved until it is confirmed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportPreview {
    /// The kept file's id (kept for an hour, for the person who sent it).
    pub upload: String,
    /// POST here to save it.
    pub confirm_url: String,
    pub title: String,
    pub year: i32,
    pub round: String,
    pub measures: usize,
    pub warnings: Vec<Warning>,
    /// Whether the round exists and will be replaced.
    pub replaces_round: bool,
    pub changes: Vec<ImportChange>,
}

/// A file that could not be read: each problem with its place.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportRefused {
    pub status: u16,
    pub error: String,
    pub message: String,
    pub problems: Vec<String>,
}

/// A saved import.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportDone {
    pub year: i32,
    pub round: String,
    pub measures: usize,
    /// Measures someone saved after the file was made, kept as they saved them.
    pub kept_newer: Vec<MeasureId>,
    pub measures_url: String,
}

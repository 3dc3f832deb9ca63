//! Reporting rounds and what each measure gets in one: a status, a description of progress and a
//! continuation decision for next year, with the comment as written.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::ParseError;
use crate::programme::MeasureId;
use crate::status::Status;

/// A round's address in URLs: its date (`2025-09-02`) or, without one, its label made URL-safe.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RoundSlug(String);

impl RoundSlug {
    pub fn for_round(label: &str, date: Option<Date>) -> Self {
        match date {
            Some(d) => Self(iso_date(d)),
            None => Self(slugify(label)),
        }
    }

    pub fn parse(s: &str) -> Result<Self, ParseError> {
        if !s.is_empty()
            && s.len() <= 80
            && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            Ok(Self(s.to_owned()))
        } else {
            Err(ParseError { what: "round slug", got: s.to_owned(), expected: "a-z, 0-9 and '-'" })
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `YYYY-MM-DD`.
pub fn iso_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

pub fn parse_iso_date(s: &str) -> Result<Date, ParseError> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(s, &fmt).map_err(|_| ParseError { what: "date", got: s.to_owned(), expected: "YYYY-MM-DD" })
}

/// A programme year as written in a URL or a file: four digits, 1900–2999.
pub fn parse_year(s: &str) -> Result<i32, ParseError> {
    let bad = || ParseError { what: "year", got: s.to_owned(), expected: "a year such as 2025" };
    if s.len() != 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let year: i32 = s.parse().map_err(|_| bad())?;
    if (1900..3000).contains(&year) { Ok(year) } else { Err(bad()) }
}

fn slugify(label: &str) -> String {
    let mut out = String::new();
    for c in label.chars().flat_map(char::to_lowercase) {
        let mapped = match c {
            'æ' => "ae".into(),
            'ø' => "o".into(),
            'å' => "a".into(),
            c if c.is_ascii_alphanumeric() => c.to_string(),
            _ => "-".into(),
        };
        out.push_str(&mapped);
    }
    let parts: Vec<&str> = out.split('-').filter(|p| !p.is_empty()).collect();
    let slug = parts.join("-");
    if slug.is_empty() { "round".to_owned() } else { slug }
}

/// The label and date of a reporting round ("pr 2 sept", 2025-09-02).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundInfo {
    pub label: String,
    #[serde(with = "opt_iso_date", default)]
    pub date: Option<Date>,
}

impl RoundInfo {
    pub fn slug(&self) -> RoundSlug {
        RoundSlug::for_round(&self.label, self.date)
    }
}

pub(crate) mod opt_iso_date {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::Date;

    pub fn serialize<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_str(&super::iso_date(*d)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(s) => super::parse_iso_date(&s).map(Some).map_err(serde::de::Error::custom),
        }
    }
}

/// One measure in one round: one row of the status report.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StatusEntry {
    pub status: Status,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub continuation: Continuation,
    /// The store's version of this entry when it was read, carried by Tiltak's exports so that an
    /// import can tell whether someone saved the entry after the file was made. `None` in files
    /// that carry no versions (report text, Word, other organisations' tables).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    /// The organisation's own fields (see [`crate::fields`]), by name.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub fields: crate::fields::Fields,
}

/// The measure another one should be merged into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeTarget {
    pub id: Option<MeasureId>,
    pub title: String,
}

/// What should happen to a measure next year.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Decision {
    Yes,
    No,
    /// Continue only if the condition holds ("Hvis finansiering").
    Conditional {
        condition: String,
    },
    /// Merge with another measure of the programme.
    Merge {
        into: MergeTarget,
    },
    /// Nothing clear was said: a person decides.
    #[default]
    Undecided,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    Yes,
    No,
    Conditional,
    Merge,
    Undecided,
}

impl DecisionKind {
    pub const ALL: [DecisionKind; 5] = [Self::Yes, Self::No, Self::Conditional, Self::Merge, Self::Undecided];

    pub fn key(self) -> &'static str {
        match self {
            Self::Yes => "yes",
            Self::No => "no",
            Self::Conditional => "conditional",
            Self::Merge => "merge",
            Self::Undecided => "undecided",
        }
    }

    pub fn parse(s: &str) -> Result<Self, ParseError> {
        Self::ALL.into_iter().find(|k| k.key() == s).ok_or_else(|| ParseError {
            what: "continuation decision",
            got: s.to_owned(),
            expected: "yes, no, conditional, merge or undecided",
        })
    }
}

impl Decision {
    pub fn kind(&self) -> DecisionKind {
        match self {
            Decision::Yes => DecisionKind::Yes,
            Decision::No => DecisionKind::No,
            Decision::Conditional { .. } => DecisionKind::Conditional,
            Decision::Merge { .. } => DecisionKind::Merge,
            Decision::Undecided => DecisionKind::Undecided,
        }
    }
}

/// The continuation decision and the comment as written ("Ja, for å få tyngde …").
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(try_from = "ContinuationRepr", into = "ContinuationRepr")]
pub struct Continuation {
    pub decision: Decision,
    pub comment: String,
}

/// The flat wire shape: `{decision, comment, condition, merge_into, merge_into_id}`.
#[derive(Serialize, Deserialize)]
struct ContinuationRepr {
    decision: DecisionKind,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    condition: Option<String>,
    #[serde(default)]
    merge_into: Option<String>,
    #[serde(default)]
    merge_into_id: Option<MeasureId>,
}

impl TryFrom<ContinuationRepr> for Continuation {
    type Error = String;
    fn try_from(r: ContinuationRepr) -> Result<Self, String> {
        let decision = match r.decision {
            DecisionKind::Yes => Decision::Yes,
            DecisionKind::No => Decision::No,
            DecisionKind::Undecided => Decision::Undecided,
            DecisionKind::Conditional => Decision::Conditional {
                condition: r
                    .condition
                    .filter(|c| !c.trim().is_empty())
                    .ok_or("a conditional decision needs its condition")?,
            },
            DecisionKind::Merge => {
                if r.merge_into.is_none() && r.merge_into_id.is_none() {
                    return Err(
                        "a merge decision needs merge_into (the target's title) or merge_into_id".into()
                    );
                }
                Decision::Merge {
                    into: MergeTarget { id: r.merge_into_id, title: r.merge_into.unwrap_or_default() },
                }
            }
        };
        Ok(Continuation { decision, comment: r.comment })
    }
}

impl From<Continuation> for ContinuationRepr {
    fn from(c: Continuation) -> Self {
        let kind = c.decision.kind();
        let (condition, merge_into, merge_into_id) = match c.decision {
            Decision::Conditional { condition } => (Some(condition), None, None),
            Decision::Merge { into } => (None, Some(into.title), into.id),
            _ => (None, None, None),
        };
        ContinuationRepr { decision: kind, comment: c.comment, condition, merge_into, merge_into_id }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slug_is_the_date_or_the_label() {
        let d = parse_iso_date("2025-09-02").unwrap();
        assert_eq!(RoundSlug::for_round("pr 2 sept", Some(d)).as_str(), "2025-09-02");
        assert_eq!(RoundSlug::for_round("Pr. 1. mai (utkast)", None).as_str(), "pr-1-mai-utkast");
        assert_eq!(RoundSlug::for_round("Høst/vår", None).as_str(), "host-var");
    }

    #[test]
    fn continuation_wire_shape_round_trips_and_is_checked() {
        let c = Continuation {
            decision: Decision::Conditional { condition: "finansiering".into() },
            comment: "Hvis finansiering".into(),
        };
        let repr: ContinuationRepr = c.clone().into();
        assert_eq!(repr.condition.as_deref(), Some("finansiering"));
        assert_eq!(Continuation::try_from(repr).unwrap(), c);
        let merge_without_target = ContinuationRepr {
            decision: DecisionKind::Merge,
            comment: String::new(),
            condition: None,
            merge_into: None,
            merge_into_id: None,
        };
        assert!(Continuation::try_from(merge_without_target).is_err());
    }
}

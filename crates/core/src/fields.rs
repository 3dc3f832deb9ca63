//! An organisation's own fields: the columns of its tables Tiltak has no place of its own for
//! (Ansvarlig, Eier, Due date, Percentage complete, a RAG rating), kept per measure and round
//! beside the status, by the field's name. Each field has a kind that says what a value may be.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ParseError;
use crate::round::{iso_date, parse_iso_date};

/// A measure's values of the organisation's own fields in one round, by field name.
pub type Fields = BTreeMap<String, String>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldKind {
    Text,
    /// Kept as `YYYY-MM-DD`.
    Date,
    /// A whole number 0–100.
    Percent,
    /// One of the field's choices, such as a RAG rating.
    Choice,
}

impl FieldKind {
    pub const ALL: [FieldKind; 4] = [Self::Text, Self::Date, Self::Percent, Self::Choice];

    pub fn key(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Date => "date",
            Self::Percent => "percent",
            Self::Choice => "choice",
        }
    }

    pub fn parse(s: &str) -> Result<Self, ParseError> {
        Self::ALL.into_iter().find(|k| k.key() == s).ok_or_else(|| ParseError {
            what: "field kind",
            got: s.to_owned(),
            expected: "text, date, percent or choice",
        })
    }
}

/// One field of an organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldDef {
    pub name: String,
    pub kind: FieldKind,
    /// The values a choice field takes, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<String>,
    /// Shown as a column of the report (and of its Word and PDF documents).
    #[serde(default)]
    pub in_report: bool,
}

/// Why a value does not fit its field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FieldError {
    #[error("{0:?} is not a date (YYYY-MM-DD or DD.MM.YYYY)")]
    Date(String),
    #[error("{0:?} is not a percentage from 0 to 100")]
    Percent(String),
    #[error("{value:?} is not one of {choices}")]
    Choice { value: String, choices: String },
}

impl FieldDef {
    /// The value as kept: trimmed, a date as `YYYY-MM-DD`, a percentage as a whole number, a
    /// choice spelled as the field spells it. An empty value is no value.
    pub fn check(&self, value: &str) -> Result<String, FieldError> {
        let v = value.trim();
        if v.is_empty() {
            return Ok(String::new());
        }
        match self.kind {
            FieldKind::Text => Ok(v.to_owned()),
            FieldKind::Date => parse_date(v).map(iso_date).ok_or_else(|| FieldError::Date(v.to_owned())),
            FieldKind::Percent => {
                parse_percent(v).map(|p| p.to_string()).ok_or_else(|| FieldError::Percent(v.to_owned()))
            }
            FieldKind::Choice => self
                .choices
                .iter()
                .find(|c| c.trim().eq_ignore_ascii_case(v) || c.trim().to_lowercase() == v.to_lowercase())
                .cloned()
                .ok_or_else(|| FieldError::Choice { value: v.to_owned(), choices: self.choices.join(", ") }),
        }
    }

    /// A name is one line of at most 80 characters.
    pub fn parse_name(name: &str) -> Result<String, ParseError> {
        let n = name.split_whitespace().collect::<Vec<_>>().join(" ");
        if n.is_empty() || n.chars().count() > 80 {
            return Err(ParseError {
                what: "field name",
                got: name.to_owned(),
                expected: "1 to 80 characters",
            });
        }
        Ok(n)
    }
}

/// `2025-06-30`, `30.06.2025`, `30.6.25`, `30/06/2025`, or a date with a time after it.
pub fn parse_date(s: &str) -> Option<time::Date> {
    let s = s.trim();
    let s = s.split(['T', ' ']).next().unwrap_or(s);
    if let Ok(d) = parse_iso_date(s) {
        return Some(d);
    }
    let parts: Vec<&str> = s.split(['.', '/']).collect();
    let [d, m, y] = parts.as_slice() else { return None };
    let (d, m, y): (u8, u8, i32) = (d.parse().ok()?, m.parse().ok()?, y.parse().ok()?);
    let y = if y < 100 { 2000 + y } else { y };
    time::Date::from_calendar_date(y, time::Month::try_from(m).ok()?, d).ok()
}

/// `45`, `45 %`, `45%`, `0.45` (a fraction as spreadsheets keep a percentage), `45,5` rounded.
pub fn parse_percent(s: &str) -> Option<u8> {
    let t = s.trim();
    let (number, had_sign) = match t.strip_suffix('%') {
        Some(n) => (n.trim(), true),
        None => (t, false),
    };
    let n: f64 = number.replace(',', ".").parse().ok()?;
    let n = if !had_sign && n > 0.0 && n < 1.0 || !had_sign && n == 1.0 && number.contains('.') {
        n * 100.0
    } else {
        n
    };
    (0.0..=100.0).contains(&n).then(|| n.round() as u8)
}

/// The kind a column's values suggest, with the choices of a choice column: dates, percentages,
/// a handful of short values repeated (a rating), or text.
pub fn guess_kind(heading: &str, values: &[&str]) -> (FieldKind, Vec<String>) {
    let values: Vec<&str> = values.iter().map(|v| v.trim()).filter(|v| !v.is_empty()).collect();
    if values.is_empty() {
        return (FieldKind::Text, Vec::new());
    }
    if values.iter().all(|v| parse_date(v).is_some()) {
        return (FieldKind::Date, Vec::new());
    }
    let h = heading.to_lowercase();
    let says_percent = h.contains('%')
        || ["percent", "prosent", "procent", "andel", "complete"].iter().any(|w| h.contains(w));
    if values.iter().all(|v| parse_percent(v).is_some())
        && (says_percent || values.iter().all(|v| v.ends_with('%')))
    {
        return (FieldKind::Percent, Vec::new());
    }
    let mut distinct: Vec<&str> = Vec::new();
    for v in &values {
        if !distinct.iter().any(|d| d.eq_ignore_ascii_case(v)) {
            distinct.push(v);
        }
    }
    // A rating in colours (red, amber, green) is a choice however few the rows.
    const COLOURS: &[&str] = &[
        "green", "amber", "red", "yellow", "grønn", "gul", "rød", "grønt", "gult", "rødt", "grön", "röd",
        "grøn", "raud",
    ];
    if distinct.iter().all(|d| COLOURS.contains(&d.to_lowercase().as_str())) {
        return (FieldKind::Choice, distinct.iter().map(|d| (*d).to_owned()).collect());
    }
    if distinct.len() <= 6
        && values.len() >= 2 * distinct.len()
        && distinct.iter().all(|d| d.chars().count() <= 20)
    {
        return (FieldKind::Choice, distinct.iter().map(|d| (*d).to_owned()).collect());
    }
    (FieldKind::Text, Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def(kind: FieldKind, choices: &[&str]) -> FieldDef {
        FieldDef {
            name: "F".into(),
            kind,
            choices: choices.iter().map(|c| (*c).into()).collect(),
            in_report: false,
        }
    }

    #[test]
    fn values_are_kept_in_one_spelling() {
        assert_eq!(def(FieldKind::Date, &[]).check("30.6.2025").unwrap(), "2025-06-30");
        assert_eq!(def(FieldKind::Date, &[]).check("2025-06-30 00:00:00").unwrap(), "2025-06-30");
        assert!(def(FieldKind::Date, &[]).check("snart").is_err());
        assert_eq!(def(FieldKind::Percent, &[]).check("45 %").unwrap(), "45");
        assert_eq!(def(FieldKind::Percent, &[]).check("0.45").unwrap(), "45");
        assert!(def(FieldKind::Percent, &[]).check("140").is_err());
        assert_eq!(def(FieldKind::Choice, &["Green", "Amber", "Red"]).check("amber").unwrap(), "Amber");
        assert!(def(FieldKind::Choice, &["Green", "Amber", "Red"]).check("Blue").is_err());
        assert_eq!(def(FieldKind::Text, &[]).check("  "), Ok(String::new()));
    }

    #[test]
    fn kinds_are_guessed_from_the_values() {
        assert_eq!(guess_kind("Due date", &["2025-03-01", "30.06.2025"]).0, FieldKind::Date);
        assert_eq!(guess_kind("Percentage complete", &["40", "100", ""]).0, FieldKind::Percent);
        assert_eq!(guess_kind("Antall", &["40", "100"]).0, FieldKind::Text);
        let (kind, choices) = guess_kind("Status (RAG)", &["Green", "Red", "green", "Amber", "Green", "Red"]);
        assert_eq!((kind, choices), (FieldKind::Choice, vec!["Green".into(), "Red".into(), "Amber".into()]));
        assert_eq!(guess_kind("Ansvarlig", &["Kari", "Ola", "Per"]).0, FieldKind::Text);
    }
}

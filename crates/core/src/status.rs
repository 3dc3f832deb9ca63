//! The status vocabulary: the labels an organisation writes ("Pågående"), each mapped to a fixed
//! category that charts and rules use. A measure not reported in a round has no status, never a guess.

use serde::{Deserialize, Serialize};

use crate::ParseError;

/// What every status means to Tiltak, whatever an organisation calls it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusCategory {
    NotStarted,
    InProgress,
    Done,
    Dropped,
}

impl StatusCategory {
    pub const ALL: [StatusCategory; 4] = [Self::NotStarted, Self::InProgress, Self::Done, Self::Dropped];

    pub fn key(self) -> &'static str {
        match self {
            Self::NotStarted => "not_started",
            Self::InProgress => "in_progress",
            Self::Done => "done",
            Self::Dropped => "dropped",
        }
    }

    pub fn parse(s: &str) -> Result<Self, ParseError> {
        Self::ALL.into_iter().find(|c| c.key() == s).ok_or_else(|| ParseError {
            what: "status category",
            got: s.to_owned(),
            expected: "not_started, in_progress, done or dropped",
        })
    }
}

/// One status of a vocabulary: a stable key, the label shown, other spellings that mean the same.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusKind {
    pub key: String,
    pub label: String,
    /// Further labels that mean this status ("delvis påbegynt" for `started`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    pub category: StatusCategory,
    /// A CSS colour for charts; never the only way a status is shown.
    pub colour: String,
}

/// An organisation's statuses, in the order they are listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vocabulary {
    pub kinds: Vec<StatusKind>,
}

/// The key of "not reported in this round".
pub const NO_STATUS_KEY: &str = "none";

impl Vocabulary {
    /// The vocabulary of the sample programme, which new organisations start from.
    pub fn default_nb() -> Self {
        let kind = |key: &str, label: &str, aliases: &[&str], category, colour: &str| StatusKind {
            key: key.to_owned(),
            label: label.to_owned(),
            aliases: aliases.iter().map(|a| (*a).to_owned()).collect(),
            category,
            colour: colour.to_owned(),
        };
        use StatusCategory::*;
        Self {
            kinds: vec![
                kind("not_started", "Ikke påbegynt", &[], NotStarted, "#6b7280"),
                kind("started", "Påbegynt", &["Delvis påbegynt"], InProgress, "#2563eb"),
                kind("ongoing", "Pågående", &[], InProgress, "#1d4ed8"),
                kind("partly_done", "Delvis gjennomført", &[], InProgress, "#0e7490"),
                kind("done", "Gjennomført", &[], Done, "#15803d"),
                kind("will_not_be_done", "Blir ikke gjennomført", &[], Dropped, "#b91c1c"),
            ],
        }
    }

    pub fn get(&self, key: &str) -> Option<&StatusKind> {
        self.kinds.iter().find(|k| k.key == key)
    }

    /// The status a label means, matched case- and whitespace-insensitively.
    pub fn match_label(&self, label: &str) -> Option<&StatusKind> {
        let wanted = normalise_label(label);
        self.kinds
            .iter()
            .find(|k| std::iter::once(&k.label).chain(&k.aliases).any(|l| normalise_label(l) == wanted))
    }

    /// Every label and alias with its key, longest first, for readers that look for a label in text.
    pub fn labels_longest_first(&self) -> Vec<(String, &str)> {
        let mut all: Vec<(String, &str)> = self
            .kinds
            .iter()
            .flat_map(|k| {
                std::iter::once(&k.label).chain(&k.aliases).map(move |l| (normalise_label(l), k.key.as_str()))
            })
            .collect();
        all.sort_by(|a, b| b.0.chars().count().cmp(&a.0.chars().count()).then(a.0.cmp(&b.0)));
        all
    }

    /// The status for a key and the label as written; an unknown key is an error, `none` is no status.
    pub fn status(&self, key: &str, label: &str) -> Result<Status, ParseError> {
        if key == NO_STATUS_KEY {
            return Ok(Status::None);
        }
        match self.get(key) {
            Some(kind) => Ok(Status::Reported {
                key: kind.key.clone(),
                label: if label.trim().is_empty() { kind.label.clone() } else { label.to_owned() },
            }),
            None => Err(ParseError {
                what: "status key",
                got: key.to_owned(),
                expected: "a key of the organisation's status vocabulary, or \"none\"",
            }),
        }
    }

    pub fn category(&self, status: &Status) -> Option<StatusCategory> {
        match status {
            Status::None => None,
            Status::Reported { key, .. } => self.get(key).map(|k| k.category),
        }
    }
}

/// Lowercase with runs of whitespace (including non-breaking spaces) folded to one space.
pub fn normalise_label(s: &str) -> String {
    s.split(|c: char| c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// A measure's status in one round: not reported, or a vocabulary key with the label as written.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Status {
    #[default]
    None,
    Reported {
        key: String,
        label: String,
    },
}

impl Status {
    pub fn key(&self) -> &str {
        match self {
            Status::None => NO_STATUS_KEY,
            Status::Reported { key, .. } => key,
        }
    }

    pub fn label(&self) -> &str {
        match self {
            Status::None => "",
            Status::Reported { label, .. } => label,
        }
    }
}

#[derive(Serialize, Deserialize)]
struct StatusRepr {
    key: String,
    #[serde(default)]
    label: String,
}

impl Serialize for Status {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        StatusRepr { key: self.key().to_owned(), label: self.label().to_owned() }.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Status {
    /// Only the shape is checked here; whether the key is in the vocabulary is the reader's job.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let r = StatusRepr::deserialize(d)?;
        if r.key == NO_STATUS_KEY {
            Ok(Status::None)
        } else if r.key.trim().is_empty() {
            Err(serde::de::Error::custom("status key is empty; use \"none\" for not reported"))
        } else {
            Ok(Status::Reported { key: r.key, label: r.label })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_match_whatever_the_case_and_spacing() {
        let v = Vocabulary::default_nb();
        assert_eq!(v.match_label("pågående").unwrap().key, "ongoing");
        assert_eq!(v.match_label(" Delvis\u{a0} påbegynt ").unwrap().key, "started");
        assert_eq!(v.match_label("BLIR IKKE gjennomført").unwrap().key, "will_not_be_done");
        assert!(v.match_label("pågår").is_none());
    }

    #[test]
    fn longest_label_comes_first() {
        let v = Vocabulary::default_nb();
        let labels = v.labels_longest_first();
        let pos = |l: &str| labels.iter().position(|(x, _)| x == l).unwrap();
        assert!(pos("blir ikke gjennomført") < pos("gjennomført"));
        assert!(pos("ikke påbegynt") < pos("påbegynt"));
    }

    #[test]
    fn unknown_key_is_refused_and_none_is_no_status() {
        let v = Vocabulary::default_nb();
        assert_eq!(v.status("none", "").unwrap(), Status::None);
        assert!(v.status("finished", "Ferdig").is_err());
        assert_eq!(v.status("done", "").unwrap().label(), "Gjennomført");
    }
}

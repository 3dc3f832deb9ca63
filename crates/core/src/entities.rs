//! What measures mention, kept as data: events, projects, partners and board decisions, each linked
//! to any number of measures; and suggestions of them found in a measure's text, which a person
//! accepts, edits or dismisses. The four kinds share one shape ([`Entity`]); which of its parts a
//! kind uses is said once, by [`EntityKind::has`], and the forms, pages and files follow it.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::ParseError;

/// A group of people from member bodies that owns areas or single measures ("kraftgruppa").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkingGroup {
    pub name: String,
}

/// The four kinds of things measures mention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    /// A dated event: a webinar, a conference, a workshop, a day at Arendalsuka.
    Event,
    /// A project with its own period, lead partner, partners and funding (Geo4Water).
    Project,
    /// A body the organisation works with (KS, IMDi, Sintef, a county).
    Partner,
    /// A decision of the board or the assembly, with its date and case number.
    Decision,
}

/// The parts of an entity a kind may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// A date or period (`starts_on`, `ends_on`).
    Period,
    Place,
    Category,
    /// The case number of a decision.
    Reference,
    Funding,
    /// A project's lead partner and partners.
    Partners,
}

impl EntityKind {
    pub const ALL: [EntityKind; 4] =
        [EntityKind::Event, EntityKind::Project, EntityKind::Partner, EntityKind::Decision];

    pub fn key(self) -> &'static str {
        match self {
            EntityKind::Event => "event",
            EntityKind::Project => "project",
            EntityKind::Partner => "partner",
            EntityKind::Decision => "decision",
        }
    }

    pub fn parse(s: &str) -> Result<Self, ParseError> {
        Self::ALL.into_iter().find(|k| k.key() == s.trim()).ok_or_else(|| ParseError {
            what: "entity kind",
            got: s.to_owned(),
            expected: "event, project, partner or decision",
        })
    }

    /// The path segment of the kind's pages (`/{org}/events`) and its CSV file (`events.csv`).
    pub fn plural(self) -> &'static str {
        match self {
            EntityKind::Event => "events",
            EntityKind::Project => "projects",
            EntityKind::Partner => "partners",
            EntityKind::Decision => "decisions",
        }
    }

    pub fn from_plural(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.plural() == s)
    }

    /// Whether this kind uses `part`.
    pub fn has(self, part: Part) -> bool {
        use EntityKind::*;
        match part {
            Part::Period => matches!(self, Event | Project | Decision),
            Part::Place => self == Event,
            Part::Category => matches!(self, Event | Partner | Decision),
            Part::Reference => self == Decision,
            Part::Funding | Part::Partners => self == Project,
        }
    }

    /// Whether a start date is required (an event happens on a day, a decision is made on one).
    pub fn needs_date(self) -> bool {
        matches!(self, EntityKind::Event | EntityKind::Decision)
    }

    /// The categories of the kind, as keys (their names are in the locale files): an event's kind,
    /// a partner's type, the body that made a decision.
    pub fn categories(self) -> &'static [&'static str] {
        match self {
            EntityKind::Event => &["meeting", "webinar", "seminar", "conference", "workshop", "other"],
            EntityKind::Partner => {
                &["municipality", "county", "state", "business", "research", "organisation", "other"]
            }
            EntityKind::Decision => &["board", "assembly", "other"],
            EntityKind::Project => &[],
        }
    }
}

impl std::fmt::Display for EntityKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.key())
    }
}

/// An event, project, partner or board decision. Parts its kind does not use stay empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entity {
    pub kind: EntityKind,
    pub title: String,
    #[serde(default, with = "crate::round::opt_iso_date", skip_serializing_if = "Option::is_none")]
    pub starts_on: Option<Date>,
    #[serde(default, with = "crate::round::opt_iso_date", skip_serializing_if = "Option::is_none")]
    pub ends_on: Option<Date>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub place: String,
    /// One of [`EntityKind::categories`], or empty.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub category: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reference: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub funding: String,
    /// What it is about: a decision's text, a project's or partner's description, notes.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text: String,
    /// Whether the public may see it (with the measures it is linked to): an internal meeting is not.
    #[serde(default = "yes")]
    pub public: bool,
    /// A project's lead partner, by title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead_partner: Option<String>,
    /// A project's other partners, by title.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub partners: Vec<String>,
}

fn yes() -> bool {
    true
}

/// The longest title, and the longest text.
pub const TITLE_MAX: usize = 300;
pub const TEXT_MAX: usize = 10_000;

/// Why an entity cannot be saved, for a person to read (the web app has a message for each).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntityProblem {
    #[error("a title is needed")]
    TitleMissing,
    #[error("the title is longer than {TITLE_MAX} characters")]
    TitleTooLong,
    #[error("the text is longer than {TEXT_MAX} characters")]
    TextTooLong,
    #[error("a date is needed")]
    DateMissing,
    #[error("the end is before the start")]
    EndsBeforeStart,
    #[error("unknown category {0:?}")]
    Category(String),
}

impl EntityProblem {
    /// The message key of the problem.
    pub fn key(&self) -> &'static str {
        match self {
            EntityProblem::TitleMissing => "entity-title-missing",
            EntityProblem::TitleTooLong => "entity-title-too-long",
            EntityProblem::TextTooLong => "entity-text-too-long",
            EntityProblem::DateMissing => "entity-date-missing",
            EntityProblem::EndsBeforeStart => "entity-ends-before-start",
            EntityProblem::Category(_) => "entity-category-unknown",
        }
    }
}

impl Entity {
    /// An empty entity of `kind` with a title.
    pub fn new(kind: EntityKind, title: impl Into<String>) -> Self {
        Entity {
            kind,
            title: title.into(),
            starts_on: None,
            ends_on: None,
            place: String::new(),
            category: String::new(),
            reference: String::new(),
            funding: String::new(),
            text: String::new(),
            public: true,
            lead_partner: None,
            partners: Vec::new(),
        }
    }

    /// The entity as it is kept: trimmed, the parts its kind does not use cleared, and checked.
    pub fn checked(mut self) -> Result<Self, EntityProblem> {
        let kind = self.kind;
        let trim = |s: &mut String| *s = s.trim().to_owned();
        for s in
            [&mut self.title, &mut self.place, &mut self.category, &mut self.reference, &mut self.funding]
        {
            trim(s);
        }
        self.title = self.title.split_whitespace().collect::<Vec<_>>().join(" ");
        self.text = self.text.trim().replace("\r\n", "\n");
        if self.title.is_empty() {
            return Err(EntityProblem::TitleMissing);
        }
        if self.title.chars().count() > TITLE_MAX {
            return Err(EntityProblem::TitleTooLong);
        }
        if self.text.chars().count() > TEXT_MAX {
            return Err(EntityProblem::TextTooLong);
        }
        if !kind.has(Part::Period) {
            (self.starts_on, self.ends_on) = (None, None);
        }
        if kind == EntityKind::Decision {
            self.ends_on = None;
        }
        if kind.needs_date() && self.starts_on.is_none() {
            return Err(EntityProblem::DateMissing);
        }
        if let (Some(s), Some(e)) = (self.starts_on, self.ends_on) {
            if e < s {
                return Err(EntityProblem::EndsBeforeStart);
            }
            if e == s {
                self.ends_on = None;
            }
        }
        if self.ends_on.is_some() && self.starts_on.is_none() {
            self.starts_on = self.ends_on.take();
        }
        if !kind.has(Part::Place) {
            self.place.clear();
        }
        if !kind.has(Part::Category) {
            self.category.clear();
        } else if !self.category.is_empty() && !kind.categories().contains(&self.category.as_str()) {
            return Err(EntityProblem::Category(self.category));
        }
        if !kind.has(Part::Reference) {
            self.reference.clear();
        }
        if !kind.has(Part::Funding) {
            self.funding.clear();
        }
        if kind.has(Part::Partners) {
            self.lead_partner = self.lead_partner.map(|p| p.trim().to_owned()).filter(|p| !p.is_empty());
            let mut partners: Vec<String> = Vec::new();
            for p in self.partners.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
                if self.lead_partner.as_deref() != Some(p) && !partners.iter().any(|x| x == p) {
                    partners.push(p.to_owned());
                }
            }
            self.partners = partners;
        } else {
            self.lead_partner = None;
            self.partners.clear();
        }
        Ok(self)
    }

    /// Whether the entity's date or period touches `from..=to` (undated ones never do).
    pub fn within(&self, from: Date, to: Date) -> bool {
        match self.starts_on {
            Some(s) => s <= to && self.ends_on.unwrap_or(s) >= from,
            None => false,
        }
    }
}

/// Something a measure's text seems to mention, offered to a person: never saved as an entity
/// until they accept it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    pub kind: EntityKind,
    /// A title a person would start from ("Felles fagsamling i Folloregionen").
    pub title: String,
    #[serde(default, with = "crate::round::opt_iso_date", skip_serializing_if = "Option::is_none")]
    pub starts_on: Option<Date>,
    #[serde(default, with = "crate::round::opt_iso_date", skip_serializing_if = "Option::is_none")]
    pub ends_on: Option<Date>,
    /// The words of the text it was found in.
    pub quote: String,
    /// Which of several the words count ("2 seminar": 1 and 2), or 0 for one.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub nth: u8,
}

fn is_zero(n: &u8) -> bool {
    *n == 0
}

impl Suggestion {
    /// What tells two suggestions of one measure apart: a dismissed one is not offered again
    /// when the text is saved again, even with words added after it (the quote's first eight
    /// words count).
    pub fn key(&self) -> String {
        let date = self.starts_on.map(crate::round::iso_date).unwrap_or_default();
        let lower = self.quote.to_lowercase();
        let quote: Vec<&str> = lower.split_whitespace().take(8).collect();
        let nth = if self.nth > 0 { format!("|{}", self.nth) } else { String::new() };
        format!("{}|{date}|{}{nth}", self.kind.key(), quote.join(" "))
    }

    /// The entity a person starts from when they accept it.
    pub fn entity(&self) -> Entity {
        let mut e = Entity::new(self.kind, self.title.clone());
        e.starts_on = self.starts_on;
        e.ends_on = self.ends_on;
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_kind_keeps_only_its_parts() {
        let mut e = Entity::new(EntityKind::Partner, "  KS ");
        e.starts_on = Some(date!(2025 - 01 - 01));
        e.place = "Oslo".into();
        e.category = "organisation".into();
        let e = e.checked().unwrap();
        assert_eq!((e.title.as_str(), e.starts_on, e.place.as_str()), ("KS", None, ""));
        assert_eq!(e.category, "organisation");
    }

    #[test]
    fn events_and_decisions_need_a_date_and_a_known_category() {
        assert_eq!(Entity::new(EntityKind::Event, "BEST").checked(), Err(EntityProblem::DateMissing));
        let mut e = Entity::new(EntityKind::Event, "BEST");
        e.starts_on = Some(date!(2025 - 06 - 04));
        e.category = "party".into();
        assert_eq!(e.clone().checked(), Err(EntityProblem::Category("party".into())));
        e.category = "conference".into();
        e.ends_on = Some(date!(2025 - 06 - 03));
        assert_eq!(e.clone().checked(), Err(EntityProblem::EndsBeforeStart));
        e.ends_on = Some(date!(2025 - 06 - 04));
        assert_eq!(e.checked().unwrap().ends_on, None, "a one-day period is a day");
        assert_eq!(Entity::new(EntityKind::Project, " ").checked(), Err(EntityProblem::TitleMissing));
    }

    #[test]
    fn a_project_lists_its_lead_once() {
        let mut p = Entity::new(EntityKind::Project, "Geo4Water");
        p.lead_partner = Some("Sintef".into());
        p.partners = vec!["Sintef".into(), "NGU".into(), " NGU ".into(), String::new()];
        let p = p.checked().unwrap();
        assert_eq!(p.partners, vec!["NGU".to_owned()]);
    }

    #[test]
    fn within_a_period() {
        let mut e = Entity::new(EntityKind::Event, "Fagsamling");
        e.starts_on = Some(date!(2025 - 08 - 28));
        e.ends_on = Some(date!(2025 - 08 - 29));
        assert!(e.within(date!(2025 - 08 - 29), date!(2025 - 12 - 31)));
        assert!(!e.within(date!(2025 - 09 - 01), date!(2025 - 12 - 31)));
    }
}

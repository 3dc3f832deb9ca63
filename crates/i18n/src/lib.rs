//! Every word Tiltak says to a person: the fluent files under `locales/{nb,nn,en}`, a
//! [`Message`] (an id of those files with its arguments) that errors of every crate carry as data,
//! and [`Tr`], which turns ids, messages, dates and times into text in one language.
//! The web app renders messages for its viewer; the CLI and logs use English.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use fluent_templates::Loader;
use fluent_templates::fluent_bundle::FluentValue;
use tiltak_core::Language;
use unic_langid::{LanguageIdentifier, langid};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "nb",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static NB: LanguageIdentifier = langid!("nb");
static NN: LanguageIdentifier = langid!("nn");
static EN: LanguageIdentifier = langid!("en");

/// A text for a person, kept as data until it is shown: a message id of the locale files and its
/// arguments. `Display` gives the English text (for the CLI and logs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub id: &'static str,
    pub args: Vec<(&'static str, String)>,
    /// Which arguments (bit i: `args[i]`) are dates, kept as `YYYY-MM-DD` and written in the
    /// reader's language. A bit set, so that a message stays small.
    dates: u16,
}

impl Message {
    pub fn new(id: &'static str) -> Self {
        Message { id, args: Vec::new(), dates: 0 }
    }

    /// Adds a date argument, shown as "2. september 2025" in bokmål.
    pub fn date(mut self, name: &'static str, date: time::Date) -> Self {
        self.dates |= 1 << self.args.len().min(15);
        self.arg(name, tiltak_core::round::iso_date(date))
    }

    /// Adds an argument: `Message::new("measure-not-found").arg("number", 7)`.
    pub fn arg(mut self, name: &'static str, value: impl fmt::Display) -> Self {
        self.args.push((name, value.to_string()));
        self
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&Tr::new(Language::En).message(self))
    }
}

impl std::error::Error for Message {}

/// Translations into one language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tr {
    pub language: Language,
}

impl Tr {
    pub fn new(language: Language) -> Self {
        Tr { language }
    }

    fn id(&self) -> &'static LanguageIdentifier {
        match self.language {
            Language::Nb => &NB,
            Language::Nn => &NN,
            Language::En => &EN,
        }
    }

    pub fn code(&self) -> &'static str {
        self.language.code()
    }

    /// The text of `key`.
    pub fn t(&self, key: &str) -> String {
        LOCALES.lookup(self.id(), key)
    }

    /// The text of `key`, or `None` when no locale file has it.
    pub fn try_t(&self, key: &str) -> Option<String> {
        LOCALES.try_lookup(self.id(), key)
    }

    /// The text of `key` with one argument.
    pub fn t1(&self, key: &str, name: &'static str, value: impl fmt::Display) -> String {
        self.tn(key, &[(name, value.to_string())])
    }

    pub fn tn(&self, key: &str, args: &[(&'static str, String)]) -> String {
        // A whole number is passed as a number, so that plurals ("[one] person") select on it.
        let value = |v: &String| match v.parse::<i64>() {
            Ok(n) if n.to_string() == *v => FluentValue::from(n),
            _ => FluentValue::from(v.clone()),
        };
        let args: HashMap<Cow<'static, str>, FluentValue> =
            args.iter().map(|(k, v)| (Cow::Borrowed(*k), value(v))).collect();
        LOCALES.lookup_with_args(self.id(), key, &args)
    }

    /// The text of a message.
    pub fn message(&self, m: &Message) -> String {
        if m.dates == 0 {
            return self.tn(m.id, &m.args);
        }
        let args: Vec<_> = m
            .args
            .iter()
            .enumerate()
            .map(|(i, (k, v))| (*k, if m.dates & (1 << i.min(15)) != 0 { self.date(v) } else { v.clone() }))
            .collect();
        self.tn(m.id, &args)
    }

    /// "2. september 2025" / "2 September 2025" from `YYYY-MM-DD`; anything else as given.
    pub fn date(&self, iso: &str) -> String {
        let Ok(d) = tiltak_core::round::parse_iso_date(iso) else { return iso.to_owned() };
        let month = self.t(&format!("month-{}", u8::from(d.month())));
        match self.language {
            Language::Nb | Language::Nn => format!("{}. {month} {}", d.day(), d.year()),
            Language::En => format!("{} {month} {}", d.day(), d.year()),
        }
    }

    pub fn opt_date(&self, iso: &Option<String>) -> String {
        iso.as_deref().map(|d| self.date(d)).unwrap_or_default()
    }

    /// A stored moment (RFC 3339, UTC) as people in Norway read it, in Norwegian time:
    /// "28. nov. 2026 kl. 12:53" / "28 Nov 2026, 12:53". Anything else as given.
    pub fn datetime(&self, rfc3339: &str) -> String {
        let Ok(t) = time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339)
        else {
            return rfc3339.to_owned();
        };
        let local = t.to_offset(oslo_offset(t));
        let month = self.t(&format!("month-short-{}", u8::from(local.month())));
        let (d, y, h, min) = (local.day(), local.year(), local.hour(), local.minute());
        match self.language {
            Language::Nb | Language::Nn => format!("{d}. {month} {y} kl. {h:02}:{min:02}"),
            Language::En => format!("{d} {month} {y}, {h:02}:{min:02}"),
        }
    }
}

/// Norway's offset from UTC at `t`: CEST from the last Sunday of March to the last Sunday of
/// October (01:00 UTC both times), CET otherwise.
pub fn oslo_offset(t: time::OffsetDateTime) -> time::UtcOffset {
    let t = t.to_offset(time::UtcOffset::UTC);
    let last_sunday = |month: time::Month| {
        let mut d =
            time::Date::from_calendar_date(t.year(), month, 31).expect("March and October have 31 days");
        while d.weekday() != time::Weekday::Sunday {
            d = d.previous_day().expect("not the first day of the calendar");
        }
        d.with_hms(1, 0, 0).expect("a valid time").assume_utc()
    };
    let summer = t >= last_sunday(time::Month::March) && t < last_sunday(time::Month::October);
    time::UtcOffset::from_hms(if summer { 2 } else { 1 }, 0, 0).expect("a valid offset")
}

/// A rule of the programme's tree that a file broke, as a message.
pub fn programme_error(e: &tiltak_core::ProgrammeError) -> Message {
    use tiltak_core::ProgrammeError as E;
    match e {
        E::DuplicateId(id) => Message::new("programme-duplicate-id").arg("id", id),
        E::UnknownMergeTarget { measure, target } => {
            Message::new("programme-merge-unknown").arg("measure", measure).arg("target", target)
        }
        E::MergeIntoSelf { measure } => Message::new("programme-merge-self").arg("measure", measure),
        E::EmptyTitle(measure) => Message::new("programme-empty-title").arg("measure", measure),
        E::Year(year) => Message::new("programme-year-range").arg("year", year),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_times_read_as_people_write_them() {
        assert_eq!(Tr::new(Language::Nb).date("2025-09-02"), "2. september 2025");
        assert_eq!(Tr::new(Language::En).date("2025-09-02"), "2 September 2025");
        let nb = Tr::new(Language::Nb);
        assert_eq!(nb.datetime("2026-11-28T11:53:40.603477918Z"), "28. nov. 2026 kl. 12:53");
        assert_eq!(nb.datetime("2026-07-01T10:00:00Z"), "1. juli 2026 kl. 12:00");
        assert_eq!(Tr::new(Language::En).datetime("2026-11-28T11:53:40Z"), "28 Nov 2026, 12:53");
        assert_eq!(nb.datetime("not a time"), "not a time");
    }

    /// `id = value` pairs of one locale file (attributes and continuation lines left out).
    fn entries(ftl: &str) -> Vec<(String, String)> {
        ftl.lines()
            .filter(|l| l.starts_with(|c: char| c.is_ascii_lowercase()))
            .filter_map(|l| l.split_once(" = ").map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned())))
            .collect()
    }

    const FILES: [(&str, &str); 3] = [
        ("nb", include_str!("../locales/nb/main.ftl")),
        ("nn", include_str!("../locales/nn/main.ftl")),
        ("en", include_str!("../locales/en/main.ftl")),
    ];

    /// Fluent falls back to bokmål, which would hide a missing nynorsk or English text.
    #[test]
    fn every_locale_file_has_the_same_message_ids() {
        let ids = |ftl| entries(ftl).into_iter().map(|(k, _)| k).collect::<std::collections::BTreeSet<_>>();
        let nb = ids(FILES[0].1);
        for (code, ftl) in &FILES[1..] {
            let other = ids(ftl);
            let missing: Vec<_> = nb.difference(&other).collect();
            let extra: Vec<_> = other.difference(&nb).collect();
            assert!(
                missing.is_empty() && extra.is_empty(),
                "{code}: missing {missing:?}, not in nb {extra:?}"
            );
        }
    }

    /// A Norwegian text that equals the English one is usually an untranslated one.
    #[test]
    fn norwegian_texts_are_not_english() {
        const SAME_IN_BOTH: &[&str] = &[
            "app-name",
            "status",
            "col-status",
            "format-pdf",
            "format-docx",
            "format-xlsx",
            "format-csv",
            "format-json",
            "format-md",
            "language-name-nb",
            "language-name-nn",
            "language-name-en",
            "email",
            "month-short-9",
            "month-short-11",
            "month-4",
            "month-8",
            "month-9",
            "month-11",
            "month-short-4",
            "month-short-8",
            "import-format-hint",
            // Nynorsk "open" is the word for open.
            "audit-value-open",
            "role-admin",
            "role-editor",
            // Nynorsk "open" (bokmål "åpen") is spelt as the English word.
            "round-open",
            // Norwegian has taken these words as they are.
            "entity-category-event-webinar",
            "entity-category-event-seminar",
            "entity-category-event-workshop",
        ];
        let en: HashMap<String, String> = entries(FILES[2].1).into_iter().collect();
        let mut same = Vec::new();
        for (code, ftl) in &FILES[..2] {
            for (k, v) in entries(ftl) {
                // Words outside the placeables: "Status – { $round }" has one, "Status".
                let words: String =
                    v.split('{').map(|part| part.split_once('}').map_or(part, |(_, rest)| rest)).collect();
                let only_names =
                    words.split_whitespace().all(|w| ["Status", "–", "·", "›", "→", ":"].contains(&w));
                if en.get(&k) == Some(&v) && !SAME_IN_BOTH.contains(&k.as_str()) && !only_names {
                    same.push(format!("{code}: {k} = {v:?}"));
                }
            }
        }
        assert!(same.is_empty(), "the same as in English: {same:#?}");
    }

    #[test]
    fn plurals_select_on_numbers() {
        let nb = Tr::new(Language::Nb);
        assert_eq!(nb.t1("deadline-in-days", "days", 1), "om én dag");
        assert_eq!(nb.t1("deadline-in-days", "days", 3), "om 3 dager");
        assert_eq!(nb.t1("programme-year", "year", 2025), "Handlingsprogram 2025", "no digit grouping");
    }

    #[test]
    fn messages_are_data_until_shown() {
        let m = Message::new("programme-year").arg("year", 2025);
        assert_eq!(Tr::new(Language::Nb).message(&m), "Handlingsprogram 2025");
        assert_eq!(m.to_string(), "Action programme 2025");
    }
}

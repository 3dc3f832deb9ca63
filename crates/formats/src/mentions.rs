//! Finding what a measure's text mentions — events, board decisions, projects — so Tiltak can
//! offer them as suggestions. The words come from the phrase tables in [`crate::phrases`]; this
//! module only reads dates ("4 juni", "28-29 aug", "6.feb 2025", "18. november", "mars 2025",
//! "mai2025-aug2026") and applies the tables clause by clause. Nothing found here is saved until
//! a person accepts it.

use tiltak_core::entities::{EntityKind, Suggestion};
use time::{Date, Month};

use crate::phrases::{
    DECISION_WORDS, EVENT_WORDS, GENERAL_EVENT_PHRASES, GENERIC_PROJECT_PREFIXES, LEADING_WORDS, MONTHS,
    OTHERS_EVENT_PHRASES, PROJECT_PERIOD_WORDS, PROJECT_WORD_ENDINGS, PROJECT_WORDS, SINGULAR_ENDINGS,
    find_phrase,
};

/// A date or period found in a text, with where it was (byte range).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    pub starts_on: Date,
    pub ends_on: Option<Date>,
    pub at: (usize, usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Number(u32),
    Word,
    Dash,
    Dot,
}

#[derive(Debug, Clone, Copy)]
struct Token<'a> {
    text: &'a str,
    kind: Kind,
    start: usize,
    end: usize,
}

/// Words, numbers, dashes and dots; digits and letters apart ("6.feb" → 6 . feb, "mai2025").
fn tokens(text: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let class = |c: char| {
            if c.is_ascii_digit() {
                1
            } else if c.is_alphabetic() {
                2
            } else {
                0
            }
        };
        match class(c) {
            0 => {
                let kind = match c {
                    '-' | '–' | '—' => Some(Kind::Dash),
                    '.' => Some(Kind::Dot),
                    _ => None,
                };
                if let Some(kind) = kind {
                    out.push(Token {
                        text: &text[i..i + c.len_utf8()],
                        kind,
                        start: i,
                        end: i + c.len_utf8(),
                    });
                }
            }
            k => {
                let mut end = i + c.len_utf8();
                while let Some(&(j, d)) = chars.peek() {
                    if class(d) != k {
                        break;
                    }
                    end = j + d.len_utf8();
                    chars.next();
                }
                let t = &text[i..end];
                let kind =
                    if k == 1 { t.parse().map(Kind::Number).unwrap_or(Kind::Word) } else { Kind::Word };
                out.push(Token { text: t, kind, start: i, end });
            }
        }
    }
    out
}

/// The month a word names: full names always, abbreviations ("aug", "feb") only after a day or
/// before a year (`short` allowed).
fn month(word: &str, short: bool) -> Option<Month> {
    let w = word.to_lowercase();
    let (name, n) = MONTHS.iter().find(|(name, _)| *name == w)?;
    let full = name.len() >= 4 || *name == "mai";
    (full || short).then(|| Month::try_from(*n).ok())?
}

fn last_day(year: i32, m: Month) -> Date {
    Date::from_calendar_date(year, m, m.length(year)).expect("a month's last day")
}

fn year_of(t: Option<&Token>) -> Option<i32> {
    match t?.kind {
        Kind::Number(n) if (1990..=2100).contains(&n) => Some(n as i32),
        _ => None,
    }
}

/// The dates and periods in `text`; a day or month without a year is in `year`.
pub fn dates(text: &str, year: i32) -> Vec<Found> {
    let t = tokens(text);
    let mut out = Vec::new();
    let mut i = 0;
    let day = |t: &Token| match t.kind {
        Kind::Number(n) if (1..=31).contains(&n) && t.text.len() <= 2 => Some(n as u8),
        _ => None,
    };
    while i < t.len() {
        // A date in numbers: "14.10.2025", "14.10.25".
        if let (Some(d), Some(m), Some(y)) = (
            day(&t[i]),
            t.get(i + 1).filter(|x| x.kind == Kind::Dot).and(t.get(i + 2)),
            t.get(i + 3).filter(|x| x.kind == Kind::Dot).and(t.get(i + 4)),
        ) && let (Kind::Number(m), Kind::Number(y)) = (m.kind, y.kind)
            && let Ok(m) = Month::try_from(m as u8)
            && ((1990..=2100).contains(&y) || t[i + 4].text.len() == 2)
        {
            let y = if y < 100 { 2000 + y as i32 } else { y as i32 };
            if let Ok(starts_on) = Date::from_calendar_date(y, m, d) {
                out.push(Found { starts_on, ends_on: None, at: (t[i].start, t[i + 4].end) });
                i += 5;
                continue;
            }
        }
        // A day, or a range of days: "4", "18.", "28-29", then a month, then maybe a year.
        if let Some(first) = day(&t[i]) {
            let mut j = i + 1;
            let mut last = None;
            if t.get(j).is_some_and(|x| x.kind == Kind::Dot) {
                j += 1;
            }
            if t.get(j).is_some_and(|x| x.kind == Kind::Dash)
                && let Some(d) = t.get(j + 1).and_then(&day)
            {
                last = Some(d);
                j += 2;
                if t.get(j).is_some_and(|x| x.kind == Kind::Dot) {
                    j += 1;
                }
            }
            if let Some(m) = t.get(j).filter(|x| x.kind == Kind::Word).and_then(|x| month(x.text, true)) {
                let mut end = t[j].end;
                let mut k = j + 1;
                if t.get(k).is_some_and(|x| x.kind == Kind::Dot) {
                    k += 1;
                }
                let y = match year_of(t.get(k)) {
                    Some(y) => {
                        end = t[k].end;
                        k += 1;
                        y
                    }
                    None => year,
                };
                if let Ok(starts_on) = Date::from_calendar_date(y, m, first) {
                    let ends_on =
                        last.and_then(|d| Date::from_calendar_date(y, m, d).ok()).filter(|e| *e > starts_on);
                    out.push(Found { starts_on, ends_on, at: (t[i].start, end) });
                    i = k;
                    continue;
                }
            }
        }
        // A month, with a year ("mars 2025", "mai2025", a period "mai2025-aug2026") or, written
        // in full, alone ("januar").
        if t[i].kind == Kind::Word {
            let year_next = year_of(t.get(i + 1));
            if let Some(m) = month(t[i].text, year_next.is_some()) {
                let y = year_next.unwrap_or(year);
                let mut end = t[if year_next.is_some() { i + 1 } else { i }].end;
                let mut k = i + if year_next.is_some() { 2 } else { 1 };
                let starts_on = Date::from_calendar_date(y, m, 1).expect("a month's first day");
                let mut ends_on = last_day(y, m);
                if t.get(k).is_some_and(|x| x.kind == Kind::Dash)
                    && let Some(m2) = t.get(k + 1).and_then(|x| month(x.text, true))
                {
                    let y2 = year_of(t.get(k + 2)).unwrap_or(y);
                    let e = last_day(y2, m2);
                    if e > starts_on {
                        ends_on = e;
                        end = t[if year_of(t.get(k + 2)).is_some() { k + 2 } else { k + 1 }].end;
                        k += if year_of(t.get(k + 2)).is_some() { 3 } else { 2 };
                    }
                }
                out.push(Found { starts_on, ends_on: Some(ends_on), at: (t[i].start, end) });
                i = k;
                continue;
            }
        }
        i += 1;
    }
    out
}

/// A period of years, "2025-26" or "2025–2026": from the first day of the first to the last day
/// of the last (only where a project period is named).
fn years(text: &str) -> Option<Found> {
    let t = tokens(text);
    t.windows(3).find_map(|w| {
        let first = year_of(Some(&w[0]))?;
        if w[1].kind != Kind::Dash {
            return None;
        }
        let Kind::Number(n) = w[2].kind else { return None };
        let last = match w[2].text.len() {
            2 => first / 100 * 100 + n as i32,
            4 => n as i32,
            _ => return None,
        };
        (last > first && last - first < 20).then(|| Found {
            starts_on: Date::from_calendar_date(first, Month::January, 1).expect("1 January"),
            ends_on: Some(last_day(last, Month::December)),
            at: (w[0].start, w[2].end),
        })
    })
}

/// The event word a clause uses, with its category and how many events it counts ("2 seminar"),
/// if it names events of the organisation's (not events in general).
fn event_word(clause: &str) -> Option<(&'static str, usize)> {
    let lower = clause.to_lowercase();
    if GENERAL_EVENT_PHRASES.iter().chain(OTHERS_EVENT_PHRASES).any(|p| find_phrase(&lower, p).is_some()) {
        return None;
    }
    let tokens = tokens(&lower);
    for (i, t) in tokens.iter().enumerate().filter(|(_, t)| t.kind == Kind::Word) {
        for (stem, category) in EVENT_WORDS {
            if let Some(rest) = t.text.strip_suffix_any(stem)
                && SINGULAR_ENDINGS.contains(&rest)
            {
                let count = match i.checked_sub(1).map(|j| tokens[j].kind) {
                    Some(Kind::Number(n @ 2..=9)) => n as usize,
                    _ => 1,
                };
                return Some((category, count));
            }
        }
    }
    None
}

/// `word` as stem + ending: the ending when `word` contains `stem` followed only by it.
trait StemEnding {
    fn strip_suffix_any(&self, stem: &str) -> Option<&str>;
}

impl StemEnding for &str {
    fn strip_suffix_any(&self, stem: &str) -> Option<&str> {
        let at = self.rfind(stem)?;
        Some(&self[at + stem.len()..])
    }
}

/// The clauses of a text: split at sentence ends, semicolons, commas and line breaks; a clause
/// that is only a date belongs to the one before it ("workshop anskaffelser, 18. november").
fn clauses(text: &str, year: i32) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let text = text.replace(['\u{a0}', '\u{202f}'], " ");
    let mut parts: Vec<&str> = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    for (i, c) in text.char_indices() {
        let split = match c {
            ';' | ',' | '\n' => true,
            // A full stop ends a sentence when a space follows and it does not end a number ("18. november").
            '.' => {
                bytes.get(i + 1).is_none_or(|b| *b == b' ')
                    && !text[..i].chars().next_back().is_some_and(|p| p.is_ascii_digit())
            }
            _ => false,
        };
        if split {
            parts.push(&text[start..i]);
            start = i + c.len_utf8();
        }
    }
    parts.push(&text[start..]);
    for p in parts.into_iter().map(str::trim).filter(|p| !p.is_empty()) {
        let only_date = dates(p, year).first().is_some_and(|d| {
            let (a, b) = d.at;
            p[..a].trim().is_empty() && p[b..].trim().is_empty()
        });
        match out.last_mut() {
            Some(last) if only_date => {
                last.push_str(", ");
                last.push_str(p);
            }
            _ => out.push(p.to_owned()),
        }
    }
    out
}

/// A clause without its date and the words in front of an event's name, capitalised: a title to
/// start from.
fn title_of(clause: &str, date: Option<&Found>) -> String {
    let mut s = clause.to_owned();
    if let Some(d) = date {
        s.replace_range(d.at.0..d.at.1, "");
    }
    let mut s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    loop {
        let lower = s.to_lowercase();
        let Some(w) = LEADING_WORDS.iter().find(|w| crate::phrases::starts_with_phrase(&lower, w)) else {
            break;
        };
        s = s[w.len()..].trim_start().to_owned();
    }
    let s = s.trim_matches(|c: char| c.is_whitespace() || matches!(c, ',' | '-' | '–' | ':' | '.' | '*'));
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A project's name next to a project word: "Nytt prosjekt Geo4Water", "Klimasats-prosjektet
/// Energistasjoner", "IMDi prosjekt", "EU-prosjektet SEADITO".
fn project_name(clause: &str) -> Option<String> {
    let words: Vec<&str> = clause.split_whitespace().collect();
    let is_name = |w: &str| {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric());
        w.chars().next().is_some_and(|c| c.is_uppercase() || c.is_ascii_digit()) && w.chars().count() > 1
    };
    for (i, w) in words.iter().enumerate() {
        let lower = w.to_lowercase();
        let bare = lower.trim_matches(|c: char| !c.is_alphanumeric() && c != '-');
        let (prefix, word) = match bare.rsplit_once('-') {
            Some((p, word)) => (Some(p), word),
            None => (None, bare),
        };
        if !PROJECT_WORDS.contains(&word) {
            // A compound: "energistasjonsprosjektet", "samlastingsprosjekt".
            if let Some(end) = PROJECT_WORD_ENDINGS.iter().find(|e| word.ends_with(*e))
                && let first = word[..word.len() - end.len()].trim_end_matches('s')
                && first.chars().count() >= 4
                && !GENERIC_PROJECT_PREFIXES.contains(&first)
                && prefix.is_none()
            {
                let original = w.trim_matches(|c: char| !c.is_alphanumeric());
                let mut chars = original.chars();
                return chars.next().map(|c| c.to_uppercase().chain(chars).collect());
            }
            continue;
        }
        let clean = |w: &str| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-').to_owned();
        // The name: the capitalised words after it ("prosjektet Oppdrag Mjøsa"), up to a comma.
        let mut name: Vec<String> = Vec::new();
        for next in words.iter().skip(i + 1).take(3) {
            if !is_name(next) {
                break;
            }
            name.push(clean(next));
            if next.ends_with([',', '.', ';', ':']) {
                break;
            }
        }
        if !name.is_empty() {
            return Some(name.join(" "));
        }
        if prefix.is_some() {
            let original = w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-');
            return Some(original.to_owned());
        }
        if i > 0 && is_name(words[i - 1]) {
            return Some(format!(
                "{} {}",
                clean(words[i - 1]),
                w.trim_matches(|c: char| !c.is_alphanumeric())
            ));
        }
    }
    None
}

/// What the texts of one measure (its title, description and continuation comment) mention, in
/// the order found, each once. Days and months without a year are in `year`.
pub fn find(texts: &[&str], year: i32) -> Vec<Suggestion> {
    find_within(texts, &[], year)
}

/// [`find`] for a sub-measure: `parents` are the titles of the measures above it, outermost
/// first, which name the project a period in its own text belongs to.
pub fn find_within(texts: &[&str], parents: &[&str], year: i32) -> Vec<Suggestion> {
    let mut out: Vec<Suggestion> = Vec::new();
    let push = |s: Suggestion, out: &mut Vec<Suggestion>| {
        if !out.iter().any(|o| o.key() == s.key()) {
            out.push(s);
        }
    };
    // Clauses with the text they are from: 0 the title, 1 the description, 2 the comment.
    let all: Vec<(usize, String)> = texts
        .iter()
        .enumerate()
        .flat_map(|(i, t)| clauses(t, year).into_iter().map(move |c| (i, c)))
        .collect();
    // A project period given once for the measure ("prosjektperiode mai2025-aug2026", "2025-26").
    let period_clause =
        all.iter().find(|(_, c)| PROJECT_PERIOD_WORDS.iter().any(|w| find_phrase(c, w).is_some()));
    let period = period_clause.and_then(|(_, c)| dates(c, year).into_iter().next().or_else(|| years(c)));
    let mut project_named = false;
    // Clauses that named nothing but a date, for an undated event of the title.
    let mut dates_alone: Vec<Found> = Vec::new();
    for (from, clause) in &all {
        let found = dates(clause, year);
        let date = found.first();
        let lower = clause.to_lowercase();
        if let Some(at) = DECISION_WORDS.iter().find_map(|w| find_phrase(&lower, w)) {
            // The decision's words and date, from where it is named.
            let named = clause[at..].trim();
            let date = dates(named, year).into_iter().next();
            let s = Suggestion {
                kind: EntityKind::Decision,
                title: title_of(named, None),
                starts_on: date.map(|d| d.starts_on),
                ends_on: None,
                quote: clause.clone(),
                nth: 0,
            };
            push(s, &mut out);
            continue;
        }
        if let Some(name) = project_name(clause) {
            project_named = true;
            let s = Suggestion {
                kind: EntityKind::Project,
                title: name,
                starts_on: period.map(|d| d.starts_on),
                ends_on: period.and_then(|d| d.ends_on),
                quote: clause.clone(),
                nth: 0,
            };
            push(s, &mut out);
            continue;
        }
        if let Some((_, count)) = event_word(clause) {
            let title = title_of(clause, date);
            for n in 1..=count {
                let (title, nth) =
                    if count > 1 { (format!("{title} ({n}/{count})"), n as u8) } else { (title.clone(), 0) };
                let s = Suggestion {
                    kind: EntityKind::Event,
                    title,
                    starts_on: date.map(|d| d.starts_on),
                    ends_on: date.and_then(|d| d.ends_on),
                    quote: clause.clone(),
                    nth,
                };
                push(s, &mut out);
            }
        } else if *from > 0
            && let Some(d) = date
        {
            dates_alone.push(*d);
        }
    }
    // The title names an event ("Osloregionens årlige utviklingskonferanse"): the description
    // tells what was held — its own events instead, or the date it gives alone ("4 juni - KS
    // Konferansesenter i Oslo").
    let from_title: Vec<String> = all
        .iter()
        .filter(|(from, c)| *from == 0 && event_word(c).is_some() && dates(c, year).is_empty())
        .map(|(_, c)| c.clone())
        .collect();
    let described = out.iter().any(|s| s.kind == EntityKind::Event && !from_title.contains(&s.quote));
    for s in out.iter_mut().filter(|s| s.kind == EntityKind::Event && from_title.contains(&s.quote)) {
        if let Some(d) = dates_alone.first() {
            s.starts_on = Some(d.starts_on);
            s.ends_on = d.ends_on;
        }
    }
    if described {
        out.retain(|s| {
            !(s.kind == EntityKind::Event && from_title.contains(&s.quote) && s.starts_on.is_none())
        });
    }
    // A period with no project named in the measure's text: the project of the measure above.
    if let (Some(p), false, Some((_, clause))) = (period, project_named, period_clause)
        && let Some(name) =
            parents.iter().rev().find_map(|t| clauses(t, year).iter().find_map(|c| project_name(c)))
    {
        let s = Suggestion {
            kind: EntityKind::Project,
            title: name,
            starts_on: Some(p.starts_on),
            ends_on: p.ends_on,
            quote: clause.clone(),
            nth: 0,
        };
        push(s, &mut out);
    }
    out
}

/// What every measure of a report mentions, by measure (those with an id), in its year.
pub fn in_report(report: &tiltak_core::StatusReport) -> Vec<(tiltak_core::MeasureId, Vec<Suggestion>)> {
    report
        .programme()
        .measures()
        .into_iter()
        .filter_map(|(path, m)| {
            let texts =
                [m.title.as_str(), m.entry.description.as_str(), m.entry.continuation.comment.as_str()];
            Some((m.id?, find_within(&texts, &path.parents, report.year)))
        })
        .filter(|(_, found)| !found.is_empty())
        .collect()
}

/// The category an event's text suggests ("webinar", "workshop" …), or empty.
pub fn event_category(text: &str) -> &'static str {
    clauses(text, 2000).iter().find_map(|c| event_word(c)).map(|(c, _)| c).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn starts(text: &str) -> Vec<(Date, Option<Date>)> {
        dates(text, 2025).into_iter().map(|d| (d.starts_on, d.ends_on)).collect()
    }

    #[test]
    fn norwegian_date_forms() {
        assert_eq!(starts("4 juni - KS Konferansesenter"), vec![(date!(2025 - 06 - 04), None)]);
        assert_eq!(
            starts("Felles fagsamling i Folloregionen 28-29 aug"),
            vec![(date!(2025 - 08 - 28), Some(date!(2025 - 08 - 29)))]
        );
        assert_eq!(starts("styrevedtak 6.feb 2025"), vec![(date!(2025 - 02 - 06), None)]);
        assert_eq!(starts("workshop anskaffelser, 18. november"), vec![(date!(2025 - 11 - 18), None)]);
        assert_eq!(starts("startet 1.mai"), vec![(date!(2025 - 05 - 01), None)]);
        assert_eq!(
            starts("faggruppemøte mars 2025"),
            vec![(date!(2025 - 03 - 01), Some(date!(2025 - 03 - 31)))]
        );
        assert_eq!(
            starts("faggruppemøte januar."),
            vec![(date!(2025 - 01 - 01), Some(date!(2025 - 01 - 31)))]
        );
        assert_eq!(
            starts("prosjektperiode mai2025-aug2026"),
            vec![(date!(2025 - 05 - 01), Some(date!(2026 - 08 - 31)))]
        );
        assert_eq!(starts("vedtatt av styret 14.10.2025"), vec![(date!(2025 - 10 - 14), None)]);
        assert_eq!(starts("møte 3.2.26"), vec![(date!(2026 - 02 - 03), None)]);
        assert!(starts("5 arbeidsgrupper er etablert, sikre økt ressurstilgang").is_empty());
        assert!(starts("Mar og jun er ikke måneder alene").is_empty(), "abbreviations need a day or a year");
    }

    #[test]
    fn one_event_per_clause_and_none_in_general_talk() {
        let found = find(&["Under planlegging workshop anskaffelser, 18. november"], 2025);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].kind, EntityKind::Event);
        assert_eq!(found[0].starts_on, Some(date!(2025 - 11 - 18)));
        assert_eq!(found[0].title, "Workshop anskaffelser");
        assert!(find(&["Gjennomføre webinarer og andre arrangement på aktuelle tema"], 2025).is_empty());
        assert!(find(&["arr vurderes etter behov og kapasitet"], 2025).is_empty());
        assert!(find(&["Sendt innspill til regjeringens budsjettkonferanse"], 2025).is_empty());
        // Texts unlike the sample's.
        let found =
            find(&["Frokostmøte om boligbygging 12. mars på Rådhuset", "Gjennomført webinar om vann"], 2026);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].starts_on, Some(date!(2026 - 03 - 12)));
        assert_eq!(found[0].title, "Frokostmøte om boligbygging på Rådhuset");
        assert_eq!((found[1].title.as_str(), found[1].starts_on), ("Webinar om vann", None));
        let two = find(&["Energi tema på 2 seminar på Arendalsuka"], 2025);
        assert_eq!(two.len(), 2, "a count before the word is that many events");
    }

    #[test]
    fn decisions_and_projects() {
        let found = find(&["Tiltak er blitt jobbet m ihht styrevedtak 6.feb 2025"], 2025);
        assert_eq!(found[0].kind, EntityKind::Decision);
        assert_eq!(found[0].starts_on, Some(date!(2025 - 02 - 06)));
        assert_eq!(found[0].title, "Styrevedtak 6.feb 2025");
        let found = find(&["Nytt prosjekt Geo4Water", "ja, prosjektperiode mai2025-aug2026"], 2025);
        assert_eq!(found[0].kind, EntityKind::Project);
        assert_eq!(found[0].title, "Geo4Water");
        assert_eq!(find(&["Koble arbeidet med prosjektet Oppdrag Mjøsa"], 2025)[0].title, "Oppdrag Mjøsa");
        assert_eq!(found[0].ends_on, Some(date!(2026 - 08 - 31)));
        let found = find(&["Vedtak i styret 14.10.2025 om ny strategi"], 2025);
        assert_eq!((found[0].kind, found[0].starts_on), (EntityKind::Decision, Some(date!(2025 - 10 - 14))));
        let compound = find(&["Følger opp samlastingsprosjektet", "deltatt i forprosjekt"], 2025);
        assert_eq!(compound.len(), 1, "{compound:?}");
        assert_eq!(compound[0].title, "Samlastingsprosjektet");
        let sub = find_within(
            &["Gjøre veilederen kjent", "", "Prosjektperioden er 2025-26"],
            &["Fase II av Klimasats-prosjektet Energistasjoner"],
            2025,
        );
        assert_eq!(sub[0].title, "Energistasjoner");
        assert_eq!(sub[0].ends_on, Some(date!(2026 - 12 - 31)));
    }
}

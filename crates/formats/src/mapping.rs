//! Which column of a table holds what: a person's mapping (`area=Nämnd,measure=Uppdrag`), or
//! Tiltak's suggestion from the headings (the phrase table [`crate::phrases::HEADINGS`]) and from
//! the values (a column of status labels is the status; the shortest distinct texts in front are
//! the measures). A column no target claims is kept as a field of the organisation's own under
//! its heading. Labels the vocabulary does not know are mapped once per label.

use serde::{Deserialize, Serialize};
use tiltak_core::FieldDef;
use tiltak_core::status::{Vocabulary, normalise_label};
use tiltak_i18n::Message;

use crate::phrases;

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    Section,
    Area,
    Measure,
    Status,
    Description,
    Decision,
    ContinuationComment,
    /// A working group (only when mapped explicitly).
    Owner,
    /// Kept as a field of the organisation's own, under the column's heading.
    Field,
    /// Not read.
    Skip,
}

impl Target {
    pub const ALL: [Target; 10] = [
        Self::Section,
        Self::Area,
        Self::Measure,
        Self::Status,
        Self::Description,
        Self::Decision,
        Self::ContinuationComment,
        Self::Owner,
        Self::Field,
        Self::Skip,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Self::Section => "section",
            Self::Area => "area",
            Self::Measure => "measure",
            Self::Status => "status",
            Self::Description => "description",
            Self::Decision => "decision",
            Self::ContinuationComment => "continuation_comment",
            Self::Owner => "owner",
            Self::Field => "field",
            Self::Skip => "skip",
        }
    }

    pub fn parse(s: &str) -> Option<Target> {
        Self::ALL.into_iter().find(|t| t.key() == s.trim())
    }

    /// At most one column holds it.
    pub fn is_unique(self) -> bool {
        !matches!(self, Self::Field | Self::Skip)
    }
}

/// How headings are compared: folded, without a parenthesis, a year or trailing punctuation
/// ("Status 2022" and "Status (RAG)" are both "status").
pub fn heading_key(h: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in h.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = (depth - 1_i32).max(0),
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    let words: Vec<&str> = out
        .split(|c: char| c.is_whitespace())
        .filter(|w| !(w.is_empty() || w.len() == 4 && w.bytes().all(|b| b.is_ascii_digit())))
        .collect();
    normalise_label(&words.join(" ")).trim_end_matches(['?', ':', '.', ' ', '*']).to_owned()
}

/// A person's mapping as written: the target of each named column, `TARGET=HEADING` (a column
/// not named is a field), and the status of each label the vocabulary does not know,
/// `LABEL=KEY` — the command line's syntax, which the web preview and the profiles use too.
pub struct Mapping;

impl Mapping {
    /// `area=Nämnd,measure=Uppdrag,status=Status`: `TARGET=HEADING`, comma-separated.
    pub fn parse_columns(s: &str) -> Result<Vec<(Target, String)>, Message> {
        let mut out: Vec<(Target, String)> = Vec::new();
        // A comma starts the next column only before `TARGET=`: a heading may hold commas.
        let mut parts: Vec<String> = Vec::new();
        for piece in s.split(',') {
            let starts_target = piece.split_once('=').is_some_and(|(t, _)| Target::parse(t).is_some());
            match parts.last_mut() {
                Some(last) if !starts_target => {
                    last.push(',');
                    last.push_str(piece);
                }
                _ => parts.push(piece.to_owned()),
            }
        }
        for part in parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
            let bad = || Message::new("mapping-columns-bad").arg("part", part);
            let (target, heading) = part.split_once('=').ok_or_else(bad)?;
            let target = Target::parse(target).ok_or_else(bad)?;
            let heading = heading.trim();
            if heading.is_empty() {
                return Err(bad());
            }
            if target.is_unique() && out.iter().any(|(t, _)| *t == target) {
                return Err(Message::new("mapping-target-twice").arg("target", target.key()));
            }
            out.push((target, heading.to_owned()));
        }
        Ok(out)
    }

    /// `AVSLUTAT=done,In progress=ongoing`: `LABEL=KEY`, each key of the vocabulary.
    pub fn parse_statuses(s: &str, vocabulary: &Vocabulary) -> Result<Vec<(String, String)>, Message> {
        let mut out = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (label, key) = part
                .rsplit_once('=')
                .ok_or_else(|| Message::new("mapping-statuses-bad").arg("part", part))?;
            let key = key.trim();
            if vocabulary.get(key).is_none() {
                let keys: Vec<&str> = vocabulary.kinds.iter().map(|k| k.key.as_str()).collect();
                return Err(Message::new("mapping-status-key-unknown")
                    .arg("key", key)
                    .arg("keys", keys.join(", ")));
            }
            out.push((label.trim().to_owned(), key.to_owned()));
        }
        Ok(out)
    }

    pub fn columns_line(columns: &[(Target, String)]) -> String {
        columns.iter().map(|(t, h)| format!("{}={h}", t.key())).collect::<Vec<_>>().join(",")
    }

    pub fn statuses_line(statuses: &[(String, String)]) -> String {
        statuses.iter().map(|(l, k)| format!("{l}={k}")).collect::<Vec<_>>().join(",")
    }

    /// The key `statuses` gives a label, matched whatever the case and spacing.
    pub fn status_key<'a>(statuses: &'a [(String, String)], label: &str) -> Option<&'a str> {
        let wanted = normalise_label(label);
        statuses.iter().find(|(l, _)| normalise_label(l) == wanted).map(|(_, k)| k.as_str())
    }
}

/// How a table is to be read.
#[derive(Debug, Clone, Default)]
pub struct TableOptions {
    /// The person's columns; `None`: Tiltak suggests them, and refuses the file when it cannot.
    pub columns: Option<Vec<(Target, String)>>,
    /// The person's statuses for labels the vocabulary does not know.
    pub statuses: Vec<(String, String)>,
    /// Map an unknown label Tiltak can tell (`AVSLUTAT` → done) without being told (the web
    /// preview does, and shows it to confirm; the command line does not).
    pub suggest_statuses: bool,
    /// When Tiltak is unsure of the columns, read with its best guess anyway (the web preview
    /// does, and asks the person to confirm or change it) instead of refusing the file.
    pub best_guess: bool,
}

/// What the reader made of a table: its columns and what each holds, the labels it had to map,
/// the fields it keeps; the web preview shows it to be confirmed or changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Layout {
    pub columns: Vec<ColumnInfo>,
    /// The columns were Tiltak's suggestion, not the person's.
    pub suggested: bool,
    /// Each status label the vocabulary does not know, as written, with how many measures have
    /// it and the status it was read as (`None`: none, the label kept as a field).
    pub statuses: Vec<StatusLabel>,
    /// The columns kept as fields, with the kind their values suggest.
    pub fields: Vec<FieldDef>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnInfo {
    pub heading: String,
    pub target: Target,
    /// The first value below the heading, to recognise the column by.
    pub example: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusLabel {
    pub label: String,
    pub count: usize,
    pub key: Option<String>,
}

impl Layout {
    /// The headings as compared: a saved profile is offered for a file with the same key.
    pub fn key(&self) -> String {
        headings_key(self.columns.iter().map(|c| c.heading.as_str()))
    }

    /// The columns as a person would write them (`--columns`), every column named.
    pub fn columns(&self) -> Vec<(Target, String)> {
        self.columns.iter().map(|c| (c.target, c.heading.clone())).collect()
    }

    /// The statuses mapped (`--statuses`).
    pub fn statuses(&self) -> Vec<(String, String)> {
        self.statuses.iter().filter_map(|s| Some((s.label.clone(), s.key.clone()?))).collect()
    }
}

pub fn headings_key<'a>(headings: impl Iterator<Item = &'a str>) -> String {
    headings.map(heading_key).filter(|k| !k.is_empty()).collect::<Vec<_>>().join("|")
}

/// The targets a heading suggests, surest first.
fn heading_targets(heading: &str) -> Vec<(Target, u8)> {
    let key = heading_key(heading);
    // Exact when the whole heading is the phrase, a parenthesis included ("Status (RAG)" is not).
    let whole = heading_key(&heading.replace(['(', ')', '[', ']'], " "));
    let mut out: Vec<(Target, u8)> = Vec::new();
    for (phrase, target, score) in phrases::HEADINGS {
        let starts = key == *phrase
            || key.starts_with(phrase)
                && key[phrase.len()..].chars().next().is_some_and(|c| !c.is_alphanumeric());
        let Some(target) = Target::parse(target) else { continue };
        if starts && !out.iter().any(|(t, _)| *t == target) {
            // A heading that is exactly the phrase is surer than one that begins with it.
            out.push((target, if whole == *phrase { *score + 1 } else { *score }));
        }
    }
    out.sort_by_key(|t| std::cmp::Reverse(t.1));
    out
}

/// The status a label Tiltak can tell means: the vocabulary's own, or a word of
/// [`phrases::STATUS_WORDS`] → the first status of its category.
pub fn suggest_status(label: &str, vocabulary: &Vocabulary) -> Option<String> {
    if let Some(k) = vocabulary.match_label(label).or_else(|| vocabulary.get(label.trim())) {
        return Some(k.key.clone());
    }
    let wanted = normalise_label(label);
    let (_, category) = phrases::STATUS_WORDS.iter().find(|(w, _)| *w == wanted)?;
    vocabulary.kinds.iter().find(|k| k.category.key() == *category).map(|k| k.key.clone())
}

fn is_status_like(v: &str, vocabulary: &Vocabulary) -> bool {
    suggest_status(v, vocabulary).is_some()
}

/// Tiltak's suggestion for a table's columns from its headings and values (`values[i]`: the
/// column's values), and whether it is sure enough to read the file without asking.
pub fn suggest(headings: &[String], values: &[Vec<String>], vocabulary: &Vocabulary) -> (Vec<Target>, bool) {
    let n = headings.len();
    let mut candidates: Vec<Vec<(Target, u8)>> = headings.iter().map(|h| heading_targets(h)).collect();
    let filled = |i: usize| -> Vec<&str> {
        values
            .get(i)
            .map(|v| v.iter().map(|s| s.trim()).filter(|s| !s.is_empty()).collect())
            .unwrap_or_default()
    };
    // A column whose values are mostly status labels is the status.
    for (i, c) in candidates.iter_mut().enumerate() {
        let v = filled(i);
        if !v.is_empty() && v.iter().filter(|x| is_status_like(x, vocabulary)).count() * 5 >= v.len() * 3 {
            c.push((Target::Status, 8));
            c.sort_by_key(|t| std::cmp::Reverse(t.1));
        }
    }
    let mut targets = vec![Target::Field; n];
    let mut taken: Vec<Target> = Vec::new();
    // Give each unique target to its surest column (leftmost on a tie), then the next choices.
    loop {
        let mut best: Option<(usize, Target, u8)> = None;
        for (i, c) in candidates.iter().enumerate() {
            if targets[i] != Target::Field || headings[i].trim().is_empty() {
                continue;
            }
            if let Some((t, s)) = c.iter().find(|(t, _)| !taken.contains(t))
                && best.is_none_or(|(_, _, bs)| *s > bs)
            {
                best = Some((i, *t, *s));
            }
        }
        let Some((i, t, _)) = best else { break };
        targets[i] = t;
        taken.push(t);
    }
    // A comment beside a decision column is the comment on the decision, not the description.
    if let Some(d) = targets.iter().position(|t| *t == Target::Decision)
        && !taken.contains(&Target::ContinuationComment)
    {
        for i in [d.wrapping_sub(1), d + 1] {
            if targets.get(i) == Some(&Target::Description)
                && candidates[i].iter().any(|(t, _)| *t == Target::ContinuationComment)
            {
                targets[i] = Target::ContinuationComment;
                taken.push(Target::ContinuationComment);
                break;
            }
        }
    }
    let by_heading = taken.contains(&Target::Measure);
    // No heading says measure: the column in front with the shortest distinct texts.
    if !by_heading {
        let pick = (0..n)
            .filter(|i| targets[*i] == Target::Field && !headings[*i].trim().is_empty())
            .filter_map(|i| {
                let v = filled(i);
                let rows = values.get(i).map_or(0, Vec::len).max(1);
                let mut distinct = v.clone();
                distinct.sort_unstable();
                distinct.dedup();
                let texty = v.iter().filter(|x| x.chars().any(char::is_alphabetic)).count() * 2 > v.len();
                (v.len() * 2 >= rows && distinct.len() * 5 >= v.len() * 4 && texty).then(|| {
                    let mean = v.iter().map(|x| x.chars().count()).sum::<usize>() / v.len().max(1);
                    (i, mean)
                })
            })
            .take(3)
            .min_by_key(|(i, mean)| (*mean, *i));
        if let Some((i, _)) = pick {
            targets[i] = Target::Measure;
        }
    }
    // No heading says area: the first column, when its values come in runs of the same value.
    if !taken.contains(&Target::Area)
        && n > 2
        && targets[0] == Target::Field
        && !headings[0].trim().is_empty()
    {
        let v: Vec<&str> = values.first().map(|v| v.iter().map(|s| s.trim()).collect()).unwrap_or_default();
        let mut runs: Vec<&str> = Vec::new();
        for x in v.iter().filter(|x| !x.is_empty()) {
            if runs.last() != Some(x) {
                runs.push(x);
            }
        }
        let mut distinct = runs.clone();
        distinct.sort_unstable();
        distinct.dedup();
        let rows = v.len();
        if distinct.len() >= 2 && distinct.len() == runs.len() && distinct.len() * 2 <= rows {
            targets[0] = Target::Area;
        }
    }
    let has = |t: Target| targets.contains(&t);
    let sure = has(Target::Measure) && (by_heading || has(Target::Status));
    (targets, sure)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_are_compared_without_years_and_parentheses() {
        assert_eq!(heading_key(" Status 2022 "), "status");
        assert_eq!(heading_key("Status (RAG)"), "status");
        assert_eq!(heading_key("Bør videreføres?"), "bør videreføres");
    }

    #[test]
    fn a_mapping_is_written_as_on_the_command_line() {
        let cols = Mapping::parse_columns("area=Nämnd, measure=Uppdrag,status=Status").unwrap();
        assert_eq!(cols[1], (Target::Measure, "Uppdrag".into()));
        assert_eq!(Mapping::columns_line(&cols), "area=Nämnd,measure=Uppdrag,status=Status");
        assert_eq!(Mapping::parse_columns("measure=A,measure=B").unwrap_err().id, "mapping-target-twice");
        assert_eq!(Mapping::parse_columns("titel=A").unwrap_err().id, "mapping-columns-bad");
        let commas = Mapping::parse_columns("measure=Tiltak, kort,status=Status").unwrap();
        assert_eq!(commas[0], (Target::Measure, "Tiltak, kort".into()));
        let v = Vocabulary::default_nb();
        assert_eq!(Mapping::parse_statuses("AVSLUTAT=done", &v).unwrap()[0].1, "done");
        assert_eq!(Mapping::parse_statuses("X=finished", &v).unwrap_err().id, "mapping-status-key-unknown");
    }

    #[test]
    fn suggestions_come_from_headings_and_values() {
        let v = Vocabulary::default_nb();
        let h = |s: &[&str]| s.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
        let col = |s: &[&str]| s.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
        let (t, sure) = suggest(
            &h(&["Nämnd", "Uppdrag", "Status"]),
            &[col(&["KS", "KS", "BUN"]), col(&["A", "B", "C"]), col(&["PÅGÅENDE", "AVSLUTAT", "PÅGÅENDE"])],
            &v,
        );
        assert_eq!(t, [Target::Area, Target::Measure, Target::Status]);
        assert!(sure);
        let (t, _) = suggest(
            &h(&[
                "Objective",
                "Directorate",
                "Stage",
                "Due date",
                "Percentage complete",
                "Status (RAG)",
                "Comments",
            ]),
            &vec![col(&["x"]); 7],
            &v,
        );
        assert_eq!(
            t,
            [
                Target::Measure,
                Target::Field,
                Target::Status,
                Target::Field,
                Target::Field,
                Target::Field,
                Target::Description
            ]
        );
        let (t, _) =
            suggest(&h(&["Tiltak", "Beskrivelse", "Beslutning", "Kommentar"]), &vec![col(&["x"]); 4], &v);
        assert_eq!(t, [Target::Measure, Target::Description, Target::Decision, Target::ContinuationComment]);
        let (t, _) = suggest(&h(&["Tiltak", "Kommentar", "Status"]), &vec![col(&["x"]); 3], &v);
        assert_eq!(t[1], Target::Description, "a comment with no decision beside it is the description");
        let (_, sure) = suggest(&h(&["Navn", "Dato"]), &[col(&["A"]), col(&["1"])], &v);
        assert!(!sure);
    }
}

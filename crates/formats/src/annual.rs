//! The annual report (*årsmelding*) as data: per section and area, what was done (measures done
//! or ongoing with their last description), the events held, board decisions, projects and
//! partners linked to the area's measures, and what continues next year — with a text per area
//! the secretariat starts from (prefilled here) and edits. The web page, the Word writer and the
//! PDF template all read this one description, as the board papers do (`board`).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use tiltak_core::entities::{Entity, EntityKind};
use tiltak_core::overview::overview;
use tiltak_core::round::Decision;
use tiltak_core::status::{StatusCategory, Vocabulary};
use tiltak_core::{Measure, MeasureId, StatusReport};

use crate::Labels;
use crate::board::{Category, SummaryRow, category_colour};
use crate::labels::AnnualLabels;

/// One measure in a list: its title and its last description.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub title: String,
    pub description: String,
}

/// One section's or area's part of the annual report.
#[derive(Debug, Clone, Serialize)]
pub struct AnnualPart {
    /// "Section › Area" (or the section alone): the key the edited text is saved under.
    pub heading: String,
    pub title: String,
    /// The text as the secretariat saved it, or the prefilled one.
    pub text: String,
    /// The prefilled text (what an empty saved text goes back to).
    pub prefilled: String,
    pub done: Vec<Item>,
    pub ongoing: Vec<Item>,
    pub events: Vec<String>,
    pub decisions: Vec<String>,
    pub projects: Vec<String>,
    pub partners: Vec<String>,
    pub continues: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AnnualSection {
    pub title: String,
    pub parts: Vec<AnnualPart>,
}

/// The words of the annual report in its language.
#[derive(Debug, Clone, Serialize)]
pub struct AnnualHeadings {
    pub done: &'static str,
    pub ongoing: &'static str,
    pub events: &'static str,
    pub decisions: &'static str,
    pub projects: &'static str,
    pub partners: &'static str,
    pub continues: String,
    pub summary: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct AnnualReport {
    pub lang: &'static str,
    pub title: String,
    pub organisation: String,
    pub programme: String,
    pub year: i32,
    /// "Status as of …": the round the report is drawn from.
    pub basis: String,
    pub page: &'static str,
    pub group: &'static str,
    pub total_label: &'static str,
    pub summary_caption: &'static str,
    pub chart_description: &'static str,
    pub categories: Vec<Category>,
    pub summary: Vec<SummaryRow>,
    pub total: SummaryRow,
    pub headings: AnnualHeadings,
    pub sections: Vec<AnnualSection>,
}

/// What the annual report is drawn from besides the report itself.
pub struct AnnualInput<'a> {
    /// The entities linked to the programme's measures, with those measures.
    pub entities: &'a [(Entity, Vec<MeasureId>)],
    /// The measures next year's programme carries (when it exists); otherwise the continuation
    /// decisions tell.
    pub carried: Option<&'a BTreeSet<MeasureId>>,
    /// The secretariat's texts by heading.
    pub texts: &'a BTreeMap<String, String>,
}

fn flatten<'a>(m: &'a Measure, out: &mut Vec<&'a Measure>) {
    out.push(m);
    for c in &m.children {
        flatten(c, out);
    }
}

fn entity_line(labels: &AnnualLabels, e: &Entity) -> String {
    let mut s = e.title.clone();
    if let Some(d) = e.starts_on {
        s.push_str(&format!(" ({}", labels.date(d)));
        if let Some(end) = e.ends_on {
            s.push_str(&format!(" – {}", labels.date(end)));
        }
        s.push(')');
    }
    if !e.place.is_empty() {
        s.push_str(&format!(", {}", e.place));
    }
    if e.kind == EntityKind::Decision && !e.reference.is_empty() && e.reference != e.title {
        s.push_str(&format!(", {}", e.reference));
    }
    s
}

impl AnnualReport {
    pub fn new(report: &StatusReport, vocabulary: &Vocabulary, labels: &Labels, input: &AnnualInput) -> Self {
        let words = AnnualLabels::for_language(labels.language);
        let o = overview(report, vocabulary);
        let summary: Vec<SummaryRow> = o
            .groups
            .iter()
            .map(|g| SummaryRow::of(g.area.clone().unwrap_or_else(|| g.section.clone()), &g.counts))
            .collect();
        let mut sections = Vec::new();
        for s in &report.sections {
            let mut parts = Vec::new();
            let groups: Vec<(Option<&str>, &[Measure])> = std::iter::once((None, s.measures.as_slice()))
                .filter(|(_, m)| !m.is_empty())
                .chain(s.areas.iter().map(|a| (Some(a.title.as_str()), a.measures.as_slice())))
                .collect();
            for (area, measures) in groups {
                let heading = match area {
                    Some(a) => format!("{} › {a}", s.title),
                    None => s.title.clone(),
                };
                let mut all = Vec::new();
                for m in measures {
                    flatten(m, &mut all);
                }
                let ids: BTreeSet<MeasureId> = all.iter().filter_map(|m| m.id).collect();
                let (mut done, mut ongoing, mut continues) = (Vec::new(), Vec::new(), Vec::new());
                for m in &all {
                    let item = Item { title: m.title.clone(), description: m.entry.description.clone() };
                    match vocabulary.category(&m.entry.status) {
                        Some(StatusCategory::Done) => done.push(item),
                        Some(StatusCategory::InProgress) => ongoing.push(item),
                        _ => {}
                    }
                    let goes_on = match input.carried {
                        Some(carried) => m.id.is_some_and(|id| carried.contains(&id)),
                        None => matches!(
                            m.entry.continuation.decision,
                            Decision::Yes | Decision::Conditional { .. } | Decision::Merge { .. }
                        ),
                    };
                    if goes_on {
                        continues.push(match &m.entry.continuation.decision {
                            Decision::Conditional { .. } | Decision::Merge { .. }
                                if input.carried.is_none() =>
                            {
                                format!("{} ({})", m.title, labels.decision(&m.entry.continuation.decision))
                            }
                            _ => m.title.clone(),
                        });
                    }
                }
                let linked = |kind: EntityKind| -> Vec<&Entity> {
                    input
                        .entities
                        .iter()
                        .filter(|(e, numbers)| e.kind == kind && numbers.iter().any(|n| ids.contains(n)))
                        .map(|(e, _)| e)
                        .collect()
                };
                let events = linked(EntityKind::Event);
                let line = |e: &&Entity| entity_line(&words, e);
                let prefilled =
                    words.prefill(report.year, done.len(), ongoing.len(), all.len(), events.len());
                let text = input.texts.get(&heading).cloned().unwrap_or_else(|| prefilled.clone());
                parts.push(AnnualPart {
                    title: area.unwrap_or(&s.title).to_owned(),
                    heading,
                    text,
                    prefilled,
                    done,
                    ongoing,
                    events: events.iter().map(line).collect(),
                    decisions: linked(EntityKind::Decision).iter().map(line).collect(),
                    projects: linked(EntityKind::Project).iter().map(line).collect(),
                    partners: linked(EntityKind::Partner).iter().map(line).collect(),
                    continues,
                });
            }
            sections.push(AnnualSection { title: s.title.clone(), parts });
        }
        AnnualReport {
            lang: labels.language.code(),
            title: words.title(report.year),
            organisation: report.organisation.clone(),
            programme: report.title.clone(),
            year: report.year,
            basis: words.basis(&report.round.label, report.round.date),
            page: labels.page,
            group: labels.group,
            total_label: labels.total,
            summary_caption: labels.summary_caption,
            chart_description: labels.chart_description,
            categories: crate::board::CATEGORY_KEYS
                .iter()
                .map(|k| Category { key: k, label: labels.category(k), colour: category_colour(k) })
                .collect(),
            summary,
            total: SummaryRow::of(labels.total.to_owned(), &o.total),
            headings: AnnualHeadings {
                done: words.done,
                ongoing: words.ongoing,
                events: words.events,
                decisions: words.decisions,
                projects: words.projects,
                partners: words.partners,
                continues: words.continues(report.year + 1),
                summary: labels.summary_caption,
            },
            sections,
        }
    }

    /// Every done measure's title, in order (for checks).
    pub fn done_titles(&self) -> Vec<&str> {
        self.sections.iter().flat_map(|s| &s.parts).flat_map(|p| &p.done).map(|i| i.title.as_str()).collect()
    }
}

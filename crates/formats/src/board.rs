//! The board papers as data: what the DOCX and PDF writers lay out. One place decides what a board
//! document says (title, summary per area, the five-column table, the changes since the previous
//! round); the writers only decide how it looks. The PDF crate hands this to typst as JSON.

use serde::Serialize;
use tiltak_core::diff::{ChangeKind, DiffOp, compare, word_diff};
use tiltak_core::overview::{Counts, overview};
use tiltak_core::status::Vocabulary;
use tiltak_core::{Measure, StatusEntry, StatusReport};

use crate::Labels;

/// The category keys in display order, as [`Counts::parts`] gives them.
pub const CATEGORY_KEYS: [&str; 5] = ["not_started", "in_progress", "done", "dropped", "none"];

/// Category colours (dark enough for white text, as on the web pages).
pub fn category_colour(key: &str) -> &'static str {
    match key {
        "not_started" => "#4b5563",
        "in_progress" => "#1d4ed8",
        "done" => "#166534",
        "dropped" => "#991b1b",
        _ => "#6b7280",
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Category {
    pub key: &'static str,
    pub label: &'static str,
    pub colour: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct SummaryRow {
    pub label: String,
    /// In the order of [`CATEGORY_KEYS`].
    pub counts: Vec<usize>,
    pub total: usize,
}

impl SummaryRow {
    pub fn of(label: String, counts: &Counts) -> Self {
        SummaryRow { label, counts: counts.parts().iter().map(|(_, n)| *n).collect(), total: counts.total() }
    }
}

/// One row of the five-column table.
#[derive(Debug, Clone, Serialize)]
pub struct TableRow {
    /// The area's title on its first row; `None` on the rows below it (a merged cell).
    pub area: Option<String>,
    /// How many rows the area cell spans (on its first row).
    pub area_rows: usize,
    /// 0 for a measure, 1 for a sub-measure, …
    pub depth: usize,
    pub title: String,
    pub status: String,
    pub category: &'static str,
    pub description: String,
    pub comment: String,
    /// The values of the organisation's own fields chosen as columns, in their order.
    pub fields: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TableSection {
    pub title: String,
    pub rows: Vec<TableRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Headings {
    pub area: &'static str,
    pub measure: &'static str,
    pub status: &'static str,
    pub description: &'static str,
    pub continuation: String,
    /// The organisation's own fields shown as columns after Tiltak's own.
    pub fields: Vec<String>,
}

/// The status report as the board gets it.
#[derive(Debug, Clone, Serialize)]
pub struct BoardReport {
    pub lang: &'static str,
    pub title: String,
    pub organisation: String,
    pub programme: String,
    pub round: String,
    pub date: Option<String>,
    pub summary_caption: &'static str,
    pub group: &'static str,
    pub total_label: &'static str,
    pub page: &'static str,
    pub chart_description: &'static str,
    pub categories: Vec<Category>,
    pub summary: Vec<SummaryRow>,
    pub total: SummaryRow,
    pub headings: Headings,
    pub sections: Vec<TableSection>,
}

fn categories(labels: &Labels) -> Vec<Category> {
    CATEGORY_KEYS
        .iter()
        .map(|k| Category { key: k, label: labels.category(k), colour: category_colour(k) })
        .collect()
}

impl BoardReport {
    pub fn new(report: &StatusReport, vocabulary: &Vocabulary, labels: &Labels) -> Self {
        Self::with_columns(report, vocabulary, labels, &[])
    }

    /// The report with the organisation's own fields `columns` as columns of its table.
    pub fn with_columns(
        report: &StatusReport,
        vocabulary: &Vocabulary,
        labels: &Labels,
        columns: &[String],
    ) -> Self {
        let o = overview(report, vocabulary);
        let summary = o
            .groups
            .iter()
            .map(|g| SummaryRow::of(g.area.clone().unwrap_or_else(|| g.section.clone()), &g.counts))
            .collect();
        let sections = report
            .sections
            .iter()
            .map(|s| {
                let mut rows = Vec::new();
                for m in &s.measures {
                    push_rows(m, 0, vocabulary, columns, &mut rows);
                }
                for a in &s.areas {
                    let first = rows.len();
                    for m in &a.measures {
                        push_rows(m, 0, vocabulary, columns, &mut rows);
                    }
                    if rows.len() == first {
                        rows.push(TableRow {
                            area: None,
                            area_rows: 1,
                            depth: 0,
                            title: String::new(),
                            status: String::new(),
                            category: "none",
                            description: String::new(),
                            comment: String::new(),
                            fields: vec![String::new(); columns.len()],
                        });
                    }
                    rows[first].area = Some(a.title.clone());
                    rows[first].area_rows = rows.len() - first;
                }
                TableSection { title: s.title.clone(), rows }
            })
            .collect();
        BoardReport {
            lang: labels.language.code(),
            title: labels.report_title(&report.title, &report.round.label),
            organisation: report.organisation.clone(),
            programme: report.title.clone(),
            round: report.round.label.clone(),
            date: report.round.date.map(tiltak_core::round::iso_date),
            summary_caption: labels.summary_caption,
            group: labels.group,
            total_label: labels.total,
            page: labels.page,
            chart_description: labels.chart_description,
            categories: categories(labels),
            summary,
            total: SummaryRow::of(labels.total.to_owned(), &o.total),
            headings: Headings {
                area: labels.area,
                measure: labels.measure,
                status: labels.status,
                description: labels.description,
                continuation: labels.continue_next_year(report.year),
                fields: columns.to_vec(),
            },
            sections,
        }
    }
}

fn push_rows(
    m: &Measure,
    depth: usize,
    vocabulary: &Vocabulary,
    columns: &[String],
    rows: &mut Vec<TableRow>,
) {
    rows.push(TableRow {
        area: None,
        area_rows: 0,
        depth,
        title: m.title.clone(),
        status: m.entry.status.label().to_owned(),
        category: vocabulary.category(&m.entry.status).map(|c| c.key()).unwrap_or("none"),
        description: m.entry.description.clone(),
        comment: m.entry.continuation.comment.clone(),
        fields: columns.iter().map(|c| m.entry.fields.get(c).cloned().unwrap_or_default()).collect(),
    });
    for c in &m.children {
        push_rows(c, depth + 1, vocabulary, columns, rows);
    }
}

/// A piece of a word diff: `op` is "same", "del" or "ins".
#[derive(Debug, Clone, Serialize)]
pub struct DiffPart {
    pub op: &'static str,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChangeField {
    pub label: &'static str,
    pub before: String,
    pub after: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChangeRow {
    pub title: String,
    pub kind: &'static str,
    pub kind_label: &'static str,
    /// Status, continuation, comment and title changes, each before and after.
    pub fields: Vec<ChangeField>,
    /// The description: a word diff for a changed measure, the whole text for a new or removed one.
    pub description: Vec<DiffPart>,
}

/// "What changed since the last report", as the board gets it.
#[derive(Debug, Clone, Serialize)]
pub struct ChangesReport {
    pub lang: &'static str,
    pub title: String,
    pub organisation: String,
    /// "Compared with …", or that there is nothing to compare with, or that nothing changed.
    pub intro: String,
    pub page: &'static str,
    pub headings: ChangeHeadings,
    pub rows: Vec<ChangeRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChangeHeadings {
    pub measure: &'static str,
    pub change: &'static str,
    pub before: &'static str,
    pub after: &'static str,
    pub description: &'static str,
}

impl ChangesReport {
    /// `previous` is the round before `current` (with only the measures that have an entry in
    /// it), or `None` for a programme's first round.
    pub fn new(previous: Option<(&str, &StatusReport)>, current: &StatusReport, labels: &Labels) -> Self {
        let status = |e: &StatusEntry| {
            if e.status.label().is_empty() {
                labels.no_status.to_owned()
            } else {
                e.status.label().to_owned()
            }
        };
        let whole = |e: Option<&StatusEntry>| match e {
            Some(e) if !e.description.is_empty() => {
                vec![DiffPart { op: "same", text: e.description.clone() }]
            }
            _ => Vec::new(),
        };
        let mut rows = Vec::new();
        if let Some((_, before)) = previous {
            for c in compare(before, current) {
                let (kind, fields, description) = match &c.kind {
                    ChangeKind::Added => ("added", Vec::new(), whole(c.after.as_ref())),
                    ChangeKind::Removed => ("removed", Vec::new(), whole(c.before.as_ref())),
                    ChangeKind::Changed { status: s, description: d, decision, comment, title } => {
                        let (b, a) =
                            (c.before.as_ref().expect("changed"), c.after.as_ref().expect("changed"));
                        let mut fields = Vec::new();
                        let mut field = |on: bool, label, before: String, after: String| {
                            if on {
                                fields.push(ChangeField { label, before, after });
                            }
                        };
                        field(
                            *title,
                            labels.title,
                            c.previous_title.clone().unwrap_or_default(),
                            c.title.clone(),
                        );
                        field(*s, labels.status, status(b), status(a));
                        field(
                            *decision,
                            labels.decision,
                            labels.decision(&b.continuation.decision),
                            labels.decision(&a.continuation.decision),
                        );
                        field(
                            *comment,
                            labels.comment,
                            b.continuation.comment.clone(),
                            a.continuation.comment.clone(),
                        );
                        let description = if *d {
                            word_diff(&b.description, &a.description)
                                .into_iter()
                                .map(|(op, text)| DiffPart {
                                    op: match op {
                                        DiffOp::Same => "same",
                                        DiffOp::Removed => "del",
                                        DiffOp::Added => "ins",
                                    },
                                    text,
                                })
                                .collect()
                        } else {
                            Vec::new()
                        };
                        ("changed", fields, description)
                    }
                };
                rows.push(ChangeRow {
                    title: c.title,
                    kind,
                    kind_label: labels.change_kind(kind),
                    fields,
                    description,
                });
            }
        }
        let intro = match previous {
            None => labels.changes_first.to_owned(),
            Some(_) if rows.is_empty() => labels.changes_none.to_owned(),
            Some((label, _)) => labels.changes_since.replace("{previous}", label),
        };
        ChangesReport {
            lang: labels.language.code(),
            title: labels.changes_title(&current.title, &current.round.label),
            organisation: current.organisation.clone(),
            intro,
            page: labels.page,
            headings: ChangeHeadings {
                measure: labels.measure,
                change: labels.change,
                before: labels.before,
                after: labels.after,
                description: labels.description,
            },
            rows,
        }
    }
}

//! `/{org}/{year}/report`: a round's status report in the five-column layout, grouped by section
//! and area, with sub-measures indented and filters (area, status, decision) kept in the URL.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use tiltak_core::status::Vocabulary;
use tiltak_core::{Decision, DecisionKind, Measure, StatusCategory, StatusReport};
use tiltak_db::RoundRow;

use super::{PageCtx, render};
use crate::AppState;
use crate::context::Ctx;
use crate::error::AppResult;
use crate::i18n::Tr;

#[derive(Debug, Default, Deserialize)]
pub struct Filters {
    #[serde(default)]
    pub round: Option<String>,
    #[serde(default)]
    pub area: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub decision: Option<String>,
    /// Members: "no" — only what is not yet updated in this round; "yes" — only what is.
    #[serde(default)]
    pub updated: Option<String>,
    /// One of the organisation's own fields, and the value it must hold (a part of it, any
    /// case; empty: any value).
    #[serde(default)]
    pub field: Option<String>,
    #[serde(default)]
    pub value: Option<String>,
    /// The measure just saved (after a form post without JavaScript).
    #[serde(default)]
    pub saved: Option<u32>,
}

/// One row of the report, ready to show.
pub struct ReportRow {
    pub id: u32,
    pub depth: usize,
    /// The area's name on the first row of each area, empty after.
    pub area: String,
    pub title: String,
    pub parent: String,
    pub status_label: String,
    pub category: &'static str,
    pub description: String,
    pub decision: String,
    pub comment: String,
    pub measure_href: String,
    /// Where to edit the row in an open round; empty when the round is frozen.
    pub edit_href: String,
    /// The organisation's own fields shown as columns: (name, value as people read it).
    pub fields: Vec<(String, String)>,
}

pub struct SectionView {
    pub title: String,
    pub rows: Vec<ReportRow>,
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    page: PageCtx,
    tr: Tr,
    heading: String,
    rounds: Vec<RoundRow>,
    round: Option<RoundRow>,
    sections: Vec<SectionView>,
    areas: Vec<String>,
    statuses: Vec<(String, String)>,
    decisions: Vec<(&'static str, String)>,
    filters: Filters,
    shown: usize,
    total: usize,
    next_year: i32,
    saved_title: Option<String>,
    base: String,
    downloads: Option<super::download::Downloads>,
    /// Whether any row has an edit link (the table then has an actions column).
    editable: bool,
    /// Rows here are not the answer to a save (see `entries`).
    saved: bool,
    /// Where a new measure can go: ("section:ID" | "area:ID", label).
    places: Vec<(String, String)>,
    today: time::Date,
    /// The organisation's own fields: all, to filter by; the report's columns.
    own_fields: Vec<String>,
    columns: Vec<String>,
}

impl ReportPage {
    pub fn field_selected(&self, v: &str) -> bool {
        self.selected(&self.filters.field, v)
    }
    pub fn value_filter(&self) -> String {
        self.filters.value.clone().unwrap_or_default()
    }
    fn selected(&self, field: &Option<String>, value: &str) -> bool {
        field.as_deref() == Some(value)
    }
    pub fn round_selected(&self, slug: &str) -> bool {
        self.round.as_ref().is_some_and(|r| r.slug == slug)
    }
    pub fn area_selected(&self, v: &str) -> bool {
        self.selected(&self.filters.area, v)
    }
    pub fn status_selected(&self, v: &str) -> bool {
        self.selected(&self.filters.status, v)
    }
    pub fn decision_selected(&self, v: &str) -> bool {
        self.selected(&self.filters.decision, v)
    }
    pub fn updated_selected(&self, v: &str) -> bool {
        self.selected(&self.filters.updated, v)
    }
    /// The round's deadline, said plainly, while the round is open.
    pub fn deadline(&self) -> Option<String> {
        let r = self.round.as_ref().filter(|r| !r.frozen && r.deadline.is_some())?;
        Some(super::mine::deadline_text(self.tr, &r.deadline, self.today))
    }
    pub fn showing(&self) -> String {
        self.tr.tn("report-showing", &[("shown", self.shown.to_string()), ("total", self.total.to_string())])
    }
}

pub fn decision_label(tr: Tr, d: &Decision) -> String {
    match d {
        Decision::Conditional { condition } => {
            format!("{} {condition}", tr.t("decision-conditional").trim_end_matches(" …"))
        }
        Decision::Merge { into } => format!("{}: {}", tr.t("decision-merge"), into.title),
        other => tr.t(&format!("decision-{}", other.kind().key())),
    }
}

pub fn category_key(vocabulary: &Vocabulary, m: &Measure) -> &'static str {
    vocabulary.category(&m.entry.status).map(|c| c.key()).unwrap_or("none")
}

/// What every row of one report shares.
pub struct RowCtx<'a> {
    pub tr: Tr,
    pub vocabulary: &'a Vocabulary,
    /// `/{org}/{year}`
    pub base: &'a str,
    /// `/{org}/{year}/rounds/{round}` when the round is open.
    pub edit_base: Option<&'a str>,
    /// The organisation's own fields chosen as columns of the report.
    pub columns: &'a [tiltak_core::FieldDef],
}

/// A value of one of the organisation's own fields as people read it: a date in words, a
/// percentage with its sign.
pub fn field_text(tr: Tr, def: &tiltak_core::FieldDef, value: &str) -> String {
    match def.kind {
        tiltak_core::FieldKind::Date if tiltak_core::round::parse_iso_date(value).is_ok() => tr.date(value),
        tiltak_core::FieldKind::Percent if !value.is_empty() => format!("{value} %"),
        _ => value.to_owned(),
    }
}

/// The rows of a report in document order, each with its area shown once.
pub fn rows(ctx: &RowCtx<'_>, report: &StatusReport) -> Vec<SectionView> {
    let programme = report.programme();
    let mut sections: Vec<SectionView> = Vec::new();
    let mut last_area: Option<String> = None;
    for (path, m) in programme.measures() {
        if sections.last().is_none_or(|s| s.title != path.section) {
            sections.push(SectionView { title: path.section.to_owned(), rows: Vec::new() });
            last_area = None;
        }
        let area = path.area.map(str::to_owned);
        let show_area = if area != last_area { area.clone().unwrap_or_default() } else { String::new() };
        last_area = area;
        let row = row(ctx, m, path.depth, show_area, path.parents.last().copied());
        sections.last_mut().expect("pushed above").rows.push(row);
    }
    sections
}

pub fn row(ctx: &RowCtx<'_>, m: &Measure, depth: usize, area: String, parent: Option<&str>) -> ReportRow {
    let tr = ctx.tr;
    let id = m.id.unwrap_or_default();
    ReportRow {
        id,
        depth,
        area,
        title: m.title.clone(),
        parent: parent
            .map(|p| tr.t1("sub-measure-of", "parent", p.trim_end().trim_end_matches(':')))
            .unwrap_or_default(),
        status_label: if m.entry.status.label().is_empty() {
            tr.t("no-status")
        } else {
            m.entry.status.label().to_owned()
        },
        category: category_key(ctx.vocabulary, m),
        description: m.entry.description.clone(),
        decision: decision_label(tr, &m.entry.continuation.decision),
        comment: m.entry.continuation.comment.clone(),
        measure_href: format!("{}/measures/{id}", ctx.base),
        edit_href: ctx.edit_base.map(|b| format!("{b}/measures/{id}/edit")).unwrap_or_default(),
        fields: ctx
            .columns
            .iter()
            .map(|d| {
                (
                    d.name.clone(),
                    m.entry.fields.get(&d.name).map(|v| field_text(tr, d, v)).unwrap_or_default(),
                )
            })
            .collect(),
    }
}

pub async fn show(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(filters): Query<Filters>,
) -> AppResult<Response> {
    let (tr, org, programme) = (ctx.tr, ctx.org()?, ctx.programme()?);
    let rounds = ctx.rounds.clone();
    let round = ctx.find_round(filters.round.as_deref())?.cloned();
    let vocabulary = app.db.vocabulary(org.id).await?;
    let own_fields = app.db.custom_fields(org.id).await?;
    let columns: Vec<tiltak_core::FieldDef> = own_fields.iter().filter(|d| d.in_report).cloned().collect();
    let report = match &round {
        Some(r) => Some(app.db.load_report(org, programme.year, Some(&r.slug), ctx.audience()).await?),
        None => None,
    };
    let (heading, mut sections, areas, total) = match (&round, &report) {
        (Some(r), Some(report)) => {
            let may_edit = ctx.at_least(tiltak_db::Role::Editor);
            let edit_base = (!r.frozen && may_edit).then(|| format!("{}/rounds/{}", ctx.base(), r.slug));
            let base = ctx.base();
            let rctx = RowCtx {
                tr,
                vocabulary: &vocabulary,
                base: &base,
                edit_base: edit_base.as_deref(),
                columns: &columns,
            };
            let mut sections = rows(&rctx, report);
            // An editor edits what their working groups own: other rows get no edit link.
            if let (Some(tiltak_db::Role::Editor), Some(user)) = (ctx.role, &ctx.viewer.user) {
                let own = app.db.measures_owned_by(user.id, programme.id).await?;
                for row in sections.iter_mut().flat_map(|s| s.rows.iter_mut()) {
                    if !own.contains(&row.id) {
                        row.edit_href.clear();
                    }
                }
            }
            let areas =
                report.sections.iter().flat_map(|s| s.areas.iter().map(|a| a.title.clone())).collect();
            let heading =
                tr.tn("report-title", &[("programme", programme.title.clone()), ("round", r.label.clone())]);
            (heading, sections, areas, report.measure_count())
        }
        _ => (programme.title.clone(), Vec::new(), Vec::new(), 0),
    };
    // Filters keep the area name on the first row that is left of each area.
    let want = |v: &Option<String>| v.as_deref().filter(|s| !s.is_empty()).map(str::to_owned);
    let (f_area, f_status, f_decision) =
        (want(&filters.area), want(&filters.status), want(&filters.decision));
    // A date is looked for as it is kept (30.06.2027 finds 2027-06-30).
    let f_field = want(&filters.field).map(|f| {
        let value = want(&filters.value).unwrap_or_default();
        let is_date = own_fields.iter().any(|d| d.name == f && d.kind == tiltak_core::FieldKind::Date);
        let value = match tiltak_core::fields::parse_date(&value) {
            Some(d) if is_date => tiltak_core::round::iso_date(d),
            _ => value.to_lowercase(),
        };
        (f, value)
    });
    // Updated in this round or not (members only: the public does not see the workflow).
    let f_updated = match (want(&filters.updated).as_deref(), &round) {
        (Some(w @ ("yes" | "no")), Some(r)) if ctx.is_member() => {
            let updated: std::collections::HashSet<u32> =
                app.db.duties(r.id).await?.into_iter().filter(|d| d.updated).map(|d| d.number).collect();
            Some((w == "yes", updated))
        }
        _ => None,
    };
    if (f_area.is_some()
        || f_status.is_some()
        || f_decision.is_some()
        || f_updated.is_some()
        || f_field.is_some())
        && let Some(report) = &report
    {
        let programme_tree = report.programme();
        let keep: Vec<u32> = programme_tree
            .measures()
            .into_iter()
            .filter(|(path, m)| {
                f_area.as_deref().is_none_or(|a| path.area == Some(a))
                    && f_status.as_deref().is_none_or(|s| {
                        let category = s == "none" || StatusCategory::parse(s).is_ok();
                        if category && vocabulary.get(s).is_none() {
                            category_key(&vocabulary, m) == s
                        } else {
                            m.entry.status.key() == s
                        }
                    })
                    && f_decision.as_deref().is_none_or(|d| m.entry.continuation.decision.kind().key() == d)
                    && f_updated
                        .as_ref()
                        .is_none_or(|(want, updated)| m.id.is_some_and(|id| updated.contains(&id) == *want))
                    && f_field.as_ref().is_none_or(|(name, value)| {
                        m.entry.fields.get(name).is_some_and(|v| v.to_lowercase().contains(value.as_str()))
                    })
            })
            .filter_map(|(_, m)| m.id)
            .collect();
        for s in &mut sections {
            let mut area = String::new();
            for r in &mut s.rows {
                if !r.area.is_empty() {
                    area = r.area.clone();
                }
                r.area = area.clone();
            }
            s.rows.retain(|r| keep.contains(&r.id));
            let mut last = String::new();
            for r in &mut s.rows {
                if r.area == last {
                    r.area.clear();
                } else {
                    last = r.area.clone();
                }
            }
        }
        sections.retain(|s| !s.rows.is_empty());
    }
    let shown = sections.iter().map(|s| s.rows.len()).sum();
    let mut statuses: Vec<(String, String)> =
        vocabulary.kinds.iter().map(|k| (k.key.clone(), k.label.clone())).collect();
    statuses.push((tiltak_core::Status::None.key().to_owned(), tr.t("no-status")));
    let decisions =
        DecisionKind::ALL.iter().map(|d| (d.key(), tr.t(&format!("decision-{}", d.key())))).collect();
    let saved_title = filters
        .saved
        .and_then(|id| sections.iter().flat_map(|s| &s.rows).find(|r| r.id == id).map(|r| r.title.clone()));
    let mut places = Vec::new();
    for (section_id, section, areas) in app.db.programme_places(programme.id).await? {
        places.push((format!("section:{section_id}"), section.clone()));
        for (area_id, area) in areas {
            places.push((format!("area:{area_id}"), format!("{section} › {area}")));
        }
    }
    let editable = sections.iter().flat_map(|s| &s.rows).any(|r| !r.edit_href.is_empty());
    let page = ctx.page(heading.clone(), "report");
    let downloads = round.as_ref().map(|r| super::download::Downloads::report(tr, &ctx.base(), &r.slug));
    render(ReportPage {
        page,
        tr,
        heading,
        rounds,
        round,
        sections,
        areas,
        statuses,
        decisions,
        filters,
        shown,
        total,
        next_year: programme.year + 1,
        saved_title,
        downloads,
        base: ctx.base(),
        editable,
        saved: false,
        places,
        today: app.clock.today(),
        own_fields: own_fields.iter().map(|d| d.name.clone()).collect(),
        columns: columns.iter().map(|d| d.name.clone()).collect(),
    })
}

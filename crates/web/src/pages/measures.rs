//! `/{org}/{year}/measures/{id}`: one measure in every round, its sub-measures and its lineage
//! across years; and the tree's edits: add, rename, move up or down, remove.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use tiltak_db::{ChangeRow, MeasureDetail, Placement};

use super::comments::CommentView;
use super::report::decision_label;
use super::{PageCtx, see_other};
use crate::AppState;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::i18n::{Message, Tr};

pub struct HistoryRow {
    pub round: String,
    pub date: String,
    pub status: String,
    pub description: String,
    pub decision: String,
    pub comment: String,
}

#[derive(Template)]
#[template(path = "measure.html")]
struct MeasurePage {
    page: PageCtx,
    tr: Tr,
    base: String,
    m: MeasureDetail,
    history: Vec<HistoryRow>,
    /// The round the page is about, for members: updated or not, its deadline, an edit button.
    round: Option<RoundState>,
    comments: Vec<CommentView>,
    /// Where the comment form returns: the measure page.
    comment_back: &'static str,
    timeline: Vec<ChangeLine>,
    /// The organisation's own fields in the latest round the viewer sees: (name, value).
    fields: Vec<(String, String)>,
    /// The events, decisions, projects and partners it is linked to that the viewer sees.
    links: Vec<super::entities::EntityView>,
    /// Whether the viewer may link and unlink them and answer suggestions.
    may_link: bool,
    /// What its text seems to mention, waiting for a person (members who may link).
    suggestions: Vec<super::entities::SuggestionView>,
    /// Entities kept already that may be linked: (id, "kind: title").
    link_options: Vec<(i64, String)>,
    /// The kinds a new linked entity may have: (key, name).
    new_kinds: Vec<(&'static str, String)>,
    /// The add-new form as sent when refused: (kind, title, date, why).
    new_refused: Option<(&'static str, String, String, String)>,
}

pub struct RoundState {
    pub label: String,
    pub deadline: String,
    pub updated: Option<bool>,
    pub may_edit: bool,
    pub edit_href: String,
    pub comment_action: String,
}

/// A change of the measure as people read it, in any round or year of its lineage.
pub struct ChangeLine {
    pub at: String,
    pub when: String,
    pub who: String,
    pub what: String,
    pub year: Option<i32>,
    pub round: Option<String>,
    /// An entry's change, field by field: (label, old, new).
    pub fields: Vec<(String, String, String)>,
    /// Any other change: what it became.
    pub after: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct MeasureQuery {
    #[serde(default)]
    pub round: Option<String>,
}

/// Every change of a measure in one programme, as people read it.
fn change_lines(tr: Tr, vocabulary: &tiltak_core::Vocabulary, rows: Vec<ChangeRow>) -> Vec<ChangeLine> {
    rows.into_iter()
        .map(|c: ChangeRow| {
            let fields = c
                .after
                .as_deref()
                .and_then(|a| super::audit::entry_changes(tr, vocabulary, c.before.as_deref(), a))
                .unwrap_or_default();
            let after = if fields.is_empty() {
                c.after.as_deref().map(|a| super::audit::value_label(tr, vocabulary, &c.action, a))
            } else {
                None
            };
            ChangeLine {
                when: tr.datetime(&c.at),
                at: c.at,
                who: super::audit::actor_label(tr, &c.actor),
                what: super::audit::action_label(tr, &c.action),
                year: c.year,
                round: c.round_label,
                fields,
                after,
            }
        })
        .collect()
}

pub async fn show(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(q): Query<MeasureQuery>,
) -> AppResult<Response> {
    page(&app, &ctx, q, None).await
}

/// A form of the measure page's links section that was refused: shown again as sent, with why.
pub struct Refused {
    /// The suggestion answered, or none for the form that adds a new one.
    pub suggestion: Option<i64>,
    pub kind: tiltak_core::EntityKind,
    pub form: super::entities::EntityForm,
    pub message: String,
}

/// The measure page; with `refused`, the form that was refused open with what the person sent.
pub async fn page(
    app: &AppState,
    ctx: &Ctx,
    q: MeasureQuery,
    refused: Option<Refused>,
) -> AppResult<Response> {
    let app = app.clone();
    let ctx = ctx.clone();
    let (tr, org, programme, id) = (ctx.tr, ctx.org()?, ctx.programme()?, ctx.measure()?);
    let m = app.db.measure_detail(programme.id, id, ctx.audience()).await?;
    let entries: Vec<_> = app
        .db
        .measure_history(programme.id, id)
        .await?
        .into_iter()
        .filter(|(r, _)| ctx.audience().sees_round(r))
        .collect();
    // The fields in the organisation's order, then any it no longer lists.
    let defs = app.db.custom_fields(org.id).await?;
    let mut fields: Vec<(String, String)> = Vec::new();
    if let Some((_, e)) = entries.last() {
        for d in &defs {
            if let Some(v) = e.fields.get(&d.name) {
                fields.push((d.name.clone(), super::report::field_text(tr, d, v)));
            }
        }
        for (k, v) in &e.fields {
            if !defs.iter().any(|d| d.name == *k) {
                fields.push((k.clone(), v.clone()));
            }
        }
    }
    let history = entries
        .into_iter()
        .map(|(r, e)| HistoryRow {
            round: r.label,
            date: tr.opt_date(&r.date),
            status: if e.status.label().is_empty() { tr.t("no-status") } else { e.status.label().to_owned() },
            description: e.description,
            decision: decision_label(tr, &e.continuation.decision),
            comment: e.continuation.comment,
        })
        .collect();
    let base = format!("/{}/{}", org.slug, programme.year);
    let (mut round, mut comments, mut timeline) = (None, Vec::new(), Vec::new());
    if ctx.is_member() {
        let vocabulary = app.db.vocabulary(org.id).await?;
        if let Some(r) = ctx.find_round(q.round.as_deref())? {
            round = Some(RoundState {
                label: r.label.clone(),
                deadline: super::mine::deadline_text(tr, &r.deadline, app.clock.today()),
                updated: app.db.entry_updated(programme.id, r.id, id).await?,
                may_edit: super::comments::may_edit(&app, &ctx, r, id).await?,
                edit_href: format!("{base}/rounds/{}/measures/{id}/edit", r.slug),
                comment_action: format!("{base}/rounds/{}/measures/{id}/comments", r.slug),
            });
        }
        comments =
            app.db.comments(programme.id, id).await?.into_iter().map(|c| CommentView::of(tr, c)).collect();
        // One timeline across the years: this measure's changes and those of the measures it continues.
        timeline =
            change_lines(tr, &vocabulary, app.db.changes(programme.id, Some(i64::from(id)), 200).await?);
        for p in &m.predecessors {
            if let Some(earlier) = app.db.programme(org.id, p.year).await? {
                let rows = app.db.changes(earlier.id, Some(i64::from(p.number)), 200).await?;
                timeline.extend(change_lines(tr, &vocabulary, rows));
            }
        }
        timeline.sort_by(|a, b| b.at.cmp(&a.at));
    }
    // The organisation's entities the viewer sees, read once: those linked here, and the others.
    let audience = ctx.audience();
    let (linked, kept): (Vec<_>, Vec<_>) = app
        .db
        .entities(org.id, None, audience)
        .await?
        .into_iter()
        .partition(|e| e.measures.iter().any(|l| l.year == programme.year && l.number == id));
    let may_link = ctx.is_member() && super::entities::may_link(&app, &ctx, id).await?;
    let (mut suggestions, mut link_options) = (Vec::new(), Vec::new());
    if may_link {
        suggestions = app
            .db
            .suggestions(programme.id, id)
            .await?
            .iter()
            .map(|s| {
                let mut view = super::entities::SuggestionView::of(tr, s.id, &s.suggestion, &kept);
                if let Some(r) = refused.as_ref().filter(|r| r.suggestion == Some(s.id)) {
                    view.refused(tr, r);
                }
                view
            })
            .collect();
        link_options = kept
            .iter()
            .map(|k| {
                (k.id, format!("{}: {}", super::entities::kind_label(tr, k.entity.kind), k.entity.title))
            })
            .collect();
    }
    let links =
        linked.iter().map(|l| super::entities::EntityView::of(tr, &org.slug, l, !ctx.is_member())).collect();
    let page = ctx.page(m.title.clone(), "report");
    let new_kinds =
        tiltak_core::EntityKind::ALL.iter().map(|k| (k.key(), super::entities::kind_label(tr, *k))).collect();
    // The form that adds a new one, as sent when it was refused.
    let new_refused = refused
        .filter(|r| r.suggestion.is_none())
        .map(|r| (r.kind.key(), r.form.title.clone(), r.form.starts_on.clone(), r.message));
    let status = if new_refused.is_some()
        || suggestions.iter().any(|s: &super::entities::SuggestionView| s.error.is_some())
    {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    super::render_status(
        status,
        MeasurePage {
            new_refused,
            new_kinds,
            links,
            may_link,
            suggestions,
            link_options,
            page,
            tr,
            base,
            m,
            history,
            round,
            comments,
            comment_back: "measure",
            timeline,
            fields,
        },
    )
}

#[derive(Debug, Deserialize)]
pub struct NewMeasure {
    pub title: String,
    /// "section:ID", "area:ID" or "under:NUMBER".
    pub place: String,
}

pub async fn create(
    State(app): State<AppState>,
    ctx: Ctx,
    Form(form): Form<NewMeasure>,
) -> AppResult<Response> {
    let (org, programme) = (ctx.org()?, ctx.programme()?);
    let bad = || AppError::bad_request(Message::new("add-where-unknown").arg("place", &form.place));
    let placement = match form.place.split_once(':') {
        Some(("section", id)) => Placement::Section(id.parse().map_err(|_| bad())?),
        Some(("area", id)) => Placement::Area(id.parse().map_err(|_| bad())?),
        Some(("under", n)) => Placement::Under(n.parse().map_err(|_| bad())?),
        _ => return Err(bad()),
    };
    let number = app.db.add_measure(org.id, programme.id, placement, &form.title, &ctx.actor()).await?;
    Ok(see_other(&format!("/{}/{}/measures/{number}", org.slug, programme.year)))
}

#[derive(Debug, Deserialize)]
pub struct Rename {
    pub title: String,
    pub version: i64,
}

pub async fn rename(State(app): State<AppState>, ctx: Ctx, Form(form): Form<Rename>) -> AppResult<Response> {
    let (org, programme, id) = (ctx.org()?, ctx.programme()?, ctx.measure()?);
    app.db.rename_measure(org.id, programme.id, id, &form.title, form.version, &ctx.actor()).await?;
    Ok(see_other(&format!("/{}/{}/measures/{id}", org.slug, programme.year)))
}

#[derive(Debug, Deserialize)]
pub struct Move {
    pub direction: String,
}

pub async fn reorder(State(app): State<AppState>, ctx: Ctx, Form(form): Form<Move>) -> AppResult<Response> {
    let (org, programme, id) = (ctx.org()?, ctx.programme()?, ctx.measure()?);
    let up = match form.direction.as_str() {
        "up" => true,
        "down" => false,
        other => {
            return Err(AppError::bad_request(
                Message::new("move-direction-unknown").arg("direction", other),
            ));
        }
    };
    app.db.move_measure(org.id, programme.id, id, up, &ctx.actor()).await?;
    Ok(see_other(&format!("/{}/{}/measures/{id}", org.slug, programme.year)))
}

pub async fn remove(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let (org, programme, id) = (ctx.org()?, ctx.programme()?, ctx.measure()?);
    app.db.remove_measure(org.id, programme.id, id, &ctx.actor()).await?;
    Ok(see_other(&format!("/{}/{}/report", org.slug, programme.year)))
}

impl MeasurePage {
    /// The kind the add-new form shows chosen: what was sent, or a project (which needs no date).
    pub fn new_kind(&self) -> &'static str {
        self.new_refused.as_ref().map(|r| r.0).unwrap_or("project")
    }

    /// The add-new form's title (1) or date (2) as sent when refused.
    pub fn new_value(&self, i: usize) -> String {
        match (&self.new_refused, i) {
            (Some(r), 1) => r.1.clone(),
            (Some(r), 2) => r.2.clone(),
            _ => String::new(),
        }
    }

    pub fn place(&self) -> String {
        match &self.m.area {
            Some(a) => format!("{} › {a}", self.m.section),
            None => self.m.section.clone(),
        }
    }
}

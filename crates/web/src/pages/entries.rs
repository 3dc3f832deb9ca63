//! Editing one measure's entry in an open round: `GET …/rounds/{round}/measures/{id}/edit` (a page,
//! or with htmx a table row holding the form) and `POST …/rounds/{round}/measures/{id}`.
//! A save carries the version it started from; a stale save is refused with the other change shown.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use tiltak_core::round::{Continuation, Decision, DecisionKind, MergeTarget, StatusEntry};
use tiltak_core::{MeasureId, Status};
use tiltak_db::{EditableEntry, SaveEntryError};

use super::report::{ReportRow, decision_label};
use super::{PageCtx, is_htmx, see_other};
use crate::AppState;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::i18n::{Message, Tr};
use tiltak_db::Role;

#[derive(Debug, Deserialize)]
pub struct EntryForm {
    pub status: String,
    #[serde(default)]
    pub description: String,
    pub decision: String,
    #[serde(default)]
    pub condition: String,
    #[serde(default)]
    pub merge_into: String,
    #[serde(default)]
    pub comment: String,
    pub version: i64,
}

/// The form's values and choices.
pub struct FormView {
    pub action: String,
    pub cancel_href: String,
    pub id: MeasureId,
    pub title: String,
    pub version: i64,
    pub status: String,
    pub description: String,
    pub decision: String,
    pub condition: String,
    pub merge_into: String,
    pub comment: String,
    pub statuses: Vec<(String, String)>,
    pub decisions: Vec<(&'static str, String)>,
    pub targets: Vec<(MeasureId, String)>,
    /// What another person saved in between, when a save was refused.
    pub conflict: Option<Conflict>,
    pub error: Option<String>,
    /// Shown inside the report's table (htmx) rather than on a page of its own.
    pub inline: bool,
    pub csrf: String,
}

pub struct Conflict {
    pub who: String,
    pub status: String,
    pub description: String,
    pub decision: String,
    pub comment: String,
}

impl FormView {
    pub fn status_is(&self, v: &str) -> bool {
        self.status == v
    }
    pub fn decision_is(&self, v: &str) -> bool {
        self.decision == v
    }
}

#[derive(Template)]
#[template(path = "entry_edit.html")]
struct EditPage {
    page: PageCtx,
    tr: Tr,
    form: FormView,
}

#[derive(Template)]
#[template(path = "entry_edit_row.html")]
struct EditRow {
    tr: Tr,
    form: FormView,
}

#[derive(Template)]
#[template(path = "report_row.html")]
struct RowFragment {
    tr: Tr,
    row: ReportRow,
    /// The row comes back into a table with an actions column.
    editable: bool,
    /// Just saved: the row says so to screen readers and takes the focus back.
    saved: bool,
}

/// What an edit needs beyond the request context.
struct Edit<'a> {
    ctx: &'a Ctx,
    org: &'a tiltak_db::OrganisationRow,
    programme: &'a tiltak_db::ProgrammeRow,
    round: &'a tiltak_db::RoundRow,
    id: MeasureId,
    vocabulary: tiltak_core::Vocabulary,
}

/// Checks the edit may happen: an editor only edits what their working groups own, and only in an
/// open round.
async fn load<'a>(app: &AppState, ctx: &'a Ctx) -> AppResult<Edit<'a>> {
    let (org, programme, round, id) = (ctx.org()?, ctx.programme()?, ctx.round()?, ctx.measure()?);
    if ctx.role == Some(Role::Editor) {
        let user = ctx.viewer.user.as_ref().expect("members are logged in");
        if !app.db.group_owns_measure(user.id, programme.id, id).await? {
            return Err(AppError::forbidden(Message::new("forbidden-not-your-area")));
        }
    }
    if round.frozen {
        return Err(AppError::conflict(Message::new("round-frozen")));
    }
    let vocabulary = app.db.vocabulary(org.id).await?;
    Ok(Edit { ctx, org, programme, round, id, vocabulary })
}

async fn form_view(app: &AppState, ctx: &Edit<'_>, e: &EditableEntry) -> AppResult<FormView> {
    let tr = ctx.ctx.tr;
    let base = ctx.ctx.base();
    let mut statuses = vec![(Status::None.key().to_owned(), tr.t("no-status"))];
    statuses.extend(ctx.vocabulary.kinds.iter().map(|k| (k.key.clone(), k.label.clone())));
    let decisions =
        DecisionKind::ALL.iter().map(|d| (d.key(), tr.t(&format!("decision-{}", d.key())))).collect();
    let report = app
        .db
        .load_report(ctx.org, ctx.programme.year, Some(&ctx.round.slug), tiltak_db::Audience::Members)
        .await?;
    let targets = report
        .programme()
        .measures()
        .into_iter()
        .filter_map(|(_, m)| m.id.filter(|id| *id != e.number).map(|id| (id, format!("{id} – {}", m.title))))
        .collect();
    let (condition, merge_into) = match &e.entry.continuation.decision {
        Decision::Conditional { condition } => (condition.clone(), String::new()),
        Decision::Merge { into } => (String::new(), into.id.map(|i| i.to_string()).unwrap_or_default()),
        _ => (String::new(), String::new()),
    };
    Ok(FormView {
        action: format!("{base}/rounds/{}/measures/{}", ctx.round.slug, e.number),
        cancel_href: format!("{base}/report?round={}#m{}", ctx.round.slug, e.number),
        id: e.number,
        title: e.title.clone(),
        version: e.version,
        status: e.entry.status.key().to_owned(),
        description: e.entry.description.clone(),
        decision: e.entry.continuation.decision.kind().key().to_owned(),
        condition,
        merge_into,
        comment: e.entry.continuation.comment.clone(),
        statuses,
        decisions,
        targets,
        conflict: None,
        error: None,
        inline: false,
        csrf: String::new(),
    })
}

fn respond(htmx: bool, status: StatusCode, ctx: &Edit<'_>, mut form: FormView) -> AppResult<Response> {
    let tr = ctx.ctx.tr;
    form.inline = htmx;
    form.csrf = ctx.ctx.viewer.csrf.clone();
    let html = if htmx {
        EditRow { tr, form }.render()?
    } else {
        let title = tr.t1("edit-measure", "title", &form.title);
        let page = ctx.ctx.page(title, "report");
        EditPage { page, tr, form }.render()?
    };
    Ok((status, Html(html)).into_response())
}

pub async fn edit(State(app): State<AppState>, ctx: Ctx, headers: HeaderMap) -> AppResult<Response> {
    let edit = load(&app, &ctx).await?;
    let entry = app.db.editable_entry(edit.programme.id, edit.round.id, edit.id).await?;
    let form = form_view(&app, &edit, &entry).await?;
    respond(is_htmx(&headers), StatusCode::OK, &edit, form)
}

/// The entry a form asks for; the label as written is kept while the status key is unchanged.
fn entry_from_form(ctx: &Edit<'_>, current: &EditableEntry, f: &EntryForm) -> Result<StatusEntry, Message> {
    let status = if f.status == Status::None.key() {
        Status::None
    } else {
        let kind = ctx
            .vocabulary
            .get(&f.status)
            .ok_or_else(|| Message::new("db-status-unknown").arg("status", &f.status))?;
        let label = if current.entry.status.key() == kind.key {
            current.entry.status.label().to_owned()
        } else {
            kind.label.clone()
        };
        Status::Reported { key: kind.key.clone(), label }
    };
    let kind = DecisionKind::ALL
        .into_iter()
        .find(|d| d.key() == f.decision)
        .ok_or_else(|| Message::new("decision-unknown").arg("decision", &f.decision))?;
    let decision = match kind {
        DecisionKind::Yes => Decision::Yes,
        DecisionKind::No => Decision::No,
        DecisionKind::Undecided => Decision::Undecided,
        DecisionKind::Conditional => {
            if f.condition.trim().is_empty() {
                return Err(Message::new("db-condition-needed"));
            }
            Decision::Conditional { condition: f.condition.trim().to_owned() }
        }
        DecisionKind::Merge => {
            // "12" or "12 – title", as the list offers it.
            let number = f.merge_into.trim().split(|c: char| !c.is_ascii_digit()).next().unwrap_or_default();
            let id: MeasureId = number.parse().map_err(|_| Message::new("db-merge-target-needed"))?;
            Decision::Merge { into: MergeTarget { id: Some(id), title: String::new() } }
        }
    };
    Ok(StatusEntry {
        status,
        description: f.description.trim().replace("\r\n", "\n"),
        continuation: Continuation { decision, comment: f.comment.trim().replace("\r\n", "\n") },
    })
}

pub async fn update(
    State(app): State<AppState>,
    request_ctx: Ctx,
    headers: HeaderMap,
    Form(f): Form<EntryForm>,
) -> AppResult<Response> {
    let htmx = is_htmx(&headers);
    let tr = request_ctx.tr;
    let ctx = load(&app, &request_ctx).await?;
    let id = ctx.id;
    let current = app.db.editable_entry(ctx.programme.id, ctx.round.id, id).await?;
    let with_user_values = |mut form: FormView| {
        form.status = f.status.clone();
        form.description = f.description.clone();
        form.decision = f.decision.clone();
        form.condition = f.condition.clone();
        form.merge_into = f.merge_into.clone();
        form.comment = f.comment.clone();
        form
    };
    let entry = match entry_from_form(&ctx, &current, &f) {
        Ok(e) => e,
        Err(message) => {
            let mut form = with_user_values(form_view(&app, &ctx, &current).await?);
            form.version = f.version;
            form.error = Some(tr.message(&message));
            return respond(htmx, StatusCode::UNPROCESSABLE_ENTITY, &ctx, form);
        }
    };
    let actor = request_ctx.actor();
    match app.db.save_entry(ctx.org.id, ctx.programme.id, ctx.round, id, &entry, f.version, &actor).await {
        Ok(saved) => {
            if htmx {
                let report = app
                    .db
                    .load_report(
                        ctx.org,
                        ctx.programme.year,
                        Some(&ctx.round.slug),
                        tiltak_db::Audience::Members,
                    )
                    .await?;
                let programme = report.programme();
                let (path, m) =
                    programme.measures().into_iter().find(|(_, m)| m.id == Some(saved.number)).ok_or_else(
                        || AppError::not_found(Message::new("db-measure-not-found").arg("number", id)),
                    )?;
                let base = request_ctx.base();
                let edit_base = format!("{base}/rounds/{}", ctx.round.slug);
                let rctx = super::report::RowCtx {
                    tr,
                    vocabulary: &ctx.vocabulary,
                    base: &base,
                    edit_base: Some(&edit_base),
                };
                // The row keeps its area cell when it is the first of its area.
                let first_of_area = programme
                    .measures()
                    .into_iter()
                    .find(|(p, _)| p.area == path.area && p.section == path.section)
                    .is_some_and(|(_, first)| first.id == m.id);
                let area =
                    if first_of_area { path.area.unwrap_or_default().to_owned() } else { String::new() };
                let row = super::report::row(&rctx, m, path.depth, area, path.parents.last().copied());
                Ok(Html(RowFragment { tr, row, editable: true, saved: true }.render()?).into_response())
            } else {
                Ok(see_other(&format!(
                    "/{}/{}/report?round={}&saved={id}#m{id}",
                    ctx.org.slug, ctx.programme.year, ctx.round.slug
                )))
            }
        }
        Err(SaveEntryError::Stale { current, changed_by }) => {
            let mut form = with_user_values(form_view(&app, &ctx, &current).await?);
            form.version = current.version;
            form.conflict = Some(Conflict {
                who: changed_by.map(|w| tr.t1("stale-by", "who", w)).unwrap_or_default(),
                status: if current.entry.status.label().is_empty() {
                    tr.t("no-status")
                } else {
                    current.entry.status.label().to_owned()
                },
                description: current.entry.description.clone(),
                decision: decision_label(tr, &current.entry.continuation.decision),
                comment: current.entry.continuation.comment.clone(),
            });
            respond(htmx, StatusCode::CONFLICT, &ctx, form)
        }
        Err(SaveEntryError::Db(e)) => {
            let err = AppError::from(e);
            if err.status == StatusCode::UNPROCESSABLE_ENTITY {
                let mut form = with_user_values(form_view(&app, &ctx, &current).await?);
                form.version = f.version;
                form.error = Some(tr.message(&err.message));
                return respond(htmx, StatusCode::UNPROCESSABLE_ENTITY, &ctx, form);
            }
            Err(err)
        }
    }
}

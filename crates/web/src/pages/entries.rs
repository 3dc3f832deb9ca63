//! Editing one measure's entry in an open round: `GET …/rounds/{round}/measures/{id}/edit` (a page,
//! or with htmx a table row holding the form) and `POST …/rounds/{round}/measures/{id}`.
//! A save carries the version it started from; a stale save is refused with the other change shown.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use tiltak_core::round::{Continuation, Decision, MergeTarget, StatusEntry};
use tiltak_core::{MeasureId, Status};
use tiltak_db::{EditableEntry, SaveEntryError};

use super::report::{ReportRow, decision_label};
use super::{PageCtx, is_htmx, see_other};
use crate::AppState;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult, OrPage};
use crate::i18n::Tr;
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
    pub fn target_is(&self, id: &MeasureId) -> bool {
        self.merge_into == id.to_string()
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
}

struct Ctx {
    org: tiltak_db::OrganisationRow,
    programme: tiltak_db::ProgrammeRow,
    round: tiltak_db::RoundRow,
    vocabulary: tiltak_core::Vocabulary,
}

/// Loads the round to edit in; an editor may only edit what their working groups own.
async fn load(
    app: &AppState,
    tr: Tr,
    viewer: &Viewer,
    slug: &str,
    year: &str,
    round: &str,
    id: MeasureId,
) -> AppResult<Ctx> {
    let org = super::organisation(&app.db, tr, slug).await?;
    let programme = super::programme(&app.db, tr, &org, year).await?;
    if viewer.role(&org.slug) == Some(Role::Editor) {
        let user = viewer.user.as_ref().expect("members are logged in");
        if !app.db.group_owns_measure(user.id, programme.id, id).await.or_page(tr)? {
            return Err(AppError {
                status: StatusCode::FORBIDDEN,
                message: tr.t("forbidden-not-your-area"),
                tr,
            });
        }
    }
    let round = super::round(&app.db, tr, viewer.role(&org.slug).is_some(), &programme, Some(round))
        .await?
        .expect("a named round is found or refused");
    if round.frozen {
        return Err(AppError::conflict(tr, tr.t("round-frozen")));
    }
    let vocabulary = app.db.vocabulary(org.id).await.or_page(tr)?;
    Ok(Ctx { org, programme, round, vocabulary })
}

async fn form_view(app: &AppState, tr: Tr, ctx: &Ctx, e: &EditableEntry) -> AppResult<FormView> {
    let base = format!("/{}/{}", ctx.org.slug, ctx.programme.year);
    let mut statuses = vec![("none".to_owned(), tr.t("no-status"))];
    statuses.extend(ctx.vocabulary.kinds.iter().map(|k| (k.key.clone(), k.label.clone())));
    let decisions = ["yes", "no", "conditional", "merge", "undecided"]
        .into_iter()
        .map(|d| (d, tr.t(&format!("decision-{d}"))))
        .collect();
    let report = app.db.load_report(&ctx.org, ctx.programme.year, Some(&ctx.round.slug)).await.or_page(tr)?;
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

fn respond(
    tr: Tr,
    viewer: &crate::auth::Viewer,
    htmx: bool,
    status: StatusCode,
    ctx: &Ctx,
    mut form: FormView,
) -> AppResult<Response> {
    form.inline = htmx;
    form.csrf = viewer.csrf.clone();
    let html = if htmx {
        EditRow { tr, form }.render().or_page(tr)?
    } else {
        let title = tr.t1("edit-measure", "title", &form.title);
        let page = PageCtx::new(tr, viewer, title, Some(&ctx.org), Some(ctx.programme.year), "report");
        EditPage { page, tr, form }.render().or_page(tr)?
    };
    Ok((status, Html(html)).into_response())
}

pub async fn edit(
    State(app): State<AppState>,
    tr: Tr,
    viewer: Viewer,
    headers: HeaderMap,
    Path((slug, year, round, id)): Path<(String, String, String, MeasureId)>,
) -> AppResult<Response> {
    let ctx = load(&app, tr, &viewer, &slug, &year, &round, id).await?;
    let entry = app.db.editable_entry(ctx.programme.id, ctx.round.id, id).await.or_page(tr)?;
    let form = form_view(&app, tr, &ctx, &entry).await?;
    respond(tr, &viewer, is_htmx(&headers), StatusCode::OK, &ctx, form)
}

/// The entry a form asks for; the label as written is kept while the status key is unchanged.
fn entry_from_form(tr: Tr, ctx: &Ctx, current: &EditableEntry, f: &EntryForm) -> Result<StatusEntry, String> {
    let status = if f.status == "none" {
        Status::None
    } else {
        let kind = ctx
            .vocabulary
            .get(&f.status)
            .ok_or_else(|| format!("{:?}: {}", f.status, tr.t("bad-request")))?;
        let label = if current.entry.status.key() == kind.key {
            current.entry.status.label().to_owned()
        } else {
            kind.label.clone()
        };
        Status::Reported { key: kind.key.clone(), label }
    };
    let decision = match f.decision.as_str() {
        "yes" => Decision::Yes,
        "no" => Decision::No,
        "undecided" => Decision::Undecided,
        "conditional" => {
            if f.condition.trim().is_empty() {
                return Err(format!("{}: {}", tr.t("decision-conditional"), tr.t("condition")));
            }
            Decision::Conditional { condition: f.condition.trim().to_owned() }
        }
        "merge" => {
            let id: MeasureId = f
                .merge_into
                .parse()
                .map_err(|_| format!("{}: {}", tr.t("decision-merge"), tr.t("merge-into")))?;
            Decision::Merge { into: MergeTarget { id: Some(id), title: String::new() } }
        }
        other => return Err(format!("{other:?}: {}", tr.t("bad-request"))),
    };
    Ok(StatusEntry {
        status,
        description: f.description.trim().replace("\r\n", "\n"),
        continuation: Continuation { decision, comment: f.comment.trim().replace("\r\n", "\n") },
    })
}

pub async fn update(
    State(app): State<AppState>,
    tr: Tr,
    viewer: Viewer,
    headers: HeaderMap,
    Path((slug, year, round, id)): Path<(String, String, String, MeasureId)>,
    Form(f): Form<EntryForm>,
) -> AppResult<Response> {
    let htmx = is_htmx(&headers);
    let ctx = load(&app, tr, &viewer, &slug, &year, &round, id).await?;
    let current = app.db.editable_entry(ctx.programme.id, ctx.round.id, id).await.or_page(tr)?;
    let with_user_values = |mut form: FormView| {
        form.status = f.status.clone();
        form.description = f.description.clone();
        form.decision = f.decision.clone();
        form.condition = f.condition.clone();
        form.merge_into = f.merge_into.clone();
        form.comment = f.comment.clone();
        form
    };
    let entry = match entry_from_form(tr, &ctx, &current, &f) {
        Ok(e) => e,
        Err(message) => {
            let mut form = with_user_values(form_view(&app, tr, &ctx, &current).await?);
            form.version = f.version;
            form.error = Some(message);
            return respond(tr, &viewer, htmx, StatusCode::UNPROCESSABLE_ENTITY, &ctx, form);
        }
    };
    let actor = viewer.actor();
    match app.db.save_entry(ctx.org.id, ctx.programme.id, &ctx.round, id, &entry, f.version, &actor).await {
        Ok(saved) => {
            if htmx {
                let report = app
                    .db
                    .load_report(&ctx.org, ctx.programme.year, Some(&ctx.round.slug))
                    .await
                    .or_page(tr)?;
                let programme = report.programme();
                let (path, m) = programme
                    .measures()
                    .into_iter()
                    .find(|(_, m)| m.id == Some(saved.number))
                    .ok_or_else(|| AppError::not_found(tr, format!("measure {id}")))?;
                let base = format!("/{}/{}", ctx.org.slug, ctx.programme.year);
                let edit_base = format!("{base}/rounds/{}", ctx.round.slug);
                let ctx = super::report::RowCtx {
                    tr,
                    vocabulary: &ctx.vocabulary,
                    base: &base,
                    edit_base: Some(&edit_base),
                };
                let row =
                    super::report::row(&ctx, m, path.depth, String::new(), path.parents.last().copied());
                Ok(Html(RowFragment { tr, row, editable: true }.render().or_page(tr)?).into_response())
            } else {
                Ok(see_other(&format!(
                    "/{}/{}/report?round={}&saved={id}#m{id}",
                    ctx.org.slug, ctx.programme.year, ctx.round.slug
                )))
            }
        }
        Err(SaveEntryError::Stale { current, changed_by }) => {
            let mut form = with_user_values(form_view(&app, tr, &ctx, &current).await?);
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
            respond(tr, &viewer, htmx, StatusCode::CONFLICT, &ctx, form)
        }
        Err(SaveEntryError::Db(e)) => {
            let err = AppError::from_db(tr, e);
            if err.status == StatusCode::UNPROCESSABLE_ENTITY {
                let mut form = with_user_values(form_view(&app, tr, &ctx, &current).await?);
                form.version = f.version;
                form.error = Some(err.message);
                return respond(tr, &viewer, htmx, StatusCode::UNPROCESSABLE_ENTITY, &ctx, form);
            }
            Err(err)
        }
    }
}

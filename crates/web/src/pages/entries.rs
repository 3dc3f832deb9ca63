//! Editing one measure's entry in an open round: `GET …/rounds/{round}/measures/{id}/edit` (a page,
//! or with htmx a table row holding the form) and `POST …/rounds/{round}/measures/{id}`.
//! A save carries the version it started from; a stale save is refused with the other change shown.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use tiltak_core::round::{Continuation, Decision, DecisionKind, MergeTarget, StatusEntry};
use tiltak_core::{FieldDef, FieldKind, Fields, MeasureId, Status};
use tiltak_db::{EditableEntry, SaveEntryError};

use super::report::ReportRow;
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
    /// The values the form started from (`orig_status` …): a field the person did not change is
    /// never written back over someone else's newer value.
    #[serde(default)]
    pub orig_status: Option<String>,
    #[serde(default)]
    pub orig_description: Option<String>,
    #[serde(default)]
    pub orig_decision: Option<String>,
    #[serde(default)]
    pub orig_condition: Option<String>,
    #[serde(default)]
    pub orig_merge_into: Option<String>,
    #[serde(default)]
    pub orig_comment: Option<String>,
    /// "mine": the person came from "Mine tiltak" and goes back there after saving.
    #[serde(default)]
    pub from: String,
}

/// The fields of an entry as the form writes them, in this order.
pub(crate) const FIELDS: [&str; 6] =
    ["status", "description", "decision", "condition", "merge_into", "comment"];

impl EntryForm {
    pub(crate) fn values(&self) -> [String; 6] {
        [&self.status, &self.description, &self.decision, &self.condition, &self.merge_into, &self.comment]
            .map(|v| v.replace("\r\n", "\n").trim().to_owned())
    }

    fn origins(&self) -> [Option<String>; 6] {
        [
            &self.orig_status,
            &self.orig_description,
            &self.orig_decision,
            &self.orig_condition,
            &self.orig_merge_into,
            &self.orig_comment,
        ]
        .map(|v| v.as_ref().map(|v| v.replace("\r\n", "\n").trim().to_owned()))
    }

    fn set(&mut self, values: [String; 6]) {
        let [status, description, decision, condition, merge_into, comment] = values;
        (self.status, self.description, self.decision) = (status, description, decision);
        (self.condition, self.merge_into, self.comment) = (condition, merge_into, comment);
    }
}

/// An entry's values as the form writes them.
pub(crate) fn values_of(e: &EditableEntry) -> [String; 6] {
    let (condition, merge_into) = match &e.entry.continuation.decision {
        Decision::Conditional { condition } => (condition.clone(), String::new()),
        Decision::Merge { into } => (String::new(), into.id.map(|i| i.to_string()).unwrap_or_default()),
        _ => (String::new(), String::new()),
    };
    [
        e.entry.status.key().to_owned(),
        e.entry.description.clone(),
        e.entry.continuation.decision.kind().key().to_owned(),
        condition,
        merge_into,
        e.entry.continuation.comment.clone(),
    ]
}

/// Merges a save made from an older version with what was saved since, field by field: a field
/// only one side changed takes that side's value; a field both changed, differently, is a
/// conflict (its index), and keeps the person's value for them to decide.
pub(crate) fn merge(
    mine: [String; 6],
    base: [Option<String>; 6],
    theirs: [String; 6],
) -> ([String; 6], Vec<usize>) {
    let mut merged = theirs.clone();
    let mut conflicts = Vec::new();
    for i in 0..FIELDS.len() {
        merged[i] = if mine[i] == theirs[i] {
            mine[i].clone()
        } else if base[i].as_ref() == Some(&mine[i]) {
            theirs[i].clone()
        } else if base[i].as_ref() == Some(&theirs[i]) {
            mine[i].clone()
        } else {
            conflicts.push(i);
            mine[i].clone()
        };
    }
    (merged, conflicts)
}

/// One of the organisation's own fields in the form.
pub struct FieldInput {
    pub name: String,
    /// For the input's id: the field's place in the list.
    pub index: usize,
    pub kind: FieldKind,
    pub choices: Vec<String>,
    pub value: String,
    pub orig: String,
}

impl FieldInput {
    pub fn is_kind(&self, k: &str) -> bool {
        self.kind.key() == k
    }

    pub fn chosen(&self, c: &str) -> bool {
        self.value == c
    }
}

/// The form's own fields as sent: `f:NAME` the value, `o:NAME` the value it started from.
pub(crate) fn fields_sent(body: &[u8]) -> (Fields, Fields) {
    let (mut mine, mut base) = (Fields::new(), Fields::new());
    for (k, v) in form_urlencoded::parse(body) {
        let v = v.replace("\r\n", "\n").trim().to_owned();
        if let Some(name) = k.strip_prefix("f:") {
            mine.insert(name.to_owned(), v);
        } else if let Some(name) = k.strip_prefix("o:") {
            base.insert(name.to_owned(), v);
        }
    }
    (mine, base)
}

/// Merges the fields a form sent with what was saved since, as [`merge`] does the entry's
/// values: the merged fields and the names both sides changed differently.
pub(crate) fn merge_fields(mine: &Fields, base: &Fields, theirs: &Fields) -> (Fields, Vec<String>) {
    let mut merged = theirs.clone();
    let mut conflicts = Vec::new();
    for (name, m) in mine {
        let t = theirs.get(name).cloned().unwrap_or_default();
        let value = if *m == t {
            m.clone()
        } else if base.get(name) == Some(m) {
            t
        } else if base.get(name) == Some(&t) || base.get(name).is_none() && t.is_empty() {
            m.clone()
        } else {
            conflicts.push(name.clone());
            m.clone()
        };
        merged.insert(name.clone(), value);
    }
    merged.retain(|_, v| !v.is_empty());
    (merged, conflicts)
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
    /// The values the form started from, sent back as `orig_*`.
    pub orig: [String; 6],
    /// The organisation's own fields: each with its value and the value the form started from.
    pub fields: Vec<FieldInput>,
    pub statuses: Vec<(String, String)>,
    pub decisions: Vec<(&'static str, String)>,
    pub targets: Vec<(MeasureId, String)>,
    /// What another person saved in between, when a save was refused.
    pub conflict: Option<Conflict>,
    pub error: Option<String>,
    /// Shown inside the report's table (htmx) rather than on a page of its own.
    pub inline: bool,
    pub csrf: String,
    /// Opened from "Mine tiltak": saving and cancelling go back there.
    pub from_mine: bool,
}

/// Fields both people changed: (label, what the other person saved).
pub struct Conflict {
    pub who: String,
    pub fields: Vec<(String, String)>,
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
    round: Option<super::measures::RoundState>,
    comments: Vec<super::comments::CommentView>,
    comment_back: &'static str,
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
pub(crate) struct Edit<'a> {
    ctx: &'a Ctx,
    pub org: &'a tiltak_db::OrganisationRow,
    pub programme: &'a tiltak_db::ProgrammeRow,
    pub round: &'a tiltak_db::RoundRow,
    pub id: MeasureId,
    pub vocabulary: tiltak_core::Vocabulary,
    /// The organisation's own fields, edited beside the status.
    pub fields: Vec<FieldDef>,
}

/// Checks the edit may happen: an editor only edits what their working groups own, and only in an
/// open round.
pub(crate) async fn load<'a>(app: &AppState, ctx: &'a Ctx) -> AppResult<Edit<'a>> {
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
    let fields = app.db.custom_fields(org.id).await?;
    Ok(Edit { ctx, org, programme, round, id, vocabulary, fields })
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
        orig: values_of(e),
        fields: ctx
            .fields
            .iter()
            .enumerate()
            .map(|(index, d)| {
                let value = e.entry.fields.get(&d.name).cloned().unwrap_or_default();
                FieldInput {
                    name: d.name.clone(),
                    index,
                    kind: d.kind,
                    choices: d.choices.clone(),
                    orig: value.clone(),
                    value,
                }
            })
            .collect(),
        statuses,
        decisions,
        targets,
        conflict: None,
        error: None,
        inline: false,
        csrf: String::new(),
        from_mine: false,
    })
}

async fn respond(
    app: &AppState,
    htmx: bool,
    status: StatusCode,
    ctx: &Edit<'_>,
    mut form: FormView,
) -> AppResult<Response> {
    let tr = ctx.ctx.tr;
    form.inline = htmx;
    form.csrf = ctx.ctx.viewer.csrf.clone();
    let html = if htmx {
        EditRow { tr, form }.render()?
    } else {
        let title = tr.t1("edit-measure", "title", &form.title);
        let page = ctx.ctx.page(title, "report");
        // The page says when the round is due and holds the measure's comments.
        let base = ctx.ctx.base();
        let round = super::measures::RoundState {
            label: ctx.round.label.clone(),
            deadline: super::mine::deadline_text(tr, &ctx.round.deadline, app.clock.today()),
            updated: app.db.entry_updated(ctx.programme.id, ctx.round.id, ctx.id).await?,
            may_edit: true,
            edit_href: form.action.clone(),
            comment_action: format!("{base}/rounds/{}/measures/{}/comments", ctx.round.slug, ctx.id),
        };
        let comments = app
            .db
            .comments(ctx.programme.id, ctx.id)
            .await?
            .into_iter()
            .map(|c| super::comments::CommentView::of(tr, c))
            .collect();
        EditPage { page, tr, form, round: Some(round), comments, comment_back: "edit" }.render()?
    };
    Ok((status, Html(html)).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct EditQuery {
    #[serde(default)]
    pub from: String,
}

/// The form comes back to where the person opened it: "Mine tiltak" or the report.
fn came_from_mine(ctx: &Ctx, form: &mut FormView, from: &str) {
    if from == "mine"
        && let Some(org) = &ctx.org
    {
        form.from_mine = true;
        form.cancel_href = format!("/{}/mine", org.slug);
    }
}

pub async fn edit(
    State(app): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    axum::extract::Query(q): axum::extract::Query<EditQuery>,
) -> AppResult<Response> {
    let edit = load(&app, &ctx).await?;
    let entry = app.db.editable_entry(edit.programme.id, edit.round.id, edit.id).await?;
    let mut form = form_view(&app, &edit, &entry).await?;
    came_from_mine(&ctx, &mut form, &q.from);
    respond(&app, is_htmx(&headers), StatusCode::OK, &edit, form).await
}

/// One field of a conflict as the person reads it: its label and the other person's value.
pub(crate) fn field_view(tr: Tr, ctx: &Edit<'_>, i: usize, value: &str) -> (String, String) {
    let label = tr.t(match FIELDS[i] {
        "status" => "col-status",
        "description" => "col-description",
        "decision" => "decision",
        "condition" => "condition",
        "merge_into" => "merge-into",
        _ => "comment",
    });
    let shown = match FIELDS[i] {
        "status" => ctx.vocabulary.get(value).map(|k| k.label.clone()).unwrap_or_else(|| tr.t("no-status")),
        "decision" => tr.t(&format!("decision-{value}")),
        _ => value.to_owned(),
    };
    (label, shown)
}

/// The entry a form asks for; the label as written is kept while the status key is unchanged.
pub(crate) fn entry_from_form(
    ctx: &Edit<'_>,
    current: &EditableEntry,
    f: &EntryForm,
) -> Result<StatusEntry, Message> {
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
        version: None,
        fields: current.entry.fields.clone(),
    })
}

/// The fields a person set, each checked against its kind, over those saved (a field the
/// organisation no longer lists keeps its value); `Err` names the first that does not fit.
pub(crate) fn fields_from_form(
    defs: &[FieldDef],
    saved: &Fields,
    merged: &Fields,
) -> Result<Fields, Message> {
    let mut out = saved.clone();
    for d in defs {
        // A field the form did not send (an older form, the API) stays as saved.
        let Some(v) = merged.get(&d.name) else { continue };
        match d.check(v) {
            Ok(v) if v.is_empty() => {
                out.remove(&d.name);
            }
            Ok(v) => {
                out.insert(d.name.clone(), v);
            }
            Err(e) => return Err(crate::i18n::field_error(&d.name, &e)),
        }
    }
    Ok(out)
}

pub async fn update(
    State(app): State<AppState>,
    request_ctx: Ctx,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    let htmx = is_htmx(&headers);
    let tr = request_ctx.tr;
    let f: EntryForm = serde_urlencoded::from_bytes(&body)
        .map_err(|e| AppError::bad_request(Message::new("form-invalid").arg("detail", e)))?;
    let (mine_fields, base_fields) = fields_sent(&body);
    let ctx = load(&app, &request_ctx).await?;
    let id = ctx.id;
    let current = app.db.editable_entry(ctx.programme.id, ctx.round.id, id).await?;
    let mut f = f;
    let started_from = f.origins();
    // Saved from an older version: someone saved in between. Merge field by field.
    let mut conflicts = Vec::new();
    let mut field_conflicts = Vec::new();
    let mut fields_set = mine_fields.clone();
    if f.version != current.version {
        let (merged, both) = merge(f.values(), f.origins(), values_of(&current));
        f.set(merged);
        f.version = current.version;
        conflicts = both;
        let (merged, both) = merge_fields(&mine_fields, &base_fields, &current.entry.fields);
        fields_set = merged;
        field_conflicts = both;
    }
    let with_user_values = |mut form: FormView, f: &EntryForm| {
        [form.status, form.description, form.decision, form.condition, form.merge_into, form.comment] =
            f.values();
        for input in &mut form.fields {
            if let Some(v) = mine_fields.get(&input.name) {
                input.value = v.clone();
            }
        }
        came_from_mine(&request_ctx, &mut form, &f.from);
        form
    };
    if !conflicts.is_empty() || !field_conflicts.is_empty() {
        let mut form = with_user_values(form_view(&app, &ctx, &current).await?, &f);
        form.version = current.version;
        let theirs = values_of(&current);
        let changed_by =
            app.db.changes(ctx.programme.id, Some(i64::from(id)), 1).await?.first().map(|c| c.actor.clone());
        let mut fields: Vec<(String, String)> =
            conflicts.iter().map(|&i| field_view(tr, &ctx, i, &theirs[i])).collect();
        fields.extend(
            field_conflicts
                .iter()
                .map(|n| (n.clone(), current.entry.fields.get(n).cloned().unwrap_or_default())),
        );
        form.conflict = Some(Conflict {
            who: changed_by.map(|w| tr.t1("stale-by", "who", w)).unwrap_or_default(),
            fields,
        });
        return respond(&app, htmx, StatusCode::CONFLICT, &ctx, form).await;
    }
    let entry = entry_from_form(&ctx, &current, &f).and_then(|mut e| {
        e.fields = fields_from_form(&ctx.fields, &current.entry.fields, &fields_set)?;
        Ok(e)
    });
    let entry = match entry {
        Ok(e) => e,
        Err(message) => {
            let mut form = with_user_values(form_view(&app, &ctx, &current).await?, &f);
            form.version = f.version;
            form.orig = started_from.map(Option::unwrap_or_default);
            form.error = Some(tr.message(&message));
            return respond(&app, htmx, StatusCode::UNPROCESSABLE_ENTITY, &ctx, form).await;
        }
    };
    let actor = request_ctx.actor();
    match app.db.save_entry(ctx.org.id, ctx.programme.id, ctx.round, id, &entry, f.version, &actor).await {
        Ok(saved) => {
            let found =
                super::entities::found_in(ctx.programme.year, saved.number, &saved.title, &saved.entry);
            super::entities::offer(&app, ctx.programme.id, found).await;
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
                let columns: Vec<FieldDef> = ctx.fields.iter().filter(|d| d.in_report).cloned().collect();
                let rctx = super::report::RowCtx {
                    tr,
                    vocabulary: &ctx.vocabulary,
                    base: &base,
                    edit_base: Some(&edit_base),
                    columns: &columns,
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
            } else if f.from == "mine" {
                app.flash.put(&request_ctx.viewer.csrf, tr.t1("mine-saved", "title", &saved.title));
                Ok(see_other(&format!("/{}/mine", ctx.org.slug)))
            } else {
                Ok(see_other(&format!(
                    "/{}/{}/report?round={}&saved={id}#m{id}",
                    ctx.org.slug, ctx.programme.year, ctx.round.slug
                )))
            }
        }
        // Someone saved between reading and writing (a race of a few milliseconds): show what
        // they saved beside what this person wrote, and let them decide.
        Err(SaveEntryError::Stale { current, changed_by }) => {
            let mut form = with_user_values(form_view(&app, &ctx, &current).await?, &f);
            form.version = current.version;
            let (mine, theirs) = (f.values(), values_of(&current));
            form.conflict = Some(Conflict {
                who: changed_by.map(|w| tr.t1("stale-by", "who", w)).unwrap_or_default(),
                fields: (0..FIELDS.len())
                    .filter(|&i| mine[i] != theirs[i])
                    .map(|i| field_view(tr, &ctx, i, &theirs[i]))
                    .collect(),
            });
            respond(&app, htmx, StatusCode::CONFLICT, &ctx, form).await
        }
        Err(SaveEntryError::Db(e)) => {
            let err = AppError::from(e);
            if err.status == StatusCode::UNPROCESSABLE_ENTITY {
                let mut form = with_user_values(form_view(&app, &ctx, &current).await?, &f);
                form.version = f.version;
                form.error = Some(tr.message(&err.message));
                return respond(&app, htmx, StatusCode::UNPROCESSABLE_ENTITY, &ctx, form).await;
            }
            Err(err)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::merge;

    #[test]
    fn merging_takes_each_side_s_own_changes() {
        let s = |v: [&str; 6]| v.map(str::to_owned);
        let o = |v: [&str; 6]| v.map(|x| Some(x.to_owned()));
        let base = ["ongoing", "tekst", "yes", "", "", ""];
        let (merged, conflicts) = merge(
            s(["ongoing", "ny tekst", "yes", "", "", ""]),
            o(base),
            s(["done", "tekst", "yes", "", "", ""]),
        );
        assert_eq!(merged, s(["done", "ny tekst", "yes", "", "", ""]));
        assert!(conflicts.is_empty());
        let (merged, conflicts) = merge(
            s(["ongoing", "min", "yes", "", "", ""]),
            o(base),
            s(["ongoing", "din", "yes", "", "", ""]),
        );
        assert_eq!((merged[1].as_str(), conflicts), ("min", vec![1]));
        // Without the values it started from (an old form), every difference is asked about.
        let (_, conflicts) =
            merge(s(["done", "x", "yes", "", "", ""]), [None, None, None, None, None, None], s(base));
        assert_eq!(conflicts, vec![0, 1]);
    }
}

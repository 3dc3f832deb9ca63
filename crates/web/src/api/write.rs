//! The API's writes: an entry's update (merged with what others saved since, as the web form's
//! save is) and an import in two steps (preview, then confirm), through the same code as the pages.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::Deserialize;
use tiltak_db::SaveEntryError;
use utoipa::IntoParams;

use super::model::{self, Entry};
use super::{ApiJson, ApiQuery, ok, url};
use crate::AppState;
use crate::context::Ctx;
use crate::error::{ApiError, AppError, AppResult};
use crate::i18n::Message;
use crate::pages::entries::{self, EntryForm, FIELDS};
use crate::pages::import::{self, Confirmed, Upload};

/// Updates a measure's entry in an open round. Fields left out are not changed. Sent with the
/// version it was read at: when someone saved since, the update is merged field by field with
/// what they saved (give `started_from`, the values read, so that only fields both changed
/// conflict); a field both changed differently is a 409 with both values, and nothing is saved.
#[utoipa::path(
    patch,
    path = "/api/v1/organisations/{org}/programmes/{year}/rounds/{round}/measures/{id}",
    tag = "write",
    params(
        ("org" = String, Path, description = "The organisation's slug"),
        ("year" = i32, Path, description = "The programme's year"),
        ("round" = String, Path, description = "The round's slug or label"),
        ("id" = u32, Path, description = "The measure's number in the programme"),
    ),
    request_body = model::EntryUpdate,
    responses(
        (status = 200, description = "Saved: the entry as it is now", body = Entry),
        (status = 400, description = "Not JSON of this shape", body = ApiError),
        (status = 401, description = "No valid token", body = ApiError),
        (status = 403, description = "The token's role may not edit this measure (or the CSRF token is missing)", body = ApiError),
        (status = 404, description = "No such measure or round, or none the asker may see", body = ApiError),
        (status = 409, description = "Someone else changed the same field, or the round is frozen", body = model::Conflict),
        (status = 413, description = "A body larger than 2 MiB", body = ApiError),
        (status = 422, description = "A value that does not fit (an unknown status, a condition missing)", body = ApiError),
        (status = 429, description = "Too many requests; see Retry-After", body = ApiError),
    ),
    security(("token" = []))
)]
pub async fn update_entry(
    State(app): State<AppState>,
    ctx: Ctx,
    ApiJson(update): ApiJson<model::EntryUpdate>,
) -> AppResult<Response> {
    let edit = entries::load(&app, &ctx).await?;
    let current = app.db.editable_entry(edit.programme.id, edit.round.id, edit.id).await?;
    let theirs = entries::values_of(&current);
    let base = update.started_from.clone().unwrap_or_default().values();
    let given = update.set().values();
    // A field left out is one this update does not change: it stays as saved now (whatever
    // `started_from` claims for it).
    let mine: [String; 6] = std::array::from_fn(|i| given[i].clone().unwrap_or_else(|| theirs[i].clone()));
    let mine = mine.map(|v| v.replace("\r\n", "\n").trim().to_owned());
    let mut values = mine.clone();
    if update.version != current.version {
        let (merged, conflicts) = entries::merge(mine.clone(), base, theirs.clone());
        if !conflicts.is_empty() {
            return conflict(&app, &ctx, &edit, &current, &mine, &conflicts, None).await;
        }
        values = merged;
    }
    let [status, description, decision, condition, merge_into, comment] = values;
    let form = EntryForm {
        status,
        description,
        decision,
        condition,
        merge_into,
        comment,
        version: current.version,
        orig_status: None,
        orig_description: None,
        orig_decision: None,
        orig_condition: None,
        orig_merge_into: None,
        orig_comment: None,
        from: String::new(),
    };
    let entry = entries::entry_from_form(&edit, &current, &form).map_err(AppError::unprocessable)?;
    let vocabulary = &edit.vocabulary;
    match app
        .db
        .save_entry(
            edit.org.id,
            edit.programme.id,
            edit.round,
            edit.id,
            &entry,
            current.version,
            &ctx.actor(),
        )
        .await
    {
        Ok(saved) => {
            let found = crate::pages::entities::found_in(
                edit.programme.year,
                saved.number,
                &saved.title,
                &saved.entry,
            );
            crate::pages::entities::offer(&app, edit.programme.id, found).await;
            let mut entry = saved.entry.clone();
            entry.version = Some(saved.version);
            ok(&Entry::of(&entry, vocabulary))
        }
        // Someone saved between reading and writing: every field that differs is theirs to see.
        Err(SaveEntryError::Stale { current, changed_by }) => {
            let now = entries::values_of(&current);
            let differ: Vec<usize> = (0..FIELDS.len()).filter(|&i| form.values()[i] != now[i]).collect();
            conflict(&app, &ctx, &edit, &current, &form.values(), &differ, changed_by).await
        }
        Err(SaveEntryError::Db(e)) => Err(e.into()),
    }
}

/// The 409 of an update: the fields both changed, with both values, and the entry as saved now.
async fn conflict(
    app: &AppState,
    ctx: &Ctx,
    edit: &entries::Edit<'_>,
    current: &tiltak_db::EditableEntry,
    mine: &[String; 6],
    fields: &[usize],
    changed_by: Option<String>,
) -> AppResult<Response> {
    let changed_by = match changed_by {
        Some(who) => Some(who),
        None => app
            .db
            .changes(edit.programme.id, Some(i64::from(edit.id)), 1)
            .await?
            .first()
            .map(|c| c.actor.clone()),
    };
    let theirs = entries::values_of(current);
    let message = Message::new("api-entry-conflict");
    let mut entry = current.entry.clone();
    entry.version = Some(current.version);
    let body = model::Conflict {
        status: StatusCode::CONFLICT.as_u16(),
        error: message.id.to_owned(),
        message: ctx.tr.message(&message),
        changed_by,
        fields: fields
            .iter()
            .map(|&i| model::ConflictField {
                field: FIELDS[i].to_owned(),
                yours: mine[i].clone(),
                theirs: theirs[i].clone(),
            })
            .collect(),
        current: Some(Entry::of(&entry, &edit.vocabulary)),
    };
    Ok((StatusCode::CONFLICT, axum::Json(body)).into_response())
}

/// What an import's first step is told besides the file.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportFile {
    /// The file's name; its ending says what it is: `.txt` (report text), `.docx`, `.xlsx`,
    /// `.csv` or `.json`.
    pub name: String,
    /// The programme's year, when the file does not say.
    pub year: Option<String>,
    /// The round's label, when the file does not say.
    pub round: Option<String>,
    /// The round's date (YYYY-MM-DD), when the file does not say.
    pub date: Option<String>,
    /// For a table of the organisation's own: which column holds what, `TARGET=HEADING`
    /// comma-separated (`area=Nämnd,measure=Uppdrag,status=Status`); without it, the profile saved
    /// for the same headings, or Tiltak's suggestion.
    pub columns: Option<String>,
    /// Status labels the vocabulary does not know, `LABEL=KEY` comma-separated.
    pub statuses: Option<String>,
}

/// Step one of an import: the file (the request's body, as is) is read and kept for an hour; the
/// answer tells what it would change in the round it replaces. Nothing is saved.
#[utoipa::path(
    post,
    path = "/api/v1/organisations/{org}/imports",
    tag = "write",
    params(("org" = String, Path, description = "The organisation's slug"), ImportFile),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file"),
    responses(
        (status = 200, description = "What the file would import", body = model::ImportPreview),
        (status = 400, description = "No file name", body = ApiError),
        (status = 401, description = "No valid token", body = ApiError),
        (status = 403, description = "The token's role may not import", body = ApiError),
        (status = 404, description = "No such organisation", body = ApiError),
        (status = 413, description = "The file is larger than 16 MiB", body = ApiError),
        (status = 422, description = "The file could not be read: each problem with its place", body = model::ImportRefused),
        (status = 429, description = "Too many requests; see Retry-After", body = ApiError),
    ),
    security(("token" = []))
)]
pub async fn import_preview(
    State(app): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<ImportFile>,
    body: Bytes,
) -> AppResult<Response> {
    let (tr, org) = (ctx.tr, ctx.org()?);
    if q.name.trim().is_empty() || body.is_empty() {
        return Err(AppError::bad_request(Message::new("import-no-file")));
    }
    let mut upload = Upload {
        name: q.name.trim().to_owned(),
        data: BASE64.encode(&body),
        year: q.year.unwrap_or_default(),
        round: q.round.unwrap_or_default(),
        date: q.date.unwrap_or_default(),
        columns: q.columns.unwrap_or_default(),
        statuses: q.statuses.unwrap_or_default(),
        ..Upload::default()
    };
    let preview = match import::read_and_keep(&app, &ctx, &mut upload).await? {
        Ok(p) => p,
        Err(refused) => return Ok(refused_answer(refused)),
    };
    let changes = preview.replaces.as_ref().map(|list| {
        list.iter()
            .map(|c| model::ImportChange {
                measure: c.title.clone(),
                kind: c.kind.to_owned(),
                fields: c
                    .fields
                    .iter()
                    .map(|(field, before, after)| model::FieldChange {
                        field: field.clone(),
                        before: before.clone(),
                        after: after.clone(),
                    })
                    .collect(),
                newer: c.newer,
            })
            .collect()
    });
    ok(&model::ImportPreview {
        confirm_url: url(&app, &format!("/organisations/{}/imports/{}/confirm", org.slug, upload.upload)),
        upload: upload.upload,
        title: preview.title,
        year: preview.year,
        round: preview.round,
        measures: preview.measures,
        warnings: preview
            .warnings
            .iter()
            .map(|(line, m)| model::Warning { line: *line, message: tr.message(m) })
            .collect(),
        replaces_round: changes.is_some(),
        changes: changes.unwrap_or_default(),
    })
}

fn refused_answer(refused: import::Refused) -> Response {
    let body = model::ImportRefused {
        status: StatusCode::UNPROCESSABLE_ENTITY.as_u16(),
        error: "import-refused".into(),
        message: refused.message,
        problems: refused.problems,
    };
    (StatusCode::UNPROCESSABLE_ENTITY, axum::Json(body)).into_response()
}

/// How to save a previewed file.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConfirmOptions {
    /// Also overwrite entries someone saved after the file was made (the preview's `newer`).
    #[serde(default)]
    pub overwrite_newer: bool,
}

/// Step two of an import: the kept file is read again and saved in one transaction.
#[utoipa::path(
    post,
    path = "/api/v1/organisations/{org}/imports/{upload}/confirm",
    tag = "write",
    params(
        ("org" = String, Path, description = "The organisation's slug"),
        ("upload" = String, Path, description = "The preview's `upload`"),
        ConfirmOptions,
    ),
    responses(
        (status = 200, description = "Saved", body = model::ImportDone),
        (status = 400, description = "An option that does not fit (`overwrite_newer` is true or false)", body = ApiError),
        (status = 401, description = "No valid token", body = ApiError),
        (status = 403, description = "The token's role may not import", body = ApiError),
        (status = 404, description = "No such organisation", body = ApiError),
        (status = 410, description = "The kept file is gone (an hour passed, it was saved, or the server restarted)", body = ApiError),
        (status = 409, description = "The store refused it (a frozen round)", body = ApiError),
        (status = 422, description = "The file could not be read", body = model::ImportRefused),
        (status = 429, description = "Too many requests; see Retry-After", body = ApiError),
    ),
    security(("token" = []))
)]
pub async fn import_confirm(
    State(app): State<AppState>,
    ctx: Ctx,
    Path((_, upload)): Path<(String, String)>,
    ApiQuery(q): ApiQuery<ConfirmOptions>,
) -> AppResult<Response> {
    let org = ctx.org()?;
    let upload = Upload {
        upload,
        overwrite_newer: if q.overwrite_newer { "1".into() } else { String::new() },
        ..Upload::default()
    };
    match import::save(&app, &ctx, upload).await? {
        Confirmed::Saved { year, round, saved } => ok(&model::ImportDone {
            year,
            measures_url: url(
                &app,
                &format!(
                    "/organisations/{}/programmes/{year}/measures{}",
                    org.slug,
                    round.as_ref().map(|r| format!("?round={r}")).unwrap_or_default()
                ),
            ),
            round: round.unwrap_or_default(),
            measures: saved.measures,
            kept_newer: saved.kept_newer,
        }),
        Confirmed::Expired => Err(AppError::new(StatusCode::GONE, Message::new("import-upload-expired"))),
        Confirmed::Refused(refused) => Ok(refused_answer(refused)),
        Confirmed::Conflict(m) => Err(AppError::conflict(m)),
    }
}

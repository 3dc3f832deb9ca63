//! `/{org}/{year}/report/download?format=xlsx|csv|md|json[&round=…]`: the report as a file, the
//! same bytes as `tiltak export` writes.

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tiltak_formats::{Labels, csv_export, json, markdown, spreadsheet};

use crate::AppState;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult, OrPage};
use crate::i18n::Tr;

#[derive(Debug, Deserialize)]
pub struct DownloadQuery {
    pub format: String,
    #[serde(default)]
    pub round: Option<String>,
}

pub async fn report(
    State(app): State<AppState>,
    tr: Tr,
    viewer: Viewer,
    Path((slug, year)): Path<(String, String)>,
    Query(q): Query<DownloadQuery>,
) -> AppResult<Response> {
    let org = super::organisation(&app.db, tr, &slug).await?;
    let programme = super::programme(&app.db, tr, &org, &year).await?;
    let round = super::round(&app.db, tr, viewer.role(&org.slug).is_some(), &programme, q.round.as_deref())
        .await?
        .ok_or_else(|| AppError::not_found(tr, tr.t("overview-no-round")))?;
    let report = app.db.load_report(&org, programme.year, Some(&round.slug)).await.or_page(tr)?;
    let labels = Labels::for_language(tr.language);
    let (content_type, extension, bytes): (&str, &str, Vec<u8>) = match q.format.as_str() {
        "xlsx" => {
            let vocabulary = app.db.vocabulary(org.id).await.or_page(tr)?;
            let bytes = spreadsheet::write_xlsx(&report, &vocabulary, &labels)
                .map_err(|e| AppError::internal(tr, e))?;
            ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", bytes)
        }
        "csv" => ("text/csv; charset=utf-8", "csv", csv_export::write(&report).into_bytes()),
        "md" => ("text/markdown; charset=utf-8", "md", markdown::write(&report, &labels).into_bytes()),
        "json" => ("application/json", "json", json::write(&report.into()).into_bytes()),
        other => return Err(AppError::bad_request(tr, format!("{other:?}: xlsx, csv, md or json"))),
    };
    let name = format!("{}-{}-{}.{extension}", org.slug, programme.year, round.slug);
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        bytes,
    )
        .into_response())
}

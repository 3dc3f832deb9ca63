//! `/{org}/{year}/report/download?format=docx|pdf|xlsx|csv|md|json[&round=…]`: the report as a file,
//! the same bytes as `tiltak export` writes; `/{org}/{year}/rounds/{round}/changes/download?format=
//! docx|pdf`: the changes since the previous round.

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tiltak_formats::board::ChangesReport;
use tiltak_formats::{Labels, csv_export, docx, json, markdown, spreadsheet};

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
        "docx" => {
            let vocabulary = app.db.vocabulary(org.id).await.or_page(tr)?;
            let bytes =
                docx::write_report(&report, &vocabulary, &labels).map_err(|e| AppError::internal(tr, e))?;
            (DOCX, "docx", bytes)
        }
        #[cfg(feature = "pdf")]
        "pdf" => {
            let vocabulary = app.db.vocabulary(org.id).await.or_page(tr)?;
            let bytes = tiltak_pdf::write_report(&report, &vocabulary, &labels)
                .map_err(|e| AppError::internal(tr, e))?;
            ("application/pdf", "pdf", bytes)
        }
        other => {
            return Err(AppError::bad_request(tr, format!("{other:?}: docx, pdf, xlsx, csv, md or json")));
        }
    };
    let name = format!("{}-{}-{}.{extension}", org.slug, programme.year, round.slug);
    Ok(attachment(content_type, &name, bytes))
}

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

#[derive(Debug, Deserialize)]
pub struct FormatQuery {
    pub format: String,
}

pub async fn changes(
    State(app): State<AppState>,
    tr: Tr,
    viewer: Viewer,
    Path((slug, year, round)): Path<(String, String, String)>,
    Query(q): Query<FormatQuery>,
) -> AppResult<Response> {
    let org = super::organisation(&app.db, tr, &slug).await?;
    let programme = super::programme(&app.db, tr, &org, &year).await?;
    let (previous, current) = super::changes::rounds(&app, tr, &viewer, &org, &programme, &round).await?;
    let after = app.db.round_report(&org, programme.year, &current).await.or_page(tr)?;
    let before = match &previous {
        Some(p) => Some((p.label.clone(), app.db.round_report(&org, programme.year, p).await.or_page(tr)?)),
        None => None,
    };
    let labels = Labels::for_language(tr.language);
    let changes = ChangesReport::new(before.as_ref().map(|(l, r)| (l.as_str(), r)), &after, &labels);
    let (content_type, extension, bytes) = match q.format.as_str() {
        "docx" => (DOCX, "docx", docx::write_changes(&changes).map_err(|e| AppError::internal(tr, e))?),
        #[cfg(feature = "pdf")]
        "pdf" => (
            "application/pdf",
            "pdf",
            tiltak_pdf::write_changes(&changes).map_err(|e| AppError::internal(tr, e))?,
        ),
        other => return Err(AppError::bad_request(tr, format!("{other:?}: docx or pdf"))),
    };
    let name = format!("{}-{}-{}-changes.{extension}", org.slug, programme.year, current.slug);
    Ok(attachment(content_type, &name, bytes))
}

fn attachment(content_type: &str, name: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        bytes,
    )
        .into_response()
}

/// The download menu of the report, overview and changes pages: (href, label) in the order shown.
pub struct Downloads {
    pub label: String,
    pub links: Vec<(String, &'static str)>,
}

impl Downloads {
    /// The status report of `round` in every format; `base` is `/{org}/{year}`.
    pub fn report(tr: Tr, base: &str, round: &str) -> Self {
        let at = |f: &str| format!("{base}/report/download?format={f}&round={round}");
        let mut links = vec![(at("docx"), "Word (DOCX)")];
        if cfg!(feature = "pdf") {
            links.push((at("pdf"), "PDF"));
        }
        links.extend([
            (at("xlsx"), "Excel (XLSX)"),
            (at("csv"), "CSV"),
            (at("md"), "Markdown"),
            (at("json"), "JSON"),
        ]);
        Downloads { label: tr.t("download"), links }
    }

    /// What changed in `round` since the previous one, as Word and PDF.
    pub fn changes(tr: Tr, base: &str, round: &str) -> Self {
        let at = |f: &str| format!("{base}/rounds/{round}/changes/download?format={f}");
        let mut links = vec![(at("docx"), "Word (DOCX)")];
        if cfg!(feature = "pdf") {
            links.push((at("pdf"), "PDF"));
        }
        Downloads { label: tr.t("download"), links }
    }
}

//! `/{org}/{year}/report/download?format=docx|pdf|xlsx|csv|md|json[&round=…]`: the report as a file,
//! the same bytes as `tiltak export` writes; `/{org}/{year}/rounds/{round}/changes/download?format=
//! docx|pdf`: the changes since the previous round.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::{Arc, Mutex};

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tiltak_formats::board::ChangesReport;
use tiltak_formats::{Labels, csv_export, docx, json, markdown, spreadsheet};

use crate::AppState;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::i18n::Message;
use crate::i18n::Tr;

#[derive(Debug, Deserialize)]
pub struct DownloadQuery {
    pub format: String,
    #[serde(default)]
    pub round: Option<String>,
}

pub async fn report(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(q): Query<DownloadQuery>,
) -> AppResult<Response> {
    let (tr, org, programme) = (ctx.tr, ctx.org()?, ctx.programme()?);
    let round = ctx
        .find_round(q.round.as_deref())?
        .ok_or_else(|| AppError::not_found(Message::new("overview-no-round")))?;
    let wanted = Wanted {
        org: org.clone(),
        year: programme.year,
        round: round.slug.clone(),
        audience: ctx.audience(),
        language: tr.language,
        format: q.format.clone(),
    };
    let entities =
        if q.format == "json" { linked_entities(&app, &ctx, ctx.audience()).await? } else { Vec::new() };
    let (content_type, extension, bytes) = make_wanted(&app, &wanted, entities).await?;
    let name = format!("{}-{}-{}.{extension}", org.slug, programme.year, round.slug);
    if wanted.format == "pdf" {
        app.prepared.remember(wanted);
    }
    Ok(attachment(content_type, &name, bytes))
}

/// A report document as asked for: whose, which round, for whom, in which language and format.
#[derive(Debug, Clone, PartialEq)]
pub struct Wanted {
    org: tiltak_db::OrganisationRow,
    year: i32,
    round: String,
    audience: tiltak_db::Audience,
    language: tiltak_core::Language,
    format: String,
}

/// Reads what the document is made from and makes it on the blocking pool, away from the threads
/// that answer requests.
async fn make_wanted(
    app: &AppState,
    w: &Wanted,
    entities: Vec<tiltak_formats::document::LinkedEntity>,
) -> AppResult<Made> {
    let report = app.db.load_report(&w.org, w.year, Some(&w.round), w.audience).await?;
    let vocabulary = app.db.vocabulary(w.org.id).await?;
    let labels = Labels::for_language(w.language);
    // The organisation's own fields it chose as columns of the report (every field goes in the
    // spreadsheet, CSV and JSON).
    let columns: Vec<String> =
        app.db.custom_fields(w.org.id).await?.into_iter().filter(|d| d.in_report).map(|d| d.name).collect();
    let format = w.format.clone();
    tokio::task::spawn_blocking(move || {
        make_report(&format, &report, &vocabulary, &labels, &columns, entities)
    })
    .await?
}

/// The report PDFs downloaded lately from this server, made again in the background after each
/// change, so that the next download finds its document made (`tiltak_pdf` keeps the last few
/// by what they were made from, and a download of one being made waits for it rather than making
/// it twice). Unchanged documents cost a read of the report and no typesetting.
#[derive(Clone, Default)]
pub struct Prepared {
    wanted: Arc<Mutex<VecDeque<Wanted>>>,
    scheduled: Arc<AtomicBool>,
}

/// Report PDFs made again after a change.
const PREPARE: usize = 4;

impl Prepared {
    fn remember(&self, w: Wanted) {
        let mut wanted = self.wanted.lock().expect("not poisoned");
        wanted.retain(|x| *x != w);
        wanted.push_back(w);
        while wanted.len() > PREPARE {
            wanted.pop_front();
        }
    }

    /// After a request that may have changed data: makes the remembered documents again from the
    /// data as it is now, one after another, once for a burst of changes.
    pub fn after_change(&self, app: &AppState) {
        if self.wanted.lock().expect("not poisoned").is_empty() || self.scheduled.swap(true, SeqCst) {
            return;
        }
        let app = app.clone();
        tokio::spawn(async move {
            // A change that comes while these are made schedules them again.
            app.prepared.scheduled.store(false, SeqCst);
            let wanted: Vec<Wanted> =
                app.prepared.wanted.lock().expect("not poisoned").iter().rev().cloned().collect();
            for w in wanted {
                if let Err(e) = make_wanted(&app, &w, Vec::new()).await {
                    tracing::debug!("preparing {}/{} {}: {e:?}", w.org.slug, w.year, w.round);
                }
            }
        });
    }
}

/// The events, projects, partners and decisions linked to the programme's measures that the
/// viewer sees, for Tiltak's JSON.
pub(super) async fn linked_entities(
    app: &AppState,
    ctx: &Ctx,
    audience: tiltak_db::Audience,
) -> AppResult<Vec<tiltak_formats::document::LinkedEntity>> {
    let (org, programme) = (ctx.org()?, ctx.programme()?);
    Ok(app
        .db
        .programme_entities(org.id, programme.year, audience)
        .await?
        .into_iter()
        .map(|(row, measures)| tiltak_formats::document::LinkedEntity { entity: row.entity, measures })
        .collect())
}

type Made = (&'static str, &'static str, Vec<u8>);

fn make_report(
    format: &str,
    report: &tiltak_core::StatusReport,
    vocabulary: &tiltak_core::Vocabulary,
    labels: &Labels,
    columns: &[String],
    entities: Vec<tiltak_formats::document::LinkedEntity>,
) -> AppResult<Made> {
    Ok(match format {
        "xlsx" => {
            let bytes = spreadsheet::write_xlsx(report, vocabulary, labels).map_err(AppError::internal)?;
            ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", bytes)
        }
        "csv" => {
            ("text/csv; charset=utf-8", "csv", csv_export::write(report, vocabulary, labels).into_bytes())
        }
        "md" => ("text/markdown; charset=utf-8", "md", markdown::write(report, labels).into_bytes()),
        "json" => {
            let mut doc: tiltak_formats::ReportDocument = report.clone().into();
            doc.entities = entities;
            ("application/json", "json", json::write(&doc).into_bytes())
        }
        "docx" => (
            DOCX,
            "docx",
            docx::write_report_with(report, vocabulary, labels, columns).map_err(AppError::internal)?,
        ),
        #[cfg(feature = "pdf")]
        "pdf" => (
            "application/pdf",
            "pdf",
            tiltak_pdf::write_report_with(report, vocabulary, labels, columns).map_err(AppError::internal)?,
        ),
        other => {
            return Err(AppError::bad_request(
                Message::new("download-format-unknown")
                    .arg("format", other)
                    .arg("formats", FORMATS.join(", ")),
            ));
        }
    })
}

const FORMATS: &[&str] = if cfg!(feature = "pdf") {
    &["docx", "pdf", "xlsx", "csv", "md", "json"]
} else {
    &["docx", "xlsx", "csv", "md", "json"]
};

pub(super) const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

#[derive(Debug, Deserialize)]
pub struct FormatQuery {
    pub format: String,
}

pub async fn changes(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(q): Query<FormatQuery>,
) -> AppResult<Response> {
    let (tr, org, programme) = (ctx.tr, ctx.org()?, ctx.programme()?);
    let (previous, current) = super::changes::rounds(&ctx)?;
    let after = app.db.round_report(org, programme.year, current).await?;
    let before = match previous {
        Some(p) => Some((p.label.clone(), app.db.round_report(org, programme.year, p).await?)),
        None => None,
    };
    let labels = Labels::for_language(tr.language);
    let format = q.format.clone();
    let (content_type, extension, bytes) = tokio::task::spawn_blocking(move || -> AppResult<Made> {
        let changes = ChangesReport::new(before.as_ref().map(|(l, r)| (l.as_str(), r)), &after, &labels);
        Ok(match format.as_str() {
            "docx" => (DOCX, "docx", docx::write_changes(&changes).map_err(AppError::internal)?),
            #[cfg(feature = "pdf")]
            "pdf" => {
                ("application/pdf", "pdf", tiltak_pdf::write_changes(&changes).map_err(AppError::internal)?)
            }
            other => {
                return Err(AppError::bad_request(
                    Message::new("download-format-unknown")
                        .arg("format", other)
                        .arg("formats", if cfg!(feature = "pdf") { "docx, pdf" } else { "docx" }),
                ));
            }
        })
    })
    .await??;
    let name = format!("{}-{}-{}-changes.{extension}", org.slug, programme.year, current.slug);
    Ok(attachment(content_type, &name, bytes))
}

pub(super) fn attachment(content_type: &str, name: &str, bytes: Vec<u8>) -> Response {
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
    pub links: Vec<(String, String)>,
}

impl Downloads {
    /// The status report of `round` in every format; `base` is `/{org}/{year}`.
    pub fn report(tr: Tr, base: &str, round: &str) -> Self {
        let at = |f: &str| format!("{base}/report/download?format={f}&round={round}");
        let links = FORMATS.iter().map(|f| (at(f), tr.t(&format!("format-{f}")))).collect();
        Downloads { label: tr.t("download"), links }
    }

    /// What changed in `round` since the previous one, as Word and PDF.
    pub fn changes(tr: Tr, base: &str, round: &str) -> Self {
        let at = |f: &str| format!("{base}/rounds/{round}/changes/download?format={f}");
        let links = FORMATS
            .iter()
            .filter(|f| ["docx", "pdf"].contains(f))
            .map(|f| (at(f), tr.t(&format!("format-{f}"))));
        Downloads { label: tr.t("download"), links: links.collect() }
    }
}

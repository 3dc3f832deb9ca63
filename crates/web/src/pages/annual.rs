//! `/{org}/{year}/annual-report`: the annual report drafted from the year's data — per section and
//! area what was done, the events, decisions, projects and partners linked to it, and what
//! continues next year — with a text per area the secretariat edits and saves as a draft, then
//! downloads as Word or PDF (`…/download?format=docx|pdf&language=nb|nn`). What it says is
//! decided once, in `formats::annual`.

use std::collections::{BTreeMap, BTreeSet};

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use tiltak_core::{Language, MeasureId};
use tiltak_db::{Audience, DbError};
use tiltak_formats::Labels;
use tiltak_formats::annual::{AnnualInput, AnnualReport};

use super::{PageCtx, render_status, see_other};
use crate::AppState;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::i18n::{Message, Tr};

/// What the annual report is drawn from, loaded once for the page and the downloads.
struct Drawn {
    /// The organisation's name (the report carries its slug).
    organisation: String,
    report: tiltak_core::StatusReport,
    vocabulary: tiltak_core::Vocabulary,
    entities: Vec<(tiltak_core::Entity, Vec<MeasureId>)>,
    carried: Option<BTreeSet<MeasureId>>,
    texts: BTreeMap<String, tiltak_db::AnnualText>,
}

impl Drawn {
    fn annual(&self, language: Language) -> AnnualReport {
        let texts: BTreeMap<String, String> =
            self.texts.iter().map(|(k, v)| (k.clone(), v.text.clone())).collect();
        let input = AnnualInput { entities: &self.entities, carried: self.carried.as_ref(), texts: &texts };
        let mut annual =
            AnnualReport::new(&self.report, &self.vocabulary, &Labels::for_language(language), &input);
        annual.organisation = self.organisation.clone();
        annual
    }

    /// When the texts were last saved (what a save must start from), and by whom.
    fn latest(&self) -> Option<&tiltak_db::AnnualText> {
        self.texts.values().max_by(|a, b| a.updated_at.cmp(&b.updated_at))
    }
}

async fn draw(app: &AppState, ctx: &Ctx) -> AppResult<Drawn> {
    let (org, programme) = (ctx.org()?, ctx.programme()?);
    let round = ctx.rounds.last().ok_or_else(|| AppError::not_found(Message::new("overview-no-round")))?;
    let report = app.db.load_report(org, programme.year, Some(&round.slug), Audience::Members).await?;
    let vocabulary = app.db.vocabulary(org.id).await?;
    let entities = app
        .db
        .programme_entities(org.id, programme.year, Audience::Members)
        .await?
        .into_iter()
        .map(|(row, numbers)| (row.entity, numbers))
        .collect();
    // Next year's programme, when the rollover is done, says what continues.
    let carried = match app.db.programme(org.id, programme.year + 1).await? {
        Some(next) => {
            let t = app.db.transition(programme, &next).await?;
            Some(t.carried.iter().chain(&t.merged).map(|((old, _), _)| *old).collect())
        }
        None => None,
    };
    let texts = app.db.annual_texts(programme.id).await?;
    Ok(Drawn { organisation: org.name.clone(), report, vocabulary, entities, carried, texts })
}

#[derive(Template)]
#[template(path = "annual.html")]
struct AnnualPage {
    page: PageCtx,
    tr: Tr,
    base: String,
    annual: AnnualReport,
    /// The texts as the person sent them, when a save was refused: by heading.
    sent: BTreeMap<String, String>,
    error: Option<String>,
    /// What the last save did.
    said: Option<String>,
    expected: String,
    saved_by: Option<String>,
    next_exists: bool,
    downloads: Vec<(String, String)>,
}

impl AnnualPage {
    /// The name of the `i`th category, for a cell's label on phones.
    pub fn category_label(&self, i: &usize) -> &str {
        self.annual.categories.get(*i).map(|c| c.label).unwrap_or_default()
    }

    /// The text to show in an area's box: what the person sent, or what is saved (or prefilled).
    pub fn text_of(&self, heading: &str, text: &str) -> String {
        self.sent.get(heading).cloned().unwrap_or_else(|| text.to_owned())
    }
}

fn page(
    ctx: &Ctx,
    drawn: &Drawn,
    sent: BTreeMap<String, String>,
    error: Option<String>,
    said: Option<String>,
    status: StatusCode,
) -> AppResult<Response> {
    let (tr, programme) = (ctx.tr, ctx.programme()?);
    let annual = drawn.annual(tr.language);
    let base = ctx.base();
    let latest = drawn.latest();
    let mut downloads = Vec::new();
    for language in [Language::Nb, Language::Nn] {
        for format in DOWNLOADS {
            let label = tr.tn(
                "annual-download-as",
                &[
                    ("format", tr.t(&format!("format-{format}"))),
                    ("language", tr.t(&format!("annual-language-{}", language.code()))),
                ],
            );
            downloads.push((
                format!("{base}/annual-report/download?format={format}&language={}", language.code()),
                label,
            ));
        }
    }
    let t = AnnualPage {
        page: ctx.page(annual.title.clone(), "annual"),
        tr,
        base,
        expected: latest.map(|l| l.updated_at.clone()).unwrap_or_default(),
        saved_by: latest.map(|l| {
            tr.tn("annual-saved-by", &[("who", l.updated_by.clone()), ("when", tr.datetime(&l.updated_at))])
        }),
        next_exists: drawn.carried.is_some(),
        annual,
        sent,
        error,
        said,
        downloads,
    };
    let _ = programme;
    render_status(status, t)
}

const DOWNLOADS: &[&str] = if cfg!(feature = "pdf") { &["docx", "pdf"] } else { &["docx"] };

#[derive(Debug, Default, Deserialize)]
pub struct ShowQuery {
    /// How many texts the save before changed (the page says so once).
    #[serde(default)]
    pub saved: Option<usize>,
}

pub async fn show(State(app): State<AppState>, ctx: Ctx, Query(q): Query<ShowQuery>) -> AppResult<Response> {
    let drawn = draw(&app, &ctx).await?;
    let said = q.saved.map(|n| match n {
        0 => ctx.tr.t("annual-saved-none"),
        n => ctx.tr.t1("annual-saved", "count", n),
    });
    page(&ctx, &drawn, BTreeMap::new(), None, said, StatusCode::OK)
}

/// `POST /{org}/{year}/annual-report`: saves the texts as a draft. A text left as prefilled is
/// not saved (it follows the data); someone else's save since the page was opened is not
/// overwritten: the page comes back with both.
pub async fn save(State(app): State<AppState>, ctx: Ctx, body: axum::body::Bytes) -> AppResult<Response> {
    let (org, programme) = (ctx.org()?, ctx.programme()?);
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body)
        .map_err(|_| AppError::bad_request(Message::new("annual-form-unreadable")))?;
    let expected = pairs.iter().find(|(k, _)| k == "expected").map(|(_, v)| v.clone()).unwrap_or_default();
    let sent: BTreeMap<String, String> =
        pairs.iter().filter_map(|(k, v)| Some((k.strip_prefix("text:")?.to_owned(), v.clone()))).collect();
    let drawn = draw(&app, &ctx).await?;
    let annual = drawn.annual(ctx.tr.language);
    let mut texts = Vec::new();
    for part in annual.sections.iter().flat_map(|s| &s.parts) {
        let Some(text) = sent.get(&part.heading) else { continue };
        // The prefilled text as it was shown is not a text of the person's.
        let text = if text.trim() == part.prefilled.trim() { String::new() } else { text.clone() };
        texts.push((part.heading.clone(), text));
    }
    match app.db.save_annual_texts(org.id, programme.id, &texts, Some(&expected), &ctx.actor()).await {
        Ok(n) => Ok(see_other(&format!("{}/annual-report?saved={n}", ctx.base()))),
        Err(DbError::Conflict(m) | DbError::Invalid(m)) => {
            let status = StatusCode::CONFLICT;
            page(&ctx, &drawn, sent, Some(ctx.tr.message(&m)), None, status)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize)]
pub struct DownloadQuery {
    pub format: String,
    #[serde(default)]
    pub language: Option<String>,
}

/// `GET /{org}/{year}/annual-report/download?format=docx|pdf&language=nb|nn|en`.
pub async fn download(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(q): Query<DownloadQuery>,
) -> AppResult<Response> {
    let (org, programme) = (ctx.org()?, ctx.programme()?);
    let language = match q.language.as_deref() {
        Some(l) => Language::parse(l)
            .map_err(|_| AppError::bad_request(Message::new("annual-language-unknown").arg("language", l)))?,
        None => org.language,
    };
    let drawn = draw(&app, &ctx).await?;
    let annual = drawn.annual(language);
    let format = q.format.clone();
    let (content_type, extension, bytes) =
        tokio::task::spawn_blocking(move || -> AppResult<(&'static str, &'static str, Vec<u8>)> {
            Ok(match format.as_str() {
                "docx" => (
                    super::download::DOCX,
                    "docx",
                    tiltak_formats::docx::write_annual(&annual).map_err(AppError::internal)?,
                ),
                #[cfg(feature = "pdf")]
                "pdf" => {
                    ("application/pdf", "pdf", tiltak_pdf::write_annual(&annual).map_err(AppError::internal)?)
                }
                other => {
                    return Err(AppError::bad_request(
                        Message::new("download-format-unknown")
                            .arg("format", other)
                            .arg("formats", DOWNLOADS.join(", ")),
                    ));
                }
            })
        })
        .await??;
    let name = format!("{}-{}-annual-report-{}.{extension}", org.slug, programme.year, language.code());
    Ok(super::download::attachment(content_type, &name, bytes))
}

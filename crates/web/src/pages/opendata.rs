//! Open data: each published programme as CSV and JSON at stable addresses
//! (`/{org}/{year}/data.csv`, `/{org}/{year}/data.json`), always as the public sees it (its latest
//! public round), with the organisation's licence; and `/{org}/data.jsonld`, a DCAT-AP-NO
//! description of them that data.norge.no can harvest. Addresses are absolute, from the public
//! base URL (`TILTAK_PUBLIC_URL`).

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use tiltak_db::{Audience, OrganisationRow, ProgrammeRow, RoundRow};
use tiltak_formats::{Labels, csv_export};

use crate::AppState;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::i18n::Message;

/// The published programme and its latest public round: what open data is made of.
async fn published(app: &AppState, ctx: &Ctx) -> AppResult<(OrganisationRow, ProgrammeRow, RoundRow)> {
    let (org, programme) = (ctx.org()?, ctx.programme()?);
    let not_published = || AppError::not_found(Message::new("opendata-not-published"));
    if !programme.published {
        return Err(not_published());
    }
    let round =
        app.db.rounds(programme.id).await?.into_iter().rev().find(|r| r.public).ok_or_else(not_published)?;
    Ok((org.clone(), programme.clone(), round))
}

fn file(content_type: &'static str, body: String) -> Response {
    let mut response = ([(header::CONTENT_TYPE, content_type)], body).into_response();
    response.extensions_mut().insert(crate::cache::Uncached);
    response
}

pub async fn csv(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let (org, programme, round) = published(&app, &ctx).await?;
    let report = app.db.load_report(&org, programme.year, Some(&round.slug), Audience::Public).await?;
    let vocabulary = app.db.vocabulary(org.id).await?;
    let csv = csv_export::write(&report, &vocabulary, &Labels::for_language(org.language));
    Ok(file("text/csv; charset=utf-8", csv))
}

pub async fn json(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let (org, programme, round) = published(&app, &ctx).await?;
    let report = app.db.load_report(&org, programme.year, Some(&round.slug), Audience::Public).await?;
    let licence = app.db.licence(org.id).await?;
    let mut report: tiltak_formats::ReportDocument = report.into();
    report.entities = super::download::linked_entities(&app, &ctx, Audience::Public).await?;
    let mut doc: Value =
        serde_json::from_str(&tiltak_formats::json::write(&report)).map_err(AppError::internal)?;
    if let Value::Object(fields) = &mut doc {
        fields.insert("licence".into(), json!({"id": licence.key(), "url": licence.url()}));
        fields.insert("publisher".into(), json!(org.name));
    }
    let mut body = serde_json::to_string_pretty(&doc).map_err(AppError::internal)?;
    body.push('\n');
    Ok(file("application/json", body))
}

/// The DCAT-AP-NO catalogue of an organisation's open data: one dataset per published programme,
/// each with its CSV and JSON distributions.
pub async fn catalogue(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let org = ctx.org()?;
    let licence = app.db.licence(org.id).await?;
    let base = format!("{}/{}", app.public_url, org.slug);
    let publisher = json!({"@type": "foaf:Agent", "foaf:name": org.name, "foaf:homepage": base});
    let mut datasets = Vec::new();
    for p in app.db.programmes(org.id).await? {
        if !p.published || !app.db.rounds(p.id).await?.iter().any(|r| r.public) {
            continue;
        }
        let at = |f: &str| format!("{base}/{}/data.{f}", p.year);
        let distribution = |f: &str, media: &str| {
            json!({
                "@type": "dcat:Distribution",
                "dct:title": format!("{} ({})", p.title, f.to_uppercase()),
                "dcat:accessURL": {"@id": format!("{base}/{}/report", p.year)},
                "dcat:downloadURL": {"@id": at(f)},
                "dcat:mediaType": media,
                "dct:format": f.to_uppercase(),
                "dct:license": {"@id": licence.url()},
            })
        };
        datasets.push(json!({
            "@id": format!("{base}/{}", p.year),
            "@type": "dcat:Dataset",
            "dct:identifier": format!("{base}/{}", p.year),
            "dct:title": {"@language": org.language.code(), "@value": p.title},
            "dct:description": {"@language": org.language.code(), "@value": format!("{} – {}", org.name, p.title)},
            "dct:publisher": publisher,
            "dct:language": {"@id": language_uri(org.language)},
            "dct:temporal": {"@type": "dct:PeriodOfTime", "dcat:startDate": format!("{}-01-01", p.year), "dcat:endDate": format!("{}-12-31", p.year)},
            "dct:license": {"@id": licence.url()},
            "dcat:landingPage": {"@id": format!("{base}/{}", p.year)},
            "dcat:distribution": [distribution("csv", "text/csv"), distribution("json", "application/json")],
        }));
    }
    let catalogue = json!({
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
        },
        "@id": format!("{base}/data.jsonld"),
        "@type": "dcat:Catalog",
        "dct:title": format!("{} – {}", org.name, crate::i18n::Tr::new(org.language).t("opendata-title")),
        "dct:publisher": publisher,
        "dct:license": {"@id": licence.url()},
        "dcat:dataset": datasets,
    });
    let mut body = serde_json::to_string_pretty(&catalogue).map_err(AppError::internal)?;
    body.push('\n');
    Ok(file("application/ld+json", body))
}

/// The EU's authority URI of a language, as DCAT-AP asks for.
fn language_uri(language: tiltak_core::Language) -> &'static str {
    match language {
        tiltak_core::Language::Nb => "http://publications.europa.eu/resource/authority/language/NOB",
        tiltak_core::Language::Nn => "http://publications.europa.eu/resource/authority/language/NNO",
        tiltak_core::Language::En => "http://publications.europa.eu/resource/authority/language/ENG",
    }
}

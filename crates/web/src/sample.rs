//! The sample programme, embedded: loaded as organisation `osloregionen` when a database is empty,
//! so the first start shows a real programme at once.

use tiltak_core::{Language, Organisation, OrganisationSlug, Vocabulary};
use tiltak_db::{Db, DbResult, IdSource, OnExisting};
use tiltak_formats::report_text::{self, TextOptions};

pub const SAMPLE_TEXT: &str = include_str!("../../../samples/osloregionen-status-2025-pr-2-sept.txt");
pub const SAMPLE_ORG: &str = "osloregionen";

/// Loads the sample (published) if the database has no organisation yet; says whether it did.
pub async fn load_if_empty(db: &Db) -> DbResult<bool> {
    if !db.organisations().await?.is_empty() {
        return Ok(false);
    }
    let options = TextOptions { organisation: SAMPLE_ORG.into(), ..Default::default() };
    let doc = report_text::parse(SAMPLE_TEXT, &Vocabulary::default_nb(), &options)
        .expect("the embedded sample reads");
    let organisation = Organisation {
        slug: OrganisationSlug::parse(SAMPLE_ORG).expect("a valid slug"),
        name: "Osloregionen".into(),
        language: Language::Nb,
    };
    let saved = db
        .import_report(&organisation, &doc, IdSource::Place, tiltak_db::Owners::FromFile, OnExisting::Refuse)
        .await;
    let saved = match saved {
        Ok((_, saved)) => saved,
        // Another server starting at the same moment loaded it first.
        Err(tiltak_db::DbError::Conflict(_)) => return Ok(false),
        Err(e) if !db.organisations().await?.is_empty() => {
            tracing::debug!("the sample was loaded by another process: {e}");
            return Ok(false);
        }
        Err(e) => return Err(e),
    };
    db.set_published(saved.programme_id, true, "setup").await?;
    // What the sample's texts mention, offered on its measures' pages.
    if let Some(org) = db.organisation(SAMPLE_ORG).await? {
        let report = db.load_report(&org, doc.year, None, tiltak_db::Audience::Members).await?;
        db.offer_suggestions(saved.programme_id, &tiltak_formats::mentions::in_report(&report)).await?;
    }
    Ok(true)
}

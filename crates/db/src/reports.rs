//! Saving a status report (a programme's tree and one round's entries) and loading it back.

use std::collections::HashMap;

use sqlx::{AnyConnection, Row};
use tiltak_core::round::{Decision, RoundSlug};
use tiltak_core::status::Vocabulary;
use tiltak_core::{MeasureId, ProgrammeState, Status, StatusReport};

use tiltak_core::Organisation;

use crate::entry_row::{self, EntryValues, NewEntry, Updated};
use crate::matching::save_tree;
use crate::organisations::insert_organisation;
use crate::{Db, DbError, DbResult, Message, OrganisationRow, now};

/// What to do when the round being saved already exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnExisting {
    Refuse,
    /// Replace the round's entries with the file's, except where a person saved an entry in the
    /// round (a file carries no versions, so it counts as older than any save): those are kept,
    /// and [`Saved::kept_newer`] names them.
    Replace,
    /// As `Replace`, but refuse the whole file, naming the measures, when it would overwrite such
    /// a save (the CLI's `--replace`).
    ReplaceRefusingNewer,
    /// Replace every entry, newer saves included (`--replace --overwrite-newer`).
    Overwrite,
}

/// How the measures of a report are matched to those already in the programme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdSource {
    /// The report's ids are the programme's measure ids (JSON written by Tiltak).
    Document,
    /// The report's ids are only its reading order (report text): match by place and title.
    Place,
}

/// Whether a file says who owns the areas and measures. Only Tiltak's JSON does; a spreadsheet,
/// Word table or report text carries no owners, so saving it keeps the owners as they are (but
/// for a measure whose owner a table's mapped owner column names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owners {
    FromFile,
    Keep,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    pub programme_id: i64,
    pub round_id: i64,
    pub created_programme: bool,
    pub replaced_round: bool,
    pub measures: usize,
    /// Measures whose entry a person saved in the round after the file was made: kept as saved.
    pub kept_newer: Vec<MeasureId>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgrammeRow {
    pub id: i64,
    pub year: i32,
    pub title: String,
    pub state: ProgrammeState,
    pub published: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundRow {
    pub id: i64,
    pub label: String,
    pub slug: String,
    pub date: Option<String>,
    pub deadline: Option<String>,
    pub frozen: bool,
    pub public: bool,
}

impl Db {
    /// The measures whose entry in this round a person saved on the web last (after opening or
    /// after the last import): an import without versions keeps these unless told to overwrite.
    pub async fn saved_on_the_web(&self, round_id: i64) -> DbResult<Vec<MeasureId>> {
        let mut conn = self.pool.acquire().await?;
        saved_on_the_web(&mut conn, round_id).await
    }

    /// Saves a report in one transaction: the programme (created or updated), its tree, the round
    /// and one entry per measure. A round that exists is refused, or replaced with `Replace`.
    pub async fn save_report(
        &self,
        org: &OrganisationRow,
        report: &StatusReport,
        ids: IdSource,
        on_existing: OnExisting,
    ) -> DbResult<Saved> {
        self.save_report_as(org, report, ids, Owners::FromFile, on_existing, "import").await
    }

    /// [`Db::save_report`] with the person to name in the change log.
    pub async fn save_report_as(
        &self,
        org: &OrganisationRow,
        report: &StatusReport,
        ids: IdSource,
        owners: Owners,
        on_existing: OnExisting,
        actor: &str,
    ) -> DbResult<Saved> {
        let vocabulary = self.vocabulary(org.id).await?;
        let mut tx = self.pool.begin().await?;
        match save_in(&mut tx, org, &vocabulary, report, (ids, owners), on_existing, actor).await {
            Ok(saved) => {
                self.commit(tx).await?;
                Ok(saved)
            }
            Err(e) => {
                tx.rollback().await?;
                Err(e)
            }
        }
    }

    /// Like [`Db::save_report`], creating the organisation (with the default vocabulary) in the
    /// same transaction when it does not exist yet: a refused import leaves no organisation behind.
    pub async fn import_report(
        &self,
        organisation: &Organisation,
        report: &StatusReport,
        ids: IdSource,
        owners: Owners,
        on_existing: OnExisting,
    ) -> DbResult<(OrganisationRow, Saved)> {
        let existing = self.organisation(organisation.slug.as_str()).await?;
        let vocabulary = match &existing {
            Some(org) => self.vocabulary(org.id).await?,
            None => Vocabulary::default_nb(),
        };
        let mut tx = self.pool.begin().await?;
        let org = match existing {
            Some(org) => org,
            None => insert_organisation(&mut tx, organisation).await?,
        };
        match save_in(&mut tx, &org, &vocabulary, report, (ids, owners), on_existing, "import").await {
            Ok(saved) => {
                self.commit(tx).await?;
                Ok((org, saved))
            }
            Err(e) => {
                tx.rollback().await?;
                Err(e)
            }
        }
    }
}

/// Saves a report inside the caller's transaction.
async fn save_in(
    tx: &mut AnyConnection,
    org: &OrganisationRow,
    vocabulary: &Vocabulary,
    report: &StatusReport,
    (ids, owners): (IdSource, Owners),
    on_existing: OnExisting,
    actor: &str,
) -> DbResult<Saved> {
    check_statuses(report, vocabulary)?;
    let programme = report.programme();
    programme.validate().map_err(DbError::invalid)?;

    let found: Option<i64> =
        sqlx::query_scalar("SELECT id FROM programmes WHERE organisation_id = $1 AND year = $2")
            .bind(org.id)
            .bind(i64::from(report.year))
            .fetch_optional(&mut *tx)
            .await?;
    let created_programme = found.is_none();
    let programme_id = match found {
        Some(id) => {
            sqlx::query("UPDATE programmes SET title = $1, version = version + 1 WHERE id = $2")
                .bind(&report.title)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            id
        }
        None => {
            sqlx::query_scalar(
                "INSERT INTO programmes (organisation_id, year, title, state, published, created_at)
                 VALUES ($1, $2, $3, 'adopted', 0, $4) RETURNING id",
            )
            .bind(org.id)
            .bind(i64::from(report.year))
            .bind(&report.title)
            .bind(now())
            .fetch_one(&mut *tx)
            .await?
        }
    };

    // What the round held before, by measure.
    let previous: HashMap<i64, Stored> = sqlx::query(
        "SELECT e.* FROM status_entries e JOIN reporting_rounds r ON r.id = e.round_id
         WHERE r.programme_id = $1 AND r.label = $2",
    )
    .bind(programme_id)
    .bind(&report.round.label)
    .fetch_all(&mut *tx)
    .await?
    .iter()
    .map(|r| {
        let stored = Stored {
            version: r.try_get("version")?,
            updated: r.try_get::<i64, _>("updated")? != 0,
            values: EntryValues::decode(r)?,
        };
        Ok((r.try_get::<i64, _>("measure_id")?, stored))
    })
    .collect::<DbResult<_>>()?;
    let round_before: Option<i64> =
        sqlx::query_scalar("SELECT id FROM reporting_rounds WHERE programme_id = $1 AND label = $2")
            .bind(programme_id)
            .bind(&report.round.label)
            .fetch_optional(&mut *tx)
            .await?;
    let web_saved: std::collections::HashSet<MeasureId> = match round_before {
        Some(id) => saved_on_the_web(&mut *tx, id).await?.into_iter().collect(),
        None => Default::default(),
    };
    let (round_id, replaced_round) = upsert_round(&mut *tx, programme_id, org, report, on_existing).await?;

    let ctx = save_tree(tx, org, programme_id, report.year, &report.sections, ids, owners).await?;
    let numbers: HashMap<i64, MeasureId> =
        sqlx::query("SELECT id, number FROM measures WHERE programme_id = $1")
            .bind(programme_id)
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| Ok((r.try_get::<i64, _>("id")?, r.try_get::<i64, _>("number")? as MeasureId)))
            .collect::<DbResult<_>>()?;
    let mut kept_newer = Vec::new();
    let mut changed = Vec::new();
    let mut inserts = Vec::with_capacity(ctx.entries.len());
    for (measure_id, m) in &ctx.entries {
        let e = &m.entry;
        let merge_id = match &e.continuation.decision {
            Decision::Merge { into } => into.id.and_then(|id| ctx.db_ids.get(&id).copied()),
            _ => None,
        };
        let values = EntryValues::of(e, merge_id);
        let number = numbers.get(measure_id).copied().unwrap_or_default();
        let key = (round_id, *measure_id);
        let Some(old) = previous.get(measure_id) else {
            inserts.push(NewEntry { key, values, version: 1, updated: Updated::Yes });
            continue;
        };
        // Someone saved the entry after the file was made: a file with versions knows which
        // version it was made from; one without counts as older than any save on the web.
        let newer = match e.version {
            Some(v) => old.version > v,
            None => web_saved.contains(&number),
        };
        if old.values.same(&values) {
            // Unchanged: it keeps its version, so import → export → import gives the same file.
            inserts.push(NewEntry {
                key,
                values: old.values.clone(),
                version: old.version,
                updated: old.updated(),
            });
        } else if newer && on_existing != OnExisting::Overwrite {
            kept_newer.push((number, m.title.clone()));
            inserts.push(NewEntry {
                key,
                values: old.values.clone(),
                version: old.version,
                updated: old.updated(),
            });
        } else {
            changed.push((number, Some(old.values.describe()), values.describe()));
            inserts.push(NewEntry { key, values, version: old.version + 1, updated: Updated::Yes });
        }
    }
    entry_row::insert_many(&mut *tx, &inserts).await?;
    if !kept_newer.is_empty() && on_existing == OnExisting::ReplaceRefusingNewer {
        let names: Vec<String> = kept_newer.iter().map(|(id, title)| format!("{id} «{title}»")).collect();
        return Err(DbError::Conflict(Message::new("db-import-newer").arg("measures", names.join(", "))));
    }
    // Each changed entry in its measure's history, with what it was and what it became.
    for (number, before, after) in &changed {
        let scope = crate::changes::Scope {
            organisation_id: org.id,
            programme_id: Some(programme_id),
            round_id: Some(round_id),
            measure_number: Some(i64::from(*number)),
        };
        crate::changes::log(
            tx,
            scope,
            actor,
            crate::changes::ENTRY_IMPORT,
            before.clone(),
            Some(after.clone()),
        )
        .await?;
    }
    let kept_newer: Vec<MeasureId> = kept_newer.into_iter().map(|(id, _)| id).collect();
    let measures = ctx.entries.len();
    crate::search::refresh(tx, programme_id).await?;
    let scope = crate::changes::Scope {
        organisation_id: org.id,
        programme_id: Some(programme_id),
        round_id: Some(round_id),
        measure_number: None,
    };
    let action = if replaced_round { "report.replace" } else { "report.import" };
    crate::changes::log(tx, scope, actor, action, None, Some(format!("{measures} measures"))).await?;
    Ok(Saved { programme_id, round_id, created_programme, replaced_round, measures, kept_newer })
}

fn check_statuses(report: &StatusReport, vocabulary: &Vocabulary) -> DbResult<()> {
    for (path, m) in report.programme().measures() {
        if let Status::Reported { key, .. } = &m.entry.status
            && vocabulary.get(key).is_none()
        {
            return Err(DbError::Invalid(
                Message::new("db-measure-status-unknown")
                    .arg("title", &m.title)
                    .arg("place", path.area.unwrap_or(path.section))
                    .arg("status", key)
                    .arg(
                        "keys",
                        vocabulary.kinds.iter().map(|k| k.key.as_str()).collect::<Vec<_>>().join(", "),
                    ),
            ));
        }
    }
    Ok(())
}

/// An entry the round held before the file was saved.
struct Stored {
    version: i64,
    updated: bool,
    values: EntryValues,
}

impl Stored {
    fn updated(&self) -> Updated {
        if self.updated { Updated::Yes } else { Updated::No }
    }
}

/// The measures whose entry in this round a person saved on the web last (after the round opened
/// or after the last import).
async fn saved_on_the_web(conn: &mut AnyConnection, round_id: i64) -> DbResult<Vec<MeasureId>> {
    let rows = sqlx::query(
        "SELECT measure_number, action FROM change_log
         WHERE round_id = $1 AND action IN ($2, $3) AND measure_number IS NOT NULL ORDER BY id",
    )
    .bind(round_id)
    .bind(crate::changes::ENTRY_UPDATE)
    .bind(crate::changes::ENTRY_IMPORT)
    .fetch_all(&mut *conn)
    .await?;
    let mut last: HashMap<i64, String> = HashMap::new();
    for r in &rows {
        last.insert(r.try_get("measure_number")?, r.try_get("action")?);
    }
    let mut saved: Vec<MeasureId> = last
        .into_iter()
        .filter(|(_, a)| a == crate::changes::ENTRY_UPDATE)
        .map(|(n, _)| n as MeasureId)
        .collect();
    saved.sort_unstable();
    Ok(saved)
}

async fn upsert_round(
    tx: &mut AnyConnection,
    programme_id: i64,
    org: &OrganisationRow,
    report: &StatusReport,
    on_existing: OnExisting,
) -> DbResult<(i64, bool)> {
    let date = report.round.date.map(tiltak_core::round::iso_date);
    let existing: Option<(i64, i64)> =
        sqlx::query("SELECT id, frozen FROM reporting_rounds WHERE programme_id = $1 AND label = $2")
            .bind(programme_id)
            .bind(&report.round.label)
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| Ok::<_, DbError>((r.try_get("id")?, r.try_get("frozen")?)))
            .transpose()?;
    if let Some((id, frozen)) = existing {
        if on_existing == OnExisting::Refuse {
            return Err(DbError::Conflict(
                Message::new("db-round-exists-replace")
                    .arg("round", &report.round.label)
                    .arg("year", report.year)
                    .arg("organisation", &org.slug),
            ));
        }
        if frozen != 0 {
            return Err(DbError::Conflict(
                Message::new("db-round-frozen-replace").arg("round", &report.round.label),
            ));
        }
        sqlx::query("DELETE FROM status_entries WHERE round_id = $1").bind(id).execute(&mut *tx).await?;
        sqlx::query(
            "UPDATE reporting_rounds SET date = COALESCE($1, date), version = version + 1 WHERE id = $2",
        )
        .bind(date)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        return Ok((id, true));
    }
    let base = RoundSlug::for_round(&report.round.label, report.round.date).as_str().to_owned();
    let taken: Vec<String> = sqlx::query_scalar("SELECT slug FROM reporting_rounds WHERE programme_id = $1")
        .bind(programme_id)
        .fetch_all(&mut *tx)
        .await?;
    let slug = (1..)
        .map(|n| if n == 1 { base.clone() } else { format!("{base}-{n}") })
        .find(|s| !taken.contains(s))
        .expect("an unused slug exists");
    let id = sqlx::query_scalar(
        "INSERT INTO reporting_rounds (programme_id, label, slug, date, frozen, public, created_at)
         VALUES ($1, $2, $3, $4, 0, 1, $5) RETURNING id",
    )
    .bind(programme_id)
    .bind(&report.round.label)
    .bind(slug)
    .bind(date)
    .bind(now())
    .fetch_one(&mut *tx)
    .await?;
    Ok((id, false))
}

//! Saving a status report (a programme's tree and one round's entries) and loading it back.

use std::collections::HashMap;

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use tiltak_core::round::{Decision, RoundSlug, parse_iso_date};
use tiltak_core::status::Vocabulary;
use tiltak_core::{Area, Measure, MeasureId, ProgrammeState, RoundInfo, Section, Status, StatusReport};

use tiltak_core::Organisation;

use crate::entry_row::{self, EntryValues, Updated};
use crate::organisations::insert_organisation;
use crate::{Audience, Db, DbError, DbResult, Message, OrganisationRow, now};

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
/// Word table or report text carries no owners, so saving it keeps the owners as they are.
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

/// A measure already in the programme, as the matching step sees it.
struct Existing {
    id: i64,
    number: i64,
    /// (section title, area title, parent's db id, title)
    place: (String, Option<String>, Option<i64>, String),
}

pub(crate) struct SaveCtx<'a> {
    programme_id: i64,
    organisation_id: i64,
    ids: IdSource,
    owners: Owners,
    previous_programme: Option<i64>,
    by_number: HashMap<i64, usize>,
    existing: Vec<Existing>,
    used: Vec<bool>,
    next_number: i64,
    /// Document id → database id, for merge targets.
    db_ids: HashMap<MeasureId, i64>,
    entries: Vec<(i64, &'a Measure)>,
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
                tx.commit().await?;
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
                tx.commit().await?;
                Ok((org, saved))
            }
            Err(e) => {
                tx.rollback().await?;
                Err(e)
            }
        }
    }

    /// Shows a programme to the public, or hides it.
    pub async fn set_published(&self, programme_id: i64, published: bool, actor: &str) -> DbResult<()> {
        let mut tx = self.pool.begin().await?;
        let organisation_id: i64 = sqlx::query_scalar("SELECT organisation_id FROM programmes WHERE id = $1")
            .bind(programme_id)
            .fetch_one(&mut *tx)
            .await?;
        sqlx::query("UPDATE programmes SET published = $1, version = version + 1 WHERE id = $2")
            .bind(i64::from(published))
            .bind(programme_id)
            .execute(&mut *tx)
            .await?;
        let scope = crate::changes::Scope {
            organisation_id,
            programme_id: Some(programme_id),
            round_id: None,
            measure_number: None,
        };
        let after = if published { "published" } else { "not published" };
        crate::changes::log(&mut tx, scope, actor, "programme.publish", None, Some(after.into())).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn programmes(&self, organisation_id: i64) -> DbResult<Vec<ProgrammeRow>> {
        let rows = sqlx::query(
            "SELECT id, year, title, state, published FROM programmes WHERE organisation_id = $1 ORDER BY year DESC",
        )
        .bind(organisation_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(programme_row).collect()
    }

    pub async fn programme(&self, organisation_id: i64, year: i32) -> DbResult<Option<ProgrammeRow>> {
        let row = sqlx::query(
            "SELECT id, year, title, state, published FROM programmes WHERE organisation_id = $1 AND year = $2",
        )
        .bind(organisation_id)
        .bind(i64::from(year))
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(programme_row).transpose()
    }

    /// The rounds of a programme, oldest first.
    pub async fn rounds(&self, programme_id: i64) -> DbResult<Vec<RoundRow>> {
        let rows = sqlx::query(
            "SELECT id, label, slug, date, deadline, frozen, public FROM reporting_rounds WHERE programme_id = $1
             ORDER BY CASE WHEN date IS NULL THEN 1 ELSE 0 END, date, id",
        )
        .bind(programme_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(RoundRow {
                    id: r.try_get("id")?,
                    label: r.try_get("label")?,
                    slug: r.try_get("slug")?,
                    date: r.try_get("date")?,
                    deadline: r.try_get("deadline")?,
                    frozen: r.try_get::<i64, _>("frozen")? != 0,
                    public: r.try_get::<i64, _>("public")? != 0,
                })
            })
            .collect()
    }

    /// Loads a programme's report in one round: the round with this label or slug, or the latest.
    pub async fn load_report(
        &self,
        org: &OrganisationRow,
        year: i32,
        round: Option<&str>,
        audience: Audience,
    ) -> DbResult<StatusReport> {
        let programme = self.programme(org.id, year).await?.ok_or_else(|| {
            DbError::NotFound(
                Message::new("db-programme-not-found").arg("year", year).arg("organisation", &org.slug),
            )
        })?;
        let rounds = self.rounds(programme.id).await?;
        let round = match round {
            Some(wanted) => {
                rounds.iter().find(|r| r.label == wanted || r.slug == wanted).ok_or_else(|| {
                    DbError::NotFound(
                        Message::new("db-round-not-found").arg("round", wanted).arg("year", year).arg(
                            "rounds",
                            rounds.iter().map(|r| r.label.as_str()).collect::<Vec<_>>().join(", "),
                        ),
                    )
                })?
            }
            None => rounds
                .last()
                .ok_or_else(|| DbError::NotFound(Message::new("db-no-round").arg("year", year)))?,
        };
        let date = round.date.as_deref().map(parse_iso_date).transpose().map_err(DbError::invalid)?;
        let sections = self.load_tree(programme.id, round.id, audience).await?;
        Ok(StatusReport {
            organisation: org.slug.clone(),
            title: programme.title,
            year,
            round: RoundInfo { label: round.label.clone(), date },
            sections,
        })
    }

    /// The tree of a programme with each measure's entry in `round_id` (empty where it has none;
    /// for the public, a measure without an entry in the round is not there at all).
    async fn load_tree(
        &self,
        programme_id: i64,
        round_id: i64,
        audience: Audience,
    ) -> DbResult<Vec<Section>> {
        let section_rows =
            sqlx::query("SELECT id, title FROM sections WHERE programme_id = $1 ORDER BY position, id")
                .bind(programme_id)
                .fetch_all(&self.pool)
                .await?;
        let area_rows = sqlx::query(
            "SELECT a.id, a.section_id, a.title, g.name AS owner FROM areas a
             JOIN sections s ON s.id = a.section_id
             LEFT JOIN working_groups g ON g.id = a.working_group_id
             WHERE s.programme_id = $1 ORDER BY a.position, a.id",
        )
        .bind(programme_id)
        .fetch_all(&self.pool)
        .await?;
        let measure_rows = sqlx::query(concat!(
            "SELECT m.id, m.number, m.section_id, m.area_id, m.parent_id, m.title, g.name AS owner,
                    prev.number AS continues_number, ",
            entry_row::entry_columns!(),
            " FROM measures m
             LEFT JOIN working_groups g ON g.id = m.working_group_id
             LEFT JOIN measures prev ON prev.id = m.continues_id
             LEFT JOIN status_entries e ON e.measure_id = m.id AND e.round_id = $2
             LEFT JOIN measures target ON target.id = e.merge_into_id
             WHERE m.programme_id = $1 AND (e.id IS NOT NULL OR $3 = 1) ORDER BY m.position, m.id"
        ))
        .bind(programme_id)
        .bind(round_id)
        .bind(audience.members_flag())
        .fetch_all(&self.pool)
        .await?;

        struct Loaded {
            section_id: i64,
            area_id: Option<i64>,
            parent_id: Option<i64>,
            measure: Measure,
        }
        let mut loaded: Vec<(i64, Loaded)> = Vec::with_capacity(measure_rows.len());
        for r in &measure_rows {
            loaded.push((
                r.try_get("id")?,
                Loaded {
                    section_id: r.try_get("section_id")?,
                    area_id: r.try_get("area_id")?,
                    parent_id: r.try_get("parent_id")?,
                    measure: measure_from_row(r)?,
                },
            ));
        }
        // Attach children to parents, deepest first, keeping each list in position order.
        let mut by_id: HashMap<i64, Loaded> = HashMap::new();
        let order: Vec<i64> = loaded.iter().map(|(id, _)| *id).collect();
        for (id, l) in loaded {
            by_id.insert(id, l);
        }
        let mut children_of: HashMap<i64, Vec<i64>> = HashMap::new();
        let mut roots = Vec::new();
        for id in &order {
            match by_id[id].parent_id {
                Some(p) if by_id.contains_key(&p) => children_of.entry(p).or_default().push(*id),
                _ => roots.push(*id),
            }
        }
        fn build(id: i64, by_id: &mut HashMap<i64, Loaded>, children_of: &HashMap<i64, Vec<i64>>) -> Measure {
            let kids: Vec<Measure> = children_of
                .get(&id)
                .map(|ks| ks.iter().map(|k| build(*k, by_id, children_of)).collect())
                .unwrap_or_default();
            let mut m = by_id.get(&id).expect("measure loaded").measure.clone();
            m.children = kids;
            m
        }
        let mut sections: Vec<(i64, Section)> = section_rows
            .iter()
            .map(|r| Ok((r.try_get("id")?, Section { title: r.try_get("title")?, ..Default::default() })))
            .collect::<DbResult<_>>()?;
        let mut area_index: HashMap<i64, (usize, usize)> = HashMap::new();
        for r in &area_rows {
            let section_id: i64 = r.try_get("section_id")?;
            let Some(si) = sections.iter().position(|(id, _)| *id == section_id) else { continue };
            let area = Area { title: r.try_get("title")?, owner: r.try_get("owner")?, measures: Vec::new() };
            sections[si].1.areas.push(area);
            area_index.insert(r.try_get("id")?, (si, sections[si].1.areas.len() - 1));
        }
        for id in roots {
            let measure = build(id, &mut by_id, &children_of);
            let l = &by_id[&id];
            if let Some(area_id) = l.area_id {
                if let Some((si, ai)) = area_index.get(&area_id) {
                    sections[*si].1.areas[*ai].measures.push(measure);
                }
            } else if let Some(si) = sections.iter().position(|(sid, _)| *sid == l.section_id) {
                sections[si].1.measures.push(measure);
            }
        }
        Ok(sections.into_iter().map(|(_, s)| s).collect())
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
            entry_row::insert(&mut *tx, key, &values, 1, Updated::Yes).await?;
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
            entry_row::insert(&mut *tx, key, &old.values, old.version, old.updated()).await?;
        } else if newer && on_existing != OnExisting::Overwrite {
            kept_newer.push((number, m.title.clone()));
            entry_row::insert(&mut *tx, key, &old.values, old.version, old.updated()).await?;
        } else {
            changed.push((number, Some(old.values.describe()), values.describe()));
            entry_row::insert(&mut *tx, key, &values, old.version + 1, Updated::Yes).await?;
        }
    }
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

/// Creates or updates a programme's tree (sections, areas, measures) inside the caller's
/// transaction, matching measures to those already there.
pub(crate) async fn save_tree<'a>(
    tx: &mut AnyConnection,
    org: &OrganisationRow,
    programme_id: i64,
    year: i32,
    sections: &'a [Section],
    ids: IdSource,
    owners: Owners,
) -> DbResult<SaveCtx<'a>> {
    let programme = tiltak_core::Programme { year, title: String::new(), sections: sections.to_vec() };
    let previous_programme: Option<i64> =
        sqlx::query_scalar("SELECT id FROM programmes WHERE organisation_id = $1 AND year = $2")
            .bind(org.id)
            .bind(i64::from(year) - 1)
            .fetch_optional(&mut *tx)
            .await?;
    let existing = existing_measures(&mut *tx, programme_id).await?;
    let next_number = existing.iter().map(|e| e.number).max().unwrap_or(0) + 1;
    let mut ctx = SaveCtx {
        programme_id,
        organisation_id: org.id,
        ids,
        owners,
        previous_programme,
        by_number: existing.iter().enumerate().map(|(i, e)| (e.number, i)).collect(),
        used: vec![false; existing.len()],
        existing,
        next_number,
        db_ids: HashMap::new(),
        entries: Vec::new(),
    };
    if ids == IdSource::Document {
        // Ids the document gives to new measures are kept; others continue after the highest.
        let highest = programme.measures().iter().filter_map(|(_, m)| m.id).max().unwrap_or(0);
        ctx.next_number = ctx.next_number.max(i64::from(highest) + 1);
    }

    let mut section_rows: Vec<(i64, String)> =
        sqlx::query("SELECT id, title FROM sections WHERE programme_id = $1 ORDER BY position, id")
            .bind(programme_id)
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("title")?)))
            .collect::<DbResult<_>>()?;
    for (si, section) in sections.iter().enumerate() {
        let section_id =
            match section_rows.iter().position(|(_, t)| *t == section.title) {
                Some(i) => section_rows.remove(i).0,
                None => sqlx::query_scalar(
                    "INSERT INTO sections (programme_id, position, title) VALUES ($1, $2, $3) RETURNING id",
                )
                .bind(programme_id)
                .bind(si as i64)
                .bind(&section.title)
                .fetch_one(&mut *tx)
                .await?,
            };
        sqlx::query("UPDATE sections SET position = $1 WHERE id = $2")
            .bind(si as i64)
            .bind(section_id)
            .execute(&mut *tx)
            .await?;
        for (mi, m) in section.measures.iter().enumerate() {
            save_measure(&mut *tx, &mut ctx, m, (section_id, &section.title), None, None, mi).await?;
        }
        let mut area_rows: Vec<(i64, String)> =
            sqlx::query("SELECT id, title FROM areas WHERE section_id = $1 ORDER BY position, id")
                .bind(section_id)
                .fetch_all(&mut *tx)
                .await?
                .iter()
                .map(|r| Ok((r.try_get("id")?, r.try_get("title")?)))
                .collect::<DbResult<_>>()?;
        for (ai, area) in section.areas.iter().enumerate() {
            let group = match ctx.owners {
                Owners::FromFile => working_group(&mut *tx, org.id, area.owner.as_deref()).await?,
                Owners::Keep => None,
            };
            let area_id =
                match area_rows.iter().position(|(_, t)| *t == area.title) {
                    Some(i) => area_rows.remove(i).0,
                    None => sqlx::query_scalar(
                        "INSERT INTO areas (section_id, position, title) VALUES ($1, $2, $3) RETURNING id",
                    )
                    .bind(section_id)
                    .bind(ai as i64)
                    .bind(&area.title)
                    .fetch_one(&mut *tx)
                    .await?,
                };
            let set_area = match ctx.owners {
                Owners::FromFile => {
                    sqlx::query("UPDATE areas SET position = $1, working_group_id = $2 WHERE id = $3")
                        .bind(ai as i64)
                        .bind(group)
                }
                Owners::Keep => sqlx::query("UPDATE areas SET position = $1 WHERE id = $2").bind(ai as i64),
            };
            set_area.bind(area_id).execute(&mut *tx).await?;
            for (mi, m) in area.measures.iter().enumerate() {
                save_measure(
                    &mut *tx,
                    &mut ctx,
                    m,
                    (section_id, &section.title),
                    Some((area_id, &area.title)),
                    None,
                    mi,
                )
                .await?;
            }
        }
    }

    Ok(ctx)
}

fn programme_row(r: &AnyRow) -> DbResult<ProgrammeRow> {
    Ok(ProgrammeRow {
        id: r.try_get("id")?,
        year: r.try_get::<i64, _>("year")? as i32,
        title: r.try_get("title")?,
        state: ProgrammeState::parse(&r.try_get::<String, _>("state")?).map_err(DbError::invalid)?,
        published: r.try_get::<i64, _>("published")? != 0,
    })
}

fn measure_from_row(r: &AnyRow) -> DbResult<Measure> {
    Ok(Measure {
        id: Some(r.try_get::<i64, _>("number")? as MeasureId),
        title: r.try_get("title")?,
        owner: r.try_get("owner")?,
        continues: r.try_get::<Option<i64>, _>("continues_number")?.map(|n| n as MeasureId),
        entry: entry_row::decode(r)?,
        children: Vec::new(),
    })
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

async fn existing_measures(tx: &mut AnyConnection, programme_id: i64) -> DbResult<Vec<Existing>> {
    let rows = sqlx::query(
        "SELECT m.id, m.number, m.parent_id, m.title, s.title AS section, a.title AS area
         FROM measures m JOIN sections s ON s.id = m.section_id LEFT JOIN areas a ON a.id = m.area_id
         WHERE m.programme_id = $1 ORDER BY m.position, m.id",
    )
    .bind(programme_id)
    .fetch_all(&mut *tx)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Existing {
                id: r.try_get("id")?,
                number: r.try_get("number")?,
                place: (
                    r.try_get("section")?,
                    r.try_get("area")?,
                    r.try_get("parent_id")?,
                    r.try_get("title")?,
                ),
            })
        })
        .collect()
}

async fn working_group(
    tx: &mut AnyConnection,
    organisation_id: i64,
    name: Option<&str>,
) -> DbResult<Option<i64>> {
    let Some(name) = name.map(str::trim).filter(|n| !n.is_empty()) else { return Ok(None) };
    let found: Option<i64> =
        sqlx::query_scalar("SELECT id FROM working_groups WHERE organisation_id = $1 AND name = $2")
            .bind(organisation_id)
            .bind(name)
            .fetch_optional(&mut *tx)
            .await?;
    if let Some(id) = found {
        return Ok(Some(id));
    }
    let id =
        sqlx::query_scalar("INSERT INTO working_groups (organisation_id, name) VALUES ($1, $2) RETURNING id")
            .bind(organisation_id)
            .bind(name)
            .fetch_one(&mut *tx)
            .await?;
    Ok(Some(id))
}

/// Saves one measure and its sub-measures, matched to an existing measure or created.
fn save_measure<'a, 'c>(
    tx: &'c mut AnyConnection,
    ctx: &'c mut SaveCtx<'a>,
    m: &'a Measure,
    section: (i64, &'c str),
    area: Option<(i64, &'c str)>,
    parent: Option<i64>,
    position: usize,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = DbResult<()>> + Send + 'c>>
where
    'a: 'c,
{
    Box::pin(async move {
        let matched = match ctx.ids {
            IdSource::Document => {
                m.id.and_then(|id| ctx.by_number.get(&i64::from(id)).copied()).filter(|i| !ctx.used[*i])
            }
            IdSource::Place => {
                let place = (section.1.to_owned(), area.map(|a| a.1.to_owned()), parent, m.title.clone());
                ctx.existing.iter().enumerate().position(|(i, e)| !ctx.used[i] && e.place == place)
            }
        };
        let group = match ctx.owners {
            Owners::FromFile => working_group(tx, ctx.organisation_id, m.owner.as_deref()).await?,
            Owners::Keep => None,
        };
        let continues = match (m.continues, ctx.previous_programme) {
            (Some(number), Some(prev)) => {
                let found: Option<i64> =
                    sqlx::query_scalar("SELECT id FROM measures WHERE programme_id = $1 AND number = $2")
                        .bind(prev)
                        .bind(i64::from(number))
                        .fetch_optional(&mut *tx)
                        .await?;
                Some(found.ok_or_else(|| {
                    DbError::Invalid(
                        Message::new("db-continues-missing").arg("title", &m.title).arg("number", number),
                    )
                })?)
            }
            (Some(number), None) => {
                return Err(DbError::Invalid(
                    Message::new("db-continues-no-programme").arg("title", &m.title).arg("number", number),
                ));
            }
            _ => None,
        };
        let id = match matched {
            Some(i) => {
                ctx.used[i] = true;
                let id = ctx.existing[i].id;
                // The owner as the file says, or kept (`group` is then none, and the row keeps its own).
                let set_measure = match ctx.owners {
                    Owners::FromFile => {
                        "UPDATE measures SET section_id = $1, area_id = $2, parent_id = $3, position = $4, title = $5,
                             working_group_id = $6, continues_id = $7, version = version + 1 WHERE id = $8"
                    }
                    Owners::Keep => {
                        "UPDATE measures SET section_id = $1, area_id = $2, parent_id = $3, position = $4, title = $5,
                             working_group_id = COALESCE($6, working_group_id), continues_id = $7,
                             version = version + 1 WHERE id = $8"
                    }
                };
                sqlx::query(set_measure)
                    .bind(section.0)
                    .bind(area.map(|a| a.0))
                    .bind(parent)
                    .bind(position as i64)
                    .bind(&m.title)
                    .bind(group)
                    .bind(continues)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                id
            }
            None => {
                let wanted =
                    m.id.map(i64::from)
                        .filter(|n| ctx.ids == IdSource::Document && !ctx.by_number.contains_key(n));
                let number = match wanted {
                    Some(n) => n,
                    None => {
                        ctx.next_number += 1;
                        ctx.next_number - 1
                    }
                };
                ctx.by_number.insert(number, usize::MAX);
                sqlx::query_scalar(
                    "INSERT INTO measures (programme_id, number, section_id, area_id, parent_id, position, title,
                         working_group_id, continues_id)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                )
                .bind(ctx.programme_id)
                .bind(number)
                .bind(section.0)
                .bind(area.map(|a| a.0))
                .bind(parent)
                .bind(position as i64)
                .bind(&m.title)
                .bind(group)
                .bind(continues)
                .fetch_one(&mut *tx)
                .await?
            }
        };
        if let Some(doc_id) = m.id {
            ctx.db_ids.insert(doc_id, id);
        }
        ctx.entries.push((id, m));
        for (ci, child) in m.children.iter().enumerate() {
            save_measure(tx, ctx, child, section, area, Some(id), ci).await?;
        }
        Ok(())
    })
}

//! Saving a programme's tree inside the caller's transaction: sections, areas and measures,
//! matched to those already there (by id for Tiltak's own files, by place and title otherwise),
//! with owners kept or taken from the file.

use std::collections::HashMap;

use sqlx::{AnyConnection, Row};
use tiltak_core::{Measure, MeasureId, Section};

use crate::reports::{IdSource, Owners};
use crate::{DbError, DbResult, Message, OrganisationRow};

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
    pub(crate) db_ids: HashMap<MeasureId, i64>,
    /// Each measure's database id with the measure as the file has it (its entry to write).
    pub(crate) entries: Vec<(i64, &'a Measure)>,
    /// New measures not yet written, with the ids given them: written 60 to a statement.
    pending: Vec<NewMeasure<'a>>,
    /// Ids reserved for new measures and not yet given, and whether PostgreSQL reserves them.
    free_ids: std::ops::Range<i64>,
    postgres: bool,
}

/// A new measure waiting to be written (see [`flush`]).
struct NewMeasure<'a> {
    id: i64,
    number: i64,
    section: i64,
    area: Option<i64>,
    parent: Option<i64>,
    position: i64,
    title: &'a str,
    group: Option<i64>,
    continues: Option<i64>,
}

/// How many ids PostgreSQL reserves at a time, and how many rows one INSERT writes.
const BLOCK: i64 = 60;

/// An id for a new measure. SQLite: after the highest in the table (the transaction holds the
/// database's write lock by now, so no one else can take it). PostgreSQL: reserved from the
/// table's identity sequence, a block at a time.
async fn new_id(tx: &mut AnyConnection, ctx: &mut SaveCtx<'_>) -> DbResult<i64> {
    if ctx.free_ids.is_empty() {
        ctx.free_ids = if ctx.postgres {
            let ids: Vec<i64> = sqlx::query_scalar(
                "SELECT nextval(pg_get_serial_sequence('measures', 'id')) FROM generate_series(1, $1)",
            )
            .bind(BLOCK)
            .fetch_all(&mut *tx)
            .await?;
            // A sequence hands out rising numbers; another transaction may take some in between.
            match (ids.first(), ids.last()) {
                (Some(first), Some(last)) if last - first + 1 == BLOCK => *first..last + 1,
                (Some(first), _) => *first..first + 1,
                _ => return Err(DbError::Invalid(Message::new("db-measure-ids"))),
            }
        } else {
            let highest: i64 =
                sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM measures").fetch_one(&mut *tx).await?;
            highest + 1..i64::MAX
        };
    }
    let id = ctx.free_ids.start;
    ctx.free_ids.start += 1;
    Ok(id)
}

/// Writes the new measures waiting, parents before their sub-measures, 60 to a statement.
async fn flush(tx: &mut AnyConnection, ctx: &mut SaveCtx<'_>) -> DbResult<()> {
    const COLUMNS: usize = 10;
    for chunk in ctx.pending.chunks(BLOCK as usize) {
        let rows: Vec<String> = (0..chunk.len())
            .map(|r| {
                let params: Vec<String> = (1..=COLUMNS).map(|c| format!("${}", r * COLUMNS + c)).collect();
                format!("({})", params.join(", "))
            })
            .collect();
        let sql = format!(
            "INSERT INTO measures (id, programme_id, number, section_id, area_id, parent_id, position, title,
                 working_group_id, continues_id) VALUES {}",
            rows.join(", ")
        );
        // Only placeholders are formatted in: every value is bound.
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for m in chunk {
            q = q
                .bind(m.id)
                .bind(ctx.programme_id)
                .bind(m.number)
                .bind(m.section)
                .bind(m.area)
                .bind(m.parent)
                .bind(m.position)
                .bind(m.title)
                .bind(m.group)
                .bind(m.continues);
        }
        q.execute(&mut *tx).await?;
    }
    ctx.pending.clear();
    Ok(())
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
        pending: Vec::new(),
        free_ids: 0..0,
        postgres: tx.backend_name().to_ascii_lowercase().starts_with("postgres"),
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
    flush(tx, &mut ctx).await?;
    Ok(ctx)
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
        let group = match (ctx.owners, &m.owner) {
            (Owners::FromFile, _) => working_group(tx, ctx.organisation_id, m.owner.as_deref()).await?,
            // A table whose owner column a person mapped names a measure's working group.
            (Owners::Keep, Some(owner)) => working_group(tx, ctx.organisation_id, Some(owner)).await?,
            (Owners::Keep, None) => None,
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
                // Its parent may be a new measure still waiting to be written.
                flush(tx, ctx).await?;
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
                let id = new_id(tx, ctx).await?;
                ctx.pending.push(NewMeasure {
                    id,
                    number,
                    section: section.0,
                    area: area.map(|a| a.0),
                    parent,
                    position: position as i64,
                    title: &m.title,
                    group,
                    continues,
                });
                if ctx.pending.len() >= BLOCK as usize {
                    flush(tx, ctx).await?;
                }
                id
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

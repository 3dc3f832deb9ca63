//! The change log: every change with who, when, what, before and after. Written in the same
//! transaction as the change itself; never edited.

use sqlx::{AnyConnection, Row};

use crate::{Db, DbResult, now};

/// Where a change happened.
#[derive(Debug, Clone, Copy)]
pub struct Scope {
    pub organisation_id: i64,
    pub programme_id: Option<i64>,
    pub round_id: Option<i64>,
    pub measure_number: Option<i64>,
}

impl Scope {
    /// A change to the organisation itself: its members, groups, settings.
    pub fn organisation(organisation_id: i64) -> Scope {
        Scope { organisation_id, programme_id: None, round_id: None, measure_number: None }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeRow {
    pub id: i64,
    pub year: Option<i32>,
    pub actor: String,
    pub at: String,
    pub action: String,
    pub measure_number: Option<i64>,
    pub round_label: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// A person saved a measure's entry on the web.
pub const ENTRY_UPDATE: &str = "entry.update";
/// An import changed a measure's entry.
pub const ENTRY_IMPORT: &str = "entry.import";

pub(crate) async fn log(
    conn: &mut AnyConnection,
    scope: Scope,
    actor: &str,
    action: &str,
    before: Option<String>,
    after: Option<String>,
) -> DbResult<()> {
    sqlx::query(
        "INSERT INTO change_log (organisation_id, programme_id, round_id, measure_number, actor, at, action, before, after)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(scope.organisation_id)
    .bind(scope.programme_id)
    .bind(scope.round_id)
    .bind(scope.measure_number)
    .bind(actor)
    .bind(now())
    .bind(action)
    .bind(before)
    .bind(after)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

impl Db {
    /// A programme's changes, newest first; only those of one measure when `measure_number` is given.
    pub async fn changes(
        &self,
        programme_id: i64,
        measure_number: Option<i64>,
        limit: i64,
    ) -> DbResult<Vec<ChangeRow>> {
        let rows = sqlx::query(
            "SELECT c.id, p.year, c.actor, c.at, c.action, c.measure_number, r.label AS round_label, c.before, c.after
             FROM change_log c LEFT JOIN reporting_rounds r ON r.id = c.round_id LEFT JOIN programmes p ON p.id = c.programme_id
             WHERE c.programme_id = $1 AND ($2 IS NULL OR c.measure_number = $2)
             ORDER BY c.id DESC LIMIT $3",
        )
        .bind(programme_id)
        .bind(measure_number)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(change_row).collect()
    }

    /// An organisation's changes, newest first, filtered by year, actor (substring) and action (prefix).
    pub async fn organisation_changes(
        &self,
        organisation_id: i64,
        year: Option<i32>,
        actor: Option<&str>,
        action: Option<&str>,
        limit: i64,
    ) -> DbResult<Vec<ChangeRow>> {
        let rows = sqlx::query(
            "SELECT c.id, p.year, c.actor, c.at, c.action, c.measure_number, r.label AS round_label, c.before, c.after
             FROM change_log c LEFT JOIN reporting_rounds r ON r.id = c.round_id LEFT JOIN programmes p ON p.id = c.programme_id
             WHERE c.organisation_id = $1 AND ($2 IS NULL OR p.year = $2)
               AND ($3 IS NULL OR c.actor LIKE '%' || $3 || '%') AND ($4 IS NULL OR c.action LIKE $4 || '%')
             ORDER BY c.id DESC LIMIT $5",
        )
        .bind(organisation_id)
        .bind(year.map(i64::from))
        .bind(actor)
        .bind(action)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(change_row).collect()
    }
}

fn change_row(r: &sqlx::any::AnyRow) -> DbResult<ChangeRow> {
    Ok(ChangeRow {
        id: r.try_get("id")?,
        year: r.try_get::<Option<i64>, _>("year")?.map(|y| y as i32),
        actor: r.try_get("actor")?,
        at: r.try_get("at")?,
        action: r.try_get("action")?,
        measure_number: r.try_get("measure_number")?,
        round_label: r.try_get("round_label")?,
        before: r.try_get("before")?,
        after: r.try_get("after")?,
    })
}

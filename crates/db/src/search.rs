//! Full-text search over the titles and latest descriptions of an organisation's measures, all
//! years: SQLite FTS5 or PostgreSQL's Norwegian text search, behind one method.

use sqlx::{AnyConnection, Row};

use crate::{Audience, Backend, Db, DbResult};

/// Marks around a hit in highlighted text; the page escapes the text, then turns these into `<mark>`.
pub const HIT_START: char = '\u{2}';
pub const HIT_END: char = '\u{3}';

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchHit {
    pub year: i32,
    pub number: i64,
    /// The title with hits between [`HIT_START`] and [`HIT_END`].
    pub title: String,
    /// A snippet of the description, marked the same way (may be empty).
    pub snippet: String,
}

/// Rewrites the search rows of a programme's measures from the latest public round's descriptions
/// (the index serves the public too, so an internal round's text stays out of it).
pub(crate) async fn refresh(conn: &mut AnyConnection, programme_id: i64) -> DbResult<()> {
    // SQLite's index is keyed by rowid (= the measure's id) and scoped by organisation (migration
    // 0006); PostgreSQL's is a table with a measure_id column and a generated tsvector.
    let sqlite = conn.backend_name() == "SQLite";
    let (delete, insert) = if sqlite {
        (
            "DELETE FROM measure_search WHERE rowid IN (SELECT id FROM measures WHERE programme_id = $1)",
            "INSERT INTO measure_search (rowid, title, description, scope)
             SELECT m.id, m.title, COALESCE(e.description, ''), 'o' || p.organisation_id",
        )
    } else {
        (
            "DELETE FROM measure_search WHERE measure_id IN (SELECT id FROM measures WHERE programme_id = $1)",
            "INSERT INTO measure_search (measure_id, title, description)
             SELECT m.id, m.title, COALESCE(e.description, '')",
        )
    };
    sqlx::query(delete).bind(programme_id).execute(&mut *conn).await?;
    // Built from the two constant halves above only.
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "{insert} FROM measures m JOIN programmes p ON p.id = m.programme_id
         LEFT JOIN status_entries e ON e.measure_id = m.id AND e.round_id = (
             SELECT r.id FROM reporting_rounds r WHERE r.programme_id = m.programme_id AND r.public = 1
             ORDER BY CASE WHEN r.date IS NULL THEN 1 ELSE 0 END DESC, r.date DESC, r.id DESC LIMIT 1)
         WHERE m.programme_id = $1"
    )))
    .bind(programme_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

impl Db {
    /// What `audience` may find: for the public, published programmes' measures that a public
    /// round has (the [`Audience`] rule).
    pub async fn search(
        &self,
        organisation_id: i64,
        query: &str,
        audience: Audience,
        limit: i64,
    ) -> DbResult<Vec<SearchHit>> {
        let published_only = audience == Audience::Public;
        let words: Vec<String> = query
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .take(12)
            .collect();
        if words.is_empty() {
            return Ok(Vec::new());
        }
        let rows = match self.backend {
            Backend::Sqlite => {
                // Each word quoted (no FTS syntax from users) and matched as a prefix, within the
                // organisation's scope token. No column filter: it makes FTS5 read the position
                // lists of every row a word's prefix matches in the whole country. Only a word that
                // could match the scope token itself ("o", "o12") is kept to the text columns.
                let words: String = words
                    .iter()
                    .map(|w| {
                        let scope_like = w.starts_with('o') && w[1..].chars().all(|c| c.is_ascii_digit());
                        if scope_like {
                            format!("{{title description}} : \"{w}\"*")
                        } else {
                            format!("\"{w}\"*")
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(" ");
                let fts = format!("scope : \"o{organisation_id}\" AND {words}");
                // In three steps, each forced (MATERIALIZED) so the planner cannot turn them
                // around: the organisation's matches from the index alone (the scope token keeps
                // them to one organisation); those the audience may see, ranked and cut to the
                // limit; and only those get their highlighted title and snippet. Left to itself the
                // planner may walk the organisation's measures and ask the index once for each.
                sqlx::query(
                    "WITH found AS MATERIALIZED (
                         SELECT rowid AS id, rank FROM measure_search WHERE measure_search MATCH $1),
                     hits AS MATERIALIZED (
                         SELECT found.id, found.rank, p.year, m.number
                         FROM found JOIN measures m ON m.id = found.id JOIN programmes p ON p.id = m.programme_id
                         WHERE p.organisation_id = $2 AND (p.published = 1 OR $4 = 0)
                           AND ($4 = 0 OR EXISTS (SELECT 1 FROM status_entries e JOIN reporting_rounds r ON r.id = e.round_id
                                                  WHERE e.measure_id = m.id AND r.public = 1))
                         ORDER BY found.rank, p.year DESC, m.number LIMIT $3)
                     SELECT hits.year, hits.number,
                            highlight(measure_search, 0, char(2), char(3)) AS title,
                            snippet(measure_search, 1, char(2), char(3), '…', 24) AS snippet
                     FROM measure_search JOIN hits ON hits.id = measure_search.rowid
                     WHERE measure_search MATCH $1
                     ORDER BY hits.rank, hits.year DESC, hits.number",
                )
                .bind(fts)
                .bind(organisation_id)
                .bind(limit)
                .bind(i64::from(published_only))
                .fetch_all(&self.pool)
                .await?
            }
            Backend::Postgres => {
                let tsquery = words.iter().map(|w| format!("{w}:*")).collect::<Vec<_>>().join(" & ");
                sqlx::query(
                    "SELECT p.year, m.number,
                            ts_headline('norwegian', s.title, q, 'StartSel=' || chr(2) || ', StopSel=' || chr(3) || ', HighlightAll=true') AS title,
                            CASE WHEN s.description = '' THEN '' ELSE
                              ts_headline('norwegian', s.description, q, 'StartSel=' || chr(2) || ', StopSel=' || chr(3) || ', MaxWords=30, MinWords=10') END AS snippet
                     FROM measure_search s JOIN measures m ON m.id = s.measure_id
                     JOIN programmes p ON p.id = m.programme_id,
                          to_tsquery('norwegian', $1) q
                     WHERE s.document @@ q AND p.organisation_id = $2 AND (p.published = 1 OR $4 = 0)
                       AND ($4 = 0 OR EXISTS (SELECT 1 FROM status_entries e JOIN reporting_rounds r ON r.id = e.round_id
                                              WHERE e.measure_id = m.id AND r.public = 1))
                     ORDER BY ts_rank(s.document, q) DESC, p.year DESC, m.number LIMIT $3",
                )
                .bind(tsquery)
                .bind(organisation_id)
                .bind(limit)
                .bind(i64::from(published_only))
                .fetch_all(&self.pool)
                .await?
            }
        };
        rows.iter()
            .map(|r| {
                Ok(SearchHit {
                    year: r.try_get::<i64, _>("year")? as i32,
                    number: r.try_get("number")?,
                    title: r.try_get("title")?,
                    snippet: r.try_get::<Option<String>, _>("snippet")?.unwrap_or_default(),
                })
            })
            .collect()
    }
}

//! Full-text search over the titles and latest descriptions of an organisation's measures, all
//! years, behind one method: SQLite FTS5 or PostgreSQL's text search (`tsvector` and GIN) over the
//! organisation-scoped words of [`tiltak_core::search`], which also marks the hits.

use sqlx::{AnyConnection, Row};
use tiltak_core::search::{Marked, SearchQuery, index_words, scoped};

use crate::{Audience, Backend, Db, DbResult};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchHit {
    pub year: i32,
    pub number: i64,
    /// The title, its hits marked.
    pub title: Marked,
    /// Words of the description around the first hit, marked the same way (may be empty).
    pub snippet: Marked,
}

/// Words in a snippet.
const SNIPPET_WORDS: usize = 24;

/// Rows written to the index by one statement.
const ROWS_PER_INSERT: usize = 60;

/// Rewrites the search rows of a programme's measures from the latest public round's descriptions
/// (the index serves the public too, so an internal round's text stays out of it). The index words
/// are made here ([`index_words`]: scoped to the organisation), the same for both databases.
pub(crate) async fn refresh(conn: &mut AnyConnection, programme_id: i64) -> DbResult<()> {
    let rows = sqlx::query(
        "SELECT m.id, p.organisation_id, m.title, COALESCE(e.description, '') AS description
         FROM measures m JOIN programmes p ON p.id = m.programme_id
         LEFT JOIN status_entries e ON e.measure_id = m.id AND e.round_id = (
             SELECT r.id FROM reporting_rounds r WHERE r.programme_id = m.programme_id AND r.public = 1
             ORDER BY CASE WHEN r.date IS NULL THEN 1 ELSE 0 END DESC, r.date DESC, r.id DESC LIMIT 1)
         WHERE m.programme_id = $1",
    )
    .bind(programme_id)
    .fetch_all(&mut *conn)
    .await?;
    // SQLite's index is keyed by rowid (= the measure's id); PostgreSQL's is a table with a
    // measure_id column and a generated tsvector.
    let sqlite = conn.backend_name() == "SQLite";
    let (delete, insert) = if sqlite {
        (
            "DELETE FROM measure_search WHERE rowid IN (SELECT id FROM measures WHERE programme_id = $1)",
            "INSERT INTO measure_search (rowid, title_words, text_words, title, description) VALUES ",
        )
    } else {
        (
            "DELETE FROM measure_search WHERE measure_id IN (SELECT id FROM measures WHERE programme_id = $1)",
            "INSERT INTO measure_search (measure_id, title_words, text_words, title, description) VALUES ",
        )
    };
    sqlx::query(delete).bind(programme_id).execute(&mut *conn).await?;
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let mut sql = String::from(insert);
        for i in 0..chunk.len() {
            let n = i * 5;
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("(${}, ${}, ${}, ${}, ${})", n + 1, n + 2, n + 3, n + 4, n + 5));
        }
        // Built from the constant statement above and numbered placeholders only.
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for row in chunk {
            let organisation_id: i64 = row.try_get("organisation_id")?;
            let title: String = row.try_get("title")?;
            let description: String = row.try_get("description")?;
            query = query
                .bind(row.try_get::<i64, _>("id")?)
                .bind(index_words(organisation_id, &title))
                .bind(index_words(organisation_id, &description))
                .bind(title)
                .bind(description);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

impl Db {
    /// What `audience` may find: for the public, published programmes' measures that a public
    /// round has (the [`Audience`] rule). Every word of the query must start a word of the title
    /// or the description; title hits rank first.
    pub async fn search(
        &self,
        organisation_id: i64,
        query: &str,
        audience: Audience,
        limit: i64,
    ) -> DbResult<Vec<SearchHit>> {
        let Some(query) = SearchQuery::parse(query) else {
            return Ok(Vec::new());
        };
        let published_only = i64::from(audience == Audience::Public);
        // The words are letters and digits only (no FTS or tsquery syntax from users), each
        // matched as a prefix among the organisation's words.
        let words = query.words().iter().map(|w| scoped(organisation_id, w));
        let rows = match self.backend {
            Backend::Sqlite => {
                let fts = words.map(|w| format!("\"{w}\"*")).collect::<Vec<_>>().join(" ");
                // In two steps, forced (MATERIALIZED) so the planner cannot turn them around: the
                // matches from the index alone, then those the audience may see, ranked and cut to
                // the limit; only those are read by rowid for their text. Left to itself the
                // planner may walk the organisation's measures and ask the index once for each.
                sqlx::query(
                    "WITH found AS MATERIALIZED (
                         SELECT rowid AS id, bm25(measure_search, 0.0, 0.0, 2.0, 1.0) AS rank
                         FROM measure_search WHERE measure_search MATCH $1),
                     hits AS MATERIALIZED (
                         SELECT found.id, found.rank, p.year, m.number
                         FROM found JOIN measures m ON m.id = found.id JOIN programmes p ON p.id = m.programme_id
                         WHERE p.organisation_id = $2 AND (p.published = 1 OR $4 = 0)
                           AND ($4 = 0 OR EXISTS (SELECT 1 FROM status_entries e JOIN reporting_rounds r ON r.id = e.round_id
                                                  WHERE e.measure_id = m.id AND r.public = 1))
                         ORDER BY found.rank, p.year DESC, m.number LIMIT $3)
                     SELECT hits.year, hits.number, s.title, s.description
                     FROM hits CROSS JOIN measure_search s ON s.rowid = hits.id
                     ORDER BY hits.rank, hits.year DESC, hits.number",
                )
                .bind(fts)
                .bind(organisation_id)
                .bind(limit)
                .bind(published_only)
                .fetch_all(&self.pool)
                .await?
            }
            Backend::Postgres => {
                let tsquery = words.map(|w| format!("{w}:*")).collect::<Vec<_>>().join(" & ");
                // The same steps as on SQLite, forced (MATERIALIZED): the matches from the GIN
                // index (the scoped words keep them to the organisation), ranked; those the
                // audience may see, cut to the limit; then their text. Left to itself the planner
                // may scan the programmes and test every measure of the organisation.
                sqlx::query(
                    "WITH found AS MATERIALIZED (
                         SELECT s.measure_id, ts_rank(s.document, q) AS rank
                         FROM measure_search s, to_tsquery('simple', $1) q WHERE s.document @@ q),
                     hits AS MATERIALIZED (
                         SELECT found.measure_id, found.rank, p.year, m.number
                         FROM found JOIN measures m ON m.id = found.measure_id JOIN programmes p ON p.id = m.programme_id
                         WHERE p.organisation_id = $2 AND (p.published = 1 OR $4 = 0)
                           AND ($4 = 0 OR EXISTS (SELECT 1 FROM status_entries e JOIN reporting_rounds r ON r.id = e.round_id
                                                  WHERE e.measure_id = m.id AND r.public = 1))
                         ORDER BY found.rank DESC, p.year DESC, m.number LIMIT $3)
                     SELECT hits.year, hits.number, s.title, s.description
                     FROM hits JOIN measure_search s ON s.measure_id = hits.measure_id
                     ORDER BY hits.rank DESC, hits.year DESC, hits.number",
                )
                .bind(tsquery)
                .bind(organisation_id)
                .bind(limit)
                .bind(published_only)
                .fetch_all(&self.pool)
                .await?
            }
        };
        rows.iter()
            .map(|r| {
                Ok(SearchHit {
                    year: r.try_get::<i64, _>("year")? as i32,
                    number: r.try_get("number")?,
                    title: query.mark(&r.try_get::<String, _>("title")?),
                    snippet: query.snippet(&r.try_get::<String, _>("description")?, SNIPPET_WORDS),
                })
            })
            .collect()
    }

    /// Fills the search index when it is empty while measures exist: the first start after the
    /// index changed shape (a migration left it empty).
    pub(crate) async fn fill_search_if_empty(&self) -> DbResult<()> {
        let empty =
            sqlx::query("SELECT 1 FROM measure_search LIMIT 1").fetch_optional(&self.pool).await?.is_none();
        let measures =
            sqlx::query("SELECT 1 FROM measures LIMIT 1").fetch_optional(&self.pool).await?.is_some();
        if !(empty && measures) {
            return Ok(());
        }
        let programmes: Vec<i64> =
            sqlx::query_scalar("SELECT id FROM programmes ORDER BY id").fetch_all(&self.pool).await?;
        tracing::info!("filling the search index for {} programmes", programmes.len());
        let mut tx = self.pool.begin().await?;
        for id in programmes {
            refresh(&mut tx, id).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

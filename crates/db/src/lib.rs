//! Tiltak's store: one repository API over SQLite (one file, the default) and PostgreSQL, through
//! sqlx's Any driver. The backend is chosen by the URL; migrations for each live in `migrations/`.
//! Every write runs in one transaction: it all lands or none of it does.

pub mod changes;
mod entities;
mod entries;
mod entry_row;
mod fields;
mod loading;
mod matching;
mod measures;
mod organisations;
mod reports;
mod rollover;
mod rounds;
pub mod search;
mod tokens;
mod users;
mod workflow;

use std::str::FromStr;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, ConnectOptions, Executor};

pub use changes::ChangeRow;
pub use entities::{AnnualText, EntityRow, LinkedMeasure, SuggestionRow};
pub use entries::{EditableEntry, SaveEntryError, describe};
pub use fields::ImportProfile;
pub use measures::{MeasureDetail, MeasureRef, Placement};
pub use organisations::OrganisationRow;
pub use reports::{IdSource, OnExisting, Owners, ProgrammeRow, RoundRow, Saved};
pub use rounds::RoundProgress;
pub use search::SearchHit;
pub use tiltak_core::ProgrammeState;
pub use tiltak_i18n::Message;
pub use tokens::{TOKEN_NAME_MAX, TOKEN_PREFIX, TokenRow, TokenUse};
pub use users::{OwnerRow, Role, SESSION_DAYS, UserRow, check_password, csrf_for_session, random_token};
pub use workflow::{COMMENT_MAX, CommentRow, Duty, GroupProgress, NewComment, OpenRound, Reminder};

/// The default database of `tiltak serve` and the CLI: a SQLite file under `./data`.
pub const DEFAULT_URL: &str = "sqlite://data/tiltak.db";

/// What went wrong in the store. The first three are for a person to read: a [`Message`] that the
/// web app shows in the viewer's language and the CLI in English.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("{0}")]
    NotFound(Message),
    #[error("{0}")]
    Conflict(Message),
    #[error("{0}")]
    Invalid(Message),
    #[error("database URL {0:?}: expected sqlite://PATH or postgres://…")]
    Url(String),
    #[error("database error: {0}")]
    Sqlx(#[from] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

pub type DbResult<T> = Result<T, DbError>;

/// Who is looking — the one rule of what may be seen, for every page, search, download, feed and
/// lineage link: an organisation's members see all of it; anyone else sees published programmes,
/// public rounds, and in a round only the measures that round has an entry for (a measure added
/// while the latest round is internal appears once a public round has it; a new title shows at
/// once, since titles belong to the programme).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Public,
    Members,
}

impl Audience {
    pub fn sees_programme(self, p: &ProgrammeRow) -> bool {
        self == Audience::Members || p.published
    }

    pub fn sees_round(self, r: &RoundRow) -> bool {
        self == Audience::Members || r.public
    }

    /// For SQL: 1 when members look, so `(x.public = 1 OR $n = 1)` keeps what they may see.
    pub fn members_flag(self) -> i64 {
        i64::from(self == Audience::Members)
    }
}

impl DbError {
    /// A value refused by one of core's rules (its own English words, with what was expected).
    pub fn invalid(e: impl std::fmt::Display) -> Self {
        DbError::Invalid(Message::new("invalid-value").arg("detail", e))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The store. Cheap to clone: it holds a connection pool.
#[derive(Debug, Clone)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
    url: String,
    revision: std::sync::Arc<Revision>,
    sessions: std::sync::Arc<SessionCache>,
}

/// Sessions with their person and roles, each valid for the data revision it was read at and for
/// a minute at most (see [`Db::session_with_roles`]).
#[derive(Debug, Default)]
struct SessionCache {
    #[allow(clippy::type_complexity)]
    entries: std::sync::Mutex<std::collections::HashMap<String, (i64, u64, (UserRow, Vec<(String, Role)>))>>,
}

/// A session read from the database is trusted from memory for this long at most.
const SESSION_CACHED_MS: u64 = 60_000;
const SESSIONS_KEPT: usize = 10_000;

impl SessionCache {
    fn get(&self, key: &str, revision: i64) -> Option<(UserRow, Vec<(String, Role)>)> {
        let entries = self.entries.lock().expect("not poisoned");
        let (r, at, value) = entries.get(key)?;
        (*r == revision && millis().saturating_sub(*at) < SESSION_CACHED_MS).then(|| value.clone())
    }

    fn put(&self, key: String, revision: i64, value: (UserRow, Vec<(String, Role)>)) {
        let mut entries = self.entries.lock().expect("not poisoned");
        if entries.len() >= SESSIONS_KEPT {
            entries.clear();
        }
        entries.insert(key, (revision, millis(), value));
    }
}

/// The data revision as this process knows it (see [`Db::current_revision`]).
#[derive(Debug, Default)]
struct Revision {
    /// The highest revision read from the database.
    known: std::sync::atomic::AtomicI64,
    /// Raised after each of this process's own commits (and by [`Db::wrote`]).
    local: std::sync::atomic::AtomicU64,
    /// `local` as it was when `known` was last read by a request.
    seen_local: std::sync::atomic::AtomicU64,
    /// When the listener last read the revision (milliseconds since `START`); 0: never.
    polled_ms: std::sync::atomic::AtomicU64,
}

static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

fn millis() -> u64 {
    START.get_or_init(std::time::Instant::now).elapsed().as_millis() as u64 + 1
}

/// How often the listener reads the revision, and how old its reading may be before requests
/// stop trusting it (the listener has stopped, or the database does not answer).
pub const LISTEN_EVERY: std::time::Duration = std::time::Duration::from_millis(20);
const LISTEN_STALE_MS: u64 = 500;

/// The file of a `sqlite://PATH` URL (`None` for PostgreSQL or an in-memory database).
pub fn sqlite_path(url: &str) -> Option<std::path::PathBuf> {
    let path = url.strip_prefix("sqlite:")?.trim_start_matches("//");
    let path = path.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| std::path::PathBuf::from(path))
}

impl Db {
    /// A consistent copy of a SQLite database in `to`, made while the database is in use
    /// (`VACUUM INTO` reads one snapshot; writers go on). PostgreSQL has `pg_dump` for this.
    pub async fn backup_sqlite(&self, to: &std::path::Path) -> DbResult<()> {
        if self.backend != Backend::Sqlite {
            return Err(DbError::Invalid(Message::new("db-backup-postgres")));
        }
        if to.exists() {
            return Err(DbError::Conflict(Message::new("db-backup-exists").arg("path", to.display())));
        }
        sqlx::query("VACUUM INTO $1").bind(to.display().to_string()).execute(&self.pool).await?;
        Ok(())
    }

    /// Connects, creating a SQLite file (and its folder) when missing, and runs the migrations.
    pub async fn connect(url: &str) -> DbResult<Self> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(DbError::Url(url.to_owned()));
        };
        let mut url = url.to_owned();
        if backend == Backend::Sqlite {
            let path = url.trim_start_matches("sqlite:").trim_start_matches("//");
            let path = path.split('?').next().unwrap_or_default();
            if !path.is_empty()
                && path != ":memory:"
                && let Some(dir) = std::path::Path::new(path).parent().filter(|d| !d.as_os_str().is_empty())
            {
                std::fs::create_dir_all(dir).map_err(|e| {
                    DbError::Invalid(
                        Message::new("db-cannot-create-dir").arg("path", dir.display()).arg("detail", e),
                    )
                })?;
            }
            if !url.contains('?') {
                url.push_str("?mode=rwc");
            }
        }
        let options = AnyConnectOptions::from_str(&url)?.disable_statement_logging();
        let pool = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 4 } else { 10 })
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // SQLite has one writer: a save waits up to 30 s for another to finish
                        // (a CLI import of 50,000 measures holds the lock for some seconds).
                        conn.execute("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 30000;").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        match backend {
            Backend::Sqlite => {
                // Two processes starting on a new file at once: one migrates, the other finds the
                // file locked or half-migrated and tries again once the first is done.
                let mut tries = 0;
                loop {
                    let migrated = async {
                        sqlx::query("PRAGMA journal_mode = WAL").execute(&pool).await?;
                        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
                        Ok::<_, DbError>(())
                    }
                    .await;
                    match migrated {
                        Ok(()) => break,
                        Err(e) if tries < 50 => {
                            tries += 1;
                            tracing::debug!("migrations: {e}; trying again");
                            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                        }
                        Err(e) => return Err(e),
                    }
                }
            }
            // sqlx takes an advisory lock around PostgreSQL migrations.
            Backend::Postgres => sqlx::migrate!("./migrations/postgres").run(&pool).await?,
        }
        let db = Db {
            pool,
            backend,
            url: url.to_owned(),
            revision: Default::default(),
            sessions: Default::default(),
        };
        // Two processes starting at once after the index changed shape: one fills it, the other
        // may find the file locked and tries again (then finds it full).
        let mut tries = 0;
        loop {
            match db.fill_search_if_empty().await {
                Ok(()) => break,
                Err(e) if tries < 50 && backend == Backend::Sqlite => {
                    tries += 1;
                    tracing::debug!("search index: {e}; trying again");
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
                Err(e) => return Err(e),
            }
        }
        Ok(db)
    }

    /// The URL this store was opened with (a second connection to the same database, in tests).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Commits a transaction and raises this process's own revision, so the next cached page is
    /// made anew (read-your-writes, without waiting for the listener).
    pub(crate) async fn commit(&self, tx: sqlx::Transaction<'_, sqlx::Any>) -> DbResult<()> {
        tx.commit().await?;
        self.wrote();
        Ok(())
    }

    /// Says that this process may have changed the data outside [`Db::commit`] (the web app
    /// calls it after every request that is not a read).
    pub fn wrote(&self) {
        self.revision.local.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }

    /// The data revision, without a query when it is known: nothing was written through this
    /// store since it was last read, and the listener ([`Db::listen`]) has read it within the
    /// last half second, so a change made by another process shows within [`LISTEN_EVERY`].
    /// Without a listener every call reads the database, as [`Db::data_revision`] does.
    pub async fn current_revision(&self) -> DbResult<i64> {
        use std::sync::atomic::Ordering::SeqCst;
        let r = &self.revision;
        let local = r.local.load(SeqCst);
        if self.revision_known() {
            return Ok(r.known.load(SeqCst));
        }
        let n = self.data_revision().await?;
        r.known.fetch_max(n, SeqCst);
        r.seen_local.store(local, SeqCst);
        Ok(r.known.load(SeqCst))
    }

    /// Whether [`Db::current_revision`] answers from memory now: the listener read the revision
    /// lately and nothing was written through this store since a request last read it.
    pub fn revision_known(&self) -> bool {
        use std::sync::atomic::Ordering::SeqCst;
        let r = &self.revision;
        let polled = r.polled_ms.load(SeqCst);
        polled > 0
            && millis().saturating_sub(polled) < LISTEN_STALE_MS
            && r.local.load(SeqCst) == r.seen_local.load(SeqCst)
    }

    /// Reads the data revision every [`LISTEN_EVERY`] until the task is aborted, so that cached
    /// pages cost no query and other processes' changes (the CLI, a second server) still show.
    pub fn listen(&self) -> tokio::task::JoinHandle<()> {
        let db = self.clone();
        tokio::spawn(async move {
            use std::sync::atomic::Ordering::SeqCst;
            loop {
                if let Ok(n) = db.data_revision().await {
                    db.revision.known.fetch_max(n, SeqCst);
                    db.revision.polled_ms.store(millis(), SeqCst);
                }
                tokio::time::sleep(LISTEN_EVERY).await;
            }
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Now, as stored: RFC 3339 in UTC.
pub(crate) fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .expect("the current time formats")
}

pub mod testing {
    //! Fresh databases for tests: a SQLite file in a temporary folder always, and a new PostgreSQL
    //! database when `TILTAK_TEST_DATABASE_URL` names a server to make it on.

    use std::sync::atomic::{AtomicU64, Ordering};

    use sqlx::Connection;

    use crate::{Db, DbResult};

    pub const POSTGRES_ENV: &str = "TILTAK_TEST_DATABASE_URL";

    static COUNTER: AtomicU64 = AtomicU64::new(0);

    fn unique(prefix: &str) -> String {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        format!("{prefix}_{}_{nanos}_{n}", std::process::id())
    }

    /// A new, empty SQLite database in the system's temporary folder.
    pub async fn sqlite() -> DbResult<Db> {
        let path = std::env::temp_dir().join("tiltak-tests").join(format!("{}.db", unique("t")));
        Db::connect(&format!("sqlite://{}", path.display())).await
    }

    /// The URL of a new, empty PostgreSQL database, if the environment names a server.
    pub async fn postgres_url() -> DbResult<Option<String>> {
        let Ok(admin_url) = std::env::var(POSTGRES_ENV) else { return Ok(None) };
        sqlx::any::install_default_drivers();
        let name = unique("tiltak_test");
        let mut conn = sqlx::AnyConnection::connect(&admin_url).await?;
        // The name is made here from digits and a fixed prefix, never from input.
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&mut conn).await?;
        conn.close().await?;
        let (base, query) = match admin_url.split_once('?') {
            Some((b, q)) => (b, format!("?{q}")),
            None => (admin_url.as_str(), String::new()),
        };
        let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
        let server = match base[scheme_end..].find('/') {
            Some(slash) => &base[..scheme_end + slash],
            None => base,
        };
        Ok(Some(format!("{server}/{name}{query}")))
    }

    /// A new, empty PostgreSQL database, if the environment names a server.
    pub async fn postgres() -> DbResult<Option<Db>> {
        match postgres_url().await? {
            Some(url) => Db::connect(&url).await.map(Some),
            None => Ok(None),
        }
    }

    /// Every backend this run can test: SQLite, and PostgreSQL when configured.
    pub async fn all() -> Vec<Db> {
        let mut dbs = vec![sqlite().await.expect("a SQLite test database")];
        if let Some(pg) =
            postgres().await.expect("a PostgreSQL test database (check TILTAK_TEST_DATABASE_URL)")
        {
            dbs.push(pg);
        }
        dbs
    }
}

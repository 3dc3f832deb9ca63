//! Accounts (argon2 password hashes), roles per organisation, working-group membership, and login
//! sessions kept in our own database (only a hash of each session token is stored).

use sha2::{Digest, Sha256};
use sqlx::Row;
use tiltak_core::MeasureId;

use crate::changes::{self, Scope};
use crate::{Db, DbError, DbResult, Message, now};

/// What a member of an organisation may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// The board: reads everything, including what is not published.
    Reader,
    /// Edits the measures of the areas (or measures) their working groups own.
    Editor,
    /// Edits the whole programme, rounds and rollover.
    Secretariat,
    /// Everything, including users and settings.
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Reader, Role::Editor, Role::Secretariat, Role::Admin];

    pub fn key(self) -> &'static str {
        match self {
            Role::Reader => "reader",
            Role::Editor => "editor",
            Role::Secretariat => "secretariat",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> DbResult<Role> {
        Role::ALL
            .into_iter()
            .find(|r| r.key() == s)
            .ok_or_else(|| DbError::Invalid(Message::new("db-role-unknown").arg("role", s)))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub disabled: bool,
}

/// How long a login lasts without being renewed.
pub const SESSION_DAYS: i64 = 14;

pub(crate) fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A new random token: 32 bytes from the operating system, hex.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    hex::encode(bytes)
}

fn normalise_email(email: &str) -> DbResult<String> {
    let e = email.trim().to_lowercase();
    let ok = e.len() <= 254
        && e.split_once('@').is_some_and(|(a, b)| !a.is_empty() && b.contains('.') && !b.starts_with('.'));
    if ok { Ok(e) } else { Err(DbError::Invalid(Message::new("db-email-invalid").arg("email", email))) }
}

/// One line of "who owns what": an area, or a measure with a working group of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnerRow {
    pub section: String,
    pub area: String,
    /// (number, title) when the line is a single measure.
    pub measure: Option<(MeasureId, String)>,
    /// `None`: the secretariat.
    pub group: Option<String>,
}

/// A user's e-mail, for the change log's before and after.
async fn email_of(conn: &mut sqlx::AnyConnection, user_id: i64) -> DbResult<String> {
    Ok(sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(&mut *conn)
        .await?)
}

async fn group_id(conn: &mut sqlx::AnyConnection, organisation_id: i64, group: &str) -> DbResult<i64> {
    sqlx::query_scalar("SELECT id FROM working_groups WHERE organisation_id = $1 AND name = $2")
        .bind(organisation_id)
        .bind(group.trim())
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| DbError::NotFound(Message::new("db-group-not-found").arg("group", group.trim())))
}

/// A password people cannot guess: at least 10 characters, and not a common or trivial one
/// (zxcvbn's estimate, with the person's e-mail as a word an attacker would try first).
pub fn check_password(password: &str, email: &str) -> DbResult<()> {
    if password.chars().count() < 10 {
        return Err(DbError::Invalid(Message::new("db-password-short")));
    }
    let hints: Vec<&str> = email.split(['@', '.']).filter(|p| !p.is_empty()).chain(["tiltak"]).collect();
    let strong = zxcvbn::zxcvbn(password, &hints).score() >= zxcvbn::Score::Three;
    if !strong {
        return Err(DbError::Invalid(Message::new("db-password-weak")));
    }
    Ok(())
}

/// The CSRF token of a session: derived from the session's secret, so it is tied to the session
/// and changes with every login.
pub fn csrf_for_session(session_token: &str) -> String {
    hex::encode(Sha256::digest(format!("csrf:{session_token}").as_bytes()))
}

/// Password hashing is slow and memory-hungry by design (argon2: about 19 MB a hash). It runs on
/// a few threads of its own — never on the threads that answer requests — so at most that many
/// hashes are in memory at once, and each thread's allocator keeps at most one hash's worth.
async fn hashing<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    type Job = Box<dyn FnOnce() + Send>;
    static POOL: std::sync::LazyLock<std::sync::Mutex<std::sync::mpsc::Sender<Job>>> =
        std::sync::LazyLock::new(|| {
            let (tx, rx) = std::sync::mpsc::channel::<Job>();
            let rx = std::sync::Arc::new(std::sync::Mutex::new(rx));
            let threads = std::thread::available_parallelism().map_or(2, |n| n.get()).min(4);
            for i in 0..threads {
                let rx = rx.clone();
                std::thread::Builder::new()
                    .name(format!("password-hashing-{i}"))
                    .spawn(move || {
                        loop {
                            let job = rx.lock().expect("not poisoned").recv();
                            match job {
                                Ok(job) => job(),
                                Err(_) => return,
                            }
                        }
                    })
                    .expect("a thread for password hashing");
            }
            std::sync::Mutex::new(tx)
        });
    let (done, result) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        let _ = done.send(work());
    });
    POOL.lock().expect("not poisoned").send(job).expect("the hashing threads run as long as the process");
    result.await.expect("hashing does not panic")
}

pub(crate) fn user_row(r: &sqlx::any::AnyRow) -> DbResult<UserRow> {
    Ok(UserRow {
        id: r.try_get("id")?,
        email: r.try_get("email")?,
        name: r.try_get("name")?,
        disabled: r.try_get::<i64, _>("disabled")? != 0,
    })
}

impl Db {
    /// Creates an account; refused if the e-mail is taken or the password is too short.
    pub async fn create_user(&self, email: &str, name: &str, password: &str) -> DbResult<UserRow> {
        let email = normalise_email(email)?;
        check_password(password, &email)?;
        if self.user_by_email(&email).await?.is_some() {
            return Err(DbError::Conflict(Message::new("db-user-exists").arg("email", email)));
        }
        let password = password.to_owned();
        let hash = hashing(move || password_auth::generate_hash(password)).await;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (email, name, password_hash, disabled, created_at) VALUES ($1, $2, $3, 0, $4) RETURNING id",
        )
        .bind(&email)
        .bind(name.trim())
        .bind(hash)
        .bind(now())
        .fetch_one(&self.pool)
        .await?;
        self.wrote();
        Ok(UserRow { id, email, name: name.trim().to_owned(), disabled: false })
    }

    pub async fn user_by_email(&self, email: &str) -> DbResult<Option<UserRow>> {
        let row = sqlx::query("SELECT id, email, name, disabled FROM users WHERE email = $1")
            .bind(email.trim().to_lowercase())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(user_row).transpose()
    }

    pub async fn users(&self) -> DbResult<Vec<(UserRow, Vec<(String, Role)>)>> {
        let rows = sqlx::query("SELECT id, email, name, disabled FROM users ORDER BY email")
            .fetch_all(&self.pool)
            .await?;
        let mut out = Vec::new();
        for r in &rows {
            let user = user_row(r)?;
            let roles = self.roles_of(user.id).await?;
            out.push((user, roles));
        }
        Ok(out)
    }

    /// The user if the password is right and the account is active; `None` otherwise (the
    /// caller cannot tell a wrong password from an unknown e-mail, nor can an attacker).
    pub async fn verify_login(&self, email: &str, password: &str) -> DbResult<Option<UserRow>> {
        let row = sqlx::query("SELECT id, email, name, disabled, password_hash FROM users WHERE email = $1")
            .bind(email.trim().to_lowercase())
            .fetch_optional(&self.pool)
            .await?;
        let password = password.to_owned();
        let Some(row) = row else {
            // Spend the same time as a real check, so timing does not reveal which e-mails exist.
            hashing(move || password_auth::verify_password(password, dummy_hash()).is_ok()).await;
            return Ok(None);
        };
        let hash: String = row.try_get("password_hash")?;
        let user = user_row(&row)?;
        if hashing(move || password_auth::verify_password(password, &hash).is_ok()).await && !user.disabled {
            Ok(Some(user))
        } else {
            Ok(None)
        }
    }

    pub async fn set_password(&self, user_id: i64, password: &str) -> DbResult<()> {
        let email: String = sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_one(&self.pool)
            .await?;
        check_password(password, &email)?;
        let password = password.to_owned();
        let hash = hashing(move || password_auth::generate_hash(password)).await;
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        // A new password ends every session of the account.
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?;
        self.commit(tx).await?;
        Ok(())
    }

    pub async fn set_disabled(&self, user_id: i64, disabled: bool) -> DbResult<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2")
            .bind(i64::from(disabled))
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        if disabled {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?;
        }
        self.commit(tx).await?;
        Ok(())
    }

    /// Gives a user a role in an organisation (replacing any role there).
    pub async fn set_role(
        &self,
        user_id: i64,
        organisation_id: i64,
        role: Role,
        actor: &str,
    ) -> DbResult<()> {
        let mut tx = self.pool.begin().await?;
        let email = email_of(&mut tx, user_id).await?;
        let before: Option<String> =
            sqlx::query_scalar("SELECT role FROM memberships WHERE user_id = $1 AND organisation_id = $2")
                .bind(user_id)
                .bind(organisation_id)
                .fetch_optional(&mut *tx)
                .await?;
        sqlx::query("DELETE FROM memberships WHERE user_id = $1 AND organisation_id = $2")
            .bind(user_id)
            .bind(organisation_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO memberships (user_id, organisation_id, role) VALUES ($1, $2, $3)")
            .bind(user_id)
            .bind(organisation_id)
            .bind(role.key())
            .execute(&mut *tx)
            .await?;
        let before = before.map(|r| format!("{email}: {r}"));
        changes::log(
            &mut tx,
            Scope::organisation(organisation_id),
            actor,
            "member.role",
            before,
            Some(format!("{email}: {}", role.key())),
        )
        .await?;
        self.commit(tx).await?;
        Ok(())
    }

    /// Ends a person's membership of an organisation (and of its working groups).
    pub async fn remove_member(&self, user_id: i64, organisation_id: i64, actor: &str) -> DbResult<()> {
        let mut tx = self.pool.begin().await?;
        let row: Option<(String, String)> = sqlx::query_as(
            "SELECT u.email, m.role FROM memberships m JOIN users u ON u.id = m.user_id
             WHERE m.user_id = $1 AND m.organisation_id = $2",
        )
        .bind(user_id)
        .bind(organisation_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((email, role)) = row else {
            return Err(DbError::NotFound(Message::new("db-member-not-found")));
        };
        sqlx::query("DELETE FROM memberships WHERE user_id = $1 AND organisation_id = $2")
            .bind(user_id)
            .bind(organisation_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "DELETE FROM group_members WHERE user_id = $1
             AND working_group_id IN (SELECT id FROM working_groups WHERE organisation_id = $2)",
        )
        .bind(user_id)
        .bind(organisation_id)
        .execute(&mut *tx)
        .await?;
        changes::log(
            &mut tx,
            Scope::organisation(organisation_id),
            actor,
            "member.remove",
            Some(format!("{email}: {role}")),
            None,
        )
        .await?;
        self.commit(tx).await?;
        Ok(())
    }

    /// (organisation slug, role) of every membership of a user.
    pub async fn roles_of(&self, user_id: i64) -> DbResult<Vec<(String, Role)>> {
        let rows = sqlx::query(
            "SELECT o.slug, m.role FROM memberships m JOIN organisations o ON o.id = m.organisation_id WHERE m.user_id = $1 ORDER BY o.slug",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("slug")?, Role::parse(&r.try_get::<String, _>("role")?)?)))
            .collect()
    }

    /// Adds a user to a working group of an organisation, creating the group if needed.
    pub async fn add_to_group(
        &self,
        organisation_id: i64,
        group: &str,
        user_id: i64,
        actor: &str,
    ) -> DbResult<()> {
        let group = group.trim();
        if group.is_empty() {
            return Err(DbError::Invalid(Message::new("db-group-name-needed")));
        }
        let mut tx = self.pool.begin().await?;
        let id: Option<i64> =
            sqlx::query_scalar("SELECT id FROM working_groups WHERE organisation_id = $1 AND name = $2")
                .bind(organisation_id)
                .bind(group)
                .fetch_optional(&mut *tx)
                .await?;
        let id = match id {
            Some(id) => id,
            None => {
                sqlx::query_scalar(
                    "INSERT INTO working_groups (organisation_id, name) VALUES ($1, $2) RETURNING id",
                )
                .bind(organisation_id)
                .bind(group)
                .fetch_one(&mut *tx)
                .await?
            }
        };
        let already: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM group_members WHERE working_group_id = $1 AND user_id = $2",
        )
        .bind(id)
        .bind(user_id)
        .fetch_one(&mut *tx)
        .await?;
        if already == 0 {
            sqlx::query("INSERT INTO group_members (working_group_id, user_id) VALUES ($1, $2)")
                .bind(id)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            let email = email_of(&mut tx, user_id).await?;
            changes::log(
                &mut tx,
                Scope::organisation(organisation_id),
                actor,
                "group.add_member",
                None,
                Some(format!("{group}: {email}")),
            )
            .await?;
        }
        self.commit(tx).await?;
        Ok(())
    }

    /// Takes a person out of a working group.
    pub async fn remove_from_group(
        &self,
        organisation_id: i64,
        group: &str,
        user_id: i64,
        actor: &str,
    ) -> DbResult<()> {
        let mut tx = self.pool.begin().await?;
        let id = group_id(&mut tx, organisation_id, group).await?;
        let email = email_of(&mut tx, user_id).await?;
        let n = sqlx::query("DELETE FROM group_members WHERE working_group_id = $1 AND user_id = $2")
            .bind(id)
            .bind(user_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n > 0 {
            changes::log(
                &mut tx,
                Scope::organisation(organisation_id),
                actor,
                "group.remove_member",
                Some(format!("{group}: {email}")),
                None,
            )
            .await?;
        }
        self.commit(tx).await?;
        Ok(())
    }

    /// Renames a working group; what it owns and who is in it stay.
    pub async fn rename_group(
        &self,
        organisation_id: i64,
        from: &str,
        to: &str,
        actor: &str,
    ) -> DbResult<()> {
        let to = to.trim();
        if to.is_empty() {
            return Err(DbError::Invalid(Message::new("db-group-name-needed")));
        }
        let mut tx = self.pool.begin().await?;
        let id = group_id(&mut tx, organisation_id, from).await?;
        let taken: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM working_groups WHERE organisation_id = $1 AND name = $2 AND id <> $3",
        )
        .bind(organisation_id)
        .bind(to)
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        if taken > 0 {
            return Err(DbError::Conflict(Message::new("db-group-exists").arg("group", to)));
        }
        sqlx::query("UPDATE working_groups SET name = $1 WHERE id = $2")
            .bind(to)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        changes::log(
            &mut tx,
            Scope::organisation(organisation_id),
            actor,
            "group.rename",
            Some(from.to_owned()),
            Some(to.to_owned()),
        )
        .await?;
        self.commit(tx).await?;
        Ok(())
    }

    /// Gives an area of a programme to a working group (or back to the secretariat with `None`).
    pub async fn set_area_owner(
        &self,
        organisation_id: i64,
        programme_id: i64,
        area: &str,
        group: Option<&str>,
        actor: &str,
    ) -> DbResult<()> {
        let mut tx = self.pool.begin().await?;
        let group_id = match group {
            Some(g) => Some(group_id(&mut tx, organisation_id, g).await?),
            None => None,
        };
        let before: Vec<Option<String>> = sqlx::query_scalar(
            "SELECT g.name FROM areas a LEFT JOIN working_groups g ON g.id = a.working_group_id
             WHERE a.title = $1 AND a.section_id IN (SELECT id FROM sections WHERE programme_id = $2)",
        )
        .bind(area)
        .bind(programme_id)
        .fetch_all(&mut *tx)
        .await?;
        if before.is_empty() {
            return Err(DbError::NotFound(Message::new("db-area-not-found").arg("area", area)));
        }
        sqlx::query(
            "UPDATE areas SET working_group_id = $1 WHERE title = $2 AND section_id IN (SELECT id FROM sections WHERE programme_id = $3)",
        )
        .bind(group_id)
        .bind(area)
        .bind(programme_id)
        .execute(&mut *tx)
        .await?;
        let scope =
            Scope { organisation_id, programme_id: Some(programme_id), round_id: None, measure_number: None };
        let owner = |g: Option<&str>| format!("{area}: {}", g.unwrap_or("-"));
        let before = before.into_iter().next().flatten();
        changes::log(&mut tx, scope, actor, "area.owner", Some(owner(before.as_deref())), Some(owner(group)))
            .await?;
        self.commit(tx).await?;
        Ok(())
    }

    /// Gives one measure its own working group (or `None`: it follows its area or umbrella again).
    pub async fn set_measure_owner(
        &self,
        organisation_id: i64,
        programme_id: i64,
        number: MeasureId,
        group: Option<&str>,
        actor: &str,
    ) -> DbResult<()> {
        let mut tx = self.pool.begin().await?;
        let group_id = match group {
            Some(g) => Some(group_id(&mut tx, organisation_id, g).await?),
            None => None,
        };
        let before: Option<(i64, Option<String>)> = sqlx::query_as(
            "SELECT m.id, g.name FROM measures m LEFT JOIN working_groups g ON g.id = m.working_group_id
             WHERE m.programme_id = $1 AND m.number = $2",
        )
        .bind(programme_id)
        .bind(i64::from(number))
        .fetch_optional(&mut *tx)
        .await?;
        let Some((id, before)) = before else {
            return Err(DbError::NotFound(Message::new("db-measure-not-found").arg("number", number)));
        };
        sqlx::query("UPDATE measures SET working_group_id = $1 WHERE id = $2")
            .bind(group_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let scope = Scope {
            organisation_id,
            programme_id: Some(programme_id),
            round_id: None,
            measure_number: Some(i64::from(number)),
        };
        let owner = |g: Option<&str>| g.unwrap_or("-").to_owned();
        changes::log(
            &mut tx,
            scope,
            actor,
            "measure.owner",
            Some(owner(before.as_deref())),
            Some(owner(group)),
        )
        .await?;
        self.commit(tx).await?;
        Ok(())
    }

    /// Who owns what in a programme: every area with its working group, every measure that has a
    /// working group of its own, and every top-level measure outside an area (owned by its own
    /// group or the secretariat), in document order.
    pub async fn owners(&self, programme_id: i64) -> DbResult<Vec<OwnerRow>> {
        let areas = sqlx::query(
            "SELECT s.title AS section, a.title AS area, g.name AS owner FROM areas a
             JOIN sections s ON s.id = a.section_id LEFT JOIN working_groups g ON g.id = a.working_group_id
             WHERE s.programme_id = $1 ORDER BY s.position, s.id, a.position, a.id",
        )
        .bind(programme_id)
        .fetch_all(&self.pool)
        .await?;
        let measures = sqlx::query(
            "SELECT s.title AS section, a.title AS area, m.number, m.title, g.name AS owner FROM measures m
             JOIN sections s ON s.id = m.section_id LEFT JOIN areas a ON a.id = m.area_id
             LEFT JOIN working_groups g ON g.id = m.working_group_id
             WHERE m.programme_id = $1
               AND (m.working_group_id IS NOT NULL OR (m.area_id IS NULL AND m.parent_id IS NULL))
             ORDER BY s.position, s.id, m.position, m.id",
        )
        .bind(programme_id)
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::new();
        for r in &areas {
            out.push(OwnerRow {
                section: r.try_get("section")?,
                area: r.try_get("area")?,
                measure: None,
                group: r.try_get("owner")?,
            });
        }
        for r in &measures {
            out.push(OwnerRow {
                section: r.try_get("section")?,
                area: r.try_get::<Option<String>, _>("area")?.unwrap_or_default(),
                measure: Some((r.try_get::<i64, _>("number")? as MeasureId, r.try_get("title")?)),
                group: r.try_get("owner")?,
            });
        }
        Ok(out)
    }

    /// Whether a user's working groups own a measure: its own group, or an umbrella's, or its area's.
    /// The measures of a programme that this user's working groups own (directly, through their
    /// area, or through an umbrella measure), in one pass.
    pub async fn measures_owned_by(
        &self,
        user_id: i64,
        programme_id: i64,
    ) -> DbResult<std::collections::HashSet<MeasureId>> {
        let rows = sqlx::query(
            "SELECT m.id, m.number, m.parent_id,
                    (SELECT COUNT(*) FROM group_members g WHERE g.user_id = $2
                       AND (g.working_group_id = m.working_group_id OR g.working_group_id = a.working_group_id)) AS owns
             FROM measures m LEFT JOIN areas a ON a.id = m.area_id WHERE m.programme_id = $1",
        )
        .bind(programme_id)
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        let mut by_id = std::collections::HashMap::new();
        for r in &rows {
            let id: i64 = r.try_get("id")?;
            let number = r.try_get::<i64, _>("number")? as MeasureId;
            let parent: Option<i64> = r.try_get("parent_id")?;
            by_id.insert(id, (number, parent, r.try_get::<i64, _>("owns")? > 0));
        }
        let owns = |mut id: i64| {
            // Umbrellas nest a few levels at most; the bound guards against a cycle.
            for _ in 0..64 {
                match by_id.get(&id) {
                    Some((_, _, true)) => return true,
                    Some((_, Some(parent), false)) => id = *parent,
                    _ => return false,
                }
            }
            false
        };
        Ok(by_id.iter().filter(|(id, _)| owns(**id)).map(|(_, (number, _, _))| *number).collect())
    }

    pub async fn group_owns_measure(
        &self,
        user_id: i64,
        programme_id: i64,
        number: MeasureId,
    ) -> DbResult<bool> {
        let mut cursor: Option<i64> =
            sqlx::query_scalar("SELECT id FROM measures WHERE programme_id = $1 AND number = $2")
                .bind(programme_id)
                .bind(i64::from(number))
                .fetch_optional(&self.pool)
                .await?;
        while let Some(id) = cursor {
            let r = sqlx::query(
                "SELECT m.parent_id,
                        (SELECT COUNT(*) FROM group_members g WHERE g.user_id = $2
                           AND (g.working_group_id = m.working_group_id OR g.working_group_id = a.working_group_id)) AS owns
                 FROM measures m LEFT JOIN areas a ON a.id = m.area_id WHERE m.id = $1",
            )
            .bind(id)
            .bind(user_id)
            .fetch_one(&self.pool)
            .await?;
            if r.try_get::<i64, _>("owns")? > 0 {
                return Ok(true);
            }
            cursor = r.try_get("parent_id")?;
        }
        Ok(false)
    }

    /// Starts a session: returns the token for the cookie (a new one every login).
    pub async fn create_session(&self, user_id: i64) -> DbResult<String> {
        let token = random_token();
        let expires = time::OffsetDateTime::now_utc() + time::Duration::days(SESSION_DAYS);
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(hash_token(&token))
        .bind(user_id)
        .bind(now())
        .bind(expires.format(&time::format_description::well_known::Rfc3339).expect("formats"))
        .execute(&self.pool)
        .await?;
        Ok(token)
    }

    /// The active user of a session token, if the session exists, has not expired and the
    /// account is not disabled.
    pub async fn session_user(&self, token: &str) -> DbResult<Option<UserRow>> {
        let row = sqlx::query(
            "SELECT u.id, u.email, u.name, u.disabled FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled = 0",
        )
        .bind(hash_token(token))
        .bind(now())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(user_row).transpose()
    }

    pub async fn end_session(&self, token: &str) -> DbResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(hash_token(token))
            .execute(&self.pool)
            .await?;
        self.wrote();
        Ok(())
    }

    /// The person of a session and their roles, from memory while the data revision is the one
    /// they were read at (ending a session, a new password, a role or membership change all raise
    /// it) and for at most a minute (so an expiry is seen within one).
    pub async fn session_with_roles(&self, token: &str) -> DbResult<Option<(UserRow, Vec<(String, Role)>)>> {
        let revision = self.current_revision().await?;
        let key = hash_token(token);
        if let Some(hit) = self.sessions.get(&key, revision) {
            return Ok(Some(hit));
        }
        let Some(user) = self.session_user(token).await? else { return Ok(None) };
        let roles = self.roles_of(user.id).await?;
        self.sessions.put(key, revision, (user.clone(), roles.clone()));
        Ok(Some((user, roles)))
    }

    /// The data revision: raised by every committed change to the data, by any process (database
    /// triggers, migration 0005). Equal revisions mean equal data, so pages can be cached on it.
    pub async fn data_revision(&self) -> DbResult<i64> {
        Ok(sqlx::query_scalar("SELECT n FROM data_revision WHERE id = 1").fetch_one(&self.pool).await?)
    }

    pub async fn has_users(&self) -> DbResult<bool> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(&self.pool).await?;
        Ok(n > 0)
    }
}

/// An argon2 hash of a random password, checked against when the e-mail is unknown, made once.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| password_auth::generate_hash(random_token()))
}

impl Db {
    /// Whether an organisation shows anything to the public: a published programme.
    pub async fn is_public(&self, organisation_id: i64) -> DbResult<bool> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM programmes WHERE organisation_id = $1 AND published = 1",
        )
        .bind(organisation_id)
        .fetch_one(&self.pool)
        .await?;
        Ok(n > 0)
    }
}

impl Db {
    /// The members of an organisation with their roles.
    pub async fn members(&self, organisation_id: i64) -> DbResult<Vec<(UserRow, Role)>> {
        let rows = sqlx::query(
            "SELECT u.id, u.email, u.name, u.disabled, m.role FROM memberships m JOIN users u ON u.id = m.user_id
             WHERE m.organisation_id = $1 ORDER BY u.email",
        )
        .bind(organisation_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok((user_row(r)?, Role::parse(&r.try_get::<String, _>("role")?)?))).collect()
    }

    /// Working groups of an organisation with their members' e-mails.
    pub async fn groups(&self, organisation_id: i64) -> DbResult<Vec<(String, Vec<String>)>> {
        let rows = sqlx::query(
            "SELECT g.name, u.email FROM working_groups g LEFT JOIN group_members gm ON gm.working_group_id = g.id
             LEFT JOIN users u ON u.id = gm.user_id WHERE g.organisation_id = $1 ORDER BY g.name, u.email",
        )
        .bind(organisation_id)
        .fetch_all(&self.pool)
        .await?;
        let mut out: Vec<(String, Vec<String>)> = Vec::new();
        for r in &rows {
            let name: String = r.try_get("name")?;
            let email: Option<String> = r.try_get("email")?;
            if out.last().is_none_or(|(n, _)| *n != name) {
                out.push((name, Vec::new()));
            }
            if let Some(e) = email {
                out.last_mut().expect("pushed").1.push(e);
            }
        }
        Ok(out)
    }

    /// Replaces an organisation's status vocabulary. Keys in use by any entry must stay.
    pub async fn save_vocabulary(
        &self,
        organisation_id: i64,
        vocabulary: &tiltak_core::Vocabulary,
        actor: &str,
    ) -> DbResult<()> {
        let mut keys: Vec<&str> = vocabulary.kinds.iter().map(|k| k.key.as_str()).collect();
        keys.sort_unstable();
        if keys.windows(2).any(|w| w[0] == w[1]) {
            return Err(DbError::Invalid(Message::new("db-status-keys-unique")));
        }
        for k in &vocabulary.kinds {
            if k.key.is_empty()
                || !k.key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_' || b.is_ascii_digit())
                || k.key == "none"
            {
                return Err(DbError::Invalid(Message::new("db-status-key-invalid").arg("key", &k.key)));
            }
            if k.label.trim().is_empty() {
                return Err(DbError::Invalid(Message::new("db-status-label-needed").arg("key", &k.key)));
            }
        }
        let used: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT e.status_key FROM status_entries e JOIN reporting_rounds r ON r.id = e.round_id
             JOIN programmes p ON p.id = r.programme_id WHERE p.organisation_id = $1 AND e.status_key IS NOT NULL",
        )
        .bind(organisation_id)
        .fetch_all(&self.pool)
        .await?;
        if let Some(missing) = used.iter().find(|u| !keys.contains(&u.as_str())) {
            return Err(DbError::Conflict(Message::new("db-status-in-use").arg("status", missing)));
        }
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM status_kinds WHERE organisation_id = $1")
            .bind(organisation_id)
            .execute(&mut *tx)
            .await?;
        crate::organisations::insert_vocabulary(&mut tx, organisation_id, vocabulary).await?;
        let scope = crate::changes::Scope {
            organisation_id,
            programme_id: None,
            round_id: None,
            measure_number: None,
        };
        let after =
            vocabulary.kinds.iter().map(|k| format!("{}={}", k.key, k.label)).collect::<Vec<_>>().join(", ");
        crate::changes::log(&mut tx, scope, actor, "vocabulary.update", None, Some(after)).await?;
        self.commit(tx).await?;
        Ok(())
    }
}

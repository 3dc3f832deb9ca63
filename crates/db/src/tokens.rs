//! Personal API tokens: a person makes one for a script or a dashboard, scoped to one organisation
//! and a role no higher than theirs there, and revokes it when it is no longer needed. Only the
//! token's SHA-256 is stored; the token itself is shown once. At each use the token counts for the
//! lower of its role and the person's role now, so a person who loses a role or leaves takes their
//! tokens' power with them.

use sqlx::Row;

use crate::changes::{self, Scope};
use crate::users::hash_token as hash;
use crate::{Db, DbError, DbResult, Message, Role, UserRow, now, random_token};

/// What every token starts with, so a leaked one is recognised (secret scanners, logs).
pub const TOKEN_PREFIX: &str = "tiltak_";
/// The longest name of a token, in characters.
pub const TOKEN_NAME_MAX: usize = 100;

/// A token as its owner sees it on their account page (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRow {
    pub id: i64,
    pub name: String,
    pub organisation: String,
    pub organisation_name: String,
    pub role: Role,
    pub created_at: String,
    pub last_used_at: Option<String>,
}

/// Who a request with a token acts as: the person, the organisation, and the role that counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenUse {
    pub id: i64,
    pub name: String,
    pub user: UserRow,
    pub organisation: String,
    /// The lower of the token's role and the person's role in the organisation now.
    pub role: Role,
}

impl Db {
    /// Makes a token for `user` in `organisation_id` with `role`; returns the token, to be shown
    /// once. Refused when the person's own role there is lower, or the name is empty or too long.
    pub async fn create_api_token(
        &self,
        user: &UserRow,
        organisation_id: i64,
        role: Role,
        name: &str,
    ) -> DbResult<String> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > TOKEN_NAME_MAX {
            return Err(DbError::Invalid(Message::new("token-name-needed").arg("max", TOKEN_NAME_MAX)));
        }
        let own: Option<String> =
            sqlx::query_scalar("SELECT role FROM memberships WHERE user_id = $1 AND organisation_id = $2")
                .bind(user.id)
                .bind(organisation_id)
                .fetch_optional(&self.pool)
                .await?;
        let own = own.map(|r| Role::parse(&r)).transpose()?;
        if own.is_none_or(|own| own < role) {
            return Err(DbError::Invalid(Message::new("token-role-too-high")));
        }
        let token = format!("{TOKEN_PREFIX}{}", random_token());
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO api_tokens (token_hash, user_id, organisation_id, role, name, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(hash(&token))
        .bind(user.id)
        .bind(organisation_id)
        .bind(role.key())
        .bind(name)
        .bind(now())
        .execute(&mut *tx)
        .await?;
        let after = format!("{name} ({})", role.key());
        changes::log(
            &mut tx,
            Scope::organisation(organisation_id),
            &user.email,
            "token.create",
            None,
            Some(after),
        )
        .await?;
        self.commit(tx).await?;
        Ok(token)
    }

    /// A person's tokens that still work, newest first.
    pub async fn api_tokens(&self, user_id: i64) -> DbResult<Vec<TokenRow>> {
        let rows = sqlx::query(
            "SELECT t.id, t.name, o.slug, o.name AS organisation_name, t.role, t.created_at, t.last_used_at
             FROM api_tokens t JOIN organisations o ON o.id = t.organisation_id
             WHERE t.user_id = $1 AND t.revoked_at IS NULL ORDER BY t.id DESC",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(TokenRow {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    organisation: r.try_get("slug")?,
                    organisation_name: r.try_get("organisation_name")?,
                    role: Role::parse(&r.try_get::<String, _>("role")?)?,
                    created_at: r.try_get("created_at")?,
                    last_used_at: r.try_get("last_used_at")?,
                })
            })
            .collect()
    }

    /// Revokes one of a person's tokens: it answers 401 from now on. Someone else's token, or one
    /// already revoked, is not found.
    pub async fn revoke_api_token(&self, user: &UserRow, token_id: i64) -> DbResult<()> {
        let mut tx = self.pool.begin().await?;
        let row = sqlx::query(
            "SELECT organisation_id, name FROM api_tokens WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL",
        )
        .bind(token_id)
        .bind(user.id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| DbError::NotFound(Message::new("token-not-found")))?;
        let (organisation_id, name): (i64, String) = (row.try_get("organisation_id")?, row.try_get("name")?);
        sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2")
            .bind(now())
            .bind(token_id)
            .execute(&mut *tx)
            .await?;
        changes::log(
            &mut tx,
            Scope::organisation(organisation_id),
            &user.email,
            "token.revoke",
            Some(name),
            None,
        )
        .await?;
        self.commit(tx).await?;
        Ok(())
    }

    /// Who a token acts as, if it exists, is not revoked, its person is enabled and still a member
    /// of its organisation. Notes the use (at most once a minute, without raising the data revision).
    pub async fn api_token_use(&self, token: &str) -> DbResult<Option<TokenUse>> {
        let Some(row) = sqlx::query(
            "SELECT t.id AS token_id, t.name AS token_name, t.role AS token_role, t.last_used_at,
                    u.id, u.email, u.name, u.disabled, o.slug, m.role AS member_role
             FROM api_tokens t JOIN users u ON u.id = t.user_id
             JOIN organisations o ON o.id = t.organisation_id
             JOIN memberships m ON m.user_id = u.id AND m.organisation_id = t.organisation_id
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.disabled = 0",
        )
        .bind(hash(token))
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        let id: i64 = row.try_get("token_id")?;
        let token_role = Role::parse(&row.try_get::<String, _>("token_role")?)?;
        let member_role = Role::parse(&row.try_get::<String, _>("member_role")?)?;
        let now = now();
        let last: Option<String> = row.try_get("last_used_at")?;
        // Timestamps are RFC 3339: the first 16 characters are the minute.
        if last.as_deref().is_none_or(|l| l.get(..16) != now.get(..16)) {
            sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
                .bind(&now)
                .bind(id)
                .execute(&self.pool)
                .await?;
        }
        Ok(Some(TokenUse {
            id,
            name: row.try_get("token_name")?,
            user: crate::users::user_row(&row)?,
            organisation: row.try_get("slug")?,
            role: token_role.min(member_role),
        }))
    }
}

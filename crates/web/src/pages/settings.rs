//! `/{org}/settings` for admins: who is a member and with which role, the working groups and
//! the areas they own, what is published, and the status vocabulary.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use tiltak_core::status::{StatusCategory, StatusKind, Vocabulary};
use tiltak_db::{ProgrammeRow, Role, UserRow};

use super::{PageCtx, see_other};
use crate::AppState;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult, OrPage};
use crate::i18n::Tr;

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    page: PageCtx,
    tr: Tr,
    base: String,
    members: Vec<(UserRow, Role)>,
    roles: Vec<&'static str>,
    groups: Vec<(String, Vec<String>)>,
    programmes: Vec<ProgrammeRow>,
    areas: Vec<String>,
    vocabulary: Vocabulary,
    categories: Vec<(&'static str, String)>,
    message: Option<String>,
    error: Option<String>,
}

impl SettingsPage {
    pub fn category_is(&self, kind: &StatusKind, c: &str) -> bool {
        kind.category.key() == c
    }
    pub fn aliases(&self, kind: &StatusKind) -> String {
        kind.aliases.join(", ")
    }
}

async fn page(
    app: &AppState,
    tr: Tr,
    viewer: &Viewer,
    slug: &str,
    status: StatusCode,
    message: Option<String>,
    error: Option<String>,
) -> AppResult<Response> {
    let org = super::organisation(&app.db, tr, slug).await?;
    let programmes = app.db.programmes(org.id).await.or_page(tr)?;
    let mut areas = Vec::new();
    if let Some(latest) = programmes.first() {
        for (_, _, a) in app.db.programme_places(latest.id).await.or_page(tr)? {
            areas.extend(a.into_iter().map(|(_, t)| t));
        }
    }
    let html = SettingsPage {
        page: PageCtx::new(tr, viewer, tr.t("settings-title"), Some(&org), None, "settings"),
        tr,
        base: format!("/{}/settings", org.slug),
        members: app.db.members(org.id).await.or_page(tr)?,
        roles: Role::ALL.iter().map(|r| r.key()).collect(),
        groups: app.db.groups(org.id).await.or_page(tr)?,
        programmes,
        areas,
        vocabulary: app.db.vocabulary(org.id).await.or_page(tr)?,
        categories: StatusCategory::ALL
            .iter()
            .map(|c| (c.key(), tr.t(&format!("category-{}", c.key()))))
            .collect(),
        message,
        error,
    }
    .render()
    .or_page(tr)?;
    Ok((status, Html(html)).into_response())
}

pub async fn show(
    State(app): State<AppState>,
    tr: Tr,
    viewer: Viewer,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    page(&app, tr, &viewer, &slug, StatusCode::OK, None, None).await
}

/// Shows the outcome of a settings form on the settings page.
async fn after(
    app: &AppState,
    tr: Tr,
    viewer: &Viewer,
    slug: &str,
    result: Result<String, AppError>,
) -> AppResult<Response> {
    match result {
        Ok(message) => page(app, tr, viewer, slug, StatusCode::OK, Some(message), None).await,
        Err(e) if e.status != StatusCode::INTERNAL_SERVER_ERROR => {
            page(app, tr, viewer, slug, e.status, None, Some(e.message)).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Debug, Deserialize)]
pub struct MemberForm {
    pub email: String,
    pub role: String,
}

/// Gives an existing account a role here; a new e-mail gets an account with a password shown once.
pub async fn member(
    State(app): State<AppState>,
    tr: Tr,
    viewer: Viewer,
    Path(slug): Path<String>,
    Form(f): Form<MemberForm>,
) -> AppResult<Response> {
    let org = super::organisation(&app.db, tr, &slug).await?;
    let result: Result<String, AppError> = async {
        let role = Role::parse(&f.role).map_err(|e| AppError::from_db(tr, e))?;
        let (user, note) = match app.db.user_by_email(&f.email).await.or_page(tr)? {
            Some(u) => (u, String::new()),
            None => {
                let password = tiltak_db::random_token()[..20].to_owned();
                let u = app.db.create_user(&f.email, "", &password).await.or_page(tr)?;
                (u, format!(" {}", tr.t1("settings-new-password", "password", password)))
            }
        };
        app.db.set_role(user.id, org.id, role).await.or_page(tr)?;
        Ok(format!("{} → {}.{note}", user.email, role.key()))
    }
    .await;
    after(&app, tr, &viewer, &slug, result).await
}

#[derive(Debug, Deserialize)]
pub struct GroupForm {
    pub group: String,
    pub email: String,
}

pub async fn group(
    State(app): State<AppState>,
    tr: Tr,
    viewer: Viewer,
    Path(slug): Path<String>,
    Form(f): Form<GroupForm>,
) -> AppResult<Response> {
    let org = super::organisation(&app.db, tr, &slug).await?;
    let result = async {
        let user = app
            .db
            .user_by_email(&f.email)
            .await
            .or_page(tr)?
            .ok_or_else(|| AppError::not_found(tr, format!("{:?}", f.email)))?;
        app.db.add_to_group(org.id, &f.group, user.id).await.or_page(tr)?;
        Ok(format!("{} → {}", user.email, f.group.trim()))
    }
    .await;
    after(&app, tr, &viewer, &slug, result).await
}

#[derive(Debug, Deserialize)]
pub struct AreaForm {
    pub year: i32,
    pub area: String,
    #[serde(default)]
    pub group: String,
}

pub async fn area(
    State(app): State<AppState>,
    tr: Tr,
    viewer: Viewer,
    Path(slug): Path<String>,
    Form(f): Form<AreaForm>,
) -> AppResult<Response> {
    let org = super::organisation(&app.db, tr, &slug).await?;
    let result = async {
        let programme = super::programme(&app.db, tr, &org, &f.year.to_string()).await?;
        let group = Some(f.group.trim()).filter(|g| !g.is_empty());
        app.db.set_area_owner(org.id, programme.id, &f.area, group).await.or_page(tr)?;
        Ok(format!("{} → {}", f.area, group.unwrap_or("–")))
    }
    .await;
    after(&app, tr, &viewer, &slug, result).await
}

#[derive(Debug, Deserialize)]
pub struct PublishForm {
    pub year: i32,
    pub published: String,
}

pub async fn publish(
    State(app): State<AppState>,
    tr: Tr,
    viewer: Viewer,
    Path(slug): Path<String>,
    Form(f): Form<PublishForm>,
) -> AppResult<Response> {
    let org = super::organisation(&app.db, tr, &slug).await?;
    let programme = super::programme(&app.db, tr, &org, &f.year.to_string()).await?;
    app.db.set_published(programme.id, f.published == "1", &viewer.actor()).await.or_page(tr)?;
    Ok(see_other(&format!("/{}/settings", org.slug)))
}

/// The vocabulary form: `order-N`, `key-N`, `label-N`, `aliases-N`, `category-N`, `colour-N` for
/// each row N (an empty key drops the row, unless reports use it).
pub async fn vocabulary(
    State(app): State<AppState>,
    tr: Tr,
    viewer: Viewer,
    Path(slug): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    let org = super::organisation(&app.db, tr, &slug).await?;
    let result = async {
        let mut rows: Vec<usize> = f.keys().filter_map(|k| k.strip_prefix("key-")?.parse().ok()).collect();
        rows.sort_unstable();
        // Rows in the order the person numbered them (`order-N`), then as listed.
        let order = |n: &usize| {
            f.get(&format!("order-{n}")).and_then(|o| o.trim().parse::<i64>().ok()).unwrap_or(i64::MAX)
        };
        rows.sort_by_key(|n| (order(n), *n));
        let mut kinds = Vec::new();
        for n in rows {
            let get =
                |field: &str| f.get(&format!("{field}-{n}")).map(|v| v.trim().to_owned()).unwrap_or_default();
            let key = get("key");
            if key.is_empty() {
                continue;
            }
            let category = StatusCategory::parse(&get("category"))
                .map_err(|e| AppError::bad_request(tr, e.to_string()))?;
            let colour = get("colour");
            if !(colour.len() == 7
                && colour.starts_with('#')
                && colour[1..].bytes().all(|b| b.is_ascii_hexdigit()))
            {
                return Err(AppError::bad_request(tr, format!("{colour:?}: #rrggbb")));
            }
            let aliases =
                get("aliases").split(',').map(|a| a.trim().to_owned()).filter(|a| !a.is_empty()).collect();
            kinds.push(StatusKind { key, label: get("label"), aliases, category, colour });
        }
        app.db.save_vocabulary(org.id, &Vocabulary { kinds }, &viewer.actor()).await.or_page(tr)?;
        Ok(tr.t("saved"))
    }
    .await;
    after(&app, tr, &viewer, &slug, result).await
}

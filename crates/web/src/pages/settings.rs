//! `/{org}/settings`: for the secretariat and admins, the working groups with their members and
//! who owns which area or measure; for admins also who is a member with which role, what is
//! published, and the status vocabulary. Every change lands in the audit log with before and after.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use tiltak_core::MeasureId;
use tiltak_core::status::{StatusCategory, StatusKind, Vocabulary};
use tiltak_db::{OwnerRow, ProgrammeRow, Role, UserRow};

use super::{PageCtx, see_other};
use crate::AppState;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::i18n::{Message, Tr};

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    page: PageCtx,
    tr: Tr,
    base: String,
    /// Members, publishing and the vocabulary are the admin's; groups and owners the secretariat's too.
    admin: bool,
    members: Vec<(UserRow, Role)>,
    roles: Vec<(&'static str, String)>,
    groups: Vec<(String, Vec<String>)>,
    programmes: Vec<ProgrammeRow>,
    /// The latest programme's year and who owns what in it.
    owners_year: Option<i32>,
    owners: Vec<OwnerRow>,
    areas: Vec<String>,
    measures: Vec<(MeasureId, String)>,
    vocabulary: Vocabulary,
    categories: Vec<(&'static str, String)>,
    message: Option<String>,
    error: Option<String>,
    /// Days before a deadline that reminders go out (and on the day); `None`: off.
    remind_days: Option<i64>,
    /// The reminder form as it was sent, refused, with what was wrong: said beside the field.
    reminders_refused: Option<RemindersRefused>,
    /// The open data licence, and the choices: (key, name, chosen).
    licences: Vec<(&'static str, String, bool)>,
    can_mail: bool,
    /// The organisation's own fields, and the kinds to choose from: (key, name).
    fields: Vec<tiltak_core::FieldDef>,
    field_kinds: Vec<(&'static str, String)>,
}

impl SettingsPage {
    pub fn category_is(&self, kind: &StatusKind, c: &str) -> bool {
        kind.category.key() == c
    }
    pub fn aliases(&self, kind: &StatusKind) -> String {
        kind.aliases.join(", ")
    }
    pub fn role_name(&self, role: &Role) -> String {
        self.tr.t(&format!("role-{}", role.key()))
    }
    pub fn kind_is(&self, field: &tiltak_core::FieldDef, k: &str) -> bool {
        field.kind.key() == k
    }
    pub fn choices(&self, field: &tiltak_core::FieldDef) -> String {
        field.choices.join(", ")
    }
    pub fn owner_name(&self, group: &Option<String>) -> String {
        group.clone().unwrap_or_else(|| self.tr.t("settings-secretariat"))
    }
}

async fn page(
    app: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    message: Option<String>,
    error: Option<String>,
    reminders: Option<RemindersRefused>,
) -> AppResult<Response> {
    let (tr, org) = (ctx.tr, ctx.org()?);
    let programmes = app.db.programmes(org.id).await?;
    let (mut areas, mut measures, mut owners) = (Vec::new(), Vec::new(), Vec::new());
    if let Some(latest) = programmes.first() {
        for (_, _, a) in app.db.programme_places(latest.id).await? {
            areas.extend(a.into_iter().map(|(_, t)| t));
        }
        measures = app.db.measure_titles(latest.id).await?;
        owners = app.db.owners(latest.id).await?;
    }
    let html = SettingsPage {
        page: ctx.page(tr.t("settings-title"), "settings"),
        tr,
        base: format!("/{}/settings", org.slug),
        admin: ctx.role == Some(Role::Admin),
        members: app.db.members(org.id).await?,
        roles: Role::ALL.iter().map(|r| (r.key(), tr.t(&format!("role-{}", r.key())))).collect(),
        groups: app.db.groups(org.id).await?,
        owners_year: programmes.first().map(|p| p.year),
        programmes,
        owners,
        areas,
        measures,
        vocabulary: app.db.vocabulary(org.id).await?,
        categories: StatusCategory::ALL
            .iter()
            .map(|c| (c.key(), tr.t(&format!("category-{}", c.key()))))
            .collect(),
        message,
        error,
        remind_days: app.db.remind_days_before(org.id).await?,
        reminders_refused: reminders,
        licences: {
            let chosen = app.db.licence(org.id).await?;
            tiltak_core::Licence::ALL
                .iter()
                .map(|l| (l.key(), tr.t(&licence_label(*l)), *l == chosen))
                .collect()
        },
        can_mail: app.mailer.is_some(),
        fields: app.db.custom_fields(org.id).await?,
        field_kinds: tiltak_core::FieldKind::ALL
            .iter()
            .map(|k| (k.key(), tr.t(&format!("field-kind-{}", k.key()))))
            .collect(),
    }
    .render()?;
    Ok((status, Html(html)).into_response())
}

pub async fn show(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let done = app.flash.take(&ctx.viewer.csrf);
    let flashed = done.is_some();
    let mut response = page(&app, &ctx, StatusCode::OK, done, None, None).await?;
    crate::flash::Flash::said(&mut response, flashed);
    Ok(response)
}

/// The outcome of a settings form: done, said once on the settings page it redirects to (so a
/// reload or a language switch does not send the form again); refused, shown with the form.
async fn after(app: &AppState, ctx: &Ctx, result: Result<Message, AppError>) -> AppResult<Response> {
    let tr = ctx.tr;
    match result {
        Ok(message) => {
            app.flash.put(&ctx.viewer.csrf, tr.message(&message));
            Ok(see_other(&format!("/{}/settings", ctx.org()?.slug)))
        }
        Err(e) if e.status != StatusCode::INTERNAL_SERVER_ERROR => {
            page(app, ctx, e.status, None, Some(tr.message(&e.message)), None).await
        }
        Err(e) => Err(e),
    }
}

/// A member of this organisation by e-mail (groups take only members).
async fn member_by_email(app: &AppState, org_id: i64, email: &str) -> AppResult<UserRow> {
    let email = email.trim();
    let not_member = || AppError::unprocessable(Message::new("settings-no-such-user").arg("email", email));
    let user = app.db.user_by_email(email).await?.ok_or_else(not_member)?;
    let members = app.db.members(org_id).await?;
    members.into_iter().find(|(u, _)| u.id == user.id).map(|(u, _)| u).ok_or_else(not_member)
}

#[derive(Debug, Deserialize)]
pub struct MemberForm {
    pub email: String,
    pub role: String,
    /// "remove" ends the membership; anything else sets the role.
    #[serde(default)]
    pub action: String,
}

/// Gives an existing account a role here; a new e-mail gets an account with a password shown once.
pub async fn member(State(app): State<AppState>, ctx: Ctx, Form(f): Form<MemberForm>) -> AppResult<Response> {
    let (tr, org) = (ctx.tr, ctx.org()?);
    let result: Result<Message, AppError> = async {
        if f.action == "remove" {
            let user = member_by_email(&app, org.id, &f.email).await?;
            if Some(user.id) == ctx.viewer.user.as_ref().map(|u| u.id) {
                return Err(AppError::unprocessable(Message::new("settings-not-yourself")));
            }
            app.db.remove_member(user.id, org.id, &ctx.actor()).await?;
            return Ok(Message::new("settings-member-removed").arg("email", &user.email));
        }
        let role = Role::parse(&f.role)?;
        let (user, password) = match app.db.user_by_email(f.email.trim()).await? {
            // Only someone already here, or without any membership, is given a role here: an
            // organisation's admin cannot attach (or learn about) another organisation's people.
            Some(u) => {
                let elsewhere = app.db.roles_of(u.id).await?.iter().any(|(slug, _)| *slug != org.slug);
                let here = app.db.members(org.id).await?.iter().any(|(m, _)| m.id == u.id);
                if elsewhere && !here {
                    return Err(AppError::unprocessable(
                        Message::new("settings-member-elsewhere").arg("email", f.email.trim()),
                    ));
                }
                (u, None)
            }
            None => {
                let password = tiltak_db::random_token()[..20].to_owned();
                let u = app.db.create_user(f.email.trim(), "", &password).await?;
                (u, Some(password))
            }
        };
        app.db.set_role(user.id, org.id, role, &ctx.actor()).await?;
        let role_name = tr.t(&format!("role-{}", role.key()));
        Ok(match password {
            Some(p) => Message::new("settings-member-new")
                .arg("email", &user.email)
                .arg("role", role_name)
                .arg("password", p),
            None => Message::new("settings-member-set").arg("email", &user.email).arg("role", role_name),
        })
    }
    .await;
    after(&app, &ctx, result).await
}

#[derive(Debug, Deserialize)]
pub struct GroupForm {
    pub group: String,
    #[serde(default)]
    pub email: String,
    /// "add" (the default: a new group is made with its first member), "remove" or "rename".
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub name: String,
}

/// Working groups: add a member (making the group if it is new), take one out, rename a group.
pub async fn group(State(app): State<AppState>, ctx: Ctx, Form(f): Form<GroupForm>) -> AppResult<Response> {
    let org = ctx.org()?;
    let group = f.group.trim();
    let result = async {
        match f.action.as_str() {
            "rename" => {
                app.db.rename_group(org.id, group, &f.name, &ctx.actor()).await?;
                Ok(Message::new("settings-group-renamed").arg("from", group).arg("to", f.name.trim()))
            }
            "remove" => {
                let user = member_by_email(&app, org.id, &f.email).await?;
                app.db.remove_from_group(org.id, group, user.id, &ctx.actor()).await?;
                Ok(Message::new("settings-group-removed").arg("email", &user.email).arg("group", group))
            }
            _ => {
                let user = member_by_email(&app, org.id, &f.email).await?;
                app.db.add_to_group(org.id, group, user.id, &ctx.actor()).await?;
                Ok(Message::new("settings-group-added").arg("email", &user.email).arg("group", group))
            }
        }
    }
    .await;
    after(&app, &ctx, result).await
}

#[derive(Debug, Deserialize)]
pub struct OwnerForm {
    pub year: i32,
    /// An area's title, or empty when a measure is chosen.
    #[serde(default)]
    pub area: String,
    /// A measure's number ("12" or "12 – title"), or empty.
    #[serde(default)]
    pub measure: String,
    /// The working group; empty for the secretariat (a measure then follows its area again).
    #[serde(default)]
    pub group: String,
}

/// Who owns an area, or a single measure.
pub async fn owner(State(app): State<AppState>, ctx: Ctx, Form(f): Form<OwnerForm>) -> AppResult<Response> {
    let (tr, org) = (ctx.tr, ctx.org()?);
    let result = async {
        let programme = app
            .db
            .programme(org.id, f.year)
            .await?
            .ok_or_else(|| AppError::not_found(Message::new("not-found-year").arg("year", f.year)))?;
        let group = Some(f.group.trim()).filter(|g| !g.is_empty());
        let owner = group.map(str::to_owned).unwrap_or_else(|| tr.t("settings-secretariat"));
        let number = f.measure.trim().split(|c: char| !c.is_ascii_digit()).next().unwrap_or_default();
        if !number.is_empty() {
            let number: MeasureId = number.parse().map_err(|_| {
                AppError::unprocessable(Message::new("not-found-measure").arg("number", f.measure.trim()))
            })?;
            app.db.set_measure_owner(org.id, programme.id, number, group, &ctx.actor()).await?;
            return Ok(Message::new("settings-measure-owner-set").arg("number", number).arg("group", owner));
        }
        if f.area.trim().is_empty() {
            return Err(AppError::unprocessable(Message::new("settings-owner-what")));
        }
        app.db.set_area_owner(org.id, programme.id, f.area.trim(), group, &ctx.actor()).await?;
        Ok(Message::new("settings-area-owner-set").arg("area", f.area.trim()).arg("group", owner))
    }
    .await;
    after(&app, &ctx, result).await
}

#[derive(Debug, Deserialize)]
pub struct PublishForm {
    pub year: i32,
    pub published: String,
}

pub async fn publish(
    State(app): State<AppState>,
    ctx: Ctx,
    Form(f): Form<PublishForm>,
) -> AppResult<Response> {
    let org = ctx.org()?;
    let programme = app
        .db
        .programme(org.id, f.year)
        .await?
        .ok_or_else(|| AppError::not_found(Message::new("not-found-year").arg("year", f.year)))?;
    let published = f.published == "1";
    app.db.set_published(programme.id, published, &ctx.actor()).await?;
    let id = if published { "settings-programme-published" } else { "settings-programme-unpublished" };
    after(&app, &ctx, Ok(Message::new(id).arg("year", programme.year))).await
}

#[derive(Debug, Deserialize)]
pub struct LicenceForm {
    pub licence: String,
}

/// The licence the organisation's open data is published under.
pub async fn licence(
    State(app): State<AppState>,
    ctx: Ctx,
    Form(f): Form<LicenceForm>,
) -> AppResult<Response> {
    let org = ctx.org()?;
    let result = match tiltak_core::Licence::parse(&f.licence) {
        Ok(licence) => app
            .db
            .set_licence(org.id, licence, &ctx.actor())
            .await
            .map(|()| Message::new("settings-licence-set").arg("licence", ctx.tr.t(&licence_label(licence))))
            .map_err(AppError::from),
        Err(_) => {
            Err(AppError::unprocessable(Message::new("settings-licence-unknown").arg("licence", &f.licence)))
        }
    };
    after(&app, &ctx, result).await
}

/// The message id of a licence's name.
pub fn licence_label(licence: tiltak_core::Licence) -> String {
    format!("licence-{}", licence.key().to_ascii_lowercase().replace('.', "-"))
}

/// A refused reminder schedule: what the person wrote and why it was refused.
pub struct RemindersRefused {
    pub typed: String,
    pub error: String,
}

#[derive(Debug, Deserialize)]
pub struct RemindersForm {
    /// Days before the deadline, 1–60; empty: no scheduled reminders.
    #[serde(default)]
    pub days: String,
}

/// When reminders go out before a round's deadline (and on the day), or that they do not.
pub async fn reminders(
    State(app): State<AppState>,
    ctx: Ctx,
    Form(f): Form<RemindersForm>,
) -> AppResult<Response> {
    let org = ctx.org()?;
    let days = f.days.trim();
    let result = match days {
        "" => Ok(None),
        d => d.parse::<i64>().map(Some).map_err(|_| AppError::unprocessable(Message::new("db-remind-days"))),
    };
    let result = match result {
        Ok(days) => app
            .db
            .set_remind_days_before(org.id, days, &ctx.actor())
            .await
            .map(|()| match days {
                Some(d) => Message::new("settings-reminders-on").arg("days", d),
                None => Message::new("settings-reminders-off"),
            })
            .map_err(AppError::from),
        Err(e) => Err(e),
    };
    match result {
        // Said beside the field, with what was typed, rather than at the top of a long page.
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            let refused = RemindersRefused { typed: days.to_owned(), error: ctx.tr.message(&e.message) };
            page(&app, &ctx, e.status, None, None, Some(refused)).await
        }
        result => after(&app, &ctx, result).await,
    }
}

/// The vocabulary form: `order-N`, `key-N`, `label-N`, `aliases-N`, `category-N`, `colour-N` for
/// each row N (an empty key drops the row, unless reports use it).
pub async fn vocabulary(
    State(app): State<AppState>,
    ctx: Ctx,
    Form(f): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    let org = ctx.org()?;
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
            let category = StatusCategory::parse(&get("category")).map_err(|_| {
                AppError::unprocessable(
                    Message::new("settings-category-unknown").arg("category", get("category")),
                )
            })?;
            let colour = get("colour");
            if !(colour.len() == 7
                && colour.starts_with('#')
                && colour[1..].bytes().all(|b| b.is_ascii_hexdigit()))
            {
                return Err(AppError::unprocessable(
                    Message::new("settings-colour-invalid").arg("colour", colour),
                ));
            }
            let aliases =
                get("aliases").split(',').map(|a| a.trim().to_owned()).filter(|a| !a.is_empty()).collect();
            kinds.push(StatusKind { key, label: get("label"), aliases, category, colour });
        }
        app.db.save_vocabulary(org.id, &Vocabulary { kinds }, &ctx.actor()).await?;
        Ok(Message::new("saved"))
    }
    .await;
    after(&app, &ctx, result).await
}

#[derive(Debug, Deserialize)]
pub struct FieldForm {
    pub name: String,
    #[serde(default)]
    pub kind: String,
    /// Comma-separated, for a choice.
    #[serde(default)]
    pub choices: String,
    /// "1": a column of the report.
    #[serde(default)]
    pub in_report: String,
    /// "add" (the default) or "update".
    #[serde(default)]
    pub action: String,
    /// "1": the remove button of the field's form.
    #[serde(default)]
    pub remove: String,
    /// "up" or "down": the field's buttons that move it in the order.
    #[serde(default)]
    pub direction: String,
}

/// The organisation's own fields: add one, change its kind, choices and place in the report, or
/// remove it from the list (saved values stay in the entries).
pub async fn field(State(app): State<AppState>, ctx: Ctx, Form(f): Form<FieldForm>) -> AppResult<Response> {
    let org = ctx.org()?;
    let result = async {
        let name = f.name.trim();
        if f.remove == "1" {
            app.db.remove_custom_field(org.id, name, &ctx.actor()).await?;
            return Ok(Message::new("settings-field-removed").arg("name", name));
        }
        if f.action == "move" {
            app.db.move_custom_field(org.id, name, f.direction == "up", &ctx.actor()).await?;
            return Ok(Message::new("settings-field-moved").arg("name", name));
        }
        let kind = tiltak_core::FieldKind::parse(&f.kind).map_err(|_| {
            AppError::bad_request(Message::new("settings-field-kind-unknown").arg("kind", &f.kind))
        })?;
        let def = tiltak_core::FieldDef {
            name: name.to_owned(),
            kind,
            choices: f.choices.split(',').map(|c| c.trim().to_owned()).filter(|c| !c.is_empty()).collect(),
            in_report: f.in_report == "1",
        };
        if f.action == "update" {
            app.db.update_custom_field(org.id, &def, &ctx.actor()).await?;
            Ok(Message::new("settings-field-saved").arg("name", name))
        } else {
            let def = app.db.add_custom_field(org.id, &def, &ctx.actor()).await?;
            Ok(Message::new("settings-field-added").arg("name", &def.name))
        }
    }
    .await;
    after(&app, &ctx, result).await
}

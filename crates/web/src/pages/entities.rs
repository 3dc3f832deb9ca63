//! Events, projects, partners and board decisions: `/{org}/events`, `/{org}/projects`,
//! `/{org}/partners`, `/{org}/decisions` (a list, with a form to add one and a CSV download), one
//! page each at `/{org}/{kind}/{entity}` (edited and removed by the secretariat), the programme's
//! events at `/{org}/{year}/events` (by period and area), and on a measure's page its links and
//! the suggestions found in its text (`links`, `suggestion`). Which parts a kind has comes from
//! core (`EntityKind::has`); the form and the page follow it.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tiltak_core::MeasureId;
use tiltak_core::entities::{Entity, EntityKind, Part, Suggestion};
use tiltak_core::round::iso_date;
use tiltak_db::{DbError, EntityRow, Role};

use super::{PageCtx, render_status, see_other};
use crate::AppState;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::i18n::{Message, Tr};

/// An entity as the pages show it, in the viewer's language.
pub struct EntityView {
    pub id: i64,
    pub kind_label: String,
    pub href: String,
    pub title: String,
    /// The date or period, written out; empty when it has none.
    pub when: String,
    pub category: String,
    pub place: String,
    pub reference: String,
    pub funding: String,
    pub text: String,
    pub public: bool,
    pub lead_partner: String,
    /// The measures it is linked to that the viewer sees: (label, href).
    pub measures: Vec<(String, String)>,
}

pub fn kind_label(tr: Tr, kind: EntityKind) -> String {
    tr.t(&format!("entity-kind-{}", kind.key()))
}

pub fn category_label(tr: Tr, kind: EntityKind, category: &str) -> String {
    if category.is_empty() {
        String::new()
    } else {
        tr.t(&format!("entity-category-{}-{category}", kind.key()))
    }
}

/// "4. juni 2025", "28. august 2025 – 29. august 2025", or empty.
pub fn period(tr: Tr, e: &Entity) -> String {
    match (e.starts_on, e.ends_on) {
        (Some(s), Some(end)) => format!("{} – {}", tr.date(&iso_date(s)), tr.date(&iso_date(end))),
        (Some(s), None) => tr.date(&iso_date(s)),
        _ => String::new(),
    }
}

impl EntityView {
    pub fn of(tr: Tr, org: &str, row: &EntityRow, public_only: bool) -> EntityView {
        let e = &row.entity;
        EntityView {
            id: row.id,
            kind_label: kind_label(tr, e.kind),
            href: format!("/{org}/{}/{}", e.kind.plural(), row.id),
            title: e.title.clone(),
            when: period(tr, e),
            category: category_label(tr, e.kind, &e.category),
            place: e.place.clone(),
            reference: e.reference.clone(),
            funding: e.funding.clone(),
            text: e.text.clone(),
            public: e.public,
            lead_partner: e.lead_partner.clone().unwrap_or_default(),
            measures: row
                .measures
                .iter()
                .filter(|m| !public_only || m.published)
                .map(|m| {
                    let label = tr.tn(
                        "entity-measure-ref",
                        &[
                            ("year", m.year.to_string()),
                            ("number", m.number.to_string()),
                            ("title", m.title.clone()),
                        ],
                    );
                    (label, format!("/{org}/{}/measures/{}", m.year, m.number))
                })
                .collect(),
        }
    }
}

/// The form's fields for one kind, with the values to show (a new entity's, an edit's, or what a
/// person sent that was refused). `prefix` keeps the ids of several forms on one page apart.
pub struct EntityFields {
    pub prefix: String,
    pub kind: EntityKind,
    pub title: String,
    pub starts_on: String,
    pub ends_on: String,
    pub place: String,
    pub category: String,
    pub reference: String,
    pub funding: String,
    pub text: String,
    pub public: bool,
    pub lead_partner: String,
    pub partners: String,
    /// The kind's categories: (key, label).
    pub categories: Vec<(String, String)>,
    /// "Navn" for a partner, "Tittel" otherwise; "Dato" for a decision, "Fra" otherwise; what
    /// its category is called.
    pub title_label: String,
    pub start_label: String,
    pub category_label: String,
}

impl EntityFields {
    pub fn new(tr: Tr, prefix: &str, e: &Entity) -> Self {
        EntityFields {
            prefix: prefix.to_owned(),
            kind: e.kind,
            title: e.title.clone(),
            starts_on: e.starts_on.map(iso_date).unwrap_or_default(),
            ends_on: e.ends_on.map(iso_date).unwrap_or_default(),
            place: e.place.clone(),
            category: e.category.clone(),
            reference: e.reference.clone(),
            funding: e.funding.clone(),
            text: e.text.clone(),
            public: e.public,
            lead_partner: e.lead_partner.clone().unwrap_or_default(),
            partners: e.partners.join("\n"),
            categories: e
                .kind
                .categories()
                .iter()
                .map(|c| ((*c).to_owned(), category_label(tr, e.kind, c)))
                .collect(),
            title_label: tr.t(if e.kind == EntityKind::Partner { "entity-name" } else { "entity-title" }),
            start_label: tr.t(if e.kind == EntityKind::Decision {
                "entity-decided-on"
            } else {
                "entity-starts-on"
            }),
            category_label: tr.t(&format!("entity-category-of-{}", e.kind.key())),
        }
    }

    /// The form as the person sent it (shown again with the reason it was refused).
    pub fn sent(tr: Tr, prefix: &str, kind: EntityKind, f: &EntityForm) -> Self {
        let mut fields = Self::new(tr, prefix, &Entity::new(kind, f.title.clone()));
        fields.starts_on = f.starts_on.clone();
        fields.ends_on = f.ends_on.clone();
        fields.place = f.place.clone();
        fields.category = f.category.clone();
        fields.reference = f.reference.clone();
        fields.funding = f.funding.clone();
        fields.text = f.text.clone();
        fields.public = f.public.is_some();
        fields.lead_partner = f.lead_partner.clone();
        fields.partners = f.partners.clone();
        fields
    }

    pub fn has_period(&self) -> bool {
        self.kind.has(Part::Period)
    }
    pub fn has_end(&self) -> bool {
        self.kind.has(Part::Period) && self.kind != EntityKind::Decision
    }
    pub fn needs_date(&self) -> bool {
        self.kind.needs_date()
    }
    pub fn has_place(&self) -> bool {
        self.kind.has(Part::Place)
    }
    pub fn has_category(&self) -> bool {
        self.kind.has(Part::Category)
    }
    pub fn has_reference(&self) -> bool {
        self.kind.has(Part::Reference)
    }
    pub fn has_funding(&self) -> bool {
        self.kind.has(Part::Funding)
    }
    pub fn has_partners(&self) -> bool {
        self.kind.has(Part::Partners)
    }
}

/// What the entity form sends.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct EntityForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub starts_on: String,
    #[serde(default)]
    pub ends_on: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub reference: String,
    #[serde(default)]
    pub funding: String,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub public: Option<String>,
    #[serde(default)]
    pub lead_partner: String,
    /// One per line.
    #[serde(default)]
    pub partners: String,
    #[serde(default)]
    pub version: Option<i64>,
}

impl EntityForm {
    /// The entity the form describes; a date that does not read is refused with the field named.
    pub fn entity(&self, kind: EntityKind) -> Result<Entity, Message> {
        let date = |s: &str, problem: &'static str| -> Result<Option<time::Date>, Message> {
            let s = s.trim();
            if s.is_empty() {
                return Ok(None);
            }
            tiltak_core::fields::parse_date(s).map(Some).ok_or_else(|| Message::new(problem).arg("value", s))
        };
        let mut e = Entity::new(kind, self.title.clone());
        e.starts_on = date(&self.starts_on, "entity-start-invalid")?;
        e.ends_on = date(&self.ends_on, "entity-end-invalid")?;
        e.place = self.place.clone();
        e.category = self.category.clone();
        e.reference = self.reference.clone();
        e.funding = self.funding.clone();
        e.text = self.text.clone();
        e.public = self.public.is_some();
        e.lead_partner = Some(self.lead_partner.clone());
        e.partners = self.partners.lines().flat_map(|l| l.split(',')).map(str::to_owned).collect();
        e.checked().map_err(|p| Message::new(p.key()))
    }
}

#[derive(Template)]
#[template(path = "entities.html")]
struct ListPage {
    page: PageCtx,
    tr: Tr,
    kind: EntityKind,
    heading: String,
    rows: Vec<EntityView>,
    /// The form to add one (the secretariat), with what was sent when it was refused.
    form: Option<EntityFields>,
    error: Option<String>,
    /// The other kinds' lists: (label, href).
    kinds: Vec<(String, String, bool)>,
    /// The programme's events list: its filter.
    filter: Option<EventFilter>,
    /// Whether the filter left some out (an empty list then says so).
    filtered: bool,
    csv_href: String,
}

impl ListPage {
    pub fn add_heading(&self) -> String {
        self.tr.t(&format!("entity-add-{}", self.kind.key()))
    }
}

/// The programme's events list's filter, as the person set it.
pub struct EventFilter {
    pub from: String,
    pub to: String,
    pub area: String,
    /// The programme's areas: (value, label).
    pub areas: Vec<(String, String)>,
    /// What is wrong with the filter as given (a date that does not read, from after to).
    pub problem: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub format: Option<String>,
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
    #[serde(default)]
    pub area: Option<String>,
}

fn kinds_nav(tr: Tr, org: &str, current: Option<EntityKind>) -> Vec<(String, String, bool)> {
    EntityKind::ALL
        .into_iter()
        .map(|k| {
            (tr.t(&format!("entity-list-{}", k.key())), format!("/{org}/{}", k.plural()), Some(k) == current)
        })
        .collect()
}

/// `GET /{org}/{kind}`: the organisation's events, projects, partners or decisions; as CSV with
/// `?format=csv`.
pub async fn index(State(app): State<AppState>, ctx: Ctx, Query(q): Query<ListQuery>) -> AppResult<Response> {
    let kind = ctx.kind()?;
    let form =
        ctx.at_least(Role::Secretariat).then(|| EntityFields::new(ctx.tr, "new", &Entity::new(kind, "")));
    list(&app, &ctx, kind, q, form, None, StatusCode::OK).await
}

async fn list(
    app: &AppState,
    ctx: &Ctx,
    kind: EntityKind,
    q: ListQuery,
    form: Option<EntityFields>,
    error: Option<String>,
    status: StatusCode,
) -> AppResult<Response> {
    let (tr, org) = (ctx.tr, ctx.org()?);
    let public_only = !ctx.is_member();
    let mut rows = app.db.entities(org.id, Some(kind), ctx.audience()).await?;
    let mut filter = None;
    let mut filtered = false;
    if let Some(programme) = &ctx.programme {
        // The programme's events: linked to its measures, in a period, in an area.
        let some =
            |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
        let (from, to, area) = (some(&q.from), some(&q.to), some(&q.area));
        let mut problem = None;
        let mut date = |s: &Option<String>| {
            let d = s.as_deref().and_then(tiltak_core::fields::parse_date);
            if let (Some(v), None) = (s, d) {
                problem = Some(tr.t1("entity-filter-bad-date", "value", v));
            }
            d
        };
        let (from_d, to_d) = (date(&from), date(&to));
        if let (Some(f), Some(t)) = (from_d, to_d)
            && f > t
        {
            problem = Some(tr.t("entity-filter-backwards"));
        }
        filtered = from_d.is_some() || to_d.is_some() || area.is_some();
        let report = app.db.load_report(org, programme.year, None, ctx.audience()).await?;
        let p = report.programme();
        let mut area_of: HashMap<MeasureId, String> = HashMap::new();
        let mut areas: Vec<(String, String)> = Vec::new();
        for (path, m) in p.measures() {
            let label = match path.area {
                Some(a) => format!("{} › {a}", path.section),
                None => path.section.to_owned(),
            };
            if !areas.iter().any(|(v, _)| *v == label) {
                areas.push((label.clone(), label.clone()));
            }
            if let Some(id) = m.id {
                area_of.insert(id, label);
            }
        }
        let year = programme.year;
        rows.retain(|r| {
            let numbers: Vec<MeasureId> =
                r.measures.iter().filter(|m| m.year == year).map(|m| m.number).collect();
            !numbers.is_empty()
                && area.as_ref().is_none_or(|a| numbers.iter().any(|n| area_of.get(n) == Some(a)))
                && (from_d.is_none() && to_d.is_none()
                    || r.entity.within(from_d.unwrap_or(time::Date::MIN), to_d.unwrap_or(time::Date::MAX)))
        });
        filter = Some(EventFilter {
            from: from.unwrap_or_default(),
            to: to.unwrap_or_default(),
            area: area.unwrap_or_default(),
            areas,
            problem,
        });
    }
    if q.format.as_deref() == Some("csv") {
        return csv(tr, org, kind, &rows, public_only);
    }
    let heading = match &ctx.programme {
        Some(p) => tr.t1("entity-programme-events", "year", p.year),
        None => tr.t(&format!("entity-list-{}", kind.key())),
    };
    let mut page = ctx.page(heading.clone(), "entities");
    page.title = heading.clone();
    let csv_href = match (&ctx.programme, &filter) {
        (Some(p), Some(f)) => {
            let mut href = format!("/{}/{}/events?format=csv", org.slug, p.year);
            for (k, v) in [("from", &f.from), ("to", &f.to), ("area", &f.area)] {
                if !v.is_empty() {
                    href.push_str(&format!("&{k}={}", crate::auth::urlencode(v)));
                }
            }
            href
        }
        (Some(p), None) => format!("/{}/{}/events?format=csv", org.slug, p.year),
        (None, _) => format!("/{}/{}?format=csv", org.slug, kind.plural()),
    };
    let t = ListPage {
        page,
        tr,
        kind,
        heading,
        rows: rows.iter().map(|r| EntityView::of(tr, &org.slug, r, public_only)).collect(),
        form: if ctx.programme.is_some() { None } else { form },
        error,
        kinds: kinds_nav(tr, &org.slug, if ctx.programme.is_some() { None } else { Some(kind) }),
        filter,
        filtered,
        csv_href,
    };
    render_status(status, t)
}

/// The kind's rows as CSV, one column per part it has, headings in the viewer's language.
fn csv(
    tr: Tr,
    org: &tiltak_db::OrganisationRow,
    kind: EntityKind,
    rows: &[EntityRow],
    public_only: bool,
) -> AppResult<Response> {
    let mut headings = vec![tr.t("entity-id"), tr.t("entity-title")];
    let start = if kind == EntityKind::Decision { "entity-decided-on" } else { "entity-starts-on" };
    let parts: Vec<(Part, &str)> = [
        (Part::Period, start),
        (Part::Period, "entity-ends-on"),
        (Part::Category, "entity-category"),
        (Part::Place, "entity-place"),
        (Part::Reference, "entity-reference"),
        (Part::Funding, "entity-funding"),
        (Part::Partners, "entity-lead-partner"),
        (Part::Partners, "entity-partners"),
    ]
    .into_iter()
    .filter(|(p, key)| kind.has(*p) && !(kind == EntityKind::Decision && *key == "entity-ends-on"))
    .collect();
    headings.extend(parts.iter().map(|(_, k)| tr.t(k)));
    headings.extend([tr.t("entity-text"), tr.t("entity-public"), tr.t("entity-measures")]);
    let mut records: Vec<Vec<String>> = Vec::new();
    for r in rows {
        let e = &r.entity;
        let mut cells = vec![r.id.to_string(), e.title.clone()];
        for (_, key) in &parts {
            cells.push(match *key {
                "entity-starts-on" | "entity-decided-on" => e.starts_on.map(iso_date).unwrap_or_default(),
                "entity-ends-on" => e.ends_on.map(iso_date).unwrap_or_default(),
                "entity-category" => category_label(tr, kind, &e.category),
                "entity-place" => e.place.clone(),
                "entity-reference" => e.reference.clone(),
                "entity-funding" => e.funding.clone(),
                "entity-lead-partner" => e.lead_partner.clone().unwrap_or_default(),
                _ => e.partners.join("; "),
            });
        }
        cells.push(e.text.clone());
        cells.push(tr.t(if e.public { "entity-public" } else { "entity-internal" }));
        cells.push(
            r.measures
                .iter()
                .filter(|m| !public_only || m.published)
                .map(|m| format!("{}/{}", m.year, m.number))
                .collect::<Vec<_>>()
                .join("; "),
        );
        records.push(cells);
    }
    let header: Vec<&str> = headings.iter().map(String::as_str).collect();
    // Every cell spreadsheet-safe: one a spreadsheet would read as a formula is written as text.
    let bytes = tiltak_formats::csv_export::write_rows(
        &header,
        records.iter().map(|r| r.iter().map(String::as_str).collect()),
    );
    let name = format!("{}-{}.csv", org.slug, kind.plural());
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        bytes,
    )
        .into_response())
}

/// `POST /{org}/{kind}`: adds one (the secretariat); a refused form is shown again as sent.
pub async fn create(
    State(app): State<AppState>,
    ctx: Ctx,
    Form(form): Form<EntityForm>,
) -> AppResult<Response> {
    let (tr, org, kind) = (ctx.tr, ctx.org()?, ctx.kind()?);
    let added = match form.entity(kind) {
        Ok(entity) => app.db.add_entity(org.id, entity, None, &ctx.actor()).await,
        Err(m) => Err(DbError::Invalid(m)),
    };
    match added {
        Ok(id) => Ok(see_other(&format!("/{}/{}/{id}", org.slug, kind.plural()))),
        Err(DbError::Invalid(m)) => {
            let fields = EntityFields::sent(tr, "new", kind, &form);
            let (q, status) = (ListQuery::default(), StatusCode::UNPROCESSABLE_ENTITY);
            list(&app, &ctx, kind, q, Some(fields), Some(tr.message(&m)), status).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "entity.html")]
struct ShowPage {
    page: PageCtx,
    tr: Tr,
    e: EntityView,
    /// A project's lead partner and partners, with their pages when the viewer sees them.
    lead: Option<(String, Option<String>)>,
    partners: Vec<(String, Option<String>)>,
    /// A partner's projects (as lead or partner): (title, href).
    projects: Vec<(String, String)>,
    version: i64,
    form: Option<EntityFields>,
    error: Option<String>,
    kinds: Vec<(String, String, bool)>,
}

/// `GET /{org}/{kind}/{entity}`.
pub async fn show(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let row = ctx.entity()?;
    let form = ctx.at_least(Role::Secretariat).then(|| EntityFields::new(ctx.tr, "edit", &row.entity));
    entity_page(&app, &ctx, row, row.version, form, None, StatusCode::OK).await
}

async fn entity_page(
    app: &AppState,
    ctx: &Ctx,
    row: &EntityRow,
    version: i64,
    form: Option<EntityFields>,
    error: Option<String>,
    status: StatusCode,
) -> AppResult<Response> {
    let (tr, org) = (ctx.tr, ctx.org()?);
    let e = EntityView::of(tr, &org.slug, row, !ctx.is_member());
    let page = ctx.page(e.title.clone(), "entities");
    // Partners and projects link to each other's pages (by the partner's title, as projects keep it).
    let (mut lead, mut partners, mut projects) = (None, Vec::new(), Vec::new());
    if matches!(row.entity.kind, EntityKind::Project | EntityKind::Partner) {
        let seen = app.db.entities(org.id, None, ctx.audience()).await?;
        let href = |r: &EntityRow| format!("/{}/{}/{}", org.slug, r.entity.kind.plural(), r.id);
        let partner_href = |title: &str| {
            seen.iter()
                .find(|r| {
                    r.entity.kind == EntityKind::Partner
                        && r.entity.title.to_lowercase() == title.to_lowercase()
                })
                .map(href)
        };
        lead = row.entity.lead_partner.as_ref().map(|t| (t.clone(), partner_href(t)));
        partners = row.entity.partners.iter().map(|t| (t.clone(), partner_href(t))).collect();
        if row.entity.kind == EntityKind::Partner {
            let me = row.entity.title.to_lowercase();
            projects = seen
                .iter()
                .filter(|r| r.entity.kind == EntityKind::Project)
                .filter(|r| {
                    r.entity.lead_partner.iter().chain(&r.entity.partners).any(|p| p.to_lowercase() == me)
                })
                .map(|r| (r.entity.title.clone(), href(r)))
                .collect();
        }
    }
    render_status(
        status,
        ShowPage {
            page,
            tr,
            e,
            lead,
            partners,
            projects,
            version,
            form,
            error,
            kinds: kinds_nav(tr, &org.slug, Some(row.entity.kind)),
        },
    )
}

/// `POST /{org}/{kind}/{entity}`: saves an edit read at `version`. Someone else's save in between
/// is not overwritten: the page shows what is saved now above the form as the person sent it.
pub async fn update(
    State(app): State<AppState>,
    ctx: Ctx,
    Form(form): Form<EntityForm>,
) -> AppResult<Response> {
    let (tr, org, row) = (ctx.tr, ctx.org()?, ctx.entity()?);
    let kind = row.entity.kind;
    let refused = |m: Message, status| {
        let fields = EntityFields::sent(tr, "edit", kind, &form);
        let message = tr.message(&m);
        entity_page(&app, &ctx, row, form.version.unwrap_or(row.version), Some(fields), Some(message), status)
    };
    let entity = match form.entity(kind) {
        Ok(e) => e,
        Err(m) => return refused(m, StatusCode::UNPROCESSABLE_ENTITY).await,
    };
    let version = form.version.unwrap_or(row.version);
    match app.db.update_entity(org.id, row.id, version, entity, &ctx.actor()).await {
        Ok(()) => Ok(see_other(&format!("/{}/{}/{}", org.slug, kind.plural(), row.id))),
        Err(DbError::Invalid(m)) => refused(m, StatusCode::UNPROCESSABLE_ENTITY).await,
        Err(DbError::Conflict(_)) => {
            // Shown with what is saved now; the form keeps what the person sent, and saving it
            // again (knowingly) takes the newer version.
            let fields = EntityFields::sent(tr, "edit", kind, &form);
            let m = Message::new("entity-changed-meanwhile");
            entity_page(
                &app,
                &ctx,
                row,
                row.version,
                Some(fields),
                Some(tr.message(&m)),
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /{org}/{kind}/{entity}/remove`.
pub async fn remove(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let (org, row) = (ctx.org()?, ctx.entity()?);
    app.db.remove_entity(org.id, row.id, &ctx.actor()).await?;
    Ok(see_other(&format!("/{}/{}", org.slug, row.entity.kind.plural())))
}

/// Whether this member may change what a measure is linked to: the secretariat, and editors of
/// what their groups own.
pub async fn may_link(app: &AppState, ctx: &Ctx, number: MeasureId) -> AppResult<bool> {
    Ok(match ctx.role {
        Some(Role::Secretariat | Role::Admin) => true,
        Some(Role::Editor) => {
            let user = ctx.viewer.user.as_ref().ok_or_else(|| AppError::internal("members are logged in"))?;
            app.db.group_owns_measure(user.id, ctx.programme()?.id, number).await?
        }
        _ => false,
    })
}

#[derive(Debug, Deserialize)]
pub struct LinkForm {
    /// The entity to link or unlink.
    #[serde(default)]
    pub entity: String,
    /// "link", "unlink", or "new" (the secretariat adds one linked to the measure).
    pub action: String,
    /// For "new": its kind, and its title and dates in `new`.
    #[serde(default)]
    pub kind: String,
    #[serde(flatten)]
    pub new: EntityForm,
}

/// `POST /{org}/{year}/measures/{id}/links`: links an entity kept already, removes a link, or
/// (the secretariat) adds a new one linked to the measure and opens its page to say more.
pub async fn links(State(app): State<AppState>, ctx: Ctx, Form(form): Form<LinkForm>) -> AppResult<Response> {
    let (org, programme, id) = (ctx.org()?, ctx.programme()?, ctx.measure()?);
    if !may_link(&app, &ctx, id).await? {
        return Err(AppError::forbidden(Message::new("forbidden-not-your-area")));
    }
    if form.action == "new" {
        if !ctx.at_least(Role::Secretariat) {
            return Err(AppError::forbidden(Message::new("forbidden-manage")));
        }
        let kind = EntityKind::parse(&form.kind)
            .map_err(|_| AppError::unprocessable(Message::new("entity-kind-choose")))?;
        let mut sent = form.new.clone();
        sent.public = Some("1".into());
        let refused = |message: Message| super::measures::Refused {
            suggestion: None,
            kind,
            form: sent.clone(),
            message: ctx.tr.message(&message),
        };
        let added = match sent.entity(kind) {
            Ok(entity) => app.db.add_entity(org.id, entity, Some((programme.id, id)), &ctx.actor()).await,
            Err(m) => Err(DbError::Invalid(m)),
        };
        return match added {
            Ok(new) => Ok(see_other(&format!("/{}/{}/{new}#edit-entity", org.slug, kind.plural()))),
            Err(DbError::Invalid(m)) => {
                super::measures::page(&app, &ctx, super::measures::MeasureQuery::default(), Some(refused(m)))
                    .await
            }
            Err(e) => Err(e.into()),
        };
    }
    let entity: i64 =
        form.entity.trim().parse().map_err(|_| AppError::unprocessable(Message::new("entity-choose-one")))?;
    match form.action.as_str() {
        "link" => app.db.link_entity(org.id, entity, programme.id, id, &ctx.actor()).await?,
        "unlink" => app.db.unlink_entity(org.id, entity, programme.id, id, &ctx.actor()).await?,
        other => {
            return Err(AppError::bad_request(Message::new("entity-action-unknown").arg("action", other)));
        }
    }
    Ok(see_other(&format!("{}/measures/{id}#links", ctx.base())))
}

#[derive(Debug, Deserialize)]
pub struct SuggestionForm {
    /// "accept" or "dismiss".
    pub action: String,
    /// Accept as a link to this entity kept already instead of a new one.
    #[serde(default)]
    pub existing: String,
    #[serde(flatten)]
    pub entity: EntityForm,
    #[serde(default)]
    pub kind: String,
}

/// `POST /{org}/{year}/measures/{id}/suggestions/{suggestion}`: accepts a suggestion as the person
/// edited it (a new event, decision or project linked to the measure, or a link to one kept
/// already), or dismisses it. A refused one is shown on the measure page with the reason.
pub async fn suggestion(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(params): Path<HashMap<String, String>>,
    Form(form): Form<SuggestionForm>,
) -> AppResult<Response> {
    let (org, programme, id) = (ctx.org()?, ctx.programme()?, ctx.measure()?);
    if !may_link(&app, &ctx, id).await? {
        return Err(AppError::forbidden(Message::new("forbidden-not-your-area")));
    }
    let suggestion: i64 = params
        .get("suggestion")
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| AppError::not_found(Message::new("db-suggestion-not-found")))?;
    match form.action.as_str() {
        "dismiss" => app.db.dismiss_suggestion(org.id, programme.id, id, suggestion, &ctx.actor()).await?,
        "accept" => {
            let refused = |kind: EntityKind, message: Message| super::measures::Refused {
                suggestion: Some(suggestion),
                kind,
                form: form.entity.clone(),
                message: ctx.tr.message(&message),
            };
            let accepted = match form.existing.trim().parse::<i64>() {
                Ok(existing) => Err(existing),
                Err(_) => {
                    let kind = EntityKind::parse(&form.kind).map_err(|_| {
                        AppError::bad_request(Message::new("entity-action-unknown").arg("action", &form.kind))
                    })?;
                    match form.entity.entity(kind) {
                        Ok(e) => Ok(e),
                        Err(m) => {
                            let q = super::measures::MeasureQuery::default();
                            return super::measures::page(&app, &ctx, q, Some(refused(kind, m))).await;
                        }
                    }
                }
            };
            let kind = accepted.as_ref().map(|e| e.kind).unwrap_or(EntityKind::Event);
            match app.db.accept_suggestion(org.id, programme.id, id, suggestion, accepted, &ctx.actor()).await
            {
                Ok(_) => {}
                Err(DbError::Invalid(m)) => {
                    let q = super::measures::MeasureQuery::default();
                    return super::measures::page(&app, &ctx, q, Some(refused(kind, m))).await;
                }
                Err(e) => return Err(e.into()),
            }
        }
        other => {
            return Err(AppError::bad_request(Message::new("entity-action-unknown").arg("action", other)));
        }
    }
    Ok(see_other(&format!("{}/measures/{id}#links", ctx.base())))
}

/// A suggestion as the measure page offers it: what was found, and the form to accept it.
pub struct SuggestionView {
    pub id: i64,
    pub kind_label: String,
    pub title: String,
    pub when: String,
    pub quote: String,
    pub fields: EntityFields,
    /// Entities of the same kind kept already that it may be: (id, label).
    pub existing: Vec<(i64, String)>,
    /// Why accepting it as sent was refused (it is shown open, with what was sent).
    pub error: Option<String>,
}

impl SuggestionView {
    pub fn of(tr: Tr, id: i64, s: &Suggestion, kept: &[EntityRow]) -> SuggestionView {
        let mut entity = s.entity();
        if s.kind == EntityKind::Event {
            entity.category = tiltak_formats::mentions::event_category(&s.quote).to_owned();
        }
        if s.kind == EntityKind::Decision {
            entity.category = "board".into();
        }
        SuggestionView {
            id,
            kind_label: kind_label(tr, s.kind),
            title: s.title.clone(),
            when: period(tr, &entity),
            quote: s.quote.clone(),
            fields: EntityFields::new(tr, &format!("s{id}"), &entity),
            existing: kept
                .iter()
                .filter(|k| k.entity.kind == s.kind)
                .map(|k| {
                    let when = period(tr, &k.entity);
                    (
                        k.id,
                        if when.is_empty() {
                            k.entity.title.clone()
                        } else {
                            format!("{} ({when})", k.entity.title)
                        },
                    )
                })
                .collect(),
            error: None,
        }
    }

    /// Shown again as the person sent it, with why it was refused.
    pub fn refused(&mut self, tr: Tr, r: &super::measures::Refused) {
        self.fields = EntityFields::sent(tr, &self.fields.prefix.clone(), r.kind, &r.form);
        self.error = Some(r.message.clone());
    }
}

/// Offers what measures' texts mention as suggestions (after a save or an import).
pub async fn offer(app: &AppState, programme_id: i64, found: Vec<(MeasureId, Vec<Suggestion>)>) {
    if let Err(e) = app.db.offer_suggestions(programme_id, &found).await {
        // The save itself landed; a suggestion not offered is not worth failing it for.
        tracing::warn!("suggestions not offered: {e}");
    }
}

/// What one saved entry's texts mention.
pub fn found_in(
    year: i32,
    number: MeasureId,
    title: &str,
    entry: &tiltak_core::StatusEntry,
) -> Vec<(MeasureId, Vec<Suggestion>)> {
    let texts = [title, entry.description.as_str(), entry.continuation.comment.as_str()];
    vec![(number, tiltak_formats::mentions::find(&texts, year))]
}

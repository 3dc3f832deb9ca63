//! Tiltak's web app: axum handlers grouped by resource (one module per page family under
//! `pages/`), askama templates beside them in `templates/`, htmx as an improvement only — every
//! page and form works without JavaScript.

pub mod api;
mod assets;
pub mod auth;
mod cache;
pub mod context;
pub mod error;
mod flash;
pub mod i18n;
pub mod mail;
mod pages;
pub mod reminders;
pub mod sample;

use std::net::SocketAddr;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::Method;
use axum::routing::{MethodRouter, get, patch, post};

pub use auth::Access;
use tiltak_db::Db;

/// The largest file the import page takes (a workbook of 10,000 measures is about 1 MB).
pub const UPLOAD_BYTES: usize = 16 * 1024 * 1024;

/// What every handler gets.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub limiter: auth::LoginLimiter,
    pub pages: cache::PageCache,
    /// Report PDFs made again after a change, before they are asked for.
    pub prepared: pages::download::Prepared,
    /// The reverse proxy whose `X-Forwarded-For` and `X-Forwarded-Proto` are believed
    /// (`TILTAK_TRUSTED_PROXY`, an IP address); nobody else's are.
    pub trusted_proxy: Option<std::net::IpAddr>,
    /// Uploads between their preview and their confirmation.
    pub uploads: pages::import::Kept,
    /// What a form did, said once on the page it redirects to.
    pub flash: flash::Flash,
    /// Where mail goes out (`TILTAK_SMTP_URL`); `None`: no mail is sent.
    pub mailer: Option<mail::Mailer>,
    /// The address links in mail and feeds start with (`TILTAK_PUBLIC_URL`).
    pub public_url: String,
    /// Today, for deadlines and reminders (tests set it).
    pub clock: reminders::Clock,
    /// The API's requests per minute, per token or address (`TILTAK_API_RATE_PER_MINUTE`).
    pub api_limit: api::RateLimit,
}

impl AppState {
    pub fn new(db: Db) -> Self {
        AppState {
            db,
            limiter: auth::LoginLimiter::default(),
            pages: cache::PageCache::default(),
            prepared: pages::download::Prepared::default(),
            trusted_proxy: std::env::var("TILTAK_TRUSTED_PROXY").ok().and_then(|p| p.trim().parse().ok()),
            uploads: pages::import::Kept::default(),
            flash: flash::Flash::default(),
            mailer: None,
            public_url: mail::public_url(None),
            clock: reminders::Clock::system(),
            api_limit: api::RateLimit::from_env(),
        }
    }
}

/// One route: its method, path, the access it requires, and its handler.
pub struct RouteDef {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
    handler: MethodRouter<AppState>,
}

/// Every route of the app with its access rule. The router is built from this list, and the
/// authorisation tests walk the same list, so a new route cannot miss either.
pub fn routes() -> Vec<RouteDef> {
    use crate::api;
    use Access::*;
    use pages::*;
    let r = |method: Method, path, access, handler| RouteDef { method, path, access, handler };
    vec![
        r(Method::GET, "/", Anyone, get(organisations::index)),
        r(Method::GET, "/static/{file}", Anyone, get(assets::serve)),
        r(Method::GET, "/login", Anyone, get(account::login_form)),
        r(Method::POST, "/login", Anyone, post(account::login)),
        r(Method::POST, "/logout", Anyone, post(account::logout)),
        r(Method::GET, "/account/password", LoggedIn, get(account::password_form)),
        r(Method::POST, "/account/password", LoggedIn, post(account::change_password)),
        r(Method::GET, "/{org}", Read, get(organisations::show)),
        r(Method::GET, "/{org}/search", Read, get(search::show)),
        r(Method::GET, "/{org}/mine", Member, get(mine::show)),
        r(Method::POST, "/{org}/calendar", Member, post(mine::feed)),
        r(Method::GET, "/{org}/calendar.ics", Feed, get(calendar::feed)),
        r(Method::GET, "/{org}/data.jsonld", Read, get(opendata::catalogue)),
        r(Method::GET, "/{org}/audit", Member, get(audit::show)),
        r(Method::GET, "/{org}/import", Manage, get(import::show)),
        r(
            Method::POST,
            "/{org}/import",
            Manage,
            post(import::preview).layer(DefaultBodyLimit::max(UPLOAD_BYTES)),
        ),
        r(Method::POST, "/{org}/import/confirm", Manage, post(import::confirm)),
        r(Method::GET, "/{org}/settings", Manage, get(settings::show)),
        r(Method::POST, "/{org}/settings/members", Admin, post(settings::member)),
        r(Method::POST, "/{org}/settings/groups", Manage, post(settings::group)),
        r(Method::POST, "/{org}/settings/owners", Manage, post(settings::owner)),
        r(Method::POST, "/{org}/settings/publish", Admin, post(settings::publish)),
        r(Method::POST, "/{org}/settings/licence", Admin, post(settings::licence)),
        r(Method::GET, "/{org}/settings/vocabulary", Admin, get(settings::show)),
        r(Method::POST, "/{org}/settings/vocabulary", Admin, post(settings::vocabulary)),
        r(Method::POST, "/{org}/settings/fields", Admin, post(settings::field)),
        r(Method::POST, "/{org}/settings/reminders", Manage, post(settings::reminders)),
        r(Method::GET, "/{org}/events", Read, get(entities::index)),
        r(Method::POST, "/{org}/events", Manage, post(entities::create)),
        r(Method::GET, "/{org}/events/{entity}", Read, get(entities::show)),
        r(Method::POST, "/{org}/events/{entity}", Manage, post(entities::update)),
        r(Method::POST, "/{org}/events/{entity}/remove", Manage, post(entities::remove)),
        r(Method::GET, "/{org}/projects", Read, get(entities::index)),
        r(Method::POST, "/{org}/projects", Manage, post(entities::create)),
        r(Method::GET, "/{org}/projects/{entity}", Read, get(entities::show)),
        r(Method::POST, "/{org}/projects/{entity}", Manage, post(entities::update)),
        r(Method::POST, "/{org}/projects/{entity}/remove", Manage, post(entities::remove)),
        r(Method::GET, "/{org}/partners", Read, get(entities::index)),
        r(Method::POST, "/{org}/partners", Manage, post(entities::create)),
        r(Method::GET, "/{org}/partners/{entity}", Read, get(entities::show)),
        r(Method::POST, "/{org}/partners/{entity}", Manage, post(entities::update)),
        r(Method::POST, "/{org}/partners/{entity}/remove", Manage, post(entities::remove)),
        r(Method::GET, "/{org}/decisions", Read, get(entities::index)),
        r(Method::POST, "/{org}/decisions", Manage, post(entities::create)),
        r(Method::GET, "/{org}/decisions/{entity}", Read, get(entities::show)),
        r(Method::POST, "/{org}/decisions/{entity}", Manage, post(entities::update)),
        r(Method::POST, "/{org}/decisions/{entity}/remove", Manage, post(entities::remove)),
        r(Method::GET, "/{org}/{year}", Read, get(overview::show)),
        r(Method::GET, "/{org}/{year}/events", Read, get(entities::index)),
        r(Method::GET, "/{org}/{year}/annual-report", Member, get(annual::show)),
        r(Method::POST, "/{org}/{year}/annual-report", Manage, post(annual::save)),
        r(Method::GET, "/{org}/{year}/annual-report/download", Member, get(annual::download)),
        r(Method::GET, "/{org}/{year}/report", Read, get(report::show)),
        r(Method::GET, "/{org}/{year}/report/download", Read, get(download::report)),
        r(Method::GET, "/{org}/{year}/data.csv", Read, get(opendata::csv)),
        r(Method::GET, "/{org}/{year}/data.json", Read, get(opendata::json)),
        r(Method::POST, "/{org}/{year}/measures", Manage, post(measures::create)),
        r(Method::GET, "/{org}/{year}/measures/{id}", Read, get(measures::show)),
        r(Method::POST, "/{org}/{year}/measures/{id}/rename", Manage, post(measures::rename)),
        r(Method::POST, "/{org}/{year}/measures/{id}/move", Manage, post(measures::reorder)),
        r(Method::POST, "/{org}/{year}/measures/{id}/remove", Manage, post(measures::remove)),
        r(Method::POST, "/{org}/{year}/measures/{id}/links", Edit, post(entities::links)),
        r(
            Method::POST,
            "/{org}/{year}/measures/{id}/suggestions/{suggestion}",
            Edit,
            post(entities::suggestion),
        ),
        r(Method::GET, "/{org}/{year}/rollover", Manage, get(rollover::show)),
        r(Method::POST, "/{org}/{year}/rollover", Manage, post(rollover::update)),
        r(Method::GET, "/{org}/{year}/rollover/summary", Read, get(rollover::summary)),
        r(Method::POST, "/{org}/{year}/adopt", Manage, post(rollover::adopt)),
        r(Method::GET, "/{org}/{year}/rounds", Read, get(rounds::index)),
        r(Method::POST, "/{org}/{year}/rounds", Manage, post(rounds::create)),
        r(Method::POST, "/{org}/{year}/rounds/{round}/freeze", Manage, post(rounds::freeze)),
        r(Method::POST, "/{org}/{year}/rounds/{round}/reopen", Admin, post(rounds::reopen)),
        r(Method::POST, "/{org}/{year}/rounds/{round}/visibility", Manage, post(rounds::visibility)),
        r(Method::GET, "/{org}/{year}/rounds/{round}/progress", Member, get(progress::show)),
        r(Method::POST, "/{org}/{year}/rounds/{round}/remind", Manage, post(progress::remind)),
        r(Method::GET, "/{org}/{year}/rounds/{round}/changes", Read, get(changes::show)),
        r(Method::GET, "/{org}/{year}/rounds/{round}/changes/download", Read, get(download::changes)),
        r(Method::POST, "/{org}/{year}/rounds/{round}/measures/{id}", Edit, post(entries::update)),
        r(Method::GET, "/{org}/{year}/rounds/{round}/measures/{id}/edit", Edit, get(entries::edit)),
        r(Method::POST, "/{org}/{year}/rounds/{round}/measures/{id}/comments", Edit, post(comments::add)),
        r(Method::GET, "/account/tokens", LoggedIn, get(tokens::show)),
        r(Method::POST, "/account/tokens", LoggedIn, post(tokens::create)),
        r(Method::POST, "/account/tokens/{token}/revoke", LoggedIn, post(tokens::revoke)),
        r(Method::GET, "/api", Anyone, get(api_docs::show)),
        // The API: JSON, with the same access rules (see `api`).
        r(Method::GET, "/api/v1/openapi.json", Anyone, get(crate::api::openapi)),
        r(Method::GET, "/api/v1/organisations", Anyone, get(api::read::organisations)),
        r(Method::GET, "/api/v1/organisations/{org}", Read, get(api::read::organisation)),
        r(Method::GET, "/api/v1/organisations/{org}/programmes/{year}", Read, get(api::read::programme)),
        r(
            Method::GET,
            "/api/v1/organisations/{org}/programmes/{year}/measures",
            Read,
            get(api::read::measures),
        ),
        r(
            Method::GET,
            "/api/v1/organisations/{org}/programmes/{year}/measures/{id}",
            Read,
            get(api::read::measure),
        ),
        r(
            Method::GET,
            "/api/v1/organisations/{org}/programmes/{year}/rounds/{round}/changes",
            Read,
            get(api::read::changes),
        ),
        r(
            Method::GET,
            "/api/v1/organisations/{org}/programmes/{year}/rollover",
            Read,
            get(api::read::rollover),
        ),
        r(
            Method::PATCH,
            "/api/v1/organisations/{org}/programmes/{year}/rounds/{round}/measures/{id}",
            Edit,
            patch(api::write::update_entry),
        ),
        r(
            Method::POST,
            "/api/v1/organisations/{org}/imports",
            Manage,
            post(api::write::import_preview).layer(DefaultBodyLimit::max(UPLOAD_BYTES)),
        ),
        r(
            Method::POST,
            "/api/v1/organisations/{org}/imports/{upload}/confirm",
            Manage,
            post(api::write::import_confirm),
        ),
    ]
}

/// The app's routes. Paths are stable: people bookmark and share them.
pub fn router(state: AppState) -> Router {
    let mut router = Router::new();
    for route in routes() {
        let gate = axum::middleware::from_fn_with_state((state.clone(), route.access), auth::gate);
        let mut handler = route.handler.route_layer(gate);
        if auth::is_api(route.path) {
            handler = handler.route_layer(axum::middleware::from_fn_with_state(state.clone(), api::limit));
        }
        router = router.route(route.path, handler);
    }
    router
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn_with_state(state.clone(), cache::pages))
        .layer(axum::middleware::from_fn(error::render))
        .layer(axum::middleware::from_fn_with_state(state.clone(), auth::session))
        .layer(axum::middleware::from_fn(pages::language_cookie))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}

/// Serves the app on `addr` until the process is stopped. Returns the bound address through
/// `on_bound` first (tests bind port 0). With mail configured (`TILTAK_SMTP_URL`), reminders go
/// out on their schedule while the server runs.
pub async fn serve(db: Db, addr: SocketAddr, on_bound: impl FnOnce(SocketAddr)) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    on_bound(bound);
    // The data revision in memory: cached pages cost no query, other processes' changes show
    // within 50 ms.
    let listener_task = db.listen();
    let mut state = AppState::new(db.clone());
    state.public_url = mail::public_url(Some(bound));
    state.mailer = mail::Mailer::from_env().map_err(std::io::Error::other)?;
    let schedule = state
        .mailer
        .clone()
        .map(|mailer| reminders::spawn_schedule(db, mailer, state.clock.clone(), state.public_url.clone()));
    let served = axum::serve(listener, router(state).into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await;
    if let Some(schedule) = schedule {
        schedule.abort();
    }
    listener_task.abort();
    served
}

//! Tiltak's web app: axum handlers grouped by resource (one module per page family under
//! `pages/`), askama templates beside them in `templates/`, htmx as an improvement only — every
//! page and form works without JavaScript.

mod assets;
pub mod error;
pub mod i18n;
mod pages;
pub mod sample;

use std::net::SocketAddr;

use axum::Router;
use axum::routing::{get, post};
use tiltak_db::Db;

/// What every handler gets.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
}

/// The app's routes. Paths are stable: people bookmark and share them.
pub fn router(state: AppState) -> Router {
    use pages::*;
    Router::new()
        .route("/", get(organisations::index))
        .route("/static/{file}", get(assets::serve))
        .route("/{org}", get(organisations::show))
        .route("/{org}/search", get(search::show))
        .route("/{org}/{year}", get(overview::show))
        .route("/{org}/{year}/report", get(report::show))
        .route("/{org}/{year}/measures", post(measures::create))
        .route("/{org}/{year}/measures/{id}", get(measures::show))
        .route("/{org}/{year}/measures/{id}/rename", post(measures::rename))
        .route("/{org}/{year}/measures/{id}/move", post(measures::reorder))
        .route("/{org}/{year}/measures/{id}/remove", post(measures::remove))
        .route("/{org}/{year}/rollover", get(rollover::show).post(rollover::update))
        .route("/{org}/{year}/rollover/summary", get(rollover::summary))
        .route("/{org}/{year}/adopt", post(rollover::adopt))
        .route("/{org}/{year}/rounds", get(rounds::index).post(rounds::create))
        .route("/{org}/{year}/rounds/{round}/freeze", post(rounds::freeze))
        .route("/{org}/{year}/rounds/{round}/changes", get(changes::show))
        .route("/{org}/{year}/rounds/{round}/measures/{id}", post(entries::update))
        .route("/{org}/{year}/rounds/{round}/measures/{id}/edit", get(entries::edit))
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn(pages::language_cookie))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}

/// Serves the app on `addr` until the process is stopped. Returns the bound address through
/// `on_bound` first (tests bind port 0).
pub async fn serve(db: Db, addr: SocketAddr, on_bound: impl FnOnce(SocketAddr)) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    on_bound(listener.local_addr()?);
    axum::serve(listener, router(AppState { db }))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}

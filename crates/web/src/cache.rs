//! Rendered pages, kept while the data they were made from is unchanged. A page is stored under
//! what decides its content — method, path and query, language, the day (deadlines are told in
//! days), and who is looking (anonymous, or the user with their CSRF token, which pages embed) — and is valid for one data revision
//! ([`tiltak_db::Db::data_revision`], raised by database triggers on every committed change, from
//! this process or another). Without the listener each request costs one small query instead of the page's ten or more;
//! a change anywhere makes every stored page stale at once. Only plain, successful HTML answers are
//! kept: no cookies set, no htmx fragments.
//!
//! With the store's listener running (`serve` starts it, [`tiltak_db::Db::listen`]) the revision
//! is known in memory and a cached page costs no query: a change made through this server shows at
//! once (each commit, and each request that is not a read, raises the server's own revision); one
//! made by another process or server within 50 ms (the listener reads the revision every 20 ms). An anonymous page carries an `ETag` (its revision and
//! key), so a returning browser is answered 304 while the data is unchanged, and says whether it
//! embeds the visitor's CSRF token ([`EmbedsCsrf`]): a visitor gets the CSRF cookie only with a
//! page that has a form needing it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::auth::Viewer;

/// Pages kept at most; past that the cache starts over (a simple bound on memory).
const MAX_PAGES: usize = 2000;
/// Pages larger than this are served but not kept.
const MAX_PAGE_BYTES: usize = 4 * 1024 * 1024;

#[derive(Clone)]
pub struct PageCache {
    /// Key → (revision, page, its ETag): the validator is made once, with the page.
    pages: Arc<Mutex<HashMap<String, Kept>>>,
    /// Off with `TILTAK_PAGE_CACHE=off`, to measure what a page costs to make.
    enabled: bool,
}

impl Default for PageCache {
    fn default() -> Self {
        let enabled = std::env::var("TILTAK_PAGE_CACHE").map_or(true, |v| v != "off");
        PageCache { pages: Arc::default(), enabled }
    }
}

type Kept = (i64, Bytes, HeaderValue);

impl PageCache {
    fn get(&self, key: &str, revision: i64) -> Option<(Bytes, HeaderValue)> {
        let pages = self.pages.lock().expect("not poisoned");
        pages.get(key).filter(|(r, _, _)| *r == revision).map(|(_, b, t)| (b.clone(), t.clone()))
    }

    fn put(&self, key: String, revision: i64, page: Bytes, tag: HeaderValue) {
        let mut pages = self.pages.lock().expect("not poisoned");
        if pages.len() >= MAX_PAGES {
            pages.clear();
        }
        pages.insert(key, (revision, page, tag));
    }
}

/// A response extension that keeps a page out of the cache (it says something once, as a flash).
#[derive(Clone, Copy)]
pub struct Uncached;

/// A response extension: whether the page carries the visitor's CSRF token (a form that posts). A
/// visitor without a CSRF cookie gets one only with a page that needs it (`auth::session`), so
/// reading the public pages sets no cookie.
#[derive(Clone, Copy)]
pub struct EmbedsCsrf(pub bool);

/// The validator of an anonymous page: its revision and what it is (a hash of the cache key), so a
/// returning browser's `If-None-Match` is answered 304 without the page.
fn etag(key: &str, revision: i64) -> HeaderValue {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    key.hash(&mut h);
    HeaderValue::from_str(&format!("W/\"{revision}-{:016x}\"", h.finish())).expect("ASCII")
}

fn not_modified(request: &axum::http::request::Parts, tag: &HeaderValue) -> bool {
    request.headers.get_all(header::IF_NONE_MATCH).iter().any(|v| {
        v.to_str().is_ok_and(|v| {
            v.split(',').any(|t| t.trim() == tag.to_str().unwrap_or_default() || t.trim() == "*")
        })
    })
}

/// An anonymous page from the cache, or 304 when the browser has it already.
fn answer(parts: &axum::http::request::Parts, tag: HeaderValue, page: Bytes) -> Response {
    let mut response = if not_modified(parts, &tag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ([(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"))], page).into_response()
    };
    response.headers_mut().insert(header::ETAG, tag);
    response.extensions_mut().insert(EmbedsCsrf(false));
    response
}

pub async fn pages(State(app): State<AppState>, request: Request, next: Next) -> Response {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        // Whatever it changed, and however, the next page is made from the database.
        let response = next.run(request).await;
        app.db.wrote();
        app.prepared.after_change(&app);
        return response;
    }
    if !app.pages.enabled || request.headers().contains_key("hx-request") {
        return next.run(request).await;
    }
    let viewer = request.extensions().get::<Viewer>().cloned().unwrap_or_default();
    let who = match &viewer.user {
        Some(u) => format!("{}:{}", u.id, viewer.csrf),
        None => "-".to_owned(),
    };
    let (parts, body) = request.into_parts();
    let language = crate::i18n::negotiate(&parts);
    // Pages say how far away a deadline is ("om 3 dager"): a page is kept for one day at most.
    let key = format!("{} {who} {} {}", language.code(), app.clock.today(), parts.uri);
    let Ok(revision) = app.db.current_revision().await else {
        return next.run(Request::from_parts(parts, body)).await;
    };
    let anonymous = viewer.user.is_none();
    if let Some((page, tag)) = app.pages.get(&key, revision) {
        if anonymous {
            return answer(&parts, tag, page);
        }
        return ([(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"))], page)
            .into_response();
    }
    let request_parts = parts.clone();
    let response = next.run(Request::from_parts(parts, body)).await;
    let html =
        response.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if response.status() != StatusCode::OK
        || !html
        || response.headers().contains_key(header::SET_COOKIE)
        || response.extensions().get::<Uncached>().is_some()
    {
        return response;
    }
    let (parts, body) = response.into_parts();
    // A page is never too large to serve; only too large to keep.
    let bytes = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(b) => b,
        Err(e) => return crate::error::AppError::internal(e).into_response(),
    };
    // An anonymous page that carries the visitor's own CSRF token (the login form) is theirs alone.
    let token = viewer.csrf.as_bytes();
    let embeds = !token.is_empty() && bytes.windows(token.len()).any(|w| w == token);
    let tag = etag(&key, revision);
    if bytes.len() <= MAX_PAGE_BYTES && (!anonymous || !embeds) {
        app.pages.put(key, revision, bytes.clone(), tag.clone());
    }
    if anonymous && !embeds && not_modified(&request_parts, &tag) {
        return answer(&request_parts, tag, bytes);
    }
    let mut response = Response::from_parts(parts, Body::from(bytes));
    if anonymous && !embeds {
        response.headers_mut().insert(header::ETAG, tag);
    }
    response.extensions_mut().insert(EmbedsCsrf(embeds));
    response
}

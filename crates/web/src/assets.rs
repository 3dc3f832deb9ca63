//! Static files, embedded in the binary: the stylesheet, htmx (vendored from npm, pinned) and the
//! small script that improves forms.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// (name, content type, bytes). Names carry a version so they can be cached for a year.
const FILES: &[(&str, &str, &[u8])] = &[
    ("app-8.css", "text/css; charset=utf-8", include_bytes!("../assets/app.css")),
    ("app-3.js", "text/javascript; charset=utf-8", include_bytes!("../assets/app.js")),
    ("htmx-2.0.11.min.js", "text/javascript; charset=utf-8", include_bytes!("../assets/htmx-2.0.11.min.js")),
];

pub async fn serve(Path(file): Path<String>) -> Response {
    match FILES.iter().find(|(name, _, _)| *name == file) {
        Some((_, content_type, bytes)) => (
            [
                (header::CONTENT_TYPE, *content_type),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            ],
            *bytes,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

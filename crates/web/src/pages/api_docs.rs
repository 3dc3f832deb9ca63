//! `/api`: the API for people — every operation of the OpenAPI document (read from it, so the
//! page cannot drift from the API), what each does in the reader's language, its parameters and
//! answers, how to get a token, and examples to copy. Served as a page of this site, so it works
//! under the strict CSP without a script viewer.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use utoipa::openapi::path::ParameterIn;

use super::{PageCtx, render};
use crate::AppState;
use crate::context::Ctx;
use crate::error::AppResult;
use crate::i18n::Tr;

/// One operation as the page shows it.
pub struct OperationView {
    pub anchor: String,
    pub method: &'static str,
    pub path: String,
    pub what: String,
    pub token: bool,
    /// (name, where: path or query, required)
    pub parameters: Vec<(String, String, bool)>,
    /// (status, what it means)
    pub answers: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "api_docs.html")]
struct DocsPage {
    page: PageCtx,
    tr: Tr,
    operations: Vec<OperationView>,
    base: String,
    per_minute: String,
}

/// The locale message that says what an operation does.
pub fn message_id(operation_id: &str) -> String {
    format!("api-op-{}", operation_id.replace('_', "-"))
}

pub async fn show(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let tr = ctx.tr;
    let operations = crate::api::operations()
        .into_iter()
        .map(|(method, path, op)| {
            let id = op.operation_id.clone().unwrap_or_default();
            let parameters = op
                .parameters
                .unwrap_or_default()
                .into_iter()
                .map(|p| {
                    let place = match p.parameter_in {
                        ParameterIn::Path => tr.t("api-in-path"),
                        _ => tr.t("api-in-query"),
                    };
                    (p.name, place, matches!(p.required, utoipa::openapi::Required::True))
                })
                .collect();
            let answers = op
                .responses
                .responses
                .keys()
                .map(|status| (status.clone(), tr.t(&format!("api-status-{status}"))))
                .collect();
            // Writes need a token; reads take one (or a session) for what only members see.
            let token = method != "GET";
            OperationView {
                anchor: id.replace('_', "-"),
                method,
                path,
                what: tr.t(&message_id(&id)),
                token,
                parameters,
                answers,
            }
        })
        .collect();
    render(DocsPage {
        page: ctx.page(tr.t("api-docs-title"), ""),
        tr,
        operations,
        base: app.public_url.clone(),
        per_minute: app.api_limit.per_minute_count().to_string(),
    })
}

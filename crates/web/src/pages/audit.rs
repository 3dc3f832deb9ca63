//! `/{org}/audit`: every change in the organisation (who, when, what, before → after), filtered by
//! year, person and action, and as CSV. Read-only: the app has no way to edit the log.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tiltak_core::Vocabulary;
use tiltak_db::ChangeRow;

use super::{PageCtx, render};
use crate::AppState;
use crate::context::Ctx;
use crate::error::AppResult;
use crate::i18n::Tr;

#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    pub year: Option<String>,
    #[serde(default)]
    pub actor: Option<String>,
    #[serde(default)]
    pub action: Option<String>,
    #[serde(default)]
    pub format: Option<String>,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    page: PageCtx,
    tr: Tr,
    rows: Vec<ChangeRow>,
    q: AuditQuery,
    csv_href: String,
    vocabulary: Vocabulary,
    /// (action key, label) of every action the log can hold, for the filter.
    actions: Vec<(&'static str, String)>,
}

impl AuditPage {
    pub fn value(&self, v: &Option<String>) -> String {
        v.clone().unwrap_or_default()
    }
    pub fn when(&self, at: &str) -> String {
        self.tr.datetime(at)
    }
    pub fn who(&self, actor: &str) -> String {
        actor_label(self.tr, actor)
    }
    pub fn action(&self, action: &str) -> String {
        action_label(self.tr, action)
    }
    pub fn shown(&self, action: &str, value: &Option<String>) -> String {
        value.as_deref().map(|v| value_label(self.tr, &self.vocabulary, action, v)).unwrap_or_default()
    }
    pub fn action_selected(&self, key: &str) -> bool {
        self.q.action.as_deref() == Some(key)
    }
}

/// Every action the change log holds.
pub const ACTIONS: &[&str] = &[
    "entry.update",
    "entry.import",
    "measure.add",
    "measure.remove",
    "measure.rename",
    "measure.move_up",
    "measure.move_down",
    "measure.owner",
    "area.owner",
    "round.open",
    "round.freeze",
    "round.reopen",
    "round.visibility",
    "round.remind",
    "comment.add",
    "programme.adopt",
    "programme.publish",
    "programme.rollover",
    "report.import",
    "report.replace",
    "vocabulary.update",
    "organisation.reminders",
    "organisation.licence",
    "calendar.make",
    "calendar.revoke",
    "member.role",
    "member.remove",
    "group.add_member",
    "group.remove_member",
    "group.rename",
    "field.add",
    "field.update",
    "field.move",
    "field.remove",
    "import.profile",
    "vocabulary.aliases",
    "event.add",
    "event.update",
    "event.remove",
    "event.link",
    "event.unlink",
    "project.add",
    "project.update",
    "project.remove",
    "project.link",
    "project.unlink",
    "partner.add",
    "partner.update",
    "partner.remove",
    "partner.link",
    "partner.unlink",
    "decision.add",
    "decision.update",
    "decision.remove",
    "decision.link",
    "decision.unlink",
    "suggestion.accept",
    "suggestion.dismiss",
    "annual.save",
];

/// Who the log names: a person's address as written; Tiltak's own steps (the first start, the
/// command line, loading the sample, an import) in the viewer's words.
pub fn actor_label(tr: Tr, actor: &str) -> String {
    tr.try_t(&format!("audit-actor-{}", actor.replace(' ', "-"))).unwrap_or_else(|| actor.to_owned())
}

/// "60 measures", "2025 → 2026: 58 measures": the count in the viewer's words.
fn measures_label(tr: Tr, value: &str) -> Option<String> {
    let (head, count) = match value.rsplit_once(": ") {
        Some((head, rest)) => (Some(head), rest),
        None => (None, value),
    };
    let n: usize = count.strip_suffix(" measures")?.parse().ok()?;
    let counted = tr.t1("audit-value-measures", "count", n);
    Some(match head {
        Some(h) => format!("{h}: {counted}"),
        None => counted,
    })
}

/// An entity as the change log describes it, in the viewer's words: dates written out, its
/// category and "internal" translated.
fn entity_value(tr: Tr, kind: tiltak_core::EntityKind, value: &str) -> String {
    let mut parts = value.split(" · ");
    let first = parts.next().unwrap_or_default();
    // "Title (2025-06-04 – 2025-06-05)": the dates as people read them.
    let mut shown = match first.rsplit_once(" (").filter(|(_, d)| d.ends_with(')')) {
        Some((title, dates)) => {
            let dates: Vec<String> = dates.trim_end_matches(')').split(" – ").map(|d| tr.date(d)).collect();
            format!("{title} ({})", dates.join(" – "))
        }
        None => first.to_owned(),
    };
    for part in parts {
        let word = if let Some(key) = part.strip_prefix("category:") {
            super::entities::category_label(tr, kind, key)
        } else if let Some(lead) = part.strip_prefix("lead:") {
            format!("{}: {lead}", tr.t("entity-lead-partner"))
        } else if part == "internal" {
            tr.t("entity-internal")
        } else {
            part.to_owned()
        };
        shown.push_str(" · ");
        shown.push_str(&word);
    }
    shown
}

/// A logged value as people read it: the store's own words (a round's state, a role, an entry's
/// fields and decision) in the viewer's language; what people wrote stays as written.
pub fn value_label(tr: Tr, vocabulary: &Vocabulary, action: &str, value: &str) -> String {
    if let Some(word) = tr.try_t(&format!("audit-value-{}", value.replace(' ', "-"))) {
        return word;
    }
    match action {
        "entry.update" | "entry.import" => entry_label(tr, vocabulary, value),
        "report.import" | "report.replace" | "programme.rollover" => {
            measures_label(tr, value).unwrap_or_else(|| value.to_owned())
        }
        "member.role" => match value.rsplit_once(": ") {
            Some((email, role)) => match tiltak_db::Role::parse(role) {
                Ok(r) => format!("{email}: {}", tr.t(&format!("role-{}", r.key()))),
                Err(_) => value.to_owned(),
            },
            None => value.to_owned(),
        },
        "area.owner" | "measure.owner" => match value.rsplit_once(": ") {
            Some((what, owner)) => {
                let owner = if owner == "-" { tr.t("settings-secretariat") } else { owner.to_owned() };
                format!("{}: {owner}", what.trim_end_matches(':'))
            }
            None => value.to_owned(),
        },
        // "BEST 2025 (2025-06-04) · category:conference · internal" → "BEST 2025 (4. juni 2025) ·
        // Konferanse · Intern"; a suggestion's starts with its kind ("event: …").
        a if a.starts_with("suggestion.") => match value.split_once(": ") {
            Some((k, rest)) => match tiltak_core::EntityKind::parse(k) {
                Ok(kind) => {
                    format!("{}: {}", super::entities::kind_label(tr, kind), entity_value(tr, kind, rest))
                }
                Err(_) => value.to_owned(),
            },
            None => value.to_owned(),
        },
        a if a.split_once('.').is_some_and(|(k, _)| tiltak_core::EntityKind::parse(k).is_ok()) => {
            let kind = tiltak_core::EntityKind::parse(a.split('.').next().unwrap_or_default())
                .unwrap_or(tiltak_core::EntityKind::Event);
            entity_value(tr, kind, value)
        }
        "field.add" | "field.update" => {
            // "Frist (date): … [report]" → "Frist (dato) · vist i rapporten".
            let (body, in_report) = match value.strip_suffix(" [report]") {
                Some(b) => (b, true),
                None => (value, false),
            };
            let mut shown = body.to_owned();
            for k in tiltak_core::FieldKind::ALL {
                shown = shown.replace(
                    &format!("({})", k.key()),
                    &format!("({})", tr.t(&format!("field-kind-{}", k.key()))),
                );
            }
            if in_report {
                shown = format!("{shown} · {}", tr.t("settings-field-in-report"));
            }
            shown
        }
        "field.move" => match value.rsplit_once(' ') {
            Some((name, "up")) => tr.t1("settings-field-up", "name", name),
            Some((name, "down")) => tr.t1("settings-field-down", "name", name),
            _ => value.to_owned(),
        },
        _ => value.to_owned(),
    }
}

/// "status: ongoing; description: …; decision: yes; comment: …" (as the store logs an entry) →
/// "Status: Pågående · Beskrivelse: … · Videreføring: Ja · Kommentar: …".
fn entry_label(tr: Tr, vocabulary: &Vocabulary, value: &str) -> String {
    let Some(fields) = entry_fields(tr, vocabulary, value) else { return value.to_owned() };
    fields
        .iter()
        .enumerate()
        // Status and decision always; description, comment and own fields when there is one.
        .filter(|(i, (_, v))| *i < 4 && i % 2 == 0 || !v.is_empty())
        .map(|(_, (label, v))| format!("{label}: {v}"))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// A logged entry's fields in the viewer's words: status, description, decision, comment, then the
/// organisation's own fields, each as (label, value). `None` when the value is not a logged entry.
pub fn entry_fields(tr: Tr, vocabulary: &Vocabulary, value: &str) -> Option<Vec<(String, String)>> {
    let rest = value.strip_prefix("status: ")?;
    let (rest, own) = match rest.rfind("; fields: {") {
        Some(at) => {
            let own: std::collections::BTreeMap<String, String> =
                serde_json::from_str(&rest[at + "; fields: ".len()..]).ok()?;
            (&rest[..at], own)
        }
        None => (rest, Default::default()),
    };
    let (c, d) = (rest.rfind("; comment: ")?, rest.rfind("; decision: ")?);
    let s = rest[..d].find("; description: ")?;
    let (status, description) = (&rest[..s], &rest[s + "; description: ".len()..d]);
    let (decision, comment) = (&rest[d + "; decision: ".len()..c], &rest[c + "; comment: ".len()..]);
    let status = match vocabulary.get(status) {
        Some(kind) => kind.label.clone(),
        None if status == "none" => tr.t("no-status"),
        None => status.to_owned(),
    };
    let word = |key: &str| tr.t(&format!("decision-{key}")).trim_end_matches(" …").to_owned();
    let decision =
        if let Some(condition) = decision.strip_prefix("conditional (").and_then(|c| c.strip_suffix(')')) {
            format!("{} {condition}", word("conditional"))
        } else if let Some(target) = decision.strip_prefix("merge into ") {
            format!("{} {target}", word("merge"))
        } else if tiltak_core::DecisionKind::parse(decision).is_ok() {
            word(decision)
        } else {
            decision.to_owned()
        };
    let mut out = vec![
        (tr.t("col-status"), status),
        (tr.t("col-description"), description.to_owned()),
        (tr.t("decision"), decision),
        (tr.t("comment"), comment.to_owned()),
    ];
    out.extend(own);
    Some(out)
}

/// What a logged entry change changed, field by field: (label, old, new). A first entry (no
/// before) shows every field it set.
pub fn entry_changes(
    tr: Tr,
    vocabulary: &Vocabulary,
    before: Option<&str>,
    after: &str,
) -> Option<Vec<(String, String, String)>> {
    let after = entry_fields(tr, vocabulary, after)?;
    let before = before.and_then(|b| entry_fields(tr, vocabulary, b)).unwrap_or_default();
    let old =
        |label: &str| before.iter().find(|(l, _)| l == label).map(|(_, v)| v.clone()).unwrap_or_default();
    let mut out: Vec<(String, String, String)> = after
        .iter()
        .filter_map(|(label, new)| {
            let old = old(label);
            (old != *new).then(|| (label.clone(), old, new.clone()))
        })
        .collect();
    // An own field emptied.
    out.extend(
        before
            .iter()
            .skip(4)
            .filter(|(l, _)| !after.iter().any(|(a, _)| a == l))
            .map(|(l, v)| (l.clone(), v.clone(), String::new())),
    );
    Some(out)
}

/// "entry.update" → "Status oppdatert"; an action without a label shows as it is stored.
pub fn action_label(tr: Tr, action: &str) -> String {
    let id = format!("audit-action-{}", action.replace(['.', '_'], "-"));
    tr.try_t(&id).unwrap_or_else(|| action.to_owned())
}

pub async fn show(State(app): State<AppState>, ctx: Ctx, Query(q): Query<AuditQuery>) -> AppResult<Response> {
    let (tr, org) = (ctx.tr, ctx.org()?);
    let some = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
    let year = some(&q.year).and_then(|y| y.parse().ok());
    let rows = app
        .db
        .organisation_changes(org.id, year, some(&q.actor).as_deref(), some(&q.action).as_deref(), 2000)
        .await?;
    let vocabulary = app.db.vocabulary(org.id).await?;
    if q.format.as_deref() == Some("csv") {
        // In the viewer's language, times in Norwegian time, as the page shows them.
        let rows: Vec<Vec<String>> = rows
            .iter()
            .map(|r| {
                let shown = |v: &Option<String>| {
                    v.as_deref().map(|v| value_label(tr, &vocabulary, &r.action, v)).unwrap_or_default()
                };
                vec![
                    tr.datetime(&r.at),
                    actor_label(tr, &r.actor),
                    r.year.map(|y| y.to_string()).unwrap_or_default(),
                    r.round_label.clone().unwrap_or_default(),
                    r.measure_number.map(|n| n.to_string()).unwrap_or_default(),
                    action_label(tr, &r.action),
                    shown(&r.before),
                    shown(&r.after),
                ]
            })
            .collect();
        let headings = [
            tr.t("audit-when"),
            tr.t("audit-who"),
            tr.t("audit-filter-year"),
            tr.t("round-label"),
            tr.t("col-measure"),
            tr.t("audit-what"),
            tr.t("audit-before"),
            tr.t("audit-after"),
        ];
        let headings: Vec<&str> = headings.iter().map(String::as_str).collect();
        // Spreadsheet-safe: text people typed never runs as a formula when the file is opened.
        let body = tiltak_formats::csv_export::write_rows(
            &headings,
            rows.iter().map(|r| r.iter().map(String::as_str).collect()),
        );
        return Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{}-changes.csv\"", org.slug)),
            ],
            body,
        )
            .into_response());
    }
    let query = format!(
        "year={}&actor={}&action={}",
        crate::auth::urlencode(&q.year.clone().unwrap_or_default()),
        crate::auth::urlencode(&q.actor.clone().unwrap_or_default()),
        crate::auth::urlencode(&q.action.clone().unwrap_or_default())
    );
    let page = ctx.page(tr.t("audit-title"), "audit");
    let actions = ACTIONS.iter().map(|a| (*a, action_label(tr, a))).collect();
    let csv_href = format!("/{}/audit?{query}&format=csv", org.slug);
    render(AuditPage { page, tr, rows, q, csv_href, vocabulary, actions })
}

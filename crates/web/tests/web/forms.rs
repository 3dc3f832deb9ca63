//! The form harness: proof that every form works as people use it. As each persona it walks the
//! pages reachable from the navigation (and one step on), reads every form from the rendered HTML —
//! its action, method, hidden fields, options and buttons — fills it with valid values, submits it
//! exactly as a browser would, and checks the answer and that the change shows in the audit log.
//! Forms that end something (freeze, remove, log out) each run on a fresh database.

use std::collections::{BTreeSet, HashSet, VecDeque};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use scraper::{ElementRef, Html, Selector};

use crate::{PERSONAS, TestApp};

/// A form as the page rendered it.
#[derive(Debug, Clone)]
struct Form {
    /// The page it was found on.
    page: String,
    action: String,
    multipart: bool,
    fields: Vec<(String, String)>,
    /// A file input's name, when the form uploads a file.
    file: Option<String>,
}

impl Form {
    /// Forms that differ only in ids or values are the same form (one measure's edit form stands
    /// for all of them).
    fn shape(&self) -> String {
        let mut names: BTreeSet<String> = self.fields.iter().map(|(k, _)| k.clone()).collect();
        for (k, v) in &self.fields {
            if k == "action" || k == "direction" || k == "published" || k == "public" {
                names.insert(format!("{k}={v}"));
            }
        }
        format!("{} {:?}", pattern(&self.action), names)
    }

    fn hidden(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// Ends something, so it runs alone on a fresh database.
    fn destructive(&self) -> bool {
        let a = &self.action;
        a == "/logout"
            // Opening a round freezes the one before it (the form offers it, checked).
            || a.ends_with("/rounds")
            || a.ends_with("/freeze")
            || a.ends_with("/remove")
            || a.ends_with("/account/password")
            || self.hidden("action") == Some("remove")
            // Answering a suggestion one way ends the other (accept and dismiss share one).
            || self.hidden("action") == Some("dismiss")
            || self.hidden("remove") == Some("1")
    }

    /// Changes nothing by design (reading a file before saving it, a plan before saving it, logging in).
    fn read_only(&self) -> bool {
        self.action == "/login"
            || self.action == "/logout"
            || self.action.ends_with("/account/password")
            || (self.action.ends_with("/import") && self.file.is_some())
            || self.hidden("action") == Some("preview")
            // The annual report's texts as rendered are the prefilled ones: saving them unchanged
            // saves nothing (the entities test edits one and checks the log).
            || self.action.ends_with("/annual-report")
    }
}

/// `/osloregionen/2025/measures/12` → `/osloregionen/N/measures/N`.
fn pattern(path: &str) -> String {
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let mut out = String::new();
    let mut digits = false;
    for c in path.chars() {
        if c.is_ascii_digit() {
            if !digits {
                out.push('N');
            }
            digits = true;
        } else {
            digits = false;
            out.push(c);
        }
    }
    // Round slugs: one round's page stands for all.
    match out.find("/rounds/") {
        Some(i) => {
            let rest = &out[i + 8..];
            let tail = rest.find('/').map(|j| &rest[j..]).unwrap_or("");
            format!("{}/rounds/R{tail}", &out[..i])
        }
        None => out,
    }
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).expect("a valid selector")
}

/// A valid value for a field a person would have to fill in.
fn fill(name: &str, kind: &str) -> String {
    match (name, kind) {
        (_, "email") | ("email", _) => "skjema@example.no".into(),
        (_, "date") | ("date", _) | ("deadline", _) | ("decided_on", _) => "2025-12-01".into(),
        ("label", _) => "pr 1 des".into(),
        ("title", _) => "Nytt tiltak fra skjemaet".into(),
        ("reference", _) => "Sak 1/2026".into(),
        ("name", _) => "Omdøpt gruppe".into(),
        ("group", _) => "Skjemagruppa".into(),
        ("year", _) => "2025".into(),
        ("q", _) => "klima".into(),
        (_, "number") => "1".into(),
        _ => "Tekst fra skjemaet".into(),
    }
}

fn forms_of(page: &str, html: &str) -> Vec<Form> {
    let doc = Html::parse_document(html);
    let mut out = Vec::new();
    for form in doc.select(&sel("form")) {
        let method = form.value().attr("method").unwrap_or("get").to_ascii_lowercase();
        if method != "post" {
            continue;
        }
        let action = match form.value().attr("action") {
            Some("") | None => page.to_owned(),
            Some(a) => a.to_owned(),
        };
        let multipart = form.value().attr("enctype") == Some("multipart/form-data");
        let mut fields = Vec::new();
        let mut file = None;
        let mut button_done = false;
        for el in form.select(&sel("input, select, textarea, button")) {
            let Some(name) = el.value().attr("name") else { continue };
            let name = name.to_owned();
            match el.value().name() {
                "input" => {
                    let kind = el.value().attr("type").unwrap_or("text");
                    let value = el.value().attr("value").unwrap_or("").to_owned();
                    match kind {
                        "file" => file = Some(name),
                        "checkbox" | "radio" => {
                            if el.value().attr("checked").is_some() {
                                fields.push((name, if value.is_empty() { "on".into() } else { value }));
                            }
                        }
                        "submit" => {
                            if !button_done {
                                fields.push((name, value));
                                button_done = true;
                            }
                        }
                        "hidden" => fields.push((name, value)),
                        _ => {
                            let from_list = el
                                .value()
                                .attr("list")
                                .and_then(|id| doc.select(&sel(&format!("datalist#{id} option"))).next())
                                .and_then(|o| o.value().attr("value").map(str::to_owned));
                            let value = if !value.is_empty() {
                                value
                            } else if let Some(v) = from_list {
                                v
                            } else if el.value().attr("required").is_some() || name == "password" {
                                fill(&name, kind)
                            } else {
                                String::new()
                            };
                            fields.push((name, value));
                        }
                    }
                }
                "select" => {
                    let options: Vec<ElementRef> = el.select(&sel("option")).collect();
                    let chosen = options
                        .iter()
                        .find(|o| o.value().attr("selected").is_some())
                        .or_else(|| {
                            options.iter().find(|o| o.value().attr("value").is_some_and(|v| !v.is_empty()))
                        })
                        .or(options.first());
                    let value = chosen
                        .map(|o| {
                            o.value().attr("value").map(str::to_owned).unwrap_or_else(|| o.text().collect())
                        })
                        .unwrap_or_default();
                    fields.push((name, value));
                }
                "textarea" => {
                    let text: String = el.text().collect();
                    let required = el.value().attr("required").is_some();
                    fields.push((
                        name.clone(),
                        if text.is_empty() && required { fill(&name, "text") } else { text },
                    ));
                }
                "button" if !button_done => {
                    fields.push((name, el.value().attr("value").unwrap_or("").to_owned()));
                    button_done = true;
                }
                _ => {}
            }
        }
        out.push(Form { page: page.to_owned(), action, multipart, fields, file });
    }
    out
}

/// Links to follow: pages of this site, not files, not language switches, not anchors.
fn links_of(html: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    doc.select(&sel("a[href]"))
        .filter_map(|a| a.value().attr("href"))
        .filter(|h| h.starts_with('/') && !h.starts_with("/static/"))
        .filter(|h| !h.contains("download") && !h.contains("format=") && !h.contains("lang="))
        .map(|h| h.split('#').next().unwrap_or_default().to_owned())
        .filter(|h| !h.is_empty())
        .collect()
}

/// The same password the test personas have; the password form changes it to another.
const PASSWORD: &str = "correct horse battery";

async fn submit(app: &TestApp, form: &Form) -> crate::Reply {
    let mut fields = form.fields.clone();
    for (k, v) in &mut fields {
        match k.as_str() {
            "current" | "password" => *v = PASSWORD.into(),
            // A person logs in with their own account.
            "email" if form.action == "/login" => *v = "reader@example.no".into(),
            "new" | "repeat" => *v = "a new horse battery staple".into(),
            _ => {}
        }
    }
    let request = if form.multipart {
        let boundary = "harness-boundary-7d1c";
        let mut body = Vec::new();
        for (k, v) in &fields {
            body.extend(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                    .bytes(),
            );
        }
        if let Some(name) = &form.file {
            let sample = std::fs::read(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../samples/osloregionen-status-2025-pr-2-sept.txt"
            ))
            .expect("the sample");
            body.extend(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"status.txt\"\r\nContent-Type: text/plain\r\n\r\n"
                )
                .bytes(),
            );
            body.extend(sample);
            body.extend(b"\r\n");
        }
        body.extend(format!("--{boundary}--\r\n").bytes());
        Request::post(&form.action)
            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
            .body(Body::from(body))
            .unwrap()
    } else {
        let body = fields
            .iter()
            .map(|(k, v)| format!("{}={}", crate::urlencode(k), crate::urlencode(v)))
            .collect::<Vec<_>>()
            .join("&");
        Request::post(&form.action)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap()
    };
    app.send(request).await
}

async fn log_size(app: &TestApp) -> usize {
    let org = app.db.organisation("osloregionen").await.unwrap().unwrap();
    app.db.organisation_changes(org.id, None, None, None, 100_000).await.unwrap().len()
}

/// Walks what the persona can reach and returns every distinct form, in the order found.
async fn walk(app: &TestApp) -> Vec<Form> {
    let mut queue: VecDeque<(String, usize)> = [
        "/",
        "/osloregionen",
        "/osloregionen/2025",
        "/osloregionen/2025/report",
        "/osloregionen/2025/rounds",
        "/osloregionen/search?q=klima",
        "/osloregionen/audit",
        "/osloregionen/import",
        "/osloregionen/settings",
        "/osloregionen/2025/rollover",
        "/account/password",
        "/login",
    ]
    .into_iter()
    .map(|p| (p.to_owned(), 0))
    .collect();
    let (mut seen, mut shapes, mut forms) = (HashSet::new(), HashSet::new(), Vec::new());
    while let Some((path, depth)) = queue.pop_front() {
        if !seen.insert(pattern(&path)) {
            continue;
        }
        let reply = app.get(&path).await;
        if reply.status != StatusCode::OK {
            continue;
        }
        for form in forms_of(&path, &reply.body) {
            if shapes.insert(form.shape()) {
                forms.push(form);
            }
        }
        if depth < 2 {
            for link in links_of(&reply.body) {
                queue.push_back((link, depth + 1));
            }
        }
    }
    forms
}

/// What a person sees after sending a form: the page it leads to, never an error.
async fn check(app: &TestApp, persona: &str, form: &Form, reply: &crate::Reply, db: &str) -> Option<String> {
    let what = format!("{persona} on {db}: form {} (on {}) {:?}", form.action, form.page, form.fields);
    let body = match reply.status {
        StatusCode::SEE_OTHER => {
            let mut to = reply.location.clone().expect("a redirect has a location");
            let mut next = app.get(&to).await;
            for _ in 0..3 {
                if next.status != StatusCode::SEE_OTHER {
                    break;
                }
                to = next.location.clone().expect("a redirect has a location");
                next = app.get(&to).await;
            }
            assert_eq!(next.status, StatusCode::OK, "{what}: led to {to}");
            next.body
        }
        StatusCode::OK => reply.body.clone(),
        other => panic!("{what}: answered {other}: {}", &reply.body[..reply.body.len().min(2000)]),
    };
    assert!(!body.contains("class=\"message error\""), "{what}: the page shows an error: {body}");
    assert!(!body.contains("Unknown localization"), "{what}: a raw message id: {body}");
    Some(body)
}

async fn run_persona(
    persona: &str,
    fresh: impl Fn() -> std::pin::Pin<Box<dyn std::future::Future<Output = TestApp>>>,
) -> usize {
    let mut app = fresh().await;
    app.act_as(persona);
    let db = format!("{:?}", app.db.backend());
    let forms = walk(&app).await;
    let (destructive, mut safe): (Vec<Form>, Vec<Form>) = forms.into_iter().partition(Form::destructive);
    let mut done = HashSet::new();
    let mut count = 0;
    // Forms that answer with another form (the import's preview → confirm) are sent too.
    // A suggestion is answered once (its page offers accept, accept as a kept one, and dismiss).
    let mut answered = HashSet::new();
    while let Some(form) = (!safe.is_empty()).then(|| safe.remove(0)) {
        if !done.insert(form.shape()) {
            continue;
        }
        if form.action.contains("/suggestions/") && !answered.insert(form.action.clone()) {
            continue;
        }
        let before = log_size(&app).await;
        eprintln!(
            "{persona}: {} {:?}",
            form.action,
            form.fields.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>()
        );
        let reply = submit(&app, &form).await;
        let body = check(&app, persona, &form, &reply, &db).await.unwrap_or_default();
        if !form.read_only() {
            assert!(
                log_size(&app).await > before,
                "{persona} on {db}: {} {:?} changed nothing in the audit log",
                form.action,
                form.fields
            );
        }
        count += 1;
        for next in forms_of(&form.action, &body) {
            if !next.destructive() && !done.contains(&next.shape()) {
                safe.push(next);
            }
        }
    }
    for form in destructive {
        let mut app = fresh().await;
        app.act_as(persona);
        // The same form as this new session renders it (its CSRF token is the session's).
        let page = app.get(&form.page).await;
        let form = forms_of(&form.page, &page.body)
            .into_iter()
            .find(|f| f.shape() == form.shape())
            .unwrap_or_else(|| panic!("{persona}: {} is no longer on {}", form.action, form.page));
        let reply = submit(&app, &form).await;
        check(&app, persona, &form, &reply, &db).await;
        count += 1;
    }
    count
}

#[tokio::test]
async fn every_form_works_as_rendered_for_every_persona() {
    let backends = if tiltak_db::testing::postgres_url().await.unwrap().is_some() { 2 } else { 1 };
    for backend in 0..backends {
        for persona in PERSONAS.iter().filter(|p| **p != "other") {
            let fresh = move || -> std::pin::Pin<Box<dyn std::future::Future<Output = TestApp>>> {
                Box::pin(async move {
                    let db = match backend {
                        0 => tiltak_db::testing::sqlite().await.unwrap(),
                        _ => tiltak_db::testing::postgres().await.unwrap().expect("PostgreSQL is configured"),
                    };
                    TestApp::on(db).await
                })
            };
            let sent = run_persona(persona, fresh).await;
            eprintln!("{persona}: {sent} forms sent as rendered");
            let least = match *persona {
                "anonymous" => 1,
                "reader" => 2,
                _ => 4,
            };
            assert!(sent >= least, "{persona}: only {sent} forms found");
        }
    }
}

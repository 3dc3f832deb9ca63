//! The API as integrations use it: tokens made on the account page (scoped, hashed, revoked),
//! reads with paging and the visibility rule, writes merged or refused as on the web, an import
//! in two steps, the rate limit, and the OpenAPI document's snapshot.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};
use sha2::Digest;
use tiltak_db::Role;

use crate::{Reply, TestApp};

const MEASURES: &str = "/api/v1/organisations/osloregionen/programmes/2025/measures";
const ROUND: &str = "/api/v1/organisations/osloregionen/programmes/2025/rounds/2025-09-02";

/// A request as a script sends it: no cookies, a bearer token when given.
async fn call(app: &TestApp, method: &str, path: &str, token: Option<&str>, body: Option<Vec<u8>>) -> Reply {
    let mut b = Request::builder().method(method).uri(path).header(header::COOKIE, "x=1");
    if let Some(t) = token {
        b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let body = match body {
        Some(bytes) => {
            b = b.header(header::CONTENT_TYPE, "application/json");
            Body::from(bytes)
        }
        None => Body::empty(),
    };
    app.send(b.body(body).unwrap()).await
}

fn json_of(r: &Reply) -> Value {
    serde_json::from_str(&r.body).unwrap_or_else(|e| panic!("not JSON ({e}): {} {}", r.status, r.body))
}

/// A token for a persona, made in the store as the account page makes it.
async fn make_token(app: &TestApp, persona: &str, role: Role) -> String {
    let user = app.db.user_by_email(&format!("{persona}@example.no")).await.unwrap().unwrap();
    let org = app.db.organisation("osloregionen").await.unwrap().unwrap();
    app.db.create_api_token(&user, org.id, role, &format!("{persona}s skript")).await.unwrap()
}

#[tokio::test]
async fn a_token_is_made_on_the_account_page_stored_hashed_scoped_and_revoked() {
    for mut app in TestApp::all().await {
        app.act_as("editor");
        let page = app.get("/account/tokens").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Du har ingen API-nøkler."), "{}", page.body);
        assert!(
            page.body.contains("<option value=\"editor\">")
                && !page.body.contains("<option value=\"admin\">")
        );
        // A role above the person's own is refused, with the reason.
        let r = app
            .post(
                "/account/tokens",
                &[("name", "Dashbord"), ("organisation", "osloregionen"), ("role", "admin")],
                false,
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("høyere rolle enn du selv har"), "{}", r.body);
        let r = app
            .post(
                "/account/tokens",
                &[("name", "Dashbord"), ("organisation", "viken"), ("role", "reader")],
                false,
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "not the person's organisation");
        let made = app
            .post(
                "/account/tokens",
                &[("name", "Dashbord"), ("organisation", "osloregionen"), ("role", "editor")],
                false,
            )
            .await;
        assert_eq!(made.status, StatusCode::OK, "{}", made.body);
        let at = made.body.find("value=\"tiltak_").expect("the new token is shown once");
        let token = made.body[at + 7..].split('"').next().unwrap().to_owned();
        assert_eq!(token.len(), "tiltak_".len() + 64);
        // Shown once: the list names it, never shows it again.
        let list = app.get("/account/tokens").await;
        assert!(list.body.contains("Dashbord") && list.body.contains("Ikke brukt ennå"), "{}", list.body);
        assert!(!list.body.contains(&token));

        // At rest only its SHA-256.
        let stored: Vec<String> =
            sqlx::query_scalar("SELECT token_hash FROM api_tokens").fetch_all(app.db.pool()).await.unwrap();
        assert_eq!(stored, vec![hex::encode(sha2::Sha256::digest(token.as_bytes()))]);

        // It reads and writes what its person may, in its organisation only, without CSRF.
        app.act_as("anonymous");
        let r = call(&app, "GET", &format!("{MEASURES}/10"), Some(&token), None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let version = json_of(&r)["entries"][0]["entry"]["version"].as_i64().unwrap();
        let body = json!({"version": version, "description": "Skrevet av dashbordet"});
        let r =
            call(&app, "PATCH", &format!("{ROUND}/measures/10"), Some(&token), Some(body.to_string().into()))
                .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let r =
            call(&app, "PATCH", &format!("{ROUND}/measures/2"), Some(&token), Some(body.to_string().into()))
                .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "not the editor's group: {}", r.body);
        assert_eq!(json_of(&r)["error"], "forbidden-not-your-area");
        let r = call(&app, "GET", "/api/v1/organisations/viken", Some(&token), None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "another organisation is out of its scope");
        // Not a key to the pages.
        let r = call(&app, "GET", "/osloregionen/audit", Some(&token), None).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);

        // The audit log names the person and the token.
        app.act_as("admin");
        let log = app.get("/osloregionen/audit").await.body;
        assert!(log.contains("editor@example.no (API: Dashbord)"), "{log}");
        assert!(log.contains("API-nøkkel laget"), "{log}");

        // A person who loses a role takes the token's power with them.
        let editor = app.db.user_by_email("editor@example.no").await.unwrap().unwrap();
        let org = app.db.organisation("osloregionen").await.unwrap().unwrap();
        app.db.set_role(editor.id, org.id, Role::Reader, "test").await.unwrap();
        let r =
            call(&app, "PATCH", &format!("{ROUND}/measures/10"), Some(&token), Some(body.to_string().into()))
                .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        app.db.set_role(editor.id, org.id, Role::Editor, "test").await.unwrap();

        // Revoked on the account page: 401 from then on, in JSON, in the asker's language.
        app.act_as("editor");
        let list = app.get("/account/tokens").await.body;
        let at = list.find("/account/tokens/").unwrap();
        let revoke = list[at..].split('"').next().unwrap().to_owned();
        let r = app.post_follow(&revoke, &[]).await;
        assert!(
            r.body.contains("Nøkkelen er trukket tilbake.") && r.body.contains("Du har ingen API-nøkler.")
        );
        app.act_as("anonymous");
        let r = call(&app, "GET", MEASURES, Some(&token), None).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert_eq!(json_of(&r)["error"], "api-token-invalid");
        assert_eq!(json_of(&r)["message"], "API-nøkkelen er ugyldig eller trukket tilbake.");
        // Someone else's token cannot be revoked by guessing its number.
        app.act_as("editor");
        let kept = make_token(&app, "editor", Role::Reader).await;
        let id: i64 =
            sqlx::query_scalar("SELECT MAX(id) FROM api_tokens").fetch_one(app.db.pool()).await.unwrap();
        app.act_as("admin");
        let r = app.post_follow(&format!("/account/tokens/{id}/revoke"), &[]).await;
        assert!(r.body.contains("Fant ikke nøkkelen."), "{}", r.body);
        app.act_as("anonymous");
        assert_eq!(call(&app, "GET", MEASURES, Some(&kept), None).await.status, StatusCode::OK);
    }
}

#[tokio::test]
async fn an_update_merges_with_what_others_saved_and_conflicts_only_on_the_same_field() {
    for mut app in TestApp::all().await {
        let token = make_token(&app, "secretariat", Role::Secretariat).await;
        app.act_as("anonymous");
        let read =
            json_of(&call(&app, "GET", &format!("{MEASURES}?round=2025-09-02"), Some(&token), None).await);
        let first = read["items"][0].clone();
        let (id, entry) = (first["id"].as_u64().unwrap(), first["entry"].clone());
        let version = entry["version"].as_i64().unwrap();
        let path = format!("{ROUND}/measures/{id}");

        // Someone changes the description on the web in between.
        app.act_as("secretariat");
        let web_version = app.version_of("2025-09-02", id as u32).await;
        assert_eq!(web_version, version.to_string());
        let r = app
            .post(
                &format!("/osloregionen/2025/rounds/2025-09-02/measures/{id}"),
                &[
                    ("version", &web_version),
                    ("status", entry["status"].as_str().unwrap()),
                    ("description", "Nyere tekst fra nettet"),
                    ("decision", entry["decision"].as_str().unwrap()),
                    ("condition", entry["condition"].as_str().unwrap_or("")),
                    ("comment", entry["comment"].as_str().unwrap()),
                ],
                false,
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

        // The script changes the status from the old version: merged, both kept.
        app.act_as("anonymous");
        let update =
            json!({"version": version, "status": "done", "started_from": {"status": entry["status"]}});
        let r = call(&app, "PATCH", &path, Some(&token), Some(update.to_string().into())).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let saved = json_of(&r);
        assert_eq!(saved["status"], "done");
        assert_eq!(saved["description"], "Nyere tekst fra nettet", "the other person's change is kept");
        assert!(saved["version"].as_i64().unwrap() > version);

        // The same field from the old version: 409 with both values, nothing saved.
        let update = json!({
            "version": version,
            "description": "Skriptets tekst",
            "started_from": {"description": entry["description"]},
        });
        let r = call(&app, "PATCH", &path, Some(&token), Some(update.to_string().into())).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
        let conflict = json_of(&r);
        assert_eq!(conflict["fields"][0]["field"], "description");
        assert_eq!(conflict["fields"][0]["yours"], "Skriptets tekst");
        assert_eq!(conflict["fields"][0]["theirs"], "Nyere tekst fra nettet");
        assert_eq!(conflict["current"]["version"], saved["version"]);
        assert_eq!(conflict["changed_by"], "secretariat@example.no (API: secretariats skript)");
        let now = json_of(&call(&app, "GET", &format!("{MEASURES}/{id}"), Some(&token), None).await);
        let last = now["entries"].as_array().unwrap().last().unwrap()["entry"].clone();
        assert_eq!(last["description"], "Nyere tekst fra nettet", "nothing was saved");

        // Bad input: a clear message and nothing changes.
        let r = call(&app, "PATCH", &path, Some(&token), Some(b"{\"version\": 1,\n \"stauts\": 1}".to_vec()))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(json_of(&r)["message"].as_str().unwrap().contains("linje 2"), "{}", r.body);
        let update = json!({"version": saved["version"], "status": "ferdig"});
        let r = call(&app, "PATCH", &path, Some(&token), Some(update.to_string().into())).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        // A session may write too, with its CSRF token in a header; without it, never.
        app.act_as("secretariat");
        let update = json!({"version": saved["version"], "comment": "Fra nettleseren"});
        let no_csrf = Request::patch(&path).header(header::CONTENT_TYPE, "application/json");
        let r = app.send(no_csrf.body(Body::from(update.to_string())).unwrap()).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(json_of(&r)["error"], "csrf-failed");
        let with = Request::patch(&path)
            .header(header::CONTENT_TYPE, "application/json")
            .header("x-csrf-token", &app.csrf);
        let r = app.send(with.body(Body::from(update.to_string())).unwrap()).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
}

#[tokio::test]
async fn a_file_is_imported_through_the_api_in_two_steps() {
    for mut app in TestApp::all().await {
        let token = make_token(&app, "secretariat", Role::Secretariat).await;
        let reader = token_for_reader(&app).await;
        let file = app.get("/osloregionen/2025/report/download?format=json&round=2025-09-02").await;
        assert_eq!(file.status, StatusCode::OK);
        let mut doc: Value = serde_json::from_slice(&file.bytes).unwrap();
        let s = &mut doc["sections"][0];
        let direct = s["measures"].as_array().is_some_and(|m| !m.is_empty());
        let measure = if direct { &mut s["measures"][0] } else { &mut s["areas"][0]["measures"][0] };
        let id = measure["id"].as_u64().unwrap();
        measure["description"] = json!("Importert gjennom API-et");
        let bytes = serde_json::to_vec(&doc).unwrap();
        app.act_as("anonymous");
        let path = "/api/v1/organisations/osloregionen/imports?name=status.json";

        let r = call(&app, "POST", path, Some(&reader), Some(bytes.clone())).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "a reader's token may not import");
        let r = call(&app, "POST", path, Some(&token), Some(b"{ ikke json".to_vec())).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(!json_of(&r)["problems"].as_array().unwrap().is_empty(), "{}", r.body);

        let r = call(&app, "POST", path, Some(&token), Some(bytes)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let preview = json_of(&r);
        assert!(preview["replaces_round"].as_bool().unwrap());
        let changes = preview["changes"].as_array().unwrap();
        assert_eq!(changes.len(), 1, "{changes:?}");
        assert_eq!(changes[0]["fields"][0]["after"], "Importert gjennom API-et");
        let before = json_of(&call(&app, "GET", &format!("{MEASURES}/{id}"), Some(&token), None).await);
        assert_ne!(
            before["entries"][0]["entry"]["description"], "Importert gjennom API-et",
            "nothing saved yet"
        );

        let confirm = preview["confirm_url"].as_str().unwrap();
        let confirm = &confirm[confirm.find("/api/").unwrap()..];
        let r = call(&app, "POST", confirm, Some(&reader), None).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = call(&app, "POST", confirm, Some(&token), None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(json_of(&r)["round"], "2025-09-02");
        let after = json_of(&call(&app, "GET", &format!("{MEASURES}/{id}"), Some(&token), None).await);
        assert_eq!(after["entries"][0]["entry"]["description"], "Importert gjennom API-et");
        let r = call(&app, "POST", confirm, Some(&token), None).await;
        assert_eq!(r.status, StatusCode::GONE, "a kept file is saved once");
    }
}

async fn token_for_reader(app: &TestApp) -> String {
    make_token(app, "reader", Role::Reader).await
}

#[tokio::test]
async fn lists_come_in_pages_by_cursor() {
    for mut app in TestApp::all().await {
        app.act_as("anonymous");
        let all = json_of(&call(&app, "GET", &format!("{MEASURES}?limit=1000"), None, None).await);
        let all: Vec<u64> =
            all["items"].as_array().unwrap().iter().map(|m| m["id"].as_u64().unwrap()).collect();
        assert!(all.len() > 20, "{}", all.len());
        let (mut seen, mut cursor) = (Vec::new(), None::<String>);
        loop {
            let path = match &cursor {
                Some(c) => format!("{MEASURES}?limit=7&cursor={c}"),
                None => format!("{MEASURES}?limit=7"),
            };
            let page = json_of(&call(&app, "GET", &path, None, None).await);
            let items = page["items"].as_array().unwrap();
            assert!(items.len() <= 7);
            seen.extend(items.iter().map(|m| m["id"].as_u64().unwrap()));
            match page["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_owned()),
                None => break,
            }
        }
        assert_eq!(seen, all, "every measure once, in the programme's order");
        // Filters apply before paging.
        let ongoing = json_of(&call(&app, "GET", &format!("{MEASURES}?status=ongoing"), None, None).await);
        let ongoing = ongoing["items"].as_array().unwrap();
        assert!(!ongoing.is_empty() && ongoing.iter().all(|m| m["entry"]["status"] == "ongoing"));
        let found = json_of(&call(&app, "GET", &format!("{MEASURES}?q=geo4water"), None, None).await);
        assert_eq!(found["items"].as_array().unwrap().len(), 1, "{found}");
        // A cursor or limit that does not fit: 400, in JSON.
        let r = call(&app, "GET", &format!("{MEASURES}?cursor=tull"), None, None).await;
        assert_eq!(
            (r.status, json_of(&r)["error"].as_str()),
            (StatusCode::BAD_REQUEST, Some("api-cursor-invalid"))
        );
        let r = call(&app, "GET", &format!("{MEASURES}?limit=mange"), None, None).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert_eq!(r.set_cookie, None, "a script gets no cookie");
        let orgs = json_of(&call(&app, "GET", "/api/v1/organisations?limit=1", None, None).await);
        assert_eq!(orgs["items"][0]["slug"], "osloregionen");
        assert!(orgs.get("next_cursor").is_none(), "Viken publishes nothing: {orgs}");
    }
}

#[tokio::test]
async fn the_public_sees_through_the_api_what_the_pages_show_it() {
    for mut app in TestApp::all().await {
        // A new internal round: members see it, the public keeps seeing the public one.
        app.act_as("secretariat");
        let r = app
            .post("/osloregionen/2025/rounds", &[("label", "pr 1 des"), ("date", "2025-12-01")], false)
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let reader = token_for_reader(&app).await;
        app.act_as("anonymous");
        let public = json_of(&call(&app, "GET", MEASURES, None, None).await);
        assert_eq!(public["round"], "2025-09-02");
        let member = json_of(&call(&app, "GET", MEASURES, Some(&reader), None).await);
        assert_eq!(member["round"], "2025-12-01");
        let programme = "/api/v1/organisations/osloregionen/programmes/2025";
        let rounds =
            |v: &Value| v["rounds"].as_array().unwrap().iter().map(|r| r["slug"].clone()).collect::<Vec<_>>();
        assert_eq!(
            rounds(&json_of(&call(&app, "GET", programme, None, None).await)),
            vec![json!("2025-09-02")]
        );
        assert_eq!(rounds(&json_of(&call(&app, "GET", programme, Some(&reader), None).await)).len(), 2);
        let r = call(&app, "GET", &format!("{MEASURES}?round=2025-12-01"), None, None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
        let changes = format!("{programme}/rounds/2025-12-01/changes");
        assert_eq!(call(&app, "GET", &changes, None, None).await.status, StatusCode::NOT_FOUND);
        assert_eq!(call(&app, "GET", &changes, Some(&reader), None).await.status, StatusCode::OK);

        // An unpublished programme does not exist for the public, nor its organisation.
        let org = app.db.organisation("osloregionen").await.unwrap().unwrap();
        let p = app.db.programme(org.id, 2025).await.unwrap().unwrap();
        app.db.set_published(p.id, false, "test").await.unwrap();
        for path in [programme, MEASURES, "/api/v1/organisations/osloregionen"] {
            let r = call(&app, "GET", path, None, None).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}: {}", r.body);
            assert_eq!(json_of(&r)["status"], 404);
        }
        let orgs = json_of(&call(&app, "GET", "/api/v1/organisations", None, None).await);
        assert_eq!(orgs["items"].as_array().unwrap().len(), 0, "{orgs}");
        assert_eq!(call(&app, "GET", programme, Some(&reader), None).await.status, StatusCode::OK);
        // English when asked for.
        let r = app
            .send(
                Request::get(programme.replace("2025", "2031"))
                    .header(header::ACCEPT_LANGUAGE, "en")
                    .header(header::AUTHORIZATION, format!("Bearer {reader}"))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert!(json_of(&r)["message"].as_str().unwrap().contains("2031"), "{}", r.body);
    }
}

#[tokio::test]
async fn requests_past_the_rate_limit_wait() {
    let app = TestApp::all()
        .await
        .remove(0)
        .with_state(|s| s.api_limit = tiltak_web::api::RateLimit::per_minute(3));
    let token = make_token(&app, "reader", Role::Reader).await;
    for _ in 0..3 {
        assert_eq!(call(&app, "GET", MEASURES, Some(&token), None).await.status, StatusCode::OK);
    }
    let response = app
        .raw(
            Request::get(MEASURES)
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = response.headers()[header::RETRY_AFTER].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    // Each token has its own share.
    let other = make_token(&app, "admin", Role::Reader).await;
    assert_eq!(call(&app, "GET", MEASURES, Some(&other), None).await.status, StatusCode::OK);
    let r = call(&app, "GET", MEASURES, Some(&token), None).await;
    assert_eq!(json_of(&r)["error"], "api-rate-limited");
}

/// Every change to the API shows in review: the document is kept in the repository, and this
/// test fails until it is updated (`TILTAK_UPDATE_SNAPSHOTS=1 cargo test -p tiltak-web openapi`).
#[tokio::test]
async fn the_openapi_document_matches_its_snapshot() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.json");
    let now = tiltak_web::api::openapi_json();
    if std::env::var("TILTAK_UPDATE_SNAPSHOTS").is_ok_and(|v| v == "1") {
        std::fs::write(path, &now).unwrap();
    }
    let kept = std::fs::read_to_string(path).unwrap_or_default();
    assert!(kept == now, "the API changed: review it and update {path} (TILTAK_UPDATE_SNAPSHOTS=1)");
    let doc: Value = serde_json::from_str(&now).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    // Served as it is kept, and every path of it is a route of the app.
    let app = TestApp::all().await.remove(0);
    assert_eq!(call(&app, "GET", "/api/v1/openapi.json", None, None).await.body, now);
    let routes: Vec<String> = tiltak_web::routes().iter().map(|r| r.path.to_owned()).collect();
    for p in doc["paths"].as_object().unwrap().keys() {
        assert!(routes.contains(p), "{p} is documented but not routed");
    }
    for r in routes.iter().filter(|r| r.starts_with("/api/v1/") && !r.ends_with("openapi.json")) {
        assert!(doc["paths"].get(r).is_some(), "{r} is routed but not documented");
    }
}

#[tokio::test]
async fn the_api_page_tells_every_operation_in_every_language() {
    let app = TestApp::all().await.remove(0);
    for lang in ["nb", "nn", "en"] {
        let page = app.get(&format!("/api?lang={lang}")).await;
        assert_eq!(page.status, StatusCode::OK);
        for (method, path, op) in tiltak_web::api::operations() {
            assert!(page.body.contains(&format!("{method} {path}")), "{lang}: {method} {path}");
            let id = op.operation_id.unwrap();
            assert!(!page.body.contains(&format!("api-op-{}", id.replace('_', "-"))), "{lang}: {id} untold");
        }
        assert!(!page.body.contains("api-status-"), "{lang}: a status without words");
    }
}

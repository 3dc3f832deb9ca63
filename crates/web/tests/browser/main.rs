//! End to end in real Chromium (Debian's chromium and chromium-driver) driven over WebDriver:
//! read the report, filter it, open a round, edit with and without JavaScript, see the changes,
//! and run axe-core (pinned in e2e/package.json) on every page. Screenshots of the main pages go
//! to `target/tmp/e2e-screenshots/`.
//!
//! Runs when TILTAK_E2E=1 (as `.ci/run` sets it); without it the test says so and passes, so
//! `cargo test --workspace` needs no browser on a developer's machine.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

async fn start_app() -> SocketAddr {
    let db = tiltak_db::testing::sqlite().await.unwrap();
    assert!(tiltak_web::sample::load_if_empty(&db).await.unwrap());
    let org = db.organisation("osloregionen").await.unwrap().unwrap();
    let user = db.create_user(SECRETARY, "Sekretær", PASSWORD).await.unwrap();
    db.set_role(user.id, org.id, tiltak_db::Role::Secretariat, "test").await.unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        tiltak_web::serve(db, "127.0.0.1:0".parse().unwrap(), move |addr| {
            let _ = tx.send(addr);
        })
        .await
        .unwrap();
    });
    rx.await.unwrap()
}

async fn start_driver() -> (Driver, String) {
    let port = free_port();
    // Owned by `Driver` at once, so the process is killed and reaped on every path.
    let driver = Driver(
        Command::new(std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into()))
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver (Debian package chromium-driver) runs"),
    );
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            return (driver, format!("http://127.0.0.1:{port}"));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not start");
}

async fn browser(webdriver: &str, javascript: bool) -> Client {
    let profile = std::env::temp_dir().join(format!("tiltak-e2e-{}-{javascript}", std::process::id()));
    let mut options = json!({
        "binary": std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
        "args": [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", "--window-size=1400,1000", "--lang=nb-NO", "--accept-lang=nb-NO,nb",
            format!("--user-data-dir={}", profile.display()),
        ],
    });
    if !javascript {
        options["prefs"] = json!({ "profile.managed_default_content_settings.javascript": 2 });
    }
    let mut caps = serde_json::Map::new();
    caps.insert("goog:chromeOptions".into(), options);
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(webdriver)
        .await
        .expect("a Chromium session")
}

fn screenshot_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("e2e-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// axe-core as `npm ci --prefix e2e` installs it (read at run time: only this test needs it).
fn axe_source() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../e2e/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}; run `npm ci --prefix e2e`"))
}

/// Runs axe-core's WCAG 2.1 A and AA rules on the page and returns the violations.
async fn axe(c: &Client) -> Vec<Value> {
    let loaded = c.execute("return typeof axe !== 'undefined';", vec![]).await.unwrap();
    if loaded != Value::Bool(true) {
        c.execute(&format!("{}\nreturn true;", axe_source()), vec![]).await.unwrap();
    }
    let result = c
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
               axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
                 .then(r => done(JSON.stringify(r.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ')) })))))
                 .catch(e => done(JSON.stringify([{ id: 'axe-error', help: String(e) }])));"#,
            vec![],
        )
        .await
        .unwrap();
    serde_json::from_str(result.as_str().unwrap()).unwrap()
}

async fn check_page(c: &Client, base: &str, path: &str, shot: &str) {
    c.goto(&format!("{base}{path}")).await.unwrap();
    let violations = axe(c).await;
    assert!(
        violations.is_empty(),
        "axe found violations on {path}: {}",
        serde_json::to_string_pretty(&violations).unwrap()
    );
    let png = c.screenshot().await.unwrap();
    std::fs::write(screenshot_dir().join(format!("{shot}.png")), png).unwrap();
}

const SECRETARY: &str = "sekretariat@example.no";
const PASSWORD: &str = "correct horse battery";

/// Logs in through the login form, as a person would.
async fn log_in(c: &Client, base: &str) {
    c.goto(&format!("{base}/login?next=/osloregionen/2025/report")).await.unwrap();
    c.find(Locator::Id("email")).await.unwrap().send_keys(SECRETARY).await.unwrap();
    c.find(Locator::Id("password")).await.unwrap().send_keys(PASSWORD).await.unwrap();
    c.find(Locator::Css("form[action='/login'] button")).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::XPath("//span[@class='who']")).await.unwrap();
    assert_eq!(c.current_url().await.unwrap().path(), "/osloregionen/2025/report");
}

/// Whether a script comes to return true within two seconds (htmx moves focus after it settles a
/// swap, a few milliseconds after the new content is in the page).
async fn settles(c: &Client, script: &str) -> bool {
    for _ in 0..40 {
        if c.execute(script, vec![]).await.unwrap() == json!(true) {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    false
}

async fn rows(c: &Client) -> usize {
    c.find_all(Locator::Css("tr[id^='m']")).await.unwrap().len()
}

#[tokio::test]
async fn a_user_reads_filters_opens_a_round_edits_and_sees_the_changes() {
    if std::env::var("TILTAK_E2E").is_err() {
        eprintln!(
            "browser test skipped: set TILTAK_E2E=1 (with chromium and chromium-driver installed) to run it"
        );
        return;
    }
    let addr = start_app().await;
    let base = format!("http://{addr}");
    let (_driver, webdriver) = start_driver().await;
    let js = browser(&webdriver, true).await;

    // Read the report and filter it.
    js.goto(&format!("{base}/")).await.unwrap();
    assert_eq!(js.current_url().await.unwrap().path(), "/osloregionen");
    js.goto(&format!("{base}/osloregionen/2025/report")).await.unwrap();
    assert_eq!(rows(&js).await, 60);
    js.find(Locator::Id("f-area")).await.unwrap().select_by_value("Transport og mobilitet:").await.unwrap();
    js.find(Locator::Css("form.filters button[type=submit]")).await.unwrap().click().await.unwrap();
    js.wait().for_url(&format!("{base}/osloregionen/2025/report?round=2025-09-02&area=Transport+og+mobilitet%3A&status=&decision=").parse().unwrap()).await.unwrap();
    assert_eq!(rows(&js).await, 11);

    // The public reads without logging in; editing needs an account.
    assert!(js.find(Locator::Css("a[hx-get]")).await.is_err(), "no edit links for the public");
    check_page(&js, &base, "/login", "login").await;
    log_in(&js, &base).await;

    // Open a new round with the plain form.
    js.goto(&format!("{base}/osloregionen/2025/rounds")).await.unwrap();
    js.find(Locator::Id("round-label")).await.unwrap().send_keys("pr 1 des").await.unwrap();
    js.execute("document.getElementById('round-date').value = '2025-12-01'; document.getElementById('round-deadline').value = '2025-12-15';", vec![]).await.unwrap();
    js.find(Locator::Css("form[action$='/rounds'] button")).await.unwrap().click().await.unwrap();
    js.wait().for_element(Locator::XPath("//th[@scope='row' and text()='pr 1 des']")).await.unwrap();

    // Edit inline with htmx: the form opens in the row and the saved row replaces it.
    let edit_inline = |id: u32, status: &'static str, text: &'static str| {
        let js = &js;
        let base = &base;
        async move {
            js.goto(&format!("{base}/osloregionen/2025/report")).await.unwrap();
            js.find(Locator::Css(&format!("#m{id} a[hx-get]"))).await.unwrap().click().await.unwrap();
            js.wait().for_element(Locator::Css(&format!("#m{id} form"))).await.unwrap();
            // Focus moves into the form once htmx has settled it: no tabbing through the page to
            // reach Status.
            let script =
                format!("return document.activeElement && document.activeElement.id === 'status-{id}';");
            assert!(settles(js, &script).await, "focus after opening the form");
            js.find(Locator::Id(&format!("status-{id}")))
                .await
                .unwrap()
                .select_by_value(status)
                .await
                .unwrap();
            let description = js.find(Locator::Id(&format!("description-{id}"))).await.unwrap();
            description.clear().await.unwrap();
            description.send_keys(text).await.unwrap();
            js.find(Locator::Css(&format!("#m{id} form button[type=submit]")))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            js.wait()
                .for_element(Locator::XPath(&format!("//tr[@id='m{id}']/td[contains(., '{text}')]")))
                .await
                .unwrap();
            assert_eq!(js.current_url().await.unwrap().path(), "/osloregionen/2025/report", "no page load");
            // Focus goes back to the row's link, and a polite live region says it was saved.
            let script = format!("return document.activeElement === document.querySelector('#m{id} th a');");
            assert!(settles(js, &script).await, "focus after saving row {id}");
            let said =
                js.find(Locator::Css(&format!("#m{id} [role=status]"))).await.unwrap().text().await.unwrap();
            assert!(said.starts_with("Lagret"), "{said}");
        }
    };
    edit_inline(2, "done", "Avtale inngått med fylkeskommunene").await;
    let _ =
        std::fs::write(screenshot_dir().join("report-after-inline-edit.png"), js.screenshot().await.unwrap());

    // Edit without JavaScript: the link opens a page with the form; saving returns to the report.
    let plain = browser(&webdriver, false).await;
    log_in(&plain, &base).await;
    plain.goto(&format!("{base}/osloregionen/2025/report")).await.unwrap();
    plain.find(Locator::Css("#m27 a[hx-get]")).await.unwrap().click().await.unwrap();
    plain.wait().for_element(Locator::Id("status-27")).await.unwrap();
    assert!(plain.current_url().await.unwrap().path().ends_with("/measures/27/edit"));
    // (axe runs on this page in the JavaScript session below: a page without scripts cannot host it.)
    std::fs::write(screenshot_dir().join("edit-without-javascript.png"), plain.screenshot().await.unwrap())
        .unwrap();
    plain.find(Locator::Id("status-27")).await.unwrap().select_by_value("ongoing").await.unwrap();
    plain
        .find(Locator::Id("description-27"))
        .await
        .unwrap()
        .send_keys(" Kartlegging startet i oktober.")
        .await
        .unwrap();
    plain.find(Locator::Css("form.edit-form button[type=submit]")).await.unwrap().click().await.unwrap();
    plain.wait().for_element(Locator::Css("p.message.ok")).await.unwrap();
    assert!(plain.current_url().await.unwrap().query().unwrap_or("").contains("saved=27"));
    plain.close().await.unwrap();

    edit_inline(56, "not_started", "Venter på Oppdrag Mjøsa").await;

    // The changes page shows exactly those three.
    js.goto(&format!("{base}/osloregionen/2025/rounds/2025-12-01/changes")).await.unwrap();
    let listed: Vec<String> = {
        let mut ids = Vec::new();
        for li in js.find_all(Locator::Css("ol.changes > li")).await.unwrap() {
            ids.push(li.attr("id").await.unwrap().unwrap());
        }
        ids
    };
    assert_eq!(listed, ["c2", "c27", "c56"]);

    // A question on a measure, written in the form on its page, shows there for members.
    js.goto(&format!("{base}/osloregionen/2025/measures/27?round=2025-12-01")).await.unwrap();
    js.find(Locator::Id("comment-body")).await.unwrap().send_keys("Når kommer verkstedet?").await.unwrap();
    js.find(Locator::Css("form[action$='/comments'] button")).await.unwrap().click().await.unwrap();
    js.wait()
        .for_element(Locator::XPath("//p[@class='comment-body' and text()='Når kommer verkstedet?']"))
        .await
        .unwrap();
    // "My measures" and the round's progress count the three saves.
    js.goto(&format!("{base}/osloregionen/mine")).await.unwrap();
    assert_eq!(js.find_all(Locator::Css("table.mine tbody tr")).await.unwrap().len(), 60);
    js.goto(&format!("{base}/osloregionen/2025/rounds/2025-12-01/progress")).await.unwrap();
    assert!(js.source().await.unwrap().contains("3 av 60 tiltak er oppdatert."), "progress counts the saves");

    // An API token, made on the account page as a person does: shown once, then listed.
    js.goto(&format!("{base}/account/tokens")).await.unwrap();
    js.find(Locator::Css("#t-name")).await.unwrap().send_keys("Dashbord").await.unwrap();
    js.find(Locator::Css("form[action='/account/tokens'] button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let made = js
        .wait()
        .for_element(Locator::Css("#made-token"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(made.starts_with("tiltak_"), "{made}");

    // Every page passes axe, in both languages; screenshots for a person to look at.
    for (path, shot) in [
        ("/account/tokens", "tokens"),
        ("/api", "api"),
        ("/osloregionen/mine", "mine"),
        ("/osloregionen/2025/rounds/2025-12-01/progress", "progress"),
        ("/osloregionen", "organisation"),
        ("/osloregionen/2025", "overview"),
        ("/osloregionen/2025/report", "report"),
        ("/osloregionen/2025/report?area=Klima%2C+milj%C3%B8+og+natur%3A", "report-filtered"),
        ("/osloregionen/2025/measures/59", "measure"),
        ("/osloregionen/2025/rounds", "rounds"),
        ("/osloregionen/2025/rounds/2025-12-01/changes", "changes"),
        ("/osloregionen/search?q=workshop", "search"),
        ("/osloregionen/2025/report?lang=en", "report-english"),
        ("/osloregionen/2025/rounds/2025-12-01/measures/27/edit", "edit-page"),
        ("/osloregionen/2025/nothing-here", "not-found"),
        ("/osloregionen/audit", "audit"),
        ("/osloregionen/2025/rollover", "rollover"),
        ("/account/password", "password"),
        ("/osloregionen/import", "import"),
        ("/osloregionen/settings", "settings"),
        ("/osloregionen/2025/report?lang=nn", "report-nynorsk"),
        ("/osloregionen/settings?lang=nn", "settings-nynorsk"),
        ("/osloregionen/2025/measures/abc?lang=nb", "not-a-measure"),
        ("/osloregionen/2025/measures/1", "measure-suggestions"),
        ("/osloregionen/events", "events"),
        ("/osloregionen/decisions", "decisions"),
        ("/osloregionen/2025/events", "programme-events"),
        ("/osloregionen/2025/annual-report", "annual-report"),
        ("/osloregionen/2025/annual-report?lang=nn", "annual-report-nynorsk"),
    ] {
        check_page(&js, &base, path, shot).await;
    }
    // On a phone (390 px) no page scrolls sideways, and axe still finds nothing.
    js.set_window_size(390, 844).await.unwrap();
    for (path, shot) in [
        ("/osloregionen?lang=nb", "phone-organisation"),
        ("/osloregionen/2025", "phone-overview"),
        ("/osloregionen/2025/report", "phone-report"),
        ("/osloregionen/2025/measures/59", "phone-measure"),
        ("/osloregionen/2025/rounds", "phone-rounds"),
        ("/osloregionen/2025/rounds/2025-12-01/changes", "phone-changes"),
        ("/osloregionen/search?q=workshop", "phone-search"),
        ("/osloregionen/2025/rounds/2025-12-01/measures/27/edit", "phone-edit"),
        ("/osloregionen/audit", "phone-audit"),
        ("/osloregionen/2025/rollover", "phone-rollover"),
        ("/osloregionen/import", "phone-import"),
        ("/osloregionen/settings", "phone-settings"),
        ("/account/password", "phone-password"),
        ("/account/tokens", "phone-tokens"),
        ("/api", "phone-api"),
        ("/osloregionen/2025/rollover/summary", "phone-rollover-summary"),
        ("/osloregionen/mine", "phone-mine"),
        ("/osloregionen/2025/rounds/2025-12-01/progress", "phone-progress"),
        ("/osloregionen/2025/measures/27?round=2025-12-01", "phone-measure-comments"),
        ("/osloregionen/2025/measures/1", "phone-measure-suggestions"),
        ("/osloregionen/events", "phone-events"),
        ("/osloregionen/2025/events", "phone-programme-events"),
        ("/osloregionen/2025/annual-report", "phone-annual-report"),
    ] {
        check_page(&js, &base, path, shot).await;
        let width = js.execute("return document.documentElement.scrollWidth;", vec![]).await.unwrap();
        let wide = js
            .execute(
                "return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 391)
                   .slice(0, 8).map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right));",
                vec![],
            )
            .await
            .unwrap();
        assert!(width.as_u64().unwrap() <= 390, "{path} is {width} px wide at 390 px: {wide}");
    }
    js.set_window_size(1400, 1000).await.unwrap();
    // The import preview: the sample's text uploaded through the file field, read, nothing saved.
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/../../samples/osloregionen-status-2025-pr-2-sept.txt");
    let sample = std::fs::canonicalize(sample).unwrap();
    js.goto(&format!("{base}/osloregionen/import?lang=nb")).await.unwrap();
    js.find(Locator::Id("i-file")).await.unwrap().send_keys(sample.to_str().unwrap()).await.unwrap();
    js.find(Locator::Css("form[enctype='multipart/form-data'] button")).await.unwrap().click().await.unwrap();
    js.wait().for_element(Locator::Id("preview")).await.unwrap();
    let status = js.find(Locator::Css("div.message[role=status]")).await.unwrap().text().await.unwrap();
    assert!(status.contains("«pr 2 sept» finnes og blir erstattet"), "{status}");
    let violations = axe(&js).await;
    assert!(violations.is_empty(), "axe on the import preview: {violations:?}");
    std::fs::write(screenshot_dir().join("import-preview.png"), js.screenshot().await.unwrap()).unwrap();
    // A table of the organisation's own layout: the columns Tiltak suggests are shown with a
    // select each; the person changes one, reads the file again, saves, and edits an own field.
    let own = std::env::temp_dir().join(format!("tiltak-own-{}.csv", std::process::id()));
    std::fs::write(
        &own,
        "Nämnd,Uppdrag,Status,Ansvarig,Klart senast\n\
         Kommunstyrelsen,Ta fram en klimatplan,PÅGÅENDE,Anna,30.06.2027\n\
         Kommunstyrelsen,Utreda gemensam IT,AVSLUTAT,Per,31.03.2027\n\
         Barn- och utbildningsnämnden,Ny skolplan,AVSLUTAT,Eva,01.02.2027\n",
    )
    .unwrap();
    js.goto(&format!("{base}/osloregionen/import?lang=nb")).await.unwrap();
    js.find(Locator::Id("i-file")).await.unwrap().send_keys(own.to_str().unwrap()).await.unwrap();
    js.find(Locator::Id("i-year")).await.unwrap().send_keys("2027").await.unwrap();
    js.find(Locator::Id("i-round")).await.unwrap().send_keys("pr 1 juni").await.unwrap();
    js.find(Locator::Css("form[enctype='multipart/form-data'] button")).await.unwrap().click().await.unwrap();
    js.wait().for_element(Locator::Id("mapping-h")).await.unwrap();
    let ansvarig = js.find(Locator::Css("select[name='map:Ansvarig']")).await.unwrap();
    assert_eq!(ansvarig.prop("value").await.unwrap().as_deref(), Some("field"));
    ansvarig.select_by_value("skip").await.unwrap();
    js.find(Locator::Css("button[name=step][value=remap]")).await.unwrap().click().await.unwrap();
    // The page before it has the same headings: wait for the new one's words.
    assert!(
        settles(&js, "return document.body.innerText.includes('Kolonnene er lest slik dere valgte')").await,
        "read again with the person's columns"
    );
    let violations = axe(&js).await;
    assert!(violations.is_empty(), "axe on the mapping: {violations:?}");
    std::fs::write(screenshot_dir().join("import-mapping.png"), js.screenshot().await.unwrap()).unwrap();
    js.set_window_size(390, 844).await.unwrap();
    let width = js.execute("return document.documentElement.scrollWidth;", vec![]).await.unwrap();
    assert!(width.as_u64().unwrap() <= 390, "the mapping is {width} px wide at 390 px");
    std::fs::write(screenshot_dir().join("phone-import-mapping.png"), js.screenshot().await.unwrap())
        .unwrap();
    js.set_window_size(1400, 1000).await.unwrap();
    js.find(Locator::Css("form[action$='/import/confirm'] button[type=submit]:not([name])"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert!(
        settles(&js, "return location.pathname === '/osloregionen/2027/report'").await,
        "saved, on the report"
    );
    assert_eq!(rows(&js).await, 3);
    js.goto(&format!("{base}/osloregionen/2027/rounds/2027-06-01/measures/1/edit?lang=nb")).await.unwrap();
    let due = js.find(Locator::Css("input[name='f:Klart senast']")).await.unwrap();
    assert_eq!(due.prop("value").await.unwrap().as_deref(), Some("2027-06-30"));
    assert!(
        js.find(Locator::Css("input[name='f:Ansvarig']")).await.is_err(),
        "the column skipped is no field"
    );
    let violations = axe(&js).await;
    assert!(violations.is_empty(), "axe on the edit form with own fields: {violations:?}");
    std::fs::remove_file(&own).ok();
    // A suggestion from the measure's text, reviewed, edited and accepted: the decision is kept
    // and linked, and the page says so.
    js.goto(&format!("{base}/osloregionen/2025/measures/1?lang=nb")).await.unwrap();
    js.find(Locator::Css("li.suggestion details summary")).await.unwrap().click().await.unwrap();
    let title = js.find(Locator::Css("li.suggestion details input[name='title']")).await.unwrap();
    title.clear().await.unwrap();
    title.send_keys("Styrets vedtak 6. februar 2025").await.unwrap();
    let violations = axe(&js).await;
    assert!(violations.is_empty(), "axe on an open suggestion: {violations:?}");
    std::fs::write(screenshot_dir().join("suggestion-open.png"), js.screenshot().await.unwrap()).unwrap();
    js.find(Locator::Css("li.suggestion details form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert!(
        settles(&js, "return [...document.querySelectorAll('.entity-links a')].some(a => a.textContent === 'Styrets vedtak 6. februar 2025')").await,
        "the accepted decision is linked on the measure page"
    );
    let violations = axe(&js).await;
    assert!(violations.is_empty(), "axe after accepting: {violations:?}");
    std::fs::write(screenshot_dir().join("suggestion-accepted.png"), js.screenshot().await.unwrap()).unwrap();
    js.find(Locator::LinkText("Styrets vedtak 6. februar 2025")).await.unwrap().click().await.unwrap();
    assert!(settles(&js, "return location.pathname.startsWith('/osloregionen/decisions/')").await);
    let violations = axe(&js).await;
    assert!(violations.is_empty(), "axe on the decision's page: {violations:?}");
    std::fs::write(screenshot_dir().join("decision.png"), js.screenshot().await.unwrap()).unwrap();
    // An inline edit form is checked too.
    js.goto(&format!("{base}/osloregionen/2025/report?lang=nb")).await.unwrap();
    js.find(Locator::Css("#m3 a[hx-get]")).await.unwrap().click().await.unwrap();
    js.wait().for_element(Locator::Css("#m3 form")).await.unwrap();
    let violations = axe(&js).await;
    assert!(violations.is_empty(), "axe on the inline form: {violations:?}");
    // And axe does find what it should: an image without a text alternative.
    js.execute("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"/static/none.png\">'); return true;", vec![])
        .await
        .unwrap();
    let violations = axe(&js).await;
    assert!(violations.iter().any(|v| v["id"] == "image-alt"), "axe is really checking: {violations:?}");
    js.close().await.unwrap();
    eprintln!("screenshots: {}", screenshot_dir().display());
}

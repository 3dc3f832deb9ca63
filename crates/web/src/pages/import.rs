//! `/{org}/import`: bring in a file (report text, Word table, spreadsheet, JSON), see what was read
//! — the tree, the reader's warnings and what it changes in the round it replaces — and only then
//! save it. Between the two steps the file is kept on the server (by a random id, for the person
//! who sent it, for an hour) and read again on confirmation, so what is saved is what was shown
//! and a file of any size the preview takes can be saved.

use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::Deserialize;
use tiltak_core::diff::{ChangeKind, align_ids, compare};
use tiltak_core::round::StatusEntry;
use tiltak_core::round::parse_iso_date;
use tiltak_core::{Measure, MeasureId, Status, StatusReport};
use tiltak_db::{IdSource, OnExisting, OrganisationRow, Owners};
use tiltak_formats::import::{self, FileKind, ImportMeta, Imported};
use tiltak_formats::mapping::{Mapping, TableOptions, Target};

use super::{PageCtx, see_other};
use crate::AppState;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::i18n::{Message, Tr};

/// What the user sent: the file and what they know better than it.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct Upload {
    #[serde(default)]
    pub name: String,
    /// The file, base64 (kept on the server between preview and confirmation, see [`Kept`]).
    #[serde(default)]
    pub data: String,
    /// The previewed file's id in [`Kept`]: the confirmation sends this, never the file again.
    #[serde(default)]
    pub upload: String,
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub round: String,
    #[serde(default)]
    pub date: String,
    /// "1": overwrite entries saved on the web since the file was made (the preview offers it).
    #[serde(default)]
    pub overwrite_newer: String,
    /// A table's columns (`area=Nämnd,measure=Uppdrag`) and statuses (`AVSLUTAT=done`) as the
    /// person chose them in the preview (or the API's query); empty: the saved profile or the
    /// suggestion.
    #[serde(default)]
    pub columns: String,
    #[serde(default)]
    pub statuses: String,
    /// The columns and statuses the preview showed: a confirmation with others shows the
    /// preview again instead of saving what was not seen.
    #[serde(default)]
    pub previewed: String,
    /// "1": keep the statuses mapped as aliases of the vocabulary.
    #[serde(default)]
    pub save_aliases: String,
    /// "remap": read again with the chosen columns and statuses, and show it; save nothing.
    #[serde(default)]
    pub step: String,
}

impl Upload {
    /// The preview form's own selects: `map:HEADING` → target, `st:LABEL` → status key (in the
    /// order sent), written into `columns` and `statuses`.
    fn take_selects(&mut self, body: &[u8]) {
        let (mut columns, mut statuses) = (Vec::new(), Vec::new());
        for (k, v) in form_urlencoded::parse(body) {
            if let Some(heading) = k.strip_prefix("map:")
                && let Some(t) = Target::parse(&v)
            {
                columns.push((t, heading.to_owned()));
            } else if let Some(label) = k.strip_prefix("st:")
                && !v.is_empty()
            {
                statuses.push((label.to_owned(), v.into_owned()));
            }
        }
        if !columns.is_empty() {
            self.columns = Mapping::columns_line(&columns);
        }
        if !statuses.is_empty() || !columns.is_empty() {
            self.statuses = Mapping::statuses_line(&statuses);
        }
    }

    fn mapping_line(&self) -> String {
        format!("{}|{}", self.columns, self.statuses)
    }
}

/// Files between their preview and their confirmation, kept on the server by a random id for
/// the person who sent them, for an hour, within a bound on memory: so any file the preview
/// takes can be saved, without sending it back through a form.
#[derive(Clone, Default)]
pub struct Kept {
    files: std::sync::Arc<std::sync::Mutex<Vec<KeptFile>>>,
}

struct KeptFile {
    id: String,
    user: i64,
    at: std::time::Instant,
    name: String,
    data: String,
    /// The columns and statuses the preview read it with.
    mapping: (String, String),
}

const KEPT_FOR: std::time::Duration = std::time::Duration::from_secs(60 * 60);
const KEPT_BYTES: usize = 96 * 1024 * 1024;

impl Kept {
    fn put(&self, user: i64, name: &str, data: &str, mapping: (String, String)) -> String {
        let id = tiltak_db::random_token();
        let mut files = self.files.lock().expect("not poisoned");
        files.retain(|f| f.at.elapsed() < KEPT_FOR);
        files.push(KeptFile {
            id: id.clone(),
            user,
            at: std::time::Instant::now(),
            name: name.to_owned(),
            data: data.to_owned(),
            mapping,
        });
        while files.iter().map(|f| f.data.len()).sum::<usize>() > KEPT_BYTES && files.len() > 1 {
            files.remove(0);
        }
        id
    }

    /// The file kept under `id` for this person, if it is still there.
    fn get(&self, user: i64, id: &str) -> Option<(String, String, (String, String))> {
        let files = self.files.lock().expect("not poisoned");
        files
            .iter()
            .find(|f| f.id == id && f.user == user && f.at.elapsed() < KEPT_FOR)
            .map(|f| (f.name.clone(), f.data.clone(), f.mapping.clone()))
    }

    fn forget(&self, id: &str) {
        self.files.lock().expect("not poisoned").retain(|f| f.id != id);
    }
}

/// A measure of the preview tree.
pub struct Node {
    pub depth: usize,
    pub title: String,
    pub status: String,
}

/// An area (or a section's own measures) of the preview tree.
pub type Group = (Option<String>, Vec<Node>);

pub struct Preview {
    pub title: String,
    pub year: i32,
    pub round: String,
    pub measures: usize,
    /// Each section's title with its groups: (area, or `None` for the section's own measures; measures).
    pub sections: Vec<(String, Vec<Group>)>,
    /// (line or table row, 0 for the whole file; message)
    pub warnings: Vec<(usize, Message)>,
    /// `Some` when the round exists: it will be replaced, and these measures change.
    pub replaces: Option<Vec<Replaced>>,
    /// Measures the file would change that someone saved since the file was made: kept unless
    /// overwritten.
    pub newer: Vec<String>,
    /// For a table of the organisation's own: its columns and statuses, to confirm or change.
    pub layout: Option<LayoutView>,
}

/// A table's columns and unknown statuses as the preview shows them, with the choices.
pub struct LayoutView {
    /// (heading, target key, first value)
    pub columns: Vec<(String, &'static str, String)>,
    /// (key, label) of every target.
    pub targets: Vec<(&'static str, String)>,
    /// (label as written, measures with it, status key chosen or "")
    pub statuses: Vec<(String, usize, String)>,
    /// (key, label) of the vocabulary, "" first for "no status".
    pub keys: Vec<(String, String)>,
    /// (field name, kind as people read it) of the fields the import keeps.
    pub fields: Vec<(String, String)>,
    /// The columns were read with the profile saved for these headings.
    pub profile: bool,
    /// The columns were Tiltak's suggestion, to be checked.
    pub suggested: bool,
    pub columns_line: String,
    pub statuses_line: String,
}

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    page: PageCtx,
    tr: Tr,
    action: String,
    upload: Upload,
    preview: Option<Preview>,
    error: Option<String>,
    /// Each problem of a refused file, with its place.
    problems: Vec<String>,
}

fn page(
    ctx: &Ctx,
    status: StatusCode,
    upload: Upload,
    preview: Option<Preview>,
    error: Option<String>,
) -> AppResult<Response> {
    render_page(ctx, status, upload, preview, error, Vec::new())
}

fn render_page(
    ctx: &Ctx,
    status: StatusCode,
    upload: Upload,
    preview: Option<Preview>,
    error: Option<String>,
    problems: Vec<String>,
) -> AppResult<Response> {
    let tr = ctx.tr;
    let html = ImportPage {
        page: ctx.page(tr.t("import-title"), "import"),
        tr,
        action: format!("/{}/import", ctx.org()?.slug),
        upload,
        preview,
        error,
        problems,
    }
    .render()?;
    Ok((status, Html(html)).into_response())
}

pub async fn show(ctx: Ctx) -> AppResult<Response> {
    page(&ctx, StatusCode::OK, Upload::default(), None, None)
}

/// Step one: the file is read and shown; nothing is saved.
pub async fn preview(State(app): State<AppState>, ctx: Ctx, mut form: Multipart) -> AppResult<Response> {
    let tr = ctx.tr;
    let bad = |e: axum::extract::multipart::MultipartError| {
        AppError::bad_request(Message::new("import-upload-broken").arg("detail", e.body_text()))
    };
    let mut upload = Upload::default();
    while let Some(field) = form.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            upload.name = field.file_name().unwrap_or_default().to_owned();
            let bytes = field.bytes().await.map_err(bad)?;
            upload.data = BASE64.encode(&bytes);
        } else {
            let value = field.text().await.map_err(bad)?;
            match name.as_str() {
                "year" => upload.year = value,
                "round" => upload.round = value,
                "date" => upload.date = value,
                _ => {}
            }
        }
    }
    if upload.data.is_empty() || upload.name.is_empty() {
        let message = tr.t("import-no-file");
        return page(&ctx, StatusCode::UNPROCESSABLE_ENTITY, upload, None, Some(message));
    }
    match read_and_keep(&app, &ctx, &mut upload).await? {
        Ok(preview) => page(&ctx, StatusCode::OK, upload, Some(preview), None),
        Err(refused) => refused_page(&ctx, upload, refused),
    }
}

/// Reads an upload, keeps it for its confirmation (its id in `upload.upload`) and tells what it
/// would change; nothing is saved.
pub(crate) async fn read_and_keep(
    app: &AppState,
    ctx: &Ctx,
    upload: &mut Upload,
) -> AppResult<Result<Preview, Refused>> {
    let (tr, org) = (ctx.tr, ctx.org()?);
    match read(app, tr, org, upload).await? {
        Ok(Read { imported, existing, profile, vocabulary }) => {
            let user = ctx.viewer.user.as_ref().map_or(0, |u| u.id);
            if let Some(l) = &imported.doc.layout {
                upload.columns = Mapping::columns_line(&l.columns());
                upload.statuses = Mapping::statuses_line(&l.statuses());
                upload.previewed = upload.mapping_line();
            }
            let mapping = (upload.columns.clone(), upload.statuses.clone());
            upload.upload = app.uploads.put(user, &upload.name, &upload.data, mapping);
            // Of the measures the file changes, those someone saved since it was made: a file
            // with versions says which version it was made from; one without counts as older
            // than any save on the web.
            let saved = match &existing {
                Some((round, _)) => app.db.saved_on_the_web(round.id).await?,
                None => Vec::new(),
            };
            let mut preview = preview_of(tr, &imported, existing.as_ref().map(|(_, r)| r), &saved);
            preview.layout = imported.doc.layout.as_ref().map(|l| layout_view(tr, l, &vocabulary, profile));
            Ok(Ok(preview))
        }
        Err(refused) => Ok(Err(refused)),
    }
}

/// Why a file was not read: a sentence, and each problem found (where, and what).
pub struct Refused {
    pub message: String,
    pub problems: Vec<String>,
}

impl From<String> for Refused {
    fn from(message: String) -> Self {
        Refused { message, problems: Vec::new() }
    }
}

fn refused_page(ctx: &Ctx, upload: Upload, refused: Refused) -> AppResult<Response> {
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    render_page(ctx, status, upload, None, Some(refused.message), refused.problems)
}

/// What came of a confirmation.
pub(crate) enum Confirmed {
    Saved {
        year: i32,
        round: Option<String>,
        saved: tiltak_db::Saved,
    },
    /// The kept file is gone (an hour passed, or the server restarted).
    Expired,
    Refused(Refused),
    /// The store refused it (a frozen round, a rule of the tree).
    Conflict(Message),
}

/// Step two: the same file read again and saved in one transaction.
pub async fn confirm(State(app): State<AppState>, ctx: Ctx, body: axum::body::Bytes) -> AppResult<Response> {
    let (tr, org) = (ctx.tr, ctx.org()?);
    let mut upload: Upload = serde_urlencoded::from_bytes(&body)
        .map_err(|e| AppError::bad_request(Message::new("form-invalid").arg("detail", e)))?;
    upload.take_selects(&body);
    // Columns or statuses changed in the preview: read again and show it, save nothing yet.
    if upload.step == "remap" || (!upload.previewed.is_empty() && upload.previewed != upload.mapping_line()) {
        let user = ctx.viewer.user.as_ref().map_or(0, |u| u.id);
        let Some((name, data, _)) = app.uploads.get(user, &upload.upload) else {
            let message = tr.t("import-upload-expired");
            return page(&ctx, StatusCode::UNPROCESSABLE_ENTITY, upload, None, Some(message));
        };
        (upload.name, upload.data) = (name, data);
        return match read_and_keep(&app, &ctx, &mut upload).await? {
            Ok(preview) => {
                upload.data.clear();
                page(&ctx, StatusCode::OK, upload, Some(preview), None)
            }
            Err(refused) => {
                upload.data.clear();
                refused_page(&ctx, upload, refused)
            }
        };
    }
    match save(&app, &ctx, upload.clone()).await? {
        Confirmed::Saved { year, round, .. } => {
            let query = round.map(|s| format!("?round={s}")).unwrap_or_default();
            Ok(see_other(&format!("/{}/{year}/report{query}", org.slug)))
        }
        Confirmed::Expired => {
            let message = tr.t("import-upload-expired");
            page(&ctx, StatusCode::UNPROCESSABLE_ENTITY, upload, None, Some(message))
        }
        Confirmed::Refused(refused) => refused_page(&ctx, upload, refused),
        Confirmed::Conflict(m) => page(&ctx, StatusCode::CONFLICT, upload, None, Some(tr.message(&m))),
    }
}

/// Reads the kept file again and saves it.
pub(crate) async fn save(app: &AppState, ctx: &Ctx, mut upload: Upload) -> AppResult<Confirmed> {
    let (tr, org) = (ctx.tr, ctx.org()?);
    let user = ctx.viewer.user.as_ref().map_or(0, |u| u.id);
    if upload.data.is_empty() {
        match app.uploads.get(user, &upload.upload) {
            Some((name, data, (columns, statuses))) => {
                (upload.name, upload.data) = (name, data);
                // What the preview read it with, unless the confirmation says otherwise.
                if upload.columns.is_empty() && upload.previewed.is_empty() {
                    (upload.columns, upload.statuses) = (columns, statuses);
                }
            }
            None => return Ok(Confirmed::Expired),
        }
    }
    let Read { imported, existing, .. } = match read(app, tr, org, &upload).await? {
        Ok(read) => read,
        Err(refused) => return Ok(Confirmed::Refused(refused)),
    };
    let ids = if imported.ids_are_the_programmes { IdSource::Document } else { IdSource::Place };
    let on_existing = match (&existing, upload.overwrite_newer.as_str()) {
        (None, _) => OnExisting::Refuse,
        (Some(_), "1") => OnExisting::Overwrite,
        // A file carries no versions: what was saved on the web since stays as saved.
        (Some(_), _) => OnExisting::Replace,
    };
    // Only Tiltak's JSON says who owns what; a spreadsheet, Word table or text keeps the owners.
    let owners =
        if FileKind::from_name(&upload.name) == FileKind::Json { Owners::FromFile } else { Owners::Keep };
    let saved = app.db.save_report_as(org, &imported.doc, ids, owners, on_existing, &ctx.actor()).await;
    match saved {
        Ok(saved) => {
            app.uploads.forget(&upload.upload);
            // A table of the organisation's own: its mapping is kept for the next file with the
            // same headings, its fields join the organisation's, its statuses become aliases
            // when the person asked.
            if let Some(l) = &imported.doc.layout {
                let profile = tiltak_db::ImportProfile {
                    columns: Mapping::columns_line(&l.columns()),
                    statuses: Mapping::statuses_line(&l.statuses()),
                };
                let aliases = if upload.save_aliases == "1" { l.statuses() } else { Vec::new() };
                app.db
                    .save_import_setup(org.id, &l.key(), Some(&profile), &l.fields, &aliases, &ctx.actor())
                    .await?;
            }
            let year = imported.doc.year;
            let round = match app.db.programme(org.id, year).await? {
                Some(p) => app
                    .db
                    .rounds(p.id)
                    .await?
                    .into_iter()
                    .find(|r| r.label == imported.doc.round.label)
                    .map(|r| r.slug),
                None => None,
            };
            // Tiltak's JSON carries the events, projects, partners and decisions linked to measures.
            let linked: Vec<_> =
                imported.doc.entities.iter().map(|l| (l.entity.clone(), l.measures.clone())).collect();
            app.db.import_entities(org.id, saved.programme_id, &linked, &ctx.actor()).await?;
            // What the imported texts mention, offered on the measures' pages.
            if let Some(slug) = &round {
                let report = app.db.load_report(org, year, Some(slug), tiltak_db::Audience::Members).await?;
                super::entities::offer(app, saved.programme_id, tiltak_formats::mentions::in_report(&report))
                    .await;
            }
            Ok(Confirmed::Saved { year, round, saved })
        }
        Err(tiltak_db::DbError::Conflict(m) | tiltak_db::DbError::Invalid(m)) => Ok(Confirmed::Conflict(m)),
        Err(e) => Err(AppError::internal(e)),
    }
}

/// Reads the upload; `Err` is a message for the user. With the read file comes the saved round of
/// the same label, when there is one (the round the import replaces).
/// A file as read, with the round it replaces and whether a saved profile told its columns.
struct Read {
    imported: Imported,
    existing: Option<(tiltak_db::RoundRow, StatusReport)>,
    profile: bool,
    /// The organisation's statuses it was read with.
    vocabulary: tiltak_core::Vocabulary,
}

async fn read(
    app: &AppState,
    tr: Tr,
    org: &OrganisationRow,
    upload: &Upload,
) -> AppResult<Result<Read, Refused>> {
    let Ok(bytes) = BASE64.decode(upload.data.trim()) else {
        return Ok(Err(tr.t("import-no-file").into()));
    };
    let year = match upload.year.trim() {
        "" => None,
        y => match y.parse() {
            Ok(y) => Some(y),
            Err(_) => return Ok(Err(tr.message(&Message::new("import-bad-year").arg("year", y)).into())),
        },
    };
    let date = match upload.date.trim() {
        "" => None,
        d => match parse_iso_date(d) {
            Ok(d) => Some(d),
            Err(_) => return Ok(Err(tr.message(&Message::new("round-date-invalid").arg("value", d)).into())),
        },
    };
    let programme_title = match year {
        Some(y) => app.db.programme(org.id, y).await?.map(|p| p.title).unwrap_or_default(),
        None => String::new(),
    };
    let meta = ImportMeta {
        organisation: org.slug.to_string(),
        title: programme_title,
        year,
        round: Some(upload.round.trim().to_owned()).filter(|r| !r.is_empty()),
        date,
    };
    let vocabulary = app.db.vocabulary(org.id).await?;
    let kind = FileKind::from_name(&upload.name);
    let bad = |m: Message| Ok(Err(Refused::from(tr.message(&m))));
    let columns = match upload.columns.trim() {
        "" => None,
        c => match Mapping::parse_columns(c) {
            Ok(c) => Some(c),
            Err(m) => return bad(m),
        },
    };
    let statuses = match Mapping::parse_statuses(&upload.statuses, &vocabulary) {
        Ok(s) => s,
        Err(m) => return bad(m),
    };
    let given = columns.is_some();
    let mut options = TableOptions { columns, statuses, suggest_statuses: !given, best_guess: true };
    let bytes = std::sync::Arc::new(bytes);
    // Reading a file is heavy work: on the blocking pool, away from the threads that answer requests.
    let run = |options: TableOptions| {
        let (bytes, vocabulary, meta) = (bytes.clone(), vocabulary.clone(), meta.clone());
        tokio::task::spawn_blocking(move || import::read(kind, &bytes, &vocabulary, &meta, &options))
    };
    let mut read = run(options.clone()).await?;
    let mut profile = false;
    // No columns chosen: the profile saved for the same headings, when there is one.
    if !given
        && let Some(key) = read.as_ref().ok().and_then(|i| i.doc.layout.as_ref()).map(|l| l.key())
        && let Some(saved) = app.db.import_profile(org.id, &key).await?
        && let Ok(columns) = Mapping::parse_columns(&saved.columns)
    {
        options.columns = Some(columns);
        options.statuses = Mapping::parse_statuses(&saved.statuses, &vocabulary).unwrap_or_default();
        options.suggest_statuses = false;
        read = run(options).await?;
        profile = true;
    }
    let mut imported = match read {
        Ok(i) => i,
        Err(e) => {
            let problems =
                e.0.0
                    .iter()
                    .map(|p| format!("{}: {}", tr.message(&p.place), tr.message(&p.message)))
                    .collect();
            return Ok(Err(Refused {
                message: tr.tn(
                    "import-refused",
                    &[("file", upload.name.clone()), ("count", e.0.0.len().to_string())],
                ),
                problems,
            }));
        }
    };
    let mut existing = None;
    if let Some(p) = app.db.programme(org.id, imported.doc.year).await? {
        if imported.doc.title.chars().all(|c| c.is_ascii_digit()) {
            imported.doc.report.title = p.title.clone();
        }
        let rounds = app.db.rounds(p.id).await?;
        if let Some(round) = rounds.into_iter().find(|r| r.label == imported.doc.round.label) {
            let report = app.db.round_report(org, p.year, &round).await?;
            if !imported.ids_are_the_programmes {
                align_ids(&report, &mut imported.doc.report);
            }
            existing = Some((round, report));
        }
    }
    Ok(Ok(Read { imported, existing, profile, vocabulary }))
}

fn layout_view(
    tr: Tr,
    l: &tiltak_formats::mapping::Layout,
    vocabulary: &tiltak_core::Vocabulary,
    profile: bool,
) -> LayoutView {
    let mut keys = vec![(String::new(), tr.t("no-status"))];
    keys.extend(vocabulary.kinds.iter().map(|k| (k.key.clone(), k.label.clone())));
    LayoutView {
        columns: l.columns.iter().map(|c| (c.heading.clone(), c.target.key(), c.example.clone())).collect(),
        targets: Target::ALL.iter().map(|t| (t.key(), tr.t(&format!("target-{}", t.key())))).collect(),
        statuses: l
            .statuses
            .iter()
            .map(|s| (s.label.clone(), s.count, s.key.clone().unwrap_or_default()))
            .collect(),
        keys,
        fields: l
            .fields
            .iter()
            .map(|f| (f.name.clone(), tr.t(&format!("field-kind-{}", f.kind.key()))))
            .collect(),
        profile,
        suggested: l.suggested && !profile,
        columns_line: Mapping::columns_line(&l.columns()),
        statuses_line: Mapping::statuses_line(&l.statuses()),
    }
}

fn preview_of(tr: Tr, imported: &Imported, existing: Option<&StatusReport>, saved: &[MeasureId]) -> Preview {
    let doc = &imported.doc;
    fn nodes(m: &Measure, depth: usize, out: &mut Vec<Node>) {
        out.push(Node { depth, title: m.title.clone(), status: m.entry.status.label().to_owned() });
        for c in &m.children {
            nodes(c, depth + 1, out);
        }
    }
    let sections = doc
        .sections
        .iter()
        .map(|s| {
            let mut groups = Vec::new();
            let mut top = Vec::new();
            for m in &s.measures {
                nodes(m, 0, &mut top);
            }
            if !top.is_empty() {
                groups.push((None, top));
            }
            for a in &s.areas {
                let mut list = Vec::new();
                for m in &a.measures {
                    nodes(m, 0, &mut list);
                }
                groups.push((Some(a.title.clone()), list));
            }
            (s.title.clone(), groups)
        })
        .collect();
    let mut newer = Vec::new();
    let replaces = existing.map(|before| {
        let versions: std::collections::HashMap<MeasureId, Option<i64>> = before
            .programme()
            .measures()
            .into_iter()
            .filter_map(|(_, m)| Some((m.id?, m.entry.version)))
            .collect();
        compare(before, doc)
            .into_iter()
            .filter_map(|c| {
                let (kind, fields) = match (&c.kind, &c.before, &c.after) {
                    (ChangeKind::Added, ..) => ("added", Vec::new()),
                    (ChangeKind::Removed, ..) => ("removed", Vec::new()),
                    (ChangeKind::Changed { .. }, Some(old), Some(new)) => {
                        let fields = field_changes(tr, old, new);
                        if fields.is_empty() {
                            return None; // only the label's spelling differs: nothing is saved
                        }
                        ("changed", fields)
                    }
                    (ChangeKind::Changed { .. }, ..) => ("changed", Vec::new()),
                };
                let is_newer = kind == "changed"
                    && match c.after.as_ref().and_then(|e| e.version) {
                        Some(v) => versions.get(&c.id).copied().flatten().is_some_and(|now| now > v),
                        None => saved.contains(&c.id),
                    };
                let title = format!("{} {}", c.id, c.title);
                if is_newer {
                    newer.push(title.clone());
                }
                Some(Replaced { title, kind, fields, newer: is_newer })
            })
            .collect()
    });
    Preview {
        title: doc.title.clone(),
        year: doc.year,
        round: doc.round.label.clone(),
        measures: doc.measure_count(),
        sections,
        warnings: doc.warnings.iter().map(|w| (w.line, w.message.clone())).collect(),
        replaces,
        newer,
        layout: None,
    }
}

/// A measure the import changes in the round it replaces.
pub struct Replaced {
    pub title: String,
    /// "added" | "removed" | "changed"
    pub kind: &'static str,
    /// (field, before, after), each as people read it.
    pub fields: Vec<(String, String, String)>,
    /// Someone saved it since the file was made: kept unless the person chooses to overwrite.
    pub newer: bool,
}

/// The fields that differ between two entries, old → new, as people read them (the status by
/// its key, so a label spelled differently is no change, as in the store).
fn field_changes(tr: Tr, old: &StatusEntry, new: &StatusEntry) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let status = |e: &StatusEntry| match &e.status {
        Status::None => tr.t("no-status"),
        s => s.label().to_owned(),
    };
    if old.status.key() != new.status.key() {
        out.push((tr.t("col-status"), status(old), status(new)));
    }
    if old.description != new.description {
        out.push((tr.t("col-description"), old.description.clone(), new.description.clone()));
    }
    let decision = |e: &StatusEntry| super::report::decision_label(tr, &e.continuation.decision);
    if decision(old) != decision(new) {
        out.push((tr.t("decision"), decision(old), decision(new)));
    }
    if old.continuation.comment != new.continuation.comment {
        out.push((tr.t("comment"), old.continuation.comment.clone(), new.continuation.comment.clone()));
    }
    let mut names: Vec<&String> = old.fields.keys().chain(new.fields.keys()).collect();
    names.sort();
    names.dedup();
    for name in names {
        let (a, b) = (
            old.fields.get(name).cloned().unwrap_or_default(),
            new.fields.get(name).cloned().unwrap_or_default(),
        );
        if a != b {
            out.push((name.clone(), a, b));
        }
    }
    out
}

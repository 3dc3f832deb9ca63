//! The status report as CSV: one row per measure, with its place in the tree. The columns are
//! those the spreadsheet import reads (`id, section, area, parent_id, position, title, status,
//! description, decision, comment`), followed by the label, condition, merge target and path.

use tiltak_core::Measure;

use tiltak_core::StatusReport;

pub const COLUMNS: &[&str] = &[
    "id",
    "section",
    "area",
    "parent_id",
    "position",
    "title",
    "status",
    "description",
    "decision",
    "comment",
    "status_label",
    "condition",
    "merge_into_id",
    "path",
];

/// The columns the spreadsheet import needs; it reads the others when they are there.
pub const REQUIRED_COLUMNS: &[&str] = COLUMNS.split_at(10).0;

pub fn write(doc: &StatusReport) -> String {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    w.write_record(COLUMNS).expect("writing to memory");
    for section in &doc.sections {
        for (i, m) in section.measures.iter().enumerate() {
            rows(&mut w, m, &section.title, "", None, i + 1, &[&section.title]);
        }
        for area in &section.areas {
            for (i, m) in area.measures.iter().enumerate() {
                rows(&mut w, m, &section.title, &area.title, None, i + 1, &[&section.title, &area.title]);
            }
        }
    }
    String::from_utf8(w.into_inner().expect("writing to memory")).expect("CSV of UTF-8 strings is UTF-8")
}

fn rows(
    w: &mut csv::Writer<Vec<u8>>,
    m: &Measure,
    section: &str,
    area: &str,
    parent: Option<u32>,
    position: usize,
    path: &[&str],
) {
    use tiltak_core::Decision;
    let id = m.id.map(|i| i.to_string()).unwrap_or_default();
    let (condition, merge_into) = match &m.entry.continuation.decision {
        Decision::Conditional { condition } => (condition.clone(), String::new()),
        Decision::Merge { into } => (String::new(), into.id.map(|i| i.to_string()).unwrap_or_default()),
        _ => (String::new(), String::new()),
    };
    let mut full_path: Vec<&str> = path.to_vec();
    full_path.push(&m.title);
    w.write_record([
        id.as_str(),
        section,
        area,
        &parent.map(|p| p.to_string()).unwrap_or_default(),
        &position.to_string(),
        &m.title,
        m.entry.status.key(),
        &m.entry.description,
        m.entry.continuation.decision.kind().key(),
        &m.entry.continuation.comment,
        m.entry.status.label(),
        &condition,
        &merge_into,
        &full_path.join(" > "),
    ])
    .expect("writing to memory");
    for (i, c) in m.children.iter().enumerate() {
        rows(w, c, section, area, m.id, i + 1, &full_path);
    }
}

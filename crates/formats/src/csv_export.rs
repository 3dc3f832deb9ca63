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

/// The CSV a spreadsheet opens safely: a text cell that starts with `=`, `+`, `-`, `@`, a tab or
/// a carriage return would be read as a formula by Excel or LibreOffice, so it is written with a
/// leading apostrophe (OWASP's advice on CSV injection); the import takes the apostrophe off again.
pub fn write(doc: &StatusReport) -> String {
    write_rows(COLUMNS, records(doc).iter().map(|r| r.iter().map(String::as_str).collect()))
}

/// A CSV of these rows, every cell made spreadsheet-safe (see [`write`]).
pub fn write_rows<'a>(header: &[&str], rows: impl IntoIterator<Item = Vec<&'a str>>) -> String {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    w.write_record(header).expect("writing to memory");
    for row in rows {
        w.write_record(row.iter().map(|c| spreadsheet_safe(c).into_owned())).expect("writing to memory");
    }
    String::from_utf8(w.into_inner().expect("writing to memory")).expect("CSV of UTF-8 strings is UTF-8")
}

/// `=HYPERLINK(…)` → `'=HYPERLINK(…)`; everything else as it is.
pub fn spreadsheet_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    if needs_apostrophe(cell) { format!("'{cell}").into() } else { cell.into() }
}

/// A cell a spreadsheet would evaluate, or one that already starts with the apostrophe in front of
/// such a cell (so that reading back is exact).
fn needs_apostrophe(cell: &str) -> bool {
    cell.starts_with(['=', '+', '-', '@', '\t', '\r'])
        || cell.strip_prefix('\'').is_some_and(needs_apostrophe)
}

/// What [`spreadsheet_safe`] wrote, read back.
pub fn from_spreadsheet_safe(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if needs_apostrophe(rest) => rest,
        _ => cell,
    }
}

/// The rows of the report, one per measure, as plain text (the XLSX writes them as string cells,
/// which no spreadsheet evaluates).
pub fn records(doc: &StatusReport) -> Vec<Vec<String>> {
    let mut w = Vec::new();
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
    w
}

fn rows(
    w: &mut Vec<Vec<String>>,
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
    w.push(vec![
        id,
        section.to_owned(),
        area.to_owned(),
        parent.map(|p| p.to_string()).unwrap_or_default(),
        position.to_string(),
        m.title.clone(),
        m.entry.status.key().to_owned(),
        m.entry.description.clone(),
        m.entry.continuation.decision.kind().key().to_owned(),
        m.entry.continuation.comment.clone(),
        m.entry.status.label().to_owned(),
        condition,
        merge_into,
        full_path.join(" > "),
    ]);
    for (i, c) in m.children.iter().enumerate() {
        rows(w, c, section, area, m.id, i + 1, &full_path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_written_as_text_and_read_back_as_written() {
        for cell in
            ["=HYPERLINK(\"http://x\",\"y\")", "+cmd|' /C calc'!A0", "-1+1", "@SUM(A1)", "\tx", "'=x", "''@y"]
        {
            let safe = spreadsheet_safe(cell);
            assert!(safe.starts_with('\''), "{cell:?} → {safe:?}");
            assert_eq!(from_spreadsheet_safe(&safe), cell);
        }
        for cell in ["Pågående", "'quoted", "3 - 2", "a=b", ""] {
            assert_eq!(spreadsheet_safe(cell), cell);
            assert_eq!(from_spreadsheet_safe(cell), cell);
        }
    }
}

//! The status report as CSV: one row per measure, with its place in the tree, in the columns of
//! [`Column::ALL`] with headings in the export's language. Status and decision are written as
//! people read them (the vocabulary's label, "Ja", "Hvis" …), and each row carries the version of
//! its entry, so that an import of the file knows what it would overwrite.

use tiltak_core::Measure;
use tiltak_core::StatusReport;
use tiltak_core::status::Vocabulary;

use crate::Labels;
use crate::labels::Column;

/// The headings of the columns in this language.
pub fn headings(labels: &Labels) -> Vec<&'static str> {
    Column::ALL.iter().map(|c| labels.column(*c)).collect()
}

/// The CSV a spreadsheet opens safely: a text cell that starts with `=`, `+`, `-`, `@`, a tab or
/// a carriage return would be read as a formula by Excel or LibreOffice, so it is written with a
/// leading apostrophe (OWASP's advice on CSV injection); the import takes the apostrophe off again.
pub fn write(doc: &StatusReport, vocabulary: &Vocabulary, labels: &Labels) -> String {
    let fields = field_names(doc);
    let mut header = headings(labels);
    header.extend(fields.iter().map(String::as_str));
    write_rows(
        &header,
        records(doc, vocabulary, labels).iter().map(|r| r.iter().map(String::as_str).collect()),
    )
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

/// The organisation's own fields the report's measures have, in the order they first appear: a
/// column each after Tiltak's own.
pub fn field_names(doc: &StatusReport) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for (_, m) in doc.programme().measures() {
        for name in m.entry.fields.keys() {
            if !names.contains(name) {
                names.push(name.clone());
            }
        }
    }
    names
}

/// The rows of the report, one per measure, as plain text (the XLSX writes them as string cells,
/// which no spreadsheet evaluates).
pub fn records(doc: &StatusReport, vocabulary: &Vocabulary, labels: &Labels) -> Vec<Vec<String>> {
    let fields = field_names(doc);
    let mut w = Rows { out: Vec::new(), vocabulary, labels, fields: &fields };
    for section in &doc.sections {
        for (i, m) in section.measures.iter().enumerate() {
            w.rows(m, (&section.title, ""), None, i + 1, &[&section.title]);
        }
        for area in &section.areas {
            for (i, m) in area.measures.iter().enumerate() {
                w.rows(m, (&section.title, &area.title), None, i + 1, &[&section.title, &area.title]);
            }
        }
    }
    w.out
}

/// The status as the status column holds it: the vocabulary's label (the label as written if
/// the key is not in the vocabulary), or "Ingen status".
pub fn status_cell(status: &tiltak_core::Status, vocabulary: &Vocabulary, labels: &Labels) -> String {
    match status {
        tiltak_core::Status::None => labels.no_status.to_owned(),
        tiltak_core::Status::Reported { key, label } => {
            vocabulary.get(key).map(|k| k.label.clone()).unwrap_or_else(|| label.clone())
        }
    }
}

struct Rows<'a> {
    out: Vec<Vec<String>>,
    vocabulary: &'a Vocabulary,
    labels: &'a Labels,
    fields: &'a [String],
}

impl Rows<'_> {
    fn rows(
        &mut self,
        m: &Measure,
        (section, area): (&str, &str),
        parent: Option<u32>,
        position: usize,
        path: &[&str],
    ) {
        use tiltak_core::Decision;
        let id = m.id.map(|i| i.to_string()).unwrap_or_default();
        let decision = &m.entry.continuation.decision;
        let (condition, merge_into) = match decision {
            Decision::Conditional { condition } => (condition.clone(), String::new()),
            Decision::Merge { into } => (String::new(), into.id.map(|i| i.to_string()).unwrap_or_default()),
            _ => (String::new(), String::new()),
        };
        let mut full_path: Vec<&str> = path.to_vec();
        full_path.push(&m.title);
        // In the order of Column::ALL, then the fields.
        let mut row = vec![
            id,
            section.to_owned(),
            area.to_owned(),
            parent.map(|p| p.to_string()).unwrap_or_default(),
            position.to_string(),
            m.title.clone(),
            status_cell(&m.entry.status, self.vocabulary, self.labels),
            m.entry.description.clone(),
            self.labels.decision_kind(decision.kind()).to_owned(),
            condition,
            merge_into,
            m.entry.continuation.comment.clone(),
            m.entry.version.map(|v| v.to_string()).unwrap_or_default(),
            full_path.join(" > "),
        ];
        row.extend(self.fields.iter().map(|f| m.entry.fields.get(f).cloned().unwrap_or_default()));
        self.out.push(row);
        for (i, c) in m.children.iter().enumerate() {
            self.rows(c, (section, area), m.id, i + 1, &full_path);
        }
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

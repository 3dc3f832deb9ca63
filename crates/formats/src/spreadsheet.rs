//! The status report as a spreadsheet and back: XLSX (a "Status" sheet with one row per measure, a
//! summary sheet, and an "About" sheet with the programme and round) and CSV (the same rows).
//! Rows are tied together by ids, not titles: six measures of the sample share one title.
//! Reading is all or nothing; an error names the sheet, row and column, and what was expected.

use std::collections::HashMap;
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use rust_xlsxwriter::{DataValidation, ExcelDateTime, Format, FormatAlign, Workbook, XlsxError};
use tiltak_core::overview::overview;
use tiltak_core::round::{Continuation, Decision, DecisionKind, MergeTarget, StatusEntry, parse_iso_date};
use tiltak_core::status::Vocabulary;
use tiltak_core::{Area, Measure, MeasureId, RoundInfo, Section, Status, StatusReport};

use crate::document::ReportDocument;
use crate::table::{CellText, EXPECTED_HEADINGS, SourceTable, is_five_column, read_tables};
use crate::{Labels, csv_export};

pub const STATUS_SHEET: &str = "Status";
pub const ABOUT_SHEET: &str = "About";

/// Where a spreadsheet went wrong: "sheet Status, row 7, column status: …".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{place}: {message}")]
pub struct SheetError {
    pub place: String,
    pub message: String,
}

fn err(place: impl Into<String>, message: impl Into<String>) -> SheetError {
    SheetError { place: place.into(), message: message.into() }
}

/// Writes the report as XLSX. The same report gives the same bytes (fixed document dates).
pub fn write_xlsx(
    report: &StatusReport,
    vocabulary: &Vocabulary,
    labels: &Labels,
) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let fixed = ExcelDateTime::from_ymd(2000, 1, 1)?;
    workbook.set_properties(
        &rust_xlsxwriter::DocProperties::new()
            .set_title(labels.report_title(&report.title, &report.round.label))
            .set_creation_datetime(&fixed),
    );
    let header = Format::new().set_bold().set_background_color("D9E2F3").set_text_wrap();
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);

    let records = csv_export::records(report);
    let sheet = workbook.add_worksheet().set_name(STATUS_SHEET)?;
    for (c, name) in csv_export::COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *name, &header)?;
    }
    let widths = [6.0, 22.0, 26.0, 9.0, 8.0, 50.0, 16.0, 60.0, 12.0, 40.0, 20.0, 20.0, 10.0, 40.0];
    for (c, w) in widths.iter().enumerate() {
        sheet.set_column_width(c as u16, *w)?;
    }
    let mut last_row = 0;
    for (r, record) in records.iter().enumerate() {
        let row = r as u32 + 1;
        last_row = row;
        for (c, value) in record.iter().enumerate() {
            let numeric = matches!(c, 0 | 3 | 4 | 12);
            match (numeric, value.parse::<f64>()) {
                (true, Ok(n)) => sheet.write_number(row, c as u16, n)?,
                _ => sheet.write_string_with_format(row, c as u16, value, &wrap)?,
            };
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, last_row.max(1), csv_export::COLUMNS.len() as u16 - 1)?;
    let mut keys: Vec<String> = vocabulary.kinds.iter().map(|k| k.key.clone()).collect();
    keys.push("none".into());
    let validation = DataValidation::new().allow_list_strings(&keys)?;
    sheet.add_data_validation(1, 6, last_row.max(1), 6, &validation)?;
    let decisions: Vec<&str> = DecisionKind::ALL.iter().map(|d| d.key()).collect();
    sheet.add_data_validation(
        1,
        8,
        last_row.max(1),
        8,
        &DataValidation::new().allow_list_strings(&decisions)?,
    )?;

    let summary = workbook.add_worksheet().set_name("Summary")?;
    let o = overview(report, vocabulary);
    let cols = ["section", "area", "not_started", "in_progress", "done", "dropped", "none", "total"];
    for (c, name) in cols.iter().enumerate() {
        summary.write_string_with_format(0, c as u16, *name, &header)?;
    }
    for (r, g) in o.groups.iter().enumerate() {
        let row = r as u32 + 1;
        summary.write_string(row, 0, &g.section)?;
        summary.write_string(row, 1, g.area.as_deref().unwrap_or(""))?;
        for (c, (_, n)) in g.counts.parts().iter().enumerate() {
            summary.write_number(row, c as u16 + 2, *n as f64)?;
        }
        summary.write_number(row, 7, g.counts.total() as f64)?;
    }
    summary.set_column_width(0, 24)?;
    summary.set_column_width(1, 40)?;

    let about = workbook.add_worksheet().set_name(ABOUT_SHEET)?;
    let date = report.round.date.map(tiltak_core::round::iso_date).unwrap_or_default();
    for (r, (k, v)) in [
        ("organisation", report.organisation.as_str()),
        ("title", report.title.as_str()),
        ("year", &report.year.to_string()),
        ("round", report.round.label.as_str()),
        ("date", date.as_str()),
    ]
    .iter()
    .enumerate()
    {
        about.write_string(r as u32, 0, *k)?;
        about.write_string(r as u32, 1, *v)?;
    }
    about.set_column_width(1, 50)?;
    workbook.save_to_buffer()
}

/// What the rows themselves do not say: the programme and round they report.
#[derive(Debug, Clone, Default)]
pub struct SheetMeta {
    pub organisation: String,
    pub title: String,
    pub year: Option<i32>,
    pub round: Option<String>,
    pub date: Option<time::Date>,
}

fn cell(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        other => other.to_string(),
    }
}

/// Reads an XLSX written by Tiltak or laid out the same way (the "About" sheet is optional when
/// `meta` says year and round).
pub fn read_xlsx(
    bytes: &[u8],
    vocabulary: &Vocabulary,
    meta: &SheetMeta,
) -> Result<ReportDocument, SheetError> {
    crate::unzip::check(bytes).map_err(|e| match e {
        crate::unzip::UnzipError::NotZip(why) => err("the file", format!("not an XLSX workbook ({why})")),
        too_large => err("the file", too_large.to_string()),
    })?;
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec()))
        .map_err(|e| err("the file", format!("not an XLSX workbook ({e})")))?;
    let mut meta = meta.clone();
    if let Ok(range) = book.worksheet_range(ABOUT_SHEET) {
        for row in range.rows() {
            let (k, v) =
                (row.first().map(cell).unwrap_or_default(), row.get(1).map(cell).unwrap_or_default());
            match k.as_str() {
                "organisation" if meta.organisation.is_empty() => meta.organisation = v,
                "title" if meta.title.is_empty() => meta.title = v,
                "year" if meta.year.is_none() => meta.year = v.parse().ok(),
                "round" if meta.round.is_none() => meta.round = Some(v),
                "date" if meta.date.is_none() && !v.is_empty() => {
                    meta.date = Some(
                        parse_iso_date(&v)
                            .map_err(|e| err(format!("sheet {ABOUT_SHEET}, date"), e.to_string()))?,
                    )
                }
                _ => {}
            }
        }
    }
    let sheet = if book.sheet_names().iter().any(|s| s == STATUS_SHEET) {
        STATUS_SHEET.to_owned()
    } else {
        book.sheet_names().first().cloned().ok_or_else(|| err("the file", "the workbook has no sheets"))?
    };
    let range = book.worksheet_range(&sheet).map_err(|e| err(format!("sheet {sheet}"), e.to_string()))?;
    let rows: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(cell).collect()).collect();
    read_rows(&rows, &format!("sheet {sheet}"), vocabulary, &meta)
}

/// Reads the same rows from CSV; year and round come from `meta`.
pub fn read_csv(
    bytes: &[u8],
    vocabulary: &Vocabulary,
    meta: &SheetMeta,
) -> Result<ReportDocument, SheetError> {
    let rows = csv_rows(bytes)?;
    read_rows(&rows, "the CSV", vocabulary, meta)
}

fn csv_rows(bytes: &[u8]) -> Result<Vec<Vec<String>>, SheetError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count() + 1;
        err(format!("line {line}"), "not UTF-8 text; save the CSV as UTF-8")
    })?;
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| err(format!("line {}", i + 1), e.to_string()))?;
        rows.push(record.iter().map(|c| csv_export::from_spreadsheet_safe(c).to_owned()).collect());
    }
    Ok(rows)
}

/// Whether a header row has the columns of Tiltak's own export (ids tie its rows together).
fn has_id_columns(rows: &[Vec<String>]) -> bool {
    rows.first().is_some_and(|h| {
        let names: Vec<String> = h.iter().map(|c| c.trim().to_lowercase()).collect();
        REQUIRED.iter().all(|r| names.iter().any(|n| n == r))
    })
}

fn as_cells(rows: &[Vec<String>]) -> Vec<Vec<CellText>> {
    rows.iter().map(|r| r.iter().map(|c| CellText::from(c.as_str())).collect()).collect()
}

/// Reads an XLSX in either layout: Tiltak's own (one row per measure with ids; `true`), or the
/// five-column table people keep (`false`), one section per sheet named after the sheet.
pub fn read_xlsx_any(
    bytes: &[u8],
    vocabulary: &Vocabulary,
    meta: &SheetMeta,
) -> Result<(ReportDocument, bool), SheetError> {
    crate::unzip::check(bytes).map_err(|e| match e {
        crate::unzip::UnzipError::NotZip(why) => err("the file", format!("not an XLSX workbook ({why})")),
        too_large => err("the file", too_large.to_string()),
    })?;
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec()))
        .map_err(|e| err("the file", format!("not an XLSX workbook ({e})")))?;
    let mut tables = Vec::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).map_err(|e| err(format!("sheet {name}"), e.to_string()))?;
        let rows: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(cell).collect()).collect();
        if has_id_columns(&rows) {
            return Ok((read_xlsx(bytes, vocabulary, meta)?, true));
        }
        let cells = as_cells(&rows);
        if is_five_column(&cells) {
            tables.push(SourceTable { name: format!("sheet {name}"), section: name.clone(), rows: cells });
        }
    }
    if tables.is_empty() {
        return Err(err(
            "the file",
            format!(
                "no sheet has Tiltak's columns ({}) or the five columns {EXPECTED_HEADINGS}",
                REQUIRED.join(", ")
            ),
        ));
    }
    Ok((read_tables(&tables, vocabulary, meta)?, false))
}

/// Reads a CSV in either layout (see [`read_xlsx_any`]); a five-column CSV is one section, named
/// after the programme.
pub fn read_csv_any(
    bytes: &[u8],
    vocabulary: &Vocabulary,
    meta: &SheetMeta,
) -> Result<(ReportDocument, bool), SheetError> {
    let rows = csv_rows(bytes)?;
    if has_id_columns(&rows) || !is_five_column(&as_cells(&rows)) {
        return Ok((read_rows(&rows, "the CSV", vocabulary, meta)?, true));
    }
    let section = if meta.title.is_empty() { "Tiltak".to_owned() } else { meta.title.clone() };
    let table = SourceTable { name: "the CSV".into(), section, rows: as_cells(&rows) };
    Ok((read_tables(&[table], vocabulary, meta)?, false))
}

/// The columns a sheet must have: those of the CSV export that the import needs.
const REQUIRED: &[&str] = csv_export::REQUIRED_COLUMNS;

struct RowData {
    row: usize,
    id: Option<MeasureId>,
    section: String,
    area: String,
    parent: Option<MeasureId>,
    position: u32,
    measure: Measure,
}

/// Builds the report from a header row and one row per measure.
pub fn read_rows(
    rows: &[Vec<String>],
    source: &str,
    vocabulary: &Vocabulary,
    meta: &SheetMeta,
) -> Result<ReportDocument, SheetError> {
    let header = rows
        .first()
        .ok_or_else(|| err(source, "it is empty; expected a header row and one row per measure"))?;
    let col: HashMap<String, usize> =
        header.iter().enumerate().map(|(i, h)| (h.trim().to_lowercase(), i)).collect();
    for name in REQUIRED {
        if !col.contains_key(*name) {
            return Err(err(
                format!("{source}, row 1"),
                format!("no column {name:?}; expected the columns {}", REQUIRED.join(", ")),
            ));
        }
    }
    let year = meta
        .year
        .ok_or_else(|| err(source, "the programme's year is not given (an About sheet, or --year)"))?;
    let round = meta
        .round
        .clone()
        .ok_or_else(|| err(source, "the round is not given (an About sheet, or --round)"))?;
    let mut data = Vec::new();
    for (i, r) in rows.iter().enumerate().skip(1) {
        let row = i + 1;
        let get = |name: &str| {
            col.get(name).and_then(|c| r.get(*c)).map(|s| s.trim().to_owned()).unwrap_or_default()
        };
        if r.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let at = |name: &str| format!("{source}, row {row}, column {name}");
        let number = |name: &str| -> Result<Option<u32>, SheetError> {
            let v = get(name);
            if v.is_empty() {
                Ok(None)
            } else {
                v.parse().map(Some).map_err(|_| err(at(name), format!("{v:?} is not a whole number")))
            }
        };
        let title = get("title");
        if title.is_empty() {
            return Err(err(at("title"), "a measure needs a title"));
        }
        let section = get("section");
        if section.is_empty() {
            return Err(err(at("section"), "every measure belongs to a section"));
        }
        let status_key = get("status");
        let status = if status_key.is_empty() || status_key == "none" {
            Status::None
        } else {
            let kind = vocabulary
                .get(&status_key)
                .or_else(|| vocabulary.match_label(&status_key))
                .ok_or_else(|| {
                    let keys: Vec<&str> = vocabulary.kinds.iter().map(|k| k.key.as_str()).collect();
                    err(
                        at("status"),
                        format!(
                            "{status_key:?} is not a status; expected none or one of {}",
                            keys.join(", ")
                        ),
                    )
                })?;
            let label =
                Some(get("status_label")).filter(|l| !l.is_empty()).unwrap_or_else(|| kind.label.clone());
            Status::Reported { key: kind.key.clone(), label }
        };
        let decision_text = get("decision");
        let kind = if decision_text.is_empty() {
            DecisionKind::Undecided
        } else {
            DecisionKind::parse(&decision_text).map_err(|e| err(at("decision"), e.to_string()))?
        };
        let decision = match kind {
            DecisionKind::Yes => Decision::Yes,
            DecisionKind::No => Decision::No,
            DecisionKind::Undecided => Decision::Undecided,
            DecisionKind::Conditional => {
                let condition = get("condition");
                if condition.is_empty() {
                    return Err(err(at("condition"), "a conditional decision needs its condition"));
                }
                Decision::Conditional { condition }
            }
            DecisionKind::Merge => {
                let target = number("merge_into_id")?.ok_or_else(|| {
                    err(at("merge_into_id"), "a merge needs the id of the measure to merge into")
                })?;
                Decision::Merge { into: MergeTarget { id: Some(target), title: String::new() } }
            }
        };
        data.push(RowData {
            row,
            id: number("id")?,
            section,
            area: get("area"),
            parent: number("parent_id")?,
            position: number("position")?.unwrap_or(u32::MAX),
            measure: Measure {
                id: number("id")?,
                title,
                entry: StatusEntry {
                    status,
                    description: get("description"),
                    continuation: Continuation { decision, comment: get("comment") },
                },
                ..Default::default()
            },
        });
    }
    if data.is_empty() {
        return Err(err(source, "no measures: expected one row per measure under the header"));
    }
    // Ids must be unique, and parents must be rows of the sheet in the same section and area.
    let mut seen: HashMap<MeasureId, usize> = HashMap::new();
    for d in &data {
        if let Some(id) = d.id
            && let Some(first) = seen.insert(id, d.row)
        {
            return Err(err(
                format!("{source}, row {}, column id", d.row),
                format!("id {id} is also on row {first}"),
            ));
        }
    }
    for d in &data {
        if let Some(p) = d.parent {
            let Some(parent_row) = seen.get(&p) else {
                return Err(err(
                    format!("{source}, row {}, column parent_id", d.row),
                    format!("no row has id {p}"),
                ));
            };
            let parent = data.iter().find(|x| x.row == *parent_row).expect("indexed");
            if parent.section != d.section || parent.area != d.area {
                return Err(err(
                    format!("{source}, row {}, column parent_id", d.row),
                    format!("measure {p} is in another section or area"),
                ));
            }
            if p == d.id.unwrap_or(0) {
                return Err(err(
                    format!("{source}, row {}, column parent_id", d.row),
                    "a measure cannot be its own parent",
                ));
            }
        }
    }
    // Build the tree: sections and areas in order of first appearance, siblings by position.
    fn children_of(
        data: &[RowData],
        parent: Option<MeasureId>,
        section: &str,
        area: &str,
        depth: usize,
    ) -> Vec<Measure> {
        if depth > 20 {
            return Vec::new();
        }
        let mut kids: Vec<&RowData> =
            data.iter().filter(|d| d.parent == parent && d.section == section && d.area == area).collect();
        kids.sort_by_key(|d| (d.position, d.row));
        kids.into_iter()
            .map(|d| {
                let mut m = d.measure.clone();
                m.children = match d.id {
                    Some(id) => children_of(data, Some(id), section, area, depth + 1),
                    None => Vec::new(),
                };
                m
            })
            .collect()
    }
    let mut sections: Vec<Section> = Vec::new();
    for d in &data {
        if !sections.iter().any(|s| s.title == d.section) {
            sections.push(Section { title: d.section.clone(), ..Default::default() });
        }
        let s = sections.iter_mut().find(|s| s.title == d.section).expect("just added");
        if !d.area.is_empty() && !s.areas.iter().any(|a| a.title == d.area) {
            s.areas.push(Area { title: d.area.clone(), owner: None, measures: Vec::new() });
        }
    }
    for s in &mut sections {
        s.measures = children_of(&data, None, &s.title, "", 0);
        let title = s.title.clone();
        for a in &mut s.areas {
            a.measures = children_of(&data, None, &title, &a.title, 0);
        }
    }
    let placed: usize = sections
        .iter()
        .map(|s| {
            tiltak_core::Programme { year, title: String::new(), sections: vec![s.clone()] }.measure_count()
        })
        .sum();
    if placed != data.len() {
        return Err(err(
            source,
            "some rows are sub-measures in a loop (parent_id chains that never reach a top-level measure)",
        ));
    }
    let mut report = StatusReport {
        organisation: meta.organisation.clone(),
        title: if meta.title.is_empty() { format!("{year}") } else { meta.title.clone() },
        year,
        round: RoundInfo { label: round, date: meta.date },
        sections,
    };
    let mut programme = report.programme();
    programme.assign_ids();
    programme.resolve_merge_targets();
    programme.validate().map_err(|e| err(source, e.to_string()))?;
    report.sections = programme.sections;
    Ok(report.into())
}

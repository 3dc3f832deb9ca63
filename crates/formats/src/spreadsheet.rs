//! The status report as a spreadsheet and back: XLSX (a "Status" sheet with one row per measure, a
//! summary sheet, and an about sheet with the programme and round) and CSV (the same rows).
//! Headings are in the export's language and read in any; status and decision are written as
//! people read them, with dropdowns. Rows are tied together by ids, not titles: six measures of
//! the sample share one title. Reading is all or nothing; every problem found is reported at once,
//! naming the sheet, row and column, and what was expected.

use std::collections::HashMap;
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use rust_xlsxwriter::{DataValidation, ExcelDateTime, Format, FormatAlign, Workbook, XlsxError};
use tiltak_core::Language;
use tiltak_core::overview::overview;
use tiltak_core::round::{Continuation, Decision, DecisionKind, MergeTarget, StatusEntry, parse_iso_date};
use tiltak_core::status::Vocabulary;
use tiltak_core::{Area, Measure, MeasureId, RoundInfo, Section, Status, StatusReport};
use tiltak_i18n::Message;

use crate::document::{Problem, Problems, ReportDocument, Source};
use crate::labels::{Column, decision_kind_from_cell, is_no_status};
use crate::mapping::TableOptions;
use crate::table::{CellText, Table, read_tables};
use crate::{Labels, csv_export};

pub const STATUS_SHEET: &str = "Status";

/// At most this many problems are listed for one file (the rest are likely the same mistake).
const MAX_PROBLEMS: usize = 50;

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

    let records = csv_export::records(report, vocabulary, labels);
    let sheet = workbook.add_worksheet().set_name(STATUS_SHEET)?;
    let mut headings: Vec<String> = csv_export::headings(labels).iter().map(|h| (*h).to_owned()).collect();
    headings.extend(csv_export::field_names(report));
    for (c, name) in headings.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, name, &header)?;
    }
    let widths = [6.0, 22.0, 26.0, 9.0, 8.0, 50.0, 20.0, 60.0, 14.0, 24.0, 12.0, 40.0, 8.0, 40.0];
    for (c, w) in widths.iter().enumerate() {
        sheet.set_column_width(c as u16, *w)?;
    }
    let mut last_row = 0;
    for (r, record) in records.iter().enumerate() {
        let row = r as u32 + 1;
        last_row = row;
        for (c, value) in record.iter().enumerate() {
            let numeric = matches!(
                Column::ALL.get(c),
                Some(
                    Column::Id | Column::ParentId | Column::Position | Column::MergeIntoId | Column::Version
                )
            );
            match (numeric, value.parse::<f64>()) {
                (true, Ok(n)) => sheet.write_number(row, c as u16, n)?,
                _ => sheet.write_string_with_format(row, c as u16, value, &wrap)?,
            };
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, last_row.max(1), headings.len() as u16 - 1)?;
    // Dropdowns of the words people read: the vocabulary's labels, and the decisions.
    let mut statuses: Vec<String> = vocabulary.kinds.iter().map(|k| k.label.clone()).collect();
    statuses.push(labels.no_status.to_owned());
    let col = |c: Column| c as u16;
    sheet.add_data_validation(
        1,
        col(Column::Status),
        last_row.max(1),
        col(Column::Status),
        &DataValidation::new().allow_list_strings(&statuses)?,
    )?;
    let decisions: Vec<&str> = DecisionKind::ALL.iter().map(|d| labels.decision_kind(*d)).collect();
    sheet.add_data_validation(
        1,
        col(Column::Decision),
        last_row.max(1),
        col(Column::Decision),
        &DataValidation::new().allow_list_strings(&decisions)?,
    )?;

    let summary = workbook.add_worksheet().set_name(labels.summary_sheet)?;
    let o = overview(report, vocabulary);
    let mut cols = vec![labels.group, labels.area];
    cols.extend(["not_started", "in_progress", "done", "dropped", "none"].map(|k| labels.category(k)));
    cols.push(labels.total);
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

    let about = workbook.add_worksheet().set_name(labels.about_sheet)?;
    let date = report.round.date.map(tiltak_core::round::iso_date).unwrap_or_default();
    let names = labels.about_rows();
    for (r, (k, v)) in [
        (names[0], report.organisation.as_str()),
        (names[1], report.title.as_str()),
        (names[2], &report.year.to_string()),
        (names[3], report.round.label.as_str()),
        (names[4], date.as_str()),
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

pub use crate::table::SheetMeta;

fn cell(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        // A date cell: days since 1899-12-30 (Excel's day 0), written as YYYY-MM-DD.
        Data::DateTime(d) if d.is_datetime() => {
            let day0 = time::Date::from_calendar_date(1899, time::Month::December, 30).expect("a date");
            match day0.checked_add(time::Duration::days(d.as_f64().floor() as i64)) {
                Some(date) => tiltak_core::round::iso_date(date),
                None => d.as_f64().to_string(),
            }
        }
        other => other.to_string(),
    }
}

/// Which of the about sheet's rows a name is (0 organisation … 4 date), in any language.
fn about_row(name: &str) -> Option<usize> {
    let n = name.trim().to_lowercase();
    ["organisation", "title", "year", "round", "date"].iter().position(|k| *k == n).or_else(|| {
        Language::ALL
            .iter()
            .find_map(|l| Labels::for_language(*l).about_rows().iter().position(|r| r.to_lowercase() == n))
    })
}

fn is_about_sheet(name: &str) -> bool {
    Language::ALL.iter().any(|l| Labels::for_language(*l).about_sheet.eq_ignore_ascii_case(name))
}

fn open_workbook(bytes: &[u8]) -> Result<Xlsx<Cursor<Vec<u8>>>, Problem> {
    crate::unzip::check(bytes).map_err(|e| Problem::file(e.message("file-not-xlsx")))?;
    calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec()))
        .map_err(|e| Problem::file(Message::new("file-not-xlsx").arg("detail", e)))
}

fn sheet_rows(book: &mut Xlsx<Cursor<Vec<u8>>>, name: &str) -> Result<Vec<Vec<String>>, Problem> {
    let range = book.worksheet_range(name).map_err(|e| {
        Problem::new(Source::Sheet(name.to_owned()).whole(), Message::new("file-unreadable").arg("detail", e))
    })?;
    // The range starts at its first filled cell: rows and columns above and before it are empty,
    // so that row numbers in messages are the sheet's own.
    let (top, left) = range.start().unwrap_or((0, 0));
    let mut rows: Vec<Vec<String>> = vec![Vec::new(); top as usize];
    rows.extend(range.rows().map(|r| {
        let mut row = vec![String::new(); left as usize];
        row.extend(r.iter().map(cell));
        row
    }));
    Ok(rows)
}

/// A sheet as a table: its cells, with merged cells (a merge across is one cell covering
/// columns; the cells below the first row of a merge continue it).
fn sheet_table(book: &mut Xlsx<Cursor<Vec<u8>>>, name: &str) -> Result<Table, Problem> {
    let mut rows: Vec<Vec<CellText>> = sheet_rows(book, name)?
        .iter()
        .map(|r| r.iter().map(|c| CellText::from(c.as_str())).collect())
        .collect();
    for m in book.merge_cells_by_sheet_name(name).unwrap_or_default() {
        let ((r0, c0), (r1, c1)) = (m.start, m.end);
        if let Some(cell) = rows.get_mut(r0 as usize).and_then(|r| r.get_mut(c0 as usize)) {
            cell.span = (c1 - c0 + 1) as usize;
        }
        for r in r0 + 1..=r1 {
            if let Some(cell) = rows.get_mut(r as usize).and_then(|row| row.get_mut(c0 as usize)) {
                cell.continues = true;
            }
        }
    }
    Ok(Table { source: Source::Sheet(name.to_owned()), section: name.to_owned(), rows })
}

/// Reads an XLSX written by Tiltak or laid out the same way (the about sheet is optional when
/// `meta` says year and round).
pub fn read_xlsx(
    bytes: &[u8],
    vocabulary: &Vocabulary,
    meta: &SheetMeta,
) -> Result<ReportDocument, Problems> {
    let mut book = open_workbook(bytes)?;
    let mut meta = meta.clone();
    if let Some(about) = book.sheet_names().into_iter().find(|n| is_about_sheet(n)) {
        for (i, row) in sheet_rows(&mut book, &about)?.iter().enumerate() {
            let (k, v) = (
                row.first().map(String::as_str).unwrap_or_default(),
                row.get(1).cloned().unwrap_or_default(),
            );
            match about_row(k) {
                Some(0) if meta.organisation.is_empty() => meta.organisation = v,
                Some(1) if meta.title.is_empty() => meta.title = v,
                Some(2) if meta.year.is_none() => meta.year = v.parse().ok(),
                Some(3) if meta.round.is_none() => meta.round = Some(v),
                Some(4) if meta.date.is_none() && !v.is_empty() => {
                    meta.date = Some(parse_iso_date(&v).map_err(|_| {
                        Problem::new(
                            Source::Sheet(about.clone()).row(i + 1),
                            Message::new("file-date-invalid").arg("value", &v),
                        )
                    })?)
                }
                _ => {}
            }
        }
    }
    let sheet = if book.sheet_names().iter().any(|s| s == STATUS_SHEET) {
        STATUS_SHEET.to_owned()
    } else {
        book.sheet_names().first().cloned().ok_or_else(|| Problem::file(Message::new("file-no-sheets")))?
    };
    let rows = sheet_rows(&mut book, &sheet)?;
    read_rows(&rows, &Source::Sheet(sheet), vocabulary, &meta)
}

/// Reads the same rows from CSV; year and round come from `meta`.
pub fn read_csv(bytes: &[u8], vocabulary: &Vocabulary, meta: &SheetMeta) -> Result<ReportDocument, Problems> {
    let rows = csv_rows(bytes)?;
    read_rows(&rows, &Source::Csv, vocabulary, meta)
}

fn csv_rows(bytes: &[u8]) -> Result<Vec<Vec<String>>, Problem> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count() + 1;
        Problem::new(Source::Csv.row(line), Message::new("file-csv-not-utf8"))
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| {
            Problem::new(Source::Csv.row(i + 1), Message::new("file-csv-bad-row").arg("detail", e))
        })?;
        rows.push(record.iter().map(|c| csv_export::from_spreadsheet_safe(c).to_owned()).collect());
    }
    Ok(rows)
}

/// Whether a header row has the columns of Tiltak's own export (ids tie its rows together).
fn has_id_columns(rows: &[Vec<String>]) -> bool {
    rows.first().is_some_and(|h| {
        let found: Vec<Column> = h.iter().filter_map(|c| Column::find(c)).collect();
        Column::REQUIRED.iter().all(|r| found.contains(r))
    })
}

fn required_headings() -> String {
    Column::REQUIRED
        .iter()
        .map(|c| Labels::for_language(Language::Nb).column(*c))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads an XLSX in either layout: Tiltak's own (one row per measure with ids; `true`), or an
/// organisation's own table, read through `options`' mapping (`false`): one section per sheet
/// named after the sheet unless its rows say otherwise.
pub fn read_xlsx_any(
    bytes: &[u8],
    vocabulary: &Vocabulary,
    meta: &SheetMeta,
    options: &TableOptions,
) -> Result<(ReportDocument, bool), Problems> {
    let mut book = open_workbook(bytes)?;
    let mut tables = Vec::new();
    for name in book.sheet_names() {
        let rows = sheet_rows(&mut book, &name)?;
        if has_id_columns(&rows) {
            return Ok((read_xlsx(bytes, vocabulary, meta)?, true));
        }
        if is_about_sheet(&name)
            || Language::ALL.iter().any(|l| Labels::for_language(*l).summary_sheet == name)
        {
            continue;
        }
        tables.push(sheet_table(&mut book, &name)?);
    }
    Ok((read_tables(&tables, vocabulary, meta, options)?, false))
}

/// Reads a CSV in either layout (see [`read_xlsx_any`]); an organisation's table in a CSV is one
/// section, named after the programme, unless its rows say otherwise.
pub fn read_csv_any(
    bytes: &[u8],
    vocabulary: &Vocabulary,
    meta: &SheetMeta,
    options: &TableOptions,
) -> Result<(ReportDocument, bool), Problems> {
    let rows = csv_rows(bytes)?;
    if has_id_columns(&rows) {
        return Ok((read_rows(&rows, &Source::Csv, vocabulary, meta)?, true));
    }
    let section = crate::table::default_section(&meta.title);
    let rows = rows.iter().map(|r| r.iter().map(|c| CellText::from(c.as_str())).collect()).collect();
    let table = Table { source: Source::Csv, section, rows };
    Ok((read_tables(&[table], vocabulary, meta, options)?, false))
}

struct RowData {
    row: usize,
    id: Option<MeasureId>,
    section: String,
    area: String,
    parent: Option<MeasureId>,
    position: u32,
    measure: Measure,
}

/// One row's cells by column, and where each is for messages.
struct RowCells<'a> {
    source: &'a Source,
    row: usize,
    cells: &'a [String],
    col: &'a HashMap<Column, (usize, String)>,
    /// The columns of the organisation's own fields: (index, heading).
    fields: &'a [(usize, String)],
}

impl RowCells<'_> {
    fn get(&self, c: Column) -> String {
        self.col
            .get(&c)
            .and_then(|(i, _)| self.cells.get(*i))
            .map(|s| s.trim().to_owned())
            .unwrap_or_default()
    }

    fn problem(&self, c: Column, message: Message) -> Problem {
        let heading = self.col.get(&c).map(|(_, h)| h.clone()).unwrap_or_else(|| c.key().to_owned());
        Problem::new(self.source.cell(self.row, &heading), message)
    }

    fn number(&self, c: Column) -> Result<Option<u32>, Problem> {
        let v = self.get(c);
        if v.is_empty() {
            return Ok(None);
        }
        v.parse().map(Some).map_err(|_| self.problem(c, Message::new("file-not-number").arg("value", &v)))
    }
}

/// Reads one row of Tiltak's sheet.
fn read_row(r: &RowCells<'_>, vocabulary: &Vocabulary) -> Result<RowData, Problem> {
    let title = r.get(Column::Title);
    if title.is_empty() {
        return Err(r.problem(Column::Title, Message::new("file-title-needed")));
    }
    let section = r.get(Column::Section);
    if section.is_empty() {
        return Err(r.problem(Column::Section, Message::new("file-section-needed")));
    }
    // A status is a label of the vocabulary (or its key): the key always follows the label.
    let status_text = r.get(Column::Status);
    let status = if is_no_status(&status_text) {
        Status::None
    } else {
        let kind = vocabulary.match_label(&status_text).or_else(|| vocabulary.get(&status_text)).ok_or_else(
            || {
                let labels: Vec<&str> = vocabulary.kinds.iter().map(|k| k.label.as_str()).collect();
                r.problem(
                    Column::Status,
                    Message::new("file-status-unknown")
                        .arg("value", &status_text)
                        .arg("labels", labels.join(", ")),
                )
            },
        )?;
        Status::Reported { key: kind.key.clone(), label: kind.label.clone() }
    };
    let decision_text = r.get(Column::Decision);
    let kind = decision_kind_from_cell(&decision_text).ok_or_else(|| {
        let words: Vec<&str> =
            DecisionKind::ALL.iter().map(|k| Labels::for_language(Language::Nb).decision_kind(*k)).collect();
        r.problem(
            Column::Decision,
            Message::new("file-decision-unknown")
                .arg("value", &decision_text)
                .arg("decisions", words.join(", ")),
        )
    });
    let kind = if decision_text.is_empty() { DecisionKind::Undecided } else { kind? };
    let decision = match kind {
        DecisionKind::Yes => Decision::Yes,
        DecisionKind::No => Decision::No,
        DecisionKind::Undecided => Decision::Undecided,
        DecisionKind::Conditional => {
            let condition = r.get(Column::Condition);
            if condition.is_empty() {
                return Err(r.problem(Column::Condition, Message::new("file-condition-needed")));
            }
            Decision::Conditional { condition }
        }
        DecisionKind::Merge => {
            let target = r
                .number(Column::MergeIntoId)?
                .ok_or_else(|| r.problem(Column::MergeIntoId, Message::new("file-merge-needed")))?;
            Decision::Merge { into: MergeTarget { id: Some(target), title: String::new() } }
        }
    };
    let id = r.number(Column::Id)?;
    Ok(RowData {
        row: r.row,
        id,
        section,
        area: r.get(Column::Area),
        parent: r.number(Column::ParentId)?,
        position: r.number(Column::Position)?.unwrap_or(u32::MAX),
        measure: Measure {
            id,
            title,
            entry: StatusEntry {
                status,
                description: r.get(Column::Description),
                continuation: Continuation { decision, comment: r.get(Column::Comment) },
                version: r.number(Column::Version)?.map(i64::from),
                fields: r
                    .fields
                    .iter()
                    .filter_map(|(i, h)| {
                        let v = r.cells.get(*i)?.trim();
                        (!v.is_empty()).then(|| (h.clone(), v.to_owned()))
                    })
                    .collect(),
            },
            ..Default::default()
        },
    })
}

/// Tiltak's columns of a header row, by column, and the organisation's own fields (a heading
/// that is none of Tiltak's columns, or one of them a second time); every required column missing
/// is a problem.
type Columns = (HashMap<Column, (usize, String)>, Vec<(usize, String)>);

fn header_columns(header: &[String], source: &Source) -> Result<Columns, Problems> {
    let mut col: HashMap<Column, (usize, String)> = HashMap::new();
    let mut fields: Vec<(usize, String)> = Vec::new();
    for (i, h) in header.iter().enumerate() {
        match Column::find(h) {
            Some(c) if !col.contains_key(&c) => {
                col.insert(c, (i, h.trim().to_owned()));
            }
            _ if !h.trim().is_empty() => fields.push((i, h.trim().to_owned())),
            _ => {}
        }
    }
    let missing: Vec<Problem> = Column::REQUIRED
        .iter()
        .filter(|c| !col.contains_key(c))
        .map(|c| {
            Problem::new(
                source.row(1),
                Message::new("file-column-missing")
                    .arg("column", Labels::for_language(Language::Nb).column(*c))
                    .arg("columns", required_headings()),
            )
        })
        .collect();
    if missing.is_empty() { Ok((col, fields)) } else { Err(Problems(missing)) }
}

/// Builds the report from a header row and one row per measure; every problem is reported.
pub fn read_rows(
    rows: &[Vec<String>],
    source: &Source,
    vocabulary: &Vocabulary,
    meta: &SheetMeta,
) -> Result<ReportDocument, Problems> {
    let header =
        rows.first().ok_or_else(|| Problem::new(source.whole(), Message::new("file-sheet-empty")))?;
    let (col, fields) = header_columns(header, source)?;
    let year = meta.year.ok_or_else(|| Problem::new(source.whole(), Message::new("file-no-year")))?;
    let round =
        meta.round.clone().ok_or_else(|| Problem::new(source.whole(), Message::new("file-no-round")))?;
    let mut data = Vec::new();
    let mut problems = Vec::new();
    for (i, r) in rows.iter().enumerate().skip(1) {
        if r.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        match read_row(&RowCells { source, row: i + 1, cells: r, col: &col, fields: &fields }, vocabulary) {
            Ok(d) => data.push(d),
            Err(p) if problems.len() < MAX_PROBLEMS => problems.push(p),
            Err(_) => {}
        }
    }
    if !problems.is_empty() {
        return Err(Problems(problems));
    }
    if data.is_empty() {
        return Err(Problem::new(source.whole(), Message::new("file-no-measures")).into());
    }
    problems.extend(link_problems(&data, &col, source));
    if !problems.is_empty() {
        problems.truncate(MAX_PROBLEMS);
        return Err(Problems(problems));
    }
    let sections = tree(&data);
    let placed: usize = sections
        .iter()
        .map(|s| {
            tiltak_core::Programme { year, title: String::new(), sections: vec![s.clone()] }.measure_count()
        })
        .sum();
    if placed != data.len() {
        return Err(Problem::new(source.whole(), Message::new("file-parent-loop")).into());
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
    programme.validate().map_err(|e| Problem::new(source.whole(), tiltak_i18n::programme_error(&e)))?;
    report.sections = programme.sections;
    Ok(report.into())
}

/// Ids must be unique, and parents must be rows of the sheet in the same section and area.
fn link_problems(data: &[RowData], col: &HashMap<Column, (usize, String)>, source: &Source) -> Vec<Problem> {
    let mut problems = Vec::new();
    let at = |row: usize, c: Column| {
        let heading = col.get(&c).map(|(_, h)| h.clone()).unwrap_or_else(|| c.key().to_owned());
        source.cell(row, &heading)
    };
    let mut seen: HashMap<MeasureId, usize> = HashMap::new();
    for d in data {
        if let Some(id) = d.id
            && let Some(first) = seen.insert(id, d.row)
        {
            problems.push(Problem::new(
                at(d.row, Column::Id),
                Message::new("file-id-twice").arg("id", id).arg("row", first),
            ));
        }
    }
    for d in data {
        let Some(p) = d.parent else { continue };
        let problem = match seen.get(&p) {
            None => Some(Message::new("file-parent-missing").arg("id", p)),
            Some(_) if p == d.id.unwrap_or(0) => Some(Message::new("file-parent-self")),
            Some(parent_row) => {
                let parent = data.iter().find(|x| x.row == *parent_row).expect("indexed");
                (parent.section != d.section || parent.area != d.area)
                    .then(|| Message::new("file-parent-elsewhere").arg("id", p))
            }
        };
        if let Some(m) = problem {
            problems.push(Problem::new(at(d.row, Column::ParentId), m));
        }
    }
    problems
}

/// The tree of the rows: sections and areas in order of first appearance, siblings by position.
fn tree(data: &[RowData]) -> Vec<Section> {
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
    for d in data {
        if !sections.iter().any(|s| s.title == d.section) {
            sections.push(Section { title: d.section.clone(), ..Default::default() });
        }
        let s = sections.iter_mut().find(|s| s.title == d.section).expect("just added");
        if !d.area.is_empty() && !s.areas.iter().any(|a| a.title == d.area) {
            s.areas.push(Area { title: d.area.clone(), owner: None, measures: Vec::new() });
        }
    }
    for s in &mut sections {
        s.measures = children_of(data, None, &s.title, "", 0);
        let title = s.title.clone();
        for a in &mut s.areas {
            a.measures = children_of(data, None, &title, &a.title, 0);
        }
    }
    sections
}

//! The five-column table as people keep it in Word or a spreadsheet — area, measure, status,
//! description, continuation — read into a status report. Headings are matched case-insensitively,
//! in Norwegian or English and in any order; an empty or merged area cell continues the area above;
//! a bulleted measure is a sub-measure of the measure above. Each table is a section (titled by the
//! heading before it, or the sheet's name). All or nothing: an error names the table, row and column.

use std::collections::BTreeMap;

use tiltak_core::status::Vocabulary;
use tiltak_core::{
    Area, Measure, MeasureId, Programme, RoundInfo, Section, Status, StatusEntry, StatusReport,
};

use tiltak_i18n::Message;

use crate::document::{Problem, Problems, ReportDocument, Source, Warning};
use crate::spreadsheet::SheetMeta;

/// One cell as read: its paragraphs joined by line breaks.
#[derive(Debug, Clone, Default)]
pub struct CellText {
    pub text: String,
    /// A vertically merged cell that continues the one above (Word's `vMerge`).
    pub continues: bool,
    /// The measure is a bulleted or indented item: a sub-measure, this many levels down.
    pub depth: usize,
}

impl From<&str> for CellText {
    fn from(s: &str) -> Self {
        CellText { text: s.to_owned(), ..Default::default() }
    }
}

/// A table with its header row first.
#[derive(Debug, Clone)]
pub struct SourceTable {
    /// Where the table is ("table 2", "sheet Klima"), for messages.
    pub source: Source,
    /// The section the table holds.
    pub section: String,
    pub rows: Vec<Vec<CellText>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Area,
    Measure,
    Status,
    Description,
    Continuation,
}

/// Which column a heading names, if any.
fn column_of(heading: &str) -> Option<Column> {
    let h = heading.trim().trim_end_matches(['?', ':']).trim().to_lowercase();
    let starts = |words: &[&str]| words.iter().any(|w| h.starts_with(w));
    if starts(&["innsatsområde", "område", "tverrgående", "tema", "focus area", "area", "theme"]) {
        Some(Column::Area)
    } else if starts(&["tiltak", "measure"]) {
        Some(Column::Measure)
    } else if starts(&["status"]) {
        Some(Column::Status)
    } else if starts(&["beskrivelse", "fremdrift", "description", "progress"]) {
        Some(Column::Description)
    } else if starts(&[
        "bør videreføres",
        "videreføres",
        "videreføring",
        "continue",
        "continuation",
        "kommentar",
        "comment",
    ]) {
        Some(Column::Continuation)
    } else {
        None
    }
}

/// The columns of a header row, or `None` when it is not a five-column table's header.
fn header_columns(row: &[CellText]) -> Option<BTreeMap<usize, Column>> {
    let found: BTreeMap<usize, Column> =
        row.iter().enumerate().filter_map(|(i, c)| Some((i, column_of(&c.text)?))).collect();
    let has = |c: Column| found.values().any(|v| *v == c);
    (has(Column::Measure) && has(Column::Status) && has(Column::Description)).then_some(found)
}

/// Whether `rows` starts with a five-column header (a table worth reading).
pub fn is_five_column(rows: &[Vec<CellText>]) -> bool {
    rows.first().is_some_and(|r| header_columns(r).is_some())
}

pub const EXPECTED_HEADINGS: &str = "Tiltak/Measure, Status and Beskrivelse/Description \
     (and optionally Innsatsområde/Area and Bør videreføres/Continue)";

/// Reads the tables into one report; `meta` gives year, round and title when the caller knows them.
pub fn read_tables(
    tables: &[SourceTable],
    vocabulary: &Vocabulary,
    meta: &SheetMeta,
) -> Result<ReportDocument, Problems> {
    let year = meta.year.ok_or_else(|| Problem::file(Message::new("file-no-year")))?;
    let round = meta.round.clone().ok_or_else(|| Problem::file(Message::new("file-no-round")))?;
    if tables.is_empty() {
        return Err(Problem::file(Message::new("file-no-table").arg("headings", EXPECTED_HEADINGS)).into());
    }
    let mut problems = Vec::new();
    let mut sections: Vec<Section> = Vec::new();
    let mut rows_read: Vec<usize> = Vec::new();
    let mut warnings: Vec<Warning> = Vec::new();
    for table in tables {
        let Some(header) = table.rows.first() else { continue };
        let columns = header_columns(header).ok_or_else(|| {
            Problem::new(
                table.source.row(1),
                Message::new("file-headings").arg("headings", EXPECTED_HEADINGS),
            )
        })?;
        let get = |row: &[CellText], c: Column| -> CellText {
            columns.iter().find(|(_, v)| **v == c).and_then(|(i, _)| row.get(*i).cloned()).unwrap_or_default()
        };
        let heading = |c: Column| {
            columns.iter().find(|(_, v)| **v == c).map(|(i, _)| header[*i].text.clone()).unwrap_or_default()
        };
        let section_at = match sections.iter().position(|s| s.title == table.section) {
            Some(i) => i,
            None => {
                sections.push(Section { title: table.section.clone(), ..Default::default() });
                sections.len() - 1
            }
        };
        let section = &mut sections[section_at];
        let mut in_area = !section.areas.is_empty();
        for (i, row) in table.rows.iter().enumerate().skip(1) {
            let number = i + 1;
            let at = |c: Column| table.source.cell(number, &heading(c));
            if row.iter().all(|c| c.text.trim().is_empty()) {
                continue;
            }
            let area = get(row, Column::Area);
            let title = get(row, Column::Measure);
            let status_text = get(row, Column::Status).text.trim().to_owned();
            let description = get(row, Column::Description).text.trim().to_owned();
            let comment = get(row, Column::Continuation).text.trim().to_owned();
            let area_title = area.text.trim();
            if !area_title.is_empty() && !area.continues {
                if section.areas.last().is_none_or(|a| a.title != area_title) {
                    section.areas.push(Area {
                        title: area_title.to_owned(),
                        owner: None,
                        measures: Vec::new(),
                    });
                }
                in_area = true;
            }
            let measure_title = title.text.trim().trim_start_matches(['•', '·', '-', '–', '*', '▪']).trim();
            if measure_title.is_empty() {
                if status_text.is_empty() && description.is_empty() && comment.is_empty() {
                    continue; // an area with no measures yet
                }
                problems.push(Problem::new(at(Column::Measure), Message::new("file-row-without-measure")));
                continue;
            }
            let status = if status_text.is_empty() {
                Status::None
            } else {
                match vocabulary.match_label(&status_text).or_else(|| vocabulary.get(&status_text)) {
                    Some(kind) => Status::Reported { key: kind.key.clone(), label: status_text.clone() },
                    None => {
                        let labels: Vec<&str> = vocabulary.kinds.iter().map(|k| k.label.as_str()).collect();
                        problems.push(Problem::new(
                            at(Column::Status),
                            Message::new("file-status-unknown")
                                .arg("value", &status_text)
                                .arg("labels", labels.join(", ")),
                        ));
                        continue;
                    }
                }
            };
            let depth = if title.depth > 0
                || title.text.trim_start().starts_with(['•', '·', '-', '–', '*', '▪'])
            {
                title.depth.max(1)
            } else {
                0
            };
            let measure = Measure {
                title: measure_title.to_owned(),
                entry: StatusEntry {
                    status,
                    description,
                    continuation: tiltak_core::round::Continuation { comment, ..Default::default() },
                    version: None,
                },
                ..Default::default()
            };
            let container = if in_area {
                &mut section.areas.last_mut().expect("in an area").measures
            } else {
                &mut section.measures
            };
            if place(container, measure, depth).is_err() {
                problems.push(Problem::new(at(Column::Measure), Message::new("file-bullet-alone")));
                continue;
            }
            rows_read.push(number);
        }
    }
    if !problems.is_empty() {
        problems.truncate(50);
        return Err(Problems(problems));
    }
    let mut programme = Programme {
        year,
        title: if meta.title.is_empty() { year.to_string() } else { meta.title.clone() },
        sections,
    };
    programme.assign_ids();
    if programme.measure_count() == 0 {
        return Err(Problem::file(Message::new("file-tables-empty")).into());
    }
    let source_lines: BTreeMap<MeasureId, usize> = (1..).zip(rows_read).collect();
    crate::report_text::resolve_merges(&mut programme, &source_lines, &mut warnings);
    programme.validate().map_err(|e| Problem::file(tiltak_i18n::programme_error(&e)))?;
    Ok(ReportDocument {
        report: StatusReport {
            organisation: meta.organisation.clone(),
            title: programme.title,
            year,
            round: RoundInfo { label: round, date: meta.date },
            sections: programme.sections,
        },
        warnings,
        source_lines,
    })
}

/// Puts `m` at `depth` under the last measure of each level above it.
fn place(container: &mut Vec<Measure>, m: Measure, depth: usize) -> Result<(), ()> {
    if depth == 0 {
        container.push(m);
        return Ok(());
    }
    let parent = container.last_mut().ok_or(())?;
    if depth == 1 || parent.children.is_empty() {
        parent.children.push(m);
        Ok(())
    } else {
        place(&mut parent.children, m, depth - 1)
    }
}

/// "Status – Osloregionens handlingsprogram 2025 – pr 2 sept" → (programme, round, year).
pub fn parse_report_title(title: &str) -> Option<(String, String, Option<i32>)> {
    let rest = title.trim().strip_prefix("Status")?.trim_start().strip_prefix(['–', '-'])?;
    let (programme, round) = rest.rsplit_once(" – ").or_else(|| rest.rsplit_once(" - "))?;
    let year = programme
        .split(|c: char| !c.is_ascii_digit())
        .filter(|w| w.len() == 4)
        .filter_map(|w| w.parse().ok())
        .next_back();
    Some((programme.trim().to_owned(), round.trim().to_owned(), year))
}

//! One table model for every tabular file — a Word table, a sheet, a CSV — and one step that
//! turns a table into the programme's tree through a [`Mapping`] of its columns, whatever the
//! source. The heading row may sit below title rows; a row with one filled cell (merged across,
//! or outside the area and measure columns) starts a section; an empty or merged area cell
//! continues the area above; a bulleted measure is a sub-measure of the measure above. Each table
//! is a section of its own unless its rows or a section column say otherwise. All or nothing: an
//! error names the table, row and column.

use std::collections::BTreeMap;

use tiltak_core::fields::guess_kind;
use tiltak_core::round::{Continuation, Decision, DecisionKind};
use tiltak_core::status::Vocabulary;
use tiltak_core::{
    Area, FieldDef, Measure, MeasureId, Programme, RoundInfo, Section, Status, StatusEntry, StatusReport,
};
use tiltak_i18n::Message;

use crate::document::{Problem, Problems, ReportDocument, Source, Warning};
use crate::labels::decision_kind_from_cell;
use crate::mapping::{ColumnInfo, Layout, Mapping, StatusLabel, TableOptions, Target, heading_key, suggest};

/// What the rows themselves do not say: the programme and round they report.
#[derive(Debug, Clone, Default)]
pub struct SheetMeta {
    pub organisation: String,
    pub title: String,
    pub year: Option<i32>,
    pub round: Option<String>,
    pub date: Option<time::Date>,
}

/// One cell as read: its paragraphs joined by line breaks.
#[derive(Debug, Clone, Default)]
pub struct CellText {
    pub text: String,
    /// A vertically merged cell that continues the one above (Word's `vMerge`, a sheet's merge).
    pub continues: bool,
    /// The measure is a bulleted or indented item: a sub-measure, this many levels down.
    pub depth: usize,
    /// How many columns the cell covers (merged across); 1 for most.
    pub span: usize,
}

impl From<&str> for CellText {
    fn from(s: &str) -> Self {
        CellText { text: s.to_owned(), span: 1, ..Default::default() }
    }
}

/// A table as found in a file: every row, title rows above the headings included.
#[derive(Debug, Clone)]
pub struct Table {
    /// Where the table is ("table 2", "sheet Klima"), for messages.
    pub source: Source,
    /// The section the table holds unless its rows say otherwise: the heading above a Word
    /// table, a sheet's name.
    pub section: String,
    pub rows: Vec<Vec<CellText>>,
}

/// The section of a table nothing else names: the programme's title when it has one of its own,
/// else "Tiltak" (a programme made from such a file is titled by its year, and the next file of
/// the same layout must land in the same section).
pub fn default_section(programme_title: &str) -> String {
    let t = programme_title.trim();
    if t.is_empty() || t.chars().all(|c| c.is_ascii_digit()) { "Tiltak".to_owned() } else { t.to_owned() }
}

/// Title rows above the headings are looked for in this many rows.
const HEADING_ROWS: usize = 10;
const MAX_PROBLEMS: usize = 50;

fn filled(row: &[CellText]) -> usize {
    row.iter().filter(|c| !c.text.trim().is_empty()).count()
}

/// The heading row: the first of the first rows with two filled cells or more (and, with a
/// person's mapping, every heading it names).
fn heading_row(table: &Table, named: Option<&[(Target, String)]>) -> Option<usize> {
    let first = |named: Option<&[(Target, String)]>| {
        table.rows.iter().take(HEADING_ROWS).position(|row| {
            filled(row) >= 2
                && named.is_none_or(|named| {
                    let keys: Vec<String> = row.iter().map(|c| heading_key(&c.text)).collect();
                    named.iter().any(|(_, h)| keys.contains(&heading_key(h)))
                })
        })
    };
    // A row with a heading the person named; else the first that looks like headings (and the
    // headings missing are named in the message).
    first(named).or_else(|| first(None))
}

/// A table's headings (by column) and the values below them, section rows left out.
struct Found<'a> {
    table: &'a Table,
    at: usize,
    headings: Vec<String>,
    /// Each column's values below the heading, section rows left out.
    values: Vec<Vec<String>>,
}

fn column_values(table: &Table, at: usize, columns: usize) -> Vec<Vec<String>> {
    let mut out = vec![Vec::new(); columns];
    for row in table.rows.iter().skip(at + 1).filter(|r| filled(r) >= 2) {
        for (i, col) in out.iter_mut().enumerate() {
            col.push(row.get(i).map(|c| c.text.trim().to_owned()).unwrap_or_default());
        }
    }
    out
}

/// The headings found in the tables, for a message when no columns could be told.
fn headings_message(found: &[Found<'_>], suggestion: &str) -> Message {
    let mut all: Vec<String> = Vec::new();
    for f in found {
        for h in f.headings.iter().filter(|h| !h.trim().is_empty()) {
            if !all.contains(h) {
                all.push(h.clone());
            }
        }
    }
    Message::new("file-no-mapping").arg("headings", all.join(", ")).arg("columns", suggestion)
}

/// Reads the tables into one report; `meta` gives year, round and title when the caller knows
/// them (else a title row "Status – {programme} – {round}" may).
pub fn read_tables(
    tables: &[Table],
    vocabulary: &Vocabulary,
    meta: &SheetMeta,
    options: &TableOptions,
) -> Result<ReportDocument, Problems> {
    let mut meta = meta.clone();
    let named = options.columns.as_deref();
    let mut found = Vec::new();
    for table in tables {
        let Some(at) = heading_row(table, named) else { continue };
        for row in &table.rows[..at] {
            for cell in row.iter().filter(|c| !c.text.trim().is_empty()) {
                if let Some((programme, round, year)) = parse_report_title(&cell.text) {
                    if meta.title.is_empty() {
                        meta.title = programme;
                    }
                    meta.round = meta.round.or(Some(round));
                    meta.year = meta.year.or(year);
                }
            }
        }
        let headings: Vec<String> = table.rows[at].iter().map(|c| c.text.trim().to_owned()).collect();
        let values = column_values(table, at, headings.len());
        found.push(Found { table, at, headings, values });
    }
    if found.is_empty() {
        return Err(Problem::file(Message::new("file-no-table")).into());
    }
    if meta.date.is_none()
        && let (Some(round), Some(year)) = (&meta.round, meta.year)
    {
        meta.date = crate::report_text::date_from_label(round, year);
    }
    let year = meta.year.ok_or_else(|| Problem::file(Message::new("file-no-year")))?;
    let round = meta.round.clone().ok_or_else(|| Problem::file(Message::new("file-no-round")))?;

    // Each table's columns: the person's, or the suggestion (tables it is unsure of are left out
    // when another one is sure).
    let mut targets: Vec<Vec<Target>> = Vec::new();
    match named {
        Some(named) => {
            let mut problems = Vec::new();
            if !named.iter().any(|(t, _)| *t == Target::Measure) {
                problems.push(Problem::file(Message::new("mapping-no-measure")));
            }
            for (_, h) in named {
                if !found.iter().any(|f| f.headings.iter().any(|x| heading_key(x) == heading_key(h))) {
                    let all = headings_message(&found, "");
                    let m = Message::new("mapping-heading-missing")
                        .arg("heading", h)
                        .arg("headings", all.args[0].1.clone());
                    problems.push(Problem::file(m));
                }
            }
            if !problems.is_empty() {
                return Err(Problems(problems));
            }
            // Only the tables with the measure's column (a summary table beside them is not read).
            let measure = named.iter().find(|(t, _)| *t == Target::Measure).map(|(_, h)| heading_key(h));
            found.retain(|f| f.headings.iter().any(|h| Some(heading_key(h)) == measure));
            for f in &found {
                targets.push(
                    f.headings
                        .iter()
                        .map(|h| {
                            named
                                .iter()
                                .find(|(_, n)| heading_key(n) == heading_key(h))
                                .map_or(if h.is_empty() { Target::Skip } else { Target::Field }, |(t, _)| *t)
                        })
                        .collect(),
                );
            }
        }
        None => {
            let mut suggestions: Vec<(Vec<Target>, bool)> =
                found.iter().map(|f| suggest(&f.headings, &f.values, vocabulary)).collect();
            if options.best_guess && !suggestions.iter().any(|(_, sure)| *sure) {
                // Every table as guessed, the first filled column the measure where none is.
                for (f, (t, sure)) in found.iter().zip(suggestions.iter_mut()) {
                    if !t.contains(&Target::Measure)
                        && let Some(i) =
                            (0..t.len()).find(|i| t[*i] == Target::Field && !f.headings[*i].is_empty())
                    {
                        t[i] = Target::Measure;
                    }
                    *sure = t.contains(&Target::Measure);
                }
            }
            if !suggestions.iter().any(|(_, sure)| *sure) {
                let (first, (t, _)) = (&found[0], &suggestions[0]);
                let mut line: Vec<(Target, String)> = first
                    .headings
                    .iter()
                    .zip(t)
                    .filter(|(h, t)| !h.is_empty() && t.is_unique())
                    .map(|(h, t)| (*t, h.clone()))
                    .collect();
                if !line.iter().any(|(t, _)| *t == Target::Measure)
                    && let Some(h) =
                        first.headings.iter().find(|h| !h.is_empty() && !line.iter().any(|(_, x)| x == *h))
                {
                    line.insert(0, (Target::Measure, h.clone()));
                }
                return Err(Problem::file(headings_message(&found, &Mapping::columns_line(&line))).into());
            }
            let mut kept = Vec::new();
            for (f, (t, sure)) in found.into_iter().zip(suggestions) {
                if sure {
                    kept.push(f);
                    targets.push(
                        t.into_iter()
                            .zip(&kept.last().expect("pushed").headings)
                            .map(|(t, h)| if h.is_empty() { Target::Skip } else { t })
                            .collect(),
                    );
                }
            }
            found = kept;
        }
    }

    let mut layout = Layout { suggested: named.is_none(), ..Default::default() };
    for (f, t) in found.iter().zip(&targets) {
        let values = &f.values;
        for (i, h) in f.headings.iter().enumerate() {
            if h.is_empty() || layout.columns.iter().any(|c| heading_key(&c.heading) == heading_key(h)) {
                continue;
            }
            let example = values[i].iter().find(|v| !v.is_empty()).cloned().unwrap_or_default();
            layout.columns.push(ColumnInfo { heading: h.clone(), target: t[i], example });
        }
    }

    let mut problems = Vec::new();
    let mut sections: Vec<Section> = Vec::new();
    let mut rows_read: Vec<usize> = Vec::new();
    let mut warnings: Vec<Warning> = Vec::new();
    // Field values as read, by field heading, to guess each field's kind once all are read.
    let mut field_values: Vec<(String, Vec<String>)> = Vec::new();
    for (f, columns) in found.iter().zip(&targets) {
        let table = f.table;
        let get = |row: &[CellText], t: Target| -> CellText {
            columns.iter().position(|c| *c == t).and_then(|i| row.get(i).cloned()).unwrap_or_default()
        };
        let heading = |t: Target| {
            columns.iter().position(|c| *c == t).map(|i| f.headings[i].clone()).unwrap_or_default()
        };
        let mut section_at = match sections.iter().position(|s| s.title == table.section) {
            Some(i) => i,
            None => {
                sections.push(Section { title: table.section.clone(), ..Default::default() });
                sections.len() - 1
            }
        };
        let mut in_area = !sections[section_at].areas.is_empty();
        for (i, row) in table.rows.iter().enumerate().skip(f.at + 1) {
            let number = i + 1;
            let at = |t: Target| table.source.cell(number, &heading(t));
            let n = filled(row);
            if n == 0 {
                continue;
            }
            // A section row: one filled cell across the row, or outside the area and measure.
            if n == 1 {
                let (c, cell) = row.iter().enumerate().find(|(_, c)| !c.text.trim().is_empty()).expect("one");
                let target = columns.get(c).copied().unwrap_or(Target::Skip);
                if cell.span > 1 || !matches!(target, Target::Area | Target::Measure | Target::Section) {
                    let title = cell.text.trim().to_owned();
                    section_at = match sections.iter().position(|s| s.title == title) {
                        Some(i) => i,
                        None => {
                            sections.push(Section { title, ..Default::default() });
                            sections.len() - 1
                        }
                    };
                    in_area = !sections[section_at].areas.is_empty();
                    continue;
                }
            }
            let section_cell = get(row, Target::Section);
            let section_title = section_cell.text.trim();
            if !section_title.is_empty()
                && !section_cell.continues
                && sections[section_at].title != section_title
            {
                section_at = match sections.iter().position(|s| s.title == section_title) {
                    Some(i) => i,
                    None => {
                        sections.push(Section { title: section_title.to_owned(), ..Default::default() });
                        sections.len() - 1
                    }
                };
                in_area = !sections[section_at].areas.is_empty();
            }
            let section = &mut sections[section_at];
            let area = get(row, Target::Area);
            let title = get(row, Target::Measure);
            let status_text = get(row, Target::Status).text.trim().to_owned();
            let description = get(row, Target::Description).text.trim().to_owned();
            let mut comment = get(row, Target::ContinuationComment).text.trim().to_owned();
            let decision_text = get(row, Target::Decision).text.trim().to_owned();
            let owner = get(row, Target::Owner).text.trim().to_owned();
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
            let bullets = ['•', '·', '-', '–', '*', '▪'];
            let measure_title = title.text.trim().trim_start_matches(bullets).trim();
            if measure_title.is_empty() {
                let others = columns
                    .iter()
                    .enumerate()
                    .filter(|(_, t)| !matches!(t, Target::Area | Target::Section | Target::Skip))
                    .any(|(c, _)| row.get(c).is_some_and(|x| !x.text.trim().is_empty()));
                if others {
                    problems
                        .push(Problem::new(at(Target::Measure), Message::new("file-row-without-measure")));
                }
                continue; // else an area with no measures yet
            }
            let mut fields = BTreeMap::new();
            for (c, t) in columns.iter().enumerate() {
                if *t == Target::Field
                    && let Some(v) = row.get(c).map(|x| x.text.trim()).filter(|v| !v.is_empty())
                {
                    fields.insert(f.headings[c].clone(), v.to_owned());
                }
            }
            let status = if status_text.is_empty() {
                Status::None
            } else if let Some(kind) =
                vocabulary.match_label(&status_text).or_else(|| vocabulary.get(&status_text))
            {
                Status::Reported { key: kind.key.clone(), label: status_text.clone() }
            } else {
                let key =
                    Mapping::status_key(&options.statuses, &status_text).map(str::to_owned).or_else(|| {
                        options
                            .suggest_statuses
                            .then(|| crate::mapping::suggest_status(&status_text, vocabulary))
                            .flatten()
                    });
                let key = key.filter(|k| vocabulary.get(k).is_some());
                match layout.statuses.iter_mut().find(|s| s.label == status_text) {
                    Some(s) => s.count += 1,
                    None => {
                        if key.is_none() {
                            warnings.push(Warning {
                                line: number,
                                message: Message::new("warn-status-unknown").arg("value", &status_text),
                            });
                        }
                        layout.statuses.push(StatusLabel {
                            label: status_text.clone(),
                            count: 1,
                            key: key.clone(),
                        })
                    }
                }
                match key {
                    Some(key) => Status::Reported { key, label: status_text.clone() },
                    None => {
                        // Kept as written, under its heading, for a person to map later.
                        fields.insert(heading(Target::Status), status_text.clone());
                        Status::None
                    }
                }
            };
            let decision = if decision_text.is_empty() {
                Decision::Undecided
            } else {
                match decision_kind_from_cell(&decision_text) {
                    Some(DecisionKind::Yes) => Decision::Yes,
                    Some(DecisionKind::No) => Decision::No,
                    _ => {
                        // Said in words: read with the comment's phrases ("Ja, men …").
                        comment = if comment.is_empty() {
                            decision_text
                        } else {
                            format!("{decision_text} {comment}")
                        };
                        Decision::Undecided
                    }
                }
            };
            for (name, value) in &fields {
                match field_values.iter_mut().find(|(n, _)| n == name) {
                    Some((_, v)) => v.push(value.clone()),
                    None => field_values.push((name.clone(), vec![value.clone()])),
                }
            }
            let depth = if title.depth > 0 || title.text.trim_start().starts_with(bullets) {
                title.depth.max(1)
            } else {
                0
            };
            let measure = Measure {
                title: measure_title.to_owned(),
                owner: Some(owner).filter(|o| !o.is_empty()),
                entry: StatusEntry {
                    status,
                    description,
                    continuation: Continuation { decision, comment },
                    version: None,
                    fields,
                },
                ..Default::default()
            };
            let container = if in_area {
                &mut section.areas.last_mut().expect("in an area").measures
            } else {
                &mut section.measures
            };
            if place(container, measure, depth).is_err() {
                problems.push(Problem::new(at(Target::Measure), Message::new("file-bullet-alone")));
                continue;
            }
            rows_read.push(number);
        }
    }
    if !problems.is_empty() {
        problems.truncate(MAX_PROBLEMS);
        return Err(Problems(problems));
    }
    sections.retain(|s| !s.measures.is_empty() || !s.areas.is_empty());
    // Each field's kind from its values; the values then kept in the kind's one spelling.
    // In the order of the file's columns.
    let position = |name: &str| layout.columns.iter().position(|c| c.heading == name).unwrap_or(usize::MAX);
    field_values.sort_by_key(|(name, _)| position(name));
    for (name, values) in &field_values {
        let refs: Vec<&str> = values.iter().map(String::as_str).collect();
        let (kind, choices) = guess_kind(name, &refs);
        layout.fields.push(FieldDef { name: name.clone(), kind, choices, in_report: false });
    }
    let mut programme = Programme {
        year,
        title: if meta.title.is_empty() { year.to_string() } else { meta.title.clone() },
        sections,
    };
    programme.for_each_measure_mut(|m| {
        for (name, value) in m.entry.fields.iter_mut() {
            if let Some(def) = layout.fields.iter().find(|d| d.name == *name)
                && let Ok(v) = def.check(value)
            {
                *value = v;
            }
        }
    });
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
        entities: Vec::new(),
        layout: Some(layout),
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

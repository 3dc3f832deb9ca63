//! Reads a status report as text pulled out of its PDF: the five columns of a Word table flattened
//! line by line. Reads the structure it can be sure of and says, with the line, where it guessed.
//!
//! Signals used, all general to reports laid out this way:
//! - a run of spaces holding a non-breaking space ends a measure cell (`Tiltak⍽ Pågående …`);
//! - a line ending in a plain space (or a word-hyphen) wraps: the cell goes on below, even past a
//!   blank line; a line ending without one ends a paragraph;
//! - a status label from the vocabulary after a measure's title starts its status column;
//! - a comment opener (`ja`, `nei`, `Hvis`, `Bør` … see [`crate::phrases`]) starts the continuation;
//! - `*` starts a measure; a measure whose title ends in `:` is an umbrella over those that follow;
//! - a short line without status, followed by a measure, is an area; section names come from a table.

use std::collections::BTreeMap;
use tiltak_core::round::{Continuation, Decision, StatusEntry};
use tiltak_core::status::{Status, Vocabulary};

use tiltak_core::{Area, Measure, MeasureId, Programme, RoundInfo, Section, StatusReport};
use time::{Date, Month};

use tiltak_i18n::Message;

use crate::document::{Problem, ReportDocument, Warning};
use crate::phrases;

/// Why a text could not be read as a status report at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("the file is empty")]
    Empty,
    #[error(
        "the file is not UTF-8 text: line {line} has bytes that are not UTF-8 (saved as Windows-1252?); save it as UTF-8"
    )]
    NotUtf8 { line: usize },
    #[error(
        "line {line}: expected the report's title line, such as \"Status - <programme> - <round>\", found {found:?}"
    )]
    NoTitle { line: usize, found: String },
    #[error("line {line}: the title {title:?} has no year; give --year")]
    NoYear { line: usize, title: String },
    #[error("no measures found: expected rows that start with \"*\" or carry a status such as \"Pågående\"")]
    NoMeasures,
}

impl TextError {
    pub fn problem(&self) -> Problem {
        let line = |n: &usize| Message::new("file-place-line").arg("line", n);
        match self {
            TextError::Empty => Problem::file(Message::new("text-empty")),
            TextError::NotUtf8 { line: n } => Problem::new(line(n), Message::new("text-not-utf8")),
            TextError::NoTitle { line: n, found } => {
                Problem::new(line(n), Message::new("text-no-title").arg("found", found))
            }
            TextError::NoYear { line: n, title } => {
                Problem::new(line(n), Message::new("text-no-year").arg("title", title))
            }
            TextError::NoMeasures => Problem::file(Message::new("text-no-measures")),
        }
    }
}

/// What the caller knows better than the text: year, round label and date override the title line.
#[derive(Debug, Clone, Default)]
pub struct TextOptions {
    pub organisation: String,
    pub year: Option<i32>,
    pub round_label: Option<String>,
    pub round_date: Option<Date>,
}

/// Reads bytes: refuses what is not UTF-8, naming the line.
pub fn parse_bytes(
    bytes: &[u8],
    vocabulary: &Vocabulary,
    options: &TextOptions,
) -> Result<ReportDocument, TextError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count() + 1;
        TextError::NotUtf8 { line }
    })?;
    parse(text, vocabulary, options)
}

pub fn parse(
    text: &str,
    vocabulary: &Vocabulary,
    options: &TextOptions,
) -> Result<ReportDocument, TextError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(TextError::Empty);
    }
    let lines: Vec<Line> = text.lines().enumerate().map(|(i, l)| Line::new(i + 1, l)).collect();
    let mut reader = Reader::new(&lines, vocabulary);
    let header = reader.title_line()?;
    let year = match options.year.or(header.year) {
        Some(y) => y,
        None => {
            return Err(TextError::NoYear { line: header.line, title: header.title });
        }
    };
    reader.rows();
    if reader.measure_count == 0 {
        return Err(TextError::NoMeasures);
    }
    let label = options.round_label.clone().unwrap_or(header.round_label);
    let date = options.round_date.or_else(|| date_from_label(&label, year));
    let mut programme = Programme { year, title: header.title, sections: reader.sections };
    programme.assign_ids();
    let source_lines: BTreeMap<MeasureId, usize> = (1..).zip(reader.row_lines.iter().copied()).collect();
    resolve_merges(&mut programme, &source_lines, &mut reader.warnings);
    Ok(ReportDocument {
        report: StatusReport {
            organisation: options.organisation.clone(),
            title: programme.title,
            year,
            round: RoundInfo { label, date },
            sections: programme.sections,
        },
        warnings: reader.warnings,
        source_lines,
        layout: None,
        entities: Vec::new(),
    })
}

/// "pr 2 sept" in 2025 → 2025-09-02.
pub fn date_from_label(label: &str, year: i32) -> Option<Date> {
    let words: Vec<String> = label
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    words.windows(2).find_map(|w| {
        let day: u8 = w[0].parse().ok()?;
        let month = phrases::MONTHS.iter().find(|(name, _)| *name == w[1])?.1;
        Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()
    })
}

/// One line of the source with what its layout says.
#[derive(Debug)]
struct Line {
    no: usize,
    /// The text split where a non-breaking space ends a cell; whitespace folded, trimmed.
    parts: Vec<String>,
    /// A cell ends at the end of this line (it ends in a non-breaking space).
    marker_end: bool,
    /// The cell wraps onto the next line (plain trailing space or a word-hyphen).
    soft: bool,
    /// Ends in `letter-`: join to the next line without a space.
    hyphen: bool,
    blank: bool,
    bullet: bool,
}

impl Line {
    fn new(no: usize, raw: &str) -> Self {
        let is_nbsp = |c: char| c == '\u{a0}' || c == '\u{202f}' || c == '\u{2007}';
        let is_ws = |c: char| c.is_whitespace();
        // Split into whitespace runs and text runs; a run with a non-breaking space that also holds a
        // plain space (or ends the line) is a cell end, other runs are plain spaces.
        let mut parts = vec![String::new()];
        let chars: Vec<char> = raw.chars().collect();
        let mut i = 0;
        let mut marker_end = false;
        while i < chars.len() {
            if is_ws(chars[i]) {
                let start = i;
                while i < chars.len() && is_ws(chars[i]) {
                    i += 1;
                }
                let run = &chars[start..i];
                let has_nbsp = run.iter().any(|c| is_nbsp(*c));
                let has_plain = run.iter().any(|c| !is_nbsp(*c));
                let at_end = i == chars.len();
                let at_start = start == 0;
                if has_nbsp && !at_start && (has_plain || at_end) {
                    if at_end {
                        marker_end = true;
                    } else {
                        parts.push(String::new());
                    }
                } else if !at_start && !at_end {
                    parts.last_mut().expect("parts is never empty").push(' ');
                }
            } else {
                parts.last_mut().expect("parts is never empty").push(chars[i]);
                i += 1;
            }
        }
        let trimmed_end = raw.trim_end_matches(is_ws);
        let ends_plain_space =
            raw.len() != trimmed_end.len() && !raw[trimmed_end.len()..].chars().any(is_nbsp);
        let hyphen = !ends_plain_space
            && trimmed_end.len() == raw.len()
            && trimmed_end.ends_with('-')
            && trimmed_end.trim_end_matches('-').chars().next_back().is_some_and(char::is_alphanumeric);
        let blank = raw.trim().is_empty();
        let mut bullet = false;
        if let Some(first) = parts.first_mut()
            && let Some(rest) = first.strip_prefix('*')
        {
            bullet = true;
            *first = rest.trim_start().to_owned();
        }
        Line { no, parts, marker_end, soft: ends_plain_space || hyphen, hyphen, blank, bullet }
    }

    fn text(&self) -> String {
        self.parts.join(" ")
    }

    /// Wraps as a title or heading: a trailing colon ends a title even before a space.
    fn soft_title(&self) -> bool {
        self.soft && !self.marker_end && !self.parts.last().is_some_and(|p| p.ends_with(':'))
    }
}

struct Header {
    line: usize,
    title: String,
    round_label: String,
    year: Option<i32>,
}

/// The cell being filled while a row is read.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Cell {
    Description,
    Comment,
}

/// A measure as read, before it is placed in the tree.
struct Row {
    line: usize,
    bullet: bool,
    title: String,
    status: Status,
    description: String,
    comment: String,
}

struct Reader<'a> {
    lines: &'a [Line],
    labels: Vec<(Vec<String>, String)>,
    pos: usize,
    sections: Vec<Section>,
    /// An area is open in the last section.
    in_area: bool,
    /// Index of the open umbrella measure in the current container.
    umbrella: Option<usize>,
    measure_count: usize,
    /// The first source line of each measure, in document order (which is id order).
    row_lines: Vec<usize>,
    warnings: Vec<Warning>,
    /// Where the last row's cells stand, for text that a later line adds to it.
    last: Option<LastRow>,
}

#[derive(Clone, Copy)]
struct LastRow {
    has_status: bool,
    has_description: bool,
    has_comment: bool,
}

impl<'a> Reader<'a> {
    fn new(lines: &'a [Line], vocabulary: &Vocabulary) -> Self {
        let labels = vocabulary
            .labels_longest_first()
            .into_iter()
            .map(|(label, key)| (label.split(' ').map(str::to_owned).collect(), key.to_owned()))
            .collect();
        Reader {
            lines,
            labels,
            pos: 0,
            sections: Vec::new(),
            in_area: false,
            umbrella: None,
            measure_count: 0,
            row_lines: Vec::new(),
            warnings: Vec::new(),
            last: None,
        }
    }

    fn warn(&mut self, line: usize, message: Message) {
        self.warnings.push(Warning { line, message });
    }

    fn skip_blank(&mut self) {
        while self.pos < self.lines.len() && self.lines[self.pos].blank {
            self.pos += 1;
        }
    }

    fn next_non_blank(&self, from: usize) -> Option<usize> {
        (from..self.lines.len()).find(|&i| !self.lines[i].blank)
    }

    fn title_line(&mut self) -> Result<Header, TextError> {
        self.skip_blank();
        let line = &self.lines[self.pos];
        let text = line.text();
        let parts: Vec<&str> = text.split([' ']).collect();
        let joined = parts.join(" ");
        let pieces: Vec<&str> = joined.split(" - ").flat_map(|p| p.split(" – ")).map(str::trim).collect();
        let keyword_ok =
            pieces.first().is_some_and(|p| phrases::TITLE_KEYWORDS.contains(&p.to_lowercase().as_str()));
        if pieces.len() < 3 || !keyword_ok {
            return Err(TextError::NoTitle { line: line.no, found: text.chars().take(80).collect() });
        }
        let title = pieces[1..pieces.len() - 1].join(" - ");
        let round_label = pieces[pieces.len() - 1].to_owned();
        let year = title
            .split(|c: char| !c.is_ascii_digit())
            .filter_map(|w| w.parse::<i32>().ok())
            .rfind(|y| (1900..=2200).contains(y));
        let header = Header { line: line.no, title, round_label, year };
        self.pos += 1;
        self.skip_blank();
        if self.pos < self.lines.len() {
            let heading = self.lines[self.pos].text().to_lowercase();
            let hits = phrases::COLUMN_HEADING_WORDS.iter().filter(|w| heading.contains(*w)).count();
            if hits >= 3 {
                self.pos += 1;
            } else {
                let no = self.lines[self.pos].no;
                self.warn(no, Message::new("warn-no-heading-line"));
            }
        }
        Ok(header)
    }

    /// Finds a status label as whole words in `text`, at word `min_word` or later.
    /// Returns (byte start, byte end, key).
    fn find_status(&self, text: &str, min_word: usize) -> Option<(usize, usize, String)> {
        let words = word_spans(text);
        for start in min_word..words.len() {
            for (label, key) in &self.labels {
                if start + label.len() > words.len() {
                    continue;
                }
                let matches = label
                    .iter()
                    .zip(&words[start..start + label.len()])
                    .all(|(l, (s, e))| text[*s..*e].to_lowercase() == *l);
                if matches {
                    return Some((words[start].0, words[start + label.len() - 1].1, key.clone()));
                }
            }
        }
        None
    }

    fn status_at_start(&self, text: &str) -> Option<(usize, usize, String)> {
        self.find_status(text, 0).filter(|(s, _, _)| *s == 0)
    }

    fn is_measure_start(&self, i: usize) -> bool {
        let line = &self.lines[i];
        if line.blank || line.bullet {
            return line.bullet;
        }
        if phrases::is_section_title(&line.text()) || starts_with_opener(&line.text()) {
            return false;
        }
        // A non-bullet row: its title paragraph ends in a cell marker, or a status follows its title.
        let mut j = i;
        loop {
            let l = &self.lines[j];
            if l.parts.len() > 1 || l.marker_end {
                return true;
            }
            if self.find_status(&l.text(), 1).is_some() {
                return true;
            }
            if !l.soft_title()
                || j + 1 >= self.lines.len()
                || self.lines[j + 1].blank
                || self.lines[j + 1].bullet
            {
                return false;
            }
            j += 1;
        }
    }

    /// Lines of a heading paragraph starting at `i`: joined while they wrap, never past a blank line.
    fn paragraph(&self, i: usize) -> (String, usize) {
        let mut text = String::new();
        let mut j = i;
        loop {
            let l = &self.lines[j];
            join_into(&mut text, &l.text(), j > i && self.lines[j - 1].hyphen);
            if !l.soft_title()
                || j + 1 >= self.lines.len()
                || self.lines[j + 1].blank
                || self.lines[j + 1].bullet
            {
                return (text, j);
            }
            j += 1;
        }
    }

    fn rows(&mut self) {
        loop {
            self.skip_blank();
            if self.pos >= self.lines.len() {
                break;
            }
            let i = self.pos;
            let line = &self.lines[i];
            if line.bullet || self.is_measure_start(i) {
                let row = self.measure_row();
                self.place(row);
                continue;
            }
            if phrases::is_section_title(&line.text()) {
                self.sections.push(Section { title: line.text(), ..Default::default() });
                self.in_area = false;
                self.umbrella = None;
                self.last = None;
                self.pos += 1;
                continue;
            }
            self.loose_paragraph();
        }
    }

    /// Text between rows: an area heading, the continuation of the row above, or its description.
    fn loose_paragraph(&mut self) {
        let i = self.pos;
        let no = self.lines[i].no;
        let text = self.lines[i].text();
        if starts_with_opener(&text) && self.last.is_some_and(|l| !l.has_comment) {
            let comment = self.read_cell(i, Cell::Comment, text).0;
            self.append_to_last(Cell::Comment, &comment);
            return;
        }
        let (heading, end) = self.paragraph(i);
        let next = self.next_non_blank(end + 1);
        let followed_by_row =
            next.is_none_or(|n| self.is_measure_start(n) || phrases::is_section_title(&self.lines[n].text()));
        let heading_like = end - i < 6 && heading.chars().count() <= 90 && !heading.ends_with('.');
        if followed_by_row && heading_like || self.last.is_none() {
            if !heading_like {
                self.warn(no, Message::new("warn-long-area-heading").arg("heading", &heading));
            }
            self.open_area(heading);
            self.pos = end + 1;
            return;
        }
        let last = self.last.expect("checked above");
        let cell = if !last.has_status && !last.has_description { Cell::Description } else { Cell::Comment };
        let text = self.read_cell(i, cell, text).0;
        if cell == Cell::Comment && last.has_comment {
            self.warn(no, Message::new("warn-added-to-comment").arg("text", short(&text)));
        } else {
            self.warn(
                no,
                Message::new(match cell {
                    Cell::Description => "warn-read-as-description",
                    Cell::Comment => "warn-read-as-comment",
                })
                .arg("text", short(&text)),
            );
        }
        self.append_to_last(cell, &text);
    }

    fn open_area(&mut self, title: String) {
        if self.sections.is_empty() {
            let no = self.lines[self.pos].no;
            self.warn(no, Message::new("warn-area-before-section"));
            self.sections.push(Section::default());
        }
        let section = self.sections.last_mut().expect("a section exists");
        section.areas.push(Area { title, owner: None, measures: Vec::new() });
        self.in_area = true;
        self.umbrella = None;
        self.last = None;
    }

    fn append_to_last(&mut self, cell: Cell, text: &str) {
        let Some(m) = self.last_measure_mut() else {
            return;
        };
        let target = match cell {
            Cell::Description => &mut m.entry.description,
            Cell::Comment => &mut m.entry.continuation.comment,
        };
        join_into(target, text, false);
        if let Some(last) = &mut self.last {
            match cell {
                Cell::Description => last.has_description = true,
                Cell::Comment => last.has_comment = true,
            }
        }
    }

    fn last_measure_mut(&mut self) -> Option<&mut Measure> {
        let in_area = self.in_area;
        let umbrella = self.umbrella;
        let section = self.sections.last_mut()?;
        let container = if in_area { &mut section.areas.last_mut()?.measures } else { &mut section.measures };
        let top = container.last_mut()?;
        if umbrella.is_some() && !top.children.is_empty() { top.children.last_mut() } else { Some(top) }
    }

    /// Reads one measure's row starting at `self.pos`: title, status, description, comment.
    fn measure_row(&mut self) -> Row {
        let start = self.pos;
        let first = &self.lines[start];
        let mut row = Row {
            line: first.no,
            bullet: first.bullet,
            title: String::new(),
            status: Status::None,
            description: String::new(),
            comment: String::new(),
        };
        let mut j = start;
        // The title: up to a cell marker, a status label, or the end of its paragraph.
        let rest: Option<(usize, String)> = loop {
            let l = &self.lines[j];
            let hyphen_before = j > start && self.lines[j - 1].hyphen;
            if l.parts.len() > 1 {
                join_into(&mut row.title, &l.parts[0], hyphen_before);
                break Some((j, l.parts[1..].join(" ")));
            }
            let text = l.text();
            if let Some((s, _, _)) = self.find_status(&text, 1) {
                join_into(&mut row.title, text[..s].trim_end(), hyphen_before);
                break Some((j, text[s..].to_owned()));
            }
            join_into(&mut row.title, &text, hyphen_before);
            let wraps = l.soft_title()
                && self
                    .lines
                    .get(j + 1)
                    .is_some_and(|n| !n.blank && !n.bullet && !phrases::is_section_title(&n.text()));
            if !wraps {
                break None;
            }
            j += 1;
        };
        self.pos = j + 1;
        match rest {
            Some((line, rest)) => {
                let rest = self.take_status(&mut row, &rest);
                self.read_cells(&mut row, line, rest);
            }
            None => {
                // The status may open the next non-blank line ("Pågående Opprettelsen av …").
                if let Some(n) = self.next_non_blank(self.pos)
                    && let Some((_, _, _)) = self.status_at_start(&self.lines[n].text())
                {
                    let rest = self.take_status(&mut row, &self.lines[n].text());
                    self.pos = n + 1;
                    self.read_cells(&mut row, n, rest);
                }
            }
        }
        row
    }

    fn take_status(&self, row: &mut Row, text: &str) -> String {
        match self.status_at_start(text) {
            Some((s, e, key)) => {
                row.status = Status::Reported { key, label: text[s..e].to_owned() };
                text[e..].trim().to_owned()
            }
            None => text.trim().to_owned(),
        }
    }

    /// Fills description and comment from `rest` (on line index `line`) and the lines after it.
    fn read_cells(&mut self, row: &mut Row, line: usize, rest: String) {
        if let Some(at) = find_opener(&rest, false) {
            row.description = rest[..at].trim().to_owned();
            row.comment = self.read_cell(line, Cell::Comment, rest[at..].trim().to_owned()).0;
            return;
        }
        let (description, comment_start) = self.read_cell(line, Cell::Description, rest);
        row.description = description;
        match comment_start {
            Some((n, text)) => row.comment = self.read_cell(n, Cell::Comment, text).0,
            None if self.pos == line + 1 && row.description.chars().count() > 60 => {
                let no = self.lines[line].no;
                self.warn(no, Message::new("warn-description-and-comment"));
            }
            None => {}
        }
    }

    /// Reads one cell that begins with `first` on line index `line` and goes on while the layout
    /// says it wraps. Leaves `self.pos` after the cell's last line. A description also returns
    /// where the comment column begins, when it runs into one.
    fn read_cell(&mut self, line: usize, cell: Cell, first: String) -> (String, Option<(usize, String)>) {
        let mut out = first;
        let mut j = line;
        loop {
            let l = &self.lines[j];
            let candidate = if l.soft {
                self.next_non_blank(j + 1)
            } else if cell == Cell::Description {
                Some(j + 1).filter(|&n| n < self.lines.len() && !self.lines[n].blank)
            } else {
                None
            };
            self.pos = j + 1;
            let Some(n) = candidate else {
                return (out.trim().to_owned(), None);
            };
            let next = &self.lines[n];
            let text = next.text();
            if next.bullet
                || phrases::is_section_title(&text)
                || self.is_measure_start(n)
                || self.status_at_start(&text).is_some()
            {
                return (out.trim().to_owned(), None);
            }
            if cell == Cell::Description {
                if starts_with_opener(&text) {
                    return (out.trim().to_owned(), Some((n, text)));
                }
                if let Some(at) = find_opener(&text, true) {
                    join_line(&mut out, text[..at].trim_end(), l.hyphen && n == j + 1, !l.soft);
                    return (out.trim().to_owned(), Some((n, text[at..].to_owned())));
                }
            }
            join_line(&mut out, &text, l.hyphen && n == j + 1, !l.soft);
            j = n;
        }
    }

    /// Puts a row in the tree: under the open umbrella, or as a measure of the area (or section).
    fn place(&mut self, row: Row) {
        if self.sections.is_empty() {
            self.warn(row.line, Message::new("warn-measure-before-section"));
            self.sections.push(Section::default());
        }
        let umbrella_title = row.title.trim_end().ends_with(':');
        let measure = Measure {
            title: row.title.clone(),
            entry: StatusEntry {
                status: row.status.clone(),
                description: row.description.clone(),
                continuation: Continuation { decision: Decision::Undecided, comment: row.comment.clone() },
                version: None,
                fields: Default::default(),
            },
            ..Default::default()
        };
        self.last = Some(LastRow {
            has_status: row.status != Status::None,
            has_description: !row.description.is_empty(),
            has_comment: !row.comment.is_empty(),
        });
        self.measure_count += 1;
        self.row_lines.push(row.line);
        let in_area = self.in_area;
        let section = self.sections.last_mut().expect("a section exists");
        let container = if in_area {
            &mut section.areas.last_mut().expect("an area is open").measures
        } else {
            &mut section.measures
        };
        match self.umbrella {
            Some(u) if !umbrella_title => {
                let parent_title = container[u].title.clone();
                container[u].children.push(measure);
                if !row.bullet {
                    self.warn(
                        row.line,
                        Message::new("warn-placed-under-umbrella")
                            .arg("title", short(&row.title))
                            .arg("umbrella", short(&parent_title)),
                    );
                }
            }
            _ => {
                container.push(measure);
                self.umbrella = umbrella_title.then_some(container.len() - 1);
            }
        }
    }
}

/// Turns each comment into its decision; "den over" means the measure just above (its sibling).
pub(crate) fn resolve_merges(
    programme: &mut Programme,
    lines: &BTreeMap<MeasureId, usize>,
    warnings: &mut Vec<Warning>,
) {
    struct Ctx<'a> {
        titles: Vec<(MeasureId, String)>,
        lines: &'a BTreeMap<MeasureId, usize>,
        warnings: &'a mut Vec<Warning>,
    }
    fn walk(siblings: &mut [Measure], ctx: &mut Ctx<'_>) {
        for i in 0..siblings.len() {
            let above = (i > 0).then(|| (siblings[i - 1].id, siblings[i - 1].title.clone()));
            let m = &mut siblings[i];
            let line = m.id.and_then(|id| ctx.lines.get(&id).copied()).unwrap_or(0);
            let warnings = &mut *ctx.warnings;
            // A decision the file states (a table's decision column) stands; a comment is read.
            if m.entry.continuation.decision != Decision::Undecided {
                walk(&mut m.children, ctx);
                continue;
            }
            m.entry.continuation.decision = crate::decision::classify(
                &m.entry.continuation.comment,
                above,
                &ctx.titles,
                &mut |message| warnings.push(Warning { line, message }),
            );
            walk(&mut m.children, ctx);
        }
    }
    let titles = programme.measures().iter().filter_map(|(_, m)| Some((m.id?, m.title.clone()))).collect();
    let mut ctx = Ctx { titles, lines, warnings };
    for s in &mut programme.sections {
        walk(&mut s.measures, &mut ctx);
        for a in &mut s.areas {
            walk(&mut a.measures, &mut ctx);
        }
    }
}

/// Folds `text` into `out` with a space (or nothing after a word-hyphen).
fn join_into(out: &mut String, text: &str, after_hyphen: bool) {
    let text = text.trim();
    if text.is_empty() {
        return;
    }
    if !out.is_empty() && !after_hyphen {
        out.push(' ');
    }
    out.push_str(text);
}

/// Joins a wrapped line (space), a hyphen-wrapped one (nothing) or a new paragraph (newline).
fn join_line(out: &mut String, text: &str, after_hyphen: bool, new_paragraph: bool) {
    if new_paragraph && !out.is_empty() {
        out.push('\n');
        out.push_str(text.trim());
    } else {
        join_into(out, text, after_hyphen);
    }
}

fn short(s: &str) -> String {
    let mut out: String = s.chars().take(60).collect();
    if s.chars().count() > 60 {
        out.push('…');
    }
    out
}

/// Byte spans of the words (runs without spaces) of `text`.
fn word_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        if c == ' ' {
            if let Some(s) = start.take() {
                spans.push((s, i));
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        spans.push((s, text.len()));
    }
    spans
}

fn bare_word(w: &str) -> String {
    w.trim_end_matches([',', '.', ':', ';', '!']).to_lowercase()
}

fn starts_with_opener(text: &str) -> bool {
    find_opener(text, true) == Some(0)
}

/// Byte offset of the first word that opens the continuation column. At a line's start any case
/// counts; later in the line only `ja`/`nei` in any case and the other openers capitalised.
fn find_opener(text: &str, at_line_start: bool) -> Option<usize> {
    word_spans(text).into_iter().enumerate().find_map(|(i, (s, e))| {
        let word = &text[s..e];
        let bare = bare_word(word);
        let any_case = phrases::COMMENT_OPENERS_ANY_CASE.contains(&bare.as_str());
        let other = phrases::COMMENT_OPENERS.contains(&bare.as_str());
        let capitalised = word.chars().next().is_some_and(char::is_uppercase);
        let hit =
            if i == 0 && at_line_start { any_case || other } else { any_case || (other && capitalised) };
        hit.then_some(s)
    })
}

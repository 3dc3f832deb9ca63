//! The board papers as Word documents (docx-rs): the status report (title, summary per area, the
//! chart, the five-column table) and the changes since the previous round. A4 landscape, headings as
//! Word headings, header rows repeated on every page, page numbers in the footer.
//!
//! docx-rs has no API for three things a board document needs: a repeated table header
//! (`w:tblHeader`), an image description (`descr`, read aloud by screen readers) and the document's
//! title and language in its properties. [`finish`] adds them to the XML docx-rs writes, each at a
//! marker that only these writers produce, and a test checks that every marker was replaced.

use std::io::Cursor;

use docx_rs::{
    AlignmentType, DocumentChild, Docx, Footer, HeightRule, PageMargin, PageNum, PageOrientationType,
    Paragraph, Pic, Run, RunFonts, Shading, SpecialIndentType, Style, StyleType, Table, TableCell,
    TableCellContent, TableChild, TableLayoutType, TableRow, TableRowChild, VMergeType, WidthType,
};
use tiltak_core::StatusReport;
use tiltak_core::status::Vocabulary;

use crate::Labels;
use crate::annual::AnnualReport;
use crate::board::{BoardReport, ChangesReport, SummaryRow};
use crate::chart;
use crate::document::ReportDocument;
use crate::document::{Problem, Problems, Source};
use crate::mapping::TableOptions;
use crate::table::SheetMeta;
use crate::table::{self, CellText, parse_report_title, read_tables};

/// A4 landscape in twentieths of a point, and the width between the margins.
const PAGE_W: u32 = 16838;
const PAGE_H: u32 = 11906;
const MARGIN: i32 = 1000;
const TEXT_W: usize = PAGE_W as usize - 2 * MARGIN as usize;
/// Area, measure, status, description, continuation.
const COLUMNS: [usize; 5] = [2300, 3000, 1500, 5038, 3000];
/// Header rows get this exact height so [`finish`] can find them and mark them as repeating.
const HEADER_HEIGHT: f32 = 401.0;
const HEADER_MARK: &str = r#"<w:trHeight w:val="401" w:hRule="atLeast" />"#;
const PIC_MARK: &str = r#"<wp:docPr id="1" name="Figure" />"#;
/// Fixed document dates: the same report gives the same bytes.
const FIXED_DATE: &str = "2000-01-01T00:00:00Z";

#[derive(Debug, thiserror::Error)]
#[error("could not write the Word document: {0}")]
pub struct DocxError(String);

pub fn write_report(
    report: &StatusReport,
    vocabulary: &Vocabulary,
    labels: &Labels,
) -> Result<Vec<u8>, DocxError> {
    write_report_with(report, vocabulary, labels, &[])
}

/// The report with the organisation's own fields `columns` as columns of its table (the
/// description column gives them its width, down to a third of it).
pub fn write_report_with(
    report: &StatusReport,
    vocabulary: &Vocabulary,
    labels: &Labels,
    columns: &[String],
) -> Result<Vec<u8>, DocxError> {
    let board = BoardReport::with_columns(report, vocabulary, labels, columns);
    let mut doc = base(board.page)
        .add_paragraph(heading(1, &board.title))
        .add_paragraph(plain(&subtitle(&board.organisation, board.date.as_deref())))
        .add_paragraph(heading(2, board.summary_caption))
        .add_table(summary_table(&board));
    let chart = chart::png(&board.summary);
    let (w, h) = (chart::WIDTH, chart::height(board.summary.len()));
    // Scale to the text width (EMU: 635 per twip).
    let emu_w = (TEXT_W as u32 * 635).min(w * 9525);
    let emu_h = (u64::from(emu_w) * u64::from(h) / u64::from(w)) as u32;
    let pic = Pic::new_with_dimensions(chart, w, h).id("rIdImage1").size(emu_w, emu_h);
    doc = doc.add_paragraph(Paragraph::new().add_run(Run::new().add_image(pic)));
    for section in &board.sections {
        doc = doc.add_paragraph(heading(2, &section.title)).add_table(report_table(&board, section));
    }
    finish(doc, &board.title, board.lang, Some(board.chart_description))
}

/// The annual report: title, the counts and chart, then per section and area the secretariat's
/// text and the lists of what was done, held, decided and continues.
pub fn write_annual(annual: &AnnualReport) -> Result<Vec<u8>, DocxError> {
    let mut doc = base(annual.page)
        .add_paragraph(heading(1, &annual.title))
        .add_paragraph(plain(&format!("{} · {}", annual.organisation, annual.basis)))
        .add_paragraph(heading(2, annual.summary_caption))
        .add_table(counts_table(
            annual.group,
            &annual.categories,
            annual.total_label,
            &annual.summary,
            &annual.total,
        ));
    let chart = chart::png(&annual.summary);
    let (w, h) = (chart::WIDTH, chart::height(annual.summary.len()));
    let emu_w = (TEXT_W as u32 * 635).min(w * 9525);
    let emu_h = (u64::from(emu_w) * u64::from(h) / u64::from(w)) as u32;
    let pic = Pic::new_with_dimensions(chart, w, h).id("rIdImage1").size(emu_w, emu_h);
    doc = doc.add_paragraph(Paragraph::new().add_run(Run::new().add_image(pic)));
    let hd = &annual.headings;
    for s in &annual.sections {
        doc = doc.add_paragraph(heading(2, &s.title));
        for p in &s.parts {
            if p.title != s.title {
                doc = doc.add_paragraph(heading(3, &p.title));
            }
            for line in p.text.split('\n').filter(|l| !l.trim().is_empty()) {
                doc = doc.add_paragraph(plain(line));
            }
            let items = |list: &[crate::annual::Item]| -> Vec<String> {
                list.iter()
                    .map(|i| {
                        // A description's lines, one space apart (a run has no line breaks).
                        let description = i.description.split_whitespace().collect::<Vec<_>>().join(" ");
                        if description.is_empty() {
                            i.title.clone()
                        } else {
                            format!("{} – {description}", i.title)
                        }
                    })
                    .collect()
            };
            let lists: [(&str, Vec<String>); 7] = [
                (hd.done, items(&p.done)),
                (hd.ongoing, items(&p.ongoing)),
                (hd.events, p.events.clone()),
                (hd.decisions, p.decisions.clone()),
                (hd.projects, p.projects.clone()),
                (hd.partners, p.partners.clone()),
                (hd.continues.as_str(), p.continues.clone()),
            ];
            // A section's own measures have no area heading: their lists are one level up.
            let level = if p.title == s.title { 3 } else { 4 };
            for (title, list) in lists.iter().filter(|(_, l)| !l.is_empty()) {
                doc = doc.add_paragraph(heading(level, title));
                for item in list {
                    doc = doc.add_paragraph(
                        Paragraph::new()
                            .indent(Some(360), Some(SpecialIndentType::Hanging(240)), None, None)
                            .add_run(Run::new().add_text(format!("• {item}"))),
                    );
                }
            }
        }
    }
    finish(doc, &annual.title, annual.lang, Some(annual.chart_description))
}

pub fn write_changes(changes: &ChangesReport) -> Result<Vec<u8>, DocxError> {
    let mut doc = base(changes.page)
        .add_paragraph(heading(1, &changes.title))
        .add_paragraph(plain(&changes.organisation))
        .add_paragraph(plain(&changes.intro));
    if !changes.rows.is_empty() {
        let h = &changes.headings;
        let widths = [3200, 1300, 4000, 6038];
        let mut rows = vec![header_row(&[h.measure, h.change, h.after, h.description], &widths)];
        for c in &changes.rows {
            let mut fields = TableCell::new().width(widths[2], WidthType::Dxa);
            for f in &c.fields {
                fields = fields.add_paragraph(
                    Paragraph::new()
                        .add_run(Run::new().add_text(format!("{}: ", f.label)).bold())
                        .add_run(Run::new().add_text(&f.before).strike())
                        .add_run(Run::new().add_text(" → "))
                        .add_run(Run::new().add_text(&f.after)),
                );
            }
            let mut description = Paragraph::new();
            for part in &c.description {
                let run = Run::new().add_text(format!("{} ", part.text));
                description = description.add_run(match part.op {
                    "del" => run.strike().color("991B1B"),
                    "ins" => run.underline("single").color("166534"),
                    _ => run,
                });
            }
            rows.push(
                TableRow::new(vec![
                    text_cell(&c.title, widths[0]),
                    text_cell(c.kind_label, widths[1]),
                    fields.add_paragraph(Paragraph::new()),
                    TableCell::new().width(widths[3], WidthType::Dxa).add_paragraph(description),
                ])
                .cant_split(),
            );
        }
        doc = doc.add_table(grid(rows, &widths));
    }
    finish(doc, &changes.title, changes.lang, None)
}

fn subtitle(organisation: &str, date: Option<&str>) -> String {
    match date {
        Some(d) => format!("{organisation} · {d}"),
        None => organisation.to_owned(),
    }
}

/// Page set-up, styles and the footer every board document shares.
fn base(page: &str) -> Docx {
    let footer = Footer::new().add_paragraph(
        Paragraph::new()
            .align(AlignmentType::Center)
            .add_run(Run::new().add_text(format!("{page} ")))
            .add_page_num(PageNum::new()),
    );
    Docx::new()
        .page_size(PAGE_W, PAGE_H)
        .page_orient(PageOrientationType::Landscape)
        .page_margin(
            PageMargin::new().top(MARGIN).bottom(MARGIN).left(MARGIN).right(MARGIN).header(500).footer(500),
        )
        .default_fonts(RunFonts::new().ascii("Calibri").hi_ansi("Calibri").cs("Calibri"))
        .default_size(20)
        .add_style(
            Style::new("Heading1", StyleType::Paragraph).name("heading 1").size(36).bold().outline_lvl(0),
        )
        .add_style(
            Style::new("Heading2", StyleType::Paragraph).name("heading 2").size(28).bold().outline_lvl(1),
        )
        .add_style(
            Style::new("Heading3", StyleType::Paragraph).name("heading 3").size(24).bold().outline_lvl(2),
        )
        .add_style(
            Style::new("Heading4", StyleType::Paragraph).name("heading 4").size(20).bold().outline_lvl(3),
        )
        .footer(footer)
        .created_at(FIXED_DATE)
        .updated_at(FIXED_DATE)
}

fn heading(level: usize, text: &str) -> Paragraph {
    Paragraph::new().style(&format!("Heading{level}")).add_run(Run::new().add_text(text))
}

fn plain(text: &str) -> Paragraph {
    Paragraph::new().add_run(Run::new().add_text(text))
}

/// A cell with one paragraph per line of `text` (an empty text still gives the one paragraph a
/// cell must have).
fn text_cell(text: &str, width: usize) -> TableCell {
    text.split('\n')
        .fold(TableCell::new().width(width, WidthType::Dxa), |cell, line| cell.add_paragraph(plain(line)))
}

fn header_row(titles: &[&str], widths: &[usize]) -> TableRow {
    TableRow::new(
        titles
            .iter()
            .zip(widths)
            .map(|(t, w)| {
                TableCell::new()
                    .width(*w, WidthType::Dxa)
                    .shading(Shading::new().fill("E5E7EB"))
                    .add_paragraph(Paragraph::new().add_run(Run::new().add_text(*t).bold()))
            })
            .collect(),
    )
    .row_height(HEADER_HEIGHT)
    .height_rule(HeightRule::AtLeast)
    .cant_split()
}

fn grid(rows: Vec<TableRow>, widths: &[usize]) -> Table {
    Table::new(rows)
        .set_grid(widths.to_vec())
        .layout(TableLayoutType::Fixed)
        .width(widths.iter().sum(), WidthType::Dxa)
}

fn summary_table(board: &BoardReport) -> Table {
    counts_table(board.group, &board.categories, board.total_label, &board.summary, &board.total)
}

/// The counts per area and category, with the total row.
fn counts_table(
    group: &str,
    categories: &[crate::board::Category],
    total_label: &str,
    summary: &[SummaryRow],
    total: &SummaryRow,
) -> Table {
    let count_w = 1500;
    let first = TEXT_W - count_w * 6;
    let mut widths = vec![first];
    widths.extend([count_w; 6]);
    let mut header = vec![
        TableCell::new()
            .width(first, WidthType::Dxa)
            .shading(Shading::new().fill("E5E7EB"))
            .add_paragraph(Paragraph::new().add_run(Run::new().add_text(group).bold())),
    ];
    for c in categories {
        header.push(
            TableCell::new()
                .width(count_w, WidthType::Dxa)
                .shading(Shading::new().fill(&c.colour[1..]))
                .add_paragraph(Paragraph::new().add_run(Run::new().add_text(c.label).bold().color("FFFFFF"))),
        );
    }
    header.push(
        TableCell::new()
            .width(count_w, WidthType::Dxa)
            .shading(Shading::new().fill("E5E7EB"))
            .add_paragraph(Paragraph::new().add_run(Run::new().add_text(total_label).bold())),
    );
    let mut rows =
        vec![TableRow::new(header).row_height(HEADER_HEIGHT).height_rule(HeightRule::AtLeast).cant_split()];
    let row = |r: &SummaryRow, bold: bool| {
        let label = Run::new().add_text(&r.label);
        let mut cells =
            vec![
                TableCell::new()
                    .width(first, WidthType::Dxa)
                    .add_paragraph(Paragraph::new().add_run(if bold { label.bold() } else { label })),
            ];
        for n in r.counts.iter().chain([&r.total]) {
            let run = Run::new().add_text(n.to_string());
            cells.push(TableCell::new().width(count_w, WidthType::Dxa).add_paragraph(
                Paragraph::new().align(AlignmentType::Right).add_run(if bold { run.bold() } else { run }),
            ));
        }
        TableRow::new(cells).cant_split()
    };
    for r in summary {
        rows.push(row(r, false));
    }
    rows.push(row(total, true));
    grid(rows, &widths)
}

fn report_table(board: &BoardReport, section: &crate::board::TableSection) -> Table {
    let h = &board.headings;
    let n = h.fields.len();
    let field_w = (COLUMNS[3] * 2 / 3).checked_div(n).unwrap_or(0).min(1800);
    let mut widths = COLUMNS.to_vec();
    widths[3] -= field_w * n;
    widths.extend(std::iter::repeat_n(field_w, n));
    let mut headings = vec![h.area, h.measure, h.status, h.description, h.continuation.as_str()];
    headings.extend(h.fields.iter().map(String::as_str));
    let mut rows = vec![header_row(&headings, &widths)];
    // Rows under an area continue its merged cell; section-level measures have an empty one.
    let mut area_left = 0;
    for r in &section.rows {
        let area = match &r.area {
            Some(title) => {
                area_left = r.area_rows - 1;
                let cell = text_cell(title, COLUMNS[0]);
                if r.area_rows > 1 { cell.vertical_merge(VMergeType::Restart) } else { cell }
            }
            None if area_left > 0 => {
                area_left -= 1;
                TableCell::new()
                    .width(COLUMNS[0], WidthType::Dxa)
                    .vertical_merge(VMergeType::Continue)
                    .add_paragraph(Paragraph::new())
            }
            None => text_cell("", COLUMNS[0]),
        };
        let title = if r.depth > 0 {
            Paragraph::new()
                .indent(Some(360 * r.depth as i32), Some(SpecialIndentType::Hanging(200)), None, None)
                .add_run(Run::new().add_text(format!("• {}", r.title)))
        } else {
            plain(&r.title)
        };
        rows.push(
            TableRow::new(
                vec![
                    area,
                    TableCell::new().width(COLUMNS[1], WidthType::Dxa).add_paragraph(title),
                    text_cell(&r.status, COLUMNS[2]),
                    text_cell(&r.description, widths[3]),
                    text_cell(&r.comment, COLUMNS[4]),
                ]
                .into_iter()
                .chain(r.fields.iter().map(|v| text_cell(v, field_w)))
                .collect(),
            )
            .cant_split(),
        );
    }
    grid(rows, &widths)
}

/// Builds the package, adds what docx-rs cannot say (see the module comment) and zips it.
fn finish(doc: Docx, title: &str, lang: &str, image_description: Option<&str>) -> Result<Vec<u8>, DocxError> {
    let mut xml = doc.build();
    let mut document = String::from_utf8(xml.document).map_err(|e| DocxError(e.to_string()))?;
    document = document.replace(HEADER_MARK, &format!("<w:tblHeader />{HEADER_MARK}"));
    if let Some(descr) = image_description {
        document = document
            .replace(PIC_MARK, &format!(r#"<wp:docPr id="1" name="Figure" descr="{}" />"#, escape(descr)));
    }
    xml.document = document.into_bytes();
    let lang_tag = match lang {
        "nb" => "nb-NO",
        "nn" => "nn-NO",
        _ => "en-GB",
    };
    let styles = String::from_utf8(xml.styles).map_err(|e| DocxError(e.to_string()))?;
    // The default run language, so spelling and screen readers use Norwegian (or English).
    xml.styles = styles
        .replacen(
            "<w:rPrDefault><w:rPr>",
            &format!(r#"<w:rPrDefault><w:rPr><w:lang w:val="{lang_tag}" />"#),
            1,
        )
        .into_bytes();
    let core = String::from_utf8(xml.doc_props.core).map_err(|e| DocxError(e.to_string()))?;
    xml.doc_props.core = core
        .replace(
            "</cp:coreProperties>",
            &format!(
                "<dc:title>{}</dc:title><dc:language>{lang_tag}</dc:language></cp:coreProperties>",
                escape(title)
            ),
        )
        .into_bytes();
    let mut out = Cursor::new(Vec::new());
    xml.pack(&mut out).map_err(|e| DocxError(e.to_string()))?;
    Ok(out.into_inner())
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Reads the tables of a Word document through `options`' mapping (see [`crate::table`]). The
/// section of each table is the heading above it; year and round come from `meta`, or from a
/// title paragraph "Status – {programme} – {round}" as Tiltak writes it.
pub fn read(
    bytes: &[u8],
    vocabulary: &Vocabulary,
    meta: &SheetMeta,
    options: &TableOptions,
) -> Result<ReportDocument, Problems> {
    crate::unzip::check(bytes).map_err(|e| Problem::file(e.message("file-not-docx")))?;
    let doc = docx_rs::read_docx(bytes)
        .map_err(|e| Problem::file(tiltak_i18n::Message::new("file-not-docx").arg("detail", e)))?;
    let mut meta = meta.clone();
    let mut tables = Vec::new();
    let mut last_heading: Option<String> = None;
    let mut last_paragraph: Option<String> = None;
    let mut table_number = 0;
    for child in &doc.document.children {
        match child {
            DocumentChild::Paragraph(p) => {
                let text = p.raw_text().trim().to_owned();
                if text.is_empty() {
                    continue;
                }
                if let Some((programme, round, year)) = parse_report_title(&text) {
                    if meta.title.is_empty() {
                        meta.title = programme;
                    }
                    if meta.round.is_none() {
                        meta.round = Some(round);
                    }
                    meta.year = meta.year.or(year);
                    continue;
                }
                let style = p.property.style.as_ref().map(|s| s.val.to_lowercase()).unwrap_or_default();
                if style.starts_with("heading") || style.starts_with("overskrift") || style == "title" {
                    last_heading = Some(text.clone());
                }
                last_paragraph = Some(text);
            }
            DocumentChild::Table(t) => {
                table_number += 1;
                let rows = table_rows(t);
                let section = last_heading
                    .clone()
                    .or_else(|| last_paragraph.clone())
                    .unwrap_or_else(|| table::default_section(&meta.title));
                tables.push(table::Table { source: Source::Table(table_number), section, rows });
            }
            _ => {}
        }
    }
    read_tables(&tables, vocabulary, &meta, options)
}

fn table_rows(t: &docx_rs::Table) -> Vec<Vec<CellText>> {
    t.rows
        .iter()
        .map(|TableChild::TableRow(row)| {
            let mut cells = Vec::new();
            for TableRowChild::TableCell(cell) in &row.cells {
                // docx-rs keeps a cell's properties private; its serde form says merge and span.
                let property = serde_json::to_value(&cell.property).unwrap_or_default();
                let continues = property.get("verticalMerge").and_then(|v| v.as_str()) == Some("continue");
                let span = property.get("gridSpan").and_then(|v| v.as_u64()).unwrap_or(1).max(1);
                let mut lines = Vec::new();
                let mut depth = 0;
                for content in &cell.children {
                    if let TableCellContent::Paragraph(p) = content {
                        if lines.is_empty() {
                            let indent = p.property.indent.as_ref().and_then(|i| i.start).unwrap_or(0);
                            if p.property.numbering_property.is_some() {
                                depth = 1;
                            }
                            if indent >= 300 {
                                depth = (indent / 360).max(1) as usize;
                            }
                        }
                        lines.push(p.raw_text());
                    }
                }
                while lines.last().is_some_and(|l| l.trim().is_empty()) {
                    lines.pop();
                }
                cells.push(CellText { text: lines.join("\n"), continues, depth, span: span as usize });
                for _ in 1..span {
                    cells.push(CellText::default());
                }
            }
            cells
        })
        .collect()
}

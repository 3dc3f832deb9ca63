//! The status report as Markdown, in the five-column layout of the board papers.

use tiltak_core::Measure;

use crate::labels::Labels;
use tiltak_core::StatusReport;

pub fn write(doc: &StatusReport, labels: &Labels) -> String {
    let mut out = format!("# {}\n", escape(&labels.report_title(&doc.title, &doc.round.label)));
    for section in &doc.sections {
        out.push_str(&format!("\n## {}\n\n", cell(&section.title)));
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n|---|---|---|---|---|\n",
            labels.area,
            labels.measure,
            labels.status,
            labels.description,
            labels.continue_next_year(doc.year)
        ));
        let mut rows = Vec::new();
        for m in &section.measures {
            rows_of(m, 0, "", &mut rows);
        }
        for area in &section.areas {
            let mut first = true;
            for m in &area.measures {
                rows_of(m, 0, if first { &area.title } else { "" }, &mut rows);
                first = false;
            }
            if area.measures.is_empty() {
                rows.push(format!("| {} |  |  |  |  |", cell(&area.title)));
            }
        }
        for r in rows {
            out.push_str(&r);
            out.push('\n');
        }
    }
    out
}

fn rows_of(m: &Measure, depth: usize, area: &str, rows: &mut Vec<String>) {
    let indent = "&emsp;".repeat(depth);
    let bullet = if depth > 0 { "• " } else { "" };
    rows.push(format!(
        "| {} | {indent}{bullet}{} | {} | {} | {} |",
        cell(area),
        cell(&m.title),
        cell(m.entry.status.label()),
        cell(&m.entry.description),
        cell(&m.entry.continuation.comment)
    ));
    for c in &m.children {
        rows_of(c, depth + 1, "", rows);
    }
}

/// A table cell: pipes escaped, line breaks as `<br>`, HTML-significant characters escaped.
/// Data as Markdown text that shows as written: HTML is escaped, and so is every character that
/// would start Markdown markup (links, emphasis, code, headings), so nobody's text becomes a link
/// or markup in the board's copy.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '|' | '!' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// A table cell: escaped, line breaks as `<br>`.
fn cell(s: &str) -> String {
    escape(s).replace('\n', "<br>")
}

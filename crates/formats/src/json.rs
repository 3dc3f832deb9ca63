//! The JSON form of a status report: what `import --dry-run --format json` prints and `export
//! --format json` writes, read back with errors that name the JSON path.

use tiltak_core::status::Vocabulary;
use tiltak_core::{Measure, ProgrammeError, StatusReport};

use tiltak_i18n::Message;

use crate::document::{Problem, ReportDocument};

#[derive(Debug, thiserror::Error)]
pub enum JsonError {
    /// Not the JSON shape of a report; `detail` is the JSON reader's own (English) words, for
    /// logs; people are told what kind of fault it is and where.
    #[error("not valid JSON for a status report at {path} (line {line}, column {column}): {detail}")]
    Shape { path: String, detail: String, category: serde_json::error::Category, line: usize, column: usize },
    #[error("{path}: {message}")]
    Invalid { path: String, message: Message },
    #[error("{0}")]
    Tree(#[from] ProgrammeError),
}

impl JsonError {
    pub fn problem(&self) -> Problem {
        let at = |path: &str| {
            Message::new("file-place-json").arg("path", if path.is_empty() { "." } else { path })
        };
        match self {
            JsonError::Shape { path, category, line, column, .. } => {
                use serde_json::error::Category;
                let message = match category {
                    Category::Eof => Message::new("file-json-eof"),
                    Category::Syntax | Category::Io => Message::new("file-json-syntax"),
                    Category::Data => Message::new("file-json-shape"),
                };
                Problem::new(at(path), message.arg("line", line).arg("column", column))
            }
            JsonError::Invalid { path, message } => Problem::new(at(path), message.clone()),
            JsonError::Tree(e) => Problem::file(tiltak_i18n::programme_error(e)),
        }
    }
}

/// Pretty JSON with a final newline; the same document always gives the same bytes.
pub fn write(doc: &ReportDocument) -> String {
    let mut out = serde_json::to_string_pretty(doc).expect("a report document always serialises");
    out.push('\n');
    out
}

/// Reads a document and checks it against the organisation's vocabulary and the tree's rules.
/// Measures without an id get the next free one; merge targets are resolved by id (or unique title).
pub fn read(bytes: &[u8], vocabulary: &Vocabulary) -> Result<ReportDocument, JsonError> {
    // Read the report itself first: a flattened wrapper would hide the path of an error.
    let shape = |e: serde_path_to_error::Error<serde_json::Error>| JsonError::Shape {
        path: e.path().to_string(),
        detail: e.inner().to_string(),
        category: e.inner().classify(),
        line: e.inner().line(),
        column: e.inner().column(),
    };
    let report: StatusReport =
        serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_slice(bytes)).map_err(shape)?;
    let mut doc = ReportDocument::from(report);
    // The linked entities, read on their own so that their errors name their path.
    #[derive(serde::Deserialize)]
    struct Entities {
        #[serde(default)]
        entities: Vec<crate::document::LinkedEntity>,
    }
    let entities: Entities =
        serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_slice(bytes)).map_err(shape)?;
    for (i, linked) in entities.entities.into_iter().enumerate() {
        let entity = linked.entity.checked().map_err(|p| JsonError::Invalid {
            path: format!("entities[{i}]"),
            message: Message::new(p.key()),
        })?;
        doc.entities.push(crate::document::LinkedEntity { entity, measures: linked.measures });
    }
    for (si, s) in doc.sections.iter().enumerate() {
        for (mi, m) in s.measures.iter().enumerate() {
            check_measure(m, &format!("sections[{si}].measures[{mi}]"), vocabulary)?;
        }
        for (ai, a) in s.areas.iter().enumerate() {
            if a.title.trim().is_empty() {
                return Err(JsonError::Invalid {
                    path: format!("sections[{si}].areas[{ai}].title"),
                    message: Message::new("file-area-title-needed"),
                });
            }
            for (mi, m) in a.measures.iter().enumerate() {
                check_measure(m, &format!("sections[{si}].areas[{ai}].measures[{mi}]"), vocabulary)?;
            }
        }
    }
    let mut programme = doc.report.programme();
    programme.validate()?;
    programme.assign_ids();
    programme.resolve_merge_targets();
    programme.validate()?;
    doc.report.sections = programme.sections;
    Ok(doc)
}

fn check_measure(m: &Measure, path: &str, vocabulary: &Vocabulary) -> Result<(), JsonError> {
    if m.title.trim().is_empty() {
        return Err(JsonError::Invalid {
            path: format!("{path}.title"),
            message: Message::new("file-title-needed"),
        });
    }
    vocabulary.status(m.entry.status.key(), m.entry.status.label()).map_err(|_| JsonError::Invalid {
        path: format!("{path}.status.key"),
        message: Message::new("file-status-key-unknown")
            .arg("value", m.entry.status.key())
            .arg("keys", vocabulary.kinds.iter().map(|k| k.key.as_str()).collect::<Vec<_>>().join(", ")),
    })?;
    for (ci, c) in m.children.iter().enumerate() {
        check_measure(c, &format!("{path}.children[{ci}]"), vocabulary)?;
    }
    Ok(())
}

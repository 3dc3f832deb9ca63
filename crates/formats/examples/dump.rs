fn main() {
    let path = std::env::args().nth(1).unwrap();
    let bytes = std::fs::read(path).unwrap();
    let doc = tiltak_formats::report_text::parse_bytes(
        &bytes,
        &tiltak_core::Vocabulary::default_nb(),
        &Default::default(),
    )
    .unwrap();
    println!("{} | {} | {:?}", doc.title, doc.year, doc.round);
    for (p, m) in doc.programme().measures() {
        println!(
            "{:>2} {}{} / {} | [{}] {:?} | D: {:?} | C: {} {:?}",
            m.id.unwrap(),
            "  ".repeat(p.depth),
            p.section,
            p.area.unwrap_or("-"),
            m.entry.status.label(),
            m.title,
            m.entry.description,
            m.entry.continuation.decision.kind().key(),
            m.entry.continuation.comment
        );
    }
    for w in doc.warnings {
        println!("W {}: {}", w.line, w.message);
    }
}

//! Generated programmes, rendered into the flattened layout of a PDF's text (wrapped cells, with and
//! without non-breaking spaces, blank statuses, umbrellas with sub-measures, comments inline or
//! below), read back to the same tree.

use proptest::prelude::*;
use tiltak_core::round::{Continuation, Decision, MergeTarget, StatusEntry};
use tiltak_core::{Area, Measure, Programme, Section, Status, Vocabulary};
use tiltak_formats::report_text::{self, TextOptions};

/// SplitMix64: the test draws its whole programme from one seed that proptest chooses.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    fn words(&mut self, list: &[&str], min: usize, max: usize) -> String {
        let n = min + self.below(max - min + 1);
        (0..n).map(|_| *self.pick(list)).collect::<Vec<_>>().join(" ")
    }
}

// Plain words: no status label, no comment opener, no section name among them.
const WORDS: &[&str] = &[
    "utvikle",
    "kunnskapsgrunnlag",
    "regionen",
    "samarbeid",
    "kommunene",
    "arealplanlegging",
    "transport",
    "næringsliv",
    "Osloregionen",
    "fylkeskommunene",
    "strategi",
    "mobilitet",
    "energi",
    "kartlegge",
    "felles",
    "verktøy",
    "bærekraftig",
    "digitale",
    "løsninger",
    "for",
    "og",
    "med",
    "om",
    "i",
    "på",
    "til",
    "av",
    "workshop",
    "webinar",
    "2025",
    "18",
    "mars",
    "KS",
    "Sintef",
    "(se",
    "over)",
    "innspill",
    "E-kurs",
    "Arendalsuka",
    "prosjekt",
    "planlegging",
    "oppfølging",
    "kapasitet",
    "behov",
    "arr",
    "vurderes",
];
const AREA_WORDS: &[&str] =
    &["Klima", "Transport", "Energi", "Næring", "Kultur", "Helse", "Miljø", "Bolig", "Vann"];
const SECTIONS: &[&str] =
    &["Politiske prioriteringer", "Overordna strategier:", "Innsatsområder", "Tverrgående temaer"];
const STATUS_SPELLINGS: &[(&str, &str)] = &[
    ("ongoing", "Pågående"),
    ("ongoing", "pågående"),
    ("not_started", "Ikke påbegynt"),
    ("started", "påbegynt"),
    ("started", "delvis påbegynt"),
    ("partly_done", "Delvis gjennomført"),
    ("done", "Gjennomført"),
    ("will_not_be_done", "Blir ikke gjennomført"),
];
const MARKERS: &[&str] = &["\u{a0}", "\u{a0}\u{a0}", "\u{202f}\u{a0}", " \u{a0}"];

fn comment(rng: &mut Rng, has_above: bool) -> (String, Decision) {
    let words = rng.words(WORDS, 1, 8);
    match rng.below(9) {
        0 => ("ja".into(), Decision::Yes),
        1 => (format!("ja, {words}"), Decision::Yes),
        2 => (format!("Ja, {words}"), Decision::Yes),
        3 => (format!("Nei, {words}"), Decision::No),
        4 => (format!("Hvis {words}"), Decision::Conditional { condition: words }),
        5 if has_above => (
            "Bør slås sammen med den over".into(),
            Decision::Merge { into: MergeTarget { id: None, title: String::new() } },
        ),
        6 => (format!("Bør {words}"), Decision::Undecided),
        7 => ("Prosjektperioden er 2025-26".into(), Decision::Undecided),
        _ => (String::new(), Decision::Undecided),
    }
}

fn measure(rng: &mut Rng, umbrella: bool, has_above: bool) -> Measure {
    let mut title = rng.words(WORDS, 2, 14);
    title = format!("{}{}", title[..1].to_uppercase(), &title[1..]);
    if umbrella {
        title.push_str(", f.eks:");
    }
    let status = if rng.chance(80) {
        let (key, label) = *rng.pick(STATUS_SPELLINGS);
        Status::Reported { key: key.into(), label: label.into() }
    } else {
        Status::None
    };
    let mut description = if rng.chance(80) { rng.words(WORDS, 1, 25) } else { String::new() };
    if status != Status::None && !description.is_empty() && rng.chance(15) {
        description = format!("gjennomført {description}");
    }
    let (comment, decision) = comment(rng, has_above);
    let children = if umbrella {
        let n = 1 + rng.below(4);
        (0..n).map(|i| measure(rng, false, i > 0)).collect()
    } else {
        Vec::new()
    };
    Measure {
        title,
        entry: StatusEntry {
            status,
            description,
            continuation: Continuation { decision, comment },
            version: None,
            fields: Default::default(),
        },
        children,
        ..Default::default()
    }
}

fn programme(rng: &mut Rng) -> Programme {
    let mut sections = Vec::new();
    let mut titles: Vec<&str> = SECTIONS.to_vec();
    for _ in 0..1 + rng.below(3) {
        let title = titles.remove(rng.below(titles.len()));
        let mut section = Section { title: title.into(), ..Default::default() };
        let group = |rng: &mut Rng| -> Vec<Measure> {
            // Nothing in the layout ends an umbrella but the next umbrella, area or section, so
            // plain measures come before the umbrellas of their area.
            let n = 1 + rng.below(4);
            let umbrellas = rng.below(n + 1);
            (0..n).map(|i| measure(rng, i >= n - umbrellas, i > 0)).collect()
        };
        if rng.chance(30) {
            section.measures = group(rng);
        } else {
            for _ in 0..1 + rng.below(3) {
                let mut t = rng.words(AREA_WORDS, 1, 4);
                if rng.chance(50) {
                    t.push(':');
                }
                section.areas.push(Area { title: t, owner: None, measures: group(rng) });
            }
        }
        sections.push(section);
    }
    let mut p = Programme { year: 2025, title: "Handlingsprogram 2025".into(), sections };
    p.assign_ids();
    // "den over" is the sibling just above.
    fn link(siblings: &mut [Measure]) {
        for i in 0..siblings.len() {
            let above = (i > 0).then(|| (siblings[i - 1].id, siblings[i - 1].title.clone()));
            if let Decision::Merge { into } = &mut siblings[i].entry.continuation.decision {
                let (id, title) = above.expect("merge only with a measure above");
                *into = MergeTarget { id, title };
            }
            link(&mut siblings[i].children);
        }
    }
    for s in &mut p.sections {
        link(&mut s.measures);
        for a in &mut s.areas {
            link(&mut a.measures);
        }
    }
    p
}

/// Greedy wrap; every line but the last keeps a trailing space, as the PDF's text does.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for w in text.split(' ') {
        let line = lines.last_mut().unwrap();
        if !line.is_empty() && line.chars().count() + 1 + w.chars().count() > width {
            line.push(' ');
            lines.push(String::new());
        }
        let line = lines.last_mut().unwrap();
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(w);
    }
    lines
}

fn render_measure(m: &Measure, bullet: bool, rng: &mut Rng, out: &mut Vec<String>) {
    let width = 45 + rng.below(35);
    let has_status = m.entry.status != Status::None;
    // A row's title must end visibly: a non-breaking space, or a status after it.
    let nbsp = !bullet || !has_status && !m.entry.description.is_empty() || rng.chance(70);
    let mut title = wrap(&m.title, width);
    if bullet {
        title[0] = format!("* {}", title[0]);
    }
    let last_title = title.pop().unwrap();
    out.extend(title);
    let marker = if nbsp { *rng.pick(MARKERS) } else { "" };
    let desc_lines =
        if m.entry.description.is_empty() { Vec::new() } else { wrap(&m.entry.description, width) };
    let separate = has_status && rng.chance(40);
    let mut head = String::new();
    if has_status {
        head.push_str(m.entry.status.label());
    }
    let mut body = desc_lines;
    if let Some(first) = body.first_mut() {
        // The first description line goes after the status; a soft wrap may leave a blank line.
        if !head.is_empty() {
            head.push(' ');
        }
        head.push_str(first);
        body.remove(0);
    }
    if separate {
        out.push(format!("{last_title}{marker}"));
        out.push(String::new());
    } else if head.is_empty() {
        out.push(format!("{last_title}{marker}"));
    } else {
        out.push(format!("{last_title}{marker} {head}"));
        head.clear();
    }
    if !head.is_empty() {
        out.push(head);
    }
    for line in body {
        if out.last().unwrap().ends_with(' ') && rng.chance(20) {
            out.push(String::new());
        }
        out.push(line);
    }
    let comment = &m.entry.continuation.comment;
    if !comment.is_empty() {
        let mut lines = wrap(comment, width);
        let last = out.last_mut().unwrap();
        let inline = !last.is_empty()
            && !last.ends_with(' ')
            && rng.chance(40)
            && (has_status || !m.entry.description.is_empty() || nbsp);
        if inline {
            last.push(' ');
            last.push_str(&lines.remove(0));
        } else if rng.chance(50) {
            out.push(String::new());
        }
        out.extend(lines);
    }
    // A cell's last line ends hard.
    let last = out.last_mut().unwrap();
    *last = last.trim_end_matches(' ').to_owned();
    if rng.chance(60) {
        out.push(String::new());
    }
    for c in &m.children {
        render_measure(c, true, rng, out);
    }
}

fn render(p: &Programme, rng: &mut Rng) -> String {
    let mut out = vec![
        " Status - Handlingsprogram 2025 - pr 2 sept".to_owned(),
        String::new(),
        "Innsatsområde/tverrgående temaTiltak Status Beskrivelse Bør videreføres 2026?".into(),
        String::new(),
    ];
    for s in &p.sections {
        out.push(s.title.clone());
        for m in &s.measures {
            render_measure(m, m.children.is_empty(), rng, &mut out);
        }
        for a in &s.areas {
            if !out.last().unwrap().is_empty() {
                out.push(String::new());
            }
            out.extend(wrap(&a.title, 12 + rng.below(20)));
            if rng.chance(50) {
                out.push(String::new());
            }
            for m in &a.measures {
                render_measure(m, m.children.is_empty(), rng, &mut out);
            }
        }
        if rng.chance(50) {
            out.push(String::new());
        }
    }
    out.join("\n")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn rendered_programmes_read_back_to_the_same_tree(seed in any::<u64>()) {
        let mut rng = Rng(seed);
        let p = programme(&mut rng);
        let text = render(&p, &mut rng);
        let doc = report_text::parse(&text, &Vocabulary::default_nb(), &TextOptions::default())
            .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        let read = doc.programme();
        prop_assert_eq!(read.measure_count(), p.measure_count(), "{}", text);
        for ((_, a), (_, b)) in read.measures().iter().zip(p.measures().iter()) {
            prop_assert_eq!(&a.title, &b.title, "{}", text);
            prop_assert_eq!(&a.entry, &b.entry, "title {:?}\n{}", a.title, text);
            prop_assert_eq!(a.children.len(), b.children.len(), "{}", text);
        }
        prop_assert_eq!(read, p, "{}", text);
    }
}

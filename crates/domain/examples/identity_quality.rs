//! Precision and recall of the identity check's two bands on the fixture
//! of French name variants (`tests/fixtures/identity/pairs.csv`): each pair
//! is the same mother or two, and the score of `nido_domain::identity`
//! ranks it probable, possible or neither. Prints the figures and fails
//! below those `docs/identity.md` documents (CI runs it):
//!
//!     cargo run -p nido-domain --example identity_quality

use std::process::ExitCode;

use chrono::NaiveDate;
use nido_domain::identity::{Identity, POSSIBLE, PROBABLE, score};

/// The figures `docs/identity.md` documents: below them, the check got worse.
const MIN_PROBABLE_PRECISION: f64 = 1.0;
const MIN_PROBABLE_RECALL: f64 = 0.93;
const MIN_POSSIBLE_PRECISION: f64 = 0.93;
const MIN_POSSIBLE_RECALL: f64 = 1.0;

fn date(raw: &str) -> NaiveDate {
    raw.parse()
        .unwrap_or_else(|_| panic!("the fixture's date {raw} is not a date"))
}

fn identity(row: &csv::StringRecord, at: usize) -> Identity {
    let optional = |raw: &str| (!raw.is_empty()).then(|| raw.to_owned());
    Identity {
        last_name: row[at].to_owned(),
        birth_last_name: optional(&row[at + 1]),
        first_name: row[at + 2].to_owned(),
        birth_date: date(&row[at + 3]),
        children_births: row[at + 4]
            .split('|')
            .filter(|raw| !raw.is_empty())
            .map(date)
            .collect(),
    }
}

/// Precision and recall of the pairs scored at or above `threshold`.
fn measure(scored: &[(bool, f64, String)], threshold: f64) -> (f64, f64) {
    let flagged = scored.iter().filter(|(_, s, _)| *s >= threshold).count();
    let hits = scored
        .iter()
        .filter(|(same, s, _)| *same && *s >= threshold)
        .count();
    let same = scored.iter().filter(|(same, _, _)| *same).count();
    let ratio = |a: usize, b: usize| if b == 0 { 1.0 } else { a as f64 / b as f64 };
    (ratio(hits, flagged), ratio(hits, same))
}

fn main() -> ExitCode {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/identity/pairs.csv"
    );
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_path(path)
        .expect("the fixture opens");
    let mut scored = Vec::new();
    for row in reader.records() {
        let row = row.expect("a row of the fixture");
        let same = match &row[0] {
            "same" => true,
            "different" => false,
            other => panic!("expected same or different, got {other}"),
        };
        let s = score(&identity(&row, 1), &identity(&row, 6));
        scored.push((same, s, row[11].to_owned()));
    }
    println!("{:<10} {:>6}  case", "expected", "score");
    for (same, s, case) in &scored {
        let band = if *s >= PROBABLE {
            "probable"
        } else if *s >= POSSIBLE {
            "possible"
        } else {
            "-"
        };
        let expected = if *same { "same" } else { "different" };
        println!("{expected:<10} {s:>6.3}  {band:<8} {case}");
    }
    let (probable_precision, probable_recall) = measure(&scored, PROBABLE);
    let (possible_precision, possible_recall) = measure(&scored, POSSIBLE);
    println!(
        "\n{} pairs: probable (≥ {PROBABLE}) precision {probable_precision:.3} recall {probable_recall:.3}; \
         possible (≥ {POSSIBLE}) precision {possible_precision:.3} recall {possible_recall:.3}",
        scored.len()
    );
    let below = [
        (
            "probable precision",
            probable_precision,
            MIN_PROBABLE_PRECISION,
        ),
        ("probable recall", probable_recall, MIN_PROBABLE_RECALL),
        (
            "possible precision",
            possible_precision,
            MIN_POSSIBLE_PRECISION,
        ),
        ("possible recall", possible_recall, MIN_POSSIBLE_RECALL),
    ]
    .into_iter()
    .filter(|(_, got, min)| got < min)
    .map(|(what, got, min)| format!("{what} {got:.3} is below {min}"))
    .collect::<Vec<_>>();
    if below.is_empty() {
        ExitCode::SUCCESS
    } else {
        eprintln!("{}", below.join("; "));
        ExitCode::FAILURE
    }
}

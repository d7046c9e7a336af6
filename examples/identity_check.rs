//! How long the duplicate check of a new referral takes among 10,000
//! files (SPEC "Identity and duplicates"; `docs/identity.md`), against a
//! bare reference run side by side in the same process: the read of one
//! family by its primary key, the cheapest read a request makes.
//!
//! It makes a fresh SQLite centre in a temporary directory (or uses the
//! PostgreSQL database `NIDO_BENCH_DATABASE_URL` names, migrated, which
//! must hold no family), writes `FILES` fictional mothers through the
//! repository (each with her identity keys, as a referral writes them),
//! refreshes the planner's statistics (`ANALYZE`, as a centre in use has
//! them), then, for `CHECKS` new mothers (one in four spelled like a file's, the
//! others new), times `nido_cases::identity::check` and the reference
//! read, alternately, and prints both, their ratio and what the check
//! found.
//!
//! Run: `cargo run --release --example identity_check` (or without
//! `--release`: the ratio holds, the times are the debug build's).

use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate};
use nido::Settings;
use nido_cases::Caller;
use nido_domain::Role;
use nido_domain::family::Mother;
use nido_domain::identity::Identity;
use nido_persistence::{ConnectionTrait, begin_write, families};
use uuid::Uuid;

const FILES: usize = 10_000;
const CHECKS: usize = 400;
const PER_TRANSACTION: usize = 500;

const FIRST: [&str; 24] = [
    "Awa",
    "Aminata",
    "Fatoumata",
    "Mariam",
    "Sarah",
    "Inès",
    "Yasmine",
    "Nour",
    "Léa",
    "Chloé",
    "Ana",
    "Ioana",
    "Oksana",
    "Thi Hoa",
    "Khadija",
    "Samira",
    "Hawa",
    "Kadiatou",
    "Bintou",
    "Élodie",
    "Jessica",
    "Naïma",
    "Farida",
    "Rokia",
];
const LAST: [&str; 40] = [
    "Diallo",
    "Traoré",
    "Koné",
    "Camara",
    "Keïta",
    "Coulibaly",
    "Sissoko",
    "Fofana",
    "Touré",
    "Cissé",
    "Martin",
    "Bernard",
    "Dubois",
    "Lefèvre",
    "Leroy",
    "Moreau",
    "Girard",
    "Garnier",
    "Nguyen",
    "Tran",
    "Pham",
    "Da Silva",
    "Oliveira",
    "Pereira",
    "Ferreira",
    "Benali",
    "Belkacem",
    "Haddad",
    "Cherif",
    "Amrani",
    "Bennani",
    "El Idrissi",
    "Popescu",
    "Petrenko",
    "Kaya",
    "Yilmaz",
    "N'Diaye",
    "Sow",
    "Ba",
    "Mendy",
];

/// A small seeded generator: the same centre every run.
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

fn mother(dice: &mut Dice) -> Mother {
    let born =
        NaiveDate::from_ymd_opt(1985, 1, 1).expect("a day") + Days::new(dice.below(9_000) as u64);
    Mother {
        first_name: FIRST[dice.below(FIRST.len())].to_owned(),
        last_name: LAST[dice.below(LAST.len())].to_owned(),
        birth_last_name: None,
        birth_date: born,
        birth_place: None,
        phone: None,
        email: None,
    }
}

fn mean_and_p95(mut times: Vec<Duration>) -> (f64, f64) {
    times.sort_unstable();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let mean = times.iter().copied().map(ms).sum::<f64>() / times.len() as f64;
    let p95 = ms(times[(times.len() * 95 / 100).min(times.len() - 1)]);
    (mean, p95)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let data_dir = tempfile::TempDir::new()?;
    let mut settings = Settings::load_from(std::path::Path::new("config"), "test")?;
    settings.data_dir = data_dir.path().to_owned();
    settings.database_url = std::env::var("NIDO_BENCH_DATABASE_URL")
        .ok()
        .map(Into::into);
    let databases = nido::startup::open_databases(&settings).await?;
    let cases = nido::startup::use_cases(&settings, &databases).await?;
    if !families::list(
        &cases.db,
        nido_persistence::need_to_know::Reader::Everyone,
        None,
        1,
    )
    .await?
    .is_empty()
    {
        anyhow::bail!("the database holds families already: give an empty one");
    }
    let mut dice = Dice(26);
    let started = Instant::now();
    let mut mothers = Vec::with_capacity(FILES);
    let mut ids = Vec::with_capacity(FILES);
    for chunk in 0..FILES.div_ceil(PER_TRANSACTION) {
        let txn = begin_write(&cases.writer).await?;
        for _ in 0..PER_TRANSACTION.min(FILES - chunk * PER_TRANSACTION) {
            let mother = mother(&mut dice);
            ids.push(
                families::insert(
                    &txn,
                    nido_domain::site::FIRST_SITE,
                    &mother,
                    &[],
                    cases.now(),
                )
                .await?,
            );
            mothers.push(mother);
        }
        txn.commit().await?;
    }
    println!(
        "{FILES} files written with their identity keys in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    // The planner's statistics, as a centre in use has them (nido runs
    // ANALYZE when it opens SQLite; autovacuum does on PostgreSQL after so
    // many rows): without, PostgreSQL plans for tables it thinks empty.
    cases
        .writer
        .connection()
        .execute_unprepared("ANALYZE")
        .await?;

    let coordinator = Caller {
        id: Uuid::nil(),
        role: Role::Coordinator,
    };
    let mut check_times = Vec::with_capacity(CHECKS);
    let mut read_times = Vec::with_capacity(CHECKS);
    let mut candidate_times = Vec::with_capacity(CHECKS);
    let (mut found, mut candidates) = (0, 0);
    for n in 0..CHECKS {
        // One in four a file's mother again, the day and month swapped
        // when they can be; the others new.
        let new = if n % 4 == 0 {
            let mut again = mothers[dice.below(FILES)].clone();
            again.birth_date = NaiveDate::from_ymd_opt(
                chrono::Datelike::year(&again.birth_date),
                chrono::Datelike::day(&again.birth_date),
                chrono::Datelike::month(&again.birth_date),
            )
            .unwrap_or(again.birth_date);
            again
        } else {
            mother(&mut dice)
        };
        let identity = Identity::of(&new, Vec::new());
        let start = Instant::now();
        let alike = nido_cases::identity::check(&cases, &coordinator, &identity).await?;
        check_times.push(start.elapsed());
        found += usize::from(!alike.is_empty());
        candidates += alike.len();
        let start = Instant::now();
        let keys = nido_domain::identity::check_keys(&identity);
        nido_persistence::identity::holding_keys(&cases.db, &keys, 1000).await?;
        candidate_times.push(start.elapsed());
        let id = ids[dice.below(FILES)];
        let start = Instant::now();
        families::find(&cases.db, id).await?;
        read_times.push(start.elapsed());
    }
    let (check_mean, check_p95) = mean_and_p95(check_times);
    let (read_mean, read_p95) = mean_and_p95(read_times);
    let (keys_mean, keys_p95) = mean_and_p95(candidate_times);
    let engine = if settings.database_url.is_some() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let profile = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    println!("{CHECKS} checks among {FILES} files ({engine}, {profile} build):");
    println!("  duplicate check        mean {check_mean:7.3} ms   p95 {check_p95:7.3} ms");
    println!(
        "  of which the candidates mean {keys_mean:7.3} ms   p95 {keys_p95:7.3} ms   (read by the keys)"
    );
    println!(
        "  family read by its key mean {read_mean:7.3} ms   p95 {read_p95:7.3} ms   (the reference)"
    );
    println!(
        "  ratio                  mean {:7.2}        p95 {:7.2}",
        check_mean / read_mean,
        check_p95 / read_p95
    );
    println!("  checks that found a file: {found} ({candidates} candidates in all)");
    // What reading every file would cost each check instead.
    let start = Instant::now();
    let every = families::list(
        &cases.db,
        nido_persistence::need_to_know::Reader::Everyone,
        None,
        FILES as u64,
    )
    .await?;
    println!(
        "  reading every file instead: {:.1} ms for {} files, once",
        start.elapsed().as_secs_f64() * 1000.0,
        every.len()
    );
    // The coordinators' list of possible duplicates, its first page: the
    // pairs to score read first, alone.
    let start = Instant::now();
    let to_score = nido_persistence::identity::pairs_to_score(&cases.db).await?;
    println!(
        "  pairs to score for the list: {} read in {:.1} ms",
        to_score.len(),
        start.elapsed().as_secs_f64() * 1000.0
    );
    let start = Instant::now();
    let pairs = nido_cases::identity::possible_pairs(&cases, &coordinator, None, 50).await?;
    println!(
        "  the list of possible duplicates, first page: {:.1} ms ({} pairs shown)",
        start.elapsed().as_secs_f64() * 1000.0,
        pairs.len().min(50)
    );
    Ok(())
}

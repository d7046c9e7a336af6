//! `nido demo-data --scale N`: N more families, each with an active
//! placement and a history (referral, periods and renewals, housing and a
//! move for some, a contract of stay, projet personnalisé reviews, about a
//! hundred interventions with their follow-ups), so that nido can be
//! measured on a centre of 10,000 placements and a million interventions.
//!
//! The rows are generated consistent with the rules (periods from
//! `nido_domain::placement`, one occupancy of a unit at a time, leases
//! covering them) and written in bulk (`nido_persistence::bulk`), one
//! transaction per thousand families: the use cases, one transaction and
//! one audit entry per operation, would take hours. The same N on the same
//! day gives the same families and histories (a seeded generator); only the
//! ids differ. See `docs/demo-data.md`.

mod dice;
mod family;
mod housing;
mod words;

use std::time::Instant;

use nido_cases::Cases;
use nido_domain::user::NewUser;
use nido_domain::{DisplayName, Email, Profession, Role};
use nido_persistence::begin_write;
use nido_persistence::bulk::{self, Rows};
use uuid::Uuid;

use dice::{COLLEAGUE, Dice};
use family::Plan;
use words::{FIRST_NAMES, LAST_NAMES};

/// Families per transaction: a failure loses at most this many, and one
/// commit (one fsync) is shared by about 100,000 rows.
const FAMILIES_PER_TRANSACTION: usize = 1_000;
/// A referent (social worker or specialised educator) follows about this
/// many families; the crèche staff and the psychologist about twice as many.
const CASELOAD: usize = 20;

/// What was loaded.
pub struct Figures {
    pub families: usize,
    pub colleagues: usize,
    pub units: usize,
    pub periods: usize,
    pub interventions: usize,
    pub actions: usize,
    pub open_actions: usize,
    pub reviews: usize,
    pub seconds: f64,
}

/// Who works with the scale families: the demo's own staff and synthetic
/// colleagues, so that each carries a caseload a team member could.
struct Staff {
    coordinator: Uuid,
    referents: Vec<Uuid>,
    helpers: Vec<Uuid>,
}

impl Staff {
    fn referent_of(&self, index: usize) -> Uuid {
        self.referents[index % self.referents.len()]
    }

    fn helper_of(&self, index: usize) -> Uuid {
        self.helpers[index % self.helpers.len()]
    }
}

/// Loads `count` families after the demo's (`team` is the demo team:
/// the coordinator, three referents, then the crèche staff, the
/// psychologist and the technical agent). Prints its progress on standard
/// error.
pub(super) async fn load(
    cases: &Cases,
    team: &[Uuid],
    password_hash: &str,
    count: usize,
) -> anyhow::Result<Figures> {
    let started = Instant::now();
    let today = cases.today();
    let now = cases.now();
    let (Some(&coordinator), Some(referents), Some(helpers)) =
        (team.first(), team.get(1..4), team.get(4..))
    else {
        anyhow::bail!("the demo team is incomplete");
    };
    let mut staff = Staff {
        coordinator,
        referents: referents.to_vec(),
        helpers: helpers.to_vec(),
    };
    let plans: Vec<Plan> = (0..count).map(|index| Plan::new(index, today)).collect();

    // Colleagues and housing first, in one transaction.
    let mut rows = Rows::default();
    let colleagues = colleagues(count, password_hash)?;
    for (user, refers) in colleagues {
        if refers {
            staff.referents.push(user.id);
        } else {
            staff.helpers.push(user.id);
        }
        rows.users.push(user);
    }
    let born_children: Vec<usize> = plans.iter().map(Plan::born_children).collect();
    let homes = housing::housing(&born_children, today, &mut rows);
    let mut figures = Figures {
        families: count,
        colleagues: rows.users.len(),
        units: rows.units.len(),
        periods: 0,
        interventions: 0,
        actions: 0,
        open_actions: 0,
        reviews: 0,
        seconds: 0.0,
    };
    let txn = begin_write(&cases.writer).await?;
    bulk::insert(&txn, rows, now).await?;
    txn.commit().await?;

    for chunk in plans.chunks(FAMILIES_PER_TRANSACTION) {
        let mut rows = Rows::default();
        for plan in chunk {
            plan.rows(today, &staff, &homes, &mut rows)?;
        }
        figures.periods += rows
            .placements
            .iter()
            .map(|p| p.periods.len())
            .sum::<usize>();
        figures.interventions += rows.interventions.len();
        figures.actions += rows.actions.len();
        figures.open_actions += rows.actions.iter().filter(|a| a.done_on.is_none()).count();
        figures.reviews += rows.reviews.len();
        let txn = begin_write(&cases.writer).await?;
        bulk::insert(&txn, rows, now).await?;
        txn.commit().await?;
        let done = chunk.last().map_or(0, |plan| plan.index + 1);
        eprintln!(
            "  {done} of {count} families, {} interventions, {:.1} s",
            figures.interventions,
            started.elapsed().as_secs_f64()
        );
    }
    // The first queries planned on the real figures, as they will be once
    // the server has refreshed them.
    nido_persistence::refresh_statistics(cases.writer.connection()).await?;
    figures.seconds = started.elapsed().as_secs_f64();
    Ok(figures)
}

/// Synthetic colleagues: one referent per `CASELOAD` families, one helper
/// per twice as many, each with the demo's password. `true` marks a
/// referent.
fn colleagues(families: usize, password_hash: &str) -> anyhow::Result<Vec<(bulk::User, bool)>> {
    let referents = families.div_ceil(CASELOAD);
    let helpers = families.div_ceil(2 * CASELOAD);
    (0..referents + helpers)
        .map(|index| {
            let mut dice = Dice::for_item(COLLEAGUE, index);
            let refers = index < referents;
            let profession = if refers {
                dice.pick(&[Profession::SocialWorker, Profession::SpecializedEducator])
            } else {
                dice.pick(&[
                    Profession::EarlyChildhoodEducator,
                    Profession::ChildcareAssistant,
                    Profession::Psychologist,
                ])
            };
            let first = dice.pick(&FIRST_NAMES);
            let last = dice.pick(&LAST_NAMES);
            let login = format!("{}.{}.{:04}", ascii(first), ascii(last), index + 1);
            let new = NewUser {
                email: Email::parse(&format!("{login}@nido.example"))
                    .map_err(|err| anyhow::anyhow!("{err}"))?,
                display_name: DisplayName::parse(&format!("{first} {last}"))
                    .map_err(|err| anyhow::anyhow!("{err}"))?,
                role: Role::Staff,
                profession,
                password_hash: password_hash.to_owned(),
                // A demo account keeps its published password.
                must_change_password: false,
                site_ids: vec![nido_domain::site::FIRST_SITE],
            };
            Ok((
                bulk::User {
                    id: Uuid::now_v7(),
                    new,
                },
                refers,
            ))
        })
        .collect()
}

/// A name as an email address's part: lower case, without accents.
fn ascii(name: &str) -> String {
    name.chars()
        .filter_map(|c| match c.to_lowercase().next().unwrap_or(c) {
            'à' | 'â' | 'ä' => Some('a'),
            'é' | 'è' | 'ê' | 'ë' => Some('e'),
            'î' | 'ï' => Some('i'),
            'ô' | 'ö' => Some('o'),
            'ù' | 'û' | 'ü' => Some('u'),
            'ç' => Some('c'),
            c if c.is_ascii_alphanumeric() => Some(c),
            _ => None,
        })
        .collect()
}

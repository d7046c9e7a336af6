//! The yearly activity report to the département (admins, coordinators):
//! referrals and their outcomes, admissions, exits, stays and waits, the
//! family-days and child-days delivered, occupancy, who was present on
//! 31 December, and counts of interventions, informations préoccupantes
//! and crèche minutes. Counts only: no case text.

use nido_domain::Refusal;
use std::collections::{BTreeMap, HashMap};

use chrono::{NaiveDate, NaiveTime, TimeZone};
use nido_domain::calendar::Month;
use nido_domain::creche::BookingPurpose;
use nido_domain::family::{ReferralReason, ReferralSource, ReferralStatus};
use nido_domain::housing::days_inclusive;
use nido_domain::intervention::InterventionKind;
use nido_domain::pathway::{CountedStep, FollowUpOutcome, StepKind, housing_wait, median_days};
use nido_domain::placement::ExitDestination;
use nido_domain::reports::{child_days_present, days_present, occupancy};
use nido_domain::retention::{KeptFigure, figure};
use nido_persistence::{
    creche, families, incidents, interventions, pathway, placements, referrals,
};

use nido_persistence::sites::Scope;

use crate::{Caller, CaseError, CaseResult, Cases};

/// The years a report may be asked for.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// A month's delivery.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthFigures {
    pub month: Month,
    pub family_days: i64,
    pub child_days: i64,
    /// Family-days ÷ (authorised places × the month's days).
    pub occupancy_rate: f64,
}

/// The year's report.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityReport {
    pub year: i32,
    pub referrals: i64,
    pub by_source: Vec<(ReferralSource, i64)>,
    /// By EDS, most referrals first.
    pub by_eds: Vec<(String, i64)>,
    pub by_reason: Vec<(ReferralReason, i64)>,
    /// Where the year's referrals stand now.
    pub outcomes: Vec<(ReferralStatus, i64)>,
    pub admissions: i64,
    pub exits: i64,
    pub exits_by_destination: Vec<(ExitDestination, i64)>,
    /// Of the placements that ended in the year, days from admission to
    /// exit inclusive; `None` when none ended.
    pub average_stay_days: Option<f64>,
    /// Of the year's admissions, days from the referral to the admission.
    pub average_wait_days: Option<f64>,
    pub months: Vec<MonthFigures>,
    pub family_days: i64,
    pub child_days: i64,
    pub occupancy_rate: f64,
    /// Present on 31 December, or today while the year runs.
    pub present_on: NaiveDate,
    pub families_present: i64,
    pub children_present: i64,
    pub interventions_by_kind: Vec<(InterventionKind, i64)>,
    pub concerns: i64,
    pub creche_minutes_by_purpose: Vec<(BookingPurpose, i64)>,
    /// The year's exits that named the step they left by, by its kind.
    pub exits_by_step_kind: Vec<(StepKind, i64)>,
    /// The waits for a home of the year (offers accepted in it): from the
    /// first social-housing filing to the acceptance (`pathway::housing_wait`).
    pub housing_waits: i64,
    pub median_housing_wait_days: Option<i64>,
    /// The follow-ups after an exit made in the year, by month after it.
    pub follow_ups: Vec<FollowUpFigures>,
    /// A line per site the report counts (one when it is one site's).
    pub sites: Vec<SiteYear>,
}

/// One site in the year's report: its places and its families' days.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteYear {
    pub site_id: uuid::Uuid,
    pub name: String,
    pub authorized_places: i64,
    pub family_days: i64,
    /// Family-days ÷ (its authorised places × the year's days).
    pub occupancy_rate: f64,
}

/// The follow-ups made `after_months` after an exit, in the year.
#[derive(Debug, Clone, PartialEq)]
pub struct FollowUpFigures {
    pub after_months: u32,
    pub made: i64,
    /// Housed then (stable, precarious or in arrears).
    pub housed: i64,
    /// `housed` ÷ `made`, to a thousandth; none without a follow-up.
    pub housed_share: Option<f64>,
}

/// The year's exits by the kind of the step they named, the waits for a
/// home (each in days) and the follow-ups made (months after, outcome),
/// from the rows still there and the kept figures.
async fn pathway_figures(
    cases: &Cases,
    scope: &Scope,
    kept: &Kept,
    ended_steps: Vec<uuid::Uuid>,
    first: NaiveDate,
    last: NaiveDate,
) -> CaseResult<(Vec<(StepKind, i64)>, Vec<i64>, Vec<FollowUpFigures>)> {
    let db = &cases.db;
    let exit_kinds: Vec<StepKind> = pathway::find_steps(db, &ended_steps)
        .await?
        .iter()
        .map(|step| step.kind())
        .collect();
    let by_kind = kept.plus(
        tally(StepKind::ALL, exit_kinds.into_iter()),
        figure::EXITS_BY_STEP_KIND,
        StepKind::as_str,
    );
    let mut by_placement: BTreeMap<uuid::Uuid, Vec<CountedStep>> = BTreeMap::new();
    for step in pathway::steps_of_placements_housed_between(db, scope, first, last).await? {
        by_placement
            .entry(step.placement_id)
            .or_default()
            .push(CountedStep {
                kind: step.kind(),
                status: step.status,
                filed_on: step.filed_on,
                decided_on: step.decided_on,
            });
    }
    let mut waits: Vec<i64> = by_placement
        .values()
        .filter_map(|steps| housing_wait(steps))
        .filter(|(accepted, _)| (first..=last).contains(accepted))
        .map(|(_, days)| days)
        .collect();
    for (days, count) in kept.items(figure::HOUSING_WAITS) {
        if let Ok(days) = days.parse::<i64>() {
            waits.extend(std::iter::repeat_n(
                days,
                usize::try_from(count).unwrap_or(0),
            ));
        }
    }
    let mut counted: BTreeMap<u32, (i64, i64)> = cases
        .exit
        .follow_up_months
        .iter()
        .map(|months| (*months, (0, 0)))
        .collect();
    let mut count = |months: u32, outcome: FollowUpOutcome, n: i64| {
        let entry = counted.entry(months).or_default();
        entry.0 += n;
        if outcome.is_housed() {
            entry.1 += n;
        }
    };
    for follow_up in pathway::follow_ups_made_between(db, scope, first, last).await? {
        if let Some(made) = follow_up.made {
            count(follow_up.after_months, made.outcome, 1);
        }
    }
    for (item, n) in kept.items(figure::FOLLOW_UPS) {
        let parsed = item.split_once(':').and_then(|(months, outcome)| {
            Some((
                months.parse::<u32>().ok()?,
                outcome.parse::<FollowUpOutcome>().ok()?,
            ))
        });
        if let Some((months, outcome)) = parsed {
            count(months, outcome, n);
        }
    }
    let follow_ups = counted
        .into_iter()
        .map(|(after_months, (made, housed))| FollowUpFigures {
            after_months,
            made,
            housed,
            housed_share: (made > 0)
                .then(|| ((housed as f64 / made as f64) * 1000.0).round() / 1000.0),
        })
        .collect();
    Ok((by_kind, waits, follow_ups))
}

fn tally<K: Copy + Eq + std::hash::Hash>(
    all: &[K],
    values: impl Iterator<Item = K>,
) -> Vec<(K, i64)> {
    let mut counts: HashMap<K, i64> = HashMap::new();
    for value in values {
        *counts.entry(value).or_default() += 1;
    }
    all.iter()
        .map(|key| (*key, counts.get(key).copied().unwrap_or(0)))
        .collect()
}

/// The mean of `count` values adding up to `sum`, to a tenth.
fn average(sum: i64, count: i64) -> Option<f64> {
    (count > 0).then(|| {
        let mean = sum as f64 / count as f64;
        (mean * 10.0).round() / 10.0
    })
}

/// The figures anonymised files left for the year (their rows are gone):
/// added to what the rows still there give, so that the report is the same
/// before and after an anonymisation.
struct Kept(HashMap<(u32, String, String), i64>);

impl Kept {
    /// The figures kept, several sites' summed.
    fn new(figures: Vec<KeptFigure>) -> Self {
        let mut summed = HashMap::new();
        for kept in figures {
            *summed
                .entry((kept.month, kept.figure, kept.item))
                .or_default() += kept.value;
        }
        Self(summed)
    }

    /// The year's `figure` for `item` ("" when it has none).
    fn year(&self, figure: &str, item: &str) -> i64 {
        self.0
            .get(&(0, figure.to_owned(), item.to_owned()))
            .copied()
            .unwrap_or(0)
    }

    /// `figure` of `month` (1 to 12), without an item.
    fn month(&self, month: u32, figure: &str) -> i64 {
        self.0
            .get(&(month, figure.to_owned(), String::new()))
            .copied()
            .unwrap_or(0)
    }

    /// The items of the year's `figure`, with their values.
    fn items<'a>(&'a self, figure: &'a str) -> impl Iterator<Item = (&'a str, i64)> + 'a {
        self.0
            .iter()
            .filter(move |((month, kept, item), _)| {
                *month == 0 && kept == figure && !item.is_empty()
            })
            .map(|((_, _, item), value)| (item.as_str(), *value))
    }

    /// `counts` (by a vocabulary) with the kept ones added.
    fn plus<K: Copy>(
        &self,
        counts: Vec<(K, i64)>,
        figure: &str,
        name: impl Fn(K) -> &'static str,
    ) -> Vec<(K, i64)> {
        counts
            .into_iter()
            .map(|(key, count)| (key, count + self.year(figure, name(key))))
            .collect()
    }
}

/// The activity report of `year` (2000 to 2100): of `site_id`, or of
/// every site the caller reads summed (their places summed), with a line
/// per site.
pub async fn activity_report(
    cases: &Cases,
    caller: &Caller,
    year: i32,
    site_id: Option<uuid::Uuid>,
) -> CaseResult<ActivityReport> {
    caller.require(crate::REPORT_READERS)?;
    let sites = crate::sites::read_by(cases, caller, site_id).await?;
    let every_site = nido_persistence::sites::list(&cases.db).await?.len();
    // No condition when the report counts every site (an installation of
    // one site reads as before).
    let scope = if sites.len() == every_site {
        Scope::Every
    } else {
        Scope::Only(sites.iter().map(|site| site.id).collect())
    };
    let invalid = || {
        CaseError::invalid(
            "year",
            Refusal::Year {
                min: 2000,
                max: 2100,
            },
        )
    };
    if !YEARS.contains(&year) {
        return Err(invalid());
    }
    let first = NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(invalid)?;
    let last = NaiveDate::from_ymd_opt(year, 12, 31).ok_or_else(invalid)?;
    let today = cases.today();
    let db = &cases.db;

    let kept = Kept::new(nido_persistence::retention::kept_figures_of(db, &scope, year).await?);
    let received = referrals::referred_between(db, &scope, first, last).await?;
    let mut by_eds: BTreeMap<String, i64> = BTreeMap::new();
    for referral in &received {
        *by_eds.entry(referral.eds.clone()).or_default() += 1;
    }
    for (eds, count) in kept.items(figure::REFERRALS_BY_EDS) {
        *by_eds.entry(eds.to_owned()).or_default() += count;
    }
    let mut by_eds: Vec<(String, i64)> = by_eds.into_iter().collect();
    by_eds.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));

    let present = placements::present_between(db, &scope, first, last).await?;
    let family_ids = present.iter().map(|p| p.family_id).collect();
    let families = families::find_many(db, family_ids).await?;
    let admitted: Vec<_> = present
        .iter()
        .filter(|p| (first..=last).contains(&p.admitted_on))
        .collect();
    let referral_of =
        referrals::find_many(db, admitted.iter().map(|p| p.referral_id).collect()).await?;
    let waits: Vec<i64> = admitted
        .iter()
        .filter_map(|p| {
            let referral = referral_of.get(&p.referral_id)?;
            Some((p.admitted_on - referral.referred_on).num_days())
        })
        .collect();
    let ended: Vec<_> = present
        .iter()
        .filter_map(|p| p.exit.as_ref().map(|exit| (p, exit)))
        .filter(|(_, exit)| (first..=last).contains(&exit.exited_on))
        .collect();
    let stays: Vec<i64> = ended
        .iter()
        .map(|(p, exit)| days_inclusive(p.admitted_on, exit.exited_on))
        .collect();

    let places: i64 = sites
        .iter()
        .map(|site| i64::from(site.authorized_places))
        .sum();
    let mut days_by_site: HashMap<uuid::Uuid, i64> = HashMap::new();
    let mut months = Vec::with_capacity(12);
    for number in 1..=12 {
        let month = Month::new(year, number).ok_or_else(invalid)?;
        let (from, to) = (month.first_day(), month.last_day());
        let mut family_days = 0;
        let mut child_days = 0;
        for placement in &present {
            let exited_on = placement.exit.as_ref().map(|exit| exit.exited_on);
            let days = days_present(placement.admitted_on, exited_on, today, from, to);
            family_days += days;
            if let Some(family) = families.get(&placement.family_id) {
                *days_by_site.entry(family.site_id).or_default() += days;
                for child in &family.children {
                    child_days += child_days_present(
                        placement.admitted_on,
                        exited_on,
                        child.birth.born_on(),
                        today,
                        from,
                        to,
                    );
                }
            }
        }
        family_days += kept.month(number, figure::FAMILY_DAYS);
        child_days += kept.month(number, figure::CHILD_DAYS);
        months.push(MonthFigures {
            month,
            family_days,
            child_days,
            occupancy_rate: occupancy(family_days, places, days_inclusive(from, to)),
        });
    }
    let family_days = months.iter().map(|m| m.family_days).sum();
    let child_days = months.iter().map(|m| m.child_days).sum();

    let present_on = last.min(today);
    let (mut families_present, mut children_present) = (
        kept.year(figure::FAMILIES_PRESENT, ""),
        kept.year(figure::CHILDREN_PRESENT, ""),
    );
    for placement in &present {
        let exited_on = placement.exit.as_ref().map(|exit| exit.exited_on);
        if days_present(
            placement.admitted_on,
            exited_on,
            present_on,
            present_on,
            present_on,
        ) == 1
        {
            families_present += 1;
            if let Some(family) = families.get(&placement.family_id) {
                children_present += family
                    .children
                    .iter()
                    .filter(|child| {
                        child
                            .birth
                            .born_on()
                            .is_some_and(|birth| birth <= present_on)
                    })
                    .count() as i64;
            }
        }
    }

    let zone = cases.time_zone;
    let local_midnight = |day: NaiveDate| {
        zone.from_local_datetime(&day.and_time(NaiveTime::MIN))
            .earliest()
            .map(|at| at.with_timezone(&chrono::Utc))
    };
    let next_year = NaiveDate::from_ymd_opt(year + 1, 1, 1).ok_or_else(invalid)?;
    let (Some(start), Some(end)) = (local_midnight(first), local_midnight(next_year)) else {
        return Err(invalid());
    };
    let kinds = interventions::count_by_kind(db, &scope, start, end).await?;
    let concerns = incidents::concerns_between(db, &scope, first, last).await?;
    let mut minutes: HashMap<BookingPurpose, i64> = BookingPurpose::ALL
        .iter()
        .map(|purpose| {
            (
                *purpose,
                kept.year(figure::CRECHE_MINUTES_BY_PURPOSE, purpose.as_str()),
            )
        })
        .collect();
    let creches: Vec<Option<uuid::Uuid>> = match &scope {
        Scope::Every => vec![None],
        Scope::Only(ids) => ids.iter().copied().map(Some).collect(),
    };
    for one_creche in creches {
        for booking in creche::bookings_between(db, one_creche, first, last).await? {
            if booking.status != nido_domain::creche::BookingStatus::Cancelled {
                *minutes.entry(booking.purpose).or_default() += i64::from(booking.slot.minutes());
            }
        }
    }
    let days_in_year = days_inclusive(first, last);
    let mut site_lines = Vec::with_capacity(sites.len());
    for site in sites {
        let only = Scope::Only(vec![site.id]);
        let kept_days: i64 = match &scope {
            Scope::Only(ids) if ids.len() == 1 => (1..=12)
                .map(|number| kept.month(number, figure::FAMILY_DAYS))
                .sum(),
            _ => {
                let own =
                    Kept::new(nido_persistence::retention::kept_figures_of(db, &only, year).await?);
                (1..=12)
                    .map(|number| own.month(number, figure::FAMILY_DAYS))
                    .sum()
            }
        };
        let family_days = days_by_site.get(&site.id).copied().unwrap_or(0) + kept_days;
        let authorized_places = i64::from(site.authorized_places);
        site_lines.push(SiteYear {
            site_id: site.id,
            name: site.name,
            authorized_places,
            family_days,
            occupancy_rate: occupancy(family_days, authorized_places, days_in_year),
        });
    }

    let ended_steps = ended
        .iter()
        .filter_map(|(_, exit)| exit.housing_step_id)
        .collect();
    let (exits_by_step_kind, housing_waits, follow_ups) =
        pathway_figures(cases, &scope, &kept, ended_steps, first, last).await?;
    let mut resource = format!("/reports/activity?year={year}");
    if let Some(site_id) = site_id {
        resource.push_str(&format!("&site_id={site_id}"));
    }
    cases
        .audit(caller, "report.activity.read", None, &resource)
        .await?;
    let exits = ended.len() as i64 + kept.year(figure::EXITS, "");
    Ok(ActivityReport {
        year,
        referrals: received.len() as i64 + kept.year(figure::REFERRALS, ""),
        by_source: kept.plus(
            tally(ReferralSource::ALL, received.iter().map(|r| r.source)),
            figure::REFERRALS_BY_SOURCE,
            ReferralSource::as_str,
        ),
        by_eds,
        by_reason: kept.plus(
            tally(ReferralReason::ALL, received.iter().map(|r| r.reason)),
            figure::REFERRALS_BY_REASON,
            ReferralReason::as_str,
        ),
        outcomes: kept.plus(
            tally(ReferralStatus::ALL, received.iter().map(|r| r.status)),
            figure::REFERRALS_BY_OUTCOME,
            ReferralStatus::as_str,
        ),
        admissions: admitted.len() as i64 + kept.year(figure::ADMISSIONS, ""),
        exits,
        exits_by_destination: kept.plus(
            tally(
                ExitDestination::ALL,
                ended.iter().map(|(_, exit)| exit.destination),
            ),
            figure::EXITS_BY_DESTINATION,
            ExitDestination::as_str,
        ),
        average_stay_days: average(
            stays.iter().sum::<i64>() + kept.year(figure::STAY_DAYS, ""),
            exits,
        ),
        average_wait_days: average(
            waits.iter().sum::<i64>() + kept.year(figure::WAIT_DAYS, ""),
            waits.len() as i64 + kept.year(figure::WAITS, ""),
        ),
        months,
        family_days,
        child_days,
        occupancy_rate: occupancy(family_days, places, days_inclusive(first, last)),
        present_on,
        families_present,
        children_present,
        interventions_by_kind: InterventionKind::ALL
            .iter()
            .map(|kind| {
                let kept = kept.year(figure::INTERVENTIONS_BY_KIND, kind.as_str());
                (*kind, kinds.get(kind).copied().unwrap_or(0) + kept)
            })
            .collect(),
        concerns: i64::try_from(concerns)
            .unwrap_or(i64::MAX)
            .saturating_add(kept.year(figure::CONCERNS, "")),
        creche_minutes_by_purpose: BookingPurpose::ALL
            .iter()
            .map(|purpose| (*purpose, minutes.get(purpose).copied().unwrap_or(0)))
            .collect(),
        exits_by_step_kind,
        housing_waits: housing_waits.len() as i64,
        median_housing_wait_days: median_days(housing_waits),
        follow_ups,
        sites: site_lines,
    })
}

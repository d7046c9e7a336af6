//! One scale family: its plan (admission, children, periods, a move,
//! how many notes), then its rows.

use chrono::{Days, Months, NaiveDate, NaiveTime, TimeDelta};
use nido_domain::family::{
    ChildDraft, Mother, MotherDraft, NewChild, ReferralDetails, ReferralDraft, ReferralReason,
    ReferralSource, ReferralStatus,
};
use nido_domain::housing::DateSpan;
use nido_domain::intervention::Confidentiality;
use nido_domain::intervention::{InterventionFields, NewAction};
use nido_domain::placement::PeriodRecord;
use nido_domain::placement::{ChildBirth, Period, first_period, latest_end_on, next_period};
use nido_domain::project::{Contract, ContractKind, Objective, ObjectiveStatus};
use nido_persistence::bulk::{self, Rows};
use nido_persistence::projects::NewReview;
use uuid::Uuid;

use super::Staff;
use super::dice::{DETAILS, Dice, FAMILY};
use super::housing::Homes;
use super::words::{CHILD_NAMES, FIRST_NAMES, LAST_NAMES, OBJECTIVES, REASON_DETAILS};
use crate::demo::{EDS, FOLLOW_UPS, NOTES, days_before};

/// One family's story, decided before any row is written (housing depends
/// on the family's size).
pub(super) struct Plan {
    pub(super) index: usize,
    admitted_on: NaiveDate,
    /// Older first; the last is the youngest.
    births: Vec<ChildBirth>,
    periods: Vec<PeriodRecord>,
    /// The day the family moved from its first unit (a spare) to its home.
    moved_on: Option<NaiveDate>,
    interventions: usize,
}

impl Plan {
    /// One family in a hundred (the first, the 101st…) is followed far more
    /// closely than the others, over a long stay: 1,000 to 3,000
    /// interventions. The others have about 80 on average, from a handful
    /// for a family admitted last month to a few hundred.
    pub(super) fn new(index: usize, today: NaiveDate) -> Self {
        let mut dice = Dice::for_item(FAMILY, index);
        let heavy = index.is_multiple_of(100);
        let (admitted_on, births) = if !heavy && dice.chance(3) {
            // Admitted while pregnant, weeks ago.
            let admitted = days_before(today, 1 + dice.below(45));
            let due = today + Days::new(15 + dice.below(150));
            (admitted, vec![ChildBirth::Expected(due)])
        } else {
            // The child's age on admission and the stay since, in days,
            // so that she is not yet three today.
            let age = if heavy {
                dice.below(90)
            } else {
                dice.below(700)
            };
            let stay = if heavy {
                700 + dice.below(300)
            } else {
                1 + dice.below(1_088 - age)
            };
            let admitted = days_before(today, stay);
            let youngest = days_before(admitted, age);
            let mut births = vec![ChildBirth::Born(youngest)];
            if dice.chance(15) {
                let elder = days_before(youngest, 400 + dice.below(1_100));
                births.insert(0, ChildBirth::Born(elder));
            }
            (admitted, births)
        };
        let stay = (today - admitted_on).num_days().max(1) as u64;
        let periods = periods(&mut dice, admitted_on, &births, today);
        let moved_on = (index % 10 == 3 && stay >= 60)
            .then(|| admitted_on + Days::new(20 + dice.below(stay - 40)));
        let per_hundred_days = if heavy {
            150 + dice.below(150)
        } else {
            8 + dice.below(29)
        };
        let interventions = (stay * per_hundred_days / 100).max(1) as usize;
        Plan {
            index,
            admitted_on,
            births,
            periods,
            moved_on,
            interventions,
        }
    }

    pub(super) fn born_children(&self) -> usize {
        self.births
            .iter()
            .filter(|birth| matches!(birth, ChildBirth::Born(_)))
            .count()
    }

    /// Every row of this family, added to `rows`.
    pub(super) fn rows(
        &self,
        today: NaiveDate,
        staff: &Staff,
        homes: &Homes,
        rows: &mut Rows,
    ) -> anyhow::Result<()> {
        let mut dice = Dice::for_item(DETAILS, self.index);
        let referent = staff.referent_of(self.index);
        let helper = staff.helper_of(self.index);
        let family_id = Uuid::now_v7();
        let first_name = dice.pick(&FIRST_NAMES);
        let last_name = dice.pick(&LAST_NAMES);
        let phone = format!("06 39 98 {:02} {:02}", dice.below(100), dice.below(100));
        let mother = Mother::parse(
            &MotherDraft {
                first_name: first_name.to_owned(),
                last_name: last_name.to_owned(),
                birth_last_name: None,
                birth_date: days_before(self.admitted_on, 6_600 + dice.below(7_300)),
                birth_place: None,
                // In the range set aside for fiction (06 39 98 xx xx).
                phone: Some(phone),
                email: None,
            },
            today,
        )
        .map_err(|refused| anyhow::anyhow!("scale mother: {refused:?}"))?;
        let children = self
            .births
            .iter()
            .map(|birth| {
                let (birth_date, expected_birth_date) = match birth {
                    ChildBirth::Born(day) => (Some(*day), None),
                    ChildBirth::Expected(day) => (None, Some(*day)),
                };
                let first_name = if birth_date.is_some() {
                    dice.pick(&CHILD_NAMES)
                } else {
                    "Bébé"
                };
                NewChild::parse(
                    &ChildDraft {
                        first_name: first_name.to_owned(),
                        last_name: None,
                        birth_date,
                        expected_birth_date,
                    },
                    today,
                )
                .map_err(|refused| anyhow::anyhow!("scale child: {refused:?}"))
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        rows.families.push(bulk::Family {
            id: family_id,
            mother,
            children,
            referent_id: Some(referent),
            team_ids: vec![helper],
        });

        let referral_id = Uuid::now_v7();
        let source = if dice.chance(75) {
            ReferralSource::Ase
        } else {
            ReferralSource::Mhl
        };
        let details = ReferralDetails::parse(
            &ReferralDraft {
                source,
                eds: dice.pick(&EDS).to_owned(),
                referred_on: days_before(self.admitted_on, 7 + dice.below(80)),
                referrer_name: match source {
                    ReferralSource::Ase => "Service de l'aide sociale à l'enfance",
                    ReferralSource::Mhl => "Mission hébergement logement",
                }
                .to_owned(),
                referrer_contact: "01 00 00 00 00".to_owned(),
                reason: dice.pick(&[
                    ReferralReason::Distress,
                    ReferralReason::Distress,
                    ReferralReason::EducationalDifficulties,
                    ReferralReason::Other,
                ]),
                reason_details: Some(dice.pick(&REASON_DETAILS).to_owned()),
            },
            today,
        )
        .map_err(|refused| anyhow::anyhow!("scale referral: {refused:?}"))?;
        rows.referrals.push(bulk::Referral {
            id: referral_id,
            family_id,
            details,
            status: ReferralStatus::Admitted,
            closed_at: self
                .admitted_on
                .and_hms_opt(10, 0, 0)
                .map(|at| at.and_utc()),
            created_by: staff.coordinator,
        });

        let placement_id = Uuid::now_v7();
        rows.placements.push(bulk::Placement {
            id: placement_id,
            family_id,
            referral_id,
            admitted_on: self.admitted_on,
            periods: self.periods.clone(),
            recorded_by: staff.coordinator,
        });
        let home = homes.homes[self.index];
        let home_since = match self.moved_on {
            Some(moved_on) => {
                rows.occupancies.push(bulk::Occupancy {
                    id: Uuid::now_v7(),
                    placement_id,
                    unit_id: homes.spares[self.index / 10],
                    span: DateSpan::new(self.admitted_on, Some(days_before(moved_on, 1))),
                });
                moved_on
            }
            None => self.admitted_on,
        };
        rows.occupancies.push(bulk::Occupancy {
            id: Uuid::now_v7(),
            placement_id,
            unit_id: home,
            span: DateSpan::new(home_since, None),
        });
        self.contract(&mut dice, placement_id, today, rows);
        self.reviews(&mut dice, placement_id, [referent, helper], today, rows);
        self.interventions(&mut dice, family_id, [referent, helper], today, rows);
        Ok(())
    }

    /// The contract of stay: handed over and signed, mostly on time; some
    /// late, a few not yet, and none yet for some families just admitted.
    fn contract(&self, dice: &mut Dice, placement_id: Uuid, today: NaiveDate, rows: &mut Rows) {
        if today - self.admitted_on < TimeDelta::days(30) && dice.chance(30) {
            return;
        }
        let delivered_on =
            Some(self.admitted_on + Days::new(dice.below(25))).filter(|day| *day <= today);
        let signed_on = delivered_on
            .map(|day| day + Days::new(dice.below(30)))
            .filter(|day| *day <= today && !dice.chance(5));
        rows.contracts.push(Contract {
            placement_id,
            kind: if dice.chance(85) {
                ContractKind::ContratDeSejour
            } else {
                ContractKind::Dipc
            },
            delivered_on,
            signed_on,
            version: 1,
        });
    }

    /// The projet personnalisé: set within about six months of admission
    /// (some late, one family in ten not yet), then reviewed about yearly.
    fn reviews(
        &self,
        dice: &mut Dice,
        placement_id: Uuid,
        [referent, helper]: [Uuid; 2],
        today: NaiveDate,
        rows: &mut Rows,
    ) {
        if dice.chance(10) {
            return;
        }
        let mut reviewed_on = self.admitted_on + Days::new(90 + dice.below(130));
        let mut version = 0;
        while reviewed_on <= today {
            let count = 2 + dice.below(3) as usize;
            let first = dice.below(OBJECTIVES.len() as u64) as usize;
            let objectives = (0..count)
                .map(|n| {
                    let (domain, description) = OBJECTIVES[(first + n) % OBJECTIVES.len()];
                    let status = if version == 0 {
                        dice.pick(&[ObjectiveStatus::Planned, ObjectiveStatus::InProgress])
                    } else {
                        dice.pick(&[
                            ObjectiveStatus::InProgress,
                            ObjectiveStatus::Achieved,
                            ObjectiveStatus::Achieved,
                            ObjectiveStatus::Abandoned,
                        ])
                    };
                    Objective {
                        domain,
                        description: description.to_owned(),
                        status,
                        target_on: reviewed_on.checked_add_months(Months::new(6)),
                    }
                })
                .collect();
            rows.reviews.push(bulk::Review {
                id: Uuid::now_v7(),
                new: NewReview {
                    placement_id,
                    reviewed_on,
                    mother_present: dice.chance(92),
                    participant_ids: if dice.chance(50) {
                        vec![referent]
                    } else {
                        vec![referent, helper]
                    },
                    objectives,
                    created_by: referent,
                },
            });
            version += 1;
            reviewed_on = reviewed_on + Days::new(330 + dice.below(70));
        }
    }

    /// The notes, spread from admission to yesterday, the first on the day
    /// of admission; about one in eight with a follow-up action, most of
    /// those due in the past done, some overdue, the recent ones open.
    fn interventions(
        &self,
        dice: &mut Dice,
        family_id: Uuid,
        [referent, helper]: [Uuid; 2],
        today: NaiveDate,
        rows: &mut Rows,
    ) {
        let stay = (today - self.admitted_on).num_days().max(1) as u64;
        let count = self.interventions as u64;
        for n in 0..count {
            let spread = stay * n / count + dice.below(stay / count + 1);
            let day = self.admitted_on + Days::new(spread.min(stay - 1));
            let (kind, minutes, restricted, summary) = if n == 0 {
                NOTES[0]
            } else {
                NOTES[1 + dice.below(NOTES.len() as u64 - 1) as usize]
            };
            let (author, staff_ids) = if restricted {
                (helper, vec![helper])
            } else {
                let author = if dice.chance(70) { referent } else { helper };
                let present = if dice.chance(50) {
                    vec![author]
                } else {
                    vec![referent, helper]
                };
                (author, present)
            };
            let at =
                NaiveTime::from_hms_opt(7 + dice.below(10) as u32, 15 * dice.below(4) as u32, 0)
                    .unwrap_or(NaiveTime::MIN);
            let id = Uuid::now_v7();
            rows.interventions.push(bulk::Intervention {
                id,
                family_id,
                author_id: author,
                fields: InterventionFields {
                    kind,
                    occurred_at: day.and_time(at).and_utc(),
                    duration_minutes: minutes + 5 * dice.below(7) as i32,
                    summary: summary.to_owned(),
                    confidentiality: if restricted {
                        Confidentiality::Restricted
                    } else {
                        Confidentiality::Team
                    },
                    staff_ids,
                },
            });
            if n == 0 || dice.chance(12) {
                let (description, after) = dice.pick(&FOLLOW_UPS);
                let due_on = day + Days::new(after);
                let done_on = (due_on < today && dice.chance(85))
                    .then(|| days_before(due_on, dice.below(after)).clamp(day, today));
                rows.actions.push(bulk::Action {
                    family_id,
                    intervention_id: Some(id),
                    new: NewAction {
                        description: description.to_owned(),
                        due_on,
                        assignee_id: author,
                    },
                    done_on,
                    created_by: author,
                });
            }
        }
    }
}

/// The periods, consistent with the rules: six months each, renewed until
/// today's, never past the day before the youngest child's third birthday.
/// A quarter of the families whose period changed in the last 40 days wait
/// for the decision (the period ended, overdue); three in ten of those
/// whose period ends within a month have the decision early (the next
/// period is recorded). Decisions come ten to thirty days before the end,
/// one in ten late.
fn periods(
    dice: &mut Dice,
    admitted_on: NaiveDate,
    births: &[ChildBirth],
    today: NaiveDate,
) -> Vec<PeriodRecord> {
    let cap = latest_end_on(births);
    let mut periods: Vec<Period> = vec![first_period(admitted_on, cap)];
    let renew = |periods: &Vec<Period>| {
        let current = periods[periods.len() - 1];
        next_period(&current, current.number, cap).ok()
    };
    while let Some(next) = renew(&periods).filter(|next| next.starts_on <= today) {
        periods.push(next);
    }
    let current = periods[periods.len() - 1];
    if periods.len() > 1 && today - current.starts_on < TimeDelta::days(40) && dice.chance(25) {
        periods.pop();
    } else if current.ends_on <= today + Days::new(30)
        && dice.chance(30)
        && let Some(next) = renew(&periods)
    {
        periods.push(next);
    }
    let last = periods.len() - 1;
    periods
        .into_iter()
        .enumerate()
        .map(|(k, period)| {
            let renewed = k < last;
            let decided_on = if dice.chance(10) {
                period.ends_on + Days::new(1 + dice.below(20))
            } else {
                days_before(period.ends_on, 10 + dice.below(20))
            };
            PeriodRecord {
                period,
                decided_on: renewed.then_some(decided_on.min(today)),
                decided_by: renewed.then(|| "ASE du Val-de-Marne".to_owned()),
                decision_ref: renewed.then(|| {
                    format!(
                        "ASE-94-{}-{:05}",
                        period.ends_on.format("%Y"),
                        dice.below(100_000)
                    )
                }),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use nido_domain::placement::period_ends_on;

    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).expect("a date")
    }

    #[test]
    fn plans_keep_the_rules_whatever_the_day() {
        for today in [
            date(2026, 1, 31),
            date(2026, 2, 28),
            date(2026, 8, 31),
            date(2026, 12, 31),
            date(2028, 2, 29),
        ] {
            let mut overdue = 0;
            for index in 0..3_000 {
                let plan = Plan::new(index, today);
                assert!(plan.admitted_on < today, "{index} on {today}");
                let cap = latest_end_on(&plan.births);
                let first = &plan.periods[0].period;
                assert_eq!(first.starts_on, plan.admitted_on);
                for (k, record) in plan.periods.iter().enumerate() {
                    let period = record.period;
                    assert_eq!(period.number, k as i32 + 1);
                    assert_eq!(period.ends_on, period_ends_on(period.starts_on, cap));
                    let renewed = plan.periods.get(k + 1);
                    assert_eq!(record.decided_on.is_some(), renewed.is_some());
                    assert!(record.decided_on.is_none_or(|day| day <= today));
                    if let Some(next) = renewed {
                        assert_eq!(next.period.starts_on, period.ends_on + Days::new(1));
                    }
                }
                let current = plan.periods[plan.periods.len() - 1].period;
                if current.ends_on < today {
                    overdue += 1;
                    assert!(today - current.ends_on <= TimeDelta::days(41));
                }
                if let Some(moved_on) = plan.moved_on {
                    assert!(plan.admitted_on < moved_on && moved_on < today);
                }
            }
            assert!((30..200).contains(&overdue), "{overdue} overdue on {today}");
        }
    }

    #[test]
    fn ten_thousand_families_have_about_a_million_interventions() {
        let today = date(2026, 11, 26);
        let total: usize = (0..10_000)
            .map(|index| Plan::new(index, today).interventions)
            .sum();
        assert!((900_000..1_100_000).contains(&total), "{total}");
        let again = Plan::new(4_321, today);
        assert_eq!(again.interventions, Plan::new(4_321, today).interventions);
        assert_eq!(again.admitted_on, Plan::new(4_321, today).admitted_on);
    }
}

//! The billing statement to the département (admins): the days each
//! placement was present in a month, at the prix de journée.

use chrono::NaiveDate;
use nido_domain::Role;
use nido_domain::calendar::Month;
use nido_domain::reports::{amount_cents, days_present};
use nido_persistence::{families, placements};
use uuid::Uuid;

use crate::{Caller, CaseResult, Cases};

/// One placement's month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillingLine {
    pub placement_id: Uuid,
    pub family_id: Uuid,
    pub mother_first_name: String,
    pub mother_last_name: String,
    pub admitted_on: NaiveDate,
    pub exited_on: Option<NaiveDate>,
    /// Days present in the month, admission and exit days included.
    pub days: i64,
    pub amount_cents: i64,
}

impl BillingLine {
    pub fn mother_name(&self) -> String {
        format!("{} {}", self.mother_first_name, self.mother_last_name)
    }
}

/// The month's statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillingStatement {
    pub month: Month,
    /// The prix de journée in cents; 0 while not set.
    pub daily_rate_cents: i64,
    /// Sorted by the mother's last name, then first name.
    pub lines: Vec<BillingLine>,
    pub total_days: i64,
    pub total_cents: i64,
}

/// Each placement present in `month`, with its days (to today while the
/// placement is active, so a month still running counts up to today) and
/// their amount at the configured rate. Admins only; one audit entry per
/// family listed.
pub async fn statement(
    cases: &Cases,
    caller: &Caller,
    month: Month,
) -> CaseResult<BillingStatement> {
    caller.require(&[Role::Admin])?;
    let daily_rate_cents = crate::sites::current(cases).await?.daily_rate_cents;
    let today = cases.today();
    let (from, to) = (month.first_day(), month.last_day());
    let present: Vec<_> = placements::present_between(&cases.db, from, to)
        .await?
        .into_iter()
        .map(|placement| {
            let exited_on = placement.exit.as_ref().map(|exit| exit.exited_on);
            let days = days_present(placement.admitted_on, exited_on, today, from, to);
            (placement, exited_on, days)
        })
        .filter(|(_, _, days)| *days > 0)
        .collect();
    let families = families::find_many(
        &cases.db,
        present.iter().map(|(p, _, _)| p.family_id).collect(),
    )
    .await?;
    let mut lines: Vec<BillingLine> = present
        .into_iter()
        .map(|(placement, exited_on, days)| {
            // A family exited and admitted again has two lines.
            let mother = families
                .get(&placement.family_id)
                .map(|family| &family.mother);
            BillingLine {
                placement_id: placement.id,
                family_id: placement.family_id,
                mother_first_name: mother
                    .as_ref()
                    .map(|m| m.first_name.clone())
                    .unwrap_or_default(),
                mother_last_name: mother.map(|m| m.last_name.clone()).unwrap_or_default(),
                admitted_on: placement.admitted_on,
                exited_on,
                days,
                amount_cents: amount_cents(days, daily_rate_cents),
            }
        })
        .collect();
    lines.sort_by_cached_key(|line| {
        (
            line.mother_last_name.to_lowercase(),
            line.mother_first_name.to_lowercase(),
            line.admitted_on,
            line.placement_id,
        )
    });
    let resource = format!("/reports/billing?month={month}");
    cases
        .audit_many(
            caller,
            "report.billing.read",
            families.into_keys(),
            &resource,
        )
        .await?;
    Ok(BillingStatement {
        month,
        daily_rate_cents,
        total_days: lines.iter().map(|line| line.days).sum(),
        total_cents: lines
            .iter()
            .fold(0i64, |total, line| total.saturating_add(line.amount_cents)),
        lines,
    })
}

//! The billing statement to the département (admins): the days each
//! placement was present in a month, at the prix de journée.

use chrono::NaiveDate;
use nido_domain::Role;
use nido_domain::calendar::Month;
use nido_domain::reports::{amount_cents, days_present};
use std::collections::HashMap;

use nido_persistence::{families, placements};
use uuid::Uuid;

use crate::{Caller, CaseResult, Cases};

/// One placement's month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillingLine {
    pub placement_id: Uuid,
    pub family_id: Uuid,
    /// The family's site, whose prix de journée the line is billed at.
    pub site_id: Uuid,
    pub daily_rate_cents: i64,
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

/// One site's part of a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteBilling {
    pub site_id: Uuid,
    pub name: String,
    /// Its prix de journée in cents; 0 while not set.
    pub daily_rate_cents: i64,
    pub total_days: i64,
    pub total_cents: i64,
}

/// The month's statement, of one site or of several summed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillingStatement {
    pub month: Month,
    /// The prix de journée in cents (0 while not set): the site's, or the
    /// sites' when they share it; `None` for sites of different rates
    /// (each line and each site says its own).
    pub daily_rate_cents: Option<i64>,
    /// Sorted by the mother's last name, then first name.
    pub lines: Vec<BillingLine>,
    /// A line per site, by name.
    pub sites: Vec<SiteBilling>,
    pub total_days: i64,
    pub total_cents: i64,
}

/// Each placement present in `month`, with its days (to today while the
/// placement is active, so a month still running counts up to today) and
/// their amount at its site's prix de journée: of `site_id`, or of every
/// site the admin belongs to, summed with a line per site (another site
/// is not found). Admins only; one audit entry per family listed.
pub async fn statement(
    cases: &Cases,
    caller: &Caller,
    month: Month,
    site_id: Option<Uuid>,
) -> CaseResult<BillingStatement> {
    caller.require(&[Role::Admin, Role::HeadOffice])?;
    let sites = crate::sites::read_by(cases, caller, site_id).await?;
    let rates: HashMap<Uuid, i64> = sites
        .iter()
        .map(|site| (site.id, site.daily_rate_cents))
        .collect();
    let today = cases.today();
    let (from, to) = (month.first_day(), month.last_day());
    let every = nido_persistence::sites::Scope::Every;
    let present: Vec<_> = placements::present_between(&cases.db, &every, from, to)
        .await?
        .into_iter()
        .map(|placement| {
            let exited_on = placement.exit.as_ref().map(|exit| exit.exited_on);
            let days = days_present(placement.admitted_on, exited_on, today, from, to);
            (placement, exited_on, days)
        })
        .filter(|(_, _, days)| *days > 0)
        .collect();
    let mut families = families::find_many(
        &cases.db,
        present.iter().map(|(p, _, _)| p.family_id).collect(),
    )
    .await?;
    families.retain(|_, family| rates.contains_key(&family.site_id));
    let mut lines: Vec<BillingLine> = present
        .into_iter()
        .filter_map(|(placement, exited_on, days)| {
            // A family exited and admitted again has two lines.
            let family = families.get(&placement.family_id)?;
            let daily_rate_cents = rates.get(&family.site_id).copied().unwrap_or_default();
            let mother = Some(&family.mother);
            Some(BillingLine {
                placement_id: placement.id,
                family_id: placement.family_id,
                site_id: family.site_id,
                daily_rate_cents,
                mother_first_name: mother
                    .as_ref()
                    .map(|m| m.first_name.clone())
                    .unwrap_or_default(),
                mother_last_name: mother.map(|m| m.last_name.clone()).unwrap_or_default(),
                admitted_on: placement.admitted_on,
                exited_on,
                days,
                amount_cents: amount_cents(days, daily_rate_cents),
            })
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
    let totals = |of: &dyn Fn(&BillingLine) -> bool| {
        lines
            .iter()
            .filter(|line| of(line))
            .fold((0i64, 0i64), |(days, cents), line| {
                (days + line.days, cents.saturating_add(line.amount_cents))
            })
    };
    let per_site: Vec<SiteBilling> = sites
        .iter()
        .map(|site| {
            let (total_days, total_cents) = totals(&|line| line.site_id == site.id);
            SiteBilling {
                site_id: site.id,
                name: site.name.clone(),
                daily_rate_cents: site.daily_rate_cents,
                total_days,
                total_cents,
            }
        })
        .collect();
    let (total_days, total_cents) = totals(&|_| true);
    let mut distinct: Vec<i64> = sites.iter().map(|site| site.daily_rate_cents).collect();
    distinct.sort_unstable();
    distinct.dedup();
    Ok(BillingStatement {
        month,
        daily_rate_cents: match distinct.as_slice() {
            [rate] => Some(*rate),
            _ => None,
        },
        lines,
        sites: per_site,
        total_days,
        total_cents,
    })
}

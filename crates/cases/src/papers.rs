//! The papers nido prints (SPEC "Generated documents (PDF)"): the contract
//! of stay (or DIPC), the avenant of a renewal, the attestation
//! d'hébergement. Each use case gathers what it knows, written in French
//! (dates, amounts), hands it to its template (`nido_print`) off the async
//! runtime's threads, and audits the paper with its SHA-256 and the
//! template's version. Same data, same instant: same bytes.

use chrono::{Datelike, NaiveDate};
use nido_domain::Role;
use nido_domain::family::Family;
use nido_domain::placement::{ChildBirth, Placement, latest_end_on};
use nido_domain::project::ContractKind;
use nido_persistence::{occupancies, placements, projects};
use nido_print::Template;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::families::visible_family;
use crate::labels::{date, euros, objective_domain};
use crate::{Caller, CaseError, CaseResult, Cases};

/// Who the centre is, as its papers say: the site's name, address and
/// director.
#[derive(Debug, Clone, Default)]
pub struct Centre {
    pub name: String,
    pub address: String,
    pub director: String,
}

impl Centre {
    /// A fictional centre, for the tests.
    pub fn example() -> Self {
        Self {
            name: "Centre maternel Les Tilleuls".into(),
            address: "12 rue des Glycines, 94000 Créteil".into(),
            director: "Claire Fontaine".into(),
        }
    }

    /// The site, as its papers name it.
    pub fn of(site: &nido_domain::site::Site) -> Self {
        Self {
            name: site.name.clone(),
            address: site.address.clone(),
            director: site.director.clone(),
        }
    }

    fn json(&self) -> Value {
        json!({"name": self.name, "address": self.address, "director": self.director})
    }

    /// "Créteil, le 5 décembre 2026": the town of the address (after its
    /// postal code), and the day.
    fn signed_at(&self, day: NaiveDate) -> String {
        let town = self
            .address
            .rsplit(',')
            .next()
            .map(str::trim)
            .map(|tail| {
                tail.trim_start_matches(|c: char| c.is_ascii_digit())
                    .trim()
                    .to_owned()
            })
            .filter(|town| !town.is_empty())
            .unwrap_or_else(|| self.name.clone());
        format!("{town}, le {}", date(day))
    }
}

/// A paper printed: its bytes and the name a download gives it.
#[derive(Debug, Clone)]
pub struct Printed {
    pub pdf: Vec<u8>,
    /// Safe in a header as it is: ASCII letters, digits, dots, dashes.
    pub file_name: String,
}

fn mother(family: &Family) -> Value {
    json!({
        "name": family.mother.full_name(),
        "born": date(family.mother.birth_date),
    })
}

/// The born children: their names (the mother's last name unless they
/// have their own) and birth dates.
fn children(family: &Family) -> Value {
    Value::Array(
        family
            .children
            .iter()
            .filter_map(|child| match child.birth {
                ChildBirth::Born(born) => Some(json!({
                    "name": format!(
                        "{} {}",
                        child.first_name,
                        child.last_name.as_deref().unwrap_or(&family.mother.last_name)
                    ),
                    "born": date(born),
                })),
                ChildBirth::Expected(_) => None,
            })
            .collect(),
    )
}

/// A paper to print: its template and data, and what its audit entry and
/// its download say.
struct Job {
    template: Template,
    data: Value,
    family_id: Option<Uuid>,
    action: &'static str,
    resource: String,
    file_name: String,
}

/// Lays the job's template out with its data on a blocking thread, then
/// audits it (its action, on its resource) with the paper's SHA-256 and the
/// template's version.
async fn print(cases: &Cases, caller: &Caller, job: Job) -> CaseResult<Printed> {
    let Job {
        template,
        data,
        family_id,
        action,
        resource,
        file_name,
    } = job;
    let at = cases.now();
    let ident = resource.clone();
    let pdf = tokio::task::spawn_blocking(move || nido_print::render(template, &data, &ident, at))
        .await
        .map_err(|err| CaseError::Internal(anyhow::anyhow!("the printing thread failed: {err}")))?
        .map_err(|err| CaseError::Internal(err.into()))?;
    let digest: String = Sha256::digest(&pdf)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    cases
        .audit(
            caller,
            action,
            family_id,
            &format!("{resource} sha256={digest} template={}", template.version()),
        )
        .await?;
    // ASCII letters, digits, dots and dashes only: the name goes into a
    // header as it is.
    let file_name = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    Ok(Printed { pdf, file_name })
}

/// The placement and its family, if the caller may see them.
async fn placement_and_family(
    cases: &Cases,
    caller: &Caller,
    placement_id: Uuid,
) -> CaseResult<(Placement, Family)> {
    caller.require(&[Role::Coordinator, Role::Staff])?;
    let placement = placements::find(&cases.db, placement_id).await?;
    let family = visible_family(&cases.db, caller, placement.family_id).await?;
    Ok((placement, family))
}

fn contract_title(kind: ContractKind) -> &'static str {
    match kind {
        ContractKind::ContratDeSejour => "Contrat de séjour",
        ContractKind::Dipc => "Document individuel de prise en charge",
    }
}

/// The unit the placement's family lives in on `day`: "label, street,
/// postal code town".
async fn unit_on(
    cases: &Cases,
    placement_id: Uuid,
    day: NaiveDate,
) -> CaseResult<Option<(String, NaiveDate)>> {
    let stays = occupancies::of_placement(&cases.db, placement_id).await?;
    let Some(stay) = stays
        .into_iter()
        .filter(|stay| stay.span.start <= day)
        .find(|stay| stay.span.end.is_none_or(|end| end >= day))
    else {
        return Ok(None);
    };
    let unit = nido_persistence::housing::find_unit(&cases.db, stay.unit_id).await?;
    Ok(Some((
        format!(
            "{}, {}, {} {}",
            unit.label, unit.street, unit.postal_code, unit.city
        ),
        stay.span.start,
    )))
}

/// The contrat de séjour or the DIPC of the placement (coordinators;
/// staff for their families), by the contract's kind (a contract not yet
/// recorded prints as a contrat de séjour). Audited `contract.print`.
pub async fn contract(cases: &Cases, caller: &Caller, placement_id: Uuid) -> CaseResult<Printed> {
    let (placement, family) = placement_and_family(cases, caller, placement_id).await?;
    let site = crate::sites::current(cases).await?;
    let centre = Centre::of(&site);
    let kind = projects::find_contract(&cases.db, placement_id)
        .await?
        .map_or(ContractKind::ContratDeSejour, |contract| contract.kind);
    let today = cases.today();
    let period = placement
        .periods
        .last()
        .ok_or_else(|| CaseError::Internal(anyhow::anyhow!("a placement without a period")))?;
    let cap = latest_end_on(&family.births()).map(date);
    let unit = unit_on(cases, placement_id, today.max(placement.admitted_on))
        .await?
        .map(|(unit, _)| unit);
    let reviews = projects::reviews_of(&cases.db, placement_id).await?;
    let latest = reviews.iter().max_by_key(|review| review.reviewed_on);
    let objectives: Vec<Value> = latest
        .map(|review| {
            review
                .objectives
                .iter()
                .map(|objective| {
                    json!({"domain": objective_domain(objective.domain), "description": objective.description})
                })
                .collect()
        })
        .unwrap_or_default();
    let data = json!({
        "title": contract_title(kind),
        "centre": centre.json(),
        "mother": mother(&family),
        "children": children(&family),
        "admitted_on": date(placement.admitted_on),
        "period": {
            "number": period.period.number,
            "from": date(period.period.starts_on),
            "to": date(period.period.ends_on),
        },
        "cap": cap.unwrap_or_else(|| "troisième anniversaire du plus jeune enfant".into()),
        "unit": unit,
        "objectives": objectives,
        "project_reviewed_on": latest.map(|review| format!("le {}", date(review.reviewed_on))),
        "daily_rate": (site.daily_rate_cents > 0).then(|| format!("{} €", euros(site.daily_rate_cents))),
        "signed_at": centre.signed_at(today),
    });
    let job = Job {
        template: Template::Contract,
        data,
        family_id: Some(family.id),
        action: "contract.print",
        resource: format!("/placements/{placement_id}/contract.pdf"),
        file_name: format!("contrat-{}.pdf", family.mother.last_name),
    };
    print(cases, caller, job).await
}

/// The avenant of the renewal that began period `number` (2 or more) of
/// the placement. Audited `contract.print`.
pub async fn amendment(
    cases: &Cases,
    caller: &Caller,
    placement_id: Uuid,
    number: i32,
) -> CaseResult<Printed> {
    let (placement, family) = placement_and_family(cases, caller, placement_id).await?;
    let site = crate::sites::current(cases).await?;
    let centre = Centre::of(&site);
    let period_numbered = |n: i32| {
        placement
            .periods
            .iter()
            .find(|record| record.period.number == n)
    };
    // The decision to renew is recorded on the period it renewed.
    let (Some(record), Some(renewed)) = (period_numbered(number), period_numbered(number - 1))
    else {
        return Err(CaseError::NotFound);
    };
    let kind = projects::find_contract(&cases.db, placement_id)
        .await?
        .map_or(ContractKind::ContratDeSejour, |contract| contract.kind);
    let data = json!({
        "title": format!("Avenant n° {} au {}", number - 1, contract_title(kind).to_lowercase()),
        "contract_title": contract_title(kind).to_lowercase(),
        "centre": centre.json(),
        "mother": mother(&family),
        "admitted_on": date(placement.admitted_on),
        "period": {
            "number": number,
            "from": date(record.period.starts_on),
            "to": date(record.period.ends_on),
        },
        "decided_on": renewed.decided_on.map_or_else(|| "département".to_owned(), date),
        "decided_by": renewed.decided_by.clone().unwrap_or_else(|| "le département".into()),
        "decision_ref": renewed.decision_ref,
        "cap": latest_end_on(&family.births()).map_or_else(|| "troisième anniversaire du plus jeune enfant".into(), date),
        "signed_at": centre.signed_at(cases.today()),
    });
    let job = Job {
        template: Template::Amendment,
        data,
        family_id: Some(family.id),
        action: "contract.print",
        resource: format!("/placements/{placement_id}/periods/{number}/amendment.pdf"),
        file_name: format!("avenant-{}-{}.pdf", number - 1, family.mother.last_name),
    };
    print(cases, caller, job).await
}

/// The attestation d'hébergement of a family housed today: the mother and
/// her born children, the unit's address, since the admission. A family
/// not housed today has none (409 `not_housed`). Audited
/// `family.attestation.print`.
pub async fn attestation(cases: &Cases, caller: &Caller, family_id: Uuid) -> CaseResult<Printed> {
    let family = visible_family(&cases.db, caller, family_id).await?;
    let site = crate::sites::current(cases).await?;
    let centre = Centre::of(&site);
    let today = cases.today();
    let placement = match family.current_placement_id {
        Some(id) => Some(placements::find(&cases.db, id).await?),
        None => None,
    }
    .filter(|placement| placement.exit.is_none());
    let housed = match &placement {
        Some(placement) => unit_on(cases, placement.id, today).await?,
        None => None,
    };
    let (Some(placement), Some((address, _))) = (placement, housed) else {
        return Err(CaseError::Conflict(nido_domain::Conflict::NotHoused));
    };
    let data = json!({
        "title": "Attestation d'hébergement",
        "centre": centre.json(),
        "mother": mother(&family),
        "children": children(&family),
        "since": date(placement.admitted_on),
        "address": address,
        "signed_at": centre.signed_at(today),
    });
    let job = Job {
        template: Template::Attestation,
        data,
        family_id: Some(family.id),
        action: "family.attestation.print",
        resource: format!("/families/{family_id}/attestation.pdf"),
        file_name: format!("attestation-hebergement-{}.pdf", family.mother.last_name),
    };
    print(cases, caller, job).await
}

/// The months as a chart's axis says them.
const SHORT_MONTHS: [&str; 12] = [
    "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
    "déc.",
];

/// A share as a French percentage with one decimal: `0.784` → `78,4 %`.
fn percent(share: f64) -> String {
    format!("{:.1} %", share * 100.0).replace('.', ",")
}

/// A number of days with one decimal, or a dash when there is none.
fn days(value: Option<f64>) -> String {
    value.map_or_else(
        || "—".to_owned(),
        |days| format!("{days:.1} jours").replace('.', ","),
    )
}

/// The activity report of `year` of one site as the département receives
/// it (admin, coordinator, head office): its figures in a table, the
/// monthly occupancy as a bar chart and a table, under the site's name and
/// address. `site_id` absent: the caller's one site (422 when she reads
/// several). Audited `report.activity.print` (the figures' read is
/// audited as the report's).
pub async fn activity_report(
    cases: &Cases,
    caller: &Caller,
    year: i32,
    site_id: Option<Uuid>,
) -> CaseResult<Printed> {
    caller.require(crate::REPORT_READERS)?;
    let site_id = crate::sites::one_of_callers(cases, caller, site_id).await?;
    let report = crate::activity::activity_report(cases, caller, year, Some(site_id)).await?;
    let site = nido_persistence::sites::find(&cases.db, site_id).await?;
    let centre = Centre::of(&site);
    let count = |n: i64| n.to_string();
    let figures = [
        ("Orientations reçues", count(report.referrals)),
        ("Admissions", count(report.admissions)),
        ("Sorties", count(report.exits)),
        (
            "Durée moyenne des séjours terminés",
            days(report.average_stay_days),
        ),
        (
            "Attente moyenne avant l'admission",
            days(report.average_wait_days),
        ),
        ("Journées (familles)", count(report.family_days)),
        ("Journées (enfants)", count(report.child_days)),
        ("Taux d'occupation", percent(report.occupancy_rate)),
        ("Places autorisées", site.authorized_places.to_string()),
        (
            &*format!("Familles présentes le {}", date(report.present_on)),
            count(report.families_present),
        ),
        (
            &*format!("Enfants présents le {}", date(report.present_on)),
            count(report.children_present),
        ),
    ]
    .into_iter()
    .map(|(label, value)| json!({"label": label, "value": value}))
    .collect::<Vec<Value>>();
    let months: Vec<Value> = report
        .months
        .iter()
        .map(|month| {
            let first = month.month.first_day();
            let name = crate::labels::MONTHS[first.month0() as usize];
            json!({
                "month": SHORT_MONTHS[first.month0() as usize],
                "month_long": format!("{name} {}", first.year()),
                "days": month.family_days.to_string(),
                "percent": (month.occupancy_rate * 100.0).max(0.0),
                "label_percent": percent(month.occupancy_rate),
            })
        })
        .collect();
    let mut housing: Vec<(String, String)> = report
        .exits_by_step_kind
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(kind, n)| {
            (
                format!(
                    "Sorties par : {}",
                    crate::labels::step_kind(*kind).to_lowercase()
                ),
                count(*n),
            )
        })
        .collect();
    housing.push((
        "Offres acceptées après une demande de logement social".to_owned(),
        count(report.housing_waits),
    ));
    housing.push((
        "Attente médiane de la demande à l'offre acceptée".to_owned(),
        report
            .median_housing_wait_days
            .map_or_else(|| "—".to_owned(), |n| format!("{n} jours")),
    ));
    for follow_up in &report.follow_ups {
        housing.push((
            format!("Logées au suivi à {} mois", follow_up.after_months),
            match follow_up.housed_share {
                Some(share) => format!(
                    "{} sur {} ({})",
                    follow_up.housed,
                    follow_up.made,
                    percent(share)
                ),
                None => "—".to_owned(),
            },
        ));
    }
    let housing: Vec<Value> = housing
        .into_iter()
        .map(|(label, value)| json!({"label": label, "value": value}))
        .collect();
    let data = json!({
        "title": format!("Rapport d'activité {year}"),
        "centre": centre.json(),
        "figures": figures,
        "housing": housing,
        "months": months,
    });
    let job = Job {
        template: Template::ActivityReport,
        data,
        family_id: None,
        action: "report.activity.print",
        resource: format!("/reports/activity.pdf?year={year}"),
        file_name: format!("rapport-activite-{year}.pdf"),
    };
    print(cases, caller, job).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_place_of_signature_is_the_town_of_the_address() {
        let centre = Centre::example();
        let day = NaiveDate::from_ymd_opt(2026, 12, 5).expect("day");
        assert_eq!(centre.signed_at(day), "Créteil, le 5 décembre 2026");
        let nameless = Centre {
            address: String::new(),
            ..Centre::example()
        };
        assert_eq!(
            nameless.signed_at(day),
            "Centre maternel Les Tilleuls, le 5 décembre 2026"
        );
    }
}

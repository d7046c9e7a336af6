//! A write input is checked by its use case, for the API and the pages
//! alike: every refusal at once, named by the API's fields, after the
//! caller's right and before anything is read or written.

use chrono::Days;
use nido_cases::placements::{self, Renewal};
use nido_cases::referrals::{self, ReferralInput};
use nido_cases::{CaseError, FieldError};
use nido_domain::family::{
    ChildDraft, FamilyDraft, MotherDraft, ReferralDraft, ReferralReason, ReferralSource,
    ReferralStatus,
};
use uuid::Uuid;

use crate::harness::{day, world};

fn fields(refused: CaseError) -> Vec<(String, String)> {
    match refused {
        CaseError::Invalid(errors) => errors
            .into_iter()
            .map(|FieldError { field, refusal }| (field, refusal.english()))
            .collect(),
        other => panic!("expected invalid input, got {other:?}"),
    }
}

fn pair(field: &str, message: &str) -> (String, String) {
    (field.to_owned(), message.to_owned())
}

#[tokio::test]
async fn a_renewal_is_refused_field_by_field_and_first_for_its_role() {
    let world = world().await;
    let tomorrow = world.today() + Days::new(1);
    let renewal = Renewal {
        placement_id: Uuid::now_v7(),
        period_number: 1,
        decided_on: tomorrow,
        decided_by: " \t ".to_owned(),
        decision_ref: Some("é".repeat(101)),
    };
    let refused = placements::renew(&world.cases, &world.referent, renewal.clone())
        .await
        .expect_err("staff do not renew");
    assert!(matches!(refused, CaseError::Forbidden), "{refused:?}");
    let refused = placements::renew(&world.cases, &world.coordinator, renewal)
        .await
        .expect_err("invalid, and no such placement");
    assert_eq!(
        fields(refused),
        [
            pair("decided_by", "must not be blank"),
            pair("decided_on", "must not be after today"),
            pair("decision_ref", "must be at most 100 characters"),
        ]
    );
}

#[tokio::test]
async fn a_referral_names_the_refused_fields_of_its_family_and_records_nothing() {
    let world = world().await;
    let today = world.today();
    let child = |first_name: &str| ChildDraft {
        first_name: first_name.to_owned(),
        last_name: None,
        birth_date: Some(day("2026-01-10")),
        expected_birth_date: None,
    };
    let mut children = vec![child("Lou"); 12];
    children.push(child(" "));
    let input = ReferralInput {
        family: Some(FamilyDraft {
            mother: MotherDraft {
                first_name: "Inès".to_owned(),
                last_name: "x".repeat(101),
                birth_last_name: None,
                birth_date: today + Days::new(1),
                birth_place: None,
                phone: None,
                email: Some("not an address".to_owned()),
            },
            children,
        }),
        family_id: None,
        details: ReferralDraft {
            source: ReferralSource::Ase,
            eds: "EDS Nord".to_owned(),
            referred_on: today,
            referrer_name: "ASE".to_owned(),
            referrer_contact: String::new(),
            reason: ReferralReason::Distress,
            reason_details: None,
        },
        confirm_new: None,
        site_id: None,
    };
    let refused = referrals::refer(&world.cases, &world.coordinator, input.clone())
        .await
        .expect_err("refused");
    let refused = fields(refused);
    let named: Vec<&str> = refused.iter().map(|(field, _)| field.as_str()).collect();
    assert_eq!(
        named,
        [
            "family.children",
            "family.children[12].first_name",
            "family.mother.birth_date",
            "family.mother.email",
            "family.mother.last_name",
            "referrer_contact",
        ]
    );
    assert_eq!(
        refused[0],
        pair("family.children", "must list at most 12 children")
    );

    let both = ReferralInput {
        family_id: Some(Uuid::now_v7()),
        ..input
    };
    let refused = referrals::refer(&world.cases, &world.coordinator, both)
        .await
        .expect_err("refused");
    assert_eq!(
        fields(refused),
        [
            pair("family", "give exactly one of family and family_id"),
            pair("referrer_contact", "must be 1 to 200 characters"),
        ]
    );
    let pending = referrals::page(
        &world.cases,
        &world.coordinator,
        Some(ReferralStatus::Pending),
        None,
        10,
    )
    .await
    .expect("the waiting list");
    assert!(pending.is_empty(), "{pending:?}");
}

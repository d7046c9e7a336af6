//! Shared steps for the case tests: referring and admitting families.

use chrono::{Days, NaiveDate};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::TestApp;

/// Today as nido sees it (Europe/Paris).
pub fn today() -> NaiveDate {
    crate::helpers::test_now()
        .with_timezone(&chrono_tz::Europe::Paris)
        .date_naive()
}

pub fn days_ago(days: u64) -> NaiveDate {
    today() - Days::new(days)
}

pub fn date(raw: &str) -> NaiveDate {
    raw.parse().expect("a date")
}

thread_local! {
    /// How many mothers this test referred (a test runs on its own thread).
    static MOTHERS: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// The birth date of a test's next mother: the first on 2001-05-17, each
/// next one a month before, always a 17th (a day no month swap reads
/// otherwise), so that the duplicate check never takes two mothers of a
/// test for one (`tests/api/identity.rs` makes them alike on purpose).
pub fn next_mother_birth() -> NaiveDate {
    let born = MOTHERS.with(|count| {
        let n = count.get();
        count.set(n + 1);
        n
    });
    date("2001-05-17")
        .checked_sub_months(chrono::Months::new(born))
        .expect("a birth date")
}

/// A referral body for a new family with the given children.
pub fn referral_body(last_name: &str, referred_on: NaiveDate, children: Value) -> Value {
    json!({
        "family": {
            "mother": {"first_name": "Awa", "last_name": last_name, "birth_date": next_mother_birth(),
                       "phone": "06 00 00 00 00"},
            "children": children,
        },
        "source": "ase",
        "eds": "Alfortville",
        "referred_on": referred_on,
        "referrer_name": "Claire Fontaine",
        "referrer_contact": "eds.alfortville@example.org",
        "reason": "distress",
        "reason_details": "Hébergée chez un tiers, doit quitter le logement.",
    })
}

impl TestApp {
    /// Refers a new family whose one child was born on `born`.
    pub async fn refer(&self, coordinator: &str, last_name: &str, born: NaiveDate) -> Value {
        let children = json!([{"first_name": "Inaya", "birth_date": born}]);
        self.refer_with(
            coordinator,
            &referral_body(last_name, date("2020-01-01"), children),
        )
        .await
    }

    pub async fn refer_with(&self, coordinator: &str, body: &Value) -> Value {
        let response = self
            .post("/api/v1/referrals", Some(coordinator), body)
            .await;
        assert_eq!(response.status(), StatusCode::CREATED, "referral");
        response.json().await.expect("json")
    }

    pub async fn admit(
        &self,
        coordinator: &str,
        referral: &Value,
        admitted_on: NaiveDate,
    ) -> Value {
        let path = format!(
            "/api/v1/referrals/{}/admission",
            referral["id"].as_str().expect("id")
        );
        let response = self
            .post(
                &path,
                Some(coordinator),
                &json!({"admitted_on": admitted_on}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED, "admission");
        response.json().await.expect("json")
    }

    /// Declines a pending referral for `reason`; panics unless it succeeds.
    pub async fn decline(&self, coordinator: &str, referral: &Value, reason: &str) {
        let path = format!(
            "/api/v1/referrals/{}/decline",
            referral["id"].as_str().expect("id")
        );
        let response = self
            .post(&path, Some(coordinator), &json!({"reason": reason}))
            .await;
        assert_eq!(response.status(), StatusCode::OK, "decline");
    }

    /// Refers and admits a family whose child was born on `born`.
    pub async fn placed_family(
        &self,
        coordinator: &str,
        last_name: &str,
        born: NaiveDate,
        admitted_on: NaiveDate,
    ) -> Value {
        let referral = self.refer(coordinator, last_name, born).await;
        self.admit(coordinator, &referral, admitted_on).await
    }

    pub async fn renew(
        &self,
        coordinator: &str,
        placement_id: &str,
        period_number: i64,
    ) -> reqwest::Response {
        self.post(
            &format!("/api/v1/placements/{placement_id}/renewals"),
            Some(coordinator),
            &json!({"period_number": period_number, "decided_on": days_ago(1),
                    "decided_by": "ASE du Val-de-Marne", "decision_ref": "DEC-2026-0042"}),
        )
        .await
    }

    /// [`renew`](Self::renew), which must succeed: the new period.
    pub async fn renewed(
        &self,
        coordinator: &str,
        placement_id: &str,
        period_number: i64,
    ) -> Value {
        let response = self.renew(coordinator, placement_id, period_number).await;
        assert_eq!(response.status(), StatusCode::CREATED, "renewal");
        response.json().await.expect("json")
    }

    pub async fn put(&self, path: &str, token: &str, body: &Value) -> reqwest::Response {
        self.client
            .put(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("sent")
    }

    /// Assigns `referent` (a user id) to the family.
    pub async fn assign(&self, coordinator: &str, family_id: &str, referent: &str, team: &[&str]) {
        let response = self
            .put(
                &format!("/api/v1/families/{family_id}/assignment"),
                coordinator,
                &json!({"referent_id": referent, "team_ids": team}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK, "assignment");
    }

    /// A staff member: their id and token.
    pub async fn staff_member(&self, name: &str) -> (String, String) {
        let email = format!("{name}@nido.example");
        let user = self.create_user(&email, "staff", "social_worker").await;
        let token = self.token_for(&email, crate::helpers::PASSWORD).await;
        (user["id"].as_str().expect("id").to_owned(), token)
    }
}

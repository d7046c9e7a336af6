use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::cases::{date, referral_body};
use crate::helpers::{TestApp, assert_problem, invalid_fields, spawn_app};

impl TestApp {
    pub(crate) async fn landlord(&self, admin: &str, name: &str, kind: &str) -> String {
        let response = self
            .post(
                "/api/v1/landlords",
                Some(admin),
                &json!({"name": name, "kind": kind}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED, "landlord");
        let body: Value = response.json().await.expect("json");
        body["id"].as_str().expect("id").to_owned()
    }

    pub(crate) async fn unit(
        &self,
        admin: &str,
        landlord: &str,
        label: &str,
        capacity: i64,
    ) -> String {
        let body = json!({"landlord_id": landlord, "label": label, "street": "12 rue Véron",
                          "postal_code": "94140", "city": "Alfortville", "typology": "t2",
                          "surface_m2": 41.5, "capacity": capacity});
        let response = self.post("/api/v1/units", Some(admin), &body).await;
        assert_eq!(response.status(), StatusCode::CREATED, "unit");
        let body: Value = response.json().await.expect("json");
        body["id"].as_str().expect("id").to_owned()
    }

    pub(crate) async fn lease(
        &self,
        admin: &str,
        unit: &str,
        starts_on: &str,
        ends_on: Option<&str>,
        rent: i64,
        charges: i64,
    ) -> reqwest::Response {
        let body = json!({"starts_on": starts_on, "ends_on": ends_on, "monthly_rent_cents": rent,
                          "monthly_charges_cents": charges, "deposit_cents": rent});
        self.post(&format!("/api/v1/units/{unit}/leases"), Some(admin), &body)
            .await
    }

    /// A leased unit: (landlord id, unit id).
    pub(crate) async fn leased_unit(&self, admin: &str, label: &str, capacity: i64) -> String {
        let landlord = self.landlord(admin, "Valophis Habitat", "social").await;
        let unit = self.unit(admin, &landlord, label, capacity).await;
        assert_eq!(
            self.lease(admin, &unit, "2025-01-01", None, 60_000, 9_000)
                .await
                .status(),
            StatusCode::CREATED
        );
        unit
    }

    /// Refers a mother and her baby, and admits them into `unit`.
    pub(crate) async fn admit_into(
        &self,
        coordinator: &str,
        name: &str,
        unit: Option<&str>,
        admitted_on: &str,
    ) -> reqwest::Response {
        let children = json!([{"first_name": "Inaya", "birth_date": "2025-09-01"}]);
        self.admit_family_into(coordinator, name, children, unit, admitted_on)
            .await
    }

    /// Refers a mother with `children` and admits them into `unit`.
    pub(crate) async fn admit_family_into(
        &self,
        coordinator: &str,
        name: &str,
        children: Value,
        unit: Option<&str>,
        admitted_on: &str,
    ) -> reqwest::Response {
        let referral = self
            .refer_with(
                coordinator,
                &referral_body(name, date("2025-01-01"), children),
            )
            .await;
        let path = format!(
            "/api/v1/referrals/{}/admission",
            referral["id"].as_str().expect("id")
        );
        self.post(
            &path,
            Some(coordinator),
            &json!({"admitted_on": admitted_on, "unit_id": unit}),
        )
        .await
    }

    /// [`admit_into`](Self::admit_into), which must succeed: the placement.
    pub(crate) async fn admitted_into(
        &self,
        coordinator: &str,
        name: &str,
        unit: Option<&str>,
        admitted_on: &str,
    ) -> Value {
        let response = self.admit_into(coordinator, name, unit, admitted_on).await;
        assert_eq!(
            response.status(),
            StatusCode::CREATED,
            "admission of {name}"
        );
        response.json().await.expect("json")
    }

    /// Ends a placement on `exited_on`; panics unless it succeeds.
    pub(crate) async fn exit(&self, coordinator: &str, placement_id: &str, exited_on: &str) {
        let path = format!("/api/v1/placements/{placement_id}/exit");
        let exit = json!({"exited_on": exited_on, "destination": "social_housing"});
        let response = self.post(&path, Some(coordinator), &exit).await;
        assert_eq!(response.status(), StatusCode::OK, "exit");
    }
}

#[tokio::test]
async fn admins_write_housing_coordinators_read_staff_do_not_see_it() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let coordinator = app.login_as("coordinator").await;
    let staff = app.login_as("staff").await;
    let landlord = app.landlord(&admin, "Mme Lefort", "private").await;
    let unit = app.unit(&admin, &landlord, "Studio Véron", 2).await;

    for path in [
        "/api/v1/landlords".to_owned(),
        format!("/api/v1/units/{unit}"),
        format!("/api/v1/units/{unit}/leases"),
        format!("/api/v1/units/{unit}/occupancies"),
        "/api/v1/housing/vacancies".into(),
        "/api/v1/housing/leases-ending".into(),
        "/api/v1/reports/occupancy?from=2026-01-01&to=2026-01-31".into(),
    ] {
        assert_eq!(
            app.get(&path, Some(&coordinator)).await.status(),
            StatusCode::OK,
            "{path}"
        );
        assert_problem(app.get(&path, Some(&staff)).await, 403, "forbidden").await;
    }
    let new_landlord = json!({"name": "X", "kind": "social"});
    assert_problem(
        app.post("/api/v1/landlords", Some(&coordinator), &new_landlord)
            .await,
        403,
        "forbidden",
    )
    .await;
    let lease = app
        .lease(&coordinator, &unit, "2026-01-01", None, 1, 1)
        .await;
    assert_problem(lease, 403, "forbidden").await;
}

#[tokio::test]
async fn landlords_units_and_leases_are_validated_and_versioned() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let problem = assert_problem(
        app.post("/api/v1/landlords", Some(&admin), &json!({"email": "x"}))
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(invalid_fields(&problem), ["email", "kind", "name"]);
    let landlord = app.landlord(&admin, "Mme Lefort", "private").await;
    let path = format!("/api/v1/landlords/{landlord}");
    let stale = app
        .patch(
            &path,
            &admin,
            Some("\"5\""),
            &json!({"phone": "01 00 00 00 00"}),
        )
        .await;
    assert_problem(stale, 412, "stale_version").await;
    let changed = app
        .patch(&path, &admin, Some("\"1\""), &json!({"kind": "social"}))
        .await;
    assert_eq!(changed.status(), StatusCode::OK);
    let changed: Value = changed.json().await.expect("json");
    assert_eq!(changed["kind"], "social");
    assert_eq!(changed["version"], 2);

    let bad_unit = json!({"landlord_id": uuid::Uuid::new_v4(), "label": "A", "street": "S", "postal_code": "94140",
                          "city": "Alfortville", "typology": "t9", "surface_m2": 0, "capacity": 0});
    let problem = assert_problem(
        app.post("/api/v1/units", Some(&admin), &bad_unit).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(invalid_fields(&problem), ["typology"]);
    let bad_unit = json!({"landlord_id": uuid::Uuid::new_v4(), "label": "A", "street": "S", "postal_code": "94140",
                          "city": "Alfortville", "typology": "t2", "surface_m2": 0, "capacity": 0});
    let problem = assert_problem(
        app.post("/api/v1/units", Some(&admin), &bad_unit).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(
        invalid_fields(&problem),
        ["capacity", "landlord_id", "surface_m2"]
    );

    let unit = app.unit(&admin, &landlord, "T2 Véron", 3).await;
    let backwards = app
        .lease(&admin, &unit, "2026-06-01", Some("2026-05-31"), 1, 1)
        .await;
    assert_eq!(
        invalid_fields(&assert_problem(backwards, 422, "validation_failed").await),
        ["ends_on"]
    );
    let negative = app.lease(&admin, &unit, "2026-06-01", None, -1, 0).await;
    assert_eq!(
        invalid_fields(&assert_problem(negative, 422, "validation_failed").await),
        ["deposit_cents", "monthly_rent_cents"]
    );
    let money = json!({"starts_on": "2026-01-01", "monthly_rent_cents": 650.5, "monthly_charges_cents": 0, "deposit_cents": 0});
    let floats = app
        .post(
            &format!("/api/v1/units/{unit}/leases"),
            Some(&admin),
            &money,
        )
        .await;
    assert_eq!(
        invalid_fields(&assert_problem(floats, 422, "validation_failed").await),
        ["monthly_rent_cents"]
    );
}

#[tokio::test]
async fn leases_of_one_unit_never_overlap() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let landlord = app.landlord(&admin, "Mme Lefort", "private").await;
    let unit = app.unit(&admin, &landlord, "T2 Véron", 3).await;
    let other = app.unit(&admin, &landlord, "T1 Véron", 2).await;
    assert_eq!(
        app.lease(
            &admin,
            &unit,
            "2025-01-01",
            Some("2025-12-31"),
            60_000,
            8_000
        )
        .await
        .status(),
        StatusCode::CREATED
    );
    let overlapping = app
        .lease(&admin, &unit, "2025-12-31", None, 60_000, 8_000)
        .await;
    assert_problem(overlapping, 409, "lease_overlap").await;
    let next = app
        .lease(&admin, &unit, "2026-01-01", None, 62_000, 8_000)
        .await;
    assert_eq!(next.status(), StatusCode::CREATED);
    let next: Value = next.json().await.expect("json");
    // The same dates on another unit are fine.
    assert_eq!(
        app.lease(&admin, &other, "2025-06-01", None, 50_000, 5_000)
            .await
            .status(),
        StatusCode::CREATED
    );
    // Nor can a change make two leases overlap.
    let path = format!("/api/v1/leases/{}", next["id"].as_str().expect("id"));
    let body = json!({"starts_on": "2025-11-01", "monthly_rent_cents": 62_000, "monthly_charges_cents": 8_000, "deposit_cents": 0});
    assert_problem(
        app.patch(&path, &admin, None, &body).await,
        409,
        "lease_overlap",
    )
    .await;
    let body = json!({"starts_on": "2026-01-01", "ends_on": "2027-12-31", "monthly_rent_cents": 63_000, "monthly_charges_cents": 8_000, "deposit_cents": 0});
    let changed = app.patch(&path, &admin, Some("\"1\""), &body).await;
    assert_eq!(changed.status(), StatusCode::OK);
    let changed: Value = changed.json().await.expect("json");
    assert_eq!(changed["ends_on"], "2027-12-31");
    assert_eq!(changed["monthly_rent_cents"], 63_000);
    let leases = app
        .get_json(&format!("/api/v1/units/{unit}/leases"), &admin)
        .await;
    assert_eq!(leases["items"].as_array().expect("items").len(), 2);
}

#[tokio::test]
async fn occupancy_rules_each_answer_their_code() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let coordinator = app.login_as("coordinator").await;
    let unit = app.leased_unit(&admin, "T2 Véron", 2).await;
    let studio = app.leased_unit(&admin, "Studio", 1).await;
    let landlord = app.landlord(&admin, "M. Garcia", "private").await;
    let unleased = app.unit(&admin, &landlord, "Sans bail", 4).await;

    let placed = app
        .admit_into(&coordinator, "Martin", Some(&unit), "2026-02-01")
        .await;
    assert_eq!(placed.status(), StatusCode::CREATED);
    assert_problem(
        app.admit_into(&coordinator, "Benali", Some(&unit), "2026-03-01")
            .await,
        409,
        "unit_occupied",
    )
    .await;
    assert_problem(
        app.admit_into(&coordinator, "Sow", Some(&unleased), "2026-03-01")
            .await,
        409,
        "no_active_lease",
    )
    .await;
    // A mother and her baby are two: a studio for one is too small.
    assert_problem(
        app.admit_into(&coordinator, "Kone", Some(&studio), "2026-03-01")
            .await,
        409,
        "over_capacity",
    )
    .await;
    let unknown = uuid::Uuid::new_v4().to_string();
    let problem = assert_problem(
        app.admit_into(&coordinator, "Kone", Some(&unknown), "2026-03-01")
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(invalid_fields(&problem), ["unit_id"]);
    // A refused admission leaves nothing behind: the family is still waiting.
    let waiting = app
        .get_json("/api/v1/referrals?status=pending", &coordinator)
        .await;
    assert_eq!(waiting["items"].as_array().expect("items").len(), 4);

    let occupancies = app
        .get_json(&format!("/api/v1/units/{unit}/occupancies"), &admin)
        .await;
    let items = occupancies["items"].as_array().expect("items");
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["starts_on"], "2026-02-01");
    assert!(items[0]["ends_on"].is_null());
}

#[tokio::test]
async fn a_move_ends_the_current_occupancy_the_day_before_and_an_exit_ends_it() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let coordinator = app.login_as("coordinator").await;
    let first = app.leased_unit(&admin, "T2 Véron", 3).await;
    let second = app.leased_unit(&admin, "T3 Marne", 4).await;
    let placement = app
        .admitted_into(&coordinator, "Martin", Some(&first), "2026-02-01")
        .await;
    let placement_id = placement["id"].as_str().expect("id");
    let path = format!("/api/v1/placements/{placement_id}/move");

    let same_day = app
        .post(
            &path,
            Some(&admin),
            &json!({"unit_id": second, "on": "2026-02-01"}),
        )
        .await;
    assert_eq!(
        invalid_fields(&assert_problem(same_day, 422, "validation_failed").await),
        ["on"]
    );
    let response = app
        .post(
            &path,
            Some(&admin),
            &json!({"unit_id": second, "on": "2026-05-10"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let occupancy: Value = response.json().await.expect("json");
    assert_eq!(occupancy["unit_id"], second.as_str());
    assert_eq!(occupancy["starts_on"], "2026-05-10");
    assert_eq!(occupancy["family_id"], placement["family_id"]);

    let before = app
        .get_json(&format!("/api/v1/units/{first}/occupancies"), &coordinator)
        .await;
    assert_eq!(before["items"][0]["ends_on"], "2026-05-09");
    let staff = app.login_as("staff").await;
    assert_problem(
        app.post(
            &path,
            Some(&staff),
            &json!({"unit_id": first, "on": "2026-06-01"}),
        )
        .await,
        403,
        "forbidden",
    )
    .await;

    let exit = json!({"exited_on": "2026-08-31", "destination": "social_housing"});
    let response = app
        .post(
            &format!("/api/v1/placements/{placement_id}/exit"),
            Some(&coordinator),
            &exit,
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let after = app
        .get_json(&format!("/api/v1/units/{second}/occupancies"), &coordinator)
        .await;
    assert_eq!(after["items"][0]["ends_on"], "2026-08-31");
    let moved = app
        .post(
            &path,
            Some(&admin),
            &json!({"unit_id": first, "on": "2026-09-01"}),
        )
        .await;
    assert_problem(moved, 409, "placement_ended").await;
    // The unit is free again the day after.
    let next = app
        .admit_into(&coordinator, "Benali", Some(&second), "2026-09-01")
        .await;
    assert_eq!(next.status(), StatusCode::CREATED);
}

/// The family's occupancies of `unit`: (starts_on, ends_on) each.
async fn stays(app: &TestApp, admin: &str, unit: &str) -> Vec<(Value, Value)> {
    let page = app
        .get_json(&format!("/api/v1/units/{unit}/occupancies"), admin)
        .await;
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|stay| (stay["starts_on"].clone(), stay["ends_on"].clone()))
        .collect()
}

#[tokio::test]
async fn no_move_nor_admission_on_a_day_no_lease_covers_and_a_refused_move_leaves_the_family_home()
{
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let coordinator = app.login_as("coordinator").await;
    let home = app.leased_unit(&admin, "T2 Véron", 3).await;
    let landlord = app.landlord(&admin, "M. Garcia", "private").await;
    // A lease that ended, one that has not begun yet.
    let ended = app.unit(&admin, &landlord, "T2 Garcia", 3).await;
    let lease = app
        .lease(
            &admin,
            &ended,
            "2025-01-01",
            Some("2026-02-28"),
            60_000,
            9_000,
        )
        .await;
    assert_eq!(lease.status(), StatusCode::CREATED);
    let later = app.unit(&admin, &landlord, "T3 Garcia", 3).await;
    let lease = app
        .lease(&admin, &later, "2026-06-01", None, 60_000, 9_000)
        .await;
    assert_eq!(lease.status(), StatusCode::CREATED);
    let taken = app.leased_unit(&admin, "T3 Marne", 4).await;
    let studio = app.leased_unit(&admin, "Studio", 1).await;
    app.admitted_into(&coordinator, "Benali", Some(&taken), "2026-02-01")
        .await;

    for (name, unit, on) in [
        ("Sow", &ended, "2026-03-01"),
        ("Kone", &later, "2026-05-31"),
    ] {
        let refused = app.admit_into(&coordinator, name, Some(unit), on).await;
        assert_problem(refused, 409, "no_active_lease").await;
    }

    let placement = app
        .admitted_into(&coordinator, "Martin", Some(&home), "2026-02-01")
        .await;
    let path = format!(
        "/api/v1/placements/{}/move",
        placement["id"].as_str().expect("id")
    );
    for (unit, on, code) in [
        (&ended, "2026-03-01", "no_active_lease"),
        (&later, "2026-05-31", "no_active_lease"),
        (&taken, "2026-04-01", "unit_occupied"),
        (&studio, "2026-04-01", "over_capacity"),
    ] {
        let body = json!({"unit_id": unit, "on": on});
        let refused = app.post(&path, Some(&coordinator), &body).await;
        assert_problem(refused, 409, code).await;
        // Read back after each refusal: she still lives at home, open-ended.
        assert_eq!(
            stays(&app, &admin, &home).await,
            [(json!("2026-02-01"), Value::Null)],
            "after {code} on {on}"
        );
    }
    assert!(stays(&app, &admin, &ended).await.is_empty());
    assert!(stays(&app, &admin, &later).await.is_empty());
    assert!(stays(&app, &admin, &studio).await.is_empty());
    assert_eq!(
        stays(&app, &admin, &taken).await,
        [(json!("2026-02-01"), Value::Null)],
        "the other family only"
    );

    // From the day the lease begins, the move goes through.
    let body = json!({"unit_id": later, "on": "2026-06-01"});
    let moved = app.post(&path, Some(&coordinator), &body).await;
    assert_eq!(moved.status(), StatusCode::CREATED);
    assert_eq!(
        stays(&app, &admin, &home).await,
        [(json!("2026-02-01"), json!("2026-05-31"))]
    );
    assert_eq!(
        stays(&app, &admin, &later).await,
        [(json!("2026-06-01"), Value::Null)]
    );
}

#[tokio::test]
async fn an_unborn_child_takes_no_room_in_a_unit() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let coordinator = app.login_as("coordinator").await;
    let due = crate::cases::today() + chrono::Days::new(60);
    let on = crate::cases::days_ago(3).to_string();
    // Expecting her first baby: she alone fits a studio for one.
    let studio = app.leased_unit(&admin, "Studio", 1).await;
    let expecting = json!([{"first_name": "Bébé", "expected_birth_date": due}]);
    let admitted = app
        .admit_family_into(&coordinator, "Sow", expecting, Some(&studio), &on)
        .await;
    assert_eq!(admitted.status(), StatusCode::CREATED);
    // With a baby born and one expected, they are two: a unit for two.
    let for_two = app.leased_unit(&admin, "T1 Ivry", 2).await;
    let both = json!([{"first_name": "Inaya", "birth_date": "2025-09-01"},
                      {"first_name": "Bébé", "expected_birth_date": due}]);
    let admitted = app
        .admit_family_into(&coordinator, "Kone", both.clone(), Some(&for_two), &on)
        .await;
    assert_eq!(admitted.status(), StatusCode::CREATED);
    // Two born children make three: the same unit is too small.
    let other_for_two = app.leased_unit(&admin, "T1 Vitry", 2).await;
    let born = json!([{"first_name": "Inaya", "birth_date": "2025-09-01"},
                      {"first_name": "Nour", "birth_date": "2024-05-10"}]);
    let refused = app
        .admit_family_into(&coordinator, "Diallo", born, Some(&other_for_two), &on)
        .await;
    assert_problem(refused, 409, "over_capacity").await;
}

#[tokio::test]
async fn parallel_moves_into_one_unit_let_exactly_one_win() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let coordinator = app.login_as("coordinator").await;
    let unit = app.leased_unit(&admin, "T3 Marne", 4).await;
    let mut paths = Vec::new();
    for name in ["Martin", "Benali", "Sow", "Kone", "Nguyen", "Diallo"] {
        let placement = app
            .admitted_into(&coordinator, name, None, "2026-02-01")
            .await;
        paths.push(format!(
            "/api/v1/placements/{}/move",
            placement["id"].as_str().expect("id")
        ));
    }
    let body = json!({"unit_id": unit, "on": "2026-03-01"});
    let moves = paths
        .iter()
        .map(|path| app.post(path, Some(&coordinator), &body));
    let answers = crate::helpers::join_all(moves.collect()).await;
    crate::helpers::assert_one_wins(answers, 201, 409, "unit_occupied").await;
    let occupancies = app
        .get_json(&format!("/api/v1/units/{unit}/occupancies"), &admin)
        .await;
    assert_eq!(occupancies["items"].as_array().expect("items").len(), 1);
}

#[tokio::test]
async fn vacancies_say_since_when_and_what_they_cost_also_as_csv() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let coordinator = app.login_as("coordinator").await;
    let landlord = app.landlord(&admin, "Mme Lefort", "private").await;
    let quoted = app
        .unit(&admin, &landlord, "T2 \"Véron\", 3e gauche", 3)
        .await;
    assert_eq!(
        app.lease(&admin, &quoted, "2026-01-10", None, 60_000, 9_000)
            .await
            .status(),
        StatusCode::CREATED
    );
    let lived_in = app.leased_unit(&admin, "T3 Marne", 4).await;
    let placement = app
        .admitted_into(&coordinator, "Martin", Some(&lived_in), "2026-02-01")
        .await;
    let placement_id = placement["id"].as_str().expect("id");
    app.exit(&coordinator, placement_id, "2026-04-30").await;

    let body = app
        .get_json("/api/v1/housing/vacancies?as_of=2026-05-10", &admin)
        .await;
    let items = body["items"].as_array().expect("items");
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["unit_id"], quoted.as_str());
    assert_eq!(items[0]["vacant_since"], "2026-01-10");
    assert_eq!(items[0]["days_vacant"], 120);
    assert_eq!(items[0]["monthly_cost_cents"], 69_000);
    assert_eq!(items[1]["unit_id"], lived_in.as_str());
    assert_eq!(items[1]["vacant_since"], "2026-05-01");
    assert_eq!(items[1]["days_vacant"], 9);
    // While the family lived there, the unit was not vacant.
    let body = app
        .get_json("/api/v1/housing/vacancies?as_of=2026-03-01", &admin)
        .await;
    assert_eq!(body["items"].as_array().expect("items").len(), 1);

    let rows = app
        .get_csv(
            "/api/v1/housing/vacancies?as_of=2026-05-10&format=csv",
            &admin,
            "logements-vacants-2026-05-10.csv",
        )
        .await;
    assert_eq!(
        rows[0],
        [
            "Identifiant du logement",
            "Logement",
            "Vacant depuis le",
            "Jours de vacance",
            "Coût mensuel (€)"
        ]
    );
    assert_eq!(
        rows[1],
        [
            quoted.as_str(),
            "T2 \"Véron\", 3e gauche",
            "10/01/2026",
            "120",
            "690,00"
        ]
    );
    assert_eq!(rows.len(), 3);
    let bad = app
        .get("/api/v1/housing/vacancies?format=pdf", Some(&admin))
        .await;
    assert_eq!(
        invalid_fields(&assert_problem(bad, 422, "validation_failed").await),
        ["format"]
    );
}

#[tokio::test]
async fn leases_ending_soon_are_flagged_when_still_occupied() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let coordinator = app.login_as("coordinator").await;
    let landlord = app.landlord(&admin, "Mme Lefort", "private").await;
    let occupied = app.unit(&admin, &landlord, "Occupé", 3).await;
    let empty = app.unit(&admin, &landlord, "Vide", 3).await;
    let later = app.unit(&admin, &landlord, "Plus tard", 3).await;
    for (unit, ends_on) in [
        (&occupied, "2026-06-30"),
        (&empty, "2026-06-15"),
        (&later, "2026-12-31"),
    ] {
        let lease = app
            .lease(&admin, unit, "2025-01-01", Some(ends_on), 60_000, 9_000)
            .await;
        assert_eq!(lease.status(), StatusCode::CREATED);
    }
    app.admitted_into(&coordinator, "Martin", Some(&occupied), "2026-02-01")
        .await;

    let body = app
        .get_json(
            "/api/v1/housing/leases-ending?as_of=2026-06-01&within_days=30",
            &coordinator,
        )
        .await;
    let items = body["items"].as_array().expect("items");
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["unit_id"], empty.as_str());
    assert_eq!(items[0]["occupied"], false);
    assert_eq!(items[0]["days_remaining"], 14);
    assert_eq!(items[1]["unit_id"], occupied.as_str());
    assert_eq!(items[1]["occupied"], true);
    let bad = app
        .get("/api/v1/housing/leases-ending?within_days=-3", Some(&admin))
        .await;
    assert_eq!(
        invalid_fields(&assert_problem(bad, 422, "validation_failed").await),
        ["within_days"]
    );
}

#[tokio::test]
async fn the_occupancy_report_counts_unit_days_and_prorated_costs_by_landlord_kind() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let coordinator = app.login_as("coordinator").await;
    let private = app.landlord(&admin, "Mme Lefort", "private").await;
    let social = app.landlord(&admin, "Valophis Habitat", "social").await;
    let a = app.unit(&admin, &private, "A", 3).await;
    let b = app.unit(&admin, &social, "B", 3).await;
    // February 2026: 28 days. A is leased all month, B from the 15th.
    for (unit, starts_on, rent, charges) in [
        (&a, "2026-01-01", 56_000, 0),
        (&b, "2026-02-15", 70_000, 14_000),
    ] {
        let lease = app
            .lease(&admin, unit, starts_on, None, rent, charges)
            .await;
        assert_eq!(lease.status(), StatusCode::CREATED);
    }
    app.admitted_into(&coordinator, "Martin", Some(&a), "2026-02-08")
        .await;

    let report = app
        .get_json(
            "/api/v1/reports/occupancy?from=2026-02-01&to=2026-02-28",
            &admin,
        )
        .await;
    assert_eq!(report["total"]["leased_unit_days"], 28 + 14);
    assert_eq!(report["total"]["occupied_unit_days"], 21);
    assert_eq!(report["total"]["occupancy_rate"], 0.5);
    // A: the whole month; B: 14 of 28 days of 840 €.
    assert_eq!(report["total"]["rent_cost_cents"], 56_000 + 42_000);
    let kinds = report["by_landlord_kind"].as_array().expect("kinds");
    let private_figures = kinds
        .iter()
        .find(|k| k["scope"] == "private")
        .expect("private");
    assert_eq!(private_figures["leased_unit_days"], 28);
    assert_eq!(private_figures["occupied_unit_days"], 21);
    assert_eq!(private_figures["occupancy_rate"], 0.75);
    assert_eq!(private_figures["rent_cost_cents"], 56_000);
    let social_figures = kinds
        .iter()
        .find(|k| k["scope"] == "social")
        .expect("social");
    assert_eq!(social_figures["occupied_unit_days"], 0);
    assert_eq!(social_figures["rent_cost_cents"], 42_000);

    let rows = app
        .get_csv(
            "/api/v1/reports/occupancy?from=2026-02-01&to=2026-02-28&format=csv",
            &admin,
            "occupation-2026-02-01-2026-02-28.csv",
        )
        .await;
    assert_eq!(
        rows[0],
        [
            "Périmètre",
            "Jours-logements sous bail",
            "Jours-logements occupés",
            "Taux d'occupation",
            "Coût des loyers (€)"
        ]
    );
    assert_eq!(rows[1], ["Ensemble du parc", "42", "21", "0,5", "980,00"]);
    assert_eq!(rows.len(), 4);

    for (query, field) in [
        ("from=2026-03-01&to=2026-02-01", "to"),
        ("from=2026-02-01", "to"),
        ("from=2016-01-01&to=2026-12-31", "to"),
    ] {
        let response = app
            .get(&format!("/api/v1/reports/occupancy?{query}"), Some(&admin))
            .await;
        assert_eq!(
            invalid_fields(&assert_problem(response, 422, "validation_failed").await),
            [field],
            "{query}"
        );
    }
}

#[tokio::test]
async fn a_label_written_as_a_formula_comes_out_inert_in_the_csv() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let landlord = app.landlord(&admin, "Mme Lefort", "private").await;
    let label = "=HYPERLINK(\"http://example.org/x\";\"Cliquez\")";
    let unit = app.unit(&admin, &landlord, label, 3).await;
    let lease = app
        .lease(&admin, &unit, "2026-01-10", None, 60_000, 9_000)
        .await;
    assert_eq!(lease.status(), StatusCode::CREATED);
    // Read back with a real CSV reader: the label is text, not a formula.
    let rows = app
        .get_csv(
            "/api/v1/housing/vacancies?as_of=2026-05-10&format=csv",
            &admin,
            "logements-vacants-2026-05-10.csv",
        )
        .await;
    let labels: Vec<&str> = rows[1..].iter().map(|row| row[1].as_str()).collect();
    assert_eq!(labels, [format!("'{label}")]);
}

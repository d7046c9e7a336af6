//! The due-dates screen computes its dates in SQL, on both engines: day
//! by day over eight years (every month end, three 29 Februaries), the
//! database's arithmetic gives the domain's dates, which a property test
//! holds to plain calendar arithmetic (`nido_domain::due_dates`).

use chrono::Days;
use nido_domain::calendar::third_birthday;
use nido_domain::due_dates::{
    contract_delivery_due, contract_signature_due, project_initial_due, project_review_due,
};
use nido_persistence::screens::{SqlDates, sql_dates};

use crate::harness::{day, world};

#[tokio::test]
async fn the_databases_date_arithmetic_is_the_domains_every_day_of_eight_years() {
    let world = world().await;
    let first = day("2024-01-01");
    let days: Vec<_> = (0..366 * 8).map(|n| first + Days::new(n)).collect();
    let computed = sql_dates(&world.cases.db, &days).await.expect("computed");
    assert_eq!(computed.len(), days.len());
    for (day, sql) in days.into_iter().zip(computed) {
        let expected = SqlDates {
            day,
            plus_15_days: contract_delivery_due(day),
            plus_1_month: contract_signature_due(day),
            plus_6_months: project_initial_due(day),
            plus_12_months: project_review_due(day),
            plus_36_months: third_birthday(day),
        };
        assert_eq!(sql, expected, "{day}");
    }
}

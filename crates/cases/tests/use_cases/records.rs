//! The registry of family records covers the migrated schema: every table
//! that holds a family's id, directly or through a parent, belongs to a
//! kind of record, so the export, the retention run and the timeline cannot
//! forget it.

use std::collections::BTreeSet;

use nido_cases::records::FamilyRecord;

use crate::harness::world;

#[tokio::test]
async fn every_table_holding_a_familys_id_belongs_to_a_kind_of_record() {
    let world = world().await;
    let holding = nido_persistence::schema::tables_holding_a_family(&world.cases.writer)
        .await
        .expect("the schema read");
    let covered: BTreeSet<String> = FamilyRecord::ALL
        .iter()
        .flat_map(|record| record.tables())
        .map(|table| (*table).to_owned())
        .collect();
    let forgotten: Vec<&String> = holding.difference(&covered).collect();
    assert!(
        forgotten.is_empty(),
        "tables holding a family's id that no kind of record names: {forgotten:?}"
    );
    let unknown: Vec<&String> = covered.difference(&holding).collect();
    assert!(
        unknown.is_empty(),
        "kinds name tables that are not there: {unknown:?}"
    );
}

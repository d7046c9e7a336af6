//! The due dates a placement owes are kept on its row (issue 23), so that
//! the coordinator's due-dates screen reads a window of an index instead
//! of computing every obligation of the centre for each page:
//!
//! - `current_ends_on`: the end of its current (last) period;
//! - `contract_delivery_due_on`: admission + 15 days, while no contract was
//!   delivered (NULL once one was);
//! - `contract_signature_due_on`: admission + 1 month, while none was signed;
//! - `project_initial_due_on`: the projet personnalisé's first review,
//!   admission + 6 months, until it is recorded;
//! - `project_review_due_on`: then its next, the last review + 12 months;
//! - `renewable_before`: the day before the youngest child's third
//!   birthday (NULL without a child): a period that ends before it may be
//!   renewed, and its renewal report is due.
//!
//! The writes that move one of them (a period appended, the contract
//! written, a review recorded, a child added or her birth changed) rewrite
//! them in their transaction
//! (`nido_persistence::screens::keep_due_dates`). The placements recorded
//! before this migration get them when nido next opens the database
//! (`keep_due_dates` on those that keep none yet), so that the date
//! arithmetic is written in one place.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::schema_helpers::index;

#[derive(DeriveIden)]
enum Placements {
    Table,
    Status,
    CurrentEndsOn,
    ContractDeliveryDueOn,
    ContractSignatureDueOn,
    ProjectInitialDueOn,
    ProjectReviewDueOn,
    RenewableBefore,
}

transactional_up!(|manager| {
    for column in [
        Placements::CurrentEndsOn,
        Placements::ContractDeliveryDueOn,
        Placements::ContractSignatureDueOn,
        Placements::ProjectInitialDueOn,
        Placements::ProjectReviewDueOn,
        Placements::RenewableBefore,
    ] {
        manager
            .alter_table(
                Table::alter()
                    .table(Placements::Table)
                    .add_column(date_null(column))
                    .to_owned(),
            )
            .await?;
    }
    // The renewal report's window is counted from this index alone.
    index(
        manager,
        "idx_placements_current_ends_on",
        Placements::Table,
        [
            Placements::Status,
            Placements::CurrentEndsOn,
            Placements::RenewableBefore,
        ],
    )
    .await?;
    for (name, column) in [
        (
            "idx_placements_contract_delivery_due_on",
            Placements::ContractDeliveryDueOn,
        ),
        (
            "idx_placements_contract_signature_due_on",
            Placements::ContractSignatureDueOn,
        ),
        (
            "idx_placements_project_initial_due_on",
            Placements::ProjectInitialDueOn,
        ),
        (
            "idx_placements_project_review_due_on",
            Placements::ProjectReviewDueOn,
        ),
    ] {
        index(
            manager,
            name,
            Placements::Table,
            [Placements::Status, column],
        )
        .await?;
    }
    Ok(())
});

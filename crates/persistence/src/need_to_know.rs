//! Need-to-know, as query fragments: which families a user accompanies,
//! and which interventions she may read. The repositories of every
//! family-scoped record filter with these, so the rule is written once; this
//! module imports no repository, so any of them may use it.

use nido_domain::intervention::Confidentiality;
use sea_orm::sea_query::{Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{ColumnTrait, Condition};
use uuid::Uuid;

use crate::entities::{families, family_team, intervention_staff, interventions};

/// Families assigned to `user_id` (as referent or in the team).
pub fn assigned_to(user_id: Uuid) -> Condition {
    Condition::any()
        .add(families::Column::ReferentId.eq(user_id))
        .add(
            families::Column::Id.in_subquery(
                Query::select()
                    .column(family_team::Column::FamilyId)
                    .from(family_team::Entity)
                    .and_where(Expr::col(family_team::Column::UserId).eq(user_id))
                    .to_owned(),
            ),
        )
}

/// The ids of the families assigned to `user_id`, as a subquery.
pub fn assigned_ids(user_id: Uuid) -> SelectStatement {
    Query::select()
        .column(families::Column::Id)
        .from(families::Entity)
        .cond_where(assigned_to(user_id))
        .to_owned()
}

/// [`assigned_to`] as SQL text, for the screens written in SQL
/// (`crate::screens`): the ids (`family_id`) of the families assigned to
/// the user bound as `user` (a placeholder), found by the referent's and
/// the team's indexes.
pub fn assigned_families_sql(user: &str) -> String {
    format!(
        "SELECT nk_family.id AS family_id FROM families nk_family \
         WHERE nk_family.referent_id = {user} \
         UNION SELECT nk_team.family_id FROM family_team nk_team WHERE nk_team.user_id = {user}"
    )
}

/// Whether the family whose id is the expression `family_id` is assigned
/// to the user bound as `user` ([`assigned_families_sql`]).
pub fn assigned_sql(family_id: &str, user: &str) -> String {
    format!("{family_id} IN ({})", assigned_families_sql(user))
}

/// What `viewer` may see: team interventions, and restricted ones they
/// wrote or were present at.
/// Correlated: each restricted intervention looks up the viewer's
/// presence by key, rather than the query listing every intervention she
/// was ever present at. The lookup names the intervention's
/// confidentiality as well as its id, which keeps it so on PostgreSQL:
/// an `EXISTS` correlated by equalities alone is turned into a hashed `IN`
/// whose hash may hold every presence of the viewer, built at each read
/// (a coordinator present at 40,000 interventions: 37 ms for a family's
/// count of 257, against 1.5 ms probing by key). SQLite probes by key
/// either way. (`LIMIT 1 OFFSET 0` would keep it too, but bound as
/// parameters they made PostgreSQL plan every family read anew.)
pub fn interventions_visible_to(viewer: Uuid) -> Condition {
    let restricted = Expr::col((
        interventions::Entity,
        interventions::Column::Confidentiality,
    ))
    .ne(Confidentiality::Team.as_str());
    Condition::any()
        .add(interventions::Column::Confidentiality.eq(Confidentiality::Team.as_str()))
        .add(interventions::Column::AuthorId.eq(viewer))
        .add(Expr::exists(
            Query::select()
                .expr(Expr::val(1))
                .from(intervention_staff::Entity)
                .and_where(Expr::col(intervention_staff::Column::UserId).eq(viewer))
                .and_where(
                    Expr::col((
                        intervention_staff::Entity,
                        intervention_staff::Column::InterventionId,
                    ))
                    .equals((interventions::Entity, interventions::Column::Id)),
                )
                .and_where(restricted)
                .to_owned(),
        ))
}

/// A subquery counting the interventions of the family of the enclosing
/// query (`families.id`) that `viewer` may see.
pub fn interventions_counted_for(viewer: Uuid) -> SelectStatement {
    Query::select()
        .expr(Expr::col((interventions::Entity, interventions::Column::Id)).count())
        .from(interventions::Entity)
        .and_where(
            Expr::col((interventions::Entity, interventions::Column::FamilyId))
                .equals((families::Entity, families::Column::Id)),
        )
        .cond_where(interventions_visible_to(viewer))
        .to_owned()
}

#[cfg(test)]
mod tests {
    use sea_orm::sea_query::{PostgresQueryBuilder, SqliteQueryBuilder};

    use super::*;

    /// The presence lookup names the outer intervention's confidentiality
    /// too, so that PostgreSQL keeps it a subquery probed by key rather than
    /// hashing every presence of the viewer (see
    /// [`interventions_visible_to`]).
    #[test]
    fn the_presence_lookup_names_the_outer_confidentiality_on_both_engines() {
        let query = Query::select()
            .expr(Expr::cust("1"))
            .from(interventions::Entity)
            .cond_where(interventions_visible_to(Uuid::nil()))
            .to_owned();
        for sql in [
            query.to_string(PostgresQueryBuilder),
            query.to_string(SqliteQueryBuilder),
        ] {
            let presence = sql.split("EXISTS").nth(1).expect("an EXISTS");
            assert!(
                presence.contains(r#""interventions"."confidentiality" <> 'team'"#),
                "the presence lookup may be hashed: {sql}"
            );
        }
    }
}

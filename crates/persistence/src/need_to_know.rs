//! Need-to-know, as query fragments: which families a reader may see (a
//! [`Reader`]: the sites she belongs to, the families she accompanies),
//! and which interventions she may read. The repositories of every
//! family-scoped record filter with these, so the rule is written once; this
//! module imports no repository, so any of them may use it.

use nido_domain::intervention::Confidentiality;
use sea_orm::sea_query::{Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{ColumnTrait, Condition};
use uuid::Uuid;

use crate::entities::{families, family_team, intervention_staff, interventions, user_sites};

/// Whose records a read shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// Every site's: a reader who belongs to every site (a coordinator of
    /// an installation of one site), or nido itself.
    Everyone,
    /// Every family of the sites this user belongs to (a coordinator who
    /// does not belong to every site).
    SitesOf(Uuid),
    /// The families this user accompanies (referent or team), and with
    /// `sites_only` only those of the sites she belongs to (she does not
    /// belong to every site).
    Accompanying { user_id: Uuid, sites_only: bool },
}

/// The sites `user_id` belongs to, as a subquery.
pub fn sites_of(user_id: Uuid) -> SelectStatement {
    Query::select()
        .column(user_sites::Column::SiteId)
        .from(user_sites::Entity)
        .and_where(Expr::col(user_sites::Column::UserId).eq(user_id))
        .to_owned()
}

/// [`sites_of`] as SQL text, the user bound as `user` (a placeholder).
pub fn sites_of_sql(user: &str) -> String {
    format!("SELECT us.site_id FROM user_sites us WHERE us.user_id = {user}")
}

impl Reader {
    /// The user whose sites or families the reader reads, if any.
    pub fn user_id(self) -> Option<Uuid> {
        match self {
            Reader::Everyone => None,
            Reader::SitesOf(user_id) | Reader::Accompanying { user_id, .. } => Some(user_id),
        }
    }

    /// Whether the reader reads the sites `user_id()` belongs to only.
    fn in_her_sites(self) -> bool {
        matches!(
            self,
            Reader::SitesOf(_)
                | Reader::Accompanying {
                    sites_only: true,
                    ..
                }
        )
    }

    /// The families the reader sees, on `families`.
    pub fn families(self) -> Condition {
        let mut seen = Condition::all();
        if let Reader::Accompanying { user_id, .. } = self {
            seen = seen.add(assigned_to(user_id));
        }
        seen.add(self.sites(families::Column::SiteId))
    }

    /// Of rows that name their site in `site`, those of the reader's sites.
    pub fn sites(self, site: impl ColumnTrait) -> Condition {
        match (self.in_her_sites(), self.user_id()) {
            (true, Some(user_id)) => Condition::all().add(site.in_subquery(sites_of(user_id))),
            _ => Condition::all(),
        }
    }

    /// The ids of the families the reader sees, as a subquery; `None` for
    /// everyone's.
    pub fn family_ids(self) -> Option<SelectStatement> {
        (self != Reader::Everyone).then(|| {
            Query::select()
                .column(families::Column::Id)
                .from(families::Entity)
                .cond_where(self.families())
                .to_owned()
        })
    }

    /// Of rows that name their family in `family_id`, those of the
    /// families the reader sees.
    pub fn of_families(self, family_id: impl ColumnTrait) -> Condition {
        match self.family_ids() {
            Some(ids) => Condition::all().add(family_id.in_subquery(ids)),
            None => Condition::all(),
        }
    }

    /// The ids (`family_id`) of the families the reader sees as SQL text,
    /// her id bound as `user` (a placeholder); `None` for everyone's. A
    /// staff member's are found by the referent's and the team's indexes.
    pub fn families_sql(self, user: &str) -> Option<String> {
        match self {
            Reader::Everyone => None,
            Reader::SitesOf(_) => Some(format!(
                "SELECT nk_site.id AS family_id FROM families nk_site \
                 WHERE nk_site.site_id IN ({})",
                sites_of_sql(user)
            )),
            Reader::Accompanying { sites_only, .. } => {
                let assigned = assigned_families_sql(user);
                Some(if sites_only {
                    format!(
                        "SELECT nk_mine.family_id FROM ({assigned}) nk_mine \
                         JOIN families nk_of ON nk_of.id = nk_mine.family_id \
                         WHERE nk_of.site_id IN ({})",
                        sites_of_sql(user)
                    )
                } else {
                    assigned
                })
            }
        }
    }

    /// ` AND` the row's `site` (an SQL expression) is one of the reader's
    /// sites, her id bound as `user`; nothing when she reads every site.
    pub fn sites_sql(self, site: &str, user: &str) -> String {
        if self.in_her_sites() {
            format!(" AND {site} IN ({})", sites_of_sql(user))
        } else {
            String::new()
        }
    }
}

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

/// [`assigned_to`] as SQL text, for the screens written in SQL
/// (`crate::screens`): the ids (`family_id`) of the families assigned to
/// the user bound as `user` (a placeholder), found by the referent's and
/// the team's indexes.
fn assigned_families_sql(user: &str) -> String {
    format!(
        "SELECT nk_family.id AS family_id FROM families nk_family \
         WHERE nk_family.referent_id = {user} \
         UNION SELECT nk_team.family_id FROM family_team nk_team WHERE nk_team.user_id = {user}"
    )
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

//! Identity vigilance: the keys each file is found by (`identity_keys`,
//! made by `nido_domain::identity::keys`), the folded text a search by
//! name fragments looks into, the files a search or the duplicate check
//! reads by them, and the decisions on pairs of files.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use nido_domain::Conflict;
use nido_domain::family::Family;
use nido_domain::identity::{self, DuplicateDecision, DuplicateVerdict, Identity};
use sea_orm::sea_query::{OnConflict, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseBackend, DbErr, EntityTrait,
    FromQueryResult, QueryFilter, QueryOrder, QuerySelect, Statement,
};
use uuid::Uuid;

use crate::entities::{duplicate_decisions, families, identity_keys};
use crate::need_to_know::Reader;
use crate::{RepoError, Rule};

/// The identity a file's row holds (its children are not among its keys).
fn identity_of(row: &families::Model) -> Identity {
    Identity {
        last_name: row.mother_last_name.clone(),
        birth_last_name: row.mother_birth_last_name.clone(),
        first_name: row.mother_first_name.clone(),
        birth_date: row.mother_birth_date,
        children_births: Vec::new(),
    }
}

/// The key rows and the search text of a file's row: none for an
/// anonymised file, which nobody finds again.
pub fn keyed(row: &families::Model) -> (Vec<identity_keys::Model>, Option<String>) {
    if row.anonymised_at.is_some() {
        return (Vec::new(), None);
    }
    let identity = identity_of(row);
    let keys = identity::keys(&identity)
        .into_iter()
        .map(|key| identity_keys::Model {
            family_id: row.id,
            key,
        })
        .collect();
    (keys, Some(identity::search_text(&identity)))
}

/// Writes the file's keys and search text again from its row, under the
/// rules of now: after it is created, after its mother changes, and at
/// start for a file keyed under older rules. Its version stays: the keys
/// are not the file's data but what it is found by.
pub async fn store_keys(db: &impl ConnectionTrait, family_id: Uuid) -> Result<(), DbErr> {
    let Some(row) = families::Entity::find_by_id(family_id).one(db).await? else {
        return Ok(());
    };
    let (keys, text) = keyed(&row);
    identity_keys::Entity::delete_many()
        .filter(identity_keys::Column::FamilyId.eq(family_id))
        .exec(db)
        .await?;
    if !keys.is_empty() {
        // Two processes starting together may key the same file: the
        // second's rows are the same, and are skipped.
        identity_keys::Entity::insert_many(
            keys.into_iter()
                .map(sea_orm::IntoActiveModel::into_active_model),
        )
        .on_conflict(
            OnConflict::columns([identity_keys::Column::FamilyId, identity_keys::Column::Key])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    }
    families::Entity::update_many()
        .set(families::ActiveModel {
            identity_version: Set(identity::KEYS_VERSION),
            identity_text: Set(text),
            ..Default::default()
        })
        .filter(families::Column::Id.eq(family_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Up to `limit` files keyed under older rules than now's.
pub async fn stale(db: &impl ConnectionTrait, limit: u64) -> Result<Vec<Uuid>, DbErr> {
    families::Entity::find()
        .select_only()
        .column(families::Column::Id)
        .filter(families::Column::IdentityVersion.lt(identity::KEYS_VERSION))
        .order_by_asc(families::Column::Id)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await
}

/// The ids of the files that hold one of `keys`, as a subquery.
fn holding(keys: &[String]) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(identity_keys::Column::FamilyId)
        .from(identity_keys::Entity)
        .and_where(identity_keys::Column::Key.is_in(keys.iter().cloned()))
        .to_owned()
}

/// The files, not anonymised, that hold one of `keys` (the duplicate
/// check's candidates), at most `limit`: their ids read first by the
/// keys' index, then the files by their primary key — two reads whose
/// plans need no statistics, so a check stays fast on a table the
/// planner has not measured yet (PostgreSQL, before autovacuum's first
/// `ANALYZE`).
pub async fn holding_keys(
    db: &impl ConnectionTrait,
    keys: &[String],
    limit: u64,
) -> Result<Vec<Family>, DbErr> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = identity_keys::Entity::find()
        .select_only()
        .column(identity_keys::Column::FamilyId)
        .distinct()
        .filter(identity_keys::Column::Key.is_in(keys.iter().cloned()))
        .limit(limit)
        .into_tuple()
        .all(db)
        .await?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = families::Entity::find()
        .filter(families::Column::Id.is_in(ids))
        .filter(families::Column::AnonymisedAt.is_null())
        .order_by_asc(families::Column::Id)
        .all(db)
        .await?;
    crate::families::assemble(db, rows).await
}

/// The lock that puts the duplicate checks of new referrals one after the
/// other, held until the transaction ends: two referrals of one new mother
/// at the same moment then cannot both find no file and both create one.
/// On SQLite the one writer already does; on PostgreSQL a transaction-level
/// advisory lock (referrals are a few a week: one lock for all is enough).
pub async fn serialize_checks(txn: &impl ConnectionTrait) -> Result<(), DbErr> {
    if txn.get_database_backend() == DatabaseBackend::Postgres {
        // The key is nido's own: "nido-identity" as a number.
        txn.execute_unprepared("SELECT pg_advisory_xact_lock(7305810406913)")
            .await?;
    }
    Ok(())
}

/// Which of these files exist and are not anonymised.
pub async fn live(db: &impl ConnectionTrait, ids: Vec<Uuid>) -> Result<Vec<Uuid>, DbErr> {
    families::Entity::find()
        .select_only()
        .column(families::Column::Id)
        .filter(families::Column::Id.is_in(ids))
        .filter(families::Column::AnonymisedAt.is_null())
        .into_tuple()
        .all(db)
        .await
}

/// What a search asks: the words of the query folded (each found inside
/// the file's names), the sound keys of the query (any of them), the
/// birth date's keys (one of them required when given).
#[derive(Debug, Clone, Default)]
pub struct SearchKeys {
    pub words: Vec<String>,
    pub sounds: Vec<String>,
    pub births: Vec<String>,
}

/// The files, not anonymised, that a search finds: every word inside
/// their names, or one of the sounds among their keys; and, when a birth
/// date is given, one of its keys. Only those `reader` sees. At most
/// `limit`, for the caller to rank.
pub async fn search(
    db: &impl ConnectionTrait,
    asked: &SearchKeys,
    reader: Reader,
    limit: u64,
) -> Result<Vec<Family>, DbErr> {
    let mut by_name = Condition::any();
    if !asked.words.is_empty() {
        let mut all_words = Condition::all();
        for word in &asked.words {
            all_words = all_words.add(families::Column::IdentityText.contains(word.as_str()));
        }
        by_name = by_name.add(all_words);
    }
    if !asked.sounds.is_empty() {
        by_name = by_name.add(families::Column::Id.in_subquery(holding(&asked.sounds)));
    }
    let mut query = families::Entity::find()
        .filter(families::Column::AnonymisedAt.is_null())
        .order_by_asc(families::Column::Id)
        .limit(limit);
    if !asked.words.is_empty() || !asked.sounds.is_empty() {
        query = query.filter(by_name);
    }
    if !asked.births.is_empty() {
        query = query.filter(families::Column::Id.in_subquery(holding(&asked.births)));
    }
    let rows = query.filter(reader.families()).all(db).await?;
    crate::families::assemble(db, rows).await
}

#[derive(Debug, FromQueryResult)]
struct PairRow {
    first: Uuid,
    second: Uuid,
}

/// The pairs of files the list of possible duplicates scores, each once,
/// the smaller id first: those born the same day (read either way: a `b:`
/// key in common), and those born the same month whose names sound alike
/// (an `s:` key in common; `nido_domain::identity::sound_month_key`).
pub async fn pairs_to_score(db: &impl ConnectionTrait) -> Result<Vec<(Uuid, Uuid)>, DbErr> {
    let sql = "SELECT a.family_id AS first, b.family_id AS second \
               FROM identity_keys a JOIN identity_keys b \
               ON b.key = a.key AND b.family_id <> a.family_id \
               WHERE a.key LIKE 'b:%' OR a.key LIKE 's:%'";
    let rows = PairRow::find_by_statement(Statement::from_string(db.get_database_backend(), sql))
        .all(db)
        .await?;
    let pairs: BTreeSet<(Uuid, Uuid)> = rows
        .into_iter()
        .map(|row| identity::ordered_pair(row.first, row.second))
        .collect();
    Ok(pairs.into_iter().collect())
}

fn decision_of(row: duplicate_decisions::Model) -> Result<DuplicateDecision, DbErr> {
    Ok(DuplicateDecision {
        verdict: row.decision.parse().map_err(|_| {
            DbErr::Custom(format!(
                "duplicate_decisions row {}: invalid decision",
                row.id
            ))
        })?,
        id: row.id,
        family_id: row.family_id,
        other_family_id: row.other_family_id,
        note: row.note,
        decided_by: row.decided_by,
        decided_at: row.decided_at,
    })
}

/// A pair is decided once (a unique index on the ordered pair).
const DECISION_RULES: [Rule; 1] = [(
    &[
        "idx_duplicate_decisions_pair",
        "duplicate_decisions.family_id, duplicate_decisions.other_family_id",
    ],
    Conflict::PairDecided,
)];

/// Records a decision on the pair `(a, b)`.
pub async fn decide(
    db: &impl ConnectionTrait,
    (a, b): (Uuid, Uuid),
    verdict: DuplicateVerdict,
    note: &str,
    decided_by: Uuid,
    now: DateTime<Utc>,
) -> Result<DuplicateDecision, RepoError> {
    let (family_id, other_family_id) = identity::ordered_pair(a, b);
    let row = duplicate_decisions::Entity::insert(duplicate_decisions::ActiveModel {
        id: Set(Uuid::now_v7()),
        family_id: Set(family_id),
        other_family_id: Set(other_family_id),
        decision: Set(verdict.as_str().to_owned()),
        note: Set(note.to_owned()),
        decided_by: Set(decided_by),
        decided_at: Set(now),
    })
    .exec_with_returning(db)
    .await
    .map_err(|err| RepoError::on_constraint(err, &DECISION_RULES))?;
    Ok(decision_of(row)?)
}

/// The decisions `condition` selects, oldest first.
async fn decisions_where(
    db: &impl ConnectionTrait,
    condition: Condition,
) -> Result<Vec<DuplicateDecision>, DbErr> {
    duplicate_decisions::Entity::find()
        .filter(condition)
        .order_by_asc(duplicate_decisions::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(decision_of)
        .collect()
}

/// Every decision taken, oldest first.
pub async fn decisions(db: &impl ConnectionTrait) -> Result<Vec<DuplicateDecision>, DbErr> {
    decisions_where(db, Condition::all()).await
}

/// The decisions on pairs that `family_id` is one of, oldest first.
pub async fn decisions_of(
    db: &impl ConnectionTrait,
    family_id: Uuid,
) -> Result<Vec<DuplicateDecision>, DbErr> {
    let either = Condition::any()
        .add(duplicate_decisions::Column::FamilyId.eq(family_id))
        .add(duplicate_decisions::Column::OtherFamilyId.eq(family_id));
    decisions_where(db, either).await
}

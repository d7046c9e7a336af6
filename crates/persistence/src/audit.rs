//! The append-only audit log: who read or wrote which family's data, when.
//! On SQLite it has its own database file; on PostgreSQL its inserts skip
//! waiting for the disk (`synchronous_commit = off`), so that logging every
//! read does not cap reads at the disk's flush rate.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{OnConflict, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseBackend, DatabaseConnection,
    DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

use crate::entities::{audit_log, audit_log_families, audit_outbox, audit_outbox_families};

pub use nido_domain::audit::{AuditEntry, AuditFilter};

/// An entry to write, and the families it names when it names several.
#[derive(Debug, Clone)]
struct NewEntry {
    row: audit_log::ActiveModel,
    families: Vec<Uuid>,
}

fn entry(
    at: DateTime<Utc>,
    user_id: Uuid,
    action: &str,
    family_id: Option<Uuid>,
    resource: &str,
) -> NewEntry {
    NewEntry {
        row: audit_log::ActiveModel {
            id: Set(Uuid::now_v7()),
            at: Set(at),
            user_id: Set(user_id),
            action: Set(action.chars().take(60).collect()),
            family_id: Set(family_id),
            resource: Set(resource.chars().take(200).collect()),
        },
        families: Vec::new(),
    }
}

/// The two databases an entry may be written to: the audit log's, and the
/// main one, whose outbox holds an entry the log could not take.
#[derive(Debug, Clone, Copy)]
pub struct AuditTarget<'a> {
    pub log: &'a DatabaseConnection,
    pub main: &'a DatabaseConnection,
}

/// Entries written in one transaction at most.
const GROUP_LIMIT: usize = 1_000;

/// Requests waiting for the writer before new ones wait to be queued.
const QUEUE_DEPTH: usize = 4_096;

/// A batch of entries and who waits for them.
struct Pending {
    rows: Vec<NewEntry>,
    written: oneshot::Sender<Result<(), String>>,
}

/// Group commit for the audit log: one task takes the entries of every
/// request waiting at that moment and writes them in one transaction, so
/// that logging every read costs one commit per batch, not per request.
/// Each caller still waits until its own entries are committed (or, if the
/// log refuses them, in the outbox) before it answers. Cheap to clone; the
/// task ends when the last clone is dropped.
#[derive(Clone)]
pub struct AuditWriter {
    queue: mpsc::Sender<Pending>,
    /// Transactions written so far.
    commits: Arc<AtomicU64>,
}

impl std::fmt::Debug for AuditWriter {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("AuditWriter")
    }
}

impl AuditWriter {
    /// Starts the writer task on the current runtime, writing to `log`, or
    /// to `main`'s outbox when the log refuses.
    pub fn spawn(log: DatabaseConnection, main: DatabaseConnection) -> Self {
        let (queue, mut waiting) = mpsc::channel::<Pending>(QUEUE_DEPTH);
        let commits = Arc::new(AtomicU64::new(0));
        let counted = commits.clone();
        tokio::spawn(async move {
            let target = AuditTarget {
                log: &log,
                main: &main,
            };
            while let Some(first) = waiting.recv().await {
                let mut rows = first.rows;
                let mut waiters = vec![first.written];
                while rows.len() < GROUP_LIMIT {
                    let Ok(next) = waiting.try_recv() else { break };
                    rows.extend(next.rows);
                    waiters.push(next.written);
                }
                let written = write_durably(target, rows)
                    .await
                    .map_err(|err| err.to_string());
                counted.fetch_add(1, Ordering::Relaxed);
                for waiter in waiters {
                    // A caller that stopped waiting (its request was
                    // dropped) has nothing left to answer.
                    let _ = waiter.send(written.clone());
                }
            }
        });
        Self { queue, commits }
    }

    /// How many transactions the writer has written: fewer than the
    /// requests it served when they came together.
    pub fn commits(&self) -> u64 {
        self.commits.load(Ordering::Relaxed)
    }

    /// Appends one entry; returns once it is committed.
    pub async fn record(
        &self,
        at: DateTime<Utc>,
        user_id: Uuid,
        action: &str,
        family_id: Option<Uuid>,
        resource: &str,
    ) -> Result<(), DbErr> {
        self.write(vec![entry(at, user_id, action, family_id, resource)])
            .await
    }

    /// Appends one entry naming every family of `family_ids` (a read that
    /// listed them); returns once it is committed. Nothing for no family.
    pub async fn record_many(
        &self,
        at: DateTime<Utc>,
        user_id: Uuid,
        action: &str,
        family_ids: &[Uuid],
        resource: &str,
    ) -> Result<(), DbErr> {
        self.write(entry_naming(at, user_id, action, family_ids, resource))
            .await
    }

    async fn write(&self, rows: Vec<NewEntry>) -> Result<(), DbErr> {
        if rows.is_empty() {
            return Ok(());
        }
        let stopped = || DbErr::Custom("the audit writer has stopped".into());
        let (written, answer) = oneshot::channel();
        self.queue
            .send(Pending { rows, written })
            .await
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?.map_err(DbErr::Custom)
    }
}

/// One entry naming `family_ids`: an entry about one family when there is
/// one, else an entry without a family of its own that names them all.
fn entry_naming(
    at: DateTime<Utc>,
    user_id: Uuid,
    action: &str,
    family_ids: &[Uuid],
    resource: &str,
) -> Vec<NewEntry> {
    let mut families = family_ids.to_vec();
    families.sort_unstable();
    families.dedup();
    match families.as_slice() {
        [] => Vec::new(),
        [one] => vec![entry(at, user_id, action, Some(*one), resource)],
        _ => {
            let mut named = entry(at, user_id, action, None, resource);
            named.families = families;
            vec![named]
        }
    }
}

fn log_link(entry_id: Uuid, family_id: Uuid) -> audit_log_families::ActiveModel {
    audit_log_families::ActiveModel {
        entry_id: Set(entry_id),
        family_id: Set(family_id),
    }
}

/// The (entry, family) pairs of entries that name several families.
fn pairs(rows: &[NewEntry]) -> Vec<(Uuid, Uuid)> {
    rows.iter()
        .filter_map(|new| match &new.row.id {
            Set(id) => Some((*id, &new.families)),
            _ => None,
        })
        .flat_map(|(id, families)| families.iter().map(move |family| (id, *family)))
        .collect()
}

/// Writes the entries to the log; if the log cannot take them (its file
/// locked, its disk full, its table broken), to the main database's outbox,
/// as durable as the change they trace, whence `drain_outbox` moves them
/// into the log later. Fails only if both fail.
async fn write_durably(target: AuditTarget<'_>, rows: Vec<NewEntry>) -> Result<(), DbErr> {
    let Err(err) = insert(target.log, rows.clone()).await else {
        return Ok(());
    };
    tracing::error!(error = %err, "the audit log refused entries: they wait in the outbox");
    let links: Vec<audit_outbox_families::ActiveModel> = pairs(&rows)
        .into_iter()
        .map(|(entry_id, family_id)| audit_outbox_families::ActiveModel {
            entry_id: Set(entry_id),
            family_id: Set(family_id),
        })
        .collect();
    let spooled: Vec<audit_outbox::ActiveModel> = rows
        .into_iter()
        .map(|new| new.row)
        .map(|row| audit_outbox::ActiveModel {
            id: row.id,
            at: row.at,
            user_id: row.user_id,
            action: row.action,
            family_id: row.family_id,
            resource: row.resource,
        })
        .collect();
    let txn = target.main.begin().await?;
    insert_chunked(&txn, spooled).await?;
    insert_chunked(&txn, links).await?;
    txn.commit().await?;
    Ok(())
}

/// Moves up to `batch` entries from the outbox into the log, keeping their
/// ids and times; answers how many moved. An entry already in the log (a
/// move interrupted between its two steps) is not written twice.
pub async fn drain_outbox(target: AuditTarget<'_>, batch: u64) -> Result<u64, DbErr> {
    let waiting = audit_outbox::Entity::find()
        .order_by_asc(audit_outbox::Column::Id)
        .limit(batch)
        .all(target.main)
        .await?;
    if waiting.is_empty() {
        return Ok(0);
    }
    let ids: Vec<Uuid> = waiting.iter().map(|row| row.id).collect();
    let links: Vec<audit_log_families::ActiveModel> = audit_outbox_families::Entity::find()
        .filter(audit_outbox_families::Column::EntryId.is_in(ids.clone()))
        .all(target.main)
        .await?
        .into_iter()
        .map(|link| log_link(link.entry_id, link.family_id))
        .collect();
    let rows: Vec<audit_log::ActiveModel> = waiting
        .into_iter()
        .map(|row| audit_log::ActiveModel {
            id: Set(row.id),
            at: Set(row.at),
            user_id: Set(row.user_id),
            action: Set(row.action),
            family_id: Set(row.family_id),
            resource: Set(row.resource),
        })
        .collect();
    let txn = target.log.begin().await?;
    audit_log::Entity::insert_many(rows)
        .on_conflict_do_nothing_on([audit_log::Column::Id])
        .exec_without_returning(&txn)
        .await?;
    for chunk in links.chunks(ROWS_PER_STATEMENT) {
        audit_log_families::Entity::insert_many(chunk.to_vec())
            .on_conflict(
                OnConflict::columns([
                    audit_log_families::Column::EntryId,
                    audit_log_families::Column::FamilyId,
                ])
                .do_nothing()
                .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
    }
    txn.commit().await?;
    audit_outbox_families::Entity::delete_many()
        .filter(audit_outbox_families::Column::EntryId.is_in(ids.clone()))
        .exec(target.main)
        .await?;
    audit_outbox::Entity::delete_many()
        .filter(audit_outbox::Column::Id.is_in(ids.clone()))
        .exec(target.main)
        .await?;
    Ok(ids.len() as u64)
}

/// How many entries wait in the outbox.
pub async fn outbox_len(main: &impl ConnectionTrait) -> Result<u64, DbErr> {
    audit_outbox::Entity::find().count(main).await
}

async fn insert(db: &DatabaseConnection, rows: Vec<NewEntry>) -> Result<(), DbErr> {
    if rows.is_empty() {
        return Ok(());
    }
    let links: Vec<audit_log_families::ActiveModel> = pairs(&rows)
        .into_iter()
        .map(|(entry_id, family_id)| log_link(entry_id, family_id))
        .collect();
    let rows: Vec<audit_log::ActiveModel> = rows.into_iter().map(|new| new.row).collect();
    let txn = db.begin().await?;
    if db.get_database_backend() == DatabaseBackend::Postgres {
        txn.execute_unprepared("SET LOCAL synchronous_commit = off")
            .await?;
    }
    insert_chunked(&txn, rows).await?;
    insert_chunked(&txn, links).await?;
    txn.commit().await?;
    Ok(())
}

/// Inserts `rows` in as many statements as their number needs.
async fn insert_chunked<A>(txn: &impl ConnectionTrait, rows: Vec<A>) -> Result<(), DbErr>
where
    A: sea_orm::ActiveModelTrait + Send,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(ROWS_PER_STATEMENT).collect();
        A::Entity::insert_many(chunk)
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}

/// Rows per `INSERT`: 7 values each stays far below SQLite's 32,766
/// variables and PostgreSQL's 65,535, however many families a read showed.
const ROWS_PER_STATEMENT: usize = 1_000;

/// Whose entries an admin reads: every entry (she belongs to every
/// site), or those of her sites: made by their accounts, or naming their
/// families.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditScope {
    Everything,
    Of {
        members: Vec<Uuid>,
        families: Vec<Uuid>,
    },
}

/// Entries newest first, of `scope`.
pub async fn list(
    db: &impl ConnectionTrait,
    scope: &AuditScope,
    filter: AuditFilter,
    limit: u64,
) -> Result<Vec<AuditEntry>, DbErr> {
    let mut query = audit_log::Entity::find().order_by_desc(audit_log::Column::Id);
    if let AuditScope::Of { members, families } = scope {
        // Her sites' accounts' entries, and those naming her sites'
        // families, alone or in a list.
        let listed = Query::select()
            .column(audit_log_families::Column::EntryId)
            .from(audit_log_families::Entity)
            .and_where(audit_log_families::Column::FamilyId.is_in(families.iter().copied()))
            .to_owned();
        query = query.filter(
            Condition::any()
                .add(audit_log::Column::UserId.is_in(members.iter().copied()))
                .add(audit_log::Column::FamilyId.is_in(families.iter().copied()))
                .add(audit_log::Column::Id.in_subquery(listed)),
        );
    }
    if let Some(family_id) = filter.family_id {
        // The family's own entries, and the lists that named her.
        let named = Query::select()
            .column(audit_log_families::Column::EntryId)
            .from(audit_log_families::Entity)
            .and_where(audit_log_families::Column::FamilyId.eq(family_id))
            .to_owned();
        query = query.filter(
            Condition::any()
                .add(audit_log::Column::FamilyId.eq(family_id))
                .add(audit_log::Column::Id.in_subquery(named)),
        );
    }
    if let Some(user_id) = filter.user_id {
        query = query.filter(audit_log::Column::UserId.eq(user_id));
    }
    if let Some(from) = filter.from {
        query = query.filter(audit_log::Column::At.gte(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(audit_log::Column::At.lte(to));
    }
    if let Some(before) = filter.before {
        query = query.filter(audit_log::Column::Id.lt(before));
    }
    let rows = query.limit(limit).all(db).await?;
    let listed: Vec<Uuid> = rows
        .iter()
        .filter(|row| row.family_id.is_none())
        .map(|row| row.id)
        .collect();
    let mut named: std::collections::HashMap<Uuid, Vec<Uuid>> = std::collections::HashMap::new();
    if !listed.is_empty() {
        for link in audit_log_families::Entity::find()
            .filter(audit_log_families::Column::EntryId.is_in(listed))
            .order_by_asc(audit_log_families::Column::FamilyId)
            .all(db)
            .await?
        {
            named.entry(link.entry_id).or_default().push(link.family_id);
        }
    }
    Ok(rows
        .into_iter()
        .map(|row| AuditEntry {
            id: row.id,
            at: row.at,
            user_id: row.user_id,
            action: row.action,
            family_ids: match row.family_id {
                Some(family_id) => vec![family_id],
                None => named.remove(&row.id).unwrap_or_default(),
            },
            family_id: row.family_id,
            resource: row.resource,
        })
        .collect())
}

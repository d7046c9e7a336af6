//! The main database's writer, and the group commit of its writes.
//!
//! On SQLite every durable commit waits for the disk (an fsync), and one
//! connection writes: requests that write one after the other each pay a
//! flush. Grouped, they share it: the writer keeps one transaction open on
//! its connection (the batch), each request writes in a savepoint of its
//! own inside it, and one commit makes the whole batch durable. A request
//! is answered only once that commit is done; a request that fails rolls
//! back to its savepoint and leaves the others in the batch untouched.
//!
//! How a batch forms: a request takes the lane (a first-come, first-served
//! lock on the batch), opens the batch if none is open, writes in its
//! savepoint, releases it, leaves the lane and wakes the committer, then
//! waits. The committer takes the lane in its turn, behind the requests
//! already queued for it, and commits whatever they added: the requests
//! that queued while the previous commit was flushing share the next one.
//! The lane is fair, so the committer is never starved by writers.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Weak};

use sea_orm::{
    ConnectionTrait, DatabaseBackend, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr,
    ExecResult, QueryResult, SqliteTransactionMode, Statement, TransactionOptions,
    TransactionTrait,
};
use tokio::sync::{Mutex, Notify, OwnedMutexGuard, oneshot};

use crate::error::loses_transaction;

/// Whether writes share commits (the setting `group_commit`). `Auto`
/// groups them on SQLite, where each commit waits for the disk alone, and
/// not on PostgreSQL, whose server already flushes concurrent commits
/// together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GroupCommit {
    #[default]
    Auto,
    On,
    Off,
}

impl GroupCommit {
    fn groups(self, backend: DatabaseBackend) -> bool {
        match self {
            GroupCommit::Auto => backend == DatabaseBackend::Sqlite,
            GroupCommit::On => true,
            GroupCommit::Off => false,
        }
    }
}

/// Where the main database's writes go: its connection (on SQLite the one
/// writer connection, on PostgreSQL the pool), with or without group
/// commit. Transactions begin with [`begin_write`]; a single statement
/// runs on the writer itself (it is a `ConnectionTrait`), and when grouped
/// answers once its batch is committed too. Cheap to clone; the committer
/// task ends when the last clone is dropped.
#[derive(Clone)]
pub struct Writer {
    connection: DatabaseConnection,
    group: Option<Arc<Group>>,
}

impl std::fmt::Debug for Writer {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Writer")
            .field("grouped", &self.group.is_some())
            .finish()
    }
}

/// The lane, the committer's bell, and how many batches ended.
struct Group {
    lane: Arc<Mutex<Batch>>,
    bell: Arc<Notify>,
    commits: AtomicU64,
}

impl Drop for Group {
    fn drop(&mut self) {
        // The committer wakes, finds the writer gone, and ends.
        self.bell.notify_one();
    }
}

/// The transaction open on the writer's connection, and the requests
/// whose savepoints it holds, waiting for its commit.
#[derive(Default)]
struct Batch {
    outer: Option<DatabaseTransaction>,
    waiting: Vec<oneshot::Sender<Result<(), String>>>,
    /// A statement failed in a way that may have rolled the whole
    /// transaction back (a full disk, an I/O error): the batch is lost,
    /// and every request in it is answered an error.
    lost: AtomicBool,
}

impl Batch {
    /// Commits the batch (rolls it back if it is lost) and answers every
    /// request waiting for it; false when no batch was open.
    async fn finish(&mut self) -> bool {
        let Some(outer) = self.outer.take() else {
            return false;
        };
        let waiting = std::mem::take(&mut self.waiting);
        let lost = self.lost.swap(false, Ordering::Relaxed);
        let committed = end(outer, lost).await;
        if let Err(err) = &committed {
            tracing::error!(error = %err, requests = waiting.len(), "a batch of writes failed");
        }
        for waiter in waiting {
            // A request that stopped waiting (its client left) has nothing
            // left to answer.
            let _ = waiter.send(committed.clone());
        }
        true
    }

    /// After a failure that may have ended the batch's transaction: if
    /// SQLite rolled it back, an empty one is begun in its place, with the
    /// driver's savepoint of the write under way, so that the driver's
    /// count of what is open (the batch, the write) holds again and the
    /// rollbacks to come succeed. The batch is lost either way.
    async fn recover(&self) {
        let Some(outer) = &self.outer else { return };
        if outer.get_database_backend() == DatabaseBackend::Sqlite
            && outer.execute_unprepared("BEGIN").await.is_ok()
        {
            let _ = outer
                .execute_unprepared("SAVEPOINT _sqlx_savepoint_1")
                .await;
        }
    }
}

/// Commits the batch's transaction, or rolls it back when it is lost. On
/// SQLite the statement is sent as it is and the driver's own rollback
/// follows on an empty transaction: whatever the disk answered, the
/// connection is left outside any transaction and the driver knows it (its
/// own `COMMIT`, failing after SQLite had rolled back, would leave it
/// counting a transaction that is not there, and every later write would
/// fail).
async fn end(outer: DatabaseTransaction, lost: bool) -> Result<(), String> {
    let failed = || "a write of its batch failed, and with it the whole batch".to_owned();
    if outer.get_database_backend() != DatabaseBackend::Sqlite {
        if lost {
            let _ = outer.rollback().await;
            return Err(failed());
        }
        return outer.commit().await.map_err(|err| err.to_string());
    }
    let ended = if lost {
        let _ = outer.execute_unprepared("ROLLBACK").await;
        Err(failed())
    } else {
        outer
            .execute_unprepared("COMMIT")
            .await
            .map(|_| ())
            .map_err(|err| err.to_string())
    };
    // Fails while the transaction is still open (a failed COMMIT): the
    // rollback then ends it.
    let _ = outer.execute_unprepared("BEGIN").await;
    if let Err(err) = outer.rollback().await {
        tracing::error!(error = %err, "the writer's connection is left inside a transaction");
    }
    ended
}

impl Writer {
    /// The writer over `connection`, grouping commits if `mode` says so for
    /// its engine; then it starts its committer task on the current
    /// runtime.
    pub fn new(connection: DatabaseConnection, mode: GroupCommit) -> Self {
        if !mode.groups(connection.get_database_backend()) {
            return Self::alone(connection);
        }
        let bell = Arc::new(Notify::new());
        let group = Arc::new(Group {
            lane: Arc::new(Mutex::new(Batch::default())),
            bell: bell.clone(),
            commits: AtomicU64::new(0),
        });
        tokio::spawn(commit_batches(Arc::downgrade(&group), bell));
        Self {
            connection,
            group: Some(group),
        }
    }

    /// The writer over `connection` without group commit: each transaction
    /// commits alone, each statement runs on the connection.
    pub fn alone(connection: DatabaseConnection) -> Self {
        Self {
            connection,
            group: None,
        }
    }

    /// The connection itself, for what runs beside the writes (migrations,
    /// the audit log's outbox): on SQLite it waits for the batch under way.
    pub fn connection(&self) -> &DatabaseConnection {
        &self.connection
    }

    /// Whether writes share commits.
    pub fn is_grouped(&self) -> bool {
        self.group.is_some()
    }

    /// How many batches have ended (committed, or failed): fewer than the
    /// writes when they came together. 0 when not grouped.
    pub fn commits(&self) -> u64 {
        self.group
            .as_ref()
            .map_or(0, |group| group.commits.load(Ordering::Relaxed))
    }

    /// Runs one statement: on the connection, or when grouped in a write of
    /// its own, answered once its batch is committed.
    async fn one_statement<T: Send>(
        &self,
        run: impl for<'w> FnOnce(
            &'w Write,
        ) -> std::pin::Pin<
            Box<dyn std::future::Future<Output = Result<T, DbErr>> + Send + 'w>,
        > + Send,
    ) -> Result<T, DbErr> {
        let write = match &self.group {
            None => Write(Inner::Connection(self.connection.clone())),
            Some(_) => begin_write(self).await?,
        };
        let done = run(&write).await?;
        write.commit().await?;
        Ok(done)
    }
}

/// The committer: woken by every write that ends, it takes the lane in its
/// turn and ends the batch open then.
async fn commit_batches(group: Weak<Group>, bell: Arc<Notify>) {
    loop {
        bell.notified().await;
        let Some(group) = group.upgrade() else {
            return;
        };
        let mut batch = group.lane.lock().await;
        if batch.finish().await {
            group.commits.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Begins a transaction on `connection` that will write. On SQLite it takes
/// the write lock at once (`BEGIN IMMEDIATE`), so that a writer never
/// fails on its first write because another process holds the lock.
async fn begin_alone(connection: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    match connection.get_database_backend() {
        DatabaseBackend::Sqlite => {
            connection
                .begin_with_options(TransactionOptions {
                    sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                    ..Default::default()
                })
                .await
        }
        _ => connection.begin().await,
    }
}

/// How long a write waits for its turn at the writer, as it waited for the
/// writer connection before writes were grouped: a queue of writes passes
/// long before; a write that waits longer fails rather than hang (as one
/// would behind a task that holds a `Write` and writes on the `Writer`).
const LANE_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

/// Begins a write: a transaction of its own, or when grouped a savepoint
/// in the batch under way (opened if none is). Commit it with
/// [`Write::commit`]; dropped uncommitted, it rolls back alone. Hold no
/// `Write` while writing on the `Writer` itself: that waits for the lane the
/// `Write` holds.
pub async fn begin_write(writer: &Writer) -> Result<Write, DbErr> {
    let Some(group) = &writer.group else {
        return Ok(Write(Inner::Alone(begin_alone(&writer.connection).await?)));
    };
    let batch = tokio::time::timeout(LANE_WAIT, group.lane.clone().lock_owned())
        .await
        .map_err(|_| {
            DbErr::Custom(format!(
                "no turn at the writer in {} s: a write held it all along",
                LANE_WAIT.as_secs()
            ))
        })?;
    let held = Held {
        batch,
        group: group.clone(),
    };
    // Run to its end even if the request is dropped meanwhile (its client
    // left): a savepoint begun but never handed back would leave the
    // driver counting one transaction too many. Handed back to nobody, the
    // write is dropped, its savepoint rolled back, and the lane left.
    uncancelled(held.open(writer.connection.clone())).await?
}

/// Runs `work` on a task of its own and waits for it: dropping the wait
/// does not stop the work. The steps that change what is open on the
/// writer's connection (a savepoint begun or released) go through it, so
/// that a request dropped at any instant never leaves the driver and SQLite
/// disagreeing on what is open: a savepoint release cut off after it was
/// sent would otherwise be followed by the driver's rollback of the
/// transaction it thinks is still open, which is then the whole batch.
async fn uncancelled<T: Send + 'static>(
    work: impl std::future::Future<Output = T> + Send + 'static,
) -> Result<T, DbErr> {
    tokio::spawn(work)
        .await
        .map_err(|err| DbErr::Custom(format!("a step of the writer stopped: {err}")))
}

/// The lane, held by one write. Dropping it leaves the lane and wakes the
/// committer, which ends the batch once the writes queued before it are
/// done.
struct Held {
    batch: OwnedMutexGuard<Batch>,
    group: Arc<Group>,
}

impl Drop for Held {
    fn drop(&mut self) {
        self.group.bell.notify_one();
    }
}

impl Held {
    /// Opens the write's savepoint, in the batch under way or a new one.
    async fn open(mut self, connection: DatabaseConnection) -> Result<Write, DbErr> {
        if *self.batch.lost.get_mut() && self.batch.finish().await {
            self.group.commits.fetch_add(1, Ordering::Relaxed);
        }
        // The batch stays in its place while the savepoint opens: were this
        // request dropped meanwhile, the writes already in it must not go
        // with it.
        let savepoint = match &self.batch.outer {
            Some(outer) => outer.begin().await,
            None => {
                let outer = begin_alone(&connection).await?;
                let savepoint = outer.begin().await;
                self.batch.outer = Some(outer);
                savepoint
            }
        };
        match savepoint {
            Ok(savepoint) => Ok(Write(Inner::Grouped {
                savepoint,
                held: self,
            })),
            Err(err) => {
                self.batch.lost.store(true, Ordering::Relaxed);
                Err(err)
            }
        }
    }

    /// Notes a failure that may have rolled the whole batch back.
    async fn watch<T>(&self, result: Result<T, DbErr>) -> Result<T, DbErr> {
        if let Err(err) = &result
            && loses_transaction(err)
        {
            self.batch.lost.store(true, Ordering::Relaxed);
            self.batch.recover().await;
        }
        result
    }
}

/// A write under way (see [`begin_write`]): pass `&write` wherever a
/// connection is taken, then [`Write::commit`] it.
pub struct Write(Inner);

impl std::fmt::Debug for Write {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("Write")
    }
}

enum Inner {
    /// A single statement of an ungrouped writer: straight on the
    /// connection.
    Connection(DatabaseConnection),
    /// A transaction of its own.
    Alone(DatabaseTransaction),
    /// A savepoint in the batch. The savepoint is dropped (rolled back,
    /// if it was not released) before the lane is left: nobody else uses
    /// the connection meanwhile.
    Grouped {
        savepoint: DatabaseTransaction,
        held: Held,
    },
}

impl Write {
    /// Commits the write; when grouped, releases its savepoint and returns
    /// once the batch holding it is committed (an error if that commit
    /// failed: the write is then not durable, and must not be answered as
    /// done).
    pub async fn commit(self) -> Result<(), DbErr> {
        let (savepoint, mut held) = match self.0 {
            Inner::Connection(_) => return Ok(()),
            Inner::Alone(transaction) => return transaction.commit().await,
            Inner::Grouped { savepoint, held } => (savepoint, held),
        };
        // The release runs to its end (see `uncancelled`); the wait for
        // the commit may be dropped at any instant.
        let (answer, group) = uncancelled(async move {
            if let Err(err) = savepoint.commit().await {
                // A savepoint that cannot be released: the batch is not
                // what it should be.
                held.batch.lost.store(true, Ordering::Relaxed);
                return Err(err);
            }
            let (committed, answer) = oneshot::channel();
            held.batch.waiting.push(committed);
            // The committer must outlive the wait.
            let group = held.group.clone();
            drop(held);
            Ok((answer, group))
        })
        .await??;
        let stopped = || DbErr::Custom("the writer stopped before the commit".into());
        let answer = answer.await.map_err(|_| stopped())?.map_err(DbErr::Custom);
        drop(group);
        answer
    }
}

/// Runs `$call` on the connection `$db` of the write `$write`, watching a
/// grouped write's failures.
macro_rules! on_connection {
    ($write:expr, $db:ident => $call:expr) => {
        match &$write.0 {
            Inner::Connection($db) => $call.await,
            Inner::Alone($db) => $call.await,
            Inner::Grouped {
                savepoint: $db,
                held,
            } => held.watch($call.await).await,
        }
    };
}

#[async_trait::async_trait]
impl ConnectionTrait for Write {
    fn get_database_backend(&self) -> DbBackend {
        match &self.0 {
            Inner::Connection(db) => db.get_database_backend(),
            Inner::Alone(db) | Inner::Grouped { savepoint: db, .. } => db.get_database_backend(),
        }
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        on_connection!(self, db => db.execute_raw(stmt))
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        on_connection!(self, db => db.execute_unprepared(sql))
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        on_connection!(self, db => db.query_one_raw(stmt))
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        on_connection!(self, db => db.query_all_raw(stmt))
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for Writer {
    fn get_database_backend(&self) -> DbBackend {
        self.connection.get_database_backend()
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.one_statement(|write| write.execute_raw(stmt)).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        let sql = sql.to_owned();
        self.one_statement(move |write| {
            Box::pin(async move { write.execute_unprepared(&sql).await })
        })
        .await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.one_statement(|write| write.query_one_raw(stmt)).await
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.one_statement(|write| write.query_all_raw(stmt)).await
    }
}

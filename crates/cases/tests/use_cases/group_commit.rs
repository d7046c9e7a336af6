//! Group commit of the main database's writes, on both engines (grouped
//! here on PostgreSQL too, where `auto` leaves it off): writes that come
//! together share a commit, a write that fails rolls back alone, a write
//! abandoned midway leaves nothing, and no write returns before its batch
//! is committed.

use std::future::Future;
use std::time::Duration;

use nido_persistence::{DbErr, GroupCommit, Writer, begin_write};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};

use crate::harness::{World, world};

/// A grouped writer over the world's writer connection, and a scratch table
/// whose `name` is unique.
async fn grouped(world: &World) -> Writer {
    let connection = world.cases.writer.connection().clone();
    connection
        .execute_unprepared(
            "CREATE TABLE group_scratch (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)",
        )
        .await
        .expect("a scratch table");
    Writer::new(connection, GroupCommit::On)
}

fn insert(id: i64, name: &str) -> String {
    format!("INSERT INTO group_scratch (id, name) VALUES ({id}, '{name}')")
}

/// The rows a reader sees: only what is committed.
async fn names(db: &DatabaseConnection) -> Vec<String> {
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT name FROM group_scratch ORDER BY id",
        ))
        .await
        .expect("read");
    rows.iter()
        .map(|row| row.try_get::<String>("", "name").expect("a name"))
        .collect()
}

/// A pragma's value, on the writer's connection.
async fn pragma(connection: &DatabaseConnection, sql: &str) -> i64 {
    connection
        .query_one_raw(Statement::from_string(
            connection.get_database_backend(),
            sql,
        ))
        .await
        .expect("a pragma")
        .and_then(|row| row.try_get_by_index::<i64>(0).ok())
        .expect("a number")
}

/// One write of one row, committed.
async fn write_row(writer: Writer, id: i64, name: String) -> Result<(), DbErr> {
    let write = begin_write(&writer).await?;
    write.execute_unprepared(&insert(id, &name)).await?;
    write.commit().await
}

/// Runs every future on its own task, started together; their answers in
/// order.
async fn together<T: Send + 'static>(
    futures: Vec<impl Future<Output = T> + Send + 'static>,
) -> Vec<T> {
    let tasks: Vec<_> = futures.into_iter().map(tokio::spawn).collect();
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.expect("the task ran"));
    }
    answers
}

#[tokio::test]
async fn writes_that_come_together_share_commits_and_return_once_visible() {
    let world = world().await;
    let writer = grouped(&world).await;
    let reader = world.cases.db.clone();
    let writes = (0..30)
        .map(|id| {
            let (writer, reader) = (writer.clone(), reader.clone());
            async move {
                let name = format!("w{id}");
                // Half open a transaction, half write one statement on the
                // writer itself.
                if id % 2 == 0 {
                    write_row(writer, id, name.clone()).await?;
                } else {
                    writer.execute_unprepared(&insert(id, &name)).await?;
                }
                // Returned: committed, so a reader sees it at once.
                Ok::<bool, DbErr>(names(&reader).await.contains(&name))
            }
        })
        .collect();
    for seen in together(writes).await {
        assert!(seen.expect("written"), "visible the moment it returned");
    }
    assert_eq!(names(&reader).await.len(), 30);
    assert!(
        writer.commits() < 30,
        "30 writes in {} commits",
        writer.commits()
    );
}

#[tokio::test]
async fn a_write_that_fails_rolls_back_alone() {
    let world = world().await;
    let writer = grouped(&world).await;
    write_row(writer.clone(), 100, "taken".to_owned())
        .await
        .expect("written");
    let commits_before = writer.commits();
    // The fifth write breaks the unique name, in the midst of the others.
    let writes = (0..10)
        .map(|id| {
            let name = if id == 5 {
                "taken".to_owned()
            } else {
                format!("w{id}")
            };
            write_row(writer.clone(), id, name)
        })
        .collect();
    let answers = together(writes).await;
    for (id, answer) in answers.iter().enumerate() {
        assert_eq!(answer.is_err(), id == 5, "write {id}: {answer:?}");
    }
    let seen = names(&world.cases.db).await;
    assert_eq!(seen.len(), 10, "the nine and the first: {seen:?}");
    assert!(seen.iter().filter(|name| *name == "taken").count() == 1);
    assert!(
        writer.commits() - commits_before < 9,
        "the others shared commits with the one that failed"
    );
}

#[tokio::test]
async fn a_write_abandoned_midway_leaves_nothing_and_the_writer_goes_on() {
    let world = world().await;
    let writer = grouped(&world).await;
    // A request whose client left while it held the lane: its future is
    // dropped between two statements.
    let abandoned = {
        let writer = writer.clone();
        async move {
            let write = begin_write(&writer).await?;
            write.execute_unprepared(&insert(1, "abandoned")).await?;
            std::future::pending::<()>().await;
            write.commit().await
        }
    };
    let gone = tokio::time::timeout(Duration::from_millis(200), abandoned).await;
    assert!(gone.is_err(), "dropped midway");
    // The lane is free, the batch goes on without it.
    write_row(writer.clone(), 2, "after".to_owned())
        .await
        .expect("written after");
    writer
        .execute_unprepared(&insert(3, "alone"))
        .await
        .expect("a single statement too");
    assert_eq!(names(&world.cases.db).await, ["after", "alone"]);
}

#[tokio::test]
async fn a_write_dropped_uncommitted_rolls_back_alone_in_its_batch() {
    let world = world().await;
    let writer = grouped(&world).await;
    let first = begin_write(&writer).await.expect("begun");
    first
        .execute_unprepared(&insert(1, "kept"))
        .await
        .expect("inserted");
    let committed = tokio::spawn(first.commit());
    // Joins the batch the first write left open, then gives up.
    let second = begin_write(&writer).await.expect("begun");
    second
        .execute_unprepared(&insert(2, "dropped"))
        .await
        .expect("inserted");
    drop(second);
    committed.await.expect("ran").expect("committed");
    assert_eq!(names(&world.cases.db).await, ["kept"]);
}

/// SQLite's full disk (`max_page_count` reached) may roll the whole
/// transaction back: every write of the batch is then answered an error,
/// none is visible, and the write queued behind goes into a new batch
/// (not into no transaction at all, where its savepoint would commit on
/// its own while its batch failed).
#[tokio::test]
async fn on_a_full_disk_the_whole_batch_fails_and_the_writer_recovers() {
    let world = world().await;
    let writer = grouped(&world).await;
    if writer.get_database_backend() != sea_orm::DatabaseBackend::Sqlite {
        return;
    }
    let connection = writer.connection().clone();
    let used = pragma(&connection, "PRAGMA page_count").await;
    pragma(
        &connection,
        &format!("PRAGMA max_page_count = {}", used + 4),
    )
    .await;
    let small = write_row(writer.clone(), 1, "small".to_owned());
    let huge = write_row(writer.clone(), 2, "x".repeat(1_000_000));
    let late = write_row(writer.clone(), 3, "late".to_owned());
    let answers = together(vec![
        Box::pin(small) as std::pin::Pin<Box<dyn Future<Output = _> + Send>>,
        Box::pin(huge),
        Box::pin(late),
    ])
    .await;
    assert!(answers[1].is_err(), "the disk is full");
    assert!(
        answers[0].is_err(),
        "the small write shared the lost batch: it is not answered as done"
    );
    answers[2]
        .as_ref()
        .expect("the late write, in a batch of its own");
    assert_eq!(names(&world.cases.db).await, ["late"]);
    pragma(&connection, "PRAGMA max_page_count = 1073741823").await;
    write_row(writer.clone(), 4, "after".to_owned())
        .await
        .expect("the writer goes on");
    assert_eq!(names(&world.cases.db).await, ["late", "after"]);
    // And the connection is left outside any transaction between batches.
    connection
        .execute_unprepared("BEGIN IMMEDIATE")
        .await
        .expect("no transaction left open");
    connection
        .execute_unprepared("ROLLBACK")
        .await
        .expect("ended");
}

/// Clients that leave at any instant: sixteen writes at a time, each
/// dropped after a different delay, so that some are dropped while their
/// savepoint opens, some while it is released, some while they wait for
/// the commit. No write answered done is lost, and the writer still writes.
#[tokio::test]
async fn writes_dropped_at_any_instant_lose_no_answered_write_and_the_writer_goes_on() {
    let world = world().await;
    let writer = grouped(&world).await;
    let mut answered = Vec::new();
    for round in 0..20_i64 {
        let writes = (0..16_i64).map(|n| {
            let id = round * 16 + n;
            let writer = writer.clone();
            let patience = Duration::from_micros(u64::try_from((id * 37) % 1_500).unwrap_or(0));
            async move {
                let name = format!("w{id}");
                let done =
                    tokio::time::timeout(patience, write_row(writer, id, name.clone())).await;
                matches!(done, Ok(Ok(()))).then_some(name)
            }
        });
        answered.extend(together(writes.collect()).await.into_iter().flatten());
    }
    write_row(writer.clone(), 10_000, "last".to_owned())
        .await
        .expect("the writer still writes");
    let kept = names(&world.cases.db).await;
    for name in &answered {
        assert!(kept.contains(name), "{name} was answered done, and is lost");
    }
    assert!(kept.contains(&"last".to_owned()));
}

/// The planner's statistics refreshed as the server does: on SQLite in the
/// writer's lane while writes come (each day's run), on PostgreSQL on the
/// bare connection after a bulk load (`VACUUM` refuses a transaction).
/// Either way the scratch table's statistics are there after, and no
/// write is lost.
#[tokio::test]
async fn statistics_are_refreshed_without_losing_a_write() {
    let world = world().await;
    let writer = grouped(&world).await;
    let connection = writer.connection().clone();
    for id in 0..20 {
        write_row(writer.clone(), id, format!("before{id}"))
            .await
            .expect("written");
    }
    let postgres = connection.get_database_backend() == sea_orm::DatabaseBackend::Postgres;
    let writes = (20..36)
        .map(|id| write_row(writer.clone(), id, format!("during{id}")))
        .collect();
    let (refreshed, answers) = if postgres {
        tokio::join!(
            nido_persistence::refresh_statistics(&connection),
            together(writes)
        )
    } else {
        tokio::join!(
            nido_persistence::refresh_statistics(&writer),
            together(writes)
        )
    };
    refreshed.expect("statistics refreshed");
    for answer in answers {
        answer.expect("a write beside the refresh");
    }
    assert_eq!(names(&world.cases.db).await.len(), 36);
    let kept = if postgres {
        "SELECT COUNT(*) FROM pg_stat_user_tables \
         WHERE relname = 'group_scratch' AND last_vacuum IS NOT NULL AND last_analyze IS NOT NULL"
    } else {
        "SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'group_scratch'"
    };
    assert!(
        pragma(&connection, kept).await > 0,
        "the scratch table's statistics"
    );
}

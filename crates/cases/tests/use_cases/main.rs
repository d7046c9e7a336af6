//! The use cases' own suite: the rules that span several resources,
//! checked without HTTP, on SQLite, or on PostgreSQL when
//! `NIDO_TEST_DATABASE_URL` names a server (`.ci/run` sets it; a server
//! that does not answer fails the test, never skips it).

mod harness;

mod due_dates;
mod group_commit;
mod housing;
mod inputs;
mod mail;
mod need_to_know;
mod records;
mod renewals;
mod storage;

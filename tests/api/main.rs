//! Black-box tests: each starts the real application on a random port against
//! a fresh database and calls it over HTTP. `NIDO_TEST_DATABASE_URL` set to a
//! PostgreSQL URL runs them against PostgreSQL, one new database per test.

mod account;
mod activity;
mod audit;
mod auth;
mod authorization;
mod billing;
mod calendar;
mod cases;
mod cli;
mod creche;
mod deadlines;
mod docs;
mod documents;
mod durability;
mod errors;
mod export;
mod families;
mod hardening;
mod helpers;
mod housing;
mod incidents;
mod interventions;
mod lockout;
mod paging_screens;
mod papers;
mod pathway;
mod placements;
mod projects;
mod races;
mod referrals;
mod retention;
mod schema_bounds;
mod second_factor;
mod sessions;
mod storage;
mod throttling;
mod upgrade;
mod users;
mod web;
mod web_admin;
mod web_coordination;
mod web_creche;
mod web_refusals;
mod workshops;

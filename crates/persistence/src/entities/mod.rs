//! sea-orm entities: plumbing that mirrors the tables, nothing more. Rules and
//! conversions to domain types live in the repositories.

pub mod actions;
pub mod audit_log;
pub mod audit_log_families;
pub mod audit_outbox;
pub mod audit_outbox_families;
pub mod calendar_feeds;
pub mod children;
pub mod concern_children;
pub mod concerns;
pub mod contracts;
pub mod creche_bookings;
pub mod creche_closures;
pub mod creche_days;
pub mod creche_settings;
pub mod families;
pub mod family_team;
pub mod incidents;
pub mod intervention_staff;
pub mod interventions;
pub mod landlords;
pub mod leases;
pub mod occupancies;
pub mod periods;
pub mod placements;
pub mod project_objectives;
pub mod project_review_participants;
pub mod project_reviews;
pub mod referrals;
pub mod sessions;
pub mod units;
pub mod users;
pub mod workshop_facilitators;
pub mod workshop_participant_children;
pub mod workshop_participants;
pub mod workshops;

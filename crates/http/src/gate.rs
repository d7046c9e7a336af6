//! Authorization before validation: an operation only some roles may use
//! takes its caller as `Allowed<G>`, an extractor that authenticates and
//! answers 403 when the role (or, for the crèche's attendance, the
//! profession) is not admitted. Axum runs it before the body and query
//! extractors, so a forbidden caller gets 403 whatever she sent, never a
//! 400 or 422 that would tell her the shape of an operation she may not
//! use. The use cases check the role again: this is the early gate, not
//! the only one.

use std::marker::PhantomData;
use std::ops::Deref;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use nido_domain::{Role, User};

use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::state::AppState;

/// Who may use an operation.
pub trait Gate {
    const ROLES: &'static [Role];

    fn admits(user: &User) -> bool {
        Self::ROLES.contains(&user.role)
    }
}

/// User accounts, the crèche's settings and closures, the audit log,
/// billing.
pub struct Admins;
impl Gate for Admins {
    const ROLES: &'static [Role] = &[Role::Admin];
}

/// Referrals, admissions, renewals, exits, assignments.
pub struct Coordinators;
impl Gate for Coordinators {
    const ROLES: &'static [Role] = &[Role::Coordinator];
}

/// Family work: coordinators, and staff for the families they accompany.
pub struct Team;
impl Gate for Team {
    const ROLES: &'static [Role] = &[Role::Coordinator, Role::Staff];
}

/// The activity report and the crèche's settings read by both.
pub struct Management;
impl Gate for Management {
    const ROLES: &'static [Role] = &[Role::Coordinator, Role::Admin];
}

/// The families' reads the head office shares with the team: the list
/// and search, a family, a placement, the deadlines and due dates.
pub struct FamilyReaders;
impl Gate for FamilyReaders {
    const ROLES: &'static [Role] = nido_cases::FAMILY_READERS;
}

/// The reports: activity, crèche, occupancy.
pub struct ReportReaders;
impl Gate for ReportReaders {
    const ROLES: &'static [Role] = nido_cases::REPORT_READERS;
}

/// The billing statement: admins, and the head office.
pub struct BillingReaders;
impl Gate for BillingReaders {
    const ROLES: &'static [Role] = &[Role::Admin, Role::HeadOffice];
}

/// Changes to the housing stock: landlords, units, leases.
pub struct HousingEditors;
impl Gate for HousingEditors {
    const ROLES: &'static [Role] = nido_cases::housing::EDITORS;
}

/// The housing stock read, its reports, and the moves.
pub struct HousingReaders;
impl Gate for HousingReaders {
    const ROLES: &'static [Role] = nido_cases::housing::READERS;
}

/// The crèche's attendance: coordinators and the crèche's professionals.
pub struct CrecheProfessionals;
impl Gate for CrecheProfessionals {
    const ROLES: &'static [Role] = &[Role::Coordinator, Role::Staff];

    fn admits(user: &User) -> bool {
        match user.role {
            Role::Coordinator => true,
            Role::Staff => nido_cases::creche::CRECHE_PROFESSIONS.contains(&user.profession),
            Role::Admin | Role::HeadOffice => false,
        }
    }
}

/// The caller, admitted by `G`.
pub struct Allowed<G> {
    caller: CurrentUser,
    gate: PhantomData<G>,
}

impl<G> Deref for Allowed<G> {
    type Target = CurrentUser;

    fn deref(&self) -> &CurrentUser {
        &self.caller
    }
}

impl<G: Gate> FromRequestParts<AppState> for Allowed<G> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let caller = CurrentUser::from_request_parts(parts, state).await?;
        if !G::admits(&caller.user) {
            return Err(ApiError::Forbidden);
        }
        Ok(Allowed {
            caller,
            gate: PhantomData,
        })
    }
}

//! Housing: landlords, units and leases, a file each. Admins write;
//! coordinators read; staff have no access.

mod landlords;
mod leases;
mod units;

use nido_domain::Role;
use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

pub use landlords::{LandlordRequest, LandlordResponse};
pub use leases::{LeaseRequest, LeaseResponse};
pub use units::{UnitRequest, UnitResponse};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(landlords::router())
        .merge(units::router())
        .merge(leases::router())
}

const READERS: [Role; 2] = [Role::Admin, Role::Coordinator];
const WRITERS: [Role; 1] = [Role::Admin];

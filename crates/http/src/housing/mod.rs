//! Housing: landlords, units and leases, a file each. Admins write;
//! coordinators read; staff have no access (`nido_cases::housing::EDITORS`
//! and `READERS`, which the use cases check).

mod landlords;
mod leases;
mod units;

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

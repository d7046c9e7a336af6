//! Housing: landlords, units and leases, a file each. Admins write;
//! coordinators read; staff have no access (`nido_cases::housing::EDITORS`
//! and `READERS`, which the use cases check).

pub(crate) mod landlords;
pub(crate) mod leases;
pub(crate) mod units;

pub use landlords::{LandlordRequest, LandlordResponse};
pub use leases::{LeaseRequest, LeaseResponse};
pub use units::{UnitRequest, UnitResponse};

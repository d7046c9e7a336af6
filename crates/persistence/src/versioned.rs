//! The versioned-update step, written once: a change made with `If-Match`
//! is refused when the version read is no longer current, and the `UPDATE`
//! itself is filtered on the version found, so that of two concurrent
//! updates one loses (`StaleVersion`) instead of overwriting the other.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
};
use uuid::Uuid;

use crate::RepoError;

/// A table whose rows carry `id`, `version` and `updated_at`.
pub(crate) trait VersionedRow: EntityTrait {
    const ID: Self::Column;
    const VERSION: Self::Column;
    const UPDATED_AT: Self::Column;
}

macro_rules! versioned_rows {
    ($($table:ident),+) => {
        $(impl VersionedRow for crate::entities::$table::Entity {
            const ID: Self::Column = crate::entities::$table::Column::Id;
            const VERSION: Self::Column = crate::entities::$table::Column::Version;
            const UPDATED_AT: Self::Column = crate::entities::$table::Column::UpdatedAt;
        })+
    };
}

versioned_rows!(
    actions,
    children,
    creche_bookings,
    families,
    housing_steps,
    incidents,
    interventions,
    landlords,
    leases,
    placements,
    sites,
    units,
    users
);

/// One row's update under optimistic locking.
pub(crate) struct Versioned<E> {
    id: Uuid,
    /// The version found in the database.
    current: i32,
    /// The version the caller read (`If-Match`), if she sent one.
    expected: Option<i32>,
    now: DateTime<Utc>,
    table: std::marker::PhantomData<E>,
}

impl<E> Versioned<E>
where
    E: VersionedRow,
    E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
{
    pub fn new(id: Uuid, current: i32, expected: Option<i32>, now: DateTime<Utc>) -> Self {
        Self {
            id,
            current,
            expected,
            now,
            table: std::marker::PhantomData,
        }
    }

    /// Refuses at once a caller who read an older version.
    pub fn check(&self) -> Result<(), RepoError> {
        match self.expected {
            Some(expected) if expected != self.current => Err(RepoError::StaleVersion),
            _ => Ok(()),
        }
    }

    /// Writes `changes` with the next version and the time, only while the
    /// row still has the version found (and meets `also`). `on_error` maps a
    /// refusal of the database (a constraint) to its conflict.
    pub async fn apply(
        self,
        db: &impl ConnectionTrait,
        mut changes: E::ActiveModel,
        also: Condition,
        on_error: impl FnOnce(DbErr) -> RepoError,
    ) -> Result<(), RepoError> {
        self.check()?;
        changes.set(E::VERSION, (self.current + 1).into());
        changes.set(E::UPDATED_AT, self.now.into());
        let result = E::update_many()
            .set(changes)
            .filter(E::ID.eq(self.id))
            .filter(E::VERSION.eq(self.current))
            .filter(also)
            .exec(db)
            .await
            .map_err(on_error)?;
        if result.rows_affected == 0 {
            return Err(RepoError::StaleVersion);
        }
        Ok(())
    }
}

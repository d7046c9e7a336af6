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

/// One row's update under optimistic locking.
pub(crate) struct Versioned<E: EntityTrait> {
    /// The row: its id column and id.
    pub id: (E::Column, Uuid),
    pub version: E::Column,
    pub updated_at: E::Column,
    /// The version found in the database.
    pub current: i32,
    /// The version the caller read (`If-Match`), if she sent one.
    pub expected: Option<i32>,
    pub now: DateTime<Utc>,
}

impl<E> Versioned<E>
where
    E: EntityTrait,
    E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
{
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
        changes.set(self.version, (self.current + 1).into());
        changes.set(self.updated_at, self.now.into());
        let (id_column, id) = self.id;
        let result = E::update_many()
            .set(changes)
            .filter(id_column.eq(id))
            .filter(self.version.eq(self.current))
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

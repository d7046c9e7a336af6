//! Whether nido can serve: the readiness probe asks it, without a caller.

use crate::{CaseResult, Cases};

/// Answers once the database answers a ping; its error otherwise.
pub async fn database_answers(cases: &Cases) -> CaseResult<()> {
    Ok(nido_persistence::ping(&cases.db).await?)
}

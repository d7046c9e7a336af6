//! The colleagues a form offers: who may be a family's referent or in its
//! team (the use cases decide; these lists only offer the likely names).

use nido_domain::{Role, User};
use nido_persistence::users;
use uuid::Uuid;

use crate::Web;
use crate::error::WebError;
use crate::french;
use crate::pages::family::Choice;

/// "Inès Martin (service social)".
pub fn label(user: &User) -> String {
    format!(
        "{} ({})",
        user.display_name.as_str(),
        french::profession(user.profession)
    )
}

/// The active staff members and coordinators, by name.
pub async fn team_members(web: &Web) -> Result<Vec<(Uuid, String)>, WebError> {
    let mut members: Vec<(Uuid, String)> = users::list(&web.app.db, None, 1000)
        .await?
        .iter()
        .filter(|user| user.active && matches!(user.role, Role::Staff | Role::Coordinator))
        .map(|user| (user.id, label(user)))
        .collect();
    members.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(members)
}

/// `members` as options, the one whose id is `selected` chosen.
pub fn choices(members: &[(Uuid, String)], selected: &[String]) -> Vec<Choice> {
    members
        .iter()
        .map(|(id, name)| Choice {
            value: id.to_string(),
            label: name.clone(),
            selected: selected.contains(&id.to_string()),
        })
        .collect()
}

//! The colleagues a form offers: who may be a family's referent or in its
//! team (the use cases decide; these lists only offer the likely names).

use nido_domain::User;
use uuid::Uuid;

use crate::french;
use crate::pages::Choice;

/// "Inès Martin (service social)".
pub fn label(user: &User) -> String {
    format!(
        "{} ({})",
        user.display_name.as_str(),
        french::profession(user.profession)
    )
}

/// The team's members (`nido_cases::team::members`) as labelled choices, by
/// name.
pub fn by_name(members: &[User]) -> Vec<(Uuid, String)> {
    let mut labelled: Vec<(Uuid, String)> =
        members.iter().map(|user| (user.id, label(user))).collect();
    labelled.sort_by(|a, b| a.1.cmp(&b.1));
    labelled
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

//! One module per page (or per form of a page). A page handler extracts the
//! signed-in user, calls the use cases (or, for a plain read, the
//! repositories the API's handler reads), and renders its template.
//! What several pages share (an option of a select, an id in an address,
//! the query's values) is here, so that no page imports another for it.

pub mod admin_form;
pub mod audit_log;
pub mod birth;
pub mod coordination;
pub mod creche;
pub mod documents;
pub mod due_dates;
pub mod duplicates;
pub mod families;
pub mod family;
pub mod family_summary;
pub mod forgotten;
pub mod home;
pub mod housing;
pub mod housing_forms;
pub mod intervention;
pub mod mother;
pub mod password;
pub mod pathway;
pub mod people;
pub mod placement;
pub mod reports;
pub mod second_factor;
pub mod sign_in;
pub mod site_switch;
pub mod users;
pub mod waiting_list;

use uuid::Uuid;

use crate::error::WebError;

/// An id in an address; one that is not a UUID names nothing (404).
pub fn parse_id(raw: &str) -> Result<Uuid, WebError> {
    raw.parse().map_err(|_| WebError::NotFound)
}

/// An option of a select, or a radio button.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// The sites of a user of several sites as options, those `selected`
/// says chosen (none for a user of one: her site goes without saying):
/// the switcher's, a form's select, the account form's boxes.
pub fn site_options(
    signed_in: &crate::session::SignedIn,
    selected: impl Fn(Uuid) -> bool,
) -> Vec<Choice> {
    if !signed_in.has_several_sites() {
        return Vec::new();
    }
    signed_in
        .sites
        .iter()
        .map(|site| Choice {
            value: site.id.to_string(),
            label: site.name.clone(),
            selected: selected(site.id),
        })
        .collect()
}

/// The sites a form offers, `selected` first chosen; by default the site
/// she works in (the switcher's).
pub fn site_choices(signed_in: &crate::session::SignedIn, selected: Option<Uuid>) -> Vec<Choice> {
    let selected = selected.or(signed_in.chosen_site);
    site_options(signed_in, |id| Some(id) == selected)
}

/// The name of a record's site, for a user who reads several (one of
/// one site needs no telling).
pub fn site_name(signed_in: &crate::session::SignedIn, site_id: Uuid) -> Option<String> {
    signed_in
        .sites
        .iter()
        .find(|site| site.id == site_id)
        .filter(|_| signed_in.has_several_sites())
        .map(|site| site.name.clone())
}

/// [`site_name`] for a line of a list: only when she reads all of her
/// sites (under one chosen, every line is of it).
pub fn listed_site_name(signed_in: &crate::session::SignedIn, site_id: Uuid) -> Option<String> {
    site_name(signed_in, site_id).filter(|_| signed_in.chosen_site.is_none())
}

/// A path of this site to go back to after signing in: a local path only
/// (never `//elsewhere` nor an absolute address), else the home page.
pub fn local_path(raw: &str) -> String {
    let acceptable = raw.starts_with('/')
        && !raw.starts_with("//")
        && !raw.starts_with("/\\")
        && raw.len() <= 500
        && !raw.chars().any(|c| c.is_control() || c == '\\');
    if acceptable {
        raw.to_owned()
    } else {
        "/".to_owned()
    }
}

/// The value of `name` in a query string, decoded.
pub fn query_value(query: Option<&str>, name: &str) -> Option<String> {
    form_urlencoded::parse(query?.as_bytes())
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(local_path("/familles/1?x=2"), "/familles/1?x=2");
        for elsewhere in [
            "https://evil.example/",
            "//evil.example/",
            "/\\evil.example",
            "",
            "familles",
            "/a\nb",
        ] {
            assert_eq!(local_path(elsewhere), "/", "{elsewhere:?}");
        }
    }
}

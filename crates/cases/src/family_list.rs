//! The lists of families a user reads: the API's pages, the families page
//! searched by name, and the families one accompanies. Each shows only the
//! families the caller may see (coordinators every family, staff those they
//! accompany) and writes one audit entry naming them all.

use nido_domain::family::Family;
use nido_domain::{Role, User};
use nido_persistence::families;
use nido_persistence::need_to_know::Reader;
use uuid::Uuid;

use crate::{Caller, CaseResult, Cases, team};

/// The most families a search reads: a centre has a few dozen at a time
/// (and closed files are anonymised after two years).
const MAX_SEARCHED: u64 = 2000;
/// The most families one accompanies that the home page lists.
const MAX_ACCOMPANIED: u64 = 500;

/// A family in a list, with its referent's account when it has one.
#[derive(Debug, Clone)]
pub struct ListedFamily {
    pub family: Family,
    pub referent: Option<User>,
}

/// The families found by a search, and how many the caller may see in all.
#[derive(Debug, Clone)]
pub struct FamilySearch {
    pub families: Vec<ListedFamily>,
    pub total: usize,
}

/// Up to `limit + 1` families after `after`, by id (the extra one tells
/// the page that more follow), audited as `family.list` naming the
/// `limit` shown.
pub async fn page(
    cases: &Cases,
    caller: &Caller,
    after: Option<Uuid>,
    limit: u64,
) -> CaseResult<Vec<Family>> {
    let reader = crate::families::list_reader(&cases.db, caller).await?;
    let rows = families::list(&cases.db, reader, after, limit + 1).await?;
    let shown = usize::try_from(limit).unwrap_or(usize::MAX);
    let ids = rows.iter().take(shown).map(|family| family.id);
    cases
        .audit_many(caller, "family.list", ids, "/families")
        .await?;
    Ok(rows)
}

/// The families whose mother or a child answers to `query` (every family
/// for an empty one), of `site` only when one is named (a user of several
/// sites working in one), those in care first, then by the mother's name;
/// audited as `family.list` naming those found.
pub async fn search(
    cases: &Cases,
    caller: &Caller,
    query: &str,
    site: Option<Uuid>,
) -> CaseResult<FamilySearch> {
    let reader = crate::families::list_reader(&cases.db, caller).await?;
    let key = search_key(query);
    let mut visible = families::list(&cases.db, reader, None, MAX_SEARCHED).await?;
    visible.retain(|family| site.is_none_or(|site| family.site_id == site));
    let total = visible.len();
    visible.retain(|family| key.is_empty() || answers_to(family, &key));
    visible.sort_by_key(|family| {
        (
            family.current_placement_id.is_none(),
            search_key(&family.mother.last_name),
            search_key(&family.mother.first_name),
        )
    });
    let shown: Vec<Uuid> = visible.iter().map(|family| family.id).collect();
    cases
        .audit_read(caller, "family.list", shown, "/familles")
        .await?;
    Ok(FamilySearch {
        families: with_referents(cases, caller, visible).await?,
        total,
    })
}

/// The families the caller accompanies (as referent or in the team), for
/// the home page, audited as `family.list`.
pub async fn accompanied(cases: &Cases, caller: &Caller) -> CaseResult<Vec<ListedFamily>> {
    caller.require(&[Role::Coordinator, Role::Staff])?;
    // A coordinator's own families too, in her sites.
    let reader = Reader::Accompanying {
        user_id: caller.id,
        sites_only: !nido_persistence::sites::belongs_everywhere(&cases.db, caller.id).await?,
    };
    let mine = families::list(&cases.db, reader, None, MAX_ACCOMPANIED).await?;
    let shown: Vec<Uuid> = mine.iter().map(|family| family.id).collect();
    cases.audit_read(caller, "family.list", shown, "/").await?;
    with_referents(cases, caller, mine).await
}

async fn with_referents(
    cases: &Cases,
    caller: &Caller,
    list: Vec<Family>,
) -> CaseResult<Vec<ListedFamily>> {
    let ids: Vec<Uuid> = list
        .iter()
        .filter_map(|family| family.referent_id)
        .collect();
    let referents = team::names(cases, caller, ids).await?;
    Ok(list
        .into_iter()
        .map(|family| ListedFamily {
            referent: family
                .referent_id
                .and_then(|id| referents.get(&id))
                .cloned(),
            family,
        })
        .collect())
}

/// Whether the family's mother or a child answers to `key` (a search key).
fn answers_to(family: &Family, key: &str) -> bool {
    let mut names = vec![
        family.mother.full_name(),
        format!("{} {}", family.mother.last_name, family.mother.first_name),
    ];
    names.extend(family.children.iter().map(|child| {
        format!(
            "{} {}",
            child.first_name,
            child.last_name.as_deref().unwrap_or_default()
        )
    }));
    names.iter().any(|name| search_key(name).contains(key))
}

/// A name as a search compares it: lower case, without accents, so that
/// "helene" finds "Hélène".
pub fn search_key(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'â' | 'ä' | 'á' | 'ã' => 'a',
            'ç' => 'c',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' | 'í' | 'ì' => 'i',
            'ô' | 'ö' | 'ó' | 'ò' | 'õ' => 'o',
            'ù' | 'û' | 'ü' | 'ú' => 'u',
            'ÿ' => 'y',
            'ñ' => 'n',
            '’' => '\'',
            other => other,
        })
        .collect()
}

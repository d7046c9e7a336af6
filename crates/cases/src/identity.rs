//! Identity vigilance (SPEC "Identity and duplicates"): search before
//! create, the duplicate check of a new referral, the coordinators' list
//! of possible duplicates and their decisions. Files are linked, never
//! merged: a decision that two files are one mother's writes a link that
//! both show; nothing is moved or deleted.

use std::cmp::Reverse;
use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use nido_domain::family::{Family, NAME_MAX};
use nido_domain::identity::{
    self as rules, DuplicateDecision, DuplicateVerdict, FileStatus, Identity, Prepared,
};
use nido_domain::{Refusal, Role};
use nido_persistence::identity::{self as keys, SearchKeys};
use nido_persistence::{ConnectionTrait, DbErr, begin_write, families, referrals};
use uuid::Uuid;

use crate::{Caller, CaseError, CaseResult, Cases, Invalid, bounds};

/// The thresholds of the score (`[identity]`): from `probable` a new
/// referral is refused unless confirmed; from `possible` a pair is listed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IdentityPolicy {
    pub probable: f64,
    pub possible: f64,
}

impl Default for IdentityPolicy {
    fn default() -> Self {
        Self {
            probable: rules::PROBABLE,
            possible: rules::POSSIBLE,
        }
    }
}

/// The most files the duplicate check scores: those born the same day
/// (either way) or month as the new mother, a few dozen among 10,000.
const MAX_CANDIDATES: u64 = 1000;
/// The most files a search ranks: a search that finds more is refused as
/// too broad (422 `search_too_broad`), so that its best answers are
/// never cut off unseen.
const MAX_SEARCHED: u64 = 1000;
/// The most files read in one statement.
const CHUNK: usize = 500;
/// The longest search and the longest note of a decision, in characters.
pub const QUERY_MAX: u64 = NAME_MAX;
pub const NOTE_MAX: u64 = 2000;

/// A file that looks like another mother's, with how alike (0 to 1) and
/// where it stands.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub family: Family,
    pub score: f64,
    pub status: FileStatus,
}

/// The identity a family's file holds, children included.
pub fn identity_of(family: &Family) -> Identity {
    let births = family
        .births()
        .into_iter()
        .map(|birth| birth.date())
        .collect();
    Identity::of(&family.mother, births)
}

/// Where each of these files stands.
async fn statuses(
    db: &impl ConnectionTrait,
    found: &[&Family],
) -> Result<HashMap<Uuid, FileStatus>, DbErr> {
    let ids: Vec<Uuid> = found.iter().map(|family| family.id).collect();
    let waiting = referrals::pending_among(db, ids).await?;
    Ok(found
        .iter()
        .map(|family| {
            let status = if family.current_placement_id.is_some() {
                FileStatus::Active
            } else if waiting.contains(&family.id) {
                FileStatus::Waiting
            } else {
                FileStatus::Closed
            };
            (family.id, status)
        })
        .collect())
}

/// The files that look like `mother` (score from the possible threshold),
/// the most alike first (coordinators): what `POST /referrals` would say
/// of her. Read by the keys of her birth date, never every file. Audited
/// as `duplicate.check`, naming the files found.
pub async fn check(
    cases: &Cases,
    caller: &Caller,
    mother: &Identity,
) -> CaseResult<Vec<Candidate>> {
    caller.require(&[Role::Coordinator])?;
    let sites = crate::sites::of_caller(cases, caller).await?;
    let found = alike(cases, &cases.db, mother, &sites).await?;
    audit_check(cases, caller, &found).await?;
    Ok(found)
}

/// The entry of a check that showed `found` (none when it found none:
/// nothing of anyone was shown).
pub(crate) async fn audit_check(
    cases: &Cases,
    caller: &Caller,
    found: &[Candidate],
) -> CaseResult<()> {
    if !found.is_empty() {
        let named = found.iter().map(|candidate| candidate.family.id);
        cases
            .audit_many(caller, "duplicate.check", named, "/referrals")
            .await?;
    }
    Ok(())
}

/// [`check`] on `db` (a referral's transaction), without its audit entry.
pub(crate) async fn alike(
    cases: &Cases,
    db: &impl ConnectionTrait,
    mother: &Identity,
    sites: &[Uuid],
) -> CaseResult<Vec<Candidate>> {
    let mut found = keys::holding_keys(db, &rules::check_keys(mother), MAX_CANDIDATES).await?;
    // Another site's files are not the coordinator's to know of.
    found.retain(|family| sites.contains(&family.site_id));
    let mother = Prepared::of(mother);
    let mut scored: Vec<(Family, f64)> = found
        .into_iter()
        .map(|family| {
            let score = mother.score(&Prepared::of(&identity_of(&family)));
            (family, score)
        })
        .filter(|(_, score)| *score >= cases.identity.possible)
        .collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.id.cmp(&b.0.id)));
    let families: Vec<&Family> = scored.iter().map(|(family, _)| family).collect();
    let status = statuses(db, &families).await?;
    Ok(scored
        .into_iter()
        .map(|(family, score)| Candidate {
            status: status
                .get(&family.id)
                .copied()
                .unwrap_or(FileStatus::Closed),
            family,
            score,
        })
        .collect())
}

/// A search: name fragments (accents, case and hyphens aside, or by
/// sound), a birth date (either way), or both.
#[derive(Debug, Clone, Default)]
pub struct SearchQuery {
    pub q: String,
    pub birth_date: Option<NaiveDate>,
}

/// A file a search found, with how well it answers (the higher the
/// better).
#[derive(Debug, Clone)]
pub struct Found {
    pub family: Family,
    pub rank: u32,
    pub status: FileStatus,
}

impl Found {
    /// Its place in the search's order: the best first, then by id.
    pub fn position(&self) -> (u32, Uuid) {
        (u32::MAX - self.rank, self.family.id)
    }
}

/// Up to `limit + 1` files that answer `query`, the best first, after the
/// position `after` (coordinators every file, closed ones included; staff
/// the families they accompany). Audited as `family.search`, naming the
/// `limit` shown.
pub async fn search(
    cases: &Cases,
    caller: &Caller,
    query: &SearchQuery,
    after: Option<(u32, Uuid)>,
    limit: u64,
) -> CaseResult<Vec<Found>> {
    let reader = crate::families::list_reader(&cases.db, caller).await?;
    let mut invalid = Invalid::default();
    bounds::optional_text(&mut invalid, "q", Some(&query.q), QUERY_MAX);
    let words = rules::words(&query.q);
    if words.is_empty() && query.birth_date.is_none() {
        invalid.add("q", Refusal::NameOrBirthDate);
    }
    invalid.finish()?;
    let mut sounds: Vec<String> = words
        .iter()
        .filter(|word| word.len() > 2)
        .filter_map(|word| rules::name_key(word))
        .collect();
    sounds.extend(rules::name_key(&query.q));
    let asked = SearchKeys {
        words,
        sounds,
        births: query.birth_date.map(rules::birth_keys).unwrap_or_default(),
    };
    let rows = keys::search(&cases.db, &asked, reader, MAX_SEARCHED + 1).await?;
    if rows.len() as u64 > MAX_SEARCHED {
        return Err(CaseError::Unprocessable {
            code: "search_too_broad",
            detail: "More than 1000 files answer this search: give more of the name, or the birth date.",
        });
    }
    let mut ranked: Vec<(Family, u32)> = rows
        .into_iter()
        .map(|family| {
            let rank = rules::search_rank(&identity_of(&family), &query.q, query.birth_date);
            (family, rank)
        })
        .filter(|(_, rank)| *rank > 0)
        .filter(|(family, rank)| {
            after.is_none_or(|position| (u32::MAX - rank, family.id) > position)
        })
        .collect();
    ranked.sort_by_key(|(family, rank)| (Reverse(*rank), family.id));
    ranked.truncate(usize::try_from(limit + 1).unwrap_or(usize::MAX));
    let shown = usize::try_from(limit).unwrap_or(usize::MAX);
    let families: Vec<&Family> = ranked.iter().map(|(family, _)| family).collect();
    let mut status = statuses(&cases.db, &families).await?;
    cases
        .audit_read(
            caller,
            "family.search",
            ranked.iter().take(shown).map(|(family, _)| family.id),
            "/families/search",
        )
        .await?;
    Ok(ranked
        .into_iter()
        .map(|(family, rank)| Found {
            status: status.remove(&family.id).unwrap_or(FileStatus::Closed),
            family,
            rank,
        })
        .collect())
}

/// Two files that look alike, not yet decided on.
#[derive(Debug, Clone)]
pub struct PossiblePair {
    pub first: Candidate,
    pub second: Candidate,
    pub score: f64,
}

impl PossiblePair {
    /// Its place in the list's order: the most alike first (by thousandths),
    /// then by the two ids.
    pub fn position(&self) -> (u32, Uuid, Uuid) {
        (
            1000 - thousandths(self.score),
            self.first.family.id,
            self.second.family.id,
        )
    }
}

/// A score in thousandths, 0 to 1000.
fn thousandths(score: f64) -> u32 {
    // The score lies in [0, 1]: the cast cannot truncate.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let rounded = (score.clamp(0.0, 1.0) * 1000.0).round() as u32;
    rounded
}

/// Up to `limit + 1` pairs of files scoring from the possible threshold
/// that nobody decided on yet, the most alike first, after `after`
/// (coordinators). The pairs are read by the keys of the birth dates.
/// Audited as `duplicate.list`, naming the files shown.
pub async fn possible_pairs(
    cases: &Cases,
    caller: &Caller,
    after: Option<(u32, Uuid, Uuid)>,
    limit: u64,
) -> CaseResult<Vec<PossiblePair>> {
    caller.require(&[Role::Coordinator])?;
    let db = &cases.db;
    let decided: HashSet<(Uuid, Uuid)> = keys::decisions(db)
        .await?
        .into_iter()
        .map(|decision| (decision.family_id, decision.other_family_id))
        .collect();
    let pairs: Vec<(Uuid, Uuid)> = keys::pairs_to_score(db)
        .await?
        .into_iter()
        .filter(|pair| !decided.contains(pair))
        .collect();
    let mut ids: Vec<Uuid> = pairs.iter().flat_map(|(a, b)| [*a, *b]).collect();
    ids.sort_unstable();
    ids.dedup();
    // In chunks: every file may be in a pair, and a statement binds a
    // bounded number of values.
    let mut found = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        found.extend(families::find_many(db, chunk.to_vec()).await?);
    }
    // A pair with another site's file is not the coordinator's to see.
    let sites = crate::sites::of_caller(cases, caller).await?;
    found.retain(|_, family| sites.contains(&family.site_id));
    // Each file's forms made once, for all its pairs.
    let identities: HashMap<Uuid, Prepared> = found
        .iter()
        .map(|(id, family)| (*id, Prepared::of(&identity_of(family))))
        .collect();
    let mut scored: Vec<(Uuid, Uuid, f64)> = pairs
        .into_iter()
        .filter_map(|(a, b)| {
            let score = identities.get(&a)?.score(identities.get(&b)?);
            (score >= cases.identity.possible).then_some((a, b, score))
        })
        .filter(|(a, b, score)| {
            after.is_none_or(|position| (1000 - thousandths(*score), *a, *b) > position)
        })
        .collect();
    scored.sort_by_key(|(a, b, score)| (1000 - thousandths(*score), *a, *b));
    scored.truncate(usize::try_from(limit + 1).unwrap_or(usize::MAX));
    let shown: Vec<&Family> = scored
        .iter()
        .flat_map(|(a, b, _)| [found.get(a), found.get(b)])
        .flatten()
        .collect();
    let status = statuses(db, &shown).await?;
    let visible = usize::try_from(limit).unwrap_or(usize::MAX);
    let named: HashSet<Uuid> = scored
        .iter()
        .take(visible)
        .flat_map(|(a, b, _)| [*a, *b])
        .collect();
    cases
        .audit_read(caller, "duplicate.list", named, "/duplicates")
        .await?;
    // A file may be in several pairs: each shows where it stands.
    let candidate = |id: Uuid, score: f64| {
        found.get(&id).map(|family| Candidate {
            family: family.clone(),
            score,
            status: status.get(&id).copied().unwrap_or(FileStatus::Closed),
        })
    };
    Ok(scored
        .into_iter()
        .filter_map(|(a, b, score)| {
            let first = candidate(a, score)?;
            let second = candidate(b, score)?;
            Some(PossiblePair {
                first,
                second,
                score,
            })
        })
        .collect())
}

/// A decision on two files, as typed.
#[derive(Debug, Clone)]
pub struct DecisionInput {
    pub family_ids: Vec<Uuid>,
    pub verdict: DuplicateVerdict,
    pub note: String,
}

/// Records a decision on two files (coordinators): `same_person` links
/// them (each shows the other, on its page and its timeline), `different`
/// keeps the pair off the list; a pair is decided once (409
/// `pair_decided`). Audited as `duplicate.same_person` or
/// `duplicate.different`, naming both files.
pub async fn decide(
    cases: &Cases,
    caller: &Caller,
    input: DecisionInput,
) -> CaseResult<DuplicateDecision> {
    caller.require(&[Role::Coordinator])?;
    let mut invalid = Invalid::default();
    bounds::text(&mut invalid, "note", &input.note, 1, NOTE_MAX);
    let pair = match input.family_ids.as_slice() {
        [a, b] if a != b => Some((*a, *b)),
        _ => {
            invalid.add("family_ids", Refusal::TwoFiles);
            None
        }
    };
    invalid.finish()?;
    let (a, b) = pair.ok_or_else(|| anyhow::anyhow!("checked pair missing"))?;
    // An anonymised file is nobody's any more: nothing may be tied to it.
    let known = keys::live(&cases.db, vec![a, b]).await?;
    // Another site's file is not the coordinator's to know of.
    let mine = crate::sites::of_caller(cases, caller).await?;
    let of_her_sites = families::find_many(&cases.db, known)
        .await?
        .values()
        .filter(|family| mine.contains(&family.site_id))
        .count();
    if of_her_sites != 2 {
        return Err(CaseError::invalid("family_ids", Refusal::NoSuchFamily));
    }
    let txn = begin_write(&cases.writer).await?;
    let decision = keys::decide(
        &txn,
        (a, b),
        input.verdict,
        input.note.trim(),
        caller.id,
        cases.now(),
    )
    .await?;
    txn.commit().await?;
    let action = format!("duplicate.{}", input.verdict);
    let resource = format!("/duplicates/decisions/{}", decision.id);
    cases.audit_many(caller, &action, [a, b], &resource).await?;
    Ok(decision)
}

/// The files found to be the same mother's as `family_id`'s, by the
/// decisions taken, oldest first, each with its decision: those `caller`
/// may open (staff only the families they accompany; another file is not
/// even named to them). The caller's right to `family_id` is checked by
/// the read this comes with.
pub async fn linked_files(
    cases: &Cases,
    caller: &Caller,
    family_id: Uuid,
) -> CaseResult<Vec<(Uuid, DuplicateDecision)>> {
    let links = keys::decisions_of(&cases.db, family_id)
        .await?
        .into_iter()
        .filter(|decision| decision.verdict == DuplicateVerdict::SamePerson)
        .map(|decision| (decision.other_than(family_id), decision));
    let mut shown = Vec::new();
    for (other, decision) in links {
        if may_name(cases, caller, other).await? {
            shown.push((other, decision));
        }
    }
    Ok(shown)
}

/// Whether another file may be named to `caller`: one she may see
/// (`crate::families::visible_family`).
pub(crate) async fn may_name(cases: &Cases, caller: &Caller, family_id: Uuid) -> CaseResult<bool> {
    match crate::families::visible_family(&cases.db, caller, family_id).await {
        Ok(_) => Ok(true),
        Err(CaseError::Hidden { .. } | CaseError::NotFound | CaseError::Forbidden) => Ok(false),
        Err(other) => Err(other),
    }
}

/// Keys again every file keyed under older rules than now's (at start):
/// in batches, each in its own transaction. Returns how many.
pub async fn refresh_keys(cases: &Cases) -> CaseResult<u64> {
    const BATCH: u64 = 200;
    let mut done = 0;
    loop {
        let stale = keys::stale(&cases.db, BATCH).await?;
        if stale.is_empty() {
            return Ok(done);
        }
        let txn = begin_write(&cases.writer).await?;
        for family_id in &stale {
            keys::store_keys(&txn, *family_id).await?;
        }
        txn.commit().await?;
        done += stale.len() as u64;
    }
}

//! Interventions (home visits, interviews, …) and their follow-up actions:
//! the team's daily log, under the need-to-know rule.

use chrono::{DateTime, NaiveDate, Utc};
use nido_domain::Refusal;
use nido_domain::Role;
use nido_domain::family::Family;
use nido_domain::intervention::{
    self as rules, Action, ActionInput, Confidentiality, Intervention, InterventionFields,
    InterventionInput, NewAction,
};
use nido_domain::refusal::{Counted, Unit};
use nido_persistence::interventions::{self, ActionViewer};
use nido_persistence::{RepoError, begin_write, users};
use uuid::Uuid;

use crate::families::visible_family;
use crate::users::is_team_member;
use crate::{Caller, CaseError, CaseResult, Cases, Invalid, bounds};

/// Who sees actions, by role: coordinators every family's of their
/// sites, staff their own families'; admins none.
pub async fn action_viewer(cases: &Cases, caller: &Caller) -> CaseResult<Option<ActionViewer>> {
    if caller.role == Role::Admin {
        return Ok(None);
    }
    Ok(Some(ActionViewer {
        user_id: caller.id,
        reader: crate::families::reader(&cases.db, caller).await?,
    }))
}

/// An intervention's bounds, added to `invalid`: its duration, the staff
/// present, its summary and at most [`rules::MAX_ACTIONS`] actions, each
/// checked as [`action_bounds`] does under `actions[i]`. Answers its fields
/// and its actions, their descriptions trimmed.
fn intervention_bounds(
    input: InterventionInput,
    invalid: &mut Invalid,
) -> (InterventionFields, Vec<NewAction>) {
    bounds::number(
        invalid,
        "duration_minutes",
        i64::from(input.duration_minutes),
        rules::MIN_DURATION_MINUTES,
        rules::MAX_DURATION_MINUTES,
        Unit::Minutes,
    );
    bounds::count(
        invalid,
        "staff_ids",
        input.staff_ids.len(),
        rules::MIN_STAFF_PRESENT,
        rules::MAX_STAFF_PRESENT,
        Counted::People,
    );
    bounds::text(
        invalid,
        "summary",
        &input.summary,
        1,
        rules::MAX_SUMMARY_CHARS,
    );
    bounds::count(
        invalid,
        "actions",
        input.actions.len(),
        0,
        rules::MAX_ACTIONS,
        Counted::Actions,
    );
    let actions = input
        .actions
        .into_iter()
        .enumerate()
        .map(|(index, action)| action_bounds(action, &format!("actions[{index}]."), invalid))
        .collect();
    let fields = InterventionFields {
        kind: input.kind,
        occurred_at: input.occurred_at,
        duration_minutes: input.duration_minutes,
        summary: input.summary,
        confidentiality: input.confidentiality,
        staff_ids: input.staff_ids,
    };
    (fields, actions)
}

/// A follow-up action's bounds, added to `invalid` under `prefix`: its
/// description. Answers it, its description trimmed.
fn action_bounds(action: ActionInput, prefix: &str, invalid: &mut Invalid) -> NewAction {
    bounds::text(
        invalid,
        &format!("{prefix}description"),
        &action.description,
        1,
        rules::MAX_ACTION_DESCRIPTION_CHARS,
    );
    NewAction {
        description: action.description.trim().to_owned(),
        due_on: action.due_on,
        assignee_id: action.assignee_id,
    }
}

/// An action goes to someone who may see the family: an active member of
/// its team (or its referent), or a coordinator.
async fn check_assignee(
    cases: &Cases,
    family: &Family,
    field: &str,
    assignee_id: Uuid,
    invalid: &mut Invalid,
) -> CaseResult<()> {
    let user = match users::find(&cases.db, assignee_id).await {
        Ok(user) => Some(user),
        Err(RepoError::NotFound) => None,
        Err(err) => return Err(err.into()),
    };
    let may_see = user.is_some_and(|user| {
        user.active
            && (user.role == Role::Coordinator
                || (user.role == Role::Staff && family.is_assigned(user.id)))
    });
    if !may_see {
        invalid.add(field, Refusal::NotOnTheTeam);
    }
    Ok(())
}

/// The staff present are active team members; each action goes to someone
/// on the family, and for a restricted intervention to its author or
/// someone present (nobody else could see where it came from).
async fn check_people(
    cases: &Cases,
    family: &Family,
    author: Uuid,
    fields: &InterventionFields,
    actions: &[NewAction],
    mut invalid: Invalid,
) -> CaseResult<()> {
    for (index, id) in fields.staff_ids.iter().enumerate() {
        if !is_team_member(cases, *id).await? {
            invalid.add(format!("staff_ids[{index}]"), Refusal::NotActiveStaff);
        }
    }
    for (index, action) in actions.iter().enumerate() {
        let field = format!("actions[{index}].assignee_id");
        check_assignee(cases, family, &field, action.assignee_id, &mut invalid).await?;
        let present =
            action.assignee_id == author || fields.staff_ids.contains(&action.assignee_id);
        if fields.confidentiality == Confidentiality::Restricted && !present {
            invalid.add(field, Refusal::NotAuthorOrPresent);
        }
    }
    invalid.finish()
}

/// Logs an intervention with its follow-up actions, in one transaction
/// (coordinators; staff for their families). Answers it with its actions.
/// Its bounds are answered together with the rules on the people named.
pub async fn log_intervention(
    cases: &Cases,
    caller: &Caller,
    family_id: Uuid,
    input: InterventionInput,
) -> CaseResult<(Intervention, Vec<Action>)> {
    let family = visible_family(&cases.db, caller, family_id).await?;
    let mut invalid = Invalid::default();
    let (fields, actions) = intervention_bounds(input, &mut invalid);
    check_people(cases, &family, caller.id, &fields, &actions, invalid).await?;
    let now = cases.now();
    let txn = begin_write(&cases.writer).await?;
    let intervention = interventions::insert(&txn, family_id, caller.id, fields, now).await?;
    let mut written = Vec::with_capacity(actions.len());
    for action in actions {
        written.push(
            interventions::insert_action(
                &txn,
                family_id,
                Some(intervention.id),
                action,
                caller.id,
                now,
            )
            .await?,
        );
    }
    txn.commit().await?;
    let resource = format!("/interventions/{}", intervention.id);
    cases
        .audit(caller, "intervention.create", Some(family_id), &resource)
        .await?;
    // Answered from what was written, in the order a read gives.
    written.sort_by_key(|action| action.due_on);
    Ok((intervention, written))
}

async fn with_actions(
    cases: &Cases,
    caller: &Caller,
    id: Uuid,
) -> CaseResult<(Intervention, Vec<Action>)> {
    let intervention = interventions::find_visible(&cases.db, id, caller.id).await?;
    let actions = interventions::actions_of(&cases.db, vec![id]).await?;
    Ok((intervention, actions))
}

/// The intervention, if the caller may see it and its family.
pub async fn visible_intervention(
    cases: &Cases,
    caller: &Caller,
    id: Uuid,
) -> CaseResult<Intervention> {
    Ok(intervention_and_family(cases, caller, id).await?.0)
}

async fn intervention_and_family(
    cases: &Cases,
    caller: &Caller,
    id: Uuid,
) -> CaseResult<(Intervention, Family)> {
    caller.require(&[Role::Coordinator, Role::Staff])?;
    let intervention = interventions::find_visible(&cases.db, id, caller.id).await?;
    let family = visible_family(&cases.db, caller, intervention.family_id).await?;
    Ok((intervention, family))
}

/// Up to `limit + 1` of a family's interventions the caller may see,
/// newest first, before `before` (the extra one tells the page that more
/// follow), with their actions; audited as `intervention.list`.
pub async fn of_family(
    cases: &Cases,
    caller: &Caller,
    family_id: Uuid,
    before: Option<(DateTime<Utc>, Uuid)>,
    limit: u64,
) -> CaseResult<(Vec<Intervention>, Vec<Action>)> {
    visible_family(&cases.db, caller, family_id).await?;
    let rows =
        interventions::list_visible(&cases.db, family_id, caller.id, before, Some(limit + 1))
            .await?;
    let ids = rows.iter().map(|row| row.id).collect();
    let actions = interventions::actions_of(&cases.db, ids).await?;
    let resource = format!("/families/{family_id}/interventions");
    cases
        .audit(caller, "intervention.list", Some(family_id), &resource)
        .await?;
    Ok((rows, actions))
}

/// One intervention with its actions, if the caller may see it and its
/// family; audited as `intervention.read`.
pub async fn read(
    cases: &Cases,
    caller: &Caller,
    id: Uuid,
) -> CaseResult<(Intervention, Vec<Action>)> {
    let intervention = visible_intervention(cases, caller, id).await?;
    let actions = interventions::actions_of(&cases.db, vec![id]).await?;
    cases
        .audit(
            caller,
            "intervention.read",
            Some(intervention.family_id),
            &format!("/interventions/{id}"),
        )
        .await?;
    Ok((intervention, actions))
}

/// The caller's own follow-up actions (only the open ones with
/// `open_only`), audited as `action.list`. Admins have none: actions are
/// case data.
pub async fn assigned_to_caller(
    cases: &Cases,
    caller: &Caller,
    open_only: bool,
) -> CaseResult<Vec<Action>> {
    let Some(viewer) = action_viewer(cases, caller).await? else {
        return Ok(Vec::new());
    };
    let rows = interventions::actions_assigned(&cases.db, viewer, open_only).await?;
    let families: Vec<Uuid> = rows.iter().map(|action| action.family_id).collect();
    cases
        .audit_many(caller, "action.list", families, "/me/actions")
        .await?;
    Ok(rows)
}

/// Rewrites an intervention, its actions apart (its author, or a
/// coordinator who may see it): `input` lists no action.
pub async fn update_intervention(
    cases: &Cases,
    caller: &Caller,
    id: Uuid,
    expected_version: Option<i32>,
    input: InterventionInput,
) -> CaseResult<(Intervention, Vec<Action>)> {
    let mut invalid = Invalid::default();
    let lists_actions = !input.actions.is_empty();
    let (fields, _) = intervention_bounds(input, &mut invalid);
    if lists_actions {
        invalid.add("actions", Refusal::ActionsChangedApart);
    }
    let (current, family) = intervention_and_family(cases, caller, id).await?;
    if current.author_id != caller.id && caller.role != Role::Coordinator {
        return Err(CaseError::Forbidden);
    }
    check_people(cases, &family, current.author_id, &fields, &[], invalid).await?;
    let txn = begin_write(&cases.writer).await?;
    interventions::update(&txn, id, expected_version, fields, cases.now()).await?;
    txn.commit().await?;
    let resource = format!("/interventions/{id}");
    cases
        .audit(
            caller,
            "intervention.update",
            Some(current.family_id),
            &resource,
        )
        .await?;
    with_actions(cases, caller, id).await
}

/// Adds a follow-up action to a family, outside any intervention
/// (coordinators; staff for their families).
pub async fn add_action(
    cases: &Cases,
    caller: &Caller,
    family_id: Uuid,
    input: ActionInput,
) -> CaseResult<Action> {
    let family = visible_family(&cases.db, caller, family_id).await?;
    let mut invalid = Invalid::default();
    let action = action_bounds(input, "", &mut invalid);
    check_assignee(
        cases,
        &family,
        "assignee_id",
        action.assignee_id,
        &mut invalid,
    )
    .await?;
    invalid.finish()?;
    let action = interventions::insert_action(
        &cases.writer,
        family_id,
        None,
        action,
        caller.id,
        cases.now(),
    )
    .await?;
    let resource = format!("/actions/{}", action.id);
    cases
        .audit(caller, "action.create", Some(family_id), &resource)
        .await?;
    Ok(action)
}

/// Marks an action done on `done_on`, or open again with `None` (its
/// assignee, or a coordinator, while they may see it). An action the caller
/// may not see is hidden, and the refusal audited against its family.
pub async fn set_action_done(
    cases: &Cases,
    caller: &Caller,
    action_id: Uuid,
    expected_version: Option<i32>,
    done_on: Option<NaiveDate>,
) -> CaseResult<Action> {
    let viewer = action_viewer(cases, caller)
        .await?
        .ok_or(CaseError::Forbidden)?;
    let current = match interventions::find_visible_action(&cases.db, action_id, viewer).await {
        Err(RepoError::NotFound) => {
            return Err(
                match interventions::find_action(&cases.db, action_id).await {
                    Ok(hidden) => CaseError::Hidden {
                        family_id: Some(hidden.family_id),
                    },
                    Err(_) => CaseError::NotFound,
                },
            );
        }
        other => other?,
    };
    if current.assignee_id != caller.id && caller.role != Role::Coordinator {
        return Err(CaseError::Forbidden);
    }
    if done_on.is_some_and(|day| day > cases.today()) {
        return Err(CaseError::invalid("done_on", Refusal::AfterToday));
    }
    let action = interventions::set_action_done(
        &cases.writer,
        action_id,
        expected_version,
        done_on,
        cases.now(),
    )
    .await?;
    let resource = format!("/actions/{action_id}");
    cases
        .audit(caller, "action.update", Some(action.family_id), &resource)
        .await?;
    Ok(action)
}

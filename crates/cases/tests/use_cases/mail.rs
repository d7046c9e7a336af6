//! Mail's rules that need the clock or several writers at once: a digest
//! is made once a day whoever makes it, and a forgotten password's link
//! lapses after 30 minutes.

use chrono::TimeDelta;
use nido_cases::mail::{Mail, MailPolicy};
use nido_cases::{CaseError, Cases};
use nido_domain::{Clock, Refusal};
use nido_persistence::mail as outbox;

use crate::harness::world;

fn mailing(cases: &Cases, digest_hour: u32) -> Cases {
    let mut cases = cases.clone();
    cases.mail = Mail::on(MailPolicy {
        base_url: "https://nido.centre.test/".into(),
        digest_hour,
    });
    cases
}

#[tokio::test]
async fn a_digest_is_made_once_a_day_even_by_two_makers_at_once() {
    let world = world().await;
    let cases = mailing(&world.cases, 0);
    let referral = world.referral("Diallo", 200, 300).await;
    world
        .admit(&referral, world.today() - chrono::Days::new(170), None)
        .await
        .expect("admitted");
    for caller in [&world.coordinator, &world.referent] {
        nido_cases::mail::set_notifications(&cases, caller, true)
            .await
            .expect("asked for");
    }
    let (one, other) = tokio::join!(
        nido_cases::mail::make_digests(&cases),
        nido_cases::mail::make_digests(&cases)
    );
    let made = one.expect("made") + other.expect("made");
    assert_eq!(made, 2, "one each for the coordinator and the referent");
    assert_eq!(
        nido_cases::mail::make_digests(&cases).await.expect("made"),
        0,
        "never twice the same day"
    );
    for caller in [&world.coordinator, &world.referent] {
        let mails = outbox::of_user(&cases.db, caller.id).await.expect("read");
        assert_eq!(mails.len(), 1, "{mails:?}");
        assert_eq!(mails[0].kind, "daily_digest");
    }
    // Nothing to do for the other social worker: no mail, her day taken.
    nido_cases::mail::set_notifications(&cases, &world.other_worker, true)
        .await
        .expect("asked for");
    assert_eq!(
        nido_cases::mail::make_digests(&cases).await.expect("made"),
        0
    );
    assert!(
        outbox::of_user(&cases.db, world.other_worker.id)
            .await
            .expect("read")
            .is_empty()
    );
    // Before the hour, nothing is made, whoever asked.
    let before_the_hour = mailing(&world.cases, 23);
    let tomorrow_at_dawn = Clock::Fixed(
        (world.today() + chrono::Days::new(1))
            .and_hms_opt(4, 0, 0)
            .expect("an instant")
            .and_utc(),
    );
    let mut early = before_the_hour.clone();
    early.clock = tomorrow_at_dawn;
    assert_eq!(
        nido_cases::mail::make_digests(&early).await.expect("made"),
        0
    );
}

#[tokio::test]
async fn a_link_lapses_after_thirty_minutes() {
    let world = world().await;
    let cases = mailing(&world.cases, 23);
    let user = nido_persistence::users::find(&cases.db, world.referent.id)
        .await
        .expect("her account");
    nido_cases::mail::request_password_reset(&cases, "192.0.2.7", user.email.as_str())
        .await
        .expect("taken");
    // The link's secret is in the mail only; its hash is what is kept. A
    // link of our own, kept the same way, stands for it.
    let secret = nido_cases::auth::new_token().expect("a secret");
    outbox::insert_reset(
        &cases.writer,
        nido_cases::auth::hash_token(&secret),
        user.id,
        cases.now(),
        cases.now() + nido_domain::mail::RESET_LINK_LIFETIME,
    )
    .await
    .expect("kept");
    let mut later = cases.clone();
    later.clock = Clock::Fixed(cases.now() + TimeDelta::minutes(30));
    let refused = nido_cases::mail::reset_password(&later, &secret, "girouette-sarrasin-pelote-58")
        .await
        .expect_err("lapsed");
    match refused {
        CaseError::Invalid(fields) => {
            assert_eq!(fields[0].field, "token");
            assert_eq!(fields[0].refusal, Refusal::ResetLinkInvalid);
        }
        other => panic!("{other:?}"),
    }
    let mut in_time = cases.clone();
    in_time.clock = Clock::Fixed(cases.now() + TimeDelta::minutes(29));
    nido_cases::mail::reset_password(&in_time, &secret, "girouette-sarrasin-pelote-58")
        .await
        .expect("in time");
}

#[tokio::test]
async fn the_outbox_forgets_what_it_sent_with_the_audit_log() {
    let world = world().await;
    let cases = mailing(&world.cases, 0);
    let referral = world.referral("Keita", 200, 300).await;
    world
        .admit(&referral, world.today() - chrono::Days::new(170), None)
        .await
        .expect("admitted");
    for caller in [&world.coordinator, &world.referent] {
        nido_cases::mail::set_notifications(&cases, caller, true)
            .await
            .expect("asked for");
    }
    assert_eq!(
        nido_cases::mail::make_digests(&cases).await.expect("made"),
        2
    );
    let claimed = outbox::claim_next(&cases.writer, TimeDelta::minutes(2))
        .await
        .expect("claimed")
        .expect("a mail due");
    assert!(
        outbox::mark_sent(&cases.writer, &claimed)
            .await
            .expect("marked")
    );
    // A claim another worker took over is not the first's to mark.
    let stale = nido_persistence::mail::Claimed {
        claim: uuid::Uuid::new_v4(),
        ..claimed.clone()
    };
    assert!(
        !outbox::mark_sent(&cases.writer, &stale)
            .await
            .expect("read")
    );
    let policy = nido_cases::retention::RetentionPolicy {
        active_years: 2,
        audit_months: 12,
        time_zone: chrono_tz::Europe::Paris,
    };
    let a_year_on = cases.now() + TimeDelta::days(400);
    nido_cases::retention::run(
        &cases.writer,
        cases.documents.store.as_ref(),
        &cases.audit_db,
        policy,
        a_year_on,
        false,
    )
    .await
    .expect("ran");
    let mut left = outbox::of_user(&cases.db, world.coordinator.id)
        .await
        .expect("read");
    left.extend(
        outbox::of_user(&cases.db, world.referent.id)
            .await
            .expect("read"),
    );
    assert_eq!(left.len(), 1, "the sent mail is forgotten: {left:?}");
    assert_ne!(left[0].id, claimed.id, "a mail still waiting stays");
}

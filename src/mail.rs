//! The outbox's worker: sends each queued mail through the centre's SMTP
//! server with `lettre`, marks it sent, and tries a mail the server did
//! not take again later, waiting longer each time
//! (`nido_domain::mail::retry_after`). It also makes the day's digests
//! once their hour has come. What it sends and when is in
//! `nido_persistence::mail` and `nido_cases::mail`; here is only the
//! transport.

use std::time::Duration;

use anyhow::Context;
use chrono::TimeDelta;
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use nido_cases::Cases;
use nido_persistence::mail::{self as outbox, Claimed};
use secrecy::ExposeSecret;

use crate::background::Stopped;
use crate::settings::MailSetup;

/// A mail being sent is left to this worker this long; a worker that died
/// meanwhile leaves it to be tried again after it.
const LEASE: TimeDelta = TimeDelta::minutes(2);
/// Mails claimed per round.
const BATCH: u64 = 20;
/// The longest wait between two rounds when nothing rings.
const IDLE: Duration = Duration::from_secs(5);
/// How long one exchange with the server may take.
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);

/// The transport and the sender, checked at start.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// The domain of the sender, for the Message-IDs.
    domain: String,
}

impl Mailer {
    pub fn new(setup: &MailSetup) -> anyhow::Result<Self> {
        // The URL may carry a password: never in an error.
        let transport =
            AsyncSmtpTransport::<Tokio1Executor>::from_url(setup.smtp_url.expose_secret())
                .map_err(|_| anyhow::anyhow!("mail.smtp_url (NIDO_MAIL__SMTP_URL) cannot be read"))?
                .timeout(Some(SMTP_TIMEOUT))
                .build();
        let from: Mailbox = setup.from.parse().context(
            "mail.from (NIDO_MAIL__FROM) is not a mailbox, e.g. nido <nido@centre.example>",
        )?;
        let domain = from.email.domain().to_owned();
        Ok(Self {
            transport,
            from,
            domain,
        })
    }

    fn message(&self, mail: &Claimed) -> anyhow::Result<Message> {
        let to: Mailbox = mail.recipient.parse().context("the recipient")?;
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            // The same for every try: a server that got one twice can tell.
            .message_id(Some(format!("<{}@{}>", mail.id, self.domain)))
            .multipart(MultiPart::alternative_plain_html(
                mail.text_body.clone(),
                mail.html_body.clone(),
            ))
            .context("the message")
    }
}

/// Sends what waits in the outbox, as long as the server runs: at once
/// when a mail is queued, at the latest every few seconds; and makes the
/// day's digests.
pub fn send_outbox(cases: Cases, mailer: Mailer) -> Stopped {
    Stopped::spawn(async move {
        loop {
            if let Err(err) = round(&cases, &mailer).await {
                tracing::error!(error = %err, "the mail outbox round failed; it runs again");
            }
            tokio::select! {
                () = cases.mail.queued() => {}
                () = tokio::time::sleep(IDLE) => {}
            }
        }
    })
}

/// One round: the digests due, the mails given up, then every mail due.
async fn round(cases: &Cases, mailer: &Mailer) -> anyhow::Result<()> {
    let queued = nido_cases::mail::make_digests(cases).await?;
    if queued > 0 {
        tracing::info!(digests = queued, "daily digests queued");
    }
    let abandoned = outbox::abandon_expired(&cases.writer, cases.now()).await?;
    if abandoned > 0 {
        tracing::warn!(
            mails = abandoned,
            "mails given up: their link expired before the server took them"
        );
    }
    loop {
        let claimed = outbox::claim_due(&cases.writer, LEASE, BATCH).await?;
        if claimed.is_empty() {
            return Ok(());
        }
        for mail in claimed {
            send_one(cases, mailer, &mail).await?;
        }
    }
}

async fn send_one(cases: &Cases, mailer: &Mailer, mail: &Claimed) -> anyhow::Result<()> {
    let sent = match mailer.message(mail) {
        Ok(message) => match mailer.transport.send(message).await {
            Ok(_) => Ok(()),
            Err(err) => Err((smtp_reason(&err), err.is_permanent())),
        },
        Err(err) => Err((format!("{err:#}"), true)),
    };
    match sent {
        Ok(()) => {
            outbox::mark_sent(&cases.writer, mail.id).await?;
            tracing::info!(mail_id = %mail.id, "mail sent");
        }
        Err((reason, true)) => {
            outbox::give_up(&cases.writer, mail.id, &reason).await?;
            tracing::error!(mail_id = %mail.id, reason = %reason, "a mail was given up");
        }
        Err((reason, false)) => {
            let wait = nido_domain::mail::retry_after(mail.attempts);
            outbox::mark_failed(&cases.writer, mail.id, wait, &reason).await?;
            tracing::warn!(
                mail_id = %mail.id,
                attempts = mail.attempts,
                retry_in_secs = wait.as_secs(),
                reason = %reason,
                "the mail server did not take a mail; it is tried again"
            );
        }
    }
    Ok(())
}

/// Why the server did not take a mail, without the recipient's address
/// or anything the mail said.
fn smtp_reason(err: &lettre::transport::smtp::Error) -> String {
    if err.is_transient() {
        "the server refused it for now (4xx)".to_owned()
    } else if err.is_permanent() {
        "the server refused it (5xx)".to_owned()
    } else if err.is_timeout() {
        "the server did not answer in time".to_owned()
    } else if err.is_tls() {
        "the TLS handshake failed".to_owned()
    } else {
        "the server could not be reached".to_owned()
    }
}

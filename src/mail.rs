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

use crate::settings::MailSetup;

/// A mail being sent is left to this worker this long (far more than one
/// exchange with the server, [`SMTP_TIMEOUT`]); a worker that died
/// meanwhile leaves it to be tried again after it.
const LEASE: TimeDelta = TimeDelta::minutes(2);
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

/// The worker, running; [`MailWorker::stop`] lets it finish the mail it is
/// sending.
pub struct MailWorker {
    task: Option<tokio::task::JoinHandle<()>>,
    stop: tokio::sync::watch::Sender<bool>,
}

/// Dropped without [`MailWorker::stop`] (the server's task aborted), the
/// worker is aborted too.
impl Drop for MailWorker {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

impl MailWorker {
    /// Asks the worker to stop once the mail in hand is marked, and waits
    /// for it (at most a little longer than one exchange with the server).
    /// A mail is never left sent and unmarked by a stop: only a process
    /// killed outright does that (docs/mail.md).
    pub async fn stop(mut self) {
        let _ = self.stop.send(true);
        let Some(mut task) = self.task.take() else {
            return;
        };
        if tokio::time::timeout(SMTP_TIMEOUT + Duration::from_secs(5), &mut task)
            .await
            .is_err()
        {
            task.abort();
        }
    }
}

/// Sends what waits in the outbox, as long as the server runs: at once
/// when a mail is queued, at the latest every few seconds; and makes the
/// day's digests.
pub fn send_outbox(cases: Cases, mailer: Mailer) -> MailWorker {
    let (stop, mut stopping) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(async move {
        loop {
            if let Err(err) = round(&cases, &mailer, &stopping).await {
                tracing::error!(error = %err, "the mail outbox round failed; it runs again");
            }
            if *stopping.borrow() {
                return;
            }
            tokio::select! {
                () = cases.mail.queued() => {}
                () = tokio::time::sleep(IDLE) => {}
                _ = stopping.changed() => return,
            }
        }
    });
    MailWorker {
        task: Some(task),
        stop,
    }
}

/// One round: the digests due, the mails and links given up, then every
/// mail due, one claimed at a time, until none is due or the server stops.
async fn round(
    cases: &Cases,
    mailer: &Mailer,
    stopping: &tokio::sync::watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let queued = nido_cases::mail::make_digests(cases).await?;
    if queued > 0 {
        tracing::info!(digests = queued, "daily digests queued");
    }
    let abandoned = outbox::abandon_expired(&cases.writer, cases.now()).await?;
    if abandoned > 0 {
        tracing::warn!(
            mails = abandoned,
            "mails given up: their time passed before the server took them"
        );
    }
    outbox::prune_resets(&cases.writer, cases.now()).await?;
    while !*stopping.borrow() {
        let Some(mail) = outbox::claim_next(&cases.writer, LEASE).await? else {
            return Ok(());
        };
        send_one(cases, mailer, &mail).await?;
    }
    Ok(())
}

async fn send_one(cases: &Cases, mailer: &Mailer, mail: &Claimed) -> anyhow::Result<()> {
    let message = match mailer.message(mail) {
        Ok(message) => message,
        // Not a mail any server would take: given up.
        Err(err) => {
            outbox::give_up(&cases.writer, mail, &format!("{err:#}")).await?;
            tracing::error!(mail_id = %mail.id, "a mail that cannot be made was given up");
            return Ok(());
        }
    };
    match mailer.transport.send(message).await {
        Ok(_) => {
            if outbox::mark_sent(&cases.writer, mail).await? {
                tracing::info!(mail_id = %mail.id, "mail sent");
            } else {
                tracing::warn!(mail_id = %mail.id, "a mail was sent after its claim lapsed");
            }
        }
        // Refused for now or for good alike: a refusal for good may be the
        // server's (a wrong password, a sender it does not take) as well as
        // the mailbox's, which no answer tells apart. Tried again, waiting
        // longer each time, until the mail's time passes.
        Err(err) => {
            let reason = smtp_reason(&err);
            let wait = nido_domain::mail::retry_after(mail.attempts);
            outbox::mark_failed(&cases.writer, mail, wait, &reason).await?;
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
    if let Some(code) = err.status() {
        format!("the server answered {code}")
    } else if err.is_timeout() {
        "the server did not answer in time".to_owned()
    } else if err.is_tls() {
        "the TLS handshake failed".to_owned()
    } else {
        "the server could not be reached".to_owned()
    }
}

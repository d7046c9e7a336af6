//! Read throughput with the audit log on: every `GET /families/{id}` writes
//! an audit entry before it answers. Prints requests per second for a few
//! levels of concurrency, on SQLite (default) or on PostgreSQL when
//! `NIDO_BENCH_DATABASE_URL` names a database to use (it is migrated).
//!
//! Run: `cargo bench --bench read_throughput` (a release build).

use std::time::{Duration, Instant};

use serde_json::{Value, json};

const PASSWORD: &str = "lanterne-violon-gravier-47";
const DURATION: Duration = Duration::from_secs(4);

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let data_dir = tempfile::TempDir::new()?;
    let mut settings = nido::Settings::load_from(std::path::Path::new("config"), "test")?;
    settings.bind = "127.0.0.1:0".into();
    settings.data_dir = data_dir.path().to_owned();
    settings.database_url = std::env::var("NIDO_BENCH_DATABASE_URL")
        .ok()
        .map(Into::into);
    settings.database_max_connections = 16;
    let application = nido::Application::build(&settings).await?;
    let base = format!("http://{}", application.local_addr()?);
    tokio::spawn(application.run_until_stopped());
    let client = reqwest::Client::new();

    let login = |email: String, password: String| {
        let client = client.clone();
        let base = base.clone();
        async move {
            let body: Value = client
                .post(format!("{base}/api/v1/auth/login"))
                .json(&json!({"email": email, "password": password}))
                .send()
                .await?
                .json()
                .await?;
            anyhow::Ok(body["token"].as_str().unwrap_or_default().to_owned())
        }
    };
    let password = std::fs::read_to_string(data_dir.path().join("initial-admin-password"))?;
    let admin = login("admin@nido.local".into(), password.trim().into()).await?;
    client
        .post(format!("{base}/api/v1/users"))
        .bearer_auth(&admin)
        .json(
            &json!({"email": "bench@nido.example", "display_name": "Bench", "role": "coordinator",
                      "profession": "coordinator", "password": PASSWORD}),
        )
        .send()
        .await?;
    let token = login("bench@nido.example".into(), PASSWORD.into()).await?;
    let referral: Value = client
        .post(format!("{base}/api/v1/referrals"))
        .bearer_auth(&token)
        .json(&json!({
            "family": {"mother": {"first_name": "Awa", "last_name": "Banc", "birth_date": "2001-01-01"},
                       "children": [{"first_name": "Inaya", "birth_date": "2025-06-01"}]},
            "source": "ase", "eds": "Alfortville", "referred_on": "2026-01-01",
            "referrer_name": "EDS", "referrer_contact": "01 00 00 00 00", "reason": "distress"}))
        .send()
        .await?
        .json()
        .await?;
    let path = format!(
        "{base}/api/v1/families/{}",
        referral["family_id"].as_str().unwrap_or_default()
    );

    println!(
        "GET /families/{{id}} with an audit entry per read, {} s per level",
        DURATION.as_secs()
    );
    for concurrency in [1, 4, 16] {
        let started = Instant::now();
        let workers: Vec<_> = (0..concurrency)
            .map(|_| {
                let client = client.clone();
                let path = path.clone();
                let token = token.clone();
                tokio::spawn(async move {
                    let mut done = 0u64;
                    while started.elapsed() < DURATION {
                        let response = client.get(&path).bearer_auth(&token).send().await?;
                        anyhow::ensure!(
                            response.status().is_success(),
                            "status {}",
                            response.status()
                        );
                        done += 1;
                    }
                    anyhow::Ok(done)
                })
            })
            .collect();
        let mut total = 0;
        for worker in workers {
            total += worker.await??;
        }
        let rate = total as f64 / started.elapsed().as_secs_f64();
        println!("concurrency {concurrency:>2}: {total:>6} reads, {rate:>7.0} reads/s");
    }
    Ok(())
}

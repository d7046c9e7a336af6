use std::path::PathBuf;
use std::sync::OnceLock;

use chrono::{DateTime, Utc};

use nido::Settings;
use nido::startup::{INITIAL_ADMIN_EMAIL, INITIAL_ADMIN_PASSWORD_FILE};
use nido_persistence::{ConnectionTrait, DatabaseConnection};
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};
use tempfile::TempDir;

/// A password strong enough for the policy, shared by the test users.
pub const PASSWORD: &str = "lanterne-violon-gravier-47";
/// The password an admin gives a new user, replaced at her first login.
pub const SET_BY_ADMIN: &str = "ardoise-mimosa-tambour-83";
/// The initial admin's own password, once she replaced the one-time one.
pub const ADMIN_PASSWORD: &str = "cerisier-boussole-quartz-29";

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub db: DatabaseConnection,
    /// The server's own writer (its batches, when grouped).
    pub writer: nido_persistence::Writer,
    /// The server's documents: its store and master key.
    pub documents: nido_cases::documents::Vault,
    pub settings: Settings,
    pub data_dir: PathBuf,
    _data_dir: std::sync::Arc<TempDir>,
    /// The admin's own password once the one-time one was replaced; shared
    /// with sibling instances, which use the same database.
    admin_password: std::sync::Arc<tokio::sync::Mutex<Option<String>>>,
    server: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
}

/// The instant every test's clock is fixed at: `NIDO_TEST_NOW` (RFC 3339)
/// when set, else the moment the suite started. Every date a test expects is
/// derived from it, so the suite passes on any day, across midnight too.
pub fn test_now() -> DateTime<Utc> {
    static NOW: OnceLock<DateTime<Utc>> = OnceLock::new();
    *NOW.get_or_init(|| match std::env::var("NIDO_TEST_NOW") {
        Ok(raw) => raw
            .parse()
            .unwrap_or_else(|err| panic!("NIDO_TEST_NOW={raw} is not an RFC 3339 instant: {err}")),
        Err(_) => Utc::now(),
    })
}

/// The server, on a fresh database, with the test configuration.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// The server with settings changed by `customize` first.
pub async fn spawn_app_with(customize: impl FnOnce(&mut Settings)) -> TestApp {
    let data_dir = TempDir::new().expect("temporary data directory");
    let mut settings =
        Settings::load_from(&PathBuf::from("config"), "test").expect("test settings load");
    settings.bind = "127.0.0.1:0".into();
    settings.data_dir = data_dir.path().to_owned();
    settings.database_url = fresh_database_url().await.map(Into::into);
    settings.testing.now = Some(test_now());
    customize(&mut settings);
    start(settings, std::sync::Arc::new(data_dir), Default::default()).await
}

/// A second server on the same database, as behind a load balancer.
pub async fn spawn_sibling(app: &TestApp) -> TestApp {
    spawn_sibling_with(app, |_| {}).await
}

/// A second server on the same database, its settings changed by
/// `customize` first.
pub async fn spawn_sibling_with(app: &TestApp, customize: impl FnOnce(&mut Settings)) -> TestApp {
    let mut settings = app.settings.clone();
    settings.bind = "127.0.0.1:0".into();
    customize(&mut settings);
    start(settings, app._data_dir.clone(), app.admin_password.clone()).await
}

async fn start(
    settings: Settings,
    data_dir: std::sync::Arc<TempDir>,
    admin_password: std::sync::Arc<tokio::sync::Mutex<Option<String>>>,
) -> TestApp {
    let application = nido::Application::build(&settings)
        .await
        .expect("the application builds");
    let address = format!("http://{}", application.local_addr().expect("bound"));
    let db = application.database();
    let writer = application.writer();
    let documents = application.documents();
    let server = tokio::spawn(application.run_until_stopped());
    TestApp {
        address,
        client: reqwest::Client::new(),
        db,
        writer,
        documents,
        data_dir: settings.data_dir.clone(),
        settings,
        _data_dir: data_dir,
        admin_password,
        server: Some(server),
    }
}

/// With `NIDO_TEST_DATABASE_URL` set, a new PostgreSQL database named by a
/// UUID; without it, `None` (SQLite in the data directory). An unreachable
/// server fails the test: it never silently falls back to SQLite.
pub async fn fresh_database_url() -> Option<String> {
    let admin_url = std::env::var("NIDO_TEST_DATABASE_URL").ok()?;
    assert!(
        admin_url.starts_with("postgres://") || admin_url.starts_with("postgresql://"),
        "NIDO_TEST_DATABASE_URL must be a postgres:// URL, got {admin_url}"
    );
    let name = format!("nido_test_{}", uuid::Uuid::new_v4().simple());
    let admin = nido_persistence::connect(&admin_url, 1)
        .await
        .unwrap_or_else(|err| panic!("PostgreSQL at {admin_url} is unreachable: {err}"));
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create the test database");
    admin.close().await.ok();
    let (base, _) = admin_url
        .rsplit_once('/')
        .expect("the URL names a database");
    Some(format!("{base}/{name}"))
}

impl TestApp {
    /// Stops the server (on SQLite, its data directory is free once its
    /// siblings stop too).
    pub async fn stop(&mut self) {
        if let Some(server) = self.server.take() {
            server.abort();
            let _ = server.await;
        }
    }

    /// The audit log's database, as the application uses it.
    pub async fn audit_db(&self) -> DatabaseConnection {
        nido::startup::open_audit_database(&self.settings, &self.db)
            .await
            .expect("audit database")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        let mut request = self.client.get(self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("request sent")
    }

    /// GETs as `token` and reads the JSON answer, whatever its status.
    pub async fn get_json(&self, path: &str, token: &str) -> Value {
        self.get(path, Some(token))
            .await
            .json()
            .await
            .expect("json")
    }

    /// GETs a CSV export as `token`, checks it is an attachment named
    /// `filename` in French Excel's form, and reads it back: the rows,
    /// headers first, each cell as text.
    pub async fn get_csv(&self, path: &str, token: &str, filename: &str) -> Vec<Vec<String>> {
        let response = self.get(path, Some(token)).await;
        assert_eq!(response.status().as_u16(), 200, "{path}");
        let headers = response.headers();
        assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
        assert_eq!(
            headers["content-disposition"],
            format!("attachment; filename=\"{filename}\"").as_str()
        );
        read_csv(&response.bytes().await.expect("body"))
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        let mut request = self.client.post(self.url(path)).json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("request sent")
    }

    pub async fn patch(
        &self,
        path: &str,
        token: &str,
        if_match: Option<&str>,
        body: &Value,
    ) -> Response {
        let mut request = self
            .client
            .patch(self.url(path))
            .bearer_auth(token)
            .json(body);
        if let Some(tag) = if_match {
            request = request.header("If-Match", tag);
        }
        request.send().await.expect("request sent")
    }

    pub fn initial_admin_password(&self) -> String {
        let raw = std::fs::read_to_string(self.data_dir.join(INITIAL_ADMIN_PASSWORD_FILE))
            .expect("the initial admin password file exists");
        raw.trim_end_matches('\n').to_owned()
    }

    pub async fn login(&self, email: &str, password: &str) -> Response {
        self.post(
            "/api/v1/auth/login",
            None,
            &json!({"email": email, "password": password}),
        )
        .await
    }

    /// Logs in from the loopback address `from` (e.g. `127.0.0.3`), as a
    /// client on another machine would.
    pub async fn login_from(&self, from: &str, email: &str, password: &str) -> Response {
        let client = reqwest::Client::builder()
            .local_address(from.parse::<std::net::IpAddr>().expect("an IP address"))
            .build()
            .expect("client");
        client
            .post(self.url("/api/v1/auth/login"))
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .expect("request sent")
    }

    /// Logs in and returns the token; panics unless it succeeds.
    pub async fn token_for(&self, email: &str, password: &str) -> String {
        let response = self.login(email, password).await;
        assert_eq!(response.status(), StatusCode::OK, "login as {email}");
        let body: Value = response.json().await.expect("json");
        body["token"].as_str().expect("token").to_owned()
    }

    /// A token of the initial admin. The first call replaces her one-time
    /// password, as nido requires before anything else.
    pub async fn admin_token(&self) -> String {
        let mut own = self.admin_password.lock().await;
        if let Some(password) = own.as_deref() {
            return self.token_for(INITIAL_ADMIN_EMAIL, password).await;
        }
        let initial = self.initial_admin_password();
        let token = self.token_for(INITIAL_ADMIN_EMAIL, &initial).await;
        self.change_password(&token, &initial, ADMIN_PASSWORD).await;
        *own = Some(ADMIN_PASSWORD.to_owned());
        token
    }

    /// `PUT /me/password`; panics unless it succeeds.
    pub async fn change_password(&self, token: &str, current: &str, new: &str) {
        let response = self
            .client
            .put(self.url("/api/v1/me/password"))
            .bearer_auth(token)
            .json(&json!({"current_password": current, "new_password": new}))
            .send()
            .await
            .expect("request sent");
        assert_eq!(response.status(), StatusCode::NO_CONTENT, "password change");
    }

    /// Creates a user with `role` (as the initial admin); returns its JSON.
    pub async fn create_user(&self, email: &str, role: &str, profession: &str) -> Value {
        let user = self.add_user(email, role, profession).await;
        // The user replaces the password the admin set, as nido requires.
        let token = self.token_for(email, SET_BY_ADMIN).await;
        self.change_password(&token, SET_BY_ADMIN, PASSWORD).await;
        user
    }

    /// Creates a user with `role` whose password, `SET_BY_ADMIN`, is still
    /// the one the admin set; returns its JSON.
    pub async fn add_user(&self, email: &str, role: &str, profession: &str) -> Value {
        let admin = self.admin_token().await;
        let response = self
            .post(
                "/api/v1/users",
                Some(&admin),
                &json!({
                    "email": email,
                    "display_name": format!("Test {role}"),
                    "role": role,
                    "profession": profession,
                    "password": SET_BY_ADMIN,
                }),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED, "create {email}");
        response.json().await.expect("json")
    }

    /// A new user with `role`, logged in: its token.
    /// The actions of the family's audit entries, newest first (read by an
    /// admin).
    pub async fn audit_actions(&self, admin: &str, family_id: &str) -> Vec<String> {
        self.audit_actions_where(admin, &format!("family_id={family_id}"))
            .await
    }

    /// The actions of the audit entries that `query` selects (e.g.
    /// `user_id=…`), newest first (read by an admin).
    pub async fn audit_actions_where(&self, admin: &str, query: &str) -> Vec<String> {
        let audit = self
            .get_json(&format!("/api/v1/audit?{query}"), admin)
            .await;
        audit["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|entry| entry["action"].as_str().expect("action").to_owned())
            .collect()
    }

    pub async fn login_as(&self, role: &str) -> String {
        let email = format!("{role}-{}@nido.example", uuid::Uuid::new_v4().simple());
        let profession = match role {
            "admin" | "head_office" => "director",
            "coordinator" => "coordinator",
            _ => "social_worker",
        };
        self.create_user(&email, role, profession).await;
        self.token_for(&email, PASSWORD).await
    }
}

/// Checks a problem response and returns its body.
pub async fn assert_problem(response: Response, status: u16, code: &str) -> Value {
    assert_eq!(response.status().as_u16(), status, "status");
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(content_type, "application/problem+json");
    let body: Value = response.json().await.expect("problem json");
    assert_eq!(body["code"], code, "{body}");
    assert_eq!(body["status"], status, "{body}");
    assert!(
        body["title"].is_string() && body["detail"].is_string(),
        "{body}"
    );
    assert!(body["type"].is_string(), "{body}");
    body
}

/// Checks a 422 that names exactly `fields`.
pub async fn assert_invalid(response: Response, fields: &[&str]) -> Value {
    let problem = assert_problem(response, 422, "validation_failed").await;
    assert_eq!(invalid_fields(&problem), fields, "{problem}");
    problem
}

/// The fields a 422 names.
pub fn invalid_fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .expect("errors list")
        .iter()
        .map(|error| error["field"].as_str().expect("field").to_owned())
        .collect()
}

/// A CSV file as French Excel reads it: a byte-order mark, then `;`
/// between cells; every row, headers first.
pub fn read_csv(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .expect("a UTF-8 byte-order mark first");
    csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .from_reader(text)
        .records()
        .map(|record| {
            record
                .expect("a record")
                .iter()
                .map(str::to_owned)
                .collect()
        })
        .collect()
}

/// Polls every future together (no extra dependency for one helper).
pub async fn join_all<F: std::future::Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut pinned: Vec<_> = futures.into_iter().map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = pinned.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (future, output) in pinned.iter_mut().zip(outputs.iter_mut()) {
            if output.is_none() {
                match future.as_mut().poll(cx) {
                    std::task::Poll::Ready(value) => *output = Some(value),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    outputs.into_iter().flatten().collect()
}

/// Of the answers to parallel requests, exactly one has status `won`: its
/// position, its JSON body, and the other answers.
pub async fn the_one_winner(responses: Vec<Response>, won: u16) -> (usize, Value, Vec<Response>) {
    let statuses: Vec<u16> = responses.iter().map(|r| r.status().as_u16()).collect();
    let winners: Vec<usize> = (0..statuses.len())
        .filter(|at| statuses[*at] == won)
        .collect();
    assert_eq!(winners.len(), 1, "exactly one {won}: {statuses:?}");
    let mut others = Vec::new();
    let mut winner = None;
    for (at, response) in responses.into_iter().enumerate() {
        if at == winners[0] {
            winner = Some(response.json().await.expect("json"));
        } else {
            others.push(response);
        }
    }
    (winners[0], winner.expect("the winner"), others)
}

/// The answers to parallel requests of which exactly one may win: one
/// `won` status, every other one the problem `lost` with `code`. The
/// winner's position and its JSON body.
pub async fn assert_one_wins(
    responses: Vec<Response>,
    won: u16,
    lost: u16,
    code: &str,
) -> (usize, Value) {
    let (at, winner, losers) = the_one_winner(responses, won).await;
    for response in losers {
        assert_problem(response, lost, code).await;
    }
    (at, winner)
}

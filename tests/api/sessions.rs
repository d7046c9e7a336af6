//! Sessions kept in memory (SPEC, "API conventions"): a process answers a
//! session it has checked without reading the sessions table, yet a
//! revoked session is refused at once, by this process and by every other.
//! Here within one server; `tests/api/cli.rs` does it across two `nido
//! serve` processes on one PostgreSQL, and checks that on SQLite a second
//! one refuses to start.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, SET_BY_ADMIN, spawn_app};

/// A server reached over HTTP: an in-process one or a process of its own.
pub(crate) struct Server {
    pub address: String,
    pub client: reqwest::Client,
}

impl Server {
    pub fn of(app: &crate::helpers::TestApp) -> Self {
        Self {
            address: app.address.clone(),
            client: reqwest::Client::new(),
        }
    }

    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> reqwest::Response {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.address))
            .bearer_auth(token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.expect("request sent")
    }

    /// The status `GET /api/v1/me` answers `token`.
    pub async fn me(&self, token: &str) -> StatusCode {
        self.send(Method::GET, "/api/v1/me", token, None)
            .await
            .status()
    }

    pub async fn login(&self, email: &str, password: &str) -> String {
        let response = self
            .client
            .post(format!("{}/api/v1/auth/login", self.address))
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .expect("request sent");
        assert_eq!(response.status(), StatusCode::OK, "login as {email}");
        let body: Value = response.json().await.expect("json");
        body["token"].as_str().expect("token").to_owned()
    }

    /// A new staff member `email`, created by `admin`, her password
    /// `PASSWORD`: her id.
    pub async fn new_user(&self, admin: &str, email: &str) -> String {
        let body = json!({
            "email": email, "display_name": "Awa Diallo", "role": "staff",
            "profession": "social_worker", "password": SET_BY_ADMIN,
        });
        let created = self
            .send(Method::POST, "/api/v1/users", admin, Some(body))
            .await;
        assert_eq!(created.status(), StatusCode::CREATED, "create {email}");
        let user: Value = created.json().await.expect("json");
        let token = self.login(email, SET_BY_ADMIN).await;
        self.change_password(&token, SET_BY_ADMIN, PASSWORD).await;
        user["id"].as_str().expect("id").to_owned()
    }

    pub async fn change_password(&self, token: &str, current: &str, new: &str) {
        let body = json!({"current_password": current, "new_password": new});
        let response = self
            .send(Method::PUT, "/api/v1/me/password", token, Some(body))
            .await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT, "password change");
    }
}

/// Every way a session is revoked (SPEC, "API conventions").
#[derive(Debug, Clone, Copy)]
pub(crate) enum Revocation {
    Logout,
    SessionEnded,
    OwnPasswordChanged,
    PasswordSetByAdmin,
    Disabled,
    RoleChanged,
    FactorReset,
}

impl Revocation {
    pub const ALL: [Revocation; 7] = [
        Revocation::Logout,
        Revocation::SessionEnded,
        Revocation::OwnPasswordChanged,
        Revocation::PasswordSetByAdmin,
        Revocation::Disabled,
        Revocation::RoleChanged,
        Revocation::FactorReset,
    ];
}

/// Through `a`, revokes by `how` the session of `token` (user `user_id`,
/// `email`); `other` is another session of hers, also on `a`.
pub(crate) async fn revoke(
    a: &Server,
    admin: &str,
    how: Revocation,
    user_id: &str,
    token: &str,
    other: &str,
) {
    let user_path = format!("/api/v1/users/{user_id}");
    let (method, path, by, body) = match how {
        Revocation::Logout => (Method::POST, "/api/v1/auth/logout".to_owned(), token, None),
        Revocation::SessionEnded => {
            let mine = a
                .send(Method::GET, "/api/v1/me/sessions", token, None)
                .await;
            let mine: Value = mine.json().await.expect("json");
            let id = mine["items"]
                .as_array()
                .expect("items")
                .iter()
                .find(|item| item["current"] == true)
                .expect("the current session")["id"]
                .as_str()
                .expect("id")
                .to_owned();
            (
                Method::DELETE,
                format!("/api/v1/me/sessions/{id}"),
                other,
                None,
            )
        }
        Revocation::OwnPasswordChanged => (
            Method::PUT,
            "/api/v1/me/password".to_owned(),
            other,
            Some(json!({"current_password": PASSWORD, "new_password": "girafe-horloge-sapin-58"})),
        ),
        Revocation::PasswordSetByAdmin => (
            Method::PATCH,
            user_path,
            admin,
            Some(json!({"password": "girafe-horloge-sapin-58"})),
        ),
        Revocation::Disabled => (
            Method::PATCH,
            user_path,
            admin,
            Some(json!({"active": false})),
        ),
        Revocation::RoleChanged => (
            Method::PATCH,
            user_path,
            admin,
            Some(json!({"role": "coordinator", "profession": "coordinator"})),
        ),
        Revocation::FactorReset => (Method::DELETE, format!("{user_path}/mfa"), admin, None),
    };
    let response = a.send(method, &path, by, body).await;
    assert!(
        response.status().is_success(),
        "{how:?}: {}",
        response.status()
    );
}

/// For each revocation: a new user signs in on `a`, `b` checks her token
/// twice (so it keeps the session), `a` revokes it, and `b` refuses it on
/// the very next request.
pub(crate) async fn each_revocation_is_refused_at_once(a: &Server, b: &Server, admin: &str) {
    for (n, how) in Revocation::ALL.into_iter().enumerate() {
        let email = format!("revoked-{n}-{}@nido.example", uuid::Uuid::new_v4().simple());
        let user_id = a.new_user(admin, &email).await;
        let token = a.login(&email, PASSWORD).await;
        let other = a.login(&email, PASSWORD).await;
        assert_eq!(b.me(&token).await, StatusCode::OK, "{how:?}");
        assert_eq!(b.me(&token).await, StatusCode::OK, "{how:?}: kept");
        revoke(a, admin, how, &user_id, &token, &other).await;
        assert_eq!(
            b.me(&token).await,
            StatusCode::UNAUTHORIZED,
            "{how:?}: a revoked session kept in memory is refused at once"
        );
    }
}

#[tokio::test]
async fn a_session_kept_in_memory_is_refused_at_once_after_each_revocation() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let server = Server::of(&app);
    each_revocation_is_refused_at_once(&server, &server, &admin).await;
}

#[tokio::test]
async fn an_account_changed_is_seen_at_once_by_the_session_kept() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let server = Server::of(&app);
    let user_id = server.new_user(&admin, "awa@nido.example").await;
    let token = server.login("awa@nido.example", PASSWORD).await;
    let me = |token: String| {
        let server = &server;
        async move {
            let me = server.send(Method::GET, "/api/v1/me", &token, None).await;
            assert_eq!(me.status(), StatusCode::OK);
            me.json::<Value>().await.expect("json")
        }
    };
    assert_eq!(me(token.clone()).await["profession"], "social_worker");
    let changed = server
        .send(
            Method::PATCH,
            &format!("/api/v1/users/{user_id}"),
            &admin,
            Some(json!({"profession": "psychologist", "display_name": "Awa D."})),
        )
        .await;
    assert_eq!(changed.status(), StatusCode::OK);
    let after = me(token).await;
    assert_eq!(after["profession"], "psychologist");
    assert_eq!(after["display_name"], "Awa D.");
}

/// `nido serve` as a process of its own, its log read as it comes.
struct Process {
    child: std::process::Child,
    server: Server,
    log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Process {
    /// Starts `nido serve` and waits until it says where it listens, or
    /// answers the failure it exited with.
    async fn start(
        data_dir: &std::path::Path,
        url: &Option<String>,
    ) -> Result<Self, std::process::Output> {
        use std::io::BufRead;
        let mut child = crate::cli::nido(data_dir, url)
            .arg("serve")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("runs");
        let stderr = child.stderr.take().expect("stderr");
        let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let lines = log.clone();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                lines.lock().expect("the log").push(line);
            }
        });
        let mut process = Self {
            child,
            server: Server {
                address: String::new(),
                client: reqwest::Client::new(),
            },
            log,
        };
        for _ in 0..300 {
            if let Some(line) = process.line_saying("address=", 0) {
                let at = line.find("address=").expect("found") + "address=".len();
                let address: String = line[at..]
                    .chars()
                    .take_while(|c| !c.is_whitespace() && *c != '\u{1b}')
                    .collect();
                process.server.address = format!("http://{address}");
                return Ok(process);
            }
            if let Some(status) = process.child.try_wait().expect("waits") {
                // Let the reader finish the log.
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                let stderr = process.log.lock().expect("the log").join("\n");
                return Err(std::process::Output {
                    status,
                    stdout: Vec::new(),
                    stderr: stderr.into_bytes(),
                });
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("nido serve neither listened nor stopped within 30 s");
    }

    /// The first line from the `from`th on that contains `says`.
    fn line_saying(&self, says: &str, from: usize) -> Option<String> {
        let log = self.log.lock().expect("the log");
        log.iter()
            .skip(from)
            .find(|line| line.contains(says))
            .cloned()
    }

    /// Waits (at most 20 s) for a line from the `from`th on that contains
    /// `says`; answers the number of lines then.
    async fn wait_for(&self, says: &str, from: usize) -> usize {
        for _ in 0..200 {
            if self.line_saying(says, from).is_some() {
                return self.log.lock().expect("the log").len();
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!(
            "nido never said {says:?}:\n{}",
            self.log.lock().expect("the log").join("\n")
        );
    }

    fn lines(&self) -> usize {
        self.log.lock().expect("the log").len()
    }

    /// Stops it with SIGTERM and waits until it has.
    async fn stop(&mut self) {
        let status = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
        for _ in 0..200 {
            if self.child.try_wait().expect("waits").is_some() {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("nido did not stop");
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

/// The initial admin, her one-time password replaced: her token on `a`.
async fn admin_of(a: &Server, data_dir: &std::path::Path) -> String {
    let initial = std::fs::read_to_string(data_dir.join("initial-admin-password"))
        .expect("the initial password");
    let initial = initial.trim();
    let token = a.login("admin@nido.local", initial).await;
    a.change_password(&token, initial, crate::helpers::ADMIN_PASSWORD)
        .await;
    token
}

#[tokio::test]
async fn on_sqlite_a_second_server_on_one_data_directory_refuses_to_start() {
    // SQLite whatever the suite's engine: the rule is SQLite's.
    let data_dir = tempfile::TempDir::new().expect("dir");
    let mut first = Process::start(data_dir.path(), &None)
        .await
        .expect("the first one starts");
    let says = "is in use by another nido process";
    let Err(refused) = Process::start(data_dir.path(), &None).await else {
        panic!("a second server on the same data directory started");
    };
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success());
    assert!(
        stderr.contains(says) && stderr.contains(&format!("(process {})", first.child.id())),
        "{stderr}"
    );
    // The commands that write to the same file wait their turn too.
    let migrate = crate::cli::nido(data_dir.path(), &None)
        .arg("migrate")
        .output()
        .expect("runs");
    assert!(!migrate.status.success());
    assert!(
        String::from_utf8_lossy(&migrate.stderr).contains(says),
        "{}",
        String::from_utf8_lossy(&migrate.stderr)
    );
    let admin = admin_of(&first.server, data_dir.path()).await;
    assert_eq!(first.server.me(&admin).await, StatusCode::OK);
    first.stop().await;
    let again = Process::start(data_dir.path(), &None)
        .await
        .expect("starts once the first is gone");
    let admin = again
        .server
        .login("admin@nido.local", crate::helpers::ADMIN_PASSWORD)
        .await;
    assert_eq!(again.server.me(&admin).await, StatusCode::OK);
}

#[tokio::test]
async fn two_servers_on_one_postgresql_refuse_a_session_revoked_by_the_other_at_once() {
    if std::env::var("NIDO_TEST_DATABASE_URL").is_err() {
        // On SQLite one process owns the data directory: there is no other
        // process to tell (the test above shows a second one cannot start).
        eprintln!("SQLite: nothing to test across processes");
        return;
    }
    // A server missing or unreachable fails here, loudly.
    let url = crate::helpers::fresh_database_url().await;
    let data_dir = tempfile::TempDir::new().expect("dir");
    let a = Process::start(data_dir.path(), &url)
        .await
        .expect("A starts");
    let b = Process::start(data_dir.path(), &url)
        .await
        .expect("B starts");
    let listening = "listening for session notices";
    a.wait_for(listening, 0).await;
    b.wait_for(listening, 0).await;
    let admin = admin_of(&a.server, data_dir.path()).await;
    each_revocation_is_refused_at_once(&a.server, &b.server, &admin).await;

    // B's listening connection is killed: until it is back, B reads every
    // session from the database, and a revocation on A still holds at once.
    let user_id = a.server.new_user(&admin, "awa@nido.example").await;
    let token = a.server.login("awa@nido.example", PASSWORD).await;
    let other = a.server.login("awa@nido.example", PASSWORD).await;
    assert_eq!(b.server.me(&token).await, StatusCode::OK);
    let before = b.lines();
    let db = nido_persistence::connect(url.as_deref().expect("a URL"), 1)
        .await
        .expect("connects");
    let killed = nido_persistence::ConnectionTrait::query_all_raw(
        &db,
        sea_orm::Statement::from_string(
            sea_orm::DatabaseBackend::Postgres,
            format!(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE application_name = '{} {}'",
                nido_persistence::session_notices::LISTENER_APPLICATION_NAME,
                b.child.id()
            ),
        ),
    )
    .await
    .expect("terminated");
    assert_eq!(killed.len(), 1, "B's one listening connection");
    let lost = b.wait_for("session notices lost", before).await;
    revoke(
        &a.server,
        &admin,
        Revocation::Logout,
        &user_id,
        &token,
        &other,
    )
    .await;
    assert_eq!(
        b.server.me(&token).await,
        StatusCode::UNAUTHORIZED,
        "refused while B cannot hear A"
    );
    assert_eq!(b.server.me(&other).await, StatusCode::OK, "read anew");

    // Back: B keeps sessions again, and hears A's revocations again.
    b.wait_for(listening, lost).await;
    assert_eq!(b.server.me(&other).await, StatusCode::OK);
    assert_eq!(b.server.me(&other).await, StatusCode::OK);
    revoke(
        &a.server,
        &admin,
        Revocation::Disabled,
        &user_id,
        &other,
        &other,
    )
    .await;
    let status = b.server.me(&other).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "{}",
        b.log.lock().expect("the log").join("\n")
    );
}

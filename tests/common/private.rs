//! Private database servers that a test starts for itself, on a spare port with its data in a
//! temporary directory, for what must never touch the shared servers: server settings, TLS,
//! killing and restarting. Stopped and deleted when dropped.
//!
//! Where the server binaries are absent the test is skipped with a printed notice, except under
//! `CI=true`, where it fails.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const MARIADB_INSTALL_DB: &str = "/usr/bin/mariadb-install-db";
const MARIADBD: &str = "/usr/sbin/mariadbd";

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// `None` with a notice when `binary` is absent (a failure under CI).
fn have(binary: &str) -> Option<()> {
    if Path::new(binary).exists() {
        return Some(());
    }
    assert!(
        !in_ci(),
        "{binary} is absent but CI=true: this test must run in CI"
    );
    eprintln!("SKIPPED: {binary} is absent; private-server test not run");
    None
}

/// A TCP port nobody listens on now.
fn spare_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("no spare port")
}

/// A fresh, empty directory under the system temp dir owned by `user`.
fn temp_dir(name: &str, user: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("quarry-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create temp dir");
    run(Command::new("chown").arg(user).arg(&dir));
    dir
}

fn run(cmd: &mut Command) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A MariaDB server of the test's own (`mariadb-install-db` + `mariadbd`, run as user
/// `mysql`), with user `root` (no password) and an empty database `test`.
pub struct PrivateMariaDb {
    child: Child,
    dir: PathBuf,
    /// The TCP port it listens on (127.0.0.1).
    pub port: u16,
}

impl PrivateMariaDb {
    /// Installs and starts a server with `args` added to `mariadbd`'s command line (e.g.
    /// `--sql-mode=NO_BACKSLASH_ESCAPES`); `None` when skipped.
    pub fn start(name: &str, args: &[&str]) -> Option<Self> {
        have(MARIADB_INSTALL_DB)?;
        have(MARIADBD)?;
        let dir = temp_dir(name, "mysql");
        let data = dir.join("data");
        run(Command::new(MARIADB_INSTALL_DB)
            .arg("--no-defaults")
            .arg(format!("--datadir={}", data.display()))
            .args([
                "--user=mysql",
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
                "--skip-name-resolve",
            ]));
        let port = spare_port();
        let child = Command::new(MARIADBD)
            .arg("--no-defaults")
            .arg(format!("--datadir={}", data.display()))
            .arg(format!("--socket={}", dir.join("sock").display()))
            .arg(format!("--port={port}"))
            .args([
                "--bind-address=127.0.0.1",
                "--user=mysql",
                "--skip-name-resolve",
                "--innodb-buffer-pool-size=16M",
            ])
            .args(args)
            .stdout(Stdio::null())
            .stderr(
                std::fs::File::create(dir.join("error.log"))
                    .map(Stdio::from)
                    .unwrap_or_else(|_| Stdio::null()),
            )
            .spawn()
            .expect("start mariadbd");
        let server = PrivateMariaDb { child, dir, port };
        server.wait_ready();
        run(Command::new("mysql").args([
            "-h127.0.0.1",
            &format!("-P{port}"),
            "-uroot",
            "-e",
            "CREATE DATABASE test",
        ]));
        Some(server)
    }

    /// The URL of its `test` database, with `options` as the query string.
    pub fn url(&self, options: &str) -> String {
        let q = if options.is_empty() { "" } else { "?" };
        format!("mysql://root@127.0.0.1:{}/test{q}{options}", self.port)
    }

    fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let up = Command::new("mysqladmin")
                .args(["-h127.0.0.1", &format!("-P{}", self.port), "-uroot", "ping"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if up {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "private MariaDB on port {} did not start: {}",
                self.port,
                std::fs::read_to_string(self.dir.join("error.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for PrivateMariaDb {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

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

const OPENSSL: &str = "/usr/bin/openssl";
const MARIADB_INSTALL_DB: &str = "/usr/bin/mariadb-install-db";
const MARIADBD: &str = "/usr/sbin/mariadbd";

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// `None` with a notice when `binary` is absent, or when the tests do not run as root (which
/// they need to run the servers as their own users); a failure under CI.
fn have(binary: &str) -> Option<()> {
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    let missing = if !Path::new(binary).exists() {
        format!("{binary} is absent")
    } else if !root {
        "the tests do not run as root".to_owned()
    } else {
        return Some(());
    };
    assert!(!in_ci(), "{missing} but CI=true: this test must run in CI");
    eprintln!("SKIPPED: {missing}; private-server test not run");
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
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("quarry-{name}-{}-{n}", std::process::id()));
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
    /// `None` while stopped.
    child: Option<Child>,
    dir: PathBuf,
    args: Vec<String>,
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
        let mut server = PrivateMariaDb {
            child: None,
            dir,
            args: args.iter().map(|a| a.to_string()).collect(),
            port: spare_port(),
        };
        server.start_again();
        server.sql("CREATE DATABASE test");
        Some(server)
    }

    /// Runs `sql` with the `mysql` client as `root` (over TCP, without TLS).
    pub fn sql(&self, sql: &str) {
        run(Command::new("mysql").args([
            "-h127.0.0.1",
            &format!("-P{}", self.port),
            "-uroot",
            "--skip-ssl",
            "-e",
            sql,
        ]));
    }

    /// Starts the server again after [`PrivateMariaDb::stop`], on the same port and data, and
    /// waits until it answers.
    pub fn start_again(&mut self) {
        assert!(self.child.is_none(), "already running");
        let child = Command::new(MARIADBD)
            .arg("--no-defaults")
            .arg(format!("--datadir={}", self.dir.join("data").display()))
            .arg(format!("--socket={}", self.dir.join("sock").display()))
            .arg(format!("--port={}", self.port))
            .args([
                "--bind-address=127.0.0.1",
                "--user=mysql",
                "--skip-name-resolve",
                "--innodb-buffer-pool-size=16M",
            ])
            .args(&self.args)
            .stdout(Stdio::null())
            .stderr(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(self.dir.join("error.log"))
                    .map(Stdio::from)
                    .unwrap_or_else(|_| Stdio::null()),
            )
            .spawn()
            .expect("start mariadbd");
        self.child = Some(child);
        self.wait_ready();
    }

    /// Kills the server (`SIGKILL`: no goodbye to its clients) and waits for it to end.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
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
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

const PG_BIN: &str = "/usr/lib/postgresql/15/bin";

/// A PostgreSQL cluster of the test's own (`initdb` + `pg_ctl`, run as user `postgres`), with
/// user `postgres` (trust authentication) and a database `test`.
pub struct PrivatePostgres {
    dir: PathBuf,
    args: String,
    running: bool,
    /// The TCP port it listens on (127.0.0.1).
    pub port: u16,
}

impl PrivatePostgres {
    /// Creates and starts a cluster with `settings` (`name=value` pairs, each passed as
    /// `-c name=value`); `None` when skipped.
    pub fn start(name: &str, settings: &[&str]) -> Option<Self> {
        Self::start_with_hba(name, settings, None)
    }

    /// Like [`PrivatePostgres::start`], with `hba` as the whole `pg_hba.conf` when given (it
    /// must let `postgres` in over TCP from 127.0.0.1 without a password or certificate).
    pub fn start_with_hba(name: &str, settings: &[&str], hba: Option<&str>) -> Option<Self> {
        have(&format!("{PG_BIN}/initdb"))?;
        let dir = temp_dir(name, "postgres");
        run(Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(format!("{PG_BIN}/initdb"))
            .arg("-D")
            .arg(dir.join("data"))
            .args(["-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]));
        if let Some(hba) = hba {
            std::fs::write(dir.join("data/pg_hba.conf"), hba).expect("write pg_hba.conf");
        }
        let port = spare_port();
        let mut args = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            dir.display()
        );
        for s in settings {
            args.push_str(" -c ");
            args.push_str(s);
        }
        let mut server = PrivatePostgres {
            dir,
            args,
            running: false,
            port,
        };
        server.start_again();
        server.psql("postgres", "CREATE DATABASE test");
        Some(server)
    }

    /// Runs `sql` with `psql` as `postgres` in database `db` (over the Unix socket).
    pub fn psql(&self, db: &str, sql: &str) {
        run(Command::new("psql")
            .args(["-h"])
            .arg(&self.dir)
            .args(["-p", &self.port.to_string(), "-U", "postgres", "-d", db])
            .args(["-v", "ON_ERROR_STOP=1", "-c", sql]));
    }

    /// The URL of its `test` database, with `options` as the query string.
    pub fn url(&self, options: &str) -> String {
        let q = if options.is_empty() { "" } else { "?" };
        format!(
            "postgres://postgres@127.0.0.1:{}/test{q}{options}",
            self.port
        )
    }

    /// The cluster's directory (its data is in `data/`).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn pg_ctl(&self, args: &[&str]) {
        run(Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(format!("{PG_BIN}/pg_ctl"))
            .arg("-D")
            .arg(self.dir.join("data"))
            .args(args));
    }

    /// Starts the cluster again after [`PrivatePostgres::stop`] and waits until it answers.
    pub fn start_again(&mut self) {
        let log = self.dir.join("log");
        let log = log.to_string_lossy().into_owned();
        self.pg_ctl(&["-o", &self.args.clone(), "-l", &log, "-w", "start"]);
        self.running = true;
    }

    /// Stops the cluster at once (`-m immediate`: backends are killed, no goodbye to clients).
    pub fn stop(&mut self) {
        if self.running {
            self.pg_ctl(&["-m", "immediate", "-w", "stop"]);
            self.running = false;
        }
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        if self.running {
            let _ = Command::new("runuser")
                .args(["-u", "postgres", "--"])
                .arg(format!("{PG_BIN}/pg_ctl"))
                .arg("-D")
                .arg(self.dir.join("data"))
                .args(["-m", "immediate", "-w", "stop"])
                .output();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A throw-away PKI made with the `openssl` CLI: a root CA, a server certificate for
/// `127.0.0.1` and `localhost` signed by it, a client certificate (common name
/// [`Pki::CLIENT_CN`]) signed by it, and a second, unrelated CA. Deleted when dropped.
pub struct Pki {
    dir: PathBuf,
}

impl Pki {
    /// The client certificate's common name (the database user it logs in as).
    pub const CLIENT_CN: &'static str = "quarry_tls_client";

    /// Generates the files; `None` (skipped, or failed under CI) without `openssl` or root.
    pub fn generate(name: &str) -> Option<Pki> {
        have(OPENSSL)?;
        let dir = temp_dir(&format!("{name}-pki"), "root");
        let openssl = |args: &[&str]| run(Command::new(OPENSSL).current_dir(&dir).args(args));
        for (ca, cn) in [
            ("ca", "quarry test CA"),
            ("other-ca", "quarry unrelated CA"),
        ] {
            openssl(&[
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-keyout",
                &format!("{ca}.key"),
                "-out",
                &format!("{ca}.crt"),
                "-subj",
                &format!("/CN={cn}"),
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign",
            ]);
        }
        for (leaf, cn, ext) in [
            (
                "server",
                "127.0.0.1",
                "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n\
                 extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n",
            ),
            (
                "client",
                Self::CLIENT_CN,
                "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n\
                 extendedKeyUsage=clientAuth\n",
            ),
        ] {
            std::fs::write(dir.join(format!("{leaf}.ext")), ext).expect("write extensions");
            openssl(&[
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                &format!("{leaf}.key"),
                "-out",
                &format!("{leaf}.csr"),
                "-subj",
                &format!("/CN={cn}"),
            ]);
            openssl(&[
                "x509",
                "-req",
                "-in",
                &format!("{leaf}.csr"),
                "-CA",
                "ca.crt",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-days",
                "2",
                "-sha256",
                "-extfile",
                &format!("{leaf}.ext"),
                "-out",
                &format!("{leaf}.crt"),
            ]);
        }
        Some(Pki { dir })
    }

    /// A file of the PKI (`ca.crt`, `other-ca.crt`, `server.crt`, `server.key`, `client.crt`,
    /// `client.key`).
    pub fn path(&self, file: &str) -> PathBuf {
        self.dir.join(file)
    }

    /// The same, as a string for a URL (the temp dir's path needs no percent-encoding).
    pub fn file(&self, file: &str) -> String {
        self.path(file).to_string_lossy().into_owned()
    }

    /// Copies the server's certificate, key and the CA into a new directory owned by `user`
    /// (the key readable by it alone, as PostgreSQL insists), returning the directory.
    pub fn server_files_for(&self, user: &str) -> PathBuf {
        let dir = self.dir.join(format!("for-{user}"));
        std::fs::create_dir_all(&dir).expect("create dir");
        run(Command::new("chown").arg(user).arg(&dir));
        for f in ["server.crt", "server.key", "ca.crt"] {
            std::fs::copy(self.path(f), dir.join(f)).expect("copy certificate");
            run(Command::new("chown").arg(user).arg(dir.join(f)));
            run(Command::new("chmod").arg("600").arg(dir.join(f)));
        }
        dir
    }
}

impl Drop for Pki {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

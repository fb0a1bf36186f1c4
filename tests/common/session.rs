//! Sessions as the live scenarios see them. The few statements that differ between backends
//! (a session's id, ending another session, waiting for a lock, a long sleep, a run of numbers)
//! live here, so that a scenario reads the same on every backend and asks only what kind of
//! database it talks to: a server ([`server`] is `Some`), which has sessions other clients can
//! end and results in flight on a wire, or an embedded database, which has neither.

use quarry::Executor;
use quarry::{sql, Connection, Dialect, Engine, Value};
use std::time::Duration;

/// A database server reached over a connection.
#[derive(Clone, Copy, Debug)]
pub enum Server {
    Postgres,
    MariaDb,
}

/// The server behind `dialect`; `None` for an embedded database (SQLite).
pub fn server(dialect: &dyn Dialect) -> Option<Server> {
    match dialect.name() {
        "postgresql" => Some(Server::Postgres),
        "mariadb" | "mysql" => Some(Server::MariaDb),
        _ => None,
    }
}

impl Server {
    /// The server's id of the session `conn` runs on.
    pub async fn session_id(self, conn: &mut Connection) -> i64 {
        let q = match self {
            Server::Postgres => "SELECT pg_backend_pid()::bigint",
            Server::MariaDb => "SELECT CONNECTION_ID()",
        };
        conn.fetch_scalar(q)
            .await
            .unwrap_or_else(|e| panic!("{self:?}: session id: {e}"))
    }

    /// The server's native code for a deadlock: SQLSTATE 40P01, MariaDB's errno 1213.
    pub fn deadlock_code(self) -> &'static str {
        match self {
            Server::Postgres => "40P01",
            Server::MariaDb => "1213",
        }
    }

    /// The session id as the server's catalog types it (PostgreSQL's pids are `int4`).
    fn id_value(self, id: i64) -> Value {
        match self {
            Server::Postgres => Value::I32(i32::try_from(id).expect("a pid fits in int4")),
            Server::MariaDb => Value::I64(id),
        }
    }

    /// Ends session `id` from `admin` (another pool) and waits until the server has let go of
    /// it and the client had time to read the server's goodbye.
    pub async fn kill(self, admin: &Engine, id: i64) {
        match self {
            Server::Postgres => {
                let killed: bool = admin
                    .fetch_scalar(
                        sql("SELECT pg_terminate_backend(:id)").bind("id", self.id_value(id)),
                    )
                    .await
                    .unwrap_or_else(|e| panic!("{self:?}: pg_terminate_backend: {e}"));
                assert!(killed, "pg_terminate_backend({id})");
            }
            Server::MariaDb => {
                admin
                    .execute(format!("KILL {id}"))
                    .await
                    .unwrap_or_else(|e| panic!("{self:?}: KILL: {e}"));
            }
        }
        let alive = match self {
            Server::Postgres => "SELECT count(*) FROM pg_stat_activity WHERE pid = :id",
            Server::MariaDb => "SELECT COUNT(*) FROM information_schema.processlist WHERE id = :id",
        };
        for _ in 0..500 {
            let n: i64 = admin
                .fetch_scalar(sql(alive).bind("id", self.id_value(id)))
                .await
                .unwrap_or_else(|e| panic!("{self:?}: session list: {e}"));
            if n == 0 {
                // The client's connection task reads the server's goodbye asynchronously.
                tokio::time::sleep(Duration::from_millis(250)).await;
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("{self:?}: session {id} survived being ended");
    }

    /// Waits until session `id` waits for a row lock while running `query`. (MariaDB's
    /// `innodb_trx` is a cache refreshed only when nobody read it for 100 ms, so a stale row of
    /// an earlier wait must not match: the session and the exact statement identify this one.)
    pub async fn wait_for_lock_wait(self, admin: &Engine, id: i64, query: &str) {
        let q = match self {
            Server::Postgres => {
                "SELECT count(*) FROM pg_stat_activity \
                 WHERE pid = :id AND wait_event_type = 'Lock' AND query = :q"
            }
            Server::MariaDb => {
                "SELECT COUNT(*) FROM information_schema.innodb_trx \
                 WHERE trx_state = 'LOCK WAIT' AND trx_mysql_thread_id = :id AND trx_query = :q"
            }
        };
        for _ in 0..200 {
            let n: i64 = admin
                .fetch_scalar(sql(q).bind("id", self.id_value(id)).bind("q", query))
                .await
                .unwrap_or_else(|e| panic!("{self:?}: lock waits: {e}"));
            if n > 0 {
                return;
            }
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
        panic!("{self:?}: session {id} never waited for a lock running {query}");
    }
}

/// An id of the connection `conn` on every backend: the server's session id, or on an embedded
/// database a number kept in a TEMP table of the connection (call it outside transactions).
pub async fn session_id(conn: &mut Connection) -> i64 {
    if let Some(server) = server(conn.dialect()) {
        return server.session_id(conn).await;
    }
    static NEXT: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(1);
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS quarry_session (id INTEGER)")
        .await
        .expect("sqlite: session table");
    let tag: Option<(i64,)> = conn
        .fetch_optional_as("SELECT id FROM temp.quarry_session")
        .await
        .expect("sqlite: session tag");
    if let Some((id,)) = tag {
        return id;
    }
    let id = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    conn.execute(sql("INSERT INTO temp.quarry_session (id) VALUES (:id)").bind("id", id))
        .await
        .expect("sqlite: tag the session");
    id
}

/// The id of the connection the engine's pool hands out next (see [`session_id`]).
pub async fn engine_session_id(engine: &Engine) -> i64 {
    let mut conn = engine
        .acquire()
        .await
        .unwrap_or_else(|e| panic!("{}: acquire: {e}", engine.backend_name()));
    session_id(&mut conn).await
}

/// A query returning one `BIGINT`-decodable column `n` with the numbers 1 to `n`.
/// (MariaDB stops a recursive CTE after `max_recursive_iterations`, 1000 by default, without an
/// error: it uses its sequence engine instead.)
pub fn series(dialect: &dyn Dialect, n: u64) -> String {
    match server(dialect) {
        Some(Server::Postgres) => format!("SELECT g::int8 AS n FROM generate_series(1, {n}) AS g"),
        Some(Server::MariaDb) => format!("SELECT seq AS n FROM seq_1_to_{n}"),
        None => format!(
            "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < {n}) \
             SELECT n FROM c"
        ),
    }
}

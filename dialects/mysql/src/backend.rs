//! [`quarry::backend::Backend`] and [`quarry::backend::BackendConnection`] over the bb8 pool.

use crate::bind::{bind_all, bind_cell};
use crate::cache::StmtCache;
use crate::decode::RowDecoder;
use crate::error::{lost_connection, map_error, Lost};
use crate::pool::{MySqlConnectionManager, PooledConn};
use mysql_async::prelude::Queryable;
use mysql_async::{BinaryProtocol, Column, Conn, Params, QueryResult, Statement, TextProtocol};
use quarry::backend::{BackendConnection, BoxFuture, BoxStream};
use quarry::backend::{Gather, Lane, LaneRules};
use quarry::StatementKind;
use quarry::{Dialect, Error, ExecResult, Result, Row, Value};
use std::borrow::BorrowMut;
use std::fmt;
use std::sync::Arc;

/// `ER_UNSUPPORTED_PS`: this statement cannot be prepared.
const ER_UNSUPPORTED_PS: u16 = 1295;
/// `ER_UNKNOWN_STMT_HANDLER`: the server no longer knows this prepared statement.
const ER_UNKNOWN_STMT_HANDLER: u16 = 1243;

/// The pooled MySQL/MariaDB backend behind an [`quarry::Engine`].
pub(crate) struct MySqlBackend {
    pub(crate) pool: bb8::Pool<MySqlConnectionManager>,
    /// The connection returned last, handed to the next caller without a bb8 checkout.
    pub(crate) lane: Arc<Lane<MySqlLane>>,
    pub(crate) dialect: &'static dyn Dialect,
    pub(crate) mariadb: bool,
    /// How many times the first statement of a checkout may move to another connection when
    /// the one it got turns out to have been closed by the server while idle.
    pub(crate) replacements: u32,
}

impl fmt::Debug for MySqlBackend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MySqlBackend")
            .field("dialect", &self.dialect.name())
            .field("pool", &self.pool.state())
            .finish()
    }
}

impl MySqlBackend {
    /// A checked-out connection, as the engine takes it.
    fn connection(&self, conn: Checkout) -> Box<dyn BackendConnection> {
        Box::new(MySqlConnection {
            conn: Some(conn),
            pool: self.pool.clone(),
            lane: self.lane.clone(),
            mariadb: self.mariadb,
            fresh: true,
            replacements: self.replacements,
        })
    }
}

/// Maps a bb8 checkout failure.
fn run_error(e: bb8::RunError<Error>) -> Error {
    match e {
        bb8::RunError::User(e) => e,
        bb8::RunError::TimedOut => Error::PoolTimeout,
    }
}

impl quarry::backend::Backend for MySqlBackend {
    fn name(&self) -> &'static str {
        "mysql"
    }

    fn dialect(&self) -> &'static dyn Dialect {
        self.dialect
    }

    fn acquire(&self) -> BoxFuture<'_, Result<Box<dyn BackendConnection>>> {
        Box::pin(async move {
            let conn = checkout(&self.lane, &self.pool).await?;
            Ok(self.connection(conn))
        })
    }

    /// The connection parked in the lane, if any (no boxed future, no bb8 checkout).
    fn acquire_ready(&self) -> Option<Box<dyn BackendConnection>> {
        self.lane.take().map(|conn| self.connection(conn))
    }

    fn pool_state(&self) -> (u32, u32) {
        let s = self.pool.state();
        (s.connections, s.idle_connections + self.lane.parked())
    }

    /// Retires the parked connection and the pool's idle ones (the engine has waited for the
    /// connections in use); connections given back afterwards are retired too.
    fn close(&self) -> BoxFuture<'_, ()> {
        let idle = self.pool.state().idle_connections;
        Box::pin(self.lane.close(idle, || async {
            self.pool
                .get_owned()
                .await
                .map_err(|_| quarry::Error::PoolTimeout)
        }))
    }
}

type Checkout = bb8::PooledConnection<'static, MySqlConnectionManager>;

/// The rules of the lane beside the pool (see [`quarry::backend::Lane`]): a connection is parked
/// only when bb8 would keep it.
pub(crate) struct MySqlLane;

impl LaneRules for MySqlLane {
    type Conn = Checkout;

    fn reusable(conn: &Checkout) -> bool {
        !conn.unusable()
    }

    fn opened(conn: &Checkout) -> std::time::Instant {
        conn.born
    }

    fn retire(conn: &mut Checkout) {
        conn.broken = true;
    }
}

/// A connection from the lane, else from bb8.
async fn checkout(
    lane: &Lane<MySqlLane>,
    pool: &bb8::Pool<MySqlConnectionManager>,
) -> Result<Checkout> {
    lane.checkout(|| async { pool.get_owned().await.map_err(run_error) })
        .await
}

/// One pooled connection checked out by quarry.
struct MySqlConnection {
    /// `None` once a replacement could not be checked out.
    conn: Option<Checkout>,
    pool: bb8::Pool<MySqlConnectionManager>,
    lane: Arc<Lane<MySqlLane>>,
    mariadb: bool,
    /// No statement has run on this checkout yet.
    fresh: bool,
    replacements: u32,
}

impl Drop for MySqlConnection {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            self.lane.give_back(conn);
        }
    }
}

/// Whether a failed first statement may run again on another connection: always when the
/// driver shows the command never reached the server; when the connection was lost before any
/// reply (the server may have run it), only for a statement that is harmless to run twice
/// (`harmless`: the start of a transaction, sent through [`BackendConnection::begin`]). Not
/// `SELECT`: it may call `NEXTVAL` or a function with side effects, or lock rows.
fn may_rerun(err: &mysql_async::Error, harmless: bool) -> bool {
    match lost_connection(err) {
        Lost::NotSent => true,
        Lost::NoReply => harmless,
        Lost::No => false,
    }
}

/// Whether the server no longer knows the prepared statement (nothing ran).
fn is_unknown_statement(err: &mysql_async::Error) -> bool {
    matches!(err, mysql_async::Error::Server(e) if e.code == ER_UNKNOWN_STMT_HANDLER)
}

/// The error of a connection whose previous statement was interrupted.
fn interrupted() -> Error {
    Error::connection(
        "the previous statement on this connection was interrupted (its future was dropped \
         before the server's reply was read); the connection is closed",
        None,
    )
}

impl MySqlConnection {
    /// The driver connection, unless an interrupted statement left it in an unknown state.
    fn pooled(&mut self) -> Result<&mut PooledConn> {
        let pooled = self.conn.as_deref_mut().ok_or_else(|| {
            Error::connection("no connection: the pool could not replace a lost one", None)
        })?;
        if pooled.busy {
            pooled.broken = true;
            return Err(interrupted());
        }
        Ok(pooled)
    }

    /// Closes the current connection and checks out another.
    async fn replace(&mut self) -> Result<()> {
        if let Some(mut old) = self.conn.take() {
            old.broken = true;
        }
        self.conn = Some(checkout(&self.lane, &self.pool).await?);
        Ok(())
    }
}

/// Runs `$body` (a driver future over `$conn: &mut PooledConn` and the bound `$params`) as one
/// statement: the connection is marked busy meanwhile (a future dropped mid-way leaves it
/// busy, so it is never used again), and the transaction state the server reports, or a fatal
/// error, is recorded. The first statement of a checkout moves to another connection when the
/// server had closed this one while it sat in the pool (see [`may_rerun`]).
macro_rules! run {
    ($self:ident, $sql:expr, $values:expr, $harmless:expr, |$conn:ident, $params:ident| $body:expr) => {{
        let sql: &str = $sql;
        let values: &[Value] = $values;
        let mut replacements = if $self.fresh { $self.replacements } else { 0 };
        let mut reprepare = true;
        $self.fresh = false;
        loop {
            // Bound again on a retry (rare) rather than kept: the future stays small.
            let $params: Params = bind_all(values)?;
            let pooled = $self.pooled()?;
            pooled.busy = true;
            let result = {
                let $conn: &mut PooledConn = &mut *pooled;
                $body.await
            };
            pooled.busy = false;
            match result {
                Ok(v) => {
                    // The driver read and dropped any result a dropped stream left.
                    pooled.unread = false;
                    pooled.after_success();
                    break Ok(v);
                }
                Err(e) => {
                    let e: mysql_async::Error = e;
                    pooled.after_error(&e);
                    if reprepare && is_unknown_statement(&e) {
                        // Closed behind quarry's back (e.g. through `conn_mut`): prepare again.
                        reprepare = false;
                        continue;
                    }
                    if replacements > 0 && may_rerun(&e, $harmless) {
                        replacements -= 1;
                        tracing::debug!(error = %e, "connection closed by the server while idle; retrying on another");
                        // Rare: boxed to keep the common path's future small.
                        Box::pin($self.replace()).await?;
                        continue;
                    }
                    break Err(map_error(e, Some(sql), $self.mariadb));
                }
            }
        }
    }};
}

/// Prepares `sql` and caches its statement (closing the least recently used one when the
/// cache is full), for a statement the cache does not hold.
async fn prepare(
    conn: &mut Conn,
    stmts: &mut StmtCache,
    sql: &str,
) -> mysql_async::Result<Statement> {
    let stmt = conn.prep(sql).await?;
    if let Some(old) = stmts.insert(sql, stmt.clone()) {
        conn.close(old).await?;
    }
    Ok(stmt)
}

/// The prepared statement of `sql`, from the cache or prepared now; `None` for a statement
/// without parameters that the server cannot prepare (`ER_UNSUPPORTED_PS`), which then runs
/// over the text protocol.
///
/// Every statement is prepared first because the server refuses to prepare a text holding
/// several statements (error 1064): so `"SELECT 1; DROP TABLE t"` is refused, as on
/// PostgreSQL and SQLite, instead of reaching the multi-statement text protocol. Scripts go
/// through `execute_script` only.
async fn prepared(
    conn: &mut Conn,
    stmts: &mut StmtCache,
    sql: &str,
    empty: bool,
) -> mysql_async::Result<Option<Statement>> {
    if let Some(stmt) = stmts.get(sql) {
        return Ok(Some(stmt.clone()));
    }
    match prepare(conn, stmts, sql).await {
        Ok(stmt) => Ok(Some(stmt)),
        Err(mysql_async::Error::Server(e)) if e.code == ER_UNSUPPORTED_PS && empty => Ok(None),
        Err(e) => Err(e),
    }
}

/// Executes `stmt`; its result, if any, is left pending on the connection. The statement is
/// borrowed (from the cache, usually), as a program holding its `Statement` would use it.
async fn exec_prepared(
    conn: &mut Conn,
    stmt: &Statement,
    params: Params,
) -> mysql_async::Result<()> {
    conn.exec_iter(stmt, params).await.map(drop)
}

/// After executing the statement of `sql` failed with `err`: a statement the server no
/// longer knows is dropped from the cache, and the error (`ER_UNKNOWN_STMT_HANDLER`) makes
/// [`run!`] try once more.
fn forget_unknown(stmts: &mut StmtCache, sql: &str, err: &mysql_async::Error) {
    if is_unknown_statement(err) {
        stmts.remove(sql);
    }
}

/// Runs a statement. With `count` (an INSERT, REPLACE or DELETE, whose RETURNING rows are the
/// rows it changed), the rows it returns are counted as the rows affected: the server reports
/// none for a statement that returns rows. (Other statements' rows are dropped uncounted: a
/// SELECT affects no rows.)
async fn execute(
    pooled: &mut PooledConn,
    sql: &str,
    params: Params,
    count: bool,
) -> mysql_async::Result<ExecResult> {
    let (conn, stmts, _) = pooled.parts();
    let empty = matches!(params, Params::Empty);
    let returned = match prepared(conn, stmts, sql, empty).await? {
        Some(stmt) => {
            exec_prepared(conn, &stmt, params)
                .await
                .inspect_err(|e| forget_unknown(stmts, sql, e))?;
            let mut result = QueryResult::<BinaryProtocol>::new(&mut *conn);
            let returned = if count {
                count_rows(&mut result).await?
            } else {
                None
            };
            result.drop_result().await?;
            returned
        }
        // One statement the server cannot prepare (it refused a text of several).
        None if count => {
            let mut result = conn.query_iter(sql).await?;
            let returned = count_rows(&mut result).await?;
            result.drop_result().await?;
            returned
        }
        None => {
            conn.query_drop(sql).await?;
            None
        }
    };
    Ok(ExecResult {
        rows_affected: returned.unwrap_or_else(|| conn.affected_rows()),
        // An unsigned id above i64::MAX cannot be reported.
        last_insert_id: conn.last_insert_id().and_then(|id| i64::try_from(id).ok()),
    })
}

/// The rows of the current result set, read and counted; `None` when it has no columns.
async fn count_rows<P: mysql_async::prelude::Protocol>(
    result: &mut QueryResult<'_, '_, P>,
) -> mysql_async::Result<Option<u64>> {
    if result.columns().is_none_or(|c| c.is_empty()) {
        return Ok(None);
    }
    let mut n = 0;
    while result.next().await?.is_some() {
        n += 1;
    }
    Ok(Some(n))
}

/// A started query: the columns of its first result set (`None` when it has none) and the
/// protocol its rows come in.
struct Opened {
    columns: Option<Arc<[Column]>>,
    binary: bool,
}

/// Sends a query and reads its first result set's header; the rows stay on the wire.
async fn open(
    conn: &mut Conn,
    stmts: &mut StmtCache,
    sql: &str,
    params: Params,
) -> mysql_async::Result<Opened> {
    let empty = matches!(params, Params::Empty);
    // Binary protocol even without parameters: the statement is prepared once per connection.
    let stmt = prepared(conn, stmts, sql, empty).await?;
    let (columns, binary) = match stmt {
        Some(stmt) => {
            exec_prepared(conn, &stmt, params)
                .await
                .inspect_err(|e| forget_unknown(stmts, sql, e))?;
            (
                QueryResult::<BinaryProtocol>::new(&mut *conn).columns(),
                true,
            )
        }
        None => (conn.query_iter(sql).await?.columns(), false),
    };
    Ok(Opened {
        columns: columns.filter(|c| !c.is_empty()),
        binary,
    })
}

/// Reads the next row of the open result set; `None` at its end.
async fn read_row(conn: &mut Conn, binary: bool) -> mysql_async::Result<Option<mysql_async::Row>> {
    if binary {
        QueryResult::<BinaryProtocol>::new(conn).next().await
    } else {
        QueryResult::<TextProtocol>::new(conn).next().await
    }
}

/// Reads and drops whatever is left of the query's results (further result sets of a
/// multi-statement text or a procedure call). Usually nothing is left: then no future is
/// built (a boxed one otherwise, so that the common path's future stays small).
async fn finish(conn: &mut Conn, binary: bool) -> mysql_async::Result<()> {
    if binary {
        if QueryResult::<BinaryProtocol>::new(&mut *conn).is_empty() {
            return Ok(());
        }
        Box::pin(QueryResult::<BinaryProtocol>::new(conn).drop_result()).await
    } else {
        if QueryResult::<TextProtocol>::new(&mut *conn).is_empty() {
            return Ok(());
        }
        Box::pin(QueryResult::<TextProtocol>::new(conn).drop_result()).await
    }
}

/// Runs a query and decodes the rows of its first result set as they arrive, gathering them
/// into `G`. Every row is read and decoded (also past the first when only that one is kept,
/// so that both gatherings fail alike). A decode error is kept (the first one) while the rest
/// is read, so the connection is left clean.
async fn fetch<G: Gather>(
    pooled: &mut PooledConn,
    sql: &str,
    params: Params,
) -> mysql_async::Result<Result<G>> {
    let (conn, stmts, decoders) = pooled.parts();
    let opened = open(conn, stmts, sql, params).await?;
    let mut out: Result<G> = Ok(G::default());
    if let Some(columns) = opened.columns {
        let decoder = decoders.get(&columns);
        while let Some(row) = read_row(conn, opened.binary).await? {
            if let Ok(rows) = &mut out {
                match decoder.decode(row) {
                    Ok(r) => rows.add(r),
                    Err(e) => out = Err(e.with_sql(sql)),
                }
            }
        }
    }
    finish(conn, opened.binary).await?;
    Ok(out)
}

/// Sends a query for streaming: the decoder of its rows and their protocol, or `None` when it
/// returns no rows (then nothing is left to read).
async fn open_stream(
    pooled: &mut PooledConn,
    sql: &str,
    params: Params,
) -> mysql_async::Result<Option<(RowDecoder, bool)>> {
    let (conn, stmts, decoders) = pooled.parts();
    let opened = open(conn, stmts, sql, params).await?;
    match opened.columns {
        Some(columns) => Ok(Some((decoders.get(&columns).clone(), opened.binary))),
        None => {
            finish(conn, opened.binary).await?;
            Ok(None)
        }
    }
}

/// Where a stream is.
enum Phase {
    /// Not started.
    Start { sql: String, params: Vec<Value> },
    /// Rows are being read.
    Rows {
        sql: String,
        decoder: RowDecoder,
        binary: bool,
    },
    /// Ended (or failed).
    Done,
}

impl MySqlConnection {
    /// Sends a streamed query; on success with rows, the result is left open (`unread`).
    async fn start_stream(
        &mut self,
        sql: &str,
        params: &[Value],
    ) -> Result<Option<(RowDecoder, bool)>> {
        let opened = run!(self, sql, params, false, |conn, p| open_stream(
            conn, sql, p
        ))?;
        if opened.is_some() {
            if let Ok(pooled) = self.pooled() {
                pooled.unread = true;
            }
        }
        Ok(opened)
    }

    /// The next row of a streamed query; at the end the result is closed and the connection's
    /// state recorded.
    async fn next_streamed(&mut self, sql: &str, binary: bool) -> Result<Option<mysql_async::Row>> {
        let mariadb = self.mariadb;
        let pooled = self.pooled()?;
        pooled.busy = true;
        let result = match read_row(pooled.conn_mut(), binary).await {
            Ok(Some(row)) => Ok(Some(row)),
            Ok(None) => finish(pooled.conn_mut(), binary).await.map(|()| None),
            Err(e) => Err(e),
        };
        pooled.busy = false;
        match result {
            Ok(Some(row)) => Ok(Some(row)),
            Ok(None) => {
                pooled.unread = false;
                pooled.after_success();
                Ok(None)
            }
            Err(e) => {
                // A server error ends the result; a fatal one breaks the connection.
                pooled.unread = false;
                pooled.after_error(&e);
                Err(map_error(e, Some(sql), mariadb))
            }
        }
    }
}

/// One step of a stream: the next item, or `None` at the end. After an error the stream ends.
async fn step(conn: &mut MySqlConnection, phase: &mut Phase) -> Option<Result<Row>> {
    loop {
        match std::mem::replace(phase, Phase::Done) {
            Phase::Done => return None,
            Phase::Start { sql, params } => match conn.start_stream(&sql, &params).await {
                Err(e) => return Some(Err(e)),
                Ok(None) => return None,
                Ok(Some((decoder, binary))) => {
                    *phase = Phase::Rows {
                        sql,
                        decoder,
                        binary,
                    }
                }
            },
            Phase::Rows {
                sql,
                decoder,
                binary,
            } => {
                return match conn.next_streamed(&sql, binary).await {
                    Err(e) => Some(Err(e)),
                    Ok(None) => None,
                    Ok(Some(row)) => {
                        let decoded = decoder.decode(row).map_err(|e| e.with_sql(&sql));
                        if decoded.is_ok() {
                            *phase = Phase::Rows {
                                sql,
                                decoder,
                                binary,
                            };
                        }
                        Some(decoded)
                    }
                };
            }
        }
    }
}

/// A stream of `sql`'s rows over a borrowed or owned connection, read and decoded one at a
/// time (constant memory: the server's rows wait in the socket until asked for).
fn row_stream<'a, C>(conn: C, sql: String, params: Vec<Value>) -> BoxStream<'a, Result<Row>>
where
    C: BorrowMut<MySqlConnection> + Send + 'a,
{
    Box::pin(futures_util::stream::unfold(
        (conn, Phase::Start { sql, params }),
        |(mut conn, mut phase)| async move {
            let item = step(conn.borrow_mut(), &mut phase).await?;
            Some((item, (conn, phase)))
        },
    ))
}

impl MySqlConnection {
    /// The size bulk INSERTs split under on this connection: `target`, or less where the
    /// server's `max_allowed_packet` is smaller (read once per connection; an eighth is left
    /// for the packet's header and the estimate's slack).
    async fn statement_bytes(&mut self, target: usize) -> Result<usize> {
        const SQL: &str = "SELECT @@max_allowed_packet";
        let max = match self.pooled()?.max_packet() {
            Some(max) => max,
            None => {
                let max: Option<u64> = run!(self, SQL, &[], true, |conn, _p| conn
                    .conn_mut()
                    .query_first(SQL))?;
                let max = max.map_or(target, |m| usize::try_from(m).unwrap_or(usize::MAX));
                self.pooled()?.set_max_packet(max);
                max
            }
        };
        Ok(target.min(max - max / 8))
    }
}

impl BackendConnection for MySqlConnection {
    fn execute<'a>(
        &'a mut self,
        sql: &'a str,
        params: &'a [Value],
        kind: StatementKind,
    ) -> BoxFuture<'a, Result<ExecResult>> {
        // Rows an INSERT, REPLACE or DELETE … RETURNING returned are the rows it changed.
        let count = matches!(kind, StatementKind::Insert | StatementKind::Delete);
        Box::pin(async move {
            run!(self, sql, params, false, |conn, p| execute(
                conn, sql, p, count
            ))
        })
    }

    /// Multi-row INSERTs whose parameters are made straight from the cells (one copy of
    /// each text, as a hand-written loop would make), within the parameter limit and
    /// `max_allowed_packet`.
    fn insert_rows<'a>(
        &'a mut self,
        rows: &'a mut quarry::backend::InsertRows<'_>,
    ) -> Option<BoxFuture<'a, Result<ExecResult>>> {
        Some(Box::pin(async move {
            let dialect: &dyn Dialect = if self.mariadb {
                &quarry::MariaDb
            } else {
                &quarry::MySql
            };
            let max_bytes = self
                .statement_bytes(dialect.features().max_statement_bytes)
                .await?;
            let mut total = ExecResult::default();
            loop {
                let mut params = Vec::with_capacity(rows.max_rows.min(rows.rows) * rows.width);
                let mut failed = None;
                let n = rows.next_statement(max_bytes, &mut |c| match bind_cell(c) {
                    Ok(p) => params.push(p),
                    Err(e) => {
                        failed.get_or_insert(e);
                    }
                })?;
                if let Some(e) = failed {
                    return Err(e);
                }
                if n == 0 {
                    return Ok(total);
                }
                let sql = rows.statement(n);
                // Not retried as `run!` retries (its values are gone once sent); inside the
                // transaction the load runs in, a retry could not move to another connection
                // anyway.
                let mariadb = self.mariadb;
                let pooled = self.pooled()?;
                pooled.busy = true;
                let result = execute(pooled, &sql, Params::Positional(params), true).await;
                pooled.busy = false;
                match result {
                    Ok(r) => {
                        pooled.unread = false;
                        pooled.after_success();
                        total.rows_affected += r.rows_affected;
                        total.last_insert_id = total.last_insert_id.or(r.last_insert_id);
                    }
                    Err(e) => {
                        pooled.after_error(&e);
                        return Err(map_error(e, Some(&sql), mariadb));
                    }
                }
            }
        }))
    }

    fn fetch_all<'a>(
        &'a mut self,
        sql: &'a str,
        params: &'a [Value],
    ) -> BoxFuture<'a, Result<Vec<Row>>> {
        Box::pin(async move {
            run!(self, sql, params, false, |conn, p| fetch::<Vec<Row>>(
                conn, sql, p
            ))?
        })
    }

    /// As [`BackendConnection::fetch_all`] (every row is read and decoded), keeping the first
    /// row only: no `Vec` of rows, and no second boxed future as the default makes.
    fn fetch_first<'a>(
        &'a mut self,
        sql: &'a str,
        params: &'a [Value],
    ) -> BoxFuture<'a, Result<Option<Row>>> {
        Box::pin(async move {
            run!(self, sql, params, false, |conn, p| fetch::<Option<Row>>(
                conn, sql, p
            ))?
        })
    }

    fn fetch_stream(&mut self, sql: String, params: Vec<Value>) -> BoxStream<'_, Result<Row>> {
        row_stream(self, sql, params)
    }

    fn into_stream(
        self: Box<Self>,
        sql: String,
        params: Vec<Value>,
    ) -> BoxStream<'static, Result<Row>> {
        row_stream(self, sql, params)
    }

    fn execute_script<'a>(&'a mut self, sql: &'a str) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            run!(self, sql, &[], false, |conn, _p| conn
                .conn_mut()
                .query_drop(sql))
        })
    }

    fn begin<'a>(&'a mut self, sql: &'a str) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            run!(self, sql, &[], true, |conn, _p| conn
                .conn_mut()
                .query_drop(sql))
        })
    }

    fn discard(&mut self) {
        if let Some(pooled) = self.conn.as_deref_mut() {
            pooled.broken = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reruns() {
        use mysql_async::{DriverError, Error as MyError};
        let pipe = || MyError::Io(std::io::Error::from(std::io::ErrorKind::BrokenPipe).into());
        assert!(may_rerun(&pipe(), false));
        let eof = || MyError::Io(std::io::Error::from(std::io::ErrorKind::UnexpectedEof).into());
        assert!(!may_rerun(&eof(), false));
        assert!(may_rerun(&eof(), true));
        let closed = MyError::Driver(DriverError::ConnectionClosed);
        assert!(may_rerun(&closed, false));
        let server = MyError::Server(mysql_async::ServerError {
            code: 1062,
            message: "dup".into(),
            state: "23000".into(),
        });
        assert!(!may_rerun(&server, true));
    }
}

//! [`quarry::Backend`] and [`quarry::BackendConnection`] over the bb8 pool.

use crate::error::map_error;
use crate::manager::{MySqlConnectionManager, PooledConn};
use crate::value::{bind_all, ColumnDecoder};
use mysql_async::prelude::Queryable;
use mysql_async::{BinaryProtocol, Column, Conn, Params, QueryResult, TextProtocol};
use quarry::{BackendConnection, BoxFuture, Dialect, Error, Result, Row, Value};
use std::fmt;
use std::sync::Arc;

/// `ER_UNSUPPORTED_PS`: this statement cannot be prepared.
const ER_UNSUPPORTED_PS: u16 = 1295;

/// The pooled MySQL/MariaDB backend behind an [`quarry::Engine`].
pub(crate) struct MySqlBackend {
    pub(crate) pool: bb8::Pool<MySqlConnectionManager>,
    pub(crate) dialect: &'static dyn Dialect,
    pub(crate) mariadb: bool,
}

impl fmt::Debug for MySqlBackend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MySqlBackend")
            .field("dialect", &self.dialect.name())
            .field("pool", &self.pool.state())
            .finish()
    }
}

/// Maps a bb8 checkout failure.
pub(crate) fn run_error(e: bb8::RunError<Error>) -> Error {
    match e {
        bb8::RunError::User(e) => e,
        bb8::RunError::TimedOut => Error::PoolTimeout,
    }
}

impl quarry::Backend for MySqlBackend {
    fn name(&self) -> &'static str {
        "mysql"
    }

    fn dialect(&self) -> &'static dyn Dialect {
        self.dialect
    }

    fn acquire(&self) -> BoxFuture<'_, Result<Box<dyn BackendConnection>>> {
        Box::pin(async move {
            let conn = self.pool.get_owned().await.map_err(run_error)?;
            Ok(Box::new(MySqlConnection {
                conn,
                mariadb: self.mariadb,
            }) as Box<dyn BackendConnection>)
        })
    }
}

/// One pooled connection checked out by quarry.
pub(crate) struct MySqlConnection {
    conn: bb8::PooledConnection<'static, MySqlConnectionManager>,
    mariadb: bool,
}

/// Runs `$body` on the driver connection, marking it busy meanwhile (a future dropped mid-way
/// leaves it busy, so the pool discards it), then records the transaction state the server
/// reports, or a fatal error.
macro_rules! guarded {
    ($self:ident, $sql:expr, |$conn:ident| $body:expr) => {{
        let pooled: &mut PooledConn = &mut $self.conn;
        pooled.busy = true;
        let result = {
            let $conn: &mut Conn = pooled.conn_mut();
            $body.await
        };
        pooled.busy = false;
        match result {
            Ok(v) => {
                pooled.after_success();
                Ok(v)
            }
            Err(e) => {
                let e: mysql_async::Error = e;
                pooled.after_error(&e);
                Err(map_error(e, $sql, $self.mariadb))
            }
        }
    }};
}

async fn execute(conn: &mut Conn, sql: &str, params: Params) -> mysql_async::Result<u64> {
    if matches!(params, Params::Empty) {
        // Text protocol: any statement (DDL included) runs.
        conn.query_drop(sql).await?;
    } else {
        conn.exec_drop(sql, params).await?;
    }
    Ok(conn.affected_rows())
}

/// The first result set of a query: its columns and rows. Later result sets are read and
/// dropped so the connection is clean.
type RawRows = (Option<Arc<[Column]>>, Vec<mysql_async::Row>);

async fn collect_binary(
    mut result: QueryResult<'_, 'static, BinaryProtocol>,
) -> mysql_async::Result<RawRows> {
    let columns = result.columns();
    let rows = result.collect::<mysql_async::Row>().await?;
    result.drop_result().await?;
    Ok((columns, rows))
}

async fn collect_text(
    mut result: QueryResult<'_, 'static, TextProtocol>,
) -> mysql_async::Result<RawRows> {
    let columns = result.columns();
    let rows = result.collect::<mysql_async::Row>().await?;
    result.drop_result().await?;
    Ok((columns, rows))
}

async fn fetch(conn: &mut Conn, sql: &str, params: Params) -> mysql_async::Result<RawRows> {
    let empty = matches!(params, Params::Empty);
    // Binary protocol even without parameters: mysql_async caches the prepared statement.
    match conn.exec_iter(sql, params).await {
        Ok(result) => collect_binary(result).await,
        Err(mysql_async::Error::Server(e)) if e.code == ER_UNSUPPORTED_PS && empty => {
            collect_text(conn.query_iter(sql).await?).await
        }
        Err(e) => Err(e),
    }
}

/// Decodes driver rows into quarry rows sharing one column-name list.
pub(crate) fn decode_rows(
    columns: Option<Arc<[Column]>>,
    rows: Vec<mysql_async::Row>,
) -> Result<Vec<Row>> {
    let columns = columns.unwrap_or_else(|| Arc::from(Vec::new()));
    let names: Arc<[String]> = columns
        .iter()
        .map(|c| c.name_str().into_owned())
        .collect::<Vec<_>>()
        .into();
    let decoders: Vec<ColumnDecoder> = columns.iter().map(ColumnDecoder::new).collect();
    rows.into_iter()
        .map(|row| {
            let cells = row.unwrap_raw();
            if cells.len() != decoders.len() {
                return Err(Error::Decode {
                    column: String::new(),
                    message: format!(
                        "row has {} cells for {} columns",
                        cells.len(),
                        decoders.len()
                    ),
                });
            }
            let values = cells
                .into_iter()
                .zip(decoders.iter().zip(names.iter()))
                .map(|(cell, (d, name))| d.decode(cell, name))
                .collect::<Result<Vec<Value>>>()?;
            Ok(Row::new(names.clone(), values))
        })
        .collect()
}

impl BackendConnection for MySqlConnection {
    fn execute<'a>(&'a mut self, sql: &'a str, params: &'a [Value]) -> BoxFuture<'a, Result<u64>> {
        Box::pin(async move {
            let params = bind_all(params)?;
            guarded!(self, Some(sql), |conn| execute(conn, sql, params))
        })
    }

    fn fetch_all<'a>(
        &'a mut self,
        sql: &'a str,
        params: &'a [Value],
    ) -> BoxFuture<'a, Result<Vec<Row>>> {
        Box::pin(async move {
            let params = bind_all(params)?;
            let (columns, rows) = guarded!(self, Some(sql), |conn| fetch(conn, sql, params))?;
            decode_rows(columns, rows)
        })
    }

    fn execute_script<'a>(&'a mut self, sql: &'a str) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move { guarded!(self, Some(sql), |conn| conn.query_drop(sql)) })
    }
}

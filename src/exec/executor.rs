//! [`Executor`]: where a statement runs — an [`Engine`] (a pooled connection for the call), a
//! [`Connection`] or a [`Transaction`]. Each run method is written once, here.

use super::connection::ConnRef;
use super::{Connection, Engine, ExecResult, FromRow, RowStream, Transaction};
use crate::compile::{Dialect, IntoCompiled};
use crate::error::Result;
use crate::stmt::clauses::ColumnNames;
use crate::stmt::select::TableSource;
use crate::value::{FromValue, Row};
use std::future::Future;

mod sealed {
    pub trait Sealed {}
    impl Sealed for &crate::exec::Engine {}
    impl Sealed for &mut crate::exec::Connection {}
    impl Sealed for &mut crate::exec::Transaction<'_> {}
}

/// Something statements run on: `&Engine` (each call checks a connection out of the pool),
/// `&mut Connection` or `&mut Transaction`. Statements take one
/// (`q.fetch_all(&engine)`, `q.fetch_all(&mut tx)`), and it runs SQL itself
/// (`engine.fetch_all("SELECT 1")`). Sealed: quarry implements it for these three only.
///
/// `'c` is how long a [`RowStream`] from [`Executor::stream`] may live: as long as the
/// borrowed connection or transaction, and unbounded for an engine (the stream owns its
/// pooled connection).
///
/// ```no_run
/// use quarry::prelude::*;
/// # async fn demo(engine: quarry::Engine) -> quarry::Result<()> {
/// let a = quarry::Column::<i64>::new("t", "a");
/// let q = select(a).from("t");
/// let all: Vec<i64> = q.fetch_all(&engine).await?;   // on a pooled connection
/// let mut tx = engine.begin().await?;
/// let locked: Vec<i64> = q.fetch_all(&mut tx).await?; // in the transaction
/// tx.execute("DELETE FROM t").await?;                 // SQL text runs the same way
/// tx.commit().await?;
/// # Ok(()) }
/// ```
#[diagnostic::on_unimplemented(
    message = "statements cannot run on `{Self}`",
    label = "not an engine, connection or transaction",
    note = "pass `&engine`, `&mut connection` or `&mut transaction`"
)]
pub trait Executor<'c>: Send + Sized + sealed::Sealed {
    /// The dialect statements are compiled for.
    #[doc(hidden)]
    fn executor_dialect(&self) -> &'static dyn Dialect;

    /// The connection the call runs on: checked out of the pool, or borrowed.
    #[doc(hidden)]
    fn connection(self) -> impl Future<Output = Result<ConnRef<'c>>> + Send;

    /// Runs a statement; returns the rows affected.
    ///
    /// ```no_run
    /// # use quarry::Executor;
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// e.execute("CREATE TABLE t (a INTEGER)").await?;
    /// # Ok(()) }
    /// ```
    fn execute(self, stmt: impl IntoCompiled) -> impl Future<Output = Result<u64>> + Send {
        let plan = stmt.into_plan(self.executor_dialect());
        async move {
            let mut conn = self.connection().await?;
            Ok(conn.execute_plan(plan?).await?.rows_affected)
        }
    }

    /// Runs a statement; returns rows affected and the generated id where the backend reports
    /// one.
    ///
    /// ```no_run
    /// # use quarry::Executor;
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// let r = e.execute_result("INSERT INTO t (a) VALUES (1)").await?;
    /// println!("{:?}", r.last_insert_id);
    /// # Ok(()) }
    /// ```
    fn execute_result(
        self,
        stmt: impl IntoCompiled,
    ) -> impl Future<Output = Result<ExecResult>> + Send {
        let plan = stmt.into_plan(self.executor_dialect());
        async move { self.connection().await?.execute_plan(plan?).await }
    }

    /// Runs a query and returns all rows.
    ///
    /// ```no_run
    /// # use quarry::Executor;
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// let rows = e.fetch_all("SELECT 1 AS one").await?;
    /// assert_eq!(rows[0].get::<i64>("one")?, 1);
    /// # Ok(()) }
    /// ```
    fn fetch_all(self, stmt: impl IntoCompiled) -> impl Future<Output = Result<Vec<Row>>> + Send {
        let plan = stmt.into_plan(self.executor_dialect());
        async move { self.connection().await?.fetch_all_plan(plan?).await }
    }

    /// Runs a query and decodes every row into `T` (a tuple, a `Deserialize` struct, …).
    ///
    /// ```no_run
    /// # use quarry::Executor;
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// let pairs: Vec<(i64, String)> = e.fetch_all_as("SELECT id, name FROM users").await?;
    /// # Ok(()) }
    /// ```
    fn fetch_all_as<T: FromRow>(
        self,
        stmt: impl IntoCompiled,
    ) -> impl Future<Output = Result<Vec<T>>> + Send {
        let rows = self.fetch_all(stmt);
        async move { rows.await?.into_iter().map(T::from_owned_row).collect() }
    }

    /// Runs a query that must return a row; the first one. No row is
    /// [`crate::ErrorKind::NotFound`].
    ///
    /// ```no_run
    /// # use quarry::Executor;
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// let row = e.fetch_one("SELECT 1 AS one").await?;
    /// # Ok(()) }
    /// ```
    fn fetch_one(self, stmt: impl IntoCompiled) -> impl Future<Output = Result<Row>> + Send {
        let plan = stmt.into_plan(self.executor_dialect());
        async move { self.connection().await?.fetch_one_plan(plan?).await }
    }

    /// [`Executor::fetch_one`] decoded into `T`.
    ///
    /// ```no_run
    /// # use quarry::Executor;
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// let (id, name): (i64, String) = e.fetch_one_as("SELECT id, name FROM users LIMIT 1").await?;
    /// # Ok(()) }
    /// ```
    fn fetch_one_as<T: FromRow>(
        self,
        stmt: impl IntoCompiled,
    ) -> impl Future<Output = Result<T>> + Send {
        let row = self.fetch_one(stmt);
        async move { T::from_owned_row(row.await?) }
    }

    /// Runs a query; its first row, if any.
    ///
    /// ```no_run
    /// # use quarry::Executor;
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// let row = e.fetch_optional("SELECT 1 WHERE 1 = 0").await?;
    /// assert!(row.is_none());
    /// # Ok(()) }
    /// ```
    fn fetch_optional(
        self,
        stmt: impl IntoCompiled,
    ) -> impl Future<Output = Result<Option<Row>>> + Send {
        let plan = stmt.into_plan(self.executor_dialect());
        async move { self.connection().await?.fetch_optional_plan(plan?).await }
    }

    /// [`Executor::fetch_optional`] decoded into `T`.
    ///
    /// ```no_run
    /// # use quarry::Executor;
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// let name: Option<(String,)> = e.fetch_optional_as("SELECT name FROM users WHERE id = 1").await?;
    /// # Ok(()) }
    /// ```
    fn fetch_optional_as<T: FromRow>(
        self,
        stmt: impl IntoCompiled,
    ) -> impl Future<Output = Result<Option<T>>> + Send {
        let row = self.fetch_optional(stmt);
        async move { row.await?.map(T::from_owned_row).transpose() }
    }

    /// Runs a query that must return a row; its first column decoded into `T`.
    ///
    /// ```no_run
    /// # use quarry::Executor;
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// let n: i64 = e.fetch_scalar("SELECT count(*) FROM users").await?;
    /// # Ok(()) }
    /// ```
    fn fetch_scalar<T: FromValue>(
        self,
        stmt: impl IntoCompiled,
    ) -> impl Future<Output = Result<T>> + Send {
        let row = self.fetch_one(stmt);
        async move { row.await?.get(0) }
    }

    /// Streams a query's rows with constant memory. On an engine the stream holds a pooled
    /// connection until it ends or is dropped; on a connection or transaction, that one is
    /// busy meanwhile.
    ///
    /// ```no_run
    /// # use quarry::Executor;
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// let mut rows = e.stream("SELECT id FROM big").await?;
    /// while let Some(row) = rows.next().await {
    ///     let id: i64 = row?.get(0)?;
    /// }
    /// # Ok(()) }
    /// ```
    fn stream(self, stmt: impl IntoCompiled) -> impl Future<Output = Result<RowStream<'c>>> + Send {
        let plan = stmt.into_plan(self.executor_dialect());
        async move {
            match self.connection().await? {
                ConnRef::Owned(conn) => conn.into_stream(plan?).await,
                ConnRef::Borrowed(conn) => conn.stream_plan(plan?).await,
            }
        }
    }

    /// Inserts rows straight from the caller's data, each text and byte value bound by
    /// reference (no `String` copied per cell): the columns are typed, and each row is a tuple
    /// of values for them ([`RowFor`](crate::exec::RowFor)). All rows land in one transaction (a
    /// savepoint inside one), or none. Returns the number of rows inserted. The number of
    /// rows is taken from the iterator's `size_hint` when it is exact (a slice's, a `Vec`'s,
    /// a range's, mapped); other iterators are collected first.
    ///
    /// This is the bulk path: PostgreSQL loads the rows with `COPY … (FORMAT binary)`, SQLite
    /// binds them into multi-row INSERTs on the calling thread (through `block_in_place` on a
    /// multi-threaded runtime; the statements are not cancellable midway), and MariaDB/MySQL
    /// send multi-row INSERTs within the bound-parameter limit. Client-side column defaults
    /// are filled in, and a NOT NULL column left out is an error before anything is sent.
    ///
    /// ```no_run
    /// # use quarry::Executor;
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// quarry::table! { pub struct Users("users") { id: i64, name: String, email: Option<String> } }
    /// struct User { id: i64, name: String, email: Option<String> }
    /// let data = vec![User { id: 1, name: "Ann".into(), email: None }];
    /// let u = Users::new();
    /// let n = e
    ///     .insert_rows(u, (u.id, u.name, u.email), data.iter().map(|r| (r.id, &r.name, &r.email)))
    ///     .await?;
    /// assert_eq!(n, 1);
    /// # Ok(()) }
    /// ```
    fn insert_rows<C, I>(
        self,
        table: impl TableSource,
        columns: C,
        rows: I,
    ) -> impl Future<Output = Result<u64>> + Send
    where
        C: ColumnNames,
        I: IntoIterator,
        I::IntoIter: Send,
        I::Item: crate::exec::RowFor<C> + Send,
    {
        let plan = super::bulk::rows_plan::<C, I::Item>(table, columns, self.executor_dialect());
        let rows = rows.into_iter();
        async move {
            let mut conn = self.connection().await?;
            conn.insert_rows_planned::<C, _>(&plan?, rows).await
        }
    }

    /// Runs SQL text holding one or more statements, without parameters.
    ///
    /// ```no_run
    /// # use quarry::Executor;
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// e.execute_script("CREATE TABLE a (x INTEGER); CREATE TABLE b (y INTEGER);").await?;
    /// # Ok(()) }
    /// ```
    fn execute_script(self, sql: &str) -> impl Future<Output = Result<()>> + Send {
        async move { self.connection().await?.run_script(sql).await }
    }

    /// Whether table `name` exists in `schema` (or the connection's current schema).
    ///
    /// ```no_run
    /// # use quarry::Executor;
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// assert!(!e.has_table(None, "no_such_table").await?);
    /// # Ok(()) }
    /// ```
    fn has_table(
        self,
        schema: Option<&str>,
        name: &str,
    ) -> impl Future<Output = Result<bool>> + Send {
        async move { self.connection().await?.table_exists(schema, name).await }
    }
}

impl Executor<'static> for &Engine {
    fn executor_dialect(&self) -> &'static dyn Dialect {
        self.dialect()
    }

    async fn connection(self) -> Result<ConnRef<'static>> {
        Ok(ConnRef::Owned(self.acquire().await?))
    }
}

impl<'c> Executor<'c> for &'c mut Connection {
    fn executor_dialect(&self) -> &'static dyn Dialect {
        self.dialect()
    }

    fn connection(self) -> impl Future<Output = Result<ConnRef<'c>>> + Send {
        std::future::ready(Ok(ConnRef::Borrowed(self)))
    }
}

impl<'c> Executor<'c> for &'c mut Transaction<'_> {
    fn executor_dialect(&self) -> &'static dyn Dialect {
        self.dialect()
    }

    fn connection(self) -> impl Future<Output = Result<ConnRef<'c>>> + Send {
        std::future::ready(Ok(ConnRef::Borrowed(self)))
    }
}

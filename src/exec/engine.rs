//! [`Engine`] and [`Connection`].

use super::{Backend, BackendConnection, Driver, Row};
use crate::compile::{Dialect, IntoCompiled, SqlWriter};
use crate::error::{Error, Result};
use crate::schema::metadata::{DdlStep, StepOwner};
use crate::schema::MetaData;
use std::collections::HashSet;
use std::fmt;
use std::sync::{Arc, RwLock};

static DRIVERS: RwLock<Vec<&'static dyn Driver>> = RwLock::new(Vec::new());

/// Installs drivers so that [`Engine::connect`] can pick one by URL scheme.
///
/// The core cannot name the backend crates (they depend on it), so an application installs the
/// ones it links, once, at start-up. Installing a driver twice is harmless.
///
/// ```no_run
/// # async fn demo() -> quarry::Result<()> {
/// // quarry::install_drivers(&[&quarry_sqlite::DRIVER, &quarry_postgres::DRIVER]);
/// let engine = quarry::Engine::connect("sqlite::memory:").await?;
/// # Ok(()) }
/// ```
pub fn install_drivers(drivers: &[&'static dyn Driver]) {
    let mut installed = DRIVERS.write().unwrap_or_else(|e| e.into_inner());
    for d in drivers {
        if !installed
            .iter()
            .any(|i| std::ptr::addr_eq(*i as *const dyn Driver, *d as *const dyn Driver))
        {
            installed.push(*d);
        }
    }
}

/// A pooled database, whatever the backend: cheap to clone, `Send + Sync`.
///
/// ```no_run
/// # async fn demo() -> quarry::Result<()> {
/// use quarry::{Engine, MetaData, Table, ColumnDef, SqlType};
/// let engine = Engine::connect("sqlite::memory:").await?;
/// let md = MetaData::new().with(Table::new("t").column(ColumnDef::new("id", SqlType::BigInt).primary_key()));
/// engine.create_all(&md).await?;
/// assert_eq!(engine.execute("INSERT INTO t (id) VALUES (1)").await?, 1);
/// engine.drop_all(&md).await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Engine {
    backend: Arc<dyn Backend>,
}

impl fmt::Debug for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Engine")
            .field("backend", &self.backend)
            .finish()
    }
}

impl Engine {
    /// An engine over `backend` (what backend crates call).
    ///
    /// ```no_run
    /// # fn demo(b: impl quarry::Backend) { let e = quarry::Engine::from_backend(b); }
    /// ```
    pub fn from_backend(backend: impl Backend) -> Self {
        Engine {
            backend: Arc::new(backend),
        }
    }

    /// Connects with the installed driver for `url`'s scheme (`sqlite:`, `postgres://`,
    /// `mysql://`, …); see [`install_drivers`].
    ///
    /// ```
    /// # tokio_test_block(async {
    /// let err = quarry::Engine::connect("nosuch://x").await.unwrap_err();
    /// assert_eq!(err.kind(), quarry::ErrorKind::Configuration);
    /// # });
    /// # fn tokio_test_block(f: impl std::future::Future<Output = ()>) {
    /// #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
    /// # }
    /// ```
    pub async fn connect(url: &str) -> Result<Engine> {
        let scheme = url
            .split(':')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        let driver = {
            let installed = DRIVERS.read().unwrap_or_else(|e| e.into_inner());
            installed
                .iter()
                .find(|d| d.schemes().contains(&scheme.as_str()))
                .copied()
        };
        match driver {
            Some(d) => d.connect(url).await,
            None => Err(Error::Configuration(format!(
                "no installed driver handles URL scheme {scheme:?}; call quarry::install_drivers with the backend crates' DRIVERs"
            ))),
        }
    }

    /// The dialect statements are compiled for.
    ///
    /// ```no_run
    /// # fn demo(e: quarry::Engine) { println!("{}", e.dialect().name()); }
    /// ```
    pub fn dialect(&self) -> &'static dyn Dialect {
        self.backend.dialect()
    }

    /// The backend's name (`sqlite`, `postgres`, `mysql`).
    ///
    /// ```no_run
    /// # fn demo(e: quarry::Engine) { assert!(!e.backend_name().is_empty()); }
    /// ```
    pub fn backend_name(&self) -> &'static str {
        self.backend.name()
    }

    /// Checks a connection out of the pool.
    ///
    /// ```no_run
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// let mut conn = e.acquire().await?;
    /// conn.execute("SELECT 1").await?;
    /// # Ok(()) }
    /// ```
    pub async fn acquire(&self) -> Result<Connection> {
        Ok(Connection {
            inner: self.backend.acquire().await?,
            dialect: self.backend.dialect(),
        })
    }

    /// Runs a statement (compiled for this engine's dialect) on a pooled connection; returns
    /// the rows affected.
    ///
    /// ```no_run
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// e.execute("CREATE TABLE t (a INTEGER)").await?;
    /// # Ok(()) }
    /// ```
    pub async fn execute(&self, stmt: impl IntoCompiled) -> Result<u64> {
        self.acquire().await?.execute(stmt).await
    }

    /// Runs a query on a pooled connection and returns all rows.
    ///
    /// ```no_run
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// let rows = e.fetch_all("SELECT 1 AS one").await?;
    /// assert_eq!(rows[0].get::<i64>("one")?, 1);
    /// # Ok(()) }
    /// ```
    pub async fn fetch_all(&self, stmt: impl IntoCompiled) -> Result<Vec<Row>> {
        self.acquire().await?.fetch_all(stmt).await
    }

    /// Runs SQL text holding one or more statements, without parameters.
    ///
    /// ```no_run
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// e.execute_script("CREATE TABLE a (x INTEGER); CREATE TABLE b (y INTEGER);").await?;
    /// # Ok(()) }
    /// ```
    pub async fn execute_script(&self, sql: &str) -> Result<()> {
        self.acquire().await?.execute_script(sql).await
    }

    /// Whether table `name` exists in `schema` (or the connection's current schema).
    ///
    /// ```no_run
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// assert!(!e.has_table(None, "no_such_table").await?);
    /// # Ok(()) }
    /// ```
    pub async fn has_table(&self, schema: Option<&str>, name: &str) -> Result<bool> {
        self.acquire().await?.has_table(schema, name).await
    }

    /// Creates the metadata's enum types, tables, indexes and constraints in foreign-key order,
    /// skipping tables (and types) that already exist, as SQLAlchemy's `create_all` does. On
    /// dialects with transactional DDL (PostgreSQL, SQLite) it all happens in one transaction.
    ///
    /// ```no_run
    /// # async fn demo(e: quarry::Engine, md: quarry::MetaData) -> quarry::Result<()> {
    /// e.create_all(&md).await?;
    /// e.create_all(&md).await?; // nothing left to create
    /// # Ok(()) }
    /// ```
    pub async fn create_all(&self, metadata: &MetaData) -> Result<()> {
        let steps = metadata.plan_create(self.dialect(), false)?;
        let mut conn = self.acquire().await?;
        conn.run_steps(metadata, steps, true).await
    }

    /// Drops what [`Engine::create_all`] creates, in reverse order, skipping tables that do not
    /// exist.
    ///
    /// ```no_run
    /// # async fn demo(e: quarry::Engine, md: quarry::MetaData) -> quarry::Result<()> {
    /// e.drop_all(&md).await?;
    /// # Ok(()) }
    /// ```
    pub async fn drop_all(&self, metadata: &MetaData) -> Result<()> {
        let steps = metadata.plan_drop(self.dialect(), false)?;
        let mut conn = self.acquire().await?;
        conn.run_steps(metadata, steps, false).await
    }
}

/// A connection checked out of an [`Engine`]'s pool; returned when dropped.
pub struct Connection {
    inner: Box<dyn BackendConnection>,
    dialect: &'static dyn Dialect,
}

impl fmt::Debug for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connection")
            .field("dialect", &self.dialect.name())
            .finish_non_exhaustive()
    }
}

impl Connection {
    /// The dialect statements are compiled for.
    ///
    /// ```no_run
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// let c = e.acquire().await?;
    /// println!("{}", c.dialect().name());
    /// # Ok(()) }
    /// ```
    pub fn dialect(&self) -> &'static dyn Dialect {
        self.dialect
    }

    /// Runs a statement; returns the rows affected.
    ///
    /// ```no_run
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// let mut c = e.acquire().await?;
    /// c.execute("CREATE TABLE t (a INTEGER)").await?;
    /// # Ok(()) }
    /// ```
    pub async fn execute(&mut self, stmt: impl IntoCompiled) -> Result<u64> {
        let c = stmt.into_compiled(self.dialect)?;
        self.inner.execute(&c.sql, &c.params).await
    }

    /// Runs a query and returns all rows.
    ///
    /// ```no_run
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// let mut c = e.acquire().await?;
    /// let rows = c.fetch_all("SELECT 1").await?;
    /// # Ok(()) }
    /// ```
    pub async fn fetch_all(&mut self, stmt: impl IntoCompiled) -> Result<Vec<Row>> {
        let c = stmt.into_compiled(self.dialect)?;
        self.inner.fetch_all(&c.sql, &c.params).await
    }

    /// Runs SQL text holding one or more statements, without parameters.
    ///
    /// ```no_run
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// let mut c = e.acquire().await?;
    /// c.execute_script("SELECT 1; SELECT 2").await?;
    /// # Ok(()) }
    /// ```
    pub async fn execute_script(&mut self, sql: &str) -> Result<()> {
        self.inner.execute_script(sql).await
    }

    /// Whether table `name` exists in `schema` (or the current schema).
    ///
    /// ```no_run
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// let mut c = e.acquire().await?;
    /// let exists = c.has_table(None, "users").await?;
    /// # Ok(()) }
    /// ```
    pub async fn has_table(&mut self, schema: Option<&str>, name: &str) -> Result<bool> {
        let mut w = SqlWriter::new(self.dialect);
        self.dialect.write_table_exists(&mut w, schema, name);
        Ok(!self.fetch_all(w.finish()).await?.is_empty())
    }

    async fn has_type(&mut self, schema: Option<&str>, name: &str) -> Result<bool> {
        let mut w = SqlWriter::new(self.dialect);
        self.dialect.write_type_exists(&mut w, schema, name)?;
        Ok(!self.fetch_all(w.finish()).await?.is_empty())
    }

    /// Runs a DDL plan, skipping the objects that already exist (creating) or are missing
    /// (dropping); transactional where the dialect allows.
    async fn run_steps(
        &mut self,
        md: &MetaData,
        steps: Vec<DdlStep>,
        creating: bool,
    ) -> Result<()> {
        let mut skip_tables = HashSet::new();
        let mut skip_types = HashSet::new();
        for (i, t) in md.tables().iter().enumerate() {
            if self.has_table(t.schema.as_deref(), &t.name).await? == creating {
                skip_tables.insert(i);
            }
        }
        for s in &steps {
            if let StepOwner::Type(schema, name) = &s.owner {
                if self.has_type(schema.as_deref(), name).await? == creating {
                    skip_types.insert((schema.clone(), name.clone()));
                }
            }
        }
        let todo: Vec<&DdlStep> = steps
            .iter()
            .filter(|s| match &s.owner {
                StepOwner::Table(i) => !skip_tables.contains(i),
                StepOwner::Type(schema, name) => {
                    !skip_types.contains(&(schema.clone(), name.clone()))
                }
            })
            .collect();
        if todo.is_empty() {
            return Ok(());
        }
        let transactional = self.dialect.features().transactional_ddl;
        if transactional {
            self.execute_script("BEGIN").await?;
        }
        for s in todo {
            if let Err(e) = self
                .inner
                .execute(&s.compiled.sql, &s.compiled.params)
                .await
            {
                if transactional {
                    // The statement's error matters more than a failed rollback.
                    let _ = self.execute_script("ROLLBACK").await;
                }
                return Err(e.with_sql(&s.compiled.sql));
            }
        }
        if transactional {
            self.execute_script("COMMIT").await?;
        }
        Ok(())
    }
}

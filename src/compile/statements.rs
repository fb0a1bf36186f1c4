//! The entry points users call on statements: `compile`, `to_debug_sql` and
//! [`IntoCompiled`] (what the executor compiles). Statements are data defined in `crate::stmt`;
//! these inherent impls are written here so that statements never depend on the compiler.

use super::{ddl as render, dml, select as query, Compiled, Dialect, IntoCompiled, Plan};
use crate::error::Result;
use crate::schema::Table;
use crate::stmt::ddl::{CreateIndex, CreateTable, CreateType, DropIndex, DropTable, DropType};
use crate::stmt::delete::Delete;
use crate::stmt::insert::{Insert, InsertStmt};
use crate::stmt::select::{Compound, Select};
use crate::stmt::update::Update;

/// `IntoCompiled` for a statement and a reference to it, through its `compile`.
macro_rules! into_compiled_by_ref {
    ($ty:ident) => {
        impl<R> IntoCompiled for &$ty<R> {
            fn into_compiled(self, dialect: &dyn Dialect) -> Result<Compiled> {
                self.compile(dialect)
            }
        }

        impl<R> IntoCompiled for $ty<R> {
            fn into_compiled(self, dialect: &dyn Dialect) -> Result<Compiled> {
                self.compile(dialect)
            }
        }
    };
}

impl<R> Select<R> {
    /// Compiles for `dialect`: one SQL string with the dialect's placeholders and the values.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let a = quarry::Column::<i64>::new("t", "a");
    /// let c = select(a).from("t").filter(a.eq(7)).compile(&quarry::Postgres).unwrap();
    /// assert_eq!((c.sql.as_str(), c.params), ("SELECT t.a FROM t WHERE t.a = $1", vec![quarry::Value::I64(7)]));
    /// ```
    pub fn compile(&self, dialect: &dyn Dialect) -> Result<Compiled> {
        query::compile_select(&self.stmt, dialect, false)
    }

    /// The SQL with values inlined as literals, **for logs only** (never execute it: bound
    /// parameters are what keep values out of the SQL text).
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let a = quarry::Column::<String>::new("t", "a");
    /// let s = select(a).from("t").filter(a.eq("it's")).to_debug_sql(&quarry::Postgres).unwrap();
    /// assert_eq!(s, "SELECT t.a FROM t WHERE t.a = 'it''s'");
    /// ```
    pub fn to_debug_sql(&self, dialect: &dyn Dialect) -> Result<String> {
        query::compile_select(&self.stmt, dialect, true).map(|c| c.sql)
    }
}

impl<R> IntoCompiled for &Select<R> {
    fn into_compiled(self, dialect: &dyn Dialect) -> Result<Compiled> {
        self.compile(dialect)
    }

    fn into_plan(self, dialect: &dyn Dialect) -> Result<Plan> {
        Ok(Plan::query(self.compile(dialect)?, &self.stmt, dialect))
    }
}

impl<R> IntoCompiled for Select<R> {
    fn into_compiled(self, dialect: &dyn Dialect) -> Result<Compiled> {
        self.compile(dialect)
    }

    fn into_plan(self, dialect: &dyn Dialect) -> Result<Plan> {
        (&self).into_plan(dialect)
    }
}

impl<R> Compound<R> {
    /// Compiles for `dialect`.
    ///
    /// ```
    /// let v = |n: i64| quarry::select(quarry::val(n));
    /// let c = v(1).intersect(v(2)).compile(&quarry::Postgres).unwrap();
    /// assert_eq!(c.sql, "SELECT $1 INTERSECT SELECT $2");
    /// ```
    pub fn compile(&self, dialect: &dyn Dialect) -> Result<Compiled> {
        query::compile_compound(&self.stmt, dialect, false)
    }

    /// The SQL with values inlined as literals, **for logs only**.
    ///
    /// ```
    /// let v = |n: i64| quarry::select(quarry::val(n));
    /// assert_eq!(v(1).union(v(2)).to_debug_sql(&quarry::Sqlite).unwrap(), "SELECT 1 UNION SELECT 2");
    /// ```
    pub fn to_debug_sql(&self, dialect: &dyn Dialect) -> Result<String> {
        query::compile_compound(&self.stmt, dialect, true).map(|c| c.sql)
    }
}

into_compiled_by_ref!(Compound);

impl<R> Insert<R> {
    /// Compiles to one statement; an insert that needs several (more values than the
    /// dialect binds in one statement) is an error here, while executing it splits it.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let q = quarry::insert("t").rows((0..40_000_i64).map(|i| quarry::Assign::new("a", i)));
    /// assert!(q.compile(&quarry::Sqlite).is_err());
    /// assert_eq!(q.compile_batches(&quarry::Sqlite).unwrap().len(), 2);
    /// ```
    pub fn compile(&self, dialect: &dyn Dialect) -> Result<Compiled> {
        let mut v = dml::compile_insert(&self.stmt, dialect, false)?;
        if v.len() != 1 {
            return Err(dml::needs_statements(v.len(), dialect));
        }
        Ok(v.remove(0))
    }

    /// Compiles to as many statements as the dialect's bound-parameter limit requires.
    ///
    /// ```
    /// let q = quarry::insert("t").values(quarry::Assign::new("a", 1_i64));
    /// assert_eq!(q.compile_batches(&quarry::Postgres).unwrap().len(), 1);
    /// ```
    pub fn compile_batches(&self, dialect: &dyn Dialect) -> Result<Vec<Compiled>> {
        dml::compile_insert(&self.stmt, dialect, false)
    }

    /// The SQL with values inlined as literals, **for logs only**.
    ///
    /// ```
    /// let q = quarry::insert("t").values(quarry::Assign::new("a", "it's"));
    /// assert_eq!(q.to_debug_sql(&quarry::Sqlite).unwrap(), "INSERT INTO t (a) VALUES ('it''s')");
    /// ```
    pub fn to_debug_sql(&self, dialect: &dyn Dialect) -> Result<String> {
        let v = dml::compile_insert(&self.stmt, dialect, true)?;
        Ok(v.into_iter().map(|c| c.sql).collect::<Vec<_>>().join(";\n"))
    }
}

impl<R> IntoCompiled for &Insert<R> {
    fn into_compiled(self, dialect: &dyn Dialect) -> Result<Compiled> {
        self.compile(dialect)
    }

    fn into_plan(self, dialect: &dyn Dialect) -> Result<Plan> {
        if dialect.features().bulk_copy && self.stmt.rows >= dml::COPY_MIN_ROWS {
            // A bulk copy beats multi-row INSERTs by far: worth copying the values for.
            return dml::plan_insert(Box::new(InsertStmt::clone(&self.stmt)), dialect);
        }
        let mut v = self.compile_batches(dialect)?;
        Ok(if v.len() == 1 {
            Plan::One(v.remove(0))
        } else {
            Plan::Batch(v)
        })
    }
}

impl<R> IntoCompiled for Insert<R> {
    /// Compiles, moving the values into the parameters (no copies).
    fn into_compiled(mut self, dialect: &dyn Dialect) -> Result<Compiled> {
        dml::insert_into_compiled(&mut self.stmt, dialect)
    }

    fn into_plan(self, dialect: &dyn Dialect) -> Result<Plan> {
        dml::plan_insert(self.stmt, dialect)
    }
}

impl<R> Update<R> {
    /// Compiles for `dialect`.
    ///
    /// ```
    /// let q = quarry::update("t").set("a", 1_i64);
    /// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, "UPDATE t SET a = $1");
    /// ```
    pub fn compile(&self, dialect: &dyn Dialect) -> Result<Compiled> {
        dml::compile_update(&self.stmt, dialect, false)
    }

    /// The SQL with values inlined as literals, **for logs only**.
    ///
    /// ```
    /// let q = quarry::update("t").set("a", "x");
    /// assert_eq!(q.to_debug_sql(&quarry::Postgres).unwrap(), "UPDATE t SET a = 'x'");
    /// ```
    pub fn to_debug_sql(&self, dialect: &dyn Dialect) -> Result<String> {
        dml::compile_update(&self.stmt, dialect, true).map(|c| c.sql)
    }
}

impl<R> IntoCompiled for &Update<R> {
    fn into_compiled(self, dialect: &dyn Dialect) -> Result<Compiled> {
        self.compile(dialect)
    }
}

/// By value, the values that SET binds move into the parameters rather than being copied.
impl<R> IntoCompiled for Update<R> {
    fn into_compiled(mut self, dialect: &dyn Dialect) -> Result<Compiled> {
        dml::compile_update_owned(&mut self.stmt, dialect)
    }
}

impl<R> Delete<R> {
    /// Compiles for `dialect`.
    ///
    /// ```
    /// assert_eq!(quarry::delete("t").compile(&quarry::Postgres).unwrap().sql, "DELETE FROM t");
    /// ```
    pub fn compile(&self, dialect: &dyn Dialect) -> Result<Compiled> {
        dml::compile_delete(&self.stmt, dialect, false)
    }

    /// The SQL with values inlined as literals, **for logs only**.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let id = quarry::Column::<i64>::new("t", "id");
    /// assert_eq!(delete("t").filter(id.eq(4)).to_debug_sql(&quarry::Postgres).unwrap(), "DELETE FROM t WHERE id = 4");
    /// ```
    pub fn to_debug_sql(&self, dialect: &dyn Dialect) -> Result<String> {
        dml::compile_delete(&self.stmt, dialect, true).map(|c| c.sql)
    }
}

into_compiled_by_ref!(Delete);

impl CreateTable {
    /// Compiles for `dialect`, validating the table first.
    ///
    /// ```
    /// let t = quarry::Table::new("t"); // no columns
    /// assert!(quarry::CreateTable::new(&t).compile(&quarry::Postgres).is_err());
    /// ```
    pub fn compile(&self, dialect: &dyn Dialect) -> Result<Compiled> {
        let opts = render::CreateTableOptions {
            if_not_exists: self.if_not_exists,
            skip_foreign_keys: &[],
        };
        render::compile(dialect, |w| render::create_table(w, &self.table, &opts))
    }
}

impl DropTable {
    /// Compiles for `dialect`.
    ///
    /// ```
    /// assert!(quarry::DropTable::new(&quarry::Table::new("")).compile(&quarry::Sqlite).is_err());
    /// ```
    pub fn compile(&self, dialect: &dyn Dialect) -> Result<Compiled> {
        let mut t = Table::new(self.name.clone());
        t.schema = self.schema.clone();
        render::compile(dialect, |w| {
            render::drop_table(w, &t, self.if_exists, self.cascade)
        })
    }
}

impl CreateIndex {
    /// Compiles for `dialect`, validating the index against the table.
    ///
    /// ```
    /// let t = quarry::Table::new("t").column(quarry::ColumnDef::new("a", quarry::SqlType::BigInt));
    /// let s = quarry::CreateIndex::new(&t, &quarry::Index::on("ix", ["missing"]));
    /// assert!(s.compile(&quarry::Sqlite).is_err());
    /// ```
    pub fn compile(&self, dialect: &dyn Dialect) -> Result<Compiled> {
        render::compile(dialect, |w| {
            render::create_index(w, &self.table, &self.index, self.if_not_exists)
        })
    }
}

impl DropIndex {
    /// Compiles for `dialect`.
    ///
    /// ```
    /// let s = quarry::DropIndex::new(&quarry::Table::new("t"), &quarry::Index::new(""));
    /// assert!(s.compile(&quarry::Sqlite).is_err());
    /// ```
    pub fn compile(&self, dialect: &dyn Dialect) -> Result<Compiled> {
        render::compile(dialect, |w| {
            render::drop_index(w, &self.table, &self.index, self.if_exists)
        })
    }
}

impl CreateType {
    /// Compiles for `dialect`.
    ///
    /// ```
    /// let quarry::SqlType::Enum(e) = quarry::SqlType::enumeration("e", Vec::<String>::new()) else { unreachable!() };
    /// assert!(quarry::CreateType::new(&e).compile(&quarry::Postgres).is_err()); // no values
    /// ```
    pub fn compile(&self, dialect: &dyn Dialect) -> Result<Compiled> {
        render::compile(dialect, |w| render::create_enum(w, &self.ty))
    }
}

impl DropType {
    /// Compiles for `dialect`.
    ///
    /// ```
    /// let quarry::SqlType::Enum(e) = quarry::SqlType::enumeration("e", ["a"]) else { unreachable!() };
    /// assert!(quarry::DropType::new(&e).compile(&quarry::MySql).is_err());
    /// ```
    pub fn compile(&self, dialect: &dyn Dialect) -> Result<Compiled> {
        render::compile(dialect, |w| render::drop_enum(w, &self.ty, self.if_exists))
    }
}

macro_rules! into_compiled {
    ($($t:ty),*) => {$(
        impl IntoCompiled for &$t {
            fn into_compiled(self, dialect: &dyn Dialect) -> Result<Compiled> {
                self.compile(dialect)
            }
        }
        impl IntoCompiled for $t {
            fn into_compiled(self, dialect: &dyn Dialect) -> Result<Compiled> {
                self.compile(dialect)
            }
        }
    )*};
}
into_compiled!(
    CreateTable,
    DropTable,
    CreateIndex,
    DropIndex,
    CreateType,
    DropType
);

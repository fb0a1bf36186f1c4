//! A random statement generator over one fixed two-table schema, shared by tests/gen_sql.rs
//! (every statement compiles and parses for every dialect, a sample runs live) and
//! tests/live_differential.rs (read queries return the same rows on SQLite, PostgreSQL and
//! MariaDB). Included with `#[path]` by those two files only.
//!
//! The generator is driven by a proptest strategy that draws a 64-bit seed; the statement is a
//! pure function of the seed (and the mode), so a failure names the seed that reproduces it.
//!
//! Two modes:
//! - [`Mode::Parse`]: everything quarry can build, including constructs some dialects refuse
//!   (FULL JOIN, DISTINCT ON, LATERAL, GROUPS frames, row locks, RETURNING, upserts) and
//!   constructs whose result differs between the databases (integer division, casts of
//!   floats to integers, case-sensitive LIKE).
//! - [`Mode::Differential`]: read queries only, restricted to constructs every database
//!   evaluates alike on the seeded data; each exclusion names the semantic difference it avoids
//!   (see [`Traps`]).
#![allow(dead_code)]

use proptest::prelude::*;
use quarry::expr::{BinaryOp, FuncCall, Nulls, UnaryOp};
use quarry::prelude::*;
use quarry::stmt::{
    Distinct, FromItem, FromItems, Join, JoinKind, Query, RowLock, SelectItem, SelectStmt, TableRef,
};
use quarry::{
    Assign, ColumnDef, Compiled, Compound, Cte, Delete, Dialect, DynColumn, Expr, Insert, MetaData,
    SqlType, Table, Update, Value, ValueType,
};

/// A `SelectStmt` with the given fields set, the others at their defaults
/// (`sel! { items, filter: Some(c) }`).
macro_rules! sel {
    (@v $f:ident $v:expr) => { $v };
    (@v $f:ident) => { $f };
    ($($f:ident $(: $v:expr)?),* $(,)?) => {{
        let mut s = SelectStmt::default();
        $( s.$f = sel!(@v $f $($v)?); )*
        s
    }};
}

/// What the generator may produce.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Any statement (reads and writes), for the parse and live-syntax checks.
    Parse,
    /// Read queries whose rows must agree across SQLite, PostgreSQL and MariaDB.
    Differential,
}

/// Constructs whose results differ between the databases for reasons that are theirs, not
/// quarry's. The differential test leaves them out (all `false`); setting one shows the
/// difference (`QUARRY_GEN_TRAPS=int_div,like,…` in tests/live_differential.rs).
#[derive(Clone, Copy, Debug, Default)]
pub struct Traps {
    /// `int / int`: PostgreSQL and SQLite truncate to an integer, MariaDB returns a DECIMAL
    /// with `div_precision_increment` (4) more digits.
    pub int_div: bool,
    /// Plain `LIKE`: case-insensitive for ASCII on SQLite (its default), case-sensitive on
    /// PostgreSQL and on MariaDB under a binary collation.
    pub like: bool,
    /// `CAST(float AS BIGINT)`: PostgreSQL rounds half to even, MariaDB rounds half away from
    /// zero, SQLite truncates toward zero.
    pub cast_float_int: bool,
    /// `x / 0` and `x % 0` without a NULLIF guard: an error on PostgreSQL, NULL on SQLite and
    /// MariaDB (in a SELECT, even under ERROR_FOR_DIVISION_BY_ZERO).
    pub div_zero: bool,
    /// `avg(integer)`: MariaDB computes a DECIMAL rounded to 4 digits
    /// (`div_precision_increment`) before quarry's CAST to DOUBLE; PostgreSQL and SQLite keep
    /// full precision.
    pub avg_int: bool,
}

impl Traps {
    /// Reads `QUARRY_GEN_TRAPS` (a comma-separated list of field names).
    pub fn from_env() -> Traps {
        let v = std::env::var("QUARRY_GEN_TRAPS").unwrap_or_default();
        let on = |n: &str| v.split(',').any(|x| x.trim() == n);
        Traps {
            int_div: on("int_div"),
            like: on("like"),
            cast_float_int: on("cast_float_int"),
            div_zero: on("div_zero"),
            avg_int: on("avg_int"),
        }
    }
}

/// A column's kind, for typing generated expressions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Int,
    Float,
    Text,
    Bool,
}

/// The fixed schema: `(column, kind, nullable)` of table `a` and table `b`.
pub const A_COLS: &[(&str, Kind, bool)] = &[
    ("id", Kind::Int, false),
    ("i", Kind::Int, true),
    ("n", Kind::Int, true),
    ("f", Kind::Float, true),
    ("s", Kind::Text, true),
    ("b", Kind::Bool, true),
];
pub const B_COLS: &[(&str, Kind, bool)] = &[
    ("id", Kind::Int, false),
    ("a_id", Kind::Int, true),
    ("k", Kind::Int, false),
    ("f", Kind::Float, true),
    ("s", Kind::Text, false),
];

/// The two tables `{prefix}a` and `{prefix}b` as declared for `dialect`. Text columns get a
/// binary collation so that comparisons, ordering, grouping and DISTINCT are case-sensitive
/// byte comparisons on every database: `utf8mb4_bin` on MariaDB (whose default collation
/// ignores case), `"C"` on PostgreSQL (the database's collation could be a linguistic one);
/// SQLite compares text bytewise by default.
pub fn tables(dialect: &dyn Dialect, prefix: &str) -> (Table, Table) {
    let text = |nullable: bool| {
        let ty = match dialect.name() {
            "mariadb" | "mysql" => {
                SqlType::Custom("VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin".into())
            }
            "postgresql" => SqlType::Custom("VARCHAR(20) COLLATE \"C\"".into()),
            _ => SqlType::Varchar(20),
        };
        (ty, nullable)
    };
    let build = |name: String, cols: &[(&str, Kind, bool)]| {
        let mut t = Table::new(name);
        for &(c, kind, nullable) in cols {
            let (ty, nullable) = match kind {
                Kind::Int if c == "id" => (SqlType::BigInt, false),
                Kind::Int if c == "i" || c == "k" => (SqlType::Integer, nullable),
                Kind::Int => (SqlType::BigInt, nullable),
                Kind::Float => (SqlType::Double, nullable),
                Kind::Text => text(nullable),
                Kind::Bool => (SqlType::Boolean, nullable),
            };
            let mut def = ColumnDef::new(c, ty);
            if c == "id" {
                def = def.primary_key();
            } else if !nullable {
                def = def.not_null();
            }
            t = t.column(def);
        }
        t
    };
    (
        build(format!("{prefix}a"), A_COLS),
        build(format!("{prefix}b"), B_COLS),
    )
}

/// The seed rows of `a`: NULLs in every nullable column, duplicates, negative numbers,
/// mixed-case and empty strings, `%` and `_` in strings. Floats are exact binary fractions so
/// that sums do not depend on the order of addition. Strings are ASCII without trailing
/// spaces (MariaDB's PAD SPACE collations compare `'a '` equal to `'a'`).
#[allow(clippy::type_complexity)]
pub fn a_rows() -> Vec<(
    i64,
    Option<i32>,
    Option<i64>,
    Option<f64>,
    Option<&'static str>,
    Option<bool>,
)> {
    vec![
        (1, Some(3), Some(100), Some(1.5), Some("abc"), Some(true)),
        (2, Some(-2), Some(-7), Some(-2.25), Some("Abc"), Some(false)),
        (3, None, Some(0), Some(0.0), Some(""), None),
        (4, Some(3), None, None, Some("ABC"), Some(true)),
        (5, Some(0), Some(42), Some(100.0), None, Some(false)),
        (6, Some(7), Some(100), Some(1.5), Some("abc"), Some(true)),
        (7, Some(-5), Some(-1000), Some(-0.5), Some("b%c"), None),
        (8, Some(1), Some(999), Some(3.75), Some("x_y"), Some(false)),
        (9, None, None, None, Some("zeta"), Some(true)),
        (10, Some(12), Some(5), Some(2.0), Some("Zeta"), Some(false)),
        (11, Some(-2), Some(-7), Some(-2.25), Some("b"), Some(true)),
        (12, Some(4), Some(8), Some(0.25), Some("a"), None),
    ]
}

/// The seed rows of `b` (`a_id` points at `a` rows, some twice, some nowhere).
#[allow(clippy::type_complexity)]
pub fn b_rows() -> Vec<(i64, Option<i64>, i32, Option<f64>, &'static str)> {
    vec![
        (1, Some(1), 10, Some(0.5), "abc"),
        (2, Some(1), -3, None, "ABC"),
        (3, Some(2), 0, Some(-1.75), ""),
        (4, Some(4), 7, Some(10.0), "b"),
        (5, None, 2, Some(2.5), "Abc"),
        (6, Some(6), 10, Some(0.5), "zeta"),
        (7, Some(6), -8, None, "a_c"),
        (8, Some(20), 5, Some(-4.0), "%"),
        (9, Some(9), 1, Some(1.25), "b"),
        (10, None, 0, Some(0.0), "q"),
        (11, Some(2), 3, Some(6.5), "Zeta"),
        (12, Some(12), -1, Some(-0.25), "x_y"),
        (13, Some(5), 4, None, "abc"),
        (14, Some(1), 10, Some(0.5), "ab"),
    ]
}

/// The INSERT statements that seed `a` and `b`.
pub fn seed(a: &Table, b: &Table) -> Vec<Insert> {
    let mut out = Vec::new();
    let av = a_rows().into_iter().map(|(id, i, n, f, s, bo)| {
        vec![
            Assign::new("id", id),
            Assign::new("i", Value::from(i)),
            Assign::new("n", Value::from(n)),
            Assign::new("f", Value::from(f)),
            Assign::new("s", Value::from(s.map(str::to_owned))),
            Assign::new("b", Value::from(bo)),
        ]
    });
    out.push(insert(TableRef::new(a)).rows(av));
    let bv = b_rows().into_iter().map(|(id, a_id, k, f, s)| {
        vec![
            Assign::new("id", id),
            Assign::new("a_id", Value::from(a_id)),
            Assign::new("k", k),
            Assign::new("f", Value::from(f)),
            Assign::new("s", s),
        ]
    });
    out.push(insert(TableRef::new(b)).rows(bv));
    out
}

/// The metadata of both tables (for create_all / drop_all).
pub fn metadata(a: &Table, b: &Table) -> MetaData {
    MetaData::new().with(a.clone()).with(b.clone())
}

/// A generated statement.
#[derive(Clone, Debug)]
pub enum Stmt {
    Select(Select),
    Compound(Compound),
    Insert(Insert),
    Update(Update),
    Delete(Delete),
}

impl Stmt {
    /// Compiles for `d`.
    pub fn compile(&self, d: &dyn Dialect) -> quarry::Result<Compiled> {
        match self {
            Stmt::Select(s) => s.compile(d),
            Stmt::Compound(s) => s.compile(d),
            Stmt::Insert(s) => s.compile(d),
            Stmt::Update(s) => s.compile(d),
            Stmt::Delete(s) => s.compile(d),
        }
    }

    /// The SQL with values written inline.
    pub fn debug_sql(&self, d: &dyn Dialect) -> quarry::Result<String> {
        match self {
            Stmt::Select(s) => s.to_debug_sql(d),
            Stmt::Compound(s) => s.to_debug_sql(d),
            Stmt::Insert(s) => s.to_debug_sql(d),
            Stmt::Update(s) => s.to_debug_sql(d),
            Stmt::Delete(s) => s.to_debug_sql(d),
        }
    }

    /// Whether the statement writes.
    pub fn is_write(&self) -> bool {
        matches!(self, Stmt::Insert(_) | Stmt::Update(_) | Stmt::Delete(_))
    }
}

/// A strategy of `(seed, statement)` pairs: the statement generated from the seed.
pub fn statements(
    mode: Mode,
    traps: Traps,
    prefix: &'static str,
) -> impl Strategy<Value = (u64, Stmt)> {
    any::<u64>().prop_map(move |seed| (seed, Gen::new(seed, mode, traps, prefix).statement()))
}

/// SplitMix64: small, deterministic, good enough to drive a generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// True with probability `pct` percent.
    fn pct(&mut self, pct: u64) -> bool {
        self.next() % 100 < pct
    }
    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }
}

/// A column in scope: its qualifier, name and kind.
#[derive(Clone, Debug)]
struct Col {
    qual: String,
    name: &'static str,
    kind: Kind,
}

impl Col {
    fn expr(&self) -> Expr {
        DynColumn::new(self.qual.clone(), self.name).into()
    }
}

/// The columns an expression may use, and the key columns that make an order total.
#[derive(Clone, Debug, Default)]
struct Scope {
    cols: Vec<Col>,
    keys: Vec<Expr>,
}

impl Scope {
    fn of(&self, k: Kind) -> Vec<&Col> {
        self.cols.iter().filter(|c| c.kind == k).collect()
    }
    fn has(&self, k: Kind) -> bool {
        self.cols.iter().any(|c| c.kind == k)
    }
    fn table(qual: &str, cols: &[(&'static str, Kind, bool)]) -> Scope {
        Scope {
            cols: cols
                .iter()
                .map(|&(name, kind, _)| Col {
                    qual: qual.to_owned(),
                    name,
                    kind,
                })
                .collect(),
            keys: vec![DynColumn::new(qual, "id").into()],
        }
    }
    fn merge(&mut self, other: Scope) {
        self.cols.extend(other.cols);
        self.keys.extend(other.keys);
    }
}

const INTS: &[i64] = &[0, 1, 2, 3, -1, -2, 5, 7, 10, 42, 100, -7];
const FLOATS: &[f64] = &[0.0, 0.5, 1.5, -2.25, 2.0, 100.0, -0.5, 3.75];
const TEXTS: &[&str] = &["abc", "Abc", "", "ABC", "b", "zeta", "x_y", "b%c", "q"];
const PATTERNS: &[&str] = &[
    "a%", "%b%", "_b%", "%C", "%", "A%", "%c", "b%", "%_%", "z___",
];

/// The generator: one per statement.
pub struct Gen {
    rng: Rng,
    mode: Mode,
    traps: Traps,
    prefix: &'static str,
    tables: (Table, Table),
    next_alias: usize,
}

impl Gen {
    /// A generator drawing from `seed`.
    pub fn new(seed: u64, mode: Mode, traps: Traps, prefix: &'static str) -> Gen {
        Gen {
            rng: Rng(seed),
            mode,
            traps,
            prefix,
            tables: tables(&quarry::Sqlite, prefix),
            next_alias: 0,
        }
    }

    fn parse_mode(&self) -> bool {
        self.mode == Mode::Parse
    }

    fn alias(&mut self, stem: &str) -> String {
        self.next_alias += 1;
        format!("{stem}{}", self.next_alias)
    }

    fn table_name(&self, which: char) -> String {
        format!("{}{which}", self.prefix)
    }

    /// Table `a` or `b` with its metadata (which quarry uses for DEFAULT on SQLite and for
    /// the upsert's unique key on the MySQL family).
    fn table_ref(&self, which: char) -> TableRef {
        TableRef::new(if which == 'a' {
            &self.tables.0
        } else {
            &self.tables.1
        })
    }

    fn table_cols(which: char) -> &'static [(&'static str, Kind, bool)] {
        if which == 'a' {
            A_COLS
        } else {
            B_COLS
        }
    }

    /// One statement of the mode.
    pub fn statement(&mut self) -> Stmt {
        if self.parse_mode() {
            match self.rng.below(10) {
                0 => return self.insert(),
                1 => return self.update(),
                2 => return self.delete(),
                _ => {}
            }
        }
        self.query()
    }

    /// A read query: plain, grouped or compound.
    pub fn query(&mut self) -> Stmt {
        match self.rng.below(10) {
            0..=4 => Stmt::Select(Select::from_stmt(self.plain_select(2, true))),
            5..=7 => Stmt::Select(Select::from_stmt(self.grouped_select(2))),
            _ => Stmt::Compound(self.compound(2)),
        }
    }

    // ---- FROM ----

    /// A FROM clause: a table, a CTE or a derived table, then up to two joins. Returns the
    /// statement's CTEs too.
    fn make_from(&mut self, depth: u32) -> (FromItems, Vec<Join>, Vec<Cte>, Scope) {
        let mut ctes = Vec::new();
        let which = if self.rng.pct(60) { 'a' } else { 'b' };
        let cols = Self::table_cols(which);
        let t0 = self.alias("t");
        let base = match self.rng.below(10) {
            0..=6 => FromItem::Table(self.table_ref(which).alias(t0.clone())),
            7 | 8 if depth > 0 => {
                let name = self.alias("cte");
                let body = self.source_body(which, depth - 1);
                ctes.push(Cte::new(name.clone(), Query::from(body)));
                FromItem::Table(TableRef::named(name).alias(t0.clone()))
            }
            _ if depth > 0 => FromItem::Subquery {
                query: Box::new(Query::from(self.source_body(which, depth - 1))),
                alias: t0.clone().into(),
                lateral: false,
            },
            _ => FromItem::Table(self.table_ref(which).alias(t0.clone())),
        };
        let mut scope = Scope::table(&t0, cols);
        let mut joins = Vec::new();
        let n_joins = match self.rng.below(10) {
            0..=4 => 0,
            5..=8 => 1,
            _ => 2,
        };
        for _ in 0..n_joins {
            let which = if self.rng.pct(60) { 'b' } else { 'a' };
            let alias = self.alias("t");
            let right = Scope::table(&alias, Self::table_cols(which));
            let kinds: &[JoinKind] = if self.parse_mode() {
                &[
                    JoinKind::Inner,
                    JoinKind::Inner,
                    JoinKind::Left,
                    JoinKind::Left,
                    JoinKind::Right,
                    JoinKind::Full,
                    JoinKind::Cross,
                ]
            } else {
                // FULL JOIN is emulated on MariaDB only where exact (refused elsewhere): left to the
                // parse mode; tests/live_full_join.rs runs it.
                &[
                    JoinKind::Inner,
                    JoinKind::Inner,
                    JoinKind::Left,
                    JoinKind::Left,
                    JoinKind::Right,
                    JoinKind::Cross,
                ]
            };
            let kind = self.rng.pick(kinds);
            // The usual link: an integer column of the new table equals one in scope.
            let on = if kind == JoinKind::Cross {
                None
            } else {
                let l = self.rng.pick(&right.of(Kind::Int)).expr();
                let r = self.rng.pick(&scope.of(Kind::Int)).expr();
                let mut on = l.eq(r).into_expr();
                if self.rng.pct(25) {
                    let mut both = scope.clone();
                    both.merge(right.clone());
                    on = Expr::And(vec![on, self.cond(&both, 1)]);
                }
                Some(on)
            };
            let item = if self.parse_mode() && depth > 0 && self.rng.pct(8) {
                // A LATERAL derived table (refused on MariaDB and SQLite).
                let body = self.source_body(which, 0);
                FromItem::Subquery {
                    query: Box::new(Query::from(body)),
                    alias: alias.clone().into(),
                    lateral: true,
                }
            } else {
                FromItem::Table(self.table_ref(which).alias(alias.clone()))
            };
            joins.push(Join { kind, item, on });
            scope.merge(right);
        }
        (FromItems::from(vec![base]), joins, ctes, scope)
    }

    /// `SELECT <every column> FROM <table> [WHERE …]`: the body of a CTE or derived table, with
    /// the table's own columns so that it stands in for the table.
    fn source_body(&mut self, which: char, depth: u32) -> SelectStmt {
        let alias = self.alias("s");
        let scope = Scope::table(&alias, Self::table_cols(which));
        let mut s = sel! {
            items: scope
                .cols
                .iter()
                .map(|c| SelectItem {
                    expr: c.expr(),
                    alias: Some(c.name.into()),
                })
                .collect(),
            from: FromItems::from(vec![FromItem::Table(
                self.table_ref(which).alias(alias),
            )]),
        };
        if self.rng.pct(60) {
            s.filter = Some(self.cond(&scope, depth.min(1)));
        }
        s
    }

    // ---- SELECT shapes ----

    /// The kinds of a select list: 1 to 4, among those the scope can give (and Bool).
    fn item_kinds(&mut self, scope: &Scope) -> Vec<Kind> {
        let n = 1 + self.rng.below(4);
        (0..n).map(|_| self.kind_in(scope)).collect()
    }

    /// A kind the scope has a column of (or Bool, always available as a condition).
    fn kind_in(&mut self, scope: &Scope) -> Kind {
        let mut ks: Vec<Kind> = [Kind::Int, Kind::Float, Kind::Text]
            .into_iter()
            .filter(|k| scope.has(*k))
            .collect();
        ks.push(Kind::Bool);
        ks.push(Kind::Int);
        self.rng.pick(&ks)
    }

    /// ORDER BY every output column by its label, NULLs placed explicitly: the order is total
    /// over what the query returns (rows equal in every column are indistinguishable).
    fn order_by_labels(&mut self, n: usize) -> Vec<OrderBy> {
        (0..n)
            .map(|i| {
                let mut o = OrderBy::asc(DynColumn::new("", format!("c{i}")));
                o.desc = self.rng.pct(30);
                o.nulls = Some(if self.rng.pct(50) {
                    Nulls::First
                } else {
                    Nulls::Last
                });
                o
            })
            .collect()
    }

    /// ORDER BY every output expression (as [`Gen::order_by_labels`], by expression).
    fn order_by_exprs(&mut self, items: &[SelectItem]) -> Vec<OrderBy> {
        let mut v = self.order_by_labels(items.len());
        assert_eq!(v.len(), items.len(), "an ORDER BY term for every output");
        for (o, i) in v.iter_mut().zip(items) {
            // A bare value too (MariaDB read a bound `ORDER BY ?` of 10 as the 10th column,
            // error 1054, before quarry wrote it `COALESCE(?, NULL)`).
            o.expr = i.expr.clone();
        }
        v
    }

    fn limit_offset(&mut self, s: &mut SelectStmt) {
        if self.rng.pct(25) {
            s.limit = Some(1 + self.rng.below(8) as u64);
        }
        if self.rng.pct(12) {
            s.offset = Some(self.rng.below(5) as u64);
        }
    }

    /// A non-aggregate SELECT; `top` adds ORDER BY / LIMIT (not in compound members).
    fn plain_select(&mut self, depth: u32, top: bool) -> SelectStmt {
        let (from, joins, ctes, scope) = self.make_from(depth);
        let kinds = self.item_kinds(&scope);
        self.select_over(from, joins, ctes, scope, &kinds, depth, top)
    }

    #[allow(clippy::too_many_arguments)]
    fn select_over(
        &mut self,
        from: FromItems,
        joins: Vec<Join>,
        ctes: Vec<Cte>,
        scope: Scope,
        kinds: &[Kind],
        depth: u32,
        top: bool,
    ) -> SelectStmt {
        let mut items: Vec<SelectItem> = kinds
            .iter()
            .enumerate()
            .map(|(i, k)| SelectItem {
                expr: self.scalar(&scope, *k, depth),
                alias: Some(format!("c{i}").into()),
            })
            .collect();
        let mut windows = Vec::new();
        let windowed = top && self.rng.pct(25);
        if windowed {
            let (e, named) = self.window_item(&scope);
            if let Some(w) = named {
                windows.push(w);
            }
            let i = items.len();
            items.push(SelectItem {
                expr: e,
                alias: Some(format!("c{i}").into()),
            });
        }
        let mut s = sel! {
            ctes,
            items,
            from,
            joins,
            windows,
        };
        if self.rng.pct(70) {
            s.filter = Some(self.cond(&scope, depth));
        }
        if top {
            if !windowed && self.rng.pct(15) {
                s.distinct = Distinct::All;
            } else if self.parse_mode() && self.rng.pct(5) {
                // PostgreSQL only.
                let c = scope.cols[self.rng.below(scope.cols.len())].expr();
                s.distinct = Distinct::On(vec![c]);
            } else if self.rng.pct(30) {
                // A sort key that is not an output column, before the labels.
                let k = self.cmp_kind(&scope);
                let c = self.rng.pick(&scope.of(k));
                let mut o = OrderBy::asc(c.expr());
                o.desc = self.rng.pct(50);
                o.nulls = Some(if self.rng.pct(50) {
                    Nulls::First
                } else {
                    Nulls::Last
                });
                s.order_by.push(o);
            }
            if let Distinct::On(on) = &s.distinct {
                s.order_by.push(OrderBy::asc(on[0].clone()));
            }
            // With DISTINCT, PostgreSQL sorts only by output columns: by label then (the same
            // expression with its own parameters would be another expression to it).
            let terms = if s.distinct == Distinct::All {
                self.order_by_labels(s.items.len())
            } else {
                let items = s.items.clone();
                self.order_by_exprs(&items)
            };
            s.order_by.extend(terms);
            self.limit_offset(&mut s);
            if self.parse_mode() && self.rng.pct(5) && s.distinct == Distinct::None {
                s.lock = Some(match self.rng.below(3) {
                    0 => RowLock::update(),
                    1 => RowLock::share().nowait(),
                    _ => RowLock::update().skip_locked(),
                });
            }
        }
        s
    }

    /// A GROUP BY query (or a global aggregate): group keys are columns; the select list holds
    /// expressions over the keys and aggregates over the whole scope.
    fn grouped_select(&mut self, depth: u32) -> SelectStmt {
        let (from, joins, ctes, scope) = self.make_from(depth);
        let n_keys = self.rng.below(3);
        let mut keys: Vec<Col> = Vec::new();
        for _ in 0..n_keys {
            let c = scope.cols[self.rng.below(scope.cols.len())].clone();
            if !keys.iter().any(|k| k.qual == c.qual && k.name == c.name) {
                keys.push(c);
            }
        }
        let grouped = Scope {
            cols: keys.clone(),
            keys: Vec::new(),
        };
        let mut items = Vec::new();
        for k in &keys {
            let e = if self.rng.pct(70) {
                k.expr()
            } else {
                self.scalar(&grouped, k.kind, 0)
            };
            items.push(e);
        }
        for _ in 0..1 + self.rng.below(3) {
            items.push(self.aggregate(&scope, depth));
        }
        let mut s = sel! {
            ctes,
            items: items
                .into_iter()
                .enumerate()
                .map(|(i, expr)| SelectItem {
                    expr,
                    alias: Some(format!("c{i}").into()),
                })
                .collect(),
            from,
            joins,
            group_by: keys.iter().map(Col::expr).collect(),
        };
        if self.rng.pct(50) {
            s.filter = Some(self.cond(&scope, depth));
        }
        if self.rng.pct(35) {
            let agg = self.aggregate_of(&scope, Kind::Int, depth);
            let op = self
                .rng
                .pick(&[BinaryOp::Gt, BinaryOp::Ge, BinaryOp::Lt, BinaryOp::Ne]);
            let lit = self.lit(Kind::Int);
            let mut h = Expr::Binary(Box::new((agg, lit)), op);
            if !grouped.cols.is_empty() && self.rng.pct(40) {
                h = Expr::Or(vec![h, self.cond(&grouped, 0)]);
            }
            s.having = Some(h);
        }
        // By label half the time: an aggregate's label under the NULLS FIRST / LAST emulation
        // (which MariaDB refused as `label IS NULL`, error 1247, before quarry wrote the
        // aggregate there instead).
        s.order_by = if self.rng.pct(50) {
            self.order_by_labels(s.items.len())
        } else {
            let items = s.items.clone();
            self.order_by_exprs(&items)
        };
        self.limit_offset(&mut s);
        s
    }

    /// Two or three members of one shape joined by set operators, ordered by the labels.
    fn compound(&mut self, depth: u32) -> Compound {
        // Members may have CTEs (which MariaDB refused parenthesized, `(WITH …) UNION …`,
        // error 1064, before quarry wrapped such a member as a derived table there).
        let (from, joins, ctes, scope) = self.make_from(depth);
        let kinds = self.item_kinds(&scope);
        let first = self.select_over(from, joins, ctes, scope, &kinds, 1, false);
        let mut c: Option<Compound> = None;
        let mut acc = Select::from_stmt(first);
        for _ in 0..1 + self.rng.below(2) {
            let (from, joins, ctes, scope) = self.make_from(depth);
            // The member's kinds must match the first member's: use literals where the
            // member's scope lacks a kind (NULL-free, so the types stay the same).
            let member = self.select_over(from, joins, ctes, scope, &kinds, 0, false);
            let member = Select::from_stmt(member);
            let op = self.rng.below(4);
            c = Some(match c.take() {
                None => match op {
                    0 => acc.clone().union(member),
                    1 => acc.clone().union_all(member),
                    2 => acc.clone().intersect(member),
                    _ => acc.clone().except(member),
                },
                Some(c) => match op {
                    0 => c.union(member),
                    1 => c.union_all(member),
                    2 => c.intersect(member),
                    _ => c.except(member),
                },
            });
            acc = Select::new();
        }
        let mut c = c.expect("at least one member");
        let order = self.order_by_labels(kinds.len());
        c = c.order_by(order);
        if self.rng.pct(25) {
            c = c.limit(1 + self.rng.below(8) as u64);
        }
        if self.rng.pct(10) {
            c = c.offset(self.rng.below(4) as u64);
        }
        c
    }

    // ---- expressions ----

    fn lit(&mut self, k: Kind) -> Expr {
        Expr::Value(match k {
            Kind::Int => Value::I64(self.rng.pick(INTS)),
            Kind::Float => Value::F64(self.rng.pick(FLOATS)),
            Kind::Text => Value::Text(self.rng.pick(TEXTS).to_owned()),
            Kind::Bool => Value::Bool(self.rng.pct(50)),
        })
    }

    fn null(k: Kind) -> Expr {
        Expr::Value(Value::Null(match k {
            Kind::Int => ValueType::I64,
            Kind::Float => ValueType::F64,
            Kind::Text => ValueType::Text,
            Kind::Bool => ValueType::Bool,
        }))
    }

    /// A column of kind `k` from the scope, or a literal when it has none.
    fn leaf(&mut self, scope: &Scope, k: Kind) -> Expr {
        let cols = scope.of(k);
        if !cols.is_empty() && self.rng.pct(75) {
            self.rng.pick(&cols).expr()
        } else if k == Kind::Bool {
            self.cond(scope, 0)
        } else {
            self.lit(k)
        }
    }

    fn func(name: &str, args: Vec<Expr>) -> Expr {
        Expr::Func(Box::new(FuncCall::new(name.to_owned(), args)))
    }

    /// `NULLIF(x, 0)`: the divisor guard that makes division by zero NULL everywhere.
    fn nonzero(&mut self, x: Expr, k: Kind) -> Expr {
        if self.traps.div_zero || (self.parse_mode() && self.rng.pct(50)) {
            return x;
        }
        let zero = if k == Kind::Float {
            Value::F64(0.0)
        } else {
            Value::I64(0)
        };
        nullif(TypedExpr::<quarry::Value>::new(x), Expr::Value(zero)).into_expr()
    }

    /// A scalar (non-aggregate) expression of kind `k` over `scope`.
    fn scalar(&mut self, scope: &Scope, k: Kind, depth: u32) -> Expr {
        if depth == 0 || self.rng.pct(35) {
            return match k {
                Kind::Text => self.text_leafish(scope),
                _ => self.leaf(scope, k),
            };
        }
        let d = depth - 1;
        match k {
            Kind::Int => match self.rng.below(12) {
                0 => {
                    let op = self.rng.pick(&[BinaryOp::Add, BinaryOp::Sub]);
                    Expr::Binary(
                        Box::new((
                            self.scalar(scope, Kind::Int, d),
                            self.scalar(scope, Kind::Int, d),
                        )),
                        op,
                    )
                }
                1 => {
                    // Products of leaves only: nested products overflow PostgreSQL's 32-bit
                    // INTEGER where MariaDB and SQLite compute in 64 bits.
                    Expr::Binary(
                        Box::new((self.leaf(scope, Kind::Int), self.leaf(scope, Kind::Int))),
                        BinaryOp::Mul,
                    )
                }
                2 => {
                    let r = self.leaf(scope, Kind::Int);
                    let r = self.nonzero(r, Kind::Int);
                    Expr::Binary(Box::new((self.leaf(scope, Kind::Int), r)), BinaryOp::Mod)
                }
                3 if self.traps.int_div || self.parse_mode() => {
                    let r = self.leaf(scope, Kind::Int);
                    let r = self.nonzero(r, Kind::Int);
                    Expr::Binary(Box::new((self.leaf(scope, Kind::Int), r)), BinaryOp::Div)
                }
                4 => Expr::Unary(UnaryOp::Neg, Box::new(self.scalar(scope, Kind::Int, d))),
                5 => Self::func("abs", vec![self.scalar(scope, Kind::Int, d)]),
                6 if scope.has(Kind::Text) => {
                    let t = self.text(scope, d);
                    length(TypedExpr::<String>::new(t)).into_expr()
                }
                7 => {
                    let x = self.scalar(scope, Kind::Int, d);
                    let fb = self.lit(Kind::Int);
                    coalesce(TypedExpr::<quarry::Value>::new(x), fb).into_expr()
                }
                8 => self.case(scope, Kind::Int, d),
                9 if self.traps.cast_float_int || self.parse_mode() => {
                    let f = self.scalar(scope, Kind::Float, d);
                    cast::<i64>(f, SqlType::BigInt).into_expr()
                }
                10 if d > 0 => self.scalar_subquery(scope, Kind::Int),
                _ => self.leaf(scope, Kind::Int),
            },
            Kind::Float => match self.rng.below(9) {
                0 | 1 => {
                    let op = self
                        .rng
                        .pick(&[BinaryOp::Add, BinaryOp::Sub, BinaryOp::Mul]);
                    let r = if self.rng.pct(30) {
                        self.scalar(scope, Kind::Int, d)
                    } else {
                        self.scalar(scope, Kind::Float, d)
                    };
                    Expr::Binary(Box::new((self.scalar(scope, Kind::Float, d), r)), op)
                }
                2 => {
                    let r = self.scalar(scope, Kind::Float, d);
                    let r = self.nonzero(r, Kind::Float);
                    Expr::Binary(
                        Box::new((self.scalar(scope, Kind::Float, d), r)),
                        BinaryOp::Div,
                    )
                }
                3 => cast::<f64>(self.scalar(scope, Kind::Int, d), SqlType::Double).into_expr(),
                4 => Self::func("abs", vec![self.scalar(scope, Kind::Float, d)]),
                5 => {
                    let x = self.scalar(scope, Kind::Float, d);
                    let fb = self.lit(Kind::Float);
                    coalesce(TypedExpr::<quarry::Value>::new(x), fb).into_expr()
                }
                6 => self.case(scope, Kind::Float, d),
                7 => Expr::Unary(UnaryOp::Neg, Box::new(self.scalar(scope, Kind::Float, d))),
                _ => self.leaf(scope, Kind::Float),
            },
            Kind::Text => self.text(scope, depth),
            Kind::Bool => self.cond(scope, depth),
        }
    }

    /// A text expression at depth 0: a text column, or (without one) something that still
    /// carries a column's collation where it can.
    fn text_leafish(&mut self, scope: &Scope) -> Expr {
        let cols = scope.of(Kind::Text);
        if cols.is_empty() {
            if self.parse_mode() {
                return self.lit(Kind::Text);
            }
            // Text from an integer column: no collation question (digits and '-' only).
            let i = self.leaf(scope, Kind::Int);
            return cast::<String>(i, SqlType::Varchar(20)).into_expr();
        }
        self.rng.pick(&cols).expr()
    }

    /// A text expression whose collation is a column's (literals only beside a column), so
    /// that comparisons and ordering are bytewise on every database.
    fn text(&mut self, scope: &Scope, depth: u32) -> Expr {
        if depth == 0 || !scope.has(Kind::Text) {
            return self.text_leafish(scope);
        }
        let d = depth - 1;
        match self.rng.below(7) {
            0 => lower(TypedExpr::<String>::new(self.text(scope, d))).into_expr(),
            1 => upper(TypedExpr::<String>::new(self.text(scope, d))).into_expr(),
            2 => {
                let r = if self.rng.pct(50) {
                    self.lit(Kind::Text)
                } else {
                    self.text(scope, d)
                };
                TypedExpr::<String>::new(self.text(scope, d))
                    .concat(r)
                    .into_expr()
            }
            3 => {
                let x = self.text(scope, d);
                let fb = self.lit(Kind::Text);
                coalesce(TypedExpr::<quarry::Value>::new(x), fb).into_expr()
            }
            4 => {
                let c = self.cond(scope, d);
                let t = self.text(scope, d);
                let e = self.lit(Kind::Text);
                let (t, e) = if self.rng.pct(50) { (t, e) } else { (e, t) };
                Expr::Case {
                    operand: None,
                    whens: vec![(c, t)],
                    otherwise: Some(Box::new(e)),
                }
            }
            _ => self.text_leafish(scope),
        }
    }

    /// A searched or simple CASE of kind `k`.
    fn case(&mut self, scope: &Scope, k: Kind, d: u32) -> Expr {
        if self.rng.pct(30) {
            let operand = self.leaf(scope, Kind::Int);
            let whens = (0..1 + self.rng.below(2))
                .map(|_| (self.lit(Kind::Int), self.scalar(scope, k, d)))
                .collect();
            return Expr::Case {
                operand: Some(Box::new(operand)),
                whens,
                otherwise: self.rng.pct(60).then(|| Box::new(self.scalar(scope, k, d))),
            };
        }
        let whens = (0..1 + self.rng.below(2))
            .map(|_| (self.cond(scope, d), self.scalar(scope, k, d)))
            .collect();
        Expr::Case {
            operand: None,
            whens,
            otherwise: self.rng.pct(60).then(|| Box::new(self.scalar(scope, k, d))),
        }
    }

    /// A condition over `scope`.
    fn cond(&mut self, scope: &Scope, depth: u32) -> Expr {
        let d = depth.saturating_sub(1);
        let choice = if depth == 0 {
            self.rng.below(7)
        } else {
            self.rng.below(14)
        };
        match choice {
            0..=2 => {
                let k = self.cmp_kind(scope);
                let l = self.scalar(scope, k, d);
                let r = if self.rng.pct(8) {
                    Self::null(k)
                } else if self.rng.pct(60) {
                    self.lit(k)
                } else {
                    self.scalar(scope, k, d)
                };
                let op = self.rng.pick(&[
                    BinaryOp::Eq,
                    BinaryOp::Ne,
                    BinaryOp::Lt,
                    BinaryOp::Le,
                    BinaryOp::Gt,
                    BinaryOp::Ge,
                ]);
                Expr::Binary(Box::new((l, r)), op)
            }
            3 => {
                let k = self.nullable_kind(scope);
                let x = self.scalar(scope, k, d);
                Expr::IsNull(Box::new(x), self.rng.pct(50))
            }
            4 => {
                let k = self.cmp_kind(scope);
                let x = self.scalar(scope, k, d);
                let n = 1 + self.rng.below(4);
                let list = (0..n)
                    .map(|_| {
                        if self.rng.pct(10) {
                            Self::null(k)
                        } else {
                            self.lit(k)
                        }
                    })
                    .collect();
                Expr::InList {
                    expr: Box::new(x),
                    list,
                    negated: self.rng.pct(30),
                }
            }
            5 => {
                let k = self.rng.pick(&[Kind::Int, Kind::Float]);
                let x = self.scalar(scope, k, d);
                let (lo, hi) = (self.lit(k), self.lit(k));
                Expr::Between {
                    expr: Box::new(x),
                    low: Box::new(lo),
                    high: Box::new(hi),
                    negated: self.rng.pct(30),
                }
            }
            6 if scope.has(Kind::Text) => {
                let x = self.text(scope, d);
                let ci = !(self.traps.like || self.parse_mode()) || self.rng.pct(30);
                let escape = (self.parse_mode() && self.rng.pct(10)).then_some('!');
                Expr::Like {
                    expr: Box::new(x),
                    pattern: Box::new(Expr::Value(Value::Text(self.rng.pick(PATTERNS).to_owned()))),
                    escape,
                    case_insensitive: ci,
                    negated: self.rng.pct(25),
                }
            }
            6 => self.leaf(scope, Kind::Bool),
            7 | 8 => {
                let n = 2 + self.rng.below(2);
                let v = (0..n).map(|_| self.cond(scope, d)).collect();
                if self.rng.pct(50) {
                    Expr::And(v)
                } else {
                    Expr::Or(v)
                }
            }
            9 => Expr::Unary(UnaryOp::Not, Box::new(self.cond(scope, d))),
            10 if scope.has(Kind::Bool) => {
                let b = self.rng.pick(&scope.of(Kind::Bool)).expr();
                if self.rng.pct(50) {
                    b
                } else {
                    Expr::Binary(Box::new((b, self.lit(Kind::Bool))), BinaryOp::Eq)
                }
            }
            11 => self.exists(scope),
            12 => self.in_query(scope),
            _ => {
                let k = self.cmp_kind(scope);
                let l = self.scalar(scope, k, d);
                let r = self.scalar(scope, k, d);
                Expr::Binary(Box::new((l, r)), BinaryOp::Ne)
            }
        }
    }

    /// A kind to compare: one the scope has a column of, else Int.
    fn cmp_kind(&mut self, scope: &Scope) -> Kind {
        let ks: Vec<Kind> = [Kind::Int, Kind::Float, Kind::Text]
            .into_iter()
            .filter(|k| scope.has(*k))
            .collect();
        if ks.is_empty() {
            Kind::Int
        } else {
            self.rng.pick(&ks)
        }
    }

    fn nullable_kind(&mut self, scope: &Scope) -> Kind {
        self.cmp_kind(scope)
    }

    /// An inner scope over a fresh alias of a table, with a condition correlating it to the
    /// outer scope where the outer scope has an integer column.
    fn inner(&mut self, outer: &Scope) -> (char, String, Scope, Option<Expr>) {
        let which = if self.rng.pct(60) { 'b' } else { 'a' };
        let alias = self.alias("sq");
        let inner = Scope::table(&alias, Self::table_cols(which));
        let corr = if outer.has(Kind::Int) && self.rng.pct(60) {
            let o = self.rng.pick(&outer.of(Kind::Int)).expr();
            let link = if which == 'b' { "a_id" } else { "id" };
            Some(DynColumn::new(alias.clone(), link).eq(o).into_expr())
        } else {
            None
        };
        (which, alias, inner, corr)
    }

    fn inner_filter(&mut self, inner: &Scope, corr: Option<Expr>) -> Option<Expr> {
        let own = self.rng.pct(60).then(|| self.cond(inner, 1));
        match (corr, own) {
            (Some(a), Some(b)) => Some(Expr::And(vec![a, b])),
            (a, b) => a.or(b),
        }
    }

    fn exists(&mut self, outer: &Scope) -> Expr {
        let (which, alias, inner, corr) = self.inner(outer);
        let filter = self.inner_filter(&inner, corr);
        let q = sel! {
            items: vec![SelectItem {
                expr: DynColumn::new(alias.clone(), "id").into(),
                alias: None,
            }],
            from: FromItems::from(vec![FromItem::Table(
                self.table_ref(which).alias(alias),
            )]),
            filter,
        };
        Expr::Exists(Box::new(Query::from(q)), self.rng.pct(30))
    }

    fn in_query(&mut self, outer: &Scope) -> Expr {
        let (which, alias, inner, corr) = self.inner(outer);
        let k = self.cmp_kind(&inner);
        let k = if outer.has(k) { k } else { Kind::Int };
        let item = self.leaf(&inner, k);
        let x = self.scalar(outer, k, 0);
        let filter = self.inner_filter(&inner, corr);
        let q = sel! {
            items: vec![SelectItem {
                expr: item,
                alias: None,
            }],
            from: FromItems::from(vec![FromItem::Table(
                self.table_ref(which).alias(alias),
            )]),
            filter,
        };
        Expr::InQuery {
            expr: Box::new(x),
            query: Box::new(Query::from(q)),
            negated: self.rng.pct(30),
        }
    }

    /// A scalar subquery of one row: an aggregate over a correlated inner table.
    fn scalar_subquery(&mut self, outer: &Scope, k: Kind) -> Expr {
        let (which, alias, inner, corr) = self.inner(outer);
        let filter = self.inner_filter(&inner, corr);
        let item = self.aggregate_of(&inner, k, 0);
        let q = sel! {
            items: vec![SelectItem {
                expr: item,
                alias: None,
            }],
            from: FromItems::from(vec![FromItem::Table(
                self.table_ref(which).alias(alias),
            )]),
            filter,
        };
        Expr::Subquery(Box::new(Query::from(q)))
    }

    // ---- aggregates and windows ----

    /// An aggregate of any kind over `scope`.
    fn aggregate(&mut self, scope: &Scope, depth: u32) -> Expr {
        let k = self
            .rng
            .pick(&[Kind::Int, Kind::Int, Kind::Float, Kind::Text]);
        let k = if k == Kind::Text && !scope.has(Kind::Text) {
            Kind::Int
        } else {
            k
        };
        self.aggregate_of(scope, k, depth)
    }

    /// An aggregate of kind `k` (Int, Float or Text) over `scope`, sometimes with FILTER.
    fn aggregate_of(&mut self, scope: &Scope, k: Kind, depth: u32) -> Expr {
        let d = depth.min(1);
        let e: TypedExpr<quarry::Value> = match k {
            Kind::Int | Kind::Bool => match self.rng.below(6) {
                0 => count_star().retype(),
                1 => count(self.scalar(scope, Kind::Int, d)).retype(),
                2 => {
                    let k = self.cmp_kind(scope);
                    count_distinct(self.scalar(scope, k, d)).retype()
                }
                3 => sum(TypedExpr::<i64>::new(self.scalar(scope, Kind::Int, d))).retype(),
                4 => min(TypedExpr::<i64>::new(self.scalar(scope, Kind::Int, d))).retype(),
                _ => max(TypedExpr::<i64>::new(self.scalar(scope, Kind::Int, d))).retype(),
            },
            Kind::Float => match self.rng.below(4) {
                0 => sum(TypedExpr::<f64>::new(self.scalar(scope, Kind::Float, d))).retype(),
                1 => avg(TypedExpr::<f64>::new(self.scalar(scope, Kind::Float, d))).retype(),
                2 if self.traps.avg_int || self.parse_mode() => {
                    avg(TypedExpr::<i64>::new(self.scalar(scope, Kind::Int, d))).retype()
                }
                _ => max(TypedExpr::<f64>::new(self.scalar(scope, Kind::Float, d))).retype(),
            },
            Kind::Text => {
                let t = TypedExpr::<String>::new(self.text(scope, d));
                if self.rng.pct(50) {
                    min(t).retype()
                } else {
                    max(t).retype()
                }
            }
        };
        if self.rng.pct(15) {
            let c = self.cond(scope, 0);
            e.filter(c).into_expr()
        } else {
            e.into_expr()
        }
    }

    /// A window function item; with a named window (`WINDOW w AS (…)`) sometimes.
    fn window_item(&mut self, scope: &Scope) -> (Expr, Option<(quarry::expr::Name, Window)>) {
        let mut w = Window::new();
        if self.rng.pct(50) {
            let c = scope.cols[self.rng.below(scope.cols.len())].expr();
            w = w.partition_by(c);
        }
        let ordered = self.rng.pct(80);
        if ordered {
            let k = self.cmp_kind(scope);
            let mut o = OrderBy::asc(self.scalar(scope, k, 0));
            o.desc = self.rng.pct(40);
            o.nulls = Some(if self.rng.pct(50) {
                Nulls::First
            } else {
                Nulls::Last
            });
            w = w.order_by(o);
            // The keys make the order within a partition total (row_number, lag, ROWS frames).
            for key in &scope.keys {
                let mut o = OrderBy::asc(key.clone());
                o.nulls = Some(Nulls::First);
                w = w.order_by(o);
            }
        }
        let f: TypedExpr<quarry::Value> = match self.rng.below(7) {
            0 if ordered => row_number().retype(),
            1 if ordered => func("rank", ()),
            2 if ordered => func("dense_rank", ()),
            3 if ordered => func("lag", vec![self.leaf(scope, Kind::Int)]),
            4 => sum(TypedExpr::<i64>::new(self.leaf(scope, Kind::Int))).retype(),
            5 => count_star().retype(),
            _ => max(TypedExpr::<i64>::new(self.leaf(scope, Kind::Int))).retype(),
        };
        let framable = !matches!(&f.expr(), Expr::Func(c) if c.args.is_empty() || matches!(&c.name, quarry::expr::FuncName::Named(n) if n == "lag"))
            || matches!(&f.expr(), Expr::Func(c) if matches!(&c.name, quarry::expr::FuncName::Named(n) if n == "count"));
        // Frames with rank, dense_rank, row_number or lag: ignored by PostgreSQL and SQLite,
        // refused by MariaDB (error 4017).
        if ordered && framable && self.rng.pct(30) {
            let frame = match self.rng.below(4) {
                0 => Frame::rows(FrameBound::Preceding(1), FrameBound::CurrentRow),
                1 => Frame::rows(FrameBound::UnboundedPreceding, FrameBound::Following(1)),
                2 if self.parse_mode() => {
                    // GROUPS: refused on MariaDB.
                    Frame::groups(FrameBound::CurrentRow, FrameBound::Following(1))
                }
                _ => Frame::range(FrameBound::UnboundedPreceding, FrameBound::CurrentRow),
            };
            w = w.frame(frame);
        }
        if self.rng.pct(20) {
            let name = self.alias("w");
            let e = f.over_named(name.clone()).into_expr();
            (e, Some((name.into(), w)))
        } else {
            (f.over(w).into_expr(), None)
        }
    }

    // ---- writes (parse mode) ----

    fn write_target(&mut self) -> (char, String, Scope) {
        let which = if self.rng.pct(60) { 'a' } else { 'b' };
        let name = self.table_name(which);
        let scope = Scope::table(&name, Self::table_cols(which));
        (which, name, scope)
    }

    fn returning_items(&mut self, scope: &Scope) -> Vec<SelectItem> {
        let n = 1 + self.rng.below(3);
        (0..n)
            .map(|i| {
                let k = self.kind_in(scope);
                SelectItem {
                    expr: if i == 0 {
                        scope.cols[0].expr()
                    } else {
                        self.scalar(scope, k, 1)
                    },
                    alias: (i > 0).then(|| format!("r{i}").into()),
                }
            })
            .collect()
    }

    fn value_for(&mut self, kind: Kind, nullable: bool) -> Expr {
        if nullable && self.rng.pct(15) {
            Self::null(kind)
        } else if nullable && self.rng.pct(5) {
            // (A NOT NULL column without a default refuses DEFAULT: InvalidStatement.)
            Expr::Default
        } else {
            self.lit(kind)
        }
    }

    fn insert(&mut self) -> Stmt {
        let (which, _, scope) = self.write_target();
        let cols = Self::table_cols(which);
        let mut q = insert(self.table_ref(which));
        if self.rng.pct(20) {
            // INSERT … SELECT from the other table's columns of matching kinds.
            let src = self.alias("src");
            let other = if which == 'a' { 'b' } else { 'a' };
            let src_scope = Scope::table(&src, Self::table_cols(other));
            let names: Vec<&'static str> = cols.iter().map(|c| c.0).collect();
            let items = cols
                .iter()
                .enumerate()
                .map(|(i, &(_, kind, _))| SelectItem {
                    expr: if i == 0 {
                        let id = DynColumn::new(src.clone(), "id");
                        (id + 1000_i64).into_expr()
                    } else {
                        self.scalar(&src_scope, kind, 1)
                    },
                    alias: None,
                })
                .collect();
            let mut s = sel! {
                items,
                from: FromItems::from(vec![FromItem::Table(
                    self.table_ref(other).alias(src),
                )]),
            };
            if self.rng.pct(60) {
                s.filter = Some(self.cond(&src_scope, 1));
            }
            q = q.columns(names).from_select(Query::from(s));
        } else {
            for r in 0..1 + self.rng.below(3) {
                let mut row = vec![Assign::new(
                    "id",
                    Value::I64(100 + r as i64 + self.rng.below(20) as i64),
                )];
                for &(c, kind, nullable) in &cols[1..] {
                    if !nullable || self.rng.pct(70) || r > 0 {
                        row.push(Assign::new(c, self.value_for(kind, nullable)));
                    }
                }
                q = q.values(row);
            }
        }
        match self.rng.below(5) {
            0 => q = q.on_conflict_do_nothing(),
            1 => q = q.on_conflict(["id"]).do_nothing(),
            2 => {
                let col = cols[1 + self.rng.below(cols.len() - 1)];
                q = q.on_conflict(["id"]).do_update([col.0]);
            }
            3 => {
                let (c, kind, _) = cols[1 + self.rng.below(cols.len() - 1)];
                let v = if self.rng.pct(50) {
                    Expr::Excluded(c.into())
                } else {
                    let mut own = scope.clone();
                    own.cols
                        .retain(|x| x.kind != Kind::Bool || kind == Kind::Bool);
                    self.scalar(&own, kind, 1)
                };
                q = q
                    .on_conflict(["id"])
                    .do_update_set(DynColumn::new("", c), v);
            }
            _ => {}
        }
        if self.rng.pct(30) {
            let items = self.returning_items(&scope);
            return Stmt::Insert(q.returning(items));
        }
        Stmt::Insert(q)
    }

    fn update(&mut self) -> Stmt {
        let (which, name, scope) = self.write_target();
        let cols = Self::table_cols(which);
        let mut q = update(self.table_ref(which));
        let mut all = scope.clone();
        let mut conds = Vec::new();
        if self.rng.pct(15) {
            let other = if which == 'a' { 'b' } else { 'a' };
            let alias = self.alias("u");
            q = q.from(self.table_ref(other).alias(alias.clone()));
            all.merge(Scope::table(&alias, Self::table_cols(other)));
            let (l, r) = if which == 'a' {
                ("id", "a_id")
            } else {
                ("a_id", "id")
            };
            conds.push(
                DynColumn::new(name.clone(), l)
                    .eq(DynColumn::new(alias, r))
                    .into_expr(),
            );
        }
        let n = 1 + self.rng.below(2);
        let mut used = Vec::new();
        for _ in 0..n {
            let (c, kind, nullable) = cols[1 + self.rng.below(cols.len() - 1)];
            if used.contains(&c) {
                continue;
            }
            used.push(c);
            let v = if self.rng.pct(30) {
                self.value_for(kind, nullable)
            } else {
                self.scalar(&all, kind, 2)
            };
            q = q.set(DynColumn::new("", c), v);
        }
        if self.rng.pct(80) {
            conds.push(self.cond(&all, 2));
        }
        if !conds.is_empty() {
            q = q.filter(Expr::And(conds));
        }
        if self.rng.pct(30) {
            let items = self.returning_items(&scope);
            return Stmt::Update(q.returning(items));
        }
        Stmt::Update(q)
    }

    fn delete(&mut self) -> Stmt {
        let (which, name, scope) = self.write_target();
        let mut q = delete(self.table_ref(which));
        let mut all = scope.clone();
        let mut conds = Vec::new();
        if self.rng.pct(15) {
            let other = if which == 'a' { 'b' } else { 'a' };
            let alias = self.alias("d");
            q = q.using(self.table_ref(other).alias(alias.clone()));
            all.merge(Scope::table(&alias, Self::table_cols(other)));
            let (l, r) = if which == 'a' {
                ("id", "a_id")
            } else {
                ("a_id", "id")
            };
            conds.push(
                DynColumn::new(name.clone(), l)
                    .eq(DynColumn::new(alias, r))
                    .into_expr(),
            );
        }
        if self.rng.pct(85) {
            conds.push(self.cond(&all, 2));
        }
        if !conds.is_empty() {
            q = q.filter(Expr::And(conds));
        }
        if self.rng.pct(30) {
            let items = self.returning_items(&scope);
            return Stmt::Delete(q.returning(items));
        }
        Stmt::Delete(q)
    }
}

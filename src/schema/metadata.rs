//! [`MetaData`]: a collection of tables, ordered by their foreign keys for DDL.

use super::table::Table;
use super::types::{EnumType, SqlType};
use crate::error::{Error, Result};

/// A collection of [`Table`]s that are created and dropped together.
///
/// [`MetaData::create_all_ddl`] orders tables so that every table comes after the tables its
/// foreign keys reference. Foreign keys that form a cycle are added afterwards with
/// `ALTER TABLE … ADD CONSTRAINT` on PostgreSQL and MySQL/MariaDB (and dropped first by
/// [`MetaData::drop_all_ddl`]); SQLite, which checks foreign keys only when rows change, keeps
/// them inline.
///
/// ```
/// use quarry::{MetaData, Table, ColumnDef, SqlType, Postgres};
/// let md = MetaData::new()
///     .with(Table::new("orders")
///         .column(ColumnDef::new("id", SqlType::BigInt).primary_key())
///         .column(ColumnDef::new("user_id", SqlType::BigInt).references("users", "id")))
///     .with(Table::new("users").column(ColumnDef::new("id", SqlType::BigInt).primary_key()));
/// let names: Vec<_> = md.sorted_tables().iter().map(|t| t.name.as_str()).collect();
/// assert_eq!(names, ["users", "orders"]);
/// let ddl = md.create_all_ddl(&Postgres).unwrap();
/// assert!(ddl[0].sql.starts_with("CREATE TABLE users"));
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MetaData {
    tables: Vec<Table>,
}

/// The creation order of a metadata's tables and the foreign keys deferred to ALTER TABLE.
pub(crate) struct Order {
    pub(crate) tables: Vec<usize>,
    /// (table index, foreign key index) pairs that form cycles.
    pub(crate) cyclic: Vec<(usize, usize)>,
}

impl MetaData {
    /// An empty collection.
    ///
    /// ```
    /// assert!(quarry::MetaData::new().tables().is_empty());
    /// ```
    pub fn new() -> Self {
        MetaData::default()
    }

    /// Adds `table` and returns the collection, for chaining.
    ///
    /// A duplicate name is reported when DDL is compiled.
    ///
    /// ```
    /// let md = quarry::MetaData::new().with(quarry::Table::new("a"));
    /// assert!(md.table("a").is_some());
    /// ```
    pub fn with(mut self, table: Table) -> Self {
        self.tables.push(table);
        self
    }

    /// Adds `table`; an error if a table of the same schema and name is already there.
    ///
    /// ```
    /// let mut md = quarry::MetaData::new();
    /// md.add(quarry::Table::new("a")).unwrap();
    /// assert!(md.add(quarry::Table::new("a")).is_err());
    /// ```
    pub fn add(&mut self, table: Table) -> Result<&Table> {
        if self
            .table_in(table.schema.as_deref(), &table.name)
            .is_some()
        {
            return Err(Error::invalid_schema(format!(
                "table {} is already in the metadata",
                table.full_name()
            )));
        }
        self.tables.push(table);
        Ok(self.tables.last().expect("just pushed"))
    }

    /// All tables, in the order they were added.
    ///
    /// ```
    /// assert_eq!(quarry::MetaData::new().with(quarry::Table::new("a")).tables().len(), 1);
    /// ```
    pub fn tables(&self) -> &[Table] {
        &self.tables
    }

    /// The table named `name` in the default schema.
    ///
    /// ```
    /// let md = quarry::MetaData::new().with(quarry::Table::new("a").schema("s"));
    /// assert!(md.table("a").is_none());
    /// assert!(md.table_in(Some("s"), "a").is_some());
    /// ```
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.table_in(None, name)
    }

    /// The table named `name` in `schema`.
    ///
    /// ```
    /// let md = quarry::MetaData::new().with(quarry::Table::new("a"));
    /// assert!(md.table_in(None, "a").is_some());
    /// ```
    pub fn table_in(&self, schema: Option<&str>, name: &str) -> Option<&Table> {
        self.tables
            .iter()
            .find(|t| t.name == name && t.schema.as_deref() == schema)
    }

    /// The index of the table a foreign key of `table` references: its `ref_schema`, or else
    /// the referencing table's own schema.
    pub(crate) fn resolve(&self, table: &Table, fk: &super::ForeignKey) -> Option<usize> {
        let schema = fk.ref_schema.as_deref().or(table.schema.as_deref());
        self.tables
            .iter()
            .position(|t| t.name == fk.ref_table && t.schema.as_deref() == schema)
    }

    /// Tables in creation order: each after the tables it references (cycles broken).
    ///
    /// ```
    /// use quarry::{MetaData, Table, ColumnDef, SqlType};
    /// let md = MetaData::new()
    ///     .with(Table::new("b").column(ColumnDef::new("a_id", SqlType::BigInt).references("a", "id")))
    ///     .with(Table::new("a").column(ColumnDef::new("id", SqlType::BigInt).primary_key()));
    /// assert_eq!(md.sorted_tables()[0].name, "a");
    /// ```
    pub fn sorted_tables(&self) -> Vec<&Table> {
        self.order()
            .tables
            .iter()
            .map(|&i| &self.tables[i])
            .collect()
    }

    /// The distinct enum types the tables use, in first-use order.
    ///
    /// ```
    /// use quarry::{MetaData, Table, ColumnDef, SqlType};
    /// let mood = SqlType::enumeration("mood", ["sad", "ok"]);
    /// let md = MetaData::new()
    ///     .with(Table::new("a").column(ColumnDef::new("m", mood.clone())))
    ///     .with(Table::new("b").column(ColumnDef::new("m", mood)));
    /// assert_eq!(md.enum_types().len(), 1);
    /// ```
    pub fn enum_types(&self) -> Vec<&EnumType> {
        let mut out: Vec<&EnumType> = Vec::new();
        for c in self.tables.iter().flat_map(|t| &t.columns) {
            if let SqlType::Enum(e) = &c.sql_type {
                if !out.iter().any(|o| o.name == e.name && o.schema == e.schema) {
                    out.push(e);
                }
            }
        }
        out
    }

    /// Computes the creation order (Kahn's algorithm, stable by insertion order) after
    /// deferring the foreign keys inside strongly connected components (Tarjan).
    pub(crate) fn order(&self) -> Order {
        let n = self.tables.len();
        // edges[a] = tables that reference a (a must come first).
        let mut refs: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n]; // per table: (target, fk)
        for (i, t) in self.tables.iter().enumerate() {
            for (j, fk) in t.foreign_keys.iter().enumerate() {
                if let Some(target) = self.resolve(t, fk) {
                    if target != i {
                        refs[i].push((target, j));
                    }
                }
            }
        }
        let comp = tarjan(n, &refs);
        let mut cyclic = Vec::new();
        let mut indegree = vec![0usize; n];
        let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (i, edges) in refs.iter().enumerate() {
            for &(target, j) in edges {
                if comp[i] == comp[target] {
                    cyclic.push((i, j));
                } else {
                    indegree[i] += 1;
                    dependents[target].push(i);
                }
            }
        }
        let mut order = Vec::with_capacity(n);
        let mut ready: std::collections::BTreeSet<usize> =
            (0..n).filter(|&i| indegree[i] == 0).collect();
        while let Some(i) = ready.pop_first() {
            order.push(i);
            for &d in &dependents[i] {
                indegree[d] -= 1;
                if indegree[d] == 0 {
                    ready.insert(d);
                }
            }
        }
        debug_assert_eq!(
            order.len(),
            n,
            "deferring intra-component edges leaves a DAG"
        );
        Order {
            tables: order,
            cyclic,
        }
    }
}

/// Tarjan's strongly connected components; returns each node's component id.
fn tarjan(n: usize, edges: &[Vec<(usize, usize)>]) -> Vec<usize> {
    struct State<'a> {
        edges: &'a [Vec<(usize, usize)>],
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on_stack: Vec<bool>,
        stack: Vec<usize>,
        comp: Vec<usize>,
        next_index: usize,
        next_comp: usize,
    }
    fn visit(s: &mut State<'_>, v: usize) {
        s.index[v] = Some(s.next_index);
        s.low[v] = s.next_index;
        s.next_index += 1;
        s.stack.push(v);
        s.on_stack[v] = true;
        for k in 0..s.edges[v].len() {
            let w = s.edges[v][k].0;
            match s.index[w] {
                None => {
                    visit(s, w);
                    s.low[v] = s.low[v].min(s.low[w]);
                }
                Some(iw) if s.on_stack[w] => s.low[v] = s.low[v].min(iw),
                Some(_) => {}
            }
        }
        if Some(s.low[v]) == s.index[v] {
            while let Some(w) = s.stack.pop() {
                s.on_stack[w] = false;
                s.comp[w] = s.next_comp;
                if w == v {
                    break;
                }
            }
            s.next_comp += 1;
        }
    }
    let mut s = State {
        edges,
        index: vec![None; n],
        low: vec![0; n],
        on_stack: vec![false; n],
        stack: Vec::new(),
        comp: vec![0; n],
        next_index: 0,
        next_comp: 0,
    };
    for v in 0..n {
        if s.index[v].is_none() {
            visit(&mut s, v);
        }
    }
    s.comp
}

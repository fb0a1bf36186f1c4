//! Raw SQL text with named parameters (`:name`) that are still bound, never spliced.

use crate::value::Value;
use std::collections::HashMap;

/// SQL text with `:name` parameters; see [`sql`].
#[derive(Clone)]
pub struct Sql {
    pub(crate) text: String,
    pub(crate) binds: Vec<(String, Value)>,
    /// The position of each name in `binds`, kept once there are more than [`INDEXED_FROM`]
    /// bindings (a search of a few names is faster than hashing; of thousands, quadratic).
    pub(crate) index: Option<HashMap<String, usize>>,
    /// Written as one term, without parentheses, where it is an operand ([`Sql::term`]).
    pub(crate) term: bool,
}

/// Bindings from which a fragment keeps an index of their names.
const INDEXED_FROM: usize = 16;

impl std::fmt::Debug for Sql {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sql")
            .field("text", &self.text)
            .field("binds", &self.binds)
            .finish()
    }
}

impl PartialEq for Sql {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text && self.binds == other.binds && self.term == other.term
    }
}

/// SQL text whose `:name` parameters are bound with [`Sql::bind`] and compiled to each dialect's
/// placeholders. `::` (a PostgreSQL cast) and text inside quotes or comments are left alone; a
/// name used twice is bound once on PostgreSQL and repeated for `?` dialects. A parameter left
/// unbound, or a binding the text never uses, is an error.
///
/// ```
/// use quarry::{sql, IntoCompiled, Postgres, MySql, Value};
/// let q = sql("SELECT * FROM t WHERE a = :a AND b::text = ':a' OR c = :a").bind("a", 5_i64);
/// let pg = q.clone().into_compiled(&Postgres).unwrap();
/// assert_eq!(pg.sql, "SELECT * FROM t WHERE a = $1 AND b::text = ':a' OR c = $1");
/// assert_eq!(pg.params, [Value::I64(5)]);
/// let my = q.into_compiled(&MySql).unwrap();
/// assert_eq!(my.sql, "SELECT * FROM t WHERE a = ? AND b::text = ':a' OR c = ?");
/// assert_eq!(my.params, [Value::I64(5), Value::I64(5)]);
/// ```
pub fn sql(text: impl Into<String>) -> Sql {
    Sql {
        text: text.into(),
        binds: Vec::new(),
        index: None,
        term: false,
    }
}

impl Sql {
    /// Marks the fragment as one term of an expression, written as is where it is an
    /// operand. A fragment is otherwise parenthesised there, since quarry can't tell how its
    /// text binds; some SQL must not be (`x > ALL (SELECT …)`, where `(ALL (…))` is a syntax
    /// error).
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let x = quarry::Column::<i64>::new("t", "x");
    /// let all = quarry::sql("ALL (SELECT y FROM u)");
    /// let q = select(x).from("t").filter(x.gt(all.clone().term()));
    /// let want = "SELECT t.x FROM t WHERE t.x > ALL (SELECT y FROM u)";
    /// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, want);
    /// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, want);
    /// assert_eq!(q.compile(&quarry::MariaDb).unwrap().sql, want);
    /// let q = select(x).from("t").filter(x.gt(all));
    /// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, "SELECT t.x FROM t WHERE t.x > (ALL (SELECT y FROM u))");
    /// ```
    pub fn term(mut self) -> Self {
        self.term = true;
        self
    }

    /// Binds `value` (any bindable Rust value, or a [`Value`]) to `:name`; a later binding of
    /// the same name replaces it.
    ///
    /// ```
    /// let q = quarry::sql("SELECT :x, :y").bind("x", "hi").bind("y", quarry::Value::I64(1));
    /// # let _ = q;
    /// ```
    pub fn bind(mut self, name: &str, value: impl Into<Value>) -> Self {
        let value = value.into();
        match find(&self.binds, self.index.as_ref(), name) {
            Some(k) => self.binds[k].1 = value,
            None => {
                if let Some(index) = &mut self.index {
                    index.insert(name.to_owned(), self.binds.len());
                } else if self.binds.len() >= INDEXED_FROM {
                    let mut index: HashMap<String, usize> =
                        HashMap::with_capacity(self.binds.len() * 2);
                    for (k, (n, _)) in self.binds.iter().enumerate() {
                        index.insert(n.clone(), k);
                    }
                    index.insert(name.to_owned(), self.binds.len());
                    self.index = Some(index);
                }
                self.binds.push((name.to_owned(), value));
            }
        }
        self
    }
}

/// The position of `name` among `binds`, through `index` when there is one.
pub(crate) fn find(
    binds: &[(String, Value)],
    index: Option<&HashMap<String, usize>>,
    name: &str,
) -> Option<usize> {
    match index {
        Some(index) => index.get(name).copied(),
        None => binds.iter().position(|(n, _)| n == name),
    }
}

//! Columns of derived tables (subqueries and CTEs): typed from the select-list item they come
//! from, or checked by name against the query's output columns.

use super::select::{Cte, FromItem, Labeled, Query, Subquery, TableRef, TableSource};
use crate::error::{Error, Result};
use crate::expr::{Column, ColumnRef, DynColumn, Expr, Name, TypedExpr};

mod sealed {
    pub trait Sealed {}
}

/// A select-list item whose output column a derived table exposes with its type: a
/// [`Labeled`] item (by its label) or a typed [`Column`] (by its name). Sealed.
///
/// ```
/// use quarry::prelude::*;
/// use quarry::stmt::OutputColumn;
/// let total = sum(quarry::Column::<i64>::new("t", "a")).label("total");
/// assert_eq!(total.output_name(), "total");
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a typed select-list item a derived table's column can be made from",
    note = "pass the `Labeled` item (`expr.label(\"name\")`) or the typed `Column` used in the subquery's select list, or use `.c(\"name\")` for a dynamic column"
)]
pub trait OutputColumn<T>: sealed::Sealed {
    /// The name the item has in the query's result.
    fn output_name(&self) -> &str;
}

impl<T> sealed::Sealed for Labeled<T> {}
impl<T> OutputColumn<T> for Labeled<T> {
    fn output_name(&self) -> &str {
        self.label()
    }
}
impl<T> sealed::Sealed for Column<T> {}
impl<T> OutputColumn<T> for Column<T> {
    fn output_name(&self) -> &str {
        self.name()
    }
}

/// `qualifier.name` as a typed expression.
fn qualified<T>(qualifier: &Name, name: &str) -> TypedExpr<T> {
    TypedExpr::new(Expr::Column(ColumnRef {
        table: Some(qualifier.clone()),
        name: Name::Owned(name.to_owned()),
    }))
}

/// The names of a query's result columns, `None` where they can't be known before it runs
/// (a `*` item, a VALUES body). An item with neither label nor column name has the name `""`:
/// the database makes one up, and it can't be referred to portably.
pub(crate) fn output_names(query: &Query) -> Option<Vec<&str>> {
    match query {
        Query::Select(s) => {
            if s.items.is_empty() {
                return None;
            }
            s.items
                .iter()
                .map(|item| match (&item.alias, &item.expr) {
                    (Some(a), _) => Some(a.as_ref()),
                    (None, Expr::Column(c)) => Some(c.name.as_ref()),
                    (None, Expr::Star(_)) => None,
                    (None, _) => Some(""),
                })
                .collect()
        }
        Query::Compound(c) => output_names(&c.first),
        Query::Values(_) => None,
    }
}

/// Checks that `name` is one of `names` (when known) and makes the column.
fn checked(what: &str, qualifier: &str, names: Option<Vec<&str>>, name: &str) -> Result<DynColumn> {
    match names {
        Some(names) if !names.contains(&name) => {
            let known: Vec<&str> = names.into_iter().filter(|n| !n.is_empty()).collect();
            Err(Error::InvalidStatement(format!(
                "{what} {qualifier} has no column {name:?}; its named columns are: {} (label an \
                 expression with `.label(…)` to refer to it)",
                if known.is_empty() {
                    "none".to_owned()
                } else {
                    known.join(", ")
                }
            )))
        }
        _ => Ok(DynColumn::new(qualifier, name)),
    }
}

impl Subquery {
    /// The subquery's column made from `item`, one of its select-list items (a [`Labeled`]
    /// expression or a typed [`Column`]), typed as the item is: `s.col(&total)` is a
    /// `TypedExpr<T>` with every method of `T`, and decodes as `T`.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let (user, amount) = (quarry::Column::<i64>::new("o", "user_id"), quarry::Column::<f64>::new("o", "amount"));
    /// let total = max(amount).label("total");
    /// let s = select((user, total.clone())).from("o").group_by(user).subquery("s");
    /// let q = select((s.col(&user), s.col(&total))).from(&s).filter(s.col(&total).gt(100.0));
    /// let sql = "SELECT s.user_id, s.total FROM (SELECT o.user_id, max(o.amount) AS total FROM o GROUP BY o.user_id) AS s WHERE s.total > ";
    /// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, format!("{sql}$1"));
    /// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, format!("{sql}?"));
    /// assert_eq!(q.compile(&quarry::MariaDb).unwrap().sql, format!("{sql}?"));
    /// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, format!("{sql}?"));
    /// ```
    pub fn col<T>(&self, item: &impl OutputColumn<T>) -> TypedExpr<T> {
        qualified(&self.alias, item.output_name())
    }

    /// The subquery's column `name`, checked against its select list: an error names the
    /// columns it has. Unlike [`Subquery::c`], which is checked only by the database.
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let s = select(quarry::Column::<i64>::new("t", "a").label("x")).from("t").subquery("s");
    /// assert_eq!(s.try_c("x").unwrap().table_name(), "s");
    /// let err = s.try_c("y").unwrap_err();
    /// assert!(err.to_string().contains("subquery s has no column \"y\"; its named columns are: x"));
    /// ```
    pub fn try_c(&self, name: &str) -> Result<DynColumn> {
        checked(
            "subquery",
            self.alias.as_ref(),
            output_names(&self.query),
            name,
        )
    }
}

/// `FROM (subquery) AS alias` from a borrowed subquery (cloned), so one `Subquery` can be
/// used in FROM and for its columns.
impl TableSource for &Subquery {
    fn into_from_item(self) -> FromItem {
        self.clone().into_from_item()
    }
}

impl Cte {
    /// The CTE's column made from `item`, one of its query's select-list items, typed as the
    /// item is (see [`Subquery::col`]).
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let amount = quarry::Column::<f64>::new("o", "amount");
    /// let big = select(amount).from("o").filter(amount.gt(100.0)).cte("big");
    /// let q = select(max(big.col(&amount))).with(big.clone()).from(&big);
    /// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql,
    ///     "WITH big AS (SELECT o.amount FROM o WHERE o.amount > $1) SELECT max(big.amount) FROM big");
    /// assert_eq!(q.compile(&quarry::MySql).unwrap().sql,
    ///     "WITH big AS (SELECT o.amount FROM o WHERE o.amount > ?) SELECT max(big.amount) FROM big");
    /// assert_eq!(q.compile(&quarry::MariaDb).unwrap().sql,
    ///     "WITH big AS (SELECT o.amount FROM o WHERE o.amount > ?) SELECT max(big.amount) FROM big");
    /// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql,
    ///     "WITH big AS (SELECT o.amount FROM o WHERE o.amount > ?) SELECT max(big.amount) FROM big");
    /// ```
    pub fn col<T>(&self, item: &impl OutputColumn<T>) -> TypedExpr<T> {
        qualified(&self.name, item.output_name())
    }

    /// The CTE's column `name`, checked against its column list or its query's select list
    /// (see [`Subquery::try_c`]).
    ///
    /// ```
    /// let c = quarry::Cte::new("c", quarry::select(quarry::val(1_i64))).columns(["n"]);
    /// assert_eq!(c.try_c("n").unwrap().table_name(), "c");
    /// assert!(c.try_c("m").is_err());
    /// ```
    pub fn try_c(&self, name: &str) -> Result<DynColumn> {
        let names = if self.columns.is_empty() {
            output_names(&self.query)
        } else {
            Some(self.columns.iter().map(|c| c.as_ref()).collect())
        };
        checked("CTE", self.name.as_ref(), names, name)
    }

    /// The CTE under another name in FROM, `FROM cte AS alias`, for using it twice (a
    /// self-join) or a shorter qualifier; its columns come from the returned reference's
    /// [`TableRef::c`].
    ///
    /// ```
    /// use quarry::prelude::*;
    /// let c = quarry::select(quarry::Column::<i64>::new("t", "id")).from("t").cte("c");
    /// let (a, b) = (c.alias("a"), c.alias("b"));
    /// let q = select((a.c("id"), b.c("id"))).with(c.clone()).from(a.clone()).join(b.clone()).on(b.c("id").gt(a.c("id")));
    /// let sql = "WITH c AS (SELECT t.id FROM t) SELECT a.id, b.id FROM c AS a JOIN c AS b ON b.id > a.id";
    /// assert_eq!(q.compile(&quarry::Postgres).unwrap().sql, sql);
    /// assert_eq!(q.compile(&quarry::MySql).unwrap().sql, sql);
    /// assert_eq!(q.compile(&quarry::MariaDb).unwrap().sql, sql);
    /// assert_eq!(q.compile(&quarry::Sqlite).unwrap().sql, sql);
    /// ```
    pub fn alias(&self, alias: impl Into<Name>) -> TableRef {
        TableRef::named(self.name.clone()).alias(alias)
    }
}

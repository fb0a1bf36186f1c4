//! The decimal scale of select-list items, for a dialect that computes decimals in floating
//! point (SQLite: `Features::exact_decimal` off).
//!
//! PostgreSQL and the MySQL family return `sum(price)` of a `NUMERIC(10, 2)` column as a
//! decimal of scale 2 (`0.30`); SQLite returns a REAL (`0.30000000000000004`). Where a select
//! item's scale follows from the metadata and the values, the executor decodes the column at
//! that scale ([`Plan::Scaled`](super::Plan::Scaled)), so every backend gives the same decimal
//! as long as the result has at most 15 significant digits (what a REAL holds exactly).
//!
//! Scales follow the SQL standard's rules, as PostgreSQL and MySQL apply them: a column has
//! its declared scale; a decimal value its own; an integer 0; `a ± b` the larger; `a * b` the
//! sum; `sum`, `min`, `max`, `abs`, the value window functions, and `coalesce`, `greatest`,
//! `least` and CASE whose arguments share one scale, that scale (with different ones,
//! PostgreSQL keeps each row's own and MySQL the largest: no scale is portable). Anything else
//! (division, `avg`, floats, a function the rules don't cover) has no known scale and decodes
//! as SQLite returns it.

use crate::expr::{BinaryOp, ColumnRef, Expr, FuncName, UnaryOp};
use crate::schema::SqlType;
use crate::stmt::select::{FromItem, Query, SelectStmt};
use crate::value::Value;

/// The scale of an expression, and whether a decimal is part of it (an integer expression
/// has scale 0, but is not decoded as a decimal).
#[derive(Clone, Copy)]
struct Scale {
    digits: u16,
    decimal: bool,
}

/// The select list's items of a known decimal scale: (position, scale). Bare columns are
/// left out: the backend decodes them by their declared type.
pub(crate) fn select_scales(s: &SelectStmt) -> Vec<(usize, u16)> {
    let mut out = Vec::new();
    for (i, item) in s.items.iter().enumerate() {
        if matches!(item.expr, Expr::Column(_) | Expr::Value(_)) {
            continue;
        }
        if let Some(Scale {
            digits,
            decimal: true,
        }) = scale_of(&item.expr, s, 0)
        {
            out.push((i, digits));
        }
    }
    out
}

/// How deep subqueries are followed: enough for any query written by hand, and a bound on
/// the work for generated ones.
const MAX_DEPTH: u8 = 8;

fn scale_of(e: &Expr, s: &SelectStmt, depth: u8) -> Option<Scale> {
    match e {
        Expr::Column(c) => column_scale(c, s, depth),
        Expr::Value(v) | Expr::Literal(v) => value_scale(v),
        Expr::Unary(UnaryOp::Neg, x) => scale_of(x, s, depth),
        Expr::Binary(operands, op) => {
            let (l, r) = (
                scale_of(&operands.0, s, depth)?,
                scale_of(&operands.1, s, depth)?,
            );
            let digits = match op {
                BinaryOp::Add | BinaryOp::Sub => l.digits.max(r.digits),
                BinaryOp::Mul => l.digits.checked_add(r.digits)?,
                _ => return None,
            };
            Some(Scale {
                digits,
                decimal: l.decimal || r.decimal,
            })
        }
        Expr::Cast(pair) => match pair.1 {
            SqlType::Numeric { scale, .. } => Some(Scale {
                digits: scale,
                decimal: true,
            }),
            _ => None,
        },
        Expr::Case {
            whens, otherwise, ..
        } => widest(
            whens
                .iter()
                .map(|(_, then)| then)
                .chain(otherwise.as_deref()),
            s,
            depth,
        ),
        Expr::Func(f) => {
            let same = match &f.name {
                FuncName::Named(n) => {
                    const SAME_SCALE: [&str; 9] = [
                        "sum",
                        "min",
                        "max",
                        "abs",
                        "coalesce",
                        "lag",
                        "lead",
                        "first_value",
                        "last_value",
                    ];
                    SAME_SCALE.iter().any(|k| k.eq_ignore_ascii_case(n))
                }
                FuncName::Greatest | FuncName::Least => true,
                _ => false,
            };
            if !same || f.args.is_empty() {
                return None;
            }
            match &f.name {
                // lag/lead's offset and default: the value is the first argument's.
                FuncName::Named(n)
                    if n.eq_ignore_ascii_case("lag") || n.eq_ignore_ascii_case("lead") =>
                {
                    scale_of(&f.args[0], s, depth)
                }
                _ => widest(f.args.iter(), s, depth),
            }
        }
        _ => None,
    }
}

/// The scale of `exprs` (NULLs aside), which must all have the same one.
fn widest<'e>(exprs: impl Iterator<Item = &'e Expr>, s: &SelectStmt, depth: u8) -> Option<Scale> {
    let mut out: Option<Scale> = None;
    for e in exprs {
        if matches!(e, Expr::Value(Value::Null(_))) {
            continue;
        }
        let x = scale_of(e, s, depth)?;
        out = Some(match out {
            None => x,
            Some(o) if o.digits == x.digits => Scale {
                digits: o.digits,
                decimal: o.decimal || x.decimal,
            },
            // PostgreSQL keeps the scale of the value each row takes; MySQL widens them all.
            Some(_) => return None,
        });
    }
    out
}

fn value_scale(v: &Value) -> Option<Scale> {
    match v {
        Value::I16(_) | Value::I32(_) | Value::I64(_) => Some(Scale {
            digits: 0,
            decimal: false,
        }),
        Value::Decimal(d) => Some(Scale {
            digits: u16::try_from(d.scale()).ok()?,
            decimal: true,
        }),
        _ => None,
    }
}

/// A column's scale: from the metadata of the table it names, or from the item of the
/// subquery it names.
fn column_scale(c: &ColumnRef, s: &SelectStmt, depth: u8) -> Option<Scale> {
    let items = s.from.iter().chain(s.joins.iter().map(|j| &j.item));
    for item in items {
        match item {
            FromItem::Table(t) => {
                if c.table.as_deref().is_some_and(|q| q != t.qualifier()) {
                    continue;
                }
                let Some(meta) = &t.meta else { continue };
                let Some(col) = meta.table().columns.iter().find(|d| d.name == *c.name) else {
                    continue;
                };
                return type_scale(&col.sql_type);
            }
            FromItem::Subquery { query, alias, .. } => {
                if c.table.as_deref().is_some_and(|q| q != alias.as_ref()) || depth >= MAX_DEPTH {
                    continue;
                }
                let Query::Select(inner) = &**query else {
                    continue;
                };
                let found = inner.items.iter().find(|i| match (&i.alias, &i.expr) {
                    (Some(a), _) => *a == c.name,
                    (None, Expr::Column(ic)) => ic.name == c.name,
                    _ => false,
                });
                if let Some(i) = found {
                    return scale_of(&i.expr, inner, depth + 1);
                }
            }
        }
    }
    None
}

fn type_scale(t: &SqlType) -> Option<Scale> {
    match t {
        SqlType::Numeric { scale, .. } => Some(Scale {
            digits: *scale,
            decimal: true,
        }),
        SqlType::SmallInt | SqlType::Integer | SqlType::BigInt => Some(Scale {
            digits: 0,
            decimal: false,
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::select_scales;
    use crate::prelude::*;
    use crate::schema::{ColumnDef, SqlType, Table};
    use crate::stmt::select::{Query, TableRef};
    use crate::value::Decimal;
    use crate::Column;

    fn stmt<R>(q: crate::Select<R>) -> crate::stmt::select::SelectStmt {
        match Query::from(q) {
            Query::Select(s) => *s,
            _ => unreachable!("a select"),
        }
    }

    #[test]
    fn scales_follow_the_metadata_and_the_values() {
        let t = Table::new("t")
            .column(ColumnDef::new("price", SqlType::numeric(10, 2)))
            .column(ColumnDef::new("rate", SqlType::numeric(5, 3)))
            .column(ColumnDef::new("qty", SqlType::Integer))
            .column(ColumnDef::new("x", SqlType::Double));
        let price = Column::<Decimal>::new("t", "price");
        let rate = Column::<Decimal>::new("t", "rate");
        let qty = Column::<i32>::new("t", "qty");
        let x = Column::<f64>::new("t", "x");
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        let q = select((
            price,                         // a bare column: the backend's
            sum(price),                    // 2
            price * qty,                   // 2
            price * rate,                  // 5
            price + d("0.001"),            // 3
            qty + 1,                       // an integer: not a decimal
            price * x,                     // a float: unknown
            price / qty,                   // division: unknown
            coalesce(price, d("0.00")),    // 2
            coalesce(price, d("0.0")),     // mixed scales: unknown
            max(rate).over(Window::new()), // 3
        ))
        .from(TableRef::new(&t));
        assert_eq!(
            select_scales(&stmt(q)),
            [(1, 2), (2, 2), (3, 5), (4, 3), (8, 2), (10, 3)]
        );
        // Without metadata nothing is known; through a subquery the item's scale is.
        let q = select(sum(price)).from("t");
        assert!(select_scales(&stmt(q)).is_empty());
        let total = sum(price).label("total");
        let s = select(total.clone()).from(TableRef::new(&t)).subquery("s");
        let q = select(sum(s.col(&total)) * 2).from(&s);
        assert_eq!(select_scales(&stmt(q)), [(0, 2)]);
    }
}

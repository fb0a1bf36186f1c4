//! FULL JOIN where the dialect has none (the MySQL family,
//! [`FullJoinStyle::EmulatedUnion`](super::FullJoinStyle::EmulatedUnion)).
//!
//! `SELECT items FROM a FULL JOIN b ON c [joins] WHERE p` is written
//!
//! ```text
//! SELECT items FROM a LEFT JOIN b ON c [joins] WHERE p
//! UNION ALL
//! SELECT items FROM a RIGHT JOIN b ON c [joins] WHERE a.k IS NULL AND (p)
//! ```
//!
//! where `a.k` is a column of the FULL JOIN's left side that is NULL in no real row: a
//! primary-key or NOT NULL column of a table whose metadata is known and whose rows no join
//! before the FULL JOIN can have null-extended. The LEFT JOIN gives the matched pairs and the
//! left side's unmatched rows; the RIGHT JOIN's rows with `a.k` NULL are exactly the right
//! side's unmatched rows. `a.k IS NULL` is never unknown, so `a.k IS NULL AND (p)` keeps a row
//! exactly when `p` is true, as `WHERE p` does. Inner, left and cross joins after the FULL JOIN
//! apply row by row, so they give the same rows applied to each half.
//!
//! Whatever would see the two halves apart is refused, naming the rewrite: GROUP BY, HAVING,
//! aggregates and window functions in the select list or ORDER BY, DISTINCT, row locks, more
//! than one FULL JOIN, a RIGHT or FULL JOIN after it, a select list holding raw SQL fragments
//! (which may aggregate), no column known to be NOT NULL on the left side. ORDER BY applies to
//! the union, where the MySQL family takes only output columns: each term must be a
//! select-list item (written by its position), with NULLS FIRST / LAST only where that is the
//! dialect's own order. LIMIT and OFFSET follow it. CTEs are written once, before the first
//! SELECT; bound values of the select list and WHERE are bound once per half.
//!
//! Aggregates are recognized by name (the built-in aggregates of the dialects) and by
//! aggregate-only syntax (DISTINCT, FILTER, ORDER BY inside the call): a user-defined aggregate
//! function called by name is not recognized.

use super::expr::Compiler;
use crate::error::{Error, Result};
use crate::expr::{ColumnRef, Expr, FuncName, Name, Nulls};
use crate::stmt::select::{Distinct, FromItem, JoinKind, SelectStmt, TableRef};

/// How the FULL JOIN is written, asked by the rewrite.
const REWRITE: &str = "write it as the LEFT JOIN UNION ALL the right table's unmatched rows (a RIGHT JOIN … WHERE the left key IS NULL)";

/// Which part of the emulation a SELECT's body is written as.
#[derive(Clone, Copy)]
pub(crate) enum Half<'s> {
    /// The statement as it is.
    Whole,
    /// The join at this index written as a LEFT JOIN.
    Left(usize),
    /// The join at this index written as a RIGHT JOIN, keeping only rows whose left key
    /// (qualifier, column) is NULL.
    Right(usize, &'s Name, &'s str),
}

impl Half<'_> {
    /// The kind to write for the join at `index`, of kind `kind`.
    pub(crate) fn kind(self, index: usize, kind: JoinKind) -> JoinKind {
        match self {
            Half::Left(i) if i == index => JoinKind::Left,
            Half::Right(i, ..) if i == index => JoinKind::Right,
            _ => kind,
        }
    }
}

/// An emulation planned for one SELECT.
pub(crate) struct Plan<'s> {
    /// The FULL JOIN's index among the joins.
    index: usize,
    /// The left key: its table's qualifier and the column.
    key: (&'s Name, &'s str),
    /// Each ORDER BY term's 1-based position in the select list.
    order: Vec<usize>,
}

/// The refusal of a FULL JOIN the dialect cannot have emulated here, saying why.
fn refuse(c: &Compiler<'_>, why: &str) -> Error {
    c.unsupported(&format!("FULL JOIN {why}; {REWRITE}"))
}

/// The refusal where the dialect has no FULL JOIN at all.
pub(crate) fn unsupported(c: &Compiler<'_>) -> Error {
    c.unsupported(&format!("FULL JOIN; {REWRITE}"))
}

/// Whether `s` is written as a UNION on this dialect (a compound member must then be
/// parenthesized).
pub(crate) fn is_emulated(c: &Compiler<'_>, s: &SelectStmt) -> bool {
    c.f.full_join == super::FullJoinStyle::EmulatedUnion
        && s.joins.iter().any(|j| j.kind == JoinKind::Full)
}

/// Plans the emulation of `s`'s FULL JOIN: `None` when it has none or the dialect writes it
/// natively; an `Unsupported` error naming the rewrite when it cannot be emulated exactly.
pub(crate) fn plan<'s>(c: &Compiler<'_>, s: &'s SelectStmt) -> Result<Option<Plan<'s>>> {
    if !is_emulated(c, s) {
        return Ok(None);
    }
    let mut fulls = s
        .joins
        .iter()
        .enumerate()
        .filter(|(_, j)| j.kind == JoinKind::Full);
    let Some((index, _)) = fulls.next() else {
        return Ok(None);
    };
    if fulls.next().is_some() {
        return Err(refuse(
            c,
            "more than once in one SELECT (only one is emulated)",
        ));
    }
    if s.joins[index + 1..]
        .iter()
        .any(|j| matches!(j.kind, JoinKind::Right | JoinKind::Full))
    {
        return Err(refuse(
            c,
            "followed by a RIGHT JOIN (its unmatched rows would come from both halves of the emulating UNION ALL)",
        ));
    }
    if !s.group_by.is_empty() || s.having.is_some() {
        return Err(refuse(
            c,
            "with GROUP BY or HAVING (each half of the emulating UNION ALL would be grouped apart); join in a subquery and group outside it",
        ));
    }
    if s.distinct != Distinct::None {
        return Err(refuse(
            c,
            "with DISTINCT (each half of the emulating UNION ALL would be made distinct apart)",
        ));
    }
    if s.lock.is_some() {
        return Err(refuse(
            c,
            "with a row lock (FOR UPDATE / FOR SHARE cannot lock the rows of a UNION ALL)",
        ));
    }
    if !s.windows.is_empty() {
        return Err(refuse(c, WINDOWS));
    }
    let terms = s
        .items
        .iter()
        .map(|i| &i.expr)
        .chain(s.order_by.iter().map(|o| &o.expr));
    for e in terms {
        match per_row(e) {
            Ok(()) => {}
            Err(Kind::Aggregate) => {
                return Err(refuse(
                    c,
                    "with aggregates in the select list or ORDER BY (each half of the emulating UNION ALL would be aggregated apart); join in a subquery and aggregate outside it",
                ))
            }
            Err(Kind::Window) => return Err(refuse(c, WINDOWS)),
            Err(Kind::Fragment) => {
                return Err(refuse(
                    c,
                    "with a raw SQL fragment in the select list or ORDER BY (it may aggregate, which would apply to each half of the emulating UNION ALL apart)",
                ))
            }
        }
    }
    let mut order = Vec::with_capacity(s.order_by.len());
    for o in &s.order_by {
        let found = s.items.iter().position(|i| {
            i.expr == o.expr
                || matches!(&o.expr, Expr::Column(ColumnRef { table: None, name }) if i.alias.as_ref() == Some(name))
        });
        let Some(pos) = found else {
            return Err(refuse(
                c,
                "with an ORDER BY term that is not a select-list item (the emulating UNION ALL can be ordered by its output columns only); add it to the select list",
            ));
        };
        if let (Some(n), false) = (o.nulls, c.f.nulls_ordering) {
            // NULLs sort first ascending on the MySQL family: only that order is written.
            if (n == Nulls::First) == o.desc {
                return Err(refuse(
                    c,
                    "with NULLS FIRST / LAST other than the dialect's own order (NULLs first ascending, last descending), which the emulating UNION ALL cannot be ordered by",
                ));
            }
        }
        order.push(pos + 1);
    }
    let Some(key) = left_key(s, index) else {
        return Err(refuse(
            c,
            "without a column on its left side known to be NOT NULL (the emulation tells the right side's unmatched rows by such a column being NULL): give the left table's metadata, with a primary key or a NOT NULL column, and no RIGHT JOIN or LEFT JOIN of it before the FULL JOIN",
        ));
    };
    Ok(Some(Plan { index, key, order }))
}

const WINDOWS: &str = "with window functions (each half of the emulating UNION ALL would be windowed apart); join in a subquery and use the window outside it";

/// What keeps an expression from being computed row by row.
enum Kind {
    Aggregate,
    Window,
    Fragment,
}

/// Aggregate functions by name: those of the MySQL family, and PostgreSQL's and SQLite's
/// others.
const AGGREGATES: &[&str] = &[
    "avg",
    "bit_and",
    "bit_or",
    "bit_xor",
    "count",
    "group_concat",
    "json_arrayagg",
    "json_objectagg",
    "max",
    "min",
    "std",
    "stddev",
    "stddev_pop",
    "stddev_samp",
    "sum",
    "var_pop",
    "var_samp",
    "variance",
    "array_agg",
    "string_agg",
    "json_agg",
    "jsonb_agg",
    "json_object_agg",
    "bool_and",
    "bool_or",
    "every",
    "total",
    "json_group_array",
    "json_group_object",
];

/// Checks that `e` is computed from one row: no aggregate, window function or raw fragment
/// (subqueries are their own scope and are not looked into).
fn per_row(e: &Expr) -> std::result::Result<(), Kind> {
    let all = |v: &[Expr]| v.iter().try_for_each(per_row);
    match e {
        Expr::Column(_)
        | Expr::Value(_)
        | Expr::Star(_)
        | Expr::Keyword(_)
        | Expr::Literal(_)
        | Expr::Default
        | Expr::Excluded(_)
        | Expr::Invalid(_)
        | Expr::Exists(..)
        | Expr::Subquery(_)
        | Expr::Quantified(..) => Ok(()),
        Expr::Sql(_) => Err(Kind::Fragment),
        Expr::Unary(_, x) | Expr::IsNull(x, _) => per_row(x),
        Expr::Binary(pair, _) => {
            per_row(&pair.0)?;
            per_row(&pair.1)
        }
        Expr::And(v) | Expr::Or(v) | Expr::Concat(v) | Expr::Row(v) => all(v),
        Expr::InList { expr, list, .. } => {
            per_row(expr)?;
            all(list)
        }
        Expr::InQuery { expr, .. } => per_row(expr),
        Expr::Between {
            expr, low, high, ..
        } => {
            per_row(expr)?;
            per_row(low)?;
            per_row(high)
        }
        Expr::Like { expr, pattern, .. } => {
            per_row(expr)?;
            per_row(pattern)
        }
        Expr::Case {
            operand,
            whens,
            otherwise,
        } => {
            if let Some(o) = operand {
                per_row(o)?;
            }
            for (w, t) in whens {
                per_row(w)?;
                per_row(t)?;
            }
            otherwise.as_deref().map_or(Ok(()), per_row)
        }
        Expr::Cast(pair) => per_row(&pair.0),
        Expr::Func(f) => {
            if f.over.is_some() {
                return Err(Kind::Window);
            }
            let aggregate = f.distinct
                || f.filter.is_some()
                || !f.order_by.is_empty()
                || match &f.name {
                    FuncName::Named(n) => AGGREGATES.iter().any(|a| a.eq_ignore_ascii_case(n)),
                    FuncName::StringAgg
                    | FuncName::JsonAgg
                    | FuncName::ArrayAgg
                    | FuncName::Grouping => true,
                    FuncName::CharLength
                    | FuncName::Position
                    | FuncName::Greatest
                    | FuncName::Least
                    | FuncName::Floor
                    | FuncName::Ceil
                    | FuncName::Power
                    | FuncName::RoundFloat
                    | FuncName::DatePart(_)
                    | FuncName::DaysBetween
                    | FuncName::Shift { .. } => false,
                };
            if aggregate {
                return Err(Kind::Aggregate);
            }
            all(&f.args)
        }
    }
}

/// A column of the FULL JOIN's left side (the last FROM item and the joins before it) that is
/// NULL in no real row: a primary-key or NOT NULL column of a table with metadata, which no
/// earlier join null-extends (a LEFT JOIN of it, or a RIGHT or FULL JOIN after it).
fn left_key(s: &SelectStmt, full: usize) -> Option<(&Name, &str)> {
    // Only the last FROM item: a comma binds looser than JOIN.
    let first = s.from.last().map(|f| (f, None));
    let earlier = s.joins[..full].iter().map(|j| (&j.item, Some(j.kind)));
    for (i, (item, kind)) in first.into_iter().chain(earlier).enumerate() {
        let kept = matches!(
            kind,
            None | Some(JoinKind::Inner | JoinKind::Cross | JoinKind::Right)
        );
        // For the FROM item (i = 0), every earlier join comes after it; for join i - 1, those
        // from i on.
        let nulled_later = s.joins[i..full]
            .iter()
            .any(|j| matches!(j.kind, JoinKind::Right | JoinKind::Full));
        if !kept || nulled_later {
            continue;
        }
        let FromItem::Table(t) = item else { continue };
        if let Some(column) = not_null_column(s, t) {
            return Some((t.alias.as_ref().unwrap_or(&t.name), column));
        }
    }
    None
}

/// A column of `t` that cannot hold NULL, by its metadata: the primary key's first, else the
/// first NOT NULL one. None when a CTE of the statement has the table's name (the CTE is what
/// the name reads, not the table).
fn not_null_column<'s>(s: &SelectStmt, t: &'s TableRef) -> Option<&'s str> {
    let meta = t.meta.as_ref()?.table();
    if t.schema.is_none() && s.ctes.iter().any(|c| c.name == t.name) {
        return None;
    }
    if let Some(pk) = meta.primary_key.as_ref().and_then(|pk| pk.columns.first()) {
        return Some(pk);
    }
    meta.columns
        .iter()
        .find(|c| c.primary_key || !c.nullable)
        .map(|c| c.name.as_str())
}

impl<'d> Compiler<'d> {
    /// Writes `s` (its CTEs already written) as the LEFT JOIN half `UNION ALL` the RIGHT JOIN
    /// half, then ORDER BY (by position), LIMIT and OFFSET.
    pub(crate) fn full_join_union(&mut self, s: &SelectStmt, plan: &Plan<'_>) -> Result<()> {
        self.select_body(s, Half::Left(plan.index))?;
        self.w.push(" UNION ALL ");
        let (table, column) = plan.key;
        self.select_body(s, Half::Right(plan.index, table, column))?;
        for (i, (o, pos)) in s.order_by.iter().zip(&plan.order).enumerate() {
            self.w.push(if i == 0 { " ORDER BY " } else { ", " });
            self.w.push_u64(*pos as u64);
            self.order_direction(o);
        }
        self.d.write_limit_offset(&mut self.w, s.limit, s.offset);
        Ok(())
    }

    /// ` WHERE left.key IS NULL [AND (p)]` of the RIGHT JOIN half, or ` WHERE p`.
    pub(crate) fn where_clause(&mut self, s: &SelectStmt, half: Half<'_>) -> Result<()> {
        if let Half::Right(_, table, column) = half {
            self.w.push(" WHERE ");
            self.ident(table);
            self.w.push_char('.');
            self.w.push_ident(column);
            self.w.push(" IS NULL");
            if let Some(f) = &s.filter {
                self.w.push(" AND (");
                self.expr(f, 0)?;
                self.w.push_char(')');
            }
        } else if let Some(f) = &s.filter {
            self.w.push(" WHERE ");
            self.expr(f, 0)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::dialect::{Features, FullJoinStyle, SqlWriter};
    use crate::prelude::*;
    use crate::{Dialect, Value};

    /// PostgreSQL's spelling with the FULL JOIN emulated: `$n` placeholders through both halves.
    #[derive(Debug)]
    struct DollarEmulating(Features);

    impl Dialect for DollarEmulating {
        fn name(&self) -> &'static str {
            "test"
        }
        fn features(&self) -> &Features {
            &self.0
        }
        fn is_reserved(&self, word: &str) -> bool {
            crate::Postgres.is_reserved(word)
        }
        fn write_type(
            &self,
            w: &mut SqlWriter<'_>,
            ty: &crate::SqlType,
            column: Option<&crate::ColumnDef>,
        ) -> crate::Result<()> {
            crate::Postgres.write_type(w, ty, column)
        }
        fn write_table_exists(&self, w: &mut SqlWriter<'_>, schema: Option<&str>, name: &str) {
            crate::Postgres.write_table_exists(w, schema, name)
        }
    }

    #[allow(dead_code)]
    mod schema {
        crate::table! { pub struct A("a") { id: i64 => primary_key(), x: Option<i64> } }
        crate::table! { pub struct B("b") { id: i64 => primary_key(), a_id: Option<i64> } }
    }
    use schema::{A, B};

    #[test]
    fn placeholders_number_on_through_both_halves() {
        let mut f = crate::Postgres.features().clone();
        f.full_join = FullJoinStyle::EmulatedUnion;
        let d = DollarEmulating(f);
        let (a, b) = (A::new(), B::new());
        let q = select((a.x + 5_i64, b.id.nullable()))
            .from(a)
            .full_join(b)
            .on(b.a_id.eq(a.id))
            .filter(a.x.gt(1_i64).or(b.id.eq(2_i64)))
            .limit(3);
        let c = q.compile(&d).unwrap();
        assert_eq!(
            c.sql,
            "SELECT a.x + $1, b.id FROM a LEFT JOIN b ON b.a_id = a.id WHERE a.x > $2 OR b.id = $3 \
             UNION ALL SELECT a.x + $4, b.id FROM a RIGHT JOIN b ON b.a_id = a.id \
             WHERE a.id IS NULL AND (a.x > $5 OR b.id = $6) LIMIT $7"
        );
        let v = |n: i64| Value::I64(n);
        assert_eq!(c.params, [v(5), v(1), v(2), v(5), v(1), v(2), v(3)]);
    }
}

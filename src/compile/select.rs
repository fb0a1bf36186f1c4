//! SELECT and compound queries: clauses, FROM items and joins, ORDER BY, on top of the
//! expression compiler.

use super::expr::Compiler;
use super::full_join::{self, Half};
use super::{Compiled, Dialect, FullJoinStyle, RollupStyle, ValuesStyle};
use crate::compile::StatementKind;
use crate::error::{Error, Result};
use crate::expr::{ColumnRef, Expr, Nulls, OrderBy};
use crate::stmt::select::{
    CompoundStmt, Distinct, FromItem, Join, JoinKind, Query, SelectItem, SelectStmt, TableRef,
};

/// Compiles a SELECT; `inline` writes values as literals (debug rendering).
pub(crate) fn compile_select(s: &SelectStmt, d: &dyn Dialect, inline: bool) -> Result<Compiled> {
    let mut c = Compiler::new(d, inline);
    c.select(s)?;
    c.w.try_finish().map(|c| StatementKind::Query.of(c))
}

/// Compiles a compound SELECT.
pub(crate) fn compile_compound(
    s: &CompoundStmt,
    d: &dyn Dialect,
    inline: bool,
) -> Result<Compiled> {
    let mut c = Compiler::new(d, inline);
    c.compound(s)?;
    c.w.try_finish().map(|c| StatementKind::Query.of(c))
}

impl<'d> Compiler<'d> {
    pub(crate) fn query(&mut self, q: &Query) -> Result<()> {
        // A subquery has its own scope: qualify everything and allow no DML-only terms.
        let saved = (self.omit.take(), self.allow_default, self.allow_excluded);
        self.allow_default = false;
        self.allow_excluded = false;
        let scope = self.enum_scope.len();
        let r = match q {
            Query::Select(s) => self.select(s),
            Query::Compound(c) => self.compound(c),
            Query::Values(v) => self.values(v),
        };
        self.enum_scope.truncate(scope);
        (self.omit, self.allow_default, self.allow_excluded) = saved;
        r
    }

    /// `VALUES (…), (…)`, `VALUES ROW(…), …` where the dialect spells rows so.
    pub(crate) fn values(&mut self, v: &crate::stmt::select::ValuesStmt) -> Result<()> {
        let Some(width) = v.rows.first().map(Vec::len) else {
            return Err(Error::InvalidStatement("VALUES with no rows".into()));
        };
        if width == 0 || v.rows.iter().any(|r| r.len() != width) {
            return Err(Error::InvalidStatement(
                "VALUES rows must each have the same, non-zero number of values".into(),
            ));
        }
        let style = self.f.values_query;
        if style != ValuesStyle::UnionAllSelects {
            self.w.push("VALUES ");
        }
        for (i, row) in v.rows.iter().enumerate() {
            match (style, i > 0) {
                (ValuesStyle::UnionAllSelects, false) => self.w.push("SELECT "),
                (ValuesStyle::UnionAllSelects, true) => self.w.push(" UNION ALL SELECT "),
                (ValuesStyle::ValuesRow, sep) => self.w.push(if sep { ", ROW(" } else { "ROW(" }),
                (ValuesStyle::Values, sep) => self.w.push(if sep { ", (" } else { "(" }),
            }
            self.list(row)?;
            if style != ValuesStyle::UnionAllSelects {
                self.w.push_char(')');
            }
        }
        Ok(())
    }

    pub(crate) fn select(&mut self, s: &SelectStmt) -> Result<()> {
        if let Some(msg) = s.error {
            return Err(Error::InvalidStatement(msg.into()));
        }
        if !s.ctes.is_empty() {
            self.w.push(if s.recursive {
                "WITH RECURSIVE "
            } else {
                "WITH "
            });
            for (i, cte) in s.ctes.iter().enumerate() {
                if i > 0 {
                    self.w.push(", ");
                }
                self.ident(&cte.name);
                if !cte.columns.is_empty() {
                    self.w.push(" (");
                    self.w
                        .push_ident_list(cte.columns.iter().map(|c| c.as_ref()));
                    self.w.push_char(')');
                }
                self.w.push(" AS (");
                self.query(&cte.query)?;
                self.w.push_char(')');
            }
            self.w.push_char(' ');
        }
        if let Some(plan) = full_join::plan(self, s)? {
            return self.full_join_union(s, &plan);
        }
        self.select_body(s, Half::Whole)?;
        self.order_by(&s.order_by, &s.items)?;
        self.d.write_limit_offset(&mut self.w, s.limit, s.offset);
        if let Some(lock) = &s.lock {
            self.d.write_row_lock(&mut self.w, lock)?;
        }
        Ok(())
    }

    /// `SELECT … FROM … WHERE … GROUP BY … HAVING … WINDOW …`, with the FULL JOIN written as
    /// `half` says.
    pub(crate) fn select_body(&mut self, s: &SelectStmt, half: Half<'_>) -> Result<()> {
        self.w.push("SELECT ");
        match &s.distinct {
            Distinct::None => {}
            Distinct::All => self.w.push("DISTINCT "),
            Distinct::On(exprs) => {
                if !self.f.distinct_on {
                    return Err(self.unsupported("DISTINCT ON"));
                }
                self.w.push("DISTINCT ON (");
                self.list(exprs)?;
                self.w.push(") ");
            }
        }
        if self.f.enum_style == super::EnumStyle::NamedType {
            for f in s.from.iter().chain(s.joins.iter().map(|j| &j.item)) {
                self.scope_from(f);
            }
        }
        if s.items.is_empty() {
            self.w.push_char('*');
        }
        for (i, item) in s.items.iter().enumerate() {
            if i > 0 {
                self.w.push(", ");
            }
            self.expr(&item.expr, 0)?;
            if let Some(a) = &item.alias {
                self.w.push(" AS ");
                self.w.push_label(a);
            }
        }
        if !s.from.is_empty() {
            self.w.push(" FROM ");
            for (i, f) in s.from.iter().enumerate() {
                if i > 0 {
                    self.w.push(", ");
                }
                self.write_from_item(f)?;
            }
        }
        for (i, j) in s.joins.iter().enumerate() {
            self.join(s, i, j, half)?;
        }
        self.where_clause(s, half)?;
        if !s.group_by.is_empty() {
            self.w.push(" GROUP BY ");
            match (s.rollup, self.f.rollup) {
                (false, _) => self.list(&s.group_by)?,
                (true, RollupStyle::Function) => {
                    self.w.push("ROLLUP (");
                    self.list(&s.group_by)?;
                    self.w.push_char(')');
                }
                (true, RollupStyle::WithRollup { order_by }) => {
                    if !order_by && !s.order_by.is_empty() {
                        return Err(self.unsupported(
                            "ORDER BY with GROUP BY … WITH ROLLUP; order the rows in an outer query (select from this one as a subquery)",
                        ));
                    }
                    self.list(&s.group_by)?;
                    self.w.push(" WITH ROLLUP");
                }
                (true, RollupStyle::None) => {
                    return Err(self.unsupported(
                        "GROUP BY ROLLUP; union the groupings instead (GROUP BY a, b UNION ALL GROUP BY a UNION ALL the grand total)",
                    ))
                }
            }
        }
        if let Some(h) = &s.having {
            self.w.push(" HAVING ");
            self.expr(h, 0)?;
        }
        if !s.windows.is_empty() {
            self.w.push(" WINDOW ");
            for (i, (name, win)) in s.windows.iter().enumerate() {
                if i > 0 {
                    self.w.push(", ");
                }
                self.ident(name);
                self.w.push(" AS ");
                self.window(win)?;
            }
        }
        Ok(())
    }

    pub(crate) fn compound(&mut self, c: &CompoundStmt) -> Result<()> {
        use crate::stmt::select::SetOp;
        // The operators apply left to right, as the chain reads (and as SQLite evaluates
        // them). PostgreSQL and the MySQL family bind INTERSECT tighter than UNION and EXCEPT
        // (the SQL standard): where INTERSECT follows another operator, the members before it
        // are parenthesized so that it applies to their result.
        let regroup = self.f.compound_member_parens;
        let breaks = |ops: &mut dyn FnMut(bool)| {
            let mut mixed = false;
            for (op, _) in &c.rest {
                let brk = regroup && *op == SetOp::Intersect && mixed;
                ops(brk);
                if brk {
                    mixed = false;
                }
                if *op != SetOp::Intersect {
                    mixed = true;
                }
            }
        };
        let mut opens = 0;
        breaks(&mut |brk| opens += usize::from(brk));
        for _ in 0..opens {
            self.w.push_char('(');
        }
        let mut close = Vec::with_capacity(c.rest.len());
        breaks(&mut |brk| close.push(brk));
        self.member(&c.first)?;
        for ((op, q), close) in c.rest.iter().zip(close) {
            if matches!(op, SetOp::Intersect | SetOp::Except) && !self.f.intersect_except {
                return Err(self.unsupported(op.as_sql()));
            }
            if close {
                self.w.push_char(')');
            }
            self.w.push_char(' ');
            self.w.push(op.as_sql());
            self.w.push_char(' ');
            self.member(q)?;
        }
        let saved = self.unqualified;
        self.unqualified = true;
        let r = self.order_by(&c.order_by, &[]);
        self.unqualified = saved;
        r?;
        self.d.write_limit_offset(&mut self.w, c.limit, c.offset);
        Ok(())
    }

    /// A compound member: bare when it can be, else parenthesized (or wrapped on SQLite).
    pub(crate) fn member(&mut self, q: &Query) -> Result<()> {
        let plain = match q {
            Query::Select(s) => {
                s.order_by.is_empty()
                    && s.limit.is_none()
                    && s.offset.is_none()
                    && s.ctes.is_empty()
                    // Written as a UNION ALL: the operators around it must not regroup it.
                    && !full_join::is_emulated(self, s)
            }
            Query::Compound(_) | Query::Values(_) => false,
        };
        if let Query::Select(s) = q {
            if s.lock.is_some() {
                return Err(Error::InvalidStatement(
                    "a member of UNION / INTERSECT / EXCEPT cannot lock rows".into(),
                ));
            }
        }
        let with = matches!(q, Query::Select(s) if !s.ctes.is_empty());
        if plain {
            self.query(q)
        } else if self.f.compound_member_parens && (!with || self.f.cte_in_member_parens) {
            self.w.push_char('(');
            self.query(q)?;
            self.w.push_char(')');
            Ok(())
        } else {
            self.w.push("SELECT * FROM (");
            self.query(q)?;
            // The MySQL family names every derived table.
            self.w.push(if self.f.compound_member_parens {
                ") AS quarry_member"
            } else {
                ")"
            });
            Ok(())
        }
    }

    #[inline]
    pub(crate) fn table_ref(&mut self, t: &TableRef) {
        if let Some(schema) = &t.schema {
            self.ident(schema);
            self.w.push_char('.');
        }
        self.ident(&t.name);
        if let Some(a) = &t.alias {
            self.w.push(" AS ");
            self.ident(a);
        }
    }

    /// Writes an identifier through the dialect (quoted when it needs to be).
    #[inline]
    pub(crate) fn ident(&mut self, n: &crate::expr::Name) {
        self.w.push_name(n);
    }

    pub(crate) fn write_from_item(&mut self, f: &FromItem) -> Result<()> {
        match f {
            FromItem::Table(t) => self.table_ref(t),
            FromItem::Subquery {
                query,
                alias,
                lateral,
            } => {
                if *lateral {
                    if !self.f.lateral {
                        return Err(self.unsupported("LATERAL subqueries"));
                    }
                    self.w.push("LATERAL ");
                }
                self.w.push_char('(');
                self.query(query)?;
                self.w.push(") AS ");
                self.ident(alias);
            }
        }
        Ok(())
    }

    pub(crate) fn join(
        &mut self,
        s: &SelectStmt,
        index: usize,
        j: &Join,
        half: Half<'_>,
    ) -> Result<()> {
        let kind = half.kind(index, j.kind);
        if kind == JoinKind::Full && self.f.full_join != FullJoinStyle::Native {
            return Err(full_join::unsupported(self));
        }
        self.w.push_char(' ');
        self.w.push(kind.as_sql());
        self.w.push_char(' ');
        self.write_from_item(&j.item)?;
        if j.kind == JoinKind::Cross {
            return Ok(());
        }
        self.w.push(" ON ");
        match &j.on {
            Some(on) => self.expr(on, 0),
            None => self.inferred_on(s, index, &j.item),
        }
    }

    /// Writes the ON condition from the single foreign key between `item` and the FROM items
    /// and earlier joins (SQLAlchemy's rule); none or several is an error.
    pub(crate) fn inferred_on(
        &mut self,
        s: &SelectStmt,
        index: usize,
        item: &FromItem,
    ) -> Result<()> {
        let FromItem::Table(right) = item else {
            return Err(Error::InvalidStatement(
                "cannot infer the ON condition of a join with a subquery; give it with `.on(…)`"
                    .into(),
            ));
        };
        let Some(rmeta) = &right.meta else {
            return Err(Error::InvalidStatement(format!(
                "cannot infer the ON condition of the join with {}: its metadata is unknown; give it with `.on(…)`",
                right.name
            )));
        };
        let rt = rmeta.table();
        let lefts = s
            .from
            .iter()
            .chain(s.joins[..index].iter().map(|j| &j.item))
            .filter_map(|f| match f {
                FromItem::Table(t) => t.meta.as_ref().map(|m| (t, m.table())),
                FromItem::Subquery { .. } => None,
            });
        // (fk, child qualifier, parent qualifier)
        let mut found: Vec<(&crate::ForeignKey, &TableRef, &TableRef)> = Vec::new();
        let refers = |fk: &crate::ForeignKey, from: &crate::Table, to: &crate::Table| {
            fk.ref_table == to.name
                && fk.ref_schema.as_deref().or(from.schema.as_deref()) == to.schema.as_deref()
        };
        for (lref, lt) in lefts {
            for fk in &rt.foreign_keys {
                if refers(fk, rt, lt) {
                    found.push((fk, right, lref));
                }
            }
            // A self-referencing key between two aliases of one table links them either
            // way (employee → manager or manager → employee): both count, so it is ambiguous.
            for fk in &lt.foreign_keys {
                if refers(fk, lt, rt) && !(lt == rt && lref.qualifier() == right.qualifier()) {
                    found.push((fk, lref, right));
                }
            }
        }
        match found.as_slice() {
            [(fk, child, parent)] => {
                let (child_q, parent_q) = (child.qualifier().to_owned(), parent.qualifier().to_owned());
                for (i, (c, p)) in fk.columns.iter().zip(&fk.ref_columns).enumerate() {
                    if i > 0 {
                        self.w.push(" AND ");
                    }
                    self.w.push_ident(&child_q);
                    self.w.push_char('.');
                    self.w.push_ident(c);
                    self.w.push(" = ");
                    self.w.push_ident(&parent_q);
                    self.w.push_char('.');
                    self.w.push_ident(p);
                }
                Ok(())
            }
            [] => Err(Error::InvalidStatement(format!(
                "cannot infer the ON condition of the join with {}: no foreign key links it to the tables before it; give it with `.on(…)`",
                right.qualifier()
            ))),
            _ => {
                let ways: Vec<String> = found
                    .iter()
                    .map(|(fk, child, parent)| {
                        format!(
                            "{}.({}) → {}.({})",
                            child.qualifier(),
                            fk.columns.join(", "),
                            parent.qualifier(),
                            fk.ref_columns.join(", ")
                        )
                    })
                    .collect();
                Err(Error::InvalidStatement(format!(
                    "cannot infer the ON condition of the join with {}: {} foreign keys link it to the tables before it ({}); give it with `.on(…)`",
                    right.qualifier(),
                    found.len(),
                    ways.join("; ")
                )))
            }
        }
    }

    #[inline]
    pub(crate) fn list(&mut self, exprs: &[Expr]) -> Result<()> {
        for (i, e) in exprs.iter().enumerate() {
            if i > 0 {
                self.w.push(", ");
            }
            self.expr(e, 0)?;
        }
        Ok(())
    }

    /// ` ORDER BY …` of a SELECT whose select list is `items` (empty for a compound).
    pub(crate) fn order_by(&mut self, terms: &[OrderBy], items: &[SelectItem]) -> Result<()> {
        if terms.is_empty() {
            return Ok(());
        }
        self.w.push(" ORDER BY ");
        self.order_terms(terms, items)
    }

    pub(crate) fn order_terms(&mut self, terms: &[OrderBy], items: &[SelectItem]) -> Result<()> {
        for (i, o) in terms.iter().enumerate() {
            if i > 0 {
                self.w.push(", ");
            }
            // Emulate NULLS FIRST/LAST with `x IS NULL [DESC], x` where the dialect lacks it;
            // skipped where it is already the default order (NULLs sort low there).
            if let (Some(n), false) = (o.nulls, self.f.nulls_ordering) {
                let default_first = !o.desc; // NULLs are smallest on MySQL and MariaDB
                if (n == Nulls::First) != default_first {
                    // A select-list label is tested through its expression: MariaDB refuses
                    // `label IS NULL` when the label names an aggregate (1247).
                    let key = match &o.expr {
                        Expr::Column(ColumnRef { table: None, name }) => items
                            .iter()
                            .find(|i| i.alias.as_ref() == Some(name))
                            .map_or(&o.expr, |i| &i.expr),
                        e => e,
                    };
                    self.expr(key, 5)?;
                    self.w.push(if n == Nulls::First {
                        " IS NULL DESC, "
                    } else {
                        " IS NULL, "
                    });
                }
            }
            if let Expr::Value(_) = &o.expr {
                // A bare value would read as a column position where it is an integer (in
                // debug SQL everywhere; bound, on the MySQL family): a constant it stays.
                self.w.push("COALESCE(");
                self.expr(&o.expr, 0)?;
                self.w.push(", NULL)");
            } else {
                self.expr(&o.expr, 0)?;
            }
            self.order_direction(o);
        }
        Ok(())
    }

    /// ` DESC` and ` NULLS FIRST/LAST` (where the dialect writes them) after an ORDER BY key.
    pub(crate) fn order_direction(&mut self, o: &OrderBy) {
        if o.desc {
            self.w.push(" DESC");
        }
        if let (Some(n), true) = (o.nulls, self.f.nulls_ordering) {
            self.w.push(match n {
                Nulls::First => " NULLS FIRST",
                Nulls::Last => " NULLS LAST",
            });
        }
    }
}

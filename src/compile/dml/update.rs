//! UPDATE text.

use super::*;
use crate::compile::expr::Compiler;
use crate::compile::StatementKind;
use crate::compile::{Compiled, Dialect};
use crate::error::Result;
use crate::expr::Expr;
use crate::stmt::select::{SelectItem, TableRef};
use crate::stmt::update::UpdateStmt;

/// Compiles an UPDATE.
pub(crate) fn compile_update(s: &UpdateStmt, d: &dyn Dialect, inline: bool) -> Result<Compiled> {
    update_sql(s.parts(), s.set.as_slice(), d, inline)
}

/// Compiles an UPDATE about to be dropped: the values its SET binds move into the
/// parameters. (Borrowed mutably where it is, rather than moved: a copy of a freshly built
/// statement costs more than its size suggests.)
pub(crate) fn compile_update_owned(s: &mut UpdateStmt, d: &dyn Dialect) -> Result<Compiled> {
    let mut set = std::mem::take(&mut s.set);
    update_sql(s.parts(), set.as_mut_slice(), d, false)
}

/// An UPDATE's parts other than its SET cells.
pub(crate) struct UpdateParts<'a> {
    pub(crate) table: &'a TableRef,
    pub(crate) from: &'a [crate::stmt::select::FromItem],
    pub(crate) filter: &'a Option<Expr>,
    pub(crate) returning: &'a [SelectItem],
    pub(crate) error: Option<&'static str>,
}

pub(crate) fn update_sql(
    s: UpdateParts<'_>,
    set: impl SetCells,
    d: &dyn Dialect,
    inline: bool,
) -> Result<Compiled> {
    if let Some(e) = s.error {
        return Err(invalid(e));
    }
    check_target(s.table)?;
    if set.cells().is_empty() {
        return Err(invalid("the UPDATE sets no column"));
    }
    let mut c = Compiler::new(d, inline);
    c.scope_table(s.table);
    for f in s.from {
        c.scope_from(f);
    }
    let join = c.f.multi_table_join && !s.from.is_empty();
    if s.from.is_empty() {
        c.omit = Some(s.table.qualifier_name());
    }
    c.w.push("UPDATE ");
    c.table_ref(s.table);
    if join {
        c.w.push(" JOIN ");
        from_items(&mut c, s.from, " JOIN ")?;
    }
    c.w.push(" SET ");
    let q = join.then(|| s.table.qualifier_name());
    let meta = s.table.meta.as_ref().map(|m| m.table());
    assignments(&mut c, set, q.as_ref(), meta)?;
    if !join && !s.from.is_empty() {
        c.w.push(" FROM ");
        from_items(&mut c, s.from, ", ")?;
    }
    where_clause(&mut c, s.filter)?;
    if !s.returning.is_empty() && join {
        return Err(c.unsupported("RETURNING on a multi-table UPDATE"));
    }
    returning(&mut c, s.returning, s.table, false, !s.from.is_empty())?;
    c.w.try_finish().map(|c| StatementKind::Update.of(c))
}

impl crate::stmt::update::UpdateStmt {
    /// Everything but the SET cells, borrowed.
    pub(crate) fn parts(&self) -> UpdateParts<'_> {
        UpdateParts {
            table: &self.table,
            from: &self.from,
            filter: &self.filter,
            returning: &self.returning,
            error: self.error,
        }
    }
}

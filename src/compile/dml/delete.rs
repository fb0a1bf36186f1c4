//! DELETE text.

use super::*;
use crate::compile::expr::Compiler;
use crate::compile::StatementKind;
use crate::compile::{Compiled, Dialect};
use crate::error::Result;
use crate::stmt::delete::DeleteStmt;

/// Compiles a DELETE.
pub(crate) fn compile_delete(s: &DeleteStmt, d: &dyn Dialect, inline: bool) -> Result<Compiled> {
    if let Some(e) = s.error {
        return Err(invalid(e));
    }
    check_target(&s.table)?;
    let mut c = Compiler::new(d, inline);
    c.scope_table(&s.table);
    for f in &s.using {
        c.scope_from(f);
    }
    if s.using.is_empty() {
        c.omit = Some(s.table.qualifier_name());
        c.w.push("DELETE FROM ");
        c.table_ref(&s.table);
        where_clause(&mut c, &s.filter)?;
    } else if c.f.multi_table_join {
        if !s.returning.is_empty() {
            return Err(c.unsupported("RETURNING on a multi-table DELETE"));
        }
        c.w.push("DELETE ");
        c.w.push_ident(s.table.qualifier());
        c.w.push(" FROM ");
        c.table_ref(&s.table);
        c.w.push(" JOIN ");
        from_items(&mut c, &s.using, " JOIN ")?;
        where_clause(&mut c, &s.filter)?;
    } else if c.f.delete_using {
        c.w.push("DELETE FROM ");
        c.table_ref(&s.table);
        c.w.push(" USING ");
        from_items(&mut c, &s.using, ", ")?;
        where_clause(&mut c, &s.filter)?;
    } else {
        // DELETE … USING as a correlated EXISTS: a row goes when the join finds a match.
        c.w.push("DELETE FROM ");
        c.table_ref(&s.table);
        c.w.push(" WHERE EXISTS (SELECT 1 FROM ");
        from_items(&mut c, &s.using, ", ")?;
        where_clause(&mut c, &s.filter)?;
        c.w.push_char(')');
    }
    // (SQLite's EXISTS form has no other table at the top.)
    let joined = !s.using.is_empty() && c.f.delete_using;
    returning(&mut c, &s.returning, &s.table, true, joined)?;
    c.w.try_finish().map(|c| StatementKind::Delete.of(c))
}

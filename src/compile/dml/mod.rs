//! The INSERT, UPDATE and DELETE compiler, on top of the expression compiler.
//!
//! An INSERT's rows are written until the next one would pass the dialect's bound-parameter
//! limit (or its statement-size limit); the statement then ends and another begins, so a
//! large insert compiles to several statements the executor runs in one transaction.

mod bulk;
mod delete;
mod insert;
mod layout;
mod update;

pub(crate) use bulk::*;
pub(crate) use delete::*;
pub(crate) use insert::*;
pub(crate) use layout::*;
pub(crate) use update::*;

use crate::compile::expr::Compiler;
use crate::compile::Returning;
use crate::error::Result;
use crate::expr::{Expr, Name};
use crate::schema::Table;
use crate::stmt::select::{SelectItem, TableRef};

/// `a = x, b = y`, targets qualified with `qualifier` where given.
pub(crate) fn assignments(
    c: &mut Compiler<'_>,
    mut set: impl SetCells,
    qualifier: Option<&Name>,
    meta: Option<&Table>,
) -> Result<()> {
    // Bound values for enum columns are cast to the column's type (see `enum_casts`).
    let enums = meta.filter(|t| enum_casts(c.d, t));
    for i in 0..set.cells().len() {
        let a = &set.cells()[i];
        let cast = enums
            .and_then(|t| t.get_column(&a.column))
            .and_then(enum_type);
        if i > 0 {
            c.w.push(", ");
        }
        if let Some(q) = qualifier {
            c.w.push_name(q);
            c.w.push_char('.');
        }
        c.w.push_name(&a.column);
        c.w.push(" = ");
        let client = match &a.value {
            Expr::Default => meta
                .and_then(|t| t.get_column(&a.column))
                .and_then(|col| col.default.as_ref()),
            _ => None,
        };
        if let Some(v) = client {
            // A client-side default is quarry's to apply, as in INSERT.
            c.value(v)?;
            cast_value(c, cast);
            continue;
        }
        if matches!(a.value, Expr::Default) && !c.f.values_default {
            // No DEFAULT keyword (SQLite): write the declared default.
            let Some(col) = meta.and_then(|t| t.get_column(&a.column)) else {
                return Err(c.unsupported(&format!(
                    "SET {} = DEFAULT without the table's metadata",
                    a.column
                )));
            };
            write_fill(c, Fill::Declared(col))?;
            continue;
        }
        // Bound as `Compiler::value` binds it, without copying it.
        if !c.inline && matches!(a.value, Expr::Value(_)) && set.bind_taken(i, &mut c.w) {
            cast_value(c, cast);
            continue;
        }
        let a = &set.cells()[i];
        let saved = c.allow_default;
        c.allow_default = true;
        let r = c.expr(&a.value, 0);
        c.allow_default = saved;
        r?;
        if matches!(a.value, Expr::Value(_)) {
            cast_value(c, cast);
        }
    }
    Ok(())
}

/// RETURNING items, with the target's columns unqualified.
/// RETURNING items; the target's columns are unqualified unless other tables are in the
/// statement (`joined`), where a shared column name would be ambiguous.
pub(crate) fn returning(
    c: &mut Compiler<'_>,
    items: &[SelectItem],
    t: &TableRef,
    insert: bool,
    joined: bool,
) -> Result<()> {
    if items.is_empty() {
        return Ok(());
    }
    match (c.f.returning, insert) {
        (Returning::All, _) | (Returning::InsertDelete, true) => {}
        (Returning::InsertDelete, false) => return Err(c.unsupported("RETURNING on UPDATE")),
        (Returning::None, _) => return Err(c.unsupported("RETURNING")),
    }
    c.w.push(" RETURNING ");
    let saved = if joined {
        c.omit.take()
    } else {
        c.omit.replace(t.qualifier_name())
    };
    let r = returning_items(c, items);
    c.omit = saved;
    r
}

/// The RETURNING items, comma-separated.
///
/// (`?` on each item's result, not a result kept in a variable: moving the result into
/// the variable read it back with wider loads than the stores that wrote it.)
pub(crate) fn returning_items(c: &mut Compiler<'_>, items: &[SelectItem]) -> Result<()> {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            c.w.push(", ");
        }
        c.expr(&item.expr, 0)?;
        if let Some(a) = &item.alias {
            c.w.push(" AS ");
            c.w.push_label(a);
        }
    }
    Ok(())
}

/// The tables an UPDATE or DELETE joins with, `sep` between them.
pub(crate) fn from_items(
    c: &mut Compiler<'_>,
    items: &[crate::stmt::select::FromItem],
    sep: &str,
) -> Result<()> {
    for (i, f) in items.iter().enumerate() {
        if i > 0 {
            c.w.push(sep);
        }
        c.write_from_item(f)?;
    }
    Ok(())
}

/// ` WHERE cond`, when there is one.
pub(crate) fn where_clause(c: &mut Compiler<'_>, filter: &Option<Expr>) -> Result<()> {
    if let Some(f) = filter {
        c.w.push(" WHERE ");
        c.expr(f, 0)?;
    }
    Ok(())
}

//! DDL rendering shared by every dialect; the dialect is asked only where SQL differs.

use super::dialect::{AutoIncrementStyle, CommentStyle, EnumStyle};
use super::{validate, Compiled, Dialect, SqlWriter};
use crate::compile::StatementKind;
use crate::error::{Error, Result};
use crate::schema::{
    ColumnDef, EnumType, FkAction, ForeignKey, Index, ServerDefault, SqlType, Table,
};

/// Runs `f` on a fresh writer for `d` and returns what it wrote.
pub(crate) fn compile(
    d: &dyn Dialect,
    f: impl FnOnce(&mut SqlWriter<'_>) -> Result<()>,
) -> Result<Compiled> {
    let mut w = SqlWriter::new(d);
    f(&mut w)?;
    w.try_finish().map(|c| StatementKind::Ddl.of(c))
}

/// Options of [`create_table`].
pub(crate) struct CreateTableOptions<'a> {
    pub(crate) if_not_exists: bool,
    /// Foreign keys (by index) left out, to be added later with ALTER TABLE.
    pub(crate) skip_foreign_keys: &'a [usize],
}

pub(crate) fn constraint_name(w: &mut SqlWriter<'_>, name: Option<&str>) {
    if let Some(n) = name {
        w.push("CONSTRAINT ");
        w.push_ident(n);
        w.push_char(' ');
    }
}

/// The column that is SQLite's rowid alias (`INTEGER PRIMARY KEY`), if any.
fn rowid_column<'t>(d: &dyn Dialect, t: &'t Table) -> Option<&'t ColumnDef> {
    if d.features().autoincrement != AutoIncrementStyle::RowidPrimaryKey {
        return None;
    }
    match t.primary_key_columns()[..] {
        [only] => t.get_column(only).filter(|c| c.autoincrement),
        _ => None,
    }
}

/// `CREATE TABLE …`.
pub(crate) fn create_table(
    w: &mut SqlWriter<'_>,
    t: &Table,
    opts: &CreateTableOptions<'_>,
) -> Result<()> {
    let d = w.dialect();
    let f = d.features();
    validate::table(d, t)?;
    w.push("CREATE TABLE ");
    if opts.if_not_exists {
        if !f.create_table_if_not_exists {
            return Err(Error::unsupported(d.name(), "CREATE TABLE IF NOT EXISTS"));
        }
        w.push("IF NOT EXISTS ");
    }
    w.push_qualified(t.schema.as_deref(), &t.name);
    w.push(" (");
    let rowid = rowid_column(d, t);
    let pk = t.primary_key_columns();
    let mut first = true;
    let mut item = |w: &mut SqlWriter<'_>| {
        w.push(if first { "\n  " } else { ",\n  " });
        first = false;
    };
    for c in &t.columns {
        item(w);
        let keyed = f.text_key_varchar.is_some() && validate::in_key(t, &c.name);
        column_definition(w, c, &pk, rowid.is_some_and(|r| r.name == c.name), keyed)?;
    }
    if !pk.is_empty() && rowid.is_none() {
        item(w);
        constraint_name(w, t.primary_key.as_ref().and_then(|p| p.name.as_deref()));
        w.push("PRIMARY KEY (");
        w.push_ident_list(pk.iter().copied());
        w.push_char(')');
    }
    for u in &t.uniques {
        item(w);
        constraint_name(w, u.name.as_deref());
        w.push("UNIQUE (");
        w.push_ident_list(u.columns.iter().map(String::as_str));
        w.push_char(')');
    }
    for (j, fk) in t.foreign_keys.iter().enumerate() {
        if opts.skip_foreign_keys.contains(&j) {
            continue;
        }
        item(w);
        foreign_key_clause(w, t, fk)?;
    }
    for ck in &t.checks {
        item(w);
        constraint_name(w, ck.name.as_deref());
        w.push("CHECK (");
        w.push(&ck.expr);
        w.push_char(')');
    }
    w.push("\n)");
    if f.comments == CommentStyle::Inline {
        if let Some(comment) = &t.comment {
            w.push(" COMMENT = ");
            w.push_string_literal(comment);
        }
    }
    Ok(())
}

/// A server default's value for a column of type `ty`: an escaped literal (in parentheses
/// for TEXT/BLOB/JSON where the dialect wants an expression there) or `(expression)`.
pub(crate) fn server_default(
    w: &mut SqlWriter<'_>,
    ty: &SqlType,
    default: &ServerDefault,
) -> Result<()> {
    match default {
        ServerDefault::Literal(v) => {
            let wrap = w.dialect().features().text_default_as_expression
                && matches!(ty, SqlType::Text | SqlType::Blob | SqlType::Json);
            if wrap {
                w.push_char('(');
            }
            w.push_literal(v)?;
            if wrap {
                w.push_char(')');
            }
        }
        ServerDefault::Expression(sql) => {
            w.push_char('(');
            w.push(sql);
            w.push_char(')');
        }
    }
    Ok(())
}

/// A column's definition; `keyed` when it is part of a key, where a TEXT column is written
/// `VARCHAR(n)` on a dialect that cannot index TEXT ([`Features::text_key_varchar`]).
pub(crate) fn column_definition(
    w: &mut SqlWriter<'_>,
    c: &ColumnDef,
    pk: &[&str],
    rowid: bool,
    keyed: bool,
) -> Result<()> {
    let d = w.dialect();
    let f = d.features();
    w.push_ident(&c.name);
    w.push_char(' ');
    match f.text_key_varchar {
        Some(n) if keyed && c.sql_type == SqlType::Text => {
            d.write_type(w, &SqlType::Varchar(n), Some(c))?
        }
        _ => d.write_type(w, &c.sql_type, Some(c))?,
    }
    if c.autoincrement && f.autoincrement == AutoIncrementStyle::Identity {
        w.push(" GENERATED BY DEFAULT AS IDENTITY");
    }
    if !c.nullable || pk.contains(&c.name.as_str()) {
        w.push(" NOT NULL");
    }
    if let Some(default) = &c.server_default {
        w.push(" DEFAULT ");
        server_default(w, &c.sql_type, default)?;
    }
    if c.autoincrement && f.autoincrement == AutoIncrementStyle::AutoIncrement {
        w.push(" AUTO_INCREMENT");
    }
    if rowid {
        w.push(" PRIMARY KEY");
    }
    if c.unique {
        w.push(" UNIQUE");
    }
    if let (SqlType::Enum(e), EnumStyle::Check) = (&c.sql_type, f.enum_style) {
        w.push(" CHECK (");
        w.push_ident(&c.name);
        w.push(" IN (");
        for (i, v) in e.values.iter().enumerate() {
            if i > 0 {
                w.push(", ");
            }
            w.push_string_literal(v);
        }
        w.push("))");
    }
    if f.comments == CommentStyle::Inline {
        if let Some(comment) = &c.comment {
            w.push(" COMMENT ");
            w.push_string_literal(comment);
        }
    }
    Ok(())
}

pub(crate) fn fk_action(
    w: &mut SqlWriter<'_>,
    clause: &str,
    action: Option<FkAction>,
) -> Result<()> {
    let d = w.dialect();
    if let Some(a) = action {
        if a == FkAction::SetDefault && !d.features().fk_set_default {
            return Err(Error::unsupported(
                d.name(),
                format!("{clause} SET DEFAULT"),
            ));
        }
        w.push_char(' ');
        w.push(clause);
        w.push_char(' ');
        w.push(a.as_sql());
    }
    Ok(())
}

/// `[CONSTRAINT n] FOREIGN KEY (…) REFERENCES t (…) [ON DELETE …] [ON UPDATE …]`.
pub(crate) fn foreign_key_clause(w: &mut SqlWriter<'_>, t: &Table, fk: &ForeignKey) -> Result<()> {
    constraint_name(w, fk.name.as_deref());
    w.push("FOREIGN KEY (");
    w.push_ident_list(fk.columns.iter().map(String::as_str));
    w.push(") REFERENCES ");
    w.push_qualified(
        fk.ref_schema.as_deref().or(t.schema.as_deref()),
        &fk.ref_table,
    );
    w.push(" (");
    w.push_ident_list(fk.ref_columns.iter().map(String::as_str));
    w.push_char(')');
    fk_action(w, "ON DELETE", fk.on_delete)?;
    fk_action(w, "ON UPDATE", fk.on_update)?;
    Ok(())
}

/// `CREATE [UNIQUE] INDEX …`.
pub(crate) fn create_index(
    w: &mut SqlWriter<'_>,
    t: &Table,
    ix: &Index,
    if_not_exists: bool,
) -> Result<()> {
    let d = w.dialect();
    let f = d.features();
    validate::index(d, t, ix)?;
    w.push(if ix.unique {
        "CREATE UNIQUE INDEX "
    } else {
        "CREATE INDEX "
    });
    if if_not_exists {
        if !f.index_if_exists {
            return Err(Error::unsupported(d.name(), "CREATE INDEX IF NOT EXISTS"));
        }
        w.push("IF NOT EXISTS ");
    }
    if f.index_schema_on_name {
        w.push_qualified(t.schema.as_deref(), &ix.name);
        w.push(" ON ");
        w.push_ident(&t.name);
    } else {
        w.push_ident(&ix.name);
        w.push(" ON ");
        w.push_qualified(t.schema.as_deref(), &t.name);
    }
    if let Some(m) = &ix.using {
        w.push(" USING ");
        w.push_ident(m);
    }
    w.push(" (");
    for (i, c) in ix.columns.iter().enumerate() {
        if i > 0 {
            w.push(", ");
        }
        w.push_ident(&c.name);
        if c.descending {
            w.push(" DESC");
        }
    }
    w.push_char(')');
    if let Some(pred) = &ix.filter {
        w.push(" WHERE ");
        w.push(pred);
    }
    Ok(())
}

/// `DROP INDEX …`.
pub(crate) fn drop_index(
    w: &mut SqlWriter<'_>,
    t: &Table,
    ix: &Index,
    if_exists: bool,
) -> Result<()> {
    let d = w.dialect();
    let f = d.features();
    validate::name(d, "index", &ix.name)?;
    w.push("DROP INDEX ");
    if if_exists {
        if !f.index_if_exists {
            return Err(Error::unsupported(d.name(), "DROP INDEX IF EXISTS"));
        }
        w.push("IF EXISTS ");
    }
    if f.drop_index_on_table {
        w.push_ident(&ix.name);
        w.push(" ON ");
        w.push_qualified(t.schema.as_deref(), &t.name);
    } else {
        w.push_qualified(t.schema.as_deref(), &ix.name);
    }
    Ok(())
}

/// `DROP TABLE [IF EXISTS] t [CASCADE]`.
pub(crate) fn drop_table(
    w: &mut SqlWriter<'_>,
    t: &Table,
    if_exists: bool,
    cascade: bool,
) -> Result<()> {
    let d = w.dialect();
    validate::name(d, "table", &t.name)?;
    w.push("DROP TABLE ");
    if if_exists {
        w.push("IF EXISTS ");
    }
    w.push_qualified(t.schema.as_deref(), &t.name);
    if cascade {
        if !d.features().drop_cascade {
            return Err(Error::unsupported(d.name(), "DROP TABLE … CASCADE"));
        }
        w.push(" CASCADE");
    }
    Ok(())
}

/// `CREATE TYPE … AS ENUM (…)` (PostgreSQL).
pub(crate) fn create_enum(w: &mut SqlWriter<'_>, e: &EnumType) -> Result<()> {
    let d = w.dialect();
    if d.features().enum_style != EnumStyle::NamedType {
        return Err(Error::unsupported(
            d.name(),
            "named enum types (CREATE TYPE)",
        ));
    }
    validate::name(d, "enum type", &e.name)?;
    super::dialect::check_enum(d, e)?;
    w.push("CREATE TYPE ");
    w.push_qualified(e.schema.as_deref(), &e.name);
    w.push(" AS ENUM (");
    for (i, v) in e.values.iter().enumerate() {
        if i > 0 {
            w.push(", ");
        }
        w.push_string_literal(v);
    }
    w.push_char(')');
    Ok(())
}

/// `DROP TYPE [IF EXISTS] …` (PostgreSQL).
pub(crate) fn drop_enum(w: &mut SqlWriter<'_>, e: &EnumType, if_exists: bool) -> Result<()> {
    let d = w.dialect();
    if d.features().enum_style != EnumStyle::NamedType {
        return Err(Error::unsupported(d.name(), "named enum types (DROP TYPE)"));
    }
    validate::name(d, "enum type", &e.name)?;
    w.push("DROP TYPE ");
    if if_exists {
        w.push("IF EXISTS ");
    }
    w.push_qualified(e.schema.as_deref(), &e.name);
    Ok(())
}

/// `ALTER TABLE t ADD CONSTRAINT n FOREIGN KEY …`.
pub(crate) fn add_foreign_key(w: &mut SqlWriter<'_>, t: &Table, fk: &ForeignKey) -> Result<()> {
    let d = w.dialect();
    if !d.features().alter_add_foreign_key {
        return Err(Error::unsupported(
            d.name(),
            "ALTER TABLE … ADD FOREIGN KEY",
        ));
    }
    validate::name(d, "table", &t.name)?;
    w.push("ALTER TABLE ");
    w.push_qualified(t.schema.as_deref(), &t.name);
    w.push(" ADD ");
    foreign_key_clause(w, t, fk)
}

/// `ALTER TABLE t DROP CONSTRAINT n` (`DROP FOREIGN KEY n` on MySQL).
pub(crate) fn drop_foreign_key(w: &mut SqlWriter<'_>, t: &Table, fk: &ForeignKey) -> Result<()> {
    let d = w.dialect();
    if !d.features().alter_add_foreign_key {
        return Err(Error::unsupported(
            d.name(),
            "ALTER TABLE … DROP FOREIGN KEY",
        ));
    }
    let Some(name) = fk.name.as_deref() else {
        return Err(Error::invalid_schema(format!(
            "cannot drop an unnamed foreign key of {}",
            t.full_name()
        )));
    };
    w.push("ALTER TABLE ");
    w.push_qualified(t.schema.as_deref(), &t.name);
    w.push(" DROP ");
    w.push(d.features().drop_foreign_key_keyword);
    w.push_char(' ');
    w.push_ident(name);
    Ok(())
}

/// `fk` with a deterministic name when it has none (`fk_<table>_<columns>`), shortened with a
/// hash to the dialect's identifier limit; needed to drop a foreign key added by ALTER TABLE.
pub(crate) fn named_fk(d: &dyn Dialect, t: &Table, fk: &ForeignKey) -> ForeignKey {
    let mut fk = fk.clone();
    if fk.name.is_none() {
        let base = format!("fk_{}_{}", t.name, fk.columns.join("_"));
        fk.name = Some(shorten(d, &base));
    }
    fk
}

/// Shortens `name` to the dialect's identifier limit, keeping it unique with a hash suffix.
pub(crate) fn shorten(d: &dyn Dialect, name: &str) -> String {
    let f = d.features();
    let Some(max) = f.max_identifier_len else {
        return name.to_owned();
    };
    let len = |s: &str| {
        if f.identifier_len_in_bytes {
            s.len()
        } else {
            s.chars().count()
        }
    };
    if len(name) <= max {
        return name.to_owned();
    }
    // FNV-1a: stable across runs and platforms.
    let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    let suffix = format!("_{:08x}", hash as u32);
    let mut out = String::new();
    for ch in name.chars() {
        let mut probe = out.clone();
        probe.push(ch);
        if len(&probe) + suffix.len() > max {
            break;
        }
        out = probe;
    }
    out + &suffix
}

/// `COMMENT ON …` statements for dialects that store comments separately.
pub(crate) fn comment_statements(d: &dyn Dialect, t: &Table) -> Result<Vec<Compiled>> {
    let mut out = Vec::new();
    if d.features().comments != CommentStyle::Separate {
        return Ok(out);
    }
    if let Some(c) = &t.comment {
        out.push(compile(d, |w| {
            w.push("COMMENT ON TABLE ");
            w.push_qualified(t.schema.as_deref(), &t.name);
            w.push(" IS ");
            w.push_string_literal(c);
            Ok(())
        })?);
    }
    for col in &t.columns {
        if let Some(c) = &col.comment {
            out.push(compile(d, |w| {
                w.push("COMMENT ON COLUMN ");
                w.push_qualified(t.schema.as_deref(), &t.name);
                w.push_char('.');
                w.push_ident(&col.name);
                w.push(" IS ");
                w.push_string_literal(c);
                Ok(())
            })?);
        }
    }
    Ok(out)
}

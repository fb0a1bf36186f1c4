//! Checks on metadata made when DDL compiles, so bad input never reaches the database.

use super::{Dialect, SqlWriter};
use crate::error::{Error, Result};
use crate::schema::{ColumnDef, Index, MetaData, SqlType, Table};

/// Checks an identifier: not empty, no NUL, within the dialect's length limit, no trailing
/// space where the dialect forbids it.
pub(crate) fn name(d: &dyn Dialect, what: &str, name: &str) -> Result<()> {
    let f = d.features();
    if name.is_empty() {
        return Err(Error::invalid_schema(format!("{what} name is empty")));
    }
    if name.contains('\0') {
        return Err(Error::invalid_schema(format!(
            "{what} name {name:?} contains a NUL character"
        )));
    }
    if let Some(max) = f.max_identifier_len {
        let (len, unit) = if f.identifier_len_in_bytes {
            (name.len(), "bytes")
        } else {
            (name.chars().count(), "characters")
        };
        if len > max {
            return Err(Error::invalid_schema(format!(
                "{what} name {name:?} is {len} {unit} long; {} allows at most {max}",
                d.name()
            )));
        }
    }
    // MySQL's test is its `my_isspace`: space, tab, newline, vertical tab, form feed, return.
    if !f.trailing_space_in_identifiers
        && name.ends_with(|c: char| c.is_ascii_whitespace() || c == '\x0b')
    {
        return Err(Error::invalid_schema(format!(
            "{what} name {name:?} ends with a space or another white-space character, which {} \
             does not allow",
            d.name()
        )));
    }
    if !f.identifiers_beyond_bmp && name.chars().any(|c| c as u32 > 0xFFFF) {
        return Err(Error::invalid_schema(format!(
            "{what} name {name:?} has a character outside the Basic Multilingual Plane, which {} does not allow",
            d.name()
        )));
    }
    Ok(())
}

/// The bytes of the file name the MySQL family makes of a table name, counted conservatively
/// (see [`Features::max_table_file_name_bytes`](super::Features::max_table_file_name_bytes)).
pub(crate) fn table_file_name_bytes(name: &str) -> usize {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                1
            } else {
                5
            }
        })
        .sum()
}

fn same(d: &dyn Dialect, a: &str, b: &str) -> bool {
    if d.features().case_insensitive_columns {
        a.to_lowercase() == b.to_lowercase()
    } else {
        a == b
    }
}

fn columns_exist<'a>(
    d: &dyn Dialect,
    t: &Table,
    what: &str,
    cols: impl IntoIterator<Item = &'a str>,
) -> Result<()> {
    let mut seen: Vec<&str> = Vec::new();
    for c in cols {
        if t.get_column(c).is_none() {
            return Err(Error::invalid_schema(format!(
                "{what} of table {} names column {c:?}, which the table does not have",
                t.full_name()
            )));
        }
        if seen.iter().any(|s| same(d, s, c)) {
            return Err(Error::invalid_schema(format!(
                "{what} of table {} lists column {c:?} twice",
                t.full_name()
            )));
        }
        seen.push(c);
    }
    if seen.is_empty() {
        return Err(Error::invalid_schema(format!(
            "{what} of table {} has no columns",
            t.full_name()
        )));
    }
    Ok(())
}

/// Whether `column` of `t` is part of a key: the primary key, a unique constraint, a foreign
/// key or an index.
pub(crate) fn in_key(t: &Table, column: &str) -> bool {
    t.primary_key_columns().contains(&column)
        || t.columns.iter().any(|c| c.unique && c.name == column)
        || t.uniques
            .iter()
            .any(|u| u.columns.iter().any(|c| c == column))
        || t.foreign_keys
            .iter()
            .any(|f| f.columns.iter().any(|c| c == column))
        || t.indexes
            .iter()
            .any(|i| i.columns.iter().any(|c| c.name == column))
}

fn keyable(d: &dyn Dialect, t: &Table, what: &str, cols: &[&str]) -> Result<()> {
    if !d.features().text_keys_need_length {
        return Ok(());
    }
    for c in cols {
        if let Some(col) = t.get_column(c) {
            let text_as_varchar =
                col.sql_type == SqlType::Text && d.features().text_key_varchar.is_some();
            if matches!(col.sql_type, SqlType::Text | SqlType::Blob | SqlType::Json)
                && !text_as_varchar
            {
                return Err(Error::unsupported(
                    d.name(),
                    format!(
                        "a {what} on TEXT/BLOB/JSON column {}.{c} (use VARCHAR(n))",
                        t.full_name()
                    ),
                ));
            }
        }
    }
    Ok(())
}

fn column(d: &dyn Dialect, t: &Table, c: &ColumnDef) -> Result<()> {
    name(d, "column", &c.name)?;
    if d.features().system_column_names.contains(&c.name.as_str()) {
        return Err(Error::invalid_schema(format!(
            "column name {:?} is taken by a system column on {}",
            c.name,
            d.name()
        )));
    }
    // Rendering the type checks that the dialect can express it.
    let mut probe = SqlWriter::new(d);
    d.write_type(&mut probe, &c.sql_type, Some(c))?;
    if let Some(crate::schema::ServerDefault::Literal(v)) = &c.server_default {
        probe.push_literal(v)?;
    }
    if let SqlType::Enum(e) = &c.sql_type {
        name(d, "enum type", &e.name)?;
    }
    if c.autoincrement {
        if !c.sql_type.is_integer() {
            return Err(Error::invalid_schema(format!(
                "autoincrement column {}.{} must have an integer type, not {:?}",
                t.full_name(),
                c.name,
                c.sql_type
            )));
        }
        if c.server_default.is_some() {
            return Err(Error::invalid_schema(format!(
                "autoincrement column {}.{} cannot also have a server default",
                t.full_name(),
                c.name
            )));
        }
        let pk = t.primary_key_columns();
        if !pk.contains(&c.name.as_str()) {
            return Err(Error::invalid_schema(format!(
                "autoincrement column {}.{} must be part of the primary key",
                t.full_name(),
                c.name
            )));
        }
        if d.features().autoincrement == super::AutoIncrementStyle::RowidPrimaryKey && pk.len() > 1
        {
            return Err(Error::unsupported(
                d.name(),
                format!(
                    "autoincrement column {}.{} in a composite primary key",
                    t.full_name(),
                    c.name
                ),
            ));
        }
    }
    Ok(())
}

/// Checks one table on its own (foreign-key targets are checked by [`metadata`]).
pub(crate) fn table(d: &dyn Dialect, t: &Table) -> Result<()> {
    name(d, "table", &t.name)?;
    if let Some(max) = d.features().max_table_file_name_bytes {
        let bytes = table_file_name_bytes(&t.name);
        if bytes > max {
            return Err(Error::invalid_schema(format!(
                "table name {:?} makes a file name of up to {bytes} bytes on {} (characters \
                 other than ASCII letters, digits and _ take 5), past its {max}",
                t.name,
                d.name()
            )));
        }
    }
    if let Some(s) = &t.schema {
        name(d, "schema", s)?;
    }
    if t.columns.is_empty() {
        return Err(Error::invalid_schema(format!(
            "table {} has no columns",
            t.full_name()
        )));
    }
    if t.columns.iter().filter(|c| c.autoincrement).count() > 1 {
        return Err(Error::invalid_schema(format!(
            "table {} has more than one autoincrement column",
            t.full_name()
        )));
    }
    for (i, c) in t.columns.iter().enumerate() {
        if t.columns[..i].iter().any(|p| same(d, &p.name, &c.name)) {
            return Err(Error::invalid_schema(format!(
                "table {} has two columns named {:?}{}",
                t.full_name(),
                c.name,
                if d.features().case_insensitive_columns {
                    format!(" ({} compares column names without case)", d.name())
                } else {
                    String::new()
                }
            )));
        }
        column(d, t, c)?;
    }
    if let Some(pk) = &t.primary_key {
        let flagged: Vec<&str> = t
            .columns
            .iter()
            .filter(|c| c.primary_key)
            .map(|c| c.name.as_str())
            .collect();
        if !flagged.is_empty()
            && flagged != pk.columns.iter().map(String::as_str).collect::<Vec<_>>()
        {
            return Err(Error::invalid_schema(format!(
                "table {} declares primary key ({}) but marks columns ({}) as primary key",
                t.full_name(),
                pk.columns.join(", "),
                flagged.join(", ")
            )));
        }
        if let Some(n) = &pk.name {
            name(d, "constraint", n)?;
        }
    }
    let pk = t.primary_key_columns();
    if !pk.is_empty() {
        columns_exist(d, t, "the primary key", pk.iter().copied())?;
        keyable(d, t, "primary key", &pk)?;
    }
    for c in t.columns.iter().filter(|c| c.unique) {
        keyable(d, t, "unique constraint", &[c.name.as_str()])?;
    }
    let names: Vec<&String> = t
        .uniques
        .iter()
        .filter_map(|u| u.name.as_ref())
        .chain(t.foreign_keys.iter().filter_map(|f| f.name.as_ref()))
        .chain(t.checks.iter().filter_map(|c| c.name.as_ref()))
        .chain(t.primary_key.as_ref().and_then(|p| p.name.as_ref()))
        .collect();
    for (i, n) in names.iter().enumerate() {
        name(d, "constraint", n)?;
        if names[..i].iter().any(|p| same(d, p, n)) {
            return Err(Error::invalid_schema(format!(
                "table {} has two constraints named {n:?}",
                t.full_name()
            )));
        }
    }
    for u in &t.uniques {
        columns_exist(
            d,
            t,
            "a unique constraint",
            u.columns.iter().map(String::as_str),
        )?;
        let cols: Vec<&str> = u.columns.iter().map(String::as_str).collect();
        keyable(d, t, "unique constraint", &cols)?;
    }
    for fk in &t.foreign_keys {
        columns_exist(d, t, "a foreign key", fk.columns.iter().map(String::as_str))?;
        name(d, "table", &fk.ref_table)?;
        if fk.columns.len() != fk.ref_columns.len() {
            return Err(Error::invalid_schema(format!(
                "foreign key ({}) of table {} has {} columns but references {} ({})",
                fk.columns.join(", "),
                t.full_name(),
                fk.columns.len(),
                fk.ref_columns.len(),
                fk.ref_columns.join(", ")
            )));
        }
        let cols: Vec<&str> = fk.columns.iter().map(String::as_str).collect();
        keyable(d, t, "foreign key", &cols)?;
        for a in [fk.on_delete, fk.on_update].into_iter().flatten() {
            if a == crate::schema::FkAction::SetDefault && !d.features().fk_set_default {
                return Err(Error::unsupported(
                    d.name(),
                    "foreign key action SET DEFAULT",
                ));
            }
        }
    }
    for ck in &t.checks {
        if ck.expr.trim().is_empty() {
            return Err(Error::invalid_schema(format!(
                "a check constraint of table {} has an empty expression",
                t.full_name()
            )));
        }
    }
    for ix in &t.indexes {
        index(d, t, ix)?;
    }
    Ok(())
}

/// Checks an index of `t`.
pub(crate) fn index(d: &dyn Dialect, t: &Table, ix: &Index) -> Result<()> {
    name(d, "index", &ix.name)?;
    columns_exist(
        d,
        t,
        &format!("index {:?}", ix.name),
        ix.columns.iter().map(|c| c.name.as_str()),
    )?;
    let cols: Vec<&str> = ix.columns.iter().map(|c| c.name.as_str()).collect();
    keyable(d, t, "index", &cols)?;
    if ix.filter.is_some() && !d.features().partial_indexes {
        return Err(Error::unsupported(
            d.name(),
            "partial indexes (CREATE INDEX … WHERE)",
        ));
    }
    if ix.using.is_some() && !d.features().index_using {
        return Err(Error::unsupported(d.name(), "index access methods (USING)"));
    }
    Ok(())
}

/// Checks a whole metadata: every table, then names across tables and every foreign key's target.
pub(crate) fn metadata(d: &dyn Dialect, md: &MetaData) -> Result<()> {
    let tables = md.tables();
    let ci_tables = d.features().case_insensitive_tables;
    let eq = |a: &str, b: &str| {
        if ci_tables {
            a.to_lowercase() == b.to_lowercase()
        } else {
            a == b
        }
    };
    for (i, t) in tables.iter().enumerate() {
        table(d, t)?;
        if tables[..i]
            .iter()
            .any(|p| p.schema == t.schema && eq(&p.name, &t.name))
        {
            return Err(Error::invalid_schema(format!(
                "the metadata has two tables named {}",
                t.full_name()
            )));
        }
        // Index names share a namespace per schema, except on MySQL (per table).
        for ix in &t.indexes {
            let clash = tables[..=i].iter().any(|p| {
                p.schema == t.schema
                    && (!d.features().drop_index_on_table || std::ptr::eq(p, t))
                    && p.indexes
                        .iter()
                        .take_while(|q| !std::ptr::eq(*q, ix))
                        .any(|q| eq(&q.name, &ix.name))
            });
            if clash {
                return Err(Error::invalid_schema(format!(
                    "two indexes are named {:?}",
                    ix.name
                )));
            }
        }
    }
    for t in tables {
        for fk in &t.foreign_keys {
            let Some(target) = md.resolve(t, fk).map(|i| &tables[i]) else {
                return Err(Error::invalid_schema(format!(
                    "foreign key ({}) of table {} references table {}, which is not in the metadata",
                    fk.columns.join(", "),
                    t.full_name(),
                    match fk.ref_schema.as_deref().or(t.schema.as_deref()) {
                        Some(s) => format!("{s}.{}", fk.ref_table),
                        None => fk.ref_table.clone(),
                    }
                )));
            };
            for (c, r) in fk.columns.iter().zip(&fk.ref_columns) {
                let Some(rc) = target.get_column(r) else {
                    return Err(Error::invalid_schema(format!(
                        "foreign key of table {} references column {}.{r}, which does not exist",
                        t.full_name(),
                        target.full_name()
                    )));
                };
                let lc = t.get_column(c).expect("checked by table()");
                if !lc.sql_type.fk_compatible(&rc.sql_type) {
                    return Err(Error::invalid_schema(format!(
                        "foreign key column {}.{c} ({:?}) does not match referenced column {}.{r} ({:?})",
                        t.full_name(),
                        lc.sql_type,
                        target.full_name(),
                        rc.sql_type
                    )));
                }
            }
            let mut refs: Vec<&str> = fk.ref_columns.iter().map(String::as_str).collect();
            refs.sort_unstable();
            let matches = |cols: Vec<&str>| {
                let mut cols = cols;
                cols.sort_unstable();
                cols == refs
            };
            let unique = matches(target.primary_key_columns())
                || target
                    .columns
                    .iter()
                    .any(|c| c.unique && refs == [c.name.as_str()])
                || target
                    .uniques
                    .iter()
                    .any(|u| matches(u.columns.iter().map(String::as_str).collect()))
                || target.indexes.iter().any(|ix| {
                    ix.unique
                        && ix.filter.is_none()
                        && matches(ix.columns.iter().map(|c| c.name.as_str()).collect())
                });
            if !unique {
                return Err(Error::invalid_schema(format!(
                    "foreign key of table {} references ({}) of table {}, which is neither its primary key nor unique",
                    t.full_name(),
                    fk.ref_columns.join(", "),
                    target.full_name()
                )));
            }
        }
    }
    let enums = md.enum_types();
    let named_enums = d.features().enum_style == super::EnumStyle::NamedType;
    for t in tables.iter().filter(|_| named_enums) {
        for c in &t.columns {
            if let SqlType::Enum(e) = &c.sql_type {
                if let Some(first) = enums
                    .iter()
                    .find(|o| o.name == e.name && o.schema == e.schema)
                {
                    if first.values != e.values {
                        return Err(Error::invalid_schema(format!(
                            "enum type {} is declared with different values",
                            e.name
                        )));
                    }
                }
            }
        }
    }
    Ok(())
}

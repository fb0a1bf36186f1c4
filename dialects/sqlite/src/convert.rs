//! Binding values, decoding rows and mapping SQLite errors.

use quarry::{Error, ErrorKind, Result, Row, Value, ValueType};
use rusqlite::types::{ToSqlOutput, ValueRef};
use std::sync::Arc;

/// A quarry value as a rusqlite parameter.
struct Param<'a>(&'a Value);

impl rusqlite::ToSql for Param<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        use rusqlite::types::Value as S;
        Ok(match self.0 {
            Value::Null(_) => ToSqlOutput::Owned(S::Null),
            Value::Bool(b) => ToSqlOutput::Owned(S::Integer(i64::from(*b))),
            Value::I16(v) => ToSqlOutput::Owned(S::Integer(i64::from(*v))),
            Value::I32(v) => ToSqlOutput::Owned(S::Integer(i64::from(*v))),
            Value::I64(v) => ToSqlOutput::Owned(S::Integer(*v)),
            Value::F32(v) => ToSqlOutput::Owned(S::Real(f64::from(*v))),
            Value::F64(v) => ToSqlOutput::Owned(S::Real(*v)),
            Value::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
            Value::Bytes(b) => ToSqlOutput::Borrowed(ValueRef::Blob(b)),
            other => {
                return Err(rusqlite::Error::ToSqlConversionFailure(
                    format!("unsupported value {other:?}").into(),
                ))
            }
        })
    }
}

fn bind(stmt: &mut rusqlite::Statement<'_>, params: &[Value]) -> rusqlite::Result<()> {
    let expected = stmt.parameter_count();
    if expected != params.len() {
        return Err(rusqlite::Error::InvalidParameterCount(
            params.len(),
            expected,
        ));
    }
    for (i, p) in params.iter().enumerate() {
        stmt.raw_bind_parameter(i + 1, Param(p))?;
    }
    Ok(())
}

/// Runs one statement; returns the rows it changed (0 for a query, whose rows are drained).
pub(crate) fn execute(conn: &rusqlite::Connection, sql: &str, params: &[Value]) -> Result<u64> {
    let run = || -> rusqlite::Result<u64> {
        let mut stmt = conn.prepare_cached(sql)?;
        bind(&mut stmt, params)?;
        if stmt.column_count() > 0 {
            let mut rows = stmt.raw_query();
            while rows.next()?.is_some() {}
            Ok(0)
        } else {
            Ok(stmt.raw_execute()? as u64)
        }
    };
    run().map_err(|e| error(e, Some(sql)))
}

/// The value type a NULL of a column with declared type `decl` takes (SQLite type affinity).
fn null_type(decl: Option<&str>) -> ValueType {
    let d = decl.unwrap_or_default().to_ascii_uppercase();
    if d.contains("INT") {
        ValueType::I64
    } else if d.contains("CHAR") || d.contains("CLOB") || d.contains("TEXT") {
        ValueType::Text
    } else if d.contains("BLOB") || d.is_empty() {
        ValueType::Bytes
    } else if d.contains("REAL") || d.contains("FLOA") || d.contains("DOUB") {
        ValueType::F64
    } else if d.contains("BOOL") {
        ValueType::Bool
    } else {
        ValueType::Text
    }
}

/// Runs a query and decodes every row.
pub(crate) fn fetch_all(
    conn: &rusqlite::Connection,
    sql: &str,
    params: &[Value],
) -> Result<Vec<Row>> {
    let run = || -> Result<Vec<Row>> {
        let mut stmt = conn.prepare_cached(sql).map_err(|e| error(e, Some(sql)))?;
        bind(&mut stmt, params).map_err(|e| error(e, Some(sql)))?;
        let columns: Arc<[String]> = stmt.column_names().map(str::to_owned).collect();
        let nulls: Vec<ValueType> = stmt.columns().map(|c| null_type(c.decl_type())).collect();
        let mut rows = stmt.raw_query();
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(|e| error(e, Some(sql)))? {
            let mut values = Vec::with_capacity(columns.len());
            for (i, null) in nulls.iter().enumerate() {
                let v = row.get_ref(i).map_err(|e| error(e, Some(sql)))?;
                values.push(match v {
                    ValueRef::Null => Value::Null(*null),
                    ValueRef::Integer(n) => Value::I64(n),
                    ValueRef::Real(f) => Value::F64(f),
                    ValueRef::Text(t) => Value::Text(
                        std::str::from_utf8(t)
                            .map_err(|_| Error::Decode {
                                column: columns[i].clone(),
                                message: "text is not valid UTF-8".into(),
                            })?
                            .to_owned(),
                    ),
                    ValueRef::Blob(b) => Value::Bytes(b.to_vec()),
                });
            }
            out.push(Row::new(columns.clone(), values));
        }
        Ok(out)
    };
    run()
}

/// Maps a rusqlite error to a quarry error, keeping the extended result code.
pub(crate) fn error(e: rusqlite::Error, sql: Option<&str>) -> Error {
    match &e {
        rusqlite::Error::SqliteFailure(f, msg) => {
            let kind = kind_for(f.extended_code);
            let message = msg.clone().unwrap_or_else(|| f.to_string());
            if kind == ErrorKind::Connection {
                return Error::connection(message, Some(Box::new(e)));
            }
            Error::database(kind, f.extended_code.to_string(), message, sql)
        }
        _ => Error::database(ErrorKind::Database, "", e.to_string(), sql),
    }
}

/// The quarry error kind of a SQLite extended result code (tested below).
pub(crate) fn kind_for(extended: i32) -> ErrorKind {
    match extended {
        2067 | 1555 => ErrorKind::UniqueViolation, // CONSTRAINT_UNIQUE, CONSTRAINT_PRIMARYKEY
        787 => ErrorKind::ForeignKeyViolation,     // CONSTRAINT_FOREIGNKEY
        1299 => ErrorKind::NotNullViolation,       // CONSTRAINT_NOTNULL
        275 => ErrorKind::CheckViolation,          // CONSTRAINT_CHECK
        code if code & 0xff == 5 => ErrorKind::SerializationFailure, // BUSY: retry
        code if code & 0xff == 6 => ErrorKind::Deadlock, // LOCKED
        code if code & 0xff == 14 => ErrorKind::Connection, // CANTOPEN
        _ => ErrorKind::Database,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_map_to_kinds() {
        assert_eq!(kind_for(2067), ErrorKind::UniqueViolation);
        assert_eq!(kind_for(1555), ErrorKind::UniqueViolation);
        assert_eq!(kind_for(787), ErrorKind::ForeignKeyViolation);
        assert_eq!(kind_for(1299), ErrorKind::NotNullViolation);
        assert_eq!(kind_for(275), ErrorKind::CheckViolation);
        assert_eq!(kind_for(5), ErrorKind::SerializationFailure);
        assert_eq!(kind_for(517), ErrorKind::SerializationFailure);
        assert_eq!(kind_for(1), ErrorKind::Database);
    }

    #[test]
    fn null_types_follow_affinity() {
        assert_eq!(null_type(Some("BIGINT")), ValueType::I64);
        assert_eq!(null_type(Some("VARCHAR(10)")), ValueType::Text);
        assert_eq!(null_type(Some("DOUBLE")), ValueType::F64);
        assert_eq!(null_type(None), ValueType::Bytes);
    }
}

//! MySQL 8 and MariaDB: one family, two dialects.
//!
//! MariaDB differs from MySQL 8 in the upsert row alias, RETURNING, LATERAL, the UUID type and
//! `IF [NOT] EXISTS` on indexes; the MySQL backend picks one from the server's version string.
//! MySQL 8 is checked by compile tests only (no MySQL 8 server runs in CI).

use super::dialect::*;
use super::{keywords, SqlWriter};
use crate::error::Result;
use crate::schema::{ColumnDef, SqlType};
use crate::value::Value;

/// The MySQL 8 dialect (8.0.16 and later). Checked by compile tests only.
///
/// ```
/// use quarry::{MySql, SqlType};
/// assert_eq!(SqlType::Uuid.render(&MySql).unwrap(), "CHAR(36)");
/// assert_eq!(SqlType::Timestamp.render(&MySql).unwrap(), "DATETIME(6)");
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct MySql;

/// The MariaDB dialect (10.7 and later, for the native UUID type).
///
/// ```
/// use quarry::{MariaDb, SqlType};
/// assert_eq!(SqlType::Uuid.render(&MariaDb).unwrap(), "UUID");
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct MariaDb;

const BASE: Features = Features {
    placeholder: Placeholder::Question,
    identifier_quote: '`',
    max_identifier_len: Some(64),
    identifier_len_in_bytes: false,
    case_insensitive_columns: true,
    case_insensitive_tables: false,
    trailing_space_in_identifiers: false,
    identifiers_beyond_bmp: false,
    max_table_file_name_bytes: Some(250),
    system_column_names: &[],
    max_statement_identifier_bytes: Some(255),
    label_leading_space: false,
    max_bind_params: 65535,
    returning: Returning::None,
    upsert: UpsertStyle::OnDuplicateKeyRowAlias,
    multi_row_insert: true,
    full_join: FullJoinStyle::EmulatedUnion,
    intersect_except: true,
    lateral: true,
    distinct_on: false,
    nulls_ordering: false,
    ilike: false,
    create_table_if_not_exists: true,
    index_if_exists: false,
    drop_cascade: false,
    partial_indexes: false,
    index_using: false,
    drop_index_on_table: true,
    index_schema_on_name: false,
    enum_style: EnumStyle::Inline,
    comments: CommentStyle::Inline,
    autoincrement: AutoIncrementStyle::AutoIncrement,
    transactional_ddl: false,
    alter_add_foreign_key: true,
    drop_foreign_key_keyword: "FOREIGN KEY",
    alter: AlterStyle::ModifyColumn,
    drop_check_keyword: "CHECK",
    fk_set_default: false,
    text_keys_need_length: true,
    text_key_varchar: Some(255),
    text_default_as_expression: true,
    max_varchar: 16383,
    max_numeric: (65, 30),
    non_finite_floats: false,
    bool_literals: ("1", "0"),
    aggregate_filter: false,
    concat_function: true,
    char_length_function: "CHAR_LENGTH",
    position_function: "INSTR",
    greatest_least: ("GREATEST", "LEAST"),
    math_functions: true,
    round_digits_numeric_only: false,
    dates: DateStyle::ExtractInteger,
    values_query: ValuesStyle::ValuesRow,
    quantified_subquery: true,
    exact_decimal: true,
    decimal_param_cast: true,
    string_agg: StringAggStyle::GroupConcatSeparator,
    json_agg: ("JSON_ARRAYAGG", false),
    integer_division: "DIV",
    array_agg: false,
    aggregate_order_by: false,
    rollup: RollupStyle::WithRollup { order_by: true },
    grouping_function: true,
    window_groups: false,
    compound_member_parens: true,
    cte_in_member_parens: false,
    values_default: true,
    upsert_update_needs_target: false,
    multi_table_join: true,
    delete_using: false,
    bulk_copy: false,
    large_in_list: LargeInList::JsonTable,
    max_statement_bytes: 8 << 20,
    max_insert_rows: Some(2000),
};

static MYSQL_FEATURES: Features = BASE;

static MARIADB_FEATURES: Features = Features {
    drop_check_keyword: "CONSTRAINT",
    returning: Returning::InsertDelete,
    upsert: UpsertStyle::OnDuplicateKeyValues,
    lateral: false,
    index_if_exists: true,
    text_default_as_expression: false,
    rollup: RollupStyle::WithRollup { order_by: false },
    grouping_function: false,
    values_query: ValuesStyle::UnionAllSelects,
    json_agg: ("JSON_ARRAYAGG", true),
    integer_division: "DIV",
    array_agg: false,
    ..BASE
};

/// The type spellings shared by MySQL and MariaDB; `mariadb` picks the native UUID type.
fn write_type(d: &dyn Dialect, w: &mut SqlWriter<'_>, ty: &SqlType, mariadb: bool) -> Result<()> {
    match ty {
        SqlType::Integer => w.push("INT"),
        SqlType::Real => w.push("FLOAT"),
        SqlType::Double => w.push("DOUBLE"),
        SqlType::Numeric { .. } => {
            // Validate through the default, then spell it DECIMAL.
            let mut probe = SqlWriter::new(d);
            write_type_default(&mut probe, ty)?;
            w.push("DECIMAL");
            w.push(probe.sql().trim_start_matches("NUMERIC"));
        }
        // LONGTEXT as LONGBLOB: TEXT holds 64 KiB only, and a longer value is refused in
        // strict mode or silently cut in non-strict mode.
        SqlType::Text => w.push("LONGTEXT"),
        SqlType::Blob => w.push("LONGBLOB"),
        SqlType::Time => w.push("TIME(6)"),
        SqlType::Timestamp | SqlType::TimestampTz => w.push("DATETIME(6)"),
        SqlType::Uuid if mariadb => w.push("UUID"),
        SqlType::Uuid => w.push("CHAR(36)"),
        SqlType::Enum(e) => {
            check_enum(d, e)?;
            w.push("ENUM(");
            for (i, v) in e.values.iter().enumerate() {
                if i > 0 {
                    w.push(", ");
                }
                w.push_string_literal(v);
            }
            w.push_char(')');
        }
        other => write_type_default(w, other)?,
    }
    Ok(())
}

/// MySQL string literals: quotes doubled and backslashes escaped, as MySQL reads them unless
/// `sql_mode` has `NO_BACKSLASH_ESCAPES` (quarry-mysql's connections remove it).
fn write_string_literal(w: &mut SqlWriter<'_>, s: &str) {
    w.push_char('\'');
    for ch in s.chars() {
        match ch {
            '\'' => w.push("''"),
            '\\' => w.push("\\\\"),
            c => w.push_char(c),
        }
    }
    w.push_char('\'');
}

/// The refusal of a date or timestamp literal beyond years 0 to 9999.
fn out_of_years(w: &SqlWriter<'_>, v: &dyn std::fmt::Display) -> crate::Error {
    crate::Error::unsupported(
        w.dialect().name(),
        format!("the date {v}: MySQL dates range over years 0 to 9999"),
    )
}

fn write_table_exists(w: &mut SqlWriter<'_>, schema: Option<&str>, name: &str) {
    w.push("SELECT 1 FROM information_schema.tables WHERE table_schema = ");
    match schema {
        Some(s) => w.push_param(Value::Text(s.to_owned())),
        None => w.push("DATABASE()"),
    }
    w.push(" AND BINARY table_name = ");
    w.push_param(Value::Text(name.to_owned()));
}

/// CAST targets of MySQL and MariaDB, which differ from column types (`SIGNED`, `CHAR`,
/// `DECIMAL(p, s)`, `DOUBLE`, `DATETIME(6)`, …).
fn write_cast_type(
    d: &dyn Dialect,
    w: &mut SqlWriter<'_>,
    ty: &SqlType,
    mariadb: bool,
) -> Result<()> {
    match ty {
        SqlType::SmallInt | SqlType::Integer | SqlType::BigInt | SqlType::Boolean => {
            w.push("SIGNED")
        }
        SqlType::Real => w.push("FLOAT"),
        SqlType::Double => w.push("DOUBLE"),
        SqlType::Numeric { .. } => write_type(d, w, ty, mariadb)?,
        SqlType::Varchar(n) | SqlType::Char(n) => {
            // Validate the length through the column type.
            let mut probe = SqlWriter::new(d);
            write_type(d, &mut probe, ty, mariadb)?;
            w.push("CHAR(");
            w.push_u64(u64::from(*n));
            w.push_char(')');
        }
        SqlType::Text => w.push("CHAR"),
        SqlType::Uuid => w.push("CHAR(36)"),
        SqlType::Blob => w.push("BINARY"),
        SqlType::Date => w.push("DATE"),
        SqlType::Time => w.push("TIME(6)"),
        SqlType::Timestamp | SqlType::TimestampTz => w.push("DATETIME(6)"),
        SqlType::Json if !mariadb => w.push("JSON"),
        other => {
            return Err(crate::Error::unsupported(
                d.name(),
                format!("CAST to {other:?}"),
            ))
        }
    }
    Ok(())
}

/// MariaDB's locking clause: `FOR UPDATE` or `LOCK IN SHARE MODE`, `NOWAIT` / `SKIP LOCKED`
/// (10.6+), no `OF`.
fn write_row_lock_mariadb(
    w: &mut SqlWriter<'_>,
    lock: &crate::stmt::select::RowLock,
) -> Result<()> {
    use crate::stmt::select::{LockStrength, LockWait};
    if !lock.of.is_empty() {
        return Err(crate::Error::unsupported(
            "mariadb",
            "row locking OF tables",
        ));
    }
    w.push(match lock.strength {
        LockStrength::Update => " FOR UPDATE",
        LockStrength::Share => " LOCK IN SHARE MODE",
    });
    match lock.wait {
        LockWait::Wait => {}
        LockWait::NoWait => w.push(" NOWAIT"),
        LockWait::SkipLocked => w.push(" SKIP LOCKED"),
    }
    Ok(())
}

macro_rules! mysql_family {
    ($ty:ty, $name:literal, $features:ident, $mariadb:literal) => {
        impl Dialect for $ty {
            fn name(&self) -> &'static str {
                $name
            }

            fn features(&self) -> &Features {
                &$features
            }

            fn identifier_cache_slot(&self) -> Option<u8> {
                // MySQL and MariaDB quote alike.
                Some(1)
            }

            fn is_reserved(&self, word: &str) -> bool {
                keywords::mysql(word)
            }

            fn write_type(
                &self,
                w: &mut SqlWriter<'_>,
                ty: &SqlType,
                _column: Option<&ColumnDef>,
            ) -> Result<()> {
                write_type(self, w, ty, $mariadb)
            }

            fn write_string_literal(&self, w: &mut SqlWriter<'_>, s: &str) {
                write_string_literal(w, s);
            }

            fn write_literal(&self, w: &mut SqlWriter<'_>, value: &Value) -> Result<()> {
                match value {
                    // As when bound: MySQL dates range over years 0 to 9999.
                    Value::Date(d) if !(0..=9999).contains(&d.year()) => Err(out_of_years(w, d)),
                    Value::Timestamp(ts) | Value::TimestampTz(ts)
                        if !(0..=9999).contains(&ts.date.year()) =>
                    {
                        Err(out_of_years(w, ts))
                    }
                    // DATETIME has no offset: instants are stored in UTC, written without one.
                    Value::TimestampTz(ts) => {
                        w.push_string_literal(&ts.to_string());
                        Ok(())
                    }
                    other => write_literal_default(w, other),
                }
            }

            fn write_begin(
                &self,
                w: &mut SqlWriter<'_>,
                options: &crate::stmt::tx::TxOptions,
            ) -> Result<()> {
                // The level applies to the next transaction only.
                if let Some(level) = options.isolation {
                    w.push("SET TRANSACTION ISOLATION LEVEL ");
                    w.push(level.as_sql());
                    w.push("; ");
                }
                w.push(if options.read_only {
                    "START TRANSACTION READ ONLY"
                } else {
                    "START TRANSACTION"
                });
                Ok(())
            }

            fn write_table_exists(&self, w: &mut SqlWriter<'_>, schema: Option<&str>, name: &str) {
                write_table_exists(w, schema, name);
            }

            /// An offset without a limit takes the largest LIMIT (MySQL needs a LIMIT).
            fn write_limit_offset(
                &self,
                w: &mut SqlWriter<'_>,
                limit: Option<u64>,
                offset: Option<u64>,
            ) {
                match (limit, offset) {
                    (None, Some(_)) => {
                        w.push(" LIMIT 18446744073709551615");
                        write_limit_offset_default(w, None, offset);
                    }
                    _ => write_limit_offset_default(w, limit, offset),
                }
            }

            fn write_cast_type(&self, w: &mut SqlWriter<'_>, ty: &SqlType) -> Result<()> {
                write_cast_type(self, w, ty, $mariadb)
            }

            fn write_row_lock(
                &self,
                w: &mut SqlWriter<'_>,
                lock: &crate::stmt::select::RowLock,
            ) -> Result<()> {
                if $mariadb {
                    write_row_lock_mariadb(w, lock)
                } else {
                    write_row_lock_default(w, lock)
                }
            }
        }
    };
}

mysql_family!(MySql, "mysql", MYSQL_FEATURES, false);
mysql_family!(MariaDb, "mariadb", MARIADB_FEATURES, true);

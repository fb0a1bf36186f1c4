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
    max_bind_params: 65535,
    returning: Returning::None,
    upsert: UpsertStyle::OnDuplicateKeyRowAlias,
    multi_row_insert: true,
    full_join: false,
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
    fk_set_default: false,
    text_keys_need_length: true,
    text_default_as_expression: true,
    max_varchar: 16383,
    max_numeric: (65, 30),
    non_finite_floats: false,
    bool_literals: ("1", "0"),
};

static MYSQL_FEATURES: Features = BASE;

static MARIADB_FEATURES: Features = Features {
    returning: Returning::InsertDelete,
    upsert: UpsertStyle::OnDuplicateKeyValues,
    lateral: false,
    index_if_exists: true,
    text_default_as_expression: false,
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

/// MySQL string literals: quotes doubled and backslashes escaped (quarry's connections do not
/// set `NO_BACKSLASH_ESCAPES`).
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

fn write_table_exists(w: &mut SqlWriter<'_>, schema: Option<&str>, name: &str) {
    w.push("SELECT 1 FROM information_schema.tables WHERE table_schema = ");
    match schema {
        Some(s) => w.push_param(Value::Text(s.to_owned())),
        None => w.push("DATABASE()"),
    }
    w.push(" AND BINARY table_name = ");
    w.push_param(Value::Text(name.to_owned()));
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

            fn is_reserved(&self, word: &str) -> bool {
                keywords::MYSQL.binary_search(&word).is_ok()
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

            fn write_begin(&self, w: &mut SqlWriter<'_>, options: &crate::TxOptions) -> Result<()> {
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
        }
    };
}

mysql_family!(MySql, "mysql", MYSQL_FEATURES, false);
mysql_family!(MariaDb, "mariadb", MARIADB_FEATURES, true);

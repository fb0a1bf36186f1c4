//! SQLite.

use super::dialect::*;
use super::{keywords, SqlWriter};
use crate::error::Result;
use crate::schema::{ColumnDef, SqlType};
use crate::value::Value;

/// The SQLite dialect (SQLite 3.35 and later).
///
/// Enums become `VARCHAR(n)` with a `CHECK (col IN (…))`; JSON is stored as `TEXT`; comments are
/// not stored (SQLite has no catalog comments).
///
/// ```
/// use quarry::{Sqlite, SqlType};
/// assert_eq!(SqlType::Json.render(&Sqlite).unwrap(), "TEXT");
/// assert_eq!(SqlType::enumeration("mood", ["sad", "happy"]).render(&Sqlite).unwrap(), "VARCHAR(5)");
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Sqlite;

static FEATURES: Features = Features {
    placeholder: Placeholder::Question,
    identifier_quote: '"',
    max_identifier_len: None,
    identifier_len_in_bytes: false,
    case_insensitive_columns: true,
    case_insensitive_tables: true,
    trailing_space_in_identifiers: true,
    identifiers_beyond_bmp: true,
    max_table_file_name_bytes: None,
    system_column_names: &[],
    max_statement_identifier_bytes: None,
    label_leading_space: true,
    max_bind_params: 32766,
    returning: Returning::All,
    upsert: UpsertStyle::OnConflict,
    multi_row_insert: true,
    full_join: FullJoinStyle::Native,
    intersect_except: true,
    lateral: false,
    distinct_on: false,
    nulls_ordering: true,
    ilike: false,
    create_table_if_not_exists: true,
    index_if_exists: true,
    drop_cascade: false,
    partial_indexes: true,
    index_using: false,
    drop_index_on_table: false,
    index_schema_on_name: true,
    enum_style: EnumStyle::Check,
    comments: CommentStyle::Ignored,
    autoincrement: AutoIncrementStyle::RowidPrimaryKey,
    transactional_ddl: true,
    alter_add_foreign_key: false,
    drop_foreign_key_keyword: "CONSTRAINT",
    alter: AlterStyle::Rebuild,
    drop_check_keyword: "CONSTRAINT",
    fk_set_default: true,
    text_keys_need_length: false,
    text_key_varchar: None,
    text_default_as_expression: false,
    max_varchar: 1_000_000_000,
    max_numeric: (1000, 1000),
    non_finite_floats: false,
    bool_literals: ("1", "0"),
    aggregate_filter: true,
    concat_function: false,
    char_length_function: "length",
    position_function: "instr",
    greatest_least: ("max", "min"),
    math_functions: false,
    round_digits_numeric_only: false,
    dates: DateStyle::Strftime,
    values_query: ValuesStyle::Values,
    quantified_subquery: false,
    exact_decimal: false,
    decimal_param_cast: false,
    string_agg: StringAggStyle::GroupConcat,
    json_agg: ("json_group_array", true),
    integer_division: "/",
    array_agg: false,
    aggregate_order_by: true,
    rollup: RollupStyle::None,
    grouping_function: false,
    window_groups: true,
    compound_member_parens: false,
    cte_in_member_parens: false,
    values_default: false,
    upsert_update_needs_target: false,
    multi_table_join: false,
    delete_using: false,
    bulk_copy: false,
    large_in_list: LargeInList::JsonEach,
    max_statement_bytes: 512 << 20,
    max_insert_rows: None,
};

impl Dialect for Sqlite {
    fn name(&self) -> &'static str {
        "sqlite"
    }

    fn features(&self) -> &Features {
        &FEATURES
    }

    fn identifier_cache_slot(&self) -> Option<u8> {
        Some(3)
    }

    /// A decimal literal of more than 15 significant digits is refused, as a bound one is:
    /// SQLite reads it as a 64-bit float and would keep a rounded value.
    fn write_literal(&self, w: &mut SqlWriter<'_>, value: &Value) -> Result<()> {
        if let Value::Decimal(d) = value {
            let digits = d.as_str().trim_start_matches('-').replace('.', "");
            let significant = digits.trim_start_matches('0').trim_end_matches('0').len();
            if significant > 15 {
                return Err(crate::Error::unsupported(
                    "sqlite",
                    format!(
                        "the decimal literal {d} ({significant} significant digits): SQLite reads \
                         it as a 64-bit float, which keeps at most 15"
                    ),
                ));
            }
        }
        write_literal_default(w, value)
    }

    fn is_reserved(&self, word: &str) -> bool {
        keywords::sqlite(word)
    }

    fn write_type(
        &self,
        w: &mut SqlWriter<'_>,
        ty: &SqlType,
        column: Option<&ColumnDef>,
    ) -> Result<()> {
        match ty {
            // Only `INTEGER PRIMARY KEY` aliases the rowid.
            t if t.is_integer() && column.is_some_and(|c| c.autoincrement) => w.push("INTEGER"),
            SqlType::Double => w.push("DOUBLE"),
            SqlType::TimestampTz => w.push("TIMESTAMPTZ"),
            SqlType::Uuid => w.push("CHAR(36)"),
            SqlType::Json => w.push("TEXT"),
            SqlType::Enum(e) => {
                check_enum(self, e)?;
                let longest = e
                    .values
                    .iter()
                    .map(|v| v.chars().count())
                    .max()
                    .unwrap_or(1);
                w.push("VARCHAR(");
                w.push_u64(longest.max(1) as u64);
                w.push_char(')');
            }
            other => write_type_default(w, other)?,
        }
        Ok(())
    }

    /// `BEGIN IMMEDIATE`: the write lock is taken at once, so concurrent writers wait on the
    /// busy timeout instead of failing when a read lock cannot be upgraded. SQLite transactions
    /// are always serializable; other levels and read-only transactions are unsupported.
    fn write_begin(
        &self,
        w: &mut SqlWriter<'_>,
        options: &crate::stmt::tx::TxOptions,
    ) -> Result<()> {
        if options
            .isolation
            .is_some_and(|l| l != crate::stmt::tx::IsolationLevel::Serializable)
        {
            return Err(crate::Error::unsupported(
                "sqlite",
                "isolation levels other than SERIALIZABLE",
            ));
        }
        if options.read_only {
            return Err(crate::Error::unsupported(
                "sqlite",
                "read-only transactions",
            ));
        }
        w.push("BEGIN IMMEDIATE");
        Ok(())
    }

    /// `LIMIT -1 OFFSET m` for an offset without a limit (SQLite needs a LIMIT).
    fn write_limit_offset(&self, w: &mut SqlWriter<'_>, limit: Option<u64>, offset: Option<u64>) {
        match (limit, offset) {
            (None, Some(_)) => {
                w.push(" LIMIT -1");
                write_limit_offset_default(w, None, offset);
            }
            _ => write_limit_offset_default(w, limit, offset),
        }
    }

    /// SQLite has no row locking (a write transaction locks the whole database).
    fn write_row_lock(
        &self,
        _w: &mut SqlWriter<'_>,
        _lock: &crate::stmt::select::RowLock,
    ) -> Result<()> {
        Err(crate::Error::unsupported(
            "sqlite",
            "row locking (FOR UPDATE / FOR SHARE)",
        ))
    }

    fn write_table_exists(&self, w: &mut SqlWriter<'_>, schema: Option<&str>, name: &str) {
        w.push("SELECT 1 FROM ");
        w.push_qualified(schema, "sqlite_master");
        w.push(" WHERE type = 'table' AND name = ");
        w.push_param(Value::Text(name.to_owned()));
        w.push(" COLLATE NOCASE");
    }
}

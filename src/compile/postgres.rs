//! PostgreSQL.

use super::dialect::*;
use super::{keywords, SqlWriter};
use crate::error::Result;
use crate::schema::{ColumnDef, SqlType};
use crate::value::Value;

/// The PostgreSQL dialect (PostgreSQL 12 and later).
///
/// ```
/// use quarry::{Postgres, SqlType};
/// assert_eq!(SqlType::Json.render(&Postgres).unwrap(), "JSONB");
/// assert_eq!(SqlType::Blob.render(&Postgres).unwrap(), "BYTEA");
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Postgres;

static FEATURES: Features = Features {
    placeholder: Placeholder::Dollar,
    identifier_quote: '"',
    max_identifier_len: Some(63),
    identifier_len_in_bytes: true,
    case_insensitive_columns: false,
    case_insensitive_tables: false,
    trailing_space_in_identifiers: true,
    identifiers_beyond_bmp: true,
    max_table_file_name_bytes: None,
    system_column_names: &["tableoid", "xmin", "cmin", "xmax", "cmax", "ctid"],
    max_statement_identifier_bytes: Some(63),
    label_leading_space: true,
    max_bind_params: 65535,
    returning: Returning::All,
    upsert: UpsertStyle::OnConflict,
    multi_row_insert: true,
    full_join: FullJoinStyle::Native,
    intersect_except: true,
    lateral: true,
    distinct_on: true,
    nulls_ordering: true,
    ilike: true,
    create_table_if_not_exists: true,
    index_if_exists: true,
    drop_cascade: true,
    partial_indexes: true,
    index_using: true,
    drop_index_on_table: false,
    index_schema_on_name: false,
    enum_style: EnumStyle::NamedType,
    comments: CommentStyle::Separate,
    autoincrement: AutoIncrementStyle::Identity,
    transactional_ddl: true,
    alter_add_foreign_key: true,
    drop_foreign_key_keyword: "CONSTRAINT",
    alter: AlterStyle::AlterColumn,
    drop_check_keyword: "CONSTRAINT",
    fk_set_default: true,
    text_keys_need_length: false,
    text_key_varchar: None,
    text_default_as_expression: false,
    max_varchar: 10_485_760,
    max_numeric: (1000, 1000),
    non_finite_floats: true,
    bool_literals: ("TRUE", "FALSE"),
    aggregate_filter: true,
    concat_function: false,
    char_length_function: "length",
    position_function: "strpos",
    greatest_least: ("GREATEST", "LEAST"),
    math_functions: true,
    round_digits_numeric_only: true,
    dates: DateStyle::ExtractNumeric,
    values_query: ValuesStyle::Values,
    quantified_subquery: true,
    exact_decimal: true,
    decimal_param_cast: false,
    string_agg: StringAggStyle::StringAgg,
    json_agg: ("json_agg", true),
    integer_division: "/",
    array_agg: true,
    aggregate_order_by: true,
    rollup: RollupStyle::Function,
    grouping_function: true,
    window_groups: true,
    compound_member_parens: true,
    cte_in_member_parens: true,
    values_default: true,
    upsert_update_needs_target: true,
    multi_table_join: false,
    delete_using: true,
    bulk_copy: true,
    large_in_list: LargeInList::Array,
    max_statement_bytes: 512 << 20,
    max_insert_rows: None,
};

impl Dialect for Postgres {
    fn name(&self) -> &'static str {
        "postgresql"
    }

    fn features(&self) -> &Features {
        &FEATURES
    }

    fn identifier_cache_slot(&self) -> Option<u8> {
        Some(0)
    }

    fn is_reserved(&self, word: &str) -> bool {
        keywords::postgres(word)
    }

    fn write_type(
        &self,
        w: &mut SqlWriter<'_>,
        ty: &SqlType,
        _column: Option<&ColumnDef>,
    ) -> Result<()> {
        match ty {
            SqlType::Blob => w.push("BYTEA"),
            SqlType::TimestampTz => w.push("TIMESTAMPTZ"),
            SqlType::Json => w.push("JSONB"),
            SqlType::Enum(e) => {
                check_enum(self, e)?;
                w.push_qualified(e.schema.as_deref(), &e.name);
            }
            other => write_type_default(w, other)?,
        }
        Ok(())
    }

    /// Writes a literal that means the same whatever the session's `standard_conforming_strings`
    /// (a setting quarry neither checks nor forces): like libpq's `PQescapeLiteral`, a string
    /// holding a backslash becomes an escape string `E'…'` with backslashes and quotes doubled;
    /// any other string stays `'…'`, where only quotes are special in both modes.
    ///
    /// ```
    /// use quarry::Postgres;
    /// use quarry::dialect::SqlWriter;
    /// let mut w = SqlWriter::new(&Postgres);
    /// w.push_string_literal("it's");
    /// w.push(" ");
    /// w.push_string_literal("\\' || current_user, --");
    /// assert_eq!(w.sql(), r"'it''s' E'\\'' || current_user, --'");
    /// ```
    fn write_string_literal(&self, w: &mut SqlWriter<'_>, s: &str) {
        if !s.contains('\\') {
            return write_string_literal_default(w, s);
        }
        w.push("E'");
        let mut rest = s;
        while let Some(i) = rest.find(['\'', '\\']) {
            w.push(&rest[..i]);
            w.push(if rest.as_bytes()[i] == b'\'' {
                "''"
            } else {
                "\\\\"
            });
            rest = &rest[i + 1..];
        }
        w.push(rest);
        w.push_char('\'');
    }

    fn write_literal(&self, w: &mut SqlWriter<'_>, value: &Value) -> Result<()> {
        let special = |v: f64| {
            if v.is_nan() {
                "'NaN'"
            } else if v > 0.0 {
                "'Infinity'"
            } else {
                "'-Infinity'"
            }
        };
        match value {
            Value::F32(v) if !v.is_finite() => w.push(special(f64::from(*v))),
            Value::F64(v) if !v.is_finite() => w.push(special(*v)),
            Value::Bytes(b) => {
                // The hex input `\x…` holds a backslash, so it goes through the escaping above.
                let mut hex = String::with_capacity(b.len() * 2 + 2);
                hex.push_str("\\x");
                for byte in b {
                    use std::fmt::Write as _;
                    let _ = write!(hex, "{byte:02x}");
                }
                self.write_string_literal(w, &hex);
                w.push("::bytea");
            }
            // PostgreSQL reads no negative year: year 0 and before are written as `… BC`.
            Value::Date(d) if d.year() <= 0 => w.push_string_literal(&bc(d, "")?),
            Value::Timestamp(ts) if ts.date.year() <= 0 => {
                w.push_string_literal(&bc(&ts.date, &format!(" {}", ts.time))?)
            }
            Value::TimestampTz(ts) if ts.date.year() <= 0 => {
                w.push_string_literal(&bc(&ts.date, &format!(" {}+00:00", ts.time))?)
            }
            other => write_literal_default(w, other)?,
        }
        Ok(())
    }

    fn write_table_exists(&self, w: &mut SqlWriter<'_>, schema: Option<&str>, name: &str) {
        w.push("SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND c.relname = ");
        w.push_param(Value::Text(name.to_owned()));
        schema_filter(w, schema);
    }

    fn write_type_exists(
        &self,
        w: &mut SqlWriter<'_>,
        schema: Option<&str>,
        name: &str,
    ) -> Result<()> {
        w.push("SELECT 1 FROM pg_catalog.pg_type c JOIN pg_catalog.pg_namespace n ON n.oid = c.typnamespace WHERE c.typname = ");
        w.push_param(Value::Text(name.to_owned()));
        schema_filter(w, schema);
        Ok(())
    }
}

fn schema_filter(w: &mut SqlWriter<'_>, schema: Option<&str>) {
    match schema {
        Some(s) => {
            w.push(" AND n.nspname = ");
            w.push_param(Value::Text(s.to_owned()));
        }
        None => w.push(" AND n.nspname = current_schema()"),
    }
}

/// A date in year 0 or before as PostgreSQL reads it: `YYYY-MM-DD{rest} BC`, year 0 being 1 BC.
/// One before PostgreSQL's first date (4714-11-24 BC) is refused: the server would refuse it.
fn bc(date: &crate::value::Date, rest: &str) -> Result<String> {
    if crate::value::Date::new(-4713, 11, 24).is_some_and(|first| *date < first) {
        return Err(crate::Error::unsupported(
            "postgresql",
            format!("date {date}, before PostgreSQL's first date (4714-11-24 BC)"),
        ));
    }
    Ok(format!(
        "{:04}-{:02}-{:02}{rest} BC",
        1 - i64::from(date.year()),
        date.month(),
        date.day()
    ))
}

//! PostgreSQL's catalog: four queries over `pg_class`/`pg_attribute` (with `pg_attrdef` and
//! `pg_description`), `pg_constraint`, `pg_index` and `pg_enum`, for the whole schema.

use super::{flag, string, strip_parens, table_mut, text, unquote, Params, Query, ReflectOptions};
use crate::compile::normalize::{canonical_literal, parse_number, Number};
use crate::error::Result;
use crate::schema::{
    Check, ColumnDef, EnumType, FkAction, ForeignKey, Index, IndexColumn, PrimaryKey,
    ServerDefault, SqlType, Table, Unique,
};
use crate::value::{Row, Value};

/// The schema filter (`$1`, NULL for the current schema) and the options' table filter.
fn filter(options: &ReflectOptions) -> (String, Vec<Value>) {
    let mut p = Params::new(true);
    let schema = p.push(match &options.schema {
        Some(s) => Value::Text(s.clone()),
        None => Value::Null(crate::value::ValueType::Text),
    });
    let mut sql = format!(
        "n.nspname::text = COALESCE({schema}, current_schema()::text) AND c.relkind IN ('r', 'p')"
    );
    sql.push_str(&p.table_filter("c.relname::text", options));
    (sql, p.values)
}

pub(super) fn queries(options: &ReflectOptions) -> Vec<Query> {
    let (filter, params) = filter(options);
    let q = |sql: String| Query {
        sql,
        params: params.clone(),
    };
    vec![
        q(format!(
            "SELECT c.relname::text, a.attnum::int8, a.attname::text, \
             format_type(a.atttypid, a.atttypmod), a.attnotnull, \
             pg_get_expr(d.adbin, d.adrelid), a.attidentity::text, t.typtype::text, \
             tn.nspname::text, t.typname::text, col_description(c.oid, a.attnum), \
             obj_description(c.oid, 'pg_class'), current_schema()::text \
             FROM pg_catalog.pg_class c \
             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
             LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped \
             LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum \
             LEFT JOIN pg_catalog.pg_type t ON t.oid = a.atttypid \
             LEFT JOIN pg_catalog.pg_namespace tn ON tn.oid = t.typnamespace \
             WHERE {filter} ORDER BY c.relname, a.attnum"
        )),
        q(format!(
            "SELECT c.relname::text, k.conname::text, k.contype::text, u.i::int8, a.attname::text, \
             fc.relname::text, fn.nspname::text, fa.attname::text, k.confdeltype::text, \
             k.confupdtype::text, CASE WHEN k.contype = 'c' THEN pg_get_constraintdef(k.oid, true) END \
             FROM pg_catalog.pg_constraint k \
             JOIN pg_catalog.pg_class c ON c.oid = k.conrelid \
             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
             LEFT JOIN LATERAL unnest(k.conkey, k.confkey) WITH ORDINALITY AS u(attnum, fattnum, i) ON true \
             LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum \
             LEFT JOIN pg_catalog.pg_class fc ON fc.oid = k.confrelid \
             LEFT JOIN pg_catalog.pg_namespace fn ON fn.oid = fc.relnamespace \
             LEFT JOIN pg_catalog.pg_attribute fa ON fa.attrelid = k.confrelid AND fa.attnum = u.fattnum \
             WHERE {filter} AND k.contype IN ('p', 'u', 'f', 'c') \
             ORDER BY c.relname, k.conname, u.i"
        )),
        q(format!(
            "SELECT c.relname::text, i.relname::text, x.indisunique, u.k::int8, \
             CASE WHEN x.indkey[u.k - 1] <> 0 THEN a.attname::text END, \
             pg_get_indexdef(x.indexrelid, u.k::int, true), (x.indoption[u.k - 1] & 1) = 1, \
             pg_get_expr(x.indpred, x.indrelid, true), am.amname::text \
             FROM pg_catalog.pg_index x \
             JOIN pg_catalog.pg_class c ON c.oid = x.indrelid \
             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
             JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid \
             JOIN pg_catalog.pg_am am ON am.oid = i.relam \
             CROSS JOIN LATERAL generate_series(1, x.indnkeyatts::int) AS u(k) \
             LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = x.indkey[u.k - 1] \
             WHERE {filter} AND NOT x.indisprimary AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k \
             WHERE k.conrelid = x.indrelid AND k.conindid = x.indexrelid AND k.contype IN ('p', 'u', 'x')) \
             ORDER BY c.relname, i.relname, u.k"
        )),
        Query {
            sql: "SELECT n.nspname::text, t.typname::text, e.enumlabel::text \
                  FROM pg_catalog.pg_enum e \
                  JOIN pg_catalog.pg_type t ON t.oid = e.enumtypid \
                  JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace \
                  ORDER BY n.nspname, t.typname, e.enumsortorder"
                .to_owned(),
            params: Vec::new(),
        },
    ]
}

pub(super) fn interpret(results: &[Vec<Row>], options: &ReflectOptions) -> Result<Vec<Table>> {
    let [columns, constraints, indexes, enums] = results else {
        return Ok(Vec::new());
    };
    let schema = options.schema.as_deref();
    let mut tables: Vec<Table> = Vec::new();
    let mut current_schema = String::new();
    for row in columns {
        current_schema = string(row, 12)?;
        let t = table_mut(&mut tables, schema, &string(row, 0)?);
        t.comment = text(row, 11)?;
        let Some(name) = text(row, 2)? else { continue };
        let format = string(row, 3)?;
        let sql_type = if string(row, 7)? == "e" {
            let (ty_schema, ty_name) = (string(row, 8)?, string(row, 9)?);
            let values = enums
                .iter()
                .filter(|e| {
                    string(e, 0).is_ok_and(|s| s == ty_schema)
                        && string(e, 1).is_ok_and(|n| n == ty_name)
                })
                .map(|e| string(e, 2))
                .collect::<Result<Vec<_>>>()?;
            SqlType::Enum(EnumType {
                name: ty_name,
                schema: (ty_schema != current_schema).then_some(ty_schema),
                values,
            })
        } else {
            column_type(&format)
        };
        let mut c = ColumnDef::new(name, sql_type);
        c.nullable = !flag(row, 4)?;
        c.autoincrement = matches!(string(row, 6)?.as_str(), "a" | "d");
        if let Some(def) = text(row, 5)? {
            if def.starts_with("nextval(") {
                c.autoincrement = true;
            } else {
                c.server_default = Some(default(&def, &c.sql_type));
            }
        }
        c.comment = text(row, 10)?;
        t.columns.push(c);
    }
    let table_schema = schema.unwrap_or(&current_schema).to_owned();

    let mut k = 0;
    while k < constraints.len() {
        let row = &constraints[k];
        let (rel, name, kind) = (string(row, 0)?, string(row, 1)?, string(row, 2)?);
        let mut end = k;
        while end < constraints.len()
            && string(&constraints[end], 0)? == rel
            && string(&constraints[end], 1)? == name
        {
            end += 1;
        }
        let group = &constraints[k..end];
        k = end;
        let cols = group
            .iter()
            .filter_map(|r| text(r, 4).transpose())
            .collect::<Result<Vec<_>>>()?;
        let t = table_mut(&mut tables, schema, &rel);
        match kind.as_str() {
            "p" => {
                t.primary_key = Some(PrimaryKey {
                    name: Some(name),
                    columns: cols,
                })
            }
            "u" => t.uniques.push(Unique {
                name: Some(name),
                columns: cols,
            }),
            "f" => {
                let ref_schema = string(row, 6)?;
                t.foreign_keys.push(ForeignKey {
                    name: Some(name),
                    columns: cols,
                    ref_schema: (ref_schema != table_schema).then_some(ref_schema),
                    ref_table: string(row, 5)?,
                    ref_columns: group
                        .iter()
                        .filter_map(|r| text(r, 7).transpose())
                        .collect::<Result<Vec<_>>>()?,
                    on_delete: action(&string(row, 8)?),
                    on_update: action(&string(row, 9)?),
                })
            }
            _ => t.checks.push(Check {
                name: Some(name),
                expr: check_expr(&string(row, 10)?),
            }),
        }
    }

    let mut k = 0;
    while k < indexes.len() {
        let row = &indexes[k];
        let (rel, name) = (string(row, 0)?, string(row, 1)?);
        let mut ix = Index::new(name.clone());
        ix.unique = flag(row, 2)?;
        ix.filter = text(row, 7)?;
        let method = string(row, 8)?;
        ix.using = (method != "btree").then_some(method);
        while k < indexes.len() && string(&indexes[k], 0)? == rel && string(&indexes[k], 1)? == name
        {
            let r = &indexes[k];
            ix.columns.push(IndexColumn {
                name: match text(r, 4)? {
                    Some(col) => col,
                    None => string(r, 5)?,
                },
                descending: flag(r, 6)?,
            });
            k += 1;
        }
        table_mut(&mut tables, schema, &rel).indexes.push(ix);
    }
    Ok(tables)
}

/// The [`SqlType`] of a `format_type` spelling.
pub(super) fn column_type(format: &str) -> SqlType {
    let args = |prefix: &str| -> Option<Vec<u32>> {
        let inner = format
            .strip_prefix(prefix)?
            .strip_prefix('(')?
            .strip_suffix(')')?;
        inner.split(',').map(|p| p.trim().parse().ok()).collect()
    };
    match format {
        "smallint" => return SqlType::SmallInt,
        "integer" => return SqlType::Integer,
        "bigint" => return SqlType::BigInt,
        "boolean" => return SqlType::Boolean,
        "real" => return SqlType::Real,
        "double precision" => return SqlType::Double,
        "text" => return SqlType::Text,
        "bytea" => return SqlType::Blob,
        "date" => return SqlType::Date,
        "time without time zone" => return SqlType::Time,
        "timestamp without time zone" => return SqlType::Timestamp,
        "timestamp with time zone" => return SqlType::TimestampTz,
        "uuid" => return SqlType::Uuid,
        "json" | "jsonb" => return SqlType::Json,
        _ => {}
    }
    if let Some([n]) = args("character varying").as_deref() {
        return SqlType::Varchar(*n);
    }
    if let Some([n]) = args("character").as_deref() {
        return SqlType::Char(*n);
    }
    if let Some([p, s]) = args("numeric").as_deref() {
        if let (Ok(p), Ok(s)) = (u16::try_from(*p), u16::try_from(*s)) {
            return SqlType::Numeric {
                precision: p,
                scale: s,
            };
        }
    }
    SqlType::Custom(format.to_owned())
}

/// A `pg_get_expr` default: a literal (a constant with an optional cast) or an expression.
pub(super) fn default(def: &str, ty: &SqlType) -> ServerDefault {
    let body = strip_parens(def);
    let literal = if let Some((s, rest)) = unquote(body, false) {
        let cast_only = rest.is_empty()
            || rest.strip_prefix("::").is_some_and(|c| {
                c.chars()
                    .all(|ch| ch.is_alphanumeric() || " _\"().,[]".contains(ch))
            });
        cast_only.then_some(Value::Text(s))
    } else {
        match (body, parse_number(body)) {
            ("true", _) => Some(Value::Bool(true)),
            ("false", _) => Some(Value::Bool(false)),
            (_, Some(Number::Int(n))) => Some(Value::I64(n)),
            (b, Some(Number::Float(_))) => Some(match ty {
                SqlType::Real | SqlType::Double => Value::F64(b.parse().unwrap_or(0.0)),
                _ => Value::Text(b.to_owned()),
            }),
            _ => None,
        }
    };
    match literal.and_then(|v| canonical_literal(&v, ty)) {
        Some(v) => ServerDefault::Literal(v),
        None => ServerDefault::Expression(def.to_owned()),
    }
}

fn action(code: &str) -> Option<FkAction> {
    match code {
        "r" => Some(FkAction::Restrict),
        "c" => Some(FkAction::Cascade),
        "n" => Some(FkAction::SetNull),
        "d" => Some(FkAction::SetDefault),
        _ => None,
    }
}

/// The expression of `CHECK (expr)` as `pg_get_constraintdef` prints it.
pub(super) fn check_expr(def: &str) -> String {
    let def = def.trim();
    let def = def.strip_suffix(" NOT VALID").unwrap_or(def);
    let body = def.strip_prefix("CHECK ").unwrap_or(def);
    let body = body.strip_suffix(" NO INHERIT").unwrap_or(body);
    strip_parens(body).to_owned()
}

#[cfg(test)]
mod tests {
    use super::super::rows;
    use super::*;

    #[test]
    fn rows_become_tables() {
        let t = Some("t");
        let columns = rows(
            13,
            &[
                &[
                    t,
                    Some("1"),
                    Some("id"),
                    Some("bigint"),
                    Some("t"),
                    None,
                    Some("d"),
                    Some("b"),
                    Some("pg_catalog"),
                    Some("int8"),
                    None,
                    Some("the t"),
                    Some("public"),
                ],
                &[
                    t,
                    Some("2"),
                    Some("m"),
                    Some("mood"),
                    Some("f"),
                    Some("'ok'::mood"),
                    Some(""),
                    Some("e"),
                    Some("public"),
                    Some("mood"),
                    Some("a mood"),
                    Some("the t"),
                    Some("public"),
                ],
                &[
                    Some("u"),
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    Some("public"),
                ],
            ],
        );
        let constraints = rows(
            11,
            &[
                &[
                    t,
                    Some("t_pkey"),
                    Some("p"),
                    Some("1"),
                    Some("id"),
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                ],
                &[
                    t,
                    Some("fk"),
                    Some("f"),
                    Some("1"),
                    Some("id"),
                    Some("u"),
                    Some("public"),
                    Some("x"),
                    Some("c"),
                    Some("a"),
                    None,
                ],
                &[
                    t,
                    Some("ck"),
                    Some("c"),
                    Some("1"),
                    Some("id"),
                    None,
                    None,
                    None,
                    None,
                    None,
                    Some("CHECK (id > 0)"),
                ],
            ],
        );
        let indexes = rows(
            9,
            &[
                &[
                    t,
                    Some("ix"),
                    Some("f"),
                    Some("1"),
                    None,
                    Some("lower(m::text)"),
                    Some("t"),
                    Some("id > 1"),
                    Some("btree"),
                ],
                &[
                    t,
                    Some("ix"),
                    Some("f"),
                    Some("2"),
                    Some("id"),
                    Some("id"),
                    Some("f"),
                    Some("id > 1"),
                    Some("btree"),
                ],
            ],
        );
        let enums = rows(
            3,
            &[
                &[Some("public"), Some("mood"), Some("ok")],
                &[Some("public"), Some("mood"), Some("bad")],
            ],
        );
        let tables = interpret(
            &[columns, constraints, indexes, enums],
            &ReflectOptions::new(),
        )
        .expect("interpreted");
        assert_eq!(tables.len(), 2);
        let mut want = Table::new("t")
            .comment("the t")
            .column(
                ColumnDef::new("id", SqlType::BigInt)
                    .not_null()
                    .autoincrement(),
            )
            .column(
                ColumnDef::new("m", SqlType::enumeration("mood", ["ok", "bad"]))
                    .server_default("ok")
                    .comment("a mood"),
            )
            .primary_key(PrimaryKey::new(["id"]).named("t_pkey"))
            .foreign_key(
                ForeignKey::new(["id"], "u", ["x"])
                    .named("fk")
                    .on_delete(FkAction::Cascade),
            )
            .check(Check::new("id > 0").named("ck"))
            .index(
                Index::new("ix")
                    .column_desc("lower(m::text)")
                    .column("id")
                    .filter("id > 1"),
            );
        want.foreign_keys[0].on_update = None;
        assert_eq!(tables[0], want);
        assert_eq!(tables[1], Table::new("u"));
    }

    #[test]
    fn types_map_back() {
        assert_eq!(column_type("character varying(40)"), SqlType::Varchar(40));
        assert_eq!(column_type("character(3)"), SqlType::Char(3));
        assert_eq!(column_type("numeric(10,2)"), SqlType::numeric(10, 2));
        assert_eq!(
            column_type("timestamp with time zone"),
            SqlType::TimestampTz
        );
        assert_eq!(column_type("jsonb"), SqlType::Json);
        assert_eq!(column_type("inet"), SqlType::Custom("inet".into()));
        assert_eq!(column_type("numeric"), SqlType::Custom("numeric".into()));
        assert_eq!(
            column_type("integer[]"),
            SqlType::Custom("integer[]".into())
        );
    }

    #[test]
    fn defaults_literal_or_expression() {
        let lit = |v| ServerDefault::Literal(v);
        assert_eq!(
            default("'it''s'::text", &SqlType::Text),
            lit(Value::Text("it's".into()))
        );
        assert_eq!(
            default("'x'::character varying", &SqlType::Varchar(3)),
            lit(Value::Text("x".into()))
        );
        assert_eq!(default("42", &SqlType::BigInt), lit(Value::I64(42)));
        assert_eq!(
            default("'-5'::integer", &SqlType::Integer),
            lit(Value::I64(-5))
        );
        assert_eq!(default("(-5)", &SqlType::Integer), lit(Value::I64(-5)));
        assert_eq!(default("true", &SqlType::Boolean), lit(Value::Bool(true)));
        assert_eq!(default("1.5", &SqlType::Double), lit(Value::F64(1.5)));
        assert_eq!(
            default("'a'::text || 'b'::text", &SqlType::Text),
            ServerDefault::Expression("'a'::text || 'b'::text".into())
        );
        assert_eq!(
            default("CURRENT_TIMESTAMP", &SqlType::Timestamp),
            ServerDefault::Expression("CURRENT_TIMESTAMP".into())
        );
    }

    #[test]
    fn check_text() {
        assert_eq!(check_expr("CHECK (qty > 0)"), "qty > 0");
        assert_eq!(
            check_expr("CHECK ((a > 0) OR (b > 0)) NOT VALID"),
            "(a > 0) OR (b > 0)"
        );
    }
}

//! SQLite's catalog: three queries joining `sqlite_schema` with the pragma table-valued
//! functions (`pragma_table_xinfo`, `pragma_foreign_key_list`, `pragma_index_list` +
//! `pragma_index_xinfo`); check constraints, partial-index predicates and index expressions
//! are read from the stored `CREATE` text.

use super::{
    fk_action, int, reflected_default, string, strip_parens, table_mut, text, unquote, Params,
    Query, ReflectOptions,
};
use crate::compile::normalize::{parse_number, tokens_spanned, Number, Token};
use crate::error::Result;
use crate::schema::{
    Check, ColumnDef, FkAction, ForeignKey, Index, IndexColumn, PrimaryKey, ServerDefault, SqlType,
    Table, Unique,
};
use crate::value::{Row, Value};

pub(super) fn queries(options: &ReflectOptions) -> Vec<Query> {
    let q = |sql: &str| {
        let mut p = Params::new(false);
        let filter = p.table_filter("m.name", options);
        Query {
            sql: sql.replace(
                "{filter}",
                &format!("m.type = 'table' AND m.name NOT LIKE 'sqlite!_%' ESCAPE '!'{filter}"),
            ),
            params: p.values,
        }
    };
    vec![
        q("SELECT m.name, m.sql, p.cid, p.name, p.type, p.\"notnull\", p.dflt_value, p.pk, p.hidden \
           FROM sqlite_schema m LEFT JOIN pragma_table_xinfo(m.name) p \
           WHERE {filter} ORDER BY m.name, p.cid"),
        q("SELECT m.name, f.id, f.seq, f.\"table\", f.\"from\", f.\"to\", f.on_update, f.on_delete \
           FROM sqlite_schema m JOIN pragma_foreign_key_list(m.name) f \
           WHERE {filter} ORDER BY m.name, f.id, f.seq"),
        q("SELECT m.name, il.name, il.\"unique\", il.origin, il.partial, ix.seqno, ix.cid, ix.name, \
           ix.\"desc\", s.sql \
           FROM sqlite_schema m JOIN pragma_index_list(m.name) il \
           JOIN pragma_index_xinfo(il.name) ix \
           LEFT JOIN sqlite_schema s ON s.type = 'index' AND s.name = il.name \
           WHERE {filter} AND ix.key = 1 ORDER BY m.name, il.name, ix.seqno"),
    ]
}

pub(super) fn interpret(results: &[Vec<Row>], _options: &ReflectOptions) -> Result<Vec<Table>> {
    let [columns, fks, indexes] = results else {
        return Ok(Vec::new());
    };
    let mut tables: Vec<Table> = Vec::new();
    let mut pks: Vec<(String, i64, String)> = Vec::new();
    let mut last_table = String::new();
    for row in columns {
        let name = string(row, 0)?;
        let t = table_mut(&mut tables, None, &name);
        if name != last_table {
            last_table = name.clone();
            for (name, expr) in checks(&string(row, 1)?) {
                t.checks.push(Check { name, expr });
            }
        }
        let Some(col) = text(row, 3)? else { continue };
        if int(row, 8)? == 1 {
            continue; // a virtual table's hidden column
        }
        let mut c = ColumnDef::new(col.clone(), column_type(&string(row, 4)?));
        c.nullable = int(row, 5)? == 0;
        c.server_default = text(row, 6)?.and_then(|d| default(&d, &c.sql_type));
        let pk = int(row, 7)?;
        if pk > 0 {
            pks.push((name.clone(), pk, col));
        }
        t.columns.push(c);
    }
    for t in &mut tables {
        let mut cols: Vec<&(String, i64, String)> = pks.iter().filter(|p| p.0 == t.name).collect();
        cols.sort_by_key(|p| p.1);
        if cols.is_empty() {
            continue;
        }
        let columns: Vec<String> = cols.iter().map(|p| p.2.clone()).collect();
        if let [only] = &columns[..] {
            // `INTEGER PRIMARY KEY` (this exact type name) is the rowid.
            if let Some(c) = t.columns.iter_mut().find(|c| &c.name == only) {
                c.autoincrement = c.sql_type == SqlType::Integer;
            }
        }
        t.primary_key = Some(PrimaryKey {
            name: None,
            columns,
        });
    }

    let mut k = 0;
    while k < fks.len() {
        let row = &fks[k];
        let (rel, id) = (string(row, 0)?, int(row, 1)?);
        let mut fk = ForeignKey::new(Vec::<String>::new(), string(row, 3)?, Vec::<String>::new());
        fk.on_update = action(&string(row, 6)?);
        fk.on_delete = action(&string(row, 7)?);
        let mut implicit = false;
        while k < fks.len() && string(&fks[k], 0)? == rel && int(&fks[k], 1)? == id {
            fk.columns.push(string(&fks[k], 4)?);
            match text(&fks[k], 5)? {
                Some(to) => fk.ref_columns.push(to),
                None => implicit = true,
            }
            k += 1;
        }
        if implicit {
            // `REFERENCES parent` without columns: the parent's primary key.
            fk.ref_columns = tables
                .iter()
                .find(|t| t.name == fk.ref_table)
                .and_then(|t| t.primary_key.as_ref())
                .map(|pk| pk.columns.clone())
                .unwrap_or_default();
        }
        table_mut(&mut tables, None, &rel).foreign_keys.push(fk);
    }

    let mut k = 0;
    while k < indexes.len() {
        let row = &indexes[k];
        let (rel, name) = (string(row, 0)?, string(row, 1)?);
        let origin = string(row, 3)?;
        let sql = text(row, 9)?.unwrap_or_default();
        let (items, filter) = index_parts(&sql);
        let mut ix = Index::new(name.clone());
        ix.unique = int(row, 2)? != 0;
        ix.filter = if int(row, 4)? != 0 { filter } else { None };
        while k < indexes.len() && string(&indexes[k], 0)? == rel && string(&indexes[k], 1)? == name
        {
            let r = &indexes[k];
            let seq = usize::try_from(int(r, 5)?).unwrap_or(0);
            let col = match text(r, 7)? {
                Some(c) if int(r, 6)? >= 0 => c,
                _ => items.get(seq).cloned().unwrap_or_default(),
            };
            ix.columns.push(IndexColumn {
                name: col,
                descending: int(r, 8)? != 0,
            });
            k += 1;
        }
        let t = table_mut(&mut tables, None, &rel);
        match origin.as_str() {
            "pk" => {}
            "u" => t
                .uniques
                .push(Unique::new(ix.columns.into_iter().map(|c| c.name))),
            _ => t.indexes.push(ix),
        }
    }
    Ok(tables)
}

/// The [`SqlType`] of a declared column type, as written in the `CREATE TABLE`.
pub(super) fn column_type(decl: &str) -> SqlType {
    let upper = decl.trim().to_ascii_uppercase();
    let args = |prefix: &str| -> Option<Vec<u32>> {
        let inner = upper
            .strip_prefix(prefix)?
            .trim_start()
            .strip_prefix('(')?
            .strip_suffix(')')?;
        inner.split(',').map(|p| p.trim().parse().ok()).collect()
    };
    match upper.as_str() {
        "SMALLINT" => return SqlType::SmallInt,
        "INTEGER" => return SqlType::Integer,
        "BIGINT" => return SqlType::BigInt,
        "BOOLEAN" => return SqlType::Boolean,
        "REAL" => return SqlType::Real,
        "DOUBLE" | "DOUBLE PRECISION" => return SqlType::Double,
        "TEXT" => return SqlType::Text,
        "BLOB" => return SqlType::Blob,
        "DATE" => return SqlType::Date,
        "TIME" => return SqlType::Time,
        "TIMESTAMP" => return SqlType::Timestamp,
        "TIMESTAMPTZ" => return SqlType::TimestampTz,
        "UUID" => return SqlType::Uuid,
        "JSON" => return SqlType::Json,
        _ => {}
    }
    if let Some([n]) = args("VARCHAR").as_deref() {
        return SqlType::Varchar(*n);
    }
    if let Some([n]) = args("CHAR").as_deref() {
        return SqlType::Char(*n);
    }
    if let Some([p, s]) = args("NUMERIC").as_deref() {
        if let (Ok(precision), Ok(scale)) = (u16::try_from(*p), u16::try_from(*s)) {
            return SqlType::Numeric { precision, scale };
        }
    }
    SqlType::Custom(decl.to_owned())
}

/// A `dflt_value`: the default's text as written in the `CREATE TABLE`.
pub(super) fn default(def: &str, ty: &SqlType) -> Option<ServerDefault> {
    let body = strip_parens(def);
    let literal = if let Some((s, "")) = unquote(body, false) {
        Some(Value::Text(s))
    } else if body.eq_ignore_ascii_case("NULL") {
        return None;
    } else if body.eq_ignore_ascii_case("TRUE") || body.eq_ignore_ascii_case("FALSE") {
        Some(Value::Bool(body.eq_ignore_ascii_case("TRUE")))
    } else {
        match parse_number(body) {
            Some(Number::Int(n)) => Some(Value::I64(n)),
            Some(Number::Float(x)) => Some(match ty {
                SqlType::Real | SqlType::Double => Value::F64(x),
                _ => Value::Text(body.to_owned()),
            }),
            None => None,
        }
    };
    reflected_default(literal, ty, def)
}

/// SQLite's action, `NO ACTION` (its default) as `None`.
fn action(rule: &str) -> Option<FkAction> {
    fk_action(rule).filter(|a| *a != FkAction::NoAction)
}

/// The index of the `)` matching the `(` at `open` in `toks`.
fn matching(toks: &[(Token<'_>, std::ops::Range<usize>)], open: usize) -> Option<usize> {
    let mut depth = 0;
    for (k, (t, _)) in toks.iter().enumerate().skip(open) {
        match t {
            Token::Open => depth += 1,
            Token::Close => {
                depth -= 1;
                if depth == 0 {
                    return Some(k);
                }
            }
            _ => {}
        }
    }
    None
}

/// The CHECK constraints of a `CREATE TABLE` text, column-level and table-level, with their
/// names where `CONSTRAINT name` precedes them.
pub(super) fn checks(sql: &str) -> Vec<(Option<String>, String)> {
    let toks = tokens_spanned(sql);
    let Some(body) = toks.iter().position(|(t, _)| *t == Token::Open) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut depth = 0;
    let mut k = body;
    while k < toks.len() {
        match &toks[k].0 {
            Token::Open => depth += 1,
            Token::Close => depth -= 1,
            Token::Word(w) if depth == 1 && w.eq_ignore_ascii_case("CHECK") => {
                if let (Some((Token::Open, open)), Some(close)) =
                    (toks.get(k + 1), matching(&toks, k + 1))
                {
                    let expr = sql[open.end..toks[close].1.start].trim().to_owned();
                    let name = match (k.checked_sub(2).map(|i| &toks[i].0), toks.get(k - 1)) {
                        (Some(Token::Word(c)), Some((Token::Word(n), _)))
                            if c.eq_ignore_ascii_case("CONSTRAINT") =>
                        {
                            Some((*n).to_owned())
                        }
                        (Some(Token::Word(c)), Some((Token::Quoted(n), _)))
                            if c.eq_ignore_ascii_case("CONSTRAINT") =>
                        {
                            Some(n.clone())
                        }
                        _ => None,
                    };
                    out.push((name, expr));
                    k = close + 1;
                    continue;
                }
            }
            _ => {}
        }
        k += 1;
    }
    out
}

/// The items of a `CREATE INDEX` column list (without `ASC`/`DESC`) and its `WHERE` predicate.
pub(super) fn index_parts(sql: &str) -> (Vec<String>, Option<String>) {
    let toks = tokens_spanned(sql);
    let Some(open) = toks.iter().position(|(t, _)| *t == Token::Open) else {
        return (Vec::new(), None);
    };
    let Some(close) = matching(&toks, open) else {
        return (Vec::new(), None);
    };
    let mut items = Vec::new();
    let mut start = toks[open].1.end;
    let mut depth = 0;
    for (t, r) in &toks[open + 1..=close] {
        match t {
            Token::Open => depth += 1,
            Token::Close if depth > 0 => depth -= 1,
            Token::Comma | Token::Close if depth == 0 => {
                let item = sql[start..r.start].trim();
                let mut item = item;
                for suffix in [" DESC", " ASC", " desc", " asc"] {
                    item = item.strip_suffix(suffix).unwrap_or(item);
                }
                items.push(item.trim().to_owned());
                start = r.end;
            }
            _ => {}
        }
    }
    let filter = match toks.get(close + 1) {
        Some((Token::Word(w), r)) if w.eq_ignore_ascii_case("WHERE") => {
            Some(sql[r.end..].trim().to_owned())
        }
        _ => None,
    };
    (items, filter)
}

#[cfg(test)]
mod tests {
    use super::super::rows;
    use super::*;

    #[test]
    fn rows_become_tables() {
        let t = Some("t");
        let sql = Some("CREATE TABLE t (id INTEGER NOT NULL PRIMARY KEY, p BIGINT CHECK (p > 0), u TEXT UNIQUE)");
        let columns = rows(
            9,
            &[
                &[
                    t,
                    sql,
                    Some("0"),
                    Some("id"),
                    Some("INTEGER"),
                    Some("1"),
                    None,
                    Some("1"),
                    Some("0"),
                ],
                &[
                    t,
                    sql,
                    Some("1"),
                    Some("p"),
                    Some("BIGINT"),
                    Some("0"),
                    Some("'x'"),
                    Some("0"),
                    Some("0"),
                ],
                &[
                    t,
                    sql,
                    Some("2"),
                    Some("u"),
                    Some("TEXT"),
                    Some("0"),
                    None,
                    Some("0"),
                    Some("0"),
                ],
            ],
        );
        let fks = rows(
            8,
            &[&[
                t,
                Some("0"),
                Some("0"),
                Some("t"),
                Some("p"),
                None,
                Some("NO ACTION"),
                Some("SET NULL"),
            ]],
        );
        let ix_sql = Some("CREATE INDEX ix ON t (lower(u) DESC) WHERE p > 1");
        let indexes = rows(
            10,
            &[
                &[
                    t,
                    Some("ix"),
                    Some("0"),
                    Some("c"),
                    Some("1"),
                    Some("0"),
                    Some("-2"),
                    None,
                    Some("1"),
                    ix_sql,
                ],
                &[
                    t,
                    Some("sqlite_autoindex_t_1"),
                    Some("1"),
                    Some("u"),
                    Some("0"),
                    Some("0"),
                    Some("2"),
                    Some("u"),
                    Some("0"),
                    None,
                ],
            ],
        );
        let got = interpret(&[columns, fks, indexes], &ReflectOptions::new()).expect("interpreted");
        let want = Table::new("t")
            .column(
                ColumnDef::new("id", SqlType::Integer)
                    .not_null()
                    .autoincrement(),
            )
            .column(ColumnDef::new("p", SqlType::BigInt).server_default("x"))
            .column(ColumnDef::new("u", SqlType::Text))
            .primary_key(PrimaryKey::new(["id"]))
            .foreign_key(ForeignKey::new(["p"], "t", ["id"]).on_delete(FkAction::SetNull))
            .check(Check::new("p > 0"))
            .index(Index::new("ix").column_desc("lower(u)").filter("p > 1"))
            .unique(Unique::new(["u"]));
        assert_eq!(
            got,
            [want],
            "`REFERENCES t` without columns takes t's primary key"
        );
    }

    #[test]
    fn types_as_declared() {
        assert_eq!(column_type("VARCHAR(40)"), SqlType::Varchar(40));
        assert_eq!(column_type("NUMERIC(10, 2)"), SqlType::numeric(10, 2));
        assert_eq!(column_type("TIMESTAMPTZ"), SqlType::TimestampTz);
        assert_eq!(column_type("WHATEVER"), SqlType::custom("WHATEVER"));
        assert_eq!(column_type(""), SqlType::custom(""));
    }

    #[test]
    fn defaults() {
        let lit = |v| Some(ServerDefault::Literal(v));
        assert_eq!(default("'x'", &SqlType::Text), lit(Value::Text("x".into())));
        assert_eq!(default("-5", &SqlType::Integer), lit(Value::I64(-5)));
        assert_eq!(default("1", &SqlType::Boolean), lit(Value::Bool(true)));
        assert_eq!(default("NULL", &SqlType::Text), None);
        assert_eq!(
            default("CURRENT_TIMESTAMP", &SqlType::Timestamp),
            Some(ServerDefault::Expression("CURRENT_TIMESTAMP".into()))
        );
    }

    #[test]
    fn checks_in_create_table_text() {
        let sql = "CREATE TABLE \"t(x\" (\n  a INTEGER CHECK (a > (0)),\n  \"CHECK\" TEXT DEFAULT 'CHECK (1)',\n  \
                   CONSTRAINT \"ck b\" CHECK (\"CHECK\" IN ('x)', 'y')),\n  constraint ck2 check(a<>2)\n)";
        assert_eq!(
            checks(sql),
            [
                (None, "a > (0)".to_owned()),
                (
                    Some("ck b".to_owned()),
                    "\"CHECK\" IN ('x)', 'y')".to_owned()
                ),
                (Some("ck2".to_owned()), "a<>2".to_owned()),
            ]
        );
    }

    #[test]
    fn index_text() {
        let (items, filter) =
            index_parts("CREATE INDEX \"ix(\" ON t (lower(a) DESC, \"b,c\", c) WHERE c > 0");
        assert_eq!(items, ["lower(a)", "\"b,c\"", "c"]);
        assert_eq!(filter.as_deref(), Some("c > 0"));
        assert_eq!(index_parts("CREATE INDEX ix ON t (a)").1, None);
    }
}

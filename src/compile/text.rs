//! Raw SQL fragments ([`Sql`]): `:name` parameters become the dialect's placeholders, their
//! values bound in order, never spliced.

use super::{Compiled, Dialect, IntoCompiled, Placeholder, SqlWriter, StatementKind};
use crate::error::{Error, Result};
use crate::stmt::text::{find, Sql};
use crate::value::Value;
use std::collections::HashMap;

impl Sql {
    /// Compiles for `dialect`.
    ///
    /// ```
    /// let err = quarry::sql("SELECT :missing").compile(&quarry::Sqlite).unwrap_err();
    /// assert_eq!(err.kind(), quarry::ErrorKind::InvalidStatement);
    /// ```
    pub fn compile(&self, dialect: &dyn Dialect) -> Result<Compiled> {
        let mut w = SqlWriter::new(dialect);
        self.write_to(&mut w, false)?;
        Ok(StatementKind::of_sql(&self.text).of(w.finish()))
    }

    /// Writes the fragment into `w`: its parameters are bound after those already in `w` (or,
    /// with `inline`, written as literals, for debug renderings).
    pub(crate) fn write_to(&self, w: &mut SqlWriter<'_>, inline: bool) -> Result<()> {
        let index = self.index.as_ref();
        write_text(&self.text, Binds::Borrowed(&self.binds), index, w, inline)
    }
}

/// The bound values of a fragment being written: borrowed (each use copies its value) or
/// owned (the first use moves it; a `?` dialect's later uses copy it from the parameters).
enum Binds<'a> {
    Borrowed(&'a [(String, Value)]),
    Owned(&'a mut [(String, Value)]),
}

impl Binds<'_> {
    fn names(&self) -> &[(String, Value)] {
        match self {
            Binds::Borrowed(b) => b,
            Binds::Owned(b) => b,
        }
    }

    /// Binding `k`'s value for its first use.
    fn first_use(&mut self, k: usize) -> Value {
        match self {
            Binds::Borrowed(b) => b[k].1.clone(),
            // (The fragment is dropped after compiling: the value left behind is never read.)
            Binds::Owned(b) => std::mem::replace(&mut b[k].1, Value::Bool(false)),
        }
    }
}

/// Bytes where something other than plain text may start: quotes, comments, `:`.
const SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    t[b'\'' as usize] = true;
    t[b'"' as usize] = true;
    t[b'`' as usize] = true;
    t[b'-' as usize] = true;
    t[b'/' as usize] = true;
    t[b':' as usize] = true;
    t
};

/// Writes `text`, its `:name` parameters bound from `binds` (see [`Sql`]).
fn write_text(
    text: &str,
    mut binds: Binds<'_>,
    index: Option<&HashMap<String, usize>>,
    w: &mut SqlWriter<'_>,
    inline: bool,
) -> Result<()> {
    let dialect = w.dialect();
    let bytes = text.as_bytes();
    let n_binds = binds.names().len();
    // The placeholder number of each binding once used; on the stack for a few bindings.
    let mut few = [None::<usize>; 8];
    let mut many = Vec::new();
    let used: &mut [Option<usize>] = if n_binds <= few.len() {
        &mut few[..n_binds]
    } else {
        many.resize(n_binds, None);
        &mut many
    };
    let mut i = 0;
    let mut start = 0;
    while i < bytes.len() {
        match bytes[i] {
            q @ (b'\'' | b'"' | b'`') => {
                i += 1;
                while i < bytes.len() {
                    if bytes[i] == q {
                        if bytes.get(i + 1) == Some(&q) {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i += 1;
                }
                i += 1;
            }
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < bytes.len() && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i += 2;
            }
            b':' if bytes.get(i + 1) == Some(&b':') => i += 2,
            b':' if bytes
                .get(i + 1)
                .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_') =>
            {
                let name_start = i + 1;
                let mut end = name_start;
                while end < bytes.len()
                    && (bytes[end].is_ascii_alphanumeric() || bytes[end] == b'_')
                {
                    end += 1;
                }
                let name = &text[name_start..end];
                let Some(k) = find(binds.names(), index, name) else {
                    return Err(Error::InvalidStatement(format!(
                        "parameter :{name} is not bound"
                    )));
                };
                w.push(&text[start..i]);
                match (dialect.features().placeholder, used[k]) {
                    _ if inline => {
                        w.push_literal(&binds.names()[k].1)?;
                        used[k] = Some(0);
                    }
                    (Placeholder::Dollar, Some(n)) => {
                        w.push_char('$');
                        w.push_u64(n as u64);
                    }
                    (_, Some(n)) => {
                        // A `?` dialect repeats the value: a copy of the one bound first.
                        let v = w
                            .param(n - 1)
                            .cloned()
                            .unwrap_or_else(|| binds.first_use(k));
                        w.push_param(v);
                    }
                    (_, None) => {
                        w.push_param(binds.first_use(k));
                        used[k] = Some(w.param_count());
                    }
                }
                i = end;
                start = end;
            }
            // Plain text: on to the next byte that may start something else.
            _ => {
                i += 1;
                while i < bytes.len() && !SPECIAL[usize::from(bytes[i])] {
                    i += 1;
                }
            }
        }
    }
    w.push(&text[start.min(text.len())..]);
    if let Some(k) = used.iter().position(Option::is_none) {
        return Err(Error::InvalidStatement(format!(
            "parameter :{} is bound but not used",
            binds.names()[k].0
        )));
    }
    Ok(())
}

impl IntoCompiled for Sql {
    /// Compiles, moving the bound values into the parameters (no copies).
    fn into_compiled(mut self, dialect: &dyn Dialect) -> Result<Compiled> {
        let mut w = SqlWriter::new(dialect);
        let index = self.index.take();
        write_text(
            &self.text,
            Binds::Owned(&mut self.binds),
            index.as_ref(),
            &mut w,
            false,
        )?;
        Ok(StatementKind::of_sql(&self.text).of(w.finish()))
    }
}

impl IntoCompiled for &Sql {
    fn into_compiled(self, dialect: &dyn Dialect) -> Result<Compiled> {
        self.compile(dialect)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stmt::text::sql;
    use crate::{Postgres, Sqlite};

    /// Compiled by value (values moved) and by reference (values copied), a fragment gives
    /// the same SQL and parameters: names used twice, quotes, comments and casts around them.
    #[test]
    fn owned_and_borrowed_fragments_agree() {
        use crate::MySql;
        let q = sql(
            "SELECT :a, 'it''s :a' AS t, b::text, \"q:a\" -- :a\n, /* :b */ :b, :a || :b FROM x",
        )
        .bind("a", "text")
        .bind("b", 7_i64);
        for d in [&Postgres as &dyn Dialect, &MySql, &Sqlite] {
            let by_ref = q.compile(d).unwrap();
            let by_value = q.clone().into_compiled(d).unwrap();
            assert_eq!(by_ref, by_value, "{}", d.name());
        }
        let pg = q.compile(&Postgres).unwrap();
        assert_eq!(
            pg.sql,
            "SELECT $1, 'it''s :a' AS t, b::text, \"q:a\" -- :a\n, /* :b */ $2, $1 || $2 FROM x"
        );
        assert_eq!(pg.params, [Value::Text("text".into()), Value::I64(7)]);
        let my = q.into_compiled(&MySql).unwrap();
        assert_eq!(
            my.params,
            [
                Value::Text("text".into()),
                Value::I64(7),
                Value::Text("text".into()),
                Value::I64(7)
            ]
        );
        // Errors alike either way.
        let unbound = sql("SELECT :a, :c").bind("a", 1_i64);
        assert!(unbound.compile(&Postgres).is_err());
        assert!(unbound.into_compiled(&Postgres).is_err());
    }

    #[test]
    fn many_bindings_each_used_once_or_twice() {
        let text = (0..12)
            .map(|i| format!(":p{i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let mut q = sql(format!("SELECT {text}, :p11"));
        for i in 0..12_i64 {
            q = q.bind(&format!("p{i}"), i);
        }
        let c = q.compile(&Postgres).unwrap();
        let dollars = (1..=12).map(|i| format!("${i}")).collect::<Vec<_>>();
        assert_eq!(c.sql, format!("SELECT {}, $12", dollars.join(", ")));
        assert_eq!(c.params, (0..12).map(Value::I64).collect::<Vec<_>>());
        let c = q.compile(&Sqlite).unwrap();
        assert_eq!(c.params.len(), 13);
        let unused = sql("SELECT :p0").bind("p0", 0_i64);
        let unused = (1..10).fold(unused, |q, i| q.bind(&format!("p{i}"), i));
        assert!(unused.compile(&Postgres).is_err(), "nine bindings unused");
    }

    /// Many named parameters bind and compile with each value at its placeholder, whatever
    /// the binding order, a rebinding replacing the value (binding and lookup go through an
    /// index past a few names; a linear search made 40,000 names take most of a minute).
    #[test]
    fn regression_many_named_parameters_bind_in_placeholder_order() {
        const N: usize = 40_000;
        let text = format!(
            "SELECT {}, :p7",
            (0..N)
                .map(|i| format!(":p{i}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let mut q = sql(text);
        for i in (0..N).rev() {
            q = q.bind(&format!("p{i}"), i as i64);
        }
        q = q.bind("p7", -7_i64);
        let want: Vec<Value> = (0..N)
            .map(|i| Value::I64(if i == 7 { -7 } else { i as i64 }))
            .collect();
        let pg = q.compile(&Postgres).unwrap();
        assert_eq!(pg.params, want);
        assert!(pg.sql.starts_with("SELECT $1, $2, $3"));
        assert!(pg.sql.ends_with(&format!(", ${N}, $8")));
        let by_value = q.clone().into_compiled(&Postgres).unwrap();
        assert_eq!(by_value, pg);
        let lite = q.into_compiled(&Sqlite).unwrap();
        assert_eq!(lite.params[..N], want[..]);
        assert_eq!(lite.params[N], Value::I64(-7));
        let unbound = sql("SELECT :a, :missing");
        let unbound = (0..100).fold(unbound, |q, i| q.bind(if i == 0 { "a" } else { "x" }, i));
        assert!(
            unbound.compile(&Postgres).is_err(),
            "unbound name past the index"
        );
    }

    #[test]
    fn skips_quotes_comments_and_casts() {
        let q = sql("SELECT ':x', \"a:x\", `b:x` -- :x\n, /* :x */ :x::int, :y")
            .bind("x", 1_i64)
            .bind("y", 2_i64);
        let c = q.compile(&Postgres).unwrap();
        assert_eq!(
            c.sql,
            "SELECT ':x', \"a:x\", `b:x` -- :x\n, /* :x */ $1::int, $2"
        );
        assert_eq!(c.params, [Value::I64(1), Value::I64(2)]);
        let c = q.compile(&Sqlite).unwrap();
        assert_eq!(
            c.sql,
            "SELECT ':x', \"a:x\", `b:x` -- :x\n, /* :x */ ?::int, ?"
        );
    }

    #[test]
    fn unused_and_missing_bindings_are_errors() {
        assert!(sql("SELECT 1").bind("x", 1_i64).compile(&Postgres).is_err());
        assert!(sql("SELECT :x").compile(&Postgres).is_err());
        assert!(sql("SELECT 'unterminated :x")
            .bind("x", 1_i64)
            .compile(&Postgres)
            .is_err());
    }
}

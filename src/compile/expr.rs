//! The expression compiler every statement uses: one walk over the tree, asking the dialect
//! only where SQL differs (placeholders, ILIKE, concatenation, NULLS ordering, FILTER, CAST
//! targets, large IN lists, unsupported constructs). SELECT's own clauses are in `select.rs`.

use super::{Dialect, Features, SqlWriter};
use crate::error::{Error, Result};
use crate::expr::{BinaryOp, ColumnRef, Expr, UnaryOp};
use crate::schema::{EnumType, SqlType, Table};
use crate::stmt::select::{FromItem, TableMeta, TableRef};
use crate::value::Value;

/// Writes an expression into an existing writer (for other statement compilers).
#[allow(dead_code)]
pub(crate) fn write_expr(w: &mut SqlWriter<'_>, e: &Expr) -> Result<()> {
    let d = w.dialect();
    let mut c = Compiler {
        w: std::mem::replace(w, SqlWriter::new(d)),
        d,
        f: d.features(),
        inline: false,
        unqualified: false,
        omit: None,
        allow_default: false,
        allow_excluded: false,
        enum_scope: Vec::new(),
    };
    let r = c.expr(e, 0);
    *w = c.w;
    r
}

pub(crate) struct Compiler<'d> {
    pub(crate) w: SqlWriter<'d>,
    pub(crate) d: &'d dyn Dialect,
    pub(crate) f: &'d Features,
    pub(crate) inline: bool,
    /// Write column references without their qualifier (compound ORDER BY).
    pub(crate) unqualified: bool,
    /// Columns of this table (or alias) are written unqualified outside subqueries: the
    /// target of a single-table INSERT, UPDATE or DELETE.
    pub(crate) omit: Option<crate::expr::Name>,
    /// `DEFAULT` may appear (INSERT values, UPDATE SET).
    pub(crate) allow_default: bool,
    /// `excluded(…)` may appear (an upsert's update).
    pub(crate) allow_excluded: bool,
    /// The tables in scope (by qualifier) whose metadata has a column of a named enum type
    /// (PostgreSQL): a value compared with such a column is cast to its type, since
    /// PostgreSQL has no `enum = text` operator and text is bound as `text`.
    pub(crate) enum_scope: Vec<(crate::expr::Name, TableMeta)>,
}

/// Whether `t` has a column of an enum type.
pub(crate) fn has_enum_column(t: &Table) -> bool {
    t.columns
        .iter()
        .any(|c| matches!(c.sql_type, SqlType::Enum(_)))
}

/// Writes `::type`, the cast of a bound value to enum type `e` (PostgreSQL).
pub(crate) fn write_enum_cast(w: &mut SqlWriter<'_>, e: &EnumType) {
    w.push("::");
    w.push_qualified(e.schema.as_deref(), &e.name);
}

impl<'d> Compiler<'d> {
    #[inline]
    pub(crate) fn new(d: &'d dyn Dialect, inline: bool) -> Self {
        // (The features first: see `SqlWriter::new`.)
        let f = d.features();
        let mut w = SqlWriter::new(d);
        if inline {
            w.literal_counts();
        }
        Compiler {
            w,
            d,
            f,
            inline,
            unqualified: false,
            omit: None,
            allow_default: false,
            allow_excluded: false,
            enum_scope: Vec::new(),
        }
    }

    /// Brings table `t` into scope for enum casts: where the dialect has named enum types
    /// and `t`'s metadata has an enum column.
    pub(crate) fn scope_table(&mut self, t: &TableRef) {
        if self.f.enum_style != super::EnumStyle::NamedType {
            return;
        }
        if let Some(m) = &t.meta {
            if has_enum_column(m.table()) {
                self.enum_scope.push((t.qualifier_name(), m.clone()));
            }
        }
    }

    /// [`Compiler::scope_table`] for a FROM item.
    pub(crate) fn scope_from(&mut self, f: &FromItem) {
        if let FromItem::Table(t) = f {
            self.scope_table(t);
        }
    }

    /// The cast (`::type`) a value compared with `e` needs: `e` is a qualified column of an
    /// enum type, of a table in scope.
    fn enum_cast(&self, e: &Expr) -> Option<String> {
        if self.enum_scope.is_empty() {
            return None;
        }
        let Expr::Column(c) = e else { return None };
        let q = c.table.as_ref()?;
        let (_, meta) = self
            .enum_scope
            .iter()
            .rev()
            .find(|(n, _)| crate::stmt::clauses::same_name(n, q))?;
        let SqlType::Enum(ty) = &meta.table().get_column(&c.name)?.sql_type else {
            return None;
        };
        let mut w = SqlWriter::new(self.d);
        write_enum_cast(&mut w, ty);
        Some(w.finish().sql)
    }

    /// Writes `e`, cast with `cast` if it is a bound value.
    fn cast_operand(&mut self, e: &Expr, min: u8, cast: Option<&str>) -> Result<()> {
        self.expr(e, min)?;
        if let (Some(cast), Expr::Value(_)) = (cast, e) {
            self.w.push(cast);
        }
        Ok(())
    }

    pub(crate) fn unsupported(&self, what: &str) -> Error {
        Error::unsupported(self.d.name(), what)
    }

    #[inline]
    pub(crate) fn value(&mut self, v: &Value) -> Result<()> {
        if self.inline {
            self.w.push_literal(v)
        } else if let (Value::Decimal(d), true) = (v, self.f.decimal_param_cast) {
            self.decimal_param(d);
            Ok(())
        } else {
            self.w.push_param(v.clone());
            Ok(())
        }
    }

    /// `CAST(? AS DECIMAL(p, s))` at the value's own precision and scale (see
    /// `Features::decimal_param_cast`); a value past DECIMAL's limits (65 digits, 30 after
    /// the point) is bound as it is.
    #[cold]
    fn decimal_param(&mut self, d: &crate::value::Decimal) {
        let scale = d.scale();
        let digits = d.as_str().trim_start_matches('-').len() - usize::from(scale > 0);
        if digits > 65 || scale > 30 {
            self.w.push_param(Value::Decimal(d.clone()));
            return;
        }
        self.w.push("CAST(");
        self.w.push_param(Value::Decimal(d.clone()));
        self.w.push(" AS DECIMAL(");
        self.w.push_u64(digits.max(1) as u64);
        self.w.push(", ");
        self.w.push_u64(scale as u64);
        self.w.push("))");
    }

    /// Writes `e`, parenthesized when it binds less tightly than `min`. Inlined: it is called
    /// from every statement's compiler, in other modules (faster in the build + compile bench).
    #[inline]
    pub(crate) fn expr(&mut self, e: &Expr, min: u8) -> Result<()> {
        // The common nodes first, in this small function: the general one below is large,
        // and entering it costs more than writing a column or binding a value.
        match e {
            Expr::Column(c) => {
                self.column(c);
                return Ok(());
            }
            Expr::Value(v) => return self.value(v),
            Expr::Binary(operands, op) if op.precedence() >= min => {
                return self.binary(operands, *op);
            }
            _ => {}
        }
        self.expr_general(e, min)
    }

    /// [`Compiler::expr`] for every other node.
    pub(crate) fn expr_general(&mut self, e: &Expr, min: u8) -> Result<()> {
        if e.precedence() < min {
            self.w.push_char('(');
            self.expr_inner(e)?;
            self.w.push_char(')');
            Ok(())
        } else {
            self.expr_inner(e)
        }
    }

    /// `l op r`, its operands parenthesized where they bind less tightly.
    pub(crate) fn binary(&mut self, operands: &(Expr, Expr), op: BinaryOp) -> Result<()> {
        let (l, r) = operands;
        if let BinaryOp::Custom(name) = op {
            return self.custom_operator(l, name, r);
        }
        let p = op.precedence();
        if !self.enum_scope.is_empty() && p == 4 {
            // A value compared with an enum column: cast to the column's type.
            let (lc, rc) = (self.enum_cast(r), self.enum_cast(l));
            self.cast_operand(l, 5, lc.as_deref())?;
            self.w.push_char(' ');
            self.w.push(op.as_sql());
            self.w.push_char(' ');
            return self.cast_operand(r, 5, rc.as_deref());
        }
        // Comparisons do not chain: both sides bind tighter. Arithmetic is
        // left-associative: the right side must bind tighter.
        self.expr(l, if p == 4 { 5 } else { p })?;
        self.w.push_char(' ');
        self.w.push(match op {
            BinaryOp::IntDiv => self.f.integer_division,
            _ => op.as_sql(),
        });
        self.w.push_char(' ');
        self.expr(r, p + 1)
    }

    /// `l op r` for an operator of the user's: symbols only (no comment opener), each operand
    /// parenthesised unless it is a single term, since operator precedence differs by
    /// database.
    #[cold]
    fn custom_operator(&mut self, l: &Expr, op: &str, r: &Expr) -> Result<()> {
        let symbols = |b: u8| b"+-*/<>=~!@#%^&|`?".contains(&b);
        if op.is_empty() || op.len() > 63 || !op.bytes().all(symbols) {
            return Err(Error::InvalidStatement(format!(
                "{op:?} is not an operator: use the symbols + - * / < > = ~ ! @ # % ^ & | ` ?"
            )));
        }
        if op.contains("--") || op.contains("/*") {
            return Err(Error::InvalidStatement(format!(
                "operator {op:?} would start an SQL comment"
            )));
        }
        self.expr(l, 9)?;
        self.w.push_char(' ');
        self.w.push(op);
        self.w.push_char(' ');
        self.expr(r, 9)
    }

    #[inline]
    pub(crate) fn column(&mut self, c: &ColumnRef) {
        if let (Some(t), false) = (&c.table, self.unqualified) {
            if !self
                .omit
                .as_ref()
                .is_some_and(|o| crate::stmt::clauses::same_name(o, t))
            {
                self.ident(t);
                self.w.push_char('.');
            }
        }
        self.ident(&c.name);
    }

    pub(crate) fn expr_inner(&mut self, e: &Expr) -> Result<()> {
        match e {
            Expr::Column(c) => self.column(c),
            Expr::Value(v) => self.value(v)?,
            Expr::Star(None) => self.w.push_char('*'),
            Expr::Star(Some(t)) => {
                self.ident(t);
                self.w.push(".*");
            }
            Expr::Keyword(k) => self.w.push(k),
            Expr::Sql(s) => self.fragment(s)?,
            Expr::Unary(UnaryOp::Not, x) => {
                self.w.push("NOT ");
                self.expr(x, 10)?;
            }
            Expr::Unary(UnaryOp::Neg, x) => {
                self.w.push_char('-');
                // A negative literal written inline would make `--`, which starts a comment.
                if matches!(&**x, Expr::Literal(v) if starts_with_minus(v))
                    || self.inline && matches!(&**x, Expr::Value(v) if starts_with_minus(v))
                {
                    self.w.push_char(' ');
                }
                self.expr(x, 9)?;
            }
            Expr::Binary(operands, op) => self.binary(operands, *op)?,
            Expr::And(v) => self.junction(v, " AND ", 2, "1 = 1")?,
            Expr::Or(v) => self.junction(v, " OR ", 1, "1 = 0")?,
            Expr::IsNull(x, negated) => {
                self.expr(x, 5)?;
                self.w
                    .push(if *negated { " IS NOT NULL" } else { " IS NULL" });
            }
            Expr::InList {
                expr,
                list,
                negated,
            } => {
                if list.is_empty() {
                    // x IN () is false for every x, NULL included; NOT IN () is true.
                    self.w.push(if *negated { "1 = 1" } else { "1 = 0" });
                } else if list.len() > super::LARGE_IN_LIST
                    && self.large_in_list(expr, list, *negated)?
                {
                    // written as one parameter
                } else {
                    self.expr(expr, 5)?;
                    self.w.push(if *negated { " NOT IN (" } else { " IN (" });
                    match self.enum_cast(expr) {
                        None => self.list(list)?,
                        Some(cast) => {
                            for (i, e) in list.iter().enumerate() {
                                if i > 0 {
                                    self.w.push(", ");
                                }
                                self.cast_operand(e, 0, Some(&cast))?;
                            }
                        }
                    }
                    self.w.push_char(')');
                }
            }
            Expr::InQuery {
                expr,
                query,
                negated,
            } => {
                self.expr(expr, 5)?;
                self.w.push(if *negated { " NOT IN (" } else { " IN (" });
                self.query(query)?;
                self.w.push_char(')');
            }
            Expr::Between {
                expr,
                low,
                high,
                negated,
            } => {
                self.expr(expr, 5)?;
                self.w.push(if *negated {
                    " NOT BETWEEN "
                } else {
                    " BETWEEN "
                });
                let cast = self.enum_cast(expr);
                self.cast_operand(low, 5, cast.as_deref())?;
                self.w.push(" AND ");
                self.cast_operand(high, 5, cast.as_deref())?;
            }
            Expr::Like {
                expr,
                pattern,
                escape,
                case_insensitive,
                negated,
            } => {
                let emulate = *case_insensitive && !self.f.ilike;
                if emulate {
                    self.w.push("lower(");
                    self.expr(expr, 0)?;
                    self.w.push_char(')');
                } else {
                    self.expr(expr, 5)?;
                }
                self.w.push(match (negated, *case_insensitive && !emulate) {
                    (false, false) => " LIKE ",
                    (true, false) => " NOT LIKE ",
                    (false, true) => " ILIKE ",
                    (true, true) => " NOT ILIKE ",
                });
                if emulate {
                    self.w.push("lower(");
                    self.expr(pattern, 0)?;
                    self.w.push_char(')');
                } else {
                    self.expr(pattern, 5)?;
                }
                if let Some(c) = escape {
                    self.w.push(" ESCAPE ");
                    let mut buf = [0u8; 4];
                    self.w.push_string_literal(c.encode_utf8(&mut buf));
                }
            }
            Expr::Concat(parts) => {
                if self.f.concat_function {
                    self.w.push("CONCAT(");
                    self.list(parts)?;
                    self.w.push_char(')');
                } else {
                    for (i, p) in parts.iter().enumerate() {
                        if i > 0 {
                            self.w.push(" || ");
                        }
                        self.expr(p, 10)?;
                    }
                }
            }
            Expr::Case {
                operand,
                whens,
                otherwise,
            } => {
                if whens.is_empty() {
                    return Err(Error::InvalidStatement(
                        "a CASE needs at least one WHEN".into(),
                    ));
                }
                self.w.push("CASE");
                if let Some(o) = operand {
                    self.w.push_char(' ');
                    self.expr(o, 0)?;
                }
                for (c, v) in whens {
                    self.w.push(" WHEN ");
                    self.expr(c, 0)?;
                    self.w.push(" THEN ");
                    self.expr(v, 0)?;
                }
                if let Some(o) = otherwise {
                    self.w.push(" ELSE ");
                    self.expr(o, 0)?;
                }
                self.w.push(" END");
            }
            Expr::Cast(cast) => {
                let (x, ty) = &**cast;
                self.w.push("CAST(");
                self.expr(x, 0)?;
                self.w.push(" AS ");
                self.d.write_cast_type(&mut self.w, ty)?;
                self.w.push_char(')');
            }
            Expr::Func(f) => self.func(f)?,
            Expr::Exists(q, negated) => {
                self.w
                    .push(if *negated { "NOT EXISTS (" } else { "EXISTS (" });
                self.query(q)?;
                self.w.push_char(')');
            }
            Expr::Literal(v) => self.w.push_literal(v)?,
            Expr::Row(items) => {
                self.w.push_char('(');
                self.list(items)?;
                self.w.push_char(')');
            }
            Expr::Subquery(q) => {
                self.w.push_char('(');
                self.query(q)?;
                self.w.push_char(')');
            }
            Expr::Quantified(q, all) => {
                let word = if *all { "ALL" } else { "ANY" };
                if !self.f.quantified_subquery {
                    return Err(self.unsupported(&format!(
                        "a comparison with {word} (SELECT …); compare with the subquery's {} instead, or use {}",
                        if *all { "max() or min()" } else { "min() or max()" },
                        if *all { "NOT EXISTS" } else { "EXISTS or IN" }
                    )));
                }
                self.w.push(word);
                self.w.push(" (");
                self.query(q)?;
                self.w.push_char(')');
            }
            Expr::Default => {
                if !self.allow_default {
                    return Err(Error::InvalidStatement(
                        "DEFAULT belongs in INSERT values and UPDATE SET only".into(),
                    ));
                }
                self.w.push("DEFAULT");
            }
            Expr::Excluded(name) => {
                if !self.allow_excluded {
                    return Err(Error::InvalidStatement(
                        "excluded(…) belongs in an upsert's update only".into(),
                    ));
                }
                match self.f.upsert {
                    crate::compile::UpsertStyle::OnConflict => {
                        self.w.push("excluded.");
                        self.ident(name);
                    }
                    crate::compile::UpsertStyle::OnDuplicateKeyValues => {
                        self.w.push("VALUE(");
                        self.ident(name);
                        self.w.push_char(')');
                    }
                    crate::compile::UpsertStyle::OnDuplicateKeyRowAlias => {
                        self.w.push("new.");
                        self.ident(name);
                    }
                }
            }
            Expr::Invalid(what) => {
                return Err(Error::InvalidStatement(format!(
                    "{what} applies to a function call only"
                )))
            }
        }
        Ok(())
    }

    pub(crate) fn junction(&mut self, v: &[Expr], sep: &str, min: u8, empty: &str) -> Result<()> {
        if v.is_empty() {
            self.w.push(empty);
            return Ok(());
        }
        let min = if v.len() == 1 { 0 } else { min + 1 };
        for (i, x) in v.iter().enumerate() {
            if i > 0 {
                self.w.push(sep);
            }
            // A nested junction of the same kind needs no parentheses.
            let same = matches!((sep, x), (" AND ", Expr::And(_)) | (" OR ", Expr::Or(_)));
            self.expr(x, if same { 0 } else { min })?;
        }
        Ok(())
    }

    /// Writes a long `IN` list of plain values as one parameter, the dialect's way; `false`
    /// (nothing written) when the list holds other expressions or values that cannot travel
    /// that way, so it is written as usual.
    pub(crate) fn large_in_list(
        &mut self,
        expr: &Expr,
        list: &[Expr],
        negated: bool,
    ) -> Result<bool> {
        use crate::compile::LargeInList;
        let style = self.f.large_in_list;
        if style == LargeInList::Plain || self.inline {
            return Ok(false);
        }
        // One element type: integers of any width (widened to BIGINT), or one other type
        // (JSON carries integers and text only).
        let mut kind: Option<(InKind, crate::value::ValueType)> = None;
        for e in list {
            let Expr::Value(v) = e else { return Ok(false) };
            if v.is_null() {
                continue;
            }
            let k = match v {
                Value::I16(_) | Value::I32(_) | Value::I64(_) => InKind::Int,
                Value::Text(_) => InKind::Text,
                Value::Array(_) | Value::Json(_) => return Ok(false),
                _ if style == LargeInList::Array => InKind::Other,
                _ => return Ok(false),
            };
            match kind {
                None => kind = Some((k, v.value_type())),
                Some((InKind::Int, _)) if k == InKind::Int => {}
                Some((pk, pt)) if pk == k && pt == v.value_type() => {}
                Some(_) => return Ok(false),
            }
        }
        let Some((kind, _)) = kind else {
            return Ok(false);
        };
        match style {
            LargeInList::Plain => return Ok(false),
            LargeInList::Array => {
                // Values keep their own type (the backend widens mixed integer widths to the
                // widest): an `int4` column compared with an `int8[]` loses PostgreSQL's hashed
                // `= ANY` and gets slow on long lists.
                let mut items = Vec::with_capacity(list.len());
                for e in list {
                    if let Expr::Value(v) = e {
                        items.push(v.clone());
                    }
                }
                self.expr(expr, 5)?;
                self.w.push(if negated { " <> ALL(" } else { " = ANY(" });
                self.w.push_param(Value::Array(items));
                if let Some(cast) = self.enum_cast(expr) {
                    self.w.push(&cast);
                    self.w.push("[]");
                }
                self.w.push_char(')');
            }
            LargeInList::JsonEach | LargeInList::JsonTable => {
                let mut json = String::with_capacity(list.len() * 8);
                json.push('[');
                for (i, e) in list.iter().enumerate() {
                    if i > 0 {
                        json.push(',');
                    }
                    match e {
                        Expr::Value(Value::Text(s)) => push_json_string(&mut json, s),
                        Expr::Value(v) => match v.as_i64() {
                            Some(n) => json.push_str(&n.to_string()),
                            None => json.push_str("null"),
                        },
                        _ => return Ok(false),
                    }
                }
                json.push(']');
                self.expr(expr, 5)?;
                self.w.push(if negated { " NOT IN (" } else { " IN (" });
                if style == LargeInList::JsonEach {
                    self.w.push("SELECT value FROM json_each(");
                    self.w.push_param(Value::Text(json));
                    self.w.push(")");
                } else {
                    self.w.push("SELECT j.v FROM JSON_TABLE(");
                    self.w.push_param(Value::Text(json));
                    if kind == InKind::Int {
                        self.w.push(", '$[*]' COLUMNS (v BIGINT PATH '$')) AS j");
                    } else {
                        // A VARCHAR sized to the longest value: MariaDB cannot materialize a
                        // LONGTEXT column, and the IN would compare every row with every value.
                        let longest = list
                            .iter()
                            .filter_map(|e| match e {
                                Expr::Value(Value::Text(s)) => Some(s.chars().count()),
                                _ => None,
                            })
                            .max()
                            .unwrap_or(1)
                            .max(1);
                        self.w.push(", '$[*]' COLUMNS (v VARCHAR(");
                        self.w.push_u64(longest as u64);
                        self.w.push(") PATH '$')) AS j");
                    }
                }
                self.w.push_char(')');
            }
        }
        Ok(true)
    }

    /// Writes a named-parameter fragment in place, its parameters numbered after the ones
    /// already written (inlined as literals in debug mode).
    pub(crate) fn fragment(&mut self, s: &crate::Sql) -> Result<()> {
        s.write_to(&mut self.w, self.inline)
    }
}

/// The element kinds a long IN list may be sent as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum InKind {
    Int,
    Text,
    Other,
}

/// Appends `s` as a JSON string.
fn push_json_string(out: &mut String, s: &str) {
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                use std::fmt::Write as _;
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Whether `v` written as a literal starts with `-`.
fn starts_with_minus(v: &Value) -> bool {
    match v {
        Value::I16(n) => *n < 0,
        Value::I32(n) => *n < 0,
        Value::I64(n) => *n < 0,
        Value::F32(f) => f.is_sign_negative(),
        Value::F64(f) => f.is_sign_negative(),
        Value::Decimal(d) => d.to_string().starts_with('-'),
        _ => false,
    }
}

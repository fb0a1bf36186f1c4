//! Function calls (aggregates with DISTINCT, FILTER and ORDER BY, window functions) and
//! window specifications, for the expression compiler: the names and shapes that differ by
//! dialect are read from `Features` (date fields, day counts, math functions, `string_agg`).

use super::expr::Compiler;
use super::{DateStyle, StringAggStyle};
use crate::error::{Error, Result};
use crate::expr::{
    DatePart, Expr, Frame, FrameBound, FrameUnits, FuncCall, FuncName, Over, Window,
};

impl Compiler<'_> {
    pub(crate) fn window(&mut self, win: &Window) -> Result<()> {
        self.w.push_char('(');
        let mut sep = false;
        if let Some(b) = &win.base {
            self.ident(b);
            sep = true;
        }
        if !win.partition_by.is_empty() {
            if sep {
                self.w.push_char(' ');
            }
            self.w.push("PARTITION BY ");
            self.list(&win.partition_by)?;
            sep = true;
        }
        if !win.order_by.is_empty() {
            if sep {
                self.w.push_char(' ');
            }
            self.w.push("ORDER BY ");
            self.order_terms(&win.order_by, &[])?;
            sep = true;
        }
        if let Some(frame) = &win.frame {
            if sep {
                self.w.push_char(' ');
            }
            self.frame(frame)?;
        }
        self.w.push_char(')');
        Ok(())
    }

    pub(crate) fn frame(&mut self, f: &Frame) -> Result<()> {
        self.w.push(match f.units {
            FrameUnits::Rows => "ROWS ",
            FrameUnits::Range => "RANGE ",
            FrameUnits::Groups => {
                if !self.f.window_groups {
                    return Err(self.unsupported("GROUPS window frames"));
                }
                "GROUPS "
            }
        });
        match f.end {
            Some(end) => {
                self.w.push("BETWEEN ");
                self.bound(f.start);
                self.w.push(" AND ");
                self.bound(end);
            }
            None => self.bound(f.start),
        }
        Ok(())
    }

    pub(crate) fn bound(&mut self, b: FrameBound) {
        match b {
            FrameBound::UnboundedPreceding => self.w.push("UNBOUNDED PRECEDING"),
            FrameBound::Preceding(n) => {
                self.w.push_u64(n);
                self.w.push(" PRECEDING");
            }
            FrameBound::CurrentRow => self.w.push("CURRENT ROW"),
            FrameBound::Following(n) => {
                self.w.push_u64(n);
                self.w.push(" FOLLOWING");
            }
            FrameBound::UnboundedFollowing => self.w.push("UNBOUNDED FOLLOWING"),
        }
    }

    pub(crate) fn func(&mut self, f: &FuncCall) -> Result<()> {
        if self.special_func(f)? {
            return Ok(());
        }
        let name: &str = match &f.name {
            FuncName::Named(n) => {
                let ok = n
                    .bytes()
                    .next()
                    .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
                    && n.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.');
                if !ok {
                    return Err(Error::InvalidStatement(format!(
                        "{n:?} is not a valid function name"
                    )));
                }
                n
            }
            FuncName::CharLength => self.f.char_length_function,
            FuncName::Position => self.f.position_function,
            FuncName::Greatest => self.f.greatest_least.0,
            FuncName::Least => self.f.greatest_least.1,
            FuncName::Grouping => {
                if !self.f.grouping_function {
                    return Err(self.unsupported(
                        "GROUPING(…); tell subtotal rows apart by their NULL keys (where the keys are NOT NULL)",
                    ));
                }
                "GROUPING"
            }
            FuncName::Floor => "floor",
            FuncName::RoundFloat => "round",
            FuncName::Ceil => "ceil",
            FuncName::Power => {
                if !self.f.math_functions {
                    return Err(self.unsupported(
                        "power(); SQLite's bundled build has no math functions: compute it in Rust, or multiply for a small whole exponent",
                    ));
                }
                "power"
            }
            FuncName::JsonAgg => {
                if !f.order_by.is_empty() && !self.f.json_agg.1 {
                    return Err(self.unsupported(
                        "ORDER BY in json_agg (MySQL 8's JSON_ARRAYAGG has none); order the rows in a subquery and hope, or sort the array after decoding",
                    ));
                }
                self.f.json_agg.0
            }
            FuncName::ArrayAgg => {
                if !self.f.array_agg {
                    return Err(self.unsupported(
                        "array_agg (arrays are PostgreSQL's): use json_agg for a JSON array, or string_agg for text",
                    ));
                }
                "array_agg"
            }
            FuncName::DatePart(_) | FuncName::DaysBetween | FuncName::Shift { .. } => {
                unreachable!("written by special_func")
            }
            FuncName::StringAgg => match self.f.string_agg {
                StringAggStyle::StringAgg => "string_agg",
                StringAggStyle::GroupConcatSeparator => "GROUP_CONCAT",
                StringAggStyle::GroupConcat => "group_concat",
            },
        };
        let separator_clause = matches!(f.name, FuncName::StringAgg)
            && self.f.string_agg == StringAggStyle::GroupConcatSeparator;
        self.w.push(name);
        self.w.push_char('(');
        if f.distinct {
            self.w.push("DISTINCT ");
        }
        let emulate_filter = f.filter.is_some() && !self.f.aggregate_filter;
        if emulate_filter {
            let lower = name.to_ascii_lowercase();
            if !matches!(lower.as_str(), "count" | "sum" | "avg" | "min" | "max")
                || f.args.len() != 1
            {
                return Err(self.unsupported(&format!("FILTER on aggregate {name}")));
            }
            let Some(cond) = &f.filter else {
                unreachable!("checked above")
            };
            self.w.push("CASE WHEN ");
            self.expr(cond, 0)?;
            self.w.push(" THEN ");
            match &f.args[0] {
                Expr::Star(None) => self.w.push_char('1'),
                other => self.expr(other, 0)?,
            }
            self.w.push(" END");
        } else if separator_clause {
            // `GROUP_CONCAT(x ORDER BY … SEPARATOR 'sep')`: the separator only as a literal.
            self.aggregate_args(&f.args[..1], f)?;
            let Some(Expr::Value(crate::value::Value::Text(sep))) = f.args.get(1) else {
                return Err(Error::InvalidStatement(
                    "string_agg's separator must be a string value".into(),
                ));
            };
            self.w.push(" SEPARATOR ");
            self.w.push_string_literal(sep);
        } else {
            self.aggregate_args(&f.args, f)?;
        }
        self.w.push_char(')');
        if let (Some(cond), false) = (&f.filter, emulate_filter) {
            self.w.push(" FILTER (WHERE ");
            self.expr(cond, 0)?;
            self.w.push_char(')');
        }
        match &f.over {
            None => {}
            Some(Over::Named(n)) => {
                self.w.push(" OVER ");
                self.ident(n);
            }
            Some(Over::Spec(win)) => {
                self.w.push(" OVER ");
                self.window(win)?;
            }
        }
        Ok(())
    }

    /// The calls whose shape differs by dialect beyond their name: date fields, day counts,
    /// and floor/ceil where there are no math functions. True when `f` was written.
    fn special_func(&mut self, f: &FuncCall) -> Result<bool> {
        let args = &f.args;
        match (&f.name, args.as_slice()) {
            (FuncName::DatePart(part), [x]) => {
                match self.f.dates {
                    DateStyle::ExtractNumeric => {
                        // PostgreSQL's EXTRACT gives NUMERIC, with fractional seconds.
                        self.w.push("CAST(floor(EXTRACT(");
                        self.w.push(part.as_sql());
                        self.w.push(" FROM ");
                        self.expr(x, 0)?;
                        self.w.push(")) AS BIGINT)");
                    }
                    DateStyle::ExtractInteger => {
                        self.w.push("EXTRACT(");
                        self.w.push(part.as_sql());
                        self.w.push(" FROM ");
                        self.expr(x, 0)?;
                        self.w.push_char(')');
                    }
                    DateStyle::Strftime => {
                        self.w.push("CAST(strftime(");
                        self.w.push(part.strftime());
                        self.w.push(", ");
                        self.expr(x, 0)?;
                        self.w.push(") AS INTEGER)");
                    }
                }
                Ok(true)
            }
            (FuncName::DaysBetween, [a, b]) => {
                match self.f.dates {
                    DateStyle::ExtractNumeric => {
                        self.w.push("(CAST(");
                        self.expr(a, 0)?;
                        self.w.push(" AS DATE) - CAST(");
                        self.expr(b, 0)?;
                        self.w.push(" AS DATE))");
                    }
                    DateStyle::ExtractInteger => {
                        self.w.push("DATEDIFF(");
                        self.expr(a, 0)?;
                        self.w.push(", ");
                        self.expr(b, 0)?;
                        self.w.push_char(')');
                    }
                    DateStyle::Strftime => {
                        self.w.push("CAST(julianday(date(");
                        self.expr(a, 0)?;
                        self.w.push(")) - julianday(date(");
                        self.expr(b, 0)?;
                        self.w.push(")) AS INTEGER)");
                    }
                }
                Ok(true)
            }
            (&FuncName::Shift { unit, back, date }, [x, n]) => {
                self.shift(x, n, unit, back, date)?;
                Ok(true)
            }
            (FuncName::RoundFloat, [x, digits]) if self.f.round_digits_numeric_only => {
                self.w.push("CAST(round(CAST(");
                self.expr(x, 0)?;
                self.w.push(" AS NUMERIC), ");
                self.expr(digits, 0)?;
                self.w.push(") AS ");
                self.d
                    .write_cast_type(&mut self.w, &crate::schema::SqlType::Double)?;
                self.w.push_char(')');
                Ok(true)
            }
            (FuncName::Floor | FuncName::Ceil, [x]) if !self.f.math_functions => {
                // CAST to INTEGER truncates toward zero; step one down (floor) or up (ceil)
                // where that moved the value.
                // The result is made REAL again, as floor and ceil keep their argument's type.
                let floor = matches!(f.name, FuncName::Floor);
                self.w.push("CAST(CAST(");
                self.expr(x, 0)?;
                self.w.push(" AS INTEGER) ");
                self.w.push(if floor { "- (" } else { "+ (" });
                self.expr(x, 5)?;
                self.w.push(if floor { " < CAST(" } else { " > CAST(" });
                self.expr(x, 0)?;
                self.w.push(" AS INTEGER)) AS REAL)");
                Ok(true)
            }
            (FuncName::DatePart(_) | FuncName::DaysBetween | FuncName::Shift { .. }, _) => {
                Err(Error::InvalidStatement(
                    "a date function with the wrong number of arguments".into(),
                ))
            }
            _ => Ok(false),
        }
    }

    /// `x` moved forward (or `back`) by `n` `unit`s; `date` when `x` and the result are dates
    /// (see `expr/interval.rs` for what each backend must agree on).
    fn shift(&mut self, x: &Expr, n: &Expr, unit: DatePart, back: bool, date: bool) -> Result<()> {
        let sign = if back { " - " } else { " + " };
        match self.f.dates {
            DateStyle::ExtractNumeric => {
                // `date + interval` is a timestamp in PostgreSQL: cast back to a date.
                self.w.push(if date { "CAST(" } else { "(" });
                self.expr(x, 6)?;
                self.w.push(sign);
                self.expr(n, 8)?;
                self.w.push(" * INTERVAL '1 ");
                self.w.push(pg_unit(unit));
                self.w.push(if date { "' AS DATE)" } else { "')" });
            }
            DateStyle::ExtractInteger => {
                self.w.push_char('(');
                self.expr(x, 6)?;
                self.w.push(sign);
                self.w.push("INTERVAL ");
                self.expr(n, 10)?;
                self.w.push_char(' ');
                self.w.push(unit.as_sql());
                self.w.push_char(')');
            }
            DateStyle::Strftime => {
                // Dates as `date(x, '…')`; timestamps as `datetime` over their first 19
                // characters, the fraction and offset appended as stored, so the text stays
                // the one the backend binds and decodes.
                if date {
                    self.w.push("date(");
                    self.expr(x, 0)?;
                } else {
                    self.w.push("(datetime(substr(");
                    self.expr(x, 0)?;
                    self.w.push(", 1, 19)");
                }
                self.w.push(", ");
                if back {
                    self.w.push_char('-');
                }
                // Above `||` and unary minus: anything but a single term is parenthesized.
                self.expr(n, 9)?;
                self.w.push(" || ' ");
                self.w.push(sqlite_unit(unit));
                self.w.push_char('\'');
                if matches!(unit, DatePart::Month | DatePart::Year) {
                    // Clamp to the last day of a shorter month, as PostgreSQL and MySQL do.
                    self.w.push(", 'floor'");
                }
                self.w.push_char(')');
                if !date {
                    self.w.push(" || substr(");
                    self.expr(x, 0)?;
                    self.w.push(", 20))");
                }
            }
        }
        Ok(())
    }

    /// A call's arguments and its aggregate `ORDER BY`, if any.
    fn aggregate_args(&mut self, args: &[Expr], f: &FuncCall) -> Result<()> {
        self.list(args)?;
        if f.order_by.is_empty() {
            return Ok(());
        }
        if !self.f.aggregate_order_by && !matches!(f.name, FuncName::StringAgg | FuncName::JsonAgg)
        {
            return Err(self.unsupported("ORDER BY inside an aggregate other than string_agg"));
        }
        self.w.push(" ORDER BY ");
        self.order_terms(&f.order_by, &[])
    }
}

/// A unit as PostgreSQL's interval literals name it.
fn pg_unit(unit: DatePart) -> &'static str {
    match unit {
        DatePart::Year => "year",
        DatePart::Month => "month",
        DatePart::Day => "day",
        DatePart::Hour => "hour",
        DatePart::Minute => "minute",
        DatePart::Second => "second",
    }
}

/// A unit as SQLite's date modifiers name it.
fn sqlite_unit(unit: DatePart) -> &'static str {
    match unit {
        DatePart::Year => "years",
        DatePart::Month => "months",
        DatePart::Day => "days",
        DatePart::Hour => "hours",
        DatePart::Minute => "minutes",
        DatePart::Second => "seconds",
    }
}

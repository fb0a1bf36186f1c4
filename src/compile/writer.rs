//! [`SqlWriter`]: owns the SQL buffer and the bound values.

use super::{Compiled, Dialect, Placeholder};
use crate::error::{Error, Result};
use crate::value::Value;
use std::fmt::Write as _;

/// Owns the SQL text and the parameter list while a statement compiles.
///
/// Its `push_*` methods cannot fail; only asking the dialect for something it cannot express can.
/// An identifier the database would not take as written (a NUL character in it, or longer than
/// [`Features::max_statement_identifier_bytes`](super::Features::max_statement_identifier_bytes))
/// is noted as it is written and reported by [`SqlWriter::try_finish`].
///
/// ```
/// use quarry::{Postgres, MySql, Value};
/// use quarry::dialect::SqlWriter;
/// let mut w = SqlWriter::new(&Postgres);
/// w.push("SELECT * FROM ");
/// w.push_ident("order");
/// w.push(" WHERE id = ");
/// w.push_param(Value::I64(7));
/// let c = w.finish();
/// assert_eq!(c.sql, "SELECT * FROM \"order\" WHERE id = $1");
/// assert_eq!(c.params, [Value::I64(7)]);
///
/// let mut w = SqlWriter::new(&MySql);
/// w.push_ident("order");
/// w.push_param(Value::I64(7));
/// assert_eq!(w.finish().sql, "`order`?");
/// ```
pub struct SqlWriter<'d> {
    sql: String,
    params: Vec<Value>,
    dialect: &'d dyn Dialect,
    /// The dialect's placeholder style, read once.
    placeholder: Placeholder,
    /// The dialect's slot in the identifier cache, read once.
    ident_slot: Option<u8>,
    /// The dialect's longest identifier in bytes (`usize::MAX`: no limit), read once.
    max_ident_bytes: usize,
    /// Why the first identifier refused cannot be sent, reported by `try_finish`.
    refused: Option<String>,
    /// Counts (LIMIT, OFFSET) are written as literals rather than bound: SQL for logs.
    literal_counts: bool,
}

impl<'d> SqlWriter<'d> {
    /// An empty writer for `dialect`.
    ///
    /// ```
    /// assert_eq!(quarry::dialect::SqlWriter::new(&quarry::Sqlite).sql(), "");
    /// ```
    #[inline]
    pub fn new(dialect: &'d dyn Dialect) -> Self {
        // The dialect's answers first, then the fields in one go (measured faster in the
        // build + compile bench).
        let f = dialect.features();
        let placeholder = f.placeholder;
        let max_ident_bytes = f.max_statement_identifier_bytes.unwrap_or(usize::MAX);
        let ident_slot = dialect.identifier_cache_slot().filter(|&s| s < 4);
        let sql = String::with_capacity(256);
        SqlWriter {
            sql,
            params: Vec::new(),
            dialect,
            placeholder,
            ident_slot,
            max_ident_bytes,
            refused: None,
            literal_counts: false,
        }
    }

    /// Writes counts as literals from now on (SQL with its values inlined, for logs).
    pub(crate) fn literal_counts(&mut self) {
        self.literal_counts = true;
    }

    /// A row count (LIMIT, OFFSET): bound as a BIGINT parameter, so that every page of a
    /// query is one statement text for the prepared-statement caches; a literal in SQL
    /// written for logs. Counts past `i64::MAX` are bound as `i64::MAX`.
    ///
    /// ```
    /// let mut w = quarry::dialect::SqlWriter::new(&quarry::Postgres);
    /// w.push_count(10);
    /// assert_eq!(w.sql(), "$1");
    /// assert_eq!(w.finish().params, [quarry::Value::I64(10)]);
    /// ```
    pub fn push_count(&mut self, n: u64) {
        if self.literal_counts {
            self.push_u64(n);
        } else {
            self.push_param(Value::I64(i64::try_from(n).unwrap_or(i64::MAX)));
        }
    }

    /// The dialect being written.
    ///
    /// ```
    /// assert_eq!(quarry::dialect::SqlWriter::new(&quarry::Sqlite).dialect().name(), "sqlite");
    /// ```
    pub fn dialect(&self) -> &'d dyn Dialect {
        self.dialect
    }

    /// The SQL written so far.
    ///
    /// ```
    /// let mut w = quarry::dialect::SqlWriter::new(&quarry::Sqlite);
    /// w.push("SELECT");
    /// assert_eq!(w.sql(), "SELECT");
    /// ```
    pub fn sql(&self) -> &str {
        &self.sql
    }

    /// Appends raw SQL text.
    ///
    /// ```
    /// let mut w = quarry::dialect::SqlWriter::new(&quarry::Sqlite);
    /// w.push("SELECT 1");
    /// assert_eq!(w.finish().sql, "SELECT 1");
    /// ```
    pub fn push(&mut self, sql: &str) {
        self.sql.push_str(sql);
    }

    /// Appends one character.
    ///
    /// ```
    /// let mut w = quarry::dialect::SqlWriter::new(&quarry::Sqlite);
    /// w.push_char('(');
    /// assert_eq!(w.sql(), "(");
    /// ```
    pub fn push_char(&mut self, c: char) {
        self.sql.push(c);
    }

    /// Appends an unsigned number.
    ///
    /// ```
    /// let mut w = quarry::dialect::SqlWriter::new(&quarry::Sqlite);
    /// w.push_u64(42);
    /// assert_eq!(w.sql(), "42");
    /// ```
    pub fn push_u64(&mut self, n: u64) {
        let _ = write!(self.sql, "{n}");
    }

    /// Reserves room for `additional` more bytes of SQL.
    ///
    /// ```
    /// let mut w = quarry::dialect::SqlWriter::new(&quarry::Sqlite);
    /// w.reserve(1024);
    /// assert_eq!(w.sql(), "");
    /// ```
    pub fn reserve(&mut self, additional: usize) {
        self.sql.reserve(additional);
    }

    /// Makes room for `additional` more parameters.
    pub(crate) fn reserve_params(&mut self, additional: usize) {
        self.params.reserve(additional);
    }

    /// Appends an identifier, quoted if the dialect needs it.
    ///
    /// ```
    /// let mut w = quarry::dialect::SqlWriter::new(&quarry::Postgres);
    /// w.push_ident("userName");
    /// assert_eq!(w.sql(), "\"userName\"");
    /// ```
    pub fn push_ident(&mut self, ident: &str) {
        if ident.len() > self.max_ident_bytes {
            self.too_long(ident);
        }
        let d = self.dialect;
        d.write_identifier(self, ident);
    }

    #[cold]
    #[inline(never)]
    fn too_long(&mut self, ident: &str) {
        self.refuse(format!(
            "identifier {ident:?} is {} bytes long; {} takes at most {} bytes (it would be \
             truncated)",
            ident.len(),
            self.dialect.name(),
            self.max_ident_bytes
        ));
    }

    /// Notes why the statement cannot be sent (the first reason is kept).
    #[cold]
    fn refuse(&mut self, why: String) {
        if self.refused.is_none() {
            self.refused = Some(why);
        }
    }

    /// Appends a column label (`AS label` of a select list or RETURNING item): a name, refused
    /// where the dialect would change it (leading spaces on the MySQL family).
    pub(crate) fn push_label(&mut self, label: &crate::expr::Name) {
        if let Some(&b) = label.as_bytes().first() {
            if b != 0
                && b.is_ascii()
                && !b.is_ascii_graphic()
                && !self.dialect.features().label_leading_space
            {
                self.refuse(format!(
                    "label {label:?} starts with a space or control character, which {} strips \
                     from the result column's name",
                    self.dialect.name()
                ));
            }
        }
        self.push_name(label);
    }

    /// The dialect's slot in the identifier cache (see [`Dialect::identifier_cache_slot`]).
    pub(crate) fn ident_slot(&self) -> Option<u8> {
        self.ident_slot
    }

    /// Appends a name: for a `'static` one whose rendering this dialect lets quarry remember
    /// ([`Dialect::identifier_cache_slot`]), without asking the dialect again.
    #[inline]
    pub(crate) fn push_name(&mut self, name: &crate::expr::Name) {
        // The common case, kept small enough to inline: a `'static` name known to be written
        // as it is.
        if let (std::borrow::Cow::Borrowed(s), Some(slot)) = (name, self.ident_slot) {
            if super::cache::identifiers::get(s, slot) == Some(true) {
                self.sql.push_str(s);
                return;
            }
        }
        self.push_name_slow(name)
    }

    #[inline(never)]
    fn push_name_slow(&mut self, name: &crate::expr::Name) {
        let (std::borrow::Cow::Borrowed(ident), Some(slot)) = (name, self.ident_slot) else {
            return self.push_ident(name);
        };
        let start = self.sql.len();
        self.push_ident(ident);
        // (A name refused for its length is not remembered: it is checked every time.)
        if ident.len() <= self.max_ident_bytes {
            let plain = self.sql[start..] == **ident;
            super::cache::identifiers::put(ident, slot, plain);
        }
    }

    /// Appends an identifier always quoted, doubling the quote character inside it.
    ///
    /// ```
    /// let mut w = quarry::dialect::SqlWriter::new(&quarry::MySql);
    /// w.push_quoted_ident("a`b");
    /// assert_eq!(w.sql(), "`a``b`");
    /// ```
    ///
    /// A NUL character cannot be quoted, nor (on the MySQL family) a character outside the Basic
    /// Multilingual Plane: [`SqlWriter::try_finish`] reports it.
    pub fn push_quoted_ident(&mut self, ident: &str) {
        let f = self.dialect.features();
        let (q, beyond_bmp) = (f.identifier_quote, f.identifiers_beyond_bmp);
        self.sql.push(q);
        let (mut nul, mut wide) = (false, false);
        for ch in ident.chars() {
            if ch == q {
                self.sql.push(q);
            }
            nul |= ch == '\0';
            wide |= ch > '\u{FFFF}';
            self.sql.push(ch);
        }
        self.sql.push(q);
        if nul {
            self.refuse(format!(
                "identifier {ident:?} contains a NUL character, which no database takes"
            ));
        } else if wide && !beyond_bmp {
            self.refuse(format!(
                "identifier {ident:?} has a character outside the Basic Multilingual Plane, \
                 which {} does not take",
                self.dialect.name()
            ));
        }
    }

    /// Appends `schema.name` (or `name`), each part quoted as needed.
    ///
    /// ```
    /// let mut w = quarry::dialect::SqlWriter::new(&quarry::Postgres);
    /// w.push_qualified(Some("app"), "users");
    /// assert_eq!(w.sql(), "app.users");
    /// ```
    pub fn push_qualified(&mut self, schema: Option<&str>, name: &str) {
        if let Some(s) = schema {
            self.push_ident(s);
            self.sql.push('.');
        }
        self.push_ident(name);
    }

    /// Appends identifiers separated by `, `.
    ///
    /// ```
    /// let mut w = quarry::dialect::SqlWriter::new(&quarry::Sqlite);
    /// w.push_ident_list(["a", "b"]);
    /// assert_eq!(w.sql(), "a, b");
    /// ```
    pub fn push_ident_list<'a>(&mut self, idents: impl IntoIterator<Item = &'a str>) {
        for (i, id) in idents.into_iter().enumerate() {
            if i > 0 {
                self.sql.push_str(", ");
            }
            self.push_ident(id);
        }
    }

    /// Binds `value`, appending the dialect's next placeholder.
    ///
    /// ```
    /// let mut w = quarry::dialect::SqlWriter::new(&quarry::Postgres);
    /// w.push_param(1_i64.into());
    /// w.push(", ");
    /// w.push_param(2_i64.into());
    /// assert_eq!(w.sql(), "$1, $2");
    /// ```
    pub fn push_param(&mut self, value: Value) {
        if self.params.capacity() == 0 {
            // Room for a typical statement's values at once, without growing through 4.
            self.params = Vec::with_capacity(8);
        }
        self.params.push(value);
        match self.placeholder {
            Placeholder::Dollar => match self.params.len() {
                // `$1` … `$9` without the general number writer.
                n @ 1..=9 => self
                    .sql
                    .push_str(&DOLLARS[dollars_len(n) - 2..dollars_len(n)]),
                n => {
                    self.sql.push('$');
                    push_decimal(&mut self.sql, n);
                }
            },
            Placeholder::Question => self.sql.push('?'),
        }
    }

    /// Appends a string literal, escaped for the dialect (for DDL, where nothing can be bound).
    ///
    /// ```
    /// let mut w = quarry::dialect::SqlWriter::new(&quarry::MySql);
    /// w.push_string_literal("it's a \\ test");
    /// assert_eq!(w.sql(), "'it''s a \\\\ test'");
    /// ```
    pub fn push_string_literal(&mut self, s: &str) {
        let d = self.dialect;
        d.write_string_literal(self, s);
    }

    /// Appends `value` as a literal (for DDL defaults); an error if the dialect cannot write it.
    ///
    /// ```
    /// let mut w = quarry::dialect::SqlWriter::new(&quarry::Sqlite);
    /// w.push_literal(&quarry::Value::Bytes(vec![0xde, 0xad])).unwrap();
    /// assert_eq!(w.sql(), "X'dead'");
    /// ```
    pub fn push_literal(&mut self, value: &Value) -> Result<()> {
        let d = self.dialect;
        d.write_literal(self, value)
    }

    /// The `i`-th parameter bound so far.
    pub(crate) fn param(&self, i: usize) -> Option<&Value> {
        self.params.get(i)
    }

    /// How many parameters are bound so far.
    ///
    /// ```
    /// let mut w = quarry::dialect::SqlWriter::new(&quarry::Postgres);
    /// w.push_param(1_i64.into());
    /// assert_eq!(w.param_count(), 1);
    /// ```
    pub fn param_count(&self) -> usize {
        self.params.len()
    }

    /// Writes `rows` rows of `width` placeholders, `(?, ?), (?, ?)` or `($1, $2), ($3, $4)`,
    /// for values the caller binds itself (numbered after the parameters pushed so far).
    pub(crate) fn push_placeholder_rows(&mut self, rows: usize, width: usize) {
        let mut n = self.params.len();
        match self.placeholder {
            Placeholder::Question => {
                let row_len = 1 + width * 3;
                self.sql.reserve(rows * (row_len + 2));
                let start = self.sql.len();
                self.sql.push('(');
                for i in 0..width {
                    self.sql.push_str(if i == 0 { "?" } else { ", ?" });
                }
                self.sql.push(')');
                if rows > 1 {
                    // The other rows read the same: copies of the first.
                    let row = self.sql[start..].to_owned();
                    for _ in 1..rows {
                        self.sql.push_str(", ");
                        self.sql.push_str(&row);
                    }
                }
            }
            Placeholder::Dollar => {
                self.sql.reserve(rows * (width * 5 + 2));
                for r in 0..rows {
                    self.sql.push_str(if r > 0 { ", (" } else { "(" });
                    if n == 0 && width <= DOLLARS_MAX {
                        // The numbering starts at 1: the row is a prefix of `DOLLARS`.
                        self.sql.push_str(&DOLLARS[..dollars_len(width)]);
                        self.sql.push(')');
                        n = width;
                        continue;
                    }
                    for i in 0..width {
                        n += 1;
                        self.sql.push_str(if i == 0 { "$" } else { ", $" });
                        push_decimal(&mut self.sql, n);
                    }
                    self.sql.push(')');
                }
            }
        }
    }

    /// The parameters written so far.
    pub(crate) fn params(&self) -> &[Value] {
        &self.params
    }

    /// The SQL length and parameter count, to return to with [`SqlWriter::rewind`].
    pub(crate) fn mark(&self) -> (usize, usize) {
        (self.sql.len(), self.params.len())
    }

    /// Drops what was written after `mark`.
    pub(crate) fn rewind(&mut self, mark: (usize, usize)) {
        self.sql.truncate(mark.0);
        self.params.truncate(mark.1);
    }

    /// Ends writing and returns the SQL and its parameters, without reporting an identifier
    /// refused (statement compilers use [`SqlWriter::try_finish`]).
    ///
    /// ```
    /// assert_eq!(quarry::dialect::SqlWriter::new(&quarry::Sqlite).finish(), quarry::Compiled::default());
    /// ```
    pub fn finish(self) -> Compiled {
        Compiled {
            sql: self.sql,
            params: self.params,
            kind: super::StatementKind::Other,
        }
    }

    /// Ends writing and returns the SQL and its parameters, or an
    /// [`Error::InvalidStatement`] naming an identifier written that the database would not
    /// take as it is: one with a NUL character, or one longer than the dialect keeps
    /// ([`Features::max_statement_identifier_bytes`](super::Features::max_statement_identifier_bytes)).
    ///
    /// ```
    /// use quarry::{Postgres, ErrorKind};
    /// use quarry::dialect::SqlWriter;
    /// let mut w = SqlWriter::new(&Postgres);
    /// w.push_ident("a\0b");
    /// assert_eq!(w.try_finish().unwrap_err().kind(), ErrorKind::InvalidStatement);
    ///
    /// let mut w = SqlWriter::new(&Postgres);
    /// w.push_ident(&"x".repeat(64));
    /// let err = w.try_finish().unwrap_err();
    /// assert!(err.to_string().contains("at most 63"));
    /// ```
    pub fn try_finish(self) -> Result<Compiled> {
        match self.refused {
            None => Ok(Compiled {
                sql: self.sql,
                params: self.params,
                kind: super::StatementKind::Other,
            }),
            Some(why) => Err(Error::InvalidStatement(why)),
        }
    }
}

/// `$1, $2, …, $32`: a first row of placeholders is a prefix of it.
const DOLLARS: &str = concat!(
    "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, ",
    "$17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32"
);
const DOLLARS_MAX: usize = 32;

/// The length of `$1, …, $width` (`1 <= width <= DOLLARS_MAX`).
fn dollars_len(width: usize) -> usize {
    if width <= 9 {
        4 * width - 2
    } else {
        34 + 5 * (width - 9)
    }
}

/// Appends `n` in decimal without going through `fmt` (placeholders are on the hot path).
fn push_decimal(out: &mut String, mut n: usize) {
    if n < 10 {
        out.push(char::from(b'0' + n as u8));
        return;
    }
    if n < 100 {
        out.push(char::from(b'0' + (n / 10) as u8));
        out.push(char::from(b'0' + (n % 10) as u8));
        return;
    }
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &b in &buf[i..] {
        out.push(char::from(b));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn dollar_prefixes_end_at_a_placeholder() {
        for width in 1..=super::DOLLARS_MAX {
            let expected: Vec<String> = (1..=width).map(|i| format!("${i}")).collect();
            assert_eq!(
                &super::DOLLARS[..super::dollars_len(width)],
                expected.join(", ")
            );
        }
        assert_eq!(super::dollars_len(super::DOLLARS_MAX), super::DOLLARS.len());
    }
}

//! Rows bound by reference: [`Executor::insert_rows`](crate::Executor::insert_rows)
//! inserts rows straight from the caller's data, as `executemany` does in Python's database
//! drivers. SQLite and PostgreSQL bind text and bytes from the borrowed data without making a
//! [`Value`] of them; MariaDB copies each once, into the driver's parameter, as a
//! hand-written loop does.
//!
//! A row is a tuple whose items fit the columns' Rust types ([`CellFor`]): for a
//! `Column<String>` a `&str` or `&String`, for a `Column<i64>` an `i64`, for a
//! `Column<Option<T>>` also `Option<…>`. A row of the wrong types does not compile.

use crate::compile::dml::value_bytes;
use crate::expr::Column;
use crate::value::{Date, Decimal, IntoValue, Json, Time, Timestamp, Utc, Uuid, Value};

/// One value of a row bound by reference: a [`Value`] (scalars are copied into one), or text
/// and bytes borrowed from the caller's row. Backends bind [`Cell::Text`] and [`Cell::Bytes`]
/// straight from the borrowed data.
///
/// ```
/// use quarry::Value;
/// use quarry::backend::{Cell, CellFor};
/// assert_eq!(CellFor::<String>::cell("Ann"), Cell::Text("Ann"));
/// assert_eq!(CellFor::<i64>::cell(&7_i64), Cell::Value(Value::I64(7)));
/// assert_eq!(Cell::Text("Ann").into_value(), Value::Text("Ann".into()));
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Cell<'a> {
    /// A value (scalars, and what has no borrowed form).
    Value(Value),
    /// UTF-8 text, borrowed.
    Text(&'a str),
    /// Bytes, borrowed.
    Bytes(&'a [u8]),
}

impl Cell<'_> {
    /// The cell as an owned [`Value`] (copying borrowed text and bytes).
    ///
    /// ```
    /// assert_eq!(quarry::backend::Cell::Bytes(b"ab").into_value(), quarry::Value::Bytes(b"ab".to_vec()));
    /// ```
    pub fn into_value(self) -> Value {
        match self {
            Cell::Value(v) => v,
            Cell::Text(s) => Value::Text(s.to_owned()),
            Cell::Bytes(b) => Value::Bytes(b.to_vec()),
        }
    }

    /// Roughly the bytes the cell adds to a statement on the wire.
    pub(crate) fn wire_bytes(&self) -> usize {
        match self {
            Cell::Text(s) => s.len() + 4,
            Cell::Bytes(b) => b.len() + 4,
            Cell::Value(v) => value_bytes(v),
        }
    }
}

/// A Rust value that can be bound by reference into a column whose Rust type is `T`: `T`
/// itself, `&str` (or `str`, `&String`) for `String`, `&[u8]` for `Vec<u8>`, a reference to
/// any of these, and for an `Option<T>` column also `Option` of them. NULL into a non-`Option`
/// column does not compile.
///
/// ```
/// use quarry::{Value, ValueType};
/// use quarry::backend::{Cell, CellFor};
/// assert_eq!(CellFor::<Option<String>>::cell(&None::<&str>), Cell::Value(Value::Null(ValueType::Text)));
/// assert_eq!(CellFor::<Option<String>>::cell(&Some("x")), Cell::Text("x"));
/// assert_eq!(CellFor::<Vec<u8>>::cell(&&b"ab"[..]), Cell::Bytes(b"ab"));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be bound into a column of Rust type `{T}`",
    label = "not a value for this column",
    note = "a column of `T` takes a `T` (`&str` for `String`, `&[u8]` for `Vec<u8>`) or a reference to one; an `Option<T>` column also takes `Option` of those"
)]
pub trait CellFor<T> {
    /// The cell bound.
    fn cell(&self) -> Cell<'_>;
}

impl<T, U: CellFor<T> + ?Sized> CellFor<T> for &U {
    fn cell(&self) -> Cell<'_> {
        (**self).cell()
    }
}

impl<T: IntoValue, U: CellFor<T>> CellFor<Option<T>> for Option<U> {
    fn cell(&self) -> Cell<'_> {
        match self {
            Some(v) => v.cell(),
            None => Cell::Value(Value::Null(T::VALUE_TYPE)),
        }
    }
}

/// A dynamic [`Value`] goes into any column (checked by the database, as
/// [`ValueFor`](crate::expr::ValueFor) lets a `Value` be stored anywhere); its text and bytes are
/// bound by reference.
///
/// ```
/// use quarry::Value;
/// use quarry::backend::{Cell, CellFor};
/// assert_eq!(CellFor::<i64>::cell(&Value::Text("x".into())), Cell::Text("x"));
/// assert_eq!(CellFor::<i64>::cell(&Value::I64(1)), Cell::Value(Value::I64(1)));
/// ```
impl<T> CellFor<T> for Value {
    fn cell(&self) -> Cell<'_> {
        match self {
            Value::Text(s) => Cell::Text(s),
            Value::Bytes(b) => Cell::Bytes(b),
            v => Cell::Value(v.clone()),
        }
    }
}

/// Types bound as a copy of their [`Value`], into a `T` or an `Option<T>` column.
macro_rules! value_cells {
    ($($t:ty),* $(,)?) => {$(
        impl CellFor<$t> for $t {
            fn cell(&self) -> Cell<'_> {
                Cell::Value(self.clone().into_value())
            }
        }
        impl CellFor<Option<$t>> for $t {
            fn cell(&self) -> Cell<'_> {
                Cell::Value(self.clone().into_value())
            }
        }
    )*};
}

value_cells!(bool, i16, i32, i64, f32, f64, Date, Time, Timestamp, Utc, Uuid, Decimal, Json);

#[cfg(feature = "chrono-0_4")]
value_cells!(
    chrono::NaiveDate,
    chrono::NaiveTime,
    chrono::NaiveDateTime,
    chrono::DateTime<chrono::Utc>
);
#[cfg(feature = "time-0_3")]
value_cells!(
    time::Date,
    time::Time,
    time::PrimitiveDateTime,
    time::OffsetDateTime
);
#[cfg(feature = "uuid-1")]
value_cells!(uuid::Uuid);
#[cfg(feature = "rust_decimal-1")]
value_cells!(rust_decimal::Decimal);
#[cfg(feature = "serde_json-1")]
value_cells!(serde_json::Value);

/// Borrowed text and bytes.
macro_rules! borrowed_cells {
    ($($t:ty => $col:ty, $variant:ident, $as:ident);* $(;)?) => {$(
        impl CellFor<$col> for $t {
            fn cell(&self) -> Cell<'_> {
                Cell::$variant(self.$as())
            }
        }
        impl CellFor<Option<$col>> for $t {
            fn cell(&self) -> Cell<'_> {
                Cell::$variant(self.$as())
            }
        }
    )*};
}

borrowed_cells!(
    str => String, Text, as_ref;
    String => String, Text, as_str;
    [u8] => Vec<u8>, Bytes, as_ref;
    Vec<u8> => Vec<u8>, Bytes, as_slice;
);

/// A row for the columns `C` (a tuple of typed columns): a tuple of as many items, each a
/// [`CellFor`] its column's type.
///
/// ```
/// use quarry::backend::RowFor;
/// quarry::table! { pub struct T("t") { id: i64, name: String, note: Option<String> } }
/// fn takes<C, R: RowFor<C>>(_: C, _: R) -> usize { R::WIDTH }
/// let t = T::new();
/// assert_eq!(takes((t.id, t.name, t.note), (1_i64, "Ann", None::<&str>)), 3);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a row for the columns `{C}`",
    label = "not a row for these columns",
    note = "a row is a tuple with one item per column, each a value for its column's type (`&str` for `String`, `Option<…>` or `None` only for `Option` columns)"
)]
pub trait RowFor<C> {
    /// Values per row.
    const WIDTH: usize;
    /// Calls `out` with each cell, in column order.
    fn cells(&self, out: &mut dyn FnMut(Cell<'_>));
}

macro_rules! row_tuples {
    ($( ($($c:ident $r:ident $i:tt),+) )*) => {$(
        impl<$($c, $r: CellFor<$c>),+> RowFor<($(Column<$c>,)+)> for ($($r,)+) {
            const WIDTH: usize = [$($i),+].len();
            fn cells(&self, out: &mut dyn FnMut(Cell<'_>)) {
                $( out(self.$i.cell()); )+
            }
        }
    )*};
}

row_tuples! {
    (C0 R0 0)
    (C0 R0 0, C1 R1 1)
    (C0 R0 0, C1 R1 1, C2 R2 2)
    (C0 R0 0, C1 R1 1, C2 R2 2, C3 R3 3)
    (C0 R0 0, C1 R1 1, C2 R2 2, C3 R3 3, C4 R4 4)
    (C0 R0 0, C1 R1 1, C2 R2 2, C3 R3 3, C4 R4 4, C5 R5 5)
    (C0 R0 0, C1 R1 1, C2 R2 2, C3 R3 3, C4 R4 4, C5 R5 5, C6 R6 6)
    (C0 R0 0, C1 R1 1, C2 R2 2, C3 R3 3, C4 R4 4, C5 R5 5, C6 R6 6, C7 R7 7)
    (C0 R0 0, C1 R1 1, C2 R2 2, C3 R3 3, C4 R4 4, C5 R5 5, C6 R6 6, C7 R7 7, C8 R8 8)
    (C0 R0 0, C1 R1 1, C2 R2 2, C3 R3 3, C4 R4 4, C5 R5 5, C6 R6 6, C7 R7 7, C8 R8 8,
     C9 R9 9)
    (C0 R0 0, C1 R1 1, C2 R2 2, C3 R3 3, C4 R4 4, C5 R5 5, C6 R6 6, C7 R7 7, C8 R8 8,
     C9 R9 9, C10 R10 10)
    (C0 R0 0, C1 R1 1, C2 R2 2, C3 R3 3, C4 R4 4, C5 R5 5, C6 R6 6, C7 R7 7, C8 R8 8,
     C9 R9 9, C10 R10 10, C11 R11 11)
    (C0 R0 0, C1 R1 1, C2 R2 2, C3 R3 3, C4 R4 4, C5 R5 5, C6 R6 6, C7 R7 7, C8 R8 8,
     C9 R9 9, C10 R10 10, C11 R11 11, C12 R12 12)
    (C0 R0 0, C1 R1 1, C2 R2 2, C3 R3 3, C4 R4 4, C5 R5 5, C6 R6 6, C7 R7 7, C8 R8 8,
     C9 R9 9, C10 R10 10, C11 R11 11, C12 R12 12, C13 R13 13)
    (C0 R0 0, C1 R1 1, C2 R2 2, C3 R3 3, C4 R4 4, C5 R5 5, C6 R6 6, C7 R7 7, C8 R8 8,
     C9 R9 9, C10 R10 10, C11 R11 11, C12 R12 12, C13 R13 13, C14 R14 14)
    (C0 R0 0, C1 R1 1, C2 R2 2, C3 R3 3, C4 R4 4, C5 R5 5, C6 R6 6, C7 R7 7, C8 R8 8,
     C9 R9 9, C10 R10 10, C11 R11 11, C12 R12 12, C13 R13 13, C14 R14 14, C15 R15 15)
}

/// The rows of an [`InsertRows`] request, one at a time (what a backend reads).
pub trait RowSource: Send {
    /// Writes the next row's cells to `out`, in column order (the table's client defaults
    /// after the given columns); `false` when no row is left.
    fn next_row(&mut self, out: &mut dyn FnMut(Cell<'_>)) -> bool;
}

/// An insert of rows, as a backend runs it
/// ([`BackendConnection::insert_rows`](crate::exec::BackendConnection::insert_rows)): every
/// statement is [`InsertRows::statement`] for its number of rows, the rows come from
/// `source` (borrowed from the caller's data by `insert_rows`, or moved out of a split
/// INSERT's values). The caller has started a transaction (or a savepoint) around it.
pub struct InsertRows<'a> {
    /// Values per row (the columns given, then the table's client defaults).
    pub width: usize,
    /// The number of rows.
    pub rows: usize,
    /// The most rows one statement takes (the dialect's bound-parameter limit).
    pub max_rows: usize,
    /// `COPY t (a, b) FROM STDIN (FORMAT binary)`, for a backend that loads that way; empty
    /// when the statements must run as [`InsertRows::statement`] gives them (a split INSERT
    /// with an upsert clause, say).
    pub copy_sql: &'a str,
    /// `SELECT a, b FROM t`: prepared (never run) to learn each column's exact type.
    pub probe_sql: &'a str,
    /// The rows.
    pub source: &'a mut dyn RowSource,
    pub(crate) head: &'a str,
    pub(crate) tail: &'a str,
    pub(crate) dialect: &'static dyn crate::Dialect,
    /// Rows handed out by [`InsertRows::next_statement`] (the carried one included).
    pub(crate) taken: usize,
    /// A row read but left for the next statement (it would have passed the size limit).
    pub(crate) carry: Vec<Value>,
}

impl InsertRows<'_> {
    /// Hands the next statement's rows to `out`, cell by cell, for a backend that collects a
    /// statement's values before sending it: up to [`InsertRows::max_rows`] rows and, past
    /// the first, only as many as keep the statement under about `max_bytes` on the wire (a
    /// row that would pass it is kept for the next statement; a row larger than `max_bytes`
    /// goes alone, and the server judges it). Returns the number of rows handed out, 0 once
    /// all are.
    ///
    /// An error when the source ends before [`InsertRows::rows`] rows, or when a row has the
    /// wrong number of values.
    pub fn next_statement(
        &mut self,
        max_bytes: usize,
        out: &mut dyn FnMut(Cell<'_>),
    ) -> crate::Result<usize> {
        let mut bytes = self.head.len();
        let mut n = 0;
        if !self.carry.is_empty() {
            for v in std::mem::take(&mut self.carry) {
                bytes += value_bytes(&v) + 6;
                out(Cell::Value(v));
            }
            n = 1;
        }
        let mut row: Vec<Value> = Vec::new();
        while self.taken < self.rows && n < self.max_rows {
            // The row is read into values and measured: handed out if it fits, else kept for
            // the next statement.
            let (mut width, mut row_bytes) = (0, 4);
            let room = max_bytes.saturating_sub(bytes);
            row.clear();
            let more = self.source.next_row(&mut |c| {
                width += 1;
                row_bytes += c.wire_bytes() + 6;
                row.push(c.into_value());
            });
            if !more {
                return Err(crate::Error::InvalidStatement(format!(
                    "the rows' iterator said it had {} rows but gave {}",
                    self.rows, self.taken
                )));
            }
            if width != self.width {
                return Err(crate::Error::InvalidStatement(format!(
                    "a row gave {width} values for {} columns",
                    self.width
                )));
            }
            self.taken += 1;
            if row_bytes > room && n > 0 {
                self.carry = std::mem::take(&mut row);
                return Ok(n);
            }
            for v in row.drain(..) {
                out(Cell::Value(v));
            }
            bytes += row_bytes;
            n += 1;
        }
        Ok(n)
    }

    /// The INSERT statement for `rows` rows, with the dialect's placeholders.
    pub fn statement(&self, rows: usize) -> String {
        crate::compile::dml::rows_statement(self.dialect, self.head, self.tail, self.width, rows)
    }
}

impl std::fmt::Debug for InsertRows<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InsertRows")
            .field("width", &self.width)
            .field("rows", &self.rows)
            .field("max_rows", &self.max_rows)
            .field("head", &self.head)
            .finish_non_exhaustive()
    }
}

/// The rows of a split INSERT's values, each value moved out as it is given (what is left
/// behind is a `Bool`, which needs no freeing).
pub(crate) struct MovedRows<'v> {
    pub(crate) values: std::slice::ChunksExactMut<'v, Value>,
}

impl RowSource for MovedRows<'_> {
    fn next_row(&mut self, out: &mut dyn FnMut(Cell<'_>)) -> bool {
        let Some(row) = self.values.next() else {
            return false;
        };
        for v in row {
            out(Cell::Value(std::mem::replace(v, Value::Bool(false))));
        }
        true
    }
}

/// The engine's [`RowSource`] over the caller's rows: each row's cells, then the client
/// defaults; it counts the rows it gives so that an iterator whose length was wrong is
/// caught.
pub(crate) struct Rows<'c, I, C> {
    pub(crate) iter: I,
    pub(crate) consts: &'c [Value],
    pub(crate) given: usize,
    pub(crate) _columns: std::marker::PhantomData<fn() -> C>,
}

impl<I, C> RowSource for Rows<'_, I, C>
where
    I: Iterator + Send,
    I::Item: RowFor<C>,
{
    fn next_row(&mut self, out: &mut dyn FnMut(Cell<'_>)) -> bool {
        let Some(row) = self.iter.next() else {
            return false;
        };
        row.cells(out);
        for v in self.consts {
            out(Cell::Value(v.clone()));
        }
        self.given += 1;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Texts(std::vec::IntoIter<(i64, String)>);

    impl RowSource for Texts {
        fn next_row(&mut self, out: &mut dyn FnMut(Cell<'_>)) -> bool {
            let Some((id, s)) = self.0.next() else {
                return false;
            };
            out(Cell::Value(Value::I64(id)));
            out(Cell::Text(&s));
            true
        }
    }

    /// Rows split by size: a row that would pass the limit starts the next statement, a row
    /// alone past it is an error, and a source that ends early is caught.
    #[test]
    fn next_statement_splits_by_rows_and_bytes() {
        let rows: Vec<(i64, String)> = (0..7).map(|i| (i, "x".repeat(100))).collect();
        let mut source = Texts(rows.into_iter());
        let mut r = InsertRows {
            width: 2,
            rows: 7,
            max_rows: 3,
            copy_sql: "",
            probe_sql: "",
            source: &mut source,
            head: "INSERT INTO t (id, s) VALUES ",
            tail: "",
            dialect: &crate::MariaDb,
            taken: 0,
            carry: Vec::new(),
        };
        // About 132 bytes a row: 200 bytes take one row (the head counts too).
        let mut sizes = Vec::new();
        let mut ids = Vec::new();
        loop {
            let n = r
                .next_statement(200, &mut |c| {
                    if let Cell::Value(Value::I64(i)) = c {
                        ids.push(i);
                    }
                })
                .unwrap();
            if n == 0 {
                break;
            }
            sizes.push(n);
        }
        assert_eq!(sizes, [1, 1, 1, 1, 1, 1, 1]);
        assert_eq!(ids, (0..7).collect::<Vec<_>>());
        let rows: Vec<(i64, String)> = (0..7).map(|i| (i, "x".repeat(10))).collect();
        let mut source = Texts(rows.into_iter());
        r.source = &mut source;
        r.taken = 0;
        let mut sizes = Vec::new();
        while let n @ 1.. = r.next_statement(usize::MAX, &mut |_| {}).unwrap() {
            sizes.push(n);
        }
        assert_eq!(sizes, [3, 3, 1]);
        let mut sizes = Vec::new();
        let rows: Vec<(i64, String)> = (0..7).map(|i| (i, "x".repeat(10))).collect();
        let mut source = Texts(rows.into_iter());
        r.source = &mut source;
        r.taken = 0;
        while let n @ 1.. = r.next_statement(140, &mut |_| {}).unwrap() {
            sizes.push(n);
        }
        assert_eq!(sizes, [2, 2, 2, 1]);
        // One row alone too large.
        let mut source = Texts(vec![(1, "x".repeat(1000))].into_iter());
        r.source = &mut source;
        r.taken = 0;
        assert!(r.next_statement(500, &mut |_| {}).is_err());
        // The source ends early.
        let mut source = Texts(vec![(1, String::new())].into_iter());
        r.source = &mut source;
        r.taken = 0;
        assert!(r.next_statement(usize::MAX, &mut |_| {}).is_err());
    }
}

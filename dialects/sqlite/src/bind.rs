//! Binding quarry [`Value`]s as SQLite parameters: in place from the caller's values, or
//! encoded first ([`Encoded`]) for the thread that owns the connection.

use crate::error::error;
use quarry::value::{Date, Decimal, Time, Timestamp, Uuid};
use quarry::{Error, Result, Value};
use rusqlite::types::{ToSqlOutput, ValueRef};

/// Most significant digits a decimal may have to be bound as a 64-bit float without loss.
const MAX_DECIMAL_DIGITS: usize = 15;

/// The number of significant digits of a canonical decimal (leading and trailing zeros do not
/// count: they cost a float no precision).
fn significant_digits(d: &Decimal) -> usize {
    let digits: Vec<u8> = d.as_str().bytes().filter(u8::is_ascii_digit).collect();
    let start = digits.iter().position(|&b| b != b'0');
    let end = digits.iter().rposition(|&b| b != b'0');
    match (start, end) {
        (Some(s), Some(e)) => e - s + 1,
        _ => 0,
    }
}

/// A decimal as the float SQLite stores, or `Unsupported` when the float would lose digits.
fn decimal_to_f64(d: &Decimal) -> Result<f64> {
    let digits = significant_digits(d);
    let f: f64 = d.as_str().parse().unwrap_or(f64::NAN);
    if digits > MAX_DECIMAL_DIGITS
        || !f.is_finite()
        || (digits > 0 && (f == 0.0 || f.is_subnormal()))
    {
        return Err(Error::unsupported(
            "sqlite",
            format!(
                "the decimal {d} ({digits} significant digits): SQLite has no exact decimal type and \
                 stores NUMERIC values as 64-bit floats, which keep at most {MAX_DECIMAL_DIGITS} \
                 digits; bind it as text (Value::Text) into a TEXT column to keep every digit"
            ),
        ));
    }
    Ok(f)
}

/// Room for the text of any value formatted by hand (the longest, a `TimestampTz` with a
/// negative year and a fraction, is 33 bytes; a UUID is 36).
pub(crate) const TEXT_BUF: usize = 40;

/// Writes `n` as `width` decimal digits (zero-padded; `n` must fit) at `buf[at..]`.
fn put_digits(buf: &mut [u8], at: usize, mut n: u32, width: usize) {
    for i in (0..width).rev() {
        buf[at + i] = b'0' + (n % 10) as u8;
        n /= 10;
    }
}

/// `[-]YYYY-MM-DD` (years -9999..=9999) at `buf[at..]`; the end.
fn put_date(buf: &mut [u8], mut at: usize, d: &Date) -> usize {
    if d.year() < 0 {
        buf[at] = b'-';
        at += 1;
    }
    put_digits(buf, at, d.year().unsigned_abs(), 4);
    buf[at + 4] = b'-';
    put_digits(buf, at + 5, u32::from(d.month()), 2);
    buf[at + 7] = b'-';
    put_digits(buf, at + 8, u32::from(d.day()), 2);
    at + 10
}

/// `HH:MM:SS[.ffffff]` (the fraction without trailing zeros, absent when zero) at
/// `buf[at..]`; the end.
fn put_time(buf: &mut [u8], at: usize, t: &Time) -> usize {
    let (h, m, s, us) = t.parts();
    put_digits(buf, at, u32::from(h), 2);
    buf[at + 2] = b':';
    put_digits(buf, at + 3, u32::from(m), 2);
    buf[at + 5] = b':';
    put_digits(buf, at + 6, u32::from(s), 2);
    let mut end = at + 8;
    if us != 0 {
        buf[end] = b'.';
        put_digits(buf, end + 1, us, 6);
        end += 7;
        while buf[end - 1] == b'0' {
            end -= 1;
        }
    }
    end
}

/// `YYYY-MM-DD HH:MM:SS[.ffffff]` at `buf[at..]`; the end.
fn put_timestamp(buf: &mut [u8], at: usize, ts: &Timestamp) -> usize {
    let at = put_date(buf, at, &ts.date);
    buf[at] = b' ';
    put_time(buf, at + 1, &ts.time)
}

/// The hyphenated lower-case text of a UUID in `buf[..36]`.
fn put_uuid(buf: &mut [u8], u: &Uuid) -> usize {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut at = 0;
    for (i, b) in u.0.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            buf[at] = b'-';
            at += 1;
        }
        buf[at] = HEX[usize::from(b >> 4)];
        buf[at + 1] = HEX[usize::from(b & 0xf)];
        at += 2;
    }
    at
}

/// A float as the SQLite value bound for it; NaN, which SQLite would store as NULL, is refused
/// (±infinity is stored as it is).
fn real(f: f64, param: usize) -> Result<ValueRef<'static>> {
    if f.is_nan() {
        return Err(Error::unsupported(
            "sqlite",
            format!(
                "NaN as parameter {param}: SQLite has no NaN and would store NULL; bind NULL \
                 or a number"
            ),
        ));
    }
    Ok(ValueRef::Real(f))
}

/// A quarry value as the SQLite value bound for it as parameter `param` (1-based, named in
/// errors). Text that quarry formats (dates, times, timestamps, UUIDs) is written by hand into
/// `buf` and borrowed from it (rusqlite has SQLite copy bound text at once, so the buffer only
/// has to outlive the bind call): no allocation, no `core::fmt`. The text is the same as the
/// values' `Display` (see the crate docs).
fn sql_ref<'a>(v: &'a Value, param: usize, buf: &'a mut [u8; TEXT_BUF]) -> Result<ValueRef<'a>> {
    let text = |buf: &'a [u8; TEXT_BUF], len: usize| ValueRef::Text(&buf[..len]);
    Ok(match v {
        Value::Null(_) => ValueRef::Null,
        Value::Bool(b) => ValueRef::Integer(i64::from(*b)),
        Value::I16(v) => ValueRef::Integer(i64::from(*v)),
        Value::I32(v) => ValueRef::Integer(i64::from(*v)),
        Value::I64(v) => ValueRef::Integer(*v),
        Value::F32(v) => real(f64::from(*v), param)?,
        Value::F64(v) => real(*v, param)?,
        Value::Text(s) | Value::Json(s) => ValueRef::Text(s.as_bytes()),
        Value::Bytes(b) => ValueRef::Blob(b),
        Value::Date(d) => {
            let n = put_date(buf, 0, d);
            text(buf, n)
        }
        Value::Time(t) => {
            let n = put_time(buf, 0, t);
            text(buf, n)
        }
        Value::Timestamp(t) => {
            let n = put_timestamp(buf, 0, t);
            text(buf, n)
        }
        Value::TimestampTz(t) => {
            let n = put_timestamp(buf, 0, t);
            buf[n..n + 6].copy_from_slice(b"+00:00");
            text(buf, n + 6)
        }
        Value::Uuid(u) => {
            let n = put_uuid(buf, u);
            text(buf, n)
        }
        Value::Decimal(d) => ValueRef::Real(decimal_to_f64(d)?),
        Value::Array(items) => {
            return Err(Error::unsupported_array_parameter("sqlite", items.len()))
        }
        Value::Invalid(_, reason) => {
            return Err(Error::unsupported(
                "sqlite",
                format!("{reason} (parameter {param})"),
            ))
        }
        other => {
            return Err(Error::unsupported(
                "sqlite",
                format!("binding a value of type {:?}", other.value_type()),
            ))
        }
    })
}

/// One parameter of [`Encoded`]: a SQLite value, its text or blob bytes in the shared buffer.
#[derive(Clone, Copy, Debug)]
enum Cell {
    Null,
    Int(i64),
    Real(f64),
    /// Text ending at this offset of [`Encoded::bytes`] (starting where the previous text or
    /// blob ended).
    Text(usize),
    /// A blob, likewise.
    Blob(usize),
}

/// Parameters converted to SQLite values for another thread: one cell per parameter and the
/// bytes of every text and blob in one buffer. Encoding copies the bytes (one `memcpy` per
/// text, into a buffer that is reused from statement to statement) but allocates nothing per
/// value, unlike cloning the `Value`s, and dates, times, timestamps and UUIDs are formatted on
/// the way.
#[derive(Debug, Default)]
pub(crate) struct Encoded {
    cells: Vec<Cell>,
    bytes: Vec<u8>,
}

impl Encoded {
    /// `params`, encoded (replacing what was there). On an error (a value SQLite cannot
    /// bind) the buffers are left empty.
    pub(crate) fn encode(&mut self, params: &[Value]) -> Result<()> {
        self.clear();
        self.cells.reserve(params.len());
        let mut buf = [0u8; TEXT_BUF];
        for (i, p) in params.iter().enumerate() {
            let cell = match sql_ref(p, i + 1, &mut buf) {
                Ok(ValueRef::Null) => Cell::Null,
                Ok(ValueRef::Integer(n)) => Cell::Int(n),
                Ok(ValueRef::Real(f)) => Cell::Real(f),
                Ok(ValueRef::Text(t)) => {
                    self.bytes.extend_from_slice(t);
                    Cell::Text(self.bytes.len())
                }
                Ok(ValueRef::Blob(b)) => {
                    self.bytes.extend_from_slice(b);
                    Cell::Blob(self.bytes.len())
                }
                Err(e) => {
                    self.clear();
                    return Err(e);
                }
            };
            self.cells.push(cell);
        }
        Ok(())
    }

    /// Empties the buffers (keeping their capacity); a very large buffer is given back.
    pub(crate) fn clear(&mut self) {
        /// Capacity (in bytes) kept between statements.
        const KEEP: usize = 4 << 20;
        self.cells.clear();
        self.bytes.clear();
        if self.cells.capacity() * std::mem::size_of::<Cell>() > KEEP {
            self.cells = Vec::new();
        }
        if self.bytes.capacity() > KEEP {
            self.bytes = Vec::new();
        }
    }
}

/// The parameters of a statement: the caller's values (bound in place), or values encoded for
/// the connection's thread.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Params<'a> {
    Values(&'a [Value]),
    Encoded(&'a Encoded),
}

impl Params<'_> {
    pub(crate) const NONE: Params<'static> = Params::Values(&[]);

    fn len(&self) -> usize {
        match self {
            Params::Values(v) => v.len(),
            Params::Encoded(e) => e.cells.len(),
        }
    }
}

/// Checks the parameter count and binds `params`.
pub(crate) fn bind(
    stmt: &mut rusqlite::Statement<'_>,
    params: Params<'_>,
    sql: &str,
) -> Result<()> {
    let expected = stmt.parameter_count();
    if expected != params.len() {
        return Err(error(
            rusqlite::Error::InvalidParameterCount(params.len(), expected),
            Some(sql),
        ));
    }
    let mut put = |i: usize, v: ValueRef<'_>| {
        stmt.raw_bind_parameter(i + 1, ToSqlOutput::Borrowed(v))
            .map_err(|e| error(e, Some(sql)))
    };
    match params {
        Params::Values(values) => {
            let mut buf = [0u8; TEXT_BUF];
            for (i, p) in values.iter().enumerate() {
                put(i, sql_ref(p, i + 1, &mut buf)?)?;
            }
        }
        Params::Encoded(e) => {
            let mut start = 0;
            for (i, c) in e.cells.iter().enumerate() {
                let v = match *c {
                    Cell::Null => ValueRef::Null,
                    Cell::Int(n) => ValueRef::Integer(n),
                    Cell::Real(f) => ValueRef::Real(f),
                    Cell::Text(end) => {
                        let t = &e.bytes[start..end];
                        start = end;
                        ValueRef::Text(t)
                    }
                    Cell::Blob(end) => {
                        let b = &e.bytes[start..end];
                        start = end;
                        ValueRef::Blob(b)
                    }
                };
                put(i, v)?;
            }
        }
    }
    Ok(())
}

/// Binds one cell as parameter `at` (1-based): borrowed text and bytes as they are, values as
/// [`sql_ref`] gives them.
pub(crate) fn bind_cell(
    stmt: &mut rusqlite::Statement<'_>,
    at: usize,
    cell: &quarry::backend::Cell<'_>,
    buf: &mut [u8; TEXT_BUF],
) -> Result<()> {
    let owned;
    let v = match cell {
        quarry::backend::Cell::Text(s) => ValueRef::Text(s.as_bytes()),
        quarry::backend::Cell::Bytes(b) => ValueRef::Blob(b),
        quarry::backend::Cell::Value(v) => sql_ref(v, at, buf)?,
        other => {
            owned = other.clone().into_value();
            sql_ref(&owned, at, buf)?
        }
    };
    stmt.raw_bind_parameter(at, ToSqlOutput::Borrowed(v))
        .map_err(|e| error(e, None))
}

#[cfg(test)]
mod tests {
    use super::*;
    use quarry::{Executor, ValueType};

    #[test]
    fn array_parameters_are_unsupported() {
        let mut buf = [0u8; TEXT_BUF];
        let array = Value::Array(vec![Value::I64(1), Value::I64(2)]);
        let err = sql_ref(&array, 1, &mut buf).unwrap_err();
        assert!(err.is_unsupported(), "{err}");
        assert!(err.to_string().contains("sqlite"), "{err}");
        assert!(err.to_string().contains("array"), "{err}");
        let mut e = Encoded::default();
        assert!(e.encode(&[Value::I64(1), array]).is_err());
        assert!(e.cells.is_empty() && e.bytes.is_empty());
        // A NULL is a NULL, whatever its declared type.
        assert!(sql_ref(&Value::Null(quarry::ValueType::Array), 1, &mut buf).is_ok());
    }

    #[test]
    fn regression_nan_parameters_are_refused_infinities_kept() {
        let mut buf = [0u8; TEXT_BUF];
        for nan in [Value::F64(f64::NAN), Value::F32(f32::NAN)] {
            let err = sql_ref(&nan, 3, &mut buf).unwrap_err();
            assert!(err.is_unsupported(), "{err}");
            assert!(err.to_string().contains("NaN as parameter 3"), "{err}");
            let mut e = Encoded::default();
            let err = e.encode(&[Value::I64(1), nan]).unwrap_err();
            assert!(err.to_string().contains("parameter 2"), "{err}");
            assert!(e.cells.is_empty() && e.bytes.is_empty());
        }
        for inf in [f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(
                sql_ref(&Value::F64(inf), 1, &mut buf).unwrap(),
                ValueRef::Real(inf)
            );
        }
    }

    #[test]
    fn regression_year_range_invalid_values_are_refused() {
        let mut buf = [0u8; TEXT_BUF];
        let v = Value::Invalid(ValueType::Date, "the date +10000-01-01".into());
        let err = sql_ref(&v, 4, &mut buf).unwrap_err();
        assert!(err.is_unsupported(), "{err}");
        assert!(
            err.to_string().contains("+10000-01-01 (parameter 4)"),
            "{err}"
        );
    }

    /// The text bound for `v`, from `sql_ref` and through `Encoded`.
    fn bound_text(v: &Value) -> String {
        let mut buf = [0u8; TEXT_BUF];
        let direct = match sql_ref(v, 1, &mut buf).unwrap() {
            ValueRef::Text(t) => String::from_utf8(t.to_vec()).unwrap(),
            other => panic!("{other:?}"),
        };
        let mut e = Encoded::default();
        e.encode(std::slice::from_ref(v)).unwrap();
        assert!(matches!(e.cells[..], [Cell::Text(n)] if n == e.bytes.len()));
        assert_eq!(e.bytes, direct.as_bytes());
        direct
    }

    #[test]
    fn temporal_and_uuid_text_matches_display() {
        let dates = [
            Date::new(2024, 2, 29).unwrap(),
            Date::new(1, 1, 1).unwrap(),
            Date::new(0, 12, 31).unwrap(),
            Date::new(-44, 3, 15).unwrap(),
            Date::new(-9999, 1, 1).unwrap(),
            Date::new(9999, 12, 31).unwrap(),
            Date::new(987, 10, 5).unwrap(),
        ];
        let times = [
            Time::new(0, 0, 0, 0).unwrap(),
            Time::new(23, 59, 59, 999_999).unwrap(),
            Time::new(12, 5, 9, 500_000).unwrap(),
            Time::new(1, 2, 3, 120).unwrap(),
            Time::new(1, 2, 3, 1).unwrap(),
            Time::new(1, 2, 3, 100_000).unwrap(),
        ];
        for d in dates {
            assert_eq!(bound_text(&Value::Date(d)), d.to_string());
            for t in times {
                let ts = Timestamp::new(d, t);
                assert_eq!(bound_text(&Value::Timestamp(ts)), ts.to_string());
                assert_eq!(bound_text(&Value::TimestampTz(ts)), format!("{ts}+00:00"));
            }
        }
        for t in times {
            assert_eq!(bound_text(&Value::Time(t)), t.to_string());
        }
        for u in [
            Uuid([0; 16]),
            Uuid([0xff; 16]),
            "67e55044-10b1-426f-9247-bb680e5fe0c8".parse().unwrap(),
        ] {
            assert_eq!(bound_text(&Value::Uuid(u)), u.to_string());
        }
    }

    #[test]
    fn encoded_parameters_keep_their_order() {
        let params = [
            Value::I64(7),
            Value::Text("ab".into()),
            Value::Null(ValueType::Text),
            Value::Bytes(vec![1, 2, 3]),
            Value::Text(String::new()),
            Value::F64(1.5),
            Value::Bool(true),
            Value::Text("cd".into()),
        ];
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let mut e = Encoded::default();
        e.encode(&params).unwrap();
        for p in [Params::Values(&params), Params::Encoded(&e)] {
            let mut stmt = conn.prepare("SELECT ?, ?, ?, ?, ?, ?, ?, ?").unwrap();
            bind(&mut stmt, p, "").unwrap();
            let mut rows = stmt.raw_query();
            let row = rows.next().unwrap().unwrap();
            let got: Vec<rusqlite::types::Value> = (0..8).map(|i| row.get(i).unwrap()).collect();
            use rusqlite::types::Value as S;
            assert_eq!(
                got,
                vec![
                    S::Integer(7),
                    S::Text("ab".into()),
                    S::Null,
                    S::Blob(vec![1, 2, 3]),
                    S::Text(String::new()),
                    S::Real(1.5),
                    S::Integer(1),
                    S::Text("cd".into()),
                ]
            );
        }
    }

    #[tokio::test]
    async fn array_parameters_fail_cleanly_through_the_engine() {
        let engine = crate::connect("sqlite::memory:").await.unwrap();
        let err = engine
            .fetch_all(quarry::Compiled::with_params(
                "SELECT 1 WHERE 1 IN (?)",
                vec![Value::Array(vec![Value::I64(1)])],
            ))
            .await
            .unwrap_err();
        assert!(err.is_unsupported(), "{err}");
        // The connection is still usable.
        let n: i64 = engine.fetch_scalar("SELECT 2").await.unwrap();
        assert_eq!(n, 2);
    }

    /// Every executor binds the same text and rejects the same values, the connection's thread
    /// (parameters encoded for it) included, for statements and for streams.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn executors_bind_alike() {
        let ts: Timestamp = "2024-02-29 23:59:01.0505".parse().unwrap();
        let params = vec![
            Value::Timestamp(ts),
            Value::Date(ts.date),
            Value::Time(ts.time),
            Value::TimestampTz(ts),
            Value::Text("é".into()),
            Value::Bytes(vec![0, 1]),
            Value::I32(-4),
        ];
        for executor in ["thread", "spawn_blocking", "block_in_place", "auto"] {
            let url = format!("sqlite::memory:?executor={executor}");
            let engine = crate::connect(&url).await.unwrap();
            let select = quarry::Compiled::with_params(
                "SELECT ? || '|' || ? || '|' || ? || '|' || ? || '|' || ? || '|' || hex(?) \
                      || '|' || ? AS t",
                params.clone(),
            );
            let want = "2024-02-29 23:59:01.0505|2024-02-29|23:59:01.0505|\
                        2024-02-29 23:59:01.0505+00:00|é|0001|-4";
            let got: String = engine.fetch_scalar(select.clone()).await.unwrap();
            assert_eq!(got, want, "{executor}");
            let mut rows = engine.stream(select).await.unwrap();
            let row = rows.next().await.unwrap().unwrap();
            assert_eq!(row.get::<String>("t").unwrap(), want, "{executor}");
            assert!(rows.next().await.is_none());
            drop(rows);
            let bad = quarry::Compiled::with_params(
                "SELECT ?, ?",
                vec![Value::I64(1), Value::Array(vec![Value::I64(1)])],
            );
            let err = engine.fetch_all(bad.clone()).await.unwrap_err();
            assert!(err.is_unsupported(), "{executor}: {err}");
            let mut rows = engine.stream(bad).await.unwrap();
            let err = rows.next().await.unwrap().unwrap_err();
            assert!(err.is_unsupported(), "{executor}: {err}");
            assert!(rows.next().await.is_none());
            drop(rows);
            let n: i64 = engine.fetch_scalar("SELECT 2").await.unwrap();
            assert_eq!(n, 2, "{executor}");
        }
    }

    #[test]
    fn decimals_bind_as_floats_up_to_15_digits() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(significant_digits(&d("0.00012300")), 3);
        assert_eq!(significant_digits(&d("1000")), 1);
        assert_eq!(significant_digits(&d("0")), 0);
        assert_eq!(decimal_to_f64(&d("12.50")).unwrap(), 12.5);
        assert_eq!(
            decimal_to_f64(&d("999999999999999")).unwrap(),
            999_999_999_999_999.0
        );
        let err = decimal_to_f64(&d("1234567890.123456")).unwrap_err();
        assert!(err.is_unsupported(), "{err}");
        assert!(err.to_string().contains("16 significant digits"), "{err}");
    }
}

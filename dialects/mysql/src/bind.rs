//! Binding quarry [`Value`]s as `mysql_async` parameters; the mapping is documented at the
//! crate root.

use mysql_async::Value as My;
use quarry::value::{Date, Timestamp};
use quarry::{Error, Result, Value};

/// A date's parts as the driver binds them; years outside 0..=9999 are refused.
fn date_parts(d: &Date) -> Result<(u16, u8, u8)> {
    match u16::try_from(d.year()) {
        Ok(y) if y <= 9999 => Ok((y, d.month(), d.day())),
        _ => Err(Error::unsupported(
            "mysql",
            format!("the date {d}: MySQL dates range over years 0 to 9999"),
        )),
    }
}

fn timestamp(ts: &Timestamp) -> Result<My> {
    let (y, m, d) = date_parts(&ts.date)?;
    let (h, mi, s, us) = ts.time.parts();
    Ok(My::Date(y, m, d, h, mi, s, us))
}

/// The refusal of a NaN or infinite float as parameter `param` (1-based; `None` for a cell of
/// rows bound by reference, whose statement position the caller does not track): no MySQL or
/// MariaDB column holds one (FLOAT and DOUBLE refuse it, DECIMAL stores `0`).
fn non_finite(f: f64, param: Option<usize>) -> Error {
    let at = match param {
        Some(p) => format!("parameter {p}"),
        None => "a value of rows bound by reference".to_owned(),
    };
    Error::unsupported(
        "mysql",
        format!(
            "{f} as {at}: MySQL and MariaDB columns cannot hold NaN or infinity; bind NULL or a \
             finite number"
        ),
    )
}

/// The driver value bound for `v` (a cell of rows bound by reference; see [`bind_param`]).
pub(crate) fn bind(v: &Value) -> Result<My> {
    bind_param(v, None)
}

/// The driver value bound for `v` as parameter `param` (1-based, named in errors).
fn bind_param(v: &Value, param: Option<usize>) -> Result<My> {
    Ok(match v {
        Value::Null(_) => My::NULL,
        Value::Bool(b) => My::Int(i64::from(*b)),
        Value::I16(i) => My::Int(i64::from(*i)),
        Value::I32(i) => My::Int(i64::from(*i)),
        Value::I64(i) => My::Int(*i),
        Value::F32(f) if !f.is_finite() => return Err(non_finite(f64::from(*f), param)),
        Value::F64(f) if !f.is_finite() => return Err(non_finite(*f, param)),
        Value::F32(f) => My::Float(*f),
        Value::F64(f) => My::Double(*f),
        Value::Text(s) | Value::Json(s) => My::Bytes(s.as_bytes().to_vec()),
        Value::Bytes(b) => My::Bytes(b.clone()),
        Value::Date(d) => {
            let (y, m, d) = date_parts(d)?;
            My::Date(y, m, d, 0, 0, 0, 0)
        }
        // Instants are stored as their UTC date and time (DATETIME has no offset).
        Value::Timestamp(ts) | Value::TimestampTz(ts) => timestamp(ts)?,
        Value::Time(t) => {
            let (h, m, s, us) = t.parts();
            My::Time(false, 0, h, m, s, us)
        }
        Value::Uuid(u) => My::Bytes(u.to_string().into_bytes()),
        Value::Decimal(d) => My::Bytes(d.as_str().as_bytes().to_vec()),
        Value::Array(items) => {
            return Err(Error::unsupported_array_parameter("mysql", items.len()))
        }
        Value::Invalid(_, reason) => {
            let at = param.map_or_else(
                || "a value of rows bound by reference".to_owned(),
                |p| format!("parameter {p}"),
            );
            return Err(Error::unsupported("mysql", format!("{reason} ({at})")));
        }
        other => {
            return Err(Error::unsupported(
                "mysql",
                format!("binding a value of type {:?}", other.value_type()),
            ))
        }
    })
}

/// The driver parameter for one cell of rows bound by reference: owned text and bytes move
/// into it, borrowed ones are copied once.
pub(crate) fn bind_cell(cell: quarry::backend::Cell<'_>) -> Result<My> {
    Ok(match cell {
        quarry::backend::Cell::Text(s) => My::Bytes(s.as_bytes().to_vec()),
        quarry::backend::Cell::Bytes(b) => My::Bytes(b.to_vec()),
        quarry::backend::Cell::Value(Value::Text(s) | Value::Json(s)) => My::Bytes(s.into_bytes()),
        quarry::backend::Cell::Value(Value::Bytes(b)) => My::Bytes(b),
        quarry::backend::Cell::Value(v) => bind(&v)?,
        other => bind(&other.into_value())?,
    })
}

/// The driver parameters for `params`.
pub(crate) fn bind_all(params: &[Value]) -> Result<mysql_async::Params> {
    if params.is_empty() {
        return Ok(mysql_async::Params::Empty);
    }
    let mut bound = Vec::with_capacity(params.len());
    for (i, p) in params.iter().enumerate() {
        bound.push(bind_param(p, Some(i + 1))?);
    }
    Ok(mysql_async::Params::Positional(bound))
}

#[cfg(test)]
mod tests {
    use super::*;
    use quarry::value::{Decimal, Time, Uuid};
    use quarry::ValueType;

    #[test]
    fn binding() {
        assert_eq!(bind(&Value::Null(ValueType::I64)).unwrap(), My::NULL);
        assert_eq!(bind(&Value::Bool(true)).unwrap(), My::Int(1));
        assert_eq!(bind(&Value::I16(-2)).unwrap(), My::Int(-2));
        assert_eq!(
            bind(&Value::I32(i32::MIN)).unwrap(),
            My::Int(i64::from(i32::MIN))
        );
        assert_eq!(bind(&Value::F32(0.5)).unwrap(), My::Float(0.5));
        assert_eq!(bind(&Value::F64(0.5)).unwrap(), My::Double(0.5));
        assert_eq!(
            bind(&Value::Text("a".into())).unwrap(),
            My::Bytes(b"a".to_vec())
        );
        assert_eq!(bind(&Value::Bytes(vec![1])).unwrap(), My::Bytes(vec![1]));
        assert!(matches!(bind_all(&[]).unwrap(), mysql_async::Params::Empty));
        assert!(matches!(
            bind_all(&[Value::I64(1)]).unwrap(),
            mysql_async::Params::Positional(v) if v == [My::Int(1)]
        ));
    }

    #[test]
    fn regression_nan_and_infinity_parameters_are_refused() {
        for f in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            for v in [Value::F64(f), Value::F32(f as f32)] {
                let err = bind_all(&[Value::I64(1), v.clone()]).unwrap_err();
                assert!(err.is_unsupported(), "{err}");
                assert!(
                    err.to_string().contains(&format!("{f} as parameter 2")),
                    "{err}"
                );
                let err = bind_cell(quarry::backend::Cell::Value(v)).unwrap_err();
                assert!(err.is_unsupported(), "{err}");
            }
        }
        assert_eq!(bind(&Value::F64(f64::MAX)).unwrap(), My::Double(f64::MAX));
    }

    #[test]
    fn regression_year_range_invalid_values_are_refused() {
        let v = Value::Invalid(ValueType::Date, "the date +10000-01-01".into());
        let err = bind_all(&[Value::I64(1), v.clone()]).unwrap_err();
        assert!(err.is_unsupported(), "{err}");
        assert!(err.to_string().contains("(parameter 2)"), "{err}");
        assert!(bind_cell(quarry::backend::Cell::Value(v))
            .unwrap_err()
            .is_unsupported());
    }

    #[test]
    fn array_parameters_are_unsupported() {
        let err = bind(&Value::Array(vec![Value::I64(1)])).unwrap_err();
        assert!(err.is_unsupported(), "{err}");
        assert!(err.to_string().contains("mysql"), "{err}");
        assert!(err.to_string().contains("array"), "{err}");
        let err = bind_all(&[Value::I64(1), Value::Array(vec![])]).unwrap_err();
        assert!(err.is_unsupported(), "{err}");
        assert_eq!(bind(&Value::Null(ValueType::Array)).unwrap(), My::NULL);
    }

    #[test]
    fn binding_rich_types() {
        let date: Date = "1000-01-01".parse().unwrap();
        assert_eq!(
            bind(&Value::Date(date)).unwrap(),
            My::Date(1000, 1, 1, 0, 0, 0, 0)
        );
        let ts: Timestamp = "9999-12-31 23:59:59.999999".parse().unwrap();
        let want = My::Date(9999, 12, 31, 23, 59, 59, 999_999);
        assert_eq!(bind(&Value::Timestamp(ts)).unwrap(), want);
        assert_eq!(bind(&Value::TimestampTz(ts)).unwrap(), want);
        let t: Time = "01:02:03.000004".parse().unwrap();
        assert_eq!(
            bind(&Value::Time(t)).unwrap(),
            My::Time(false, 0, 1, 2, 3, 4)
        );
        let u: Uuid = "67E55044-10B1-426F-9247-BB680E5FE0C8".parse().unwrap();
        assert_eq!(
            bind(&Value::Uuid(u)).unwrap(),
            My::Bytes(b"67e55044-10b1-426f-9247-bb680e5fe0c8".to_vec())
        );
        assert_eq!(
            bind(&Value::Json("[1]".into())).unwrap(),
            My::Bytes(b"[1]".to_vec())
        );
        let big: Decimal = "-123456789012345678901234567890.0123456789"
            .parse()
            .unwrap();
        assert_eq!(
            bind(&Value::Decimal(big)).unwrap(),
            My::Bytes(b"-123456789012345678901234567890.0123456789".to_vec())
        );
        let bc = Date::new(-1, 1, 1).unwrap();
        let e = bind(&Value::Date(bc)).unwrap_err();
        assert!(e.is_unsupported(), "{e}");
        let e = bind_all(&[Value::I64(1), Value::Date(bc)]).unwrap_err();
        assert!(e.is_unsupported(), "{e}");
    }
}

//! Conversions for the optional `chrono-0_4`, `time-0_3`, `uuid-1`, `rust_decimal-1` and
//! `serde_json-1` features.
//!
//! A chrono or time value that quarry's types cannot hold (a leap second, a year beyond ±9999)
//! converts to [`Value::Invalid`], which every backend refuses to bind: never a nearby value.
#![allow(unused_imports)]

use super::convert::{decode_err, sealed::Sealed};
use super::{Date, Decimal, FromValue, IntoValue, Time, Timestamp, Uuid, Value, ValueType};
use crate::error::{Error, Result};

#[allow(dead_code)]
fn out_of_range(column: &str, what: &str) -> Error {
    Error::Decode {
        column: column.to_owned(),
        message: format!("{what} is out of the supported range"),
    }
}

#[allow(unused_macros)]
/// Implements `Sealed`, `IntoValue` and `From<T> for Value` for a foreign type (its default
/// SQL column type, `SqlTyped`, is given in `schema`).
macro_rules! foreign {
    ($t:ty, $vt:ident, |$v:ident| $into:expr) => {
        impl Sealed for $t {}
        impl IntoValue for $t {
            const VALUE_TYPE: ValueType = ValueType::$vt;
            fn into_value(self) -> Value {
                let $v = self;
                $into
            }
        }
        impl From<$t> for Value {
            fn from(v: $t) -> Value {
                v.into_value()
            }
        }
    };
}

#[cfg(feature = "chrono-0_4")]
mod chrono_impls {
    use super::*;
    use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};

    /// What quarry cannot represent is a `Value::Invalid` that every backend refuses to bind.
    fn invalid(ty: ValueType, what: &str, v: impl std::fmt::Display, why: &str) -> Value {
        Value::Invalid(ty, format!("the chrono {what} {v}: {why}").into())
    }
    const YEARS: &str = "quarry dates range over years -9999 to 9999";
    const LEAP: &str = "a leap second (second 60) cannot be stored: no supported database \
                        accepts it";

    fn date(d: NaiveDate) -> Option<Date> {
        Date::new(d.year(), d.month() as u8, d.day() as u8)
    }
    /// The time, or `None` for a leap second (chrono's nanosecond 1e9 and above).
    fn time(t: NaiveTime) -> Option<Time> {
        Time::new(
            t.hour() as u8,
            t.minute() as u8,
            t.second() as u8,
            t.nanosecond() / 1000,
        )
    }
    fn timestamp(ty: ValueType, ts: NaiveDateTime, v: impl std::fmt::Display) -> Value {
        let what = if ty == ValueType::Timestamp {
            "date and time"
        } else {
            "instant"
        };
        let Some(d) = date(ts.date()) else {
            return invalid(ty, what, v, YEARS);
        };
        let Some(t) = time(ts.time()) else {
            return invalid(ty, what, v, LEAP);
        };
        let ts = Timestamp::new(d, t);
        if ty == ValueType::Timestamp {
            Value::Timestamp(ts)
        } else {
            Value::TimestampTz(ts)
        }
    }
    fn naive(ts: Timestamp, column: &str) -> Result<NaiveDateTime> {
        let d =
            NaiveDate::from_ymd_opt(ts.date.year(), ts.date.month().into(), ts.date.day().into())
                .ok_or_else(|| out_of_range(column, "date"))?;
        let (h, m, s, us) = ts.time.parts();
        let t = NaiveTime::from_hms_micro_opt(h.into(), m.into(), s.into(), us)
            .ok_or_else(|| out_of_range(column, "time"))?;
        Ok(NaiveDateTime::new(d, t))
    }

    foreign!(NaiveDate, Date, |v| date(v).map_or_else(
        || invalid(ValueType::Date, "date", v, YEARS),
        Value::Date
    ));
    foreign!(NaiveTime, Time, |v| time(v).map_or_else(
        || invalid(ValueType::Time, "time", v, LEAP),
        Value::Time
    ));
    foreign!(NaiveDateTime, Timestamp, |v| timestamp(
        ValueType::Timestamp,
        v,
        v
    ));
    foreign!(DateTime<chrono::Utc>, TimestampTz, |v| timestamp(
        ValueType::TimestampTz,
        v.naive_utc(),
        v
    ));

    #[cfg(test)]
    #[test]
    fn leap_seconds_and_far_years_are_invalid_values() {
        let d = NaiveDate::from_ymd_opt(2016, 12, 31).unwrap();
        let leap = NaiveTime::from_hms_nano_opt(23, 59, 59, 1_000_000_000).unwrap();
        let invalid = |v: Value, ty: ValueType, why: &str| match v {
            Value::Invalid(t, reason) => assert!(t == ty && reason.contains(why), "{reason}"),
            other => panic!("{other:?} is not invalid"),
        };
        invalid(leap.into_value(), ValueType::Time, "leap second");
        invalid(
            d.and_time(leap).into_value(),
            ValueType::Timestamp,
            "leap second",
        );
        let utc = d.and_time(leap).and_utc();
        invalid(utc.into_value(), ValueType::TimestampTz, "leap second");
        let far = NaiveDate::from_ymd_opt(10_000, 1, 1).unwrap();
        invalid(far.into_value(), ValueType::Date, "-9999 to 9999");
        let far = far.and_time(NaiveTime::MIN);
        invalid(far.into_value(), ValueType::Timestamp, "-9999 to 9999");
        let last = NaiveTime::from_hms_nano_opt(23, 59, 59, 999_999_999).unwrap();
        assert_eq!(
            last.into_value(),
            Value::Time(Time::new(23, 59, 59, 999_999).unwrap())
        );
    }

    impl FromValue for NaiveDate {
        fn from_value(value: Value, column: &str) -> Result<Self> {
            let d = Date::from_value(value, column)?;
            NaiveDate::from_ymd_opt(d.year(), d.month().into(), d.day().into())
                .ok_or_else(|| out_of_range(column, "date"))
        }
    }
    impl FromValue for NaiveTime {
        fn from_value(value: Value, column: &str) -> Result<Self> {
            let (h, m, s, us) = Time::from_value(value, column)?.parts();
            NaiveTime::from_hms_micro_opt(h.into(), m.into(), s.into(), us)
                .ok_or_else(|| out_of_range(column, "time"))
        }
    }
    impl FromValue for NaiveDateTime {
        fn from_value(value: Value, column: &str) -> Result<Self> {
            naive(Timestamp::from_value(value, column)?, column)
        }
    }
    impl FromValue for DateTime<chrono::Utc> {
        fn from_value(value: Value, column: &str) -> Result<Self> {
            Ok(naive(Timestamp::from_value(value, column)?, column)?.and_utc())
        }
    }
}

#[cfg(feature = "time-0_3")]
mod time_impls {
    use super::*;
    use time::{Month, OffsetDateTime, PrimitiveDateTime, UtcOffset};

    fn date(d: time::Date) -> Option<Date> {
        Date::new(d.year(), d.month() as u8, d.day())
    }
    fn tm(t: time::Time) -> Time {
        Time::new(t.hour(), t.minute(), t.second(), t.microsecond()).expect("valid time")
    }
    fn to_date(d: Date, column: &str) -> Result<time::Date> {
        let month = Month::try_from(d.month()).map_err(|_| out_of_range(column, "month"))?;
        time::Date::from_calendar_date(d.year(), month, d.day())
            .map_err(|_| out_of_range(column, "date"))
    }
    fn to_time(t: Time, column: &str) -> Result<time::Time> {
        let (h, m, s, us) = t.parts();
        time::Time::from_hms_micro(h, m, s, us).map_err(|_| out_of_range(column, "time"))
    }

    /// A year beyond ±9999 (the `time` crate's `large-dates` feature) is a `Value::Invalid`
    /// that every backend refuses to bind.
    fn out_of_years(ty: ValueType, v: impl std::fmt::Display) -> Value {
        Value::Invalid(
            ty,
            format!("the time-crate value {v}: quarry dates range over years -9999 to 9999").into(),
        )
    }

    foreign!(time::Date, Date, |v| date(v)
        .map_or_else(|| out_of_years(ValueType::Date, v), Value::Date));
    foreign!(time::Time, Time, |v| Value::Time(tm(v)));
    foreign!(PrimitiveDateTime, Timestamp, |v| date(v.date())
        .map(|d| Value::Timestamp(Timestamp::new(d, tm(v.time()))))
        .unwrap_or_else(|| out_of_years(ValueType::Timestamp, v)));
    foreign!(OffsetDateTime, TimestampTz, |v| {
        let u = v.to_offset(UtcOffset::UTC);
        date(u.date())
            .map(|d| Value::TimestampTz(Timestamp::new(d, tm(u.time()))))
            .unwrap_or_else(|| out_of_years(ValueType::TimestampTz, u))
    });

    impl FromValue for time::Date {
        fn from_value(value: Value, column: &str) -> Result<Self> {
            to_date(Date::from_value(value, column)?, column)
        }
    }
    impl FromValue for time::Time {
        fn from_value(value: Value, column: &str) -> Result<Self> {
            to_time(Time::from_value(value, column)?, column)
        }
    }
    impl FromValue for PrimitiveDateTime {
        fn from_value(value: Value, column: &str) -> Result<Self> {
            let ts = Timestamp::from_value(value, column)?;
            Ok(PrimitiveDateTime::new(
                to_date(ts.date, column)?,
                to_time(ts.time, column)?,
            ))
        }
    }
    impl FromValue for OffsetDateTime {
        fn from_value(value: Value, column: &str) -> Result<Self> {
            Ok(PrimitiveDateTime::from_value(value, column)?.assume_utc())
        }
    }
}

#[cfg(feature = "uuid-1")]
mod uuid_impls {
    use super::*;

    foreign!(uuid::Uuid, Uuid, |v| Value::Uuid(Uuid(*v.as_bytes())));

    impl FromValue for uuid::Uuid {
        fn from_value(value: Value, column: &str) -> Result<Self> {
            Ok(uuid::Uuid::from_bytes(Uuid::from_value(value, column)?.0))
        }
    }
}

#[cfg(feature = "rust_decimal-1")]
mod decimal_impls {
    use super::*;

    foreign!(rust_decimal::Decimal, Decimal, |v| Value::Decimal(
        v.to_string()
            .parse()
            .expect("rust_decimal prints plain decimals")
    ));

    impl FromValue for rust_decimal::Decimal {
        fn from_value(value: Value, column: &str) -> Result<Self> {
            let d = Decimal::from_value(value, column)?;
            d.as_str().parse().map_err(|e| Error::Decode {
                column: column.to_owned(),
                message: format!("{d} does not fit rust_decimal: {e}"),
            })
        }
    }
}

#[cfg(feature = "serde_json-1")]
mod json_impls {
    use super::*;

    foreign!(serde_json::Value, Json, |v| Value::Json(v.to_string()));

    impl FromValue for serde_json::Value {
        fn from_value(value: Value, column: &str) -> Result<Self> {
            let text = super::super::Json::from_value(value, column)?.0;
            serde_json::from_str(&text).map_err(|e| Error::Decode {
                column: column.to_owned(),
                message: format!("invalid JSON: {e}"),
            })
        }
    }
}

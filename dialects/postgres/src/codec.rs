//! Binary wire forms of the PostgreSQL types quarry maps to its own value types: `date`,
//! `time`, `timestamp`, `timestamptz`, `uuid`, `json` and `jsonb` (`numeric` is in
//! [`crate::numeric`]).
//!
//! PostgreSQL counts dates and timestamps from 2000-01-01 (days, and microseconds), and keeps
//! `infinity` / `-infinity` as the extreme values of the integer; those have no quarry value and
//! decode to an error.

use crate::numeric::CodecError;
use quarry::value::{Date, Time, Timestamp, Uuid};

/// Days from 1970-01-01 to 2000-01-01.
const PG_EPOCH_DAYS: i64 = 10_957;
/// Microseconds from 1970-01-01 00:00 to 2000-01-01 00:00.
const PG_EPOCH_MICROS: i64 = PG_EPOCH_DAYS * 86_400_000_000;

fn fixed<const N: usize>(raw: &[u8], what: &str) -> Result<[u8; N], CodecError> {
    raw.try_into()
        .map_err(|_| format!("a binary {what} has {N} bytes, got {}", raw.len()))
}

/// The `date` form of `d`: days since 2000-01-01.
/// Whether `d` is before PostgreSQL's first date, 4714-11-24 BC (quarry's dates go back to
/// year -9999): the server refuses such a date or timestamp.
pub(crate) fn before_first_date(d: &Date) -> bool {
    Date::new(-4713, 11, 24).is_some_and(|first| *d < first)
}

pub(crate) fn encode_date(d: &Date) -> [u8; 4] {
    // quarry dates span years -9999..=9999: a few million days, well inside i32.
    ((d.days_since_epoch() - PG_EPOCH_DAYS) as i32).to_be_bytes()
}

/// Decodes a `date`.
pub(crate) fn decode_date(raw: &[u8]) -> Result<Date, CodecError> {
    let days = i32::from_be_bytes(fixed(raw, "date")?);
    match days {
        i32::MAX => Err("date 'infinity' has no quarry value".into()),
        i32::MIN => Err("date '-infinity' has no quarry value".into()),
        d => Date::from_days_since_epoch(i64::from(d) + PG_EPOCH_DAYS)
            .ok_or_else(|| "date outside quarry's range (years -9999..=9999)".into()),
    }
}

/// The `time` form of `t`: microseconds since midnight.
pub(crate) fn encode_time(t: &Time) -> [u8; 8] {
    t.micros_since_midnight().to_be_bytes()
}

/// Decodes a `time` (`24:00:00`, which PostgreSQL allows, is out of quarry's range).
pub(crate) fn decode_time(raw: &[u8]) -> Result<Time, CodecError> {
    let micros = i64::from_be_bytes(fixed(raw, "time")?);
    Time::from_micros_since_midnight(micros)
        .ok_or_else(|| format!("time of {micros} µs is not a time of day (24:00:00?)"))
}

/// The `timestamp` / `timestamptz` form of `ts`: microseconds since 2000-01-01 00:00 (UTC for
/// `timestamptz`).
pub(crate) fn encode_timestamp(ts: &Timestamp) -> [u8; 8] {
    // Within ±9999 years: about ±3.2e17 µs, no overflow.
    (ts.micros_since_epoch() - PG_EPOCH_MICROS).to_be_bytes()
}

/// The `timestamp` form of midnight at the start of `d` (a `date` cast to `timestamp`).
pub(crate) fn encode_midnight(d: &Date) -> [u8; 8] {
    // Within ±9999 years: no overflow (see `encode_timestamp`).
    ((d.days_since_epoch() - PG_EPOCH_DAYS) * 86_400_000_000).to_be_bytes()
}

/// Decodes a `timestamp` or `timestamptz` (the latter as a UTC timestamp).
pub(crate) fn decode_timestamp(raw: &[u8]) -> Result<Timestamp, CodecError> {
    let micros = i64::from_be_bytes(fixed(raw, "timestamp")?);
    match micros {
        i64::MAX => Err("timestamp 'infinity' has no quarry value".into()),
        i64::MIN => Err("timestamp '-infinity' has no quarry value".into()),
        m => m
            .checked_add(PG_EPOCH_MICROS)
            .and_then(Timestamp::from_micros_since_epoch)
            .ok_or_else(|| "timestamp outside quarry's range (years -9999..=9999)".into()),
    }
}

/// Decodes a `uuid`.
pub(crate) fn decode_uuid(raw: &[u8]) -> Result<Uuid, CodecError> {
    Ok(Uuid(fixed(raw, "uuid")?))
}

/// The `jsonb` binary format version this crate writes and reads.
pub(crate) const JSONB_VERSION: u8 = 1;

/// Decodes `json` (its text) or `jsonb` (a version byte, then the text).
pub(crate) fn decode_json(raw: &[u8], jsonb: bool) -> Result<String, CodecError> {
    let text = if jsonb {
        match raw.split_first() {
            Some((&JSONB_VERSION, rest)) => rest,
            Some((v, _)) => return Err(format!("unsupported jsonb format version {v}")),
            None => return Err("empty jsonb value".into()),
        }
    } else {
        raw
    };
    String::from_utf8(text.to_vec()).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn dates_count_from_2000() {
        assert_eq!(encode_date(&date("2000-01-01")), 0_i32.to_be_bytes());
        assert_eq!(encode_date(&date("2000-01-02")), 1_i32.to_be_bytes());
        assert_eq!(encode_date(&date("1999-12-31")), (-1_i32).to_be_bytes());
        assert_eq!(encode_date(&date("1970-01-01")), (-10957_i32).to_be_bytes());
        for s in [
            "0001-01-01",
            "9999-12-31",
            "2024-02-29",
            "1900-03-01",
            "-4712-01-01",
        ] {
            assert_eq!(decode_date(&encode_date(&date(s))).unwrap(), date(s), "{s}");
        }
    }

    #[test]
    fn date_infinities_and_range() {
        assert!(decode_date(&i32::MAX.to_be_bytes())
            .unwrap_err()
            .contains("infinity"));
        assert!(decode_date(&i32::MIN.to_be_bytes())
            .unwrap_err()
            .contains("-infinity"));
        // 5874897-12-31, PostgreSQL's last date, is beyond quarry's years.
        assert!(decode_date(&2_147_483_494_i32.to_be_bytes()).is_err());
        assert!(decode_date(&[0, 0, 1]).is_err());
    }

    #[test]
    fn times_are_micros_since_midnight() {
        let t = Time::new(13, 45, 7, 250_001).unwrap();
        let micros = ((13 * 60 + 45) * 60 + 7) * 1_000_000_i64 + 250_001;
        assert_eq!(encode_time(&t), micros.to_be_bytes());
        assert_eq!(decode_time(&encode_time(&t)).unwrap(), t);
        let last = Time::new(23, 59, 59, 999_999).unwrap();
        assert_eq!(decode_time(&encode_time(&last)).unwrap(), last);
        assert!(decode_time(&86_400_000_000_i64.to_be_bytes()).is_err());
        assert!(decode_time(&(-1_i64).to_be_bytes()).is_err());
    }

    #[test]
    fn timestamps_count_micros_from_2000() {
        assert_eq!(
            encode_timestamp(&ts("2000-01-01 00:00:00")),
            0_i64.to_be_bytes()
        );
        assert_eq!(
            encode_timestamp(&ts("2000-01-01 00:00:00.000001")),
            1_i64.to_be_bytes()
        );
        assert_eq!(
            encode_timestamp(&ts("1999-12-31 23:59:59.999999")),
            (-1_i64).to_be_bytes()
        );
        for s in [
            "0001-01-01 00:00:00",
            "9999-12-31 23:59:59.999999",
            "2024-02-29 13:45:07.123456",
            "1970-01-01 00:00:00",
        ] {
            assert_eq!(
                decode_timestamp(&encode_timestamp(&ts(s))).unwrap(),
                ts(s),
                "{s}"
            );
        }
        assert!(decode_timestamp(&i64::MAX.to_be_bytes())
            .unwrap_err()
            .contains("infinity"));
        assert!(decode_timestamp(&i64::MIN.to_be_bytes())
            .unwrap_err()
            .contains("-infinity"));
        // Year 294276, PostgreSQL's last, is beyond quarry's years.
        assert!(decode_timestamp(&9_223_371_331_199_999_999_i64.to_be_bytes()).is_err());
        assert!(decode_timestamp(&[0; 4]).is_err());
    }

    #[test]
    fn uuids_and_json() {
        let bytes: [u8; 16] = std::array::from_fn(|i| i as u8);
        assert_eq!(decode_uuid(&bytes).unwrap(), Uuid(bytes));
        assert!(decode_uuid(&bytes[..15]).is_err());
        assert_eq!(decode_json(b"{\"a\":1}", false).unwrap(), "{\"a\":1}");
        assert_eq!(decode_json(b"\x01[1, 2]", true).unwrap(), "[1, 2]");
        assert!(decode_json(b"\x02[]", true).is_err());
        assert!(decode_json(b"", true).is_err());
        assert!(decode_json(b"\xff", false).is_err());
    }
}

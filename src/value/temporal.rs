//! Backend-neutral date, time, timestamp, UUID and decimal values.
//!
//! The core has no date or decimal dependency: these small types carry the value between the
//! backends and the optional `chrono`, `time`, `uuid` and `rust_decimal` conversions. Each
//! parses and prints the ISO / canonical text form.
//!
//! ```
//! use quarry::value::{Date, Time, Timestamp, Uuid, Decimal};
//! let ts: Timestamp = "2024-02-29 13:45:07.250000".parse().unwrap();
//! assert_eq!(ts.date, Date::new(2024, 2, 29).unwrap());
//! assert_eq!(ts.time, Time::new(13, 45, 7, 250_000).unwrap());
//! assert_eq!(ts.to_string(), "2024-02-29 13:45:07.25");
//! let u: Uuid = "67e55044-10b1-426f-9247-bb680e5fe0c8".parse().unwrap();
//! assert_eq!(u.to_string(), "67e55044-10b1-426f-9247-bb680e5fe0c8");
//! let d: Decimal = "-0012.3400".parse().unwrap();
//! assert_eq!(d.as_str(), "-12.3400");
//! ```

use crate::error::{Error, Result};
use std::fmt;
use std::str::FromStr;

fn bad(what: &str, s: &str) -> Error {
    Error::Decode {
        column: String::new(),
        message: format!("{s:?} is not a valid {what}"),
    }
}

/// A calendar date (proleptic Gregorian), years -9999..=9999 (year 0 is 1 BC).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i32, m: u8) -> u8 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        _ => 28,
    }
}

impl Date {
    /// A date, if it exists.
    ///
    /// ```
    /// assert!(quarry::value::Date::new(2023, 2, 29).is_none());
    /// assert!(quarry::value::Date::new(2024, 2, 29).is_some());
    /// ```
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        ((-9999..=9999).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month))
        .then_some(Date { year, month, day })
    }

    /// The year.
    ///
    /// ```
    /// assert_eq!(quarry::value::Date::new(1999, 1, 2).unwrap().year(), 1999);
    /// ```
    pub fn year(&self) -> i32 {
        self.year
    }

    /// The month, 1..=12.
    ///
    /// ```
    /// assert_eq!(quarry::value::Date::new(1999, 1, 2).unwrap().month(), 1);
    /// ```
    pub fn month(&self) -> u8 {
        self.month
    }

    /// The day of the month, 1..=31.
    ///
    /// ```
    /// assert_eq!(quarry::value::Date::new(1999, 1, 2).unwrap().day(), 2);
    /// ```
    pub fn day(&self) -> u8 {
        self.day
    }

    /// Days since 1970-01-01 (negative before).
    ///
    /// ```
    /// use quarry::value::Date;
    /// assert_eq!(Date::new(1970, 1, 2).unwrap().days_since_epoch(), 1);
    /// assert_eq!(Date::new(2000, 1, 1).unwrap().days_since_epoch(), 10957);
    /// ```
    pub fn days_since_epoch(&self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = if y >= 0 { y } else { y - 399 } / 400;
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01, if within range.
    ///
    /// ```
    /// use quarry::value::Date;
    /// let d = Date::new(1600, 2, 29).unwrap();
    /// assert_eq!(Date::from_days_since_epoch(d.days_since_epoch()), Some(d));
    /// ```
    pub fn from_days_since_epoch(days: i64) -> Option<Date> {
        let z = days + 719_468;
        let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = yoe + era * 400 + i64::from(m <= 2);
        Date::new(i32::try_from(y).ok()?, m as u8, d as u8)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.year < 0 {
            write!(f, "-{:04}-{:02}-{:02}", -self.year, self.month, self.day)
        } else {
            write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
        }
    }
}

impl FromStr for Date {
    type Err = Error;
    fn from_str(s: &str) -> Result<Date> {
        let (neg, body) = match s.strip_prefix('-') {
            Some(b) => (true, b),
            None => (false, s),
        };
        let mut parts = body.splitn(3, '-');
        let (Some(y), Some(m), Some(d)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad("date", s));
        };
        let num = |p: &str, len: std::ops::RangeInclusive<usize>| {
            (len.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
                .then(|| p.parse::<i32>().ok())
                .flatten()
        };
        let (Some(y), Some(m), Some(d)) = (num(y, 4..=4), num(m, 2..=2), num(d, 2..=2)) else {
            return Err(bad("date", s));
        };
        Date::new(if neg { -y } else { y }, m as u8, d as u8).ok_or_else(|| bad("date", s))
    }
}

/// A time of day with microsecond precision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Time {
    hour: u8,
    minute: u8,
    second: u8,
    micro: u32,
}

impl Time {
    /// A time of day, if valid (`micro` < 1 000 000).
    ///
    /// ```
    /// assert!(quarry::value::Time::new(24, 0, 0, 0).is_none());
    /// assert!(quarry::value::Time::new(23, 59, 59, 999_999).is_some());
    /// ```
    pub fn new(hour: u8, minute: u8, second: u8, micro: u32) -> Option<Time> {
        (hour < 24 && minute < 60 && second < 60 && micro < 1_000_000).then_some(Time {
            hour,
            minute,
            second,
            micro,
        })
    }

    /// Hours, minutes, seconds and microseconds.
    ///
    /// ```
    /// assert_eq!(quarry::value::Time::new(1, 2, 3, 4).unwrap().parts(), (1, 2, 3, 4));
    /// ```
    pub fn parts(&self) -> (u8, u8, u8, u32) {
        (self.hour, self.minute, self.second, self.micro)
    }

    /// Microseconds since midnight.
    ///
    /// ```
    /// assert_eq!(quarry::value::Time::new(0, 0, 1, 5).unwrap().micros_since_midnight(), 1_000_005);
    /// ```
    pub fn micros_since_midnight(&self) -> i64 {
        ((i64::from(self.hour) * 60 + i64::from(self.minute)) * 60 + i64::from(self.second))
            * 1_000_000
            + i64::from(self.micro)
    }

    /// The time `micros` after midnight, if less than a day.
    ///
    /// ```
    /// let t = quarry::value::Time::new(12, 30, 0, 7).unwrap();
    /// assert_eq!(quarry::value::Time::from_micros_since_midnight(t.micros_since_midnight()), Some(t));
    /// ```
    pub fn from_micros_since_midnight(micros: i64) -> Option<Time> {
        if !(0..86_400_000_000).contains(&micros) {
            return None;
        }
        let secs = micros / 1_000_000;
        Time::new(
            (secs / 3600) as u8,
            (secs / 60 % 60) as u8,
            (secs % 60) as u8,
            (micros % 1_000_000) as u32,
        )
    }
}

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}:{:02}", self.hour, self.minute, self.second)?;
        if self.micro != 0 {
            let frac = format!("{:06}", self.micro);
            write!(f, ".{}", frac.trim_end_matches('0'))?;
        }
        Ok(())
    }
}

impl FromStr for Time {
    type Err = Error;
    fn from_str(s: &str) -> Result<Time> {
        let (hms, frac) = match s.split_once('.') {
            Some((a, b)) => (a, Some(b)),
            None => (s, None),
        };
        let parts: Vec<&str> = hms.split(':').collect();
        let two = |p: &str| {
            (p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()))
                .then(|| p.parse::<u8>().ok())
                .flatten()
        };
        let (h, m, sec) = match parts[..] {
            [h, m, sec] => (two(h), two(m), two(sec)),
            [h, m] => (two(h), two(m), Some(0)),
            _ => return Err(bad("time", s)),
        };
        let micro = match frac {
            None => Some(0),
            Some(f) if (1..=9).contains(&f.len()) && f.bytes().all(|b| b.is_ascii_digit()) => {
                let padded = format!("{f:0<6}");
                padded[..6].parse::<u32>().ok()
            }
            Some(_) => None,
        };
        match (h, m, sec, micro) {
            (Some(h), Some(m), Some(sec), Some(us)) => {
                Time::new(h, m, sec, us).ok_or_else(|| bad("time", s))
            }
            _ => Err(bad("time", s)),
        }
    }
}

/// A date and time of day without time zone (or, as [`crate::Value::TimestampTz`], in UTC).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    /// The date.
    pub date: Date,
    /// The time of day.
    pub time: Time,
}

impl Timestamp {
    /// A timestamp from its date and time.
    ///
    /// ```
    /// use quarry::value::{Date, Time, Timestamp};
    /// let ts = Timestamp::new(Date::new(2000, 1, 1).unwrap(), Time::new(0, 0, 0, 0).unwrap());
    /// assert_eq!(ts.micros_since_epoch(), 946_684_800_000_000);
    /// ```
    pub fn new(date: Date, time: Time) -> Timestamp {
        Timestamp { date, time }
    }

    /// Microseconds since 1970-01-01 00:00:00.
    ///
    /// ```
    /// let ts: quarry::value::Timestamp = "1970-01-01 00:00:01".parse().unwrap();
    /// assert_eq!(ts.micros_since_epoch(), 1_000_000);
    /// ```
    pub fn micros_since_epoch(&self) -> i64 {
        self.date.days_since_epoch() * 86_400_000_000 + self.time.micros_since_midnight()
    }

    /// The timestamp `micros` after 1970-01-01 00:00:00, if within range.
    ///
    /// ```
    /// let ts: quarry::value::Timestamp = "0001-01-01 00:00:00.000001".parse().unwrap();
    /// assert_eq!(quarry::value::Timestamp::from_micros_since_epoch(ts.micros_since_epoch()), Some(ts));
    /// ```
    pub fn from_micros_since_epoch(micros: i64) -> Option<Timestamp> {
        let days = micros.div_euclid(86_400_000_000);
        let rest = micros.rem_euclid(86_400_000_000);
        Some(Timestamp {
            date: Date::from_days_since_epoch(days)?,
            time: Time::from_micros_since_midnight(rest)?,
        })
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.date, self.time)
    }
}

impl FromStr for Timestamp {
    type Err = Error;
    /// Parses `YYYY-MM-DD[ T]HH:MM[:SS[.ffffff]]`, with an optional `Z` or `+00:00` (UTC only).
    fn from_str(s: &str) -> Result<Timestamp> {
        let t = s
            .strip_suffix('Z')
            .or_else(|| s.strip_suffix("+00:00"))
            .or_else(|| s.strip_suffix("+00"))
            .unwrap_or(s);
        let split = t
            .char_indices()
            .skip(1)
            .find(|&(_, c)| c == ' ' || c == 'T')
            .map(|(i, _)| i);
        match split {
            Some(i) => Ok(Timestamp {
                date: t[..i].parse().map_err(|_| bad("timestamp", s))?,
                time: t[i + 1..].parse().map_err(|_| bad("timestamp", s))?,
            }),
            None => Ok(Timestamp {
                date: t.parse().map_err(|_| bad("timestamp", s))?,
                time: Time::new(0, 0, 0, 0).expect("midnight"),
            }),
        }
    }
}

/// A UUID (16 bytes), printed hyphenated in lower case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Uuid(pub [u8; 16]);

impl fmt::Display for Uuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, b) in self.0.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                f.write_str("-")?;
            }
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl FromStr for Uuid {
    type Err = Error;
    /// Parses hyphenated or simple (32 hex digits) forms, any case, optionally in braces.
    fn from_str(s: &str) -> Result<Uuid> {
        let t = s.trim_start_matches('{').trim_end_matches('}');
        let hex: Vec<u8> = t.bytes().filter(|&b| b != b'-').collect();
        let hyphens_ok = t.len() == 32
            || (t.len() == 36 && [8, 13, 18, 23].iter().all(|&i| t.as_bytes()[i] == b'-'));
        if hex.len() != 32 || !hyphens_ok {
            return Err(bad("UUID", s));
        }
        let mut out = [0u8; 16];
        for (i, pair) in hex.chunks(2).enumerate() {
            let txt = std::str::from_utf8(pair).map_err(|_| bad("UUID", s))?;
            out[i] = u8::from_str_radix(txt, 16).map_err(|_| bad("UUID", s))?;
        }
        Ok(Uuid(out))
    }
}

/// An exact decimal number, kept as its canonical text (`-123.4500`: sign, no leading zeros,
/// scale as given). Arbitrary precision; arithmetic is left to `rust_decimal` or the database.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Decimal(String);

impl Decimal {
    /// The canonical text.
    ///
    /// ```
    /// assert_eq!("+1.50".parse::<quarry::value::Decimal>().unwrap().as_str(), "1.50");
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Digits after the decimal point.
    ///
    /// ```
    /// assert_eq!("1.50".parse::<quarry::value::Decimal>().unwrap().scale(), 2);
    /// ```
    pub fn scale(&self) -> usize {
        self.0.split_once('.').map_or(0, |(_, f)| f.len())
    }
}

macro_rules! decimal_from_int {
    ($($t:ty),*) => {$(
        /// The integer as a decimal of scale 0.
        ///
        /// ```
        /// assert_eq!(quarry::value::Decimal::from(-7_i64).as_str(), "-7");
        /// ```
        impl From<$t> for Decimal {
            fn from(n: $t) -> Decimal {
                Decimal(n.to_string())
            }
        }
    )*};
}

decimal_from_int!(i8, i16, i32, i64, u8, u16, u32, u64);

impl Decimal {
    /// `mantissa × 10^-scale`, as `rust_decimal::Decimal::new` reads it: a decimal constant
    /// without parsing (`Decimal::new(110, 2)` is `1.10`).
    ///
    /// ```
    /// use quarry::value::Decimal;
    /// assert_eq!(Decimal::new(110, 2).as_str(), "1.10");
    /// assert_eq!(Decimal::new(-5, 3).as_str(), "-0.005");
    /// assert_eq!(Decimal::new(42, 0).as_str(), "42");
    /// assert_eq!(Decimal::new(0, 2).as_str(), "0.00");
    /// ```
    pub fn new(mantissa: i64, scale: u32) -> Decimal {
        let digits = mantissa.unsigned_abs().to_string();
        let scale = scale as usize;
        let mut out = String::with_capacity(digits.len() + scale + 3);
        if mantissa < 0 {
            out.push('-');
        }
        if digits.len() > scale {
            let (int, frac) = digits.split_at(digits.len() - scale);
            out.push_str(int);
            if scale > 0 {
                out.push('.');
                out.push_str(frac);
            }
        } else {
            out.push_str("0.");
            out.extend(std::iter::repeat_n('0', scale - digits.len()));
            out.push_str(&digits);
        }
        Decimal(out)
    }

    /// A float's shortest decimal text as a decimal (`0.1_f64` → `0.1`); `None` for NaN
    /// and infinities.
    ///
    /// ```
    /// use quarry::value::Decimal;
    /// assert_eq!(Decimal::from_f64(1.2).unwrap().as_str(), "1.2");
    /// assert!(Decimal::from_f64(f64::INFINITY).is_none());
    /// ```
    pub fn from_f64(f: f64) -> Option<Decimal> {
        if !f.is_finite() {
            return None;
        }
        f.to_string().parse().ok()
    }

    /// The decimal at `scale` digits after the point: padded with zeros, or rounded half away
    /// from zero (as PostgreSQL and MySQL round a NUMERIC into a narrower scale).
    ///
    /// ```
    /// use quarry::value::Decimal;
    /// let d = |s: &str| s.parse::<Decimal>().unwrap();
    /// assert_eq!(d("0.3").with_scale(2).as_str(), "0.30");
    /// assert_eq!(d("0.30000000000000004").with_scale(2).as_str(), "0.30");
    /// assert_eq!(d("-2.345").with_scale(2).as_str(), "-2.35");
    /// assert_eq!(d("9.995").with_scale(2).as_str(), "10.00");
    /// assert_eq!(d("-0.004").with_scale(2).as_str(), "0.00");
    /// assert_eq!(d("12.5").with_scale(0).as_str(), "13");
    /// ```
    pub fn with_scale(&self, scale: usize) -> Decimal {
        let (neg, body) = match self.0.strip_prefix('-') {
            Some(b) => (true, b),
            None => (false, self.0.as_str()),
        };
        let (int, frac) = body.split_once('.').unwrap_or((body, ""));
        let mut digits: Vec<u8> = int.bytes().collect();
        let kept = frac.len().min(scale);
        digits.extend(frac[..kept].bytes());
        digits.extend(std::iter::repeat_n(b'0', scale - kept));
        if frac.as_bytes().get(scale).is_some_and(|d| *d >= b'5') {
            // Add one in the last kept place, carrying.
            let mut i = digits.len();
            loop {
                if i == 0 {
                    digits.insert(0, b'1');
                    break;
                }
                i -= 1;
                if digits[i] == b'9' {
                    digits[i] = b'0';
                } else {
                    digits[i] += 1;
                    break;
                }
            }
        }
        let split = digits.len() - scale;
        let (int, frac) = digits.split_at(split);
        let int = std::str::from_utf8(int)
            .unwrap_or("0")
            .trim_start_matches('0');
        let frac = std::str::from_utf8(frac).unwrap_or("");
        let zero = int.is_empty() && frac.bytes().all(|d| d == b'0');
        let mut out = String::with_capacity(digits.len() + 3);
        if neg && !zero {
            out.push('-');
        }
        out.push_str(if int.is_empty() { "0" } else { int });
        if scale > 0 {
            out.push('.');
            out.push_str(frac);
        }
        Decimal(out)
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Decimal {
    type Err = Error;
    /// Parses `[+-]digits[.digits]` (no exponent); `-0` becomes `0`.
    fn from_str(s: &str) -> Result<Decimal> {
        let (neg, body) = match s.as_bytes().first() {
            Some(b'-') => (true, &s[1..]),
            Some(b'+') => (false, &s[1..]),
            _ => (false, s),
        };
        let (int, frac) = body.split_once('.').unwrap_or((body, ""));
        let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
        if (int.is_empty() && frac.is_empty()) || !digits(int) || !digits(frac) {
            return Err(bad("decimal", s));
        }
        let int = int.trim_start_matches('0');
        let int = if int.is_empty() { "0" } else { int };
        let zero = int == "0" && frac.bytes().all(|b| b == b'0');
        let mut out = String::with_capacity(s.len() + 1);
        if neg && !zero {
            out.push('-');
        }
        out.push_str(int);
        if !frac.is_empty() {
            out.push('.');
            out.push_str(frac);
        }
        Ok(Decimal(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_through_days() {
        for days in (-2_900_000..2_900_000).step_by(997) {
            let d = Date::from_days_since_epoch(days).unwrap();
            assert_eq!(d.days_since_epoch(), days);
            assert_eq!(d.to_string().parse::<Date>().unwrap(), d);
        }
    }

    #[test]
    fn rejects_malformed_text() {
        for s in ["", "2024-1-01", "2024-13-01", "2023-02-29", "20240101", "x"] {
            assert!(s.parse::<Date>().is_err(), "{s}");
        }
        for s in [
            "24:00:00",
            "1:00:00",
            "12:00:00.",
            "12:60:00",
            "12:00:00.1234567890",
        ] {
            assert!(s.parse::<Time>().is_err(), "{s}");
        }
        for s in ["1.2.3", "", ".", "1e5", "--1", "1-"] {
            assert!(s.parse::<Decimal>().is_err(), "{s}");
        }
        assert!("67e55044-10b1-426f-9247-bb680e5fe0c"
            .parse::<Uuid>()
            .is_err());
        assert!("67e5504410b1426f9247bb680e5fe0c8".parse::<Uuid>().is_ok());
    }

    #[test]
    fn timestamps_accept_common_spellings() {
        let want: Timestamp = "2001-02-03 04:05:06.7".parse().unwrap();
        for s in [
            "2001-02-03T04:05:06.700",
            "2001-02-03 04:05:06.700000Z",
            "2001-02-03 04:05:06.7+00:00",
        ] {
            assert_eq!(s.parse::<Timestamp>().unwrap(), want, "{s}");
        }
        assert_eq!(want.time.parts().3, 700_000);
        assert_eq!(".5".parse::<Decimal>().unwrap().as_str(), "0.5");
        assert_eq!("-0.000".parse::<Decimal>().unwrap().as_str(), "0.000");
    }
}

/// Deserializes quarry's value types from their text form (what a row cell of that type
/// decodes to through serde), so they can be fields of `Deserialize` row structs.
macro_rules! deserialize_from_str {
    ($($t:ty => $what:literal),* $(,)?) => {$(
        impl<'de> serde::Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
                struct V;
                impl serde::de::Visitor<'_> for V {
                    type Value = $t;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str($what)
                    }
                    fn visit_str<E: serde::de::Error>(self, s: &str) -> std::result::Result<$t, E> {
                        s.parse().map_err(|_| E::custom(format!("{s:?} is not a valid {}", $what)))
                    }
                    fn visit_i64<E: serde::de::Error>(self, n: i64) -> std::result::Result<$t, E> {
                        self.visit_str(&n.to_string())
                    }
                    fn visit_u64<E: serde::de::Error>(self, n: u64) -> std::result::Result<$t, E> {
                        self.visit_str(&n.to_string())
                    }
                    fn visit_f64<E: serde::de::Error>(self, n: f64) -> std::result::Result<$t, E> {
                        self.visit_str(&n.to_string())
                    }
                }
                d.deserialize_str(V)
            }
        }
    )*};
}

deserialize_from_str! {
    Date => "date (YYYY-MM-DD)",
    Time => "time (HH:MM:SS[.ffffff])",
    Timestamp => "timestamp (YYYY-MM-DD HH:MM:SS[.ffffff])",
    Uuid => "UUID",
    Decimal => "decimal",
}

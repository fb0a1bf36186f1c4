//! The binary form of PostgreSQL `numeric`, to and from [`quarry::value::Decimal`].
//!
//! On the wire a numeric is five big-endian 16-bit fields followed by its digits:
//!
//! | field | meaning |
//! |---|---|
//! | `ndigits` (i16) | number of base-10000 digits that follow |
//! | `weight` (i16) | power of 10000 of the first digit (`0`: units, `-1`: 1/10000, …) |
//! | `sign` (u16) | `0x0000` positive, `0x4000` negative, `0xC000` NaN, `0xD000` / `0xF000` ±infinity |
//! | `dscale` (u16) | decimal digits after the point (the scale, kept: `12.50` has 2) |
//! | digits (i16 × ndigits) | base-10000 digits, most significant first, without leading or trailing zero digits |
//!
//! `12.50` is `ndigits 2, weight 0, sign 0, dscale 2, [12, 5000]`; zero is `ndigits 0, weight 0`
//! with its scale. NaN and infinities have no [`Decimal`] form and decode to an error.

use quarry::value::Decimal;

/// The base of numeric digits.
const NBASE: i32 = 10_000;
const SIGN_POS: u16 = 0x0000;
const SIGN_NEG: u16 = 0x4000;
const SIGN_NAN: u16 = 0xC000;
const SIGN_PINF: u16 = 0xD000;
const SIGN_NINF: u16 = 0xF000;
/// The largest display scale PostgreSQL accepts (`NUMERIC_DSCALE_MAX`).
const DSCALE_MAX: usize = 0x3FFF;

/// Why a value cannot be encoded or decoded.
pub(crate) type CodecError = String;

/// The digits of `s` (ASCII digits) grouped by four into base-10000 digits, `s` being padded
/// with zeros on the left (`left`) or on the right.
fn groups(s: &[u8], left: bool, out: &mut Vec<i16>) {
    const ZEROS: [u8; 3] = [b'0'; 3];
    let pad = &ZEROS[..(4 - s.len() % 4) % 4];
    let (lead, trail): (&[u8], &[u8]) = if left { (pad, &[]) } else { (&[], pad) };
    let mut acc: i16 = 0;
    let mut n = 0;
    for &b in lead.iter().chain(s).chain(trail) {
        // Four decimal digits: at most 9999, fits an i16.
        acc = acc * 10 + i16::from(b - b'0');
        n += 1;
        if n == 4 {
            out.push(acc);
            acc = 0;
            n = 0;
        }
    }
}

/// Appends the binary numeric form of `d` to `out`.
///
/// Fails (without writing) when the value exceeds what PostgreSQL can store: more than
/// 16383 digits after the point or about 131072 before it.
pub(crate) fn encode(d: &Decimal, out: &mut impl Extend<u8>) -> Result<(), CodecError> {
    let text = d.as_str();
    let (neg, body) = match text.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, text),
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    if !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
        return Err(format!("{text:?} is not a decimal number"));
    }
    if frac.len() > DSCALE_MAX {
        return Err(format!(
            "decimal with {} digits after the point exceeds PostgreSQL's limit of {DSCALE_MAX}",
            frac.len()
        ));
    }
    let mut digits: Vec<i16> = Vec::with_capacity((int.len() + frac.len()) / 4 + 2);
    groups(int.as_bytes(), true, &mut digits);
    let int_groups = digits.len();
    groups(frac.as_bytes(), false, &mut digits);
    let mut weight = int_groups as i64 - 1;
    let lead = digits.iter().take_while(|&&g| g == 0).count();
    weight -= lead as i64;
    let trail = digits[lead..].iter().rev().take_while(|&&g| g == 0).count();
    let digits = &digits[lead..digits.len() - trail];
    if digits.is_empty() {
        weight = 0;
    }
    let ndigits = i16::try_from(digits.len())
        .map_err(|_| format!("decimal {text:?} has too many digits for PostgreSQL"))?;
    let weight = i16::try_from(weight)
        .map_err(|_| format!("decimal {text:?} is too large for PostgreSQL"))?;
    let sign = if neg && !digits.is_empty() {
        SIGN_NEG
    } else {
        SIGN_POS
    };
    // Checked above against DSCALE_MAX.
    let dscale = frac.len() as u16;
    out.extend(ndigits.to_be_bytes());
    out.extend(weight.to_be_bytes());
    out.extend(sign.to_be_bytes());
    out.extend(dscale.to_be_bytes());
    for g in digits {
        out.extend(g.to_be_bytes());
    }
    Ok(())
}

fn field(raw: &[u8], at: usize) -> Result<u16, CodecError> {
    raw.get(at..at + 2)
        .map(|b| u16::from_be_bytes([b[0], b[1]]))
        .ok_or_else(|| "truncated numeric value".to_owned())
}

/// Decodes a binary numeric; NaN and ±infinity are errors (a [`Decimal`] is finite).
pub(crate) fn decode(raw: &[u8]) -> Result<Decimal, CodecError> {
    let ndigits = field(raw, 0)? as i16;
    let weight = field(raw, 2)? as i16;
    let sign = field(raw, 4)?;
    let dscale = field(raw, 6)?;
    match sign {
        SIGN_POS | SIGN_NEG => {}
        SIGN_NAN => return Err("numeric NaN has no decimal value".into()),
        SIGN_PINF => return Err("numeric Infinity has no decimal value".into()),
        SIGN_NINF => return Err("numeric -Infinity has no decimal value".into()),
        other => return Err(format!("invalid numeric sign 0x{other:04x}")),
    }
    let ndigits = usize::try_from(ndigits).map_err(|_| "negative numeric digit count")?;
    if raw.len() != 8 + 2 * ndigits {
        return Err(format!(
            "numeric of {} bytes does not hold {ndigits} digits",
            raw.len()
        ));
    }
    let mut digits = Vec::with_capacity(ndigits);
    for i in 0..ndigits {
        let g = i32::from(field(raw, 8 + 2 * i)? as i16);
        if !(0..NBASE).contains(&g) {
            return Err(format!("invalid numeric digit {g}"));
        }
        digits.push(g);
    }
    let digit = |k: i64| -> i32 {
        usize::try_from(k)
            .ok()
            .and_then(|k| digits.get(k).copied())
            .unwrap_or(0)
    };
    let weight = i64::from(weight);
    let dscale = usize::from(dscale & 0x3FFF);
    let mut s = String::with_capacity(2 + 4 * (weight.max(0) as usize + 1) + dscale);
    if sign == SIGN_NEG {
        s.push('-');
    }
    if weight < 0 {
        s.push('0');
    } else {
        for k in 0..=weight {
            let g = digit(k);
            if k == 0 {
                s.push_str(&g.to_string());
            } else {
                s.push_str(&format!("{g:04}"));
            }
        }
    }
    if dscale > 0 {
        s.push('.');
        let mut written = 0;
        let mut k = weight + 1;
        while written < dscale {
            let g = format!("{:04}", digit(k));
            let take = (dscale - written).min(4);
            s.push_str(&g[..take]);
            written += take;
            k += 1;
        }
    }
    s.parse::<Decimal>().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn enc(s: &str) -> Vec<u8> {
        let mut out = Vec::new();
        encode(&dec(s), &mut out).unwrap();
        out
    }

    /// The expected bytes from the header fields and digits.
    fn wire(ndigits: i16, weight: i16, sign: u16, dscale: u16, digits: &[i16]) -> Vec<u8> {
        let mut v = Vec::new();
        v.extend(ndigits.to_be_bytes());
        v.extend(weight.to_be_bytes());
        v.extend(sign.to_be_bytes());
        v.extend(dscale.to_be_bytes());
        for d in digits {
            v.extend(d.to_be_bytes());
        }
        v
    }

    #[test]
    fn encodes_like_postgres() {
        // Forms checked against `numeric_send` of PostgreSQL 15.
        assert_eq!(enc("0"), wire(0, 0, SIGN_POS, 0, &[]));
        assert_eq!(enc("0.000"), wire(0, 0, SIGN_POS, 3, &[]));
        assert_eq!(enc("-0.00"), wire(0, 0, SIGN_POS, 2, &[]));
        assert_eq!(enc("12.50"), wire(2, 0, SIGN_POS, 2, &[12, 5000]));
        assert_eq!(enc("-12.5"), wire(2, 0, SIGN_NEG, 1, &[12, 5000]));
        assert_eq!(enc("10000"), wire(1, 1, SIGN_POS, 0, &[1]));
        assert_eq!(enc("0.0001"), wire(1, -1, SIGN_POS, 4, &[1]));
        assert_eq!(enc("0.00000001"), wire(1, -2, SIGN_POS, 8, &[1]));
        assert_eq!(
            enc("123456789.5"),
            wire(4, 2, SIGN_POS, 1, &[1, 2345, 6789, 5000])
        );
        assert_eq!(enc("1.000"), wire(1, 0, SIGN_POS, 3, &[1]));
        assert_eq!(
            enc("123456789012345678901234567890"),
            wire(
                8,
                7,
                SIGN_POS,
                0,
                &[12, 3456, 7890, 1234, 5678, 9012, 3456, 7890]
            )
        );
    }

    #[test]
    fn round_trips_keep_scale_and_sign() {
        for s in [
            "0",
            "0.0",
            "0.00",
            "1",
            "-1",
            "12.50",
            "-12.50",
            "0.5",
            "-0.0001",
            "9999",
            "10000",
            "99999999.99999999",
            "123456789012345678901234567890",
            "-123456789012345678901234567890",
            "123456789012345.678901234567890",
            "-0.000000000000000000000000000001",
            "100000000000000000000000000000.000000000000000000000000000000",
        ] {
            let d = dec(s);
            let mut buf = Vec::new();
            encode(&d, &mut buf).unwrap();
            let back = decode(&buf).unwrap();
            assert_eq!(back, d, "{s}");
            assert_eq!(back.as_str(), s, "{s}");
        }
    }

    #[test]
    fn decodes_trailing_zero_groups_from_scale() {
        // 1.50000000 as PostgreSQL sends it: the zero digits are implied by dscale.
        let d = decode(&wire(2, 0, SIGN_POS, 8, &[1, 5000])).unwrap();
        assert_eq!(d.as_str(), "1.50000000");
        // A digit beyond dscale is cut (PostgreSQL never sends one, but it is harmless).
        let d = decode(&wire(2, 0, SIGN_POS, 1, &[1, 5678])).unwrap();
        assert_eq!(d.as_str(), "1.5");
        // Integer groups not sent are zeros.
        let d = decode(&wire(1, 2, SIGN_POS, 0, &[7])).unwrap();
        assert_eq!(d.as_str(), "700000000");
    }

    #[test]
    fn special_values_are_errors() {
        assert!(decode(&wire(0, 0, SIGN_NAN, 0, &[]))
            .unwrap_err()
            .contains("NaN"));
        assert!(decode(&wire(0, 0, SIGN_PINF, 0, &[]))
            .unwrap_err()
            .contains("Infinity"));
        assert!(decode(&wire(0, 0, SIGN_NINF, 0, &[]))
            .unwrap_err()
            .contains("-Infinity"));
        assert!(decode(&wire(0, 0, 0x1234, 0, &[])).is_err());
    }

    #[test]
    fn malformed_input_is_an_error() {
        assert!(decode(&[0, 1]).is_err());
        // Says one digit, holds none.
        assert!(decode(&wire(1, 0, SIGN_POS, 0, &[])).is_err());
        // A digit out of base-10000 range.
        assert!(decode(&wire(1, 0, SIGN_POS, 0, &[10000])).is_err());
        assert!(decode(&wire(1, 0, SIGN_POS, 0, &[-1])).is_err());
        // Negative digit count.
        assert!(decode(&wire(-1, 0, SIGN_POS, 0, &[])).is_err());
    }

    #[test]
    fn limits() {
        let mut out = Vec::new();
        let too_fine = format!("0.{}1", "0".repeat(DSCALE_MAX));
        assert!(encode(&dec(&too_fine), &mut out).is_err());
        assert!(out.is_empty());
        let finest = format!("0.{}1", "0".repeat(DSCALE_MAX - 1));
        encode(&dec(&finest), &mut out).unwrap();
        assert_eq!(decode(&out).unwrap().as_str(), finest);
        let huge = format!("1{}", "0".repeat(4 * 40_000));
        assert!(encode(&dec(&huge), &mut Vec::new()).is_err());
    }
}

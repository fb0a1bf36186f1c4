//! Reading connection URLs: the query string's parameters, percent-decoded.
//!
//! A URL parser proper (the `url` crate) is not used here: it would bring its IDNA tables into
//! the core crate, and it reads `sqlite://data/app.db`'s `data` as a host. quarry's URLs need
//! only what this does: split the query string, and decode `%XX` in keys, values and paths.

use crate::error::{Error, Result};
use std::borrow::Cow;

/// `text` with its `%XX` escapes decoded (a `+` stays a `+`, as in a URL's path and as libpq
/// reads a query string); an escape that does not make UTF-8 is a configuration error.
///
/// ```
/// use quarry::backend::percent_decode;
/// assert_eq!(percent_decode("/tmp/a%20b/x.db").unwrap(), "/tmp/a b/x.db");
/// assert_eq!(percent_decode("caf%C3%A9+1").unwrap(), "café+1");
/// assert_eq!(percent_decode("plain").unwrap(), "plain");
/// assert!(percent_decode("%FF").is_err());
/// ```
pub fn percent_decode(text: &str) -> Result<Cow<'_, str>> {
    percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .map_err(|_| {
            Error::Configuration(format!("{text:?} in the URL does not decode to UTF-8 text"))
        })
}

/// One parameter of a URL's query string: its key and value decoded, and the pair as written
/// (to hand on to a driver unchanged).
///
/// ```
/// use quarry::backend::query_params;
/// let p = query_params("postgres://h/db?application_name=a%20b&sslmode=require").unwrap();
/// assert_eq!((&*p[0].key, &*p[0].value, p[0].raw), ("application_name", "a b", "application_name=a%20b"));
/// assert_eq!(p[1].value, "require");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryParam<'a> {
    /// The key, decoded.
    pub key: Cow<'a, str>,
    /// The value, decoded (empty when the pair has no `=`).
    pub value: Cow<'a, str>,
    /// The pair as it appears in the URL.
    pub raw: &'a str,
}

/// The parameters of `url`'s query string (after the first `?`, up to a `#`), in order.
///
/// ```
/// use quarry::backend::query_params;
/// assert!(query_params("sqlite::memory:").unwrap().is_empty());
/// let p = query_params("sqlite:x.db?mode=ro&&busy_timeout=10#frag").unwrap();
/// assert_eq!(p.len(), 2);
/// assert_eq!(p[1].key, "busy_timeout");
/// ```
pub fn query_params(url: &str) -> Result<Vec<QueryParam<'_>>> {
    let Some((_, query)) = url.split_once('?') else {
        return Ok(Vec::new());
    };
    let query = query.split('#').next().unwrap_or_default();
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|raw| {
            let (k, v) = raw.split_once('=').unwrap_or((raw, ""));
            Ok(QueryParam {
                key: percent_decode(k)?,
                value: percent_decode(v)?,
                raw,
            })
        })
        .collect()
}

//! The TLS parameters of a URL, with MySQL's client names (`ssl-mode`, `ssl-ca`, `ssl-cert`,
//! `ssl-key`), turned into `mysql_async`'s [`SslOpts`](mysql_async::SslOpts).
//!
//! | `ssl-mode` | encrypted | server certificate checked |
//! |---|---|---|
//! | `DISABLED` (default without `ssl-ca`) | never | — |
//! | `PREFERRED` | when the server offers TLS (and the `rustls` feature is on) | no |
//! | `REQUIRED` | always | no |
//! | `VERIFY_CA` (default with `ssl-ca`) | always | chain up to `ssl-ca` (or the bundled Mozilla roots) |
//! | `VERIFY_IDENTITY` | always | chain, and the URL's host name or IP address |

use mysql_async::{Opts, OptsBuilder};
use quarry::{Error, Result};

/// `ssl-mode`, as MySQL's clients spell it (any case).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SslMode {
    Disabled,
    Preferred,
    Required,
    VerifyCa,
    VerifyIdentity,
}

impl SslMode {
    fn parse(value: &str) -> Result<SslMode> {
        Ok(match value.to_ascii_uppercase().as_str() {
            "DISABLED" => SslMode::Disabled,
            "PREFERRED" => SslMode::Preferred,
            "REQUIRED" => SslMode::Required,
            "VERIFY_CA" => SslMode::VerifyCa,
            "VERIFY_IDENTITY" => SslMode::VerifyIdentity,
            _ => {
                return Err(Error::Configuration(format!(
                    "ssl-mode={value:?} is not one of DISABLED, PREFERRED, REQUIRED, VERIFY_CA, \
                     VERIFY_IDENTITY"
                )))
            }
        })
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            SslMode::Disabled => "DISABLED",
            SslMode::Preferred => "PREFERRED",
            SslMode::Required => "REQUIRED",
            SslMode::VerifyCa => "VERIFY_CA",
            SslMode::VerifyIdentity => "VERIFY_IDENTITY",
        }
    }
}

/// `mysql_async`'s own TLS options, which `ssl-mode` replaces.
const DRIVER_TLS_OPTIONS: &[&str] = &[
    "require_ssl",
    "verify_ca",
    "verify_identity",
    "built_in_roots",
];

/// The TLS parameters of a URL.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct TlsParams {
    pub(crate) mode: Option<SslMode>,
    pub(crate) ca: Option<String>,
    pub(crate) cert: Option<String>,
    pub(crate) key: Option<String>,
}

impl TlsParams {
    /// The mode in force: `ssl-mode`, else `VERIFY_CA` with an `ssl-ca` (as MySQL's clients),
    /// else `DISABLED`.
    pub(crate) fn mode(&self) -> SslMode {
        match (self.mode, &self.ca) {
            (Some(m), _) => m,
            (None, Some(_)) => SslMode::VerifyCa,
            (None, None) => SslMode::Disabled,
        }
    }

    fn is_empty(&self) -> bool {
        *self == TlsParams::default()
    }
}

/// Takes the TLS parameters out of a `mysql://` URL (percent-decoded), returning the URL
/// `mysql_async` is to parse.
pub(crate) fn take_params(url: &str) -> Result<(String, TlsParams)> {
    let mut params = TlsParams::default();
    if !url.contains('?') {
        return Ok((url.to_owned(), params));
    }
    // A URL the `url` crate cannot parse goes on as it is, for mysql_async to report.
    let Ok(mut parsed) = url::Url::parse(url) else {
        return Ok((url.to_owned(), params));
    };
    let mut kept = Vec::new();
    for (key, value) in parsed.query_pairs() {
        let slot = match key.as_ref() {
            "ssl-mode" => {
                params.mode = Some(SslMode::parse(&value)?);
                continue;
            }
            "ssl-ca" => &mut params.ca,
            "ssl-cert" => &mut params.cert,
            "ssl-key" => &mut params.key,
            _ => {
                kept.push((key.into_owned(), value.into_owned()));
                continue;
            }
        };
        *slot = Some(value.into_owned());
    }
    if params.is_empty() {
        return Ok((url.to_owned(), params));
    }
    if let Some((key, _)) = kept
        .iter()
        .find(|(k, _)| DRIVER_TLS_OPTIONS.contains(&k.as_str()))
    {
        return Err(Error::Configuration(format!(
            "MySQL URL option {key} is mysql_async's spelling of what ssl-mode says: use one or \
             the other"
        )));
    }
    if kept.is_empty() {
        parsed.set_query(None);
    } else {
        parsed.query_pairs_mut().clear().extend_pairs(kept);
    }
    Ok((parsed.into(), params))
}

/// What a URL's TLS parameters do to the driver options.
#[derive(Debug)]
pub(crate) struct Plan {
    /// The options to connect with.
    pub(crate) builder: OptsBuilder,
    /// For `PREFERRED`: the options without TLS, used when the server offers none.
    pub(crate) plain: Option<Opts>,
}

/// Whether the URL (its remaining query) sets `key`.
#[cfg(feature = "rustls")]
fn url_sets(opts_url: &str, key: &str) -> bool {
    crate::pool::query_pairs(opts_url).any(|(k, _)| k == key)
}

/// Applies `params` to `builder` (made from `url`, which no longer holds them). Without the
/// `rustls` feature, any TLS (ours or `mysql_async`'s `require_ssl`) is a configuration error
/// naming the feature, rather than `mysql_async`'s panic.
pub(crate) fn plan(
    url: &str,
    opts: &Opts,
    builder: OptsBuilder,
    params: &TlsParams,
) -> Result<Plan> {
    #[cfg(not(feature = "rustls"))]
    let _ = url;
    let mode = params.mode();
    if mode == SslMode::Disabled {
        let builder = match opts.ssl_opts() {
            None => builder,
            #[cfg(not(feature = "rustls"))]
            Some(_) => return Err(missing_feature("require_ssl=true")),
            // mysql_async's `require_ssl`: keep it off the Unix socket too (see below).
            #[cfg(feature = "rustls")]
            Some(_) if url_sets(url, "prefer_socket") || url_sets(url, "socket") => builder,
            #[cfg(feature = "rustls")]
            Some(_) => builder.prefer_socket(false),
        };
        return Ok(Plan {
            builder,
            plain: None,
        });
    }
    #[cfg(not(feature = "rustls"))]
    {
        if mode == SslMode::Preferred && params.ca.is_none() && params.cert.is_none() {
            // As MySQL's clients built without TLS: PREFERRED connects in plain text.
            return Ok(Plan {
                builder,
                plain: None,
            });
        }
        Err(missing_feature(&format!("ssl-mode={}", mode.name())))
    }
    #[cfg(feature = "rustls")]
    {
        with_rustls::plan(url, builder, params, mode)
    }
}

#[cfg(not(feature = "rustls"))]
fn missing_feature(what: &str) -> Error {
    Error::Configuration(format!(
        "{what} needs TLS, which this build of quarry-mysql lacks: enable its `rustls` feature \
         (quarry-mysql = {{ features = [\"rustls\"] }}), or use ssl-mode=DISABLED"
    ))
}

#[cfg(feature = "rustls")]
mod with_rustls {
    use super::*;
    use mysql_async::{ClientIdentity, SslOpts};
    use std::path::PathBuf;

    /// Fails now, rather than at each connection, on a file that cannot be read.
    fn readable(what: &str, path: &str) -> Result<PathBuf> {
        std::fs::File::open(path).map_err(|e| {
            Error::Configuration(format!("{what}={path}: cannot read the file: {e}"))
        })?;
        Ok(PathBuf::from(path))
    }

    pub(super) fn plan(
        url: &str,
        builder: OptsBuilder,
        params: &TlsParams,
        mode: SslMode,
    ) -> Result<Plan> {
        let mut ssl = SslOpts::default();
        match mode {
            SslMode::Disabled => unreachable!("handled by the caller"),
            SslMode::Preferred | SslMode::Required => {
                ssl = ssl.with_danger_accept_invalid_certs(true)
            }
            SslMode::VerifyCa => ssl = ssl.with_danger_skip_domain_validation(true),
            SslMode::VerifyIdentity => {}
        }
        if let Some(ca) = &params.ca {
            ssl = ssl
                .with_root_certs(vec![readable("ssl-ca", ca)?.into()])
                .with_disable_built_in_roots(true);
        }
        match (&params.cert, &params.key) {
            (None, None) => {}
            (Some(cert), Some(key)) => {
                ssl = ssl.with_client_identity(Some(ClientIdentity::new(
                    readable("ssl-cert", cert)?.into(),
                    readable("ssl-key", key)?.into(),
                )))
            }
            (Some(_), None) => {
                return Err(Error::Configuration(
                    "ssl-cert is set without ssl-key (the client's private key)".into(),
                ))
            }
            (None, Some(_)) => {
                return Err(Error::Configuration(
                    "ssl-key is set without ssl-cert (the client's certificate)".into(),
                ))
            }
        }
        // mysql_async does not encrypt a Unix socket, and by default moves a loopback TCP
        // connection onto the server's socket: TLS would silently end there.
        let socket_asked = url_sets(url, "socket")
            || crate::pool::query_pairs(url).any(|(k, v)| k == "prefer_socket" && v == "true");
        if socket_asked && mode != SslMode::Preferred {
            return Err(Error::Configuration(format!(
                "ssl-mode={} cannot be honoured over a Unix socket (socket, prefer_socket=true), \
                 which mysql_async does not encrypt",
                mode.name()
            )));
        }
        let builder = if url_sets(url, "prefer_socket") || url_sets(url, "socket") {
            builder
        } else {
            builder.prefer_socket(false)
        };
        let plain = (mode == SslMode::Preferred).then(|| builder.clone().ssl_opts(None).into());
        Ok(Plan {
            builder: builder.ssl_opts(ssl),
            plain,
        })
    }
}

/// The connection error of a failed TLS set-up, worded for the person reading it; `None` when
/// `err` is not one.
#[cfg(feature = "rustls")]
pub(crate) fn describe_error(err: &mysql_async::Error) -> Option<String> {
    // tokio-rustls reports handshake failures inside an `io::Error`, whose `source()` skips
    // the error it wraps: look inside it too.
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(err);
    let mut found = None;
    while let Some(e) = next {
        let inner = e
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
            .map(|i| i as &(dyn std::error::Error + 'static));
        if let Some(r) = e
            .downcast_ref::<rustls::Error>()
            .or_else(|| inner.and_then(|i| i.downcast_ref::<rustls::Error>()))
        {
            found = Some(r);
            break;
        }
        next = e.source();
    }
    let rustls_error = found?;
    Some(match rustls_error {
        rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer) => format!(
            "the server's certificate could not be verified: it is not signed by a trusted root \
             (ssl-ca) ({rustls_error})"
        ),
        rustls::Error::InvalidCertificate(_) => {
            format!("the server's certificate could not be verified: {rustls_error}")
        }
        _ => format!("TLS handshake failed: {rustls_error}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_are_taken_out_and_decoded() {
        let (url, p) = take_params(
            "mysql://u:p%40ss@h:3307/db?tcp_nodelay=false&ssl-mode=verify_identity\
             &ssl-ca=/my%20certs/ca.pem&ssl-cert=/c.pem&ssl-key=/k.pem",
        )
        .unwrap();
        assert_eq!(url, "mysql://u:p%40ss@h:3307/db?tcp_nodelay=false");
        assert_eq!(p.mode(), SslMode::VerifyIdentity);
        assert_eq!(p.ca.as_deref(), Some("/my certs/ca.pem"));
        assert_eq!(p.cert.as_deref(), Some("/c.pem"));
        assert_eq!(p.key.as_deref(), Some("/k.pem"));
        let (url, p) = take_params("mysql://h/db?ssl-ca=/ca.pem").unwrap();
        assert_eq!(url, "mysql://h/db");
        assert_eq!(p.mode(), SslMode::VerifyCa);
        let (url, p) = take_params("mysql://h/db?stmt_cache_size=3").unwrap();
        assert_eq!(url, "mysql://h/db?stmt_cache_size=3");
        assert_eq!(p.mode(), SslMode::Disabled);
        assert!(take_params("mysql://h/db?ssl-mode=sometimes").is_err());
        let err = take_params("mysql://h/db?ssl-mode=REQUIRED&require_ssl=true").unwrap_err();
        assert!(err.to_string().contains("require_ssl"), "{err}");
    }

    #[cfg(not(feature = "rustls"))]
    #[test]
    fn tls_without_the_feature_names_it() {
        for url in [
            "mysql://h/db?ssl-mode=REQUIRED",
            "mysql://h/db?ssl-mode=VERIFY_IDENTITY",
            "mysql://h/db?ssl-ca=/ca.pem",
            "mysql://h/db?require_ssl=true",
        ] {
            let err = crate::MySqlConnectionManager::new(url).unwrap_err();
            assert_eq!(err.kind(), quarry::ErrorKind::Configuration, "{url}");
            assert!(err.to_string().contains("`rustls` feature"), "{url}: {err}");
        }
        assert!(crate::MySqlConnectionManager::new("mysql://h/db?ssl-mode=PREFERRED").is_ok());
        assert!(crate::MySqlConnectionManager::new("mysql://h/db?ssl-mode=disabled").is_ok());
    }

    #[cfg(feature = "rustls")]
    #[test]
    fn tls_options_reach_the_driver() {
        let m = crate::MySqlConnectionManager::new("mysql://h/db?ssl-mode=REQUIRED").unwrap();
        let ssl = m.opts().ssl_opts().expect("TLS");
        assert!(ssl.accept_invalid_certs());
        assert!(!m.opts().prefer_socket());
        let m = crate::MySqlConnectionManager::new("mysql://h/db?ssl-mode=VERIFY_CA").unwrap();
        let ssl = m.opts().ssl_opts().expect("TLS");
        assert!(!ssl.accept_invalid_certs());
        assert!(ssl.skip_domain_validation());
        let m = crate::MySqlConnectionManager::new("mysql://h/db?ssl-mode=PREFERRED").unwrap();
        assert!(m.opts().ssl_opts().is_some());
        let m = crate::MySqlConnectionManager::new("mysql://h/db").unwrap();
        assert!(m.opts().ssl_opts().is_none());
        let err =
            crate::MySqlConnectionManager::new("mysql://h/db?ssl-ca=/no/such/ca.pem").unwrap_err();
        assert!(err.to_string().contains("/no/such/ca.pem"), "{err}");
        let err =
            crate::MySqlConnectionManager::new("mysql://h/db?ssl-mode=REQUIRED&socket=/tmp/s")
                .unwrap_err();
        assert!(err.to_string().contains("socket"), "{err}");
        // mysql_async's own spelling still works.
        let m = crate::MySqlConnectionManager::new("mysql://h/db?require_ssl=true").unwrap();
        assert!(m.opts().ssl_opts().is_some());
    }
}

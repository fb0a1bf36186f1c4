//! The TLS parameters of a URL (`sslmode`, `sslrootcert`, `sslcert`, `sslkey`) and the
//! connector they choose: plain text, or rustls (the `rustls` feature, in `tls/connector.rs`).
//!
//! The modes follow libpq's:
//!
//! | `sslmode` | encrypted | server certificate checked |
//! |---|---|---|
//! | `disable`, `allow` | never | — |
//! | `prefer` (default) | when the server offers TLS (and the `rustls` feature is on) | no |
//! | `require` | always | no; with an explicit `sslrootcert`, its chain (as `verify-ca`) |
//! | `verify-ca` | always | chain up to the root certificate |
//! | `verify-full` | always | chain, and the host name (or IP address) of the URL |
//!
//! `allow` is libpq's "plain text first, TLS if the server insists"; tokio-postgres cannot
//! retry a refused plain connection over TLS, so it connects in plain text, as `disable`.

use quarry::Error;
use tokio_postgres::config::SslMode;

#[cfg(feature = "rustls")]
mod connector;
#[cfg(feature = "rustls")]
pub(crate) use connector::{summary, MakeRustls};

/// What `sslmode` asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) enum Mode {
    Disable,
    Allow,
    #[default]
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl Mode {
    fn parse(value: &str) -> quarry::Result<Mode> {
        Ok(match value {
            "disable" => Mode::Disable,
            "allow" => Mode::Allow,
            "prefer" => Mode::Prefer,
            "require" => Mode::Require,
            "verify-ca" => Mode::VerifyCa,
            "verify-full" => Mode::VerifyFull,
            other => {
                return Err(Error::Configuration(format!(
                    "sslmode={other:?} is not one of disable, allow, prefer, require, \
                     verify-ca, verify-full"
                )))
            }
        })
    }

    /// The URL spelling.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Mode::Disable => "disable",
            Mode::Allow => "allow",
            Mode::Prefer => "prefer",
            Mode::Require => "require",
            Mode::VerifyCa => "verify-ca",
            Mode::VerifyFull => "verify-full",
        }
    }

    /// What tokio-postgres is told: whether to ask the server for TLS, and whether to insist.
    pub(crate) fn ssl_mode(self) -> SslMode {
        match self {
            Mode::Disable | Mode::Allow => SslMode::Disable,
            Mode::Prefer => SslMode::Prefer,
            Mode::Require | Mode::VerifyCa | Mode::VerifyFull => SslMode::Require,
        }
    }

    /// Whether the connection must be encrypted.
    #[cfg(not(feature = "rustls"))]
    fn needs_tls(self) -> bool {
        matches!(self, Mode::Require | Mode::VerifyCa | Mode::VerifyFull)
    }
}

/// The TLS parameters of a URL.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct TlsOptions {
    /// `None` when the URL has no `sslmode` (libpq's default, `prefer`).
    pub(crate) mode: Option<Mode>,
    /// `sslrootcert`: a PEM file of root certificates, or `system`.
    pub(crate) root_cert: Option<String>,
    /// `sslcert`: the client's PEM certificate (chain).
    pub(crate) cert: Option<String>,
    /// `sslkey`: the client's PEM private key.
    pub(crate) key: Option<String>,
}

impl TlsOptions {
    /// Applies one URL parameter; `false` when `key` is not a TLS parameter.
    pub(crate) fn set(&mut self, key: &str, value: &str) -> quarry::Result<bool> {
        match key {
            "sslmode" => self.mode = Some(Mode::parse(value)?),
            "sslrootcert" => self.root_cert = Some(value.to_owned()),
            "sslcert" => self.cert = Some(value.to_owned()),
            "sslkey" => self.key = Some(value.to_owned()),
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// The mode in force.
    pub(crate) fn mode(&self) -> Mode {
        self.mode.unwrap_or_default()
    }

    /// The connector these options call for; a file that cannot be read or parsed, or TLS
    /// asked of a build without it, is a [`quarry::Error::Configuration`].
    pub(crate) fn connector(&self) -> quarry::Result<Connector> {
        let mode = self.mode();
        if matches!(mode, Mode::Disable | Mode::Allow) {
            return Ok(Connector::Plain);
        }
        #[cfg(feature = "rustls")]
        {
            Ok(Connector::Rustls(MakeRustls::new(self)?))
        }
        #[cfg(not(feature = "rustls"))]
        {
            let asked = if mode.needs_tls() {
                Some(format!("sslmode={}", mode.name()))
            } else {
                [
                    ("sslrootcert", &self.root_cert),
                    ("sslcert", &self.cert),
                    ("sslkey", &self.key),
                ]
                .into_iter()
                .find(|(_, v)| v.is_some())
                .map(|(k, _)| k.to_owned())
            };
            match asked {
                Some(what) => Err(Error::Configuration(format!(
                    "{what} needs TLS, which this build of quarry-postgres lacks: enable its \
                     `rustls` feature (quarry-postgres = {{ features = [\"rustls\"] }}), or use \
                     sslmode=disable"
                ))),
                // `prefer` without TLS compiled in: plain text, as libpq built without SSL.
                None => Ok(Connector::Plain),
            }
        }
    }
}

/// How connections are opened.
#[derive(Clone)]
pub(crate) enum Connector {
    /// No TLS (tokio-postgres' `NoTls`).
    Plain,
    /// rustls, with the certificate checks of the URL's `sslmode`.
    #[cfg(feature = "rustls")]
    Rustls(MakeRustls),
}

impl std::fmt::Debug for Connector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Connector::Plain => f.write_str("Plain"),
            #[cfg(feature = "rustls")]
            Connector::Rustls(m) => write!(f, "Rustls({})", m.describe()),
        }
    }
}

impl Connector {
    /// Whether TLS is compiled into this connector.
    pub(crate) fn is_tls(&self) -> bool {
        !matches!(self, Connector::Plain)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes() {
        for (name, ssl) in [
            ("disable", SslMode::Disable),
            ("allow", SslMode::Disable),
            ("prefer", SslMode::Prefer),
            ("require", SslMode::Require),
            ("verify-ca", SslMode::Require),
            ("verify-full", SslMode::Require),
        ] {
            let mode = Mode::parse(name).unwrap();
            assert_eq!(mode.name(), name);
            assert_eq!(mode.ssl_mode(), ssl, "{name}");
        }
        assert!(Mode::parse("Require").is_err());
        assert_eq!(TlsOptions::default().mode(), Mode::Prefer);
    }

    #[test]
    fn plain_modes_need_no_tls() {
        let mut o = TlsOptions::default();
        o.set("sslmode", "disable").unwrap();
        o.set("sslrootcert", "/nonexistent").unwrap();
        assert!(!o.connector().unwrap().is_tls());
        assert!(!o.set("sslother", "x").unwrap());
    }

    #[cfg(not(feature = "rustls"))]
    #[test]
    fn tls_without_the_feature_names_it() {
        for (k, v) in [
            ("sslmode", "require"),
            ("sslmode", "verify-ca"),
            ("sslmode", "verify-full"),
            ("sslrootcert", "/tmp/root.crt"),
        ] {
            let mut o = TlsOptions::default();
            o.set(k, v).unwrap();
            let err = o.connector().unwrap_err();
            assert_eq!(err.kind(), quarry::ErrorKind::Configuration);
            assert!(err.to_string().contains("`rustls` feature"), "{err}");
        }
        assert!(!TlsOptions::default().connector().unwrap().is_tls());
    }
}

//! tokio-postgres' `MakeTlsConnect` over tokio-rustls with the ring provider: the client
//! configuration for each `sslmode`, the certificate verifiers, and the channel binding data
//! SCRAM-SHA-256-PLUS needs.

use super::{Mode, TlsOptions};
use quarry::Error;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio_postgres::tls::{ChannelBinding, MakeTlsConnect, TlsConnect, TlsStream};

/// Opens TLS connections with one rustls client configuration (cheap to clone).
#[derive(Clone)]
pub(crate) struct MakeRustls {
    config: Arc<ClientConfig>,
    /// Where the root certificates came from, for error messages ("sslrootcert=…").
    roots: Arc<str>,
    mode: Mode,
}

/// The ring provider, named rather than taken from the process default, so that another
/// crate installing aws-lc-rs (or none) changes nothing here.
fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn config_error(what: impl std::fmt::Display) -> Error {
    Error::Configuration(what.to_string())
}

/// Reads every PEM certificate of `path` (`what` names the URL parameter).
fn read_certs(what: &str, path: &str) -> quarry::Result<Vec<CertificateDer<'static>>> {
    let pem = std::fs::read(path)
        .map_err(|e| config_error(format!("{what}={path}: cannot read the file: {e}")))?;
    let certs = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| config_error(format!("{what}={path}: not a PEM certificate file: {e}")))?;
    if certs.is_empty() {
        return Err(config_error(format!(
            "{what}={path}: the file holds no PEM certificate"
        )));
    }
    Ok(certs)
}

/// The root certificates of `sslrootcert` (a file, or `system` for the bundled Mozilla roots),
/// or of libpq's default file `~/.postgresql/root.crt`, and a description of their origin.
fn roots(options: &TlsOptions) -> quarry::Result<(RootCertStore, String)> {
    let mut store = RootCertStore::empty();
    let path = match options.root_cert.as_deref() {
        Some("system") => {
            store.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
            return Ok((store, "sslrootcert=system".into()));
        }
        Some(path) => path.to_owned(),
        None => {
            let default = std::env::var_os("HOME")
                .map(|home| std::path::Path::new(&home).join(".postgresql/root.crt"))
                .filter(|p| p.exists());
            match default {
                Some(p) => p.to_string_lossy().into_owned(),
                None => {
                    return Err(config_error(format!(
                        "sslmode={} checks the server's certificate and needs root \
                         certificates: set sslrootcert to a PEM file of them (or to `system` \
                         for the bundled Mozilla roots), or use sslmode=require to encrypt \
                         without checking; ~/.postgresql/root.crt does not exist",
                        options.mode().name()
                    )))
                }
            }
        }
    };
    for cert in read_certs("sslrootcert", &path)? {
        store.add(cert).map_err(|e| {
            config_error(format!(
                "sslrootcert={path}: not a usable root certificate: {e}"
            ))
        })?;
    }
    Ok((store, format!("sslrootcert={path}")))
}

impl MakeRustls {
    /// The client configuration for `options` (whose mode is not `disable` or `allow`).
    pub(crate) fn new(options: &TlsOptions) -> quarry::Result<MakeRustls> {
        let provider = provider();
        let mode = options.mode();
        // libpq: with an explicit root file, `require` checks the chain as `verify-ca`.
        let check = match mode {
            Mode::Require if options.root_cert.is_some() => Mode::VerifyCa,
            m => m,
        };
        let (verifier, roots): (Arc<dyn ServerCertVerifier>, String) = match check {
            Mode::VerifyCa | Mode::VerifyFull => {
                let (store, origin) = roots(options)?;
                let webpki =
                    WebPkiServerVerifier::builder_with_provider(Arc::new(store), provider.clone())
                        .build()
                        .map_err(|e| config_error(format!("sslrootcert: {e}")))?;
                if check == Mode::VerifyFull {
                    (webpki, origin)
                } else {
                    (Arc::new(ChainOnly(webpki)), origin)
                }
            }
            _ => (
                Arc::new(AcceptAnyCertificate(provider.clone())),
                "no root certificates".into(),
            ),
        };
        let builder = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(config_error)?
            .dangerous()
            .with_custom_certificate_verifier(verifier);
        let mut config = match (&options.cert, &options.key) {
            (None, None) => builder.with_no_client_auth(),
            (Some(cert), Some(key)) => {
                let chain = read_certs("sslcert", cert)?;
                let pem = std::fs::read(key).map_err(|e| {
                    config_error(format!("sslkey={key}: cannot read the file: {e}"))
                })?;
                let key_der = PrivateKeyDer::from_pem_slice(&pem).map_err(|e| {
                    config_error(format!(
                        "sslkey={key}: no unencrypted PEM private key (PKCS#8, PKCS#1 or \
                         SEC1): {e}"
                    ))
                })?;
                builder
                    .with_client_auth_cert(chain, key_der)
                    .map_err(|e| config_error(format!("sslcert={cert}, sslkey={key}: {e}")))?
            }
            (Some(_), None) => {
                return Err(config_error(
                    "sslcert is set without sslkey (the client's private key)",
                ))
            }
            (None, Some(_)) => {
                return Err(config_error(
                    "sslkey is set without sslcert (the client's certificate)",
                ))
            }
        };
        // What libpq 17 sends; PostgreSQL 17 requires it for `sslnegotiation=direct`.
        config.alpn_protocols = vec![b"postgresql".to_vec()];
        Ok(MakeRustls {
            config: Arc::new(config),
            roots: roots.into(),
            mode,
        })
    }

    /// For `Debug`: the mode and where the roots come from.
    pub(crate) fn describe(&self) -> String {
        format!("sslmode={}, {}", self.mode.name(), self.roots)
    }
}

impl MakeTlsConnect<tokio_postgres::Socket> for MakeRustls {
    type Stream = RustlsStream;
    type TlsConnect = RustlsConnect;
    type Error = TlsError;

    fn make_tls_connect(&mut self, domain: &str) -> Result<RustlsConnect, TlsError> {
        let name = ServerName::try_from(domain.to_owned()).map_err(|_| TlsError {
            message: format!(
                "{domain:?} is not a host name or IP address TLS can check a certificate against"
            ),
            unverified: false,
        })?;
        Ok(RustlsConnect {
            connector: tokio_rustls::TlsConnector::from(self.config.clone()),
            name,
            roots: self.roots.clone(),
        })
    }
}

/// One connection's handshake.
pub(crate) struct RustlsConnect {
    connector: tokio_rustls::TlsConnector,
    name: ServerName<'static>,
    roots: Arc<str>,
}

impl TlsConnect<tokio_postgres::Socket> for RustlsConnect {
    type Stream = RustlsStream;
    type Error = TlsError;
    type Future = Pin<Box<dyn Future<Output = Result<RustlsStream, TlsError>> + Send>>;

    fn connect(self, stream: tokio_postgres::Socket) -> Self::Future {
        Box::pin(async move {
            let RustlsConnect {
                connector,
                name,
                roots,
            } = self;
            match connector.connect(name.clone(), stream).await {
                Ok(s) => Ok(RustlsStream(s)),
                Err(e) => Err(TlsError::handshake(e, &name, &roots)),
            }
        })
    }
}

/// A failed TLS set-up, worded for the person reading the connection error.
#[derive(Debug)]
pub(crate) struct TlsError {
    message: String,
    /// The server's certificate was refused (rather than the handshake failing otherwise).
    unverified: bool,
}

/// What a connection error says of a failed TLS set-up in its own words, its details left to
/// the [`TlsError`] in its `source()` chain; `None` when `err` is not one.
pub(crate) fn summary(err: &(dyn std::error::Error + 'static)) -> Option<&'static str> {
    let mut next = Some(err);
    while let Some(e) = next {
        if let Some(t) = e.downcast_ref::<TlsError>() {
            return Some(if t.unverified {
                "the server's certificate could not be verified"
            } else {
                "the TLS set-up failed"
            });
        }
        next = e.source();
    }
    None
}

impl TlsError {
    fn handshake(err: io::Error, name: &ServerName<'_>, roots: &str) -> TlsError {
        let rustls_error = err
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<rustls::Error>());
        let host = name.to_str();
        let unverified = matches!(rustls_error, Some(rustls::Error::InvalidCertificate(_)));
        let message = match rustls_error {
            Some(rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer)) => format!(
                "the server's certificate could not be verified: it is not signed by a \
                 trusted root ({roots}) ({err})"
            ),
            Some(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => format!(
                "the server's certificate could not be verified for host {host}: {err} \
                 (sslmode=verify-ca checks the chain only)"
            ),
            Some(rustls::Error::InvalidCertificate(_)) => {
                format!("the server's certificate could not be verified ({roots}): {err}")
            }
            _ => format!("TLS handshake with {host} failed: {err}"),
        };
        TlsError {
            message,
            unverified,
        }
    }
}

impl std::fmt::Display for TlsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TlsError {}

/// An encrypted connection to the server.
pub(crate) struct RustlsStream(tokio_rustls::client::TlsStream<tokio_postgres::Socket>);

impl TlsStream for RustlsStream {
    /// `tls-server-end-point` (RFC 5929): the digest of the server's certificate with the hash
    /// of its signature algorithm (SHA-256 for MD5 and SHA-1). Without one (an unknown
    /// algorithm), SCRAM runs without channel binding.
    fn channel_binding(&self) -> ChannelBinding {
        let (_, session) = self.0.get_ref();
        session
            .peer_certificates()
            .and_then(|certs| certs.first())
            .and_then(|cert| end_point_digest(cert))
            .map_or_else(ChannelBinding::none, ChannelBinding::tls_server_end_point)
    }
}

impl AsyncRead for RustlsStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl AsyncWrite for RustlsStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.0.is_write_vectored()
    }
}

/// `require` (and `prefer`): encryption without checking who the server is. The handshake's
/// signatures are still checked, so the session keys belong to the certificate presented.
#[derive(Debug)]
struct AcceptAnyCertificate(Arc<CryptoProvider>);

impl ServerCertVerifier for AcceptAnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// `verify-ca`: the chain must lead to a trusted root; the names in the certificate are not
/// compared with the host. (webpki checks the chain before the name, so a name mismatch
/// means the chain was good.)
#[derive(Debug)]
struct ChainOnly(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
        {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

/// One DER element of tag `tag` at the start of `input`: its contents and what follows it.
fn der(input: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    let (&t, rest) = input.split_first()?;
    if t != tag {
        return None;
    }
    let (&first, mut rest) = rest.split_first()?;
    let len = if first < 0x80 {
        usize::from(first)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
        rest = &rest[n..];
        len
    };
    (rest.len() >= len).then(|| rest.split_at(len))
}

/// The certificate's signature algorithm OID (`Certificate ::= SEQUENCE { tbsCertificate,
/// signatureAlgorithm AlgorithmIdentifier, signature }`), as DER contents.
fn signature_algorithm(cert: &[u8]) -> Option<&[u8]> {
    let (certificate, _) = der(cert, 0x30)?;
    let (_, rest) = der(certificate, 0x30)?;
    let (algorithm, _) = der(rest, 0x30)?;
    let (oid, _) = der(algorithm, 0x06)?;
    Some(oid)
}

/// The `tls-server-end-point` digest of `cert`, or `None` for a signature algorithm without
/// one hash (Ed25519, RSA-PSS, unknown ones).
fn end_point_digest(cert: &[u8]) -> Option<Vec<u8>> {
    const RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01];
    const ECDSA_SHA2: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03];
    const ECDSA_SHA1: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x01];
    use ring::digest::{SHA256, SHA384, SHA512};
    let oid = signature_algorithm(cert)?;
    let algorithm = match oid {
        // md5WithRSA, sha1WithRSA, sha256WithRSA, sha384WithRSA, sha512WithRSA, sha224WithRSA
        [prefix @ .., last] if prefix == RSA => match last {
            0x04 | 0x05 | 0x0b | 0x0e => &SHA256,
            0x0c => &SHA384,
            0x0d => &SHA512,
            _ => return None,
        },
        [prefix @ .., last] if prefix == ECDSA_SHA2 => match last {
            0x01 | 0x02 => &SHA256,
            0x03 => &SHA384,
            0x04 => &SHA512,
            _ => return None,
        },
        o if o == ECDSA_SHA1 => &SHA256,
        _ => return None,
    };
    Some(ring::digest::digest(algorithm, cert).as_ref().to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn der_lengths() {
        assert_eq!(
            der(&[0x30, 0x02, 1, 2, 9], 0x30),
            Some((&[1, 2][..], &[9][..]))
        );
        assert_eq!(der(&[0x30, 0x03, 1, 2], 0x30), None);
        assert_eq!(der(&[0x31, 0x00], 0x30), None);
        let mut long = vec![0x30, 0x82, 0x01, 0x00];
        long.extend(std::iter::repeat_n(7u8, 256));
        assert_eq!(
            der(&long, 0x30).map(|(c, r)| (c.len(), r.len())),
            Some((256, 0))
        );
    }

    #[test]
    fn end_point_hash_follows_the_signature_algorithm() {
        // SEQUENCE { SEQUENCE {} (tbs), SEQUENCE { OID sha384WithRSA }, BIT STRING }
        let cert = [
            0x30, 0x12, 0x30, 0x00, 0x30, 0x0b, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d,
            0x01, 0x01, 0x0c, 0x03, 0x01, 0x00,
        ];
        assert_eq!(end_point_digest(&cert).map(|d| d.len()), Some(48));
        let mut sha1 = cert;
        sha1[16] = 0x05;
        assert_eq!(end_point_digest(&sha1).map(|d| d.len()), Some(32));
        let mut pss = cert;
        pss[16] = 0x0a;
        assert_eq!(end_point_digest(&pss), None);
        assert_eq!(end_point_digest(b"not DER"), None);
    }

    #[test]
    fn configuration_errors() {
        let options = |pairs: &[(&str, &str)]| {
            let mut o = TlsOptions::default();
            for (k, v) in pairs {
                o.set(k, v).unwrap();
            }
            o
        };
        assert!(MakeRustls::new(&options(&[("sslmode", "require")])).is_ok());
        assert!(MakeRustls::new(&options(&[
            ("sslmode", "verify-full"),
            ("sslrootcert", "system")
        ]))
        .is_ok());
        let err = MakeRustls::new(&options(&[
            ("sslmode", "verify-ca"),
            ("sslrootcert", "/nonexistent/root.crt"),
        ]))
        .err()
        .unwrap();
        assert!(err.to_string().contains("/nonexistent/root.crt"), "{err}");
        let err = MakeRustls::new(&options(&[("sslmode", "require"), ("sslcert", "/x")]))
            .err()
            .unwrap();
        assert!(err.to_string().contains("without sslkey"), "{err}");
    }
}

//! The connection: the URL as the client reads it, TLS per `sslmode`, a
//! read-only session with a statement timeout, and errors that name the
//! host, port, database and user but never the password.

use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use postgres::config::{Host, SslMode};
use postgres::{Client, Config, NoTls};

/// Where a session is connected: what messages name (never the password).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub host: String,
    pub port: u16,
    pub database: String,
    pub user: String,
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "host {} port {}, database {}, user {}",
            self.host, self.port, self.database, self.user
        )
    }
}

/// `sslmode`, as libpq spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsMode {
    Disable,
    /// `allow` and `prefer` (libpq's default): TLS when the server offers
    /// it, the certificate not verified.
    Prefer,
    /// TLS or no connection; the certificate not verified (as libpq does
    /// without a root certificate).
    Require,
    /// `verify-ca` and `verify-full`: the certificate chain and the host
    /// name are verified against `sslrootcert` or the system's CAs.
    Verify,
}

impl TlsMode {
    fn parse(text: &str) -> Result<TlsMode, String> {
        match text {
            "disable" => Ok(TlsMode::Disable),
            "allow" | "prefer" => Ok(TlsMode::Prefer),
            "require" => Ok(TlsMode::Require),
            "verify-ca" | "verify-full" => Ok(TlsMode::Verify),
            other => Err(format!(
                "unknown sslmode `{other}` (expected disable, allow, prefer, require, verify-ca or verify-full)"
            )),
        }
    }
}

/// The TLS parameters taken out of a URL before the client reads the rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tls {
    pub mode: TlsMode,
    pub root_cert: Option<PathBuf>,
}

/// A read-only session on a database.
pub struct Session {
    pub client: Client,
    pub target: Target,
}

/// The application name the session reports (`pg_stat_activity`, logs).
pub const APPLICATION_NAME: &str = "schema-lint";

/// Connects to `url` (a `postgresql://` URL or `key=value` pairs), makes
/// the session read-only and sets the statement timeout.
pub fn connect(url: &str, statement_timeout: Duration) -> Result<Session, String> {
    let secrets = url_password(url).into_iter().collect::<Vec<_>>();
    let (rest, tls) = split_tls(url).map_err(|e| scrub(&e, &secrets))?;
    let mut config = Config::from_str(&rest)
        .map_err(|e| scrub(&format!("invalid database URL: {e}"), &secrets))?;
    let mut secrets = secrets;
    if let Some(password) = config.get_password() {
        secrets.push(String::from_utf8_lossy(password).into_owned());
    }
    if config.get_user().is_none() {
        // libpq's default: the operating system user.
        let user = std::env::var("USER").unwrap_or_else(|_| "postgres".to_string());
        config.user(&user);
    }
    if config.get_hosts().is_empty() {
        config.host("localhost");
    }
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(Duration::from_secs(10));
    }
    if config.get_application_name().is_none() {
        config.application_name(APPLICATION_NAME);
    }
    let target = target(&config);
    let unix_only = config
        .get_hosts()
        .iter()
        .all(|host| !matches!(host, Host::Tcp(_)));
    let failed = |e: String| {
        scrub(
            &format!("cannot connect to PostgreSQL at {target}: {e}"),
            &secrets,
        )
    };
    // TLS is not used on unix sockets (as libpq).
    let client = if tls.mode == TlsMode::Disable || unix_only {
        config.ssl_mode(SslMode::Disable);
        config.connect(NoTls)
    } else {
        config.ssl_mode(match tls.mode {
            TlsMode::Prefer => SslMode::Prefer,
            _ => SslMode::Require,
        });
        let connector = connector(&tls).map_err(failed)?;
        config.connect(connector)
    };
    let mut client = client.map_err(|e| failed(cause(&e)))?;
    let millis = statement_timeout.as_millis().max(1);
    client
        .batch_execute(&format!(
            "SET default_transaction_read_only = on; SET statement_timeout = {millis}; \
             SET search_path = public"
        ))
        .map_err(|e| failed(cause(&e)))?;
    Ok(Session { client, target })
}

/// What a client error says, with the server's message when it sent one.
pub fn cause(error: &postgres::Error) -> String {
    if let Some(db) = error.as_db_error() {
        return db.message().to_string();
    }
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        let more = inner.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        source = inner.source();
    }
    text
}

fn target(config: &Config) -> Target {
    let host = config
        .get_hosts()
        .iter()
        .map(|host| match host {
            Host::Tcp(name) => name.clone(),
            Host::Unix(path) => crate::source::display_path(path),
        })
        .collect::<Vec<_>>()
        .join(",");
    let user = config.get_user().unwrap_or_default().to_string();
    Target {
        host,
        port: config.get_ports().first().copied().unwrap_or(5432),
        database: config
            .get_dbname()
            .map(str::to_string)
            .unwrap_or_else(|| user.clone()),
        user,
    }
}

/// `text` with every secret replaced by `***`.
pub fn scrub(text: &str, secrets: &[String]) -> String {
    let mut out = text.to_string();
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        out = out.replace(secret.as_str(), "***");
        let encoded = percent_encode(secret);
        if encoded != *secret {
            out = out.replace(&encoded, "***");
        }
    }
    out
}

/// The password of a `postgresql://user:password@…` URL, as written and
/// decoded (for scrubbing messages before the client has read the URL).
fn url_password(url: &str) -> Vec<String> {
    let Some(rest) = url
        .strip_prefix("postgresql://")
        .or_else(|| url.strip_prefix("postgres://"))
    else {
        // key=value form: `password=…`.
        return url
            .split_whitespace()
            .filter_map(|pair| pair.strip_prefix("password="))
            .map(|p| p.trim_matches('\'').to_string())
            .collect();
    };
    let authority = rest.split(['/', '?']).next().unwrap_or("");
    let Some((userinfo, _)) = authority.rsplit_once('@') else {
        return Vec::new();
    };
    match userinfo.split_once(':') {
        Some((_, password)) => vec![password.to_string(), percent_decode(password)],
        None => Vec::new(),
    }
}

/// Takes `sslmode` and `sslrootcert` out of a URL (or `key=value` pairs):
/// the client knows only some modes, and TLS is set up here.
pub fn split_tls(url: &str) -> Result<(String, Tls), String> {
    let mut mode = None;
    let mut root_cert = None;
    let mut take = |key: &str, value: &str| -> Result<bool, String> {
        match key {
            "sslmode" => {
                mode = Some(TlsMode::parse(value)?);
                Ok(true)
            }
            "sslrootcert" => {
                root_cert = Some(PathBuf::from(value));
                Ok(true)
            }
            _ => Ok(false),
        }
    };
    let rest = if url.starts_with("postgresql://") || url.starts_with("postgres://") {
        match url.split_once('?') {
            Some((base, query)) => {
                let mut kept = Vec::new();
                for pair in query.split('&').filter(|p| !p.is_empty()) {
                    let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                    if !take(&percent_decode(key), &percent_decode(value))? {
                        kept.push(pair);
                    }
                }
                if kept.is_empty() {
                    base.to_string()
                } else {
                    format!("{base}?{}", kept.join("&"))
                }
            }
            None => url.to_string(),
        }
    } else {
        let mut kept = Vec::new();
        for pair in url.split_whitespace() {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            if !take(key, value.trim_matches('\''))? {
                kept.push(pair);
            }
        }
        kept.join(" ")
    };
    Ok((
        rest,
        Tls {
            mode: mode.unwrap_or(TlsMode::Prefer),
            root_cert,
        },
    ))
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = text.get(i + 1..i + 3)
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The rustls connector for `tls`: verifying for `verify-*`, else
/// encrypting without verifying the certificate (libpq's `prefer` and
/// `require`).
fn connector(tls: &Tls) -> Result<tokio_postgres_rustls::MakeRustlsConnect, String> {
    use rustls::ClientConfig;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS: {e}"))?;
    let config = if tls.mode == TlsMode::Verify {
        let mut roots = rustls::RootCertStore::empty();
        match &tls.root_cert {
            Some(path) => {
                use rustls::pki_types::CertificateDer;
                use rustls::pki_types::pem::PemObject;
                let shown = crate::source::display_path(path);
                let certs = CertificateDer::pem_file_iter(path)
                    .map_err(|e| format!("cannot read sslrootcert {shown}: {e}"))?;
                for cert in certs {
                    let cert = cert.map_err(|e| format!("cannot read sslrootcert {shown}: {e}"))?;
                    roots
                        .add(cert)
                        .map_err(|e| format!("sslrootcert {shown}: {e}"))?;
                }
            }
            None => {
                let found = rustls_native_certs::load_native_certs();
                roots.add_parsable_certificates(found.certs);
            }
        }
        if roots.is_empty() {
            return Err(
                "sslmode asks to verify the server, but no CA certificate was found \
                        (give sslrootcert=FILE)"
                    .to_string(),
            );
        }
        builder.with_root_certificates(roots).with_no_client_auth()
    } else {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(Unverified(provider)))
            .with_no_client_auth()
    };
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

/// Accepts any certificate (libpq's `require`), still checking that the
/// handshake is signed by it.
#[derive(Debug)]
struct Unverified(Arc<rustls::crypto::CryptoProvider>);

impl rustls::client::danger::ServerCertVerifier for Unverified {
    fn verify_server_cert(
        &self,
        _end_entity: &rustls::pki_types::CertificateDer<'_>,
        _intermediates: &[rustls::pki_types::CertificateDer<'_>],
        _server_name: &rustls::pki_types::ServerName<'_>,
        _ocsp_response: &[u8],
        _now: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_parameters_leave_the_url() {
        let (rest, tls) =
            split_tls("postgresql://u:p@h:5433/db?sslmode=verify-full&connect_timeout=3").unwrap();
        assert_eq!(rest, "postgresql://u:p@h:5433/db?connect_timeout=3");
        assert_eq!(tls.mode, TlsMode::Verify);
        let (rest, tls) = split_tls("host=h sslmode=disable dbname=x").unwrap();
        assert_eq!(rest, "host=h dbname=x");
        assert_eq!(tls.mode, TlsMode::Disable);
        let (rest, tls) = split_tls("postgresql://h/db").unwrap();
        assert_eq!(rest, "postgresql://h/db");
        assert_eq!(tls.mode, TlsMode::Prefer);
        assert!(split_tls("postgresql://h/db?sslmode=sometimes").is_err());
    }

    #[test]
    fn passwords_are_scrubbed() {
        let secrets = url_password("postgresql://app:s%40cret@db.example:5432/app");
        assert_eq!(
            scrub("bad URL postgresql://app:s%40cret@x, s@cret", &secrets),
            "bad URL postgresql://app:***@x, ***"
        );
        assert_eq!(url_password("host=h password=hunter2"), ["hunter2"]);
    }

    #[test]
    fn a_bad_url_is_an_error_without_the_password() {
        let Err(message) = connect(
            "postgresql://app:hunter2@host:notaport/db",
            Duration::from_secs(1),
        ) else {
            panic!("connected");
        };
        assert!(!message.contains("hunter2"), "{message}");
    }
}

// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The server's TLS: a PEM certificate chain and private key (PKCS#8, PKCS#1 or SEC1),
//! TLS 1.2 and 1.3 with rustls' safe defaults, read again on SIGHUP (see
//! [`Reloadable::reload`]); a reload that fails keeps the certificate in use.

use std::path::Path;
use std::sync::{Arc, RwLock};

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::TlsAcceptor;

use crate::config::serve::TlsFiles;

/// Why the certificate or key cannot be used. Names the file, never its content.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("serve.tls.cert {path}: {why}")]
    Cert { path: String, why: String },
    #[error("serve.tls.key {path}: {why}")]
    Key { path: String, why: String },
    #[error("serve.tls: the certificate and key do not go together: {0}")]
    Config(String),
}

fn shown(p: &Path) -> String {
    crate::model::sanitize::one_line(&p.display().to_string(), 200)
}

/// Reads `files` into an acceptor.
///
/// # Errors
/// A file cannot be read or holds no certificate or key, or the key does not fit.
pub fn load_tls(files: &TlsFiles) -> Result<TlsAcceptor, TlsError> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&files.cert)
        .and_then(|it| it.collect::<Result<Vec<_>, _>>())
        .map_err(|e| TlsError::Cert {
            path: shown(&files.cert),
            why: e.to_string(),
        })?;
    if certs.is_empty() {
        return Err(TlsError::Cert {
            path: shown(&files.cert),
            why: "no certificate in it".into(),
        });
    }
    let key = PrivateKeyDer::from_pem_file(&files.key).map_err(|e| TlsError::Key {
        path: shown(&files.key),
        why: e.to_string(),
    })?;
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError::Config(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| TlsError::Config(e.to_string()))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// The acceptor in use and where it came from.
pub struct Reloadable {
    files: TlsFiles,
    current: RwLock<TlsAcceptor>,
}

impl Reloadable {
    /// Reads `files` once.
    ///
    /// # Errors
    /// As [`load_tls`].
    pub fn new(files: TlsFiles) -> Result<Reloadable, TlsError> {
        let a = load_tls(&files)?;
        Ok(Reloadable {
            files,
            current: RwLock::new(a),
        })
    }

    /// The acceptor for a new connection.
    pub fn current(&self) -> TlsAcceptor {
        match self.current.read() {
            Ok(g) => g.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    /// Reads the files again; on success new connections use them.
    ///
    /// # Errors
    /// As [`load_tls`]; the acceptor in use stays.
    pub fn reload(&self) -> Result<(), TlsError> {
        let a = load_tls(&self.files)?;
        match self.current.write() {
            Ok(mut g) => *g = a,
            Err(p) => *p.into_inner() = a,
        }
        Ok(())
    }
}

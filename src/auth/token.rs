//! Opaque secrets: bearer tokens and client secrets. Random, prefixed so a leaked one is
//! recognisable, stored only as SHA-256, never printed by `Debug`.

use std::fmt;

use rand::RngCore;
use sha2::{Digest, Sha256};

/// A freshly generated secret, shown to its owner once.
pub struct PlainSecret(String);

impl PlainSecret {
    /// 32 random bytes, hex-encoded behind `prefix` (e.g. `mcat_`).
    pub fn generate(prefix: &str) -> Self {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        Self(format!("{prefix}{}", to_hex(&bytes)))
    }

    /// The secret itself, to hand to its owner.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The digest that is stored.
    pub fn hash(&self) -> Vec<u8> {
        hash_secret(&self.0)
    }
}

impl fmt::Debug for PlainSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PlainSecret(<redacted>)")
    }
}

/// SHA-256 of a presented secret, for lookup against stored digests. High-entropy random
/// secrets need no slow hash; passwords do (see `password`).
pub fn hash_secret(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

/// Lower-case hex.
pub fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Prefix of access tokens.
pub const ACCESS_TOKEN_PREFIX: &str = "mcat_";
/// Prefix of client secrets.
pub const CLIENT_SECRET_PREFIX: &str = "mccs_";

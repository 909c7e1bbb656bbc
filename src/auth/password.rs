//! Password hashing with argon2id, always off the async runtime (a hash costs tens of
//! milliseconds by design).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use argon2::{Algorithm, Argon2, Params, Version};
use secrecy::{ExposeSecret, SecretString};

/// Hashes a password into a PHC string (`$argon2id$v=19$m=…`).
pub async fn hash(password: SecretString, params: Params) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        hasher(params)
            .hash_password(password.expose_secret().as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))
    })
    .await?
}

/// Checks a password against a stored PHC string; a malformed stored hash never matches.
pub async fn verify(password: SecretString, stored: String) -> anyhow::Result<bool> {
    tokio::task::spawn_blocking(move || {
        let Ok(parsed) = PasswordHash::new(&stored) else {
            return false;
        };
        // Verification reads the cost from the stored hash itself.
        Argon2::default().verify_password(password.expose_secret().as_bytes(), &parsed).is_ok()
    })
    .await
    .map_err(Into::into)
}

fn hasher(params: Params) -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A valid hash of nothing in particular, verified against when a username is unknown so
/// that unknown and known usernames take the same time to refuse.
pub const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2VbqsIuTlB6fcRIkoEOfWPeNaTzq4KkEOMFqVcS/kHg";

//! Password hashing with argon2id, always off the async runtime (a hash costs tens of
//! milliseconds and ~19 MiB by design), and at most one per core (up to [`AT_MOST`]) at a
//! time, since more would only share the cores and add memory: a burst of logins
//! queues for a while and is then answered 503, instead of taking unbounded memory and CPU.

use std::time::Duration;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use argon2::{Algorithm, Argon2, Params, Version};
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::{Semaphore, SemaphorePermit};

use crate::platform::error::{Error, Result};

/// The most hashes or verifications that run at once, whatever the number of cores.
pub const AT_MOST: usize = 4;

/// How long a hash waits for its turn before the request is answered 503.
const MAX_WAIT: Duration = Duration::from_secs(10);

static TURNS: std::sync::OnceLock<Semaphore> = std::sync::OnceLock::new();

/// Waits for a turn to hash, or refuses with 503 when the queue is too long.
async fn turn() -> Result<SemaphorePermit<'static>> {
    let turns = TURNS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        Semaphore::new(cores.clamp(1, AT_MOST))
    });
    match tokio::time::timeout(MAX_WAIT, turns.acquire()).await {
        Ok(Ok(permit)) => Ok(permit),
        _ => Err(Error::unavailable("service.unavailable", "too many password checks at once; retry shortly", 2)),
    }
}

/// Hashes a password into a PHC string (`$argon2id$v=19$m=…`).
pub async fn hash(password: SecretString, params: Params) -> Result<String> {
    let _turn = turn().await?;
    let hashed = tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        hasher(params)
            .hash_password(password.expose_secret().as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))
    })
    .await
    .map_err(anyhow::Error::from)??;
    Ok(hashed)
}

/// Checks a password against a stored PHC string; a malformed stored hash never matches.
pub async fn verify(password: SecretString, stored: String) -> Result<bool> {
    let _turn = turn().await?;
    let right = tokio::task::spawn_blocking(move || {
        let Ok(parsed) = PasswordHash::new(&stored) else {
            return false;
        };
        // Verification reads the cost from the stored hash itself.
        Argon2::default().verify_password(password.expose_secret().as_bytes(), &parsed).is_ok()
    })
    .await
    .map_err(anyhow::Error::from)?;
    Ok(right)
}

fn hasher(params: Params) -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A valid hash of nothing in particular, verified against when a username is unknown so
/// that unknown and known usernames take the same time to refuse.
pub const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2VbqsIuTlB6fcRIkoEOfWPeNaTzq4KkEOMFqVcS/kHg";

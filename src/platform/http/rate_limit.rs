//! Rate limits on the endpoints where credentials are guessed: the token endpoint, staff and
//! person sign-in, binding and SMS sending. Each request counts against its source address
//! and, where it carries a bearer token (the calling channel), against that token too; beyond
//! the quota it is answered 429 `rate.limited` with `Retry-After`, before any work is done.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::NonZeroU32;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use sha2::{Digest, Sha256};

use super::AppState;
use crate::platform::config::RateLimitSettings;
use crate::platform::error::Error;

/// The routes limited (all `POST`).
const LIMITED: [&str; 5] = ["/v1/oauth/token", "/v1/staff/sessions", "/v1/sessions", "/v1/bindings", "/v1/sms-codes"];

/// Whether `path` is one of the rate-limited sign-in routes.
pub fn is_limited(path: &str) -> bool {
    LIMITED.contains(&path)
}

/// Keys kept before stale ones are pruned.
const PRUNE_ABOVE: usize = 10_000;

/// The two keyed limiters.
#[derive(Debug)]
pub struct SignInLimits {
    by_source: DefaultKeyedRateLimiter<IpAddr>,
    by_client: DefaultKeyedRateLimiter<[u8; 32]>,
}

impl SignInLimits {
    /// Limiters with the configured per-minute quotas (bursts of the same size).
    pub fn new(settings: &RateLimitSettings) -> Self {
        let quota = |per_minute: u32| Quota::per_minute(NonZeroU32::new(per_minute.max(1)).expect("at least 1"));
        Self {
            by_source: RateLimiter::keyed(quota(settings.sign_ins_per_minute_per_source)),
            by_client: RateLimiter::keyed(quota(settings.sign_ins_per_minute_per_client)),
        }
    }

    /// Counts one request; the seconds to wait when over a quota.
    fn check(&self, source: IpAddr, client: Option<[u8; 32]>) -> Result<(), u64> {
        if self.by_source.len() > PRUNE_ABOVE {
            self.by_source.retain_recent();
        }
        if self.by_client.len() > PRUNE_ABOVE {
            self.by_client.retain_recent();
        }
        let now = DefaultClock::default().now();
        self.by_source.check_key(&source).map_err(|n| n.wait_time_from(now).as_secs() + 1)?;
        if let Some(client) = client {
            self.by_client.check_key(&client).map_err(|n| n.wait_time_from(now).as_secs() + 1)?;
        }
        Ok(())
    }
}

/// The key of a bearer token: its digest, however the header spells the scheme and spaces, so
/// `Bearer x`, `bearer x` and `Bearer  x ` count as one caller.
fn bearer_key(header: &str) -> [u8; 32] {
    let header = header.trim();
    let token =
        header.get(..7).filter(|scheme| scheme.eq_ignore_ascii_case("bearer ")).map_or(header, |_| &header[7..]);
    Sha256::digest(token.trim().as_bytes()).into()
}

/// Middleware: refuses a sign-in request over its quota.
pub async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if request.method() != Method::POST || !is_limited(request.uri().path()) {
        return next.run(request).await;
    }
    // In-process callers (tests) have no peer address; they share one key.
    let source = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| info.0.ip());
    let client = request.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).map(bearer_key);
    match state.limits.check(source, client) {
        Ok(()) => next.run(request).await,
        Err(wait) => Error::too_many(
            "rate.limited",
            "too many sign-in attempts from this source or channel; wait and retry",
            wait.min(u64::from(u32::MAX)) as u32,
        )
        .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::bearer_key;

    #[test]
    fn one_token_is_one_key_however_the_header_spells_it() {
        let key = bearer_key("Bearer mcat_abc");
        for spelling in ["bearer mcat_abc", "Bearer  mcat_abc ", " BEARER mcat_abc", "mcat_abc"] {
            assert_eq!(bearer_key(spelling), key, "{spelling}");
        }
        assert_ne!(bearer_key("Bearer mcat_abd"), key);
    }
}

//! Read-your-writes across the read replica: once a write has succeeded, the token that made it,
//! and a session token the write issued, are fenced at the primary's WAL position, so their next
//! GETs read on the replica only when it holds the write (`Core::reading`). Without a replica
//! nothing is fenced.

use axum::Extension;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

use super::IssuedToken;
use super::extract::presented_token;
use super::store::tokens;
use crate::auth::token::hash_secret;
use crate::platform::http::AppState;

/// A token issued by the response it travels with, to be fenced with the caller's own.
#[derive(Debug, Clone)]
pub struct FenceIssued(Vec<u8>);

impl FenceIssued {
    /// The response part that fences `token` (a person session just opened).
    pub fn token(token: &IssuedToken) -> Extension<Self> {
        Extension(Self(token.access_token.hash()))
    }
}

/// Middleware, inside the run-to-completion task: after a successful write, fences its tokens.
/// A failed fence is logged, not answered: the write itself has committed.
pub async fn fence_writes(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if state.core.replica.is_none() || request.method().is_safe() {
        return next.run(request).await;
    }
    let presented = presented_token(request.headers()).map(hash_secret);
    let mut response = next.run(request).await;
    if !response.status().is_success() {
        return response;
    }
    let issued = response.extensions_mut().remove::<FenceIssued>().map(|issued| issued.0);
    let fenced: Vec<Vec<u8>> = presented.into_iter().chain(issued).collect();
    if fenced.is_empty() {
        return response;
    }
    let written = async {
        let mut conn = state.core.pool.acquire().await?;
        tokens::fence(&mut conn, &fenced).await
    };
    if let Err(error) = written.await {
        tracing::error!(%error, "could not fence the write's tokens: their next reads may miss it");
    }
    response
}

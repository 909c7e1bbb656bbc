//! Read-your-writes across the read replica: once a write request has been answered, the token
//! that made it, and a session token it issued, are fenced at the primary's WAL position, so
//! their next GETs read on the replica only when it holds the write (`Core::reading`). Refusals
//! are fenced too: a wrong password or PIN commits its failure count before it is answered 4xx.
//! Without a replica nothing is fenced, so every instance of a deployment is given
//! `DATABASE_READ_URL` at once.

use axum::Extension;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

use super::extract::presented_token;
use super::{Auth, IssuedToken};
use crate::auth::token::hash_secret;
use crate::platform::http::AppState;

/// A token issued by the response it travels with, to be fenced with the caller's own.
#[derive(Debug, Clone)]
pub struct FenceIssued(Vec<u8>);

impl FenceIssued {
    /// The response part (an extension) that fences `token`, a person session just opened.
    pub fn part_for(token: &IssuedToken) -> Extension<Self> {
        Extension(Self(token.access_token.hash()))
    }
}

/// Middleware, inside the run-to-completion task: after any request but GET, HEAD, OPTIONS and
/// TRACE, fences its tokens. A failed fence is logged, not answered: the write has committed.
pub async fn fence_writes(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if state.core.replica.is_none() || request.method().is_safe() {
        return next.run(request).await;
    }
    let presented = presented_token(request.headers()).map(hash_secret);
    let mut response = next.run(request).await;
    let issued = response.extensions_mut().remove::<FenceIssued>().map(|issued| issued.0);
    let fenced: Vec<Vec<u8>> = presented.into_iter().chain(issued).collect();
    if fenced.is_empty() {
        return response;
    }
    if let Err(error) = Auth::new(&state.core).fence_reads(&fenced).await {
        tracing::error!(%error, "could not fence the write's tokens: their next reads may miss it");
    }
    response
}

//! Writes run to completion whatever the client does. A handler future is dropped when its
//! client disconnects (or the request times out); dropped half-way, a money operation would
//! leave its transaction to be rolled back on a pooled connection later. Every request that may
//! write runs on a task of its own instead, which the connection's fate cannot cancel: it
//! commits or rolls back cleanly, and its answer is simply not delivered.

use axum::extract::Request;
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tracing::Instrument;

use crate::platform::error::Error;

/// Middleware: runs writes (any method but GET, HEAD and OPTIONS) on their own task.
pub async fn run_writes_to_completion(request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(request).await;
    }
    let task = tokio::spawn(next.run(request).in_current_span());
    match task.await {
        Ok(response) => response,
        Err(failure) => Error::Internal(anyhow::anyhow!("request task failed: {failure}")).into_response(),
    }
}

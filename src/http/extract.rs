//! Extractors whose rejections are problems with stable codes, never axum's plain text: JSON
//! bodies, path and query values, the bearer principal and the request id.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};

use super::AppState;
use crate::auth::Principal;
use crate::error::Error;

/// A JSON body; unknown fields are refused where the type says `deny_unknown_fields`.
#[derive(Debug, Clone, Copy, Default, FromRequest)]
#[from_request(via(axum::Json), rejection(Error))]
pub struct Json<T>(pub T);

impl<T: serde::Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

impl From<JsonRejection> for Error {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::JsonDataError(err) => {
                Error::Invalid { code: "request.invalid_body", detail: err.body_text(), params: Default::default() }
            }
            JsonRejection::MissingJsonContentType(_) => Error::Malformed {
                code: "request.unsupported_media_type",
                detail: "send the body as application/json".into(),
            },
            other => Error::Malformed { code: "request.malformed_json", detail: other.body_text() },
        }
    }
}

/// Path parameters.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(Error))]
pub struct Path<T>(pub T);

impl From<PathRejection> for Error {
    fn from(rejection: PathRejection) -> Self {
        Error::Malformed { code: "request.bad_path", detail: rejection.body_text() }
    }
}

/// Query parameters; unknown ones are refused where the type says `deny_unknown_fields`.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(Error))]
pub struct Query<T>(pub T);

impl From<QueryRejection> for Error {
    fn from(rejection: QueryRejection) -> Self {
        Error::Malformed { code: "request.bad_query", detail: rejection.body_text() }
    }
}

/// The request id (`x-request-id`, generated when the client sent none).
#[derive(Debug, Clone)]
pub struct RequestId(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for RequestId {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let id = parts.headers.get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_owned);
        Ok(Self(id))
    }
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let value =
            parts.headers.get(header::AUTHORIZATION).ok_or(Error::Unauthenticated { code: "auth.missing_token" })?;
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(Error::Unauthenticated { code: "auth.invalid_token" })?;
        state.services.authenticate(token).await
    }
}

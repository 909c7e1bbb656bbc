//! Extractors whose rejections are problems with stable codes, never axum's plain text: JSON
//! bodies (plain and idempotent), path and query values.

use axum::body::Bytes;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::platform::error::Error;
use crate::platform::idempotency::{IdempotentRequest, Outcome};
use serde::de::DeserializeOwned;
use serde_json::Value;
use sha2::{Digest, Sha256};

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

/// A money-moving request: its JSON body, and the `Idempotency-Key` header with a fingerprint
/// of the method, path and canonical body, so a retry can be recognised and a reused key with
/// another request refused. An empty body counts as `{}`.
#[derive(Debug)]
pub struct Idempotent<T> {
    pub request: IdempotentRequest,
    pub body: T,
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Idempotent<T> {
    type Rejection = Error;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        let key = idempotency_key(request.headers())?;
        let is_json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("application/json"));
        let line = format!("{} {}", request.method(), request.uri().path());
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|e| Error::Malformed { code: "request.malformed_json", detail: e.body_text() })?;
        let value: Value = if bytes.is_empty() {
            Value::Object(Default::default())
        } else if !is_json {
            return Err(Error::Malformed {
                code: "request.unsupported_media_type",
                detail: "send application/json".into(),
            });
        } else {
            serde_json::from_slice(&bytes)
                .map_err(|e| Error::Malformed { code: "request.malformed_json", detail: e.to_string() })?
        };
        // serde_json's map is ordered by key, so equal bodies print equally.
        let fingerprint = Sha256::digest(format!("{line}\n{value}").as_bytes()).to_vec();
        let body = serde_json::from_value(value).map_err(|e| Error::Invalid {
            code: "request.invalid_body",
            detail: e.to_string(),
            params: Default::default(),
        })?;
        Ok(Self { request: IdempotentRequest { key, fingerprint }, body })
    }
}

fn idempotency_key(headers: &axum::http::HeaderMap) -> Result<String, Error> {
    let key = headers.get("idempotency-key").and_then(|v| v.to_str().ok()).map(str::trim).ok_or(Error::Malformed {
        code: "idempotency.key_required",
        detail: "send an Idempotency-Key header".into(),
    })?;
    let ok = (1..=128).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic());
    if !ok {
        return Err(Error::Malformed {
            code: "idempotency.key_format",
            detail: "1 to 128 visible ASCII characters".into(),
        });
    }
    Ok(key.to_owned())
}

/// The answer to an idempotent request: the status the handler picked, the JSON, and for a
/// replay the header `idempotent-replayed: true`.
#[derive(Debug)]
pub struct Replayable<T>(pub StatusCode, pub Outcome<T>);

impl<T: serde::Serialize> IntoResponse for Replayable<T> {
    fn into_response(self) -> Response {
        let Replayable(status, outcome) = self;
        let mut response = (status, axum::Json(outcome.value)).into_response();
        if outcome.replayed {
            response.headers_mut().insert("idempotent-replayed", axum::http::HeaderValue::from_static("true"));
        }
        response
    }
}

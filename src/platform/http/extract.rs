//! Extractors whose rejections are problems with stable codes, never axum's plain text: JSON
//! bodies (plain and idempotent), path and query values.

use axum::body::Bytes;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::body;
use crate::platform::error::Error;
use crate::platform::idempotency::{IdempotentRequest, Outcome};
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

/// A JSON body: one object, read by [`body::json_object`]; unknown fields are refused where the
/// type says `deny_unknown_fields`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Json<T> {
    type Rejection = Error;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = json_bytes(request, state).await?;
        let (_, body) = body::json_object(&bytes, false)?;
        Ok(Self(body))
    }
}

impl<T: serde::Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// The body bytes of a JSON request; any other media type is refused (an empty body has none).
async fn json_bytes<S: Send + Sync>(request: axum::extract::Request, state: &S) -> Result<Bytes, Error> {
    let is_json = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.trim_start().to_ascii_lowercase().starts_with("application/json"));
    let bytes = Bytes::from_request(request, state)
        .await
        .map_err(|e| Error::Malformed { code: "request.malformed_json", detail: e.body_text() })?;
    if !bytes.is_empty() && !is_json {
        return Err(Error::Malformed {
            code: "request.unsupported_media_type",
            detail: "send application/json".into(),
        });
    }
    Ok(bytes)
}

/// Path parameters; an encoded control character (`%00`…`%1F`, `%7F`) is refused before they
/// are read.
#[derive(Debug)]
pub struct Path<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Path<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        if has_encoded_control(parts.uri.path()) {
            return Err(Error::Malformed {
                code: "request.bad_path",
                detail: "the path has a control character".into(),
            });
        }
        let axum::extract::Path(value) = axum::extract::Path::<T>::from_request_parts(parts, state).await?;
        Ok(Self(value))
    }
}

impl From<PathRejection> for Error {
    fn from(rejection: PathRejection) -> Self {
        Error::Malformed { code: "request.bad_path", detail: rejection.body_text() }
    }
}

/// Query parameters, every name and value checked by [`body::check_pairs`]; unknown ones are
/// refused where the type says `deny_unknown_fields`.
#[derive(Debug)]
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let raw = parts.uri.query().unwrap_or("");
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw)
            .map_err(|e| Error::Malformed { code: "request.bad_query", detail: e.to_string() })?;
        body::check_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))?;
        let axum::extract::Query(value) = axum::extract::Query::<T>::from_request_parts(parts, state).await?;
        Ok(Self(value))
    }
}

impl From<QueryRejection> for Error {
    fn from(rejection: QueryRejection) -> Self {
        Error::Malformed { code: "request.bad_query", detail: rejection.body_text() }
    }
}

/// Whether a raw (still percent-encoded) path encodes a control character.
fn has_encoded_control(path: &str) -> bool {
    path.as_bytes().windows(3).any(|w| {
        w[0] == b'%'
            && matches!((w[1], w[2].to_ascii_uppercase()), (b'0' | b'1', b'0'..=b'9' | b'A'..=b'F') | (b'7', b'F'))
    })
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
        let line = format!("{} {}", request.method(), request.uri().path());
        let bytes = json_bytes(request, state).await?;
        let (mut value, body) = body::json_object(&bytes, true)?;
        // A password must not live on in a fast hash of the body: the fingerprint leaves it out.
        if let Some(object) = value.as_object_mut() {
            object.retain(|name, _| !name.contains("password"));
        }
        // serde_json's map is ordered by key, so equal bodies print equally.
        let fingerprint = Sha256::digest(format!("{line}\n{value}").as_bytes()).to_vec();
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

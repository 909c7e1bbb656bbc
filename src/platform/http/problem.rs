//! `application/problem+json` (RFC 9457) for every error, in Chinese by default and in English
//! with `Accept-Language: en`.
//!
//! An [`Error`] becomes a response carrying a [`ProblemData`] extension and no body; the
//! [`render`] middleware, which knows the request's language and id, writes the body. Error
//! responses that did not come from an `Error` (unknown route, wrong method, timeout, panic)
//! are given the same shape there.

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::messages;
use crate::platform::error::{Error, Params};

/// The parts of a problem, carried from the handler to the renderer.
#[derive(Debug, Clone)]
pub struct ProblemData {
    pub code: &'static str,
    pub detail: Option<String>,
    pub params: Params,
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let (status, code, detail, params) = match self {
            Error::Malformed { code, detail } => (StatusCode::BAD_REQUEST, code, Some(detail), Params::new()),
            Error::Invalid { code, detail, params } => (StatusCode::UNPROCESSABLE_ENTITY, code, Some(detail), params),
            Error::Unauthenticated { code, detail } => {
                (StatusCode::UNAUTHORIZED, code, Some(detail.to_owned()), Params::new())
            }
            Error::Forbidden { code, detail } => (StatusCode::FORBIDDEN, code, Some(detail), Params::new()),
            Error::NotFound { code, detail } => (StatusCode::NOT_FOUND, code, Some(detail), Params::new()),
            Error::Conflict { code, detail, params } => (StatusCode::CONFLICT, code, Some(detail), params),
            Error::Locked { code, detail, params } => (StatusCode::LOCKED, code, Some(detail), params),
            Error::TooMany { code, detail, params, retry_after_secs } => {
                let mut response = StatusCode::TOO_MANY_REQUESTS.into_response();
                response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
                response.extensions_mut().insert(ProblemData { code, detail: Some(detail), params });
                return response;
            }
            Error::Unavailable { code, detail, retry_after_secs } => {
                tracing::warn!(code, %detail, "answered 503");
                let mut response = StatusCode::SERVICE_UNAVAILABLE.into_response();
                response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
                response.extensions_mut().insert(ProblemData { code, detail: Some(detail), params: Params::new() });
                return response;
            }
            Error::Internal(err) => {
                tracing::error!(error = ?err, "internal error");
                (StatusCode::INTERNAL_SERVER_ERROR, "internal", None, Params::new())
            }
        };
        let mut response = status.into_response();
        response.extensions_mut().insert(ProblemData { code, detail, params });
        response
    }
}

/// The language of messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    Chinese,
    English,
}

impl Language {
    /// The preferred of Chinese and English in an `Accept-Language` header (Chinese if neither).
    pub fn negotiate(headers: &HeaderMap) -> Self {
        let Some(value) = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()) else {
            return Self::Chinese;
        };
        let mut best: Option<(f32, Self)> = None;
        for part in value.split(',') {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = pieces.find_map(|p| p.trim().strip_prefix("q=")).and_then(|q| q.parse::<f32>().ok()).unwrap_or(1.0);
            let lang = if tag.starts_with("en") {
                Self::English
            } else if tag.starts_with("zh") {
                Self::Chinese
            } else {
                continue;
            };
            if best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, lang));
            }
        }
        best.map_or(Self::Chinese, |(_, lang)| lang)
    }
}

/// Middleware: writes the problem body of every error response.
pub async fn render(request: Request, next: Next) -> Response {
    let language = Language::negotiate(request.headers());
    let request_id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let response = next.run(request).await;
    let status = response.status();
    let data = response.extensions().get::<ProblemData>().cloned();
    match data {
        Some(data) => body(status, &data, language, request_id, response.headers()),
        None if (status.is_client_error() || status.is_server_error()) && has_no_own_body(&response) => {
            let data = ProblemData { code: generic_code(status), detail: None, params: Params::new() };
            body(status, &data, language, request_id, response.headers())
        }
        None => response,
    }
}

/// Error responses with a body of their own (e.g. `/readyz`'s JSON) are left as they are;
/// empty and plain-text ones (router, timeout, panic) are replaced.
fn has_no_own_body(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|ct| ct.starts_with("text/plain"))
}

fn generic_code(status: StatusCode) -> &'static str {
    match status {
        StatusCode::NOT_FOUND => "http.not_found",
        StatusCode::METHOD_NOT_ALLOWED => "http.method_not_allowed",
        StatusCode::REQUEST_TIMEOUT => "http.timeout",
        StatusCode::PAYLOAD_TOO_LARGE => "request.body_too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "request.unsupported_media_type",
        s if s.is_client_error() => "http.client_error",
        _ => "internal",
    }
}

fn body(
    status: StatusCode,
    data: &ProblemData,
    language: Language,
    request_id: Option<String>,
    original_headers: &HeaderMap,
) -> Response {
    let message = messages::render(data.code, status, language, &data.params);
    let mut object = Map::new();
    object.insert("type".into(), json!(format!("urn:medcard:problem:{}", data.code)));
    object.insert("title".into(), json!(message));
    object.insert("status".into(), json!(status.as_u16()));
    object.insert("detail".into(), json!(data.detail.clone().unwrap_or_else(|| message.clone())));
    object.insert("code".into(), json!(data.code));
    if let Some(id) = request_id {
        object.insert("request_id".into(), json!(id));
    }
    if let Some(oauth_error) = data.code.strip_prefix("oauth.") {
        object.insert("error".into(), json!(oauth_error));
        object.insert("error_description".into(), object["detail"].clone());
    }
    for (key, value) in &data.params {
        object.entry(key.clone()).or_insert_with(|| value.clone());
    }
    let mut response = (status, axum::Json(Value::Object(object))).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
    for name in [header::ALLOW, header::RETRY_AFTER] {
        if let Some(value) = original_headers.get(&name) {
            headers.insert(name, value.clone());
        }
    }
    if status == StatusCode::UNAUTHORIZED {
        // The token endpoint authenticates clients (HTTP Basic); everything else wants a bearer token.
        let challenge =
            if data.code.starts_with("oauth.") { "Basic realm=\"medcard\"" } else { "Bearer realm=\"medcard\"" };
        headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
    }
    response
}

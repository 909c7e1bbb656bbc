//! `POST /v1/oauth/token` (OAuth2 client credentials, form or JSON body, client secret in the
//! body or HTTP Basic) and `DELETE /v1/oauth/token` (revoke the presented token).

use crate::auth::Auth;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::platform::caller::Caller;
use crate::platform::error::Error;
use crate::platform::http::{AppState, body};

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(issue_token, revoke_token))
}

/// A token request (RFC 6749 §4.4).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    /// Always `client_credentials`.
    pub grant_type: String,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    /// Space-separated subset of the client's scopes; all of them when absent.
    pub scope: Option<String>,
}

/// An issued bearer token.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until the token expires.
    pub expires_in: i64,
    /// Space-separated granted scopes.
    pub scope: String,
}

/// Issue a client-credentials token.
#[utoipa::path(
    post, path = "/v1/oauth/token", tag = "auth",
    request_body(content = TokenRequest, content_type = "application/x-www-form-urlencoded",
                 description = "Form (or JSON) token request; the client may authenticate with HTTP Basic instead"),
    responses(
        (status = 200, description = "Token issued", body = TokenResponse),
        (status = 400, description = "Bad request, unsupported grant type or invalid scope (problem+json with `error`)"),
        (status = 401, description = "Unknown client or wrong secret (`invalid_client`)"),
    )
)]
async fn issue_token(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Result<Response, Error> {
    let request = parse_token_request(&headers, &body)?;
    if request.grant_type != "client_credentials" {
        return Err(Error::Malformed {
            code: "oauth.unsupported_grant_type",
            detail: format!("grant_type {} is not supported; use client_credentials", request.grant_type),
        });
    }
    let (client_id, client_secret) = client_credentials(&headers, &request)?;
    let issued =
        Auth::new(&state.core).issue_client_token(&client_id, &client_secret, request.scope.as_deref()).await?;
    let body = TokenResponse {
        access_token: issued.access_token.expose().to_owned(),
        token_type: "Bearer",
        expires_in: issued.expires_in,
        scope: issued.scope_string(),
    };
    let mut response = axum::Json(body).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// Revoke the client token presented with this request, and only a client token (a staff
/// session ends with `DELETE /v1/staff/sessions/current`).
#[utoipa::path(
    delete, path = "/v1/oauth/token", tag = "auth", security(("bearer" = [])),
    responses(
        (status = 204, description = "Token revoked"),
        (status = 401, description = "No valid token"),
        (status = 403, description = "A staff session token, not a client token (`oauth.not_a_client_token`)"),
    )
)]
async fn revoke_token(State(state): State<AppState>, caller: Caller) -> Result<StatusCode, Error> {
    Auth::new(&state.core).revoke_client_token(&caller).await?;
    Ok(StatusCode::NO_CONTENT)
}

fn parse_token_request(headers: &HeaderMap, body: &[u8]) -> Result<TokenRequest, Error> {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let mime = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let parsed = match mime.as_str() {
        "application/x-www-form-urlencoded" => {
            let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).unwrap_or_default();
            body::check_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))?;
            serde_urlencoded::from_bytes(body).map_err(|e| e.to_string())
        }
        "application/json" => return body::json_object(body, false).map(|(_, request)| request).map_err(as_oauth),
        _ => {
            return Err(Error::Malformed {
                code: "request.unsupported_media_type",
                detail: "send application/x-www-form-urlencoded or application/json".into(),
            });
        }
    };
    parsed.map_err(|detail| Error::Malformed { code: "oauth.invalid_request", detail })
}

/// A body that is not a token request is an RFC 6749 `invalid_request`; refused text stays as
/// it is.
fn as_oauth(err: Error) -> Error {
    match err {
        Error::Invalid { code: "request.control_character" | "request.text_too_long", .. } => err,
        other => Error::Malformed { code: "oauth.invalid_request", detail: other.to_string() },
    }
}

/// The client's id and secret, from HTTP Basic or the body (one way only).
fn client_credentials(headers: &HeaderMap, request: &TokenRequest) -> Result<(String, String), Error> {
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .map(|encoded| {
            decode_basic(encoded.trim()).ok_or(Error::unauthenticated(
                "oauth.invalid_client",
                "the client id is unknown or the secret does not match",
            ))
        })
        .transpose()?;
    match (basic, &request.client_id, &request.client_secret) {
        (Some(pair), None, None) => Ok(pair),
        (None, Some(id), Some(secret)) => Ok((id.clone(), secret.clone())),
        (Some(_), _, _) => Err(Error::Malformed {
            code: "oauth.invalid_request",
            detail: "authenticate with HTTP Basic or with body parameters, not both".into(),
        }),
        _ => Err(Error::Malformed {
            code: "oauth.invalid_request",
            detail: "client_id and client_secret are required".into(),
        }),
    }
}

/// Decodes `base64(client_id:client_secret)`; the parts are form-encoded (RFC 6749 §2.3.1).
fn decode_basic(encoded: &str) -> Option<(String, String)> {
    let decoded = String::from_utf8(base64_decode(encoded)?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    let unescape = |s: &str| {
        serde_urlencoded::from_str::<Vec<(String, String)>>(&format!("v={s}"))
            .ok()
            .and_then(|mut v| v.pop())
            .map(|(_, value)| value)
    };
    Some((unescape(id)?, unescape(secret)?))
}

/// Standard base64 with padding, as HTTP Basic uses it.
fn base64_decode(input: &str) -> Option<Vec<u8>> {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let input = input.trim_end_matches('=');
    let mut out = Vec::with_capacity(input.len() * 3 / 4);
    let mut buffer = 0u32;
    let mut bits = 0;
    for byte in input.bytes() {
        let value = ALPHABET.iter().position(|c| *c == byte)? as u32;
        buffer = (buffer << 6) | value;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_decode() {
        // "mc_abc:mccs_s3cret"
        assert_eq!(decode_basic("bWNfYWJjOm1jY3NfczNjcmV0"), Some(("mc_abc".to_owned(), "mccs_s3cret".to_owned())));
        assert_eq!(decode_basic("***"), None);
    }
}

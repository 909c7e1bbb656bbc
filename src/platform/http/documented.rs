//! The statuses any operation may answer besides its own, documented from this one table on
//! every operation of the OpenAPI document: the framework's and the plumbing's answers (bad
//! input, missing or wrong token, overload, timeouts), which no handler writes itself.

use utoipa::openapi::path::Operation;
use utoipa::openapi::{OpenApi, RefOr, Response};

use super::rate_limit;

/// Which operations a common status applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Applies {
    /// Every operation.
    All,
    /// Operations that read path parameters, query parameters or a body.
    WithInput,
    /// Operations that take a request body.
    WithBody,
    /// Operations behind a bearer token.
    Secured,
    /// Operations that take an `Idempotency-Key`.
    Idempotent,
    /// The rate-limited sign-in operations.
    Limited,
}

/// `(status, description, applies to)`.
const COMMON: &[(&str, &str, Applies)] = &[
    (
        "400",
        "Malformed request (problem+json): bad JSON (`request.malformed_json`), a bad path or query value (`request.bad_path`, `request.bad_query`), or an unsupported content type (`request.unsupported_media_type`)",
        Applies::WithInput,
    ),
    (
        "401",
        "Missing, unknown, expired or revoked bearer token (`auth.missing_token`, `auth.invalid_token`)",
        Applies::Secured,
    ),
    (
        "403",
        "The token's channel, role or session may not do this (`auth.insufficient_scope`, `auth.person_session_confined`)",
        Applies::Secured,
    ),
    (
        "400",
        "Missing or malformed Idempotency-Key (`idempotency.key_required`, `idempotency.key_format`)",
        Applies::Idempotent,
    ),
    (
        "409",
        "Another request with this Idempotency-Key is still running (`idempotency.in_progress`)",
        Applies::Idempotent,
    ),
    (
        "422",
        "A field or query value breaks a rule (problem+json naming it; `request.invalid_body`, `request.control_character`, `request.text_too_long`)",
        Applies::WithInput,
    ),
    ("413", "The body is larger than `server.max_body_bytes` (`request.body_too_large`)", Applies::WithBody),
    ("408", "The request took longer than `server.request_timeout_secs` (`http.timeout`)", Applies::All),
    (
        "429",
        "Too many sign-in attempts from this source or channel (`rate.limited`); see Retry-After",
        Applies::Limited,
    ),
    ("503", "Overloaded or the database is out of reach (`service.unavailable`); see Retry-After", Applies::All),
];

/// Adds every applicable common status an operation does not document itself.
pub fn add_common_responses(api: &mut OpenApi) {
    for (path, item) in api.paths.paths.iter_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
            &mut item.head,
            &mut item.options,
        ];
        for operation in operations.into_iter().flatten() {
            let limited = rate_limit::is_limited(path) && operation.request_body.is_some();
            for (status, description, applies) in COMMON {
                if applies_to(*applies, operation, limited) {
                    let responses = &mut operation.responses.responses;
                    responses.entry((*status).to_owned()).or_insert_with(|| RefOr::T(Response::new(*description)));
                }
            }
        }
    }
}

fn applies_to(applies: Applies, operation: &Operation, limited: bool) -> bool {
    let parameters = operation.parameters.as_deref().unwrap_or_default();
    let idempotent = parameters.iter().any(|p| p.name.eq_ignore_ascii_case("idempotency-key"));
    match applies {
        Applies::All => true,
        Applies::WithInput => !parameters.is_empty() || operation.request_body.is_some(),
        Applies::WithBody => operation.request_body.is_some(),
        Applies::Secured => operation.security.as_ref().is_some_and(|s| !s.is_empty()),
        Applies::Idempotent => idempotent,
        Applies::Limited => limited,
    }
}

//! The whole HTTP API: every capability's routes merged with the middleware each request passes
//! through, and the OpenAPI document generated from them.

use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_swagger_ui::SwaggerUi;

use crate::platform::http::{AppState, completion, documented, health, metrics, problem, rate_limit};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "medcard",
        description = "Back office of the Zhengzhou medical-insurance card (郑州医保卡). Every error is \
                       application/problem+json with a stable `code`; messages are Chinese unless \
                       `Accept-Language: en`.",
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "OAuth2 client credentials and staff sessions"),
        (name = "person sessions", description = "SMS codes, channel bindings and person sessions"),
        (name = "me", description = "The person's own view and actions, in a person session"),
        (name = "persons", description = "Insured persons and their insured status"),
        (name = "cards", description = "Card issuance, activation, loss, replacement, freeze and history"),
        (name = "card password", description = "The card's financial password"),
        (name = "registries", description = "Banks and designated institutions"),
        (name = "contributions", description = "Contribution schedule, payments, arrival and manual arrival"),
        (name = "accounts", description = "The personal-account ledger"),
        (name = "settlement", description = "Settlement at designated institutions (national names)"),
        (name = "e-voucher", description = "The electronic voucher: activation and the hall's suspension"),
        (name = "remote treatment", description = "Remote-treatment filings and their sync with the national platform"),
        (name = "audit", description = "The audit log"),
        (name = "operations", description = "Health, readiness and metrics"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
    }
}

/// Every route with its OpenAPI description.
fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(crate::auth::router())
        .merge(crate::persons::router())
        .merge(crate::enrolment::router())
        .merge(crate::cards::router())
        .merge(crate::registries::router())
        .merge(crate::sms::router())
        .merge(crate::sessions::router())
        .merge(crate::statements::router())
        .merge(crate::settlement::router())
        .merge(crate::e_vouchers::router())
        .merge(crate::remote::router())
        .merge(crate::family::router())
        .merge(crate::contributions::router())
        .merge(crate::ledger::router())
        .merge(crate::platform::audit::router())
        .merge(health::router())
}

/// The OpenAPI document, as served at `/openapi.json`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut api = routes().split_for_parts().1;
    documented::add_common_responses(&mut api);
    api
}

/// The whole application: routes, docs and middleware.
pub fn app(state: AppState) -> Router {
    let (router, mut api) = routes().split_for_parts();
    documented::add_common_responses(&mut api);
    let server = &state.core.settings.server;
    let request_id = HeaderName::from_static("x-request-id");
    let middleware = ServiceBuilder::new()
        .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .layer(PropagateRequestIdLayer::new(request_id))
        // Answers name persons and carry tokens: no cache keeps them; no browser guesses types.
        .layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(axum::middleware::from_fn(metrics::track))
        .layer(axum::middleware::from_fn(problem::render))
        .layer(axum::middleware::from_fn_with_state(state.clone(), rate_limit::guard))
        .layer(CatchPanicLayer::new())
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(server.request_timeout_secs),
        ))
        .layer(axum::middleware::from_fn(completion::run_writes_to_completion))
        .layer(axum::middleware::from_fn_with_state(state.clone(), crate::auth::fence::fence_writes));
    router
        .merge(SwaggerUi::new("/docs").url("/openapi.json", api))
        .layer(DefaultBodyLimit::max(server.max_body_bytes))
        .layer(middleware)
        .with_state(state)
}

/// The span of a request: method, route template and request id, never the raw URI (its query
/// may carry an ID number).
fn request_span(request: &Request) -> tracing::Span {
    let route = request.extensions().get::<MatchedPath>().map_or("unmatched", MatchedPath::as_str);
    let request_id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("");
    tracing::info_span!("request", method = %request.method(), route, request_id)
}

//! HTTP plumbing shared by every capability's routes: the state handlers receive, our own
//! extractors, problem+json rendering and its message catalogue, paging, health and metrics.

pub mod body;
pub mod completion;
pub mod documented;
pub mod extract;
pub mod health;
mod messages;
pub mod metrics;
pub mod paging;
pub mod problem;
pub mod rate_limit;

pub use messages::is_catalogued;

use metrics_exporter_prometheus::PrometheusHandle;

use super::Core;

/// What handlers share.
#[derive(Debug, Clone)]
pub struct AppState {
    pub core: Core,
    pub metrics: PrometheusHandle,
    /// Quotas of the sign-in endpoints.
    pub limits: std::sync::Arc<rate_limit::SignInLimits>,
}

//! `GET /v1/audit-events`: the audit log, newest first, for auditors and admins.

use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::platform::audit::store::{AuditFilter, AuditRow};
use crate::platform::caller::Caller;
use crate::platform::error::Error;
use crate::platform::http::AppState;
use crate::platform::http::extract::{Json, Query};
use crate::platform::http::paging::{Limit, id_cursor};

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list))
}

/// Filters and paging.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// e.g. `person.enrol`, `person.pii_read`, `person.status_change`, `staff.login`.
    pub action: Option<String>,
    /// The subject's id, e.g. a person number.
    pub subject_id: Option<String>,
    /// Staff username or client id.
    pub actor_id: Option<String>,
    /// From this instant (inclusive).
    pub from: Option<DateTime<Utc>>,
    /// Up to this instant (exclusive).
    pub to: Option<DateTime<Utc>>,
    /// 1–200, default 50.
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// One audit row.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEvent {
    pub id: i64,
    pub occurred_at: DateTime<Utc>,
    pub actor_kind: String,
    pub actor_id: String,
    pub client_id: Option<String>,
    pub channel: String,
    pub request_id: Option<String>,
    pub action: String,
    pub subject_kind: Option<String>,
    pub subject_id: Option<String>,
    pub details: Value,
}

impl From<AuditRow> for AuditEvent {
    fn from(r: AuditRow) -> Self {
        Self {
            id: r.id,
            occurred_at: r.occurred_at,
            actor_kind: r.actor_kind,
            actor_id: r.actor_id,
            client_id: r.client_id,
            channel: r.channel,
            request_id: r.request_id,
            action: r.action,
            subject_kind: r.subject_kind,
            subject_id: r.subject_id,
            details: r.details,
        }
    }
}

/// A page of audit rows.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditEvent>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// List audit events, newest first.
#[utoipa::path(
    get, path = "/v1/audit-events", tag = "audit", security(("bearer" = ["audit:read"])),
    params(AuditQuery),
    responses(
        (status = 200, description = "A page of events", body = AuditPage),
        (status = 400, description = "Bad query or cursor"),
        (status = 403, description = "Missing `audit:read`"),
    )
)]
async fn list(
    State(state): State<AppState>,
    _admitted: Caller,
    Query(query): Query<AuditQuery>,
) -> Result<Json<AuditPage>, Error> {
    let limit = Limit::parse(query.limit)?;
    let before_id = id_cursor(query.cursor.as_deref())?;
    let filter = AuditFilter {
        action: query.action,
        subject_id: query.subject_id,
        actor_id: query.actor_id,
        from: query.from,
        to: query.to,
        before_id,
        limit: limit.fetch(),
    };
    let rows = state.core.audit_events(&filter).await?;
    let (rows, next_cursor) = limit.page(rows, |r| r.id.to_string());
    Ok(Json(AuditPage { items: rows.into_iter().map(Into::into).collect(), next_cursor }))
}

//! `GET /v1/me/statements` (provincial platform, terminal) and
//! `GET /v1/persons/{person_no}/statements` (hall, printed at the window), as CSV or PDF.

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::Response;
use chrono::NaiveDate;
use futures_util::stream;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::service::reconcile;
use super::{Statement, StatementFormat, StatementPeriod, Statements, csv, pdf};
use crate::domain::{Money, PersonNo};
use crate::persons::parse_person_no;
use crate::platform::caller::{Caller, OwnView};
use crate::platform::error::{Error, Result};
use crate::platform::http::AppState;
use crate::platform::http::extract::{Path, Query};

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(own_statement)).routes(routes!(person_statement))
}

/// Format and period.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct StatementQuery {
    /// `csv` or `pdf`.
    #[param(inline)]
    pub format: StatementFormat,
    /// First day, inclusive (default: twelve months before `to`).
    pub from: Option<NaiveDate>,
    /// Last day, inclusive (default and latest: today).
    pub to: Option<NaiveDate>,
}

/// The session person's statement, within the channel's look-back.
#[utoipa::path(
    get, path = "/v1/me/statements", tag = "me", security(("bearer" = ["statements:export"])),
    params(StatementQuery),
    responses(
        (status = 200, description = "`text/csv` (UTF-8 with BOM) or `application/pdf` (A4)"),
        (status = 400, description = "Unknown format or a bad date"),
        (status = 422, description = "`statement.period` or `me.lookback_exceeded`"),
        (status = 503, description = "`statement.font_missing`: no CJK font installed for PDF"),
    )
)]
async fn own_statement(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<StatementQuery>,
) -> Result<Response, Error> {
    let view = OwnView::of(&caller, &state.core)?;
    let period = StatementPeriod::new(query.from, query.to, state.core.clock.today())?;
    view.from_day(Some(period.from))?;
    statement_response(&state, &caller, &view.person_no, &query).await
}

/// A person's statement, printed at the window.
#[utoipa::path(
    get, path = "/v1/persons/{person_no}/statements", tag = "persons", security(("bearer" = ["statements:export"])),
    params(("person_no" = String, Path, description = "Person number"), StatementQuery),
    responses(
        (status = 200, description = "`text/csv` (UTF-8 with BOM) or `application/pdf` (A4)"),
        (status = 400, description = "Unknown format or a bad date"),
        (status = 404, description = "No such person"),
        (status = 422, description = "`statement.period`"),
        (status = 503, description = "`statement.font_missing`: no CJK font installed for PDF"),
    )
)]
async fn person_statement(
    State(state): State<AppState>,
    caller: Caller,
    Path(person_no): Path<String>,
    Query(query): Query<StatementQuery>,
) -> Result<Response, Error> {
    statement_response(&state, &caller, &parse_person_no(&person_no)?, &query).await
}

async fn statement_response(
    state: &AppState,
    caller: &Caller,
    person_no: &PersonNo,
    query: &StatementQuery,
) -> Result<Response> {
    let period = StatementPeriod::new(query.from, query.to, state.core.clock.today())?;
    let statements = Statements::new(&state.core);
    let statement = statements.statement(person_no, period).await?;
    statements.record_export(caller, &statement, query.format).await?;
    let name = format!("statement-{}-{}-{}", person_no, period.from, period.to);
    match query.format {
        StatementFormat::Csv => {
            Ok(download(csv_body(state.clone(), statement), "text/csv; charset=utf-8", &name, "csv"))
        }
        StatementFormat::Pdf => {
            let entries = statements.all_entries(&statement).await?;
            let closing = reconcile(statement.opening, &entries)?;
            let fonts = state.core.settings.statements.font_paths.clone();
            let bytes = tokio::task::spawn_blocking(move || pdf::render(&statement, &entries, closing, &fonts))
                .await
                .map_err(anyhow::Error::from)??;
            Ok(download(Body::from(bytes), "application/pdf", &name, "pdf"))
        }
    }
}

/// Where the CSV stream stands.
enum Phase {
    Head,
    Entries { after: i64, running: Money },
    Foot { closing: Money },
    Done,
}

/// The CSV, written page by page as the entries are read, so a long statement never sits whole
/// in memory. A page that does not reconcile ends the stream with an error.
fn csv_body(state: AppState, statement: Statement) -> Body {
    let chunks = stream::unfold((Phase::Head, state, statement), |(phase, state, statement)| async move {
        match phase {
            Phase::Head => {
                let next = Phase::Entries { after: 0, running: statement.opening };
                Some((Ok(csv::head(&statement)), (next, state, statement)))
            }
            Phase::Entries { after, running } => {
                let page = match Statements::new(&state.core).entries_after(&statement, after).await {
                    Ok(page) => page,
                    Err(e) => return Some((Err(e), (Phase::Done, state, statement))),
                };
                let running = match reconcile(running, &page) {
                    Ok(r) => r,
                    Err(e) => return Some((Err(e), (Phase::Done, state, statement))),
                };
                let next = match page.last() {
                    Some(last) if page.len() as i64 == super::service::PAGE => {
                        Phase::Entries { after: last.id, running }
                    }
                    _ => Phase::Foot { closing: running },
                };
                Some((Ok(csv::entries(&page)), (next, state, statement)))
            }
            Phase::Foot { closing } => Some((Ok(csv::foot(closing)), (Phase::Done, state, statement))),
            Phase::Done => None,
        }
    });
    Body::from_stream(chunks)
}

fn download(body: Body, content_type: &'static str, name: &str, extension: &str) -> Response {
    let mut response = Response::new(body);
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}.{extension}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

//! The hall's clearing exceptions: remote settlements whose account part the balance did not
//! cover when they arrived. Resolved by posting it now (once the balance covers it) or by
//! recording that it was recovered elsewhere (the person paid the treating institution), with a
//! note; either way once.

use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use super::RemoteSettlements;
use super::settlements_store::{self as store, RemoteRow};
use crate::domain::{PersonNo, REASON_RULE, reason_text};
use crate::params;
use crate::persons;
use crate::platform::audit::Subject;
use crate::platform::caller::Caller;
use crate::platform::error::{Error, Result};
use crate::platform::idempotency::{IdempotentRequest, Outcome};

/// How an exception is resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    /// Debit the account now (409 `account.insufficient_balance` while it still does not cover it).
    PostNow,
    /// The amount was recovered outside the account; nothing moves.
    RecoveredElsewhere,
}

impl RemoteSettlements<'_> {
    /// Resolves an exception.
    pub async fn resolve(
        &self,
        caller: &Caller,
        setl_sn: &str,
        (resolution, note): (Resolution, &str),
        idempotency: &IdempotentRequest,
    ) -> Result<Outcome<RemoteRow>> {
        let note =
            reason_text(note).ok_or_else(|| Error::invalid_field("remote_settlement.note", "note", REASON_RULE))?;
        self.idempotent(caller, idempotency, |mut tx| async move {
            let row = store::lock(&mut tx, setl_sn).await?.ok_or_else(not_found)?;
            if row.state != "exception" {
                return Err(Error::conflict(
                    "remote_settlement.not_an_exception",
                    "only a clearing exception is resolved",
                    params! { "current_state" => row.state.clone() },
                ));
            }
            persons::lock(&mut tx, &row.person_no).await?;
            let name = match resolution {
                Resolution::PostNow => {
                    self.debit(&mut tx, caller, &row).await?;
                    "posted_late"
                }
                Resolution::RecoveredElsewhere => "recovered_elsewhere",
            };
            let resolved = store::resolve(&mut tx, setl_sn, (name, note), &caller.actor().id, self.clock.now()).await?;
            let subject = Subject { kind: "remote_settlement", id: setl_sn };
            self.audit(
                &mut tx,
                caller.actor(),
                "remote_settlement.resolve",
                Some(subject),
                json!({ "resolution": name }),
            )
            .await?;
            Ok((tx, resolved))
        })
        .await
    }

    /// One row (hall, national platform).
    pub async fn row(&self, setl_sn: &str) -> Result<RemoteRow> {
        let mut conn = self.pool.acquire().await?;
        store::find(&mut conn, setl_sn).await?.ok_or_else(not_found)
    }

    /// Rows in a state, oldest recorded first.
    pub async fn in_state(
        &self,
        state: &str,
        after: Option<(chrono::DateTime<chrono::Utc>, String)>,
        limit: i64,
    ) -> Result<Vec<RemoteRow>> {
        let mut conn = self.pool.acquire().await?;
        Ok(store::list_in_state(&mut conn, state, after, limit).await?)
    }

    /// A person's remote settlements in `days`, newest first (for the consumption list).
    pub async fn of_person(
        &self,
        person_no: &PersonNo,
        days: (chrono::NaiveDate, Option<chrono::NaiveDate>),
        before: Option<(chrono::DateTime<chrono::Utc>, String)>,
        limit: i64,
    ) -> Result<Vec<RemoteRow>> {
        let mut conn = self.pool.acquire().await?;
        Ok(store::list_for_person(&mut conn, person_no, days, before, limit).await?)
    }
}

fn not_found() -> Error {
    Error::not_found("remote_settlement.not_found", "no remote settlement has this setl_sn")
}

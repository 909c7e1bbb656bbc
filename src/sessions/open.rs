//! Opening a person session once the person is identified, whatever the method; and recording
//! a refused attempt. Every method ends here, so the rules on who may sign in live once.

use serde_json::json;
use sqlx::PgConnection;

use super::Sessions;
use super::types::{OpenedSession, SessionMethod};
use crate::auth::{Auth, PersonToken};
use crate::domain::{BindingId, RegionCode};
use crate::params;
use crate::persons::{InsuredStatus, PersonRow};
use crate::platform::audit::Subject;
use crate::platform::caller::{Caller, ClientKind};
use crate::platform::error::{Error, Result};

impl Sessions<'_> {
    /// Opens a session for `person` inside the caller's transaction, after the sign-in rules.
    pub(super) async fn open_for(
        &self,
        conn: &mut PgConnection,
        caller: &Caller,
        person: &PersonRow,
        method: SessionMethod,
        binding_id: Option<BindingId>,
    ) -> Result<OpenedSession> {
        may_sign_in(caller.client_kind, person)?;
        let idle_timeout_secs = self.settings.sessions.idle_timeout_secs;
        let person_token =
            PersonToken { person_no: &person.person_no, method: method.as_str(), binding_id, idle_timeout_secs };
        let token = Auth::new(self).open_person_session(conn, caller.principal(), person_token).await?;
        let subject = Subject { kind: "person", id: person.person_no.as_str() };
        let details = json!({ "method": method.as_str(), "client_id": caller.client_id.as_str() });
        self.audit(conn, caller.actor(), "session.open", Some(subject), details).await?;
        Ok(OpenedSession { token, person_no: person.person_no.clone(), method, idle_timeout_secs })
    }

    /// Writes the audit row of a refused sign-in or binding (in its own transaction: the
    /// attempt's own was rolled back) and hands the refusal back.
    pub(super) async fn refused(&self, caller: &Caller, action: &str, method: SessionMethod, error: Error) -> Error {
        if !is_refusal(&error) {
            return error;
        }
        let details = json!({ "method": method.as_str(), "code": error.code() });
        let recorded = async {
            let mut conn = self.pool.acquire().await?;
            self.audit(&mut conn, caller.actor(), action, None, details).await
        };
        match recorded.await {
            Ok(()) => error,
            Err(failure) => failure,
        }
    }
}

/// Whether an error is the service refusing the request (to be recorded), rather than the
/// service failing (which is logged elsewhere).
pub(super) fn is_refusal(error: &Error) -> bool {
    !matches!(error, Error::Internal(_) | Error::Unavailable { .. })
}

/// A transferred-out person's record is read-only and reached through the new region; the
/// national app serves only persons insured in Zhengzhou (4101xx).
fn may_sign_in(kind: ClientKind, person: &PersonRow) -> Result<()> {
    let insured_here =
        person.status != InsuredStatus::TransferredOut && RegionCode::parse_zhengzhou(&person.region_code).is_ok();
    if insured_here {
        return Ok(());
    }
    let region = person.other_region.clone();
    if kind == ClientKind::NationalApp {
        return Err(insured_elsewhere(region));
    }
    Err(Error::conflict(
        "session.person_transferred_out",
        "the person has transferred out of Zhengzhou; their records are served by the new insured region",
        params! { "insured_region" => region },
    ))
}

/// The national app's answer for a person not insured in Zhengzhou.
pub(super) fn insured_elsewhere(region: Option<String>) -> Error {
    Error::conflict(
        "session.insured_elsewhere",
        "this person is not insured in Zhengzhou (4101xx); use the service of the insured region",
        params! { "insured_region" => region },
    )
}

//! Settlements made at institutions elsewhere, delivered by the national platform days later
//! (seed 000: 3–5 working days). Each row counts once by its `setl_sn` (the same row again is
//! one effect; the same `setl_sn` with another body is refused). The account part is debited
//! through the ledger's one writer when the row arrives; a row the balance no longer covers is
//! kept on the hall's clearing-exception list, never dropped. Rows without an effective filing
//! at `setl_time` are accepted and flagged.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::PgConnection;
use utoipa::ToSchema;

use super::RemoteSettlements;
use super::settlements_store::{self as store, RemoteRow};
use crate::domain::{MedType, Money, PersonNo};
use crate::ledger::writer::{self, Movement};
use crate::ledger::{EntryKind, Ledger};
use crate::persons;
use crate::platform::audit::Subject;
use crate::platform::caller::Caller;
use crate::platform::clock::china_offset;
use crate::platform::error::{Error, Result};
use crate::platform::idempotency::{IdempotentRequest, Outcome};

/// A delivered row, parsed (national names).
#[derive(Debug, Clone, Serialize)]
pub struct DeliveredRow {
    pub setl_sn: String,
    pub psn_no: PersonNo,
    /// Where it was settled (a region code outside Zhengzhou).
    pub treating_region: String,
    pub fixmedins_code: String,
    pub fixmedins_name: String,
    pub setl_time: DateTime<Utc>,
    pub med_type: MedType,
    pub medfee_sumamt: Money,
    pub fund_pay_sumamt: Money,
    pub acct_pay: Money,
    pub psn_cash_pay: Money,
    pub filing_no: Option<String>,
}

impl DeliveredRow {
    /// What identifies the row's content: the same `setl_sn` must come with the same body.
    fn fingerprint(&self) -> Vec<u8> {
        Sha256::digest(serde_json::to_vec(self).unwrap_or_default()).to_vec()
    }
}

/// What became of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RowResult {
    /// Recorded; its account part (if any) is paid from the account.
    Posted,
    /// Recorded, but the balance did not cover the account part: on the exception list.
    Exception,
    /// Already here with the same content: nothing more happened.
    Duplicate,
    /// Not recorded (`code` says why).
    Refused,
}

/// The answer for one row.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RowOutcome {
    pub setl_sn: String,
    pub result: RowResult,
    /// Whether an effective filing covered the person there at `setl_time`.
    pub filing_covered: Option<bool>,
    /// Why a row was refused.
    pub code: Option<String>,
}

impl RemoteSettlements<'_> {
    /// Records a delivery in one transaction: every person named locked first, in person-number
    /// order, then the rows taken in `setl_sn` order, so two deliveries never wait on each other
    /// in a cycle (not on persons, not on a `setl_sn` both insert).
    pub async fn receive(
        &self,
        caller: &Caller,
        rows: Vec<DeliveredRow>,
        idempotency: &IdempotentRequest,
    ) -> Result<Outcome<Vec<RowOutcome>>> {
        self.idempotent(caller, idempotency, |mut tx| async move {
            let mut persons_named: Vec<&PersonNo> = rows.iter().map(|r| &r.psn_no).collect();
            persons_named.sort_by(|a, b| a.as_str().cmp(b.as_str()));
            persons_named.dedup();
            for person_no in persons_named {
                persons::lock_if_enrolled(&mut tx, person_no).await?;
            }
            let mut order: Vec<usize> = (0..rows.len()).collect();
            order.sort_by(|a, b| rows[*a].setl_sn.cmp(&rows[*b].setl_sn));
            let mut outcomes: Vec<Option<RowOutcome>> = vec![None; rows.len()];
            for i in order {
                outcomes[i] = Some(self.receive_row(&mut tx, caller, &rows[i]).await?);
            }
            Ok((tx, outcomes.into_iter().flatten().collect()))
        })
        .await
    }

    async fn receive_row(&self, conn: &mut PgConnection, caller: &Caller, row: &DeliveredRow) -> Result<RowOutcome> {
        let person = match persons::lock(conn, &row.psn_no).await {
            Ok(person) => person,
            Err(Error::NotFound { .. }) => return Ok(refused(row, "person.not_found")),
            Err(other) => return Err(other),
        };
        let fingerprint = row.fingerprint();
        if let Some(existing) = store::find(conn, &row.setl_sn).await? {
            return Ok(classify(&existing, row, &fingerprint));
        }
        let day = row.setl_time.with_timezone(&china_offset()).date_naive();
        let key = (row.setl_time, day);
        let filing =
            store::covering_filing(conn, &person.person_no, &row.treating_region, key, row.filing_no.as_deref())
                .await?;
        let balance = Ledger::new(self).balance_in(conn, &person).await?;
        let pays =
            row.acct_pay == Money::ZERO || (person.insurance_type.has_personal_account() && balance >= row.acct_pay);
        let stored = stored_row(caller, row, fingerprint, filing, pays, self.clock.now());
        if !store::insert(conn, &stored).await? {
            let existing = store::find(conn, &row.setl_sn).await?.ok_or_else(|| anyhow::anyhow!("row vanished"))?;
            return Ok(classify(&existing, row, &stored.fingerprint));
        }
        if pays && row.acct_pay > Money::ZERO {
            self.debit(conn, caller, &stored).await?;
        }
        let subject = Subject { kind: "remote_settlement", id: &row.setl_sn };
        let details =
            json!({ "person_no": row.psn_no.as_str(), "state": stored.state, "filing_covered": stored.filing_covered });
        self.audit(conn, caller.actor(), "remote_settlement.receive", Some(subject), details).await?;
        Ok(RowOutcome {
            setl_sn: row.setl_sn.clone(),
            result: if pays { RowResult::Posted } else { RowResult::Exception },
            filing_covered: Some(stored.filing_covered),
            code: None,
        })
    }

    /// The account part of a row, through the ledger's one writer: recorded now, valued at
    /// when it was settled.
    pub(super) async fn debit(&self, conn: &mut PgConnection, caller: &Caller, row: &RemoteRow) -> Result<()> {
        let settled = row.setl_time.with_timezone(&china_offset()).format("%Y-%m-%d %H:%M");
        let movement = Movement {
            person_no: row.person_no.clone(),
            kind: EntryKind::RemoteSettlement,
            amount: Money::ZERO - row.acct_pay,
            period: None,
            payment_id: None,
            reason: Some(format!("异地结算 {} 于 {}（{settled}）", row.setl_sn, row.fixmedins_name)),
            approver: None,
            value_at: Some(row.setl_time),
        };
        writer::post(conn, movement, caller.actor(), self.clock.now()).await.map(drop)
    }
}

/// The row to store; `covering` is the filing that covered it, if one did.
fn stored_row(
    caller: &Caller,
    row: &DeliveredRow,
    fingerprint: Vec<u8>,
    covering: Option<String>,
    pays: bool,
    now: DateTime<Utc>,
) -> RemoteRow {
    RemoteRow {
        setl_sn: row.setl_sn.clone(),
        person_no: row.psn_no.clone(),
        treating_region: row.treating_region.clone(),
        fixmedins_code: row.fixmedins_code.clone(),
        fixmedins_name: row.fixmedins_name.clone(),
        setl_time: row.setl_time,
        med_type: row.med_type.code().to_owned(),
        medfee_sumamt: row.medfee_sumamt,
        fund_pay_sumamt: row.fund_pay_sumamt,
        acct_pay: row.acct_pay,
        psn_cash_pay: row.psn_cash_pay,
        filing_no: covering.clone().or_else(|| row.filing_no.clone()),
        filing_covered: covering.is_some(),
        state: if pays { "posted" } else { "exception" }.into(),
        fingerprint,
        client_id: caller.client_id.to_string(),
        recorded_at: now,
        resolution: None,
        resolution_note: None,
        resolved_by: None,
        resolved_at: None,
    }
}

/// A row already here: the same content is a duplicate, other content is refused.
fn classify(existing: &RemoteRow, row: &DeliveredRow, fingerprint: &[u8]) -> RowOutcome {
    if existing.fingerprint != fingerprint {
        return refused(row, "remote_settlement.setl_sn_reused");
    }
    RowOutcome {
        setl_sn: row.setl_sn.clone(),
        result: RowResult::Duplicate,
        filing_covered: Some(existing.filing_covered),
        code: None,
    }
}

fn refused(row: &DeliveredRow, code: &str) -> RowOutcome {
    RowOutcome {
        setl_sn: row.setl_sn.clone(),
        result: RowResult::Refused,
        filing_covered: None,
        code: Some(code.into()),
    }
}

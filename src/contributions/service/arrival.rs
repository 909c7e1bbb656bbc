//! Arrival (到账): the tax bureau confirms a payment arrived, or the hall posts a manual arrival
//! with the bank receipt once a payment has gone unarrived for too long. Arrival credits the
//! allocation and ends arrears in the same transaction.

use crate::contributions::Contributions;
use crate::domain::PaymentId;
use serde_json::json;
use sqlx::PgConnection;

use super::system_change;
use crate::contributions::store::arrears;
use crate::contributions::store::payments::{self as store, Arrival};
use crate::contributions::{ArrivalKind, Payment, PaymentState};
use crate::ledger;
use crate::params;
use crate::persons;
use crate::persons::InsuredStatus;
use crate::platform::audit::Subject;
use crate::platform::caller::{Caller, ClientKind};
use crate::platform::clock::china_offset;
use crate::platform::error::{Error, Result};
use crate::platform::idempotency::{IdempotentRequest, Outcome};

/// What a batch of arrivals did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ArrivalOutcome {
    /// Payments that arrived (those already arrived are left as they were).
    pub payments: u64,
    /// Allocations credited to personal accounts (one per paid month of an employee).
    pub allocations: u64,
    /// Persons whose arrears ended with these arrivals.
    pub restored: u64,
}

impl Contributions<'_> {
    /// The tax bureau's arrival confirmation.
    pub async fn confirm_arrival(
        &self,
        caller: &Caller,
        payment_id: PaymentId,
        idempotency: &IdempotentRequest,
    ) -> Result<Outcome<Payment>> {
        self.arrive_one(caller, payment_id, None, idempotency).await
    }

    /// The hall's manual arrival with the bank receipt, after the configured working days.
    pub async fn manual_arrival(
        &self,
        caller: &Caller,
        payment_id: PaymentId,
        receipt_no: &str,
        idempotency: &IdempotentRequest,
    ) -> Result<Outcome<Payment>> {
        let receipt_no = receipt_no.trim();
        if receipt_no.is_empty() || receipt_no.len() > 64 {
            return Err(Error::invalid_field(
                "contribution.receipt_no",
                "receipt_no",
                "a receipt number has 1 to 64 characters",
            ));
        }
        self.arrive_one(caller, payment_id, Some(receipt_no), idempotency).await
    }

    async fn arrive_one(
        &self,
        caller: &Caller,
        payment_id: PaymentId,
        receipt_no: Option<&str>,
        idempotency: &IdempotentRequest,
    ) -> Result<Outcome<Payment>> {
        self.idempotent(caller, idempotency, |mut tx| async move {
            let arrived = self.arrive_locked(&mut tx, caller, payment_id, receipt_no).await?;
            Ok((tx, arrived))
        })
        .await
    }

    /// The arrival's effect on one payment, which is locked first.
    async fn arrive_locked(
        &self,
        conn: &mut PgConnection,
        caller: &Caller,
        payment_id: PaymentId,
        receipt_no: Option<&str>,
    ) -> Result<Payment> {
        let payment = store::find_for_update(conn, payment_id)
            .await?
            .ok_or(Error::not_found("contribution.payment_not_found", "no contribution payment has this id"))?;
        check_arriving_client(caller, &payment)?;
        if payment.state == PaymentState::Arrived {
            return Err(Error::conflict(
                "contribution.already_arrived",
                "an arrival is recorded once per payment, and this payment has arrived",
                params! {},
            ));
        }
        if receipt_no.is_some() {
            self.check_manual_arrival_due(&payment)?;
        }
        let kind = if receipt_no.is_some() { ArrivalKind::Manual } else { ArrivalKind::Automatic };
        let actor = caller.actor();
        let arrival = Arrival { at: self.clock.now(), kind, receipt_no, actor };
        self.arrive_payments(conn, &[payment_id], &arrival).await?;
        let subject = Subject { kind: "person", id: payment.person_no.as_str() };
        let details = json!({ "payment_id": payment_id, "kind": kind });
        self.audit(conn, actor, "contribution.arrival", Some(subject), details).await?;
        Ok(Payment {
            state: PaymentState::Arrived,
            arrived_at: Some(arrival.at),
            arrival_kind: Some(kind),
            receipt_no: receipt_no.map(str::to_owned),
            arrived_by: Some(actor.id.clone()),
            ..payment
        })
    }

    /// Arrives any number of payments in set-based statements: marks them and their periods
    /// arrived, credits allocations (not while sealed), and ends the arrears of persons who no
    /// longer owe a closed month. The caller's transaction makes it all or nothing.
    pub async fn arrive_payments(
        &self,
        conn: &mut PgConnection,
        ids: &[PaymentId],
        arrival: &Arrival<'_>,
    ) -> Result<ArrivalOutcome> {
        // The payers are locked first, as every status change locks its person first: an
        // arrival then never interleaves with a seal or a transfer out of the same person.
        store::lock_payers(conn, ids).await?;
        let arrived = store::mark_arrived(conn, ids, arrival).await?;
        let due = store::allocations_due(conn, &arrived).await?;
        let allocations = ledger::writer::post_batch(conn, &due, arrival.actor, arrival.at).await?.len() as u64;
        let reason = "every owed month has arrived";
        let change = system_change(InsuredStatus::Normal, self.clock.today(), reason, arrival.actor, arrival.at);
        let closed = self.closed_through(self.clock.today()).to_string();
        let settled = arrears::settled_payers(conn, ids, &closed).await?;
        let restored = persons::bulk_change(conn, &settled, &change).await?;
        Ok(ArrivalOutcome { payments: arrived.len() as u64, allocations, restored })
    }

    /// Manual arrival only after the payment has gone unarrived for more than the configured
    /// working days.
    fn check_manual_arrival_due(&self, payment: &Payment) -> Result<()> {
        // Counted from when the payment was recorded here, not from the payer's own `paid_at`,
        // which a client could backdate.
        let paid_on = payment.created_at.with_timezone(&china_offset()).date_naive();
        let waited = self.calendar.working_days_between(paid_on, self.clock.today());
        let needed = self.settings.contributions.manual_arrival_after_working_days;
        if waited <= needed {
            let allowed_from = self.calendar.add_working_days(paid_on, needed + 1);
            return Err(Error::conflict(
                "contribution.arrival_not_overdue",
                format!("paid {waited} working day(s) ago; manual arrival from {allowed_from}"),
                params! { "manual_arrival_from" => allowed_from.to_string(), "working_days_waited" => waited },
            ));
        }
        Ok(())
    }
}

/// A bank confirms the arrival only of payments it took; the tax bureau and the hall, of any.
fn check_arriving_client(caller: &Caller, payment: &Payment) -> Result<()> {
    if caller.client_kind == ClientKind::Bank && caller.bank_code != payment.bank_code {
        return Err(Error::forbidden(
            "contribution.not_paying_bank",
            "a bank confirms the arrival only of payments it took; this one was taken elsewhere",
        ));
    }
    Ok(())
}

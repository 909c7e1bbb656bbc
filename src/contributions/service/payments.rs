//! Contribution payments posted by banks and the tax bureau: exactly the outstanding amount of
//! the periods named, idempotently.

use crate::contributions::Contributions;
use chrono::{DateTime, Duration, Utc};
use serde_json::json;
use sqlx::PgConnection;

use crate::contributions::store::contributions::{self as contributions, ContributionRow};
use crate::contributions::store::payments as store;
use crate::contributions::{ArrivalKind, ContributionState, Payment, PaymentChannel, PaymentState};
use crate::domain::{InsuranceType, Money, Month, PaymentId, PersonNo};
use crate::params;
use crate::persons;
use crate::persons::refuse_if_transferred_out;
use crate::platform::audit::Subject;
use crate::platform::caller::Caller;
use crate::platform::error::{Error, Result, ResultExt};
use crate::platform::idempotency::{IdempotentRequest, Outcome};

/// A parsed payment.
#[derive(Debug, Clone)]
pub struct PaymentRequest {
    pub person_no: PersonNo,
    pub periods: Vec<String>,
    pub amount: Money,
    pub paid_at: DateTime<Utc>,
    pub channel: PaymentChannel,
    pub reference: String,
}

impl Contributions<'_> {
    /// Records a payment for exactly the outstanding amount of its periods, idempotently.
    pub async fn pay_contribution(
        &self,
        caller: &Caller,
        payment: PaymentRequest,
        idempotency: &IdempotentRequest,
    ) -> Result<Outcome<Payment>> {
        check_shape(caller, &payment, self.clock.now())?;
        self.idempotent(caller, idempotency, |mut tx| async move {
            let recorded = self.record_payment(&mut tx, caller, payment).await?;
            Ok((tx, recorded))
        })
        .await
    }

    /// What `person_no` owes for `period` and has not paid yet (the period locked until the
    /// caller's transaction ends); 422 / 409 as for a payment when nothing is owed.
    pub async fn outstanding(&self, conn: &mut PgConnection, person_no: &PersonNo, period: &str) -> Result<Money> {
        let person = persons::get(conn, person_no).await?;
        let periods = [period.to_owned()];
        check_period_format(person.insurance_type, &periods)?;
        let owed = contributions::lock_periods(conn, person_no, &periods).await?;
        let probe = PaymentRequest {
            person_no: person_no.clone(),
            periods: periods.to_vec(),
            amount: owed.iter().map(|o| o.amount_due).sum(),
            paid_at: self.clock.now(),
            channel: PaymentChannel::FamilyAccount,
            reference: String::new(),
        };
        check_covers_exactly(&probe, &owed)?;
        Ok(probe.amount)
    }

    /// A period paid from a family holder's account inside the caller's transaction: recorded
    /// and arrived at once (the money is already here).
    pub async fn pay_from_family_account(
        &self,
        conn: &mut PgConnection,
        caller: &Caller,
        (person_no, period, amount): (&PersonNo, &str, Money),
        reference: String,
    ) -> Result<Payment> {
        let now = self.clock.now();
        let request = PaymentRequest {
            person_no: person_no.clone(),
            periods: vec![period.to_owned()],
            amount,
            paid_at: now,
            channel: PaymentChannel::FamilyAccount,
            reference,
        };
        let payment = self.record_payment(conn, caller, request).await?;
        let arrival = crate::contributions::store::payments::Arrival {
            at: now,
            kind: ArrivalKind::Automatic,
            receipt_no: None,
            actor: caller.actor(),
        };
        self.arrive_payments(conn, &[payment.payment_id], &arrival).await?;
        Ok(Payment {
            state: PaymentState::Arrived,
            arrived_at: Some(now),
            arrival_kind: Some(ArrivalKind::Automatic),
            ..payment
        })
    }

    /// The payment's effect: the periods marked paid, the payment row, its audit row.
    async fn record_payment(
        &self,
        conn: &mut PgConnection,
        caller: &Caller,
        payment: PaymentRequest,
    ) -> Result<Payment> {
        let person = persons::lock(conn, &payment.person_no).await?;
        refuse_if_transferred_out(person.status)?;
        check_period_format(person.insurance_type, &payment.periods)?;
        let owed = contributions::lock_periods(conn, &payment.person_no, &payment.periods).await?;
        check_covers_exactly(&payment, &owed)?;
        let row = self.new_payment(caller, payment);
        store::insert(conn, &row).await.on_constraint("contribution_payments_reference_key", || {
            Error::conflict("contribution.duplicate_reference", "this client already posted a payment with this reference; to retry one, resend it with its Idempotency-Key", params! {})
        })?;
        contributions::mark_paid(conn, &row.person_no, &row.periods, row.payment_id, row.paid_at, row.channel).await?;
        let subject = Subject { kind: "person", id: row.person_no.as_str() };
        let details = json!({ "payment_id": row.payment_id, "periods": row.periods, "amount": row.amount });
        self.audit(conn, caller.actor(), "contribution.payment", Some(subject), details).await?;
        Ok(row)
    }

    fn new_payment(&self, caller: &Caller, payment: PaymentRequest) -> Payment {
        Payment {
            payment_id: PaymentId::new(),
            person_no: payment.person_no,
            periods: payment.periods,
            amount: payment.amount,
            paid_at: payment.paid_at,
            channel: payment.channel,
            reference: payment.reference,
            client_id: caller.client_id.clone(),
            bank_code: caller.bank_code.clone(),
            state: PaymentState::Paid,
            arrived_at: None,
            arrival_kind: None,
            receipt_no: None,
            arrived_by: None,
            created_at: self.clock.now(),
        }
    }
}

/// What can be refused before touching the store.
fn check_shape(caller: &Caller, payment: &PaymentRequest, now: DateTime<Utc>) -> Result<()> {
    if payment.periods.is_empty() || payment.periods.len() > 120 {
        return Err(Error::invalid_field("contribution.periods", "periods", "name 1 to 120 periods"));
    }
    let mut sorted = payment.periods.clone();
    sorted.sort();
    sorted.dedup();
    if sorted.len() != payment.periods.len() {
        return Err(Error::invalid_field("contribution.periods", "periods", "a period is named twice"));
    }
    if payment.amount <= Money::ZERO {
        return Err(Error::invalid_field("contribution.amount", "amount", "the amount is positive"));
    }
    if payment.paid_at > now + Duration::minutes(5) {
        return Err(Error::invalid_field("contribution.paid_at_future", "paid_at", "paid_at lies in the future"));
    }
    let reference = payment.reference.trim();
    if reference.is_empty() || reference.len() > 64 {
        return Err(Error::invalid_field("contribution.reference", "reference", "a reference has 1 to 64 characters"));
    }
    if !payment.channel.fits(caller.client_kind) {
        return Err(Error::invalid_field(
            "contribution.channel",
            "channel",
            format!("a {} client does not post {} payments", caller.client_kind.as_str(), payment.channel.as_str()),
        ));
    }
    Ok(())
}

/// Employees pay months (`2026-10`), residents years (`2026`).
fn check_period_format(insurance: InsuranceType, periods: &[String]) -> Result<()> {
    let ok = |p: &String| match insurance {
        InsuranceType::Resident => p.len() == 4 && p.parse::<i32>().is_ok_and(|y| (2000..2100).contains(&y)),
        InsuranceType::Employee => Month::parse(p).is_some_and(|m| m.to_string() == *p),
    };
    match periods.iter().find(|p| !ok(p)) {
        None => Ok(()),
        Some(bad) => Err(Error::invalid_field(
            "contribution.period_format",
            "periods",
            format!("{bad}: employees pay months (YYYY-MM), residents years (YYYY)"),
        )),
    }
}

/// Every period must be owed and unpaid, and the amount exactly their sum.
fn check_covers_exactly(payment: &PaymentRequest, owed: &[ContributionRow]) -> Result<()> {
    if let Some(unknown) = payment.periods.iter().find(|p| !owed.iter().any(|o| &o.period == *p)) {
        return Err(Error::invalid_field(
            "contribution.period_not_due",
            "periods",
            format!("nothing is owed for {unknown}"),
        )
        .with_param("period", unknown.as_str()));
    }
    let settled: Vec<&str> =
        owed.iter().filter(|o| o.state != ContributionState::Due).map(|o| o.period.as_str()).collect();
    if !settled.is_empty() {
        return Err(Error::conflict(
            "contribution.already_paid",
            format!("already paid: {}", settled.join(", ")),
            params! { "periods" => settled },
        ));
    }
    let expected: Money = owed.iter().map(|o| o.amount_due).sum();
    if payment.amount != expected {
        let kind = if payment.amount < expected { "underpaid" } else { "overpaid" };
        return Err(Error::invalid_field(
            "contribution.amount_mismatch",
            "amount",
            format!("{kind}: the periods owe exactly {expected}"),
        )
        .with_param("expected_amount", expected.to_string())
        .with_param("mismatch", kind));
    }
    Ok(())
}

//! Contribution payments posted by banks and the tax bureau: exactly the outstanding amount of
//! the periods named, idempotently.

use crate::contributions::Contributions;
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::contributions::store::contributions::{self as contributions, ContributionRow};
use crate::contributions::store::payments::{self as store, PaymentRow};
use crate::domain::{InsuranceType, Money, Month, PersonNo};
use crate::params;
use crate::persons;
use crate::persons::refuse_if_transferred_out;
use crate::platform::audit::Subject;
use crate::platform::caller::{Caller, ClientKind};
use crate::platform::error::{Error, Result, ResultExt};
use crate::platform::idempotency::{IdempotentRequest, StoredResponse};

/// How the money was paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentChannel {
    /// 银行代扣
    BankWithholding,
    /// 河南税务
    TaxBureau,
    /// At a counter.
    Counter,
}

impl PaymentChannel {
    /// Parses the API name.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim() {
            "bank_withholding" => Some(Self::BankWithholding),
            "tax_bureau" => Some(Self::TaxBureau),
            "counter" => Some(Self::Counter),
            _ => None,
        }
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BankWithholding => "bank_withholding",
            Self::TaxBureau => "tax_bureau",
            Self::Counter => "counter",
        }
    }

    /// Banks withhold or take cash at the counter; the tax bureau collects.
    fn fits(self, kind: ClientKind) -> bool {
        matches!(
            (kind, self),
            (ClientKind::Bank, Self::BankWithholding | Self::Counter)
                | (ClientKind::TaxBureau, Self::TaxBureau | Self::Counter)
        )
    }
}

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

/// A payment as shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PaymentView {
    pub payment_id: Uuid,
    pub person_no: String,
    pub periods: Vec<String>,
    #[schema(value_type = String, example = "512.00")]
    pub amount: Money,
    pub paid_at: DateTime<Utc>,
    pub channel: String,
    pub reference: String,
    /// `paid` (awaiting arrival) or `arrived`.
    pub state: String,
    pub arrived_at: Option<DateTime<Utc>>,
    /// `automatic` or `manual`.
    pub arrival_kind: Option<String>,
    pub receipt_no: Option<String>,
}

impl From<PaymentRow> for PaymentView {
    fn from(r: PaymentRow) -> Self {
        Self {
            payment_id: r.payment_id,
            person_no: r.person_no.to_string(),
            periods: r.periods,
            amount: r.amount,
            paid_at: r.paid_at,
            channel: r.channel,
            reference: r.reference,
            state: r.state,
            arrived_at: r.arrived_at,
            arrival_kind: r.arrival_kind,
            receipt_no: r.receipt_no,
        }
    }
}

impl Contributions<'_> {
    /// Records a payment for exactly the outstanding amount of its periods.
    pub async fn pay_contribution(
        &self,
        caller: &Caller,
        payment: PaymentRequest,
        idempotency: &IdempotentRequest,
    ) -> Result<StoredResponse> {
        check_shape(caller, &payment, self.clock.now())?;
        let actor = caller.actor().clone();
        let mut tx = self.pool.begin().await?;
        if let Some(stored) = self.claim_idempotency(&mut tx, caller, idempotency).await? {
            return Ok(stored);
        }
        let person = persons::find_for_update(&mut tx, &payment.person_no)
            .await?
            .ok_or(Error::NotFound { code: "person.not_found" })?;
        refuse_if_transferred_out(person.status)?;
        check_period_format(InsuranceType::parse(&person.insurance_type), &payment.periods)?;
        let owed = contributions::lock_periods(&mut tx, &payment.person_no, &payment.periods).await?;
        check_covers_exactly(&payment, &owed)?;
        let row = PaymentRow {
            payment_id: Uuid::new_v4(),
            person_no: payment.person_no.clone(),
            periods: payment.periods.clone(),
            amount: payment.amount,
            paid_at: payment.paid_at,
            channel: payment.channel.as_str().to_owned(),
            reference: payment.reference.clone(),
            client_id: caller.client_id.clone(),
            state: "paid".into(),
            arrived_at: None,
            arrival_kind: None,
            receipt_no: None,
            arrived_by: None,
            created_at: self.clock.now(),
        };
        store::insert(&mut tx, &row).await.on_constraint("contribution_payments_reference_key", || {
            Error::conflict("contribution.duplicate_reference", "this reference was already posted", params! {})
        })?;
        contributions::mark_paid(&mut tx, &row.person_no, &row.periods, row.payment_id, row.paid_at, &row.channel)
            .await?;
        let subject = Subject { kind: "person", id: row.person_no.as_str() };
        let details = json!({ "payment_id": row.payment_id, "periods": row.periods, "amount": row.amount });
        self.audit(&mut tx, &actor, "contribution.payment", Some(subject), details).await?;
        let response = StoredResponse::new(201, serde_json::to_value(PaymentView::from(row))?);
        self.complete_idempotency(&mut tx, caller, idempotency, &response).await?;
        tx.commit().await?;
        Ok(response)
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
fn check_period_format(insurance: Option<InsuranceType>, periods: &[String]) -> Result<()> {
    let ok = |p: &String| match insurance {
        Some(InsuranceType::Resident) => p.len() == 4 && p.parse::<i32>().is_ok_and(|y| (2000..2100).contains(&y)),
        _ => Month::parse(p).is_some_and(|m| m.to_string() == *p),
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
    let settled: Vec<&str> = owed.iter().filter(|o| o.state != "due").map(|o| o.period.as_str()).collect();
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

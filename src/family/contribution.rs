//! The holder's account pays a bound resident relative's yearly contribution (seed 000: 家庭共济
//! covers the relatives' 居民医保): the holder's `family_payment` entry, the relative's year paid
//! and arrived, the payment row, all in one transaction with both persons locked in order.

use serde_json::json;
use uuid::Uuid;

use super::binding::{lock_pair, visible};
use super::store::{self, PaymentRow};
use super::{BindingState, Families};
use crate::contributions::Contributions;
use crate::domain::{InsuranceType, Money};
use crate::ledger::EntryKind;
use crate::ledger::writer::{self, Movement};
use crate::params;
use crate::platform::audit::Subject;
use crate::platform::caller::Caller;
use crate::platform::error::{Error, Result};
use crate::platform::idempotency::{IdempotentRequest, Outcome};

impl Families<'_> {
    /// Pays the relative's contribution for `period` (a year) from the session holder's account.
    pub async fn pay_contribution(
        &self,
        caller: &Caller,
        binding_id: Uuid,
        period: &str,
        idempotency: &IdempotentRequest,
    ) -> Result<Outcome<PaymentRow>> {
        let me = caller.person_session()?.person_no.clone();
        self.idempotent(caller, idempotency, |mut tx| async move {
            let binding = visible(&mut tx, binding_id, |b| b.holder_person_no == me).await?;
            let (_, relative) = lock_pair(&mut tx, &binding.holder_person_no, &binding.relative_person_no).await?;
            let binding = store::find(&mut tx, binding_id).await?.ok_or_else(super::binding::not_found)?;
            if binding.state != BindingState::Active {
                return Err(Error::conflict("family.not_active", "only an active binding pays", params! {}));
            }
            if relative.insurance_type != InsuranceType::Resident {
                return Err(Error::conflict(
                    "family.not_a_resident",
                    "a holder's account pays the yearly contribution of a resident (390) relative only",
                    params! {},
                ));
            }
            let contributions = Contributions::new(self);
            let amount = contributions.outstanding(&mut tx, &relative.person_no, period).await?;
            let movement = Movement {
                person_no: binding.holder_person_no.clone(),
                kind: EntryKind::FamilyPayment,
                amount: Money::ZERO - amount,
                period: None,
                payment_id: None,
                reason: Some(format!("家庭共济：为 {} 缴纳 {period} 年度居民医保", relative.person_no.as_str())),
                approver: None,
                value_at: None,
            };
            let now = self.clock.now();
            writer::post(&mut tx, movement, caller.actor(), now).await?;
            let reference = format!("family-{binding_id}-{period}");
            contributions
                .pay_from_family_account(&mut tx, caller, (&relative.person_no, period, amount), reference)
                .await?;
            let row = store::insert_period_payment(&mut tx, &binding, period, amount, now).await?;
            let id = binding_id.to_string();
            let details = json!({ "period": period, "amount": amount });
            self.audit(
                &mut tx,
                caller.actor(),
                "family.contribution",
                Some(Subject { kind: "family_binding", id: &id }),
                details,
            )
            .await?;
            Ok((tx, row))
        })
        .await
    }
}

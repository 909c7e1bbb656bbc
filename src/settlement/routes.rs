//! `POST /v1/settlements/previews` (national transaction 2206) with the national platform's
//! field names, so a hospital's HIS integrator recognises them.

use axum::extract::State;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::certificate::Certificate;
use super::preview::{Preview, SettlementRequest};
use super::{Bill, MedType, Settlements};
use crate::cards::parse_card_no;
use crate::domain::{InsuranceType, Money, mask_id_number, mask_name as masked_name};
use crate::e_vouchers::EcToken;
use crate::persons::fields::parse_id_number;
use crate::persons::parse_person_no;
use crate::platform::caller::Caller;
use crate::platform::error::{Error, Result};
use crate::platform::http::AppState;
use crate::platform::http::extract::Json;

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(preview))
}

/// A bill to pre-settle (2206) or settle (2207).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettlementBody {
    /// `01` e-voucher (`mdtrt_cert_no` is the `ec_token` the person shows), `02` ID card (the ID
    /// number) or `03` card (the card number).
    #[schema(example = "03")]
    pub mdtrt_cert_type: String,
    pub mdtrt_cert_no: String,
    /// The person the institution read (1101) before billing; when given, a certificate of
    /// anyone else is refused with `settlement.person_mismatch`.
    pub psn_no: Option<String>,
    /// The card password, for `03` when the personal account is to pay.
    #[schema(value_type = Option<String>, format = Password)]
    pub card_password: Option<SecretString>,
    pub med_type: MedType,
    #[schema(example = "1280.50")]
    pub medfee_sumamt: String,
    #[schema(example = "100.00")]
    pub fulamt_ownpay_amt: String,
    #[schema(example = "80.50")]
    pub preselfpay_amt: String,
    #[schema(example = "1100.00")]
    pub inscp_scp_amt: String,
    /// `1` to let the personal account pay the person's part, `0` not.
    #[schema(example = "1")]
    pub acct_used_flag: String,
    /// The institution's message id (settlement only; unique per institution, 1–64 characters).
    pub msgid: Option<String>,
}

/// The split (national names); amounts are yuan with two decimals.
#[derive(Debug, Serialize, ToSchema)]
pub struct SplitResponse {
    pub psn_no: String,
    /// Masked.
    pub psn_name: String,
    #[schema(example = "410105********4322")]
    pub certno: String,
    pub insutype: InsuranceType,
    /// 1 正常参保, 2 暂停参保, 4 终止参保.
    pub psn_insu_stas: &'static str,
    pub med_type: MedType,
    #[serde(flatten)]
    pub amounts: SplitAmounts,
}

/// The amounts of a split, in the national names; yuan with two decimals.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SplitAmounts {
    #[schema(value_type = String)]
    pub medfee_sumamt: Money,
    #[schema(value_type = String)]
    pub fulamt_ownpay_amt: Money,
    #[schema(value_type = String)]
    pub inscp_scp_amt: Money,
    /// Deductible applied.
    #[schema(value_type = String)]
    pub act_pay_dedc: Money,
    /// The pooled fund (the same as `fund_pay_sumamt`).
    #[schema(value_type = String)]
    pub hifp_pay: Money,
    #[schema(value_type = String)]
    pub fund_pay_sumamt: Money,
    #[schema(value_type = String)]
    pub psn_part_amt: Money,
    #[schema(value_type = String)]
    pub acct_pay: Money,
    /// Family mutual aid (0 until family accounts exist).
    #[schema(value_type = String)]
    pub acct_mulaid_pay: Money,
    #[schema(value_type = String)]
    pub psn_cash_pay: Money,
    /// The account balance after this settlement.
    #[schema(value_type = String)]
    pub balc: Money,
}

impl SplitAmounts {
    /// The amounts of `split`, leaving `balc`.
    pub fn of(split: &super::Split, balc: Money) -> Self {
        Self {
            medfee_sumamt: split.medfee_sumamt,
            fulamt_ownpay_amt: split.fulamt_ownpay_amt,
            inscp_scp_amt: split.inscp_scp_amt,
            act_pay_dedc: split.act_pay_dedc,
            hifp_pay: split.fund_pay_sumamt,
            fund_pay_sumamt: split.fund_pay_sumamt,
            psn_part_amt: split.psn_part_amt,
            acct_pay: split.acct_pay,
            acct_mulaid_pay: split.acct_mulaid_pay,
            psn_cash_pay: split.psn_cash_pay,
            balc,
        }
    }
}

impl From<Preview> for SplitResponse {
    fn from(p: Preview) -> Self {
        let s = p.split;
        Self {
            psn_no: p.person.person_no.to_string(),
            psn_name: masked_name(&p.person.name),
            certno: mask_id_number(&p.person.id_number),
            insutype: p.person.insurance_type,
            psn_insu_stas: p.person.status.psn_insu_stas(),
            med_type: p.med_type,
            amounts: SplitAmounts::of(&s, p.balance_after),
        }
    }
}

/// Pre-settle a bill (2206): the split into pooled fund, personal account and cash a settlement
/// would make now. Nothing is settled; a card password given is checked (and counted) as always.
#[utoipa::path(
    post, path = "/v1/settlements/previews", tag = "settlement", security(("bearer" = ["settlements:write"])),
    request_body = SettlementBody,
    responses(
        (status = 200, description = "The split", body = SplitResponse),
        (status = 403, description = "`settlement.not_an_institution`"),
        (status = 404, description = "`card.not_found`, `person.not_found`, `e_voucher.token_unknown`"),
        (status = 409, description = "`settlement.card_not_usable` (lost, frozen, replaced); `e_voucher.token_used`, `e_voucher.token_expired`, `e_voucher.token_elsewhere`, `e_voucher.suspended`"),
        (status = 422, description = "`settlement.cert_type`, `e_voucher.token_format`, `settlement.bill`, `money.format`, `card.password_wrong`"),
        (status = 423, description = "`card.password_locked`"),
    )
)]
async fn preview(
    State(state): State<AppState>,
    caller: Caller,
    Json(body): Json<SettlementBody>,
) -> Result<Json<SplitResponse>, Error> {
    let request = parse(body, state.core.clock.today())?;
    Ok(Json(Settlements::new(&state.core).preview(&caller, request).await?.into()))
}

pub(super) fn parse(body: SettlementBody, today: chrono::NaiveDate) -> Result<SettlementRequest> {
    let certificate = parse_certificate(&body.mdtrt_cert_type, &body.mdtrt_cert_no, body.card_password, today)?;
    let money = |raw: &str, field: &str| Money::parse(raw).map_err(|e| Error::invalid_field("money.format", field, e));
    let bill = Bill {
        total: money(&body.medfee_sumamt, "medfee_sumamt")?,
        wholly_self_paid: money(&body.fulamt_ownpay_amt, "fulamt_ownpay_amt")?,
        pre_self_paid: money(&body.preselfpay_amt, "preselfpay_amt")?,
        within_scope: money(&body.inscp_scp_amt, "inscp_scp_amt")?,
    };
    let use_account = match body.acct_used_flag.trim() {
        "1" => true,
        "0" => false,
        _ => return Err(Error::invalid_field("settlement.acct_used_flag", "acct_used_flag", "1 or 0")),
    };
    let psn_no = body.psn_no.as_deref().map(parse_person_no).transpose()?;
    Ok(SettlementRequest { certificate, psn_no, med_type: body.med_type, bill, use_account })
}

/// The certificate of a request: `01` e-voucher token, `02` ID card or `03` card (with its
/// password, if given).
pub(super) fn parse_certificate(
    cert_type: &str,
    cert_no: &str,
    password: Option<SecretString>,
    today: chrono::NaiveDate,
) -> Result<Certificate> {
    match cert_type.trim() {
        "01" => EcToken::parse(cert_no).map(Certificate::EVoucher).ok_or_else(|| {
            Error::invalid_field("e_voucher.token_format", "mdtrt_cert_no", "an ec_token has 40 letters and digits")
        }),
        "02" => Ok(Certificate::IdCard(parse_id_number(cert_no, "mdtrt_cert_no", today)?)),
        "03" => Ok(Certificate::Card { card_no: parse_card_no(cert_no)?, password }),
        _ => Err(Error::invalid_field(
            "settlement.cert_type",
            "mdtrt_cert_type",
            "01 (e-voucher), 02 (ID card) or 03 (card)",
        )),
    }
}

//! `POST /v1/card-reads` (1101): an institution or terminal reads the holder of a presented card
//! or ID card.

use axum::extract::State;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::Settlements;
use super::card_read::CardRead;
use super::routes::parse_certificate;
use super::settle_routes::SettlementView;
use crate::cards::CardState;
use crate::domain::mask_name as masked_name;
use crate::domain::{InsuranceType, Money, mask_id_number};
use crate::platform::caller::Caller;
use crate::platform::error::Error;
use crate::platform::http::AppState;
use crate::platform::http::extract::Json;

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(read_card))
}

/// A presented certificate.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CardReadBody {
    /// `02` ID card or `03` card.
    #[schema(example = "03")]
    pub mdtrt_cert_type: String,
    pub mdtrt_cert_no: String,
    /// The card password: with it (and an active card) the balance is shown.
    #[schema(value_type = Option<String>, format = Password)]
    pub card_password: Option<SecretString>,
}

/// The holder as an institution may see them (masked), in the national names.
#[derive(Debug, Serialize, ToSchema)]
pub struct CardReadResponse {
    pub psn_no: String,
    pub psn_name: String,
    pub certno: String,
    pub insutype: InsuranceType,
    /// 1 正常参保, 2 暂停参保, 4 终止参保.
    pub psn_insu_stas: &'static str,
    /// Whether the pooled fund pays today.
    pub benefits_active: bool,
    /// The card's state, for a card.
    pub card_state: Option<CardState>,
    /// The account balance, only with an active card and its password.
    #[schema(value_type = Option<String>)]
    pub balc: Option<Money>,
    /// The last few consumptions of the past year, newest first.
    pub consumptions: Vec<SettlementView>,
}

impl From<CardRead> for CardReadResponse {
    fn from(r: CardRead) -> Self {
        Self {
            psn_no: r.person.person_no.to_string(),
            psn_name: masked_name(&r.person.name),
            certno: mask_id_number(&r.person.id_number),
            insutype: r.person.insurance_type,
            psn_insu_stas: r.person.status.psn_insu_stas(),
            benefits_active: r.benefits_active,
            card_state: r.card_state,
            balc: r.balance,
            consumptions: r.recent.into_iter().map(Into::into).collect(),
        }
    }
}

/// Read the holder of a presented certificate (1101); every read is audited.
#[utoipa::path(
    post, path = "/v1/card-reads", tag = "settlement", security(("bearer" = ["card_holder:read"])),
    request_body = CardReadBody,
    responses(
        (status = 200, description = "The holder", body = CardReadResponse),
        (status = 404, description = "`card.not_found`, `person.not_found`, `e_voucher.token_unknown`"),
        (status = 409, description = "`settlement.card_not_usable` (lost, frozen, replaced); `e_voucher.token_used`, `e_voucher.token_expired`, `e_voucher.token_elsewhere`, `e_voucher.suspended`"),
        (status = 422, description = "`settlement.cert_type`, `e_voucher.token_format`, `card.password_wrong`"),
        (status = 423, description = "`card.password_locked`"),
    )
)]
async fn read_card(
    State(state): State<AppState>,
    caller: Caller,
    Json(body): Json<CardReadBody>,
) -> Result<Json<CardReadResponse>, Error> {
    let today = state.core.clock.today();
    let certificate = parse_certificate(&body.mdtrt_cert_type, &body.mdtrt_cert_no, body.card_password, today)?;
    Ok(Json(Settlements::new(&state.core).read_card(&caller, certificate).await?.into()))
}

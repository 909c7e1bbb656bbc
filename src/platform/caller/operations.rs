//! Which scope each operation needs: the one table the caller extractor checks before a
//! handler parses anything, so a client without the right gets 403 even when its body is also
//! malformed. An operation names the scopes any one of which admits the caller; an empty list
//! admits any authenticated caller (the service then narrows it, e.g. a bank to its own
//! cards). A route missing here is refused (fail closed); a test keeps the table complete.

use axum::http::Method;

use super::Scope;
use Scope::*;

/// `(method, route template, scopes any one of which admits)`.
const OPERATIONS: &[(Method, &str, &[Scope])] = &[
    (Method::POST, "/v1/staff/sessions", &[StaffSessionsOpen]),
    (Method::DELETE, "/v1/staff/sessions/current", &[]),
    (Method::DELETE, "/v1/oauth/token", &[]),
    (Method::GET, "/v1/audit-events", &[AuditRead]),
    (Method::GET, "/v1/banks", &[]),
    (Method::GET, "/v1/institutions", &[]),
    (Method::POST, "/v1/institutions", &[ClientsManage]),
    (Method::GET, "/v1/persons", &[PersonsRead]),
    (Method::POST, "/v1/persons", &[PersonsEnrol]),
    (Method::GET, "/v1/persons/{person_no}", &[PersonsRead]),
    (Method::PATCH, "/v1/persons/{person_no}", &[PersonsEnrol]),
    (Method::PATCH, "/v1/me/contact", &[SelfContact]),
    (Method::GET, "/v1/persons/{person_no}/status-transitions", &[PersonsRead]),
    (Method::POST, "/v1/persons/{person_no}/status-transitions", &[PersonsStatus]),
    (Method::GET, "/v1/persons/{person_no}/contributions", &[PersonsRead]),
    (Method::PUT, "/v1/persons/{person_no}/contribution-base", &[PersonsEnrol]),
    (Method::GET, "/v1/persons/{person_no}/cards", &[PersonsRead]),
    (Method::POST, "/v1/persons/{person_no}/cards", &[CardsIssue]),
    (Method::GET, "/v1/persons/{person_no}/account", &[PersonsRead]),
    (Method::GET, "/v1/persons/{person_no}/account/entries", &[PersonsRead]),
    (Method::POST, "/v1/persons/{person_no}/account/adjustments", &[AccountsAdjust]),
    (Method::POST, "/v1/account-adjustments/{id}/approval", &[AccountsAdjust]),
    (Method::POST, "/v1/account-adjustments/{id}/rejection", &[AccountsAdjust]),
    (Method::POST, "/v1/contribution-payments", &[ContributionsPay]),
    (Method::POST, "/v1/contribution-payments/{id}/arrival", &[ContributionsArrive]),
    (Method::POST, "/v1/contribution-payments/{id}/manual-arrival", &[ContributionsManualArrival]),
    (Method::GET, "/v1/cards/{card_no}", &[]),
    (Method::GET, "/v1/cards/{card_no}/transitions", &[]),
    (Method::POST, "/v1/cards/{card_no}/activation", &[CardsActivate]),
    (Method::POST, "/v1/cards/{card_no}/loss-reports", &[CardsLossTemporary, CardsLossFormal]),
    (Method::DELETE, "/v1/cards/{card_no}/loss-reports", &[CardsLossTemporary]),
    (Method::POST, "/v1/cards/{card_no}/replacements", &[CardsReplace]),
    (Method::POST, "/v1/cards/{card_no}/fulfilment", &[CardsReplace]),
    (Method::POST, "/v1/cards/{card_no}/freeze", &[CardsFreeze]),
    (Method::DELETE, "/v1/cards/{card_no}/freeze", &[CardsFreeze]),
    (Method::PUT, "/v1/cards/{card_no}/password", &[CardsPassword]),
    (Method::POST, "/v1/cards/{card_no}/password/reset", &[CardsPasswordReset]),
    (Method::POST, "/v1/cards/{card_no}/password/verifications", &[CardsVerifyPassword]),
    (Method::POST, "/v1/sms-codes", &[PersonSessionsOpen]),
    (Method::POST, "/v1/bindings", &[PersonSessionsOpen]),
    (Method::POST, "/v1/sessions", &[PersonSessionsOpen, TerminalSessionsOpen]),
    (Method::DELETE, "/v1/sessions/current", &[]),
    (Method::GET, "/v1/persons/{person_no}/bindings", &[PersonsRead]),
    (Method::DELETE, "/v1/persons/{person_no}/bindings/{binding_id}", &[BindingsManage]),
    (Method::GET, "/v1/me", &[SelfRead]),
    (Method::GET, "/v1/me/bindings", &[SelfRead]),
    (Method::DELETE, "/v1/me/bindings/{binding_id}", &[SelfContact]),
    (Method::PUT, "/v1/me/password", &[SelfPassword]),
    (Method::GET, "/v1/me/account", &[SelfRead]),
    (Method::GET, "/v1/me/account/entries", &[SelfRead]),
    (Method::GET, "/v1/me/contributions", &[SelfRead]),
    (Method::GET, "/v1/me/cards", &[SelfRead]),
    (Method::POST, "/v1/me/cards/{card_no}/loss-reports", &[SelfCardsLoss]),
    (Method::DELETE, "/v1/me/cards/{card_no}/loss-reports", &[SelfCardsLoss]),
    (Method::GET, "/v1/me/consumptions", &[SelfRead]),
    (Method::GET, "/v1/me/remote-filings", &[SelfRead]),
    (Method::GET, "/v1/me/statements", &[StatementsExport]),
    (Method::GET, "/v1/persons/{person_no}/statements", &[StatementsExport]),
    (Method::POST, "/v1/card-reads", &[CardHolderRead]),
    (Method::POST, "/v1/settlements/previews", &[SettlementsWrite]),
    (Method::POST, "/v1/settlements", &[SettlementsWrite]),
    (Method::GET, "/v1/settlements/{setl_id}", &[SettlementsWrite, PersonsRead]),
    (Method::POST, "/v1/settlements/{setl_id}/reversal", &[SettlementsWrite]),
    (Method::POST, "/v1/settlements/reversals", &[SettlementsWrite]),
    (Method::GET, "/v1/persons/{person_no}/consumptions", &[PersonsRead]),
    (Method::POST, "/v1/e-vouchers", &[EVouchersActivate]),
    (Method::GET, "/v1/me/e-voucher", &[SelfRead]),
    (Method::POST, "/v1/me/e-voucher/codes", &[EVouchersActivate]),
    (Method::PUT, "/v1/me/e-voucher/pin", &[EVouchersActivate]),
    (Method::GET, "/v1/e-vouchers/{person_no}", &[PersonsRead]),
    (Method::POST, "/v1/e-vouchers/{person_no}/suspension", &[EVouchersManage]),
    (Method::DELETE, "/v1/e-vouchers/{person_no}/suspension", &[EVouchersManage]),
    (Method::POST, "/v1/remote-filings", &[RemoteFilingsWrite]),
    (Method::GET, "/v1/remote-filings/sync-requests", &[RemoteFilingsSync]),
    (Method::GET, "/v1/remote-filings/{filing_no}", &[PersonsRead, RemoteFilingsSync]),
    (Method::PUT, "/v1/remote-filings/{filing_no}", &[RemoteFilingsSync]),
    (Method::POST, "/v1/remote-filings/{filing_no}/sync", &[RemoteFilingsWrite, RemoteFilingsSync]),
    (Method::POST, "/v1/remote-filings/{filing_no}/revocation", &[RemoteFilingsWrite]),
    (Method::POST, "/v1/me/remote-filings/{filing_no}/revocation", &[RemoteFilingsWrite]),
    (Method::GET, "/v1/persons/{person_no}/remote-filings", &[PersonsRead]),
    (Method::POST, "/v1/remote-settlements", &[RemoteSettlementsPost]),
    (Method::GET, "/v1/remote-settlements", &[PersonsRead]),
    (Method::GET, "/v1/remote-settlements/{setl_sn}", &[PersonsRead, RemoteSettlementsPost]),
    (Method::POST, "/v1/remote-settlements/{setl_sn}/resolution", &[AccountsAdjust]),
    (Method::GET, "/v1/me/family-members", &[SelfRead]),
    (Method::POST, "/v1/me/family-members", &[FamilyWrite]),
    (Method::PUT, "/v1/me/family-members/order", &[FamilyWrite]),
    (Method::POST, "/v1/me/family-members/{binding_id}/confirmation", &[FamilyWrite]),
    (Method::DELETE, "/v1/me/family-members/{binding_id}", &[FamilyWrite]),
    (Method::GET, "/v1/me/family-members/{binding_id}/payments", &[SelfRead]),
    (Method::POST, "/v1/me/family-members/{binding_id}/contribution-payments", &[FamilyWrite]),
    (Method::GET, "/v1/persons/{person_no}/family-members", &[PersonsRead]),
    (Method::POST, "/v1/persons/{person_no}/family-members", &[FamilyWrite]),
    (Method::DELETE, "/v1/persons/{person_no}/family-members/{binding_id}", &[FamilyWrite]),
    (Method::POST, "/v1/persons/{person_no}/family-members/{binding_id}/confirmation", &[FamilyWrite]),
    (Method::GET, "/v1/clients", &[ClientsManage]),
    (Method::POST, "/v1/clients", &[ClientsManage]),
    (Method::POST, "/v1/clients/{client_id}/disable", &[ClientsManage]),
    (Method::POST, "/v1/clients/{client_id}/secret", &[ClientsManage]),
    (Method::PUT, "/v1/clients/{client_id}/assertion-key", &[ClientsManage]),
];

/// The scopes that admit a caller to `method route`, or `None` for an operation not listed.
pub fn admitting_scopes(method: &Method, route: &str) -> Option<&'static [Scope]> {
    OPERATIONS.iter().find(|(m, r, _)| m == method && *r == route).map(|(_, _, scopes)| *scopes)
}

/// Every listed operation as `(method, route)`, for the test that keeps the table complete.
pub fn listed() -> impl Iterator<Item = (&'static Method, &'static str)> {
    OPERATIONS.iter().map(|(m, r, _)| (m, *r))
}

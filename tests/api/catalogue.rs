//! Every problem code the service answers with has a Chinese and an English message. The list
//! is kept by hand (the sources are not there at run time): add a code here when you add one
//! to the service — `grep -rhoE '"[a-z_]+\.[a-z_]+"' src` finds the candidates.

use medcard::http::is_catalogued;

const CODES: &[&str] = &[
    // Requests and HTTP.
    "request.malformed_json",
    "request.invalid_body",
    "request.unsupported_media_type",
    "request.bad_path",
    "request.bad_query",
    "request.bad_cursor",
    "request.body_too_large",
    "http.not_found",
    "http.method_not_allowed",
    "http.timeout",
    "http.client_error",
    "internal",
    // Authentication and clients.
    "auth.missing_token",
    "auth.invalid_token",
    "auth.insufficient_scope",
    "oauth.invalid_client",
    "oauth.invalid_scope",
    "oauth.invalid_request",
    "oauth.unsupported_grant_type",
    "staff.invalid_credentials",
    "staff.locked",
    "staff.username_taken",
    "staff.username",
    "staff.weak_password",
    "client.name",
    "client.bank_binding",
    "client.institution_binding",
    "client.unknown_bank",
    "client.unknown_institution",
    "institution.code",
    "institution.code_taken",
    "institution.kind",
    // Persons and their insured status.
    "person.not_found",
    "person.id_number_taken",
    "person.employer_required",
    "person.employer_not_applicable",
    "person.name",
    "person.phone",
    "person.insurance_type",
    "person.employer_name",
    "person.transferred_out",
    "id_number.format",
    "id_number.unknown_region",
    "id_number.impossible_birth_date",
    "id_number.future_birth_date",
    "id_number.check_digit",
    "region.format",
    "region.not_zhengzhou",
    "region.not_elsewhere",
    "credit_code.format",
    "credit_code.check_character",
    "status.unknown",
    "status.illegal_transition",
    "status.system_only",
    "status.reason_not_allowed",
    "status.reason_text",
    "status.region_required",
    "status.region_not_applicable",
    // Cards.
    "card.not_found",
    "card.illegal_transition",
    "card.usable_card_exists",
    "card.unknown_bank",
    "card.not_issuing_bank",
    "card.branch_required",
    "card.institution_no_activation",
    "card.not_collected",
    "card.identity_mismatch",
    "card.minor_needs_guardian",
    "card.agent_not_guardian",
    "card.agent_is_holder",
    "card.proof_not_accepted",
    "card.loss_kind",
    "card.replacement_reason",
    "card.already_replaced",
    "card.not_expiring",
    "card.no_fulfilment",
    "card.fulfilment_out_of_order",
    "card.reason_text",
    "card.not_active",
    "card.password_wrong",
    "card.password_locked",
    "card_password.format",
    "card_password.repeated_digit",
    "card_password.sequence",
    "card_password.birth_date",
    "card_password.id_number_tail",
];

#[test]
fn every_problem_code_the_service_uses_has_a_message() {
    let missing: Vec<_> = CODES.iter().filter(|code| !is_catalogued(code)).collect();
    assert!(missing.is_empty(), "not in src/http/messages.rs: {missing:?}");
}

#[test]
fn every_card_password_rule_has_a_message() {
    use medcard::domain::CardPasswordError::*;
    for error in [Format, Repeated, Sequence, BirthDate, IdNumberTail] {
        assert!(is_catalogued(error.code()), "{}", error.code());
    }
}

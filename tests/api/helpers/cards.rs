//! Cards in tests: holders with their real ID numbers, the HTTP request behind each lifecycle
//! action, and cards driven into every state along legal steps.

use axum::http::{Method, StatusCode};
use medcard::auth::ClientBinding;
use medcard::cards::{CardAction, CardState};
use medcard::platform::caller::ClientKind;
use serde_json::{Value, json};

use super::{TestApp, TestResponse, employee_body, ids};

/// A card password no holder's documents give away (58 is neither a month nor a day).
pub const CARD_PASSWORD: &str = "583920";

/// An enrolled person with the ID number and name they present at a counter.
#[derive(Debug, Clone)]
pub struct Holder {
    pub person_no: String,
    pub id_number: String,
    pub name: String,
}

impl Holder {
    /// `{ id_number, name }` as presented.
    pub fn identity(&self) -> Value {
        json!({ "id_number": self.id_number, "name": self.name })
    }

    /// An activation body with `password` and no branch or agent.
    pub fn activation(&self, password: &str) -> Value {
        json!({ "id_number": self.id_number, "name": self.name, "password": password })
    }

    /// A loss report of `kind` (`temporary` or `formal`).
    pub fn loss_report(&self, kind: &str) -> Value {
        json!({ "kind": kind, "id_number": self.id_number, "name": self.name })
    }

    /// A replacement order for `reason` (`lost`, `damaged`, `expired`).
    pub fn replacement(&self, reason: &str) -> Value {
        json!({ "reason": reason, "id_number": self.id_number, "name": self.name })
    }
}

/// The path of a card, or of one of its sub-resources (`suffix` starts with `/` or is empty).
pub fn card_path(card_no: &str, suffix: &str) -> String {
    format!("/v1/cards/{card_no}{suffix}")
}

/// The states a test can drive a card into, with where a frozen card came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    Unactivated,
    Active,
    TemporarilyLost,
    FrozenFromUnactivated,
    FrozenFromActive,
    Lost,
    Replaced,
}

impl Reach {
    pub const ALL: [Self; 7] = [
        Self::Unactivated,
        Self::Active,
        Self::TemporarilyLost,
        Self::FrozenFromUnactivated,
        Self::FrozenFromActive,
        Self::Lost,
        Self::Replaced,
    ];

    /// The card state and, when frozen, the state it was frozen from.
    pub fn state(self) -> (CardState, Option<CardState>) {
        match self {
            Self::Unactivated => (CardState::Unactivated, None),
            Self::Active => (CardState::Active, None),
            Self::TemporarilyLost => (CardState::TemporarilyLost, None),
            Self::FrozenFromUnactivated => (CardState::Frozen, Some(CardState::Unactivated)),
            Self::FrozenFromActive => (CardState::Frozen, Some(CardState::Active)),
            Self::Lost => (CardState::Lost, None),
            Self::Replaced => (CardState::Replaced, None),
        }
    }

    /// The legal actions that lead here from a freshly issued card.
    fn path(self) -> &'static [CardAction] {
        use CardAction::*;
        match self {
            Self::Unactivated => &[],
            Self::Active => &[Activate],
            Self::TemporarilyLost => &[Activate, ReportTemporaryLoss],
            Self::FrozenFromUnactivated => &[Freeze],
            Self::FrozenFromActive => &[Activate, Freeze],
            Self::Lost => &[Activate, ReportFormalLoss],
            Self::Replaced => &[Activate, Withdraw],
        }
    }
}

/// The actions a request can ask for (the lapse is the background job's).
pub const HTTP_ACTIONS: [CardAction; 7] = [
    CardAction::Activate,
    CardAction::ReportTemporaryLoss,
    CardAction::CancelTemporaryLoss,
    CardAction::ReportFormalLoss,
    CardAction::Freeze,
    CardAction::Unfreeze,
    CardAction::Withdraw,
];

/// The status a successful request for `action` answers.
pub fn success_status(action: CardAction) -> StatusCode {
    match action {
        CardAction::ReportTemporaryLoss | CardAction::ReportFormalLoss | CardAction::Freeze | CardAction::Withdraw => {
            StatusCode::CREATED
        }
        _ => StatusCode::OK,
    }
}

impl TestApp {
    /// DELETE with a JSON body.
    pub async fn delete(&self, uri: &str, token: &str, body: Value) -> TestResponse {
        self.send(Method::DELETE, uri, Some(token), Some(body)).await
    }

    /// PUT with a JSON body.
    pub async fn put(&self, uri: &str, token: &str, body: Value) -> TestResponse {
        self.send(Method::PUT, uri, Some(token), Some(body)).await
    }

    /// A token for a bank client acting for `bank_code`.
    pub async fn bank_token(&self, bank_code: &str) -> String {
        let binding = ClientBinding { bank_code: Some(bank_code.into()), institution_code: None };
        self.bound_client_token(ClientKind::Bank, binding).await
    }

    /// Enrols an employee with a fresh ID number.
    pub async fn enrol_holder(&self, token: &str) -> Holder {
        self.enrol_holder_with(token, employee_body(&ids::fresh_id_number())).await
    }

    /// Enrols the person of an enrolment `body`.
    pub async fn enrol_holder_with(&self, token: &str, body: Value) -> Holder {
        let response = self.post("/v1/persons", token, body.clone()).await;
        assert_eq!(response.status, StatusCode::CREATED, "{}", response.text);
        Holder {
            person_no: response.body["person_no"].as_str().unwrap().to_owned(),
            id_number: body["id_number"].as_str().unwrap().to_owned(),
            name: body["name"].as_str().unwrap().to_owned(),
        }
    }

    /// Issues a card from `bank_code`; returns the card.
    pub async fn issue_card(&self, token: &str, person_no: &str, bank_code: &str) -> Value {
        let response =
            self.post(&format!("/v1/persons/{person_no}/cards"), token, json!({ "bank_code": bank_code })).await;
        assert_eq!(response.status, StatusCode::CREATED, "{}", response.text);
        response.body
    }

    /// A new holder with a new ICBC card issued by `clerk`; returns the card number.
    pub async fn holder_with_card(&self, clerk: &str) -> (Holder, String) {
        let holder = self.enrol_holder(clerk).await;
        let card = self.issue_card(clerk, &holder.person_no, "ICBC").await;
        (holder, card["card_no"].as_str().unwrap().to_owned())
    }

    /// Asks for `action` on a card as the hall `clerk` would, with the holder's identity.
    pub async fn card_action(&self, clerk: &str, holder: &Holder, card_no: &str, action: CardAction) -> TestResponse {
        let reason = json!({ "reason": "持卡人申请" });
        match action {
            CardAction::Activate => {
                self.post(&card_path(card_no, "/activation"), clerk, holder.activation(CARD_PASSWORD)).await
            }
            CardAction::ReportTemporaryLoss => {
                self.post(&card_path(card_no, "/loss-reports"), clerk, holder.loss_report("temporary")).await
            }
            CardAction::CancelTemporaryLoss => {
                self.delete(&card_path(card_no, "/loss-reports"), clerk, holder.identity()).await
            }
            CardAction::ReportFormalLoss => {
                self.post(&card_path(card_no, "/loss-reports"), clerk, holder.loss_report("formal")).await
            }
            CardAction::Freeze => self.post(&card_path(card_no, "/freeze"), clerk, reason).await,
            CardAction::Unfreeze => self.delete(&card_path(card_no, "/freeze"), clerk, reason).await,
            CardAction::Withdraw => {
                self.post(&card_path(card_no, "/replacements"), clerk, holder.replacement("damaged")).await
            }
            CardAction::LapseTemporaryLoss => panic!("the lapse is the background job's, not a request"),
        }
    }

    /// A new holder whose ICBC card was driven to `reach` by `clerk` along legal steps.
    pub async fn card_in(&self, clerk: &str, reach: Reach) -> (Holder, String) {
        let (holder, card_no) = self.holder_with_card(clerk).await;
        for action in reach.path() {
            let response = self.card_action(clerk, &holder, &card_no, *action).await;
            assert_eq!(response.status, success_status(*action), "{reach:?} via {action:?}: {}", response.text);
        }
        assert_eq!(self.stored_card_state(&card_no).await, reach.state(), "{reach:?}");
        (holder, card_no)
    }

    /// The card's state and frozen-from state, read from the database.
    pub async fn stored_card_state(&self, card_no: &str) -> (CardState, Option<CardState>) {
        sqlx::query_as("SELECT state, frozen_from FROM cards WHERE card_no = $1")
            .bind(card_no)
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }

    /// How many history rows the card has.
    pub async fn card_history_len(&self, card_no: &str) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM card_transitions WHERE card_no = $1")
            .bind(card_no)
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }

    /// The card's history over HTTP, oldest first.
    pub async fn card_history(&self, token: &str, card_no: &str) -> Vec<Value> {
        let response = self.get(&card_path(card_no, "/transitions"), token).await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.text);
        response.body["items"].as_array().unwrap().clone()
    }

    /// Persons holding more than one usable card (there must never be any).
    pub async fn persons_with_two_usable_cards(&self) -> Vec<String> {
        sqlx::query_scalar(
            "SELECT person_no FROM cards WHERE state IN ('unactivated', 'active', 'temporarily_lost', 'frozen')
              GROUP BY person_no HAVING count(*) > 1",
        )
        .fetch_all(&self.pool)
        .await
        .unwrap()
    }
}

//! Card reads (1101): who a presented certificate belongs to, whether pooled-fund benefits are
//! active today, the card's state, the balance when the certificate may use the account, and the
//! last few consumptions. Every read is audited.

use serde_json::json;

use super::Settlements;
use super::certificate::Certificate;
use super::store::{self, SettlementRow};
use crate::cards::CardState;
use crate::domain::Money;
use crate::ledger::Ledger;
use crate::persons::{self, PersonRow};
use crate::platform::audit::Subject;
use crate::platform::caller::Caller;
use crate::platform::error::Result;

/// Consumptions shown with a card read.
const RECENT: i64 = 5;

/// What a card read answers.
#[derive(Debug, Clone)]
pub struct CardRead {
    pub person: PersonRow,
    pub benefits_active: bool,
    /// The card's state, for a card (`03`).
    pub card_state: Option<CardState>,
    /// The account balance, when the certificate may use the account (and then the recent
    /// consumptions too).
    pub balance: Option<Money>,
    pub recent: Vec<SettlementRow>,
}

impl Settlements<'_> {
    /// Reads the holder of a presented certificate (institutions, terminals).
    pub async fn read_card(&self, caller: &Caller, certificate: Certificate) -> Result<CardRead> {
        let (presented, conn) = match certificate {
            // A voucher token's check takes a connection of its own: none is held for it.
            token @ Certificate::EVoucher(_) => (token.resolve(self, caller).await?, None),
            other => other.resolve_on(self, caller, self.pool.acquire().await?).await?,
        };
        let card_state = presented.card_state;
        let mut conn = match conn {
            Some(conn) => conn,
            None => self.pool.acquire().await?,
        };
        let person = persons::get(&mut conn, &presented.person_no).await?;
        let balance = if presented.account_allowed {
            Some(Ledger::new(self).balance_in(&mut conn, &person).await?)
        } else {
            None
        };
        let today = self.clock.today();
        let days = (today - chrono::Days::new(366), None);
        // The history of other visits is the person's: shown only when they proved the card.
        let recent = if presented.account_allowed {
            store::list_for_person(&mut conn, &person.person_no, days, None, RECENT).await?
        } else {
            Vec::new()
        };
        let subject = Subject { kind: "person", id: person.person_no.as_str() };
        let details = json!({ "card_state": card_state.map(|s| s.code()), "balance_shown": balance.is_some() });
        self.audit(&mut conn, caller.actor(), "card.read", Some(subject), details).await?;
        Ok(CardRead { benefits_active: person.benefits_active_on(today), person, card_state, balance, recent })
    }
}

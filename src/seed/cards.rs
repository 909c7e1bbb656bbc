//! A seeded person's cards, in every lifecycle state: most active, some never activated, some
//! temporarily or formally lost, frozen, or replaced (after a loss or for damage) by a second
//! card that may still be in fulfilment. Each card carries its history, step by step, along the
//! lifecycle's own transitions.

use chrono::{DateTime, Days, Duration, Months, NaiveDate, Utc};

use super::catalogue;
use super::life::Person;
use super::rng::Rng;
use super::{Window, at};
use crate::cards::{CardAction, CardState, next_card_state};
use crate::domain::CardNo;

/// Who acted on a card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CardActor {
    Bank(&'static str),
    Hall,
}

/// One row of a card's history.
#[derive(Debug, Clone)]
pub(crate) struct Step {
    pub from: Option<CardState>,
    pub to: CardState,
    pub reason_code: &'static str,
    pub reason: &'static str,
    pub by: CardActor,
    pub at: DateTime<Utc>,
}

/// One seeded card.
#[derive(Debug, Clone)]
pub(crate) struct SeedCard {
    pub card_no: CardNo,
    pub generation: i32,
    pub bank: &'static str,
    pub issued_on: NaiveDate,
    pub expires_on: NaiveDate,
    pub state: CardState,
    pub frozen_from: Option<CardState>,
    pub replacement_for: Option<CardNo>,
    pub replaced_by: Option<CardNo>,
    pub fulfilment: Option<&'static str>,
    pub activated_at: Option<DateTime<Utc>>,
    pub activation_channel: Option<&'static str>,
    pub temporary_loss_until: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub steps: Vec<Step>,
}

impl SeedCard {
    fn issued(card_no: CardNo, generation: i32, bank: &'static str, when: DateTime<Utc>, window: &Window) -> Self {
        let issued_on = window.local_date(when);
        let birth = if generation == 1 {
            ("issued", "card issued")
        } else {
            ("replacement_ordered", "replacement card ordered")
        };
        let by = CardActor::Bank(bank);
        Self {
            card_no,
            generation,
            bank,
            issued_on,
            expires_on: issued_on.checked_add_months(Months::new(120)).unwrap_or(issued_on),
            state: CardState::Unactivated,
            frozen_from: None,
            replacement_for: None,
            replaced_by: None,
            fulfilment: (generation > 1).then_some("ordered"),
            activated_at: None,
            activation_channel: None,
            temporary_loss_until: None,
            created_at: when,
            steps: vec![Step {
                from: None,
                to: CardState::Unactivated,
                reason_code: birth.0,
                reason: birth.1,
                by,
                at: when,
            }],
        }
    }

    /// Applies a lifecycle action, as the lifecycle table allows it (a seeded card never takes a
    /// step the API would refuse).
    fn act(&mut self, action: CardAction, by: CardActor, when: DateTime<Utc>) {
        let Some(to) = next_card_state(self.state, action, self.frozen_from) else {
            return;
        };
        self.frozen_from = (to == CardState::Frozen).then_some(self.state);
        self.steps.push(Step {
            from: Some(self.state),
            to,
            reason_code: action.code(),
            reason: action.code(),
            by,
            at: when,
        });
        self.state = to;
        if action == CardAction::Activate {
            self.activated_at = Some(when);
            self.activation_channel = Some(if matches!(by, CardActor::Hall) { "service_hall" } else { "bank" });
        }
    }

    /// A replacement card moves through its fulfilment steps.
    fn fulfil(&mut self, steps: &[&'static str], mut when: DateTime<Utc>) {
        for step in steps {
            when += Duration::days(3);
            self.fulfilment = Some(step);
            let by = CardActor::Bank(self.bank);
            self.steps.push(Step {
                from: Some(self.state),
                to: self.state,
                reason_code: "fulfilment",
                reason: step,
                by,
                at: when,
            });
        }
    }

    /// The last time anything happened to the card.
    pub(crate) fn state_changed_at(&self) -> DateTime<Utc> {
        self.steps.iter().rev().find(|s| s.reason_code != "fulfilment").map_or(self.created_at, |s| s.at)
    }
}

/// The person's cards, numbered from `next_card` on (which moves past what they use).
pub(crate) fn cards(window: &Window, person: &Person, rng: &mut Rng, next_card: &mut i64) -> Vec<SeedCard> {
    let bank = *catalogue::weighted(&catalogue::CARD_BANKS, rng.next());
    let enrolled = window.local_date(person.enrolled_at);
    let earliest = enrolled.max(window.today - Days::new(3_400));
    let first_day = earliest + Days::new(rng.between(3, 30) as u64);
    let first_day = first_day.min(window.today - Days::new(2));
    let mut card = SeedCard::issued(take(next_card), 1, bank, at(first_day, 10, rng.below(400)), window);
    let roll = rng.below(1000);
    if roll < 30 {
        return vec![card];
    }
    let activated = later(window, card.created_at, rng, 30);
    let by = if rng.chance(300) { CardActor::Hall } else { CardActor::Bank(bank) };
    card.act(CardAction::Activate, by, activated);
    let event = later(window, activated, rng, 900);
    match roll {
        30..45 => {
            let reported = (window.now - Duration::days(rng.between(1, 4))).max(later(window, activated, rng, 1));
            card.act(CardAction::ReportTemporaryLoss, CardActor::Bank(bank), reported);
            card.temporary_loss_until = Some(window.today + Days::new(rng.between(1, 5) as u64));
            vec![card]
        }
        45..55 => {
            card.act(CardAction::Freeze, CardActor::Hall, event);
            vec![card]
        }
        55..62 => {
            card.act(CardAction::ReportFormalLoss, CardActor::Bank(bank), event);
            vec![card]
        }
        62..150 if activated < window.now - Duration::days(40) => replaced(window, card, rng, next_card, roll, event),
        _ => vec![card],
    }
}

/// A lost or withdrawn card and its replacement (collected and active, or still in fulfilment).
fn replaced(
    window: &Window,
    mut old: SeedCard,
    rng: &mut Rng,
    next_card: &mut i64,
    roll: u64,
    when: DateTime<Utc>,
) -> Vec<SeedCard> {
    let action = if roll < 110 { CardAction::ReportFormalLoss } else { CardAction::Withdraw };
    let activated = old.activated_at.unwrap_or(old.created_at) + Duration::hours(1);
    let when = if roll >= 140 {
        window.now - Duration::days(rng.between(8, 14))
    } else {
        when.min(window.now - Duration::days(20))
    };
    let when = when.max(activated);
    old.act(action, CardActor::Bank(old.bank), when);
    let mut new = SeedCard::issued(take(next_card), 2, old.bank, when + Duration::minutes(10), window);
    new.replacement_for = Some(old.card_no.clone());
    old.replaced_by = Some(new.card_no.clone());
    if roll >= 140 {
        new.fulfil(&["produced"], new.created_at);
    } else {
        new.fulfil(&["produced", "ready_for_collection", "collected"], new.created_at);
        let activated = new.created_at + Duration::days(rng.between(10, 15));
        new.act(CardAction::Activate, CardActor::Bank(new.bank), activated);
    }
    vec![old, new]
}

fn take(next_card: &mut i64) -> CardNo {
    let card_no = CardNo::from_sequence(*next_card);
    *next_card += 1;
    card_no
}

/// Some time after `from`, within `days`, but before now.
fn later(window: &Window, from: DateTime<Utc>, rng: &mut Rng, days: i64) -> DateTime<Utc> {
    let room = (window.now - from).num_minutes().max(2);
    from + Duration::minutes(rng.between(1, (days * 1_440).min(room - 1)))
}

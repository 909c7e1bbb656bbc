//! A seeded person's money over the window, in time order: allocations credited on arrival,
//! each visit split by the settlement rules against the balance of that moment (so the account
//! never pays more than it holds), and the balance carried out on a transfer. What comes out is
//! exactly what the ledger would hold had it all happened through the API.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Utc};
use uuid::Uuid;

use super::life::{Fate, Person};
use super::paying::Owed;
use super::rng::Rng;
use super::visits::PlannedVisit;
use super::{Window, at};
use crate::domain::Money;
use crate::ledger::EntryKind;
use crate::registries::InstitutionLevel;
use crate::settlement::{Accumulated, Split, Visit, split};

/// Who made an entry, resolved to a seeded client when the rows are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum By {
    TaxBureau,
    Hall,
    Institution(&'static str),
}

/// One personal-account entry.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub kind: EntryKind,
    pub amount: Money,
    pub balance_after: Money,
    pub period: Option<String>,
    pub payment_id: Option<Uuid>,
    pub reason: Option<String>,
    pub by: By,
    pub at: DateTime<Utc>,
}

/// One settlement, split.
#[derive(Debug, Clone)]
pub(crate) struct Settled {
    pub setl_id: String,
    pub visit: PlannedVisit,
    pub split: Split,
    /// The account balance after it (`balc`).
    pub balance_after: Money,
}

/// The person's money: entries, settlements, yearly totals per visit type, final balance.
#[derive(Debug, Default)]
pub(crate) struct Finances {
    pub entries: Vec<Entry>,
    pub settlements: Vec<Settled>,
    /// By year and visit type (`med_type` code).
    pub accumulated: BTreeMap<(i32, &'static str), Accumulated>,
    pub balance: Money,
}

enum Event<'a> {
    Credit(&'a Owed),
    Visit(PlannedVisit),
}

/// Runs the person's credits and visits in time order.
pub(crate) fn money(
    window: &Window,
    person: &Person,
    owed: &[Owed],
    visits: Vec<PlannedVisit>,
    rng: &mut Rng,
) -> Finances {
    let mut events: Vec<(DateTime<Utc>, Event)> = owed
        .iter()
        .filter(|o| person.is_employee() && o.allocation > Money::ZERO)
        .filter_map(|o| o.paid.as_ref().and_then(|p| p.arrived_at).map(|t| (t, Event::Credit(o))))
        .collect();
    events.extend(visits.into_iter().map(|v| (v.at, Event::Visit(v))));
    events.sort_by_key(|(t, _)| *t);
    let mut money = Finances::default();
    for (when, event) in events {
        match event {
            Event::Credit(o) => money.credit(o, when),
            Event::Visit(v) => money.settle(window, person, v, rng),
        }
    }
    if let Fate::TransferredOut { on, to } = person.fate {
        money.carry_out(at(on, 15, 0), to);
    }
    money
}

impl Finances {
    fn credit(&mut self, owed: &Owed, when: DateTime<Utc>) {
        self.balance = self.balance + owed.allocation;
        self.entries.push(Entry {
            kind: EntryKind::Allocation,
            amount: owed.allocation,
            balance_after: self.balance,
            period: Some(owed.period.clone()),
            payment_id: owed.paid.as_ref().map(|p| p.payment_id),
            reason: None,
            by: By::TaxBureau,
            at: when,
        });
    }

    fn settle(&mut self, window: &Window, person: &Person, v: PlannedVisit, rng: &mut Rng) {
        let day = window.local_date(v.at);
        let key = (day.year(), v.med_type.code());
        let year = self.accumulated.get(&key).copied().unwrap_or_default();
        let facts = Visit {
            insurance_type: person.insurance,
            med_type: v.med_type,
            level: InstitutionLevel::new(i16::from(v.institution.level)).unwrap_or(InstitutionLevel::FIRST),
            benefits_active: benefits_active(person, day),
            account_usable: person.is_employee() && v.cert_type == "03",
            account_balance: self.balance,
        };
        let Ok(split) = split(&window.settings.settlement, v.bill, facts, year) else {
            return;
        };
        self.accumulated.insert(key, split.accumulated);
        let setl_id = format!("MC{:016X}{:06X}", rng.next(), rng.below(1 << 24));
        if split.acct_pay > Money::ZERO {
            self.balance = self.balance - split.acct_pay;
            self.entries.push(Entry {
                kind: EntryKind::Consumption,
                amount: Money::ZERO - split.acct_pay,
                balance_after: self.balance,
                period: None,
                payment_id: None,
                reason: Some(format!("结算 {setl_id} 于 {}", v.institution.code)),
                by: By::Institution(v.institution.code),
                at: v.at,
            });
        }
        self.settlements.push(Settled { setl_id, visit: v, split, balance_after: self.balance });
    }

    fn carry_out(&mut self, when: DateTime<Utc>, to: &str) {
        if self.balance > Money::ZERO {
            let amount = Money::ZERO - self.balance;
            self.balance = Money::ZERO;
            self.entries.push(Entry {
                kind: EntryKind::TransferOut,
                amount,
                balance_after: Money::ZERO,
                period: None,
                payment_id: None,
                reason: Some(format!("transferred out to {to}")),
                by: By::Hall,
                at: when,
            });
        }
    }
}

/// In arrears, pooled-fund benefits stop from the first of the month after the first unpaid one.
fn benefits_active(person: &Person, day: chrono::NaiveDate) -> bool {
    match person.fate {
        Fate::InArrears { first_unpaid } => day < first_unpaid.next().first_day(),
        _ => true,
    }
}

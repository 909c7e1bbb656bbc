//! The seeded records as rows, in the column order of each store's bulk import.

use chrono::{DateTime, Utc};

use super::account::{By, Entry, Finances};
use super::cards::{CardActor, SeedCard};
use super::extras::{SeedBinding, SeedFiling};
use super::life::{Fate, Person};
use super::paying::Owed;
use super::setup::SeedClients;
use crate::platform::copy::CopyRows;

/// One chunk's rows, table by table.
#[derive(Debug, Default)]
pub(crate) struct Chunk {
    pub persons: CopyRows,
    pub history: CopyRows,
    pub accounts: CopyRows,
    pub entries: CopyRows,
    pub cards: CopyRows,
    pub card_steps: CopyRows,
    pub contributions: CopyRows,
    pub payments: CopyRows,
    pub settlements: CopyRows,
    pub accumulators: CopyRows,
    pub bindings: CopyRows,
    pub filings: CopyRows,
}

/// Who acted, as the actor columns (`actor_kind, actor_id, client_id, channel, request_id`).
fn actor(rows: &mut CopyRows, client_id: &str, channel: &str) {
    rows.text("client").text(client_id).text(client_id).text(channel).null();
}

fn gender_code(g: crate::domain::Gender) -> &'static str {
    match g {
        crate::domain::Gender::Male => "male",
        crate::domain::Gender::Female => "female",
    }
}

fn system(rows: &mut CopyRows, job: &str) {
    rows.text("system").text(job).null().text("system").null();
}

/// The person row.
pub(crate) fn person(rows: &mut CopyRows, p: &Person, status_changed_at: DateTime<Utc>) {
    let (status, suspended, other) = match p.fate {
        Fate::Normal => ("normal", None, None),
        Fate::InArrears { first_unpaid } => ("in_arrears", Some(first_unpaid.next().first_day()), None),
        Fate::Sealed { .. } => ("sealed", None, None),
        Fate::TransferredOut { to, .. } => ("transferred_out", None, Some(to)),
    };
    rows.text(p.person_no.as_str()).text(&p.id_number).text(&p.name).text(gender_code(p.gender)).plain(p.birth);
    rows.text(&p.phone).text(p.insurance.code()).text(p.region);
    rows.opt_text(p.employer.as_ref().map(|e| e.credit_code.as_str()));
    rows.opt_text(p.employer.as_ref().map(|e| e.name.as_str()));
    rows.text(status).opt_plain(suspended).opt_text(other);
    rows.plain(p.enrolled_at.to_rfc3339()).plain(status_changed_at.to_rfc3339());
    rows.opt_plain(p.base.map(|b| b.fen())).text(&p.address);
    rows.end_row();
}

/// A status-history row (`from` none for the enrolment).
pub(crate) struct StatusStep<'a> {
    pub from: Option<&'static str>,
    pub to: &'static str,
    pub reason_code: &'static str,
    pub reason: &'a str,
    pub other_region: Option<&'static str>,
    pub hall: bool,
    pub at: DateTime<Utc>,
}

/// Writes one status-history row.
pub(crate) fn status_step(
    rows: &mut CopyRows,
    p: &Person,
    s: &StatusStep<'_>,
    clients: &SeedClients,
    window: &super::Window,
) {
    rows.text(p.person_no.as_str()).opt_text(s.from).text(s.to).text(s.reason_code).text(s.reason);
    rows.opt_text(s.other_region);
    if s.hall {
        actor(rows, &clients.hall, "service_hall");
    } else {
        system(rows, "contribution-jobs");
    }
    rows.plain(s.at.to_rfc3339()).plain(window.local_date(s.at));
    rows.end_row();
}

/// The account row and its entries.
pub(crate) fn account(chunk: &mut Chunk, p: &Person, money: &Finances, clients: &SeedClients) {
    let last = money.entries.last().map(|e| e.at.to_rfc3339());
    chunk.accounts.text(p.person_no.as_str()).plain(money.balance.fen()).opt_plain(last);
    chunk.accounts.plain(p.enrolled_at.to_rfc3339());
    chunk.accounts.end_row();
    for e in &money.entries {
        entry(&mut chunk.entries, p, e, clients);
    }
}

fn entry(rows: &mut CopyRows, p: &Person, e: &Entry, clients: &SeedClients) {
    rows.text(p.person_no.as_str()).text(e.kind.as_str()).plain(e.amount.fen()).plain(e.balance_after.fen());
    rows.opt_text(e.period.as_deref()).opt_plain(e.payment_id).opt_text(e.reason.as_deref()).null();
    // The ledger's actor columns have no client_id: the actor id is the client's.
    let (client, channel) = match e.by {
        By::TaxBureau => (clients.tax_bureau.as_str(), "tax_bureau"),
        By::Hall => (clients.hall.as_str(), "service_hall"),
        By::Institution(code) => (client_of(&clients.institutions, code), "institution"),
    };
    rows.text("client").text(client).text(channel).null();
    rows.plain(e.at.to_rfc3339()).null();
    rows.end_row();
}

fn client_of<'a>(map: &'a std::collections::HashMap<&'static str, String>, key: &str) -> &'a str {
    map.get(key).map_or("", String::as_str)
}

/// A card row and its history rows.
pub(crate) fn card(chunk: &mut Chunk, p: &Person, c: &SeedCard, clients: &SeedClients, password_hash: &str) {
    let rows = &mut chunk.cards;
    rows.text(c.card_no.as_str()).text(p.person_no.as_str()).text(c.bank).plain(c.generation);
    rows.plain(c.issued_on).plain(c.expires_on).text(c.state.code()).opt_text(c.frozen_from.map(|s| s.code()));
    rows.opt_text(c.replacement_for.as_ref().map(|n| n.as_str())).opt_text(c.replaced_by.as_ref().map(|n| n.as_str()));
    rows.opt_text(c.fulfilment).null();
    let activated = c.activated_at.map(|t| t.to_rfc3339());
    rows.opt_plain(activated.clone()).opt_plain(activated).opt_text(c.activation_channel).null();
    rows.opt_text(c.activated_at.map(|_| password_hash)).opt_plain(c.temporary_loss_until);
    rows.plain(c.created_at.to_rfc3339()).plain(c.state_changed_at().to_rfc3339());
    rows.end_row();
    for s in &c.steps {
        let rows = &mut chunk.card_steps;
        rows.text(c.card_no.as_str()).text(p.person_no.as_str()).opt_text(s.from.map(|f| f.code()));
        rows.text(s.to.code()).text(s.reason_code).text(s.reason);
        match s.by {
            CardActor::Bank(bank) => actor(rows, client_of(&clients.banks, bank), "bank"),
            CardActor::Hall => actor(rows, &clients.hall, "service_hall"),
        }
        rows.text("{}").plain(s.at.to_rfc3339());
        rows.end_row();
    }
}

/// A contribution row, and its payment's row when it was paid.
pub(crate) fn contribution(chunk: &mut Chunk, p: &Person, o: &Owed, clients: &SeedClients) {
    let rows = &mut chunk.contributions;
    let state = match &o.paid {
        None => "due",
        Some(paid) if paid.arrived_at.is_none() => "paid",
        Some(_) => "arrived",
    };
    let channel = o.paid.as_ref().map(|paid| if paid.by_bank { "bank_withholding" } else { "tax_bureau" });
    rows.text(p.person_no.as_str()).text(&o.period).opt_plain(o.base.map(|b| b.fen()));
    rows.plain(o.employer.fen()).plain(o.personal.fen()).plain(o.due().fen()).plain(o.allocation.fen());
    rows.text(state).opt_plain(o.paid.as_ref().map(|paid| paid.payment_id));
    rows.opt_plain(o.paid.as_ref().map(|paid| paid.at.to_rfc3339())).opt_text(channel);
    let arrived = o.paid.as_ref().and_then(|paid| paid.arrived_at).map(|t| t.to_rfc3339());
    rows.opt_plain(arrived.clone()).opt_text(arrived.as_ref().map(|_| "automatic")).plain(o.created_at.to_rfc3339());
    rows.end_row();
    if let Some(paid) = &o.paid {
        let rows = &mut chunk.payments;
        let bank = paid.by_bank.then_some("ICBC");
        let client = bank.map_or(clients.tax_bureau.as_str(), |b| client_of(&clients.banks, b));
        rows.plain(paid.payment_id).text(p.person_no.as_str()).plain(format_args!("{{{}}}", o.period));
        rows.plain(o.due().fen()).plain(paid.at.to_rfc3339()).text(channel.unwrap_or("tax_bureau"));
        rows.text(&paid.reference).text(client).text(if arrived.is_some() { "arrived" } else { "paid" });
        rows.opt_plain(arrived.clone()).opt_text(arrived.as_ref().map(|_| "automatic")).null();
        rows.opt_text(arrived.as_ref().map(|_| clients.tax_bureau.as_str())).plain(paid.at.to_rfc3339()).opt_text(bank);
        rows.end_row();
    }
}

/// The settlements and the yearly totals.
pub(crate) fn settlements(chunk: &mut Chunk, p: &Person, money: &Finances, clients: &SeedClients) {
    for s in &money.settlements {
        let rows = &mut chunk.settlements;
        let code = s.visit.institution.code;
        let msgid = format!("{code}{}{}", s.visit.at.format("%Y%m%d%H%M%S"), &s.setl_id[18..]);
        rows.text(&s.setl_id).text(code).text(client_of(&clients.institutions, code)).text(&msgid);
        rows.text(p.person_no.as_str()).text(s.visit.cert_type).text(s.visit.med_type.code()).text(p.insurance.code());
        let x = &s.split;
        for m in [x.medfee_sumamt, x.fulamt_ownpay_amt, x.inscp_scp_amt, x.act_pay_dedc, x.fund_pay_sumamt] {
            rows.plain(m.fen());
        }
        for m in [x.psn_part_amt, x.acct_pay, x.acct_mulaid_pay, x.psn_cash_pay, s.balance_after] {
            rows.plain(m.fen());
        }
        rows.plain(chrono::Datelike::year(&s.visit.at.with_timezone(&crate::platform::clock::china_offset())));
        rows.plain(s.visit.at.to_rfc3339()).text("settled");
        rows.end_row();
    }
    for ((year, med_type), a) in &money.accumulated {
        let rows = &mut chunk.accumulators;
        rows.text(p.person_no.as_str()).plain(year).text(med_type);
        rows.plain(a.deductible_used.fen()).plain(a.fund_paid.fen());
        rows.end_row();
    }
}

/// A family binding, active since it was confirmed at the hall.
pub(crate) fn binding(
    chunk: &mut Chunk,
    holder: &Person,
    relative: &Person,
    b: &SeedBinding,
    clients: &SeedClients,
    id: uuid::Uuid,
) {
    let rows = &mut chunk.bindings;
    rows.plain(id).text(holder.person_no.as_str()).text(relative.person_no.as_str()).text(b.relationship);
    rows.text("active").plain(1).text(&clients.hall).text(&clients.hall).text("household_register");
    rows.plain(b.requested_at.to_rfc3339()).plain(b.requested_at.to_rfc3339());
    rows.end_row();
}

/// A filing made at the hall.
pub(crate) fn filing(chunk: &mut Chunk, p: &Person, f: &SeedFiling, filing_no: &str, clients: &SeedClients) {
    let rows = &mut chunk.filings;
    rows.text(filing_no).text(p.person_no.as_str()).text(f.kind).text(f.target_region).plain(f.begin);
    rows.opt_plain(f.end).text(f.state).text("local").text(&clients.hall).text(&p.phone).text(&p.address);
    rows.opt_text(f.referral.map(|r| r.0)).opt_text(f.referral.map(|r| r.1));
    let updated = f.ended_at.or(f.effective_at).unwrap_or(f.filed_at);
    rows.plain(f.filed_at.to_rfc3339()).opt_plain(f.effective_at.map(|t| t.to_rfc3339()));
    rows.opt_plain(f.ended_at.map(|t| t.to_rfc3339())).plain(updated.to_rfc3339());
    rows.end_row();
}

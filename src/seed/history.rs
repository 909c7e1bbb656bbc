//! A seeded person's status history: the enrolment, each spell in arrears that a late payment
//! caused and its arrival ended, and what became of them.

use chrono::{DateTime, Utc};

use super::life::{Fate, Person};
use super::paying::Owed;
use super::rows::StatusStep;
use super::{Window, at};

const UNPAID: (&str, &str) = ("contribution_unpaid", "contribution unpaid after the cut-off day");

/// The person's status history, oldest first.
pub(crate) fn status_steps(w: &Window, p: &Person, owed: &[Owed]) -> Vec<StatusStep<'static>> {
    let mut steps = vec![hall(None, "normal", ("enrolment", "enrolment at the service hall"), p.enrolled_at)];
    for paid in owed.iter().filter_map(|o| o.paid.as_ref()) {
        if let (Some(from), Some(arrived)) = (paid.late_from, paid.arrived_at) {
            steps.push(system("normal", "in_arrears", UNPAID, from));
            steps.push(system("in_arrears", "normal", ("contributions_arrived", "contributions arrived"), arrived));
        }
    }
    match p.fate {
        Fate::Normal => {}
        Fate::InArrears { first_unpaid } => {
            let swept = at(first_unpaid.day(w.settings.contributions.cutoff_day + 1), 0, 30);
            steps.push(system("normal", "in_arrears", UNPAID, swept));
        }
        Fate::Sealed { on } => {
            steps.push(hall(Some("normal"), "sealed", ("employment_ended", "employment ended"), at(on, 10, 0)));
        }
        Fate::TransferredOut { on, to } => {
            let mut step =
                hall(Some("normal"), "transferred_out", ("relocation", "moved away from Zhengzhou"), at(on, 15, 0));
            step.other_region = Some(to);
            steps.push(step);
        }
    }
    steps
}

fn hall(
    from: Option<&'static str>,
    to: &'static str,
    why: (&'static str, &'static str),
    when: DateTime<Utc>,
) -> StatusStep<'static> {
    StatusStep { from, to, reason_code: why.0, reason: why.1, other_region: None, hall: true, at: when }
}

/// A change the contribution jobs made.
fn system(
    from: &'static str,
    to: &'static str,
    why: (&'static str, &'static str),
    when: DateTime<Utc>,
) -> StatusStep<'static> {
    StatusStep { from: Some(from), to, reason_code: why.0, reason: why.1, other_region: None, hall: false, at: when }
}

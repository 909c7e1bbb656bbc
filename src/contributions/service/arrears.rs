//! The monthly contribution jobs: assessment (what every contributor owes this period) and the
//! arrears sweep at the cut-off. Each runs once per period (recorded in `job_runs`), under an
//! advisory lock, in set-based SQL, so two instances never double a run.

use crate::contributions::Contributions;
use chrono::Datelike;

use super::system_change;
use crate::contributions::store::arrears;
use crate::contributions::store::contributions;
use crate::domain::Month;
use crate::persons;
use crate::persons::InsuredStatus;
use crate::platform::caller::Actor;
use crate::platform::error::Result;
use crate::platform::job_runs;

const ASSESSMENT: &str = "contribution_assessment";
const SWEEP: &str = "arrears_sweep";

impl Contributions<'_> {
    /// Creates this month's contributions for employees and this year's for residents.
    pub async fn assess_contributions(&self) -> Result<u64> {
        let today = self.clock.today();
        let period = Month::of(today).to_string();
        let mut tx = self.pool.begin().await?;
        if !job_runs::try_lock(&mut tx, ASSESSMENT).await? || job_runs::has_run(&mut tx, ASSESSMENT, &period).await? {
            tx.rollback().await?;
            return Ok(0);
        }
        let now = self.clock.now();
        let employees = contributions::assess_employees(&mut tx, &period, self.rates(), now).await?;
        let yearly = self.settings.contributions.resident_yearly_amount;
        let residents = contributions::assess_residents(&mut tx, &today.year().to_string(), yearly, now).await?;
        job_runs::record(&mut tx, ASSESSMENT, &period, employees + residents, now).await?;
        tx.commit().await?;
        Ok(employees + residents)
    }

    /// At the cut-off: every normal employee with an unpaid month up to the closed month goes
    /// into arrears, pooled-fund benefits suspended from the 1st of the month after it.
    pub async fn sweep_arrears(&self) -> Result<u64> {
        let closed = self.closed_through(self.clock.today());
        let period = closed.to_string();
        let mut tx = self.pool.begin().await?;
        if !job_runs::try_lock(&mut tx, SWEEP).await? || job_runs::has_run(&mut tx, SWEEP, &period).await? {
            tx.rollback().await?;
            return Ok(0);
        }
        let cutoff_day = closed.day(self.settings.contributions.cutoff_day);
        let actor = Actor::system(SWEEP);
        let reason = "month not fully paid by the cut-off";
        let change = system_change(InsuredStatus::InArrears, cutoff_day, reason, &actor, self.clock.now());
        arrears::lock_sweep_candidates(&mut tx, &period).await?;
        let owing = arrears::sweep_candidates(&mut tx, &period).await?;
        let moved = persons::bulk_change(&mut tx, &owing, &change).await?;
        job_runs::record(&mut tx, SWEEP, &period, moved, change.at).await?;
        tx.commit().await?;
        Ok(moved)
    }
}

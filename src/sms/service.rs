//! Sending a code (interval and daily limits per phone) and checking a presented one.

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::code::{self, PresentedCode, SmsPurpose};
use super::{SmsCodes, store};
use crate::domain::Phone;
use crate::params;
use crate::platform::clock::china_offset;
use crate::platform::error::{Error, Result};
use crate::platform::sms_gateway::SmsMessage;

/// What a send answers: the same whether or not the phone belongs to anyone.
#[derive(Debug, Clone)]
pub struct SentCode {
    /// Where the code went.
    pub phone: Phone,
    /// What it may be used for.
    pub purpose: SmsPurpose,
    /// Seconds it stays valid.
    pub expires_in: i64,
    /// Seconds before another may be sent to this phone.
    pub resend_after: i64,
}

/// A presented code that matched and may now be used once, in the operation it guards.
#[derive(Debug, Clone, Copy)]
pub struct CheckedCode {
    code_id: Uuid,
}

impl SmsCodes<'_> {
    /// Sends a fresh code for `purpose` to `phone` through the gateway, in the transaction that
    /// stores its hash.
    pub async fn send_code(&self, phone: &Phone, purpose: SmsPurpose) -> Result<SentCode> {
        let rules = &self.settings.sms;
        let now = self.clock.now();
        let mut tx = self.pool.begin().await?;
        store::lock_phone(&mut tx, phone.as_str()).await?;
        self.check_send_limits(&mut tx, phone, now).await?;
        let plain = code::generate();
        let salt = code::salt();
        let new = store::NewCode {
            code_id: Uuid::new_v4(),
            phone: phone.as_str(),
            purpose: purpose.as_str(),
            salt: &salt,
            hash: &code::hash(&salt, &plain),
            sent_at: now,
            expires_at: now + Duration::seconds(rules.code_ttl_secs),
        };
        store::insert(&mut tx, &new).await?;
        let minutes = rules.code_ttl_secs / 60;
        let body =
            format!("【郑州医保】您正在{}，验证码{plain}，{minutes}分钟内有效。请勿告诉他人。", purpose.label_zh());
        self.sms.send(&mut tx, &SmsMessage { phone, body, at: now }).await?;
        tx.commit().await?;
        Ok(SentCode {
            phone: phone.clone(),
            purpose,
            expires_in: rules.code_ttl_secs,
            resend_after: rules.resend_interval_secs,
        })
    }

    /// At least the resend interval since the last send, and at most the daily number today.
    async fn check_send_limits(&self, conn: &mut sqlx::PgConnection, phone: &Phone, now: DateTime<Utc>) -> Result<()> {
        let rules = &self.settings.sms;
        let day_start = start_of_china_day(now);
        let window = now - Duration::seconds(rules.resend_interval_secs);
        let (last, today) = store::recent_sends(conn, phone.as_str(), day_start, window).await?;
        if let Some(last) = last.filter(|last| *last > window) {
            let wait = (last + Duration::seconds(rules.resend_interval_secs) - now).num_seconds().max(1);
            return Err(Error::too_many(
                "sms.resend_too_soon",
                format!("a code was sent to this phone less than {} s ago", rules.resend_interval_secs),
                wait as u32,
            )
            .with_param("retry_after", wait));
        }
        if today >= rules.daily_limit {
            let wait = (day_start + Duration::days(1) - now).num_seconds().max(1);
            return Err(Error::too_many(
                "sms.daily_limit",
                format!("at most {} codes are sent to one phone a day", rules.daily_limit),
                wait as u32,
            )
            .with_param("limit", rules.daily_limit));
        }
        Ok(())
    }

    /// Checks `presented` against the latest code sent to `phone` for `purpose`. The check is
    /// counted (and committed) whatever the outcome; a match is used up only when the guarded
    /// operation calls [`use_code`](Self::use_code) in its own transaction.
    pub async fn check_code(
        &self,
        phone: &Phone,
        purpose: SmsPurpose,
        presented: &PresentedCode,
    ) -> Result<CheckedCode> {
        let mut conn = self.pool.acquire().await?;
        let row = store::count_check(&mut conn, phone.as_str(), purpose.as_str()).await?;
        let Some(row) = row else {
            return Err(Error::invalid_field(
                "sms.code_missing",
                "sms_code",
                "no code was sent to this phone for this purpose",
            ));
        };
        let max = self.settings.sms.max_checks;
        if row.consumed_at.is_some() {
            return Err(code_used());
        }
        if row.checks > max {
            return Err(Error::too_many(
                "sms.code_checks_exhausted",
                "this code was checked too often; request a new one",
                1,
            ));
        }
        if row.expires_at <= self.clock.now() {
            return Err(Error::invalid_field(
                "sms.code_expired",
                "sms_code",
                "this code has expired; request a new one",
            ));
        }
        if !code::same_digest(&code::hash(&row.code_salt, presented.as_str()), &row.code_hash) {
            return Err(Error::Invalid {
                code: "sms.code_wrong",
                detail: "the code does not match".into(),
                params: params! { "field" => "sms_code", "checks_left" => max - row.checks },
            });
        }
        Ok(CheckedCode { code_id: row.code_id })
    }

    /// Uses a checked code up inside the guarded operation's transaction; refused when a
    /// concurrent request used it first.
    pub async fn use_code(&self, conn: &mut sqlx::PgConnection, code: CheckedCode) -> Result<()> {
        if store::consume(conn, code.code_id, self.clock.now()).await? { Ok(()) } else { Err(code_used()) }
    }
}

/// A code already used, whether found so on checking or lost to a concurrent use.
fn code_used() -> Error {
    Error::invalid_field("sms.code_used", "sms_code", "this code has been used; request a new one")
}

/// Midnight of `now`'s Zhengzhou day, as an instant.
fn start_of_china_day(now: DateTime<Utc>) -> DateTime<Utc> {
    let local = now.with_timezone(&china_offset()).date_naive();
    let midnight = local.and_hms_opt(0, 0, 0).expect("midnight exists");
    (midnight - Duration::hours(8)).and_utc()
}

//! Configuration: `config/default.toml` (compiled in), an optional file named by `MEDCARD_CONFIG`,
//! then `MEDCARD_<SECTION>_<KEY>` environment variables and `DATABASE_URL`. Read once, typed, and
//! refused at start-up with the offending key named.

use std::net::SocketAddr;
use std::path::PathBuf;

use figment::Figment;
use figment::providers::{Env, Format, Toml};
use secrecy::SecretString;
use serde::Deserialize;

use crate::domain::Money;

/// The compiled-in defaults; the same file documents every key.
const DEFAULTS: &str = include_str!("../../config/default.toml");

/// Environment variables with the `MEDCARD_` prefix that are not configuration keys.
const NON_CONFIG_ENV: [&str; 2] = ["staff_password", "config"];

/// All settings of the service.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub auth: AuthSettings,
    pub log: LogSettings,
    pub cards: CardSettings,
    pub jobs: JobSettings,
    pub contributions: ContributionSettings,
    pub ledger: LedgerSettings,
    pub sms: SmsSettings,
    pub sessions: SessionSettings,
    pub statements: StatementSettings,
    pub throttle: RateLimitSettings,
    pub settlement: SettlementSettings,
    pub vouchers: VoucherSettings,
}

/// The HTTP listener.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSettings {
    pub listen: SocketAddr,
    pub request_timeout_secs: u64,
    pub max_body_bytes: usize,
}

/// Where the data lives. `Debug` never shows the URL: it may carry a password.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    pub url: Option<SecretString>,
    /// A streaming replica for person and institution GETs (`DATABASE_READ_URL`); unset: all on
    /// the primary.
    pub read_url: Option<SecretString>,
    /// How often the replica's replayed WAL position is read (1 to 60000 ms).
    pub read_poll_ms: u64,
    /// How far (bytes of WAL) the replica may trail the primary before reads go back to it.
    pub read_max_lag_bytes: u64,
    pub max_connections: u32,
    pub acquire_timeout_secs: u64,
    pub embedded_dir: PathBuf,
}

/// Token lifetimes, lockout and password hashing cost.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthSettings {
    pub client_token_ttl_secs: i64,
    pub staff_token_ttl_secs: i64,
    pub staff_max_failed_logins: i32,
    pub staff_lockout_secs: i64,
    pub argon2_memory_kib: u32,
    pub argon2_iterations: u32,
}

/// Card rules that are policy, not law.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CardSettings {
    pub temporary_loss_working_days: u32,
    pub replacement_ready_working_days: u32,
    pub validity_years: u32,
    pub expiry_replacement_window_days: i64,
    pub password_max_failures: i32,
}

/// Contribution rates, account shares, base range and deadlines.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContributionSettings {
    pub employer_rate_bp: i64,
    pub personal_rate_bp: i64,
    pub employer_to_account_bp: i64,
    pub personal_to_account_bp: i64,
    pub base_min: Money,
    pub base_max: Money,
    pub resident_yearly_amount: Money,
    pub cutoff_day: u32,
    pub manual_arrival_after_working_days: u32,
}

/// The personal-account ledger.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LedgerSettings {
    pub adjustment_expiry_working_days: u32,
}

/// SMS verification codes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmsSettings {
    pub code_ttl_secs: i64,
    pub max_checks: i32,
    pub resend_interval_secs: i64,
    pub daily_limit: i64,
}

/// Person sessions and the person's own view.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionSettings {
    pub absolute_ttl_secs: i64,
    pub idle_timeout_secs: i32,
    pub password_max_failures: i32,
    pub assertion_max_age_secs: i64,
    pub lookback_years: u32,
    pub provincial_lookback_years: u32,
    pub binding_failures_per_id_number: i64,
    pub binding_failures_per_client: i64,
}

/// The electronic voucher: how long a QR token lives, and wrong PINs before the PIN locks.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VoucherSettings {
    pub code_ttl_secs: i64,
    pub pin_max_failures: i32,
}

/// The settlement rules: per insurance type, the year's pooled-fund cap; per insurance type and
/// visit type, the deductible and pooled-fund ratio at each institution level.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettlementSettings {
    pub annual_fund_cap: std::collections::BTreeMap<String, Money>,
    pub rules: std::collections::BTreeMap<String, std::collections::BTreeMap<String, SettlementRule>>,
}

/// One visit type's rule at levels 1, 2 and 3.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettlementRule {
    pub deductible: [Money; 3],
    pub ratio_bp: [i64; 3],
}

impl SettlementSettings {
    /// Whether every insurance type and visit type has a sensible rule.
    fn is_complete(&self) -> bool {
        ["310", "390"].iter().all(|insutype| {
            let cap_ok = self.annual_fund_cap.get(*insutype).is_some_and(|cap| !cap.is_negative());
            let rules = self.rules.get(*insutype);
            cap_ok
                && ["11", "14", "21", "41"].iter().all(|med_type| {
                    rules.and_then(|r| r.get(*med_type)).is_some_and(|rule| {
                        rule.deductible.iter().all(|d| !d.is_negative())
                            && rule.ratio_bp.iter().all(|r| (0..=10_000).contains(r))
                    })
                })
        })
    }
}

/// Quotas of the sign-in endpoints.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimitSettings {
    pub sign_ins_per_minute_per_source: u32,
    pub sign_ins_per_minute_per_client: u32,
}

/// Statements.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatementSettings {
    pub font_paths: Vec<String>,
}

/// The background job runner.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobSettings {
    pub interval_secs: u64,
}

/// Log output.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSettings {
    pub format: LogFormat,
    pub filter: String,
}

/// Human-readable or JSON log lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    Pretty,
    Json,
}

impl Settings {
    /// Loads the layered configuration from the process environment.
    pub fn load() -> Result<Self, Box<figment::Error>> {
        let mut figment = Figment::from(Toml::string(DEFAULTS));
        if let Ok(path) = std::env::var("MEDCARD_CONFIG") {
            figment = figment.merge(Toml::file_exact(path));
        }
        figment
            .merge(medcard_env())
            .merge(Env::raw().only(&["DATABASE_URL"]).map(|_| "database.url".into()))
            .merge(Env::raw().only(&["DATABASE_READ_URL"]).map(|_| "database.read_url".into()))
            .extract::<Self>()
            .map_err(Box::new)?
            .validated()
            .map_err(|message| Box::new(figment::Error::from(message)))
    }

    /// Refuses values that parse but make no sense, naming the key.
    fn validated(self) -> Result<Self, String> {
        let c = &self.contributions;
        let checks: [(bool, &str); 13] = [
            (
                self.settlement.is_complete(),
                "settlement: every insurance type (310, 390) needs annual_fund_cap and rules for med_type 11, 14, 21 \
                 and 41, with deductibles >= 0 and ratio_bp 0 to 10000",
            ),
            ((1..=28).contains(&c.cutoff_day), "contributions.cutoff_day must be 1 to 28"),
            ((0..=10_000).contains(&c.employer_rate_bp), "contributions.employer_rate_bp must be 0 to 10000"),
            ((0..=10_000).contains(&c.personal_rate_bp), "contributions.personal_rate_bp must be 0 to 10000"),
            (
                (0..=10_000).contains(&c.employer_to_account_bp) && (0..=10_000).contains(&c.personal_to_account_bp),
                "contributions.*_to_account_bp must be 0 to 10000",
            ),
            (
                Money::ZERO < c.base_min && c.base_min <= c.base_max,
                "contributions.base_min must be positive and <= base_max",
            ),
            (self.cards.password_max_failures >= 1, "cards.password_max_failures must be at least 1"),
            (self.jobs.interval_secs >= 1, "jobs.interval_secs must be at least 1"),
            ((1..=60_000).contains(&self.database.read_poll_ms), "database.read_poll_ms must be 1 to 60000"),
            ((10..=600).contains(&self.vouchers.code_ttl_secs), "vouchers.code_ttl_secs must be 10 to 600"),
            (self.vouchers.pin_max_failures >= 1, "vouchers.pin_max_failures must be at least 1"),
            (
                self.ledger.adjustment_expiry_working_days >= 1,
                "ledger.adjustment_expiry_working_days must be at least 1",
            ),
            (
                argon2::Params::new(self.auth.argon2_memory_kib, self.auth.argon2_iterations, 1, None).is_ok(),
                "auth.argon2_memory_kib / auth.argon2_iterations are outside argon2's bounds",
            ),
        ];
        match checks.iter().find(|(ok, _)| !ok) {
            Some((_, message)) => Err((*message).to_owned()),
            None => Ok(self),
        }
    }

    /// The defaults alone, ignoring the environment (tests start from these).
    pub fn defaults() -> Self {
        Figment::from(Toml::string(DEFAULTS)).extract().expect("config/default.toml is valid")
    }
}

/// `MEDCARD_LOG_FORMAT` → `log.format`: the first word after the prefix names the section.
fn medcard_env() -> Env {
    Env::prefixed("MEDCARD_").filter(|key| !NON_CONFIG_ENV.iter().any(|k| key.as_str().eq_ignore_ascii_case(k))).map(
        |key| match key.as_str().to_ascii_lowercase().split_once('_') {
            Some((section, rest)) => format!("{section}.{rest}").into(),
            None => key.into(),
        },
    )
}

impl AuthSettings {
    /// The staff-password hasher with the configured cost.
    pub fn argon2_params(&self) -> argon2::Params {
        argon2::Params::new(self.argon2_memory_kib, self.argon2_iterations, 1, None)
            .expect("argon2 parameters from config are within bounds")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_compiled_in_defaults_parse() {
        let settings = Settings::defaults();
        assert_eq!(settings.server.listen.to_string(), "127.0.0.1:8080");
        assert!(settings.database.url.is_none());
    }

    #[test]
    fn a_bad_value_names_its_key() {
        let err = Figment::from(Toml::string(DEFAULTS))
            .merge(Toml::string("[server]\nlisten = \"not an address\""))
            .extract::<Settings>()
            .unwrap_err();
        assert!(err.to_string().contains("server.listen"), "{err}");
    }

    #[test]
    fn values_that_parse_but_make_no_sense_are_refused_by_name() {
        let mut settings = Settings::defaults();
        settings.contributions.cutoff_day = 0;
        assert!(settings.validated().unwrap_err().contains("cutoff_day"));
        let mut settings = Settings::defaults();
        settings.auth.argon2_memory_kib = 1;
        assert!(settings.validated().unwrap_err().contains("argon2"));
        for poll_ms in [0, 60_001] {
            let mut settings = Settings::defaults();
            settings.database.read_poll_ms = poll_ms;
            assert!(settings.validated().unwrap_err().contains("database.read_poll_ms"), "{poll_ms}");
        }
        assert!(Settings::defaults().validated().is_ok());
    }

    #[test]
    fn debug_output_hides_the_database_url() {
        let mut settings = Settings::defaults();
        settings.database.url = Some(SecretString::from("postgres://u:hunter2@h/db"));
        settings.database.read_url = Some(SecretString::from("postgres://u:swordfish@replica/db"));
        let shown = format!("{settings:?}");
        assert!(!shown.contains("hunter2") && !shown.contains("swordfish"));
    }
}

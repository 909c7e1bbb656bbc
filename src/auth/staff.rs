//! Staff accounts and staff login with lockout.

use super::Auth;
use crate::domain::{IdNumber, StaffId};
use chrono::Duration;
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;

use super::tokens::IssuedToken;
use crate::auth::password;
use crate::auth::store::staff::{self as store, StaffRow};
use crate::params;
use crate::platform::audit::Subject;
use crate::platform::caller::{Actor, Caller, Role};
use crate::platform::error::{Error, Result};

/// A created staff account.
#[derive(Debug, Clone)]
pub struct CreatedStaff {
    pub staff_id: StaffId,
    pub username: String,
    pub role: Role,
}

/// A successful login.
#[derive(Debug)]
pub struct StaffSession {
    pub token: IssuedToken,
    pub username: String,
    pub role: Role,
}

const MIN_PASSWORD_CHARS: usize = 10;

impl Auth<'_> {
    /// Creates a staff account with an argon2id-hashed password.
    pub async fn create_staff(
        &self,
        actor: &Actor,
        username: &str,
        role: Role,
        id_number: &IdNumber,
        password: SecretString,
    ) -> Result<CreatedStaff> {
        let username = parse_username(username)?;
        if password.expose_secret().chars().count() < MIN_PASSWORD_CHARS {
            return Err(Error::invalid_field(
                "staff.weak_password",
                "password",
                format!("a staff password has at least {MIN_PASSWORD_CHARS} characters"),
            ));
        }
        let password_hash = password::hash(password, self.settings.auth.argon2_params()).await?;
        let row = StaffRow {
            staff_id: StaffId::new(),
            username: username.clone(),
            role: role.as_str().to_owned(),
            id_number: Some(id_number.as_str().to_owned()),
            password_hash,
            locked_until: None,
            created_at: self.clock.now(),
        };
        let mut tx = self.pool.begin().await?;
        store::insert(&mut tx, &row).await.map_err(taken)?;
        let subject = Subject { kind: "staff", id: &username };
        self.audit(&mut tx, actor, "staff.create", Some(subject), json!({ "role": role.as_str() })).await?;
        tx.commit().await?;
        Ok(CreatedStaff { staff_id: row.staff_id, username, role })
    }

    /// Records the person of an account made before ID numbers were kept, once: afterwards the
    /// account may take part in four-eyes work.
    pub async fn identify_staff(&self, actor: &Actor, username: &str, id_number: &IdNumber) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        let set = store::set_id_number(&mut tx, username.trim(), id_number.as_str()).await.map_err(taken)?;
        if !set {
            return Err(Error::conflict(
                "staff.identity_fixed",
                "no staff account has this username, or it already names its person (that is never changed)",
                params! {},
            ));
        }
        let subject = Subject { kind: "staff", id: username.trim() };
        self.audit(&mut tx, actor, "staff.identify", Some(subject), json!({})).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Staff login through a hall client. Wrong passwords count; after the configured number
    /// in a row the account is locked for a while, even against the right password.
    pub async fn staff_login(&self, caller: &Caller, username: &str, password: SecretString) -> Result<StaffSession> {
        let now = self.clock.now();
        let auth = &self.settings.auth;
        // The hash is checked without holding a connection: a burst of logins must not drain
        // the pool while argon2 runs. The counters are then moved atomically.
        let staff = store::find_by_username(&mut *self.pool.acquire().await?, username.trim()).await?;
        let Some(staff) = staff else {
            password::verify(password, password::DUMMY_HASH.to_owned()).await?;
            return Err(Error::unauthenticated("staff.invalid_credentials", "the username or the password is wrong"));
        };
        if let Some(until) = staff.locked_until.filter(|until| *until > now) {
            return Err(staff_locked(until));
        }
        let right = password::verify(password, staff.password_hash.clone()).await?;
        let mut tx = self.pool.begin().await?;
        if !right {
            return self.count_failed_login(tx, caller, &staff).await;
        }
        // A lock set by a concurrent wrong attempt meanwhile still holds.
        if let Some(until) = store::clear_failures_unless_locked(&mut tx, staff.staff_id, now).await? {
            return Err(staff_locked(until));
        }
        let role = Role::parse(&staff.role).ok_or_else(|| anyhow::anyhow!("unknown stored role"))?;
        let ttl = auth.staff_token_ttl_secs;
        let token = self.store_token(&mut tx, &caller.client_id, Some(staff.staff_id), role.permissions(), ttl).await?;
        let subject = Subject { kind: "staff", id: &staff.username };
        self.audit(&mut tx, caller.actor(), "staff.login", Some(subject), json!({})).await?;
        tx.commit().await?;
        Ok(StaffSession { token, username: staff.username, role })
    }

    /// Counts a wrong password; the last allowed one locks the account for a while.
    async fn count_failed_login(
        &self,
        mut tx: sqlx::Transaction<'static, sqlx::Postgres>,
        caller: &Caller,
        staff: &StaffRow,
    ) -> Result<StaffSession> {
        let auth = &self.settings.auth;
        let lock_until = self.clock.now() + Duration::seconds(auth.staff_lockout_secs);
        let (failures, locked) =
            store::count_failure(&mut tx, staff.staff_id, auth.staff_max_failed_logins, lock_until).await?;
        let action = if locked { "staff.locked" } else { "staff.login_failed" };
        let subject = Subject { kind: "staff", id: &staff.username };
        self.audit(&mut tx, caller.actor(), action, Some(subject), json!({ "failures": failures })).await?;
        tx.commit().await?;
        Err(if locked {
            staff_locked(lock_until)
        } else {
            Error::unauthenticated("staff.invalid_credentials", "the username or the password is wrong")
        })
    }
}

fn parse_username(raw: &str) -> Result<String> {
    let name = raw.trim();
    let ok = (3..=32).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'));
    if ok {
        Ok(name.to_owned())
    } else {
        Err(Error::invalid_field("staff.username", "username", "3 to 32 letters, digits, '.', '_' or '-'"))
    }
}

/// A username or a person that already has an account, as a conflict.
fn taken(err: sqlx::Error) -> Error {
    match err.as_database_error().and_then(|db| db.constraint()) {
        Some("staff_users_username_key") => Error::conflict(
            "staff.username_taken",
            "usernames are unique across staff accounts and this one is in use",
            params! {},
        ),
        Some("staff_users_id_number_key") => {
            Error::conflict("staff.id_number_taken", "this person already has a staff account", params! {})
        }
        _ => Error::from(err),
    }
}

/// The refusal of a locked staff account, saying until when.
fn staff_locked(until: chrono::DateTime<chrono::Utc>) -> Error {
    let detail = format!("too many failed logins; the account is locked until {}", until.to_rfc3339());
    Error::locked("staff.locked", detail, params! { "locked_until" => until.to_rfc3339() })
}

/// Whether two staff accounts are one person, for rules that need two people (four eyes).
/// Accounts without an ID number on record count as different people only by account.
pub async fn same_person(conn: &mut sqlx::PgConnection, a: StaffId, b: StaffId) -> Result<bool> {
    Ok(a == b || store::same_person(conn, a, b).await?)
}

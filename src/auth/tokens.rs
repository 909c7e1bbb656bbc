//! Issuing, checking and revoking bearer tokens.

use super::Auth;
use crate::domain::{ClientId, StaffId};
use chrono::Duration;

use crate::auth::store::{clients, tokens};
use crate::auth::token::{ACCESS_TOKEN_PREFIX, PlainSecret, hash_secret};
use crate::platform::caller::{ClientKind, Principal, Role, Scope, StaffIdentity};
use crate::platform::error::{Error, Result};

/// A token just issued; the plain value is shown once.
#[derive(Debug)]
pub struct IssuedToken {
    pub access_token: PlainSecret,
    pub expires_in: i64,
    pub scopes: Vec<Scope>,
}

impl IssuedToken {
    /// The granted scopes, space-separated as OAuth2 expects.
    pub fn scope_string(&self) -> String {
        self.scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" ")
    }
}

impl Auth<'_> {
    /// OAuth2 client credentials: checks the client and grants its kind's scopes, or the
    /// requested subset of them.
    pub async fn issue_client_token(
        &self,
        client_id: &str,
        client_secret: &str,
        requested_scope: Option<&str>,
    ) -> Result<IssuedToken> {
        let mut conn = self.pool.acquire().await?;
        let client = clients::find(&mut conn, client_id).await?;
        let client = match client {
            Some(c) if c.disabled_at.is_none() && c.secret_hash == hash_secret(client_secret) => c,
            _ => {
                return Err(Error::unauthenticated(
                    "oauth.invalid_client",
                    "the client id is unknown or the secret does not match",
                ));
            }
        };
        let kind = ClientKind::parse(&client.kind).ok_or_else(|| anyhow::anyhow!("unknown stored kind"))?;
        let scopes = granted_scopes(kind.scopes(), requested_scope)?;
        let ttl = self.settings.auth.client_token_ttl_secs;
        self.store_token(&mut conn, &client.client_id, None, scopes, ttl).await
    }

    /// Stores a new token for a client (and staff user) and returns it.
    pub(crate) async fn store_token(
        &self,
        conn: &mut sqlx::PgConnection,
        client_id: &ClientId,
        staff_id: Option<StaffId>,
        scopes: Vec<Scope>,
        ttl_secs: i64,
    ) -> Result<IssuedToken> {
        let token = PlainSecret::generate(ACCESS_TOKEN_PREFIX);
        let now = self.clock.now();
        let hash = token.hash();
        let row = tokens::NewToken {
            token_hash: &hash,
            client_id,
            staff_id,
            scopes: scopes.iter().map(|s| s.as_str().to_owned()).collect(),
            issued_at: now,
            expires_at: now + Duration::seconds(ttl_secs),
        };
        tokens::insert(conn, &row).await?;
        Ok(IssuedToken { access_token: token, expires_in: ttl_secs, scopes })
    }

    /// Resolves a presented bearer token to its principal.
    pub async fn authenticate(&self, bearer: &str) -> Result<Principal> {
        let token_hash = hash_secret(bearer);
        let mut conn = self.pool.acquire().await?;
        let grant =
            tokens::find_live(&mut conn, &token_hash, self.clock.now()).await?.ok_or(Error::unauthenticated(
                "auth.invalid_token",
                "the bearer token is unknown, expired or revoked; get a new one",
            ))?;
        let client_kind =
            ClientKind::parse(&grant.client_kind).ok_or_else(|| anyhow::anyhow!("unknown stored client kind"))?;
        let staff = match (grant.staff_id, grant.staff_username, grant.staff_role) {
            (Some(staff_id), Some(username), Some(role)) => Some(StaffIdentity {
                staff_id,
                username,
                role: Role::parse(&role).ok_or_else(|| anyhow::anyhow!("unknown stored role"))?,
                identified: grant.staff_identified.unwrap_or(false),
            }),
            _ => None,
        };
        let scopes = grant.scopes.iter().filter_map(|s| Scope::parse(s)).collect();
        Ok(Principal {
            client_id: grant.client_id,
            client_kind,
            staff,
            scopes,
            bank_code: grant.bank_code,
            institution_code: grant.institution_code,
            token_hash,
        })
    }

    /// Revokes the client token presented; a staff session is not ended this way.
    pub async fn revoke_client_token(&self, principal: &Principal) -> Result<()> {
        if principal.staff.is_some() {
            return Err(Error::forbidden(
                "oauth.not_a_client_token",
                "this is a staff session token; end it with DELETE /v1/staff/sessions/current",
            ));
        }
        self.revoke(principal).await
    }

    /// Ends the staff session presented; a client token is not revoked this way.
    pub async fn end_staff_session(&self, principal: &Principal) -> Result<()> {
        if principal.staff.is_none() {
            return Err(Error::forbidden(
                "staff.not_a_session",
                "this is a client token, not a staff session; revoke it with DELETE /v1/oauth/token",
            ));
        }
        self.revoke(principal).await
    }

    /// Revokes the token the principal presented.
    async fn revoke(&self, principal: &Principal) -> Result<()> {
        let mut conn = self.pool.acquire().await?;
        tokens::revoke(&mut conn, &principal.token_hash, self.clock.now()).await?;
        Ok(())
    }
}

/// The scopes to grant: all the kind allows, or the requested ones if every one is allowed.
fn granted_scopes(allowed: &[Scope], requested: Option<&str>) -> Result<Vec<Scope>> {
    let Some(requested) = requested.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(allowed.to_vec());
    };
    let mut granted = Vec::new();
    for name in requested.split_whitespace() {
        match Scope::parse(name).filter(|s| allowed.contains(s)) {
            Some(scope) if !granted.contains(&scope) => granted.push(scope),
            Some(_) => {}
            None => {
                return Err(Error::Malformed {
                    code: "oauth.invalid_scope",
                    detail: format!("scope {name} is unknown or not allowed for this client"),
                });
            }
        }
    }
    Ok(granted)
}

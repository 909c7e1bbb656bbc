//! Issuing, checking and revoking bearer tokens.

use super::Auth;
use crate::domain::{BindingId, ClientId, PersonNo, StaffId};
use chrono::Duration;

pub use crate::auth::store::tokens::PersonToken;
use crate::auth::store::{clients, tokens};
use crate::auth::token::{ACCESS_TOKEN_PREFIX, PlainSecret, hash_secret};
use crate::platform::caller::{ClientKind, PersonSession, Principal, Role, Scope, StaffIdentity};
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

    /// Opens a person session for `person` through the client of `principal`: a token with
    /// the client kind's person-session scopes, the absolute and idle limits of the settings.
    pub async fn open_person_session(
        &self,
        conn: &mut sqlx::PgConnection,
        principal: &Principal,
        person: PersonToken<'_>,
    ) -> Result<IssuedToken> {
        let token = PlainSecret::generate(ACCESS_TOKEN_PREFIX);
        let now = self.clock.now();
        let ttl = self.settings.sessions.absolute_ttl_secs;
        let scopes = principal.client_kind.session_scopes().to_vec();
        let hash = token.hash();
        let row = tokens::NewToken {
            token_hash: &hash,
            client_id: &principal.client_id,
            staff_id: None,
            scopes: scopes.iter().map(|s| s.as_str().to_owned()).collect(),
            issued_at: now,
            expires_at: now + Duration::seconds(ttl),
            person: Some(person),
        };
        tokens::insert(conn, &row).await?;
        Ok(IssuedToken { access_token: token, expires_in: ttl, scopes })
    }

    /// Revokes the person's live sessions: all of them (a transfer out), or those opened
    /// through one binding (an unbinding).
    pub async fn revoke_person_sessions(
        &self,
        conn: &mut sqlx::PgConnection,
        person_no: &PersonNo,
        binding_id: Option<BindingId>,
    ) -> Result<u64> {
        Ok(tokens::revoke_person_sessions(conn, person_no, binding_id, self.clock.now()).await?)
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
            person: None,
        };
        tokens::insert(conn, &row).await?;
        Ok(IssuedToken { access_token: token, expires_in: ttl_secs, scopes })
    }

    /// Resolves a presented bearer token to its principal, on `conn` (a primary connection: a
    /// revocation counts at once).
    pub async fn authenticate(&self, conn: &mut sqlx::PgConnection, bearer: &str) -> Result<Principal> {
        let token_hash = hash_secret(bearer);
        let grant = tokens::find_live(conn, &token_hash, self.clock.now()).await?.ok_or(Error::unauthenticated(
            "auth.invalid_token",
            "the bearer token is unknown, expired or revoked; get a new one",
        ))?;
        let client_kind =
            ClientKind::parse(&grant.client_kind).ok_or_else(|| anyhow::anyhow!("unknown stored client kind"))?;
        let person = self.person_of(conn, &token_hash, &grant).await?;
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
            person,
            scopes,
            bank_code: grant.bank_code,
            institution_code: grant.institution_code,
            token_hash,
            read_fence: grant.read_fence.and_then(|lsn| u64::try_from(lsn).ok()),
        })
    }

    /// The person of a person-session grant; marks the session used (at most every half minute,
    /// so reads do not each write) for its idle limit.
    async fn person_of(
        &self,
        conn: &mut sqlx::PgConnection,
        token_hash: &[u8],
        grant: &tokens::TokenGrant,
    ) -> Result<Option<PersonSession>> {
        let (Some(person_no), Some(method)) = (&grant.person_no, &grant.session_method) else {
            return Ok(None);
        };
        let now = self.clock.now();
        if grant.last_used_at.is_none_or(|used| now - used > Duration::seconds(30)) {
            tokens::touch(conn, token_hash, now).await?;
        }
        Ok(Some(PersonSession { person_no: person_no.clone(), method: method.clone(), binding_id: grant.binding_id }))
    }

    /// Fences these tokens at the primary's current WAL position, after a write made with them
    /// (or one that issued them) has committed: their reads wait for a replica to hold it.
    pub async fn fence_reads(&self, token_hashes: &[Vec<u8>]) -> Result<()> {
        let mut conn = self.pool.acquire().await?;
        Ok(tokens::fence(&mut conn, token_hashes).await?)
    }

    /// Revokes the client token presented; a staff session is not ended this way.
    pub async fn revoke_client_token(&self, principal: &Principal) -> Result<()> {
        if principal.staff.is_some() || principal.person.is_some() {
            return Err(Error::forbidden(
                "oauth.not_a_client_token",
                "this is a session token, not a client token; end it with DELETE /v1/staff/sessions/current or DELETE /v1/sessions/current",
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

    /// Ends the person session presented; other tokens are not revoked this way.
    pub async fn end_person_session(&self, principal: &Principal) -> Result<()> {
        principal.person_session()?;
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

//! Verified-identity and e-social-card sign-ins: a compact JWS (RFC 7515) signed with Ed25519
//! (`alg` `EdDSA`, RFC 8037) by the calling channel's registered key, `kid` and `iss` its
//! client id, naming the person (`sub` ID number, `name`), the check made (`method`), when
//! (`iat`, `exp` at most five minutes later) and a single-use `nonce`; `aud`, if given, names
//! `medcard`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use ed25519_dalek::{Signature, VerifyingKey};
use serde::Deserialize;

use super::Sessions;
use super::open::insured_elsewhere;
use super::types::SessionMethod;
use crate::auth::Auth;
use crate::domain::{IdNumber, PersonNo};
use crate::persons;
use crate::platform::caller::Caller;
use crate::platform::error::{Error, Result};

/// The protected header we accept.
#[derive(Deserialize)]
struct Header {
    alg: String,
    kid: Option<String>,
    /// Extensions the signer says must be understood: we understand none (RFC 7515 §4.1.11).
    crit: Option<serde_json::Value>,
}

/// The audience an assertion may name; one made for another relying party is refused.
const AUDIENCE: &str = "medcard";

/// The claims we read; others are ignored. `aud`, when present, must be (or contain) `medcard`.
#[derive(Deserialize)]
struct Claims {
    aud: Option<serde_json::Value>,
    iss: String,
    sub: String,
    name: String,
    method: String,
    iat: i64,
    exp: i64,
    nonce: String,
}

impl Sessions<'_> {
    /// Verifies the assertion and answers the person it names.
    pub(super) async fn by_assertion(&self, caller: &Caller, method: SessionMethod, compact: &str) -> Result<PersonNo> {
        let key = Auth::new(self).assertion_key(&caller.client_id).await?.ok_or(Error::unauthenticated(
            "assertion.no_key",
            "this client has no assertion key registered (PUT /v1/clients/{client_id}/assertion-key)",
        ))?;
        let claims = verified_claims(compact, caller.client_id.as_str(), &key)?;
        check_claims(&claims, method, self.clock.now(), self.settings.sessions.assertion_max_age_secs)?;
        let expires_at = DateTime::from_timestamp(claims.exp, 0).unwrap_or(self.clock.now());
        let mut conn = self.pool.acquire().await?;
        if !super::nonce_store::claim(&mut conn, &caller.client_id, &claims.nonce, expires_at).await? {
            return Err(Error::unauthenticated("assertion.replayed", "this assertion's nonce was used before"));
        }
        let id_number = IdNumber::parse(&claims.sub, self.clock.today())
            .map_err(|_| malformed("the sub claim is not a valid ID number"))?;
        let person = persons::find_by_id_number(&mut conn, &id_number).await?.ok_or_else(|| insured_elsewhere(None))?;
        if person.name != claims.name.trim() {
            return Err(Error::unauthenticated(
                "assertion.person_mismatch",
                "the name in the assertion is not the name on record for this ID number",
            ));
        }
        Ok(person.person_no)
    }
}

/// Splits, checks the header and the signature, and decodes the claims.
fn verified_claims(compact: &str, client_id: &str, key: &[u8; 32]) -> Result<Claims> {
    let mut parts = compact.trim().split('.');
    let (Some(header_b64), Some(payload_b64), Some(signature_b64), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(malformed("a compact JWS has three dot-separated parts"));
    };
    let header: Header = decode_json(header_b64)?;
    if header.alg != "EdDSA" {
        return Err(malformed("only alg EdDSA (Ed25519) is accepted"));
    }
    if header.crit.is_some() {
        return Err(malformed("no critical header extension is understood"));
    }
    if header.kid.as_deref() != Some(client_id) {
        return Err(wrong_issuer());
    }
    let signature = URL_SAFE_NO_PAD.decode(signature_b64).map_err(|_| malformed("the signature is not base64url"))?;
    let signature = Signature::from_slice(&signature).map_err(|_| malformed("an Ed25519 signature has 64 bytes"))?;
    let key = VerifyingKey::from_bytes(key).map_err(|_| anyhow::anyhow!("stored assertion key is not a point"))?;
    let signed = format!("{header_b64}.{payload_b64}");
    key.verify_strict(signed.as_bytes(), &signature).map_err(|_| {
        Error::unauthenticated("assertion.bad_signature", "the signature does not verify with this client's key")
    })?;
    let claims: Claims = decode_json(payload_b64)?;
    if claims.iss != client_id {
        return Err(wrong_issuer());
    }
    let for_us = match &claims.aud {
        None => true,
        Some(serde_json::Value::String(aud)) => aud == AUDIENCE,
        Some(serde_json::Value::Array(auds)) => auds.iter().any(|a| a == AUDIENCE),
        Some(_) => false,
    };
    if !for_us {
        return Err(Error::unauthenticated("assertion.wrong_audience", "the assertion was made for another service"));
    }
    Ok(claims)
}

/// Fresh (issued at most `max_age` ago, not in the future, living at most `max_age`) and made
/// by a check this sign-in method stands for.
fn check_claims(claims: &Claims, method: SessionMethod, now: DateTime<Utc>, max_age: i64) -> Result<()> {
    let allowed: &[&str] = match method {
        SessionMethod::ESocialCard => &["e_social_card"],
        _ => &["face", "real_name"],
    };
    if claims.nonce.is_empty() || claims.nonce.len() > 128 {
        return Err(malformed("the nonce has 1 to 128 characters"));
    }
    if !allowed.contains(&claims.method.as_str()) {
        return Err(malformed("the method claim does not fit this sign-in method"));
    }
    let now = now.timestamp();
    let skew = 30;
    let fresh = claims.iat <= now + skew
        && now - claims.iat <= max_age
        && claims.exp > now
        && claims.exp - claims.iat <= max_age
        && claims.exp >= claims.iat;
    if !fresh {
        return Err(Error::unauthenticated(
            "assertion.stale",
            "the assertion is expired, too old (over five minutes) or not yet valid",
        ));
    }
    Ok(())
}

fn decode_json<T: for<'de> Deserialize<'de>>(part: &str) -> Result<T> {
    let bytes = URL_SAFE_NO_PAD.decode(part).map_err(|_| malformed("a JWS part is not base64url"))?;
    serde_json::from_slice(&bytes).map_err(|_| malformed("a JWS part is not the expected JSON"))
}

fn malformed(detail: &'static str) -> Error {
    Error::unauthenticated("assertion.malformed", detail)
}

fn wrong_issuer() -> Error {
    Error::unauthenticated("assertion.wrong_issuer", "the assertion was not issued by the calling client")
}

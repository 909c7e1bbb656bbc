//! Channels that sign identity assertions (verified identity, e-social card): a registered
//! Ed25519 key, compact JWS over the claims, and the sign-in that presents one.

use axum::http::{Method, StatusCode};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::{Signer, SigningKey};
use medcard::platform::caller::{ClientKind, Role};
use serde_json::{Value, json};

use super::cards::Holder;
use super::{TestApp, TestResponse};

/// A channel that signs assertions: its client id, token and key.
pub struct SigningChannel {
    pub client_id: String,
    pub token: String,
    pub key: SigningKey,
}

impl TestApp {
    /// A client of `kind` whose assertion key an admin registered over HTTP.
    pub async fn signing_channel(&self, kind: ClientKind, seed: u8) -> SigningChannel {
        let (client_id, secret) = self.register_client(kind).await;
        let key = SigningKey::from_bytes(&[seed; 32]);
        let admin = self.staff_token(Role::Admin).await;
        let public = URL_SAFE_NO_PAD.encode(key.verifying_key().to_bytes());
        let uri = format!("/v1/clients/{client_id}/assertion-key");
        let registered = self.send(Method::PUT, &uri, Some(&admin), Some(json!({ "assertion_key": public }))).await;
        assert_eq!(registered.status, StatusCode::NO_CONTENT, "{}", registered.text);
        let body = json!({ "grant_type": "client_credentials", "client_id": client_id, "client_secret": secret });
        let token = self.send(Method::POST, "/v1/oauth/token", None, Some(body)).await.body["access_token"]
            .as_str()
            .unwrap()
            .to_owned();
        SigningChannel { client_id, token, key }
    }

    /// The seconds since the epoch on the test clock.
    pub fn epoch_now(&self) -> i64 {
        use medcard::platform::clock::Clock;
        self.clock.now().timestamp()
    }
}

/// A compact JWS over `claims` with `header`, signed by `key`.
pub fn sign(key: &SigningKey, header: &Value, claims: &Value) -> String {
    let head = URL_SAFE_NO_PAD.encode(header.to_string());
    let body = URL_SAFE_NO_PAD.encode(claims.to_string());
    let signature = key.sign(format!("{head}.{body}").as_bytes());
    format!("{head}.{body}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()))
}

pub fn claims(channel: &SigningChannel, holder: &Holder, iat: i64, nonce: &str) -> Value {
    json!({
        "iss": channel.client_id, "sub": holder.id_number, "name": holder.name, "method": "face",
        "iat": iat, "exp": iat + 300, "nonce": nonce, "aud": "medcard", "other": "ignored"
    })
}

pub fn header(channel: &SigningChannel) -> Value {
    json!({ "alg": "EdDSA", "kid": channel.client_id, "typ": "JWT" })
}

pub async fn sign_in(app: &TestApp, channel: &SigningChannel, method: &str, assertion: String) -> TestResponse {
    app.post("/v1/sessions", &channel.token, json!({ "method": method, "assertion": assertion })).await
}

/// A person session opened by a face check on `channel` (a fresh nonce each time).
pub async fn verified_session(app: &TestApp, channel: &SigningChannel, holder: &Holder) -> String {
    let nonce = uuid::Uuid::new_v4().to_string();
    let assertion = sign(&channel.key, &header(channel), &claims(channel, holder, app.epoch_now(), &nonce));
    let opened = sign_in(app, channel, "verified_identity", assertion).await;
    assert_eq!(opened.status, StatusCode::CREATED, "{}", opened.text);
    opened.body["access_token"].as_str().unwrap().to_owned()
}

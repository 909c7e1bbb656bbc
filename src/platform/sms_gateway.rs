//! The SMS gateway, the one outside party medcard stands in for. Codes are handed to a
//! [`SmsGateway`] inside the transaction that records them; the default [`OutboxGateway`]
//! writes each message to the `sms_outbox` table, from which a real gateway's relay (or a test)
//! reads it.

use std::fmt::Debug;
use std::future::Future;
use std::pin::Pin;

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::domain::Phone;

/// A text message to one phone.
pub struct SmsMessage<'a> {
    /// The recipient.
    pub phone: &'a Phone,
    /// The text, code included.
    pub body: String,
    /// When it was queued.
    pub at: DateTime<Utc>,
}

impl Debug for SmsMessage<'_> {
    /// The body carries a code: never in a log line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmsMessage").field("phone", &self.phone).field("body", &"<redacted>").finish()
    }
}

/// The future a gateway returns.
pub type SendFuture<'a> = Pin<Box<dyn Future<Output = sqlx::Result<()>> + Send + 'a>>;

/// Sends text messages. `send` runs inside the transaction that records the code, so a
/// message is queued if and only if its code is stored.
pub trait SmsGateway: Send + Sync + Debug {
    /// Queues `message` for delivery.
    fn send<'a>(&'a self, conn: &'a mut PgConnection, message: &'a SmsMessage<'a>) -> SendFuture<'a>;
}

/// The default gateway: an outbox table.
#[derive(Debug, Default, Clone, Copy)]
pub struct OutboxGateway;

impl SmsGateway for OutboxGateway {
    fn send<'a>(&'a self, conn: &'a mut PgConnection, message: &'a SmsMessage<'a>) -> SendFuture<'a> {
        Box::pin(async move {
            sqlx::query("INSERT INTO sms_outbox (message_id, phone, body, queued_at) VALUES ($1, $2, $3, $4)")
                .bind(Uuid::new_v4())
                .bind(message.phone.as_str())
                .bind(&message.body)
                .bind(message.at)
                .execute(conn)
                .await?;
            Ok(())
        })
    }
}

/// A queued message, as an operator reads the outbox.
#[derive(Debug, serde::Serialize, sqlx::FromRow)]
pub struct QueuedMessage {
    /// The recipient, unmasked (the outbox is the gateway's, read by its operator).
    pub phone: String,
    /// The text.
    pub body: String,
    /// When it was queued.
    pub queued_at: DateTime<Utc>,
}

impl OutboxGateway {
    /// The latest `limit` messages (to `phone` only, when given), newest first.
    pub async fn recent(pool: &sqlx::PgPool, phone: Option<&str>, limit: i64) -> sqlx::Result<Vec<QueuedMessage>> {
        sqlx::query_as(
            "SELECT phone, body, queued_at FROM sms_outbox WHERE $1::text IS NULL OR phone = $1
              ORDER BY queued_at DESC, message_id LIMIT $2",
        )
        .bind(phone)
        .bind(limit.clamp(1, 100))
        .fetch_all(pool)
        .await
    }
}

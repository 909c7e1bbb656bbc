//! The one error type of the crate. Services return it; the HTTP layer turns it into an
//! `application/problem+json` response (see `platform::http::problem`). Every variant but `Internal`
//! carries a stable `code` that clients may branch on.

use serde_json::{Map, Value};

/// What can go wrong in an operation, by the HTTP status class it maps to.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request could not be read (bad JSON, bad path or query value): 400.
    #[error("{code}: {detail}")]
    Malformed { code: &'static str, detail: String },
    /// The request was read but a value breaks a rule: 422.
    #[error("{code}: {detail}")]
    Invalid { code: &'static str, detail: String, params: Params },
    /// No valid credentials: 401.
    #[error("{code}: {detail}")]
    Unauthenticated { code: &'static str, detail: &'static str },
    /// Valid credentials without the right to do this: 403.
    #[error("{code}: {detail}")]
    Forbidden { code: &'static str, detail: String },
    /// The thing addressed does not exist: 404.
    #[error("{code}: {detail}")]
    NotFound { code: &'static str, detail: String },
    /// The request conflicts with the current state (illegal transition, duplicate): 409.
    #[error("{code}: {detail}")]
    Conflict { code: &'static str, detail: String, params: Params },
    /// The account is locked for now: 423.
    #[error("{code}: {detail}")]
    Locked { code: &'static str, detail: String, params: Params },
    /// Too many attempts or sends in a window (SMS codes, bindings): 429, with the seconds after
    /// which another may succeed.
    #[error("{code}: {detail}")]
    TooMany { code: &'static str, detail: String, params: Params, retry_after_secs: u32 },
    /// The service cannot take this now (overload, the database out of reach): 503, with the
    /// seconds after which to retry.
    #[error("{code}: {detail}")]
    Unavailable { code: &'static str, detail: String, retry_after_secs: u32 },
    /// Anything else; logged with its cause chain, answered with a generic body: 500.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// Extra members of a problem (e.g. `current_status`), also used to fill message templates.
pub type Params = Map<String, Value>;

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// The stable code a client branches on (`internal` for an internal error).
    pub fn code(&self) -> &'static str {
        match self {
            Self::Malformed { code, .. }
            | Self::Invalid { code, .. }
            | Self::Unauthenticated { code, .. }
            | Self::Forbidden { code, .. }
            | Self::NotFound { code, .. }
            | Self::Conflict { code, .. }
            | Self::Locked { code, .. }
            | Self::TooMany { code, .. }
            | Self::Unavailable { code, .. } => code,
            Self::Internal(_) => "internal",
        }
    }

    /// A 404 saying what was not found.
    pub fn not_found(code: &'static str, detail: impl ToString) -> Self {
        Self::NotFound { code, detail: detail.to_string() }
    }

    /// A 401 saying what is wrong with the credentials (never which part, where that would help
    /// a guesser).
    pub fn unauthenticated(code: &'static str, detail: &'static str) -> Self {
        Self::Unauthenticated { code, detail }
    }

    /// A 423 saying what is locked and until when or by whom it is unlocked.
    pub fn locked(code: &'static str, detail: impl ToString, params: Params) -> Self {
        Self::Locked { code, detail: detail.to_string(), params }
    }

    /// A 429 asking to wait `retry_after_secs`.
    pub fn too_many(code: &'static str, detail: impl ToString, retry_after_secs: u32) -> Self {
        Self::TooMany { code, detail: detail.to_string(), params: Params::new(), retry_after_secs }
    }

    /// A 503 asking to retry after `retry_after_secs`.
    pub fn unavailable(code: &'static str, detail: impl ToString, retry_after_secs: u32) -> Self {
        Self::Unavailable { code, detail: detail.to_string(), retry_after_secs }
    }

    /// A 422 for one field, with the parse error's own text as detail.
    pub fn invalid_field(code: &'static str, field: &str, detail: impl ToString) -> Self {
        let mut params = Params::new();
        params.insert("field".into(), Value::from(field));
        Self::Invalid { code, detail: detail.to_string(), params }
    }

    /// A 409 with extra members such as the current state.
    pub fn conflict(code: &'static str, detail: impl ToString, params: Params) -> Self {
        Self::Conflict { code, detail: detail.to_string(), params }
    }

    /// Adds an extra member to a problem that carries parameters.
    pub fn with_param(mut self, key: &str, value: impl Into<serde_json::Value>) -> Self {
        if let Self::Invalid { params, .. }
        | Self::Conflict { params, .. }
        | Self::Locked { params, .. }
        | Self::TooMany { params, .. } = &mut self
        {
            params.insert(key.into(), value.into());
        }
        self
    }

    /// A 403 for a missing scope or permission.
    pub fn forbidden(code: &'static str, detail: impl ToString) -> Self {
        Self::Forbidden { code, detail: detail.to_string() }
    }
}

impl From<sqlx::Error> for Error {
    /// An exhausted pool or a lost database is overload, not a fault of the request: 503. So is
    /// a statement the server cancelled to be retried (a deadlock, or a replica's conflict with
    /// recovery, SQLSTATE 40P01 and 40001).
    fn from(err: sqlx::Error) -> Self {
        let retryable = match &err {
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => true,
            sqlx::Error::Database(db) => matches!(db.code().as_deref(), Some("40001" | "40P01")),
            _ => false,
        };
        if retryable {
            return Self::unavailable(
                "service.unavailable",
                format!("the database is out of reach or busy ({err}); retry shortly"),
                1,
            );
        }
        Self::Internal(anyhow::Error::new(err))
    }
}

impl From<serde_json::Error> for Error {
    fn from(err: serde_json::Error) -> Self {
        Self::Internal(anyhow::Error::new(err))
    }
}

/// Maps a named constraint violation to a client error, leaving other database errors internal.
pub trait ResultExt<T> {
    /// When the statement broke `constraint`, answer `map()` instead of a 500.
    fn on_constraint(self, constraint: &str, map: impl FnOnce() -> Error) -> Result<T>;
}

impl<T> ResultExt<T> for std::result::Result<T, sqlx::Error> {
    fn on_constraint(self, constraint: &str, map: impl FnOnce() -> Error) -> Result<T> {
        self.map_err(|err| match &err {
            sqlx::Error::Database(db) if db.constraint() == Some(constraint) => map(),
            _ => Error::from(err),
        })
    }
}

/// Builds a [`Params`] map from pairs.
#[macro_export]
macro_rules! params {
    ($($key:literal => $value:expr),* $(,)?) => {{
        #[allow(unused_mut)]
        let mut map = $crate::platform::error::Params::new();
        $(map.insert($key.into(), serde_json::Value::from($value));)*
        map
    }};
}

//! The five columns every history and audit row carries for its actor (kind, id, client id,
//! channel, request id): their SQL and their binding, written once for every writer.

use sqlx::Postgres;
use sqlx::postgres::PgArguments;
use sqlx::query::{Query, QueryAs, QueryScalar};

use super::caller::Actor;

/// The actor's columns as SQL over the placeholders `$first..$first+4`, named as the columns
/// are, for the source of an `INSERT … SELECT`. Bind them with [`BindActor::bind_actor`].
pub fn actor_columns(first: usize) -> String {
    let [kind, id, client, channel, request] = [0, 1, 2, 3, 4].map(|i| first + i);
    format!(
        "${kind}::text AS actor_kind, ${id}::text AS actor_id, ${client}::text AS client_id, \
         ${channel}::text AS channel, ${request}::text AS request_id"
    )
}

/// Binds an actor's five columns, in the order of [`actor_columns`], to any kind of query.
pub trait BindActor<'q>: Sized {
    /// Binds kind, id, client id, channel and request id.
    fn bind_actor(self, actor: &'q Actor) -> Self;
}

macro_rules! bind_actor_for {
    ($($query:ty $(, $generic:ident)?;)*) => {$(
        impl<'q $(, $generic)?> BindActor<'q> for $query {
            fn bind_actor(self, actor: &'q Actor) -> Self {
                self.bind(actor.kind.as_str())
                    .bind(&actor.id)
                    .bind(&actor.client_id)
                    .bind(&actor.channel)
                    .bind(&actor.request_id)
            }
        }
    )*};
}

bind_actor_for! {
    Query<'q, Postgres, PgArguments>;
    QueryAs<'q, Postgres, O, PgArguments>, O;
    QueryScalar<'q, Postgres, O, PgArguments>, O;
}

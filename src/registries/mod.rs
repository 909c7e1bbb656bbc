//! The registries the other capabilities refer to: card-issuing banks and designated medical
//! institutions (定点医药机构).

pub mod banks;
pub mod institutions;
mod level;
mod routes;
mod service;

pub use level::InstitutionLevel;
pub use routes::router;
pub use service::NewInstitution;

crate::service! {
    /// The bank and institution registries.
    Registries
}

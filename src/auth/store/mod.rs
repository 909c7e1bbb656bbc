//! The auth tables: `clients`, `staff_users` and `tokens`.

pub mod clients;
pub mod staff;
pub mod tokens;

//! The contribution tables: `contributions` (what each period owes) and
//! `contribution_payments`, and the selections the arrears rules make over them.

pub mod arrears;
pub mod contributions;
pub mod payments;

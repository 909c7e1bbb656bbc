//! Registering designated institutions and listing institutions and banks.

use super::Registries;
use serde_json::json;

use crate::domain::RegionCode;
use crate::params;
use crate::platform::audit::Subject;
use crate::platform::caller::{Actor, Principal};
use crate::platform::error::{Error, Result, ResultExt};
use crate::registries::InstitutionLevel;
use crate::registries::banks::{self, BankRow};
use crate::registries::institutions::{self as store, InstitutionRow};

/// A new institution.
#[derive(Debug, Clone)]
pub struct NewInstitution {
    pub code: String,
    pub name: String,
    /// `hospital` or `pharmacy`.
    pub kind: String,
    pub offers_activation: bool,
    pub level: InstitutionLevel,
    /// A Zhengzhou region code (4101xx).
    pub region_code: String,
}

impl Registries<'_> {
    /// Registers a designated institution (command line, admin).
    pub async fn create_institution(&self, actor: &Actor, new: NewInstitution) -> Result<InstitutionRow> {
        let code = new.code.trim().to_ascii_uppercase();
        if !(2..=20).contains(&code.len()) || !code.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(Error::invalid_field("institution.code", "code", "2 to 20 letters and digits"));
        }
        if !matches!(new.kind.as_str(), "hospital" | "pharmacy") {
            return Err(Error::invalid_field("institution.kind", "kind", "hospital or pharmacy"));
        }
        let name = new.name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(Error::invalid_field("institution.name", "name", "a name has 1 to 100 characters"));
        }
        let region = RegionCode::parse_zhengzhou(&new.region_code)
            .map_err(|e| Error::invalid_field(e.code(), "region_code", e))?;
        let row = InstitutionRow {
            institution_code: code,
            name: name.to_owned(),
            kind: new.kind,
            offers_activation: new.offers_activation,
            created_at: self.clock.now(),
            level: new.level.get(),
            region_code: region.as_str().to_owned(),
        };
        let mut tx = self.pool.begin().await?;
        store::insert(&mut tx, &row).await.on_constraint("institutions_pkey", || {
            Error::conflict("institution.code_taken", "an institution with this code exists", params! {})
        })?;
        let subject = Subject { kind: "institution", id: &row.institution_code };
        let details = json!({ "name": row.name, "offers_activation": row.offers_activation, "level": row.level });
        self.audit(&mut tx, actor, "institution.create", Some(subject), details).await?;
        tx.commit().await?;
        Ok(row)
    }

    /// Every institution (any authenticated caller).
    pub async fn institutions(&self, _principal: &Principal) -> Result<Vec<InstitutionRow>> {
        let mut conn = self.pool.acquire().await?;
        Ok(store::list(&mut conn).await?)
    }

    /// Every issuing bank (any authenticated caller).
    pub async fn banks(&self, _principal: &Principal) -> Result<Vec<BankRow>> {
        let mut conn = self.pool.acquire().await?;
        Ok(banks::list(&mut conn).await?)
    }
}

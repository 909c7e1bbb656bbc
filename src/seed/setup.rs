//! What the seeded records refer to: the named designated institutions, and the clients that
//! made the seeded payments, settlements and hall changes (a tax bureau, a hall, one client per
//! issuing bank and per institution). Registered through their own services, and reused when a
//! run is repeated, so a seed that failed part-way can simply be run again. Their secrets are
//! not kept: demos register their own clients with `medcard client create`.

use std::collections::HashMap;

use super::catalogue::{CARD_BANKS, INSTITUTIONS};
use crate::auth::{Auth, ClientBinding};
use crate::platform::Core;
use crate::platform::caller::{Actor, ClientKind};
use crate::platform::error::Result;
use crate::registries::{InstitutionLevel, NewInstitution, Registries, institutions};

/// The seeded clients' ids.
#[derive(Debug, Clone, Default)]
pub(crate) struct SeedClients {
    pub tax_bureau: String,
    pub hall: String,
    pub banks: HashMap<&'static str, String>,
    pub institutions: HashMap<&'static str, String>,
}

/// Registers what is missing of the institutions and clients, and returns the clients' ids.
pub(crate) async fn prepare(core: &Core, actor: &Actor) -> Result<SeedClients> {
    let registries = Registries::new(core);
    let mut conn = core.pool.acquire().await?;
    let known: Vec<String> = institutions::list(&mut conn).await?.into_iter().map(|i| i.institution_code).collect();
    drop(conn);
    for i in INSTITUTIONS.iter().filter(|i| !known.iter().any(|k| k == i.code)) {
        let new = NewInstitution {
            code: i.code.to_owned(),
            name: i.name.to_owned(),
            kind: i.kind.as_str().to_owned(),
            offers_activation: i.offers_activation,
            level: InstitutionLevel::new(i16::from(i.level)).unwrap_or(InstitutionLevel::FIRST),
            region_code: i.region.to_owned(),
        };
        registries.create_institution(actor, new).await?;
    }
    let mut clients = Registered::load(core).await?;
    let none = ClientBinding::default();
    let mut seeded = SeedClients {
        tax_bureau: clients
            .ensure(core, actor, ClientKind::TaxBureau, "国家税务总局郑州市税务局（演示数据）", &none)
            .await?,
        hall: clients.ensure(core, actor, ClientKind::ServiceHall, "郑州市医保服务大厅（演示数据）", &none).await?,
        ..SeedClients::default()
    };
    for (bank, _) in CARD_BANKS {
        let binding = ClientBinding { bank_code: Some(bank.to_owned()), institution_code: None };
        let id =
            clients.ensure(core, actor, ClientKind::Bank, &format!("{bank} 社保卡业务（演示数据）"), &binding).await?;
        seeded.banks.insert(bank, id);
    }
    for i in &INSTITUTIONS {
        let binding = ClientBinding { bank_code: None, institution_code: Some(i.code.to_owned()) };
        let id = clients
            .ensure(core, actor, ClientKind::Institution, &format!("{} HIS（演示数据）", i.name), &binding)
            .await?;
        seeded.institutions.insert(i.code, id);
    }
    Ok(seeded)
}

/// The clients already registered, by kind and name.
struct Registered(Vec<(String, String, String)>);

impl Registered {
    async fn load(core: &Core) -> Result<Self> {
        let rows = Auth::new(core).clients().await?;
        Ok(Self(rows.into_iter().map(|c| (c.kind, c.name, c.client_id.as_str().to_owned())).collect()))
    }

    async fn ensure(
        &mut self,
        core: &Core,
        actor: &Actor,
        kind: ClientKind,
        name: &str,
        binding: &ClientBinding,
    ) -> Result<String> {
        if let Some((_, _, id)) = self.0.iter().find(|(k, n, _)| k == kind.as_str() && n == name) {
            return Ok(id.clone());
        }
        let registered = Auth::new(core).register_client(actor, kind, name, binding).await?;
        let id = registered.client_id.as_str().to_owned();
        self.0.push((kind.as_str().to_owned(), name.to_owned(), id.clone()));
        Ok(id)
    }
}

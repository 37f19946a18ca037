//! The default registry shipped with the hub: `seed/registry.json`, read at compile time.

use serde::Deserialize;

/// The registry file's text.
pub const REGISTRY_JSON: &str = include_str!("../seed/registry.json");

/// The default registry: member units and organisations with aliases.
#[derive(Debug, Deserialize)]
pub struct Registry {
    /// The 31 member units.
    pub member_units: Vec<SeedUnit>,
    /// Organisations with the aliases units are known to write.
    pub organizations: Vec<SeedOrganization>,
}

/// A member unit in the seed file.
#[derive(Debug, Deserialize)]
pub struct SeedUnit {
    /// Stable code.
    pub code: String,
    /// Official name.
    pub name: String,
    /// Kind of unit.
    pub kind: String,
}

/// An organisation in the seed file.
#[derive(Debug, Deserialize)]
pub struct SeedOrganization {
    /// Canonical name.
    pub name: String,
    /// Kind (university, enterprise, hotel …).
    pub kind: String,
    /// Other spellings.
    #[serde(default)]
    pub aliases: Vec<String>,
}

impl Registry {
    /// Parses the registry shipped with the hub.
    pub fn default_registry() -> Result<Self, serde_json::Error> {
        serde_json::from_str(REGISTRY_JSON)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_registry_has_31_units_with_unique_codes() {
        let registry = Registry::default_registry().expect("registry.json parses");
        assert_eq!(registry.member_units.len(), 31);
        let mut codes: Vec<_> = registry.member_units.iter().map(|u| &u.code).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), 31);
    }
}

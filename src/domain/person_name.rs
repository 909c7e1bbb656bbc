//! Names of insured persons as printed on the ID card.

/// Why a name is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a name has 1 to 50 characters and no control characters")]
pub struct PersonNameError;

/// A trimmed, non-empty name of at most 50 characters (e.g. `张三`, `买买提·艾力`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName(String);

/// A person's name with all but the first character masked (张** for 张三丰).
pub fn mask_name(name: &str) -> String {
    name.chars().enumerate().map(|(i, c)| if i == 0 { c } else { '*' }).collect()
}

impl PersonName {
    /// Parses a name; surrounding whitespace is dropped.
    pub fn parse(raw: &str) -> Result<Self, PersonNameError> {
        let name = raw.trim();
        let count = name.chars().count();
        if count == 0 || count > 50 || name.chars().any(char::is_control) {
            return Err(PersonNameError);
        }
        Ok(Self(name.to_owned()))
    }

    /// The name as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether a presented name matches this one (identity checks compare trimmed text exactly).
    pub fn matches(&self, presented: &str) -> bool {
        self.0 == presented.trim()
    }
}

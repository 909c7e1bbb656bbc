//! Insured regions (参保地): GB/T 2260 county-level codes of Zhengzhou.

use std::fmt;

use serde::Serialize;

/// Zhengzhou's county-level codes and functional zones, with their names.
const ZHENGZHOU: [(&str, &str); 16] = [
    ("410100", "郑州市"),
    ("410102", "中原区"),
    ("410103", "二七区"),
    ("410104", "管城回族区"),
    ("410105", "金水区"),
    ("410106", "上街区"),
    ("410108", "惠济区"),
    ("410122", "中牟县"),
    ("410171", "郑州经济技术开发区"),
    ("410172", "郑州高新技术产业开发区"),
    ("410173", "郑州航空港经济综合实验区"),
    ("410181", "巩义市"),
    ("410182", "荥阳市"),
    ("410183", "新密市"),
    ("410184", "新郑市"),
    ("410185", "登封市"),
];

/// Why a string is not an acceptable region code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RegionError {
    #[error("a region code has six digits")]
    Format,
    #[error("not a Zhengzhou region code (4101xx)")]
    NotZhengzhou,
    #[error("a transfer goes to or comes from a region outside Zhengzhou")]
    NotElsewhere,
}

impl RegionError {
    /// Stable machine-readable code for problem responses.
    pub fn code(self) -> &'static str {
        match self {
            Self::Format => "region.format",
            Self::NotZhengzhou => "region.not_zhengzhou",
            Self::NotElsewhere => "region.not_elsewhere",
        }
    }
}

/// A six-digit GB/T 2260 region code.
#[derive(Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct RegionCode(String);

impl RegionCode {
    /// Parses an insured region inside Zhengzhou (this pooling region).
    pub fn parse_zhengzhou(raw: &str) -> Result<Self, RegionError> {
        let code = Self::parse_any(raw)?;
        if code.is_zhengzhou() { Ok(code) } else { Err(RegionError::NotZhengzhou) }
    }

    /// Parses the other end of a transfer: a region outside Zhengzhou.
    pub fn parse_elsewhere(raw: &str) -> Result<Self, RegionError> {
        let code = Self::parse_any(raw)?;
        if code.0.starts_with("4101") { Err(RegionError::NotElsewhere) } else { Ok(code) }
    }

    fn parse_any(raw: &str) -> Result<Self, RegionError> {
        let raw = raw.trim();
        let ok = raw.len() == 6 && raw.bytes().all(|b| b.is_ascii_digit()) && !raw.starts_with("00");
        if ok { Ok(Self(raw.to_owned())) } else { Err(RegionError::Format) }
    }

    /// Whether this is one of Zhengzhou's listed codes.
    pub fn is_zhengzhou(&self) -> bool {
        ZHENGZHOU.iter().any(|(code, _)| *code == self.0)
    }

    /// The Chinese name of a Zhengzhou region, if it is one.
    pub fn zhengzhou_name(&self) -> Option<&'static str> {
        ZHENGZHOU.iter().find(|(code, _)| *code == self.0).map(|(_, name)| *name)
    }

    /// The code as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zhengzhou_codes_are_accepted_and_others_refused() {
        assert!(RegionCode::parse_zhengzhou("410105").is_ok());
        assert_eq!(RegionCode::parse_zhengzhou("410201"), Err(RegionError::NotZhengzhou));
        assert_eq!(RegionCode::parse_zhengzhou("4101"), Err(RegionError::Format));
        assert_eq!(RegionCode::parse_elsewhere("410105"), Err(RegionError::NotElsewhere));
        assert!(RegionCode::parse_elsewhere("110105").is_ok());
    }
}

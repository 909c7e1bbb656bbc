//! The level of a designated institution (医疗机构等级), which the settlement rules read.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// 一级, 二级 or 三级; stored and sent as 1, 2 or 3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(try_from = "i16", into = "i16")]
pub struct InstitutionLevel(i16);

impl InstitutionLevel {
    /// 一级, the lowest level.
    pub const FIRST: Self = Self(1);

    /// Parses 1, 2 or 3.
    pub fn new(level: i16) -> Option<Self> {
        (1..=3).contains(&level).then_some(Self(level))
    }

    /// The stored number.
    pub fn get(self) -> i16 {
        self.0
    }

    /// 一级 / 二级 / 三级.
    pub fn label_zh(self) -> &'static str {
        match self.0 {
            1 => "一级",
            2 => "二级",
            _ => "三级",
        }
    }
}

impl TryFrom<i16> for InstitutionLevel {
    type Error = &'static str;

    fn try_from(level: i16) -> Result<Self, Self::Error> {
        Self::new(level).ok_or("an institution level is 1, 2 or 3")
    }
}

impl From<InstitutionLevel> for i16 {
    fn from(level: InstitutionLevel) -> Self {
        level.0
    }
}

//! The four roles an API token carries. What each may do is in [`super::policy`].

use std::fmt;
use std::str::FromStr;

/// The role of an API token. 令牌角色。
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, async_graphql::Enum, clap::ValueEnum)]
pub enum Role {
    /// Uploads for its own unit; reads its own uploads, rejections and daily reports and the
    /// people its unit reported. 上传员：仅限本单位。
    Uploader,
    /// Reads everything; resolves candidate merges and merges organisations. 分析员。
    Analyst,
    /// Reads figures, counts, trends and lists with personal data masked. 领导：个人信息脱敏。
    Leader,
    /// Manages units, organisations and tokens; may do everything. 管理员。
    Admin,
}

impl Role {
    /// Every role, in the order of the policy table's columns.
    pub const ALL: [Role; 4] = [Role::Uploader, Role::Analyst, Role::Leader, Role::Admin];

    /// As stored in `api_token.role`: `uploader`, `analyst`, `leader`, `admin`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Uploader => "uploader",
            Self::Analyst => "analyst",
            Self::Leader => "leader",
            Self::Admin => "admin",
        }
    }

    /// The column of this role in the policy table.
    pub const fn column(self) -> usize {
        match self {
            Self::Uploader => 0,
            Self::Analyst => 1,
            Self::Leader => 2,
            Self::Admin => 3,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A role name that is not one of the four.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role '{0}' (uploader, analyst, leader or admin) / 未知角色")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|role| role.as_str() == text)
            .ok_or(UnknownRole(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_read_back_from_their_names() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert_eq!(" Admin ".parse::<Role>(), Ok(Role::Admin));
        assert!("root".parse::<Role>().is_err());
    }
}

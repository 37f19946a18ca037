//! The access policy: one table of role × operation, consulted by every GraphQL resolver
//! and HTTP handler through [`super::Principal::authorize`].
//!
//! | operation | uploader | analyst | leader | admin |
//! |---|---|---|---|---|
//! | read the registry (member units, organisations) | yes | yes | yes | yes |
//! | read city figures (overview, present trend) | no | yes | yes | yes |
//! | read group-by counts | own people | yes | yes | yes |
//! | read people (lists, one person) | own people, own facts | yes | masked | yes |
//! | search people by name or document number | own people | yes | no | yes |
//! | read uploads | own unit | yes | yes | yes |
//! | read rejected rows (they hold personal data) | own unit | yes | no | yes |
//! | upload a file | own unit | no | no | any unit |
//! | download a blank template | yes | yes | yes | yes |
//! | submit a daily report | own unit | no | no | any unit |
//! | read daily reports | own unit | yes | masked | yes |
//! | read the daily-report status of all units | no | yes | masked | yes |
//! | read candidate merges | no | yes | no | yes |
//! | resolve a candidate merge | no | yes | no | yes |
//! | merge organisations | no | yes | no | yes |
//! | manage member units | no | no | no | yes |
//! | manage organisations | no | no | no | yes |
//! | manage API tokens | no | no | no | yes |
//! | read the audit log | no | no | no | yes |
//! | read the supplies ledger (figures, donations, contracts, outreach) | own unit | yes | masked | yes |
//! | edit the supplies catalogue (items, currencies, rates) | no | no | no | yes |
//!
//! "Own people" are the people the token's unit reported (a source row of one of its
//! uploads names them); an uploader sees, of each, only the facts its own unit's uploads
//! gave, plus the derived status (present, visa status, managing unit): its filters and
//! counts read those facts too ([`crate::service::people`] applies this). "Masked" shows
//! document numbers as `M12****78` and no date of birth, address or phone; in the free text
//! of daily reports, anything that looks like a document number is masked the same way. The
//! command line is a local admin. The rustdoc table and [`Operation::access`] must agree; the
//! table-driven test in `tests/api/access.rs` checks the HTTP and GraphQL surfaces against
//! [`Operation::access`].

use super::principal::UnitRef;
use super::role::Role;
use crate::error::HubError;

/// How far a role may perform an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Access {
    /// Not at all: `FORBIDDEN`.
    Denied,
    /// Only for the principal's own member unit (its uploads, its reports, its people).
    OwnUnit,
    /// Everything, with personal data masked.
    Masked,
    /// Everything.
    Full,
}

/// Everything the policy decides on. Each resolver and handler names one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    /// `memberUnits`, `organizations`.
    ReadRegistry,
    /// `overview`, `presentTrend`.
    ReadFigures,
    /// `countsBy`.
    ReadCounts,
    /// `people`, `person`.
    ReadPeople,
    /// The `search` filter and `person(documentNumber:, nationality:)`.
    SearchPeople,
    /// `uploads`.
    ReadUploads,
    /// `Upload.rejections`, `GET /api/uploads/{id}/rejections.xlsx`.
    ReadRejections,
    /// `POST /api/uploads`, the `upload` mutation.
    Upload,
    /// `GET /api/templates/{kind}.xlsx`.
    DownloadTemplate,
    /// `submitDailyReport`.
    SubmitDailyReport,
    /// `dailyReports`.
    ReadDailyReports,
    /// `dailyReportStatus`.
    ReadDailyReportStatus,
    /// `pendingMerges`.
    ReadMerges,
    /// `resolveMerge`.
    ResolveMerge,
    /// `mergeOrganizations`.
    MergeOrganizations,
    /// `addMemberUnit`, `updateMemberUnit`.
    ManageUnits,
    /// `addOrganization`, `updateOrganization`, `addOrganizationAlias`.
    ManageOrganizations,
    /// `apiTokens`, `createApiToken`, `revokeApiToken`, `hub token`.
    ManageTokens,
    /// `auditLog`.
    ReadAuditLog,
    /// `columnMappings`, `saveColumnMapping`, `deleteColumnMapping`, `hub mappings`.
    ManageColumnMappings,
    /// `supplies`, `donations`, `contracts`, `outreachContacts`, `suppliesTrend`, the
    /// donations and contracts exports: an uploader reads its own unit's rows, a leader
    /// sees private donors' names masked.
    ReadSupplies,
    /// `addSupplyItemSynonym`, `addSupplyItemUnit`, `setSupplyRate`, `addCurrencyName`,
    /// `hub supplies`.
    ManageSupplyCatalogue,
}

impl Operation {
    /// Every operation, in the order of the table.
    pub const ALL: [Operation; 22] = [
        Self::ReadRegistry,
        Self::ReadFigures,
        Self::ReadCounts,
        Self::ReadPeople,
        Self::SearchPeople,
        Self::ReadUploads,
        Self::ReadRejections,
        Self::Upload,
        Self::DownloadTemplate,
        Self::SubmitDailyReport,
        Self::ReadDailyReports,
        Self::ReadDailyReportStatus,
        Self::ReadMerges,
        Self::ResolveMerge,
        Self::MergeOrganizations,
        Self::ManageUnits,
        Self::ManageOrganizations,
        Self::ManageTokens,
        Self::ReadAuditLog,
        Self::ManageColumnMappings,
        Self::ReadSupplies,
        Self::ManageSupplyCatalogue,
    ];

    /// The row of the table: access of the uploader, analyst, leader and admin.
    const fn row(self) -> [Access; 4] {
        use Access::{Denied as No, Full as Yes, Masked, OwnUnit as Own};
        match self {
            // [uploader, analyst, leader, admin]
            Self::ReadRegistry => [Yes, Yes, Yes, Yes],
            Self::ReadFigures => [No, Yes, Yes, Yes],
            Self::ReadCounts => [Own, Yes, Yes, Yes],
            Self::ReadPeople => [Own, Yes, Masked, Yes],
            Self::SearchPeople => [Own, Yes, No, Yes],
            Self::ReadUploads => [Own, Yes, Yes, Yes],
            Self::ReadRejections => [Own, Yes, No, Yes],
            Self::Upload => [Own, No, No, Yes],
            Self::DownloadTemplate => [Yes, Yes, Yes, Yes],
            Self::SubmitDailyReport => [Own, No, No, Yes],
            Self::ReadDailyReports => [Own, Yes, Masked, Yes],
            Self::ReadDailyReportStatus => [No, Yes, Masked, Yes],
            Self::ReadMerges => [No, Yes, No, Yes],
            Self::ResolveMerge => [No, Yes, No, Yes],
            Self::MergeOrganizations => [No, Yes, No, Yes],
            Self::ManageUnits => [No, No, No, Yes],
            Self::ManageOrganizations => [No, No, No, Yes],
            Self::ManageTokens => [No, No, No, Yes],
            Self::ReadAuditLog => [No, No, No, Yes],
            Self::ManageColumnMappings => [Own, No, No, Yes],
            Self::ReadSupplies => [Own, Yes, Masked, Yes],
            Self::ManageSupplyCatalogue => [No, No, No, Yes],
        }
    }

    /// How far `role` may perform this operation.
    pub const fn access(self, role: Role) -> Access {
        self.row()[role.column()]
    }

    /// What the operation is, for refusals: English and Chinese.
    pub fn describe(self) -> &'static str {
        match self {
            Self::ReadRegistry => "read the registry / 查询名录",
            Self::ReadFigures => "read city-wide figures / 查询全市统计",
            Self::ReadCounts => "read counts / 查询分组统计",
            Self::ReadPeople => "read people / 查询人员信息",
            Self::SearchPeople => {
                "search people by name or document number / 按姓名或证件号码查找人员"
            }
            Self::ReadUploads => "read uploads / 查询上传记录",
            Self::ReadRejections => "read rejected rows / 查询未导入的行",
            Self::Upload => "upload files / 上传文件",
            Self::DownloadTemplate => "download templates / 下载模板",
            Self::SubmitDailyReport => "submit daily reports / 提交日报告",
            Self::ReadDailyReports => "read daily reports / 查询日报告",
            Self::ReadDailyReportStatus => "read the daily-report status / 查询日报告情况",
            Self::ReadMerges => "read candidate merges / 查询待合并人员",
            Self::ResolveMerge => "resolve merges / 处理人员合并",
            Self::MergeOrganizations => "merge organisations / 合并单位",
            Self::ManageUnits => "manage member units / 管理成员单位",
            Self::ManageOrganizations => "manage organisations / 管理单位名录",
            Self::ManageTokens => "manage API tokens / 管理访问令牌",
            Self::ReadAuditLog => "read the audit log / 查询审计日志",
            Self::ManageColumnMappings => "manage column mappings / 管理列映射",
            Self::ReadSupplies => "read the supplies ledger / 查询物资保障台账",
            Self::ManageSupplyCatalogue => "edit the supplies catalogue / 管理物资目录和汇率",
        }
    }
}

/// Permission to perform one operation, as far as the table allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    access: Access,
    unit: Option<UnitRef>,
}

impl Grant {
    /// The grant of `access` (never [`Access::Denied`]) to a principal of `unit`.
    pub(super) fn new(access: Access, unit: Option<UnitRef>) -> Self {
        Self { access, unit }
    }

    /// How far the operation is allowed.
    pub fn access(&self) -> Access {
        self.access
    }

    /// Whether personal data must be masked.
    pub fn masked(&self) -> bool {
        self.access == Access::Masked
    }

    /// The unit the operation is restricted to, when it is ([`Access::OwnUnit`]).
    pub fn restricted_to(&self) -> Option<&UnitRef> {
        match self.access {
            Access::OwnUnit => self.unit.as_ref(),
            _ => None,
        }
    }

    /// The principal's own unit (restricted or not).
    pub fn own_unit(&self) -> Option<&UnitRef> {
        self.unit.as_ref()
    }

    /// Refuses when the grant is restricted to a unit other than `unit_id`.
    pub fn check_unit(&self, unit_id: i64) -> Result<(), HubError> {
        match self.restricted_to() {
            Some(own) if own.id != unit_id => Err(HubError::Forbidden(format!(
                "only your own unit's data ({}) / 仅限本单位数据",
                own.code
            ))),
            _ => Ok(()),
        }
    }

    /// The unit an action is for: `named` (a unit code) or, when none is named, the
    /// principal's own. A grant restricted to its own unit refuses any other; `None` when
    /// no unit is named and the principal has none (the command line).
    pub fn unit_for<'a>(&'a self, named: Option<&'a str>) -> Result<Option<&'a str>, HubError> {
        match (
            named.map(str::trim).filter(|n| !n.is_empty()),
            self.restricted_to(),
        ) {
            (Some(named), Some(own)) if named != own.code => Err(HubError::Forbidden(format!(
                "a token of unit '{}' cannot act for unit '{named}' / 不能代其他单位操作",
                own.code
            ))),
            (Some(named), _) => Ok(Some(named)),
            (None, _) => Ok(self.unit.as_ref().map(|u| u.code.as_str())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admins_may_do_everything_and_only_admins_manage() {
        for op in Operation::ALL {
            assert_eq!(op.access(Role::Admin), Access::Full, "{op:?}");
        }
        for op in [
            Operation::ManageTokens,
            Operation::ManageUnits,
            Operation::ReadAuditLog,
        ] {
            for role in [Role::Uploader, Role::Analyst, Role::Leader] {
                assert_eq!(op.access(role), Access::Denied, "{role} {op:?}");
            }
        }
    }

    #[test]
    fn leaders_see_masked_people_and_no_rejections() {
        assert_eq!(Operation::ReadPeople.access(Role::Leader), Access::Masked);
        assert_eq!(
            Operation::ReadRejections.access(Role::Leader),
            Access::Denied
        );
        assert_eq!(Operation::SearchPeople.access(Role::Leader), Access::Denied);
    }

    #[test]
    fn a_restricted_grant_refuses_other_units() {
        let own = UnitRef {
            id: 2,
            code: "police".to_owned(),
        };
        let grant = Grant::new(Access::OwnUnit, Some(own.clone()));
        assert!(grant.check_unit(2).is_ok());
        assert!(matches!(grant.check_unit(3), Err(HubError::Forbidden(_))));
        assert_eq!(grant.unit_for(None).ok().flatten(), Some("police"));
        assert_eq!(
            grant.unit_for(Some("police")).ok().flatten(),
            Some("police")
        );
        assert!(grant.unit_for(Some("nepu")).is_err());
        let admin = Grant::new(Access::Full, Some(own));
        assert_eq!(admin.unit_for(Some("nepu")).ok().flatten(), Some("nepu"));
        assert!(admin.check_unit(3).is_ok());
    }
}

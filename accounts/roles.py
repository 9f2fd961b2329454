"""Staff roles (岗位) and the region permissions each one grants.

A role is granted on one region of its level; the grant covers the region's whole
subtree (a grant on a township covers its communities). Permissions are declared on
Region (see models.Region.Meta.permissions) and assigned through django-guardian.
"""

from django.db import models


class Level(models.TextChoices):
    DISTRICT = "district", "区/县"
    TOWNSHIP = "township", "镇/街道"
    COMMUNITY = "community", "社区/村"


class Role(models.TextChoices):
    COMMUNITY_ASSISTANT = "community_assistant", "社区(村)协办员"
    TOWNSHIP_CASEWORKER = "township_caseworker", "镇(街道)经办人"
    TOWNSHIP_APPROVER = "township_approver", "镇(街道)审批人"
    DISTRICT_REVIEWER = "district_reviewer", "区民政局审核人"
    DISTRICT_ADMIN = "district_admin", "区民政局管理员"


# Region permissions (codename → label). Later parts of the procedure check these.
PERMISSIONS = {
    "view_households": "查看家庭档案",
    "view_cases": "查看救助申请",
    "change_households": "登记和修改家庭档案",
    "refer_cases": "代为申请/发现报告",
    "handle_cases": "受理、调查、审核救助申请",
    "approve_cases": "审批确认救助申请",
    "review_filings": "备案审查与抽查",
    "verify_economic_status": "家庭经济状况核对",
    "manage_rules": "维护救助标准与规则",
    "manage_staff": "管理工作人员与授权",
}

ROLE_LEVEL = {
    Role.COMMUNITY_ASSISTANT: Level.COMMUNITY,
    Role.TOWNSHIP_CASEWORKER: Level.TOWNSHIP,
    Role.TOWNSHIP_APPROVER: Level.TOWNSHIP,
    Role.DISTRICT_REVIEWER: Level.DISTRICT,
    Role.DISTRICT_ADMIN: Level.DISTRICT,
}

ROLE_PERMISSIONS = {
    Role.COMMUNITY_ASSISTANT: {"view_households", "change_households", "view_cases",
                               "refer_cases"},
    Role.TOWNSHIP_CASEWORKER: {
        "view_households",
        "change_households",
        "view_cases",
        "refer_cases",
        "handle_cases",
    },
    # The approver reads the file but does not edit it: 受理、审核、审批三分离 (seed 004 §二(二)3).
    Role.TOWNSHIP_APPROVER: {"view_households", "view_cases", "approve_cases"},
    Role.DISTRICT_REVIEWER: {"view_households", "view_cases", "review_filings",
                             "verify_economic_status"},
    # The administrator keeps regions, staff and standards; it reads no family's file.
    Role.DISTRICT_ADMIN: {"manage_rules", "manage_staff"},
}

"""Demo regions and staff: 北京市大兴区 (seed 000) with three of its streets.

District and township codes are the official ones; the community codes follow the
12-digit statistical scheme (township code + 3 digits) and are for demonstration.
"""

import datetime
import functools

from django.contrib.auth.hashers import make_password

from accounts.models import Region, Rule, User
from accounts.roles import Level, Role
from accounts.services import grant_role

DEMO_PASSWORD = "demo12345"

DISTRICT = ("110115", "大兴区")
# township code, name, login prefix, communities (code suffix, name, login part)
TOWNSHIPS = [
    ("110115001", "兴丰街道", "xingfeng", [
        ("001", "三合南里社区", "sanhe"), ("002", "兴华中里社区", "xinghua"),
        ("003", "滨河北里社区", "binhe"),
    ]),
    ("110115002", "林校路街道", "linxiao", [
        ("001", "林校北里社区", "linbei"), ("002", "车站北里社区", "chezhan"),
        ("003", "兴涛社区", "xingtao"),
    ]),
    ("110115003", "清源街道", "qingyuan", [
        ("001", "枣园社区", "zaoyuan"), ("002", "康盛园社区", "kangsheng"),
    ]),
]

TOWNSHIP_ROLES = [
    # login suffix, role, name suffix. Two caseworkers: the one who accepts a case may not
    # also review it (受理、审核、审批三分离, seed 004 §二(二)3). The second is not called
    # "reviewer": that is the district's role (daxing_reviewer).
    ("caseworker", Role.TOWNSHIP_CASEWORKER, "经办人（受理）"),
    ("caseworker2", Role.TOWNSHIP_CASEWORKER, "经办人（审核）"),
    ("approver", Role.TOWNSHIP_APPROVER, "审批人"),
]


@functools.cache
def _demo_password_hash() -> str:
    return make_password(DEMO_PASSWORD)  # hashed once: hashing is slow on purpose


def _user(username: str, full_name: str) -> User:
    user, _ = User.objects.get_or_create(
        username=username, defaults={"full_name": full_name, "password": _demo_password_hash()})
    return user


def _rename(old: str, new: str) -> None:
    """Keep a demo database from before a login was renamed in step (no duplicate user)."""
    if not User.objects.filter(username=new).exists():
        User.objects.filter(username=old).update(username=new)


# The district's own rows cite Beijing's documents (or the national rule), never another
# city's plan.
STANDARD_SOURCE = "北京市民政局、北京市财政局关于调整本市城乡低保标准的通知（演示数据）"
URGENT_AID_SOURCE = "社会救助法第五十条：小额、紧急的先行救助，限额由区民政局规定（演示数据）"


def load() -> list[tuple[str, str, str]]:
    """Create (or keep) the regions and one user per role per region.

    Returns (username, role label, region) rows for printing.
    """
    logins = []
    district, _ = Region.objects.update_or_create(
        code=DISTRICT[0], defaults={"name": DISTRICT[1], "level": Level.DISTRICT, "parent": None})
    for username, role, label in [("daxing_admin", Role.DISTRICT_ADMIN, "区民政局管理员"),
                                  ("daxing_reviewer", Role.DISTRICT_REVIEWER, "区民政局审核人")]:
        grant_role(user=_user(username, f"大兴{label}"), region=district, role=role,
                   by=None)
        logins.append((username, role.label, district.name))
    for key in ("dibao_standard_urban", "dibao_standard_rural"):
        # Beijing has one urban-rural standard; 1,450 from September 2023. Demo data: a
        # district keeps its own rows in 系统管理 → 规则参数 as the city publishes them.
        Rule.objects.get_or_create(key=key, region=district, valid_from=datetime.date(2023, 9, 1),
                                   defaults={"value": "1450", "source": STANDARD_SOURCE})
    Rule.objects.get_or_create(key="urgent_aid_limit", region=district,
                               valid_from=datetime.date(2026, 7, 1),
                               defaults={"value": "1000", "source": URGENT_AID_SOURCE})
    for code, name, prefix, communities in TOWNSHIPS:
        township, _ = Region.objects.update_or_create(
            code=code, defaults={"name": name, "level": Level.TOWNSHIP, "parent": district})
        _rename(f"{prefix}_reviewer", f"{prefix}_caseworker2")
        for suffix, role, label in TOWNSHIP_ROLES:
            username = f"{prefix}_{suffix}"
            grant_role(user=_user(username, f"{name}{label}"), region=township, role=role,
                       by=None)
            logins.append((username, role.label, name))
        for code_suffix, community_name, part in communities:
            community, _ = Region.objects.update_or_create(
                code=code + code_suffix,
                defaults={"name": community_name, "level": Level.COMMUNITY, "parent": township})
            username = f"{prefix}_{part}"
            grant_role(user=_user(username, f"{community_name}协办员"), region=community,
                       role=Role.COMMUNITY_ASSISTANT, by=None)
            logins.append((username, Role.COMMUNITY_ASSISTANT.label, f"{name}{community_name}"))
    return logins

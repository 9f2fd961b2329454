from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.cache import never_cache

from accounts.scope import has_any
from cases.models import Application
from cases.selectors import intake_counts, workload
from cases.selectors.benefits import review_counts
from cases.steps import tiles
from config.selectors_desk import admin_desk, may_see_admin_desk
from filing.selectors import supervision_workload


@never_cache
@login_not_required
def healthz(request):
    """Liveness for the load balancer and docker-compose: database and cache answer."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:  # noqa: BLE001 - any failure means unhealthy
        checks["database"] = "error"
    try:
        cache.set("healthz", "ok", 10)
        checks["cache"] = "ok" if cache.get("healthz") == "ok" else "error"
    except Exception:  # noqa: BLE001
        checks["cache"] = "error"
    healthy = all(v == "ok" for v in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks},
                        status=200 if healthy else 503)


# Home-page tiles per role: (permission, label, where: a queue filter "?…" or a URL name
# with its query, count key). The first tile of a count key shown to the user wins. The
# tiles of the procedure's states are declared on the steps that leave them.
TILES = [
    ("handle_cases", "待处置登记", "intake:list?status=open", "registrations_open"),
    ("handle_cases", "登记超期", "intake:list?status=overdue", "registrations_overdue"),
    ("handle_cases", "转办超期未反馈", "intake:handovers?status=overdue", "handovers_overdue"),
    ("handle_cases", "先行救助待补办", "intake:urgent", "urgent_open"),
    *[(perm, label, f"?state={state}", state) for perm, label, state in tiles(Application)],
    ("handle_cases", "整改中", "filing:rectifications?status=open", "rectification_open"),
    ("handle_cases", "整改超期", "filing:rectifications?status=overdue", "rectification_overdue"),
    ("handle_cases", "待核查异议", "?objection=pending", "objections_pending"),
    # Benefits in force: reviews not decided yet, and those past their due date (DB §31).
    ("handle_cases", "待核查", "cases:benefit_reviews", "benefit_reviews_open"),
    ("handle_cases", "核查逾期", "cases:benefit_reviews?status=overdue", "benefit_reviews_overdue"),
    ("approve_cases", "核查待审批", "cases:benefit_reviews?status=proposed", "benefit_reviews_proposed"),
    ("verify_economic_status", "待核对", "?verify=pending", "awaiting_verification"),
    ("review_filings", "待备案审查", "filing:reviews?status=pending", "reviews_pending"),
    ("review_filings", "抽查未完成", "filing:spot_checks", "spot_checks_open"),
    ("review_filings", "整改中", "filing:rectifications?status=open", "rectification_open"),
    ("review_filings", "整改超期", "filing:rectifications?status=overdue", "rectification_overdue"),
    ("review_filings", "转办超期未反馈", "intake:handovers?status=overdue", "handovers_overdue"),
    ("view_cases", "已超期", "?due=overdue", "overdue"),
]
ALERTS = ("overdue", "objections_pending", "rectification_overdue", "reviews_pending",
          "registrations_overdue", "handovers_overdue", "benefit_reviews_overdue")


def _tile_url(where: str) -> str:
    if where.startswith("?"):
        return reverse("cases:queue") + where
    name, _, query = where.partition("?")
    return reverse(name) + (f"?{query}" if query else "")


# The rules page in Chinese, once it exists; until then the admin's changelist.
RULE_PAGES = ("rules:list", "accounts:rules", "rules")


def _rules_url() -> str:
    for name in RULE_PAGES:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return reverse("admin:accounts_rule_changelist")


def _admin_part(user) -> dict:
    """The district administrator's desk: what needs them, and the history of grants and
    rules (the audit, read in 系统管理)."""
    if not may_see_admin_desk(user):
        return {}
    audit = reverse("admin:accounts_auditentry_changelist")
    return {"desk": admin_desk(fetched_by=user), "rules_url": _rules_url(),
            "audit_url": audit,
            "audit_grants_url": f"{audit}?action__in=grant_role,revoke_grant",
            "audit_rules_url": f"{audit}?action__in=rule_create,rule_change"}


def home(request):
    """The workbench: what waits for this user, by role."""
    tiles = []
    if has_any(request.user, "view_cases"):
        load = workload(fetched_by=request.user)
        counts = {**load["states"], "overdue": load["overdue"],
                  "awaiting_verification": load["awaiting_verification"],
                  "objections_pending": load["objections_pending"],
                  **supervision_workload(fetched_by=request.user),
                  **intake_counts(fetched_by=request.user),
                  **review_counts(fetched_by=request.user)}
        seen = set()
        for perm, label, where, key in TILES:
            if key not in seen and has_any(request.user, perm):
                seen.add(key)
                tiles.append({"label": label, "count": counts.get(key, 0), "url": _tile_url(where),
                              "alert": key in ALERTS})
    return render(request, "accounts/home.html", {
        "tiles": tiles,
        "can_view_households": has_any(request.user, "view_households"),
        "can_change_households": has_any(request.user, "change_households"),
        **_admin_part(request.user),
    })

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache


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


# Home-page tiles per role: (permission, label, queue filter, state or count key).
TILES = [
    ("refer_cases", "退回补正", "state=returned", "returned"),
    ("handle_cases", "待受理", "state=referred", "referred"),
    ("handle_cases", "调查核实", "state=investigating", "investigating"),
    ("handle_cases", "待审核", "state=reviewing", "reviewing"),
    ("handle_cases", "公示中", "state=publicizing", "publicizing"),
    ("handle_cases", "民主评议", "state=hearing", "hearing"),
    ("handle_cases", "待报送备案", "state=confirmed", "confirmed"),
    ("handle_cases", "整改中", "state=rectifying", "rectifying"),
    ("handle_cases", "待核查异议", "objection=pending", "objections_pending"),
    ("approve_cases", "待审批", "state=approving", "approving"),
    ("verify_economic_status", "待核对", "verify=pending", "awaiting_verification"),
    ("review_filings", "整改中", "state=rectifying", "rectifying"),
    ("view_cases", "已超期", "due=overdue", "overdue"),
]


def home(request):
    """The workbench: what waits for this user, by role."""
    from accounts.scope import has_any
    from cases.selectors import workload

    tiles = []
    if has_any(request.user, "view_cases"):
        load = workload(fetched_by=request.user)
        counts = {**load["states"], "overdue": load["overdue"],
                  "awaiting_verification": load["awaiting_verification"],
                  "objections_pending": load["objections_pending"]}
        seen = set()
        for perm, label, query, key in TILES:
            if key not in seen and has_any(request.user, perm):
                seen.add(key)
                tiles.append({"label": label, "count": counts.get(key, 0),
                              "url": f"{reverse('cases:queue')}?{query}",
                              "alert": key in ("overdue", "objections_pending")})
    return render(request, "accounts/home.html", {
        "tiles": tiles,
        "can_view_households": has_any(request.user, "view_households"),
        "can_change_households": has_any(request.user, "change_households"),
    })

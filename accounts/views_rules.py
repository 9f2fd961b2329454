"""政策标准与参数: the district administrator's pages for the rules (accounts.rules) —
the list, one rule with its periods and history, and 设置新值. Changes go through
accounts.services_rules.rule_set_from (audited). A higher layer may pass `preview`, a
callable that says what a new value reaches (config passes cases' benefits in payment):
accounts may not import cases."""

import datetime
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts.forms_rules import RuleValueForm
from accounts.models import Region
from accounts.rules import RULES, rule_row
from accounts.selectors import districts_for
from accounts.selectors_rules import (
    is_amount,
    rule_history,
    rule_name,
    rule_overview,
    rule_periods,
    rule_range,
    rule_unit,
    show_value,
)
from accounts.services_rules import rule_set_from
from core.errors import ServiceError, show_on

Preview = Callable[..., dict | None]


def _district(request) -> tuple[Region, str]:
    """The district whose rules are shown (?district=code among those the user keeps), and
    the query that keeps it on the page's links when the user keeps more than one."""
    districts = list(districts_for(fetched_by=request.user, perm="manage_rules"))
    if not districts:
        raise PermissionDenied("只有区民政局管理员可以查看和维护政策标准与参数。")
    code = request.GET.get("district")
    district = next((d for d in districts if d.code == code), districts[0])
    return district, f"?district={district.code}" if len(districts) > 1 else ""


def _spec(key: str):
    if key not in RULES:
        raise Http404("没有这项规则。")
    return RULES[key]


def rule_list(request):
    district, query = _district(request)
    today = timezone.localdate()
    return render(request, "accounts/rules.html", {
        "district": district, "q": query, "today": today,
        "groups": rule_overview(fetched_by=request.user, district=district, on=today),
    })


def _rule_context(request, key: str) -> dict:
    spec = _spec(key)
    district, query = _district(request)
    current = rule_row(key, district)
    # valid_to is the first day no longer covered: the page names the last day covered.
    periods = [{"row": row, "value": show_value(spec, row.value),
                "last_day": row.valid_to and row.valid_to - datetime.timedelta(days=1)}
               for row in rule_periods(fetched_by=request.user, district=district, key=key)]
    return {"key": key, "spec": spec, "name": rule_name(spec), "unit": rule_unit(spec),
            "allowed": rule_range(spec), "district": district, "q": query,
            "current": current,
            "current_value": show_value(spec, current.value if current else spec.national),
            "periods": periods}


def rule_detail(request, key: str):
    context = _rule_context(request, key)
    context["history"] = rule_history(fetched_by=request.user, district=context["district"], key=key)
    return render(request, "accounts/rules_detail.html", context)


def rule_new(request, key: str, preview: Preview | None = None):
    """设置新值. When `preview` knows the rule (a 低保 standard), the first submit shows
    what it reaches and a second one, 确认保存, saves."""
    context = _rule_context(request, key)
    district, spec = context["district"], context["spec"]
    form = RuleValueForm(request.POST or None, spec=spec)
    reach = preview(fetched_by=request.user, region=district, key=key) if preview else None
    context["previews"] = reach is not None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if reach is not None and "confirm" not in request.POST:
            before = rule_row(key, district, data["effective_month"])
            context.update(preview=reach, new_value=show_value(spec, data["value"]),
                           month=data["effective_month"],
                           before_value=show_value(spec, before.value if before else spec.national))
        else:
            try:
                rule_set_from(key=key, region=district, value=data["value"],
                              valid_from=data["effective_month"], source=data["source"],
                              by=request.user, reason=data["reason"])
            except ServiceError as exc:
                show_on(form, exc)
            else:
                unit = rule_unit(spec) if is_amount(spec) else ""
                messages.success(request, f"已保存：{district.name}{rule_name(spec)}自"
                                          f"{data['effective_month']:%Y年%m月}起为"
                                          f"{show_value(spec, data['value'])}{unit}。")
                return redirect(reverse("rules:detail", args=[key]) + context["q"])
    context["form"] = form
    return render(request, "accounts/rules_new.html", context)

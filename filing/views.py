"""备案与监督 pages: the district's inbox, mandatory reviews, the register, spot checks,
rectifications, monthly rosters and statistics. Thin: read through filing.selectors,
change through filing.services (and cases.services for the case itself)."""

import csv
import io
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import selectors as region_selectors
from accounts.rules import rule_sources
from accounts.scope import has_any, user_can
from cases.models import AssistanceType
from core.errors import ServiceError, show_on
from core.tabular import template_response
from filing import charts, exports, selectors, services
from filing.cadre_register import REGISTER_BASIS, REGISTER_SPEC
from filing.forms import CheckForm, DrawForm, RegisterImportForm, ReviewForm, RosterForm
from filing.months import pick_month, recent_months
from filing.tasks import refresh_statistics
from households.services import record_view

TYPE_LABELS = dict(AssistanceType.choices)


def _district(request):
    district = region_selectors.districts_for(fetched_by=request.user, perm="review_filings").first()
    if district is None:
        raise PermissionDenied("只有区民政局审核人可以使用备案监督功能。")
    return district


def _status(request) -> int:
    return 400 if request.method == "POST" else 200


# --- the filing inbox --------------------------------------------------------------------


def inbox(request):
    if not (has_any(request.user, "review_filings") or has_any(request.user, "handle_cases")):
        raise PermissionDenied("您的岗位无权查看备案。")
    return render(request, "filing/inbox.html", {
        "batches": selectors.filing_batches(fetched_by=request.user),
        "counts": selectors.supervision_workload(fetched_by=request.user),
        "is_district": has_any(request.user, "review_filings"),
    })


def batch(request, pk):
    item = selectors.filing_batch_get(fetched_by=request.user, pk=pk)
    return render(request, "filing/batch.html",
                  {"batch": item, "cases": selectors.batch_cases(batch=item)})


# --- mandatory reviews -------------------------------------------------------------------


def reviews(request):
    if not has_any(request.user, "review_filings"):
        raise PermissionDenied("只有区民政局审核人可以办理备案审查。")
    status = request.GET.get("status", "pending")
    status = status if status in ("pending", "done", "all") else "pending"
    return render(request, "filing/reviews.html", {
        "cases": selectors.review_register(fetched_by=request.user,
                                           status="" if status == "all" else status)[:300],
        "status": status,
    })


def review(request, pk):
    application = selectors.review_case_get(fetched_by=request.user, pk=pk)
    record_view(household=application.household, by=request.user)
    done = getattr(application, "district_review", None)
    form = None if done else ReviewForm(request.POST or None)
    if form is not None and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.mandatory_review_record(
                application=application, by=request.user,
                visited_on=data["visited_on"], visitors=data["visitors"],
                findings=data["findings"], conclusion=data["conclusion"],
                problem=data["problem"], days=data["days"])
        except ServiceError as error:
            show_on(form, error)
        else:
            messages.success(request, f"已录入 {application.number} 的备案审查结论。")
            return redirect("filing:reviews")
    return render(request, "filing/review.html",
                  {"case": application, "form": form, "done": done}, status=_status(request))


# --- the register of cadres and relatives -------------------------------------------------


def register(request):
    district = _district(request)
    form = RegisterImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            outcome = services.cadre_register_import(district=district, content=upload.read(),
                                                     filename=upload.name,
                                                     by=request.user)
        except ServiceError as error:
            show_on(form, error)
        else:
            if outcome.register is not None:
                messages.success(request, f"已导入{outcome.register}，共{outcome.register.rows}人"
                                          f"（{outcome.result.file_format}）。此后受理和备案的"
                                          "申请将按新登记表比对。")
                return redirect("filing:register")
            result = outcome.result
    current = selectors.current_register(district=district)
    counts = selectors.register_counts(register=current)
    return render(request, "filing/register.html", {
        "district": district, "form": form, "result": result, "current": current,
        "counts": [(label, counts.get(code, 0)) for code, label in
                   current.records.model.Relation.choices] if current else [],
        "history": selectors.register_history(district=district), "spec": REGISTER_SPEC,
        "basis": REGISTER_BASIS,
    }, status=_status(request))


def register_template(request):
    _district(request)
    return template_response(REGISTER_SPEC, "template-cadre-register.csv")


# --- spot checks ---------------------------------------------------------------------------


def spot_checks(request):
    district = _district(request)
    form = DrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            check = services.spot_check_draw(district=district, period_from=data["period_from"],
                                             period_to=data["period_to"], by=request.user,
                                             note=data["note"])
        except ServiceError as error:
            show_on(form, error)
        else:
            drawn = sum(len(v) for v in check.sample.values())
            messages.success(request, f"已抽取{check.number}：共抽中{drawn}件。")
            return redirect("filing:spot_check", pk=check.pk)
    return render(request, "filing/spot_checks.html", {
        "district": district, "form": form,
        "checks": selectors.spot_checks(fetched_by=request.user),
    }, status=_status(request))


def spot_check(request, pk, item_pk=None):
    check = selectors.spot_check_get(fetched_by=request.user, pk=pk)
    open_form = None
    if request.method == "POST" and item_pk is not None:
        item = selectors.spot_check_item_get(check=check, pk=item_pk)
        form = CheckForm(request.POST, prefix=f"i{item.pk}")
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.spot_check_record(item=item, by=request.user,
                                           checked_on=data["checked_on"], method=data["method"],
                                           record=data["record"], finding=data["finding"],
                                           problem=data["problem"], days=data["days"])
            except ServiceError as error:
                show_on(form, error)
            else:
                messages.success(request, f"已录入 {item.application.number} 的抽查结果。")
                return redirect("filing:spot_check", pk=check.pk)
        open_form = (item.pk, form)
    items = selectors.spot_check_items(check=check)
    for item in items:
        if item.recorded_at is None:
            item.form = (open_form[1] if open_form and open_form[0] == item.pk
                         else CheckForm(prefix=f"i{item.pk}"))
    recomputed = services.spot_check_recompute(check)
    rows = [(kind, TYPE_LABELS.get(kind, kind), len(check.population[kind]),
             check.ratios.get(kind), len(check.sample.get(kind, [])))
            for kind in check.population]
    return render(request, "filing/spot_check.html", {
        "check": check, "items": items, "rows": rows, "reproducible": recomputed == check.sample,
        "open_item": open_form[0] if open_form else None,
    }, status=400 if open_form else 200)


def spot_check_population(request, pk):
    """The stored population, seed and ratios as CSV, for anyone recomputing the draw."""
    check = selectors.spot_check_get(fetched_by=request.user, pk=pk)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["随机种子", check.seed, "抽样方法", check.algorithm])
    writer.writerow(["救助类别", "抽查比例", "申请编号", "是否抽中"])
    for kind, numbers in check.population.items():
        chosen = set(check.sample.get(kind, []))
        for number in numbers:
            writer.writerow([kind, check.ratios.get(kind), number, "是" if number in chosen else ""])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{check.number}-population.csv"'
    return response


# --- rectifications ------------------------------------------------------------------------


def rectifications(request):
    if not has_any(request.user, "view_cases"):
        raise PermissionDenied("您的岗位无权查看整改。")
    status = request.GET.get("status", "open")
    status = status if status in ("open", "overdue", "all") else "open"
    return render(request, "filing/rectifications.html", {
        "items": selectors.rectifications(fetched_by=request.user, status=status),
        "counts": selectors.rectification_counts(fetched_by=request.user),
        "status": status, "today": timezone.localdate(),
        "is_district": has_any(request.user, "review_filings"),
    })


# --- monthly rosters -------------------------------------------------------------------------


def rosters(request):
    """The township prepares and submits its monthly roster; the district sees every
    township's submission for a month."""
    today = timezone.localdate()
    district = region_selectors.districts_for(fetched_by=request.user, perm="review_filings").first()
    month = pick_month(request.GET.get("month"), ahead=district is None)
    if district is not None:
        overview = selectors.roster_overview(district=district, month=month)
        for row in overview:
            row["types"] = ([(TYPE_LABELS.get(k, k), t) for k, t in row["roster"].totals.items()]
                            if row["roster"] else [])
        due = services.roster_due(district, month)
        return render(request, "filing/rosters_district.html", {
            "district": district, "month": month, "overview": overview, "due": due,
            "late": today > due, "months": recent_months(),
            "submitted": sum(1 for row in overview if row["roster"]),
            "total_amount": sum(row["roster"].amount for row in overview if row["roster"]),
        })
    townships = list(region_selectors.townships_for(fetched_by=request.user, perm="handle_cases"))
    if not townships:
        raise PermissionDenied("只有镇(街道)经办人和区民政局审核人可以查看月度名册。")
    township = next((t for t in townships if t.code == request.GET.get("township")), townships[0])
    form = RosterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            roster = services.roster_submit(township=township, month=month,
                                            by=request.user,
                                            note=form.cleaned_data["note"])
        except ServiceError as error:
            show_on(form, error)
        else:
            messages.success(request, f"已报送{roster}：{roster.households}户，"
                                      f"{roster.amount}元。")
            return redirect("filing:roster", pk=roster.pk)
    draft = services.roster_draft(township=township, month=month)
    history = selectors.rosters_of(township=township)
    submitted = next((r for r in history if r.month == month and r.current), None)
    due = services.roster_due(township, month)
    return render(request, "filing/rosters_township.html", {
        "township": township, "townships": townships, "month": month, "draft": draft,
        "lines": draft.lines[:500], "form": form, "history": history, "submitted": submitted,
        "due": due, "late": submitted is None and today > due,
        "due_source": rule_sources(township, due.replace(day=1))["roster_due_day"],
        "months": recent_months(ahead=True), "preview": month > today.replace(day=1),
        "type_labels": TYPE_LABELS,
    }, status=_status(request))


def roster(request, pk):
    item = selectors.roster_get(fetched_by=request.user, pk=pk)
    lines = selectors.roster_lines(roster=item)
    return render(request, "filing/roster.html", {
        "roster": item, "lines": lines[:1000], "line_count": item.households,
        "totals": [(TYPE_LABELS.get(k, k), v) for k, v in item.totals.items()],
    })


def _roster_rows(item):
    return [[line.community.name, TYPE_LABELS.get(line.assistance_type, line.assistance_type),
             line.name, line.household_size, line.amount]
            for line in selectors.roster_lines(roster=item).iterator(chunk_size=2000)]


def roster_xlsx(request, pk):
    item = selectors.roster_get(fetched_by=request.user, pk=pk)
    header = ["社区/村", "救助类别", "户主姓名", "家庭人数", "金额（元）"]
    totals = [[TYPE_LABELS.get(k, k), v["households"], v["people"], Decimal(v["amount"])]
              for k, v in item.totals.items()]
    content = exports.workbook([
        (f"{item.month:%Y-%m}名册", header, _roster_rows(item)),
        ("分类合计", ["救助类别", "户数", "人数", "金额（元）"],
         totals + [["合计", item.households, item.people, item.amount]]),
    ])
    return exports.download(content, f"roster-{item.township.code}-{item.month:%Y-%m}"
                                     f"-v{item.version}.xlsx")


def roster_pdf(request, pk):
    # deferred: a heavy library, loaded only when this runs
    from weasyprint import HTML

    item = selectors.roster_get(fetched_by=request.user, pk=pk)
    html = render_to_string("filing/roster_pdf.html", {
        "roster": item, "rows": _roster_rows(item),
        "totals": [(TYPE_LABELS.get(k, k), v) for k, v in item.totals.items()],
    }, request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    return exports.download(pdf, f"roster-{item.township.code}-{item.month:%Y-%m}.pdf",
                            "application/pdf")


# --- statistics ------------------------------------------------------------------------------


def _stats_region(request):
    regions = selectors.statistics_regions(fetched_by=request.user)
    if not regions:
        raise PermissionDenied("您的岗位无权查看统计。")
    code = request.GET.get("region")
    region = next((r for r in regions if r.code == code), regions[0]) if code else regions[0]
    if code and region.code != code:
        raise Http404
    return region, regions


def statistics(request):
    region, regions = _stats_region(request)
    months = list(reversed(recent_months()))
    data = selectors.statistics(region=region, months=months)
    labels = [f"{m:%y-%m}" for m in months]
    table = data["table"]
    flow = charts.grouped_bars(labels, [
        ("受理", [m["accepted"] for m in table]),
        ("确认", [m["confirmed"] for m in table]),
        ("不予确认", [m["rejected"] for m in table])], unit="件")
    money = charts.grouped_bars(labels, [
        (label, [float(m["types"].get(kind, {}).get("amount", 0)) for m in table])
        for kind, label in data["types"]], unit="元")
    return render(request, "filing/statistics.html", {
        "region": region, "regions": regions, "data": data, "flow": flow, "money": money,
        "can_refresh": has_any(request.user, "review_filings"),
    })


@require_POST
def statistics_refresh(request):
    """The district asks for a refresh now: queued for a worker (run at once in the demo)."""
    region, _ = _stats_region(request)
    district = region if region.parent_id is None else region.parent
    if not user_can(request.user, "review_filings", district):
        raise PermissionDenied("只有区民政局审核人可以立即更新统计。")
    try:
        refresh_statistics.delay(district.pk)
    except Exception:  # noqa: BLE001 - the periodic refresh runs anyway
        messages.error(request, "暂时无法提交更新，统计将在10分钟内自动更新。")
    else:
        messages.success(request, "已提交更新，稍后刷新本页即可看到最新统计。")
    return redirect(f"{reverse('filing:statistics')}?region={region.code}")


def statistics_xlsx(request):
    region, _ = _stats_region(request)
    months = list(reversed(recent_months()))
    data = selectors.statistics(region=region, months=months)
    header = ["月份", "受理", "确认", "不予确认", "平均办结工作日"]
    header += [f"{label}户数" for _, label in data["types"]]
    header += [f"{label}金额（元）" for _, label in data["types"]]
    rows = []
    for m in data["table"]:
        rows.append([f"{m['month']:%Y-%m}", m["accepted"], m["confirmed"], m["rejected"],
                     m["average_days"]]
                    + [m["types"].get(k, {}).get("beneficiaries", 0) for k, _ in data["types"]]
                    + [m["types"].get(k, {}).get("amount", 0) for k, _ in data["types"]])
    content = exports.workbook([(f"{region.name}统计", header, rows)])
    return exports.download(content, f"statistics-{region.code}.xlsx")

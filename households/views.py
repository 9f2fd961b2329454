"""Household pages. Thin: parse the form, call one service, render."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.roles import Level
from accounts.scope import has_any, user_can
from core.errors import ServiceError
from core.idnumber import mask, may_be_id_number
from core.paging import parse_id, parse_size
from core.search import recalled_search, remember_search
from households import selectors, services
from households.forms import (
    AssetForm,
    ExpenditureForm,
    HeadForm,
    HouseholdForm,
    IncomeForm,
    MakeHeadForm,
    MemberForm,
)
from households.models import Asset, Expenditure, Income, Member

# Declared records handled alike: kind in the URL → (model, form).
RECORD_KINDS = {
    "incomes": (Income, IncomeForm),
    "assets": (Asset, AssetForm),
    "expenditures": (Expenditure, ExpenditureForm),
}


def _household_for_change(request, pk):
    """The household if the user may see it (else 404) and change it (else 403)."""
    household = selectors.household_get(fetched_by=request.user, pk=pk)
    if not user_can(request.user, "change_households", household.region):
        raise PermissionDenied("您可以查看但不能修改该家庭档案。")
    return household


def _show_error(form, error: ServiceError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


def household_list(request):
    if not has_any(request.user, "view_households"):
        raise PermissionDenied("您的岗位无权查看家庭档案。")
    if request.method == "POST":
        # The search text may be an ID number: it goes in the session, never in the URL.
        params = {}
        if request.POST.get("region"):
            params["region"] = request.POST["region"]
        text = request.POST.get("q", "").strip()
        if text:
            params["s"] = remember_search(request, text)
        url = reverse("households:list")
        return redirect(f"{url}?{urlencode(params)}" if params else url)
    search = recalled_search(request)
    regions = selectors.filter_regions(fetched_by=request.user)
    region = None
    if request.GET.get("region"):
        region = regions.filter(code=request.GET["region"]).first()
    page = selectors.household_page(
        fetched_by=request.user, search=search, region=region,
        after=parse_id(request.GET.get("after")), before=parse_id(request.GET.get("before")),
        size=parse_size(request.GET.get("size")))
    # The pager keeps the filter (the search by its key only).
    keep = {k: request.GET[k] for k in ("region", "s", "size") if request.GET.get(k)}
    return render(request, "households/list.html", {
        "page": page, "keep": urlencode(keep), "regions": regions, "region": region,
        "search": search,
        # A name may be shown back; an ID number (or part of one) is not, only masked.
        "search_shown": mask(search) if may_be_id_number(search) else search,
        "search_is_number": may_be_id_number(search),
        "count": (selectors.household_count(fetched_by=request.user, region=region, search=search)
                  if region is not None and region.level == Level.COMMUNITY else None),
        "can_add": selectors.communities_for_change(fetched_by=request.user).exists(),
    })


def household_create(request):
    communities = selectors.communities_for_change(fetched_by=request.user)
    if not communities.exists():
        raise PermissionDenied("您的岗位不能登记家庭档案。登记由社区(村)协办员或镇(街道)经办人办理。")
    household_form = HouseholdForm(request.POST or None, communities=communities, prefix="hh")
    head_form = HeadForm(request.POST or None, prefix="head")
    if request.method == "POST" and household_form.is_valid() and head_form.is_valid():
        try:
            household = services.household_create(
                by=request.user, household=household_form.cleaned_data,
                head=head_form.cleaned_data)
        except ServiceError as error:
            _show_error(head_form if error.field in head_form.fields else household_form, error)
        else:
            messages.success(request, "家庭已登记。请继续添加其他成员和申报收入、财产。")
            return redirect("households:detail", pk=household.pk)
    return render(request, "households/create.html",
                  {"household_form": household_form, "head_form": head_form})


def household_detail(request, pk):
    household = selectors.household_get(fetched_by=request.user, pk=pk)
    services.record_view(household=household, by=request.user)
    members = list(household.members.all())
    for member in members:
        member.masked_id = mask(member.id_number)
    can_change = user_can(request.user, "change_households", household.region)
    return render(request, "households/detail.html", {
        "household": household,
        "members": members,
        "make_head_form": (MakeHeadForm(household=household)
                           if can_change and len(members) > 1 else None),
        "incomes": household.incomes.select_related("member", "category"),
        "assets": household.assets.select_related("member"),
        "expenditures": household.expenditures.select_related("member", "category"),
        "can_change": can_change,
        # Starting a case is the cases app's page; this one only links to it.
        "can_apply": any(user_can(request.user, perm, household.region)
                         for perm in ("handle_cases", "refer_cases")),
    })


def household_edit(request, pk):
    household = _household_for_change(request, pk)
    communities = selectors.communities_for_change(fetched_by=request.user)
    form = HouseholdForm(request.POST or None, instance=household, communities=communities)
    if request.method == "GET":
        services.record_view(household=household, by=request.user, detail="修改页：户信息")
    if request.method == "POST" and form.is_valid():
        try:
            services.household_update(household=household, by=request.user,
                                      data=form.cleaned_data)
        except ServiceError as error:
            _show_error(form, error)
        else:
            messages.success(request, "家庭信息已保存。")
            return redirect("households:detail", pk=household.pk)
    return render(request, "households/form.html",
                  {"form": form, "household": household, "title": "修改家庭信息"})


def household_delete(request, pk):
    household = _household_for_change(request, pk)
    if request.method == "POST":
        try:
            services.household_delete(household=household, by=request.user)
        except ServiceError as error:
            messages.error(request, error.message)
            return redirect("households:detail", pk=household.pk)
        messages.success(request, "家庭档案已删除。")
        return redirect("households:list")
    return render(request, "households/confirm_delete.html",
                  {"household": household, "title": "删除家庭档案",
                   "what": f"{household}（全部成员和申报信息）"})


def member_form(request, pk, member_pk=None):
    household = _household_for_change(request, pk)
    member = (selectors.household_child_get(household=household, model=Member, pk=member_pk)
              if member_pk else None)
    is_head = member is not None and member.relation == Member.Relation.HEAD  # before binding
    form = MemberForm(request.POST or None, instance=member)
    if is_head:
        form.fields["relation"].help_text = "如需更换户主，请回到家庭页面，在“更换户主”中操作。"
    if request.method == "GET" and member is not None:
        # The edit page shows the full ID number (DESIGN §7: such views are recorded).
        services.record_view(household=household, by=request.user,
                             detail=f"完整身份证号：成员 #{member.pk}")
    if request.method == "POST" and form.is_valid():
        try:
            if member is None:
                services.member_add(household=household, by=request.user,
                                    data=form.cleaned_data)
            else:
                services.member_update(member=member, by=request.user,
                                       data=form.cleaned_data)
        except ServiceError as error:
            _show_error(form, error)
        else:
            messages.success(request, "成员信息已保存。")
            return redirect("households:detail", pk=household.pk)
    title = "修改成员" if member else "添加成员"
    return render(request, "households/form.html",
                  {"form": form, "household": household, "title": title})


def member_delete(request, pk, member_pk):
    household = _household_for_change(request, pk)  # scope first: 404 outside, then 405
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    member = selectors.household_child_get(household=household, model=Member, pk=member_pk)
    try:
        services.member_remove(member=member, by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "成员已删除。")
    return redirect("households:detail", pk=household.pk)


def member_make_head(request, pk):
    household = _household_for_change(request, pk)  # scope first: 404 outside, then 405
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = MakeHeadForm(request.POST, household=household)
    if not form.is_valid():
        messages.error(request, "请选择新户主，并选择原户主与新户主的关系。")
        return redirect("households:detail", pk=household.pk)
    try:
        new_head = services.member_make_head(
            member=form.cleaned_data["member"], by=request.user,
            former_head_relation=form.cleaned_data["former_head_relation"])
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"户主已改为{new_head.name}。")
    return redirect("households:detail", pk=household.pk)


def record_add(request, pk, kind):
    if kind not in RECORD_KINDS:
        raise Http404
    model, form_class = RECORD_KINDS[kind]
    household = _household_for_change(request, pk)
    form = form_class(request.POST or None, household=household)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_add(household=household, by=request.user, model=model,
                                data=form.cleaned_data)
        except ServiceError as error:
            _show_error(form, error)
        else:
            messages.success(request, f"{model._meta.verbose_name}已添加。")
            return redirect("households:detail", pk=household.pk)
    return render(request, "households/form.html", {
        "form": form, "household": household, "title": f"添加{model._meta.verbose_name}"})


def record_delete(request, pk, kind, record_pk):
    if kind not in RECORD_KINDS:
        raise Http404
    model, _ = RECORD_KINDS[kind]
    household = _household_for_change(request, pk)  # scope first: 404 outside, then 405
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    record = selectors.household_child_get(household=household, model=model, pk=record_pk)
    services.record_remove(record=record, by=request.user)
    messages.success(request, f"{model._meta.verbose_name}已删除。")
    return redirect("households:detail", pk=household.pk)

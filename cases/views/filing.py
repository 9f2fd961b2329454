"""备案: the township files its confirmed cases with the district."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from accounts.scope import has_any
from cases import selectors, services
from cases.forms import FilingForm
from core.errors import ServiceError


def filing(request):
    if not has_any(request.user, "handle_cases"):
        raise PermissionDenied("只有镇(街道)经办人可以报送备案。")
    candidates = list(selectors.cases_ready_for_filing(fetched_by=request.user))
    form = FilingForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        chosen = selectors.filing_candidates_by_id(fetched_by=request.user,
                                                   ids=form.cleaned_data["cases"])
        try:
            batch = services.applications_file(applications=chosen, by=request.user)
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            names = "、".join(a["name"] for a in batch.approvers)
            messages.success(request, f"已报送备案批次 {batch.number}，共 {len(chosen)} 件，"
                                      f"审批人员：{names}。")
            return redirect("cases:filing")
    return render(request, "cases/filing.html", {"form": form, "candidates": candidates})

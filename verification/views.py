"""The district's verification pages: agency data imports and batch jobs."""


from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts import selectors as region_selectors
from core.errors import ServiceError, show_on
from core.tabular import template_response
from verification import jobs as batch_jobs
from verification import selectors, services
from verification.forms import ImportForm, JobForm
from verification.sources import SOURCES


def _district(request):
    district = region_selectors.districts_for(fetched_by=request.user, perm=selectors.PERM).first()
    if district is None:
        raise PermissionDenied("只有区民政局核对人员可以使用核对数据。")
    return district


def sources(request):
    district = _district(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            outcome = services.source_import(
                district=district, source=data["source"], content=data["file"].read(),
                filename=data["file"].name, data_date=data["data_date"],
                by=request.user)
        except ServiceError as error:
            show_on(form, error)
        else:
            if outcome.batch is not None:
                messages.success(request, f"已导入{outcome.batch}，共{outcome.batch.row_count}行"
                                          f"（{outcome.batch.file_format}）。")
                return redirect("verification:sources")
            result = outcome.result
    status = 400 if request.method == "POST" else 200
    return render(request, "verification/sources.html", {
        "district": district, "form": form, "result": result,
        "overview": selectors.source_overview(district=district),
        "history": selectors.import_history(district=district),
    }, status=status)


def template(request, source):
    _district(request)
    spec = SOURCES.get(source)
    if spec is None:
        raise Http404
    return template_response(spec, f"template-{source}.csv")


def jobs(request):
    townships = region_selectors.townships_for(fetched_by=request.user, perm=selectors.PERM)
    if not townships.exists():
        raise PermissionDenied("只有区民政局核对人员可以发起批量核对。")
    form = JobForm(request.POST or None, townships=townships)
    if request.method == "POST" and form.is_valid():
        try:
            job = batch_jobs.verification_job_start(township=form.cleaned_data["township"],
                                                  by=request.user)
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"已发起{job.township.name}的批量核对，共{job.total}户。")
            return redirect("verification:job", pk=job.pk)
    return render(request, "verification/jobs.html",
                  {"form": form, "jobs": selectors.jobs_for(fetched_by=request.user)},
                  status=400 if request.method == "POST" else 200)


def job(request, pk):
    found = selectors.job_get(fetched_by=request.user, pk=pk)
    return render(request, "verification/job.html", {
        "job": found, "chunks": found.chunks.exclude(status="done"),
        "warned": selectors.job_warnings(job=found),
    })


@require_POST
def job_resume(request, pk):
    found = selectors.job_get(fetched_by=request.user, pk=pk)
    try:
        count = batch_jobs.verification_job_resume(job=found, by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"已重新提交{count}个未完成的分块。")
    return redirect("verification:job", pk=found.pk)

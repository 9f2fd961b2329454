"""Public pages (no login): the notice boards of a community or township, the objection
form, the policy disclosure. They show only the notice snapshot (name, household size,
hardship category, proposed outcome) and the long-term roster (name, size, amount).
Staff page: the printable notice of a community."""

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import cache_control, cache_page, never_cache

from accounts.roles import Level
from accounts.scope import user_can
from core.errors import ServiceError, show_on
from core.throttle import client_network
from publicity import selectors, services

BOARD_SECONDS = 60


class ObjectionForm(forms.Form):
    content = forms.CharField(label="异议或举报内容", max_length=services.PUBLIC_CONTENT_LIMIT,
                              widget=forms.Textarea(attrs={"rows": 5}),
                              help_text="请写明您了解的情况，如收入、财产、就业或居住情况与公示不符之处。")
    contact = forms.CharField(label="联系方式（可不填）", max_length=services.PUBLIC_CONTACT_LIMIT,
                              required=False,
                              help_text="留下电话或地址，便于核查人员向您了解情况；不留也会核查处理。")


def public_url(request, name: str, *args) -> str:
    path = reverse(name, args=args)
    return f"{settings.PUBLIC_BASE_URL}{path}" if settings.PUBLIC_BASE_URL else \
        request.build_absolute_uri(path)


def township_of(region):
    return region if region.level == Level.TOWNSHIP else region.parent


@login_not_required
@cache_page(BOARD_SECONDS)
@cache_control(public=True, max_age=BOARD_SECONDS)
def board(request, code):
    if request.GET:  # one cached page per board: no query strings around the cache
        return redirect("public:board", code=code)
    region = selectors.public_region(code)
    today = timezone.localdate()
    return render(request, "public/board.html", {
        "region": region, "groups": selectors.public_board(region=region, today=today),
        "township": township_of(region), "today": today,
    })


MAX_PUBLIC_POST_BYTES = 16 * 1024


@login_not_required
@never_cache
def objection(request, pk):
    notice = selectors.public_notice(pk=pk)
    if notice.pk != pk:  # the opinion was publicised anew: the form follows it
        return redirect("public:objection", pk=notice.pk)
    form = ObjectionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_PUBLIC_POST_BYTES:
            return HttpResponse("提交的内容过长。", status=413, content_type="text/plain; charset=utf-8")
        try:
            services.throttle_public_post(client_network(request))
            if form.is_valid():
                received = services.objection_submit_public(
                    notice_id=notice.pk, content=form.cleaned_data["content"],
                    contact=form.cleaned_data["contact"])
                request.session["objection_receipt"] = received.pk
                return redirect("public:objection_done", code=notice.region.code)
        except services.TooMany as error:
            form.add_error(None, error.message)
            status = 429
        except ServiceError as error:
            show_on(form, error)
    return render(request, "public/objection.html", {"notice": notice, "form": form},
                  status=status)


@login_not_required
@never_cache
def objection_done(request, code):
    region = selectors.public_region(code)
    return render(request, "public/objection_done.html", {
        "region": region, "receipt": request.session.pop("objection_receipt", None)})


def notice_pdf(request, code):
    """The printable notice (A4) of a community, with a QR code to its public board."""
    # deferred: a heavy library, loaded only when this runs
    import segno

    # deferred: a heavy library, loaded only when this runs
    from weasyprint import HTML

    region = selectors.public_region(code)
    if not user_can(request.user, "handle_cases", region):
        raise PermissionDenied("只有该镇(街道)的经办人可以打印社区的公示。")
    if region.level != Level.COMMUNITY:
        # DB §19: the notice is posted where the applicant lives, one per community.
        raise PermissionDenied("公示张贴在申请人所在的社区(村)：请在公示栏中选择具体的社区(村)后打印，"
                               "每个社区(村)打印一张（审核确认办法第十九条）。")
    url = public_url(request, "public:board", region.code)
    qr = segno.make(url, error="m").svg_inline(scale=4, border=2)
    [group] = selectors.public_board(region=region)
    html = render_to_string("public/notice_pdf.html", {
        "region": region, "group": group, "url": url, "qr": qr,
        "today": timezone.localdate(), "contacts": selectors.policy_for(
            township=region.parent)["contacts"]}, request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="notice-{region.code}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response

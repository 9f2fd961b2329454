"""Demo cases in every stage for each demo street, made through cases.services.

Deterministic and idempotent: a street that already has cases is left alone. Where the
demo needs time to have passed (a notice that has run seven days, an overdue case), it
moves dates back on the rows it just made; that is history for the demo, nothing else.
"""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Region, RegionGrant
from accounts.roles import Level, Role
from cases import services
from cases.models import Application, CaseDocument, Material
from households.models import Household
from publicity.models import Notice

# What is published (DB §19): a general reason, never a diagnosis (DESIGN §7).
REASONS = [("illness", "户主长期患病治疗，无固定收入"), ("single_parent", "失业，独自抚养两个子女"),
           ("old_age", "老人独居，无赡养人"), ("disability", "家庭成员重度残疾，需要长期照料"),
           ("accident", "意外事故致主要劳动力丧失劳动能力"), ("illness", "医疗支出大，入不敷出")]


def _scan(title: str) -> SimpleUploadedFile:
    """A legible placeholder scan (PNG) for the demo's uploads."""
    # deferred: a heavy library, loaded only when this runs
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (620, 300), "white")
    draw = ImageDraw.Draw(image)
    try:
        font = ImageFont.truetype("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 28)
    except OSError:
        font = ImageFont.load_default()
    draw.rectangle((10, 10, 610, 290), outline="black", width=3)
    draw.text((40, 60), title, fill="black", font=font)
    draw.text((40, 180), "（演示材料）申请人签字：______", fill="black", font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile("scan.png", buffer.getvalue(), content_type="image/png")


def _staff(township: Region):
    grants = RegionGrant.objects.active().select_related("user")
    caseworkers = [g.user for g in grants.filter(region=township, role=Role.TOWNSHIP_CASEWORKER)
                   .order_by("user__username")]
    approver = grants.get(region=township, role=Role.TOWNSHIP_APPROVER).user
    district = grants.filter(region=township.parent, role=Role.DISTRICT_REVIEWER).first().user
    assistants = {g.region_id: g.user for g in grants.filter(role=Role.COMMUNITY_ASSISTANT,
                                                             region__parent=township)}
    return caseworkers[0], caseworkers[1], approver, district, assistants


def _days_passed(app: Application, days: int) -> None:
    past = timezone.localdate() - datetime.timedelta(days=days)
    Notice.objects.filter(application=app).update(opened_on=past,
                                                  earliest_close=past + datetime.timedelta(days=7))


def load() -> int:
    created = 0
    for township in Region.objects.filter(level=Level.TOWNSHIP, code__startswith="110115"):
        if Application.objects.filter(region__parent=township).exists():
            continue
        households = list(Household.objects.filter(region__parent=township).order_by("id")[:10])
        if len(households) == 10:
            _load_street(township, households)
            created += 10
    return created


def _load_street(township: Region, households: list[Household]) -> None:
    acceptor, reviewer, approver, district, assistants = _staff(township)
    reasons = iter(REASONS * 2)

    def accepted(household, kind="dibao"):
        hardship, reason = next(reasons)
        return services.application_accept_new(
            household=household, assistance_type=kind, hardship=hardship, reason=reason,
            by=acceptor,
            documents=[(CaseDocument.Kind.AUTHORIZATION, _scan("社会救助申请及核对授权书"))])

    def investigated(app, warning=False):
        services.application_record_home_investigation(
            application=app, by=acceptor,
            data={"visited_on": timezone.localdate(), "investigators": "王强、李娜",
                  "findings": "入户查看居住和生活情况，与申报一致。",
                  "signed_form": _scan("入户调查表")})
        services.application_record_verification(
            application=app, by=district,
            summary="未发现机动车、房产和工商登记，存款低于限额。" if not warning else "发现异常",
            has_warning=warning, warnings="名下登记小型汽车一辆" if warning else "")
        return services.application_finish_investigation(application=app,
                                                         by=acceptor)

    def proposed(app, amount=None):  # None: the calculated amount
        return services.application_propose(application=app, by=reviewer,
                                            approve=True, amount=amount, reasons="符合低保条件")

    h = households
    # 1–2: referred by the community assistant; one of them returned for materials.
    services.application_refer(household=h[0], assistance_type="tekun", hardship="old_age",
                               reason="老人独居，无赡养人",
                               by=assistants[h[0].region_id],
                               documents=[(CaseDocument.Kind.AUTHORIZATION,
                                           _scan("社会救助申请及核对授权书"))])
    returned = services.application_refer(household=h[1], assistance_type="dibao",
                                          hardship="unemployment", reason="下岗失业，无稳定收入",
                                          by=assistants[h[1].region_id])
    services.application_return(application=returned, by=acceptor,
                                missing=list(Material.objects.filter(assistance_type="dibao")[:1]),
                                note="请补交签字的授权书")
    # 3: accepted long ago and now overdue; 4: accepted with the home visit done.
    late = accepted(h[2])
    Application.objects.filter(pk=late.pk).update(
        accepted_on=timezone.localdate() - datetime.timedelta(days=45),
        investigation_due=timezone.localdate() - datetime.timedelta(days=40),
        decision_due=timezone.localdate() - datetime.timedelta(days=10))
    services.application_record_home_investigation(
        application=accepted(h[3]), by=acceptor,
        data={"visited_on": timezone.localdate(), "investigators": "王强、李娜",
              "findings": "户主卧床，配偶照料。", "signed_form": _scan("入户调查表")})
    # 5: waiting for review; 6: in publicity, its 7 days run; 7: a warning → hearing.
    investigated(accepted(h[4]))
    _days_passed(proposed(investigated(accepted(h[5]))), 8)
    in_hearing = proposed(investigated(accepted(h[6]), warning=True))
    _days_passed(in_hearing, 8)
    services.application_call_hearing(application=in_hearing, by=reviewer,
                                      reason="核对报告有预警")
    # 8: waiting for the approver; 9: confirmed, ready to file; 10: rejected.
    approving = proposed(investigated(accepted(h[7])))
    _days_passed(approving, 8)
    services.application_close_publicity(application=approving, by=reviewer,
                                         skip_reason="公示期满无异议，核对无预警")
    confirmed = proposed(investigated(accepted(h[8])))
    _days_passed(confirmed, 9)
    services.application_close_publicity(application=confirmed, by=reviewer,
                                         skip_reason="公示期满无异议，核对无预警")
    services.application_approve(application=confirmed, by=approver)
    rejected = services.application_propose(application=investigated(accepted(h[9])),
                                            by=reviewer, approve=False,
                                            reasons="家庭人均收入高于当地低保标准")
    services.application_reject(application=rejected, by=approver,
                                reasons="家庭人均收入高于当地低保标准")




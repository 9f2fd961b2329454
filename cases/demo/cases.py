"""Demo cases in every stage for each demo street, made through cases.services.

Deterministic and idempotent: a street that already has cases is left alone. Where the
demo needs time to have passed (a notice that has run seven days, an overdue case), each
step runs on its own earlier day (core.demo_clock), so that dates and audit rows agree.
"""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Region, RegionGrant
from accounts.roles import Level, Role
from cases import services
from cases.models import Application, CaseDocument, Material
from core.demo_clock import on
from households.models import Household, Member


# What is published (DB §19): a general reason, never a diagnosis (DESIGN §7).
def hardship_of(household: Household) -> tuple[str, str, str]:
    """(assistance type, hardship, published reason) that fit the household: 特困 only for
    a person living alone who is old or severely disabled."""
    members = list(household.members.all())
    head = next(m for m in members if m.relation == Member.Relation.HEAD)
    old = [m for m in members if m.birth_date.year <= 1960]
    disabled = [m for m in members if m.disability in (Member.Disability.GRADE_1,
                                                      Member.Disability.GRADE_2)]
    children = [m for m in members if m.relation == Member.Relation.CHILD]
    if len(members) == 1 and (old or disabled):
        if old:
            return "tekun", "old_age", "老人独居，无法定赡养人，无生活来源"
        return "tekun", "disability", "重度残疾独自生活，无法定扶养人，无生活来源"
    if disabled:
        return "dibao", "disability", "家庭成员重度残疾，需要长期照料"
    if head.health in (Member.Health.SERIOUS, Member.Health.CHRONIC):
        return "dibao", "illness", "户主长期患病治疗，无固定收入"
    if old and len(old) == len(members):
        return "dibao", "old_age", "老年夫妇均患慢性病，仅有少量养老金"
    if children and not any(m.relation == Member.Relation.SPOUSE for m in members):
        return "dibao", "single_parent", f"单亲独自抚养{len(children)}个子女，收入低"
    return "dibao", "unemployment", "家庭主要劳动力失业，无稳定收入"


def workday(day: datetime.date) -> datetime.date:
    """The Friday before a weekend day: the demo's office works Monday to Friday."""
    return day - datetime.timedelta(days=max(0, day.weekday() - 4))


def days_ago(days: int) -> datetime.date:
    return workday(timezone.localdate() - datetime.timedelta(days=days))


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


def decided_case(household: Household, staff, decided_on: datetime.date, *,
                 kind: str | None = None, amount=None) -> Application:
    """A case accepted, investigated, publicised and confirmed through the services, each
    step on its own working day before `decided_on` (the decision's day): accepted 24
    days before, the notice opened 16 days before and closed after its seven days."""
    acceptor, reviewer, approver, district = staff[:4]
    fitting, hardship, reason = hardship_of(household)
    kind = kind or fitting
    with on(workday(decided_on - datetime.timedelta(days=24))):
        app = services.application_accept_new(
            household=household, assistance_type=kind, hardship=hardship, reason=reason,
            by=acceptor,
            documents=[(CaseDocument.Kind.AUTHORIZATION, _scan("社会救助申请及核对授权书"))])
    with on(workday(decided_on - datetime.timedelta(days=21))):
        services.application_record_home_investigation(
            application=app, by=acceptor,
            data={"visited_on": timezone.localdate(), "investigators": "王强、李娜",
                  "findings": "入户查看居住和生活情况，与申报一致。",
                  "signed_form": _scan("入户调查表")})
        services.application_record_verification(
            application=app, by=district, summary="未发现机动车、房产和工商登记，存款低于限额。",
            has_warning=False, warnings="")
        services.application_finish_investigation(application=app, by=acceptor)
    with on(workday(decided_on - datetime.timedelta(days=16))):
        services.application_propose(application=app, by=reviewer, approve=True, amount=amount,
                                     reasons="符合救助条件" if amount is None else
                                     "符合救助条件；临时救助按本次困难情况一次性给予")
    with on(workday(decided_on - datetime.timedelta(days=6))):
        services.application_close_publicity(application=app, by=reviewer,
                                             skip_reason="公示期满无异议，核对无预警")
    with on(workday(decided_on)):
        return services.application_approve(application=app, by=approver)


def load() -> int:
    created = 0
    for township in Region.objects.filter(level=Level.TOWNSHIP, code__startswith="110115"):
        if Application.objects.filter(region__parent=township).exists():
            continue
        pool = list(Household.objects.filter(region__parent=township).order_by("id")
                    .prefetch_related("members"))
        # The street's last person living alone is kept for the 特困 benefit (benefits.py).
        lone = [h for h in pool if hardship_of(h)[0] == "tekun"][-1:]
        households = [h for h in pool if h not in lone][:10]
        if len(households) == 10:
            _load_street(township, households)
            created += 10
    return created


def _load_street(township: Region, households: list[Household]) -> None:
    """Ten cases in every stage, each step on its own day of the last few weeks."""
    acceptor, reviewer, approver, district, assistants = _staff(township)

    def accepted(household, days):
        kind, hardship, reason = hardship_of(household)
        with on(days_ago(days)):
            return services.application_accept_new(
                household=household, assistance_type=kind, hardship=hardship, reason=reason,
                by=acceptor,
                documents=[(CaseDocument.Kind.AUTHORIZATION, _scan("社会救助申请及核对授权书"))])

    def investigated(app, days, warning=False):
        with on(days_ago(days)):
            services.application_record_home_investigation(
                application=app, by=acceptor,
                data={"visited_on": timezone.localdate(), "investigators": "王强、李娜",
                      "findings": "入户查看居住和生活情况，与申报一致。",
                      "signed_form": _scan("入户调查表")})
            services.application_record_verification(
                application=app, by=district,
                summary="未发现机动车、房产和工商登记，存款低于限额。" if not warning else "发现异常",
                has_warning=warning, warnings="名下登记小型汽车一辆" if warning else "")
            return services.application_finish_investigation(application=app, by=acceptor)

    def proposed(app, days, amount=None):  # None: the calculated amount
        with on(days_ago(days)):
            return services.application_propose(application=app, by=reviewer, approve=True,
                                                amount=amount, reasons="符合低保条件")

    h = households
    # 1–2: referred by the community assistant today; one of them returned for materials.
    kind, hardship, reason = hardship_of(h[0])
    services.application_refer(household=h[0], assistance_type=kind, hardship=hardship,
                               reason=reason, by=assistants[h[0].region_id],
                               documents=[(CaseDocument.Kind.AUTHORIZATION,
                                           _scan("社会救助申请及核对授权书"))])
    kind, hardship, reason = hardship_of(h[1])
    returned = services.application_refer(household=h[1], assistance_type=kind,
                                          hardship=hardship, reason=reason,
                                          by=assistants[h[1].region_id])
    services.application_return(application=returned, by=acceptor,
                                missing=list(Material.objects.filter(assistance_type=kind)[:1]),
                                note="请补交签字的授权书")
    # 3: accepted long ago and now overdue; 4: accepted with the home visit done.
    accepted(h[2], 45)
    visited = accepted(h[3], 4)
    with on(days_ago(2)):
        services.application_record_home_investigation(
            application=visited, by=acceptor,
            data={"visited_on": timezone.localdate(), "investigators": "王强、李娜",
                  "findings": "入户查看居住和生活情况，与申报一致。",
                  "signed_form": _scan("入户调查表")})
    # 5: waiting for review; 6: in publicity, its 7 days run; 7: a warning → hearing.
    investigated(accepted(h[4], 10), 6)
    proposed(investigated(accepted(h[5], 20), 16), 8)
    in_hearing = proposed(investigated(accepted(h[6], 21), 17, warning=True), 9)
    with on(days_ago(1)):
        services.application_call_hearing(application=in_hearing, by=reviewer,
                                          reason="核对报告有预警")
    # 8: waiting for the approver; 9: confirmed two days ago, ready to file; 10: rejected.
    approving = proposed(investigated(accepted(h[7], 22), 18), 10)
    with on(days_ago(2)):
        services.application_close_publicity(application=approving, by=reviewer,
                                             skip_reason="公示期满无异议，核对无预警")
    decided_case(h[8], (acceptor, reviewer, approver, district), days_ago(2))
    rejected = investigated(accepted(h[9], 25), 20)
    with on(days_ago(12)):
        rejected = services.application_propose(application=rejected, by=reviewer,
                                                approve=False, reasons="家庭人均收入高于当地低保标准")
    with on(days_ago(10)):
        services.application_reject(application=rejected, by=approver,
                                    reasons="家庭人均收入高于当地低保标准")

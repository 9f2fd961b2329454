"""The conditions of DESIGN §4, one function each. A guard returns None when it holds,
or a message in Chinese that says what is missing. The transitions in cases.models use
them as django_fsm conditions (through Guard); cases.services shows the messages."""

import datetime
import functools

from django.apps import apps
from django.utils import timezone

from accounts.rules import rule_row, rule_value
from accounts.scope import user_can
from cases.models.choices import IN_PAYMENT, OPEN_STATES, DocumentKind, Proposal, State
from publicity import selectors as publicity
from verification import selectors as verification


class Guard:
    """A django_fsm condition (callable → bool) that can also say why it fails.

    A quiet guard hides the step instead of explaining it: there is nothing to do yet
    (no objection waiting to be checked), rather than a rule standing in the way."""

    def __init__(self, check, *, quiet: bool = False):
        self.check = check
        self.quiet = quiet
        functools.update_wrapper(self, check)

    def __call__(self, application) -> bool:
        return self.check(application) is None

    def explain(self, application) -> str | None:
        return self.check(application)


class RegionPermission:
    """A django_fsm transition permission: the user holds `perm` on the case's region."""

    def __init__(self, perm: str):
        self.perm = perm

    def __call__(self, application, user) -> bool:
        return user_can(user, self.perm, application.region)


def has_type_and_reason(app):
    if not app.assistance_type:
        return "请选择救助类别。"
    if not (app.reason or "").strip():
        return "请填写致困原因。"
    return None


def one_case_per_type(app):
    """One household, one case per type: none open, none in payment (DB §31: a change is
    handled by reviewing the benefit, not by a second application)."""
    if not app.household_id or not app.assistance_type:
        return None
    label = app.get_assistance_type_display()
    other = (app.household.applications.filter(assistance_type=app.assistance_type,
                                               state__in=OPEN_STATES)
             .exclude(pk=app.pk).values_list("number", flat=True).first())
    if other:
        return (f"该家庭已有{label}申请{other}正在办理，不能重复申请；"
                "如有新材料，请在该申请中补充。")
    paying = (app.household.benefits.filter(assistance_type=app.assistance_type,
                                            state__in=IN_PAYMENT)
              .values_list("application__number", flat=True).first())
    if paying:
        return (f"该家庭正在享受{label}（{paying}），不能重复申请；家庭情况变化的，"
                "请在“在保对象”中登记变化并复查，停保后才能重新申请。")
    return None


def has_authorization(app):
    # Rule 1 (DB §9; seed 001 §(七)): the signed 申请及核对授权书 is the one paper needed.
    if app.pk and app.documents.filter(kind=DocumentKind.AUTHORIZATION).exists():
        return None
    return ("缺少申请人签字（或按指印）的《社会救助申请及核对授权书》："
            "请打印后由申请人签字，拍照或扫描上传。")


def has_home_investigation(app):
    """A home visit recorded since the case last entered investigation: after a hearing
    sends it back for re-investigation, the old visit does not count."""
    entered = (app.events.filter(to_state=State.INVESTIGATING)
               .exclude(from_state=State.INVESTIGATING).order_by("-at").first())
    since = entered.at if entered is not None else None
    if verification.has_home_investigation(application_id=app.pk, since=since):
        return None
    if since is not None and verification.has_home_investigation(application_id=app.pk):
        return "评议决定重新调查：请重新入户调查，并录入新的入户调查记录。"
    return "尚无入户调查记录：请录入入户调查（至少2名调查人员）并上传签字的调查表。"


def has_verification_report(app):
    latest = verification.latest_verification(application_id=app.pk)
    if latest is not None and latest.status == latest.Status.COMPLETED:
        return None
    return "区级家庭经济状况核对报告尚未出具，请等待核对结果。"


def current_notice(app):
    return publicity.current_notice(application_id=app.pk)


def publicity_ran_minimum(app, today: datetime.date | None = None):
    notice = current_notice(app)
    if notice is None:
        return "该申请尚未公示，不能作出确认决定。"
    today = today or timezone.localdate()
    if notice.earliest_close > today:
        return (f"公示期未满：须公示{notice.min_days}个{notice.get_day_kind_display()}，"
                f"最早 {notice.earliest_close:%Y-%m-%d} 起可以结束公示并审批。")
    return None


def publicity_ran_minimum_if_publicised(app):
    """No decision at all, rejection included, before an open notice has run its days."""
    if current_notice(app) is None:
        return None
    return publicity_ran_minimum(app)


def has_open_objection(app):
    if publicity.objections_of(application_id=app.pk).filter(handled_at__isnull=True).exists():
        return None
    return "没有待核查的异议。"


def objections_handled(app):
    pending = publicity.objections_of(application_id=app.pk).filter(handled_at__isnull=True)
    count = pending.count()
    if count:
        return f"还有 {count} 条异议或举报尚未核查处理，请先录入核查结果。"
    return None


def unheard_objections(app):
    """Objections to any of the case's notices that no hearing has seen: those received
    after the day of its last hearing (all of them when none was held). A meeting's
    result is often typed in days later; what arrived after the meeting day was not
    before it (DB §19)."""
    objections = publicity.objections_of(application_id=app.pk)
    last = publicity.last_hearing(application_id=app.pk)
    if last is not None:
        objections = objections.filter(received_at__date__gt=last.held_on)
    return objections


def hearing_triggers(app) -> list[str]:
    """Rule 4: what makes the hearing mandatory for this case now."""
    triggers = []
    if unheard_objections(app).exists():
        triggers.append("公示期间有人提出异议或举报（《最低生活保障审核确认办法》第十九条）")
    latest = verification.latest_verification(application_id=app.pk)
    if latest is not None and latest.has_warning:
        triggers.append("家庭经济状况核对报告有预警")
    campaign = rule_row("campaign", app.region)
    if campaign is not None:
        triggers.append(f"本地区正在开展“{campaign.value}”")
    review_round = active_round(app.region)
    if review_round is not None:
        triggers.append(f"本镇(街道)正在开展“{review_round.name}”（至{review_round.due_on:%Y-%m-%d}）")
    return triggers


def active_round(region):
    """The district's review round (年审) running for the region's township, if any: a
    campaign period during which hearings are compulsory (DESIGN §4 rule 4)."""
    township = region.township() if region is not None else None
    if township is None:
        return None
    review_round = apps.get_model("cases", "ReviewRound")  # the models import this module
    return (review_round.objects.filter(township=township, due_on__gte=timezone.localdate())
            .order_by("-opened_at").first())


def no_hearing_trigger(app):
    triggers = hearing_triggers(app)
    if triggers:
        return "须组织民主评议：" + "；".join(triggers) + "。"
    return None


def objections_heard(app):
    if unheard_objections(app).exists():
        return ("审批前又收到异议或举报（公示持续到作出决定）：须由经办人组织民主评议，"
                "评议后再审批。")
    return None


def participants(app) -> dict[str, set]:
    """Who took part so far, for 受理、审核、审批三分离: the acceptor, and every reviewer
    (a case sent back and proposed again has had more than one). A benefit's review
    answers for its own people (review_participants)."""
    if app._meta.model_name == "review":
        return review_participants(app)
    proposers = set(app.events.filter(
        action__in=["propose_approval", "propose_rejection"]
    ).values_list("actor_id", flat=True)) if app.pk else set()
    return {"accepted_by": {app.accepted_by_id} - {None},
            "proposed_by": (proposers | {app.proposed_by_id}) - {None}}


def proposal_is_approval(app):
    if app.proposal != Proposal.APPROVE:
        return "审核意见为不同意，只能作出不予确认决定，或退回重新审核。"
    return None


def rectification_answered(app):
    open_item = app.rectifications.filter(closed_at__isnull=True).order_by("-id").first()
    if open_item is None or not open_item.answered_at:
        return "镇(街道)尚未答复整改情况，暂不能销号。"
    return None


def refusals(application, method, *, quiet: bool = True) -> list[str]:
    """The messages of every guard of `method` that fails for `application` now (without
    the quiet ones when `quiet=False`)."""
    transition = method._django_fsm.get_transition(application.state)
    if transition is None:
        return []
    return [message for condition in transition.conditions
            if isinstance(condition, Guard) and (quiet or not condition.quiet)
            and (message := condition.explain(application))]


def hidden(application, method) -> bool:
    """A quiet guard fails: the step has nothing to act on now."""
    transition = method._django_fsm.get_transition(application.state)
    return transition is not None and any(
        isinstance(c, Guard) and c.quiet and c.explain(application) for c in transition.conditions)


# --- benefits in force and their reviews (DB §31–34, SL §48) ------------------------


def _unused_views(benefit):
    return benefit.views.filter(used_by__isnull=True).order_by("-heard_on", "-id").first()


def views_heard(benefit):
    # SL §48, DB §32: hear the household before a cut or a stop.
    if benefit.pk and _unused_views(benefit) is not None:
        return None
    return ("减发或停发前须先听取家庭的陈述、申辩意见：请先在“听取意见”中记录由谁、何时、"
            "陈述了什么（或其拒绝陈述）。")


def views_heard_if_cut(benefit):
    amount = getattr(benefit, "_intent", {}).get("amount")
    if amount is None or amount >= benefit.monthly_amount:
        return None
    return views_heard(benefit)


def third_work_refusal(benefit):
    member = getattr(benefit, "_intent", {}).get("member")
    refusals = benefit.work_refusals.filter(member_id=member).count() if member else 0
    needed = rule_value("work_refusals_before_cut", benefit.region)
    if refusals >= needed:
        return None
    return (f"无正当理由拒绝接受介绍的工作累计{needed}次的，才能减发其本人部分"
            f"（审核确认办法第三十四条）；该成员目前登记{refusals}次。")


def review_has_calculation(review):
    if review.calculation:
        return None
    return "请先重新核对和测算，再作出核查结论。"


def review_participants(review) -> dict[str, set]:
    """Who proposed a review's adjustment, gradual exit or stop, this time and before a
    send-back: none of them may approve it (DESIGN §4 rule 5)."""
    proposers = set(review.events.filter(action="propose").values_list(
        "actor_id", flat=True)) if review.pk else set()
    return {"proposed_by": (proposers | {review.proposed_by_id}) - {None}}

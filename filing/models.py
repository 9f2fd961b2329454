"""备案与监督: what the district does with the cases its townships confirmed (DESIGN §4
rule 7, seed 001 §(四)(六) and reading notes 4–5, seed 003, DB §11 §20, TK §16).

Glossary: MandatoryReview 备案审查 (a cadre's or a relative's case, reviewed one by one
with a home visit), SpotCheck 抽查 (a reproducible random sample of the other filed
cases), SpotCheckItem 抽查核查记录, MonthlyRoster 月度救助对象名册 (what each township
submits every month), MonthStat 统计汇总 (stored aggregates behind the statistics page).

The filing batch and the rectification are parts of the case's own procedure and live
in cases (FilingBatch, Rectification); this app reads them and changes cases only
through cases.services.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from cases.models import AssistanceType


class MandatoryReview(models.Model):
    """备案审查: the district's one-by-one review of a mandatory-review filing, with the
    home visit DB §20 requires."""

    class Conclusion(models.TextChoices):
        CONFIRMED = "confirmed", "经入户核查，认定无误"
        PROBLEM = "problem", "发现问题，退回整改"

    application = models.OneToOneField("cases.Application", verbose_name="救助申请",
                                       on_delete=models.PROTECT, related_name="district_review")
    visited_on = models.DateField("入户核查日期")
    visitors = models.CharField("核查人员", max_length=100)
    findings = models.TextField("入户核查情况")
    conclusion = models.CharField("审查结论", max_length=10, choices=Conclusion.choices)
    rectification = models.ForeignKey("cases.Rectification", verbose_name="整改", null=True,
                                      blank=True, on_delete=models.PROTECT, related_name="+")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审查人",
                                    on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "备案审查"
        verbose_name_plural = "备案审查"
        ordering = ["-reviewed_at", "-id"]

    def __str__(self):
        return f"备案审查 {self.application_id}"


class SpotCheck(models.Model):
    """抽查: a random sample of the district's filed cases of a period, per assistance type
    at the region's ratio. Reproducible: the seed, the population and the ratios are
    stored, and the sample is the `n` case numbers with the smallest
    SHA-256("<seed>|<case number>") in each type (filing.sampling), which anyone can
    recompute with any tool."""

    number = models.CharField("抽查编号", max_length=30, unique=True)
    district = models.ForeignKey("accounts.Region", verbose_name="区/县", on_delete=models.PROTECT,
                                 related_name="spot_checks")
    period_from = models.DateField("备案日期自")
    period_to = models.DateField("备案日期至")
    seed = models.CharField("随机种子", max_length=64)
    algorithm = models.CharField("抽样方法", max_length=20, default="sha256-v1")
    # {type: [case numbers, sorted]}: every filed case that could have been drawn.
    population = models.JSONField("抽样总体", default=dict)
    ratios = models.JSONField("抽查比例", default=dict)  # {type: "0.3"}
    sample = models.JSONField("抽中申请", default=dict)  # {type: [case numbers, sorted]}
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="抽取人",
                                 on_delete=models.PROTECT, related_name="+")
    drawn_at = models.DateTimeField("抽取时间", auto_now_add=True)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "抽查"
        verbose_name_plural = "抽查"
        ordering = ["-drawn_at", "-id"]

    def __str__(self):
        return self.number


class SpotCheckItem(models.Model):
    """One sampled case: how it was checked and what was found."""

    class Method(models.TextChoices):
        HOME_VISIT = "home_visit", "入户核查"
        PHONE = "phone", "电话回访"
        FILE = "file", "档案复核"

    class Finding(models.TextChoices):
        NONE = "none", "未发现问题"
        PROBLEM = "problem", "发现问题，退回整改"

    spot_check = models.ForeignKey(SpotCheck, verbose_name="抽查", on_delete=models.PROTECT,
                                   related_name="items")
    application = models.ForeignKey("cases.Application", verbose_name="救助申请",
                                    on_delete=models.PROTECT, related_name="spot_check_items")
    checked_on = models.DateField("核查日期", null=True, blank=True)
    method = models.CharField("核查方式", max_length=20, choices=Method.choices, blank=True)
    record = models.TextField("核查情况", blank=True)
    finding = models.CharField("结论", max_length=10, choices=Finding.choices, blank=True)
    rectification = models.ForeignKey("cases.Rectification", verbose_name="整改", null=True,
                                      blank=True, on_delete=models.PROTECT, related_name="+")
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="核查人", null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("录入时间", null=True, blank=True)

    class Meta:
        verbose_name = "抽查核查记录"
        verbose_name_plural = "抽查核查记录"
        ordering = ["spot_check", "id"]
        constraints = [models.UniqueConstraint(fields=["spot_check", "application"],
                                               name="one_item_per_case_per_check")]

    def __str__(self):
        return f"{self.spot_check} {self.application_id}"


class MonthlyRoster(models.Model):
    """月度救助对象名册 (seed 003: 按月将享受城乡低保及小额临时救助对象名单、发放金额提交区民政局).

    A township may correct a submission: the new version becomes current and the old one
    stays for the record."""

    township = models.ForeignKey("accounts.Region", verbose_name="镇/街道",
                                 on_delete=models.PROTECT, related_name="rosters")
    month = models.DateField("月份")  # the first day of the month
    version = models.PositiveSmallIntegerField("版本", default=1)
    current = models.BooleanField("现行版本", default=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="报送人",
                                     on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField("报送时间", auto_now_add=True)
    households = models.PositiveIntegerField("户数", default=0)
    people = models.PositiveIntegerField("人数", default=0)
    amount = models.DecimalField("金额合计（元）", max_digits=14, decimal_places=2, default=0)
    # {type: {"households": n, "people": n, "amount": "1234.00"}}
    totals = models.JSONField("分类合计", default=dict)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "月度救助对象名册"
        verbose_name_plural = "月度救助对象名册"
        ordering = ["-month", "township", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["township", "month", "version"],
                                    name="roster_version"),
            models.UniqueConstraint(fields=["township", "month"], condition=Q(current=True),
                                    name="one_current_roster"),
        ]

    def __str__(self):
        return f"{self.township} {self.month:%Y年%m月}名册"


class RosterLine(models.Model):
    """One beneficiary household on a roster, as it stood when the roster was submitted."""

    roster = models.ForeignKey(MonthlyRoster, verbose_name="名册", on_delete=models.CASCADE,
                               related_name="lines")
    application = models.ForeignKey("cases.Application", verbose_name="救助申请",
                                    on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey("accounts.Region", verbose_name="社区/村",
                                  on_delete=models.PROTECT, related_name="+")
    assistance_type = models.CharField("救助类别", max_length=20, choices=AssistanceType.choices)
    name = models.CharField("户主姓名", max_length=50)
    household_size = models.PositiveSmallIntegerField("家庭人数")
    amount = models.DecimalField("金额（元）", max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = "名册明细"
        verbose_name_plural = "名册明细"
        ordering = ["roster", "assistance_type", "community", "id"]

    def __str__(self):
        return self.name


class MonthStat(models.Model):
    """统计汇总: per township, month and assistance type, refreshed from the cases by
    filing.services.statistics_refresh (a periodic task and a button), so the statistics
    page reads a few hundred rows instead of a million cases."""

    township = models.ForeignKey("accounts.Region", verbose_name="镇/街道",
                                 on_delete=models.CASCADE, related_name="+")
    month = models.DateField("月份")
    assistance_type = models.CharField("救助类别", max_length=20)
    accepted = models.PositiveIntegerField("受理", default=0)
    confirmed = models.PositiveIntegerField("确认", default=0)
    rejected = models.PositiveIntegerField("不予确认", default=0)
    workdays_sum = models.PositiveIntegerField("办结工作日合计", default=0)
    decided_with_days = models.PositiveIntegerField("计入平均的办结件数", default=0)
    beneficiaries = models.PositiveIntegerField("救助户数", default=0)
    people = models.PositiveIntegerField("救助人数", default=0)
    amount = models.DecimalField("救助金额（元）", max_digits=16, decimal_places=2, default=0)
    refreshed_at = models.DateTimeField("更新时间")

    class Meta:
        verbose_name = "统计汇总"
        verbose_name_plural = "统计汇总"
        constraints = [models.UniqueConstraint(fields=["township", "month", "assistance_type"],
                                               name="one_stat_per_month_type")]

    def __str__(self):
        return f"{self.township_id} {self.month} {self.assistance_type}"

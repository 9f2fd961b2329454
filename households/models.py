"""Households and what they declare (家庭、成员、收入、财产、刚性支出).

Glossary: Household 家庭/户, Member 家庭成员, Income 申报收入, Asset 财产,
Expenditure 刚性支出, IncomeCategory 收入类别 (DB §13: some are not counted).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

from accounts.roles import Level
from households.fields import IDNumberField


class Household(models.Model):
    class Residence(models.TextChoices):
        URBAN = "urban", "城市"
        RURAL = "rural", "农村"

    region = models.ForeignKey(
        "accounts.Region", verbose_name="所在社区/村", on_delete=models.PROTECT,
        related_name="households", limit_choices_to={"level": Level.COMMUNITY},
    )
    residence = models.CharField("城乡类别", max_length=10, choices=Residence.choices,
                                 default=Residence.URBAN)
    # Personal data: never on a public page (DESIGN §7).
    address = models.CharField("居住地址", max_length=200)
    phone = models.CharField("联系电话", max_length=20, blank=True, validators=[
        RegexValidator(r"^(?=.{7,20}$)\+?[0-9][0-9 -]*[0-9]$",
                       "联系电话应为7至20位，只能包含数字、空格和短横线，可以“+”开头，"
                       "如 13800138000 或 010-6928 1234。"),
    ])
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "家庭"
        verbose_name_plural = "家庭"
        indexes = [models.Index(fields=["region", "-id"], name="household_region_recent")]

    def __str__(self):
        head = self.head
        return f"{head.name}户" if head else f"家庭 {self.pk}"

    @property
    def head(self) -> "Member | None":
        # Uses the prefetched members when the selector prefetched them.
        return next((m for m in self.members.all() if m.relation == Member.Relation.HEAD), None)


class Member(models.Model):
    class Relation(models.TextChoices):
        HEAD = "head", "户主"
        SPOUSE = "spouse", "配偶"
        CHILD = "child", "子女"
        PARENT = "parent", "父母"
        SIBLING = "sibling", "兄弟姐妹"
        GRANDPARENT = "grandparent", "祖父母/外祖父母"
        GRANDCHILD = "grandchild", "孙子女/外孙子女"
        CHILD_IN_LAW = "child_in_law", "儿媳/女婿"
        OTHER = "other", "其他"

    class Sex(models.TextChoices):
        MALE = "M", "男"
        FEMALE = "F", "女"

    class Disability(models.TextChoices):
        NONE = "none", "无"
        GRADE_1 = "1", "一级"
        GRADE_2 = "2", "二级"
        GRADE_3 = "3", "三级"
        GRADE_4 = "4", "四级"

    class Health(models.TextChoices):
        HEALTHY = "healthy", "健康"
        CHRONIC = "chronic", "慢性病"
        SERIOUS = "serious", "重特大疾病"
        OTHER = "other", "其他"

    class SelfCare(models.TextChoices):
        # TK §21–23: six daily activities; 4 or more not managed = fully dependent.
        ABLE = "able", "生活自理"
        PARTIAL = "partial", "部分失能"
        FULL = "full", "完全失能"

    class Employment(models.TextChoices):
        EMPLOYED = "employed", "在业"
        FLEXIBLE = "flexible", "灵活就业"
        UNEMPLOYED = "unemployed", "失业/无业"
        RETIRED = "retired", "退休"
        STUDENT = "student", "在校学生"
        PRESCHOOL = "preschool", "学龄前儿童"
        UNABLE = "unable", "丧失劳动能力"

    class EmploymentGroup(models.TextChoices):
        # Seed 001 reading note 5: the employment-cost deduction applies to these only.
        NONE = "none", "无"
        NEW_GRADUATE = "new_graduate", "应届毕业生"
        RELEASED_PRISONER = "released_prisoner", "刑满释放人员"
        DISCHARGED_MILITARY = "discharged_military", "退役军人"

    class PublicRole(models.TextChoices):
        # Seed 001 §(六), reading note 4; DB §11: such households are filed for review.
        NONE = "none", "无"
        VILLAGE_CADRE = "village_cadre", "村(居)委会成员"
        OFFICIAL = "official", "党政机关工作人员"
        PUBLIC_INSTITUTION = "public_institution", "事业单位工作人员"

    household = models.ForeignKey(Household, verbose_name="家庭", on_delete=models.CASCADE,
                                  related_name="members")
    name = models.CharField("姓名", max_length=50)
    # One person belongs to one household in the whole system.
    id_number = IDNumberField(unique=True)
    sex = models.CharField("性别", max_length=1, choices=Sex.choices, editable=False)
    birth_date = models.DateField("出生日期", editable=False)
    relation = models.CharField("与户主关系", max_length=20, choices=Relation.choices)
    disability = models.CharField("残疾等级", max_length=10, choices=Disability.choices,
                                  default=Disability.NONE)
    health = models.CharField("健康状况", max_length=10, choices=Health.choices,
                              default=Health.HEALTHY)
    health_note = models.CharField("病情说明", max_length=200, blank=True)
    self_care = models.CharField("自理能力", max_length=10, choices=SelfCare.choices,
                                 default=SelfCare.ABLE)
    employment = models.CharField("就业状况", max_length=20, choices=Employment.choices,
                                  default=Employment.UNEMPLOYED)
    employment_group = models.CharField("就业类别", max_length=30,
                                        choices=EmploymentGroup.choices,
                                        default=EmploymentGroup.NONE)
    public_role = models.CharField("公职身份", max_length=30, choices=PublicRole.choices,
                                   default=PublicRole.NONE)

    class Meta:
        verbose_name = "家庭成员"
        verbose_name_plural = "家庭成员"
        ordering = ["household", "id"]
        constraints = [
            models.UniqueConstraint(fields=["household"], condition=Q(relation="head"),
                                    name="one_head_per_household",
                                    violation_error_message="该家庭已有户主。"),
        ]

    def __str__(self):
        return self.name


class IncomeCategory(models.Model):
    """收入类别. Whether a category counts is data: DB §13 lists the national exclusions
    and lets each city add its own."""

    code = models.CharField("代码", max_length=30, unique=True)
    name = models.CharField("名称", max_length=50)
    counted = models.BooleanField("计入家庭收入", default=True)
    source = models.CharField("依据", max_length=100, blank=True)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "收入类别"
        verbose_name_plural = "收入类别"
        ordering = ["order", "code"]

    def __str__(self):
        return self.name if self.counted else f"{self.name}（不计入）"


class Income(models.Model):
    household = models.ForeignKey(Household, verbose_name="家庭", on_delete=models.CASCADE,
                                  related_name="incomes")
    # PROTECT: removing a member must not silently drop what they declared.
    member = models.ForeignKey(Member, verbose_name="成员", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="incomes")
    category = models.ForeignKey(IncomeCategory, verbose_name="类别", on_delete=models.PROTECT)
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2,
                                 validators=[MinValueValidator(0)])
    months = models.PositiveSmallIntegerField("所属月数", default=12,
                                              validators=[MinValueValidator(1),
                                                          MaxValueValidator(12)],
                                              help_text="金额覆盖的月数，通常为申请前12个月。")
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "申报收入"
        verbose_name_plural = "申报收入"
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="income_amount_not_negative"),
            models.CheckConstraint(condition=Q(months__gte=1) & Q(months__lte=12),
                                   name="income_months_1_to_12"),
        ]

    def __str__(self):
        return f"{self.category} {self.amount}元/{self.months}个月"


class Asset(models.Model):
    class Kind(models.TextChoices):
        DEPOSIT = "deposit", "银行存款"
        SECURITIES = "securities", "有价证券"
        VEHICLE = "vehicle", "机动车辆"
        REAL_ESTATE = "real_estate", "房产"
        BUSINESS = "business", "工商登记/经营实体"
        OTHER = "other", "其他"

    household = models.ForeignKey(Household, verbose_name="家庭", on_delete=models.CASCADE,
                                  related_name="assets")
    # PROTECT: removing a member must not silently drop what they declared.
    member = models.ForeignKey(Member, verbose_name="成员", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="assets")
    kind = models.CharField("类别", max_length=20, choices=Kind.choices)
    description = models.CharField("说明", max_length=200, blank=True)
    value = models.DecimalField("价值（元）", max_digits=14, decimal_places=2,
                                validators=[MinValueValidator(0)])
    quantity = models.PositiveSmallIntegerField("数量", default=1)

    class Meta:
        verbose_name = "财产"
        verbose_name_plural = "财产"
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0), name="asset_value_not_negative"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.value}元"


class ExpenditureCategory(models.Model):
    """刚性支出类别 (seed 001 §(一), reading note 5). Caps and percentages per region
    and period belong to the benefit rules, not here."""

    code = models.CharField("代码", max_length=30, unique=True)
    name = models.CharField("名称", max_length=50)
    description = models.CharField("认定范围", max_length=300, blank=True)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "刚性支出类别"
        verbose_name_plural = "刚性支出类别"
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


# The local rules on rigid expenditures (seed 001 reading note 5(3)(4)): parts of a
# tuition or pension payment that are never deducted, and why; the entry form refuses
# them, the calculation lists them as 不扣减.
NOTE5_SCHOOLING = ("自费出国就读、留学的学费不在扣减范围内，只扣减国内全日制普通高校、高等职业学校、"
                   "高等专科学校和中等职业学校的学费（刚性支出扣减范围，依本地规定）")
NOTE5_PENSION = ("由政府补贴的部分或单位缴纳的部分不列入扣减范围，只扣减个人负担部分"
                 "（刚性支出扣减范围，依本地规定）")


class Expenditure(models.Model):
    class Schooling(models.TextChoices):
        DOMESTIC = "domestic", "国内全日制学校（普通高校、高职、高专、中职）"
        ABROAD = "abroad", "自费出国就读、留学"

    class PensionShare(models.TextChoices):
        PERSONAL = "personal", "个人缴费"
        EMPLOYER = "employer", "单位缴费"
        GOVERNMENT = "government", "政府补贴"

    household = models.ForeignKey(Household, verbose_name="家庭", on_delete=models.CASCADE,
                                  related_name="expenditures")
    # PROTECT: removing a member must not silently drop what they declared.
    member = models.ForeignKey(Member, verbose_name="成员", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="expenditures")
    category = models.ForeignKey(ExpenditureCategory, verbose_name="类别",
                                 on_delete=models.PROTECT)
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2,
                                 validators=[MinValueValidator(0)])
    incurred_on = models.DateField("发生日期")
    # Blank on rows entered before these were asked (the calculation asks to check them).
    schooling = models.CharField(
        "就读类型", max_length=20, choices=Schooling.choices, blank=True, default="",
        help_text="仅“非义务教育阶段学费”填写。自费出国就读、留学的学费不能扣减。")
    pension_share = models.CharField(
        "缴费部分", max_length=20, choices=PensionShare.choices, blank=True, default="",
        help_text="仅“个人缴纳的基本养老保险费”填写。单位缴费和政府补贴部分不能扣减，只登记个人缴费。")
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "刚性支出"
        verbose_name_plural = "刚性支出"
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0),
                                   name="expenditure_amount_not_negative"),
        ]

    def __str__(self):
        return f"{self.category} {self.amount}元"

    def clean(self):
        """Tuition and pension rows say which part they are; a part that is never
        deducted is refused here, where the caseworker enters it."""
        if self.category_id is None:
            return
        code = self.category.code
        if code != "education":
            self.schooling = ""
        if code != "pension":
            self.pension_share = ""
        if code == "education" and not self.schooling:
            raise ValidationError({"schooling": "请选择就读类型：只有国内全日制普通高校、高职、高专"
                                                "和中职的学费可以扣减。"})
        if code == "pension" and not self.pension_share:
            raise ValidationError({"pension_share": "请选择缴费部分：只有个人缴纳的养老保险费可以扣减。"})
        reason = not_deductible(code, self.schooling, self.pension_share)
        if reason and code == "education":
            raise ValidationError({"schooling": f"{reason}。请不要登记为刚性支出。"})
        if reason:
            raise ValidationError({"pension_share": f"{self.get_pension_share_display()}不能扣减："
                                                    f"{reason}。请只登记个人缴费的金额。"})


def not_deductible(category: str, schooling: str, pension_share: str) -> str:
    """Why a rigid expenditure of this category and part is never deducted, or ""."""
    if category == "education" and schooling == Expenditure.Schooling.ABROAD:
        return NOTE5_SCHOOLING
    if category == "pension" and pension_share in (Expenditure.PensionShare.EMPLOYER,
                                                   Expenditure.PensionShare.GOVERNMENT):
        return NOTE5_PENSION
    return ""


class HouseholdAccess(models.Model):
    """Who viewed or changed which household, and when (DESIGN §7). Append-only.

    `detail` names what changed (field names, member row ids), never the values.
    """

    class Action(models.TextChoices):
        VIEW = "view", "查看"
        CREATE = "create", "登记"
        UPDATE = "update", "修改"
        DELETE = "delete", "删除"

    household_id_ref = models.BigIntegerField("家庭编号", db_index=True)
    region = models.ForeignKey("accounts.Region", verbose_name="区划", on_delete=models.PROTECT,
                               related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="工作人员",
                             on_delete=models.PROTECT, related_name="+")
    action = models.CharField("操作", max_length=10, choices=Action.choices)
    detail = models.CharField("内容", max_length=200, blank=True)
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "家庭档案访问记录"
        verbose_name_plural = "家庭档案访问记录"
        ordering = ["-at"]

    def __str__(self):
        return f"{self.user_id} {self.get_action_display()} 家庭{self.household_id_ref}"


# The cadre register's models live apart (households.cadre_models); registered here.
from households.cadre_models import CadreRecord, CadreRegister  # noqa: E402, F401

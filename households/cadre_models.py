"""干部及近亲属备案登记表 (DB §11; seed 001 §(六)): the district's register of cadres and
their close relatives, kept with the households app (households.models imports these)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from households.fields import IDNumberField


class CadreRegister(models.Model):
    """干部及近亲属备案登记表: one version of a district's register, imported whole from
    the district's XLSX (filing.services.cadre_register_import). The newest version is
    the current one; older versions stay for the record.

    DB §11, seed 001 §(六) and its reading note 4: village/community committee members,
    party and government officials and public-institution employees, themselves and
    their direct relatives (village group leaders are not counted)."""

    district = models.ForeignKey("accounts.Region", verbose_name="区/县", on_delete=models.PROTECT,
                                 related_name="cadre_registers")
    version = models.PositiveIntegerField("版本")
    current = models.BooleanField("现行版本", default=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="导入人",
                                    on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)
    file_name = models.CharField("文件名", max_length=100, blank=True)
    rows = models.PositiveIntegerField("人数", default=0)

    class Meta:
        verbose_name = "干部及近亲属备案登记表"
        verbose_name_plural = "干部及近亲属备案登记表"
        ordering = ["district", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["district", "version"], name="cadre_register_version"),
            models.UniqueConstraint(fields=["district"], condition=Q(current=True),
                                    name="one_current_cadre_register"),
        ]

    def __str__(self):
        return f"{self.district} 第{self.version}版"


class CadreRecord(models.Model):
    """One person on the register: the registered cadre (relation 本人) or a relative."""

    class Relation(models.TextChoices):
        SELF = "self", "本人"
        SPOUSE = "spouse", "配偶"
        PARENT = "parent", "父母"
        CHILD = "child", "子女"
        GRANDPARENT = "grandparent", "祖父母、外祖父母"
        GRANDCHILD = "grandchild", "孙子女、外孙子女"

    class Category(models.TextChoices):
        COMMITTEE = "committee", "村(居)民委员会成员"
        TOWNSHIP = "township", "镇(街道)工作人员"
        OFFICIAL = "official", "党政机关工作人员"
        INSTITUTION = "institution", "事业单位工作人员"

    register = models.ForeignKey(CadreRegister, verbose_name="登记表", on_delete=models.CASCADE,
                                 related_name="records")
    id_number = IDNumberField(db_index=True)
    name = models.CharField("姓名", max_length=50)
    relation = models.CharField("与登记人员关系", max_length=20, choices=Relation.choices)
    cadre_id_number = IDNumberField(verbose_name="登记人员身份证号")
    cadre_name = models.CharField("登记人员姓名", max_length=50)
    category = models.CharField("身份类别", max_length=20, choices=Category.choices)
    post = models.CharField("工作单位及职务", max_length=100)

    class Meta:
        verbose_name = "备案登记人员"
        verbose_name_plural = "备案登记人员"
        ordering = ["register", "id"]

    def __str__(self):
        return self.name

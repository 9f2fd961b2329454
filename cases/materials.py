"""The default materials checklist per assistance type (what a one-time notification can
list). SL §62: nothing the economic-status check can obtain by itself."""

COMMON = [
    ("社会救助申请及核对授权书", "申请人及共同生活家庭成员签字或按指印（审核确认办法第九条）"),
    ("申请人身份证明", "居民身份证或户口簿，窗口核验后返还"),
]
BY_TYPE = {
    "dibao": [("家庭成员就业和收入情况说明", "本人书面声明即可，由核对系统比对")],
    "tekun": [("无劳动能力、无生活来源的情况说明", "残疾证、诊断证明等能证明的材料"),
              ("法定赡养、抚养、扶养义务人情况说明", "义务人无履行能力的说明")],
    "kunbu": [("困难情况说明", "")],
    "low_income": [("刚性支出票据", "申请前12个月内的医疗、康复、学费等票据")],
    "edu_freshman": [("录取通知书", "高等院校录取通知书复印件")],
    "heating": [("采暖费用凭证", "")],
    "temporary": [("突发事件或支出情况说明", "事故证明、医疗票据等")],
}
EXTRA = [("残疾人证", "申请残疾人康复支出扣减或残疾情形时提供"),
         ("重特大疾病诊断证明及医疗费用票据", "申请医疗支出扣减时提供")]


def seed_materials(Material) -> None:  # noqa: N803 - a model class
    """Create the default checklist; takes the model so a migration can pass its own."""
    for assistance_type, items in BY_TYPE.items():
        for order, (name, note) in enumerate([*COMMON, *items, *EXTRA]):
            Material.objects.get_or_create(assistance_type=assistance_type, name=name,
                                           defaults={"note": note, "order": order})

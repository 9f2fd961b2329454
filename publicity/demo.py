"""Demo policy page and supervision contacts for 大兴区 (seed 001 §(六)). The texts
follow the national rules; the telephone numbers other than 12345 are placeholders."""

from accounts.models import Region
from accounts.roles import Level
from publicity.models import PolicyPage, SupervisionContact

CONDITIONS = """共同生活的家庭成员人均收入低于当地最低生活保障标准，且家庭财产状况符合规定的，可以申请最低生活保障。
无劳动能力、无生活来源、无法定赡养抚养扶养义务人（或其无履行能力）的老年人、残疾人和未成年人，可以申请特困人员救助供养。
家庭人均收入低于低保标准1.5倍、财产符合规定的，可以申请低收入家庭救助；因病、因残等刚性支出过大导致基本生活困难的，可以申请支出型困难家庭救助。
遭遇突发事件、意外伤害、重大疾病等导致基本生活暂时出现严重困难的，可以申请临时救助。"""

HOW_TO_APPLY = """1. 申请：到户籍所在地或经常居住地的镇(街道)社会救助窗口提出申请，签署《社会救助申请及核对授权书》；行动不便的，可委托村(居)委会代为申请。
2. 受理：材料齐全的当场受理；材料不齐的，一次性告知需要补齐的全部材料。
3. 调查核实：受理后3个工作日内入户调查，同时由区民政局进行家庭经济状况核对。
4. 审核和公示：镇(街道)提出审核意见，在申请人所在村(社区)公示7天；有异议的，组织民主评议。
5. 审核确认：镇(街道)审批确认，自受理之日起一般不超过20个工作日；不予确认的，3个工作日内书面告知理由。
6. 备案：镇(街道)将确认情况报区民政局备案，区民政局进行抽查。"""

CONTACTS = [
    # level, name, phone, mailbox
    (SupervisionContact.Level.CITY, "北京市民服务热线", "12345", ""),
    (SupervisionContact.Level.COUNTY, "大兴区民政局社会救助监督电话（演示号码）", "010-0000 0001",
     "大兴区民政局社会救助科（演示地址）"),
]


def load() -> int:
    district = Region.objects.filter(code="110115").first()
    if district is None or PolicyPage.objects.filter(region=district).exists():
        return 0
    PolicyPage.objects.create(region=district, conditions=CONDITIONS, how_to_apply=HOW_TO_APPLY)
    for order, (level, name, phone, mailbox) in enumerate(CONTACTS):
        SupervisionContact.objects.create(region=district, level=level, name=name, phone=phone,
                                          mailbox=mailbox, order=order)
    for n, township in enumerate(Region.objects.filter(parent=district, level=Level.TOWNSHIP)
                                 .order_by("code"), start=2):
        SupervisionContact.objects.create(
            region=township, level=SupervisionContact.Level.TOWNSHIP,
            name=f"{township.name}社会救助窗口（演示号码）", phone=f"010-0000 00{n:02d}",
            mailbox=f"{township.name}社会救助意见箱")
    return 1

"""Demo data for one-door intake: the district's directory of departments and social
organisations, and a few registrations in 兴丰街道 (one overdue, one transferred with an
overdue slip, one referred and answered)."""


from django.utils import timezone

from accounts.models import Region, User
from cases.demo.cases import days_ago
from cases.models import Agency, Registration
from cases.services import intake
from core.demo_clock import on

DIRECTORY = [
    (Agency.Kind.DISTRICT_WINDOW, "大兴区社会救助综合服务窗口",
     "申请人难以确定承办部门的救助申请；跨镇街事项", "区政务服务中心 演示"),
    (Agency.Kind.DEPARTMENT, "区医疗保障局", "医疗救助", "演示：010-0000 0001"),
    (Agency.Kind.DEPARTMENT, "区人力资源和社会保障局", "就业救助、城乡居民基本医疗保险",
     "演示：010-0000 0002"),
    (Agency.Kind.DEPARTMENT, "区教育委员会", "教育救助（学前至高中阶段资助）", "演示：010-0000 0003"),
    (Agency.Kind.DEPARTMENT, "区住房和城乡建设委员会", "住房救助（公租房、租赁补贴）", "演示：010-0000 0004"),
    (Agency.Kind.DEPARTMENT, "区残疾人联合会", "重度残疾人生活补助、残疾人康复", "演示：010-0000 0005"),
    (Agency.Kind.ORGANISATION, "兴丰社会工作服务站", "心理疏导、照料护理、资源链接", "演示：010-0000 0006"),
    (Agency.Kind.ORGANISATION, "大兴区慈善协会", "慈善帮扶、临时生活物资", "演示：010-0000 0007"),
]


def load() -> int:
    district = Region.objects.filter(code="110115").first()
    if district is None or Agency.objects.filter(district=district).exists():
        return 0
    agencies = [Agency.objects.create(district=district, kind=kind, name=name, duties=duties,
                                      contact=contact) for kind, name, duties, contact in DIRECTORY]
    township = Region.objects.get(code="110115001")
    community = township.children.order_by("code").first()
    clerk = User.objects.get(username="xingfeng_caseworker")
    assistant = User.objects.filter(grants__region=community, grants__revoked_at__isnull=True).first()
    # Each on its own day (core.demo_clock): the deadlines follow from the rules.
    with on(days_ago(7)):  # 3 working days to dispose of it: overdue now
        intake.registration_create(
            region=community, by=clerk, channel=Registration.Channel.WINDOW,
            applicant_name="冯玉兰", category="medical", phone="13900000001",
            hardship="丈夫住院手术，自付部分较多，询问医疗救助。")
    with on(days_ago(16)):  # the department's 10 working days to answer have run
        moved = intake.registration_create(
            region=community, by=clerk, channel=Registration.Channel.WINDOW,
            applicant_name="何建军", category="housing", hardship="租住房屋到期，无力续租，询问公租房。")
        intake.registration_transfer(registration=moved, by=clerk,
                                     agency=agencies[4], request="申请公共租赁住房或租赁补贴")
    with on(days_ago(9)):
        lonely = intake.registration_create(
            region=community, by=clerk, channel=Registration.Channel.WINDOW,
            applicant_name="马秀珍", category="service", hardship="独居老人，子女在外地，情绪低落。")
        referral = intake.registration_refer(registration=lonely, by=clerk, agency=agencies[6],
                                             request="定期探访和心理疏导")
    with on(days_ago(2)):
        intake.handover_feedback(handover=referral, by=clerk, received_on=timezone.localdate(),
                                 feedback="社工已上门两次，安排每周电话关怀。")
    if assistant is not None:
        intake.registration_create(
            region=community, by=assistant, channel=Registration.Channel.COMMUNITY,
            applicant_name="刘长海", category="dibao",
            hardship="楼道走访发现：老两口均患慢性病，仅有一人有少量养老金。")
    return 4

"""The data sources of the economic-status check (seed 001 §(四) 政策解读3; DESIGN §5).

Each source is another agency's records about a person, keyed by ID number. Its
`SourceSpec` (core.tabular) says what a delivered file holds: the column headers an agency's file must
carry (the documented template, downloadable on the import page) and which generic
field of `SourceRecord` each column fills:

- `label`: what identifies the thing (plate, certificate, credit code, institution…);
- `status`: a state or kind (户籍状态, 登记状态, 险种, 资产类型);
- `amount`, `amount2`: money (yuan; yearly or monthly as the spec says).

`key` names the fields that make a row unique within one file: a second row with the
same key is a duplicate and the file is refused.
"""

from core.tabular import Column, SourceSpec

ID = Column("身份证号", "id_number", "id")
NAME = Column("姓名", "name")

SOURCES: dict[str, SourceSpec] = {spec.code: spec for spec in [
    SourceSpec("hukou", "户籍", "公安部门", (
        ID, NAME, Column("户籍状态", "status", "choice", choices=("正常", "死亡", "注销", "迁出")),
    ), key=("id_number",), note="户籍状态为死亡、注销或迁出的预警。"),
    SourceSpec("vehicle", "车辆", "公安交管部门", (
        ID, NAME, Column("号牌号码", "label"), Column("车辆类型", "status"),
        Column("评估价值", "amount", "decimal", required=False),
    ), key=("id_number", "label"), note="名下机动车超过允许数量的预警。"),
    SourceSpec("real_estate", "不动产", "自然资源（不动产登记）部门", (
        ID, NAME, Column("不动产权证号", "label"), Column("用途", "status", required=False),
        Column("建筑面积", "amount", "decimal", required=False),
    ), key=("id_number", "label"), note="家庭住房超过允许套数的预警。"),
    SourceSpec("business", "工商登记", "市场监管部门", (
        ID, NAME, Column("统一社会信用代码", "label"),
        Column("登记状态", "status", "choice", choices=("存续", "注销", "吊销")),
        Column("注册资本", "amount", "decimal", required=False),
    ), key=("id_number", "label"), note="有存续经营主体且本地不允许的预警。"),
    SourceSpec("tax", "税务", "税务部门", (
        ID, NAME, Column("所得项目", "status"), Column("年度收入", "amount", "decimal"),
    ), key=("id_number", "status"), note="年度收入高于申报超过容差的预警。"),
    SourceSpec("social_insurance", "社会保险", "人力资源社会保障部门", (
        ID, NAME, Column("项目", "status", "choice", choices=("缴费基数", "养老金", "失业金")),
        Column("月金额", "amount", "decimal"),
    ), key=("id_number", "status"), note="缴费基数或待遇折合年收入高于申报超过容差的预警。"),
    SourceSpec("housing_fund", "住房公积金", "住房公积金管理中心", (
        ID, NAME, Column("月缴存基数", "amount", "decimal"),
        Column("账户余额", "amount2", "decimal", required=False),
    ), key=("id_number",), note="缴存基数折合年收入高于申报超过容差的预警。"),
    SourceSpec("deposit", "银行存款和证券", "金融机构", (
        ID, NAME, Column("机构名称", "label"),
        Column("资产类型", "status", "choice", choices=("存款", "证券", "理财", "其他")),
        Column("余额", "amount", "decimal"),
    ), key=("id_number", "label", "status"),
        note="金融资产高于申报超过容差，或人均超过上限的预警。"),
]}

SOURCE_CHOICES = [(spec.code, spec.label) for spec in SOURCES.values()]

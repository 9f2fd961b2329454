"""The district's register of cadres and their direct relatives, as a file: the template
and the row checks (DB §11; seed 001 §(六) and its reading note 4).

Read with core.tabular (CSV in UTF-8 or GBK, or XLSX): errors name the row and
the column, never the value.
"""

from core.tabular import Column, ReadResult, SourceSpec, read_rows
from households.models import CadreRecord

RELATIONS = {label: code for code, label in CadreRecord.Relation.choices}
CATEGORIES = {label: code for code, label in CadreRecord.Category.choices}
# 村级备案只含村(居)民委员会成员，不含自然村组的小组长.
GROUP_LEADER_WORDS = ("村民小组长", "小组长", "村组长")
# The national rule the register serves, printed on its page (no other place's plan).
REGISTER_BASIS = ("审核确认办法第十一条：乡镇(街道)、村(居)民委员会工作人员及其近亲属申请的，"
                  "应当如实申明，并单独登记备案")

REGISTER_SPEC = SourceSpec(
    "cadre_register", "干部及近亲属备案登记表", "区民政局（组织、人社部门提供）", (
        Column("身份证号", "id_number", "id"),
        Column("姓名", "name"),
        Column("与登记人员关系", "relation", "choice", choices=tuple(RELATIONS)),
        Column("登记人员身份证号", "cadre_id_number", "id"),
        Column("登记人员姓名", "cadre_name"),
        Column("身份类别", "category", "choice", choices=tuple(CATEGORIES)),
        Column("工作单位及职务", "post"),
    ), key=("id_number", "cadre_id_number"),
    note="每名登记人员先登记“本人”一行，再逐行登记其配偶和直系亲属；村民小组长不登记。")


def read_register(content: bytes) -> ReadResult:
    """The clean rows (model field → value) or every faulty row."""
    result = read_rows(REGISTER_SPEC, content)
    if not result.rows:
        return result
    # The rows that read well are checked against each other too, so that one pass
    # lists every problem of the file.
    checked = ReadResult(file_format=result.file_format, errors=list(result.errors),
                         error_count=result.error_count)
    selves = {row["id_number"] for row in result.rows if row["relation"] == "本人"}
    for number, row in zip(result.numbers, result.rows, strict=True):
        problems = []
        if len(row["cadre_name"]) > 50:
            problems.append("登记人员姓名超过50个字")
        if row["relation"] == "本人" and row["id_number"] != row["cadre_id_number"]:
            problems.append("关系为“本人”时，身份证号应与登记人员身份证号相同")
        if row["relation"] != "本人" and row["cadre_id_number"] not in selves:
            problems.append("所属登记人员未在表中以“本人”登记")
        if any(word in row["post"] for word in GROUP_LEADER_WORDS):
            problems.append("村民小组长不属于备案审查范围（不是村(居)民委员会成员），请删除该行")
        if problems:
            checked.error(f"第{number}行：{'；'.join(problems)}。")
            continue
        checked.rows.append({**row, "relation": RELATIONS[row["relation"]],
                             "category": CATEGORIES[row["category"]]})
        checked.numbers.append(number)
    checked.sort_errors()
    return checked

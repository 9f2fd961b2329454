"""Importing the agencies' files: whole or not at all, with a row-level error list."""

import io

import pytest
from django.core.exceptions import PermissionDenied

from conftest import new_id_number
from verification import services
from verification.models import ImportBatch, SourceRecord

VEHICLE_HEADER = ["身份证号", "姓名", "号牌号码", "车辆类型", "评估价值"]


def nothing_stored():
    return not ImportBatch.objects.exists() and not SourceRecord.objects.exists()


def test_gbk_csv_is_read_and_becomes_version_one(importer):
    someone = new_id_number()
    outcome = importer("vehicle", [VEHICLE_HEADER, [someone, "张建国", "京A12345", "小型轿车", "52,000"]],
                       encoding="gbk")
    assert outcome.result.ok, outcome.result.errors
    batch = outcome.batch
    assert (batch.version, batch.row_count, batch.file_format) == (1, 1, "CSV（GBK）")
    record = batch.records.get()
    assert (record.id_number, record.name, record.label, record.status) == (
        someone, "张建国", "京A12345", "小型轿车")
    assert str(record.amount) == "52000.00"


def test_utf8_with_bom_and_a_second_file_is_the_next_version(importer, district, staff):
    rows = [VEHICLE_HEADER, [new_id_number().lower(), "李娜", "京B54321", "摩托车", ""]]
    assert importer("vehicle", rows).batch.version == 1
    content = ("\ufeff" + "\n".join(",".join(r) for r in rows)).encode("utf-8")
    second = services.source_import(district=district, source="vehicle", content=content,
                                    filename="v2.csv", data_date=None,
                                    by=staff["reviewer"])
    assert second.result.ok and second.batch.version == 2
    assert second.batch.file_format == "CSV（UTF-8）"
    # A lower-case x in the ID number is stored upper-case, as members' numbers are.
    assert all(r.id_number == r.id_number.upper() for r in SourceRecord.objects.all())


def test_wrong_header_is_refused_naming_the_columns(importer):
    outcome = importer("vehicle", [["身份证号", "姓名", "车牌", "车辆类型", "评估价值"],
                                   [new_id_number(), "张建国", "京A12345", "小型轿车", "1"]])
    assert outcome.batch is None
    [message] = outcome.result.errors
    assert "缺少列：号牌号码" in message and "无法识别的列：车牌" in message
    assert nothing_stored()


def test_a_bad_id_number_refuses_the_whole_file_without_echoing_the_number(importer):
    good, bad = new_id_number(), new_id_number()
    bad = bad[:17] + ("0" if bad[17] != "0" else "1")  # wrong check digit
    outcome = importer("vehicle", [VEHICLE_HEADER, [good, "张建国", "京A1", "小型轿车", "1"],
                                   [bad, "李娜", "京A2", "小型轿车", "1"]])
    assert outcome.batch is None
    [message] = outcome.result.errors
    assert message.startswith("第3行：身份证号无效") and "校验位" in message
    assert bad not in message and bad[:14] not in message
    assert nothing_stored()


def test_a_duplicate_row_is_refused(importer):
    someone = new_id_number()
    row = [someone, "张建国", "京A12345", "小型轿车", "1"]
    outcome = importer("vehicle", [VEHICLE_HEADER, row, list(row)])
    assert outcome.result.errors == ["第3行：与第2行重复（身份证号、号牌号码相同）。"]
    assert nothing_stored()


@pytest.mark.parametrize("rows, expected", [
    ([], "文件是空的"),
    ([VEHICLE_HEADER], "只有表头"),
    ([[""], [""]], "文件是空的"),
])
def test_an_empty_file_is_refused(importer, rows, expected):
    outcome = importer("vehicle", rows)
    assert expected in outcome.result.errors[0]
    assert nothing_stored()


def test_every_bad_row_is_listed_at_once(importer):
    outcome = importer("tax", [["身份证号", "姓名", "所得项目", "年度收入"],
                               [new_id_number(), "", "工资薪金", "abc"],
                               [new_id_number(), "李娜", "工资薪金", "-5"],
                               [new_id_number(), "王强", "工资薪金", "36000"]])
    assert outcome.result.errors == ["第2行：姓名为空；年度收入应为数字。",
                                     "第3行：年度收入应为不小于0的数字。"]
    assert nothing_stored()


def test_xlsx_is_read_and_a_number_formatted_id_is_explained(importer, district, staff):
    # deferred: a heavy library, loaded only when this runs
    from openpyxl import Workbook

    def workbook(id_cell):
        book = Workbook()
        sheet = book.active
        sheet.append(["身份证号", "姓名", "所得项目", "年度收入"])
        sheet.append([id_cell, "张建国", "工资薪金", 36000])
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()

    def run(content):
        return services.source_import(district=district, source="tax", content=content,
                                      filename="tax.xlsx", data_date=None,
                                      by=staff["reviewer"])

    broken = run(workbook(float(new_id_number()[:17])))
    assert "被 Excel 存成了数字" in broken.result.errors[0]
    assert nothing_stored()
    good = run(workbook(new_id_number()))
    assert good.result.ok and good.batch.file_format == "XLSX"
    assert str(good.batch.records.get().amount) == "36000.00"


def test_old_xls_is_refused_with_what_to_do(district, staff):
    outcome = services.source_import(district=district, source="tax",
                                     content=b"\xd0\xcf\x11\xe0" + b"\0" * 100, filename="a.xls",
                                     data_date=None, by=staff["reviewer"])
    assert "另存为 .xlsx 或 .csv" in outcome.result.errors[0]


def test_only_the_district_verification_staff_import(district, staff):
    with pytest.raises(PermissionDenied):
        services.source_import(district=district, source="tax", content=b"x", filename="a.csv",
                               data_date=None, by=staff["caseworker_a"])


def test_cells_longer_than_their_column_are_row_errors(importer):
    outcome = importer("tax", [["身份证号", "姓名", "所得项目", "年度收入"],
                               [new_id_number(), "张建国", "工" * 31, "1"]])
    assert outcome.result.errors == ["第2行：所得项目超过30个字。"]
    assert nothing_stored()


def test_a_file_without_its_header_does_not_repeat_the_data(importer):
    someone = new_id_number()
    outcome = importer("hukou", [[someone, "张建国", "正常"]])
    [message] = outcome.result.errors
    assert message.startswith("第1行不是“户籍”模板的表头")
    assert someone not in message and "张建国" not in message


def test_a_broken_csv_is_a_file_error_not_a_crash(district, staff):
    content = ("身份证号,姓名,户籍状态\n" + new_id_number() + ',"张' + "x" * 140_000 + "\n").encode()
    outcome = services.source_import(district=district, source="hukou", content=content,
                                     filename="a.csv", data_date=None,
                                     by=staff["reviewer"])
    assert "CSV 格式有误" in outcome.result.errors[0]
    assert nothing_stored()

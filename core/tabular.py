"""Reading an agency's file: CSV (UTF-8 or GBK) or XLSX, validated row by row.

`read_rows` never writes: it returns the clean rows or the full list of row errors.
verification.services.source_import stores a file only when it has no error at all,
so nothing from a refused file reaches the database. Error messages name the row and
the column, never the value: the values are ID numbers and other personal data.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.http import HttpResponse

from core.idnumber import may_be_id_number, normalize, validate_id_number


@dataclass(frozen=True)
class Column:
    header: str
    field: str  # id_number, name, label, status, amount, amount2
    kind: str = "text"  # id, text, decimal, choice
    required: bool = True
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class SourceSpec:
    code: str
    label: str
    agency: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    note: str = ""

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]


MAX_ERRORS_SHOWN = 200
MAX_ROWS = 300_000  # one agency file per district and month stays well below this
FIELD_LIMITS = {"name": 50, "label": 100, "status": 30}  # SourceRecord's columns
XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls


@dataclass
class ReadResult:
    rows: list[dict] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)  # each row's line in the file
    errors: list[str] = field(default_factory=list)
    error_count: int = 0
    file_format: str = ""

    def error(self, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_SHOWN:
            self.errors.append(message)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def sort_errors(self) -> None:
        """By row, after checks that ran in several passes (file-level messages first)."""
        self.errors.sort(key=lambda m: int(match.group(1)) if (match := ROW.match(m)) else 0)


ROW = re.compile(r"第(\d+)行")


def template_response(spec: SourceSpec, filename: str):
    """The spec's header row as a CSV (UTF-8 with BOM, so that Excel reads Chinese)."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow(spec.headers)
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def read_rows(spec: SourceSpec, content: bytes) -> ReadResult:
    result = ReadResult()
    if not content.strip():
        result.error("文件是空的，没有任何内容。")
        return result
    if content.startswith(OLE_MAGIC):
        result.error("不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 或 .csv 后再导入。")
        return result
    if content.startswith(XLSX_MAGIC):
        result.file_format = "XLSX"
        table = _xlsx_table(content, result)
    else:
        table = _csv_table(content, result)
    if table is None:
        return result
    _validate(spec, table, result)
    return result


def _csv_table(content: bytes, result: ReadResult):
    for encoding, label in (("utf-8-sig", "CSV（UTF-8）"), ("gb18030", "CSV（GBK）")):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        result.file_format = label
        table = []
        reader = csv.reader(io.StringIO(text))
        try:
            for number, row in enumerate(reader, 1):
                if number > MAX_ROWS + 1:
                    result.error(f"文件超过{MAX_ROWS}行，请按区域拆分后分别导入。")
                    return None
                table.append((number, row))
        except csv.Error:
            result.error(f"第{reader.line_num}行附近的 CSV 格式有误（常见原因：引号不成对），"
                         "请检查后重新导出。")
            return None
        return table
    result.error("无法识别文件编码，请以 UTF-8 或 GBK 编码的 CSV，或 .xlsx 格式导出。")
    return None


def _xlsx_table(content: bytes, result: ReadResult):
    # deferred: a heavy library, loaded only when this runs
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any damage to the file means the same to the user
        result.error("XLSX 文件已损坏或不是 Excel 文件，请重新导出。")
        return None
    table = []
    try:
        for number, row in enumerate(workbook.worksheets[0].iter_rows(values_only=True), 1):
            if number > MAX_ROWS + 1:
                result.error(f"文件超过{MAX_ROWS}行，请按区域拆分后分别导入。")
                return None
            table.append((number, list(row)))
    except Exception:  # noqa: BLE001 - a damaged sheet, whatever the library says
        result.error("XLSX 文件内容无法读取（可能已损坏），请重新导出。")
        return None
    finally:
        workbook.close()
    return table


def _is_blank(row) -> bool:
    return all(cell is None or str(cell).strip() == "" for cell in row)


def _validate(spec: SourceSpec, table, result: ReadResult) -> None:
    table = [(number, row) for number, row in table if not _is_blank(row)]
    if not table:
        result.error("文件是空的，只有空行。")
        return
    header_number, header = table[0]
    headers = [str(cell or "").strip().lstrip("\ufeff") for cell in header]
    while headers and headers[-1] == "":
        headers.pop()
    missing = [h for h in spec.headers if h not in headers]
    unknown = [h for h in headers if h not in spec.headers]
    if not set(headers) & set(spec.headers):
        # No known column at all: most likely a data row where the header should be.
        # Its cells are personal data, so they are not repeated here.
        result.error(f"第{header_number}行不是“{spec.label}”模板的表头：文件应以表头开始，"
                     f"列为：{'、'.join(spec.headers)}。")
        return
    if missing or unknown or len(set(headers)) != len(headers):
        parts = []
        if missing:
            parts.append(f"缺少列：{'、'.join(missing)}")
        if unknown:
            parts.append("无法识别的列：" + "、".join(
                "（空白列名）" if not h else "（疑似数据）" if may_be_id_number(h) else h[:20]
                for h in unknown))
        if len(set(headers)) != len(headers):
            parts.append("有重复的列名")
        result.error(f"第{header_number}行表头与“{spec.label}”模板不符：{'；'.join(parts)}。"
                     f"模板的列为：{'、'.join(spec.headers)}。")
        return
    positions = {h: headers.index(h) for h in spec.headers}
    if len(table) == 1:
        result.error("文件只有表头，没有数据行。")
        return
    seen: dict[tuple, int] = {}
    for number, row in table[1:]:
        record, problems = {}, []
        for column in spec.columns:
            index = positions[column.header]
            raw = row[index] if index < len(row) else None
            value, problem = _cell(column, raw)
            if problem:
                problems.append(f"{column.header}{problem}")
            record[column.field] = value
        extra = row[len(headers):]
        if not _is_blank(extra):
            problems.append("表头之外的列有内容")
        if problems:
            result.error(f"第{number}行：{'；'.join(problems)}。")
            continue
        key = tuple(record.get(name) for name in spec.key)
        if key in seen:
            result.error(f"第{number}行：与第{seen[key]}行重复（{'、'.join(_key_headers(spec))}相同）。")
            continue
        seen[key] = number
        result.rows.append(record)
        result.numbers.append(number)


def _key_headers(spec: SourceSpec) -> list[str]:
    return [c.header for c in spec.columns if c.field in spec.key]


def _cell(column: Column, raw):
    """(value, problem): problem is a phrase that follows the column name, or None."""
    if isinstance(raw, float) and column.kind == "id":
        return None, "被 Excel 存成了数字，末几位已丢失：请把该列设为文本格式后重新导出"
    text = "" if raw is None else (str(int(raw)) if isinstance(raw, float) and raw.is_integer()
                                   else str(raw)).strip()
    if not text:
        return (None, "为空") if column.required else (None if column.kind == "decimal" else "", None)
    if column.kind == "id":
        number = normalize(text)
        try:
            validate_id_number(number)
        except ValidationError as error:
            return None, "无效：" + error.messages[0].rstrip("。")
        return number, None
    if column.kind == "decimal":
        try:
            number = Decimal(text.replace(",", "").replace("，", ""))
        except InvalidOperation:
            return None, "应为数字"
        if not number.is_finite() or number < 0:
            return None, "应为不小于0的数字"
        if number >= Decimal("1e12"):
            return None, "数值过大"
        return number.quantize(Decimal("0.01")), None
    if column.kind == "choice" and text not in column.choices:
        return None, f"应为{'、'.join(column.choices)}之一"
    limit = FIELD_LIMITS.get(column.field, 100)
    if len(text) > limit:
        return None, f"超过{limit}个字"
    return text, None

"""The suite runs on the real parts bin/test starts: PostgreSQL and Redis."""

import subprocess

from django.core.cache import cache, caches
from django.db import connection


def test_the_database_is_postgresql(db):
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        assert int(cursor.fetchone()[0]) >= 150000


def test_the_cache_is_a_live_redis():
    assert type(caches["default"]).__name__ == "RedisCache"
    cache.set("infrastructure-probe", "在线", 5)
    assert cache.get("infrastructure-probe") == "在线"
    client = caches["default"]._cache.get_client()
    assert client.ping()


def test_the_health_check_reports_database_and_cache(client, db):
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_weasyprint_renders_chinese_with_the_system_cjk_font(tmp_path):
    """The PDF stack bin/test installs: WeasyPrint, Pango, a CJK font; read back by poppler."""
    # deferred: a heavy library, loaded only when this runs
    from weasyprint import HTML

    pdf = tmp_path / "notice.pdf"
    HTML(string='<html lang="zh-CN"><body style="font-family: \'Noto Sans CJK SC\'">'
                "<h1>社会救助审核确认</h1><p>大兴区兴丰街道</p></body></html>").write_pdf(pdf)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "社会救助审核确认" in text and "大兴区兴丰街道" in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                           check=True).stdout
    assert "CJK" in fonts

"""The suite runs on the real parts bin/test starts: PostgreSQL and Redis."""

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

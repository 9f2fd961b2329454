"""No Docker engine runs here, so the production description is checked by reading it."""

import re
from pathlib import Path

import yaml

import config

ROOT = Path(__file__).resolve().parent.parent


def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_runs_every_production_part_with_a_health_check():
    services = compose()["services"]
    assert set(services) == {"postgres", "redis", "web", "worker", "beat"}
    for name, service in services.items():
        assert service["healthcheck"]["test"], name


def test_app_containers_wait_for_healthy_database_and_redis():
    services = compose()["services"]
    for name in ("web", "worker", "beat"):
        depends = services[name]["depends_on"]
        assert depends == {"postgres": {"condition": "service_healthy"},
                           "redis": {"condition": "service_healthy"}}, name
        env = services[name]["environment"]
        assert env["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["REDIS_URL"].startswith("redis://redis:6379")


def test_uploaded_files_live_on_a_volume_where_the_settings_look():
    data = compose()
    assert "media" in data["volumes"]
    for name in ("web", "worker"):
        service = data["services"][name]
        assert "media:/app/var/media" in service["volumes"]
        assert service["environment"]["JIUZHU_MEDIA_ROOT"] == "/app/var/media"


def test_web_serves_with_gunicorn_and_workers_use_the_config_celery_app():
    services = compose()["services"]
    assert "gunicorn config.wsgi" in services["web"]["command"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "config", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "config", "beat"]

    assert config.celery_app.main == "jiuzhu"


def test_image_installs_the_hashed_lock_and_the_cjk_font():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "--require-hashes -r requirements.lock" in dockerfile
    assert "fonts-noto-cjk" in dockerfile
    assert re.search(r"^USER (?!root)", dockerfile, re.M), "the app must not run as root"


def test_every_setting_production_requires_is_provided():
    example = (ROOT / ".env.example").read_text()
    assert "DJANGO_SECRET_KEY=" in example and "POSTGRES_PASSWORD=" in example


def test_ci_runs_exactly_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    commands = [line for line in ci.splitlines() if line and not line.startswith("#")]
    assert commands == ['cd "$(dirname "$0")/.." && exec bin/test']
    assert "\n    bin/test\n" in readme and "\n    bin/run\n" in readme

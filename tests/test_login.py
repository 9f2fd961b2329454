"""Login is required on every page but the public ones; repeated failures pause sign-in."""

import pytest
from django.core.cache import cache
from django.urls import URLPattern, URLResolver, get_resolver, reverse

PUBLIC = {"login", "healthz", "public:board", "public:objection", "public:objection_done",
          "public_policy", "progress", "favicon"}


def named_routes(resolver=None, namespace=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # Django's admin has its own login; tested below
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from named_routes(entry, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry.pattern.converters


def url_for(name, converters):
    kwargs = {k: ("incomes" if k == "kind" else 1) for k in converters}
    return reverse(name, kwargs=kwargs)


def test_every_page_but_the_public_ones_needs_a_login(client, db):
    routes = list(named_routes())
    assert len(routes) > 10
    for name, converters in routes:
        if name in PUBLIC:
            continue
        url = url_for(name, converters)
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


def test_public_pages_answer_without_login(client, db):
    assert client.get(reverse("login")).status_code == 200
    favicon = client.get(reverse("favicon"))  # browsers ask for it on their own
    assert favicon.status_code == 301 and favicon["Location"].endswith("/favicon.ico")
    assert client.get(reverse("healthz")).json()["status"] == "ok"


def test_admin_needs_a_login_and_the_admin_role(client, staff):
    assert client.get("/admin/").status_code == 302
    client.force_login(staff["caseworker_a"])
    assert client.get("/admin/").status_code == 302
    client.force_login(staff["admin"])
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/regiongrant/").status_code == 200


def test_sign_in_with_a_demo_account_reaches_the_workbench(client, staff):
    response = client.post(reverse("login"), {"username": "caseworker_a",
                                              "password": "pw-for-tests-1"}, follow=True)
    page = response.content.decode()
    assert "工作台" in page and "兴丰街道" in page and "家庭档案" in page


def test_wrong_password_says_what_to_do_in_chinese(client, staff):
    page = client.post(reverse("login"), {"username": "caseworker_a", "password": "nope"}
                       ).content.decode()
    assert "用户名或密码不正确" in page


@pytest.mark.usefixtures("staff")
def test_repeated_failures_pause_the_account_at_that_address(client, settings):
    cache.clear()
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "caseworker_a", "password": "wrong"})
    page = client.post(reverse("login"), {"username": "caseworker_a",
                                          "password": "pw-for-tests-1"}).content.decode()
    assert "登录失败次数过多" in page
    assert "_auth_user_id" not in client.session
    cache.clear()


@pytest.mark.usefixtures("staff")
def test_a_forged_forwarded_address_does_not_lift_the_pause(client, settings):
    cache.clear()
    settings.TRUST_X_FORWARDED_FOR = False  # the default: no proxy of ours in front
    for n in range(settings.LOGIN_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "caseworker_a", "password": "wrong"},
                    HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    page = client.post(reverse("login"), {"username": "caseworker_a", "password": "pw-for-tests-1"},
                       HTTP_X_FORWARDED_FOR="198.51.100.7").content.decode()
    assert "登录失败次数过多" in page
    cache.clear()


@pytest.mark.usefixtures("staff")
def test_behind_our_proxy_the_forwarded_address_counts(client, settings):
    cache.clear()
    settings.TRUST_X_FORWARDED_FOR = True
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "caseworker_a", "password": "wrong"},
                    HTTP_X_FORWARDED_FOR="203.0.113.1")
    # Another office behind the same proxy is not paused by the first one's failures.
    response = client.post(reverse("login"), {"username": "caseworker_a",
                                              "password": "pw-for-tests-1"},
                           HTTP_X_FORWARDED_FOR="203.0.113.2")
    assert response.status_code == 302
    cache.clear()

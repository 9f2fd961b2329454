"""The public objection form: an objection reaches the caseworker and blocks the
decision; the form is limited per address (IPv6 per network) and per notice, follows a
replaced notice, and takes nothing once the notice is closed."""

import pytest
from django.urls import reverse

from cases import services
from cases.models import Application, State
from core.errors import ServiceError
from publicity import services as publicity_services
from publicity.models import Objection


def post_objection(client, notice, content="他家开了一家小卖部，收入没有申报。", ip="10.20.0.1",
                   contact=""):
    return client.post(reverse("public:objection", args=[notice.pk]),
                       {"content": content, "contact": contact}, REMOTE_ADDR=ip)


def test_a_public_objection_reaches_the_caseworker_and_blocks_the_decision(client, publicised,
                                                                          team, build):
    notice = publicised.notices.get()
    response = post_objection(client, notice, contact="")
    assert response.status_code == 302
    received = Objection.objects.get()
    assert (received.channel, received.entered_by, received.contact) == ("public_form", None, "")
    done = client.get(response["Location"]).content.decode()
    assert f"异议登记号：<strong>{received.pk}</strong>" in done

    client.force_login(team["acceptor"])
    queue = client.get(reverse("cases:queue") + "?objection=pending").content.decode()
    assert publicised.number in queue and "有待核查的异议" in queue
    home = client.get(reverse("home")).content.decode()
    assert "待核查异议" in home
    # Rule 6 and DB §19: it must be handled, and it makes the hearing compulsory.
    build.publicity_elapsed(publicised)
    with pytest.raises(ServiceError, match="尚未核查处理"):
        services.application_close_publicity(application=publicised, by=team["reviewer"],
                                             skip_reason="无")


def test_the_public_form_is_limited_per_address_and_in_size(client, publicised, settings):
    settings.PUBLIC_OBJECTION_LIMIT = 2
    notice = publicised.notices.get()
    assert post_objection(client, notice, ip="10.30.0.1").status_code == 302
    # An invalid post counts too: floods of empty or broken posts are limited as well.
    assert post_objection(client, notice, content="", ip="10.30.0.1").status_code == 400
    refused = post_objection(client, notice, ip="10.30.0.1")
    assert refused.status_code == 429 and "提交过于频繁" in refused.content.decode()
    assert post_objection(client, notice, ip="10.30.0.2").status_code == 302  # another address
    long = post_objection(client, notice, content="很" * 2001, ip="10.31.0.9")
    assert long.status_code == 400
    huge = post_objection(client, notice, content="很" * 9000, ip="10.31.0.10")
    assert huge.status_code == 413
    assert Objection.objects.count() == 2


def test_ipv6_clients_are_counted_per_network_and_forwarded_for_is_not_believed(client, publicised,
                                                                              settings):
    settings.PUBLIC_OBJECTION_LIMIT = 1
    notice = publicised.notices.get()
    assert post_objection(client, notice, ip="2001:db8:1:2::1").status_code == 302
    assert post_objection(client, notice, ip="2001:db8:1:2::ffff").status_code == 429
    url = reverse("public:objection", args=[notice.pk])
    spoofed = client.post(url, {"content": "再提一次"}, REMOTE_ADDR="10.50.0.1",
                          HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert spoofed.status_code == 302
    again = client.post(url, {"content": "又一次"}, REMOTE_ADDR="10.50.0.1",
                        HTTP_X_FORWARDED_FOR="203.0.113.8")
    assert again.status_code == 429  # a new X-Forwarded-For does not make a new client


def test_a_notice_takes_a_limited_number_of_public_objections_a_day(client, publicised, settings):
    settings.PUBLIC_OBJECTIONS_PER_NOTICE = 2
    notice = publicised.notices.get()
    for n in range(2):
        assert post_objection(client, notice, ip=f"10.60.0.{n}").status_code == 302
    refused = post_objection(client, notice, ip="10.60.0.9")
    assert refused.status_code == 429 and "已达上限" in refused.content.decode()


def test_the_form_of_a_replaced_notice_follows_the_new_one(client, publicised, team):
    old = publicised.notices.get()
    services.application_send_back  # noqa: B018 - the re-proposal path below replaces it
    app = publicised
    build_reviewer = team["reviewer"]

    Application.objects.filter(pk=app.pk).update(state=State.REVIEWING)
    app.refresh_from_db()
    services.application_propose(application=app, by=build_reviewer, approve=True,
                                 amount="1100", reasons="重新审核后调整")
    new = app.notices.get(status="open")
    assert new.pk != old.pk
    response = client.get(reverse("public:objection", args=[old.pk]))
    assert response.status_code == 302 and response["Location"].endswith(f"/notice/{new.pk}/objection/")


def test_a_closed_notice_takes_no_objection(client, publicised, team, build):
    notice = publicised.notices.get()
    build.publicity_elapsed(publicised)
    services.application_close_publicity(application=publicised, by=team["reviewer"],
                                         skip_reason="无异议")
    services.application_approve(application=publicised.__class__.objects.get(pk=publicised.pk),
                                 by=team["approver"])
    assert client.get(reverse("public:objection", args=[notice.pk])).status_code == 404
    with pytest.raises(ServiceError, match="公示已结束"):
        publicity_services.objection_submit_public(notice_id=notice.pk, content="x", contact="")

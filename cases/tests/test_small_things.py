"""The small things a real office meets: a case found by any part of its number, an action
URL opened directly, 申请人撤回 shown as a secondary action."""

import re

from django.urls import reverse

from cases import selectors


def numbers(page):
    return [case.number for case in page.rows]


def test_a_case_is_found_by_any_part_of_its_number(build, team):
    first, second = build.accepted(), build.accepted("tekun")
    tail = second.number.rsplit("-", 1)[1]  # "00002"
    assert tail.startswith("000")
    assert numbers(selectors.case_queue(fetched_by=team["acceptor"], search=tail)) == [second.number]
    middle = second.number.split("-", 1)[1]  # "2026-00002"
    assert numbers(selectors.case_queue(fetched_by=team["acceptor"], search=middle)) == [second.number]
    whole = numbers(selectors.case_queue(fetched_by=team["acceptor"], search=first.number))
    assert whole == [first.number]
    # Typed on a Chinese keyboard: full-width digits and dash.
    wide = "".join(chr(ord(c) + 0xFEE0) for c in middle)
    assert numbers(selectors.case_queue(fetched_by=team["acceptor"], search=wide)) == [second.number]
    # A name still searches names.
    head = first.household.members.get().name
    assert first.number in numbers(selectors.case_queue(fetched_by=team["acceptor"], search=head))


def test_the_queue_finds_the_tail_of_a_number_typed_in_its_search_box(client, build, team):
    app = build.accepted()
    client.force_login(team["acceptor"])
    response = client.post(reverse("cases:queue"), {"q": app.number[-5:]})
    html = client.get(response["Location"]).content.decode()
    assert app.number in html


def test_an_action_address_opened_directly_leads_to_the_case_page(client, build, team, staff):
    app = build.accepted()
    url = reverse("cases:act", args=[app.pk, "finish_investigation"])
    client.force_login(team["acceptor"])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[app.pk])
    assert client.get(reverse("cases:act", args=[app.pk, "no-such-step"])).status_code == 302
    assert client.put(url).status_code == 405
    client.force_login(staff["caseworker_b"])  # another street: still not found
    assert client.get(url).status_code == 404


def test_withdrawal_looks_secondary_beside_the_next_step(client, build, team):
    app = build.investigated(build.accepted())  # 待审核: 提出审核意见 is the next step
    client.force_login(team["reviewer"])
    html = client.get(reverse("cases:detail", args=[app.pk])).content.decode()
    propose = re.search(r'id="action-propose">\s*<summary class="button ([^"]*)"', html)
    withdraw = re.search(r'id="action-withdraw">\s*<summary class="button ([^"]*)"', html)
    assert propose and propose[1] == "primary"
    assert withdraw and withdraw[1] == "danger-outline"
    # The red is kept for the withdrawal's own confirming button.
    form = html[withdraw.end():].split("</details>", 1)[0]
    assert '<button type="submit" class="danger">提交</button>' in form

"""Every public page and printed notice of the demo data, searched for the personal data
that must never be published (DESIGN §7; DB §19): ID numbers, phone numbers, addresses,
diagnoses, bank details, and the caseworkers' internal notes."""

import subprocess

from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Region, User
from accounts.roles import Level
from cases.models import Application
from households.models import Asset, Household, Member
from publicity.models import LongTermEntry, Notice
from verification.models import SourceRecord


def public_texts(client) -> list[str]:
    texts = []
    for region in Region.objects.filter(level__in=[Level.TOWNSHIP, Level.COMMUNITY]):
        for url in (reverse("public:board", args=[region.code]),
                    reverse("public_policy", args=[region.code])):
            response = client.get(url)
            assert response.status_code == 200, url
            texts.append(response.content.decode())
    for notice in Notice.objects.filter(status=Notice.Status.OPEN):
        texts.append(client.get(reverse("public:objection", args=[notice.pk])).content.decode())
    return texts


def printed_texts(client, tmp_path) -> list[str]:
    texts = []
    for community in Region.objects.filter(level=Level.COMMUNITY).select_related("parent"):
        prefix = User.objects.filter(grants__region=community.parent,
                                     username__endswith="_caseworker").get().username
        client.force_login(User.objects.get(username=prefix))
        response = client.get(reverse("public:print", args=[community.code]))
        assert response.status_code == 200
        pdf = tmp_path / f"{community.code}.pdf"
        pdf.write_bytes(response.content)
        texts.append(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                    check=True).stdout)
    client.logout()
    return texts


def test_no_personal_data_on_any_public_page_or_printed_notice(client, db, tmp_path):
    call_command("load_demo")
    cache.clear()
    texts = public_texts(client) + printed_texts(client, tmp_path)
    everything = "\n".join(texts)
    # The pages do publish what they should: the open notices and the long-term roster.
    published = list(Notice.objects.filter(status=Notice.Status.OPEN).values_list("name", flat=True))
    roster = list(LongTermEntry.objects.filter(closed_on__isnull=True).values_list("name", flat=True))
    assert published and roster
    assert all(name in everything for name in published + roster)

    secrets = set()
    for member in Member.objects.all():
        secrets.add(member.id_number)
        secrets.add(member.id_number[:14])  # birth date and region: masked numbers keep less
        if member.health_note:
            secrets.add(member.health_note)
    for household in Household.objects.all():
        secrets.add(household.address)
        if household.phone:
            secrets.add(household.phone)
    secrets.update(a.description for a in Asset.objects.exclude(description=""))
    secrets.update(SourceRecord.objects.filter(batch__source="deposit").values_list("label", flat=True))
    secrets.update(Application.objects.values_list("reason", flat=True))  # internal notes
    secrets.discard("")
    leaked = sorted(s for s in secrets if s in everything)
    assert not leaked, f"{len(leaked)} private values appear on public pages"

"""Builders that move a case forward through the real services, step by step, and the
small helpers the case tests share. Plain code: the fixtures that use it are in conftest.py."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases import services
from cases.models import IN_PAYMENT, OPEN_STATES, CaseDocument, CaseEvent
from publicity.models import Notice


def _png() -> bytes:
    # deferred: a heavy library, loaded only when this runs
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (240, 240, 240)).save(buffer, format="PNG")
    return buffer.getvalue()


PNG = _png()  # a real image: uploads are decoded whole (core.files)


def photo(name="authorization.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def xlsx(rows) -> bytes:
    """A workbook of these rows, as the import pages take it."""
    # deferred: a heavy library, loaded only when this runs
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def cn(number: int, width: int = 0) -> str:
    """A number in Chinese digits (24 → 二四), for test names: a name has no Arabic digits."""
    return "".join("零一二三四五六七八九"[int(d)] for d in str(number).zfill(width))


class CaseBuilder:
    """Cases through the real services. One household has one case per type (DB §31), so
    a further case of a type the household already has goes to another household of the
    same community when the builder knows how to make one."""

    def __init__(self, team, household, make_household=None):
        self.team, self.household, self.make_household = team, household, make_household
        self.made = 0

    def household_for(self, assistance_type):
        household = self.household
        taken = (household.applications.filter(assistance_type=assistance_type,
                                                state__in=OPEN_STATES).exists()
                 or household.benefits.filter(assistance_type=assistance_type,
                                              state__in=IN_PAYMENT).exists())
        if not taken or self.make_household is None:
            return household
        self.made += 1
        return self.make_household(household.region, head_name=f"{household.head.name}{cn(self.made)}")

    def accepted(self, assistance_type="dibao", reason="因病致贫，长期透析"):
        return services.application_accept_new(
            household=self.household_for(assistance_type), assistance_type=assistance_type,
            reason=reason,
            by=self.team["acceptor"],
            documents=[(CaseDocument.Kind.AUTHORIZATION, photo())])

    def investigated(self, app, *, warning=False):
        services.application_record_home_investigation(
            application=app, by=self.team["acceptor"],
            data={"visited_on": timezone.localdate(), "investigators": "王强、李娜",
                  "findings": "两室一厅租住，户主长期透析，无固定收入。",
                  "signed_form": photo("form.png")})
        services.application_record_verification(
            application=app, by=self.team["district"], summary="未发现车辆、房产和工商登记。",
            has_warning=warning, warnings="名下登记小型汽车一辆" if warning else "")
        return services.application_finish_investigation(application=app,
                                                         by=self.team["acceptor"])

    def proposed(self, app, amount="1200.00"):
        return services.application_propose(application=app, by=self.team["reviewer"],
                                            approve=True, amount=amount, reasons="符合条件")

    @staticmethod
    def publicity_elapsed(app):
        """Seven days pass: the notice has run its minimum."""
        Notice.objects.filter(application=app).update(
            opened_on=timezone.localdate() - datetime.timedelta(days=8),
            earliest_close=timezone.localdate() - datetime.timedelta(days=1))

    def approving(self, **kwargs):
        app = self.proposed(self.investigated(self.accepted(**kwargs)))
        self.publicity_elapsed(app)
        return services.application_close_publicity(
            application=app, by=self.team["reviewer"],
            skip_reason="公示期间无异议，核对无预警，无须评议")

    def confirmed(self, **kwargs):
        return services.application_approve(application=self.approving(**kwargs),
                                            by=self.team["approver"])


def events(app):
    """(action, from_state, to_state) of every audit row of the case, in order."""
    return list(CaseEvent.objects.filter(application=app).values_list("action", "from_state",
                                                                      "to_state"))

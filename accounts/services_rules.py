"""设置新值: a rule's new value for a region from a month on, as the rules page enters it.
Both rows it touches go through accounts.services.rule_save, so each is audited with the
reason, in one transaction."""

import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q

from accounts.models import Region, Rule, User
from accounts.services import rule_save


@transaction.atomic
def rule_set_from(*, key: str, region: Region, value: Any, valid_from: datetime.date,
                  source: str, by: User, reason: str) -> Rule:
    """`value` for `region` from `valid_from` on.

    The region's row in force that day ends the day before (valid_to is exclusive); the
    new row runs as long as the old one would have, or until a later row of the region
    begins. A row that already begins that day is corrected instead of doubled.
    """
    rows = Rule.objects.select_for_update().filter(key=key, region=region)
    same = rows.filter(valid_from=valid_from).first()
    if same is not None:
        same.value, same.source = value, source
        return rule_save(rule=same, by=by, reason=reason)
    current = (rows.filter(valid_from__lt=valid_from)
               .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=valid_from))
               .order_by("-valid_from").first())
    later = rows.filter(valid_from__gt=valid_from).order_by("valid_from").first()
    ends = [day for day in (current and current.valid_to, later and later.valid_from) if day]
    if current is not None:
        current.valid_to = valid_from
        rule_save(rule=current, by=by, reason=reason)
    return rule_save(rule=Rule(key=key, region=region, value=value, valid_from=valid_from,
                               valid_to=min(ends) if ends else None, source=source),
                     by=by, reason=reason)

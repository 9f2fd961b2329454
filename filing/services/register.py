"""The register of cadres and their relatives (DB §11; seed 001 reading note 4)."""

import logging
from dataclasses import dataclass

from django.db import models, transaction

from accounts.models import Region, User
from core.tabular import ReadResult
from filing.cadre_register import read_register
from filing.services.common import _require_district
from households.models import CadreRecord, CadreRegister

logger = logging.getLogger(__name__)


@dataclass
class RegisterOutcome:
    register: CadreRegister | None
    result: ReadResult


def cadre_register_import(*, district: Region, content: bytes, filename: str,
                          by: User) -> RegisterOutcome:
    """Replace the district's register with a new version, whole or not at all: a file
    with any faulty row is refused with the list of rows to fix (never their values)."""
    _require_district(by, district)
    result = read_register(content)
    if not result.ok:
        return RegisterOutcome(None, result)
    with transaction.atomic():
        Region.objects.select_for_update().get(pk=district.pk)  # one version at a time
        last = (CadreRegister.objects.filter(district=district)
                .aggregate(models.Max("version"))["version__max"] or 0)
        CadreRegister.objects.filter(district=district, current=True).update(current=False)
        register = CadreRegister.objects.create(district=district, version=last + 1,
                                                imported_by=by,
                                                file_name=filename[:100], rows=len(result.rows))
        CadreRecord.objects.bulk_create([CadreRecord(register=register, **row)
                                         for row in result.rows], batch_size=5000)
    logger.info("cadre register v%s imported for district %s: %s rows", register.version,
                district.pk, register.rows)
    return RegisterOutcome(register, result)

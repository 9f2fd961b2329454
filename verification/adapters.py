"""Data-source adapters: one interface for every agency's records.

`SourceAdapter.lookup` takes a district and many ID numbers at once (a batch job asks
for a whole chunk of households) and answers with the records per ID number and the
version it read. The default, `FileImportAdapter`, reads the newest ImportBatch that
the district imported for the source, or the batch a report names when it is being
reproduced. An adapter for an agency's online service implements the same method
(calling out, with its own time-outs and retries) and is switched on per source in
settings.VERIFICATION_ADAPTERS; nothing else changes.
"""

from abc import ABC, abstractmethod
from collections.abc import Collection
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.module_loading import import_string

from core.tabular import SourceSpec
from verification.compare import Record
from verification.models import ImportBatch, SourceRecord
from verification.sources import SOURCES


@dataclass
class Lookup:
    available: bool
    records: dict[str, list[Record]] = field(default_factory=dict)  # by ID number
    batch_id: int | None = None
    version: str = ""


class SourceAdapter(ABC):
    def __init__(self, spec: SourceSpec):
        self.spec = spec

    @abstractmethod
    def lookup(self, *, district_id: int, id_numbers: Collection[str],
               batch_id: int | None = None) -> Lookup:
        """Records for these people; `batch_id` pins the version (reproduction)."""

    def available(self, *, district_id: int) -> bool:
        return True


class FileImportAdapter(SourceAdapter):
    """Reads the files the agency delivered, imported as versioned batches."""

    def current_batch(self, district_id: int) -> ImportBatch | None:
        return (ImportBatch.objects.filter(district_id=district_id, source=self.spec.code)
                .order_by("-version").first())

    def available(self, *, district_id: int) -> bool:
        return ImportBatch.objects.filter(district_id=district_id, source=self.spec.code).exists()

    def lookup(self, *, district_id, id_numbers, batch_id=None) -> Lookup:
        batch = (ImportBatch.objects.filter(pk=batch_id).first() if batch_id
                 else self.current_batch(district_id))
        if batch is None:
            return Lookup(available=False)
        records: dict[str, list[Record]] = {}
        rows = (SourceRecord.objects.filter(batch=batch, id_number__in=list(id_numbers))
                .order_by("id")
                .values_list("id_number", "name", "label", "status", "amount", "amount2"))
        for id_number, name, label, status, amount, amount2 in rows:
            records.setdefault(id_number, []).append(Record(name, label, status, amount, amount2))
        return Lookup(available=True, records=records, batch_id=batch.pk,
                      version=f"第{batch.version}版（数据截至{batch.data_date:%Y-%m-%d}）")


def adapters() -> dict[str, SourceAdapter]:
    """One adapter per configured source (settings.VERIFICATION_ADAPTERS, by source code;
    a source not named there uses the file import)."""
    configured = getattr(settings, "VERIFICATION_ADAPTERS", {})
    return {code: import_string(configured.get(code, "verification.adapters.FileImportAdapter"))(spec)
            for code, spec in SOURCES.items()}

import csv
import datetime
import io

import pytest

from verification import services


def csv_bytes(rows, encoding="utf-8"):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


@pytest.fixture
def district(regions):
    return regions["district"]


@pytest.fixture
def importer(district, staff):
    """Import rows (a header row first) as the district reviewer."""
    def run(source, rows, *, encoding="utf-8", data_date=datetime.date(2026, 10, 31)):
        return services.source_import(district=district, source=source,
                                      content=csv_bytes(rows, encoding), filename=f"{source}.csv",
                                      data_date=data_date, by=staff["reviewer"])
    return run

"""Fuzzed imports: whatever bytes arrive, the import either writes all of a valid file or nothing,
and never fails with anything but a clear ImportFailed naming file, row and column."""

import csv
import io
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from teilhabe.monitoring import services
from teilhabe.monitoring.importing.problems import ImportFailed
from teilhabe.monitoring.models import Observation

CONCEPT = Path(__file__).resolve().parents[1] / "monitoring" / "data" / "concept"
HEADER = ["indicator", "period", "geography", "migration_background", "sex", "value", "status", "released_on"]

# Cells that are sometimes valid and often not: the importer must tell them apart.
CELLS = {
    "indicator": st.sampled_from(["S1", "S2", "", "S9", "s1", "S1 "]),
    "period": st.sampled_from(["2019", "2020/21", "2020-12-31", "20", "2019/18", "", "31.12.2020", "year"]),
    "geography": st.sampled_from(["city", "north", "", "atlantis"]),
    "migration_background": st.sampled_from(["", "yes", "no", "maybe"]),
    "sex": st.sampled_from(["", "female", "male", "x"]),
    "value": st.one_of(
        st.floats(allow_nan=False, allow_infinity=False, width=32).map(repr),
        st.sampled_from(["", "1,234", "12,5", "1.234,5", "abc", "NaN", "inf", "-0", "1e3", "٣"]),
    ),
    "status": st.sampled_from(["final", "provisional", "", "maybe"]),
    "released_on": st.sampled_from(["", "2020-03-01", "2020-02-30", "01.03.2020", "soon"]),
}
ROW = st.fixed_dictionaries(CELLS)
VALID_ROW = {
    "indicator": "S1",
    "period": "2019",
    "geography": "city",
    "migration_background": "yes",
    "sex": "",
    "value": "12,5",
    "status": "final",
    "released_on": "",
}


def _state() -> list[tuple]:
    return sorted(
        Observation.objects.values_list("indicator__code", "period", "geography__code", "breakdown_key", "value")
    )


@pytest.fixture
def concept(db, tmp_path):
    """The sample concept imported once; the fuzzed observation files go on top of it."""
    actor = services.get_system_actor("fuzz")
    services.import_data(paths=[CONCEPT], user=actor)
    return actor


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(ROW, min_size=1, max_size=6), raw_tail=st.binary(max_size=20))
@example(rows=[dict(VALID_ROW)], raw_tail=b"")
@example(rows=[dict(VALID_ROW), dict(VALID_ROW, value="abc")], raw_tail=b"")
def test_fuzzed_observation_files_import_fully_or_not_at_all(concept, tmp_path_factory, rows, raw_tail):
    # given a file of random, often invalid rows (sometimes with trailing junk bytes)
    folder = tmp_path_factory.mktemp("fuzz")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=HEADER, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    (folder / "observations.csv").write_bytes(buffer.getvalue().encode("utf-8") + raw_tail)
    before = _state()
    # when
    try:
        report = services.import_data(paths=[folder / "observations.csv"], user=concept)
    except ImportFailed as failure:
        # then: refused as a whole, with every problem placed in the file
        assert failure.problems
        assert all(problem.file for problem in failure.problems)
        assert _state() == before
    else:
        # then: accepted as a whole: every row's value is stored for its indicator and geography
        assert report is not None
        stored = {(i, g, v) for i, _p, g, _b, v in _state()}
        for row in rows:
            expected = float(row["value"].replace(",", "."))
            assert (row["indicator"].strip(), row["geography"], expected) in stored, row
    shutil.rmtree(folder, ignore_errors=True)

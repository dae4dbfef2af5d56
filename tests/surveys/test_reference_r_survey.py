"""teilhabe's survey estimators against R `survey` (tests/data/r-survey/README.md).

Two kinds of reference values, kept apart:

- published: printed in the vignette "Analysing PPS designs" of the R survey package
  (doc/pps.pdf, version 4.1-1), with the precision printed there;
- computed: by `make_reference.R` with R survey 4.1.1 from the same CSV files the tests read,
  stored with 17 significant digits; reproducible by anyone with R, but not published.

All designs are the one teilhabe assumes (docs/methods/survey-weighting.md, section 3): one
stage, one stratum, drawn with replacement, no finite population correction — `svydesign(id = ~1,
weights = ...)` or `probs = ...` in R. The published stratified and clustered examples of the
package use designs teilhabe does not estimate and are therefore not used.
"""

import csv
import math
from pathlib import Path

import numpy as np
import pytest

from teilhabe.surveys.estimates import Z_95, weighted_mean, weighted_share, weighted_total
from teilhabe.surveys.weighting import rake_by_labels

DATA = Path(__file__).resolve().parent.parent / "data" / "r-survey"

# Published in the PPS vignette: svytotal(~Bush+Kerry+Nader, dppswr), dppswr <- svydesign(id=~1,
# probs=~p, data=election_pps). Printed with 7 significant digits, shown as whole votes.
PUBLISHED_ELECTION_TOTALS = {
    "Bush": (64_518_472, 2_671_455),
    "Kerry": (51_202_102, 2_679_433),
    "Nader": (478_530, 105_303),
}


def _rows(name):
    with (DATA / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def computed():
    return {
        row["name"]: (float(row["estimate"]), float(row["standard_error"]) if row["standard_error"] else None)
        for row in _rows("computed_with_r_survey_4.1.1.csv")
    }


@pytest.fixture(scope="module")
def apistrat():
    rows = _rows("apistrat.csv")
    return {
        "snum": [row["snum"] for row in rows],
        "stype": np.array([row["stype"] for row in rows]),
        "awards": [row["awards"] for row in rows],
        "sch_wide_yes": np.array([int(row["sch_wide_yes"]) for row in rows]),
        "api00": np.array([float(row["api00"]) for row in rows]),
        "enroll": np.array([float(row["enroll"]) for row in rows]),
        "pw": np.array([float(row["pw"]) for row in rows]),
    }


def _standard_error(estimate):
    return (estimate.high - estimate.low) / (2 * Z_95)


@pytest.mark.parametrize("candidate", sorted(PUBLISHED_ELECTION_TOTALS))
def test_weighted_total_matches_the_published_pps_vignette(candidate):
    rows = _rows("election_pps.csv")
    votes = np.array([float(row[candidate]) for row in rows])
    weights = np.array([1 / float(row["p"]) for row in rows])

    result = weighted_total(votes, weights)

    total, error = PUBLISHED_ELECTION_TOTALS[candidate]
    # R prints 7 significant digits, then whole numbers: 478530.52 -> 478530.5 -> "478530" (half to even).
    assert result.estimate == pytest.approx(total, abs=1.0)
    assert _standard_error(result) == pytest.approx(error, abs=1.0)
    assert result.n == 40


@pytest.mark.parametrize("candidate", sorted(PUBLISHED_ELECTION_TOTALS))
def test_weighted_total_matches_r_to_machine_precision(candidate, computed):
    rows = _rows("election_pps.csv")
    votes = np.array([float(row[candidate]) for row in rows])
    weights = np.array([1 / float(row["p"]) for row in rows])

    result = weighted_total(votes, weights)

    total, error = computed[f"election_total_{candidate}"]
    assert result.estimate == pytest.approx(total, rel=1e-13)
    assert _standard_error(result) == pytest.approx(error, rel=1e-12)


@pytest.mark.parametrize("variable", ["api00", "enroll"])
def test_weighted_mean_matches_svymean(variable, apistrat, computed):
    result = weighted_mean(apistrat[variable], apistrat["pw"])

    mean, error = computed[f"apistrat_mean_{variable}"]
    assert result.estimate == pytest.approx(mean, rel=1e-13)
    assert _standard_error(result) == pytest.approx(error, rel=1e-12)


@pytest.mark.parametrize("stype", ["E", "H", "M"])
def test_domain_mean_matches_svyby(stype, apistrat, computed):
    result = weighted_mean(apistrat["api00"], apistrat["pw"], domain=apistrat["stype"] == stype)

    mean, error = computed[f"apistrat_mean_api00_stype_{stype}"]
    assert result.estimate == pytest.approx(mean, rel=1e-13)
    assert _standard_error(result) == pytest.approx(error, rel=1e-12)


def test_weighted_share_default_interval_is_svymean_of_the_indicator(apistrat, computed):
    result = weighted_share(apistrat["sch_wide_yes"], apistrat["pw"])

    share, error = computed["apistrat_mean_sch_wide_yes"]
    assert result.estimate == pytest.approx(share, rel=1e-13)
    assert _standard_error(result) == pytest.approx(error, rel=1e-12)


@pytest.mark.parametrize("stype", ["E", "H", "M"])
def test_domain_share_matches_svyby(stype, apistrat, computed):
    in_domain = apistrat["stype"] == stype
    result = weighted_mean(apistrat["sch_wide_yes"].astype(float), apistrat["pw"], domain=in_domain)

    share, error = computed[f"apistrat_mean_sch_wide_yes_stype_{stype}"]
    assert result.estimate == pytest.approx(share, rel=1e-13)
    assert _standard_error(result) == pytest.approx(error, rel=1e-12)


def test_raking_matches_r_survey_rake(apistrat, computed):
    margins = {
        "stype": {label: computed[f"margin_stype_{label}"][0] for label in ("E", "H", "M")},
        "awards": {label: computed[f"margin_awards_{label}"][0] for label in ("No", "Yes")},
    }
    respondents = [
        {"stype": stype, "awards": awards} for stype, awards in zip(apistrat["stype"], apistrat["awards"], strict=True)
    ]

    result = rake_by_labels(respondents, margins, base_weights=apistrat["pw"])

    expected = np.array([computed[f"raked_weight_{snum}"][0] for snum in apistrat["snum"]])
    assert result.converged
    # R stops when weights change by less than its epsilon (1e-12 here); teilhabe at 1e-10 on the margins.
    np.testing.assert_allclose(result.weights, expected, rtol=1e-9)
    raked_mean = weighted_mean(apistrat["api00"], result.weights).estimate
    assert raked_mean == pytest.approx(computed["raked_mean_api00"][0], rel=1e-9)
    assert not math.isclose(raked_mean, computed["apistrat_mean_api00"][0], rel_tol=1e-6)

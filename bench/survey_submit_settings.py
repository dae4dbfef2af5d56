"""Settings for bench_survey_submit: the product settings, with the bench's URLconf on top (nothing else)."""

from teilhabe.settings import *  # noqa: F403

ROOT_URLCONF = "bench.survey_submit_urls"

"""Every environment variable settings.py reads is documented and in .env.example (docs kept complete by tests)."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = (ROOT / "teilhabe" / "settings.py").read_text(encoding="utf-8")
VARIABLES = sorted(set(re.findall(r"""env(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]+)["']""", SETTINGS)))


def test_settings_read_variables():
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "TEILHABE_MFA_REQUIRED_ROLES"} <= set(VARIABLES)


@pytest.mark.parametrize("variable", VARIABLES)
def test_variable_is_documented(variable):
    assert f"`{variable}`" in (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("variable", VARIABLES)
def test_variable_is_in_env_example(variable):
    names = {
        line.split("=", 1)[0]
        for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
        if "=" in line and not line.startswith("#")
    }
    assert variable in names

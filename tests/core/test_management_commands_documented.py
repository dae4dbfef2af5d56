"""docs/management-commands.md lists every command teilhabe itself provides."""

from pathlib import Path

from django.core.management import get_commands

DOCS = Path(__file__).resolve().parents[2] / "docs" / "management-commands.md"


def test_every_teilhabe_command_is_documented():
    ours = sorted(name for name, app in get_commands().items() if app.startswith("teilhabe."))
    documented = DOCS.read_text(encoding="utf-8")
    missing = [name for name in ours if f"`{name}" not in documented]
    assert ours, "no teilhabe commands found"
    assert missing == [], f"add these commands to docs/management-commands.md: {missing}"

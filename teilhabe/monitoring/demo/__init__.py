"""The illustrative demo concept behind `teilhabe load_demo`: content, a deterministic generator, its loader.

content.py and indicators.py hold the concept as plain data and generator.py derives observations and
targets from a seed (all three without Django); loader.py writes them to the database and deletes them again.
"""

from .content import DEFAULT_SEED, DEMO_USERS

_LOADER_NAMES = frozenset({"DemoRefused", "delete_demo", "is_demo_loaded", "load_demo"})

__all__ = ["DEFAULT_SEED", "DEMO_USERS", *sorted(_LOADER_NAMES)]


def __getattr__(name: str):
    # The loader needs Django's models; importing it lazily keeps the pure modules usable without settings.
    if name in _LOADER_NAMES:
        from . import loader

        return getattr(loader, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

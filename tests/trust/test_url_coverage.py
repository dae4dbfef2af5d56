"""Every URL pattern of the project is in the authorisation matrix or on the public list."""

from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver

from . import matrix


def url_names(patterns=None, namespace: str = "") -> set[str]:
    """Every named route as 'namespace:name'; unnamed routes as their regex (reported separately)."""
    names = set()
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            names.add(f"{namespace}{pattern.name}" if pattern.name else f"{namespace}<unnamed {pattern.pattern}>")
    return names


def _is_allowed_unnamed(name: str) -> bool:
    # The admin's redirect from an object's bare URL to its change view, its catch-all 404, and the
    # development media server (DEBUG only) — none shows anything the named routes do not.
    return name.startswith("admin:<unnamed") or name == "<unnamed ^media/(?P<path>.*)$>"


def test_every_url_pattern_is_in_the_matrix_or_public():
    covered = {endpoint.url_name for endpoint in matrix.all_endpoints()}
    missing = sorted(
        name
        for name in url_names()
        if name not in covered
        and name not in matrix.PUBLIC
        and name not in matrix.UNCLASSIFIED_THIS_ROUND
        and name.split(":", 1)[0] not in matrix.PUBLIC_NAMESPACES
        and not _is_allowed_unnamed(name)
    )
    assert missing == [], (
        "These routes are in neither the authorisation matrix nor the public list (tests/trust/matrix.py): "
        + ", ".join(missing)
    )


def test_every_admin_model_has_an_access_rule():
    missing = sorted(
        model._meta.label_lower for model in admin.site._registry if model._meta.label_lower not in matrix.ADMIN_ACCESS
    )
    assert missing == [], f"Add these admin models to ADMIN_ACCESS in tests/trust/matrix.py: {missing}"


def test_the_lists_name_only_routes_that_exist():
    """Stale entries would hide a renamed route; the unclassified list may only shrink."""
    names = url_names()
    stale = sorted((set(matrix.PUBLIC) | matrix.UNCLASSIFIED_THIS_ROUND) - names)
    assert stale == []
    assert set(matrix.ADMIN_ACCESS) <= {model._meta.label_lower for model in admin.site._registry}


def test_scoped_admin_models_have_makers():
    """Scope is only proven with a real object of each authority."""
    missing = sorted(
        label for label, rules in matrix.ADMIN_ACCESS.items() if rules.scoped and label not in matrix.MAKERS
    )
    assert missing == []

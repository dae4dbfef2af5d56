"""The staff navigation in the site header: where a logged-in staff member works, with what waits for them."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.contrib import admin
from django.urls import reverse
from django.utils.translation import gettext as _

from teilhabe.participation import permissions, queries

register = template.Library()


@dataclass(frozen=True)
class StaffLink:
    label: str
    url: str
    count: int | None = None


def staff_links(request) -> list[StaffLink]:
    """The links a user's roles open, in the order of a working day; empty for residents and visitors."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    links = []
    if permissions.can_use_work_area(user):
        links.append(StaffLink(_("Work area"), reverse("participation:work_overview")))
        links.append(
            StaffLink(
                _("My queue"),
                reverse("participation:work_queue") + "?waiting=on",
                count=queries.count_waiting_for(user),
            )
        )
    if permissions.can_use_moderation_queue(user):
        links.append(StaffLink(_("Moderation"), reverse("participation:moderation_list")))
    if permissions.can_create_event(user):
        links.append(StaffLink(_("Events"), reverse("participation:event_work_list")))
    if admin.site.has_permission(request):
        links.append(StaffLink(_("Administration"), reverse("admin:index")))
    links.append(StaffLink(_("My account"), reverse("accounts:account_detail")))
    return links


@register.inclusion_tag("includes/staff_navigation.html", takes_context=True)
def staff_navigation(context) -> dict:
    request = context.get("request")
    return {"links": staff_links(request), "request": request}

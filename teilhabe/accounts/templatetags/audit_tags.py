"""`{% history_panel object %}`: the object's change history for staff; renders nothing for anyone else.

Load with `{% load audit_tags %}` on a staff page (or a public page: the panel hides itself).
"""

from django import template

from .. import permissions
from ..audit import list_history

register = template.Library()


@register.inclusion_tag("accounts/includes/history_panel.html", takes_context=True)
def history_panel(context, instance, limit: int = 50) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not permissions.is_staff_member(user):
        return {"show": False}
    return {"show": True, "entries": list_history(instance, limit=limit)}

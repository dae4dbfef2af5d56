"""Atom feeds to follow a procedure or an indicator (public) and one's own contribution (private, by receipt token).

Each feed reads its entries from queries.py, which decides what is public; the feed classes only format them.
"""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from teilhabe.monitoring.models import Indicator

from . import queries
from .models import Procedure


class _EntriesFeed(Feed):
    """A feed over queries.FeedEntry rows."""

    feed_type = Atom1Feed

    def items(self, obj) -> list[queries.FeedEntry]:
        raise NotImplementedError

    def item_title(self, item: queries.FeedEntry) -> str:
        return item.title

    def item_description(self, item: queries.FeedEntry) -> str:
        return item.description

    def item_link(self, item: queries.FeedEntry) -> str:
        return item.link

    def item_guid(self, item: queries.FeedEntry) -> str:
        return item.key

    item_guid_is_permalink = False

    def item_pubdate(self, item: queries.FeedEntry):
        return item.happened_at

    def item_updateddate(self, item: queries.FeedEntry):
        return item.happened_at


class ProcedureFeed(_EntriesFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Procedure:
        return queries.get_procedure(slug)

    def title(self, obj: Procedure) -> str:
        return _("Participation: %(procedure)s") % {"procedure": obj.title}

    def subtitle(self, obj: Procedure) -> str:
        return _("New contributions and published evaluations")

    def link(self, obj: Procedure) -> str:
        return obj.get_absolute_url()

    def items(self, obj: Procedure) -> list[queries.FeedEntry]:
        return queries.list_procedure_feed(obj)


class IndicatorFeed(_EntriesFeed):
    def get_object(self, request: HttpRequest, code: str) -> Indicator:
        return get_object_or_404(Indicator, code=code)

    def title(self, obj: Indicator) -> str:
        return _("Contributions that led to indicator %(code)s") % {"code": obj.code}

    def subtitle(self, obj: Indicator) -> str:
        return _("Published evaluations that link this indicator")

    def link(self, obj: Indicator) -> str:
        return obj.get_absolute_url()

    def items(self, obj: Indicator) -> list[queries.FeedEntry]:
        return queries.list_indicator_feed(obj)


class ReceiptFeed(_EntriesFeed):
    """Private: whoever holds the receipt token reads it; a wrong token is a 404 like the receipt page."""

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def get_object(self, request: HttpRequest, token: str) -> queries.Receipt:
        return queries.get_receipt(token)

    def title(self, obj: queries.Receipt) -> str:
        return _("Your contribution and what became of it")

    def link(self, obj: queries.Receipt) -> str:
        return obj.contribution.get_receipt_url()

    def feed_url(self, obj: queries.Receipt) -> str:
        return reverse("participation:contribution_receipt_feed", kwargs={"token": obj.contribution.receipt_token})

    def items(self, obj: queries.Receipt) -> list[queries.FeedEntry]:
        return queries.list_receipt_feed(obj)

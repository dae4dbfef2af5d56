"""Forms of the public portal: search and accessibility feedback."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .queries import SEARCH_MAX_LENGTH


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search term"),
        max_length=SEARCH_MAX_LENGTH,
        required=True,
        strip=True,
        help_text=_("Searches areas of action, indicators and measures."),
    )


class AccessibilityFeedbackForm(forms.Form):
    message = forms.CharField(
        label=_("Your message"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Describe the barrier you met or the content you need in an accessible form."),
    )
    page = forms.CharField(
        label=_("Page concerned (optional)"),
        max_length=300,
        required=False,
        help_text=_("For example the address or title of the page."),
    )
    email = forms.EmailField(
        label=_("Your e-mail address for a reply (optional)"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

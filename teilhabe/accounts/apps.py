from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "teilhabe.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from teilhabe.core import privacy

        from . import checks  # noqa: F401  (registers the admin checks)
        from .privacy import PROVIDER

        privacy.register_provider(PROVIDER)

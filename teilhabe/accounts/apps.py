from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "teilhabe.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from teilhabe.core import privacy

        from . import checks, reauth  # noqa: F401  (checks registers the admin checks on import)
        from .privacy import PROVIDER

        privacy.register_provider(PROVIDER)
        # Every login (password, identity provider) marks the session fresh, whichever view handled it.
        user_logged_in.connect(reauth.on_user_logged_in, dispatch_uid="teilhabe.accounts.fresh_login")

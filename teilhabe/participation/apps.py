from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "teilhabe.participation"
    label = "participation"
    verbose_name = _("Participation")

    def ready(self) -> None:
        # Contact e-mail addresses and registrations are personal data: export, erasure and retention.
        try:
            from teilhabe.core import privacy
        except ImportError:  # the privacy framework is optional for this app
            return
        from . import queries, services

        privacy.register_provider(
            privacy.PersonalDataProvider(
                name="participation",
                export=queries.list_personal_data,
                erase=lambda email: services.erase_contact_data(email=email),
                retain=lambda before: services.anonymise_expired_contact_data(before=before),
            )
        )
        # Derived text and generated documents that may quote the address are rebuilt or withdrawn.
        privacy.register_erasure_hook(_refresh_after_erasure)


def _refresh_after_erasure(email: str) -> None:
    from . import services

    services.refresh_after_erasure(email=email)

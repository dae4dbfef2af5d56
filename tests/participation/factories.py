"""Factories for participation: procedures, events, contributions, reviews and the staff who act on them."""

import datetime

import factory
from django.utils import timezone

from teilhabe.participation import models, similarity
from tests.accounts.factories import AuthorityFactory, UserFactory
from tests.monitoring.factories import EditionFactory


class ProcedureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Procedure
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"procedure-{n}")
    title = factory.Sequence(lambda n: f"Beteiligung {n}")
    title_en = factory.Sequence(lambda n: f"Participation {n}")
    description = "Wir aktualisieren das Integrationskonzept gemeinsam."
    edition = factory.SubFactory(EditionFactory)
    is_open_for_contributions = True


class PhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Phase

    procedure = factory.SubFactory(ProcedureFactory)
    title = "Veranstaltungen"
    starts_on = datetime.date(2016, 9, 1)
    ends_on = datetime.date(2016, 12, 31)


class StakeholderGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.StakeholderGroup
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"group-{n}")
    name = factory.Sequence(lambda n: f"Gruppe {n}")


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Event
        skip_postgeneration_save = True

    procedure = factory.SubFactory(ProcedureFactory)
    title = factory.Sequence(lambda n: f"Stadtteilkonferenz {n}")
    held_on = datetime.date(2016, 10, 5)
    format = models.Event.Format.DISTRICT_EVENT
    attendance_total = 40

    @factory.post_generation
    def moderators(self, create, extracted, **kwargs):
        if create and extracted:
            self.moderators.set(extracted)


class ContributionFactory(factory.django.DjangoModelFactory):
    """A published contribution with its review (state received), as the services create it."""

    class Meta:
        model = models.Contribution
        skip_postgeneration_save = True

    procedure = factory.SubFactory(ProcedureFactory)
    kind = models.Contribution.Kind.PROPOSAL
    text = factory.Sequence(lambda n: f"Mehr Sprachkurse mit Kinderbetreuung im Stadtteil, Vorschlag {n}")
    language = "de"
    source = models.Contribution.Source.ONLINE_FORM
    moderation_state = models.Contribution.Moderation.PUBLISHED
    title = ""
    normalised_text = factory.LazyAttribute(lambda o: similarity.normalise(f"{o.title} {o.text}"))

    @factory.post_generation
    def review(self, create, extracted, **kwargs):
        if create:
            models.Review.objects.create(procedure=self.procedure, contribution=self, state_changed_at=timezone.now())

    @factory.post_generation
    def areas(self, create, extracted, **kwargs):
        if create and extracted:
            self.areas.set(extracted)


def department_admin(**kwargs):
    department = AuthorityFactory(code="integration", name="Integration department", is_department=True)
    return UserFactory(roles=["department_admin"], authority=department, **kwargs)


def authority_staff(authority=None, **kwargs):
    return UserFactory(roles=["authority_staff"], authority=authority or AuthorityFactory(), **kwargs)


def moderator(**kwargs):
    return UserFactory(roles=["moderator"], authority=None, **kwargs)


JUSTIFICATION = "Wir setzen den Vorschlag um und berichten jährlich über den Stand."


def evaluate(review, *, department, lead, disposition="taken_up_as_measure", justification=JUSTIFICATION, **links):
    """Take a review through the whole workflow with the services, as the people involved would.

    What a disposition needs (services.check_evaluation) is supplied when the test does not name it.
    """
    from teilhabe.participation import services
    from tests.monitoring.factories import MeasureFactory

    if disposition == "taken_up_as_measure" and not links.get("measures"):
        links["measures"] = [MeasureFactory()]
    if disposition == "outside_competence":
        links.setdefault("competent_level", "Bund")
    if disposition == "no_data":
        links.setdefault("data_needed", "Daten nach Herkunft und Stadtteil")
    services.assign_review(actor=department, review=review, lead_authority=lead.authority)
    services.start_review(actor=lead, review=review)
    services.draft_evaluation(actor=lead, review=review, disposition=disposition, justification=justification, **links)
    return services.publish_evaluation(actor=department, review=review)

import factory
from django.contrib.auth.models import Group

from teilhabe.accounts.models import Authority, Role, User


class AuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Authority
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"authority-{n}")
    name = factory.Sequence(lambda n: f"Authority {n}")
    email = factory.LazyAttribute(lambda o: f"{o.code}@example.org")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    authority = factory.SubFactory(AuthorityFactory)
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            for role in extracted:
                # get_or_create: transactional tests flush the groups the migration created.
                self.groups.add(Group.objects.get_or_create(name=Role(role).value)[0])

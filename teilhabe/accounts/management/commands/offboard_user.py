"""`teilhabe offboard_user USERNAME --by ADMIN`: deactivate a staff account, end its sessions, delete its API tokens."""

from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError

from teilhabe.accounts import services
from teilhabe.accounts.models import User
from teilhabe.core.management.base import TeilhabeCommand


class Command(TeilhabeCommand):
    help = "Offboard a staff member: deactivate the account, revoke its sessions and API tokens."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--by", required=True, help="Username of the department admin doing this (recorded).")

    def handle(self, *args, username, by, **options):
        try:
            member = User.objects.get(username=username)
            actor = User.objects.get(username=by)
        except User.DoesNotExist as error:
            raise CommandError(f"No such user: {error}") from error
        try:
            result = services.offboard_user(user=member, by=actor)
        except PermissionDenied as error:
            raise CommandError(f"{by} may not offboard {username} (department admins only, not themselves).") from error
        self.stdout.write(
            self.style.SUCCESS(
                f"{username} offboarded: {result.sessions_revoked} sessions ended, {result.tokens_deleted} API tokens deleted."
            )
        )

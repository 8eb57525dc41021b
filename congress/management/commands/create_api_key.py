"""Create a client key for another county system and print it once."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from congress.apikeys import SCOPES, apikey_create
from congress.models import User


class Command(BaseCommand):
    help = "Create an API key acting as USERNAME with the given scopes; the key is printed once and never stored."

    def add_arguments(self, parser):
        parser.add_argument("username", help="The login the key acts as (usually one with the api_client role).")
        parser.add_argument("--name", required=True, help="What the key is for, e.g. 'Government OA'.")
        parser.add_argument(
            "--scope", action="append", default=[], dest="scopes", help=f"Repeatable. One of: {', '.join(SCOPES)}."
        )
        parser.add_argument("--allow-ip", action="append", default=[], dest="allowed_ips", help="Repeatable CIDR.")
        parser.add_argument("--expires-in-days", type=int, default=None)

    def handle(self, *args, username, name, scopes, allowed_ips, expires_in_days, **options):
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist as error:
            raise CommandError(f"No login named {username!r}.") from error
        expires_at = timezone.now() + dt.timedelta(days=expires_in_days) if expires_in_days else None
        try:
            api_key, plain = apikey_create(
                user=user, name=name, actor=None, scopes=scopes, allowed_ips=allowed_ips, expires_at=expires_at
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stderr.write(f"Created key {api_key.prefix}… for {username} with scopes {', '.join(api_key.scopes)}.")
        self.stderr.write("Store it now; it cannot be shown again:")
        self.stdout.write(plain)

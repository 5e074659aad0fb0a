from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from satudata.core.demo import DEMO_PASSWORD, PEOPLE, load_demo


class Command(BaseCommand):
    help = "Load the Kabupaten Pringsewu demo (idempotent) and print the demo log-ins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load even in production mode (demo accounts have known passwords).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION and not options["allow_production"]:
            raise CommandError(
                "Demo accounts have published passwords; not loading them in "
                "production. Pass --allow-production for a training server."
            )
        result = load_demo()
        self.stdout.write(
            f"Demo Pringsewu siap: {result['regions']} wilayah baru, "
            f"{result['agencies']} OPD baru, {result['holidays']} hari libur baru, "
            f"{result['tasks']} tugas contoh baru."
        )
        self.stdout.write("\nAkun demo (data contoh) — kata sandi semua akun: " + DEMO_PASSWORD)
        for person in PEOPLE:
            self.stdout.write(f"  {person.username:<10} {person.role.label}")
        self.stdout.write("Kata sandi yang sudah diganti tidak dikembalikan.\n")

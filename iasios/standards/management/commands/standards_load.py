from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Placeholder replaced by the loader."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("files", nargs="+")
        parser.add_argument("--activate", action="store_true")
        parser.add_argument("--if-new", action="store_true")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        pass

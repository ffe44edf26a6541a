from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the database (PostgreSQL: pg_dump --format=custom; SQLite: an online consistent copy) "
        "into a new timestamped file; prints its path."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir",
            default=str(Path(settings.BASE_DIR) / "backups"),
            help="directory of the backups (default: backups/)",
        )

    def handle(self, *args, dir, **options):
        try:
            path = backup(Path(dir))
        except BackupError as error:
            raise CommandError(str(error)) from None
        size = path.stat().st_size
        self.stderr.write(f"Đã sao lưu cơ sở dữ liệu: {path} ({size / 2**20:.1f} MB).")
        self.stdout.write(str(path))

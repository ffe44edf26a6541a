from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, backup, check_file, has_data, restore


class Command(BaseCommand):
    help = (
        "Replace the content of the database by a backup made by backup_db (PostgreSQL: pg_restore "
        "--clean --if-exists --no-owner in one transaction; SQLite: copied over the live file). "
        "No confirmation is asked: naming the file is the confirmation."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="a backup made by backup_db (make backup)")
        parser.add_argument(
            "--keep-current",
            metavar="DIR",
            help="first back up the database as it is now into DIR (skipped when there is none yet)",
        )

    def handle(self, *args, file, keep_current, **options):
        try:
            check_file(Path(file))
            if keep_current and has_data():
                kept = backup(Path(keep_current))
                self.stderr.write(f"Đã sao lưu cơ sở dữ liệu hiện tại trước khi khôi phục: {kept}")
            restore(Path(file))
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stderr.write(f"Đã khôi phục cơ sở dữ liệu từ {file}.")

"""`python manage.py load_demo`: the Kon Tum demo data set and its accounts, for development.

Refused unless `DEBUG` is on (the demo accounts share a printed password); idempotent: a second
run finds the demo province and loads nothing.
"""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from demo import generator


class Command(BaseCommand):
    help = "Load the Kon Tum demo data set and the demo accounts (development only; idempotent)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Dữ liệu mẫu và tài khoản mẫu chỉ dùng khi phát triển (DEBUG bật).")
        spec = generator.load_spec()
        if generator.demo_loaded(spec):
            self.stdout.write("Dữ liệu mẫu Kon Tum đã có sẵn; không nạp lại.")
        else:
            builder = generator.load_demo(spec)
            then, now = builder.counts(datetime.date(2015, 12, 31), timezone.localdate())
            self.stdout.write(
                f"Đã nạp dữ liệu mẫu 2015–nay. Năm 2015: {then['base']} TCCSĐ, {then['cells']} chi bộ "
                f"trực thuộc, {then['direct']} đảng bộ trực thuộc Tỉnh ủy; nay: {now['direct']} tổ chức "
                f"đảng trực thuộc Tỉnh ủy, {now['base']} TCCSĐ, {now['cells']} chi bộ trực thuộc."
            )
        names = ", ".join(a["username"] for a in spec["accounts"])
        self.stdout.write(f"Tài khoản mẫu: {names}; mật khẩu (chỉ dùng để thử): {spec['demo_password']}")

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kontum_party import demo


class Command(BaseCommand):
    help = "Load the Kon Tum demo data set and the demo accounts (development only; idempotent)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Dữ liệu mẫu và tài khoản mẫu chỉ dùng khi phát triển (DEBUG bật).")
        spec = demo.load_spec()
        if demo.demo_loaded(spec):
            self.stdout.write("Dữ liệu mẫu Kon Tum đã có sẵn; không nạp lại.")
        else:
            builder = demo.load_demo(spec)
            self.stdout.write(
                f"Đã nạp dữ liệu mẫu: {len(builder.base_nodes)} TCCSĐ, {len(builder.cell_nodes)} chi bộ "
                f"trực thuộc, {len(spec['years'])} năm."
            )
        names = ", ".join(a["username"] for a in spec["accounts"])
        self.stdout.write(f"Tài khoản mẫu: {names}; mật khẩu (chỉ dùng để thử): {spec['demo_password']}")

"""What every page's layout shows of the installation itself: whose site it is. Nothing in the
code names a province: `SITE_OWNER` (from the environment) says it, e.g. "Ban Tổ chức Tỉnh ủy
Quảng Ngãi"; without it the layout says "Ban Tổ chức Tỉnh ủy"."""

from django.conf import settings
from django.utils.translation import gettext as _


def site_owner(request) -> dict:
    return {"site_owner": settings.SITE_OWNER or _("Organizing Committee of the Provincial Party Committee")}

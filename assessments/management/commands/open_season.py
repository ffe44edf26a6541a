"""python manage.py open_season YEAR [--deadline YYYY-MM-DD] [--user USERNAME]

Opens a year's rating season from the command line, as provincial staff do on the "Rating years"
page (`assessments.season.open_season`: the same checks and audit), so that a new installation
goes from `import_units` to `import_ratings` without the web interface.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from assessments.models import Channel
from assessments.policy import EditRefused
from assessments.season import open_season
from kontum_party.converters import command_date, command_year


class Command(BaseCommand):
    help = "Open the rating season of a year (the committees may then enter its ratings)."

    def add_arguments(self, parser):
        parser.add_argument("year", type=command_year)
        parser.add_argument("--deadline", type=command_date, help="the date committees submit by")
        parser.add_argument("--user", help="the provincial staff opening it (default: the system)")

    def handle(self, *args, year, deadline, user, **options):
        account = None
        if user:
            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                raise CommandError(_("No user “%(user)s”.") % {"user": user})
        try:
            open_season(user=account, year=year, deadline=deadline, channel=Channel.COMMAND)
        except (EditRefused, PermissionDenied) as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(_("The rating season of %(year)s is open.") % {"year": year})

"""`manage.py load_demo`: loads once, then finds the demo; refused without DEBUG."""

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from organizations.models import Unit

pytestmark = pytest.mark.django_db


def test_load_demo_command_is_idempotent(capsys, settings):
    settings.DEBUG = True
    call_command("load_demo")
    call_command("load_demo")
    out = capsys.readouterr().out
    assert "đã có sẵn" in out and "demo-KonTum-2015" in out
    assert Unit.objects.base_organizations().count() == 686


def test_load_demo_refuses_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo")
    assert not User.objects.exists()

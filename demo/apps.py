"""The demo app: installed only so that Django finds the `load_demo` and `seed_synthetic` commands.

It has no models (hence no migrations) and no URLs; both commands refuse what a real
installation must not get (`load_demo` without `DEBUG`, `seed_synthetic` a second time).
"""

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "demo"
    verbose_name = "Demo and synthetic data"  # no models: never shown

"""The product's settings with bench-only URLs on top; never used outside bench/.

DJANGO_SETTINGS_MODULE=bench.benchsite.settings
"""

from factcheck.settings import *  # noqa: F403

ROOT_URLCONF = "bench.benchsite.urls"

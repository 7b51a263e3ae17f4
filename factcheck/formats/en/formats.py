"""English dates as a European newsroom writes them, matching og:locale en_GB: 26 November 2026,
14:05 (Django's own English formats are American: Nov. 26, 2026, 2:05 p.m.)."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"

"""English dates as a European newsroom writes them, matching og:locale en_GB: 26 November 2026,
14:05 (Django's own English formats are American: Nov. 26, 2026, 2:05 p.m.)."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
# Typed dates read day first too, as the French side does: the language switcher keeps the
# query string, so « ?since=05/01/2024 » must mean 5 January on both sides (Django's English
# reads it as 1 May, and refuses 13/01/2024).
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%y %H:%M:%S",
    "%d/%m/%y %H:%M",
]

# The service desk is Hungarian: English pages keep the Hungarian date order (2026. 11. 24. 7:30).
DATE_FORMAT = "Y. m. d."
DATETIME_FORMAT = "Y. m. d. G:i"
SHORT_DATE_FORMAT = "Y. m. d."
SHORT_DATETIME_FORMAT = "Y. m. d. G:i"
TIME_FORMAT = "G:i"
MONTH_DAY_FORMAT = "m. d."
YEAR_MONTH_FORMAT = "Y. F"
FIRST_DAY_OF_WEEK = 1
DATE_INPUT_FORMATS = ["%Y. %m. %d.", "%Y.%m.%d.", "%Y-%m-%d", "%Y. %m. %d", "%Y.%m.%d"]
DATETIME_INPUT_FORMATS = [
    "%Y. %m. %d. %H:%M",
    "%Y.%m.%d. %H:%M",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3

"""Date, number and money formats per language.

Dates (FORMAT_MODULE_PATH): pages, mails and PDFs print dates with Django's `date` filter and
the named formats only (`|date` for DATE_FORMAT, `|date:"SHORT_DATE_FORMAT"`,
`|date:"DATETIME_FORMAT"`, `|date:"SHORT_DATETIME_FORMAT"`, `|date:"MONTH_DAY_FORMAT"`,
`|time:"TIME_FORMAT"`), never a hand-made pattern (tests/languages/test_formats.py). English has
the programme's own module here; a language without one uses Django's locale formats.

Money: `money.money(amount, currency)` (the `|money` filter of `{% load money %}`), by locale.
"""

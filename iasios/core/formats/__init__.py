"""Date and number formats per language (FORMAT_MODULE_PATH): one date format per language.

Pages print dates with Django's `date` filter and these names only (`|date` for DATE_FORMAT,
`|date:"SHORT_DATE_FORMAT"`, `|date:"DATETIME_FORMAT"`, `|date:"SHORT_DATETIME_FORMAT"`,
`|date:"MONTH_DAY_FORMAT"`), never a hand-made pattern: a new language brings its own module.
"""

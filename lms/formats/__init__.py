"""Date and number formats per language (settings.FORMAT_MODULE_PATH): one date format and one
date-time format, the time zone named in the second (a mentor and a learner in different zones read
the same instant; the abbreviation says whose clock it is). Templates write `|date` (a day) and
`|date:"DATETIME_FORMAT"` (an instant); Python `date_format(value)` / `date_format(value,
"DATETIME_FORMAT")` from django.utils.formats, after `localtime`."""

"""Independent template families of real case-file forms (issue 16).

Written from published templates and decisions (SOURCES.md) without reading the code that reads
and checks them, so that scoring casecheck on these files says how it does on a bureau's forms
it has never seen. `python -m samples.families OUT --cases N --seed S` writes NAME.pdf,
NAME.truth.json (models.truth.Truth) and NAME.families.json (which family drew each type).
"""

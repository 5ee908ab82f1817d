"""The longest text Dealmonitor keeps in a field of free text (a description, a lesson, a
note): 100,000 characters, some 15,000 words, far beyond what anyone types, short of what
would slow a page. The models declare it (`max_length` on their TextFields), so the forms and
the API enforce it; the import checks every text column against its documented maximum with
the forms' message (imports/checking/base.py). Titles and names have shorter maxima of their
own (`max_length` of their CharField). Nothing longer is cut: it is refused with a message
saying how long it is and what fits. A text longer than a spreadsheet cell (32,767
characters) is carried whole in an exported workbook (imports/long_texts.py)."""

LONG_TEXT = 100_000

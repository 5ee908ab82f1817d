"""What learning tells the apps above it, after the write has committed: a round opened, a
bottleneck reported or raised with another ministry (workday sends the e-mails; learning does not know it exists)."""

from django.dispatch import Signal

round_opened = Signal()  # round=
bottleneck_reported = Signal()  # bottleneck=
# the organisation a reported bottleneck is raised with was named or changed afterwards
bottleneck_raised_with = Signal()  # bottleneck=

"""What learning tells the apps above it, after the write has committed: a round opened, a
bottleneck reported (workday sends the e-mails; learning does not know it exists)."""

from django.dispatch import Signal

round_opened = Signal()  # round=
bottleneck_reported = Signal()  # bottleneck=

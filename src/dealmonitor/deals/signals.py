"""Signals the deal services send for writes that Django's own signals do not see.

`rows_imported` (sender: the model; `deal_ids`: the deals whose rows were written): rows
written in bulk by an import (utils/bulk.py and bulk updates send no `post_save`), once per
import and model, so that what listens to a deal's rows (the related deals in connections/)
hears of them as it would of rows saved one by one."""

from django.dispatch import Signal

rows_imported = Signal()

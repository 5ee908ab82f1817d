from django.conf import settings
from django.db import models


class FormSubmission(models.Model):
    """A create form that was sent, by the one-time token it was rendered with
    (ui/concurrency.py): a second post of the same form finds its token here and stores
    nothing new. The primary key makes two simultaneous posts of one form store one row: the
    second insert waits for the first transaction and then fails."""

    token = models.UUIDField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Where the first post led (the row it made): a repeated post is sent there too.
    location = models.CharField(max_length=2000, blank=True)

    def __str__(self):
        return str(self.token)

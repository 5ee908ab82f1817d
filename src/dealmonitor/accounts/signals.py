"""API tokens (django-rest-knox) stop working when the password changes or the account is
deactivated: a token copied while the old password was known must not outlive it.

The check compares the saved row with the one being saved, so every way of changing a password
through the model counts (the password form, the admin, `changepassword`, a password reset,
`set_unusable_password()`), and so does every way of setting `is_active` to false. Not a
change: Django storing a stronger hash of the same password when the user signs in (it saves
only `password`, after forgetting the raw password). `QuerySet.update()` sends no signals:
code that deactivates users in bulk must delete their tokens itself (none does today).
"""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from knox.models import get_token_model


def _is_rehash(user, update_fields):
    # AbstractBaseUser.check_password: set_password(), then _password = None, then
    # save(update_fields=["password"]).
    only_password = update_fields is not None and set(update_fields) == {"password"}
    return only_password and user._password is None


@receiver(pre_save, sender=get_user_model(), dispatch_uid="accounts.tokens_revoked_check")
def _note_credential_change(sender, instance, raw=False, update_fields=None, **kwargs):
    instance._revoke_tokens = False
    if raw or instance.pk is None:
        return
    if update_fields is not None and not {"password", "is_active"} & set(update_fields):
        return
    before = sender._default_manager.filter(pk=instance.pk).values("password", "is_active").first()
    if before is None:
        return
    password_changed = (before["password"] != instance.password
                        and not _is_rehash(instance, update_fields))
    deactivated = not instance.is_active  # (a token of an inactive account must not wake up)
    instance._revoke_tokens = password_changed or deactivated


@receiver(post_save, sender=get_user_model(), dispatch_uid="accounts.tokens_revoked")
def _revoke_tokens(sender, instance, raw=False, **kwargs):
    if getattr(instance, "_revoke_tokens", False):
        get_token_model().objects.filter(user=instance).delete()
        instance._revoke_tokens = False

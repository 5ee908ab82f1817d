"""The programme administrator may do everything, the admin included.

Django's admin asks for a model permission per model (`deals.change_deal`, ...). Rather than
keeping those per user, every active staff user (the programme administrator, see
deals/rules.py) has them all: the role is the permission. Superusers already have them.
"""

from dealmonitor.deals.rules import is_programme_admin


class ProgrammeAdminBackend:
    """Grants every permission to the programme administrator; authenticates nobody."""

    def authenticate(self, request, **credentials):
        return None

    def has_perm(self, user_obj, perm, obj=None):
        return is_programme_admin(user_obj)

    def has_module_perms(self, user_obj, app_label):
        return is_programme_admin(user_obj)

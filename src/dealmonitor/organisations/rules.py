"""Who may change the register. The register is the ground floor of the domain (deals build
on it, not the other way round), so its rule is written with django-rules' own predicates:
the system (`None`, the command line) or a programme administrator, an active staff member
or superuser: the same people as `deals.rules.is_programme_admin`."""

import rules


@rules.predicate
def is_system(user):
    return user is None


is_programme_admin = rules.is_active & (rules.is_staff | rules.is_superuser)

can_change_organisation = is_system | is_programme_admin

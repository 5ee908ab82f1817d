"""Helpers the learning pages share."""

from dealmonitor.deals import access

from .. import rules as learning_rules


def may_edit(request, deal):
    access.require(request.user, learning_rules.can_edit_learning, deal)


def form_errors(form, exc):
    if hasattr(exc, "message_dict"):
        for name, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(name if name in form.fields else None, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


def can_edit_learning(request, deal):
    return access.allowed(request.user, learning_rules.can_edit_learning, deal)

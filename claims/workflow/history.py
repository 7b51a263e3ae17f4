"""Tie each saved change to its author and reason in the models' history."""


def record(instance, user, reason):
    """Make the next save of ``instance`` log ``user`` and ``reason`` in its history."""
    instance._history_user = user
    instance._change_reason = reason
    return instance

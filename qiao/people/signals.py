"""Signals of the registry for code that writes people in bulk, bypassing the models' own signals."""

from django.dispatch import Signal

# sent by bulk paths (imports) with `person_ids`, inside the transaction that changed those people or
# their participations; receivers (the matching index) bring what they keep about them up to date
people_changed = Signal()

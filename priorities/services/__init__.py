"""Changes to priorities, aims and actions: each one whole or not at all, and none lost.

One module a concern; everything others import is re-exported here, so
`from priorities import services` and `services.action_create(...)` keep working.
Every change locks rows in one order, plan -> priority -> aim or action (see _locks).
"""

from priorities.services._locks import REMOVED_MESSAGE
from priorities.services.actions import (
    EDITED_FIELDS,
    ActionChangedMeanwhile,
    action_create,
    action_move,
    action_remove,
    action_restore,
    action_update,
    progress_record,
    status_before_removal,
)
from priorities.services.aims import aim_create, aim_delete, aim_move, aim_remove, aim_update
from priorities.services.priority_changes import (
    PriorityOwnership,
    priority_create,
    priority_move,
    priority_removal_refusal,
    priority_remove,
    priority_update,
)

__all__ = [
    "EDITED_FIELDS",
    "REMOVED_MESSAGE",
    "ActionChangedMeanwhile",
    "PriorityOwnership",
    "action_create",
    "action_move",
    "action_remove",
    "action_restore",
    "action_update",
    "aim_create",
    "aim_delete",
    "aim_move",
    "aim_remove",
    "aim_update",
    "priority_create",
    "priority_move",
    "priority_removal_refusal",
    "priority_remove",
    "priority_update",
    "progress_record",
    "status_before_removal",
]

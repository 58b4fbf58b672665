"""The service the UI and the CLI call on a saved DraftRecord, split by what the user does:
core.py (records, drafting, edits, regeneration, the fact plan, review, export), blocks.py
(one cause or measure drafted again), last_year.py, conversation.py (the chat) and
versions.py (history, undo, Word round trip).
Stateless work shared with the CLI is in app/service.py."""

from __future__ import annotations

from assistant.app.document import (  # noqa: F401 (re-exported for callers of the service)
    SECTION_LABELS,
    header_line,
    join_dimension_blocks,
    merge_screen_blocks,
    put_dimension,
    split_dimension_blocks,
    split_document,
)
from assistant.app.workspace.blocks import BlocksMixin
from assistant.app.workspace.conversation import ConversationMixin
from assistant.app.workspace.core import STREAM_ECHO, Act, WorkspaceCore  # noqa: F401
from assistant.app.workspace.last_year import LastYearMixin
from assistant.app.workspace.versions import VersionsMixin


class Workspace(BlocksMixin, ConversationMixin, VersionsMixin, LastYearMixin, WorkspaceCore):
    """One user's drafts and every action on them."""

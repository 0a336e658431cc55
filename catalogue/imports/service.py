"""One import operation, used by every edge (the organizer's confirm, the command line, the demo): take
the import lock, read, plan and apply the file, record it in the history. Flushes only; the edge commits,
which also releases the lock."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from flask import current_app

from catalogue.imports.apply import ImportResult, Progress, import_data, limits_from
from catalogue.imports.history import (
    COMMAND_LINE,
    ImportBatch,
    committed_with_checksum,
    exclusive_import,
    record_batch,
)


@dataclass(frozen=True)
class Actor:
    """Who imports: an organizer (their e-mail and id) or a command."""

    name: str = COMMAND_LINE
    organizer_id: int | None = None


@dataclass
class ImportOutcome:
    result: ImportResult
    checksum: str
    batch: ImportBatch | None = None  # the history entry; None when nothing was applied or nothing changed
    earlier: ImportBatch | None = None  # the last import of the same file, when this one changed nothing

    @property
    def applied(self) -> bool:
        return self.result.applied


def run_import(
    data: bytes,
    filename: str,
    actor: Actor = Actor(),
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    wait: bool = True,
) -> ImportOutcome:
    """Import a file all or nothing under the import lock (held until the caller's commit or rollback;
    locks.Busy if wait is False and another import runs). Raises UnreadableFile for a file that cannot be
    read; a file with bad rows is planned, not applied (outcome.result.plan.problems)."""
    checksum = hashlib.sha256(data).hexdigest()
    if not dry_run:
        exclusive_import(wait)
    result = import_data(data, filename, limits_from(current_app.config), dry_run, progress)
    outcome = ImportOutcome(result, checksum)
    if result.applied:
        outcome.earlier = committed_with_checksum(checksum)
        outcome.batch = record_batch(result, checksum, actor.name, actor.organizer_id)
    return outcome

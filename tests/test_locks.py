"""The deployment-wide lock taken in a transaction lasts until that transaction ends, on either database."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from catalogue.extensions import db
from catalogue.locks import IMPORT_LOCK, Busy, transaction_lock


@pytest.mark.parametrize("end", ["commit", "rollback", "close"])
def test_a_transaction_lock_is_held_until_its_transaction_ends(app, end):
    path = Path(app.instance_path) / "import.lock"
    first, second = Session(db.engine), Session(db.engine)
    try:
        transaction_lock(first, IMPORT_LOCK, path)
        transaction_lock(first, IMPORT_LOCK, path)  # taking it again in the same transaction is a no-op
        with pytest.raises(Busy):
            transaction_lock(second, IMPORT_LOCK, path, wait=False)
        second.rollback()
        getattr(first, end)()
        transaction_lock(second, IMPORT_LOCK, path, wait=False)  # free now
        with pytest.raises(Busy):
            transaction_lock(first, IMPORT_LOCK, path, wait=False)
    finally:
        first.close()
        second.close()

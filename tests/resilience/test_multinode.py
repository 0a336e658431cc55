"""Two app nodes (each its own index directory and instance folder) against one database."""

from __future__ import annotations

import logging
import subprocess
import time

import pytest

from tests.resilience.nodes import exhibitor_list, flask, flask_command, node_env, search_total

pytestmark = pytest.mark.resilience
log = logging.getLogger(__name__)

VISIBLE_WITHIN = 60.0  # seconds from the import's commit: generous, for a loaded CI machine (the latency is logged)


def test_an_import_on_node_one_is_searchable_on_node_two(shared_app, tmp_path, servers):
    envs = {name: node_env(shared_app, tmp_path / name) for name in ("node1", "node2")}
    node1, node2 = (servers(env, name) for name, env in envs.items())
    node1.wait_ready()
    node2.wait_ready()
    assert search_total(node2.port, "chip") > 0  # node 2 built its own index from the database
    assert search_total(node2.port, "Nodexa") == 0

    csv = exhibitor_list(tmp_path / "nodexa.csv", "Nodexa", enterprises=2, exhibits_each=3)
    imported = flask(envs["node1"], "import", str(csv))
    committed = time.monotonic()
    assert imported.returncode == 0, imported.stderr
    assert "Imported" in imported.stdout

    totals = []
    while time.monotonic() - committed < VISIBLE_WITHIN:
        totals.append(search_total(node2.port, "Nodexa", type="exhibit"))
        if totals[-1] == 6:
            break
        time.sleep(0.05)
    latency = time.monotonic() - committed
    log.info("node 2 found node 1's import %.2f s after the import command exited (%d polls)", latency,
             len(totals))
    assert totals[-1] == 6, f"node 2 did not find node 1's import within {VISIBLE_WITHIN:.0f} s: {totals[-5:]}"
    assert search_total(node1.port, "Nodexa", type="exhibit") == 6

    # Both nodes' indexes agree with the database (check-index reads each node's own directory).
    checks = [subprocess.Popen(flask_command("check-index"), env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True) for env in envs.values()]
    try:
        outcomes = [check.communicate(timeout=120) for check in checks]
    finally:
        for check in checks:
            if check.poll() is None:
                check.kill()
                check.wait()
    for check, (out, err) in zip(checks, outcomes, strict=True):
        assert check.returncode == 0, out + err
        assert "matches the database" in out
    assert "database is locked" not in node1.log() + node2.log()

"""One instance per store: a second start brings the first window to the front."""

from __future__ import annotations

from pathlib import Path

from mdbtriage.ui.single_instance import InstanceServer, activate_running, instance_key


def test_key_is_per_store_and_independent_of_spelling(tmp_path):
    a = tmp_path / "a.sqlite3"
    assert instance_key(a) == instance_key(Path(str(tmp_path) + "/./a.sqlite3"))
    assert instance_key(a) != instance_key(tmp_path / "b.sqlite3")


def test_second_start_activates_the_first(qtbot, tmp_path):
    key = instance_key(tmp_path / "store.sqlite3")
    assert not activate_running(key)
    server = InstanceServer(key)
    assert server.listen()
    try:
        with qtbot.waitSignal(server.activate, timeout=3000):
            assert activate_running(key)
        other = instance_key(tmp_path / "ander.sqlite3")
        assert not activate_running(other)
    finally:
        server.close()


def test_stale_socket_is_taken_over(qtbot, tmp_path):
    key = instance_key(tmp_path / "store.sqlite3")
    first = InstanceServer(key)
    assert first.listen()
    first.close()
    second = InstanceServer(key)
    assert second.listen()
    second.close()

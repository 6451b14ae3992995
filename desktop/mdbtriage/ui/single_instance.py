"""One running instance per store: a local socket named after the store path.

A second start on the same store connects, asks the first instance to bring its window to the
front, and stops. A socket name left behind by a crashed instance is removed and taken over.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

CONNECT_TIMEOUT_MS = 500
MESSAGE = b"activate\n"


def instance_key(store_path: Path) -> str:
    """A socket name unique to the store file (resolved, so two spellings of a path agree)."""
    resolved = str(Path(store_path).expanduser().resolve())
    return "mdb-triage-" + hashlib.sha256(resolved.encode("utf-8")).hexdigest()[:20]


def activate_running(key: str) -> bool:
    """Ask a running instance to come to the front; True when one answered."""
    socket = QLocalSocket()
    socket.connectToServer(key)
    if not socket.waitForConnected(CONNECT_TIMEOUT_MS):
        return False
    socket.write(MESSAGE)
    socket.flush()
    socket.waitForBytesWritten(CONNECT_TIMEOUT_MS)
    socket.disconnectFromServer()
    return True


class InstanceServer(QObject):
    """Listens for later starts on the same store and emits ``activate`` for each."""

    activate = Signal()

    def __init__(self, key: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.newConnection.connect(self._connected)

    def listen(self) -> bool:
        if self.server.listen(self.key):
            return True
        # A name left behind by a crashed instance: nobody answers it, so take it over.
        QLocalServer.removeServer(self.key)
        return self.server.listen(self.key)

    def _connected(self) -> None:
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            # The socket stays a child of the server and goes with it.
            socket.readyRead.connect(lambda s=socket: self._read(s))
            if socket.bytesAvailable():
                self._read(socket)

    def _read(self, socket: QLocalSocket) -> None:
        if bytes(socket.readAll().data()).strip():
            self.activate.emit()

    def close(self) -> None:
        self.server.close()

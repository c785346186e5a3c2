"""Block the network, but not this machine: the proof that the course runs offline.

``install()`` patches Python's ``socket`` module so that every connection to an address outside
the loopback range and every host-name lookup other than ``localhost`` raises ``NetworkBlocked``
with a message saying what was attempted. Connections to 127.0.0.0/8, ``::1`` and Unix sockets
still work: Jupyter kernels, test servers and TensorBoard all live on this machine.

The test command installs it twice: in pytest (``conftest.py``) and in every Jupyter kernel the
tests start, through an IPython startup file (``use_offline_kernels``). A notebook cell that
really needs the internet is tagged ``online`` (with ``skip-execution`` and ``nbval-skip``) and
never runs under the tests.

    >>> import socket
    >>> install()
    >>> socket.getaddrinfo("localhost", 80)[0][4][0] in ("127.0.0.1", "::1")
    True
    >>> try:
    ...     socket.create_connection(("192.0.2.1", 80), timeout=1)
    ... except ConnectionError as error:
    ...     print(error)  # doctest: +ELLIPSIS
    network access is blocked (the course runs offline): connect to 192.0.2.1 port 80. Tag ...
"""

from __future__ import annotations

import atexit
import ipaddress
import os
import shutil
import socket
import tempfile
from pathlib import Path

LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})
STARTUP_FILE = "00-course-offline.py"


class NetworkBlocked(ConnectionRefusedError, socket.gaierror):
    """Raised instead of reaching the network. It is a ``ConnectionRefusedError`` and a
    ``socket.gaierror``, so code that handles a missing network handles this too."""


def _blocked(what: str) -> NetworkBlocked:
    return NetworkBlocked(
        f"network access is blocked (the course runs offline): {what}. "
        'Tag the cell "online" if it needs the internet.'
    )


def is_local_host(host: object) -> bool:
    """True for a loopback or unspecified address, or a name of this machine's loopback.

    >>> is_local_host("127.0.0.1"), is_local_host("::1"), is_local_host("localhost")
    (True, True, True)
    >>> is_local_host("10.0.0.1"), is_local_host("pypi.org")
    (False, False)
    """
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    name = host.split("%", 1)[0].strip("[]").rstrip(".").lower()
    if name in ("",) or name in LOCAL_NAMES:
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def _is_address_literal(host: object) -> bool:
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    try:
        ipaddress.ip_address(str(host).split("%", 1)[0])
    except ValueError:
        return False
    return True


def _check_address(sock: socket.socket, address: object, action: str) -> None:
    if sock.family not in (socket.AF_INET, socket.AF_INET6):
        return  # Unix sockets, netlink: never the network
    host = address[0] if isinstance(address, tuple) and address else address
    if not is_local_host(host):
        port = address[1] if isinstance(address, tuple) and len(address) > 1 else "?"
        raise _blocked(f"{action} {host} port {port}")


_ORIGINALS = "_course_netguard_originals"
"""Attribute of the socket module holding the real functions while the guard is installed
(on the module, so that two imports of this file under different names share it)."""

_GUARDED_METHODS = {
    # method: where its address argument sits, and what the call does
    "connect": (lambda args: args[0] if args else None, "connect to"),
    "connect_ex": (lambda args: args[0] if args else None, "connect to"),
    "sendto": (lambda args: args[-1] if len(args) > 1 else None, "send to"),
    "sendmsg": (lambda args: args[3] if len(args) > 3 else None, "send to"),
}
_GUARDED_LOOKUPS = ("getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr")


def _guard_method(name: str, originals: dict) -> None:
    original = originals[name] = getattr(socket.socket, name)
    address_of, action = _GUARDED_METHODS[name]

    def guarded(self, *args, **kwargs):
        address = address_of(args)
        if address is not None:
            _check_address(self, address, action)
        return original(self, *args, **kwargs)

    guarded.__name__ = guarded.__qualname__ = name
    setattr(socket.socket, name, guarded)


def _guard_lookup(name: str, originals: dict) -> None:
    original = originals[name] = getattr(socket, name)

    def guarded(host, *args, **kwargs):
        if not (is_local_host(host) or _is_address_literal(host)):
            raise _blocked(f"look up the host name {host!r}")
        return original(host, *args, **kwargs)

    guarded.__name__ = guarded.__qualname__ = name
    setattr(socket, name, guarded)


def install() -> None:
    """Block connections and host-name lookups that would leave this machine (idempotent)."""
    if is_installed():
        return
    originals: dict[str, object] = {}
    for name in _GUARDED_METHODS:
        _guard_method(name, originals)
    for name in _GUARDED_LOOKUPS:
        _guard_lookup(name, originals)
    setattr(socket, _ORIGINALS, originals)


def is_installed() -> bool:
    """True while the guard is installed in this process."""
    return hasattr(socket, _ORIGINALS)


def uninstall() -> None:
    """Restore the real socket functions (for tests of the guard itself)."""
    originals = getattr(socket, _ORIGINALS, {})
    for name, original in originals.items():
        setattr(socket.socket if name in _GUARDED_METHODS else socket, name, original)
    if hasattr(socket, _ORIGINALS):
        delattr(socket, _ORIGINALS)


def write_ipython_startup(ipython_dir: Path) -> Path:
    """Write an IPython startup file into ``ipython_dir`` that installs this guard in every
    kernel started with ``IPYTHONDIR=ipython_dir``; return the file's path."""
    startup = Path(ipython_dir) / "profile_default" / "startup" / STARTUP_FILE
    startup.parent.mkdir(parents=True, exist_ok=True)
    startup.write_text(
        "# Written by tools/netguard.py: the course's tests run every kernel offline.\n"
        "import importlib.util as _util\n\n"
        f"_spec = _util.spec_from_file_location('course_netguard', {str(Path(__file__))!r})\n"
        "_module = _util.module_from_spec(_spec)\n"
        "_spec.loader.exec_module(_module)\n"
        "_module.install()\n"
        "del _util, _spec, _module\n",
        encoding="utf-8",
    )
    return startup


def use_offline_kernels() -> Path:
    """Point ``IPYTHONDIR`` (for this process and the kernels it starts) at a new folder whose
    startup file installs the guard; the folder is removed when this process exits."""
    path = Path(tempfile.mkdtemp(prefix="course-ipython-"))
    write_ipython_startup(path)
    os.environ["IPYTHONDIR"] = str(path)
    atexit.register(shutil.rmtree, path, True)
    return path

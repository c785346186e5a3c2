"""The test command runs offline: the network is blocked in pytest and in every kernel it starts
(tools/netguard.py, installed by conftest.py), loopback stays open, and the few cells that need
the internet are tagged ``online``, skipped, and listed in the README."""

import re
import socket
import socketserver
import threading
import urllib.error
import urllib.request

import nbformat
import pytest
from fake_datasets import serve_folder
from nbval.kernel import CURRENT_ENV_KERNEL_NAME, start_new_kernel

from tools import nbtools, netguard

BLOCKED = "network access is blocked (the course runs offline)"
TEST_NET = "192.0.2.1"  # TEST-NET-1 (RFC 5737): reserved for examples, never routed


@pytest.fixture
def echo_server():
    """A TCP server on 127.0.0.1 that answers each line with the same line."""

    class Echo(socketserver.StreamRequestHandler):
        def handle(self):
            self.wfile.write(self.rfile.readline())

    with socketserver.TCPServer(("127.0.0.1", 0), Echo) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield server.server_address[1]
        server.shutdown()
        thread.join(5)


def test_the_guard_is_installed_in_the_test_process():
    assert netguard.is_installed()


@pytest.mark.parametrize(
    "attempt, message",
    [
        (lambda: socket.create_connection((TEST_NET, 443), timeout=1), f"connect to {TEST_NET}"),
        (lambda: socket.create_connection(("pypi.org", 443), timeout=1), "'pypi.org'"),
        (lambda: socket.getaddrinfo("example.com", 80), "look up the host name 'example.com'"),
        (lambda: socket.gethostbyname("example.com"), "look up the host name 'example.com'"),
        (lambda: socket.socket().connect_ex(("2001:db8::1", 80)), "connect to 2001:db8::1"),
        (
            lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", (TEST_NET, 53)),
            f"send to {TEST_NET} port 53",
        ),
    ],
    ids=["ip", "name", "getaddrinfo", "gethostbyname", "connect_ex", "udp"],
)
def test_leaving_the_machine_is_blocked_with_a_clear_message(attempt, message):
    with pytest.raises(netguard.NetworkBlocked) as caught:
        attempt()
    assert BLOCKED in str(caught.value) and message in str(caught.value)
    assert 'Tag the cell "online"' in str(caught.value)


def test_a_blocked_download_is_an_ordinary_network_error():
    with pytest.raises(urllib.error.URLError, match="blocked") as caught:
        urllib.request.urlopen("https://download.pytorch.org/models/resnet18.pth", timeout=1)
    assert isinstance(caught.value.reason, (ConnectionError, socket.gaierror))


def test_loopback_stays_open(echo_server):
    for host in ("127.0.0.1", "localhost"):
        with socket.create_connection((host, echo_server), timeout=5) as connection:
            connection.sendall(b"hello\n")
            assert connection.makefile("rb").readline() == b"hello\n"


def test_a_local_web_server_stays_reachable(tmp_path):
    (tmp_path / "weights.txt").write_text("local file")
    with serve_folder(tmp_path) as base:
        url = base.replace("127.0.0.1", "localhost") + "weights.txt"  # a name, looked up
        with urllib.request.urlopen(url, timeout=5) as answer:
            assert answer.read() == b"local file"


@pytest.mark.parametrize(
    "host, local",
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("LOCALHOST.", True),
        ("", True),
        ("0.0.0.0", True),
        (b"127.0.0.1", True),
        ("10.0.0.1", False),
        ("192.168.1.1", False),
        ("8.8.8.8", False),
        ("2001:db8::1", False),
        ("localhost.example.com", False),
        ("pypi.org", False),
        (42, False),
    ],
)
def test_what_counts_as_this_machine(host, local):
    assert netguard.is_local_host(host) is local


def test_uninstall_restores_the_real_functions_and_install_is_idempotent():
    guarded = socket.socket.connect, socket.getaddrinfo
    netguard.install()  # a second install changes nothing
    assert (socket.socket.connect, socket.getaddrinfo) == guarded
    try:
        netguard.uninstall()
        assert not netguard.is_installed()
        assert socket.socket.connect is not guarded[0]
        assert socket.getaddrinfo is not guarded[1]
    finally:
        netguard.install()
    assert netguard.is_installed()


def test_every_kernel_the_tests_start_is_offline_too(echo_server):
    """The kernel is started exactly as nbval starts the chapters' kernels."""
    kernel_manager, client = start_new_kernel(kernel_name=CURRENT_ENV_KERNEL_NAME)
    shown = []

    def collect(message):
        content = message["content"]
        shown.append(content.get("text", "") + content.get("data", {}).get("text/plain", ""))

    code = f"""
import socket, urllib.request
for attempt in (
    lambda: socket.create_connection(("{TEST_NET}", 80), timeout=1),
    lambda: urllib.request.urlopen("https://pypi.org/simple/torch/", timeout=1),
):
    try:
        attempt()
        print("REACHED THE NETWORK")
    except OSError as error:
        print(type(error).__name__, error)
with socket.create_connection(("127.0.0.1", {echo_server}), timeout=5) as connection:
    connection.sendall(b"loopback works\\n")
    print(connection.makefile("rb").readline().decode().strip())
"""
    try:
        reply = client.execute_interactive(code, output_hook=collect, timeout=60)
    finally:
        client.stop_channels()
        kernel_manager.shutdown_kernel(now=True)
    output = "".join(shown)
    assert reply["content"]["status"] == "ok", output
    assert "REACHED THE NETWORK" not in output
    assert f"NetworkBlocked {BLOCKED}: connect to {TEST_NET} port 80" in output
    assert "URLError <urlopen error " + BLOCKED in output and "'pypi.org'" in output
    assert "loopback works" in output


# --- online cells: skipped by tag, listed in the README -------------------------------------

ONLINE_SECTION = "## Cells that need the internet"


def first_code_line(source: str) -> str:
    """The first line of a cell that is neither blank nor a comment."""
    lines = [line.strip() for line in source.splitlines()]
    return next((line for line in lines if line and not line.startswith("#")), "")


def online_cells(paths) -> list[tuple[str, str]]:
    """(chapter stem, first code line) of every cell tagged ``online``."""
    return [
        (path.stem, first_code_line(cell.source))
        for path in paths
        for cell in nbformat.read(path, as_version=4).cells
        if cell.cell_type == "code" and nbtools.ONLINE_TAG in nbtools.tags(cell)
    ]


def listed_cells(readme: str) -> list[tuple[str, str]]:
    """(chapter stem, first code line) of each row of the README's table of online cells."""
    section = readme.split(ONLINE_SECTION, 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\|\s*(?:\[)?(\d\d_\w+)[^|]*\|\s*`([^`]+)`", section, flags=re.M)
    return [(stem, line.strip()) for stem, line in rows]


def online_listing_problems(paths, readme: str) -> list[str]:
    """Online cells missing from the README's table, and rows naming no such cell."""
    if ONLINE_SECTION not in readme:
        return [f"the README needs a section '{ONLINE_SECTION}'"]
    cells, listed = online_cells(paths), listed_cells(readme)
    return [
        f"add this row to the README's table: | {stem} | `{line}` | what it needs |"
        for stem, line in cells
        if (stem, line) not in listed
    ] + [
        f"the README lists `{line}` in {stem}, but no online cell starts so"
        for stem, line in listed
        if (stem, line) not in cells
    ]


def test_the_readme_lists_every_online_cell():
    readme = (nbtools.ROOT / "README.md").read_text(encoding="utf-8")
    assert online_listing_problems(nbtools.chapter_paths(), readme) == []


def test_the_listing_check_can_fail(tmp_path):
    nb = nbformat.v4.new_notebook()
    online = nbformat.v4.new_code_cell(
        "# needs the internet\ntrain = datasets.FashionMNIST(root, download=True)"
    )
    online.metadata["tags"] = ["online", "skip-execution", "nbval-skip"]
    nb.cells = [nbformat.v4.new_code_cell("x = 1"), online]
    path = tmp_path / "08_training_loop.ipynb"
    nbformat.write(nb, path)
    empty = f"{ONLINE_SECTION}\n\nNone yet.\n\n## Next\n"
    listed = (
        f"{ONLINE_SECTION}\n\n| chapter | cell | needs |\n|---|---|---|\n"
        "| [08_training_loop](chapters/08_training_loop.ipynb) "
        "| `train = datasets.FashionMNIST(root, download=True)` | FashionMNIST |\n"
    )
    stale = listed.replace("08_training_loop](", "09_cnn](").replace("| [08", "| [09")
    assert online_listing_problems([path], empty) == [
        "add this row to the README's table: | 08_training_loop "
        "| `train = datasets.FashionMNIST(root, download=True)` | what it needs |"
    ]
    assert online_listing_problems([path], listed) == []
    assert len(online_listing_problems([path], stale)) == 2
    assert online_listing_problems([path], "# README\n") != []

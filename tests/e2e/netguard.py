"""Run ``streamlit run ...`` with every attempt to reach another machine refused and written down.

Used by test_nothing_calls_out.py: ``python tests/e2e/netguard.py LOG run app.py ...``.
A Python audit hook sees every ``socket.connect``, ``socket.sendto`` and
``socket.getaddrinfo`` the server makes (Streamlit's own code, the libraries it
loads, ours); any whose address is not this machine is appended to LOG and fails
loudly (OSError), so nothing gets out even if the test is about to fail.
"""

from __future__ import annotations

import ipaddress
import runpy
import sys

LOG = sys.argv[1]


def _is_this_machine(host) -> bool:
    if host in (None, "", b"", "localhost", b"localhost"):
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    try:
        address = ipaddress.ip_address(str(host).split("%")[0])
    except ValueError:
        return False  # a name to look up somewhere
    return address.is_loopback or address.is_unspecified


def _guard(event: str, args: tuple) -> None:
    if event == "socket.getaddrinfo":
        host = args[0]
    elif event in ("socket.connect", "socket.sendto"):
        address = args[1]
        if not isinstance(address, tuple):
            return  # a Unix socket: this machine
        host = address[0]
    else:
        return
    if _is_this_machine(host):
        return
    with open(LOG, "a", encoding="utf-8") as log:
        log.write(f"{event} {host}\n")
    raise OSError(f"netguard: {event} to {host} refused (nothing may leave this machine)")


sys.addaudithook(_guard)
sys.argv = ["streamlit", *sys.argv[2:]]
runpy.run_module("streamlit", run_name="__main__", alter_sys=True)

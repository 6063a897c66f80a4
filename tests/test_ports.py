"""`rag up` and `rag serve` refuse a port they cannot listen on, naming the setting."""

from __future__ import annotations

import socket

import pytest

from rag.config import Settings
from rag.supervisor import PortInUse, bind_port, check_ports


def test_a_taken_port_names_the_setting_to_change() -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        with pytest.raises(PortInUse, match=f"^port {port} is already in use: set API_PORT$"):
            bind_port("127.0.0.1", port, "API")
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None, API_HOST="127.0.0.1", UI_HOST="127.0.0.1", UI_PORT=port
        )
        with pytest.raises(PortInUse, match="set UI_PORT"):
            check_ports(settings)
    free = bind_port("127.0.0.1", port, "API")  # released: free again at once
    free.close()


def test_same_port_twice_and_an_address_that_cannot_be_bound() -> None:
    same = Settings(_env_file=None, API_PORT=8765, UI_PORT=8765)  # type: ignore[call-arg]
    with pytest.raises(PortInUse, match="API_PORT and UI_PORT are both 8765"):
        check_ports(same)
    with pytest.raises(PortInUse, match=r"cannot listen on 256\.0\.0\.1:8765 .*check API_HOST"):
        bind_port("256.0.0.1", 8765, "API")


def test_each_api_worker_gets_its_own_socket_on_the_port_and_a_taken_port_stops_it() -> None:
    """What uvicorn's worker arguments unpickle as (rag.api.server.run_uvicorn): a fresh
    socket per worker on the same port, with Nagle off, so the kernel spreads connections."""
    import pickle

    from rag.api.server import _ReusePortListener

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    listener = pickle.dumps(_ReusePortListener("127.0.0.1", port))
    first, second = pickle.loads(listener), pickle.loads(listener)
    try:
        assert first.fileno() != second.fileno()
        for sock in (first, second):
            sock.listen()
            assert sock.getsockname() == ("127.0.0.1", port)
            assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
            assert sock.proto == socket.IPPROTO_TCP  # asyncio sets TCP_NODELAY on accepts
    finally:
        first.close()
        second.close()
    with socket.socket() as holder:  # another program's socket, without SO_REUSEPORT
        holder.bind(("127.0.0.1", port))
        holder.listen()
        with pytest.raises(SystemExit) as exit_info:
            pickle.loads(listener)
    assert exit_info.value.code == 3  # uvicorn's STARTUP_FAILURE: stop, do not restart

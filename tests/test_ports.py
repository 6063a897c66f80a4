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


def test_api_connections_have_nagle_off_whatever_socket_uvicorn_listens_on() -> None:
    """The socket uvicorn binds for API_WORKERS > 1 has protocol number 0, on which asyncio
    leaves Nagle's algorithm on; `rag serve`'s HTTP protocol turns it off itself."""
    import asyncio

    from uvicorn.config import Config
    from uvicorn.server import ServerState

    from rag.api.server import NoDelayH11Protocol

    async def app(scope: object, receive: object, send: object) -> None:
        return None

    config = Config(app)
    config.load()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0) as listener:  # as uvicorn's
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        client = socket.create_connection(listener.getsockname())
        accepted, _ = listener.accept()
        with client:
            assert not accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)

            async def serve() -> bool:
                protocol = NoDelayH11Protocol(config, ServerState(), app_state={})
                transport, _ = await asyncio.get_running_loop().connect_accepted_socket(
                    lambda: protocol, accepted
                )
                nagle_off = bool(accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                transport.close()
                return nagle_off

            assert asyncio.run(serve())


def test_an_api_worker_accepts_one_waiting_connection_at_a_time() -> None:
    """API_WORKERS share one listening socket: a worker takes one connection each time it
    is woken, leaving the rest of a burst to the others (asyncio takes up to 100)."""
    import asyncio

    from rag.api.server import FairAcceptLoop

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.setblocking(False)
        clients = [socket.create_connection(listener.getsockname()) for _ in range(3)]
        loop = FairAcceptLoop()
        try:
            # what the loop runs when the socket is readable (sslcontext, server, backlog)
            loop._accept_connection(asyncio.Protocol, listener, None, None, 100)
            loop.run_until_complete(asyncio.sleep(0))
            left = []
            for _ in range(3):
                try:
                    left.append(listener.accept()[0])
                except BlockingIOError:
                    break
            assert len(left) == 2  # one taken, two still waiting for a worker
        finally:
            loop.close()
            for sock in [*clients, *left]:
                sock.close()

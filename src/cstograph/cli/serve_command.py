from __future__ import annotations

import ipaddress
import signal
import sys
from typing import Annotated

import typer

from cstograph.cli.common import PathsArgument, StoreOption, error, fail, open_graph, user_errors


def serve(
    paths: PathsArgument = None,
    store: StoreOption = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port (0 picks a free one and prints it).")] = 7878,
    timeout: Annotated[
        float, typer.Option("--timeout", help="Seconds before a query gets 503 (its worker process is then replaced).")
    ] = 30.0,
    limit: Annotated[int, typer.Option("--limit", help="At most this many rows or triples per answer.")] = 10_000,
    workers: Annotated[int, typer.Option("--workers", help="Worker processes: queries evaluated at the same time.")] = 4,
    allow_network: Annotated[
        bool, typer.Option("--allow-network", help="Allow SERVICE, FROM and FROM NAMED (they may fetch remote data).")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", help="Do not log each request.")] = False,
    max_connections: Annotated[
        int, typer.Option("--max-connections", help="Open connections at once; more get 503 and are closed.")
    ] = 64,
    request_deadline: Annotated[
        float, typer.Option("--request-deadline", help="Seconds a client has to send a whole request (line, headers, "
                            "body); past it the connection is closed.")
    ] = 10.0,
    light_workers: Annotated[
        int, typer.Option("--light-workers", help="Worker processes kept for quick queries: they run a query only "
                          "while every other worker is busy, for --light-seconds at most (0: none).")
    ] = 1,
    light_seconds: Annotated[
        float, typer.Option("--light-seconds", help="Seconds a query may run on a light worker before it waits "
                            "for a general one.")
    ] = 1.0,
    memory_limit: Annotated[
        str | None,
        typer.Option("--memory-limit", help="Bound on each worker's memory, such as 4G or 512M (0: none); a query "
                     "past it gets 503. Default: $CSTOGRAPH_QUERY_MEMORY, else 4G.", show_default=False),
    ] = None,
) -> None:
    """Serve the data as a read-only SPARQL 1.1 endpoint at http://HOST:PORT/sparql.

    Its default graph is the undisputed data (account graphs reachable with GRAPH); each
    account's view has its own endpoint, /accounts/NAME/sparql (listed by GET /accounts).
    Updates and LOAD are refused; SERVICE, FROM and FROM NAMED too unless --allow-network.
    Stop it with Ctrl-C.

    Example: cstograph serve --store cg-store --port 7878
    """
    from cstograph.engines.serve import ServeSettings, make_server

    if not (0 < timeout < 1e6 and 0 < request_deadline < 1e6) or limit < 1 or workers < 1 or max_connections < 1:
        fail("--timeout, --limit, --workers, --max-connections and --request-deadline must be positive")
    if light_workers < 0 or light_workers > 64 or not 0 < light_seconds < 1e6:
        fail("--light-workers must be 0-64 and --light-seconds positive")
    if not 0 <= port <= 65535:
        fail(f"--port {port} is not a port", hint="give 1-65535, or 0 for a free one")
    with user_errors():
        from cstograph.engines.sandbox import parse_memory

        memory = parse_memory(memory_limit)
        kg = open_graph(paths, "oxigraph", store, None)
        accounts = kg.accounts
    try:
        is_loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        is_loopback = host == "localhost"
    if not is_loopback:
        error(f"listening on {host}: the endpoint is reachable from other machines")
    settings = ServeSettings(timeout=timeout, limit=limit, allow_network=allow_network, workers=workers,
                             memory=memory, max_connections=max_connections, request_deadline=request_deadline,
                             light_workers=light_workers, light_seconds=light_seconds)
    store_path = pin = None
    if store is not None:
        from cstograph.engines.store import pin_version, read_store_info

        with user_errors():  # the version served stays on disk while serve runs (workers reopen it)
            version, pin = pin_version(store)
            store_path = read_store_info(version).path
    try:
        server, service = make_server(kg.data.store, host, port, settings, quiet=quiet, accounts=accounts,
                                      store_path=store_path)
    except OSError as exc:
        if pin is not None:
            pin.unlink(missing_ok=True)
        fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}")
    signal.signal(signal.SIGTERM, _interrupt)  # a terminated server stops its workers too
    bound_host, bound_port = server.server_address[:2]
    typer.echo(f"Serving {kg.data.description} at http://{bound_host}:{bound_port}/sparql (read-only; Ctrl-C stops)")
    for path, account in service.accounts.items():
        typer.echo(f"  {account.label}: http://{bound_host}:{bound_port}{path}")
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        service.close()
        if pin is not None:
            pin.unlink(missing_ok=True)


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt

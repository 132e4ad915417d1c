"""Benchmark 7: CPU per request of the suite's HTTP client and httpx, direct and through a proxy.

Issue 15 asked for proxies, CA bundles and client certificates in the suite, preferring a
well-kept client library over extending the hand-written one "unless measurement shows it costs
more than a tenth of a conformance run against the sandbox". This measures both in this process,
against servers in other processes (so only the client's CPU is counted), on warm keep-alive
connections, alternating contenders every round:

- `h11`: the suite's `HttpExchanger` (h11 over asyncio streams, the event loop driven from the
  calling thread, `asyncio.timeout` as the overall deadline), with `NetworkSettings`;
- `httpx-async`: httpx's `AsyncClient` driven exactly the same way (same loop, same deadline):
  the library doing what the suite needs (an overall deadline a dripping server cannot defeat);
- `httpx-sync`: httpx's `Client`, for reference (its timeouts are per phase, not overall).

Each on three routes: plain http direct; https with a client certificate direct; https with a
client certificate through tinyproxy (`CONNECT` tunnel), the server's certificate verified
against a trustme CA. The sandbox serves TLS with `--tls-cert`/`--tls-client-ca`.

Goal: the extra CPU of the library over one `ci` run (957 requests in 5.69 s, README figure 5;
`--ci-requests`, `--ci-seconds`) is more than a tenth of that run: if it holds, the suite keeps
its own client (with the CONNECT tunnel and TLS options added to it).

    python benchmarks/bench_http_client.py [--quick]   # needs tinyproxy and trustme
"""

from __future__ import annotations

import asyncio
import os
import ssl
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the `benchmarks` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import _output as output
from benchmarks._measure import Goal, alternate, summarise_each
from benchmarks._payloads import bulk_request
from benchmarks._processes import LOOPBACK, ServerProcess, free_port
from benchmarks._sandbox import AUTHORIZATION_ENV, ENDPOINT_PATH, bench_credential, sandbox_process
from sms_acceptance import encode_json

NAME = "http_client"
GOAL_SHARE = 0.10
CI_REQUESTS = 957  # README, benchmark 5: `pytest conformance --hypothesis-profile ci`
CI_SECONDS = 5.69
ROUTES = ("http direct", "https+mTLS direct", "https+mTLS via proxy")
CLIENTS = ("h11", "httpx-async", "httpx-sync")


def _certificates(folder: Path) -> dict[str, Path]:
    try:
        import trustme
    except ImportError:
        raise output.BenchmarkError("trustme is not installed (pip install -e '.[test]')") from None
    server_ca = trustme.CA()
    server_ca.cert_pem.write_to_path(str(folder / "ca.pem"))
    server = server_ca.issue_cert("localhost", LOOPBACK)
    server.private_key_and_cert_chain_pem.write_to_path(str(folder / "server.pem"))
    client_ca = trustme.CA()
    client_ca.cert_pem.write_to_path(str(folder / "client-ca.pem"))
    client_ca.issue_cert("bench-client").private_key_and_cert_chain_pem.write_to_path(
        str(folder / "client.pem")
    )
    return {name: folder / f"{name}.pem" for name in ("ca", "server", "client-ca", "client")}


def _tls_sandbox(temp: Path, credential: str, files: dict[str, Path]) -> ServerProcess:
    port = free_port()
    argv = [
        sys.executable, "-m", "sms_acceptance.sandbox", "--host", LOOPBACK, "--port", str(port),
        "--log-level", "warning", "--tls-cert", str(files["server"]),
        "--tls-client-ca", str(files["client-ca"]),
    ]  # fmt: skip
    env = {**os.environ, AUTHORIZATION_ENV: credential}
    return ServerProcess(argv, port=port, what="tls sandbox", log_path=temp / "tls.log", env=env)


def _tinyproxy(temp: Path, executable: str) -> ServerProcess:
    port = free_port()
    config = temp / "tinyproxy.conf"
    config.write_text(
        f'Port {port}\nListen {LOOPBACK}\nTimeout 60\nLogFile "{temp / "proxy.log"}"\n'
        f"LogLevel Connect\nMaxClients 16\nAllow {LOOPBACK}\n",
        encoding="utf-8",
    )
    return ServerProcess(
        [executable, "-d", "-c", str(config)], port=port, what="tinyproxy",
        log_path=temp / "tinyproxy.out",
    )  # fmt: skip


Send = Callable[[], int]


def _h11(url: str, credential: str, network: Any) -> tuple[Send, Callable[[], None]]:
    from sms_acceptance.conformance import CONFIGURED, HttpExchanger, ReceivedResponse

    exchanger = HttpExchanger(url, authorization=credential, request_timeout=10, network=network)
    body = encode_json(bulk_request(1, messages=1))

    def send() -> int:
        outcome = exchanger.send(body, CONFIGURED).outcome
        if not isinstance(outcome, ReceivedResponse):
            raise output.BenchmarkError(f"h11 client: {outcome.message}")
        return outcome.status

    return send, exchanger.close


def _httpx_async(
    url: str, credential: str, proxy: str | None, context: ssl.SSLContext | None
) -> tuple[Send, Callable[[], None]]:
    import httpx

    loop = asyncio.new_event_loop()
    client = httpx.AsyncClient(
        proxy=proxy, verify=context if context is not None else True, trust_env=False
    )
    body = encode_json(bulk_request(1, messages=1))
    headers = {"Authorization": credential, "Content-Type": "application/json"}

    async def post() -> int:
        async with asyncio.timeout(10):
            response = await client.post(url, content=body, headers=headers)
            return response.status_code

    def send() -> int:
        return loop.run_until_complete(post())

    def close() -> None:
        loop.run_until_complete(client.aclose())
        loop.close()

    return send, close


def _httpx_sync(
    url: str, credential: str, proxy: str | None, context: ssl.SSLContext | None
) -> tuple[Send, Callable[[], None]]:
    import httpx

    client = httpx.Client(
        proxy=proxy, verify=context if context is not None else True, trust_env=False, timeout=10
    )
    body = encode_json(bulk_request(1, messages=1))
    headers = {"Authorization": credential, "Content-Type": "application/json"}

    def send() -> int:
        return client.post(url, content=body, headers=headers).status_code

    return send, client.close


def _cpu_sampler(send: Send, requests: int) -> Callable[[], float]:
    """One sample: CPU µs of this process per request, over `requests` requests."""

    def sample() -> float:
        started = time.process_time()
        for _ in range(requests):
            if send() != 200:
                raise output.BenchmarkError("the sandbox did not accept the benchmark's request")
        return (time.process_time() - started) / requests * 1e6

    return sample


def main() -> int:
    parser = output.benchmark_parser(
        __doc__,
        quick="2 rounds of 50 requests",
        rounds="alternating rounds (default 5)",
    )
    parser.add_argument("--requests", type=int, default=None, help="requests per sample (400)")
    parser.add_argument("--ci-requests", type=int, default=CI_REQUESTS)
    parser.add_argument("--ci-seconds", type=float, default=CI_SECONDS)
    run = output.start_benchmark(parser)
    args = run.args
    rounds = args.rounds or (2 if args.quick else 5)
    per_sample = args.requests or (50 if args.quick else 400)
    tinyproxy = output.require_executable("tinyproxy", "apt-get install tinyproxy")

    from sms_acceptance import NetworkSettings

    credential = bench_credential()
    with tempfile.TemporaryDirectory(prefix="bench-http-client-") as name:
        temp = Path(name)
        files = _certificates(temp)
        with (
            sandbox_process(temp, credential) as plain,
            _tls_sandbox(temp, credential, files) as tls,
            _tinyproxy(temp, tinyproxy) as proxy,
        ):
            proxy_url = f"http://{LOOPBACK}:{proxy.port}"
            https_url = f"https://localhost:{tls.port}{ENDPOINT_PATH}"
            urls = {
                "http direct": (plain.base_url + ENDPOINT_PATH, None),
                "https+mTLS direct": (https_url, None),
                "https+mTLS via proxy": (https_url, proxy_url),
            }
            context = ssl.create_default_context(cafile=str(files["ca"]))
            context.load_cert_chain(str(files["client"]))
            senders: dict[str, Send] = {}
            closers: list[Callable[[], None]] = []
            for route, (url, via) in urls.items():
                network = NetworkSettings.from_options(
                    proxy=via or "",
                    ca_bundle=str(files["ca"]),
                    client_cert=str(files["client"]),
                    client_key=None,
                    verify=True,
                    environ={},
                )
                tls_context = context if url.startswith("https") else None
                for client, (send, close) in {
                    "h11": _h11(url, credential, network),
                    "httpx-async": _httpx_async(url, credential, via, tls_context),
                    "httpx-sync": _httpx_sync(url, credential, via, tls_context),
                }.items():
                    send()  # the connection (and tunnel, and handshake) outside the samples
                    senders[f"{client} | {route}"] = send
                    closers.append(close)
            output.progress(f"{NAME}: {len(senders)} contenders, {rounds} rounds of {per_sample}")
            try:
                samples = alternate(
                    {name: _cpu_sampler(send, per_sample) for name, send in senders.items()},
                    rounds,
                )
            finally:
                for close in closers:
                    close()
            tunnels = (temp / "proxy.log").read_text("utf-8", "replace").count("CONNECT localhost")
    summaries = summarise_each(samples)
    rows = [[name, s.median, s.minimum, s.maximum] for name, s in summaries.items()]
    print(output.format_table(["client | route", "CPU µs/request (median)", "min", "max"], rows))
    goals: list[Goal] = []
    run_wall_per_request_us = args.ci_seconds / args.ci_requests * 1e6
    for route in ROUTES:
        own = summaries[f"h11 | {route}"].median
        library = summaries[f"httpx-async | {route}"].median
        share = (library - own) / run_wall_per_request_us
        goals.append(
            Goal(
                name=f"httpx-async extra CPU over a ci run, {route}",
                statement="the library would add more than a tenth of a conformance run "
                "(so the suite keeps its h11 client)",
                measured=share,
                threshold=GOAL_SHARE,
                comparison=">=",
            )
        )
        print(
            f"{route}: h11 {own:,.0f} µs, httpx-async {library:,.0f} µs per request; "
            f"httpx would add {share:.0%} to a ci run ({'holds' if share >= GOAL_SHARE else 'no'})"
        )
    print(f"tinyproxy logged {tunnels} CONNECT tunnels")
    run.report(
        NAME,
        {
            "requests_per_sample": per_sample,
            "rounds": rounds,
            "ci_run": {"requests": args.ci_requests, "seconds": args.ci_seconds},
            "cpu_us_per_request": {name: s.as_dict() for name, s in summaries.items()},
            "proxy_tunnels_logged": tunnels,
        },
        goals,
    )
    return 0 if all(goal.holds for goal in goals) else 1


if __name__ == "__main__":
    output.run_main("bench_http_client.py", main)

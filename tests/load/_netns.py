"""Run a Locust scenario inside an empty network namespace and count what tried to leave it.

`in_empty_network_namespace(scenario, ...)` runs this module under `unshare -n` (only a loopback
interface, brought up here): the scenario starts real `locust` processes, drives them over
loopback, and reports the namespace's own counters (`/proc/net/snmp`, `/proc/net/snmp6`) from
before the first process started to after the last one stopped.

Why these counters prove "no connection attempted": in a namespace with no route but loopback,
every attempt to reach anything else fails at the route lookup, which the kernel counts
(`Ip:OutNoRoutes`, `Ip6OutNoRoutes`) whether it is a TCP connect, a UDP send or a DNS query to a
non-loopback resolver; a DNS query to a loopback resolver is a UDP datagram
(`Udp:OutDatagrams`, `Udp6OutDatagrams`). Loopback traffic between the test's own processes (TCP
to the sandbox, the web UI, the master) counts in none of them. `probe_counters` shows each
counter does move for a real attempt, so a zero means something.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

from tests._child_process import child_environment, run_child

REPO = Path(__file__).resolve().parents[2]
LOADTESTS = REPO / "loadtests"
LOCUST = Path(sys.executable).with_name("locust")
SECRET = "App s3cr3t-load-key-7d1f0c"
VENDOR = "https://sms.vendor.invalid"
COUNTERS = ("Ip:OutNoRoutes", "Ip6OutNoRoutes", "Udp:OutDatagrams", "Udp6OutDatagrams")
SCENARIO_TIMEOUT_SECONDS = 150


def can_unshare() -> bool:
    """Whether this machine lets us make an empty network namespace (root, `unshare`, `ip`)."""
    if not (shutil.which("unshare") and shutil.which("ip")):
        return False
    probe = subprocess.run(["unshare", "-n", "true"], capture_output=True, timeout=30, check=False)
    return probe.returncode == 0


def in_empty_network_namespace(scenario: str, workdir: Path, **arguments: Any) -> dict[str, Any]:
    """Run `scenario` (a function below) in a fresh, empty network namespace; its JSON result."""
    command = [
        "unshare", "-n", "sh", "-c", 'ip link set lo up && exec "$@"', "sh",
        sys.executable, "-m", "tests.load._netns", scenario, str(workdir), json.dumps(arguments),
    ]  # fmt: skip
    environment = child_environment({"PYTHONPATH": str(REPO)})
    completed = run_child(command, cwd=REPO, env=environment, timeout=SCENARIO_TIMEOUT_SECONDS)
    if completed.returncode != 0 or not completed.stdout.strip():
        raise AssertionError(f"scenario {scenario} failed: {completed.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


# -- inside the namespace ----------------------------------------------------------------------


def read_counters() -> dict[str, int]:
    """This namespace's counters of attempts to leave it (see the module docstring)."""
    found: dict[str, int] = {}
    lines = Path("/proc/net/snmp").read_text().splitlines()
    for names, values in zip(lines[::2], lines[1::2], strict=True):
        prefix, *keys = names.split()
        found.update({prefix + k: int(v) for k, v in zip(keys, values.split()[1:], strict=True)})
    for line in Path("/proc/net/snmp6").read_text().splitlines():
        key, value = line.split()
        found[key] = int(value)
    return {name: found[name] for name in COUNTERS}


@contextmanager
def counted() -> Iterator[dict[str, int]]:
    """Yields a dict filled, on exit, with how much each counter grew inside the block."""
    grown: dict[str, int] = {}
    before = read_counters()
    try:
        yield grown
    finally:
        after = read_counters()
        grown.update({name: after[name] - before[name] for name in COUNTERS})


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Locust:
    """One `locust` process started by a scenario, its stderr kept in a file."""

    def __init__(self, workdir: Path, name: str, args: list[str]) -> None:
        environment = child_environment({"SMS_ACCEPTANCE_AUTHORIZATION": SECRET})
        self.log = workdir / f"{name}.log"
        self._log_file = self.log.open("w")
        self.process = subprocess.Popen(
            [str(LOCUST), *args],
            cwd=workdir,
            env=environment,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def stop(self, timeout: float = 30) -> int:
        if self.process.poll() is None:
            self.process.terminate()
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait(10)
        self._log_file.close()
        return code

    def output(self) -> str:
        return self.log.read_text("utf-8", "replace")


def wait_for(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def http(
    url: str,
    form: dict[str, str] | None = None,
    cookies: CookieJar | None = None,
) -> tuple[int, str]:
    """GET (or POST a form to) a loopback URL: status and body; never follows redirects."""
    data = None if form is None else urllib.parse.urlencode(form).encode()
    handlers: list[Any] = [_NoRedirect()]
    if cookies is not None:
        handlers.append(urllib.request.HTTPCookieProcessor(cookies))
    opener = urllib.request.build_opener(*handlers)
    try:
        with opener.open(url, data=data, timeout=10) as answer:
            return answer.status, answer.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def ui_up(port: int) -> bool:
    try:
        return http(f"http://127.0.0.1:{port}/")[0] in (200, 302, 401)
    except OSError:
        return False


def ui_state(port: int) -> str:
    return str(json.loads(http(f"http://127.0.0.1:{port}/stats/requests")[1])["state"])


def scenario_probe_counters(workdir: Path) -> dict[str, Any]:
    """The counters see real attempts: a TCP connect over IPv4 and IPv6, and a name lookup."""
    import socket

    def tcp4() -> object:
        return socket.create_connection(("192.0.2.1", 443), timeout=2)

    def tcp6() -> object:
        return socket.create_connection(("2001:db8::1", 443), timeout=2)

    def dns() -> object:
        return socket.getaddrinfo("sms.vendor.invalid", 443)

    attempts: dict[str, Callable[[], object]] = {"tcp4": tcp4, "tcp6": tcp6, "dns": dns}
    grown: dict[str, dict[str, int]] = {}
    for name, attempt in attempts.items():
        with counted() as grown[name], suppress(OSError):
            attempt()
    return {"grown": grown}


def scenario_allowed_live_run(workdir: Path) -> dict[str, Any]:
    """The control for Locust itself: a live run the guard allows (to a name that cannot resolve)
    does try to reach it, and the counters show it."""
    with counted() as grown:
        locust = Locust(
            workdir, "live",
            ["-f", str(LOADTESTS), "--headless", "-u", "1", "-r", "1", "-t", "3s",
             "--payload-pool", "4", "--report-dir", str(workdir / "reports"), "--host", VENDOR,
             "--allow-live-traffic", "--test-destination", "41790000001", "--max-messages", "3",
             "--only-summary", "SingleDestination"],
        )  # fmt: skip
        try:
            code = locust.process.wait(90)
        finally:
            locust.stop()
    return {"code": code, "output": locust.output(), "grown": grown}


def scenario_ui_retarget(workdir: Path) -> dict[str, Any]:
    """Web UI (no --host: the sandbox on loopback): start against the vendor, start against the
    sandbox, then change the host of the running test to the vendor."""
    port = free_port()
    with counted() as grown:
        locust = Locust(
            workdir, "ui",
            ["-f", str(LOADTESTS), "--web-port", str(port), "--payload-pool", "4",
             "--report-dir", str(workdir / "reports"), "SingleDestination"],
        )  # fmt: skip
        try:
            up = wait_for(lambda: ui_up(port), 90)
            swarm = f"http://127.0.0.1:{port}/swarm"
            start_vendor = http(swarm, {"user_count": "2", "spawn_rate": "2", "host": VENDOR})
            state_after_refusal = ui_state(port)
            start_sandbox = http(swarm, {"user_count": "2", "spawn_rate": "2"})
            running = wait_for(lambda: ui_state(port) == "running", 20)
            change = http(swarm, {"user_count": "3", "spawn_rate": "2", "host": VENDOR})
            stopped = wait_for(lambda: ui_state(port) == "stopped", 20)
        finally:
            locust.stop()
    return {
        "ui_up": up,
        "start_vendor": json.loads(start_vendor[1]),
        "state_after_refusal": state_after_refusal,
        "start_sandbox": json.loads(start_sandbox[1]),
        "running": running,
        "change": json.loads(change[1]),
        "stopped_after_change": stopped,
        "output": locust.output(),
        "grown": grown,
    }


def scenario_ui_other_origin(workdir: Path) -> dict[str, Any]:
    """Live traffic allowed for one origin (`--host`): the UI retargets to another one."""
    port = free_port()
    with counted() as grown:
        locust = Locust(
            workdir, "ui",
            ["-f", str(LOADTESTS), "--web-port", str(port), "--payload-pool", "4",
             "--report-dir", str(workdir / "reports"), "--host", "https://api.vendor.invalid",
             "--allow-live-traffic", "--test-destination", "41790000001", "SingleDestination"],
        )  # fmt: skip
        try:
            up = wait_for(lambda: ui_up(port), 90)
            answer = http(
                f"http://127.0.0.1:{port}/swarm",
                {"user_count": "2", "spawn_rate": "2", "host": "https://collector.invalid"},
            )
            state = ui_state(port)
        finally:
            locust.stop()
    return {
        "ui_up": up,
        "answer": json.loads(answer[1]),
        "state": state,
        "output": locust.output(),
        "grown": grown,
    }


def scenario_worker_retarget(workdir: Path) -> dict[str, Any]:
    """A master that is not the kit's (plain Locust, no guard) hands a kit worker a non-loopback
    host: the worker refuses it before any of its users connects."""
    port = free_port()
    with counted() as grown:
        master = Locust(
            workdir, "master",
            ["-f", str(REPO / "tests" / "load" / "plain_master_locustfile.py"), "--master",
             "--headless", "-u", "2", "-r", "2", "-t", "6s", "--host", VENDOR,
             "--master-bind-port", str(port), "--expect-workers", "1", "--only-summary"],
        )  # fmt: skip
        worker = Locust(
            workdir, "worker",
            ["-f", str(LOADTESTS), "--worker", "--master-port", str(port), "--payload-pool", "4"],
        )  # fmt: skip
        try:
            master_code = master.process.wait(90)
            worker_code = worker.process.wait(30)
        finally:
            master.stop()
            worker.stop()
    return {
        "master_code": master_code,
        "worker_code": worker_code,
        "master_output": master.output(),
        "worker_output": worker.output(),
        "grown": grown,
    }


def processes_mentioning(text: str) -> list[int]:
    """Pids of live processes whose command line contains `text`."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().decode("utf-8", "replace")
            except OSError:
                continue
            if text in command:
                found.append(int(entry.name))
    return found


def scenario_processes_refused(workdir: Path) -> dict[str, Any]:
    """`--processes 2` with a non-loopback `--host`: the master refuses once, its forked workers go
    with it."""
    marker = str(workdir / "reports-processes")
    with counted() as grown:
        locust = Locust(
            workdir, "processes",
            ["-f", str(LOADTESTS), "--headless", "--processes", "2", "-u", "2", "-r", "2",
             "-t", "3s", "--host", VENDOR, "--payload-pool", "4", "--report-dir", marker],
        )  # fmt: skip
        try:
            code = locust.process.wait(60)
            children_gone = wait_for(lambda: not processes_mentioning(marker), 20)
        finally:
            locust.stop()
    return {"code": code, "children_gone": children_gone, "output": locust.output(),
            "grown": grown}  # fmt: skip


def listeners(port: int) -> list[str]:
    """Addresses with a TCP socket listening on `port` in this namespace (/proc/net/tcp, tcp6)."""
    import ipaddress

    found = []
    for table, width in (("/proc/net/tcp", 4), ("/proc/net/tcp6", 16)):
        for row in Path(table).read_text().splitlines()[1:]:
            local, state = row.split()[1], row.split()[3]
            address, port_hex = local.split(":")
            if state != "0A" or int(port_hex, 16) != port:  # 0A: LISTEN
                continue
            raw = bytes.fromhex(address)
            # The kernel prints each 32-bit word in host (little-endian) order.
            ordered = b"".join(raw[i : i + 4][::-1] for i in range(0, width, 4))
            found.append(str(ipaddress.ip_address(ordered)))
    return sorted(found)


def scenario_default_binds(workdir: Path) -> dict[str, Any]:
    """Where a master with the web UI listens when not told, and a web UI told `--web-host`."""
    web, master_port, explicit = free_port(), free_port(), free_port()
    master = Locust(
        workdir, "master",
        ["-f", str(LOADTESTS), "--master", "--web-port", str(web), "--master-bind-port",
         str(master_port), "--payload-pool", "4", "--report-dir", str(workdir / "reports")],
    )  # fmt: skip
    told = Locust(
        workdir, "told",
        ["-f", str(LOADTESTS), "--web-host", "127.0.0.2", "--web-port", str(explicit),
         "--payload-pool", "4", "--report-dir", str(workdir / "reports-told")],
    )  # fmt: skip
    try:
        wait_for(lambda: bool(listeners(web) and listeners(master_port)), 90)
        wait_for(lambda: bool(listeners(explicit)), 90)
        result = {
            "web_listeners": listeners(web),
            "master_listeners": listeners(master_port),
            "explicit_web_listeners": listeners(explicit),
        }
    finally:
        master.stop()
        told.stop()
    return {**result, "output": master.output()}


def scenario_web_login(workdir: Path) -> dict[str, Any]:
    """`--web-login` (set up as Locust documents it): a start that is not logged in meets Locust's
    login, not the guard; once logged in, the guard still judges the host."""
    port = free_port()
    files = f"{LOADTESTS / 'single_destination.py'},{REPO / 'tests/load/web_login_locustfile.py'}"
    ui = f"http://127.0.0.1:{port}"
    cookies = CookieJar()
    with counted() as grown:
        locust = Locust(
            workdir, "ui",
            ["-f", files, "--web-port", str(port), "--web-login", "--payload-pool", "4",
             "--report-dir", str(workdir / "reports")],
        )  # fmt: skip
        try:
            wait_for(lambda: ui_up(port), 90)
            start = {"user_count": "2", "spawn_rate": "2", "host": VENDOR}
            without_login = http(f"{ui}/swarm", start)
            login = http(f"{ui}/login_submit", {"username": "op", "password": "let-me-in"}, cookies)
            logged_in_vendor = http(f"{ui}/swarm", start, cookies)
            logged_in_sandbox = http(f"{ui}/swarm", {"user_count": "1", "spawn_rate": "1"}, cookies)
        finally:
            locust.stop()
    return {
        "swarm_without_login": without_login,
        "login_status": login[0],
        "logged_in_vendor": json.loads(logged_in_vendor[1]),
        "logged_in_sandbox": json.loads(logged_in_sandbox[1]),
        "output": locust.output(),
        "grown": grown,
    }


SCENARIOS: dict[str, Callable[[Path], dict[str, Any]]] = {
    "probe_counters": scenario_probe_counters,
    "default_binds": scenario_default_binds,
    "processes_refused": scenario_processes_refused,
    "web_login": scenario_web_login,
    "allowed_live_run": scenario_allowed_live_run,
    "ui_retarget": scenario_ui_retarget,
    "ui_other_origin": scenario_ui_other_origin,
    "worker_retarget": scenario_worker_retarget,
}


def main(argv: list[str]) -> None:
    name, workdir, arguments = argv
    result = SCENARIOS[name](Path(workdir), **json.loads(arguments))
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])

"""A small W3C WebDriver client over urllib, for scripts/test-ui and scripts/bench-ui.

chromedriver speaks WebDriver as plain HTTP/JSON, so the browser tests need no package beyond
Debian's chromium and chromium-driver. Also starts the daemon (run --fake-kernel) they drive.
"""

import base64
import json
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request

ELEMENT = "element-6066-11e4-a52e-4f735466cecf"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(method, url, body=None, headers=None, timeout=30):
    """(status, text) of one request; never raises for an HTTP error status."""
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if body is not None and "Content-Type" not in (headers or {}):
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


class Failure(Exception):
    pass


def wait_for(what, condition, timeout=10.0, every=0.05):
    """Polls `condition` until it returns something true; raises Failure naming `what`."""
    end = time.monotonic() + timeout
    last = None
    while time.monotonic() < end:
        last = condition()
        if last:
            return last
        time.sleep(every)
    raise Failure(f"timed out after {timeout} s waiting for {what} (last: {last!r})")


class Daemon:
    """gorb-reconcile run --fake-kernel on a free loopback port, in a work directory."""

    def __init__(self, binary, config, work, extra=()):
        self.work = work
        os.makedirs(work, exist_ok=True)
        self.log = open(os.path.join(work, "daemon.log"), "w")
        self.process = subprocess.Popen(
            [binary, "run", "--config", config, "--state-dir", os.path.join(work, "state"),
             "-l", "127.0.0.1:0", "--fake-kernel", "--log-level", "notice", *extra],
            cwd=work, stdout=self.log, stderr=subprocess.STDOUT, env=dict(os.environ, PATH="/nonexistent"))
        path = os.path.join(work, "daemon.log")

        def port():
            if self.process.poll() is not None:
                raise Failure(f"the daemon exited: {open(path).read()[-2000:]}")
            found = re.search(r"port=(\d+).*REST API listening", open(path).read())
            return found and int(found.group(1))

        self.port = wait_for("the daemon's API", port, timeout=60)
        self.base = f"http://127.0.0.1:{self.port}"
        wait_for("GET /healthz", lambda: self.get("/healthz")[0] == 200, timeout=30)

    def get(self, path, token=None):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        try:
            return http("GET", self.base + path, headers=headers)
        except OSError:
            return (0, "", {})

    def json(self, path, token=None):
        status, text, _ = self.get(path, token)
        if status != 200:
            raise Failure(f"GET {path}: {status} {text}")
        return json.loads(text)

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise Failure("the daemon did not stop within 20 s of SIGTERM (an open /events kept it?)")
        self.log.close()


class Browser:
    """Headless Chromium through chromedriver."""

    def __init__(self, work, width=1400, height=1000):
        chromium = shutil.which("chromium") or "/usr/bin/chromium"
        driver = shutil.which("chromedriver") or "/usr/bin/chromedriver"
        self.port = free_port()
        self.log = open(os.path.join(work, "chromedriver.log"), "w")
        self.driver = subprocess.Popen([driver, f"--port={self.port}"], stdout=self.log, stderr=subprocess.STDOUT)
        self.base = f"http://127.0.0.1:{self.port}"
        wait_for("chromedriver", lambda: self._ready(), timeout=20)
        capabilities = {"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         f"--window-size={width},{height}", "--no-first-run", "--disable-extensions",
                         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
                "perfLoggingPrefs": {"enableNetwork": True, "enablePage": False},
            },
            "goog:loggingPrefs": {"performance": "ALL", "browser": "ALL"},
        }}}
        self.session = self._call("POST", "/session", capabilities)["sessionId"]

    def _ready(self):
        try:
            return http("GET", self.base + "/status", timeout=2)[0] == 200
        except OSError:
            return False

    def _call(self, method, path, body=None):
        status, text, _ = http(method, self.base + path, body if body is not None else ({} if method == "POST" else None), timeout=60)
        value = json.loads(text).get("value") if text else None
        if status != 200:
            raise Failure(f"WebDriver {method} {path}: {status} {value}")
        return value

    def s(self, path):
        return f"/session/{self.session}{path}"

    def go(self, url):
        self._call("POST", self.s("/url"), {"url": url})

    def js(self, script, *args):
        return self._call("POST", self.s("/execute/sync"), {"script": script, "args": list(args)})

    def find(self, css):
        return self._call("POST", self.s("/element"), {"using": "css selector", "value": css})[ELEMENT]

    def click(self, css):
        self._call("POST", self.s(f"/element/{self.find(css)}/click"))

    def type(self, css, text):
        element = self.find(css)
        self._call("POST", self.s(f"/element/{element}/clear"))
        self._call("POST", self.s(f"/element/{element}/value"), {"text": text})

    def screenshot(self, path):
        with open(path, "wb") as out:
            out.write(base64.b64decode(self._call("GET", self.s("/screenshot"))))

    def logs(self, kind):
        return self._call("POST", self.s("/se/log"), {"type": kind})

    def requested_urls(self):
        """Every URL the page asked the network for, from the performance log (CDP Network events)."""
        urls = []
        for entry in self.logs("performance"):
            message = json.loads(entry["message"])["message"]
            if message.get("method") == "Network.requestWillBeSent":
                urls.append(message["params"]["request"]["url"])
        return urls

    def quit(self):
        try:
            self._call("DELETE", self.s(""))
        except Exception:
            pass
        self.driver.terminate()
        try:
            self.driver.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.driver.kill()
        self.log.close()

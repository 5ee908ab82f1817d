"""What the browser receives (`dealmonitor bench`, issue 20 item 7): each main page loaded in
Chromium (Playwright, the Chromium the browser tests use) from a server in this process on
the benchmark's database, signed in as the benchmark's user, each with an empty cache.
Per page: the bytes of HTML, CSS and JavaScript as sent compressed (gzip, as WhiteNoise sends
the static files and a front end sends the page) and unpacked, and the time until the page
is usable (DOMContentLoaded has finished: the deferred script has run), median of `repeat`.
"""

import gzip
import os
import shutil
import statistics

KINDS = {"document", "stylesheet", "script"}
ARGS = ["--no-sandbox", "--disable-dev-shm-usage"]


def run(paths, *, session_cookie, repeat=3, log=lambda m: None):
    from django.conf import settings
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.test.testcases import LiveServerThread
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    server = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    base = f"http://127.0.0.1:{server.port}"
    results = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=executable, args=ARGS)
            for name, path in paths:
                log(f"  in Chromium: {name} …")
                times, sizes = [], None
                for _ in range(repeat + 1):  # the first load warms the server, not counted
                    context = browser.new_context()
                    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                                          "value": session_cookie, "url": base}])
                    page = context.new_page()
                    bodies = []

                    def keep(response, bodies=bodies):
                        if response.request.resource_type in KINDS and response.status == 200:
                            try:
                                bodies.append(response.body())
                            except Exception:  # noqa: S110 - a body gone with its page
                                pass
                    page.on("response", keep)
                    response = page.goto(base + path, wait_until="load")
                    assert response.status == 200, (path, response.status)
                    usable = page.evaluate(
                        "performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd")
                    times.append(usable)
                    sizes = (sum(len(gzip.compress(b, 6)) for b in bodies), sum(len(b) for b in bodies),
                             len(bodies))
                    context.close()
                results[name] = {"usable_ms": round(statistics.median(times[1:]), 1),
                                 "bytes": sizes[0], "raw_bytes": sizes[1], "files": sizes[2]}
            browser.close()
    finally:
        server.terminate()
    return results

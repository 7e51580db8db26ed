"""Web benchmark: the city root's dashboard page on the synthetic city, and what a cold load
of the pages weighs.

a. ``GET /progress/{campaign}/{city}`` (the dashboard page: the root's figures, its children
   with lights, the red and silent lists, the charts' data) p50/p99 against the equivalent
   API call ``GET /api/v1/campaigns/{campaign}/progress/{city}`` in the same run, the same
   server and the same user (a signed-in session for the page, a token for the API) —
   goal ≤ 3× (the page renders HTML and reads the charts' figures beside the same read).
b. Page weight on a cold load: the HTML and every stylesheet, script and image it references,
   as transferred (``Accept-Encoding: gzip``; what the server sends), for the dashboard and
   for the phone activity form. The form's baseline is its budget, 150 KB (goal ≤ 1×: under
   the budget); the dashboard's is the API's JSON of the same read (no goal: the page
   carries ECharts, loaded by the dashboard only).

The city comes from bench_campaign's loader (``--scale 1``: 2,000 schools / 20,000
branches / 200,000 activities / 20,000 rectifications; the default 0.01 is a hundredth).

    python bench/bench_web.py [--backend sqlite|postgres] [--scale 0.01] [--reads 200] [--json]
"""

from __future__ import annotations

import argparse
import gzip
import http.cookiejar
import json
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    REPO_DIR,
    TAOLUN,
    Backend,
    Client,
    Figure,
    console,
    create_operator,
    machine_info,
    percentile,
    print_figures,
    start_taolun,
    write_results,
)
from bench_campaign import load  # noqa: E402

EMAIL, PASSWORD = "ops@x.cn", "bench-web-password-2026"
PHONE_FORM_BUDGET = 150 * 1024
ASSETS = re.compile(r'<(?:script|img)[^>]+src="([^"]+)"|<link[^>]+href="([^"]+)"')


def session_cookie(port: int) -> str:
    """Sign in through the page (CSRF token from the form, then the POST) as a browser does;
    answers the Cookie header of the signed-in session."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    base = f"http://127.0.0.1:{port}"
    page = opener.open(f"{base}/sign-in").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "email": EMAIL, "password": PASSWORD})
    opener.open(urllib.request.Request(f"{base}/sign-in", data=form.encode(), headers={"Referer": f"{base}/sign-in"}))
    cookies = {c.name: c.value for c in jar}
    if "sessionid" not in cookies:
        raise RuntimeError("signing in failed")
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def page_client(port: int, cookie: str) -> Client:
    client = Client(port)
    client.headers.update({"Accept": "text/html", "Cookie": cookie, "Accept-Encoding": "gzip"})
    return client


def cold_weight(client: Client, path: str) -> tuple[int, int, list[str]]:
    """Bytes on the wire for the page and each asset it references (once each, as a browser
    with an empty cache fetches them): (total, html, assets)."""
    _, html = client.get(path)
    assets = sorted({a or b for a, b in ASSETS.findall(html_text(client, html))
                     if (a or b).startswith("/static/")})
    total = len(html)
    for asset in assets:
        total += len(client.get(asset)[1])
    return total, len(html), assets


def html_text(client: Client, body: bytes) -> str:
    if (client.last_headers or {}).get("Content-Encoding") == "gzip":
        return gzip.decompress(body).decode()
    return body.decode()


def latencies(client: Client, path: str, n: int) -> list[float]:
    out = []
    for i in range(n + 5):  # five warm-up reads
        t0 = time.perf_counter()
        client.get(path)
        if i >= 5:
            out.append(time.perf_counter() - t0)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--scale", type=float, default=0.01)
    parser.add_argument("--reads", type=int, default=200)
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = parser.parse_args()
    figures: list[Figure] = []
    with Backend(args.backend) as backend:
        token = create_operator(backend, EMAIL)
        subprocess.run([TAOLUN, "set-password", EMAIL], input=PASSWORD + "\n", text=True, check=True,
                       env=backend.taolun_env(), cwd=str(REPO_DIR), capture_output=True)
        loaded = load(backend, args.scale)
        loaded["runtime"].stop()
        console.print(f"load: {loaded['counts']} in {loaded['load_seconds']:.1f}s")
        cid, city, branch = loaded["campaign"], loaded["city"], loaded["branch"]
        with start_taolun(backend) as server:
            api = Client(server.port, token)
            pages = page_client(server.port, session_cookie(server.port))
            dashboard, api_path = f"/progress/{cid}/{city}", f"/api/v1/campaigns/{cid}/progress/{city}"
            pages.get(dashboard)  # signed in and allowed: a 200, not the sign-in page
            page_lat, api_lat = latencies(pages, dashboard, args.reads), latencies(api, api_path, args.reads)
            for p in (50, 99):
                figures.append(Figure(f"a. dashboard page of the city root p{p}", "ms", percentile(page_lat, p) * 1e3,
                                      "the same progress read over the API", percentile(api_lat, p) * 1e3, goal=3.0))
            cold = page_client(server.port, pages.headers["Cookie"])
            weight, html, assets = cold_weight(cold, dashboard)
            api_bytes = len(api.get(api_path)[1])
            figures.append(Figure("b. dashboard cold load (HTML + assets)", "KB", weight / 1024,
                                  "the API's JSON of the same read", api_bytes / 1024,
                                  note=f"HTML {html / 1024:.0f} KB, {len(assets)} assets"))
            weight, html, assets = cold_weight(page_client(server.port, pages.headers["Cookie"]),
                                               f"/units/{branch}/activities/new")
            figures.append(Figure("b. phone activity form cold load (HTML + assets)", "KB", weight / 1024,
                                  "its budget", PHONE_FORM_BUDGET / 1024, goal=1.0,
                                  note=f"HTML {html / 1024:.0f} KB, {len(assets)} assets"))
            api.close()
            pages.close()
    if args.json:
        print(json.dumps({f.name: {"taolun": f.value, "baseline": f.baseline, "ratio": f.ratio, "goal": f.goal}
                          for f in figures}, ensure_ascii=False))
    else:
        print_figures(f"web benchmark ({args.backend}, scale {args.scale})", figures)
    write_results(f"web-{args.backend}", {
        "machine": machine_info(), "scale": args.scale, "counts": loaded["counts"],
        "figures": [f.as_dict() for f in figures]})
    return 0


if __name__ == "__main__":
    sys.exit(main())

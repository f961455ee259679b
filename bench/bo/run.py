#!/usr/bin/python3
"""Bayesian-optimisation quality benchmark: hyperd's gp, tpe and random samplers (through the
Python client against the real hyperd binary) and Optuna 3.1's TPESampler (in-process), on the
test functions of specs/bo.md §9 plus a mixed problem (test_functions.py).

    HYPERD_BINARY=build/server/hyperd /usr/bin/python3 bench/bo/run.py
    /usr/bin/python3 bench/bo/run.py --hyperd build/server/hyperd --quick --methods random,sobol

For every problem, seed and method it runs one study of max(--n) trials, evaluated sequentially
(suggest 1, evaluate, complete) or in rounds of --batch parallel suggestions (SuggestTrials
count=q). Simple regret at N is the best value among the first N trials minus f*; no sampler is
told the trial budget, so the first N trials of a longer study are the study of N trials.

It prints, per N, a markdown table of the median [25th, 75th percentile] regret per method and
problem, how often gp beats Optuna's TPE, whether our tpe is within 1.5x of it, the success
fraction on Hartmann-6 (regret < 0.01) and the wall time per method; then the issue's targets
this run can judge. --json writes every run's values and times, --markdown the report.

--quick is the smoke-test size: branin and mixed, N = 15, 2 seeds (each overridable).
"""

import argparse
import json
import os
import sys
import time

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, _HERE)

import methods  # noqa: E402
import report  # noqa: E402
from test_functions import PROBLEMS  # noqa: E402

DEFAULTS = {"problems": ",".join(PROBLEMS), "n": "50,100", "seeds": 10}
QUICK = {"problems": "branin,mixed", "n": "15", "seeds": 2}
DEFAULT_METHODS = "gp,tpe,random,optuna-tpe"


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--problems",
                        help=f"comma-separated (default: all: {DEFAULTS['problems']})")
    parser.add_argument("--n", help="trial budgets N, comma-separated (default 50,100)")
    parser.add_argument("--seeds", type=int, help="seeds 0..S-1 (default 10)")
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--methods", default=DEFAULT_METHODS,
                        help=f"comma-separated, of {', '.join(methods.ALL_METHODS)} "
                             "(default %(default)s)")
    parser.add_argument("--batch", type=int, default=1,
                        help="q: suggestions per round, evaluated in parallel (default 1)")
    parser.add_argument("--quick", action="store_true",
                        help="smoke size: problems branin,mixed, N=15, 2 seeds")
    parser.add_argument("--hyperd", default=os.environ.get("HYPERD_BINARY", ""),
                        help="the hyperd binary (default $HYPERD_BINARY)")
    parser.add_argument("--json", default="", help="write every run and the summary here")
    parser.add_argument("--markdown", default="", help="also write the report here")
    parser.add_argument("--check-targets", action="store_true",
                        help="exit 1 if a target of the issue this run can judge is missed")
    parser.add_argument("--verbose", action="store_true", help="log every (problem, seed, method)")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else DEFAULTS
    for key, value in sizes.items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    args.problems = [p for p in args.problems.split(",") if p]
    unknown = [p for p in args.problems if p not in PROBLEMS]
    if unknown:
        parser.error(f"--problems: unknown {', '.join(unknown)}; use {', '.join(PROBLEMS)}")
    args.n = sorted({int(n) for n in args.n.split(",") if n})
    if not args.n or args.n[0] < 1:
        parser.error("--n: give positive trial budgets, e.g. 50,100")
    args.methods = [m for m in args.methods.split(",") if m]
    unknown = [m for m in args.methods if m not in methods.ALL_METHODS]
    if unknown or not args.methods:
        parser.error(f"--methods: unknown {', '.join(unknown) or '(none given)'}; use "
                     f"{', '.join(methods.ALL_METHODS)}")
    if args.seeds < 1 or args.batch < 1:
        parser.error("--seeds and --batch must be >= 1")
    needs_server = any(m in methods.HYPERD_METHODS for m in args.methods)
    if needs_server and (not args.hyperd or not os.access(args.hyperd, os.X_OK)):
        parser.error(f"--hyperd={args.hyperd!r} is not an executable: pass the hyperd binary "
                     "(e.g. build/server/hyperd) or set HYPERD_BINARY")
    args.hyperd = os.path.abspath(args.hyperd) if args.hyperd else ""
    return args


def run_all(args, client, log):
    """Every (problem, seed, method) study; returns the records report.py reads."""
    records = []
    max_n = args.n[-1]
    for name in args.problems:
        problem = PROBLEMS[name]
        started = time.monotonic()
        for seed in range(args.first_seed, args.first_seed + args.seeds):
            for method in args.methods:
                study = methods.open_study(method, problem, seed, max_n, client)
                try:
                    result = methods.run(study, problem, max_n, args.batch)
                finally:
                    study.close()
                records.append({"problem": name, "method": method, "seed": seed,
                                "values": result.values, "seconds": result.seconds,
                                "status": result.status})
                if args.verbose:
                    log(f"  {name} seed {seed} {method:10s} {result.seconds[-1]:7.2f}s regret@"
                        f"{max_n} {min(result.values) - problem.f_star:.3g}  {result.status}")
        log(f"{name}: {args.seeds} seeds x {len(args.methods)} methods in "
            f"{time.monotonic() - started:.0f}s")
    return records


def main(argv=None):
    args = parse_args(argv)

    def log(message):
        print(message, file=sys.stderr, flush=True)

    server = None
    client = None
    if args.hyperd:
        hyperd, HyperdServer = methods.import_hyperd(args.hyperd)
        server = HyperdServer(extra_args=["--durability=normal"]).start()
        client = hyperd.Client(server.address, client_id="bobench")
    try:
        records = run_all(args, client, log)
        if server is not None:
            client.close()
            server.stop_cleanly()
    except BaseException:
        if server is not None:
            sys.stderr.write(server.log_text()[-4000:])
        raise
    finally:
        if server is not None:
            server.cleanup()

    problems = [PROBLEMS[name] for name in args.problems]
    summary = report.summarise(records, problems, args.methods, args.n)
    text = report.markdown(summary, problems, args.methods, args.seeds, args.batch)
    checks = report.targets(summary, len(PROBLEMS))
    text += report.targets_text(checks)
    print(text)
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as f:
            f.write(text)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"args": vars(args),
                       "problems": {p.name: {"f_star": p.f_star, "dimension": len(p.params)}
                                    for p in problems},
                       "runs": records,
                       "summary": {str(n): entry for n, entry in summary.items()},
                       "targets": [{"target": d, "met": m} for d, m in checks]}, f, indent=1)
    if args.check_targets and not all(met for _, met in checks):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

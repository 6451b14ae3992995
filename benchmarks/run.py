"""MDB Triage benchmarks: speed and memory of the werkvoorraad, the GUI, the PDFs and imports.

    .venv/bin/python benchmarks/run.py --cases 20000          # readable table
    .venv/bin/python benchmarks/run.py --cases 20000 --json   # one JSON object on the last line

Every number is the median of several runs (``--runs``); the machine may be shared, so single
runs are noisy. Floors are what the bare libraries do with the same data (``sqlite3`` for the
queue, a plain reportlab canvas for the PDF); ratios are against those floors. A metric whose
component does not exist (yet) is reported as ``null`` / "n.v.t.", never estimated.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import metrics  # noqa: E402
import reports_bench  # noqa: E402
import synthetic  # noqa: E402
from mdbtriage.core.policy import DEFAULT_POLICY, load_policy  # noqa: E402
from mdbtriage.store.database import Store  # noqa: E402

# metric: (label, unit, "max" or "min" (which side of its goal is good), floor metric)
METRICS: dict[str, tuple[str, str, str, str | None]] = {
    "queue_ms": ("werkvoorraad met redenen", "ms", "max", "queue_floor_ms"),
    "queue_floor_ms": ("  vloer: sqlite3 SELECT … ORDER BY", "ms", "max", None),
    "team_queue_ms": ("werkvoorraad van één team", "ms", "max", None),
    "first_paint_ms": ("eerste weergave werkvoorraad", "ms", "max", None),
    "queue_ready_ms": ("hele werkvoorraad doorzoekbaar", "ms", "max", None),
    "filter_ms": ("zoekterm → weergave bijgewerkt", "ms", "max", None),
    "startup_ms": ("opstarten tot hoofdvenster", "ms", "max", None),
    "herbeoordeling_pdf_ms": ("herbeoordelings-PDF", "ms", "max", "pdf_floor_ms"),
    "pdf_floor_ms": ("  vloer: kale reportlab-pagina", "ms", "max", None),
    "mdb_summary_pdf_ms": ("MDB-samenvatting (40 zaken)", "ms", "max", None),
    "import_rows_per_s": ("import-cases", "regels/s", "min", None),
    "rss_mb": ("piekgeheugen met werkvoorraad open", "MB", "max", None),
    "forecast_ms": ("capaciteitsprognose, alle teams", "ms", "max", None),
}
# The goals at 250,000 cases, per store (backend); a metric not named has no goal on that
# store. queue_ms is judged by its ratio to its floor (QUEUE_RATIO_GOALS), forecast_ms by size.
GOALS: dict[str, dict[str, float]] = {
    "sqlite": {
        "team_queue_ms": 150,
        "first_paint_ms": 500,
        "queue_ready_ms": 1000,
        "filter_ms": 100,
        "startup_ms": 300,
        "herbeoordeling_pdf_ms": 10,
        "mdb_summary_pdf_ms": 100,
        "import_rows_per_s": 50_000,
        "rss_mb": 250,
    },
    "postgresql": {
        "team_queue_ms": 150,
        "first_paint_ms": 500,
        "filter_ms": 100,
        "import_rows_per_s": 20_000,
    },
}
QUEUE_RATIO_GOALS = {"sqlite": 2.0, "postgresql": 3.0}
# forecast_ms has goals per size (number of cases) rather than at 250,000 cases.
FORECAST_GOALS: dict[str, dict[int, float]] = {"sqlite": {2000: 200.0, 20000: 1000.0}}
BACKENDS = ("sqlite", "postgresql")
PDF_RUNS = 15  # samples of each PDF at least (milliseconds each)
T = TypeVar("T")


def guarded(names: tuple[str, ...], notes: list[str], work: Callable[[], T]) -> T | None:
    """Run one measurement; when it fails, its metrics stay null and a note says why."""
    try:
        return work()
    except Exception as error:
        reason = f"{type(error).__name__}: {error}".replace("\n", " ")[:300]
        notes.append(f"{', '.join(names)}: n.v.t. (meting mislukt: {reason})")
        return None


def median_of(runs: int, sample: Callable[[], float]) -> float:
    return statistics.median(sample() for _ in range(runs))


def team_queue(store: Any, policy: Any, on: Any, runs: int, notes: list[str]) -> float:
    """``team_queue_ms`` of the team with the most open cases, with a note on what it took."""
    team, count = metrics.largest_team(store)

    def sample(measure_one: Callable[..., tuple[float, int]]) -> float:
        elapsed, rows = measure_one(store, policy, on, team)
        if rows != count:
            raise RuntimeError(f"team {team}: {rows} rows, not its {count} open cases")
        return elapsed

    sample(metrics.team_queue_sample)  # warm, like a running desktop
    value = median_of(runs, lambda: sample(metrics.team_queue_sample))
    read = median_of(runs, lambda: sample(metrics.team_read_sample))
    notes.append(
        f"werkvoorraad van één team: {team}, {count} open zaken (load_queue met team=…); "
        f"waarvan het lezen in volgorde (queue_cases met team=…) {read:.1f} ms"
    )
    return value


def probe_ready(probes: list[dict[str, Any]]) -> str:
    """What queue_ready_ms counted, and when every team's cases were in."""
    rows = probes[0].get("ready_rows", 0)
    full = statistics.median(p["full_ms"] for p in probes)
    numbered = statistics.median(p.get("numbered_ms", p["full_ms"]) for p in probes)
    return (
        f"queue_ready_ms: tot de werkvoorraad zoals het venster opent (het eigen team: {rows} "
        "zaken) in de tabel staat en getekend is, doorzoekbaar, filterbaar en sorteerbaar; "
        f"met de plaats onder alle teams na {numbered:.0f} ms; "
        f"alle teams na {full:.0f} ms (mediaan)"
    )


def take_probes(result: dict[str, Any], probes: list[dict[str, Any]]) -> None:
    """The GUI metrics from the probe processes (gui_probe.py): medians over the processes,
    filter_ms over every search term of every process."""
    result["first_paint_ms"] = statistics.median(p["first_paint_ms"] for p in probes)
    result["queue_ready_ms"] = statistics.median(p.get("ready_ms", p["full_ms"]) for p in probes)
    result["filter_ms"] = statistics.median(sample for p in probes for sample in p["filter_ms"])
    result["rss_mb"] = statistics.median(p["rss_mb"] for p in probes)


def startup(runs: int, location: Path | str, tmp: Path, staff_id: str = "") -> float:
    """``startup_ms``: the median of ``runs`` starts after one that is not counted (see
    ``metrics.startup_sample``)."""
    metrics.startup_sample(location, tmp, staff_id)
    return median_of(runs, lambda: metrics.startup_sample(location, tmp, staff_id))


def probe_stall(probes: list[dict[str, Any]]) -> str:
    stall = max(p["max_stall_ms"] for p in probes)
    return f"langste onderbreking van de GUI-thread {stall:.0f} ms (de grootste van de processen)"


def measure(
    n_cases: int, runs: int, seed: int, only: set[str] | None, store_dir: Path
) -> dict[str, Any]:
    notes: list[str] = []
    bench = synthetic.demo_store(n_cases, seed, store_dir)
    if bench.built_s is not None:
        notes.append(f"opslag van {n_cases} zaken gebouwd in {bench.built_s:.1f} s")
    policy = load_policy(DEFAULT_POLICY)
    result: dict[str, Any] = dict.fromkeys(METRICS)

    def wanted(name: str) -> bool:
        return only is None or name in only

    with synthetic.open_store(bench.path) as store:
        open_count = store.conn.execute(
            "SELECT count(*) FROM cases WHERE status != 'afgerond'"
        ).fetchone()[0]
        if wanted("queue_ms"):
            counts: set[int] = set()

            def queue() -> float:
                elapsed, count = metrics.queue_sample(store, policy, bench.today)
                counts.add(count)
                return elapsed

            queue()  # warm the page cache and the policy caches like a running GUI
            result["queue_ms"] = median_of(runs, queue)
            floor_counts: set[int] = set()

            def floor() -> float:
                elapsed, count = metrics.queue_floor_sample(bench.path, policy)
                floor_counts.add(count)
                return elapsed

            floor()
            result["queue_floor_ms"] = median_of(runs, floor)
            if counts != floor_counts:
                raise RuntimeError(f"queue and floor disagree on the rows: {counts} {floor_counts}")
        if wanted("team_queue_ms"):
            result["team_queue_ms"] = team_queue(store, policy, bench.today, runs, notes)
        if wanted("forecast_ms"):
            sample, teams = metrics.forecast_sample(store, policy, bench.today)
            sample()  # warm the norms and rule-set caches like an open Prognose tab
            result["forecast_ms"] = median_of(runs, sample)
            notes.append(
                f"prognose: {teams} teams, elk 26 weken met de zoektocht naar de uren die "
                "het doel vraagt, uit eenmaal gelezen invoer; doel ≤ 200 ms bij 2.000 zaken "
                "(één team), ≤ 1.000 ms bij 20.000 (een district)"
            )
    if wanted("import_rows_per_s"):
        rows = min(n_cases, 20_000)
        import_runs = max(1, min(runs, 3))
        result["import_rows_per_s"] = median_of(
            import_runs, lambda: metrics.import_sample(bench.path, rows, seed + 1)
        )
        notes.append(
            f"import: CSV van {rows} nieuwe zaken inlezen, controleren en schrijven (met "
            f"logregels) in een kopie van de opslag, mediaan van {import_runs}"
        )
    process_runs = max(1, min(runs, 3))
    probe_names = ("first_paint_ms", "queue_ready_ms", "filter_ms", "rss_mb")
    gui_names = (*probe_names, "startup_ms")
    if any(wanted(n) for n in gui_names):
        if metrics.available("mdbtriage.ui.main_window") and metrics.available(
            "mdbtriage.ui.werkvoorraad"
        ):
            with tempfile.TemporaryDirectory(prefix="mdb-bench-gui-") as tmp_name:
                tmp = Path(tmp_name)
                # Signing in writes to the store: the GUI works on a copy.
                gui_store = synthetic.copy_store(bench.path, tmp / "gui.sqlite3")
                if any(wanted(n) for n in probe_names) and (
                    probes := guarded(
                        probe_names,
                        notes,
                        lambda: [
                            metrics.gui_probe_sample(gui_store, bench.today, tmp)
                            for _ in range(process_runs)
                        ],
                    )
                ):
                    take_probes(result, probes)
                    notes.append(
                        f"GUI: {process_runs} verse processen (offscreen, als teamleider); "
                        f"filter: mediaan over {len(probes[0]['filter_ms'])} zoektermen per "
                        "proces, zonder de typvertraging van het zoekveld"
                    )
                    notes.append(
                        f"eerste weergave: {probes[0]['first_rows']} regels getekend (van de "
                        f"eerste {probes[0].get('preview_rows', 0)}); {probe_ready(probes)}; "
                        f"{probe_stall(probes)}"
                    )

                if wanted("startup_ms") and (
                    started := guarded(
                        ("startup_ms",), notes, lambda: startup(process_runs, gui_store, tmp)
                    )
                ):
                    result["startup_ms"] = started
                    notes.append(
                        "startup: 'mdb-triage --db … gui' met MDB_TRIAGE_SMOKE=1 tot het "
                        "hoofdvenster getoond is (inclusief openingscontrole en aanmelden), "
                        "met gecompileerde bytecode zoals na installatie; na één niet "
                        "meegetelde start"
                    )
        else:
            notes.extend(f"{n}: n.v.t. (werkvoorraadvenster ontbreekt)" for n in gui_names)
    # A PDF takes milliseconds: a median of at least 15 is cheap, and steadier on a shared
    # machine than one of three.
    pdf_runs = max(runs, PDF_RUNS)
    if wanted("herbeoordeling_pdf_ms") or wanted("pdf_floor_ms"):
        if metrics.available("mdbtriage.reports.herbeoordeling_pdf"):
            samples = guarded(
                ("herbeoordeling_pdf_ms", "pdf_floor_ms"),
                notes,
                lambda: reports_bench.herbeoordeling_samples(pdf_runs),
            )
            if samples:
                result["herbeoordeling_pdf_ms"] = statistics.median(samples[0])
                result["pdf_floor_ms"] = statistics.median(samples[1])
        else:
            notes.append("herbeoordeling_pdf_ms: n.v.t. (reports.herbeoordeling_pdf ontbreekt)")
    if wanted("mdb_summary_pdf_ms"):
        mdb_samples = (
            guarded(
                ("mdb_summary_pdf_ms",),
                notes,
                lambda: reports_bench.mdb_summary_samples(bench.path, bench.today, pdf_runs),
            )
            if metrics.available("mdbtriage.reports.mdb_summary")
            else None
        )
        if mdb_samples:
            result["mdb_summary_pdf_ms"] = statistics.median(mdb_samples)
            notes.append(
                "MDB-samenvatting: medische versie, 40 besproken zaken, gegevens uit de opslag "
                f"plus PDF (zoals 'mdb-summary'); de PDF's: mediaan van {pdf_runs}"
            )
        elif not metrics.available("mdbtriage.reports.mdb_summary"):
            notes.append("mdb_summary_pdf_ms: n.v.t. (reports.mdb_summary ontbreekt)")

    store_name = (
        str(bench.path.relative_to(synthetic.ROOT))
        if bench.path.is_relative_to(synthetic.ROOT)
        else str(bench.path)
    )
    return report_of("sqlite", n_cases, open_count, runs, seed, store_name, result, notes)


def report_of(
    backend: str,
    n_cases: int,
    open_count: int,
    runs: int,
    seed: int,
    store_name: str,
    result: dict[str, Any],
    notes: list[str],
) -> dict[str, Any]:
    ratios: dict[str, float | None] = {}
    for name, (_, _, _, floor_name) in METRICS.items():
        if floor_name is not None:
            value, floor_value = result[name], result[floor_name]
            ratios[name] = (
                round(value / floor_value, 2) if value is not None and floor_value else None
            )
    return {
        "backend": backend,
        "cases": n_cases,
        "open_cases": open_count,
        "runs": runs,
        "seed": seed,
        "store": store_name,
        **{k: (round(v, 1) if isinstance(v, float) else v) for k, v in result.items()},
        "ratios": ratios,
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "notes": notes,
    }


def measure_office(
    admin: str, n_cases: int, runs: int, seed: int, only: set[str] | None
) -> dict[str, Any]:
    """The metrics that apply to the office store, on a new store on the server at ``admin``."""
    import office_bench

    notes: list[str] = [f"server: {office_bench.server_facts(admin)}, via loopback (TCP)"]
    policy = load_policy(DEFAULT_POLICY)
    result: dict[str, Any] = dict.fromkeys(METRICS)

    def wanted(name: str) -> bool:
        return only is None or name in only

    with office_bench.demo_store(admin, n_cases, seed) as bench:
        notes.append(
            f"kantooropslag van {n_cases} zaken gebouwd in {bench.built_s:.1f} s (server-init, "
            "demogegevens als eigenaar, VACUUM ANALYZE)"
        )
        with Store.open(bench.url) as store:
            open_count = store.conn.execute(
                "SELECT count(*) FROM cases WHERE status != 'afgerond'"
            ).fetchone()[0]
            if wanted("queue_ms"):
                counts: set[int] = set()

                def queue() -> float:
                    elapsed, count = metrics.queue_sample(store, policy, bench.today)
                    counts.add(count)
                    return elapsed

                queue()
                result["queue_ms"] = median_of(runs, queue)
                floor_sample, close_floor = office_bench.floor_sampler(bench.url, policy)
                floor_counts: set[int] = set()

                def floor() -> float:
                    elapsed, count = floor_sample()
                    floor_counts.add(count)
                    return elapsed

                try:
                    floor()
                    result["queue_floor_ms"] = median_of(runs, floor)
                finally:
                    close_floor()
                if counts != floor_counts:
                    raise RuntimeError(f"queue and floor disagree: {counts} {floor_counts}")
                notes.append(
                    "vloer: kale psycopg SELECT … ORDER BY van dezelfde rijen op één open "
                    "verbinding (tekstprotocol, fetchall)"
                )
            if wanted("team_queue_ms"):
                result["team_queue_ms"] = team_queue(store, policy, bench.today, runs, notes)
            if wanted("forecast_ms"):
                sample, teams = metrics.forecast_sample(store, policy, bench.today)
                sample()
                result["forecast_ms"] = median_of(runs, sample)
                notes.append(
                    f"prognose: {teams} teams; de invoer eenmaal van de server gelezen, de "
                    "berekening zelf leest de opslag niet"
                )
        if wanted("import_rows_per_s"):
            rows = min(n_cases, 20_000)
            import_runs = max(1, min(runs, 3))
            result["import_rows_per_s"] = median_of(
                import_runs, lambda: office_bench.import_sample(bench, rows, seed + 1)
            )
            notes.append(
                f"import: CSV van {rows} nieuwe zaken inlezen, controleren en schrijven (met "
                f"logregels) in een kopie van de kantooropslag (CREATE DATABASE … TEMPLATE), als "
                f"eigenaar, mediaan van {import_runs}"
            )
        probe_names = ("first_paint_ms", "queue_ready_ms", "filter_ms", "rss_mb")
        if any(wanted(n) for n in (*probe_names, "startup_ms")):
            from mdbtriage.store.office import with_user

            process_runs = max(1, min(runs, 3))
            lead = office_bench.team_lead(bench)
            with (
                tempfile.TemporaryDirectory(prefix="mdb-bench-gui-") as tmp_name,
                office_bench.copy_of(bench, "gui") as gui_url,
            ):
                # The window's start and signing in write to the store: the GUI works on a
                # copy, over the team lead's own database login as after signing in.
                tmp = Path(tmp_name)
                if any(wanted(n) for n in probe_names) and (
                    probes := guarded(
                        probe_names,
                        notes,
                        lambda: [
                            metrics.gui_probe_sample(
                                with_user(gui_url, lead), bench.today, tmp, lead
                            )
                            for _ in range(process_runs)
                        ],
                    )
                ):
                    take_probes(result, probes)
                    notes.append(
                        f"GUI: {process_runs} verse processen (offscreen), hoofdvenster van "
                        f"teamleider {lead} over diens eigen databaselogin (trust op loopback: "
                        "geen wachtwoordcontrole); filter: mediaan over "
                        f"{len(probes[0]['filter_ms'])} zoektermen per proces; eerste weergave: "
                        f"{probes[0]['first_rows']} regels getekend; {probe_ready(probes)}; "
                        f"{probe_stall(probes)}"
                    )
                if wanted("startup_ms") and (
                    started := guarded(
                        ("startup_ms",),
                        notes,
                        lambda: startup(process_runs, gui_url, tmp, lead),
                    )
                ):
                    result["startup_ms"] = started
                    notes.append(
                        "startup: 'mdb-triage --db URL gui' met MDB_TRIAGE_SMOKE=1, aangemeld "
                        f"als teamleider {lead} met diens eigen databaselogin en het "
                        "demowachtwoord, van processtart tot het hoofdvenster getoond is: "
                        "inclusief de verbinding, de aanmeldcontrole van de server (trust op "
                        "loopback: geen wachtwoordcontrole) en de aanmeldregel in het "
                        "toegangslogboek; in een kopie van de opslag, met gecompileerde bytecode "
                        f"zoals na installatie; mediaan van {process_runs} na één niet "
                        "meegetelde start"
                    )
    notes.append(
        "herbeoordeling_pdf_ms, pdf_floor_ms: n.v.t. (lezen de opslag niet: zie de werkplekopslag)"
    )
    notes.append("mdb_summary_pdf_ms: n.v.t. (niet gemeten op de kantooropslag)")
    return report_of(
        "postgresql", n_cases, open_count, runs, seed, f"database {bench.name}", result, notes
    )


def measure_load(
    backend: str,
    admin: str | None,
    n_cases: int,
    workstations: int,
    duration: float,
    min_actions: int,
    seed: int,
    store_dir: Path,
) -> dict[str, Any]:
    """A team at work (``team_load``): N workstations on one store at the same time."""
    import team_load

    notes: list[str] = []

    def run_on(target: str, password: str | None, opener: Callable[[], Any], today: Any) -> Any:
        with opener() as store:
            people = team_load.people_for(store, workstations)
            meeting_id, pool = team_load.prepare(store, people, today)
        journals, length = team_load.simulate(
            backend=backend,
            target=target,
            password=password,
            people=people,
            today=today,
            seed=seed,
            meeting_id=meeting_id,
            edit_pool=pool,
            duration=duration,
            min_actions=min_actions,
        )
        with opener() as store:
            lost = team_load.lost_updates(store, journals)
            open_count = store.conn.execute(
                "SELECT count(*) FROM cases WHERE status != 'afgerond'"
            ).fetchone()[0]
        teams = sorted({p.team for p in people})
        notes.append(
            f"{workstations} werkplekken (processen) in {len(teams)} team(s): "
            + ", ".join(p.staff_id for p in people)
        )
        return journals, length, lost, open_count

    if backend == "postgresql":
        import office_bench
        from mdbtriage.core.accounts import DEMO_PASSWORD

        assert admin is not None
        notes.append(f"server: {office_bench.server_facts(admin)}, via loopback (TCP)")
        with office_bench.demo_store(admin, n_cases, seed) as bench:
            notes.append(f"kantooropslag van {n_cases} zaken gebouwd in {bench.built_s:.1f} s")
            journals, length, lost, open_count = run_on(
                bench.url, DEMO_PASSWORD, lambda: Store.open(bench.url), bench.today
            )
            store_name = f"database {bench.name}"
        notes.append(
            "iedere werkplek meldt zich aan met de eigen demologin (personeelsnummer, "
            "DEMO_PASSWORD; loopback vertrouwd, dus zonder wachtwoordcontrole)"
        )
    else:
        bench = synthetic.demo_store(n_cases, seed, store_dir)
        with tempfile.TemporaryDirectory(prefix="mdb-bench-load-") as tmp_name:
            copy = synthetic.copy_store(bench.path, Path(tmp_name) / "werkplek.sqlite3")
            journals, length, lost, open_count = run_on(
                str(copy), None, lambda: synthetic.open_store(copy), bench.today
            )
        store_name = str(bench.path.name)
    summary = team_load.summarise(journals, lost, length, backend == "postgresql")
    notes.append(
        f"wachttijd 1–4 s per persoon tussen acties; watcher elke {team_load.POLL_MS} ms "
        "gevraagd, zoals de desktop; run van "
        f"{summary['duration_s']:.0f} s (minstens {duration:g} s, verlengd tot "
        f"{min_actions} acties, hoogstens {3 * duration:g} s)"
    )
    return {
        "backend": backend,
        "cases": n_cases,
        "open_cases": open_count,
        "workstations": workstations,
        "seed": seed,
        "store": store_name,
        **summary,
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "notes": notes,
    }


LOAD_GOALS = {"team_errors": 0, "team_lost_updates": 0, "team_p95_ms": 200, "refresh_p95_ms": 1000}


def load_table(report: dict[str, Any]) -> str:
    lines = [
        f"MDB Triage belastingstest ({STORE_NAMES[report['backend']]}): "
        f"{report['workstations']} werkplekken, {report['cases']} zaken, "
        f"{report['duration_s']:.0f} s, Python {report['python']}, {report['machine']}",
        "",
        f"{'meting':<22} {'waarde':>10}  {'doel':<10} {'gehaald':<7}",
    ]
    for name in (
        "team_actions",
        "team_errors",
        "team_refused",
        "team_lost_updates",
        "team_p50_ms",
        "team_p95_ms",
        "refresh_p50_ms",
        "refresh_p95_ms",
    ):
        value = report[name]
        goal = LOAD_GOALS.get(name)
        if name == "team_actions":
            goal = 1000
            met = "ja" if value >= goal else "nee"
            goal_text = f"≥ {dutch(goal, 0)}"
        elif goal is None or value is None:
            met, goal_text = "", ""
        else:
            met = "ja" if value <= goal else "nee"
            goal_text = f"≤ {dutch(goal, 0)}"
        shown = "n.v.t." if value is None else dutch(float(value), 1 if "_ms" in name else 0)
        lines.append(f"{name:<22} {shown:>10}  {goal_text:<10} {met:<7}".rstrip())
    lines.append("")
    lines.append(
        f"{'actie':<14} {'aantal':>7} {'p50 ms':>9} {'p95 ms':>9} {'max ms':>9} {'geweigerd':>9}"
    )
    for kind, row in report["per_action"].items():
        lines.append(
            f"{kind:<14} {row['n']:>7} {dutch(row['p50_ms'], 1):>9} {dutch(row['p95_ms'], 1):>9} "
            f"{dutch(row['max_ms'], 1):>9} {row['geweigerd']:>9}"
        )
    for title, key in (
        ("fouten", "errors_sample"),
        ("geweigerd", "refused_sample"),
        ("verloren", "lost_sample"),
    ):
        if report[key]:
            lines.append("")
            lines.append(f"{title}:")
            lines.extend(f"- {item}" for item in report[key])
    lines.append("")
    lines.extend(f"- {note}" for note in report["notes"])
    return "\n".join(lines)


STORE_NAMES = {"sqlite": "werkplekopslag, SQLite", "postgresql": "kantooropslag, PostgreSQL"}


def metric_label(name: str, backend: str) -> str:
    label = METRICS[name][0]
    return label.replace("sqlite3", "psycopg") if backend == "postgresql" else label


def goal_of(name: str, backend: str, cases: int | None = None) -> float | None:
    """The goal of ``name`` on the store ``backend`` (the ratio for queue_ms; for forecast_ms
    the one for ``cases``), or None when it has none there."""
    if name == "queue_ms":
        return QUEUE_RATIO_GOALS.get(backend)
    if name == "forecast_ms":
        return None if cases is None else FORECAST_GOALS.get(backend, {}).get(cases)
    return GOALS.get(backend, {}).get(name)


def goal_text(name: str, backend: str, cases: int | None = None) -> str:
    """The goal as shown: '≤ 2× vloer', '≤ 500', '≥ 50.000'; empty without a goal."""
    goal = goal_of(name, backend, cases)
    if goal is None:
        return ""
    if name == "queue_ms":
        return f"≤ {goal:g}× vloer"
    return f"{'≤' if METRICS[name][2] == 'max' else '≥'} {dutch(goal, 0)}"


def goal_met(report: dict[str, Any], name: str) -> str:
    """'ja' or 'nee' for the report's value of ``name`` against its store's goal; empty when
    there is no value or no goal."""
    value = report.get(name)
    backend = report.get("backend", "sqlite")
    if name == "queue_ms":
        value = report["ratios"].get("queue_ms")
    goal = goal_of(name, backend, report["cases"])
    if value is None or goal is None:
        return ""
    ok = value <= goal if METRICS[name][2] == "max" else value >= goal
    return "ja" if ok else "nee"


def dutch(value: float, decimals: int) -> str:
    """1234.5 -> '1.234,5' (Dutch thousands and decimal separators)."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def table(report: dict[str, Any]) -> str:
    ratios = report["ratios"]
    lines = [
        f"MDB Triage benchmarks ({STORE_NAMES[report.get('backend', 'sqlite')]}): "
        f"{report['cases']} zaken ({report['open_cases']} open), "
        f"mediaan van {report['runs']} runs, Python {report['python']}, {report['machine']}",
        "",
        f"{'meting':<38} {'waarde':>12}  {'eenheid':<9} {'t.o.v. vloer':>12}  "
        f"{'doel (250k)':<12} {'gehaald':<7}",
    ]
    backend = report.get("backend", "sqlite")
    for name, (_label, unit, _direction, floor_name) in METRICS.items():
        label = metric_label(name, backend)
        value = report[name]
        shown = "n.v.t." if value is None else dutch(value, 1)
        ratio = ratios.get(name) if floor_name else None
        ratio_text = f"{ratio:.2f}×" if ratio is not None else ""
        goal = goal_text(name, backend, report["cases"])
        if name == "forecast_ms" and goal:
            goal += " (hier)"
        lines.append(
            f"{label:<38} {shown:>12}  {unit:<9} {ratio_text:>12}  {goal:<12} "
            f"{goal_met(report, name):<7}".rstrip()
        )
    if report["notes"]:
        lines.append("")
        lines.extend(f"- {note}" for note in report["notes"])
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--cases", type=int, help="number of open cases (default 2000; 20000 with --workstations)"
    )
    parser.add_argument("--json", action="store_true", help="one JSON object on the last line")
    parser.add_argument(
        "--backend",
        choices=BACKENDS,
        default="sqlite",
        help="the workstation store (sqlite, default) or the office store (postgresql: on "
        "the server MDB_TRIAGE_TEST_PG names, else on a throwaway server of its own)",
    )
    parser.add_argument("--runs", type=int, default=5, help="runs per metric (median)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--only", help="comma-separated metric names (the others are reported as null)"
    )
    parser.add_argument(
        "--store-dir",
        type=Path,
        default=synthetic.STORES,
        help="where the synthetic stores are cached (default benchmarks/stores/)",
    )
    parser.add_argument(
        "--workstations",
        type=int,
        help="the load of a team at work instead: this many workstations (processes) on one "
        "store at the same time (team_load.py)",
    )
    parser.add_argument(
        "--duration", type=float, default=60.0, help="seconds of work (with --workstations)"
    )
    parser.add_argument(
        "--min-actions",
        type=int,
        default=1000,
        help="the run goes on past --duration until this many actions (at most 3× --duration)",
    )
    args = parser.parse_args(argv)
    if args.cases is None:
        args.cases = 20000 if args.workstations else 2000
    if args.cases < 10:
        parser.error("--cases: at least 10")
    only = set(args.only.split(",")) if args.only else None
    if args.workstations:
        admin = None
        if args.backend == "postgresql":
            import office_bench

            admin = office_bench.admin_url()
            if admin is None:
                office_bench.run_under_cluster(sys.argv[1:] if argv is None else argv)
                return 1  # not reached
        load = measure_load(
            args.backend,
            admin,
            args.cases,
            args.workstations,
            args.duration,
            args.min_actions,
            args.seed,
            args.store_dir,
        )
        print(json.dumps(load, ensure_ascii=False) if args.json else load_table(load))
        return 0
    if args.backend == "postgresql":
        import office_bench

        admin = office_bench.admin_url()
        if admin is None:
            office_bench.run_under_cluster(sys.argv[1:] if argv is None else argv)
            return 1  # not reached
        report = measure_office(admin, args.cases, max(1, args.runs), args.seed, only)
    else:
        report = measure(args.cases, max(1, args.runs), args.seed, only, args.store_dir)
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        print(table(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The command line: a thin layer over config, pipeline and store (`python -m clinicwatch --help`)."""
from __future__ import annotations

import logging
import os
import shutil
import signal
import sys
import threading
from contextlib import ExitStack
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from alerts import evaluate_and_send
from alerts.cli import alerts_check, report
from analysis import Analyzer
from clinicwatch.cli_common import (
    ConfigOption,
    WorkspaceOption,
    WorkspacesOption,
    console,
    fail,
    load_each_or_exit,
    load_or_exit,
    open_or_exit,
    stdout,
)
from clinicwatch.demo import DEMO_CONFIG, bundled_folder, collection_config
from clinicwatch.leasing import DEFAULT_LEASE_SECONDS
from clinicwatch.pipeline import Pipeline
from clinicwatch.save_batch import SourceRun
from clinicwatch.schedule import seconds_until_next_due
from clinicwatch.training import maybe_retrain, retrain_from_store
from clinicwatch.users_cli import add_user
from clinicwatch.workspace_cli import migrate_workspace
from collectors.registry import missing_credentials
from core.config import Config
from core.redact import redact
from replies import gate
from storage import Store, leases

# Plain tracebacks: rich ones print local variables, which could include secrets.
app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="ClinicWatch: brand monitoring and social response for medical clinics.")
# Off by default: a clinic's few new items a cycle do not need them, and each worker holds its own caches.
# For a large first collection they pay: bench/ingest.py ran 2.0x faster with 2 workers on 2 cores.
WorkersOption = typer.Option(0, "--workers", min=0, max=32,
                             help="Worker processes that parse feeds, match and analyse, beside the storing one "
                                  "(0: all in one process; for a large first collection use the number of cores).")
LeaseOption = typer.Option(DEFAULT_LEASE_SECONDS, "--lease-seconds", min=1.0,
                           help="PostgreSQL only: how long a source stays leased to this collector unless renewed "
                                "(a killed collector's sources go to another after this long).")
EXAMPLE_CONFIG = Path(__file__).resolve().parent.parent / "config.example.toml"


@app.command()
def init(config: Path | None = ConfigOption) -> None:
    """Create config.toml from the example (if missing) and the database."""
    path = config or Path("config.toml")
    if not path.exists():
        shutil.copyfile(EXAMPLE_CONFIG, path)
        console.print(f"wrote {path}: fill in brand terms, sources and channels")
    cfg = load_or_exit(path)
    open_or_exit(cfg).close()
    console.print(f"database ready at {cfg.database}")


@app.command()
def collect(
    once: bool = typer.Option(False, "--once", help="Collect every enabled source once and exit."),
    source: list[str] = typer.Option([], "--source", "-s", help="Only this source (repeatable)."),
    workers: int = WorkersOption,
    lease_seconds: float = LeaseOption,
    config: Path | None = ConfigOption,
    workspace: list[str] = WorkspacesOption,
) -> None:
    """Collect mentions: with --once a single cycle, otherwise the same as `run`."""
    if not once:
        run(workers=workers, lease_seconds=lease_seconds, config=config, workspace=workspace)
        return
    runs: list[SourceRun] = []
    for loaded in load_each_or_exit(config, workspace):
        with collection_config(loaded) as cfg:
            if cfg.workspace:
                console.print(f"workspace {cfg.workspace} ({cfg.clinic_name})", highlight=False)
            store = open_or_exit(cfg)
            with Pipeline(cfg, store, analysis_workers=workers, lease_seconds=lease_seconds) as pipeline:
                runs += _collect_with_progress(pipeline, only=source or None)
            console.print(f"{store.count_mentions()} mentions stored in {cfg.store_label}", highlight=False)
            store.close()
    _exit_for(runs)


@app.command()
def run(workers: int = WorkersOption, lease_seconds: float = LeaseOption,
        config: Path | None = ConfigOption, workspace: list[str] = WorkspacesOption) -> None:
    """Collect each source at its own interval until Ctrl-C or SIGTERM; alerts are checked after each cycle.

    With a workspaces file, one process collects for every clinic (or the --workspace ones), each into its own
    store. On PostgreSQL several `run` processes (on one machine or several) share the sources through leases."""
    with ExitStack() as stack:
        configs = [stack.enter_context(collection_config(loaded)) for loaded in load_each_or_exit(config, workspace)]
        _run_loop(configs, workers, lease_seconds)


def _run_loop(configs: list[Config], workers: int, lease_seconds: float = DEFAULT_LEASE_SECONDS) -> None:
    pipelines = [Pipeline(cfg, open_or_exit(cfg), analysis_workers=workers, lease_seconds=lease_seconds) for cfg in configs]
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    sources = sum(len(cfg.sources) for cfg in configs)
    clinics = f" of {len(configs)} clinics" if len(configs) > 1 else ""
    console.print(f"collecting from {sources} sources{clinics}; Ctrl-C to stop")
    while not stop.is_set():
        for pipeline in pipelines:
            _run_cycle(pipeline)
        wait = min(seconds_until_next_due(p.config, p.store) for p in pipelines)
        stop.wait(max(1.0, wait))
    for pipeline in pipelines:
        pipeline.close()
        pipeline.store.close()
    console.print("stopped cleanly")


def _run_cycle(pipeline: Pipeline) -> None:
    """One workspace's due sources, then its alerts and retraining."""
    store, cfg = pipeline.store, pipeline.config
    store.beat(store.COLLECTOR, os.getpid())
    runs = pipeline.collect_due()
    if runs:
        if cfg.workspace:
            console.print(f"workspace {cfg.workspace} ({cfg.clinic_name})", highlight=False)
        _print_summary(runs)
        _after_cycle(cfg, store)
        _retrain_if_enough_labels(pipeline)


@app.command()
def demo(
    database: Path | None = typer.Option(None, help="Where to build the demo database (default from the config)."),
    config: Path | None = typer.Option(None, "--config", "-c",
                                       help=f"A demo config, one with a [demo] table (default: {DEMO_CONFIG.name})."),
) -> None:
    """Build the demo database from the bundled offline sources, through the real collectors."""
    cfg = load_or_exit(config or DEMO_CONFIG)
    if bundled_folder(cfg) is None:
        fail(f"{cfg.path} is not a demo config (it has no [demo] table of bundled sources); "
             "collect a real one with `collect --once`", 2)
    with collection_config(cfg, database=database) as cfg:
        store = open_or_exit(cfg)
        with Pipeline(cfg, store) as pipeline:
            runs = _collect_with_progress(pipeline)
        total = store.count_mentions()
        store.close()
    console.print(f"demo database {cfg.database}: {total} mentions")
    _prepare_reply_checker()
    _exit_for(runs)


def _prepare_reply_checker() -> None:
    """Train (or load) the reply checker's learned second opinion now, so the dashboard's first reply does not
    wait for it; it is cached under data/models/ until the corpus changes."""
    with console.status("preparing the reply checker"):
        ready = gate.second_opinion() is not None
    console.print("reply checker: rules and the learned second opinion" if ready else
                  f"reply checker: rules only ({gate.CORPUS} is missing)")


@app.command()
def status(config: Path | None = ConfigOption, workspace: str | None = WorkspaceOption) -> None:
    """Show every source and its health (on PostgreSQL also which collector process holds its lease)."""
    cfg = load_or_exit(config, workspace)
    store = open_or_exit(cfg)
    columns = ["source", "kind", "enabled", "last success", "failures", "last error / note", "items (new/total)",
               "not stored: reason last run (total)", "missing credentials"]
    leased = leases.holders(store) if store.engine == "postgresql" else None
    table = Table(*columns, *(["leased by"] if leased is not None else []))
    drops = store.source_drops()
    configured = {source.name: source for source in cfg.sources}
    for row in store.sources():
        error = redact(f"{row['last_error_kind']}: {row['last_error']}" if row["last_error"] else (row["note"] or ""))
        source = configured.get(row["name"])
        lacking = ", ".join(missing_credentials(source)) if source is not None else ""
        cells = [row["name"], row["kind"], "yes" if row["enabled"] else "no", row["last_success"] or "never",
                 str(row["consecutive_failures"]), error, f"{row['items_new']}/{row['items_total']}",
                 format_drops(drops.get(row["name"], {})), lacking]
        table.add_row(*cells, *([leased.get(row["name"], "")] if leased is not None else []))
    stdout.print(table)
    stdout.print(f"{store.count_mentions()} mentions stored in {cfg.store_label}")


@app.command()
def purge(config: Path | None = ConfigOption, workspace: str | None = WorkspaceOption) -> None:
    """Delete mentions older than retention_days (and everything attached to them)."""
    cfg = load_or_exit(config, workspace)
    removed = open_or_exit(cfg).purge_older_than(cfg.retention_days)
    console.print(f"purged {removed} mentions older than {cfg.retention_days} days")


@app.command("erase-author")
def erase_author(author: str, config: Path | None = ConfigOption, workspace: str | None = WorkspaceOption) -> None:
    """Erase every mention (and its history) by one author, e.g. on a GDPR request."""
    cfg = load_or_exit(config, workspace)
    removed = open_or_exit(cfg).erase_author(author)
    console.print(f"erased {removed} mentions by {author!r}")


@app.command()
def retrain(config: Path | None = ConfigOption, workspace: str | None = WorkspaceOption) -> None:
    """Train the clinic's model on staff corrections and rated reviews now (a new version under data/models/)."""
    cfg = load_or_exit(config, workspace)
    store = open_or_exit(cfg)
    try:
        summary = retrain_from_store(store, cfg.model_dir)
    except ValueError as exc:  # e.g. no labels yet
        fail(str(exc))
    ratings = summary["rating_labels"]
    console.print(f"trained {summary['model']} on {summary['mentions']} mentions: staff corrections, and the stars "
                  f"of {ratings['used']} rated review(s) as weak sentiment labels (each {ratings['weight']} of a "
                  f"correction); saved in {cfg.model_dir}")


def _retrain_if_enough_labels(pipeline: Pipeline, every: int = 50) -> None:
    """In the `run` loop: retrain after `every` new staff labels and start using the new model."""
    try:
        summary = maybe_retrain(pipeline.store, pipeline.config.model_dir, every=every)
    except (ValueError, OSError) as exc:  # too few labels, a full disk: the current model stays in use
        console.print(f"[yellow]warning:[/yellow] retraining failed: {exc}")
        return
    if summary:
        pipeline.replace_analyzer(Analyzer(pipeline.config, model_dir=pipeline.config.model_dir))
        console.print(f"retrained: now using {summary['model']}")


def _register_commands_of_other_stages() -> None:
    """Commands whose logic lives in their own modules (alerts, users, workspaces); the CLI only names them."""
    app.command("report", help="Build the weekly report (HTML, optional PDF); save it or e-mail it.")(report)
    app.command("alerts-check", help="Evaluate alert rules now and deliver what is due.")(alerts_check)
    app.command("add-user")(add_user)
    app.command("migrate-workspace")(migrate_workspace)


_register_commands_of_other_stages()


def _collect_with_progress(pipeline: Pipeline, only: list[str] | None = None) -> list[SourceRun]:
    try:
        sources = pipeline.due_sources(only=only, force=True)
    except KeyError as exc:
        fail(str(exc.args[0]))
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("collecting", total=len(sources))

        def advance(run: SourceRun) -> None:
            progress.update(task, advance=1, description=f"collecting ({run.name}: {run.status})")

        runs = pipeline.collect(sources, advance)
    _print_summary(runs)
    if len(runs) < len(sources):  # PostgreSQL: the rest were leased to another collector process, which collects them
        console.print(f"{len(sources) - len(runs)} sources left to other collector processes (leased by them)")
    _after_cycle(pipeline.config, pipeline.store)
    return runs


def _print_summary(runs: list[SourceRun]) -> None:
    table = Table("source", "kind", "status", "seen", "matched", "new", "not stored (reason)", "seconds",
                  "error / note")
    for r in sorted(runs, key=lambda r: r.name):
        style = "red" if r.status == "error" else None
        detail = redact(f"{r.error_kind}: {r.error}" if r.error else (r.note or ""))
        not_stored = ", ".join(f"{reason} {count}" for reason, count in sorted(r.dropped.items()) if count)
        table.add_row(r.name, r.kind, r.status, str(r.seen), str(r.matched), str(r.new), not_stored,
                      f"{r.seconds:.1f}", detail, style=style)
    stdout.print(table)


def format_drops(drops: dict[str, tuple[int, int]]) -> str:
    """"not_matched 12 (340), already_seen 3 (90)": per reason, the last run's count and the total."""
    return ", ".join(f"{reason} {last} ({total})" for reason, (last, total) in sorted(drops.items()) if total)


def _after_cycle(cfg: Config, store: Store) -> None:
    """Hooks that run after each collection cycle; each is optional so one failing never loses a cycle."""
    for hook in _cycle_hooks():
        try:
            hook(cfg, store)
        except Exception as exc:  # reported, never fatal for collection
            logging.getLogger(__name__).exception("after-cycle hook failed")
            console.print(f"[yellow]warning:[/yellow] {hook.__name__} failed: {exc}")


def _cycle_hooks() -> list:
    return [evaluate_and_send]


def _exit_for(runs: list[SourceRun]) -> None:
    failed = [r for r in runs if r.status == "error"]
    if failed:
        fail(f"{len(failed)} of {len(runs)} sources failed: {', '.join(r.name for r in failed)} (see `status`)", 3)


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        app()
    except KeyboardInterrupt:
        console.print("interrupted")
        sys.exit(130)

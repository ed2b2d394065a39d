"""The command line: a thin layer over config, pipeline and store (`python -m clinicwatch --help`)."""
from __future__ import annotations

import logging
import os
import shutil
import signal
import sys
import threading
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from alerts import evaluate_and_send
from alerts.cli import alerts_check, report
from analysis import Analyzer
from clinicwatch.demo import DEMO_CONFIG, bundled_folder, collection_config
from clinicwatch.leasing import DEFAULT_LEASE_SECONDS
from clinicwatch.pipeline import Pipeline
from clinicwatch.save_batch import SourceRun
from clinicwatch.schedule import seconds_until_next_due
from clinicwatch.training import maybe_retrain, retrain_from_store
from collectors.registry import load_config, missing_credentials
from core.config import Config, ConfigError, find_config
from core.redact import redact
from replies import gate
from storage import Store, open_store
from storage.users import UserExists, check_user, has_user, users_path
from storage.users import add_user as store_user

# Plain tracebacks: rich ones print local variables, which could include secrets.
app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="ClinicWatch: brand monitoring and social response for medical clinics.")
console = Console(stderr=True)
# Piped output (cron logs, tests) gets wide tables rather than truncated names.
stdout = Console(width=None if sys.stdout.isatty() else 320)
ConfigOption = typer.Option(None, "--config", "-c", help="Config TOML (default: $CLINICWATCH_CONFIG, config.toml).")
# Off by default: a clinic's few new items a cycle do not need them, and each worker holds its own caches.
# For a large first collection they pay: bench/ingest.py ran 2.0x faster with 2 workers on 2 cores.
WorkersOption = typer.Option(0, "--workers", min=0, max=32,
                             help="Worker processes that parse feeds, match and analyse, beside the storing one "
                                  "(0: all in one process; for a large first collection use the number of cores).")
LeaseOption = typer.Option(DEFAULT_LEASE_SECONDS, "--lease-seconds", min=1.0,
                           help="PostgreSQL only: how long a source stays leased to this collector unless renewed "
                                "(a killed collector's sources go to another after this long).")
EXAMPLE_CONFIG = Path(__file__).resolve().parent.parent / "config.example.toml"


def fail(message: str, code: int = 1) -> None:
    """Print a one-line reason and exit non-zero."""
    console.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def _load(config_path: Path | None) -> Config:
    try:
        config = load_config(find_config(config_path))
        bundled_folder(config)  # a demo config's folder of bundled sources must exist
        return config
    except ConfigError as exc:
        fail(str(exc), 2)
        raise  # unreachable, for type checkers


def _open(config: Config) -> Store:
    try:
        return open_store(config.store_target, map_file=True)
    except Exception as exc:  # sqlite3.DatabaseError, permission errors …
        fail(f"cannot open database {config.store_label}: {exc}")
        raise


@app.command()
def init(config: Path | None = ConfigOption) -> None:
    """Create config.toml from the example (if missing) and the database."""
    path = config or Path("config.toml")
    if not path.exists():
        shutil.copyfile(EXAMPLE_CONFIG, path)
        console.print(f"wrote {path}: fill in brand terms, sources and channels")
    cfg = _load(path)
    _open(cfg).close()
    console.print(f"database ready at {cfg.database}")


@app.command()
def collect(
    once: bool = typer.Option(False, "--once", help="Collect every enabled source once and exit."),
    source: list[str] = typer.Option([], "--source", "-s", help="Only this source (repeatable)."),
    workers: int = WorkersOption,
    lease_seconds: float = LeaseOption,
    config: Path | None = ConfigOption,
) -> None:
    """Collect mentions: with --once a single cycle, otherwise the same as `run`."""
    if not once:
        run(workers=workers, lease_seconds=lease_seconds, config=config)
        return
    with collection_config(_load(config)) as cfg:
        store = _open(cfg)
        with Pipeline(cfg, store, analysis_workers=workers, lease_seconds=lease_seconds) as pipeline:
            runs = _collect_with_progress(pipeline, only=source or None)
        console.print(f"{store.count_mentions()} mentions stored in {cfg.database}")
        store.close()
    _exit_for(runs)


@app.command()
def run(workers: int = WorkersOption, lease_seconds: float = LeaseOption,
        config: Path | None = ConfigOption) -> None:
    """Collect each source at its own interval until Ctrl-C or SIGTERM; alerts are checked after each cycle.

    On PostgreSQL several `run` processes (on one machine or several) share the sources through leases."""
    with collection_config(_load(config)) as cfg:
        _run_loop(cfg, workers, lease_seconds)


def _run_loop(cfg: Config, workers: int, lease_seconds: float = DEFAULT_LEASE_SECONDS) -> None:
    store = _open(cfg)
    pipeline = Pipeline(cfg, store, analysis_workers=workers, lease_seconds=lease_seconds)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    console.print(f"collecting from {len(cfg.sources)} sources; Ctrl-C to stop")
    while not stop.is_set():
        store.beat(store.COLLECTOR, os.getpid())
        runs = pipeline.collect_due()
        if runs:
            _print_summary(runs)
            _after_cycle(cfg, store)
            _retrain_if_enough_labels(pipeline)
        stop.wait(max(1.0, seconds_until_next_due(cfg, store)))
    pipeline.close()
    store.close()
    console.print("stopped cleanly")


@app.command()
def demo(
    database: Path | None = typer.Option(None, help="Where to build the demo database (default from the config)."),
    config: Path | None = typer.Option(None, "--config", "-c",
                                       help=f"A demo config, one with a [demo] table (default: {DEMO_CONFIG.name})."),
) -> None:
    """Build the demo database from the bundled offline sources, through the real collectors."""
    cfg = _load(config or DEMO_CONFIG)
    if bundled_folder(cfg) is None:
        fail(f"{cfg.path} is not a demo config (it has no [demo] table of bundled sources); "
             "collect a real one with `collect --once`", 2)
    with collection_config(cfg, database=database) as cfg:
        store = _open(cfg)
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
def status(config: Path | None = ConfigOption) -> None:
    """Show every source and its health."""
    cfg = _load(config)
    store = _open(cfg)
    table = Table("source", "kind", "enabled", "last success", "failures", "last error / note", "items (new/total)",
                  "not stored: reason last run (total)", "missing credentials")
    drops = store.source_drops()
    configured = {source.name: source for source in cfg.sources}
    for row in store.sources():
        error = redact(f"{row['last_error_kind']}: {row['last_error']}" if row["last_error"] else (row["note"] or ""))
        source = configured.get(row["name"])
        lacking = ", ".join(missing_credentials(source)) if source is not None else ""
        table.add_row(row["name"], row["kind"], "yes" if row["enabled"] else "no", row["last_success"] or "never",
                      str(row["consecutive_failures"]), error, f"{row['items_new']}/{row['items_total']}",
                      format_drops(drops.get(row["name"], {})), lacking)
    stdout.print(table)
    stdout.print(f"{store.count_mentions()} mentions stored in {cfg.database}")


@app.command()
def purge(config: Path | None = ConfigOption) -> None:
    """Delete mentions older than retention_days (and everything attached to them)."""
    cfg = _load(config)
    removed = _open(cfg).purge_older_than(cfg.retention_days)
    console.print(f"purged {removed} mentions older than {cfg.retention_days} days")


@app.command("erase-author")
def erase_author(author: str, config: Path | None = ConfigOption) -> None:
    """Erase every mention (and its history) by one author, e.g. on a GDPR request."""
    cfg = _load(config)
    removed = _open(cfg).erase_author(author)
    console.print(f"erased {removed} mentions by {author!r}")


@app.command()
def retrain(config: Path | None = ConfigOption) -> None:
    """Train the clinic's model on staff corrections and rated reviews now (a new version under data/models/)."""
    cfg = _load(config)
    store = _open(cfg)
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


@app.command("add-user")
def add_user(
    username: str,
    role: str = typer.Option(..., "--role", help="staff, manager or admin."),
    name: str = typer.Option("", "--name", help="Display name (default: the username)."),
    language: str = typer.Option("en", "--language", help="UI language: pl, it or en."),
    replace: bool = typer.Option(False, "--replace", help="Replace an existing user of that name (role, password)."),
    config: Path | None = ConfigOption,
) -> None:
    """Add a dashboard user (or replace one with --replace); the password is asked for and stored only as a hash.

    From a terminal the password is asked twice, hidden; piped, the first line of stdin is the password.
    """
    cfg = _load(config)
    path = users_path(cfg.database)
    try:  # everything but the password is checked before asking for it
        username = check_user(username, role, language)
    except ValueError as exc:
        fail(str(exc), 2)
    first = not path.exists()  # with no users file the local dashboard runs without login (ui.auth)
    existed = has_user(path, username)
    if existed and not replace:
        fail(f"user {username!r} already exists in {path}; pass --replace to replace them", 2)
    password = _read_password()
    try:
        store_user(path, username, name or username, password, role, language, replace=replace)
    except ValueError as exc:
        fail(str(exc), 2 if isinstance(exc, UserExists) else 1)
    console.print(f"user {username!r} ({role}) {'replaced' if existed else 'added'} in {path}")
    if first:
        console.print("[yellow]note:[/yellow] this is the first user, so the dashboard now asks everyone to sign "
                      "in (including the local demo, which ran without login until now)", highlight=False)


def _read_password() -> str:
    """Hidden and confirmed from a terminal; the first line of stdin when piped (getpass would warn)."""
    if sys.stdin.isatty():
        return str(typer.prompt("password", hide_input=True, confirmation_prompt=True))
    return sys.stdin.readline().rstrip("\r\n")


def _register_commands_of_other_stages() -> None:
    """Commands whose logic lives with its stage (alerts, analysis, ui); the CLI only names them."""
    app.command("report", help="Build the weekly report (HTML, optional PDF); save it or e-mail it.")(report)
    app.command("alerts-check", help="Evaluate alert rules now and deliver what is due.")(alerts_check)


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

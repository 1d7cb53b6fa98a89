"""The `consulta` command."""

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
import uvicorn
from pydantic import ValidationError
from sqlalchemy.orm import Session

from app import demo as demo_data
from app import migrate, scoring, seeding, server_secret
from app.audit import service as audit
from app.auth import service as accounts
from app.auth.models import Account
from app.auth.passwords import make_hasher
from app.auth.schemas import AdminCreate
from app.ballots import imports
from app.config import Settings, UnsafeSettings, get_settings
from app.consultations import service as consultations
from app.consultations.models import Consultation
from app.db import make_engine, make_sessionmaker, transaction
from app.errors import DomainError
from app.outbox import service as outbox
from app.outbox.models import STATUSES
from app.results import exports, offline
from app.scoring import Scale

cli = typer.Typer(
    help="Consulta: the consultation that sets a forum's agenda.", no_args_is_help=True
)
db_cli = typer.Typer(help="Database schema migrations.", no_args_is_help=True)
cli.add_typer(db_cli, name="db")
audit_cli = typer.Typer(help="The audit log's hash chain.", no_args_is_help=True)
cli.add_typer(audit_cli, name="audit")


@contextmanager
def unit_of_work(settings: Settings, *, write: bool = False) -> Iterator[Session]:
    """One transaction on the configured database, for a command."""
    engine = make_engine(settings.database_url)
    try:
        with transaction(make_sessionmaker(engine), write=write) as session:
            yield session
    finally:
        engine.dispose()


def _consultation_or_exit(session: Session, slug: str, code: int) -> Consultation:
    consultation = consultations.get_by_slug(session, slug)
    if consultation is None:
        typer.echo(f"Error: no consultation '{slug}'.", err=True)
        raise typer.Exit(code)
    return consultation


def _seed(settings: Settings) -> list[str]:
    with unit_of_work(settings, write=True) as session:
        return seeding.load_all(session, settings.seed_dir)


def _create_admin(settings: Settings, email: str, password: str) -> Account:
    data = AdminCreate(email=email, password=password)
    with unit_of_work(settings, write=True) as session:
        return accounts.create(session, data=data, hasher=make_hasher(settings))


def _bootstrap_admin(settings: Settings) -> str | None:
    """Creates the admin named in the environment when the database has no admin yet."""
    if not (settings.admin_email and settings.admin_password):
        return None
    with unit_of_work(settings) as session:
        if accounts.has_admin(session):
            return None
    _create_admin(settings, settings.admin_email, settings.admin_password.get_secret_value())
    return settings.admin_email


def _setup_token(settings: Settings) -> str | None:
    """While there is no administrator, a new one-time setup token (as Jupyter prints its
    login token): the link shown on the console is the way in on a first run."""
    with unit_of_work(settings, write=True) as session:
        if accounts.has_admin(session):
            return None
        return accounts.issue_setup_token(session)


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes")] = 1,
) -> None:
    """Migrate the database, load the 2017 edition if absent, and serve."""
    settings = get_settings()
    try:
        settings.refuse_unsafe()
    except UnsafeSettings as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(2) from exc
    migrate.upgrade(settings)
    with unit_of_work(settings, write=True) as session:  # generated here once, if unset
        server_secret.resolve(settings.configured_secret, session)
    for slug in _seed(settings):
        typer.echo(f"Loaded the seeded edition {slug}.")
    admin = _bootstrap_admin(settings)
    if admin:
        typer.echo(f"Created the administrator {admin}.")
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0") else host  # noqa: S104
    setup = _setup_token(settings)
    if setup:
        typer.echo(
            "No administrator yet. Open this one-time link to create the first one:\n"
            f"    http://{shown}:{port}/setup?token={setup}"
        )
    typer.echo(f"Consulta is serving at http://{shown}:{port}/ (API docs at /docs)", err=False)
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=settings.log_level.lower(),
        proxy_headers=True,
        # uvicorn kills a worker whose health-check thread has not answered within this time,
        # dropping its requests in flight; its 5 s default killed busy but healthy workers
        # under load (seen on a loaded 2-core machine).
        timeout_worker_healthcheck=30,
    )


@db_cli.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Upgrade the schema (to the latest revision by default)."""
    migrate.upgrade(get_settings(), revision)
    typer.echo(f"Upgraded to {revision}.")


@db_cli.command("downgrade")
def db_downgrade(revision: Annotated[str, typer.Argument()] = "-1") -> None:
    """Downgrade the schema (one revision by default; `base` removes every table)."""
    migrate.downgrade(get_settings(), revision)
    typer.echo(f"Downgraded to {revision}.")


@cli.command()
def seed() -> None:
    """Migrate, then load the seeded editions that are absent (twice changes nothing)."""
    settings = get_settings()
    migrate.upgrade(settings)
    added = _seed(settings)
    typer.echo(f"Loaded: {', '.join(added)}." if added else "Nothing to load: all present.")


@cli.command("create-admin")
def create_admin(email: str) -> None:
    """Create an administrator. The password is read from a prompt, or from standard input
    when it is not a terminal; never from the command line."""
    if sys.stdin.isatty():
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        account = _create_admin(get_settings(), email, password)
    except ValidationError as exc:
        messages = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        typer.echo(f"Error: {messages}", err=True)
        raise typer.Exit(2) from exc
    except DomainError as exc:
        typer.echo(f"Error: {exc.detail}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"Created the administrator {account.email}.")


def _parse_scale(text: str) -> Scale:
    low, sep, high = text.partition("..")
    try:
        return Scale(int(low), int(high)) if sep else Scale(1, int(text))
    except ValueError as exc:
        raise typer.BadParameter(f"{text!r}: expected LOW..HIGH, e.g. 1..5 ({exc})") from exc


@cli.command()
def rank(
    file: Annotated[typer.FileText, typer.Argument(help="A ballots.csv exported by Consulta")],
    method: Annotated[str, typer.Option(help="Scoring method")] = "mean",
    scale: Annotated[str, typer.Option(help="The consultation's scale, LOW..HIGH")] = "1..5",
    prior_weight: Annotated[float, typer.Option(help="C of the bayesian method")] = 5.0,
    min_group_size: Annotated[int, typer.Option(help="Smaller groups fold into other")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table")] = False,
) -> None:
    """Rank an exported ballots.csv offline, with the scoring code the server uses (no
    database): anyone can check a published ranking."""
    if method not in scoring.METHODS:
        raise typer.BadParameter(f"one of: {', '.join(scoring.METHODS)}", param_hint="--method")
    try:
        ratings = offline.read_ballots(file)
        result = offline.rank_ballots(
            ratings,
            method=method,
            scale=_parse_scale(scale),
            prior_weight=prior_weight,
            min_group_size=min_group_size,
        )
    except (scoring.BallotError, ValueError) as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(offline.as_json(result, method) if as_json else offline.as_table(result))


@cli.command("export-ballots")
def export_ballots(
    slug: str,
    output: Annotated[
        typer.FileBinaryWrite,
        typer.Option("--output", "-o", help="File to write (default: stdout)"),
    ] = sys.stdout.buffer,  # type: ignore[assignment]
) -> None:
    """Write a consultation's anonymised ballots.csv, the same bytes the API serves."""
    settings = get_settings()
    with unit_of_work(settings) as session:
        consultation = _consultation_or_exit(session, slug, 1)
        for chunk in exports.ballots_csv(session, consultation):
            output.write(chunk)


def _import_lines(
    settings: Settings,
    session: Session,
    consultation: Consultation,
    lines: list[str],
    show_progress: bool,
) -> imports.ImportReport:
    """Checks every row, then writes all of them in the caller's transaction; writes nothing
    when a row is refused (the caller must then roll back what else it did)."""
    secret = server_secret.resolve(settings.configured_secret, session)
    with typer.progressbar(
        length=2 * max(1, len(lines) - 1), label="Importing", hidden=not show_progress
    ) as bar:
        report, ratings = imports.parse(
            session, consultation, lines, secret=secret, progress=bar.update
        )
        if report.ok:
            report.new_participants = imports.write(
                session, consultation, ratings, progress=bar.update
            )
            imports.record(session, consultation, report)
    return report


class _Refused(Exception):
    """Rolls back a command's transaction after a refused import."""


def _report_refusal(report: imports.ImportReport) -> None:
    for line, reason in report.errors:
        typer.echo(f"line {line}: {reason}", err=True)
    typer.echo(f"Refused: {len(report.errors)} bad row(s); nothing was imported.", err=True)


@cli.command("import-ratings")
def import_ratings(
    slug: str,
    file: Annotated[
        typer.FileText,
        typer.Argument(
            help="CSV: email,topic,score or participant_key,stakeholder_group,topic,score"
        ),
    ],
) -> None:
    """Import ratings collected elsewhere (paper, another survey tool), all or nothing: every
    bad row is reported by line and then nothing is written."""
    lines = file.readlines()
    settings = get_settings()
    try:
        with unit_of_work(settings, write=True) as session:
            consultation = _consultation_or_exit(session, slug, 2)
            report = _import_lines(settings, session, consultation, lines, sys.stderr.isatty())
            if not report.ok:
                raise _Refused
    except imports.ImportRefused as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(2) from exc
    except _Refused:
        _report_refusal(report)
        raise typer.Exit(1) from None
    typer.echo(
        f"Imported {report.rows} ratings from {report.participants} participants "
        f"({report.new_participants} new) into {slug}."
    )


@cli.command()
def demo(
    slug: str,
    participants: Annotated[int, typer.Option(min=1, max=1_000_000)] = 500,
    seed: Annotated[int, typer.Option(help="Same seed, same data")] = 0,
) -> None:
    """Create an open consultation filled with SYNTHETIC participants and ratings, for
    demonstrations and benchmarks; its description says so. Never run by default."""
    settings = get_settings()
    migrate.upgrade(settings)
    try:
        # One transaction: a refused import leaves no empty demonstration behind.
        with unit_of_work(settings, write=True) as session:
            if consultations.get_by_slug(session, slug) is not None:
                typer.echo(f"Error: the slug '{slug}' is taken.", err=True)
                raise typer.Exit(1)
            consultation, titles = demo_data.create_consultation(session, slug)
            lines = list(demo_data.synthetic_csv(participants, titles, seed, 1, 5))
            report = _import_lines(settings, session, consultation, lines, sys.stderr.isatty())
            if not report.ok:
                raise _Refused
    except _Refused:
        _report_refusal(report)
        raise typer.Exit(1) from None
    typer.echo(
        f"Created {slug}: {report.participants} synthetic participants, {report.rows} ratings."
    )


@cli.command("outbox")
def outbox_list(
    status: Annotated[
        str | None,
        typer.Option(help="Only this status: pending, sending, sent, failed or kept"),
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 20,
) -> None:
    """List the outbox's messages, newest first, with the links of each mail. Without
    CONSULTA_SMTP_URL mails are kept here (status `kept`): this is how to read them."""
    if status is not None and status not in STATUSES:
        raise typer.BadParameter(f"one of: {', '.join(STATUSES)}", param_hint="--status")
    settings = get_settings()
    with unit_of_work(settings) as session:
        rows, total = outbox.messages(session, status=status, limit=limit)
        for message in rows:
            when = message.created_at.strftime("%Y-%m-%d %H:%M:%SZ")
            typer.echo(
                f"#{message.id} {message.kind} {message.status} {when} to {message.target}: "
                f"{message.summary} (attempts: {message.attempts})"
            )
            for link in message.payload.get("links", []):
                typer.echo(f"    {link}")
            if message.last_error:
                typer.echo(f"    last error: {message.last_error}")
    typer.echo(f"{len(rows)} of {total} message(s).")


@audit_cli.command("verify")
def audit_verify(slug: str) -> None:
    """Recompute a consultation's audit chain; name the first entry that was changed, inserted
    or removed (exit 1), or confirm it is intact."""
    settings = get_settings()
    with unit_of_work(settings) as session:
        consultation = _consultation_or_exit(session, slug, 2)
        chain = audit.consultation_chain(consultation.id)
        broken = audit.verify(session, chain)
        _, total = audit.entries(session, consultation_id=consultation.id, limit=1, offset=0)
    if broken is not None:
        typer.echo(f"BROKEN: the chain of {slug} breaks at entry {broken}.", err=True)
        raise typer.Exit(1)
    typer.echo(f"OK: {total} entries of {slug}, every hash and link intact.")


def main() -> None:
    cli()

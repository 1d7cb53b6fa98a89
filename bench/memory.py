"""Peak memory of one process computing one ranking: `python -m bench.memory URL SLUG METHOD`.
Prints the peak resident set size (VmHWM, KiB) before and after computing it. (getrusage's
ru_maxrss would include the parent's peak when started by fork.)"""

import sys
from pathlib import Path

from sqlalchemy import select

from app.db import make_engine, make_sessionmaker
from app.models import Consultation
from app.results import service


def peak_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status")


def main(url: str, slug: str, method: str) -> None:
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        consultation = session.scalars(select(Consultation).where(Consultation.slug == slug)).one()
        before = peak_kib()
        service.ranking(session, consultation, method=method)
        session.rollback()
    print(before, peak_kib())


if __name__ == "__main__":
    main(*sys.argv[1:4])

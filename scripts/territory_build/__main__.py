"""python -m scripts.territory_build [--decoupage-dir DIR] [--output-dir DIR] [--min-coverage SHARE]"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from . import __doc__ as package_doc
from .build import assemble, write
from .report import BIG_COMMUNE
from .sources import (
    DECOUPAGE_PACKAGE,
    DECOUPAGE_VERSION,
    geonames_version,
    install_decoupage,
    load_sources,
    package_dir,
)

DATA_DIR = Path(__file__).resolve().parents[2] / "tools_registry" / "data"
MIN_BIG_COMMUNE_COVERAGE = 0.99  # share located (GeoNames or town hall)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.territory_build", description=package_doc.splitlines()[0]
    )
    parser.add_argument(
        "--decoupage-dir",
        type=Path,
        help=f"installed {DECOUPAGE_PACKAGE}@{DECOUPAGE_VERSION}, or an npm prefix holding it "
        "(default: install it with npm into a temporary directory)",
    )
    parser.add_argument("--output-dir", type=Path, default=DATA_DIR, help="where to write the files")
    parser.add_argument(
        "--min-coverage",
        type=float,
        default=MIN_BIG_COMMUNE_COVERAGE,
        help=f"share of communes of {BIG_COMMUNE}+ inhabitants that must be located, through GeoNames "
        f"or the town hall (default {MIN_BIG_COMMUNE_COVERAGE})",
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="decoupage-") as tmp:
        decoupage = package_dir(args.decoupage_dir) if args.decoupage_dir else install_decoupage(Path(tmp))
        territories = assemble(load_sources(decoupage))
    return write(territories, args.output_dir, args.min_coverage, geonames_version())


if __name__ == "__main__":
    sys.exit(main())

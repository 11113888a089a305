"""The Adult reference data shipped with the tests (origin and licence: data/adult/SOURCE.md).

The folder holds ARX's hierarchies as they are and adult.csv compressed with xz (2.5 MB as
text, 0.12 MB compressed); tests and benchmarks unpack it into a folder of their own.
"""

import lzma
from pathlib import Path

ADULT_DIR = Path(__file__).parent / "data" / "adult"


def unpack_adult(folder: Path) -> Path:
    """Write adult.csv, byte for byte as ARX ships it, into `folder`; return its path."""
    target = folder / "adult.csv"
    target.write_bytes(lzma.decompress((ADULT_DIR / "adult.csv.xz").read_bytes()))
    return target

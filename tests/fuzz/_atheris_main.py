"""One fuzz target under atheris (libFuzzer): ``python _atheris_main.py TARGET [libFuzzer args] SEED_DIR``."""

import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

with atheris.instrument_imports(include=["requalify"]):
    import requalify.parsers  # noqa: F401
    from tests.fuzz.targets import TARGETS

    requalify.parsers.formats()
    try:
        import requalify.parsers.activity  # noqa: F401
    except ImportError:
        pass

target = TARGETS[sys.argv[1]]
atheris.Setup([sys.argv[0]] + sys.argv[2:], target)
atheris.Fuzz()

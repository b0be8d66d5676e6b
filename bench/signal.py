"""PAUSE to console latency: the benchmark is bench/pause_latency.py; this name runs it.

    .venv/bin/python bench/signal.py   # options: --clients 1000 --samples 200 --gap 0.5 --broad

This file shares its name with the standard library's `signal`, which subprocess and asyncio
import. Any script in bench/ runs with this folder first on the import path, so `import signal`
finds this file: it then hands over to the standard module and defines nothing of its own.
"""

import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != _HERE]

if __name__ == "__main__":
    import runpy

    runpy.run_path(str(_HERE / "pause_latency.py"), run_name="__main__")
else:
    # Imported in the standard module's place: the import statement that got here receives
    # whatever sys.modules holds when this file ends, so put the real module there.
    del sys.modules[__name__]
    import signal as _standard

    sys.modules[__name__] = _standard
    globals().update({k: v for k, v in vars(_standard).items() if not k.startswith("__")})

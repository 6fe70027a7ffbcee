"""The files the in-browser encoder loads, all served by the dashboard itself.

``overlap/privacy/browser/`` holds the page (``index.html``, ``encoder.js``,
``worker.js``); ``vendor/`` beside them (git-ignored) holds Pyodide, fetched
from the npm registry by ``make install`` (``scripts/fetch_pyodide.sh``), and
a zip of the Python the encoder runs, made here from the installed files:
Overlap's plain-Python modules and the pure-Python packages they use. It is
named by a hash of what it holds, so a changed module gives a new file and a
browser never runs a stale one. Nothing here is personal data.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import io
import os
import tempfile
import zipfile
from pathlib import Path

import overlap

BROWSER_DIR = Path(__file__).with_name("browser")
VENDOR_DIR = BROWSER_DIR / "vendor"
PYODIDE_DIR = VENDOR_DIR / "pyodide"
PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip",
                 "pyodide-lock.json")  # fmt: skip

# Overlap's modules the encoder imports (relative to the overlap package)
OVERLAP_FILES = (
    "__init__.py", "errors.py", "fields.py", "headers.py", "mapping.py", "split_rows.py",
    "normalise/*.py", "data/nicknames_extra.csv", "data/surname_variants.csv",
    "privacy/__init__.py", "privacy/scheme.py", "privacy/plain_encoding.py",
    "privacy/plain_roster.py", "privacy/in_browser.py", "privacy/metaphone.py",
    "privacy/crf_tagger.py",
)  # fmt: skip
# pure-Python packages, and the parts of them the encoder never reads
PACKAGES = {
    "unidecode": (),
    "nameparser": (),
    "nicknames": (),
    "usaddress": (),
    "probableparsing": (),
    "phonenumbers": ("geodata", "carrierdata", "tzdata"),  # 43 MB the encoder never reads
}


def pyodide_installed() -> bool:
    """Whether ``make install`` fetched Pyodide (the encoder cannot start without it)."""
    return all((PYODIDE_DIR / name).is_file() for name in PYODIDE_FILES)


def python_bundle() -> str:
    """The name (in ``vendor/``) of the zip of the encoder's Python, made if missing."""
    files = _bundle_files()
    digest = hashlib.sha256()
    for name, path in files:
        digest.update(name.encode() + b"\0" + path.read_bytes())
    bundle = f"python-{digest.hexdigest()[:16]}.zip"
    target = VENDOR_DIR / bundle
    if not target.is_file():
        VENDOR_DIR.mkdir(parents=True, exist_ok=True)
        for old in VENDOR_DIR.glob("python-*.zip"):
            if old.name != bundle:  # another session may have just made this very one
                old.unlink(missing_ok=True)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, path in files:
                info = zipfile.ZipInfo(name, (2020, 1, 1, 0, 0, 0))  # the same bytes every time
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, path.read_bytes())
        handle, temporary = tempfile.mkstemp(dir=VENDOR_DIR, suffix=".part")
        with os.fdopen(handle, "wb") as out:  # whole or not at all: two sessions may race
            out.write(buffer.getvalue())
        os.replace(temporary, target)
    return bundle


def _bundle_files() -> list[tuple[str, Path]]:
    """(name in the zip, file) for every file the encoder needs, in a fixed order."""
    root = Path(overlap.__file__).parent
    files = [
        (f"overlap/{path.relative_to(root).as_posix()}", path)
        for pattern in OVERLAP_FILES
        for path in sorted(root.glob(pattern))
    ]
    for package, left_out in PACKAGES.items():
        spec = importlib.util.find_spec(package)
        if spec is None or spec.origin is None:
            raise ModuleNotFoundError(f"{package} is not installed (run `make install`)")
        folder = Path(spec.origin).parent
        for path in sorted(folder.rglob("*")):
            parts = path.relative_to(folder).parts
            if path.is_file() and parts[0] not in left_out and "__pycache__" not in parts:
                if path.suffix not in (".pyc", ".pyi", ".c", ".so"):
                    files.append((f"{package}/{'/'.join(parts)}", path))
        metadata = importlib.metadata.distribution(package).locate_file("")  # its version, read
        for found in sorted(Path(metadata).glob(f"{package}-*.dist-info/METADATA")):  # at import
            files.append((f"{found.parent.name}/METADATA", found))
    return files

"""Sealed files: bytes that hold personal data, encrypted with a passphrase, saved atomically.

Every file Overlap writes that holds people's details when it leaves the
session (a workspace, an outreach plan, review decisions) goes through here,
so all of them share one format, one set of error messages and one way of
saving that never leaves a half-written file in place of a good one.

Format (version 1)::

    magic        12 bytes  b"\\x89OVERLAP\\r\\n\\x1a\\n" (PNG-style: a text-mode copy breaks it visibly)
    version       2 bytes  big-endian format version (1)
    header_len    4 bytes  big-endian length of the header
    header        JSON     kind, kdf (scrypt n, r, p, salt), cipher, nonce, chunk size, check
    header_hash   8 bytes  SHA-256 of everything above, cut to 8 bytes
    chunks        ...      AES-256-GCM of each ``chunk`` bytes of data (+16-byte tag)

The key is scrypt(passphrase, salt) (64 bytes: 32 for AES-256-GCM, 32 for a
``check`` value kept in the header, so a wrong passphrase is told apart from
a damaged file). Chunk ``i`` is sealed with nonce ``nonce XOR i`` and the
whole header plus a last-chunk flag as associated data: changing, moving,
dropping or adding any byte — header included — is detected, and so is a
file cut short at a chunk boundary. Chunks let a big workspace be sealed
and opened without holding two copies of it in memory.

Future versions keep the first four fields and ``header_hash`` where they
are, so any version can say "this file is from a newer Overlap" rather than
"damaged".
"""

from __future__ import annotations

import base64
import errno
import hashlib
import io
import json
import os
import secrets
import struct
import tempfile
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from overlap.errors import OverlapError

MAGIC = b"\x89OVERLAP\r\n\x1a\n"
FORMAT_VERSION = 1
HEADER_HASH_BYTES = 8
MAX_HEADER_BYTES = 64 * 1024
TAG_BYTES = 16
NONCE_BYTES = 12
SALT_BYTES = 16
DEFAULT_CHUNK = 1024 * 1024
MIN_PASSPHRASE_CHARS = 8
PASSPHRASE_ENV = "OVERLAP_PASSPHRASE"
_CHECK_LABEL = b"overlap sealed-file passphrase check v1"
_PREFIX = struct.Struct(">HI")  # version, header length

#: What a sealed file holds, in the words error messages use.
KINDS: dict[str, str] = {
    "workspace": "Overlap workspace",
    "outreach-plan": "outreach plan",
    "decisions": "review decisions file",
    "data": "Overlap file",
}


class SealedFileError(OverlapError):
    """A sealed file cannot be opened or saved; the message says why in one sentence."""


class WrongPassphraseError(SealedFileError):
    """The passphrase given is not the one the file was sealed with."""


class DamagedFileError(SealedFileError):
    """The file was changed, cut short or added to after it was saved."""


class NewerVersionError(SealedFileError):
    """The file was written by a newer Overlap, in a format this one does not know."""


class NotSealedError(SealedFileError):
    """The file is not one Overlap encrypted."""


class WrongKindError(SealedFileError):
    """The file is an Overlap file of another kind (a workspace where a plan was expected)."""


class PassphraseError(SealedFileError):
    """No usable passphrase was given (missing, empty or too short)."""


class SaveError(SealedFileError):
    """Writing the file failed (disk full, no permission); the previous file is unchanged."""


@dataclass(frozen=True)
class ScryptParams:
    """scrypt cost: ``n`` (a power of two), ``r`` and ``p``; memory is 128 * n * r bytes.

    The default (n = 2**17, r = 8, p = 1: 128 MiB, about 0.3 s here) is the
    OWASP recommendation for scrypt. Tests may pass cheaper values.
    """

    n: int = 2**17
    r: int = 8
    p: int = 1

    def check(self) -> bool:
        """True for parameters this version accepts when opening (bounds a crafted header's cost)."""
        power_of_two = self.n >= 2 and self.n & (self.n - 1) == 0
        return (
            power_of_two
            and 2**10 <= self.n <= 2**20
            and 1 <= self.r <= 32
            and 1 <= self.p <= 16
            and 128 * self.n * self.r <= 1024**3
        )


DEFAULT_PARAMS = ScryptParams()


# ---------------------------------------------------------------------------- passphrases


def passphrase_bytes(passphrase: str | bytes) -> bytes:
    """The passphrase as bytes: text in Unicode NFC (the same letters typed on any system)."""
    if isinstance(passphrase, bytes):
        return passphrase
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def check_new_passphrase(passphrase: str | bytes) -> None:
    """Refuse a passphrase too short to protect personal data (sealing only; opening takes any)."""
    text = passphrase.decode("utf-8", "replace") if isinstance(passphrase, bytes) else passphrase
    if len(text) < MIN_PASSPHRASE_CHARS:
        raise PassphraseError(
            f"The passphrase has {len(text)} characters; use at least {MIN_PASSPHRASE_CHARS} "
            "(a few unrelated words are easy to remember and hard to guess)."
        )


def read_passphrase(
    passphrase_file: str | os.PathLike | None = None, environ: Mapping[str, str] | None = None
) -> str:
    """The passphrase from a file (first line) or the ``OVERLAP_PASSPHRASE`` environment variable.

    Never from a command-line value: those show in the process list and shell history.

    Args:
        passphrase_file: a file whose first line is the passphrase (wins over the variable).
        environ: where to look for the variable (default ``os.environ``).

    Returns:
        The passphrase (trailing newline removed).

    Raises:
        PassphraseError: neither was given, the file is missing, or the passphrase is empty.
    """
    environ = os.environ if environ is None else environ
    if passphrase_file is not None:
        path = Path(passphrase_file)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise PassphraseError(f"The passphrase file {path} does not exist.") from None
        except (OSError, UnicodeDecodeError) as error:
            reason = getattr(error, "strerror", None) or "it is not a text file"
            raise PassphraseError(
                f"The passphrase file {path} cannot be read ({reason})."
            ) from None
        passphrase = text.splitlines()[0] if text.splitlines() else ""
        where = f"the passphrase file {path}"
    elif environ.get(PASSPHRASE_ENV):
        passphrase, where = environ[PASSPHRASE_ENV], f"the {PASSPHRASE_ENV} variable"
    else:
        raise PassphraseError(
            f"This file is encrypted with a passphrase: give it with --passphrase-file FILE "
            f"or the {PASSPHRASE_ENV} environment variable."
        )
    if not passphrase:
        raise PassphraseError(f"The passphrase in {where} is empty.")
    return passphrase


# ------------------------------------------------------------------------------- the format


def _derive(passphrase: str | bytes, salt: bytes, params: ScryptParams) -> tuple[bytes, bytes]:
    """(AES-256 key, check value) from the passphrase by scrypt."""
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    out = Scrypt(salt=salt, length=64, n=params.n, r=params.r, p=params.p).derive(
        passphrase_bytes(passphrase)
    )
    return out[:32], hashlib.sha256(_CHECK_LABEL + out[32:]).digest()[:16]


def _nonce(base: bytes, counter: int) -> bytes:
    """The nonce of chunk ``counter``: the last 8 bytes of the base nonce XOR the counter."""
    tail = int.from_bytes(base[4:], "big") ^ counter
    return base[:4] + tail.to_bytes(8, "big")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _header_bytes(header: dict) -> bytes:
    body = json.dumps(header, sort_keys=True, separators=(",", ":")).encode("utf-8")
    start = MAGIC + _PREFIX.pack(FORMAT_VERSION, len(body)) + body
    return start + hashlib.sha256(start).digest()[:HEADER_HASH_BYTES]


def seal_stream(
    source: BinaryIO,
    target: BinaryIO,
    passphrase: str | bytes,
    kind: str = "data",
    params: ScryptParams = DEFAULT_PARAMS,
    chunk_size: int = DEFAULT_CHUNK,
) -> None:
    """Encrypt everything ``source`` yields into ``target``, one chunk in memory at a time.

    Args:
        source: readable binary stream (the plain bytes).
        target: writable binary stream (receives the sealed file).
        passphrase: at least :data:`MIN_PASSPHRASE_CHARS` characters.
        kind: what the file holds (a key of :data:`KINDS`), checked when it is opened.
        params: scrypt cost.
        chunk_size: bytes of data per authenticated chunk.
    """
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    check_new_passphrase(passphrase)
    if kind not in KINDS:
        raise ValueError(f"unknown kind of sealed file: {kind}")
    salt, base = secrets.token_bytes(SALT_BYTES), secrets.token_bytes(NONCE_BYTES)
    key, check = _derive(passphrase, salt, params)
    header = _header_bytes(
        {
            "kind": kind,
            "cipher": "AES-256-GCM",
            "kdf": {"name": "scrypt", "n": params.n, "r": params.r, "p": params.p},
            "salt": _b64(salt),
            "nonce": _b64(base),
            "chunk": chunk_size,
            "check": _b64(check),
        }
    )
    target.write(header)
    aead = AESGCM(key)
    counter, block = 0, source.read(chunk_size)
    while True:
        following = source.read(chunk_size)
        last = not following
        aad = header + (b"\x01" if last else b"\x00")
        target.write(aead.encrypt(_nonce(base, counter), block, aad))
        if last:
            return
        counter, block = counter + 1, following


def _read_header(source: BinaryIO, label: str) -> tuple[bytes, dict]:
    """The raw header bytes (associated data) and the parsed header; errors say what is wrong."""
    start = source.read(len(MAGIC))
    if not start:
        raise NotSealedError(f"{label} is empty, so it is not a file Overlap encrypted.")
    if start != MAGIC:
        if MAGIC.startswith(start):
            raise DamagedFileError(f"{label} is cut short: it ends inside its first line.")
        raise NotSealedError(f"{label} is not a file Overlap encrypted.")
    prefix = source.read(_PREFIX.size)
    if len(prefix) < _PREFIX.size:
        raise DamagedFileError(f"{label} is damaged: it ends inside its header.")
    version, length = _PREFIX.unpack(prefix)
    body = source.read(min(length, MAX_HEADER_BYTES)) if length <= MAX_HEADER_BYTES else b""
    digest = source.read(HEADER_HASH_BYTES)
    raw = MAGIC + prefix + body
    if len(body) != length or hashlib.sha256(raw).digest()[:HEADER_HASH_BYTES] != digest:
        raise DamagedFileError(f"{label} is damaged: its header was changed or cut short.")
    if version > FORMAT_VERSION:
        raise NewerVersionError(
            f"{label} was saved by a newer version of Overlap (file format {version}; "
            f"this one reads up to {FORMAT_VERSION}): update Overlap to open it."
        )
    try:
        header = json.loads(body)
        kdf = header["kdf"]
        header["params"] = ScryptParams(int(kdf["n"]), int(kdf["r"]), int(kdf["p"]))
        header["salt_bytes"] = base64.b64decode(header["salt"], validate=True)
        header["nonce_bytes"] = base64.b64decode(header["nonce"], validate=True)
        header["check_bytes"] = base64.b64decode(header["check"], validate=True)
        ok = (
            version == FORMAT_VERSION
            and kdf.get("name") == "scrypt"
            and header["params"].check()
            and len(header["nonce_bytes"]) == NONCE_BYTES
            and 1 <= int(header["chunk"]) <= 64 * DEFAULT_CHUNK
        )
    except (ValueError, KeyError, TypeError):
        ok = False
    if not ok:
        raise DamagedFileError(f"{label} is damaged: its header cannot be read.")
    return raw + digest, header


def _kind_words(kind: str) -> str:
    return KINDS.get(kind, "Overlap file")


def _with_article(words: str) -> str:
    return f"{'an' if words[0].lower() in 'aeiou' else 'a'} {words}"


def open_stream(
    source: BinaryIO,
    target: BinaryIO,
    passphrase: str | bytes,
    kind: str | None = None,
    label: str = "The file",
) -> str:
    """Decrypt a sealed stream into ``target``; return the kind it holds.

    Nothing is trusted until authenticated: if any chunk fails, an error is
    raised and whatever was written to ``target`` must be thrown away (the
    file helpers here do that).

    Raises:
        NotSealedError, DamagedFileError, NewerVersionError, WrongPassphraseError,
        WrongKindError: one sentence each, naming ``label``.
    """
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    header_raw, header = _read_header(source, label)
    if kind is not None and header["kind"] != kind:
        raise WrongKindError(
            f"{label} is an encrypted {_kind_words(header['kind'])}, "
            f"where {_with_article(_kind_words(kind))} was expected."
        )
    key, check = _derive(passphrase, header["salt_bytes"], header["params"])
    if not secrets.compare_digest(check, header["check_bytes"]):
        raise WrongPassphraseError(
            f"The passphrase does not open {label}: it is not the one it was saved with."
        )
    aead, base, size = AESGCM(key), header["nonce_bytes"], int(header["chunk"]) + TAG_BYTES
    counter, block = 0, source.read(size)
    while True:
        following = source.read(size)
        last = not following
        try:
            target.write(
                aead.decrypt(
                    _nonce(base, counter), block, header_raw + (b"\x01" if last else b"\x00")
                )
            )
        except InvalidTag:
            raise DamagedFileError(
                f"{label} is damaged: part of it was changed or cut off after it was saved."
            ) from None
        if last:
            return str(header["kind"])
        counter, block = counter + 1, following


def seal(
    data: bytes,
    passphrase: str | bytes,
    kind: str = "data",
    params: ScryptParams = DEFAULT_PARAMS,
    chunk_size: int = DEFAULT_CHUNK,
) -> bytes:
    """The sealed file's bytes, in memory (a dashboard download: nothing is written on the server)."""
    out = io.BytesIO()
    seal_stream(io.BytesIO(data), out, passphrase, kind, params, chunk_size)
    return out.getvalue()


def open_sealed(
    blob: bytes, passphrase: str | bytes, kind: str | None = None, label: str = "The file"
) -> bytes:
    """The plain bytes of a sealed file held in memory (an upload). Errors as :func:`open_stream`."""
    out = io.BytesIO()
    open_stream(io.BytesIO(blob), out, passphrase, kind, label)
    return out.getvalue()


def is_sealed(data: bytes) -> bool:
    """True when ``data`` starts like a sealed file (say "encrypted" rather than "not a CSV")."""
    return data[: len(MAGIC)] == MAGIC


def sealed_kind(data: bytes, label: str = "The file") -> str:
    """What a sealed file holds, read from its header without the passphrase."""
    return str(_read_header(io.BytesIO(data), label)[1]["kind"])


# ------------------------------------------------------------------------------ atomic saves


def _save_reason(error: OSError) -> str:
    if error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return "the disk is full or the file would be too big"
    return (error.strerror or type(error).__name__).lower()


def atomic_write(path: str | os.PathLike, write: Callable[[BinaryIO], None]) -> None:
    """Write a file so that a crash or a failed write leaves the previous file as it was.

    ``write`` fills a temporary file in the same folder; it is flushed to disk
    (fsync) and only then renamed over ``path`` (``os.replace`` is atomic on
    one file system). On any failure the temporary file is removed. The new
    file is readable by its owner only: it holds personal data.

    Raises:
        SaveError: the write failed (the message says why; ``path`` is unchanged).
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        handle, temp_name = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".part")
    except OSError as error:
        raise SaveError(f"Could not save {target}: {_save_reason(error)}.") from None
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as stream:
            write(stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp, target)
    except BaseException as error:
        temp.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise SaveError(
                f"Could not save {target}: {_save_reason(error)}; the previous file is unchanged."
            ) from None
        raise
    _fsync_folder(folder)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (best effort: not every system can open a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def save_sealed(
    path: str | os.PathLike,
    data: bytes | BinaryIO,
    passphrase: str | bytes,
    kind: str = "data",
    params: ScryptParams = DEFAULT_PARAMS,
    chunk_size: int = DEFAULT_CHUNK,
) -> None:
    """Seal bytes (or a readable stream, e.g. a workspace database file) and save them atomically.

    Args:
        path: the file to write (replaced only once the new one is complete on disk).
        data: the plain bytes, or a binary stream to read them from.
        passphrase: at least :data:`MIN_PASSPHRASE_CHARS` characters.
        kind: what the file holds (a key of :data:`KINDS`).
        params: scrypt cost.
        chunk_size: bytes of data per authenticated chunk.
    """
    check_new_passphrase(passphrase)
    source = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    atomic_write(
        path, lambda stream: seal_stream(source, stream, passphrase, kind, params, chunk_size)
    )


def load_sealed(path: str | os.PathLike, passphrase: str | bytes, kind: str | None = None) -> bytes:
    """The plain bytes of a sealed file on disk. Errors as :func:`open_stream`, naming the file."""
    target = Path(path)
    try:
        with open(target, "rb") as stream:
            out = io.BytesIO()
            open_stream(stream, out, passphrase, kind, label=str(target))
    except FileNotFoundError:
        raise SealedFileError(f"{target} does not exist.") from None
    except IsADirectoryError:
        raise SealedFileError(f"{target} is a folder, not a file.") from None
    return out.getvalue()


def open_to_file(
    path: str | os.PathLike,
    out_path: str | os.PathLike,
    passphrase: str | bytes,
    kind: str | None = None,
) -> None:
    """Decrypt a sealed file into another file (e.g. a workspace database), chunk by chunk.

    ``out_path`` is written atomically: if the sealed file turns out damaged
    half-way, nothing is left at ``out_path``.
    """
    target = Path(path)
    try:
        with open(target, "rb") as stream:
            atomic_write(
                out_path, lambda out: open_stream(stream, out, passphrase, kind, label=str(target))
            )
    except FileNotFoundError:
        raise SealedFileError(f"{target} does not exist.") from None

"""Sealed files: round trips, every kind of damage told apart, and saves that cannot half-happen."""

from __future__ import annotations

import hashlib
import json
import os
import struct
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from overlap import crypto
from overlap.errors import OverlapError

ROOT = Path(__file__).resolve().parents[1]
FAST = crypto.ScryptParams(n=2**10, r=8, p=1)  # cheap scrypt: the format, not the cost, is tested
PASS = "correct horse battery staple"
ROSTER = b"first_name,last_name,dob\nMaria,Garcia,1990-07-01\nRobert,Smith,1985-03-12\n"


def _seal(data: bytes = ROSTER, chunk_size: int = 32, kind: str = "data") -> bytes:
    return crypto.seal(data, PASS, kind=kind, params=FAST, chunk_size=chunk_size)


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=600), chunk_size=st.integers(1, 200))
def test_round_trip_any_bytes_any_chunk_size(data, chunk_size):
    sealed = crypto.seal(data, PASS, params=FAST, chunk_size=chunk_size)
    assert crypto.open_sealed(sealed, PASS) == data


def test_chunks_exactly_filled_and_empty_data_round_trip():
    for data in (b"", b"x" * 64, b"y" * 65):
        assert crypto.open_sealed(_seal(data), PASS) == data


def test_sealed_bytes_hold_no_plain_text_and_differ_each_time():
    one, two = _seal(), _seal()
    for word in (b"Maria", b"Garcia", b"1990-07-01", b"first_name"):
        assert word not in one
    assert one != two  # fresh salt and nonce per file
    assert crypto.is_sealed(one) and not crypto.is_sealed(ROSTER)


def test_default_cost_is_scrypt_n_2_17_and_opens():
    sealed = crypto.seal(ROSTER, PASS, kind="decisions")
    assert crypto.open_sealed(sealed, PASS, kind="decisions") == ROSTER
    header = json.loads(sealed[18 : 18 + struct.unpack(">I", sealed[14:18])[0]])
    assert header["kdf"] == {"name": "scrypt", "n": 2**17, "r": 8, "p": 1}
    assert header["cipher"] == "AES-256-GCM" and header["kind"] == "decisions"


def test_wrong_passphrase_is_one_clear_sentence():
    with pytest.raises(crypto.WrongPassphraseError) as caught:
        crypto.open_sealed(_seal(), "correct horse battery stapler", label="plan.owl")
    assert str(caught.value) == (
        "The passphrase does not open plan.owl: it is not the one it was saved with."
    )
    assert isinstance(caught.value, OverlapError)


def test_every_flipped_byte_is_caught_as_damage():
    sealed = _seal(chunk_size=40)
    assert len(sealed) > 250
    for i in range(len(sealed)):
        broken = bytearray(sealed)
        broken[i] ^= 0x04
        expected = (crypto.NotSealedError,) if i < len(crypto.MAGIC) else ()
        with pytest.raises((crypto.DamagedFileError, *expected)):
            crypto.open_sealed(bytes(broken), PASS)


def test_every_truncation_and_any_addition_is_caught():
    sealed = _seal(chunk_size=40)
    for n in range(1, len(sealed)):
        with pytest.raises(crypto.DamagedFileError):
            crypto.open_sealed(sealed[:n], PASS)
    with pytest.raises(crypto.NotSealedError, match="is empty"):
        crypto.open_sealed(b"", PASS)
    with pytest.raises(crypto.DamagedFileError, match="changed or cut off"):
        crypto.open_sealed(sealed + b"\x00", PASS)


def test_swapped_chunks_are_caught():
    data = b"a" * 40 + b"b" * 40 + b"c" * 10
    sealed = _seal(data, chunk_size=40)
    size = 40 + crypto.TAG_BYTES
    body_start = len(sealed) - (2 * size + 10 + crypto.TAG_BYTES)
    head, first, second = (
        sealed[:body_start],
        sealed[body_start : body_start + size],
        sealed[body_start + size : body_start + 2 * size],
    )
    swapped = head + second + first + sealed[body_start + 2 * size :]
    with pytest.raises(crypto.DamagedFileError):
        crypto.open_sealed(swapped, PASS)


def _rewrite_header(sealed: bytes, version: int | None = None, change=None) -> bytes:
    """A file whose header was rewritten with a correct header hash (as a newer Overlap would)."""
    length = struct.unpack(">I", sealed[14:18])[0]
    header = json.loads(sealed[18 : 18 + length])
    rest = sealed[18 + length + crypto.HEADER_HASH_BYTES :]
    if change:
        change(header)
    body = json.dumps(header).encode()
    start = crypto.MAGIC + struct.pack(">HI", version or crypto.FORMAT_VERSION, len(body)) + body
    return start + hashlib.sha256(start).digest()[:8] + rest


def test_file_from_a_newer_overlap_says_so():
    newer = _rewrite_header(_seal(), version=crypto.FORMAT_VERSION + 1)
    with pytest.raises(crypto.NewerVersionError) as caught:
        crypto.open_sealed(newer, PASS, label="season.owl")
    assert str(caught.value) == (
        "season.owl was saved by a newer version of Overlap (file format 2; this one reads "
        "up to 1): update Overlap to open it."
    )


def test_crafted_costs_are_refused_before_any_work():
    def huge(header):
        header["kdf"]["n"] = 2**30

    with pytest.raises(crypto.DamagedFileError, match="header cannot be read"):
        crypto.open_sealed(_rewrite_header(_seal(), change=huge), PASS)


def test_files_that_are_not_overlap_files():
    for data in (ROSTER, b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, b"PK\x03\x04zipzipzipzip"):
        with pytest.raises(crypto.NotSealedError, match="is not a file Overlap encrypted"):
            crypto.open_sealed(data, PASS, label="clients.csv")
    with pytest.raises(crypto.DamagedFileError, match="cut short"):
        crypto.open_sealed(crypto.MAGIC[:5], PASS)


def test_a_file_of_another_kind_is_named_for_what_it_is():
    with pytest.raises(crypto.WrongKindError) as caught:
        crypto.open_sealed(_seal(kind="workspace"), PASS, kind="outreach-plan", label="x.owl")
    assert str(caught.value) == (
        "x.owl is an encrypted Overlap workspace, where an outreach plan was expected."
    )
    assert crypto.sealed_kind(_seal(kind="decisions")) == "decisions"


def test_short_passphrases_are_refused_for_new_files_only():
    with pytest.raises(crypto.PassphraseError, match="has 5 characters; use at least 8"):
        crypto.seal(ROSTER, "hunt2", params=FAST)
    sealed = _seal()
    with pytest.raises(crypto.WrongPassphraseError):
        crypto.open_sealed(sealed, "short")


def test_unicode_passphrase_typed_either_way_opens():
    composed, decomposed = "café au lait 2026", "cafe\u0301 au lait 2026"
    sealed = crypto.seal(ROSTER, composed, params=FAST)
    assert crypto.open_sealed(sealed, decomposed) == ROSTER


def test_read_passphrase_from_file_or_environment(tmp_path):
    secret = tmp_path / "pass.txt"
    secret.write_text("river stone lantern\n")
    assert crypto.read_passphrase(secret, environ={}) == "river stone lantern"
    assert crypto.read_passphrase(None, environ={"OVERLAP_PASSPHRASE": "a b c d e"}) == "a b c d e"
    with pytest.raises(crypto.PassphraseError, match="--passphrase-file FILE or the OVERLAP"):
        crypto.read_passphrase(None, environ={})
    with pytest.raises(crypto.PassphraseError, match="does not exist"):
        crypto.read_passphrase(tmp_path / "nope.txt", environ={})
    (tmp_path / "empty.txt").write_text("\n")
    with pytest.raises(crypto.PassphraseError, match="is empty"):
        crypto.read_passphrase(tmp_path / "empty.txt", environ={})


# ------------------------------------------------------------------------------ files on disk


def test_save_and_load_a_sealed_file(tmp_path):
    path = tmp_path / "plan.owl"
    crypto.save_sealed(path, ROSTER, PASS, kind="outreach-plan", params=FAST, chunk_size=16)
    assert crypto.load_sealed(path, PASS, kind="outreach-plan") == ROSTER
    assert (path.stat().st_mode & 0o777) == 0o600  # personal data: the owner only
    assert [p.name for p in tmp_path.iterdir()] == ["plan.owl"]
    with pytest.raises(crypto.SealedFileError, match="does not exist"):
        crypto.load_sealed(tmp_path / "missing.owl", PASS)
    with pytest.raises(crypto.WrongPassphraseError, match="plan.owl"):
        crypto.load_sealed(path, "not the passphrase")


def test_big_data_streams_through_in_chunks(tmp_path):
    plain = tmp_path / "workspace.duckdb"
    plain.write_bytes(os.urandom(3 * 1024 * 1024 + 17))
    sealed = tmp_path / "w.owl"
    with open(plain, "rb") as source:
        crypto.save_sealed(sealed, source, PASS, kind="workspace", params=FAST)
    back = tmp_path / "opened.duckdb"
    crypto.open_to_file(sealed, back, PASS, kind="workspace")
    assert back.read_bytes() == plain.read_bytes()
    broken = bytearray(sealed.read_bytes())
    broken[-5] ^= 1
    sealed.write_bytes(bytes(broken))
    with pytest.raises(crypto.DamagedFileError):
        crypto.open_to_file(sealed, tmp_path / "half.duckdb", PASS)
    assert not (tmp_path / "half.duckdb").exists()  # nothing half-decrypted left behind
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


CHILD = textwrap.dedent(
    """
    import resource, signal, sys
    from overlap import crypto
    mode, path = sys.argv[1], sys.argv[2]
    fast = crypto.ScryptParams(n=2**10)
    if mode == "full-disk":
        # the file-size limit makes the kernel fail the write (EFBIG), as a full disk would
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))
        try:
            crypto.save_sealed(path, b"n" * 1_000_000, "the new passphrase", params=fast)
        except crypto.SaveError as error:
            print(error)
            sys.exit(2)
    else:  # crash: the process dies half-way through writing the new file
        class Dying:
            reads = 0
            def read(self, n):
                Dying.reads += 1
                if Dying.reads == 3:
                    import os
                    os.kill(os.getpid(), signal.SIGKILL)
                return b"n" * n
        crypto.save_sealed(path, Dying(), "the new passphrase", params=fast, chunk_size=65536)
    """
)


@pytest.mark.parametrize("mode", ["full-disk", "crash"])
def test_a_failed_save_leaves_the_previous_file_intact(tmp_path, mode):
    path = tmp_path / "decisions.owl"
    crypto.save_sealed(path, ROSTER, PASS, kind="decisions", params=FAST)
    before = path.read_bytes()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if mode == "full-disk":
        assert done.returncode == 2, done.stderr
        assert done.stdout.strip() == (
            f"Could not save {path}: the disk is full or the file would be too big; "
            "the previous file is unchanged."
        )
        assert sorted(p.name for p in tmp_path.iterdir()) == ["decisions.owl"]  # temp removed
    else:
        assert done.returncode == -9  # killed mid-save
    assert path.read_bytes() == before
    assert crypto.load_sealed(path, PASS, kind="decisions") == ROSTER

"""Private overlap: encode a roster with the partners' secret, measure overlap from encodings.

Thin: every step is a call into ``overlap.privacy``; what the session keeps
goes through ``ui.state``, every download through ``ui.common.download``.
A roster is encoded in the partner's own browser (``overlap/privacy/browser``,
a component that runs Overlap's encoder in Pyodide, served by this
dashboard): the roster and the secret never reach the server. On a shared
server (``OVERLAP_HOSTED=1``) that is the only way; running on the partner's
own computer, the page may also read the roster itself.
"""

import json

import pandas as pd
import streamlit as st

from overlap import analyse, charts, privacy
from overlap.errors import OverlapError
from overlap.export import read_safe_csv
from overlap.ingest import read_roster
from overlap.mapping import guess_mapping
from overlap.privacy import browser_bundle
from ui import common, state
from ui.components.encoder import browser_encoder

KEY = "ov_private_"
SHAREABLE_FIELDS = ["zip", "city", "state"]
ENCODE_COMMAND = (
    "overlap encode clients.xlsx --secret-file partners.secret --out clinic.clk --share zip"
)


def _mode_banner(hosted: bool) -> None:
    """Say where the roster is read: this server never sees one when it is shared."""
    if hosted:
        st.info(
            "**Shared server.** This dashboard runs on a server other people use. Your roster "
            "is encoded **in your own browser**, below: it is read from your computer by this "
            "browser tab and never sent to the server. The server takes **encoded files "
            "(.clk) only**.",
            icon=":material/cloud:",
        )
    else:
        st.info(
            "**Running on this computer.** Encode your roster in this browser (below), or let "
            "this dashboard read it: it runs on this computer, so either way the roster stays "
            "here. Only the encoded file you download and pass on leaves it.",
            icon=":material/computer:",
        )


def _encode_in_browser() -> None:
    """The encoder that runs in this browser tab: the roster and the secret never reach a server."""
    st.write(
        "**In this browser.** Pick your roster (a CSV file) and the partners' secret file. "
        "This browser tab reads them from your computer and encodes the roster itself; "
        "nothing of them is sent to the server. You get two files: the encoded file (.clk), "
        "which you send or upload under *2. Measure the overlap*, and your key file, which "
        "you keep. It works without an internet connection. Excel files: save as CSV first."
    )
    if not browser_bundle.pyodide_installed():
        st.warning(
            "The in-browser encoder is not installed on this server (`make install` fetches "
            "it). Encode on your own computer with one command instead:",
            icon=":material/warning:",
        )
        st.code(ENCODE_COMMAND, language="bash")
        return
    browser_encoder(key=f"{KEY}browser")


def _secret_input(where: str) -> bytes | None:
    """The partners' secret: an uploaded secret file, or a new one made here."""
    how = st.radio(
        "The partners' secret",
        ["I have the secret file", "Make a new secret (first partner only)"],
        key=f"{KEY}{where}_secret_how",
        horizontal=True,
    )
    if how.startswith("Make"):
        new = state.private_secret()
        common.download(
            "Download the new secret file",
            new + b"\n",
            "partners.secret",
            key=f"{KEY}{where}_secret_download",
            icon=":material/key:",
        )
        st.caption(
            "Give this file to every partner yourself (in person or by a channel the person "
            "running the match cannot read). Never send it together with the encoded files."
        )
        return new
    upload = st.file_uploader(
        "Secret file", key=f"{KEY}{where}_secret_file", help="The file every partner uses."
    )
    if upload is None:
        return None
    try:
        return privacy.check_secret(upload.getvalue().rstrip(b"\r\n"), upload.name)
    except OverlapError as exc:
        st.error(str(exc), icon=":material/error:")
        return None


def _encode_elsewhere() -> None:
    """What a partner does on a shared server: encode at home, with one command."""
    st.write(
        "Encode your roster **on your own computer**, so that it never reaches this server. "
        "Either run one command there:"
    )
    st.code(ENCODE_COMMAND, language="bash")
    st.write(
        "or start Overlap on your own computer (`make run`) and use this page there: it then "
        "reads your roster on your computer. Either way you get two files: the encoded file "
        "(.clk), which you send, and your key file, which you keep. Then upload the .clk "
        "under *2. Measure the overlap*."
    )


def _encode_options(roster_file) -> tuple[list[str], dict[str, str]]:
    """Which columns to send in plain text, and social security numbers to leave out."""
    try:
        roster = read_roster(roster_file.getvalue(), name=roster_file.name)
        mapping = guess_mapping(roster.frame).mapping
    except OverlapError as exc:
        st.error(str(exc), icon=":material/error:")
        return [], {}
    fields = [f for f in SHAREABLE_FIELDS if f in mapping.values()]
    attributes = [c for c in roster.frame.columns if c not in mapping]
    share = st.multiselect(
        "Send these columns in plain text (optional)",
        fields + attributes,
        key=f"{KEY}share",
        help="So the overlap can be shown by place or group. Leave empty to send "
        "nothing but encodings. A rare value can point at a person.",
    )
    ssn_columns = [raw for raw, f in mapping.items() if f == "ssn"]
    if ssn_columns and not st.checkbox(
        "Use social security numbers (sent scrambled)",
        value=True,
        key=f"{KEY}ssn",
        help="They find the same person despite a typo in a name. Whoever has the "
        "secret can unscramble them by trying every number; untick to send none.",
    ):
        return share, {raw: "ignore" for raw in ssn_columns}
    return share, {}


def _encode_here() -> None:
    """Encode a roster in this (local) dashboard and offer the two files."""
    roster_file = st.file_uploader(
        "Your roster", type=state.UPLOAD_TYPES, key=f"{KEY}roster_upload"
    )
    secret = _secret_input("encode")
    share, leave_out = _encode_options(roster_file) if roster_file is not None else ([], {})
    ready = roster_file is not None and secret is not None
    if st.button("Encode", type="primary", disabled=not ready, key=f"{KEY}encode"):
        try:
            with st.spinner("Encoding…"):
                encoded, keymap, _ = privacy.encode_file(
                    roster_file.getvalue(),
                    secret,
                    share_columns=share,
                    file_name=roster_file.name,
                    overrides=leave_out or None,
                )
            state.set_private_encoded(
                encoded.name,
                len(encoded.frame),
                privacy.encoded_bytes(encoded),
                privacy.key_map_bytes(keymap),
            )
        except OverlapError as exc:
            st.error(str(exc), icon=":material/error:")
    _encoded_downloads()


def _encoded_downloads() -> None:
    done = state.private_encoded()
    if not done:
        return
    name, n, clk, key = done
    st.success(f"Encoded {n:,} records of {name}.", icon=":material/lock:")
    left, right = st.columns(2)
    with left:
        common.download(
            "Download the encoded file (send this)",
            clk,
            f"{name}.clk",
            key=f"{KEY}clk_download",
            icon=":material/send:",
            primary=True,
        )
    with right:
        common.download(
            "Download your key file (keep this)",
            key,
            f"{name}.key.csv",
            key=f"{KEY}key_download",
            icon=":material/home:",
        )
    st.warning(
        "Keep the key file on your own computer. It turns the random ids in a match back "
        "into your row numbers; never send it, nor the secret, with the encoded file.",
        icon=":material/shield:",
    )


def _measure() -> None:
    """Upload .clk files, match them, show counts (small ones hidden) and the partners' files."""
    clk_files = st.file_uploader(
        "Encoded files (.clk), one per programme",
        type=["clk"],
        accept_multiple_files=True,
        key=f"{KEY}clk_upload",
    )
    if st.button(
        "Measure the overlap",
        type="primary",
        disabled=len(clk_files or []) < 2,
        key=f"{KEY}match",
    ):
        try:
            with st.spinner("Matching the encodings…"):
                encoded = [privacy.read_encoded(f.getvalue(), file_name=f.name) for f in clk_files]
                state.set_private_result(privacy.match_encoded(encoded))
        except OverlapError as exc:
            st.error(str(exc), icon=":material/error:")
    result = state.private_result()
    if result is not None:
        _counts(result)
        _partner_files(result)


def _counts(result) -> None:
    shown = privacy.suppress_summary_counts(result.summary)

    def count(n) -> str:
        return f"fewer than {shown['suppressed_below']}" if n is None else f"{n:,}"

    st.metric("People across all programmes", count(shown["union_people"]))
    programmes = [
        {"Programme": name, "People": count(v["people"])} for name, v in shown["programmes"].items()
    ]
    st.dataframe(pd.DataFrame(programmes), hide_index=True)
    pairs = [
        {"Programmes": f"{p['a']} and {p['b']}", "Shared people": count(p["shared_people"])}
        for p in shown["pairwise"]
    ]
    st.dataframe(pd.DataFrame(pairs), hide_index=True)
    membership = analyse.person_programmes(result.records)
    st.plotly_chart(charts.upset_figure(membership, suppress=True), key=f"{KEY}upset")
    st.caption(
        f"Counts below {shown['suppressed_below']} are hidden so no small group can be singled out."
    )
    common.download(
        "Download the overlap summary (small counts hidden)",
        json.dumps(shown, indent=2).encode(),
        "overlap-private.json",
        key=f"{KEY}summary_download",
    )


def _partner_files(result) -> None:
    st.subheader("A file for each partner")
    st.write(
        "Each file lists only that partner's own random ids whose people another programme "
        "also serves, and which programmes. Send each partner its own file only: together "
        "with its key file, it becomes that partner's row numbers, on its own computer."
    )
    columns = st.columns(min(len(result.programmes), 4))
    for i, programme in enumerate(result.programmes):
        with columns[i % len(columns)]:
            common.download_csv(
                f"For {programme}",
                privacy.shared_ids(result.records, programme),
                f"{programme}-shared-ids.csv",
                key=f"{KEY}partner_{i}",
            )


def _find_own_people(hosted: bool) -> None:
    if hosted:
        st.write(
            "Your key file stays on your own computer, so this is done there, not on this "
            "server. With the file the person running the match sent you (your shared ids), "
            "your key file and your roster, run:"
        )
        st.code(
            "overlap export --from clinic-shared-ids.csv --key-file clinic.key.csv "
            "--roster clients.xlsx --out my-shared-people.xlsx",
            language="bash",
        )
        return
    st.write(
        "Upload the file of your shared ids (or the whole match table) and your own key "
        "file: you get the row numbers of your roster whose people are also in another "
        "programme, to build your outreach list."
    )
    ids_file = st.file_uploader(
        "Your shared ids (or records.csv)", type=["csv"], key=f"{KEY}records"
    )
    key_file = st.file_uploader("Your key file (.key.csv)", type=["csv"], key=f"{KEY}keyfile")
    if ids_file is None or key_file is None:
        return
    try:
        table = read_safe_csv(ids_file)
        mine = None
        if "programme" in table.columns:
            names = sorted(table["programme"].unique())
            mine = st.selectbox("Your programme", names, key=f"{KEY}mine")
        rows = privacy.my_shared_rows(table, privacy.read_key_map(key_file.getvalue()), mine)
    except OverlapError as exc:
        st.error(str(exc), icon=":material/error:")
        return
    st.write(f"{len(rows):,} of your rows are people another programme also serves.")
    st.dataframe(rows, hide_index=True)
    common.download_csv(
        "Download these row numbers", rows, "my-shared-rows.csv", key=f"{KEY}rows_download"
    )


ABOUT_PROTECTS = """
- **Names, dates of birth, addresses, phones and emails never leave your computer.** The
  encoded file holds a random id, a pattern of 1,024 bits and a few scrambled keys per
  person. Without the secret, nobody can turn them back into names.
- **Your row order and row numbers stay hidden.** Records are shuffled and get new random
  ids every time you encode.
- **An altered encoded file is refused**: each file carries a checksum of its contents.
- **Small counts are hidden** here (fewer than 11), as public-health agencies do, because
  "2 people in both programmes" can point at someone.
"""
ABOUT_DOES_NOT = """
- **Whoever holds the secret can attack the encodings**: they can try every likely name
  and birth date and see which patterns fit. The person who runs the match should not
  have the secret — or the partners must trust them.
- **Encoded files can still leak through frequencies**: researchers have rebuilt common
  names from large sets of such encodings. Treat encoded files as confidential.
- **The match shows who is in both lists.** Only counts should go to everyone; each
  partner gets back only its own ids.
- **Hiding small counts is simple**: someone can sometimes work out a hidden number by
  subtracting one shown total from another.
- **Columns you choose to send in plain text are plain text.**
- **Social security numbers are easy to guess for whoever has the secret.** If your roster
  has them, scrambled forms of them are sent (they find people across typos in names).
  There are only a billion possible numbers, so a secret holder can try them all. To send
  none, untick "Use social security numbers" when encoding (`--map "SSN=ignore"` on the
  command line).
- **Matching is slightly less exact than plain matching**, mostly for families who share
  a surname, address and phone.
"""


state.init()  # idempotent (app.py does it too); lets the page run on its own in tests
st.title("Private overlap")
st.write(
    "Learn how many people your programmes share **without handing over your rosters**. "
    "Each partner encodes its own roster on its own computer with a secret the partners "
    "agree on; only the encoded file is sent. Whoever runs the match sees counts, not names."
)
is_hosted = state.hosted()
_mode_banner(is_hosted)
encode_tab, match_tab, home_tab, about_tab = st.tabs(
    [
        "1. Encode your roster",
        "2. Measure the overlap",
        "3. Find your own people",
        "What this protects",
    ]
)
with encode_tab:
    st.subheader("Encode your roster")
    _encode_in_browser()
    if is_hosted:
        with st.expander("Or encode on your own computer with one command"):
            _encode_elsewhere()
    else:
        with st.expander("Or let this dashboard read the roster (it runs on this computer)"):
            _encode_here()
with match_tab:
    st.subheader("Measure the overlap from encoded files")
    _measure()
with home_tab:
    st.subheader("Turn matched ids back into your own rows")
    _find_own_people(is_hosted)
with about_tab:
    st.subheader("What this protects")
    st.markdown(ABOUT_PROTECTS)
    st.subheader("What it does not protect")
    st.markdown(ABOUT_DOES_NOT)

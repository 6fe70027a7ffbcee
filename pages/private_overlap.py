"""Private overlap: encode a roster with the partners' secret, measure overlap from encodings.

Thin: every step is a call into ``overlap.privacy``. Uploads and encodings
stay in this session's memory (``st.session_state``), never on disk.
"""

import json
import secrets

import pandas as pd
import streamlit as st

from overlap import analyse, charts, privacy
from overlap.errors import OverlapError
from overlap.export import read_safe_csv, safe_csv_bytes
from overlap.ingest import read_roster
from overlap.mapping import guess_mapping
from ui import state

KEY = "ov_private_"
SHAREABLE_FIELDS = ["zip", "city", "state"]

st.title("Private overlap")
st.write(
    "Learn how many people your programmes share **without handing over your rosters**. "
    "Each partner encodes its own roster here, in its own browser, with a secret the partners "
    "agree on; only the encoded file is sent. Whoever runs the match sees counts, not names."
)

encode_tab, match_tab, home_tab, about_tab = st.tabs(
    [
        "1. Encode your roster",
        "2. Measure the overlap",
        "3. Find your own people",
        "What this protects",
    ]
)


def _secret_input(where: str) -> bytes | None:
    """The partners' secret: an uploaded secret file, or a new one made here."""
    how = st.radio(
        "The partners' secret",
        ["I have the secret file", "Make a new secret (first partner only)"],
        key=f"{KEY}{where}_secret_how",
        horizontal=True,
    )
    if how.startswith("Make"):
        if f"{KEY}new_secret" not in st.session_state:
            st.session_state[f"{KEY}new_secret"] = secrets.token_hex(32).encode()
        new = st.session_state[f"{KEY}new_secret"]
        st.download_button(
            "Download the new secret file",
            data=new + b"\n",
            file_name="partners.secret",
            mime="text/plain",
            key=f"{KEY}{where}_secret_download",
            on_click="ignore",
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


with encode_tab:
    st.subheader("Encode your roster")
    roster_file = st.file_uploader(
        "Your roster", type=state.UPLOAD_TYPES, key=f"{KEY}roster_upload"
    )
    secret = _secret_input("encode")
    share: list[str] = []
    leave_out: dict[str, str] = {}
    if roster_file is not None:
        try:
            roster = read_roster(roster_file.getvalue(), name=roster_file.name)
            mapping = guess_mapping(roster.frame).mapping
        except OverlapError as exc:
            st.error(str(exc), icon=":material/error:")
            roster = None
        if roster is not None:
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
                leave_out = {raw: "ignore" for raw in ssn_columns}
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
            st.session_state[f"{KEY}encoded"] = (
                encoded.name,
                len(encoded.frame),
                privacy.encoded_bytes(encoded),
                privacy.key_map_bytes(keymap),
            )
        except OverlapError as exc:
            st.error(str(exc), icon=":material/error:")
    done = st.session_state.get(f"{KEY}encoded")
    if done:
        name, n, clk, key = done
        st.success(f"Encoded {n:,} records of {name}.", icon=":material/lock:")
        left, right = st.columns(2)
        with left:
            st.download_button(
                "Download the encoded file (send this)",
                data=clk,
                file_name=f"{name}.clk",
                mime="text/csv",
                key=f"{KEY}clk_download",
                on_click="ignore",
                icon=":material/send:",
                type="primary",
            )
        with right:
            st.download_button(
                "Download your key file (keep this)",
                data=key,
                file_name=f"{name}.key.csv",
                mime="text/csv",
                key=f"{KEY}key_download",
                on_click="ignore",
                icon=":material/home:",
            )
        st.warning(
            "Keep the key file on your own computer. It turns the random ids in a match back "
            "into your row numbers; never send it, nor the secret, with the encoded file.",
            icon=":material/shield:",
        )

with match_tab:
    st.subheader("Measure the overlap from encoded files")
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
                result = privacy.match_encoded(encoded)
            st.session_state[f"{KEY}result"] = result
        except OverlapError as exc:
            st.error(str(exc), icon=":material/error:")
    result = st.session_state.get(f"{KEY}result")
    if result is not None:
        shown = privacy.suppress_summary_counts(result.summary)

        def count(n) -> str:
            return f"fewer than {shown['suppressed_below']}" if n is None else f"{n:,}"

        st.metric("People across all programmes", count(shown["union_people"]))
        st.dataframe(
            pd.DataFrame(
                [
                    {"Programme": name, "People": count(v["people"])}
                    for name, v in shown["programmes"].items()
                ]
            ),
            hide_index=True,
        )
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "Programmes": f"{p['a']} and {p['b']}",
                        "Shared people": count(p["shared_people"]),
                    }
                    for p in shown["pairwise"]
                ]
            ),
            hide_index=True,
        )
        membership = analyse.person_programmes(result.records)
        st.plotly_chart(charts.upset_figure(membership, suppress=True), key=f"{KEY}upset")
        st.caption(
            f"Counts below {shown['suppressed_below']} are hidden so no small group can be singled out."
        )
        st.download_button(
            "Download the overlap summary (small counts hidden)",
            data=json.dumps(shown, indent=2).encode(),
            file_name="overlap-private.json",
            mime="application/json",
            key=f"{KEY}summary_download",
            on_click="ignore",
            icon=":material/download:",
        )
        st.download_button(
            "Download the match table (random ids and person numbers)",
            data=safe_csv_bytes(result.records.drop(columns=["rid"])),
            file_name="records.csv",
            mime="text/csv",
            key=f"{KEY}records_download",
            on_click="ignore",
            icon=":material/download:",
            help="It shows which random ids are the same person. Send each partner only "
            "its own programme's lines: the table as a whole reveals who is in which programme.",
        )

with home_tab:
    st.subheader("Turn matched ids back into your own rows")
    st.write(
        "Upload the match table and your own key file: you get the row numbers of your "
        "roster whose people are also in another programme, to build your outreach list."
    )
    records_file = st.file_uploader("Match table (records.csv)", type=["csv"], key=f"{KEY}records")
    key_file = st.file_uploader("Your key file (.key.csv)", type=["csv"], key=f"{KEY}keyfile")
    if records_file is not None and key_file is not None:
        try:
            records = read_safe_csv(records_file)
            keys = pd.read_csv(key_file, dtype=str, keep_default_na=False)
            names = sorted(records["programme"].unique())
            mine = st.selectbox("Your programme", names, key=f"{KEY}mine")
            rows = privacy.my_shared_rows(records, keys, mine)
            st.write(f"{len(rows):,} of your rows are people another programme also serves.")
            st.dataframe(rows, hide_index=True)
            st.download_button(
                "Download these row numbers",
                data=safe_csv_bytes(rows),
                file_name=f"{mine}-shared-rows.csv",
                mime="text/csv",
                key=f"{KEY}rows_download",
                on_click="ignore",
                icon=":material/download:",
            )
        except (OverlapError, KeyError, ValueError) as exc:
            st.error(
                f"Could not match the key file to the table ({type(exc).__name__}); "
                "check that both come from the same encoding.",
                icon=":material/error:",
            )

with about_tab:
    st.subheader("What this protects")
    st.markdown(
        """
- **Names, dates of birth, addresses, phones and emails never leave your computer.** The
  encoded file holds a random id, a pattern of 1,024 bits and a few scrambled keys per
  person. Without the secret, nobody can turn them back into names.
- **Your row order and row numbers stay hidden.** Records are shuffled and get new random
  ids every time you encode.
- **Small counts are hidden** here (fewer than 11), as public-health agencies do, because
  "2 people in both programmes" can point at someone.
"""
    )
    st.subheader("What it does not protect")
    st.markdown(
        """
- **Whoever holds the secret can attack the encodings**: they can try every likely name
  and birth date and see which patterns fit. The person who runs the match should not
  have the secret — or the partners must trust them.
- **Encoded files can still leak through frequencies**: researchers have rebuilt common
  names from large sets of such encodings. Treat encoded files as confidential.
- **The match table shows who is in both lists.** Only counts should go to everyone; each
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
    )

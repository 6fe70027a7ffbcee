"""Step 3: look at the pairs the model is unsure about and say whether they are one person."""

import math
from functools import partial

import pandas as pd
import streamlit as st

from overlap.as_typed import record_as_typed
from overlap.charts import waterfall_figure
from overlap.crypto import MIN_PASSPHRASE_CHARS, PassphraseError
from overlap.errors import OverlapError
from overlap.explain import AGAINST, FOR, explain_levels, review_queue, side_by_side
from overlap.results import sealed_decisions_bytes
from ui import common, state

#: the three answers to a pair: label, icon, widget key, keyboard shortcut, decision
DECISION_BUTTONS = (
    ("Same person", ":material/check:", "accept", "S", "same"),
    ("Different people", ":material/close:", "reject", "D", "different"),
    ("Not sure — skip", ":material/skip_next:", "skip", "N", "skip"),
)

st.title("Review the uncertain pairs")
st.write(
    "These are the pairs of records the matching was least sure about. Look at them side by "
    "side and say whether they are the same person; every chart follows your decisions."
)

result = common.result_or_stop()
records = result.records
counts = state.decision_counts()

decided = list(
    state.decisions()[["programme_a", "row_a", "programme_b", "row_b"]].itertuples(
        index=False, name=None
    )
)
queue = review_queue(result.pairs, records, state.threshold(), decided=[*decided, *state.skipped()])

c1, c2, c3, c4 = st.columns(4)
c1.metric("Left to review", f"{len(queue):,}")
c2.metric("Same person", counts["same"])
c3.metric("Different people", counts["different"])
c4.metric("Skipped", counts["skipped"])


def _weights(pair) -> dict[str, float]:
    """The pair's match weight per comparison, keyed by its plain title."""
    out = {}
    for comparison in result.comparisons:
        value = float(pair[f"{comparison.name}_weight"])
        if pair[f"{comparison.name}_level"] == -1 or math.isnan(value):
            continue  # missing in one record: no evidence either way
        out[comparison.title] = value
    return out


def _prior_weight(pair) -> float:
    """The starting odds of the pair's kind (across two rosters, or inside one), as a weight."""
    model = result.model
    prior = model.prior_cross if bool(pair["cross"]) else model.prior_within
    prior = model.prior if prior is None else prior
    return math.log2(prior / (1 - prior)) if 0 < prior < 1 else 0.0


if queue.empty:
    st.success("No uncertain pairs are waiting. The overlap uses the matches as they stand.")
else:
    pair = queue.iloc[0]
    key = (
        str(pair["programme_a"]),
        int(pair["row_a"]),
        str(pair["programme_b"]),
        int(pair["row_b"]),
    )
    a = records.loc[int(pair["rid_a"])]
    b = records.loc[int(pair["rid_b"])]
    done = counts["same"] + counts["different"] + counts["skipped"]
    total = done + len(queue)
    with st.container(border=True):
        st.progress(done / total if total else 1.0, text=f"Pair {done + 1:,} of {total:,}")
        st.markdown(
            f"**A**: row {key[1]} of “{key[0]}” and **B**: row {key[3]} of “{key[2]}”: "
            f"**{float(pair['probability']):.0%}** likely the same person."
        )
        typed_a = record_as_typed(result.as_typed.loc[int(pair["rid_a"])].to_dict())
        typed_b = record_as_typed(result.as_typed.loc[int(pair["rid_b"])].to_dict())
        typed, cleaned = st.columns([1, 1])
        with typed:
            st.markdown("**As typed in the rosters**")
            shown = pd.DataFrame({"A": typed_a, "B": typed_b})
            st.table(shown[(shown != "").any(axis=1)])
        with cleaned:
            st.markdown("**As Overlap compared them (cleaned)**")
            table = side_by_side(a, b).rename(columns={"first record": "A", "second record": "B"})
            st.table(table.set_index("field"))
        weights = _weights(pair)
        evidence = explain_levels(pair, result.comparisons, a, b)
        pro = [e.text for e in evidence if e.direction == FOR]
        con = [e.text for e in evidence if e.direction == AGAINST]
        other = [e.text for e in evidence if e.direction not in (FOR, AGAINST)]
        reasons, chart = st.columns([1, 1])
        with reasons:
            st.markdown("**Points to the same person**")
            st.markdown("\n".join(f"- {t}" for t in pro) or "- nothing in particular")
            st.markdown("**Points to different people**")
            st.markdown("\n".join(f"- {t}" for t in con) or "- nothing in particular")
            if other:
                st.markdown("**Worth knowing**")
                st.markdown("\n".join(f"- {t}" for t in other))
        if weights:
            total_weight = float(pair.get("match_weight", math.nan))
            with chart:
                st.plotly_chart(
                    waterfall_figure(
                        weights,
                        _prior_weight(pair),
                        None if math.isnan(total_weight) else total_weight,
                    ),
                    key="waterfall",
                )
        for column, (label, icon, widget, shortcut, decision) in zip(
            st.columns(3), DECISION_BUTTONS, strict=True
        ):
            if column.button(
                label,
                type="primary" if decision == "same" else "secondary",
                icon=icon,
                key=widget,
                width="stretch",
                shortcut=shortcut,
            ):
                state.decide(key, decision)
                st.rerun()
        st.caption(
            "Keyboard: **S** same person · **D** different people · **N** not sure · **U** undo"
        )

if st.button(
    "Undo my last decision",
    icon=":material/undo:",
    key="undo",
    disabled=not state.can_undo(),
    shortcut="U",
):
    state.undo()
    st.rerun()

st.subheader("Your decisions")
st.write(
    "Save your decisions to apply them again later (they name programme and row, so they "
    "still apply when you load the same rosters again)."
)
passphrase = st.text_input(
    "Passphrase for the decisions file",
    type="password",
    key="decisions_passphrase",
    help="Decisions say who was judged to be whom, so the file is saved encrypted; the same "
    "passphrase opens it when you load it again. It cannot be recovered.",
)
save, load = st.columns(2)
with save:
    if not len(state.decisions()):
        st.caption("No decisions yet.")
    elif len(passphrase) < MIN_PASSPHRASE_CHARS:
        st.caption(
            f"Choose a passphrase of at least {MIN_PASSPHRASE_CHARS} characters to download "
            "your decisions: they are saved encrypted."
        )
    else:
        common.download(
            "Download my decisions (encrypted)",
            partial(sealed_decisions_bytes, state.decisions(), passphrase),
            "overlap-decisions.owl",
            key="decisions_download",
        )
with load:
    upload = st.file_uploader(
        "Load decisions saved earlier", type=["owl", "csv"], key=state.decisions_upload_key()
    )
    if upload is not None:
        try:
            frame = state.parse_decisions(upload.getvalue(), upload.name, passphrase)
        except PassphraseError as error:
            st.info(str(error), icon=":material/key:")
        except OverlapError as error:
            st.error(str(error))
        else:
            state.load_decisions(frame)
            state.reset_decisions_upload()
            st.toast(f"{len(frame):,} decision(s) loaded and applied.", icon=":material/check:")
            st.rerun()

st.page_link(
    common.PAGES["overlap"], label="Next: see the overlap", icon=":material/arrow_forward:"
)

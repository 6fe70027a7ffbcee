"""How the dashboard handles the personal data in your rosters, in plain words."""

import streamlit as st

from overlap.analyse import SMALL_CELL_THRESHOLD
from ui import common

MAP_NOTE = (
    ". Whoever runs this server has turned on a map service: your browser asks it for map "
    "pictures of the areas you look at (it learns your address on the internet and those "
    "areas, never names or counts)."
    if common.map_tiles()
    else ", not an online map service."
)

st.title("How we handle your data")
st.markdown(
    f"""
Your rosters hold personal data: names, dates of birth, addresses, phone numbers
and emails. This is what Overlap does with them, and what it never does.

**What it does**

- Reads the files you add, in this browser session only, into the server's memory.
- Compares the people in them to find who your programmes share.
- Shows you the results, and lets you download lists and tables you ask for.

**What it never does**

- It never saves your files or results to disk, and never puts them in a cache
  other users could reach. Another person using the same server cannot see them.
- It never writes a name, date of birth, address, phone number or email to its logs.
  Messages about a file name the file, the row and the reason — never what a cell holds.
- It never sends your data anywhere: the map uses ZIP-code locations and
  borders that come with Overlap{MAP_NOTE}

**Your controls**

- **Clear my data** (in the sidebar) forgets every roster, match and decision of
  this session at once. Closing the tab does the same.
- Counts below {SMALL_CELL_THRESHOLD} can be hidden so no small group of people can
  be singled out: a switch on each page for what is on screen, and on by default in
  every downloaded table of counts.
- Every download is written so that no cell can run as a spreadsheet formula.
"""
)

"""How the Inbox sits on the screen and answers the keyboard: the open card outlined, the detail pane in view
(sticky beside the queue on a wide screen, first on a phone), and shortcuts for working through the queue."""
from __future__ import annotations

import streamlit as st

from core.i18n import t

# The Inbox's two fragments, by key (a callback reruns one with st.rerun(scope=key)): the work area (views,
# queue, pages, bulk actions) and, inside it, the detail pane (the open mention), which an opening reruns alone.
WORK_AREA = "inbox_work"
DETAIL_PANE = "inbox_detail"

# The open card stands out; on a wide screen the detail pane stays in view beside the queue however far down the
# card was (sticky, scrolling on its own); on a phone it comes first, above the cards.
_LAYOUT_CSS = """<style>
.st-key-row_{selected} {{ border: 2px solid #0072B2 !important; background: rgba(0, 114, 178, 0.06); }}
[data-testid="stColumn"]:has(.st-key-detail) {{
  position: sticky; top: 3.75rem; align-self: flex-start; max-height: calc(100vh - 4.5rem); overflow-y: auto;
}}
@media (max-width: 640px) {{
  [data-testid="stHorizontalBlock"]:has(.st-key-detail) {{ flex-direction: column-reverse; }}
  [data-testid="stColumn"]:has(.st-key-detail) {{ position: static; max-height: none; }}
}}
</style>"""

# The key listener, installed once in the page; it never acts while the user types in a field.
_KEYS = """
document.addEventListener("keydown", (event) => {
  const target = event.target;
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (target && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName))) return;
  const press = (selector) => {
    const node = document.querySelector(selector);
    if (node) node.click();
    return Boolean(node);
  };
  let done = false;
  if (event.key === "j" || event.key === "k") {
    const ids = [...new Set(Array.from(document.querySelectorAll("[class*='st-key-open_']"))
      .map((node) => (node.className.match(/st-key-open_(\\d+)/) || [])[1]).filter(Boolean))];
    const next = ids[ids.indexOf(String(document.cwOpenId)) + (event.key === "j" ? 1 : -1)];
    if (next) done = press(`.st-key-open_${next} button`);
  } else if (event.key === "o") {
    done = press(".st-key-detail a[href^='http']");
  } else if (event.key === "c") {
    done = press("[data-testid='stCodeCopyButton']");
  } else if (event.key === "r") {
    done = press(".st-key-act_replied button");
  }
  if (done) event.preventDefault();
});
"""

# Runs in the page itself (st.html with scripts on; it holds no text from a source, only the open mention's id):
# records which card is open, installs the key listener once, and on a phone brings the detail into view after a
# card was opened lower down (a wide screen keeps its place in the queue; the sticky pane is in view already).
_SCRIPT = """<script>
document.cwOpenId = {selected};
if (!document.cwKeys) {{
  document.cwKeys = true;
  {keys}
}}
if ({scroll} && window.innerWidth <= 640) {{
  const detail = document.querySelector(".st-key-detail");
  if (detail) detail.scrollIntoView({{block: "start"}});
}}
</script>"""


def apply(selected_id: int, lang: str) -> None:
    """Outline the open card, keep its detail in view, and keep the keyboard shortcuts working."""
    st.html(_LAYOUT_CSS.format(selected=int(selected_id)))
    scroll = "true" if st.session_state.pop("scroll_to_detail", False) else "false"
    st.html(_SCRIPT.format(selected=int(selected_id), scroll=scroll, keys=_KEYS), unsafe_allow_javascript=True)
    st.caption(t("inbox_keys", lang))

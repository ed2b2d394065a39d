"""One mention in detail: its text (escaped, terms and deciding words marked), why, context, suggested reply, actions."""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import streamlit as st

import replies
from collectors.registry import handle_format
from core.display import visible_controls, visible_href
from core.i18n import label, t, tn
from core.labels import KINDS, SENTIMENTS, TOPICS
from replies import gate
from storage import queries, workflow
from ui.auth import current_role
from ui.components import Context, badges_html, clinic_time, escape_all, marked_html, time_ago
from ui.explain import render_why, show_marked_text
from ui.pages.inbox_layout import WORK_AREA
from ui.post_reply import render_post_button
from ui.review_facts import render_review_facts

ANALYSIS_KEYS = ("language", "sentiment", "sentiment_score", "kind", "topics", "urgency", "urgency_reasons")


def render(ctx: Context, row: dict[str, Any], assignees: list[str]) -> None:
    lang = ctx.lang
    mention_id = row["id"]
    with st.container(border=True, key="detail"):
        st.html(badges_html(row, lang))
        _facts(ctx, row)
        render_review_facts(ctx, row)
        if row.get("title"):
            show_marked_text(row["title"], row, "title", lang)
        show_marked_text(row.get("text") or "", row, "text", lang)
        render_why(row, lang)
        if _safe_url(row.get("url")):
            st.link_button(t("original", lang), visible_href(row["url"]))
        _thread(ctx, row)
    # Each part in a box of its own: a part with more or fewer elements for this mention (variants, findings,
    # no history yet) then moves nothing after it, and the browser redraws only what changed.
    with st.container():
        _reply(ctx, row)
    with st.container():
        _actions(ctx, mention_id, row, assignees)
    with st.container():
        _corrections(ctx, mention_id, row)
    with st.container():
        _history(ctx, mention_id)


def _safe_url(url: str | None) -> bool:
    """Only web links become buttons: a javascript: or data: URL from a source must never be clickable."""
    return bool(url) and (url or "").lower().startswith(("http://", "https://"))


def _facts(ctx: Context, row: dict[str, Any]) -> None:
    lang = ctx.lang
    published = clinic_time(row["published_at"], ctx.config.office_hours.timezone)
    lines = [f"{t('author', lang)}: {visible_controls(row.get('author') or '—')}"]
    if row.get("score") or row.get("comment_count"):  # feeds and reviews have no votes: no "score 0, comments 0"
        reach = t("score_comments", lang, score=row.get("score") or 0, comments=row.get("comment_count") or 0)
        lines.append(f"{t('reach', lang)}: {reach}")
    if row.get("assignee"):
        lines.append(f"{t('assigned_to', lang)}: {row['assignee']}")
    lines.append(f"{row['source_name']} · {published} · {time_ago(row['published_at'], lang)}")
    if row.get("urgency_reasons"):
        lines.append(f"{t('urgency_reasons', lang)}: " + ", ".join(label("reason", r, lang) for r in row["urgency_reasons"]))
    st.text("\n".join(lines))


def _thread(ctx: Context, row: dict[str, Any]) -> None:
    lang = ctx.lang
    if row.get("thread_title"):
        st.text(f"{t('thread', lang)}: {visible_controls(row['thread_title'])}")
    others = queries.thread_context(ctx.store, row)
    if others:
        with st.expander(t("thread_context", lang)):
            for other in others:
                words = visible_controls(f"{other['author']}: {(other['title'] or other['text'])[:300]}")
                st.text(f"{other['published_at'][:16]} {words}")


def _suggestions(ctx: Context, row: dict[str, Any]) -> list[Any]:
    """Suggested replies; an error in the replies package surfaces instead of hiding the suggestion."""
    analysis = {key: row.get(key) for key in ANALYSIS_KEYS}
    return list(replies.suggest(row, analysis, ctx.config, handle_format=handle_format(row["source_kind"])))


def _mention_text(row: dict[str, Any]) -> str:
    return f"{row.get('title') or ''}\n{row.get('text') or ''}"


def _verdict(ctx: Context, row: dict[str, Any], text: str) -> gate.Verdict:
    """The gate's verdict on `text` with the admin's override reason, if one was written."""
    override = st.session_state.get(f"override_{row['id']}") or ""
    return gate.check(text, row.get("language") or "en", mention_text=_mention_text(row), config=ctx.config,
                      role=ctx.user.role, override_reason=override)


def _reply(ctx: Context, row: dict[str, Any]) -> None:
    lang = ctx.lang
    st.subheader(t("suggested_reply", lang))
    suggestions = _suggestions(ctx, row)
    if not suggestions:
        st.caption(t("no_suggestion", lang))
    else:
        if suggestions[0].escalate:
            st.info(t("press_escalate", lang))
        st.code(suggestions[0].text, language=None, wrap_lines=True)  # st.code has a copy button
        if len(suggestions) > 1:
            with st.expander(t("variants", lang)):
                for variant in suggestions[1:]:
                    st.code(variant.text, language=None, wrap_lines=True)
    key = f"reply_{row['id']}"
    edited = st.text_area(t("edit_reply", lang), value=suggestions[0].text if suggestions else "", key=key)
    verdict = _verdict(ctx, row, edited) if edited.strip() else None
    if verdict is not None and not gate.second_opinion_available():
        st.caption(t("second_opinion_off", lang, path=gate.CORPUS))
    if verdict is not None and not verdict.findings:
        st.caption(t("lint_ok", lang))
    if verdict is not None and verdict.findings:
        _show_findings(edited, verdict.findings, lang)
        if ctx.user.role in gate.OVERRIDE_ROLES:
            st.text_input(t("override_reason", lang), key=f"override_{row['id']}")
        else:
            st.caption(t("override_admin_only", lang))
    render_post_button(ctx, row, edited, verdict)


def _show_findings(text: str, findings: list[Any], lang: str) -> None:
    """Each finding once, in the UI language, with the safe sentence; then the reply with the faults marked."""
    for finding in findings:
        message = t("lint_finding", lang, reason=replies.message(finding, lang))
        st.html(f'<div class="lint-finding" style="color:#b71c1c">⚠ {escape_all(message)}</div>')
        if finding.suggestion:
            st.caption(t("lint_instead", lang, text=finding.suggestion))
    spans = sorted({span for finding in findings for span in finding.spans})
    st.caption(t("lint_preview", lang))
    st.html(marked_html(text, spans))


ACTION_ERROR = "action_error"  # a refused action's message, shown above the actions on the run that follows


def _act(ctx: Context, action: Callable[[], None], done: str = "done", clear: str | None = None) -> None:
    """A button's callback: run a workflow action, then rerun the Inbox's work area (not only the detail pane:
    the queue and the view counts show the new state); `done` is the message key to show, `clear` an input box
    to empty. Values are read from the session inside `action`, as the click left them. A refused action reruns
    only the detail pane, which shows why."""
    if current_role(ctx.users_file, ctx.user) != ctx.user.role:
        # Callbacks run before the script's sign-in check: a user removed or demoted since the page was drawn
        # acts on nothing; the run that follows signs them out or redraws what their role allows.
        return
    try:
        action()
    except workflow.WorkflowError as exc:
        st.session_state[ACTION_ERROR] = t("action_failed", ctx.lang, error=exc)
        return
    if clear:
        st.session_state[clear] = ""
    st.session_state["flash"] = t(done, ctx.lang)
    st.rerun(scope=WORK_AREA)


def _mark_replied(ctx: Context, row: dict[str, Any]) -> None:
    """The gate first: an unsafe reply is not recorded as the public answer."""
    mention_id = row["id"]
    text = st.session_state.get(f"reply_{mention_id}") or None
    verdict = _verdict(ctx, row, text or "")
    if not verdict.allowed:
        st.session_state[ACTION_ERROR] = tn("replied_refused_lint", ctx.lang, len(verdict.findings))
        return
    override = gate.override_detail(verdict) if verdict.overridden else None
    posted_url = st.session_state.get(f"posted_{mention_id}") or ""
    _act(ctx, lambda: workflow.mark_replied(ctx.store, mention_id, ctx.user.username, posted_url=posted_url,
                                            text=text, language=row.get("language"), lint_override=override))


def _actions(ctx: Context, mention_id: int, row: dict[str, Any], assignees: list[str]) -> None:
    lang, store, actor = ctx.lang, ctx.store, ctx.user.username
    state = st.session_state
    st.subheader(t("actions", lang))
    refused, slot = state.pop(ACTION_ERROR, None), st.empty()  # a slot either way: the buttons keep their place
    if refused:
        slot.error(refused)
    st.text_input(t("posted_url", lang), key=f"posted_{mention_id}")
    replied_col, escalate_col, waiting_col, review_col = st.columns([2, 1, 1, 1])
    replied_col.button(t("mark_replied", lang), type="primary", key="act_replied", on_click=_mark_replied,
                       args=(ctx, row))
    escalate_col.button(t("escalate", lang), key="act_escalate", on_click=_act,
                        args=(ctx, lambda: workflow.escalate(store, mention_id, actor), "moved_escalated"))
    waiting_col.button(t("wait_patient", lang), key="act_waiting", on_click=_act,
                       args=(ctx, lambda: workflow.wait_for_patient(store, mention_id, actor), "moved_waiting_patient"))
    if row.get("status") == "new":
        review_col.button(t("start_review", lang), key="act_review", on_click=_act,
                          args=(ctx, lambda: workflow.start_review(store, mention_id, actor)))
    st.text_input(t("dismiss_reason", lang), key=f"reason_{mention_id}")
    st.button(t("dismiss", lang), key="act_dismiss", on_click=_act, args=(
        ctx, lambda: workflow.dismiss(store, mention_id, actor, state.get(f"reason_{mention_id}") or "")))
    choices = ["", *assignees]
    current = row.get("assignee") or ""
    st.selectbox(
        t("assign_to", lang), choices, index=choices.index(current) if current in choices else 0,
        format_func=lambda v: v or t("f_unassigned", lang), key=f"assignee_{mention_id}",
    )
    st.button(t("assign", lang), key="act_assign", on_click=_act, args=(
        ctx, lambda: workflow.assign(store, mention_id, state.get(f"assignee_{mention_id}") or None, actor)))
    st.text_area(t("note", lang), key=f"note_{mention_id}", height=80)
    st.button(t("add_note", lang), key="act_note", on_click=_act, args=(
        ctx, lambda: workflow.add_note(store, mention_id, actor, state.get(f"note_{mention_id}") or ""), "done",
        f"note_{mention_id}"))


def _corrections(ctx: Context, mention_id: int, row: dict[str, Any]) -> None:
    lang = ctx.lang
    with st.expander(t("corrections", lang)):
        st.selectbox(
            t("f_kind", lang), KINDS, index=KINDS.index(row["kind"]) if row.get("kind") in KINDS else 0,
            format_func=lambda v: label("kind", v, lang), key=f"fix_kind_{mention_id}",
        )
        st.selectbox(
            t("f_sentiment", lang), SENTIMENTS,
            index=SENTIMENTS.index(row["sentiment"]) if row.get("sentiment") in SENTIMENTS else 1,
            format_func=lambda v: label("sentiment", v, lang), key=f"fix_sentiment_{mention_id}",
        )
        st.multiselect(
            t("f_topic", lang), TOPICS, default=[x for x in row.get("topics") or [] if x in TOPICS],
            format_func=lambda v: label("topic", v, lang), key=f"fix_topics_{mention_id}", placeholder=t("f_choose", lang),
        )
        st.button(t("save_labels", lang), key="act_labels", on_click=_act, args=(
            ctx, lambda: _save_corrections(ctx, mention_id, row, st.session_state[f"fix_kind_{mention_id}"],
                                           st.session_state[f"fix_sentiment_{mention_id}"],
                                           list(st.session_state[f"fix_topics_{mention_id}"]))))


def _save_corrections(ctx: Context, mention_id: int, row: dict[str, Any], kind: str, sentiment: str, topics: list[str]) -> None:
    """Only changed fields become labels: an unchanged field is not a correction."""
    actor = ctx.user.username
    if kind != row.get("kind"):
        workflow.correct_label(ctx.store, mention_id, "kind", kind, actor)
    if sentiment != row.get("sentiment"):
        workflow.correct_label(ctx.store, mention_id, "sentiment", sentiment, actor)
    if topics and sorted(topics) != sorted(row.get("topics") or []):
        workflow.correct_label(ctx.store, mention_id, "topics", topics, actor)


def _history(ctx: Context, mention_id: int) -> None:
    events = ctx.store.events(mention_id)
    if not events:
        return
    lang, timezone = ctx.lang, ctx.config.office_hours.timezone
    with st.expander(t("history", lang)):
        rows = [
            {t("history_at", lang): clinic_time(e["at"], timezone), t("history_who", lang): e["actor"],
             t("history_what", lang): e["action"].replace("_", " "), t("history_detail", lang): _detail(e["detail"])}
            for e in events
        ]
        st.dataframe(rows, hide_index=True)  # cells are plain text


def _detail(raw: str | None) -> str:
    """An event's detail as "key: value" pairs a person reads, not JSON."""
    detail = json.loads(raw or "{}")
    if not isinstance(detail, dict):
        return visible_controls(str(detail))
    parts = []
    for key, value in detail.items():
        shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        parts.append(f"{key.replace('_', ' ')}: {shown}")
    return visible_controls(" · ".join(parts))

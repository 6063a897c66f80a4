"""The Streamlit chat for rag-events: questions in French, streamed answers, cited events.

Run with `rag ui` (or `rag up`). It talks to the API over HTTP at API_URL and imports
nothing heavy from `rag`: the UI process never loads FAISS or the embedding model.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import streamlit as st

from rag.config import Settings
from rag.progress import StageProgress, clock_text
from ui.cards import reference_time, render_sources
from ui.client import ApiClient, ApiError
from ui.corpus import corpus_text
from ui.keyguard import KeyGuard

EXAMPLES = [
    "Que faire ce week-end à Paris avec des enfants ?",
    "Un concert gratuit samedi soir ?",
    "Des expositions à voir cette semaine ?",
]
ICON = Path(__file__).with_name("icon.svg")
HISTORY_TURNS = 20  # AskRequest.history accepts at most 20 messages
HISTORY_CHARS = 4000  # ... of at most 4,000 characters each


@st.cache_resource
def get_settings() -> Settings:
    return Settings()


@st.cache_resource
def get_client(base_url: str) -> ApiClient:
    return ApiClient(base_url)


@st.cache_data(ttl=5, show_spinner=False)
def index_status(base_url: str) -> dict[str, Any]:
    return get_client(base_url).ready()


@st.cache_data(ttl=600, show_spinner=False)
def event_details(base_url: str, uid: str) -> dict[str, Any] | None:
    return get_client(base_url).event(uid)


def details_or_none(base_url: str, uid: str) -> dict[str, Any] | None:
    """The event for its card and the map; a card still shows without it."""
    try:
        return event_details(base_url, uid)
    except ApiError:
        return None


def show_sources(message: dict[str, Any], settings: Settings, tz: ZoneInfo, turn: int) -> None:
    render_sources(
        message.get("sources", []),
        partial(details_or_none, settings.api_url),
        reference_time(message.get("as_of"), tz),
        tz,
        turn,
        settings.ui_map_style,
    )


def sidebar(settings: Settings, client: ApiClient) -> dict[str, Any]:
    """Filters for the next question, the index status and the rebuild control."""
    tz = ZoneInfo(settings.timezone)
    with st.sidebar:
        st.header("Filtres")
        city = st.text_input("Ville", placeholder="ex. Paris, Lyon…").strip()
        today = datetime.now(tz).date()
        as_of = st.date_input("Date de référence", value=today, format="DD/MM/YYYY")
        dates: tuple[date, ...] = ()
        if st.toggle("Limiter à des dates"):
            dates = st.date_input(
                "Période", value=(today, today + timedelta(days=7)), format="DD/MM/YYYY"
            )
        k = st.slider("Nombre d'événements", min_value=1, max_value=20, value=settings.top_k)
        if st.button("Nouvelle conversation", icon=":material/refresh:"):
            st.session_state.messages = []
        st.divider()
        status_panel(settings, client)
        rebuild_panel(client)
    filters: dict[str, Any] = {"k": k, "as_of": as_of.isoformat()}
    if city:
        filters["city"] = city
    if len(dates) == 2:
        filters["date_from"], filters["date_to"] = dates[0].isoformat(), dates[1].isoformat()
    return filters


def status_panel(settings: Settings, client: ApiClient) -> None:
    st.header("Index")
    try:
        status = index_status(client.base_url)
    except ApiError as error:
        st.error(str(error), icon=":material/cloud_off:")
        return
    if status["ready"]:
        st.success(f"{corpus_text(status)}, {status['passages']} passages")
    else:
        st.warning(f"Pas encore prêt : {status['reason']}", icon=":material/hourglass_top:")
    st.caption(
        f"Version `{status['version'] or '—'}` · recherche `{status['embedder']}` · "
        f"réponses `{status['generator']}`"
    )


def held(client: ApiClient) -> str:
    """' — corpus de démonstration : …' once the API says what its index holds."""
    try:
        status = index_status(client.base_url)
    except ApiError:
        return ""
    return f" — {corpus_text(status)}" if status["ready"] else ""


def rebuild_panel(client: ApiClient) -> None:
    guard: KeyGuard = st.session_state.setdefault("key_guard", KeyGuard())
    with st.expander("Reconstruire l'index"):
        key = st.text_input("Clé (REBUILD_API_KEY)", type="password")
        if st.button("Lancer la reconstruction", disabled=not key):
            if wait := guard.wait():
                st.error(f"Trop de clés erronées dans cette session : réessayez dans {wait} s.")
            else:
                try:
                    st.session_state.rebuild_job = client.start_rebuild(key)["id"]
                    st.session_state.rebuild_outcome = None
                    guard.succeeded()
                except ApiError as error:
                    if error.status in (401, 429):
                        guard.failed(error.retry_after)
                    st.error(str(error))
        if st.session_state.get("rebuild_job"):
            rebuild_progress(client)
        outcome = st.session_state.get("rebuild_outcome")
        if outcome and outcome["state"] == "succeeded":
            st.success(f"Index reconstruit en {outcome['duration_s']:.0f} s.")
        elif outcome:
            st.error(f"Échec de la reconstruction : {outcome['error']}")


@st.fragment(run_every=2)
def rebuild_progress(client: ApiClient) -> None:
    """Polls the job every 2 s without rerunning the page; reruns it once the job is over
    so that the index status shows the new version."""
    try:
        job = client.rebuild_job(st.session_state.rebuild_job)
    except ApiError as error:
        st.error(str(error))
        return
    if job["state"] in ("queued", "running"):
        fraction = job["done"] / job["total"] if job["total"] else 0.0
        st.progress(min(fraction, 1.0), text=job_label(job))
        return
    st.session_state.rebuild_job = None
    st.session_state.rebuild_outcome = job
    index_status.clear()
    st.rerun()


def job_label(job: dict[str, Any]) -> str:
    """A rebuild job's status as "embed (120/2048) · 35,2 passages/s · reste 0:54"."""
    at = StageProgress(
        job["stage"] or job["state"], job["done"], job["total"], job["rate"], job["eta_s"]
    )
    parts = [f"{at.stage} ({at.done}/{at.total})", at.rate_text().replace(".", ",")]
    if at.eta_text() and at.eta_s is not None:
        parts.append(f"reste {clock_text(at.eta_s)}")
    return " · ".join(part for part in parts if part)


def history_payload(messages: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [
        {"role": m["role"], "content": m["content"][:HISTORY_CHARS]}
        for m in messages[-HISTORY_TURNS:]
        if m["content"]
    ]


def answer(
    client: ApiClient, payload: dict[str, Any], settings: Settings, tz: ZoneInfo, turn: int
) -> dict[str, Any]:
    """Streams one answer into the current chat message; returns what to keep in history."""
    received: dict[str, Any] = {"sources": [], "error": None, "as_of": payload.get("as_of")}

    def deltas(events: Any) -> Any:
        for event in events:
            if event.event == "sources":
                received["sources"] = event.data["sources"]
                received["as_of"] = event.data["understood"]["as_of"]
            elif event.event == "delta":
                yield event.data["text"]
            elif event.event == "error":
                received["error"] = event.data["detail"]

    try:
        text = st.write_stream(deltas(client.stream(payload)))
    except ApiError as error:
        st.error(str(error), icon=":material/error:")
        return {"role": "assistant", "content": "", "sources": [], "error": str(error)}
    if received["error"]:
        st.error(f"La réponse a été interrompue : {received['error']}")
    kept = {
        "role": "assistant",
        "content": str(text or ""),
        "sources": received["sources"],
        "as_of": received["as_of"],
    }
    show_sources(kept, settings, tz, turn)
    return kept


def main() -> None:
    # a file, not a :material/ or emoji icon: Streamlit fetches those favicons from a CDN
    st.set_page_config(page_title="Que faire ? · rag-events", page_icon=ICON, layout="wide")
    settings = get_settings()
    client = get_client(settings.api_url)
    tz = ZoneInfo(settings.timezone)
    st.session_state.setdefault("messages", [])
    filters = sidebar(settings, client)

    st.title(":material/theater_comedy: Que faire ?")
    st.caption(
        "Posez une question sur les sorties culturelles : les réponses citent en sources "
        f"les événements de l'index{held(client)}."
    )
    messages: list[dict[str, Any]] = st.session_state.messages
    for turn, message in enumerate(messages):
        with st.chat_message(message["role"]):
            if message.get("error"):
                st.error(message["error"])
            else:
                st.markdown(message["content"])
            show_sources(message, settings, tz, turn)

    question = st.chat_input("Votre question, par ex. « un spectacle pour enfants dimanche ? »")
    if not messages:
        examples = st.empty()
        with examples.container():
            for column, example in zip(st.columns(len(EXAMPLES)), EXAMPLES, strict=True):
                if column.button(example, width="stretch"):
                    question = example
        if question:
            examples.empty()
    if not question:
        return
    with st.chat_message("user"):
        st.markdown(question)
    payload = {"question": question, "history": history_payload(messages), **filters}
    messages.append({"role": "user", "content": question})
    with st.chat_message("assistant"):
        messages.append(answer(client, payload, settings, tz, len(messages)))


main()

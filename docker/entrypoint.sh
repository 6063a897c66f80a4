#!/bin/sh
# Container entrypoint: the first argument picks what runs (docs/docker.md).
#   up (default)    API + UI under supervisord; an empty data volume gets its index first
#   api             the API alone, e.g. extra replicas sharing the data volume
#   ui | streamlit  the Streamlit UI alone (`streamlit` is the name the seed project used)
#   build           one new index version (the Swarm `builder`): from the ingested events,
#                   or the demo corpus when there are none yet
#   anything else   run as a command: `docker run --rm rag-events rag ingest ...`
set -eu
mode="${1:-up}"
[ "$#" -gt 0 ] && shift
case "$mode" in
  up) exec rag up "$@" ;;
  api) exec rag serve "$@" ;;
  ui | streamlit) exec rag ui "$@" ;;
  build)
    if [ -s "${RAG_DATA_DIR:-/app/data}/processed/events.jsonl" ]; then exec rag build "$@"; fi
    exec rag demo "$@" ;;
  *) exec "$mode" "$@" ;;
esac

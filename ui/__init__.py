"""The Streamlit chat (`rag ui`) and its HTTP client for the API."""

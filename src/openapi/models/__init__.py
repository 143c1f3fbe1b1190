"""Data models: API components, per-endpoint requests/responses, and the error tree."""

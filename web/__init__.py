"""The web application: server-rendered pages for commune and province health staff (Vietnamese first)."""

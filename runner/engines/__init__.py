"""The Docker side: which engine (endpoint), what kind (profile), what it holds."""

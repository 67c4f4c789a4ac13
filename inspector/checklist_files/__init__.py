"""Checklist files (TOML, edited by clerks): reading them into the core, with file:line for every error."""

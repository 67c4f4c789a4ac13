"""The bureau staff's browser console, served by ``inspector serve`` under ``/web`` (see ``console.py``)."""

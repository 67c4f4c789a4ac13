"""The bureau server: an ASGI app (Starlette) over SQLAlchemy Core, photos on disk under their hash.

Installed with the ``server`` extra. ``app.create_app`` builds the app; ``db`` holds the schema and
its migrations; ``accounts`` the enrolment tokens; ``records`` what is uploaded and published.
"""
